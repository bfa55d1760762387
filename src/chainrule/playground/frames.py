"""What a frame draws of the network over its input space, on plain arrays (no recording).

The grid is read through the book's layers (:func:`chainrule.nn.read_layers`, Dropout left
out: it is off when the network is shown), each layer z_l = W_l a_{l−1} + b_l then
a_l = σ_l(z_l) with the same primitives as the lean no-grad forward
(:mod:`chainrule.nn.lean`), keeping every a_l for the unit thumbnails.

- the boundary of a plane: a G×G grid over the extent, first row at y_max; per cell the
  predicted class (argmax of the outputs) and its confidence (the softmax probability for ce;
  the output clipped to [0, 1] for mse), both as uint8 bytes in base64;
- each hidden unit's thumbnail: a g×g grid of a_l[j], as bytes
  round(255·(clip(a) − lo)/(hi − lo)) with [lo, hi] σ's range ([−1, 1] tanh, [0, 1] sigmoid)
  or, for unbounded σ, the layer's smallest and largest value on the grid;
- the curve of a regression on a line: the output at 200 points of the x range;

and :func:`frame_message`, the frame a run sends: these pictures, the losses and their
history, every layer's W, b, the last step's ∂C/∂W, ∂C/∂b, and the probe example's a and δ.
"""

from __future__ import annotations

import base64
import weakref

import numpy as np

from ..nn import Dense, Dropout, read_layers
from ..ops.linear import affine
from .features import feature_matrix

BOUNDARY_SIZE = 80
UNIT_SIZE = 32
#: thumbnails of a network with more hidden units than this are drawn smaller (24 × 24)
MANY_UNITS = 32
SMALL_UNIT_SIZE = 24
CURVE_POINTS = 200
#: multiply-adds per layer of one block of rows (OpenBLAS keeps a product this small on the
#: calling thread)
BLOCK_WORK = 1 << 17
#: σ's range for the thumbnails' colour scale (others: the layer's own range on the grid)
BOUNDED = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


