"""Dynamic programming, measured: why backprop is linear in depth and the naive way quadratic.

Four ways to get every ∂C/∂W of a sigmoid network of ``depth`` square layers ``width`` wide
(C = ½‖a − y‖², one example, weights only), each run for real on NumPy with every scalar
multiplication counted (a multiply-add counts one):

    backprop              δ_L once, then δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l), reusing δ_{l+1}
    recompute each chain  for every layer l, the chain ∇ₐC ⊙ σ'(z_L) · W_L ⋯ from the cost
                          down to l again, from scratch (nothing reused)
    finite differences    two forward passes per weight: (C(w + ε) − C(w − ε)) / 2ε
    forward mode          one tangent per weight, pushed forward from its layer to C

Per example, with P = depth · width² weights, the counts are

    backprop     3·D·n² + O(D·n)                      linear in depth
    recompute    D·n² + D(D−1)/2 · (n² + n) + …       quadratic in depth
    finite diff  2P · (D·n² + n)                      ~ 2 D² n⁴
    forward      P · (D−l) (n² + n) summed over l     ~ D² n⁴ / 2

(:func:`expected_macs` gives them exactly; the tests check the counters against them).
Times are measured with ``time.perf_counter`` (best of a few runs).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import expit

from ...checkpoint.atomic import atomic_write_bytes
from ...errors import ConfigError
from ...optional import require
from ..document.display import DocumentDisplay
from ..document.model import Document, Figure, Note, Prose, Section, Table

METHODS = ("backprop", "recompute each chain", "finite differences", "forward mode")


class MacCounter:
    """NumPy products that count their scalar multiplications."""

    def __init__(self):
        self.count = 0

    def matvec(self, W: np.ndarray, v: np.ndarray) -> np.ndarray:
        self.count += W.size
        return W @ v

    def vecmat(self, v: np.ndarray, W: np.ndarray) -> np.ndarray:
        """vᵀ W: the book's Wᵀδ, as a row."""
        self.count += W.size
        return v @ W

    def hadamard(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        self.count += u.size
        return u * v

    def outer(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        self.count += u.size * v.size
        return np.outer(u, v)

    def dot(self, u: np.ndarray, v: np.ndarray) -> float:
        self.count += u.size
        return float(u @ v)


@dataclass
class Problem:
    """A square sigmoid network, one example and its target."""

    weights: list[np.ndarray]
    x: np.ndarray
    y: np.ndarray

    @classmethod
    def random(cls, depth: int, width: int, seed: int = 0) -> Problem:
        rng = np.random.default_rng(seed)
        scale = 1.0 / np.sqrt(width)
        weights = [rng.standard_normal((width, width)) * scale for _ in range(depth)]
        return cls(weights, rng.standard_normal(width), rng.random(width))

    @property
    def parameters(self) -> int:
        return sum(W.size for W in self.weights)


def forward(p: Problem, k: MacCounter) -> list[np.ndarray]:
    """The activations a₀ = x, a₁, …, a_L (z = W a, a = σ(z))."""
    acts = [p.x]
    for W in p.weights:
        acts.append(expit(k.matvec(W, acts[-1])))
    return acts


def cost(p: Problem, k: MacCounter) -> float:
    diff = forward(p, k)[-1] - p.y
    return 0.5 * k.dot(diff, diff)


def _slopes(acts: list[np.ndarray], k: MacCounter) -> list[np.ndarray]:
    """σ'(z_l) = a_l(1 − a_l) for l = 1 … L."""
    return [k.hadamard(a, 1 - a) for a in acts[1:]]


def backprop(p: Problem, k: MacCounter) -> list[np.ndarray]:
    """Reverse mode with reuse: each δ_l is computed once, from δ_{l+1}."""
    acts = forward(p, k)
    slopes = _slopes(acts, k)
    L = len(p.weights)
    grads: list[np.ndarray] = [np.empty(0)] * L
    delta = k.hadamard(acts[-1] - p.y, slopes[-1])
    grads[-1] = k.outer(delta, acts[-2])
    for l in range(L - 2, -1, -1):
        delta = k.hadamard(k.vecmat(delta, p.weights[l + 1]), slopes[l])
        grads[l] = k.outer(delta, acts[l])
    return grads


def recompute_each_chain(p: Problem, k: MacCounter) -> list[np.ndarray]:
    """Reverse mode without reuse: each layer's δ from the cost down, from scratch."""
    acts = forward(p, k)
    slopes = _slopes(acts, k)
    L = len(p.weights)
    grads = []
    for l in range(L):
        delta = k.hadamard(acts[-1] - p.y, slopes[-1])
        for m in range(L - 1, l, -1):
            delta = k.hadamard(k.vecmat(delta, p.weights[m]), slopes[m - 1])
        grads.append(k.outer(delta, acts[l]))
    return grads


def finite_differences(p: Problem, k: MacCounter, eps: float = 1e-6) -> list[np.ndarray]:
    """Central differences: two forward passes per weight."""
    grads = []
    for W in p.weights:
        g = np.empty_like(W)
        for index in np.ndindex(W.shape):
            saved = W[index]
            W[index] = saved + eps
            up = cost(p, k)
            W[index] = saved - eps
            down = cost(p, k)
            W[index] = saved
            g[index] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def forward_mode(p: Problem, k: MacCounter) -> list[np.ndarray]:
    """One tangent per weight w = W_l[j, i]: ż_l = a_{l−1}[i] e_j, pushed forward to Ċ."""
    acts = forward(p, k)
    slopes = _slopes(acts, k)
    L = len(p.weights)
    residual = acts[-1] - p.y
    grads = []
    for l, W in enumerate(p.weights):
        g = np.empty_like(W)
        for j, i in np.ndindex(W.shape):
            dz = np.zeros(W.shape[0])
            dz[j] = acts[l][i]
            k.count += 1
            da = k.hadamard(dz, slopes[l])
            for m in range(l + 1, L):
                da = k.hadamard(k.matvec(p.weights[m], da), slopes[m])
            g[j, i] = k.dot(residual, da)
        grads.append(g)
    return grads


RUNNERS: dict[str, Callable[[Problem, MacCounter], list[np.ndarray]]] = {
    "backprop": backprop,
    "recompute each chain": recompute_each_chain,
    "finite differences": finite_differences,
    "forward mode": forward_mode,
}


def expected_macs(method: str, depth: int, width: int) -> int:
    """The exact count of each method (see the module's docstring)."""
    D, n = depth, width
    fwd, slopes = D * n * n, D * n
    if method == "backprop":
        return fwd + slopes + n + (D - 1) * (n * n + n) + D * n * n
    if method == "recompute each chain":
        return fwd + slopes + D * (n + n * n) + (n * n + n) * D * (D - 1) // 2
    if method == "finite differences":
        return 2 * D * n * n * (fwd + n)
    if method == "forward mode":
        return fwd + slopes + n * n * (D * (2 * n + 1) + (n * n + n) * D * (D - 1) // 2)
    raise KeyError(method)


@dataclass
class Measurement:
    method: str
    depth: int
    width: int
    macs: int
    seconds: float
    max_error: float  # max |∂C/∂W − backprop's| over all weights


@dataclass
class DPTable(DocumentDisplay):
    """Measurements over a sweep of depths (at one width) and of widths (at one depth)."""

    depth_sweep: list[Measurement] = field(default_factory=list)
    width_sweep: list[Measurement] = field(default_factory=list)
    fixed_width: int = 8
    fixed_depth: int = 4

    def document(self, plot_svg: str = "") -> Document:
        return dp_document(self, plot_svg)

    def plot(self, path=None, fmt: str | None = None):
        """Draw the four panels (counts and times against depth and width) with matplotlib;
        save to ``path`` (format from its suffix) or return the SVG text."""
        return plot_table(self, path, fmt)

    def to_json(self) -> dict:
        def rows(sweep):
            return [vars(m) for m in sweep]

        return {
            "fixed_width": self.fixed_width,
            "fixed_depth": self.fixed_depth,
            "depth_sweep": rows(self.depth_sweep),
            "width_sweep": rows(self.width_sweep),
        }


def measure(
    method: str, depth: int, width: int, seed: int = 0, budget: float = 0.05
) -> Measurement:
    """Run one method, count its multiply-adds, time it (best of runs within ``budget`` s)."""
    problem = Problem.random(depth, width, seed)
    reference = backprop(problem, MacCounter())
    counter = MacCounter()
    start = time.perf_counter()
    grads = RUNNERS[method](problem, counter)
    best = time.perf_counter() - start
    spent = best
    for _ in range(4):
        if spent > budget:
            break
        begin = time.perf_counter()
        RUNNERS[method](problem, MacCounter())
        elapsed = time.perf_counter() - begin
        best, spent = min(best, elapsed), spent + elapsed
    error = max(float(np.max(np.abs(g - r))) for g, r in zip(grads, reference, strict=True))
    return Measurement(method, depth, width, counter.count, best, error)


#: The largest network the measurements build (depth 128 takes ~10 s, width 256 a minute).
MAX_DEPTH, MAX_WIDTH = 128, 128


def compare(
    depths=(1, 2, 4, 8, 16, 32),
    widths=(2, 4, 8, 16, 32),
    fixed_width: int = 8,
    fixed_depth: int = 4,
    methods=METHODS,
    seed: int = 0,
) -> DPTable:
    """Measure every method over the two sweeps (depths up to :data:`MAX_DEPTH`, widths up to
    :data:`MAX_WIDTH`: the naive methods' time grows as depth² · width³)."""
    for depth in [*depths, fixed_depth]:
        if not 1 <= depth <= MAX_DEPTH:
            raise ConfigError(f"dp: a depth must lie in 1 … {MAX_DEPTH}, got {depth}")
    for width in [*widths, fixed_width]:
        if not 1 <= width <= MAX_WIDTH:
            raise ConfigError(f"dp: a width must lie in 1 … {MAX_WIDTH}, got {width}")
    table = DPTable(fixed_width=fixed_width, fixed_depth=fixed_depth)
    for depth in depths:
        table.depth_sweep += [measure(m, depth, fixed_width, seed) for m in methods]
    for width in widths:
        table.width_sweep += [measure(m, fixed_depth, width, seed) for m in methods]
    return table


def _seconds(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


SHORT = {
    "backprop": "backprop",
    "recompute each chain": "recompute",
    "finite differences": "finite diff",
    "forward mode": "forward mode",
}


def _sweep_tables(sweep: list[Measurement], key: str) -> list[Table]:
    """Two tables: multiply-adds (with the count ratio recompute ÷ backprop) and measured
    times (with the time ratio recompute ÷ backprop)."""
    methods = list(dict.fromkeys(m.method for m in sweep))
    groups: dict[int, dict[str, Measurement]] = {}
    for m in sweep:
        groups.setdefault(getattr(m, key), {})[m.method] = m
    ratio = "backprop" in methods and "recompute each chain" in methods
    count_rows, time_rows = [], []
    for value, by_method in groups.items():
        sample = next(iter(by_method.values()))
        row = [str(value), f"{sample.depth * sample.width**2:,}"]
        row += [f"{by_method[name].macs:,}" for name in methods]
        times = [str(value)] + [_seconds(by_method[name].seconds) for name in methods]
        if ratio:
            naive, fast = by_method["recompute each chain"], by_method["backprop"]
            row.append(f"{naive.macs / fast.macs:.2f}")
            times.append(f"{naive.seconds / fast.seconds:.2f}" if fast.seconds > 0 else "—")
        count_rows.append(row)
        time_rows.append(times)
    headers = [SHORT.get(name, name) for name in methods]
    counts = Table(
        [key, "weights"] + headers + (["count ratio"] if ratio else []),
        count_rows,
        [True] * (len(headers) + 2 + ratio),
    )
    times = Table(
        [key] + headers + (["time ratio"] if ratio else []),
        time_rows,
        [True] * (len(headers) + 1 + ratio),
    )
    return [counts, times]


def _growth(sweep: list[Measurement], key: str, field_name: str) -> list[str]:
    """How each method's multiply-add count (``field_name`` "macs") or measured time
    ("seconds") grows from the second-largest to the largest sweep value, labelled as such."""
    values = sorted({getattr(m, key) for m in sweep})
    if len(values) < 2:
        return []
    lo, hi = values[-2], values[-1]
    lines = []
    for name in dict.fromkeys(m.method for m in sweep):
        a = next(m for m in sweep if m.method == name and getattr(m, key) == lo)
        b = next(m for m in sweep if m.method == name and getattr(m, key) == hi)
        before, after = getattr(a, field_name), getattr(b, field_name)
        lines.append(f"{name} ×{after / before:.2f}" if before > 0 else f"{name} —")
    what = "multiply-add count ratio" if field_name == "macs" else "measured time ratio"
    return [f"{what}, {key} {lo} → {hi} (×{hi / lo:g}): " + ", ".join(lines)]


def dp_document(table: DPTable, plot_svg: str = "") -> Document:
    doc = Document(
        "Dynamic programming, measured",
        [
            ("network", "square sigmoid layers, C = ½‖a − y‖², one example"),
            ("counted", "scalar multiplications (a multiply-add counts one)"),
        ],
    )
    section = doc.add(Section("Backprop against the naive ways", key="dp"))
    section.add(
        Prose(
            "Backprop computes each δ once and reuses it for the layer below. "
            "Recomputing each layer's chain from the cost down does the same products "
            "again and again: quadratic in depth. Finite differences and forward mode "
            "pay a whole pass per weight."
        )
    )
    section.add(
        Prose(
            "Multiply-adds for D layers of width n: backprop 3·D·n² + O(D·n); "
            "recomputing each chain D·n² + D(D − 1)/2 · (n² + n) + O(D·n²); finite "
            "differences 2·D·n² · (D·n² + n); forward mode about D²·n⁴/2."
        )
    )
    for sweep, key, fixed in [
        (table.depth_sweep, "depth", f"width n = {table.fixed_width}"),
        (table.width_sweep, "width", f"depth D = {table.fixed_depth}"),
    ]:
        if not sweep:
            continue
        counts, times = _sweep_tables(sweep, key)
        section.add(
            Prose(
                f"Multiply-adds as the {key} grows ({fixed}; count ratio: "
                "recompute's multiply-adds ÷ backprop's):"
            ),
            counts,
            *map(Note, _growth(sweep, key, "macs")),
            Prose(
                f"Measured time as the {key} grows (best of a few runs; time ratio: "
                "recompute's time ÷ backprop's):"
            ),
            times,
            *map(Note, _growth(sweep, key, "seconds")),
        )
    worst = max(
        (
            m.max_error
            for m in table.depth_sweep + table.width_sweep
            if m.method != "finite differences"
        ),
        default=0.0,
    )
    fd = max(
        (
            m.max_error
            for m in table.depth_sweep + table.width_sweep
            if m.method == "finite differences"
        ),
        default=0.0,
    )
    section.add(
        Note(
            f"every method gives the same gradients: exact methods within "
            f"{worst:.1e} of backprop, finite differences within {fd:.1e}",
            "ok" if worst < 1e-9 else "fail",
        )
    )
    if plot_svg:
        section.add(
            Figure("multiply-adds and time against depth and width (log scales)", svg=plot_svg)
        )
    return doc


def plot_table(table: DPTable, path=None, fmt: str | None = None):
    """Four panels: counts and times against depth and width, one line per method."""
    matplotlib = require("matplotlib", "the dp plot")
    matplotlib.use("Agg", force=False)
    plt = require("matplotlib.pyplot", "the dp plot")

    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), constrained_layout=True)
    for col_index, (sweep, key, fixed) in enumerate(
        [
            (table.depth_sweep, "depth", f"width {table.fixed_width}"),
            (table.width_sweep, "width", f"depth {table.fixed_depth}"),
        ]
    ):
        for row_index, (field_name, label) in enumerate(
            [("macs", "multiply-adds"), ("seconds", "time (s)")]
        ):
            ax = axes[row_index][col_index]
            for name in dict.fromkeys(m.method for m in sweep):
                points = [
                    (getattr(m, key), getattr(m, field_name)) for m in sweep if m.method == name
                ]
                ax.plot(*zip(*points, strict=True), marker="o", label=name)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xlabel(f"{key} ({fixed})")
            ax.set_ylabel(label)
            ax.grid(True, which="major", alpha=0.3)
    axes[0][0].legend(fontsize=9)
    fig.suptitle("Backprop reuses each δ: linear in depth; the naive ways are not")
    if path is not None:
        path = Path(path)
        image = io.BytesIO()
        fig.savefig(image, format=fmt or path.suffix.lstrip(".").lower() or "png")
        plt.close(fig)
        atomic_write_bytes(path, image.getvalue())  # never half a picture under its name
        return path
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]
