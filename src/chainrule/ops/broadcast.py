"""Undo broadcasting, in one place for every primitive.

If an input x of shape s was broadcast to the shape of g (a bias b added to every row of a
batch, a scalar multiplied into a matrix), it influenced every copy, so by the chain rule its
gradient is the sum of g over the copies: the axes that broadcasting added or stretched.
For the bias of the book's layer this is ∂C/∂b = Σ_rows δ.
"""

from __future__ import annotations

import numpy as np


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes that broadcasting ``shape`` up to ``g.shape`` created."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g.reshape(shape)
