"""Stochastic gradient descent: the book's W ← W − η ∂C/∂W, with momentum and Nesterov."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from .inplace import Scratch, axpy
from .optimizer import Optimizer, check_rate


class SGD(Optimizer):
    """W ← W − η g, with g = ∂C/∂W (+ λW for ``weight_decay`` λ, the gradient of ½λ‖W‖²).

    With momentum μ (PyTorch's convention): v ← μ v + g, W ← W − η v;
    Nesterov: W ← W − η (g + μ v), the step taken from the look-ahead point.

    Every update is done in place (W ← W − η g is one BLAS ``axpy``), in lent scratch arrays
    that are not part of the saved state.
    """

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.momentum = check_rate("momentum", momentum, upper=1.0)
        self.nesterov = bool(nesterov)
        self.weight_decay = check_rate("weight_decay", weight_decay)
        if self.nesterov and self.momentum == 0:
            raise ConfigError("SGD: nesterov=True needs a momentum above 0")
        self._scratch = Scratch()

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov,
                "weight_decay": self.weight_decay}

    def update(self, w, g, slot):
        lent = None
        if self.weight_decay:  # g + λW
            lent = self._scratch.like(w)
            np.multiply(w, self.weight_decay, out=lent)
            lent += g
            g = lent
        if self.momentum:
            v = slot.get("velocity")
            if v is None:
                v = slot["velocity"] = np.array(g, copy=True)
            else:
                v *= self.momentum
                v += g
            if self.nesterov:  # g + μ v
                if lent is None:
                    lent = self._scratch.like(w)
                    np.multiply(v, self.momentum, out=lent)
                    lent += g
                else:
                    axpy(self.momentum, v, lent)
                g = lent
            else:
                g = v
        axpy(-self.lr, g, w)
