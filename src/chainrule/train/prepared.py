"""Data made ready for one network and cost: features in the network's float type (converted
once, not per batch), the targets the cost compares with, and the class labels."""

from __future__ import annotations

import numpy as np

from ..dtypes import as_array
from ..errors import ConfigError, DataError, ShapeError
from ..nn.module import network_dtype
from .metrics import class_targets

__all__ = ["Prepared", "network_dtype", "network_outputs_count"]


def network_outputs_count(net) -> int:
    """The width of the last Dense layer: the number of outputs."""
    dense = [m for m in net.modules() if hasattr(m, "out_features")]
    if not dense:
        raise ConfigError("training needs a network with at least one Dense layer")
    return dense[-1].out_features


def _first_input_width(net) -> int | None:
    for module in net.modules():
        if hasattr(module, "in_features"):
            return module.in_features
    return None


class Prepared:
    """``X`` (or a Dataset ``X`` with ``y=None``) and ``y``: integer class labels (n,) or
    float targets (n,) / (n, k). Checks shapes, emptiness and finiteness once, with messages
    that name ``what`` (training data, validation data, ...)."""

    def __init__(self, X, y, cost, n_outputs: int, dtype, what: str, net=None):
        if y is None and hasattr(X, "X"):
            X, y = X.X, X.y
        if y is None:
            raise ConfigError(f"{what}: no targets were given")
        self.X = as_array(X, dtype, what=f"{what} features")
        y = np.asarray(y)
        if self.X.ndim != 2:
            raise ShapeError(
                f"{what}: features must be a (examples, features) array, received "
                f"shape {self.X.shape}"
            )
        if len(self.X) == 0:
            raise DataError(f"{what}: the data set is empty")
        if len(y) != len(self.X):
            raise ShapeError(f"{what}: {len(self.X)} examples but {len(y)} targets")
        width = _first_input_width(net) if net is not None else None
        if width is not None and self.X.shape[1] != width:
            raise ShapeError(
                f"{what}: the network takes {width} features per example, the data "
                f"has {self.X.shape[1]}"
            )
        bad = ~np.isfinite(self.X)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise DataError(
                f"{what}: feature {col} of example {row} is {self.X[row, col]}; "
                "the data must be finite"
            )
        self.labels = y if y.ndim == 1 and y.dtype.kind in "iub" else None
        if self.labels is not None:
            self.T = class_targets(self.labels, cost, n_outputs, dtype)
            if len(self.labels) and (
                self.labels.min() < 0 or self.labels.max() >= max(n_outputs, 2)
            ):
                raise DataError(
                    f"{what}: class labels must lie in 0 … {max(n_outputs, 2) - 1} "
                    f"for this network's {n_outputs} output(s); received "
                    f"{self.labels.min()} … {self.labels.max()}"
                )
        else:
            T = as_array(y, dtype, what=f"{what} targets")
            self.T = T.reshape(-1, 1) if T.ndim == 1 else T
            if self.T.shape[1] != n_outputs:
                raise ShapeError(
                    f"{what}: targets of width {self.T.shape[1]} for a network "
                    f"with {n_outputs} output(s)"
                )
            if not np.all(np.isfinite(self.T)):
                raise DataError(f"{what}: the targets must be finite")

    def __len__(self) -> int:
        return len(self.X)
