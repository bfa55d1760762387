"""Weight initialisations for a layer W of shape (out, in).

- ``uniform``: the book's U[0, 1) (``np.random.random``): fine for its tiny examples, slow for
  deep ones (all weights positive).
- ``xavier`` (Glorot): U(−r, r), r = √(6 / (in + out)), keeps the variance of z and δ alike
  across sigmoid/tanh layers.
- ``he`` (Kaiming): N(0, 2 / in), for ReLU layers.
- ``normal``: N(0, 1/in) (Nielsen's "improved" initialisation); ``zeros``.
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError

#: Values drawn per block: the float64 draws of one block are the only temporary.
BLOCK = 1 << 20


def initial_weights(
    name: str, fan_out: int, fan_in: int, rng: np.random.Generator, dtype
) -> np.ndarray:
    """An (out, in) array drawn by initialisation ``name``, allocated once in ``dtype``.

    The draws are made in float64 a block of rows at a time and written into the result, so a
    float32 network never holds its float64 twin; the numbers are those of one float64 draw of
    the whole shape (the generator is consumed in the same order), rounded to ``dtype``.
    """
    if name not in INITS:
        raise ConfigError(f"unknown initialisation {name!r}; choose one of {', '.join(INITS)}")
    w = np.zeros((fan_out, fan_in), dtype=dtype)
    if name == "zeros":
        return w
    rows = max(1, BLOCK // max(fan_in, 1))
    for start in range(0, fan_out, rows):
        w[start : start + rows] = _draw(
            name, (min(rows, fan_out - start), fan_in), fan_in, fan_out, rng
        )
    return w


def _draw(
    name: str, shape: tuple[int, int], fan_in: int, fan_out: int, rng: np.random.Generator
) -> np.ndarray:
    if name == "uniform":
        return rng.random(shape)
    if name in ("xavier", "glorot"):
        r = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-r, r, shape)
    if name in ("he", "kaiming"):
        return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)
    return rng.standard_normal(shape) / np.sqrt(fan_in)  # normal


INITS = ("xavier", "glorot", "he", "kaiming", "uniform", "normal", "zeros")
