"""Training steps: the tape step (through the recorded graph) and the choice of the fastest."""

from __future__ import annotations

from ..optim.clip import clip_grad_norm
from .compiled import CompiledStep
from .plan import make_plan, same_parameters


class TapeStep:
    """zero_grad → C = cost(net(X), Y) → C.backward() → (clip ‖g‖ to ``clip_norm``) → step.

    Calling it returns the batch's cost as a float (non-finite values are returned as they
    are: the caller decides what to do).
    """

    kind = "tape"

    def __init__(
        self, net, cost, optimizer, clip_norm: float | None = None, reason: str | None = None
    ):
        self.net = net
        self.cost = cost
        self.optimizer = optimizer
        self.clip_norm = clip_norm
        self.last_grad_norm: float | None = None
        #: why the compiled step was not used (None when the tape was asked for)
        self.reason = reason

    def __call__(self, X, Y) -> float:
        self.optimizer.zero_grad()
        C = self.cost(self.net(X), Y)
        C.backward()
        if self.clip_norm is not None:
            self.last_grad_norm = clip_grad_norm(self.optimizer.params, self.clip_norm)
        self.optimizer.step()
        return float(C.item())


class _SharedTape(TapeStep):
    """The tape step a compiled step hands unusual calls to; it reports its gradient norm
    through the compiled step's ``last_grad_norm``."""

    def __init__(self, owner, *args):
        super().__init__(*args)
        self._owner = owner

    def __call__(self, X, Y) -> float:
        loss = super().__call__(X, Y)
        self._owner.last_grad_norm = self.last_grad_norm
        return loss


def make_train_step(net, cost, optimizer, clip_norm: float | None = None, *, compiled: bool = True):
    """The fastest step that gives the tape step's results for this network, cost and
    optimizer: ``step(X, Y) -> float`` (the batch's cost); afterwards every parameter's
    ``.grad`` holds the batch gradient, and ``step.last_grad_norm`` the norm before clipping
    (when ``clip_norm`` is set).

    A ``Sequential`` of ``Dense`` layers and elementwise activations (any registered one:
    Sigmoid, Tanh, ReLU, Identity, …; Softmax last, before CrossEntropy), as
    :func:`chainrule.nn.read_layers` reads it, with MSE, BinaryCrossEntropy or CrossEntropy
    gets the compiled step (:class:`chainrule.fast.compiled.CompiledStep`); anything else, or
    ``compiled=False``, the tape step. ``step.kind`` says which ("compiled" or "tape") and
    ``step.reason`` why not compiled.
    """
    if not compiled:
        return TapeStep(net, cost, optimizer, clip_norm)
    plan = make_plan(net, cost)
    if isinstance(plan, str):
        return TapeStep(net, cost, optimizer, clip_norm, reason=plan)
    if not same_parameters(net, optimizer):
        return TapeStep(
            net,
            cost,
            optimizer,
            clip_norm,
            reason="the optimizer does not hold exactly the network's parameters",
        )
    step = CompiledStep(net, cost, optimizer, clip_norm, plan, None)
    step.tape = _SharedTape(step, net, cost, optimizer, clip_norm)
    return step
