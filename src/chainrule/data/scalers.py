"""Feature scaling fitted on the training set and applied unchanged to every other set.

Both scalers keep their statistics as float64 arrays (``state_dict``, saved in checkpoints) and
return arrays of the input's own float type (integer input becomes the default float type).
"""

from __future__ import annotations

import numpy as np

from ..dtypes import as_array
from ..errors import ConfigError, DataError


class _Scaler:
    """Shared plumbing: fit on rows, check widths, save and restore plain arrays."""

    _state_keys: tuple[str, ...] = ()

    def __init__(self):
        self._state: dict[str, np.ndarray] | None = None

    @property
    def fitted(self) -> bool:
        return self._state is not None

    def fit(self, X):
        """Learn the per-column statistics from the rows of ``X``; returns ``self``."""
        X = self._rows(X, "fit")
        if len(X) == 0:
            raise DataError(f"{type(self).__name__}.fit: X has no rows to learn from")
        finite = np.isfinite(X)
        if not finite.all():
            row, column = np.argwhere(~finite)[0]
            raise DataError(
                f"{type(self).__name__}.fit: X row {row}, column {column} is {X[row, column]}"
            )
        self._state = self._statistics(X.astype(np.float64, copy=False))
        return self

    def transform(self, X) -> np.ndarray:
        """Apply the fitted scaling to ``X`` (any number of rows); same float type as ``X``."""
        X = self._checked(X, "transform")
        _require_finite(X, f"{type(self).__name__}.transform")
        with np.errstate(all="ignore"):
            scaled = self._apply(X, self._typed(X.dtype))
        finite = np.isfinite(scaled)
        if not finite.all():
            row, column = np.unravel_index(int(np.argmin(finite)), scaled.shape)
            raise DataError(
                f"{type(self).__name__}.transform: row {row + 1}, column "
                f"{column + 1} ({X[row, column]:g}) scales to {scaled[row, column]}"
                f"; it is too far from the training data for {scaled.dtype}"
            )
        return scaled

    def _checked(self, X, where: str) -> np.ndarray:
        if self._state is None:
            raise ConfigError(
                f"{type(self).__name__}.{where} called before fit "
                f"(call fit(X_train) or fit_transform(X_train) first)"
            )
        X = self._rows(X, where)
        width = len(next(iter(self._state.values())))
        if X.shape[1] != width:
            raise DataError(
                f"{type(self).__name__}.{where}: fitted on {width} features, X has {X.shape[1]}"
            )
        return X

    def _typed(self, dtype) -> dict[str, np.ndarray]:
        return {k: v.astype(dtype) for k, v in self._state.items()}

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def state_dict(self) -> dict[str, np.ndarray]:
        """The fitted statistics as plain float64 arrays (copies), keyed by name."""
        if self._state is None:
            raise ConfigError(f"{type(self).__name__}.state_dict called before fit")
        return {k: v.copy() for k, v in self._state.items()}

    @classmethod
    def from_state_dict(cls, state):
        """A fitted scaler from what :meth:`state_dict` returned (checked)."""
        missing = [k for k in cls._state_keys if k not in state]
        if missing:
            raise DataError(
                f"{cls.__name__} state: missing {', '.join(missing)} "
                f"(has {', '.join(sorted(state)) or 'nothing'})"
            )
        arrays = {k: np.array(state[k], dtype=np.float64) for k in cls._state_keys}
        for key, value in arrays.items():
            if value.ndim != 1 or not np.isfinite(value).all():
                raise DataError(
                    f"{cls.__name__} state: {key} must be a 1-D array of finite "
                    f"numbers, got shape {value.shape}"
                )
        scaler = cls.__new__(cls)
        _Scaler.__init__(scaler)
        scaler._restore(arrays)
        scaler._state = arrays
        return scaler

    def _rows(self, X, where: str) -> np.ndarray:
        X = as_array(X, what=f"{type(self).__name__}.{where}: X")
        if X.ndim != 2:
            raise DataError(
                f"{type(self).__name__}.{where}: X must be 2-D (rows × features), "
                f"got shape {X.shape}"
            )
        return X

    def _restore(self, arrays: dict[str, np.ndarray]) -> None:
        pass

    def __repr__(self) -> str:
        if self._state is None:
            return f"{type(self).__name__}(not fitted)"
        return f"{type(self).__name__}({len(next(iter(self._state.values())))} features)"


class Standardizer(_Scaler):
    """x ↦ (x − mean) / std, per column; a constant column (std 0) is only centred (std → 1).

    ``state_dict()`` is ``{"mean": (d,), "std": (d,)}``.
    """

    _state_keys = ("mean", "std")

    def _statistics(self, X):
        std = X.std(axis=0)
        std[std == 0] = 1.0
        return {"mean": X.mean(axis=0), "std": std}

    def _restore(self, arrays):
        if arrays["mean"].shape != arrays["std"].shape or (arrays["std"] <= 0).any():
            raise DataError(
                "Standardizer state: mean and std must have the same shape and std must be positive"
            )

    def _apply(self, X, s):
        return (X - s["mean"]) / s["std"]

    def inverse_transform(self, X) -> np.ndarray:
        """Undo :meth:`transform`: x ↦ x · std + mean."""
        X = self._checked(X, "inverse_transform")
        s = self._typed(X.dtype)
        return X * s["std"] + s["mean"]

    @property
    def mean(self) -> np.ndarray | None:
        return None if self._state is None else self._state["mean"]

    @property
    def std(self) -> np.ndarray | None:
        return None if self._state is None else self._state["std"]


class MinMaxScaler(_Scaler):
    """x ↦ lo + (x − min) / (max − min) · (hi − lo), per column, into ``feature_range``
    (default [0, 1]); a constant column (max = min) maps to lo.

    ``state_dict()`` is ``{"min": (d,), "scale": (d,), "feature_range": (2,)}`` where
    ``scale`` is max − min (1 for a constant column).
    """

    _state_keys = ("min", "scale", "feature_range")

    def __init__(self, feature_range=(0.0, 1.0)):
        super().__init__()
        lo, hi = (float(v) for v in feature_range)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ConfigError(
                f"MinMaxScaler: feature_range must be (lo, hi) with lo < hi, "
                f"got {tuple(feature_range)}"
            )
        self.feature_range = (lo, hi)

    def _statistics(self, X):
        low = X.min(axis=0)
        scale = X.max(axis=0) - low
        scale[scale == 0] = 1.0
        return {"min": low, "scale": scale, "feature_range": np.array(self.feature_range)}

    def _restore(self, arrays):
        lo_hi = arrays["feature_range"]
        if (
            lo_hi.shape != (2,)
            or not lo_hi[0] < lo_hi[1]
            or (arrays["scale"] <= 0).any()
            or arrays["min"].shape != arrays["scale"].shape
        ):
            raise DataError(
                "MinMaxScaler state: feature_range must be (lo, hi) with lo < hi, "
                "min and scale the same shape, scale positive"
            )
        self.feature_range = (float(lo_hi[0]), float(lo_hi[1]))

    def _apply(self, X, s):
        lo, hi = s["feature_range"]
        return (X - s["min"]) / s["scale"] * (hi - lo) + lo


def _require_finite(X: np.ndarray, where: str) -> None:
    """DataError naming the row and column (from 1) of the first NaN or ±inf in ``X``."""
    finite = np.isfinite(X)
    if not finite.all():
        row, column = np.unravel_index(int(np.argmin(finite)), X.shape)
        raise DataError(
            f"{where}: row {row + 1}, column {column + 1} is {X[row, column]}; "
            f"values must be finite"
        )
