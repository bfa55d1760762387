"""Mini-batches: index arrays over n examples, reshuffled at every epoch.

Reproducibility contract (checkpoint and resume rely on it): each ``iter()`` with
``shuffle=True`` consumes exactly one ``rng.permutation(n)`` call and nothing else, so saving
``rng.bit_generator.state`` after an epoch and restoring it later reproduces every later epoch's
batches bit for bit.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..errors import ConfigError
from ..random import as_rng


class Batches:
    """Iterate over index arrays of at most ``batch_size`` examples that cover 0..n−1 once.

    ``rng``: a ``numpy.random.Generator`` (or a seed; ``None`` is the library's generator),
    used only when ``shuffle``. ``drop_last`` leaves out a final batch smaller than
    ``batch_size``. ``len()`` is the number of batches per epoch. Example::

        for idx in Batches(len(X), 32, np.random.default_rng(0)):
            step(X[idx], y[idx])
    """

    def __init__(
        self, n: int, batch_size: int, rng=None, shuffle: bool = True, drop_last: bool = False
    ):
        for label, value in (("n", n), ("batch_size", batch_size)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ConfigError(f"Batches: {label} must be a positive integer, got {value!r}")
        if drop_last and batch_size > n:
            raise ConfigError(
                f"Batches: drop_last with batch_size {batch_size} larger than "
                f"the {n} examples leaves no batch at all"
            )
        self.n = int(n)
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.rng = as_rng(rng) if self.shuffle else rng

    def __len__(self) -> int:
        full, rest = divmod(self.n, self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self):
        # The permutation is drawn here, when iter() is called, not lazily at the first next().
        order = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)
        size = self.batch_size
        return (order[start : start + size] for start in range(0, len(self) * size, size))

    def __repr__(self) -> str:
        return (
            f"Batches(n={self.n}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last}, {len(self)} per epoch)"
        )
