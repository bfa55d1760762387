"""The machine's float32 matrix-multiply rate: a 2048³ sgemm through NumPy's BLAS."""

from __future__ import annotations

import statistics
import time

import numpy as np

N = 2048


def sgemm_rate(repeats: int = 7, n: int = N) -> float:
    """Median FLOP/s of C = A B for n×n float32 matrices (2n³ flops)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = np.empty((n, n), np.float32)
    np.matmul(a, b, out=c)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times)
