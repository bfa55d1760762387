"""In-place array arithmetic for the optimizers' updates.

``axpy(a, x, y, temp)`` is y ← y + a·x: for small arrays the BLAS routine of that name (one
pass, one call; OpenBLAS runs it on the calling thread up to 10 000 elements), otherwise two
NumPy passes through ``temp``. :class:`Scratch` lends arrays shaped like a parameter, reused from
step to step, so an update allocates nothing; updates run one parameter at a time, so two lent
arrays per float type are enough however many parameters there are. A whole update is one
elementwise function of the parameter's arrays, so large ones are split over two threads
(:func:`chainrule.parallel.elementwise`).
"""

from __future__ import annotations

import numpy as np

#: BLAS axpy is used up to this many elements (OpenBLAS keeps it on one thread there; above,
#: its own thread pool, beside NumPy's, would compete with it for the cores).
BLAS_AXPY_UP_TO = 10_000

_BLAS: dict = {}


def _blas_axpy(dtype: np.dtype):
    routine = _BLAS.get(dtype)
    if routine is None:
        from scipy.linalg import blas

        routine = _BLAS[dtype] = {np.dtype(np.float32): blas.saxpy,
                                  np.dtype(np.float64): blas.daxpy}.get(dtype, False)
    return routine


def axpy(a: float, x: np.ndarray, y: np.ndarray, temp: np.ndarray | None = None) -> np.ndarray:
    """y ← y + a·x in place; returns y. ``temp`` (y's shape; may be x itself, which is then
    overwritten) holds a·x when BLAS is not used (None: a new array)."""
    if 0 < y.size <= BLAS_AXPY_UP_TO and x.dtype == y.dtype:
        flags = y.flags
        if flags.c_contiguous and flags.writeable and flags.aligned:
            routine = _BLAS.get(y.dtype) or _blas_axpy(y.dtype)
            if routine:
                routine(x.reshape(-1), y.reshape(-1), a=a)  # y's reshape is a view: in place
                return y
    y += np.multiply(x, a, out=temp)
    return y


class Scratch:
    """Arrays lent for the length of one update: ``like(w, i)`` is lent array ``i`` with w's
    shape and type, a view of a buffer kept for the largest parameter seen."""

    def __init__(self):
        self._buffers: dict[tuple[np.dtype, int], np.ndarray] = {}

    def like(self, w: np.ndarray, i: int = 0) -> np.ndarray:
        key = (w.dtype, i)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < w.size:
            buffer = self._buffers[key] = np.empty(w.size, w.dtype)
        return buffer[: w.size].reshape(w.shape)
