"""In-place array arithmetic for the optimizers' updates.

``axpy(a, x, y)`` is y ← y + a·x in one pass over memory: the BLAS routine of that name,
called on pieces of at most 10 000 elements, which OpenBLAS runs on the calling thread (larger
calls would start its own thread pool, which competes for the cores with NumPy's; the pieces
are still about twice as fast as NumPy's two passes). Other types or layouts take NumPy's two
passes through ``temp``. :class:`Scratch` lends arrays shaped like a parameter, reused from step
to step, so an update allocates nothing; updates run one parameter at a time, so two lent arrays
per float type are enough however many parameters there are. A whole update is one elementwise
function of the parameter's arrays, so large ones are split over two threads
(:func:`chainrule.parallel.elementwise`).
"""

from __future__ import annotations

import numpy as np

#: Elements per BLAS call: OpenBLAS keeps axpy on one thread up to 10 000 elements.
BLAS_PIECE = 10_000

_BLAS: dict = {}


def _blas_axpy(dtype: np.dtype):
    routine = _BLAS.get(dtype)
    if routine is None:
        from scipy.linalg import blas

        routine = _BLAS[dtype] = {
            np.dtype(np.float32): blas.saxpy,
            np.dtype(np.float64): blas.daxpy,
        }.get(dtype, False)
    return routine


def axpy(a: float, x: np.ndarray, y: np.ndarray, temp: np.ndarray | None = None) -> np.ndarray:
    """y ← y + a·x in place; returns y. ``temp`` (y's shape; may be x itself, which is then
    overwritten) holds a·x when BLAS does not apply (None: a new array)."""
    n = y.size
    if n and x.dtype == y.dtype and x.shape == y.shape:
        flags = y.flags
        if flags.c_contiguous and flags.writeable and flags.aligned and x.flags.c_contiguous:
            routine = _BLAS.get(y.dtype)
            if routine is None:
                routine = _blas_axpy(y.dtype)
            if routine:
                xs, ys = x.reshape(-1), y.reshape(-1)  # views: y is updated in place
                if n <= BLAS_PIECE:
                    routine(xs, ys, a=a)
                else:
                    for start in range(0, n, BLAS_PIECE):
                        end = start + BLAS_PIECE
                        routine(xs[start:end], ys[start:end], a=a)
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