def layer_values(net, X: np.ndarray) -> list[np.ndarray]:
    """[a_1, …, a_L] of the rows of ``X`` (float, (n, n₀)), with dropout off.

    The rows go through in blocks of at most ``BLOCK_WORK`` multiply-adds per layer: OpenBLAS
    spreads a larger product over threads, and on a busy machine those threads wait for cores
    (an 80 × 80 grid through 16 × 16 layers measured 30 times slower in one piece)."""
    network = _book_layers(net)
    dtype = network.layers[0].dense.W.data.dtype
    widest = max(layer.dense.in_features * layer.dense.out_features for layer in network.layers)
    rows = max(16, BLOCK_WORK // widest)
    blocks = [_forward(network, X[i : i + rows].astype(dtype)) for i in range(0, len(X), rows)]
    if not blocks:
        return [np.zeros((0, layer.dense.out_features), dtype) for layer in network.layers]
    return [np.concatenate(parts) for parts in zip(*blocks, strict=True)]


_read: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _book_layers(net):
    """The network read as the book's layers, Dropout left out (kept while its layers stay)."""
    cached = _read.get(net)
    if cached is None or cached[0] != net.layers:
        layers = list(net.layers)
        cached = _read[net] = (
            layers,
            read_layers([m for m in layers if not isinstance(m, Dropout)]),
        )
    return cached[1]


def _forward(network, a: np.ndarray) -> list[np.ndarray]:
    values = []
    with np.errstate(all="ignore"):
        for layer in network.layers:
            dense = layer.dense
            a = affine.forward(a, dense.W.data, None if dense.b is None else dense.b.data)
            if layer.activation is not None:
                a = layer.activation.array_forward(a)
            values.append(a)
    return values


def grid_points(extent, size: int) -> np.ndarray:
    """(size², 2) points of a size×size grid over [xmin, xmax] × [ymin, ymax], row-major,
    first row at y_max."""
    xmin, xmax, ymin, ymax = extent
    xs = np.linspace(xmin, xmax, size)
    ys = np.linspace(ymax, ymin, size)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def as_bytes(values: np.ndarray, lo: float, hi: float) -> str:
    """base64 of the uint8 round(255·(clip(v) − lo)/(hi − lo)) (non-finite values: 0)."""
    with np.errstate(all="ignore"):
        scaled = (np.clip(values, lo, hi) - lo) * (255.0 / (hi - lo))
        scaled = np.where(np.isfinite(scaled), scaled, 0.0)
    return base64.b64encode(np.round(scaled).astype(np.uint8).tobytes()).decode("ascii")


def probabilities(outputs: np.ndarray, cost_name: str) -> np.ndarray:
    """The class probabilities shown: softmax of the logits (ce), the outputs clipped (mse)."""
    with np.errstate(all="ignore"):
        if cost_name == "ce":
            shifted = outputs - outputs.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            return e / e.sum(axis=1, keepdims=True)
        return np.clip(outputs, 0.0, 1.0)


def boundary(net, data, cost_name: str, size: int = BOUNDARY_SIZE) -> dict:
    """The boundary field of a plane's frame."""
    points = grid_points(data.extent, size)
    outputs = layer_values(net, feature_matrix(points, data.point_features))[-1]
    with np.errstate(all="ignore"):
        p = probabilities(outputs.astype(np.float64), cost_name)
    best = np.argmax(np.where(np.isfinite(outputs), outputs, -np.inf), axis=1)
    confidence = p[np.arange(len(p)), best]
    return {
        "size": size,
        "extent": list(data.extent),
        "classes": len(data.classes),
        "class": base64.b64encode(best.astype(np.uint8).tobytes()).decode("ascii"),
        "confidence": as_bytes(confidence, 0.0, 1.0),
    }


def curve(net, data, points: int = CURVE_POINTS) -> dict:
    """The boundary field of a regression on a line: the network's output along x."""
    xs = np.linspace(data.extent[0], data.extent[1], points)
    ys = layer_values(net, xs.reshape(-1, 1))[-1][:, 0].astype(np.float64)
    return {"curve": {"x": np.round(xs, 6).tolist(), "y": finite_list(ys)}}


def unit_images(net, data, activation: str, size: int | None = None) -> list[dict]:
    """Each hidden layer's thumbnails: a_l[j] over the plane, one image per unit (32 × 32, or
    24 × 24 for more than 32 hidden units)."""
    if size is None:
        dense = [m for m in net.layers if isinstance(m, Dense)]
        hidden = sum(layer.out_features for layer in dense[:-1])
        size = UNIT_SIZE if hidden <= MANY_UNITS else SMALL_UNIT_SIZE
    points = grid_points(data.extent, size)
    hidden = layer_values(net, feature_matrix(points, data.point_features))[:-1]
    layers = []
    for values in hidden:
        with np.errstate(all="ignore"):
            finite = values[np.isfinite(values)]
        if activation in BOUNDED:
            lo, hi = BOUNDED[activation]
        else:
            lo = float(finite.min()) if finite.size else 0.0
            hi = float(finite.max()) if finite.size else 1.0
            if not hi > lo:
                lo, hi = lo - 0.5, hi + 0.5
        layers.append(
            {
                "range": [lo, hi],
                "size": size,
                "images": [as_bytes(values[:, j], lo, hi) for j in range(values.shape[1])],
            }
        )
    return layers


def finite_list(values) -> list | float | None:
    """``values`` as nested lists of floats, with None for NaN and ±inf (JSON has neither).

    Each number is written with the fewest digits that give back its float32 value (0.1, not
    0.10000000149011612): the network computes in float32, and a frame is half the size."""
    array = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        fits = np.abs(array) <= np.finfo(np.float32).max
        short = np.where(fits, array, 0.0).astype(np.float32).astype(str).astype(np.float64)
    array = np.where(fits, short, array)
    if array.ndim == 0:
        v = float(array)
        return v if np.isfinite(v) else None
    if np.isfinite(array).all():
        return array.tolist()
    return np.where(np.isfinite(array), array, None).tolist()


# -- the frame message ------------------------------------------------------------------------


def _grad(parameter) -> np.ndarray:
    """The last step's gradient of a parameter (zeros before the first step)."""
    grad = parameter.grad
    return np.zeros_like(parameter.data) if grad is None else np.asarray(grad)


def _layers(run, tr) -> list[dict]:
    """Per Dense layer l: W, b now; dW, db of the last step's batch; a^(l), δ^(l) of the probe
    example at the current weights (``tr``, its trace; None when the weights are not finite)."""
    layers = []
    for i, dense in enumerate(run.dense):
        record = tr.layers[i] if tr is not None else None
        layers.append(
            {
                "W": finite_list(dense.W.data),
                "b": finite_list(dense.b.data),
                "dW": finite_list(_grad(dense.W)),
                "db": finite_list(_grad(dense.b)),
                "a": finite_list(record.a[0]) if record is not None else None,
                "delta": finite_list(record.delta[0]) if record is not None else None,
            }
        )
    return layers


def _probe(run) -> dict:
    """The probe example: its raw input, label, output, probabilities and prediction."""
    index, split = run.probe_at
    raw, _, y = run.dataset.split(split)
    out = run.outputs(run.split_data(split).X[index : index + 1])[0]
    result = {
        "index": index,
        "split": split,
        "x": finite_list(raw[index]),
        "y": y[index].item() if y.ndim == 1 else float(y[index, 0]),
        "output": finite_list(out),
    }
    if run.dataset.task == "classification":
        p = probabilities(out[None, :].astype(np.float64), run.settings.cost)
        result["probabilities"] = finite_list(p[0])
        result["predicted"] = int(np.argmax(out)) if np.isfinite(out).all() else None
    else:
        result["predicted"] = finite_list(out[0])
    return result


def _history(rows: list[list], start: int) -> dict:
    """History rows [step, epoch, train loss, test loss, train acc, test acc] from ``start``,
    the losses written as every number of a frame is."""
    if not rows:
        return {"from": start, "rows": []}
    losses = finite_list(np.array([[r[2], r[3]] for r in rows], dtype=np.float64))
    return {
        "from": start,
        "rows": [[r[0], r[1], a, b, r[4], r[5]] for r, (a, b) in zip(rows, losses, strict=True)],
    }


def frame_message(run, history_from: int, most_rows: int) -> dict:
    """The frame of ``run`` (a :class:`.run.PlaygroundRun`), measured at its current step."""
    last = run.history[-1]
    finite = all(np.isfinite(p.data).all() for p in run.net.parameters())
    d = run.dataset
    boundary_field, units = None, []
    if finite and d.kind == "plane":
        boundary_field = boundary(run.net, d, run.settings.cost)
        units = unit_images(run.net, d, run.settings.activation)
    elif finite and d.kind == "line":
        boundary_field = curve(run.net, d)
    tr = run.probe_trace() if finite else None
    start = max(0, min(int(history_from), len(run.history)))
    return {
        "step": run.steps,
        "epoch": run.epoch,
        "stopped": run.stopped,
        "loss": {"train": finite_list(last[2]), "test": finite_list(last[3])},
        "accuracy": {"train": last[4], "test": last[5]},
        "history": _history(run.history[start : start + most_rows], start),
        "boundary": boundary_field,
        "units": units,
        "layers": _layers(run, tr),
        "probe": _probe(run),
    }
