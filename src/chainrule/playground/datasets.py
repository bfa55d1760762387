"""The data of a playground run: the examples, split into train and test, as raw inputs (what
the page draws) and as features (what the network sees).

The generated 2-D sets are :mod:`chainrule.data.toy`'s, moved and scaled into about
[−6, 6]² as TensorFlow Playground draws them: circles ×5 (radii 5 and 2.5); xor, the corners
(0,0)…(1,1) moved to (±3, ±3); moons centred and ×3; spirals (two arms) ×5; gauss, two
Gaussian blobs at (±3, 0); blobs, 3 to 5 blobs on a circle of radius 3. ``noise`` (percent) is
the standard deviation of the scatter in each set's own units before scaling: noise/100 for
circles, moons and xor (plus a floor of 0.1 for xor, whose corners would otherwise be four
points), noise/100 radians for spirals, and 0.7 + noise/25 for gauss and blobs.

The test share is held out by :func:`chainrule.data.split.stratified_indices` (each class in
proportion; regression: a random share) drawn from ``dataseed``; the same settings give the
same split in any process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import load_digits, toy
from ..data.split import holdout_count, stratified_indices, stratified_sample
from .features import feature_matrix
from .settings import Settings, setting_error

#: the most examples of each split that the page receives
MAX_SHOWN = 2000
PLANE_HALF_WIDTH = 6.0


@dataclass(frozen=True)
class RunData:
    """The examples of a run. ``raw_*``: the inputs as given (n, len(inputs)); ``X_*``: the
    features the network sees (float32); ``y_*``: int64 class labels or (n, 1) float32 values."""

    kind: str  # "plane" | "line" | "digits" | "table"
    task: str  # "classification" | "regression"
    classes: tuple[str, ...] | None
    inputs: tuple[str, ...]
    features: tuple[str, ...]
    extent: tuple[float, float, float, float] | None
    raw_train: np.ndarray
    raw_test: np.ndarray
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    name: str
    #: the features of a point of the plane, as :func:`.features.feature_matrix` names them
    #: (the frames' grid); None: ``features``
    grid_features: tuple[str, ...] | None = None

    @property
    def point_features(self) -> tuple[str, ...]:
        return self.grid_features or self.features

    @property
    def n_outputs(self) -> int:
        return len(self.classes) if self.classes else 1

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(raw, X, y) of "train" or "test"."""
        if name == "train":
            return self.raw_train, self.X_train, self.y_train
        return self.raw_test, self.X_test, self.y_test

    def to_dict(self) -> dict:
        """The ``data`` field of the ready message (at most MAX_SHOWN examples per split)."""

        def part(raw, y):
            y = y[:MAX_SHOWN]
            return {
                "x": raw[:MAX_SHOWN].astype(np.float64).tolist(),
                "y": y.tolist() if y.ndim == 1 else y[:, 0].astype(np.float64).tolist(),
            }

        shape = {"image_shape": [8, 8]} if self.kind == "digits" else {}
        return {
            "kind": self.kind,
            "task": self.task,
            "classes": list(self.classes) if self.classes else None,
            "features": list(self.features),
            "inputs": list(self.inputs),
            "extent": list(self.extent) if self.extent else None,
            "train": part(self.raw_train, self.y_train),
            "test": part(self.raw_test, self.y_test),
            **shape,  # digits: x holds the 8 × 8 pixels row by row
        }


def _plane_points(settings: Settings):
    """(points (n, 2) in about [−6, 6]², labels, class names) of a generated 2-D set."""
    n, noise, seed = settings.points, settings.noise / 100, settings.dataseed
    name = settings.data
    if name == "circles":
        d = toy.make_circles(n, noise, 0.5, seed=seed)
        # inner first: a CSV reader sorts class names, and the outputs follow that order
        return (d.X * 5).astype(np.float32), 1 - d.y, ("inner", "outer")
    elif name == "xor":
        d = toy.make_xor(n, 0.1 + noise, seed=seed)
        points = (d.X - 0.5) * 6
    elif name == "moons":
        d = toy.make_moons(n, noise, seed=seed)
        points = (d.X - np.array([0.5, 0.25], np.float32)) * 3
    elif name == "spirals":
        d = toy.make_spirals(n, noise, arms=2, seed=seed)
        points = d.X * 5
    else:  # gauss, blobs
        centers = 2 if name == "gauss" else settings.classes
        d = toy.make_gauss(n, 0.7 + 4 * noise, centers=centers, seed=seed)
        points = d.X
    return points.astype(np.float32), d.y, tuple(d.classes)


def _half_width(values: np.ndarray, least: float) -> float:
    largest = float(np.max(np.abs(values))) if values.size else 0.0
    return max(least, float(np.ceil(largest * 2) / 2))


