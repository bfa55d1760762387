"""Stochastic gradient descent: the book's W ← W − η ∂C/∂W, with momentum and Nesterov."""

from __future__ import annotations

import numpy as np

from .. import parallel
from ..errors import ConfigError
from .inplace import Scratch, axpy
from .optimizer import Optimizer, check_rate


def _descend(g, temp, out, lr):
    """W ← W − η g, in place (``out`` is W)."""
    axpy(-lr, g, out, temp)


def _sgd(g, v, lent, spare, out, lr, momentum, nesterov, weight_decay, first):
    """One SGD update of W (``out``) in place, elementwise; ``v`` the velocity or None."""
    w = out
    if weight_decay:  # g + λW
        np.multiply(w, weight_decay, out=lent)
        lent += g
        g = lent
    if v is not None:
        if first:
            np.copyto(v, g)
        else:
            v *= momentum
            v += g
        if nesterov:  # g + μ v
            np.multiply(v, momentum, out=spare)
            spare += g
            g = spare
        else:
            g = v
    axpy(-lr, g, w, g if g is lent or g is spare else lent)


class SGD(Optimizer):
    """W ← W − η g, with g = ∂C/∂W (+ λW for ``weight_decay`` λ, the gradient of ½λ‖W‖²).

    With momentum μ (PyTorch's convention): v ← μ v + g, W ← W − η v;
    Nesterov: W ← W − η (g + μ v), the step taken from the look-ahead point.

    Updates are done in place, in lent scratch arrays that are not part of the saved state.
    """

    def __init__(
        self,
        params,
        lr: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr)
        self.momentum = check_rate("momentum", momentum, upper=1.0)
        self.nesterov = bool(nesterov)
        self.weight_decay = check_rate("weight_decay", weight_decay)
        if self.nesterov and self.momentum == 0:
            raise ConfigError("SGD: nesterov=True needs a momentum above 0")
        self._scratch = Scratch()

    def hyperparameters(self) -> dict:
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }

    def update(self, w, g, slot):
        large = parallel.worth_splitting(w.size, 1 if not self.momentum else 5)
        if not (self.momentum or self.weight_decay):  # the book's W ← W − η g
            if large:
                parallel.elementwise(_descend, (g, self._scratch.like(w)), w, lr=self.lr)
            else:
                axpy(-self.lr, g, w)
            return
        v, first = None, False
        if self.momentum:
            v = slot.get("velocity")
            if v is None:
                v = slot["velocity"] = np.empty_like(w)
                first = True
        lent = self._scratch.like(w)
        spare = self._scratch.like(w, 1) if self.nesterov else None
        options = {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
            "first": first,
        }
        if large:
            parallel.elementwise(_sgd, (g, v, lent, spare), w, **options)
        else:
            _sgd(g, v, lent, spare, out=w, **options)
