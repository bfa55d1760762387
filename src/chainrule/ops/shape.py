"""Shape operations: reshape, transpose and indexing move numbers without changing them,
so their VJPs move the gradient back the same way."""

from __future__ import annotations

import numpy as np

from .primitive import primitive


@primitive
def reshape(x, shape):
    """ans = x with a new shape.   ∂C/∂x = g reshaped to x's shape."""
    return np.reshape(x, shape)


@reshape.vjp("x")
def reshape_vjp_x(g, ans, x, shape):
    """∂C/∂x = g reshaped to x's shape."""
    return np.reshape(g, x.shape)


@primitive
def transpose(x, axes=None):
    """ans = xᵀ (axes permuted).   ∂C/∂x = gᵀ under the inverse permutation."""
    return np.transpose(x, axes)


@transpose.vjp("x")
def transpose_vjp_x(g, ans, x, axes):
    """∂C/∂x = gᵀ under the inverse permutation."""
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort(axes))


def _is_basic(index):
    """True when ``index`` selects each element at most once (ints, slices, None, Ellipsis)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts)


@primitive
def getitem(x, index):
    """ans = x[index].   ∂C/∂x = g scattered back into zeros of x's shape; an element picked
    several times (fancy indexing) collects the sum of its gradients."""
    return x[index]


@getitem.vjp("x")
def getitem_vjp_x(g, ans, x, index):
    """∂C/∂x = g scattered into zeros of x's shape (summed where an element was picked twice)."""
    gx = np.zeros(x.shape, dtype=np.result_type(g, x))
    if _is_basic(index):
        gx[index] = g
    else:
        np.add.at(gx, index, g)
    return gx
