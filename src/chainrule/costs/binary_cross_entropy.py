"""Binary cross-entropy for outputs in (0, 1): C = −Σ [y ln a + (1 − y) ln(1 − a)]."""

from __future__ import annotations

import numpy as np

from ..autodiff.tensor import apply
from ..errors import DataError
from ..ops.activation import sigmoid
from ..ops.costs import binary_cross_entropy, sigmoid_binary_cross_entropy
from .cost import Cost


class BinaryCrossEntropy(Cost):
    """C = −Σ [y ln a + (1 − y) ln(1 − a)], targets y in [0, 1].

    When a = σ(z) comes straight from a Sigmoid (or ``from_logits=True`` is given z itself),
    the cost is computed from z, stably, and ∂C/∂z = a − y: σ'(z) = a(1 − a) cancels the
    denominator of ∇_a C = (a − y) / (a(1 − a)). Otherwise a is clipped to [1e−7, 1 − 1e−7].
    """

    def __init__(self, reduction: str | None = None, from_logits: bool = False):
        super().__init__(reduction)
        self.from_logits = from_logits

    def targets(self, target, prediction) -> np.ndarray:
        y = self.target_like(target, prediction)
        if y.size and (np.nanmin(y) < 0 or np.nanmax(y) > 1):
            raise DataError(
                "BinaryCrossEntropy: targets must lie in [0, 1]; received values "
                f"from {np.nanmin(y):g} to {np.nanmax(y):g}"
            )
        return y

    fused_activation = sigmoid

    def fuses_with(self, op) -> bool:
        return not self.from_logits and super().fuses_with(op)

    def primitive(self, fused: bool):
        """σ and the cost in one (of z, or of the prediction taken as logits), else of a."""
        return sigmoid_binary_cross_entropy if fused or self.from_logits else binary_cross_entropy

    def __call__(self, prediction, target):
        a = self.prediction(prediction)
        y = self.targets(target, a)
        z = self.fused_input(a)
        fused = z is not None
        return apply(self.primitive(fused), z if fused else a, y, self.scale(a))
