"""In-place array arithmetic for the optimizers' updates.

``axpy(a, x, y)`` is y ← y + a·x in one pass over memory (the BLAS routine of that name, which
also uses every core on large arrays), falling back to NumPy where BLAS does not apply.
:class:`Scratch` lends arrays shaped like a parameter, reused from step to step, so an update
allocates nothing. Updates run one parameter at a time, so one lent array (or two) per float
type is enough, however many parameters there are.
"""

from __future__ import annotations

import numpy as np

_BLAS: dict = {}


def _blas_axpy(dtype: np.dtype):
    routine = _BLAS.get(dtype)
    if routine is None:
        from scipy.linalg import blas

        routine = _BLAS[dtype] = {np.dtype(np.float32): blas.saxpy,
                                  np.dtype(np.float64): blas.daxpy}.get(dtype, False)
    return routine


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """y ← y + a·x, in place (y's array is updated); returns y."""
    flags = y.flags
    if (flags.c_contiguous and flags.writeable and flags.aligned and x.dtype == y.dtype
            and x.shape == y.shape and y.size):
        routine = _blas_axpy(y.dtype)
        if routine:
            routine(x.reshape(-1), y.reshape(-1), a=a)  # reshape of y is a view: updated in place
            return y
    y += a * x
    return y


class Scratch:
    """Arrays lent for the length of one update: ``like(w, i)`` is lent array ``i`` (0 or 1)
    with w's shape and type, a view of a buffer kept for the largest parameter seen."""

    def __init__(self):
        self._buffers: dict[tuple[np.dtype, int], np.ndarray] = {}

    def like(self, w: np.ndarray, i: int = 0) -> np.ndarray:
        key = (w.dtype, i)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < w.size:
            buffer = self._buffers[key] = np.empty(w.size, w.dtype)
        return buffer[: w.size].reshape(w.shape)
