"""Activation layers a = σ(z), applied elementwise (softmax: along the last axis).

Each Jacobian is diagonal, diag(σ'(z)), so the backward pass is g ⊙ σ'(z): the book's
δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l). The rules live in :mod:`chainrule.ops.activation`.
"""

from __future__ import annotations

from ..autodiff.tensor import Tensor, apply
from ..dtypes import as_array
from ..errors import ConfigError
from ..ops import activation, softmax
from .module import Module


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(as_array(x, what="activation input"))


class Activation(Module):
    """An elementwise layer a = f(z) given by one primitive of the derivative table."""

    op = None

    def forward(self, x):
        return apply(self.op, _tensor(x))


class Sigmoid(Activation):
    """a = σ(z) = 1/(1 + e^(−z));  σ'(z) = a(1 − a)."""

    op = activation.sigmoid


class Tanh(Activation):
    """a = tanh z;  tanh'(z) = 1 − a²."""

    op = activation.tanh


class ReLU(Activation):
    """a = max(z, 0);  ReLU'(z) = [z > 0]."""

    op = activation.relu


class Identity(Module):
    """a = z (a linear output layer); its Jacobian is I, so δ passes through unchanged."""

    def forward(self, x):
        return _tensor(x)


class Softmax(Module):
    """a = e^z / Σ e^z along ``axis``; J = diag(a) − a aᵀ (its VJP never forms it).

    Followed by :class:`CrossEntropy`, the two are fused into ∂C/∂z = a − y.
    """

    def __init__(self, axis: int = -1):
        self.axis = axis

    def config(self) -> dict:
        return {"type": "Softmax", "axis": self.axis}

    def forward(self, x):
        return apply(softmax.softmax, _tensor(x), self.axis)


ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "identity": Identity,
               "linear": Identity, "softmax": Softmax}


def activation_layer(name: str) -> Module:
    """A new activation layer by name ("sigmoid", "tanh", "relu", "identity", "softmax")."""
    try:
        return ACTIVATIONS[name.lower()]()
    except KeyError:
        raise ConfigError(f"unknown activation {name!r}; choose one of "
                          f"{', '.join(sorted(ACTIVATIONS))}") from None
