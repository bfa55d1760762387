"""The network diagram: units in columns, weights as lines coloured by sign (blue w > 0, red
w < 0) and as wide as their magnitude; with a trace, each unit shows its activation and, where
asked, its δ (an orange ring as thick as |δ|). Drawn on either canvas, so the animation's GIF
frames and the page's SVG are the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import ConfigError
from ...nn import Module
from ...wording import plural
from ..record.notation import format_number, sub
from ..record.trace import Trace, flatten_modules, group_layers
from .canvas import DELTA, INK, MUTED, NEGATIVE, PAPER, POSITIVE, VALUE, SvgCanvas, mix
from .layout import NetworkGeometry, network_geometry


@dataclass
class NetworkPicture:
    """What the diagram shows, read from a network or a trace."""

    sizes: list[int]
    weights: list[np.ndarray]  # W_l, (n_l, n_{l−1})
    activations: list[str]
    values: list[np.ndarray] | None = None  # per column: x, a₁, …, a_L (one example)
    errors: list[np.ndarray] | None = None  # per column: ∂C/∂x, δ₁, …, δ_L
    grads: list[np.ndarray] | None = None  # ∂C/∂W_l
    cost: float | None = None


def picture_of(source, example: int = 0) -> NetworkPicture:
    """The picture of a :class:`Trace` (with its numbers) or of a network (weights only)."""
    if isinstance(source, Trace):
        if not source.supported:
            raise ConfigError(f"the network diagram needs Dense layers: {source.note}")
        layers = source.layers
        return NetworkPicture(
            source.sizes,
            [layer.W for layer in layers],
            [layer.activation for layer in layers],
            [source.x[example]] + [layer.a[example] for layer in layers],
            [source.grad_x[example]] + [layer.delta[example] for layer in layers],
            [layer.dW for layer in layers],
            source.value,
        )
    if isinstance(source, Module):
        modules = flatten_modules(source)
        groups, note = group_layers(modules)
        if not groups:
            raise ConfigError(f"the network diagram needs Dense layers: {note}")
        dense = [modules[d][1] for d, _, _ in groups]
        return NetworkPicture(
            [dense[0].in_features] + [d.out_features for d in dense],
            [d.W.data for d in dense],
            [act for _, _, act in groups],
        )
    raise ConfigError(f"cannot draw a {type(source).__name__}: give a network or a trace")


#: The column headers' lines ("layer 1 · sigmoid", "4 units") and where the second ends.
HEADER_Y, UNITS_Y, HEADER_BOTTOM = 20, 38, 45
#: The room a unit takes above its centre: its radius, the δ ring (4 out, up to 5.2 wide).
RING_REACH = 4 + 2.6


def geometry_for(picture: NetworkPicture, max_units: int = 10) -> NetworkGeometry:
    """Where the units go: the first row clear of the headers by 8 px, ring and all."""
    radius = 17
    return network_geometry(
        picture.sizes,
        max_units,
        radius=radius,
        top=HEADER_BOTTOM + 8 + radius + RING_REACH,
        unit_gap=66 if picture.errors is not None else 54,
        below=92 if picture.errors is not None else 78,
        extra_right=110 if picture.cost is not None else 0,
    )


def _short(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 100 else f"{value:.0e}"


def _cost_box(geo: NetworkGeometry) -> tuple[float, float]:
    column = geo.ys[-1]
    return geo.xs[-1] + 118, (column[0] + column[-1]) / 2


def draw_network(
    canvas,
    picture: NetworkPicture,
    geo: NetworkGeometry,
    *,
    errors_at=(),
    focus: int | None = None,
    caption: str = "",
    cost_active: bool = False,
) -> None:
    """Draw the diagram; ``errors_at``: the columns whose δ (or ∂C/∂x at 0) is shown;
    ``focus``: the layer whose weights carry the δ just now (others fade)."""
    L = len(picture.weights)
    wmax = max(float(np.max(np.abs(W), initial=0.0)) for W in picture.weights) or 1.0
    for l in range(1, L + 1):
        W = picture.weights[l - 1]
        fade = 0.22 if focus is not None and focus != l else 0.8
        for j, xj, yj in geo.shown(l):
            for i, xi, yi in geo.shown(l - 1):
                w = float(W[j, i])
                title = f"W{sub(l)}[{j},{i}] = {format_number(w)}"
                if picture.grads is not None:
                    title += f",  ∂C/∂W = {format_number(float(picture.grads[l - 1][j, i]))}"
                canvas.line(
                    xi + geo.radius,
                    yi,
                    xj - geo.radius,
                    yj,
                    POSITIVE if w >= 0 else NEGATIVE,
                    0.6 + 5.4 * abs(w) / wmax,
                    fade,
                    title=title,
                    cls="weight",
                )
    if picture.cost is not None:
        cx, cy = _cost_box(geo)
        for _, x, y in geo.shown(L):
            canvas.line(x + geo.radius, y, cx - 38, cy, MUTED, 1.2, 0.8)
        canvas.rect(
            cx - 38,
            cy - 18,
            76,
            36,
            mix(PAPER, DELTA, 0.25 if cost_active else 0.06),
            DELTA if cost_active else INK,
            2.0 if cost_active else 1.0,
            6,
            title=f"C = {format_number(picture.cost, 6)}",
            cls="cost",
        )
        canvas.text(cx, cy, f"C = {_short(picture.cost)}", 12, INK, bold=True)
    _units(canvas, picture, geo, errors_at)
    _headers(canvas, picture, geo)
    _legend(canvas, picture, geo, caption)


def _units(canvas, picture: NetworkPicture, geo: NetworkGeometry, errors_at) -> None:
    emax = 1.0
    if picture.errors is not None and errors_at:
        emax = max(float(np.max(np.abs(picture.errors[c]), initial=0.0)) for c in errors_at) or 1.0
    for column in range(len(picture.sizes)):
        for unit, y in zip(geo.units[column], geo.ys[column], strict=True):
            x = geo.xs[column]
            if unit is None:
                canvas.text(x, y, "⋮", 18, MUTED)
                continue
            label, fill = str(unit), PAPER
            if picture.values is not None:
                v = float(picture.values[column][unit])
                label, fill = _short(v), mix(PAPER, VALUE, min(abs(v), 1.0))
            name = "x" if column == 0 else f"a{sub(column)}"
            canvas.circle(
                x, y, geo.radius, fill, INK, 1.2, title=f"{name}[{unit}] = {label}", cls="unit"
            )
            canvas.text(x, y, label, 10 if len(label) > 4 else 11, INK)
            if picture.errors is not None and column in errors_at:
                e = float(picture.errors[column][unit])
                canvas.circle(
                    x, y, geo.radius + 4, "none", DELTA, 1.2 + 4.0 * abs(e) / emax, cls="delta"
                )
                text = ("∂C/∂x " if column == 0 else "δ ") + format_number(e, 3)
                width = 6.4 * len(text)
                canvas.rect(x - width / 2, y + geo.radius + 7, width, 15, PAPER, PAPER, 0.1, 3)
                canvas.text(x, y + geo.radius + 14.5, text, 10.5, DELTA, bold=True)


def _headers(canvas, picture: NetworkPicture, geo: NetworkGeometry) -> None:
    for column, n in enumerate(picture.sizes):
        x = geo.xs[column]
        if column == 0:
            title = "input x = a₀"
        else:
            title = f"layer {column} · {picture.activations[column - 1]}"
        canvas.text(x, HEADER_Y, title, 12.5, INK, bold=True)
        canvas.text(x, UNITS_Y, plural(n, "unit", grouped=True), 10.5, MUTED)


def _legend(canvas, picture: NetworkPicture, geo: NetworkGeometry, caption: str) -> None:
    y = geo.bottom + (52 if picture.errors is not None else 40)
    x = 16
    canvas.line(x, y, x + 26, y, POSITIVE, 3)
    canvas.text(x + 32, y, "w > 0", 11, MUTED, "start")
    canvas.line(x + 80, y, x + 106, y, NEGATIVE, 3)
    canvas.text(x + 112, y, "w < 0   (line width ∝ |w|)", 11, MUTED, "start")
    if picture.errors is not None:
        canvas.circle(x + 290, y, 7, "none", DELTA, 2.5)
        canvas.text(x + 303, y, "δ = ∂C/∂z, ring width ∝ |δ|", 11, MUTED, "start")
    if caption:
        canvas.text(16, y + 24, caption, 12.5, INK, "start", bold=True)


def network_svg(source, example: int = 0, errors: bool = True, max_units: int = 10) -> str:
    """The network diagram as an inline SVG (see the module's docstring)."""
    picture = picture_of(source, example)
    geo = geometry_for(picture, max_units)
    canvas = SvgCanvas(max(geo.width, 480), geo.height + 8, "network diagram", "network")
    columns = tuple(range(len(picture.sizes))) if errors and picture.errors is not None else ()
    draw_network(canvas, picture, geo, errors_at=columns)
    return canvas.svg()
