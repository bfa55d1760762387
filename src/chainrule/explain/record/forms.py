"""The book's formulas for each activation's derivative and each cost's gradient, evaluated on
recorded values.

These are the *independent* side of the trace's check: the engine computes δ by its reverse
sweep (the VJP rules of :mod:`chainrule.ops`); the trace recomputes every δ from the values the
forward pass recorded, with the formulas as the book writes them:

    σ'(z) = a(1 − a)          (sigmoid)       tanh'(z) = 1 − a²      ReLU'(z) = [z > 0]
    softmax: J = diag(a) − a aᵀ (not diagonal: δ = J (Wᵀδ), J symmetric)
    ½‖a − y‖²:  ∇_a C = a − y
    −Σ y ln softmax(z):  ∂C/∂z = p − y       (the softmax Jacobian and −ln cancel)
    −Σ [y ln a + (1 − y) ln(1 − a)]:  ∇_a C = (a − y) / (a(1 − a));  with a = σ(z): ∂C/∂z = a − y

Arrays are batches of rows, (batch, units); ``scale`` is 1 for a summed cost, 1/batch for a mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ...costs import MSE, BinaryCrossEntropy, CrossEntropy
from ...nn import activation_class
from ...ops.costs import BCE_EPSILON


def softmax_rows(z: np.ndarray) -> np.ndarray:
    """softmax of each row, computed stably."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


@dataclass(frozen=True)
class ActivationForm:
    """One activation as the book writes it: its name, σ' as text, and σ' (or J) as numbers."""

    name: str
    prime_text: str  # σ'(z) in terms of z and a
    elementwise: bool
    prime: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """σ'(z) for every unit, (batch, n): the diagonal of the Jacobian (elementwise only)."""
        return self.prime(z, a)

    def jacobian(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """∂a/∂z for each example, (batch, n, n): diag(σ'(z)), or diag(a) − a aᵀ for softmax."""
        if self.elementwise:
            d = self.derivative(z, a)
            return d[:, :, np.newaxis] * np.eye(d.shape[-1], dtype=d.dtype)
        return (
            a[:, :, np.newaxis] * np.eye(a.shape[-1], dtype=a.dtype)
            - a[:, :, np.newaxis] * a[:, np.newaxis, :]
        )

    def backward(self, g: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """gᵀ J for each row: g ⊙ σ'(z) (elementwise), J g for softmax (J is symmetric)."""
        if self.elementwise:
            return g * self.derivative(z, a)
        return np.einsum("bij,bj->bi", self.jacobian(z, a), g)


def activation_form(name: str) -> ActivationForm:
    """The form of the activation registered as ``name``: σ' as the layer class states it
    (:class:`chainrule.nn.Activation`), so a newly registered activation has one too."""
    cls = activation_class(name)
    return ActivationForm(
        cls.name, cls.derivative_text, cls.elementwise, cls.derivative if cls.elementwise else None
    )


@dataclass(frozen=True)
class CostForm:
    """A cost as the book writes it, and its gradient as text."""

    name: str  # "mse", "bce", "ce" or "other"
    text: str  # C = ...
    grad_text: str  # ∇_a C = ...
    fused_text: str = ""  # ∂C/∂z_L = ... when fused with the output activation


COST_FORMS = {
    "mse": CostForm("mse", "C = ½ Σ (a − y)²", "∇ₐC = a − y"),
    "bce": CostForm(
        "bce",
        "C = −Σ [y ln a + (1 − y) ln(1 − a)]",
        "∇ₐC = (a − y) / (a ⊙ (1 − a))",
        "δ_L = ∂C/∂z_L = a − y   (σ'(z) = a(1 − a) cancels the denominator)",
    ),
    "ce": CostForm(
        "ce",
        "C = −Σ y ln p,  p = softmax(z)",
        "∂C/∂z = p − y",
        "δ_L = ∂C/∂z_L = p − y   (the softmax Jacobian and −ln cancel)",
    ),
    "other": CostForm("other", "C = cost(a, y)", "∇ₐC (from the engine)"),
}


def cost_name(cost) -> str:
    """ "mse", "bce", "ce", or "other" for a cost the formulas do not cover."""
    if type(cost) is MSE:
        return "mse"
    if type(cost) is BinaryCrossEntropy:
        return "bce"
    if type(cost) is CrossEntropy:
        return "ce"
    return "other"


def target_matrix(name: str, y: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The target as rows like the output: class labels become one-hot rows (cross-entropy)."""
    y = np.asarray(y)
    if name == "ce" and y.ndim == len(shape) - 1:
        onehot = np.zeros(shape)
        onehot[np.arange(shape[0]), y.astype(np.intp)] = 1.0
        return onehot
    return np.asarray(y, dtype=np.float64).reshape(shape)


def grad_a_expected(cost, a: np.ndarray, Y: np.ndarray, scale: float) -> np.ndarray | None:
    """∇_a C from the book's formula (None for a cost the formulas do not cover)."""
    name = cost_name(cost)
    if name == "mse":
        return scale * (a - Y)
    if name == "bce":
        if cost.from_logits:
            return scale * (expit(a) - Y)
        clipped = np.clip(a, BCE_EPSILON, 1 - BCE_EPSILON)
        return scale * (clipped - Y) / (clipped * (1 - clipped))
    if name == "ce":  # the output is the logits themselves
        return scale * (softmax_rows(a) - Y)
    return None


def fused_delta_expected(name: str, z: np.ndarray, Y: np.ndarray, scale: float) -> np.ndarray:
    """δ_L = ∂C/∂z_L for a cost fused with its output activation: p − y or σ(z) − y."""
    if name == "ce":
        return scale * (softmax_rows(z) - Y)
    return scale * (expit(z) - Y)
