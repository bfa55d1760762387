"""The data set: features ``X`` (one row per example) and targets ``y``, with the names to show."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError
from .raw_scale import RawScale


@dataclass(repr=False, eq=False)
class Dataset:
    """Examples as rows, as the network reads them: ``X`` is (n, d), one example per row.

    ``X``: (n, d) float32 features; images are flattened row by row and scaled to [0, 1].
    ``y``: (n,) int64 class labels 0..k−1 (classification) or (n, k) float targets (regression).
    ``name``: what the set is called ("digits", "fashion-mnist", "moons", "data.csv", ...).
    ``classes``: one name per class ("T-shirt/top", ...; "0".."9"); ``None`` for regression.
    ``feature_shape``: the shape of one example before flattening: (28, 28) for Fashion-MNIST,
    (8, 8) for digits, (d,) otherwise (the default).
    ``feature_names``: column names when the source has them (a CSV header), else ``None``.
    ``raw_scale``: what the loader did to the source's raw values (``X`` = raw / 16 for the
    digits pixels, see :class:`~chainrule.data.raw_scale.RawScale`); ``None`` when ``X`` holds
    the raw values (a CSV file, a generated set).
    ``target_names``: the target column's name (a CSV header), else ``None``.

    Nothing is checked on construction; :meth:`validate` checks everything and returns the set.
    """

    X: np.ndarray
    y: np.ndarray
    name: str
    classes: tuple[str, ...] | None = None
    feature_shape: tuple[int, ...] | None = None
    feature_names: tuple[str, ...] | None = None
    raw_scale: RawScale | None = None
    target_names: tuple[str, ...] | None = None

    def __post_init__(self):
        if self.classes is not None:
            self.classes = tuple(str(c) for c in self.classes)
        if self.feature_names is not None:
            self.feature_names = tuple(str(c) for c in self.feature_names)
        if self.target_names is not None:
            self.target_names = tuple(str(c) for c in self.target_names)
        if self.feature_shape is None:
            shape = np.shape(self.X)
            self.feature_shape = (int(shape[1]),) if len(shape) == 2 else tuple(shape[1:])
        else:
            self.feature_shape = tuple(int(s) for s in self.feature_shape)

    # -- sizes -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(np.shape(self.X)[0])

    @property
    def n_features(self) -> int:
        """d, the width of one row of ``X`` (what the first layer takes)."""
        return int(np.shape(self.X)[1])

    @property
    def is_classification(self) -> bool:
        """True when ``y`` holds class labels (``classes`` is set), False for regression."""
        return self.classes is not None

    @property
    def n_classes(self) -> int | None:
        """k, the number of classes; ``None`` for a regression set."""
        return len(self.classes) if self.classes is not None else None

    @property
    def n_outputs(self) -> int:
        """The width the network's last layer needs: k classes, or the regression targets' k."""
        if self.classes is not None:
            return len(self.classes)
        return int(np.shape(self.y)[1]) if np.ndim(self.y) == 2 else 1

    def class_counts(self) -> np.ndarray:
        """How many examples each class has (length ``n_classes``)."""
        if self.classes is None:
            raise DataError(f"{self.name}: a regression set has no classes to count")
        return np.bincount(self.y, minlength=len(self.classes))

    # -- views -------------------------------------------------------------------------------

    def raw_features(self) -> np.ndarray:
        """``X`` as the source holds it: the loader's :attr:`raw_scale` undone (``X`` itself
        when there is none) — what ``predict`` and ``TrainedModel`` take."""
        return self.X if self.raw_scale is None else self.raw_scale.undo(self.X)

    def subset(self, indices) -> Dataset:
        """The examples at ``indices`` (an index array, a boolean mask or a slice), same names."""
        return Dataset(
            self.X[indices],
            self.y[indices],
            self.name,
            self.classes,
            self.feature_shape,
            self.feature_names,
            self.raw_scale,
            self.target_names,
        )

    def __repr__(self) -> str:
        target = f"{self.n_classes} classes" if self.classes is not None else "regression"
        return (
            f"Dataset({self.name!r}, {len(self)} examples × {self.n_features} features, {target})"
        )

    # -- checks ------------------------------------------------------------------------------

    def validate(self) -> Dataset:
        """Check that the set can be trained on; returns ``self``, or raises :class:`DataError`.

        Checks: ``X`` is a 2-D numeric array with at least one row and column, ``feature_shape``
        multiplies out to its width, every value is finite (else names the first bad row and
        column), ``len(X) == len(y)``; for classification ``y`` is 1-D integers in
        0..``n_classes``−1 (else names the first bad row); for regression ``y`` is finite numbers.
        """
        X, y, name = self.X, self.y, self.name
        if not isinstance(X, np.ndarray) or not isinstance(y, np.ndarray):
            raise DataError(
                f"{name}: X and y must be NumPy arrays, got "
                f"{type(X).__name__} and {type(y).__name__}"
            )
        if X.ndim != 2:
            raise DataError(f"{name}: X must be 2-D (examples × features), got shape {X.shape}")
        if X.dtype.kind not in "fiu":
            raise DataError(f"{name}: X must hold numbers, got dtype {X.dtype}")
        if X.shape[0] == 0:
            raise DataError(f"{name}: the data set is empty (0 examples)")
        if X.shape[1] == 0:
            raise DataError(f"{name}: the examples have no features (X has shape {X.shape})")
        if int(np.prod(self.feature_shape)) != X.shape[1]:
            raise DataError(
                f"{name}: feature_shape {self.feature_shape} does not multiply out "
                f"to the {X.shape[1]} columns of X"
            )
        if len(y) != len(X):
            raise DataError(f"{name}: X has {len(X)} examples but y has {len(y)} targets")
        if X.dtype.kind == "f":
            _check_finite(X, f"{name}: X")
        if self.classes is not None:
            self._validate_labels()
        else:
            if y.dtype.kind not in "fiu" or y.ndim not in (1, 2):
                raise DataError(
                    f"{name}: regression targets y must be a 1-D or 2-D array of "
                    f"numbers, got dtype {y.dtype}, shape {y.shape}"
                )
            if y.dtype.kind == "f":
                _check_finite(y.reshape(len(y), -1), f"{name}: y")
        return self

    def _validate_labels(self) -> None:
        y, name, k = self.y, self.name, len(self.classes)
        if k == 0:
            raise DataError(f"{name}: classes is empty; a classification set needs at least one")
        if y.ndim != 1 or y.dtype.kind not in "iu":
            raise DataError(
                f"{name}: class labels y must be a 1-D integer array, got dtype "
                f"{y.dtype}, shape {y.shape}"
            )
        bad = (y < 0) | (y >= k)
        if bad.any():
            row = int(np.argmax(bad))
            raise DataError(
                f"{name}: label {int(y[row])} at row {row} is outside 0..{k - 1} for {k} classes"
            )


def _check_finite(values: np.ndarray, what: str) -> None:
    """Raise naming the first (row, column) of ``values`` (2-D) that is NaN or ±Inf."""
    finite = np.isfinite(values)
    if finite.all():
        return
    flat = int(np.argmin(finite.ravel()))
    row, column = divmod(flat, values.shape[1])
    raise DataError(
        f"{what} row {row}, column {column} is {values[row, column]} "
        f"(rows and columns counted from 0)"
    )
