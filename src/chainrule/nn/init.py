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


def initial_weights(name: str, fan_out: int, fan_in: int, rng: np.random.Generator,
                    dtype) -> np.ndarray:
    """An (out, in) array drawn by initialisation ``name``."""
    shape = (fan_out, fan_in)
    if name == "uniform":
        w = rng.random(shape)
    elif name in ("xavier", "glorot"):
        r = np.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-r, r, shape)
    elif name in ("he", "kaiming"):
        w = rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)
    elif name == "normal":
        w = rng.standard_normal(shape) / np.sqrt(fan_in)
    elif name == "zeros":
        w = np.zeros(shape)
    else:
        raise ConfigError(f"unknown initialisation {name!r}; choose one of {', '.join(INITS)}")
    return w.astype(dtype)


INITS = ("xavier", "glorot", "he", "kaiming", "uniform", "normal", "zeros")
