"""What every cost shares: turning inputs into tensors, checking shapes, the reduction."""

from __future__ import annotations

import numpy as np

from ..autodiff.tensor import Tensor
from ..dtypes import as_array
from ..errors import ConfigError, ShapeError


class Cost:
    """A scalar cost C(prediction, target). ``reduction``: "sum" over examples, or "mean"
    (the sum divided by the number of examples, the batch size)."""

    default_reduction = "mean"

    def __init__(self, reduction: str | None = None):
        reduction = reduction or self.default_reduction
        if reduction not in ("sum", "mean"):
            raise ConfigError(
                f"{type(self).__name__}: reduction must be 'sum' or 'mean', got {reduction!r}"
            )
        self.reduction = reduction

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"

    #: The output activation (a primitive) whose input z this cost takes in place of its
    #: output a = σ(z), computing C and ∂C/∂z in one stable step (None: the cost takes a).
    fused_activation = None

    def fuses_with(self, op) -> bool:
        """Whether, after an output activation ``op`` (a primitive, or None), the cost takes
        z in place of a = op(z). The one place this is decided: the recorded graph
        (``__call__``) and the compiled step (:meth:`chainrule.nn.BookNetwork.fuses`) ask it."""
        return op is not None and op is self.fused_activation

    def fused_input(self, prediction: Tensor) -> Tensor | None:
        """z when ``prediction`` was recorded as σ(z) of the activation this cost fuses with,
        else None."""
        op = self.fused_activation
        return prediction.made_from(op) if self.fuses_with(op) else None

    def primitive(self, fused: bool):
        """The derivative table's entry that computes C (of z_L when ``fused``, else of the
        prediction a_L)."""
        raise NotImplementedError(f"{type(self).__name__} names no primitive")

    def scale(self, prediction: Tensor) -> float:
        """1 for a sum; 1/batch for a mean (a 1-D prediction is one example)."""
        if self.reduction == "sum" or prediction.ndim < 2:
            return 1.0
        return 1.0 / prediction.shape[0]

    @staticmethod
    def prediction(value) -> Tensor:
        return value if isinstance(value, Tensor) else Tensor(as_array(value, what="prediction"))

    def targets(self, target, prediction) -> np.ndarray:
        """The target checked and converted for ``prediction`` (a Tensor or an array), as the
        cost's primitive takes it (the compiled training step calls this too)."""
        return self.target_like(target, prediction)

    def target_like(self, target, prediction: Tensor) -> np.ndarray:
        """The target as an array of the prediction's dtype and shape (a (batch,) target for a
        (batch, 1) prediction is accepted)."""
        y = target.data if isinstance(target, Tensor) else target
        if type(y) is np.ndarray and y.dtype == prediction.dtype and y.shape == prediction.shape:
            return y  # already right: the common case, checked first
        y = as_array(y, prediction.dtype, what=f"{type(self).__name__} target")
        if y.shape != prediction.shape:
            if y.size == prediction.size and y.ndim == 1 and prediction.shape[-1:] == (1,):
                return y.reshape(prediction.shape)
            raise ShapeError(
                f"{type(self).__name__}: the prediction has shape "
                f"{prediction.shape} but the target has shape {y.shape}"
            )
        return y
