"""Dropout: during training each unit is kept with probability 1 − p and scaled by 1/(1 − p).

a = z ⊙ m / (1 − p), m_i ~ Bernoulli(1 − p), drawn afresh for every batch; in evaluation mode
(``net.eval()``) the layer is the identity. The mask is a constant of the pass, so the layer is
the ``mul`` primitive of the derivative table and its VJP is the same Hadamard product,
∂C/∂z = g ⊙ m / (1 − p): units that were dropped pass no gradient back.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.tensor import Tensor, apply
from ..dtypes import as_array
from ..errors import ConfigError
from ..ops.arithmetic import mul
from ..random import as_rng
from .module import Module


class Dropout(Module):
    """Zero each unit with probability ``p`` while training; the identity in eval mode.

    ``rng``: a seed or ``numpy.random.Generator`` for the masks (default: a generator drawn
    from the library's, so ``cr.manual_seed`` fixes it). Its state is saved in checkpoints, so
    a resumed run draws the same masks as an uninterrupted one.
    """

    def __init__(self, p: float = 0.5, rng=None):
        try:
            p = float(p)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond floats
            raise ConfigError(f"Dropout: p must be a number in [0, 1), got {p!r:.80}") from None
        if not 0.0 <= p < 1.0:
            raise ConfigError(f"Dropout: p must lie in [0, 1), got {p!r:.80}")
        self.p = p
        self.rng = (
            np.random.default_rng(as_rng(None).integers(2**63)) if rng is None else as_rng(rng)
        )

    def describe(self) -> str:
        return f"Dropout(p={self.p:g})"

    def config(self) -> dict:
        return {"type": "Dropout", "p": self.p}

    def forward(self, x):
        x = x if isinstance(x, Tensor) else Tensor(as_array(x, what="dropout input"))
        if not self.training or self.p == 0.0:
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p
        mask = keep.astype(x.dtype)
        mask *= 1.0 / (1.0 - self.p)
        return apply(mul, x, mask)
