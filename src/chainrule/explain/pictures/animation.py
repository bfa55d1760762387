"""Backprop in motion, as an animated GIF (Pillow) and as an HTML step-through (inline SVG).

- :func:`backward_animation`: the δ moving from the cost to the input, layer by layer — frame
  0 is the forward pass, frame 1 Step 1 at the output, one frame per hidden layer (Step 2),
  and a last frame where ∂C/∂x = W₁ᵀ δ₁ reaches the input: L + 2 frames.
- :func:`path_animation`: the book's one-path picture. Nudge one weight w by Δw: z moves at
  rate ∂z/∂w = a, a at rate σ'(z), C at rate ∂C/∂a, so ΔC ≈ a · σ'(z) · ∂C/∂a · Δw. Each frame
  nudges a little further and shows that prediction beside the change the network really makes
  (the network is re-run on the nudged weight, then restored).

Both draw each frame once against a canvas (:mod:`.canvas`), so the GIF and the page agree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html import escape

import numpy as np

from ...errors import ConfigError
from ..document.html import wrap_fragment
from ..record.notation import format_number, format_vector, sub
from ..record.trace import Trace
from ..record.trace import trace as retrace
from ..views.scalar_paths import ScalarPaths, parse_weight, weight_paths
from .canvas import DELTA, INK, MUTED, PAPER, POSITIVE, PilCanvas, SvgCanvas, mix
from .network_svg import NetworkPicture, draw_network, geometry_for, picture_of


def _vector(values) -> str:
    values = np.ravel(values)
    if values.size <= 4:
        return format_vector(values, 3)
    return f"(‖·‖ = {format_number(float(np.linalg.norm(values)), 3)})"


def stepper_html(frames: list[str], captions: list[str], label: str) -> str:
    """Frames (inline SVG) with back / play / next buttons; without script, all show."""
    body = "".join(
        f'<div class="frame" data-step="{k}" title="{escape(caption)}">{svg}</div>'
        for k, (svg, caption) in enumerate(zip(frames, captions, strict=True))
    )
    return (
        f'<div class="stepper" aria-label="{escape(label)}">'
        '<div class="controls"><button type="button" class="prev">◀ back</button>'
        '<button type="button" class="play">play</button>'
        '<button type="button" class="next">next ▶</button>'
        f'<span class="count">{len(frames)} frames</span></div>{body}</div>'
    )


def gif_bytes(images, duration_ms: int) -> bytes:
    """An animated GIF of Pillow images, looping forever."""
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=duration_ms,
        loop=0,
        disposal=2,
        optimize=False,
    )
    return buffer.getvalue()


class Animation:
    """Frames drawn on a canvas; as SVG frames, an HTML step-through, or a GIF."""

    label = "animation"
    size: tuple[float, float] = (640, 320)

    def __len__(self) -> int:
        return len(self.captions())

    def captions(self) -> list[str]:  # pragma: no cover - every animation defines it
        raise NotImplementedError

    def draw(self, canvas, k: int) -> None:  # pragma: no cover - every animation defines it
        raise NotImplementedError

    def svg_frames(self) -> list[str]:
        frames = []
        for k in range(len(self)):
            canvas = SvgCanvas(*self.size, f"frame {k + 1}: {self.captions()[k]}", "frame-svg")
            self.draw(canvas, k)
            frames.append(canvas.svg())
        return frames

    def images(self):
        images = []
        for k in range(len(self)):
            canvas = PilCanvas(*self.size)
            self.draw(canvas, k)
            images.append(canvas.image())
        return images

    def gif(self, path=None, duration_ms: int = 1100) -> bytes:
        """The animated GIF (written to ``path`` too, if given)."""
        data = gif_bytes(self.images(), duration_ms)
        if path is not None:
            with open(path, "wb") as handle:
                handle.write(data)
        return data

    def html(self) -> str:
        """The HTML step-through (a fragment; its script and styles: :mod:`..document.html`)."""
        return stepper_html(self.svg_frames(), self.captions(), self.label)

    def _repr_html_(self) -> str:
        return wrap_fragment(self.html())


# -- the δ flowing back --------------------------------------------------------------------


@dataclass
class BackwardFrame:
    caption: str
    errors_at: tuple[int, ...]
    focus: int | None
    cost_active: bool


class BackwardAnimation(Animation):
    label = "the backward pass, layer by layer"

    def __init__(self, trace: Trace, example: int = 0):
        self.trace = trace
        self.picture: NetworkPicture = picture_of(trace, example)
        self.geometry = geometry_for(self.picture)
        self.size = (max(self.geometry.width, 560), self.geometry.height + 36)
        self.frames = backward_frames(trace, example)

    def __repr__(self) -> str:
        return f"<BackwardAnimation: {len(self.frames)} frames>"

    def captions(self) -> list[str]:
        return [frame.caption for frame in self.frames]

    def draw(self, canvas, k: int) -> None:
        frame = self.frames[k]
        draw_network(
            canvas,
            self.picture,
            self.geometry,
            errors_at=frame.errors_at,
            focus=frame.focus,
            caption=frame.caption,
            cost_active=frame.cost_active,
        )
        canvas.text(
            self.size[0] - 16, self.size[1] - 14, f"{k + 1} / {len(self.frames)}", 11, MUTED, "end"
        )


def backward_frames(trace: Trace, example: int = 0) -> list[BackwardFrame]:
    """L + 2 frames: forward, Step 1, Step 2 per hidden layer, the input."""
    e = example
    layers = trace.layers
    L = len(layers)
    last = layers[-1]
    frames = [
        BackwardFrame(
            f"Forward pass: a{sub(L)} = {_vector(last.a[e])}, C = {format_number(trace.value, 4)}",
            (),
            None,
            True,
        )
    ]
    frames.append(
        BackwardFrame(
            f"Step 1: δ{sub(L)} = ∇ₐC ⊙ σ'(z{sub(L)}) = {_vector(last.delta[e])}", (L,), None, True
        )
    )
    for layer in reversed(layers[:-1]):
        l = layer.index
        frames.append(
            BackwardFrame(
                f"Step 2: δ{sub(l)} = (W{sub(l + 1)}ᵀ δ{sub(l + 1)}) ⊙ σ'(z{sub(l)}) = "
                f"{_vector(layer.delta[e])}",
                tuple(range(l, L + 1)),
                l + 1,
                False,
            )
        )
    frames.append(
        BackwardFrame(
            f"The input: ∂C/∂x = W₁ᵀ δ₁ = {_vector(trace.grad_x[e])}",
            tuple(range(0, L + 1)),
            1,
            False,
        )
    )
    return frames


def backward_animation(trace: Trace, example: int = 0) -> BackwardAnimation:
    """The δ moving from the cost to the input, layer by layer (L + 2 frames)."""
    return BackwardAnimation(trace, example)


# -- one path: nudge w ----------------------------------------------------------------------


@dataclass
class PathFrame:
    nudge: float
    predicted: list[float]  # Δ of each node along the path, by the rates
    actual: list[float]  # Δ of each node when the network is re-run


@dataclass
class PathAnimation(Animation):
    view: ScalarPaths
    values: list[float]  # each node's value before the nudge
    frames: list[PathFrame] = field(default_factory=list)
    label: str = "one path of influence"
    size: tuple[float, float] = (760, 300)

    def __repr__(self) -> str:
        return f"<PathAnimation of {self.view.weight}: {len(self.frames)} frames>"

    @property
    def path(self):
        return self.view.paths[0]

    def captions(self) -> list[str]:
        out = []
        for frame in self.frames:
            rates = " · ".join(format_number(f.value, 3) for f in self.path.factors)
            out.append(
                f"Δw = {format_number(frame.nudge, 3)}: ΔC ≈ {rates} · Δw = "
                f"{format_number(frame.predicted[-1], 3)};  the network gives ΔC = "
                f"{format_number(frame.actual[-1], 3)}"
            )
        return out

    def draw(self, canvas, k: int) -> None:
        frame = self.frames[k]
        nodes = self.path.nodes
        n = len(nodes)
        width, _ = self.size
        step = (width - 140) / max(n - 1, 1)
        xs = [70 + i * step for i in range(n)]
        top = 62
        canvas.text(
            16,
            20,
            f"Nudge {self.view.weight} by Δw: each value moves at the rate of its local derivative",
            13,
            INK,
            "start",
            bold=True,
        )
        peaks = [max(abs(f.predicted[i]) for f in self.frames) or 1.0 for i in range(n)]
        for i, node in enumerate(nodes):
            x = xs[i]
            canvas.rect(x - 44, top, 88, 46, mix(PAPER, POSITIVE, 0.08), INK, 1.2, 6)
            canvas.text(x, top + 13, str(node), 12.5, INK, bold=True)
            now = self.values[i] + frame.actual[i]
            canvas.text(x, top + 32, format_number(now, 3), 11, INK)
            if i + 1 < n:  # the arrow to the next node, labelled with its rate
                rate = self.path.factors[i]
                canvas.line(x + 46, top + 23, xs[i + 1] - 52, top + 23, MUTED, 1.5)
                canvas.polygon(
                    [
                        (xs[i + 1] - 46, top + 23),
                        (xs[i + 1] - 54, top + 18),
                        (xs[i + 1] - 54, top + 28),
                    ],
                    MUTED,
                )
                canvas.text(
                    (x + xs[i + 1]) / 2,
                    top - 8,
                    f"× {format_number(rate.value, 3)}",
                    11,
                    DELTA,
                    bold=True,
                )
                canvas.text((x + xs[i + 1]) / 2, top + 58, str(rate.meaning), 10, MUTED)
            self._bars(canvas, x, top + 76, frame, i, peaks[i])
        y = self.size[1] - 40
        canvas.rect(16, y - 7, 14, 14, PAPER, DELTA, 2, 2)
        canvas.text(36, y, "by the rates (linear)", 11, MUTED, "start")
        canvas.rect(190, y - 7, 14, 14, POSITIVE, POSITIVE, 1, 2)
        canvas.text(210, y, "re-running the network", 11, MUTED, "start")
        canvas.text(16, y + 20, self.captions()[k], 11.5, INK, "start", bold=True)

    @staticmethod
    def _bars(canvas, x: float, base_top: float, frame: PathFrame, i: int, peak: float):
        """Two bars for the node's change: predicted (outline) and actual (filled)."""
        height = 54
        mid = base_top + height
        canvas.line(x - 34, mid, x + 34, mid, MUTED, 1)
        for offset, value, filled in (
            (-12, frame.predicted[i], False),
            (12, frame.actual[i], True),
        ):
            h = min(abs(value) / peak, 1.3) * height
            y0 = mid - h if value >= 0 else mid
            canvas.rect(
                x + offset - 9,
                y0,
                18,
                max(h, 0.5),
                POSITIVE if filled else PAPER,
                POSITIVE if filled else DELTA,
                2 if not filled else 1,
                1,
            )
        canvas.text(x, mid + 14, "Δ " + format_number(frame.actual[i], 3), 10.5, INK)


