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
- the curve of a regression on a line: the output at 200 points of the x range.
"""

from __future__ import annotations

import base64

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
#: σ's range for the thumbnails' colour scale (others: the layer's own range on the grid)
BOUNDED = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


def layer_values(net, X: np.ndarray) -> list[np.ndarray]:
    """[a_1, …, a_L] of the rows of ``X`` (float, (n, n₀)), with dropout off."""
    network = read_layers([m for m in net.layers if not isinstance(m, Dropout)])
    values = []
    a = X.astype(network.layers[0].dense.W.data.dtype, copy=False)
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
    outputs = layer_values(net, feature_matrix(points, data.features))[-1]
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
    hidden = layer_values(net, feature_matrix(points, data.features))[:-1]
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
