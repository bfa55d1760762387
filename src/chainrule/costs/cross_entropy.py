"""Softmax cross-entropy, fused: C = −Σ ln softmax(z)_y, with ∂C/∂z = p − y."""

from __future__ import annotations

import numpy as np

from ..autodiff.tensor import Tensor, apply
from ..dtypes import as_array
from ..errors import DataError, ShapeError
from ..ops.costs import softmax_cross_entropy
from ..ops.softmax import softmax
from .cost import Cost


def class_labels(labels, n_classes: int, batch_shape: tuple[int, ...]) -> np.ndarray:
    """Check integer class labels (or whole-number floats) against the number of classes."""
    y = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if y.shape != batch_shape:
        raise ShapeError(
            f"CrossEntropy: expected labels of shape {batch_shape} (one class "
            f"index per example) or one-hot {batch_shape + (n_classes,)}, "
            f"received {y.shape}"
        )
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise DataError("CrossEntropy: class labels must be whole numbers")
        if y.size and (y.min() < 0 or y.max() >= n_classes):  # before a cast could wrap
            raise DataError(
                f"CrossEntropy: labels must lie in 0..{n_classes - 1} for "
                f"{n_classes} classes; received values from {y.min():g} to "
                f"{y.max():g}"
            )
        y = y.astype(np.int64)
    elif y.dtype.kind not in "iu":
        raise DataError(f"CrossEntropy: class labels must be integers, received dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise DataError(
            f"CrossEntropy: labels must lie in 0..{n_classes - 1} for "
            f"{n_classes} classes; received values from {y.min()} to {y.max()}"
        )
    return y.astype(np.intp, copy=False)


class CrossEntropy(Cost):
    """C = −Σ_examples ln p_y with p = softmax(z): takes the logits z (the last Dense's output)
    and integer labels (batch,) or one-hot / probability rows (batch, k).

    Fused with the softmax, ∂C/∂z = p − y (÷ batch for the default mean): stable for any z.
    Given the output of a Softmax layer instead, it uses that layer's input z.
    """

    fused_activation = softmax

    def primitive(self, fused: bool):
        return softmax_cross_entropy  # of z_L, or of a_L taken as the logits

    def __call__(self, logits, target):
        z = self.prediction(logits)
        fused = self.fused_input(z)
        if fused is not None:
            z = fused
        if z.ndim not in (1, 2):
            raise ShapeError(
                f"CrossEntropy: expected logits of shape (batch, classes), received {z.shape}"
            )
        if z.shape[-1] < 2:  # softmax of one number is 1: C = 0 and ∂C/∂z = 0 for any weights
            raise ShapeError(
                "the softmax cross-entropy needs at least two outputs (one per "
                "class); with one output p = softmax(z) = 1, so C = 0 whatever "
                "the weights: use the bce cost (or mse) for one output"
            )
        return apply(softmax_cross_entropy, z, self.targets(target, z), self.scale(z))

    def targets(self, target, logits) -> np.ndarray:
        """Integer labels (checked against the number of classes) or one-hot / probability rows
        of the logits' shape and type."""
        raw = target.data if isinstance(target, Tensor) else target
        if np.ndim(raw) == logits.ndim:
            y = as_array(raw, logits.dtype, what="CrossEntropy target")
            if y.shape != logits.shape:
                raise ShapeError(
                    f"CrossEntropy: one-hot targets must have the logits' shape "
                    f"{logits.shape}, received {y.shape}"
                )
            return y
        return class_labels(raw, logits.shape[-1], logits.shape[:-1])