def _path_values(trace: Trace, path) -> list[float]:
    """The values of the path's nodes, read from a trace."""
    values = []
    for node in path.nodes:
        if node.base == "C":
            values.append(trace.value)
        elif node.base in ("z", "a"):
            layer = trace.layer(int(node.sub))
            values.append(float(getattr(layer, node.base)[0, int(node.index)]))
        else:  # the weight itself
            layer = trace.layer(int(node.sub))
            j, *rest = (int(v) for v in node.index.split(","))
            values.append(float(layer.W[j, rest[0]] if node.base == "W" else layer.b[j]))
    return values


def path_animation(
    trace: Trace, weight: str | None = None, frames: int = 9, nudge: float = 0.5
) -> PathAnimation:
    """The one-path animation for ``weight`` (default: the last layer's W[0,0]), ``frames``
    nudges from 0 to ``nudge``."""
    if not trace.supported:
        raise ConfigError(f"the path animation needs a network of Dense layers: {trace.note}")
    if trace.batch != 1:
        raise ConfigError("the path animation follows one example; trace a single example")
    if frames < 2:
        raise ConfigError(f"the path animation needs at least 2 frames, got {frames}")
    last = trace.layers[-1]
    weight = weight or f"W{last.index}[0,0]"
    view = weight_paths(trace, weight)
    if len(view.paths) != 1:
        raise ConfigError(
            f"{weight} reaches the cost along {len(view.paths)} paths; the "
            f"one-path animation needs a weight with a single path, such as "
            f"W{last.index}[0,0] in the last layer"
        )
    layer, kind, j, i = parse_weight(trace, weight)
    params = dict(trace.network.named_parameters())
    param = params[f"{layer.param_prefix}.{kind}"]
    index = (j, i) if kind == "W" else (j,)
    path = view.paths[0]
    values = _path_values(trace, path)
    animation = PathAnimation(view, values)
    for k in range(frames):
        dw = nudge * k / (frames - 1)
        predicted = [dw]
        for factor in path.factors:
            predicted.append(predicted[-1] * factor.value)
        saved = float(param.data[index])
        param.data[index] = saved + dw
        try:
            nudged = retrace(trace.network, trace.x, trace.cost_record.y, trace.cost)
        finally:
            param.data[index] = saved
        actual = [new - old for new, old in zip(_path_values(nudged, path), values, strict=True)]
        animation.frames.append(PathFrame(dw, predicted, actual))
    return animation
