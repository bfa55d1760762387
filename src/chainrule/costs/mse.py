"""The book's cost: C = ½ Σ (a − y)², with ∇_a C = a − y."""

from __future__ import annotations

from ..autodiff.tensor import apply
from ..ops.costs import squared_error
from .cost import Cost


class MSE(Cost):
    """C = ½ Σ_examples Σ_outputs (a − y)²  (``reduction="sum"``, the default, as in the book),
    or that sum divided by the batch size (``"mean"``, Nielsen's C = 1/2n Σ ‖y − a‖²).

    ∇_a C = a − y (÷ batch for the mean): the start of the book's δ_L = ∇_a C ⊙ σ'(z_L).
    """

    default_reduction = "sum"

    def primitive(self, fused: bool):
        return squared_error

    def __call__(self, prediction, target):
        a = self.prediction(prediction)
        return apply(squared_error, a, self.targets(target, a), self.scale(a))
