"""What a regression network is judged by, in the target's own units: the mean squared error
MSE = (1/nk) Σ (ŷ − y)², its root RMSE, and the coefficient of determination
R² = 1 − Σ (ŷ − y)² / Σ (y − ȳ)² (per target column, then averaged, as scikit-learn's
``r2_score``): 1 for perfect predictions, 0 for always predicting the mean ȳ.

R² is unchanged when targets and predictions undergo the same affine map, so it reads the same
on the standardised targets a run trains on; MSE and RMSE are in the units of the targets given.
"""

from __future__ import annotations

import numpy as np


def r2_score(predicted, true) -> float | None:
    """R² averaged over the target columns; ``None`` when a column of ``true`` is constant (R²
    is then undefined: Σ (y − ȳ)² = 0)."""
    predicted, true = _columns(predicted), _columns(true)
    residual = ((true - predicted) ** 2).sum(axis=0)
    total = ((true - true.mean(axis=0)) ** 2).sum(axis=0)
    if np.any(total == 0):
        return None
    return float(np.mean(1 - residual / total))


def regression_metrics(predicted, true) -> dict:
    """``{"mse", "rmse", "r2"}`` of predictions against targets (same units), in float64."""
    predicted, true = _columns(predicted), _columns(true)
    mse = float(np.mean((predicted - true) ** 2))
    return {"mse": mse, "rmse": float(np.sqrt(mse)), "r2": r2_score(predicted, true)}


def format_r2(value: float | None) -> str:
    """R² to four decimals (as accuracy is printed), or ``undefined`` (a constant target)."""
    return "undefined" if value is None else f"{value:.4f}"


def _columns(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return values.reshape(len(values), -1)
