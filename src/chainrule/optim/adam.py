"""Adam: per-parameter steps scaled by running moments of the gradient."""

from __future__ import annotations

import math

import numpy as np

from .. import parallel
from .inplace import Scratch, axpy
from .optimizer import Optimizer, check_rate


def _adam(g, m, v, lent, coupled, out, beta1, beta2, eps, step, weight_decay, decay):
    """One Adam update of W (``out``) in place, elementwise (see :class:`Adam`)."""
    w = out
    if weight_decay:  # g + λW (L2, coupled)
        np.multiply(w, weight_decay, out=coupled)
        coupled += g
        g = coupled
    m *= beta1
    axpy(1 - beta1, g, m, lent)  # m ← β₁m + (1−β₁)g
    np.multiply(g, g, out=lent)
    v *= beta2
    axpy(1 - beta2, lent, v, lent)  # v ← β₂v + (1−β₂)g²
    np.sqrt(v, out=lent)
    lent += eps
    np.divide(m, lent, out=lent)  # m / (√v + ε√(1−β₂ᵗ))
    if decay != 1:
        w *= decay  # W ← W − ηλW (decoupled)
    axpy(-step, lent, w, lent)


class Adam(Optimizer):
    """m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  W ← W − η m̂ / (√v̂ + ε)
    with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) (Kingma & Ba).

    ``weight_decay`` λ adds λW to g (L2, coupled); ``decoupled=True`` applies W ← W − ηλW
    separately instead (AdamW, Loshchilov & Hutter).

    The step is computed in place as W ← W − (η √(1−β₂ᵗ) / (1−β₁ᵗ)) · m / (√v + ε √(1−β₂ᵗ)),
    the same quantity with the bias corrections moved onto scalars (as PyTorch does).
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled: bool = False,
    ):
        super().__init__(params, lr)
        self.beta1 = check_rate("beta1", betas[0], upper=1.0)
        self.beta2 = check_rate("beta2", betas[1], upper=1.0)
        self.eps = check_rate("eps", eps)
        self.weight_decay = check_rate("weight_decay", weight_decay)
        self.decoupled = bool(decoupled)
        self._scratch = Scratch()

    def hyperparameters(self) -> dict:
        return {
            "lr": self.lr,
            "beta1": self.beta1,
            "beta2": self.beta2,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "decoupled": self.decoupled,
        }

    def update(self, w, g, slot):
        m = slot.get("m")
        if m is None:
            m = slot["m"] = np.zeros_like(w)
            slot["v"] = np.zeros_like(w)
            slot["t"] = np.zeros((), dtype=np.int64)
        slot["t"] += 1
        t = int(slot["t"])
        root = math.sqrt(1 - self.beta2**t)
        coupled = self.weight_decay if not self.decoupled else 0.0
        decay = 1 - self.lr * self.weight_decay if self.decoupled else 1.0
        arrays = (
            g,
            m,
            slot["v"],
            self._scratch.like(w),
            self._scratch.like(w, 1) if coupled else None,
        )
        options = {
            "beta1": self.beta1,
            "beta2": self.beta2,
            "eps": self.eps * root,
            "step": self.lr * root / (1 - self.beta1**t),
            "weight_decay": coupled,
            "decay": decay,
        }
        if parallel.worth_splitting(w.size, 9):
            parallel.elementwise(_adam, arrays, w, **options)
        else:
            _adam(*arrays, out=w, **options)


class AdamW(Adam):
    """Adam with decoupled weight decay (default λ = 0.01)."""

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ):
        super().__init__(params, lr, betas, eps, weight_decay, decoupled=True)
