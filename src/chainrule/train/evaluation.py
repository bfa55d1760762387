"""Judging a network on a data set: the mean cost per example, accuracy, confusion matrix."""

from __future__ import annotations

import numpy as np

from ..autodiff.mode import no_grad
from ..costs import CrossEntropy
from .metrics import accuracy, confusion_matrix, network_outputs, predicted_classes
from .prepared import Prepared


def mean_cost(cost, outputs: np.ndarray, targets: np.ndarray) -> float:
    """The cost per example of outputs already computed (no graph is recorded). For
    CrossEntropy the outputs are logits (see :func:`network_outputs`)."""
    with no_grad():
        value = float(cost(outputs, targets).item())
    return value / len(outputs) if cost.reduction == "sum" else value


def evaluate(net, cost, data: Prepared, *, n_classes: int | None = None) -> dict:
    """``{"loss", "accuracy"}`` (accuracy for class labels); with ``n_classes`` also the
    ``confusion_matrix`` (rows true, columns predicted) and the ``predicted`` classes."""
    outputs = network_outputs(net, data.X, logits=isinstance(cost, CrossEntropy))
    result = {"loss": mean_cost(cost, outputs, data.T)}
    if data.labels is not None:
        predicted = predicted_classes(outputs, cost)
        result["accuracy"] = accuracy(predicted, data.labels)
        if n_classes is not None:
            result["confusion_matrix"] = confusion_matrix(data.labels, predicted,
                                                          n_classes).tolist()
    return result
