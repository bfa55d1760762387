"""The reference training step, through the recorded graph."""

from __future__ import annotations

from ..optim.clip import clip_grad_norm


class TapeStep:
    """zero_grad → C = cost(net(X), Y) → C.backward() → (clip ‖g‖ to ``clip_norm``) → step.

    Calling it returns the batch's cost as a float (non-finite values are returned as they
    are: the caller decides what to do).
    """

    def __init__(self, net, cost, optimizer, clip_norm: float | None = None):
        self.net = net
        self.cost = cost
        self.optimizer = optimizer
        self.clip_norm = clip_norm
        self.last_grad_norm: float | None = None

    def __call__(self, X, Y) -> float:
        self.optimizer.zero_grad()
        C = self.cost(self.net(X), Y)
        C.backward()
        if self.clip_norm is not None:
            self.last_grad_norm = clip_grad_norm(self.optimizer.params, self.clip_norm)
        self.optimizer.step()
        return float(C.item())


def make_train_step(net, cost, optimizer, clip_norm: float | None = None):
    """The fastest available step for this network, cost and optimizer."""
    return TapeStep(net, cost, optimizer, clip_norm)