def _plane(settings: Settings) -> RunData:
    points, labels, classes = _plane_points(settings)
    train, test = _split_indices(labels, settings)
    w = _half_width(points, PLANE_HALF_WIDTH)
    return RunData(
        kind="plane",
        task="classification",
        classes=classes,
        inputs=("x1", "x2"),
        features=settings.features,
        extent=(-w, w, -w, w),
        raw_train=points[train],
        raw_test=points[test],
        X_train=feature_matrix(points[train], settings.features),
        X_test=feature_matrix(points[test], settings.features),
        y_train=labels[train],
        y_test=labels[test],
        name=settings.data,
    )


def _regression(settings: Settings) -> RunData:
    """y = sin x on x uniform in [−6, 6], plus normal noise of std noise/50."""
    rng = np.random.default_rng(settings.dataseed)
    n = settings.points
    x = rng.uniform(-PLANE_HALF_WIDTH, PLANE_HALF_WIDTH, n)
    y = np.sin(x) + settings.noise / 50 * rng.standard_normal(n)
    raw = x.astype(np.float32).reshape(-1, 1)
    values = y.astype(np.float32).reshape(-1, 1)
    train, test = _split_indices(values, settings)
    h = _half_width(values, 1.5)
    return RunData(
        kind="line",
        task="regression",
        classes=None,
        inputs=("x",),
        features=("x",),
        extent=(-PLANE_HALF_WIDTH, PLANE_HALF_WIDTH, -h, h),
        raw_train=raw[train],
        raw_test=raw[test],
        X_train=raw[train],
        X_test=raw[test],
        y_train=values[train],
        y_test=values[test],
        name="regression",
    )


def _split_indices(y: np.ndarray, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) indices: stratified for classes, a random share for values."""
    if y.ndim == 1:
        return stratified_indices(y, settings.test, seed=settings.dataseed)
    order = np.random.default_rng(settings.dataseed).permutation(len(y))
    n_test = holdout_count(len(y), settings.test)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def _digits(settings: Settings) -> RunData:
    """``points`` of scikit-learn's 8×8 digits (a stratified sample), pixels /16 in [0, 1]."""
    d = stratified_sample(load_digits(), settings.points, seed=settings.dataseed)
    train, test = _split_indices(d.y, settings)
    names = tuple(f"p{i}" for i in range(d.X.shape[1]))
    X = d.X.astype(np.float32)
    return RunData(
        kind="digits",
        task="classification",
        classes=tuple(d.classes),
        inputs=names,
        features=names,
        extent=None,
        raw_train=X[train],
        raw_test=X[test],
        X_train=X[train],
        X_test=X[test],
        y_train=d.y[train],
        y_test=d.y[test],
        name="digits",
    )


def _upload(settings: Settings, upload) -> RunData:
    """A validated CSV: its columns standardised (mean 0, standard deviation 1 over the
    training rows; a constant column is only centred) before the network sees them."""
    if upload is None:
        raise setting_error(
            "data", "setting 'data': 'upload' needs an uploaded CSV; upload one first"
        )
    train, test = _split_indices(upload.y, settings)
    mean = upload.X[train].astype(np.float64).mean(axis=0)
    std = upload.X[train].astype(np.float64).std(axis=0)
    std[std == 0] = 1.0
    X = ((upload.X - mean) / std).astype(np.float32)
    d = X.shape[1]
    regression = upload.classes is None
    if d == 2 and not regression:
        kind = "plane"
    elif d == 1 and regression:
        kind = "line"
    else:
        kind = "table"
    extent = None
    if kind in ("plane", "line"):
        w = _half_width(X[:, 0], 1.0) + 0.5
        h = _half_width(X[:, 1] if kind == "plane" else upload.y, 1.0) + 0.5
        extent = (-w, w, -h, h)
    return RunData(
        kind=kind,
        task=upload.task,
        classes=upload.classes,
        inputs=upload.feature_names,
        features=upload.feature_names,
        extent=extent,
        raw_train=X[train],
        raw_test=X[test],
        X_train=X[train],
        X_test=X[test],
        y_train=upload.y[train],
        y_test=upload.y[test],
        name=upload.name,
        grid_features=("x1", "x2") if kind == "plane" else None,
    )


def make_data(settings: Settings, upload=None) -> RunData:
    """The data the settings describe (``upload``: the validated CSV when data is "upload")."""
    if settings.data == "regression":
        return _regression(settings)
    if settings.data == "digits":
        return _digits(settings)
    if settings.data == "upload":
        return _upload(settings, upload)
    return _plane(settings)
