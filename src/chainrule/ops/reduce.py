"""Reductions: sum and mean over axes.

Every element of x contributes with slope 1 (sum) or 1/n (mean) to the reduced value, so the
VJP copies g back over the reduced axes: ∂C/∂x = g broadcast to x's shape (÷ n for the mean).
"""

from __future__ import annotations

import numpy as np

from .primitive import primitive


def _normalise_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(a % ndim if ndim else a for a in axes)


def _spread(g, x, axis, keepdims):
    """g back to x's shape: restore the reduced axes (if dropped), then broadcast."""
    g = np.asarray(g)
    if not keepdims and x.ndim:
        g = np.expand_dims(g, _normalise_axis(axis, x.ndim))
    return np.broadcast_to(g, x.shape)


def _count(x, axis):
    if axis is None:
        return x.size
    return int(np.prod([x.shape[a] for a in _normalise_axis(axis, x.ndim)]))


@primitive
def sum(x, axis=None, keepdims=False):  # noqa: A001 - the table's name for the op
    """ans = Σ x over ``axis``.   ∂C/∂x_i = g   (each summand has slope 1)."""
    return np.sum(x, axis=axis, keepdims=keepdims)


@sum.vjp("x")
def sum_vjp_x(g, ans, x, axis, keepdims):
    """∂C/∂x_i = g (copied back over the summed axes)."""
    return _spread(g, x, axis, keepdims)


@primitive
def mean(x, axis=None, keepdims=False):
    """ans = (1/n) Σ x over ``axis``.   ∂C/∂x_i = g / n."""
    return np.mean(x, axis=axis, keepdims=keepdims)


@mean.vjp("x")
def mean_vjp_x(g, ans, x, axis, keepdims):
    """∂C/∂x_i = g / n (copied back over the averaged axes)."""
    return _spread(np.asarray(g) / _count(x, axis), x, axis, keepdims)
