"""The library's random source: one seedable generator for initialisation, shuffling, dropout.

``cr.manual_seed(n)`` makes every later draw reproducible, bit for bit.
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the library's generator; returns it."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_rng() -> np.random.Generator:
    """The library's generator (used when no ``rng`` is given)."""
    return _generator


def as_rng(rng=None) -> np.random.Generator:
    """``None`` → the library's generator; an int → a new seeded generator; a Generator as is."""
    if rng is None:
        return _generator
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)
