"""Judging a network on a data set: the mean cost per example, and accuracy and the confusion
matrix for classes, or R² (and MSE, RMSE in the target's units) for a regression target."""

from __future__ import annotations

import numpy as np

from ..autodiff.mode import no_grad
from ..costs import CrossEntropy
from .metrics import accuracy, confusion_matrix, network_outputs, predicted_classes
from .prepared import Prepared
from .regression import r2_score, regression_metrics


def mean_cost(cost, outputs: np.ndarray, targets: np.ndarray) -> float:
    """The cost per example of outputs already computed (no graph is recorded). For
    CrossEntropy the outputs are logits (see :func:`network_outputs`)."""
    with no_grad():
        value = float(cost(outputs, targets).item())
    return value / len(outputs) if cost.reduction == "sum" else value


def evaluate(
    net,
    cost,
    data: Prepared,
    *,
    n_classes: int | None = None,
    target_scaler=None,
    units: bool = False,
    keep_predictions: bool = False,
) -> dict:
    """``{"loss", "accuracy"}`` for class labels; with ``n_classes`` also the
    ``confusion_matrix`` (rows true, columns predicted) and the ``predicted`` classes.

    For float targets ``{"loss", "r2"}``; with ``units`` also ``mse`` and ``rmse`` in the
    target's own units: the outputs and targets mapped back by
    ``target_scaler.inverse_transform`` when the targets were standardised for training (the
    training loop's validation leaves ``units`` off: its targets are standardised).
    ``keep_predictions`` adds ``predicted`` and ``true`` (those units) for a parity plot."""
    outputs = network_outputs(net, data.X, logits=isinstance(cost, CrossEntropy))
    result = {"loss": mean_cost(cost, outputs, data.T)}
    if data.labels is not None:
        predicted = predicted_classes(outputs, cost)
        result["accuracy"] = accuracy(predicted, data.labels)
        if n_classes is not None:
            result["confusion_matrix"] = confusion_matrix(
                data.labels, predicted, n_classes
            ).tolist()
        return result
    if not units:
        result["r2"] = r2_score(outputs, data.T)
        return result
    predicted, true = outputs.astype(np.float64), data.T.astype(np.float64)
    if target_scaler is not None:
        predicted = target_scaler.inverse_transform(predicted)
        true = target_scaler.inverse_transform(true)
    result.update(regression_metrics(predicted, true))
    if keep_predictions:
        result.update(predicted=predicted, true=true)
    return result
