"""Small two-dimensional data sets generated in NumPy, and the book's four examples.

Each generator takes ``n_samples`` (the total, shared out evenly among the classes), ``noise``
and ``seed``, and returns the same float32 ``X`` and int64 ``y`` for the same arguments (drawn
from ``numpy.random.default_rng(seed)``), with the rows shuffled so the classes are mixed.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..errors import ConfigError
from .dataset import Dataset

#: the book's worked example: inputs (the third column is a constant 1) and XOR targets
BOOK_X = ((0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 1))
BOOK_Y = (0, 1, 1, 0)


def _check(name: str, n_samples, noise, n_classes: int) -> tuple[int, float]:
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise ConfigError(f"{name}: n_samples must be a whole number, got {n_samples!r}")
    if n_samples < 2 * n_classes:
        raise ConfigError(
            f"{name}: n_samples must be at least {2 * n_classes} (two per class, "
            f"so that both parts of a split can hold every class), got "
            f"{n_samples}"
        )
    if (
        isinstance(noise, bool)
        or not isinstance(noise, numbers.Real)
        or not np.isfinite(noise)
        or noise < 0
    ):
        raise ConfigError(f"{name}: noise must be a finite number ≥ 0, got {noise!r}")
    return int(n_samples), float(noise)


def _check_classes(name: str, n_classes, low: int) -> int:
    if (
        isinstance(n_classes, bool)
        or not isinstance(n_classes, numbers.Integral)
        or not low <= n_classes <= 100
    ):
        raise ConfigError(
            f"{name}: the number of classes must be a whole number from {low} "
            f"to 100, got {n_classes!r}"
        )
    return int(n_classes)


def _per_class(n_samples: int, k: int) -> np.ndarray:
    """Labels 0..k−1, as even as possible (the first n mod k classes get one more)."""
    return np.arange(n_samples) % k


def _finish(name: str, X: np.ndarray, y: np.ndarray, rng, classes) -> Dataset:
    order = rng.permutation(len(y))
    return Dataset(
        X[order].astype(np.float32), y[order].astype(np.int64), name, tuple(classes), (X.shape[1],)
    )


def make_book() -> Dataset:
    """The book's four examples X = [[0,0,1],[0,1,1],[1,0,1],[1,1,1]], y = [0,1,1,0]."""
    return Dataset(
        np.array(BOOK_X, dtype=np.float32),
        np.array(BOOK_Y, dtype=np.int64),
        "book",
        ("0", "1"),
        (3,),
    )


def make_xor(n_samples: int = 200, noise: float = 0.1, seed=0) -> Dataset:
    """Points scattered (normal, std ``noise``) around the corners (0,0), (0,1), (1,0), (1,1);
    the label is the XOR of the corner's coordinates (1 for (0,1) and (1,0))."""
    n_samples, noise = _check("xor", n_samples, noise, 2)
    rng = np.random.default_rng(seed)
    corner = np.arange(n_samples) % 4
    bits = np.stack([corner // 2, corner % 2], axis=1)
    X = bits + noise * rng.standard_normal((n_samples, 2))
    return _finish("xor", X, bits[:, 0] ^ bits[:, 1], rng, ("0", "1"))


def make_circles(n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed=0) -> Dataset:
    """Two concentric circles: class 0 on radius 1, class 1 on radius ``factor``, plus normal
    noise of std ``noise`` on each coordinate."""
    n_samples, noise = _check("circles", n_samples, noise, 2)
    if not 0 < factor < 1:
        raise ConfigError(f"circles: factor must lie strictly between 0 and 1, got {factor!r}")
    rng = np.random.default_rng(seed)
    y = _per_class(n_samples, 2)
    angle = rng.uniform(0, 2 * np.pi, n_samples)
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    X += noise * rng.standard_normal(X.shape)
    return _finish("circles", X, y, rng, ("outer", "inner"))


def make_moons(n_samples: int = 200, noise: float = 0.1, seed=0) -> Dataset:
    """Two interleaving half circles: class 0 is (cos t, sin t), class 1 is
    (1 − cos t, ½ − sin t), t uniform in [0, π], plus normal noise of std ``noise``."""
    n_samples, noise = _check("moons", n_samples, noise, 2)
    rng = np.random.default_rng(seed)
    y = _per_class(n_samples, 2)
    t = rng.uniform(0, np.pi, n_samples)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where((y == 0)[:, None], upper, lower)
    X += noise * rng.standard_normal(X.shape)
    return _finish("moons", X, y, rng, ("0", "1"))


def make_spirals(n_samples: int = 300, noise: float = 0.2, arms: int = 3, seed=0) -> Dataset:
    """``arms`` interleaved spiral arms, one class each: arm j at radius r ∈ [0.05, 1] has angle
    2πj/arms + 4r (two thirds of a turn) plus normal noise of std ``noise`` radians."""
    arms = _check_classes("spirals", arms, 2)
    n_samples, noise = _check("spirals", n_samples, noise, arms)
    rng = np.random.default_rng(seed)
    y = _per_class(n_samples, arms)
    r = rng.uniform(0.05, 1.0, n_samples)
    angle = 2 * np.pi * y / arms + 4 * r + noise * rng.standard_normal(n_samples)
    X = r[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return _finish("spirals", X, y, rng, (str(j) for j in range(arms)))


def make_gauss(n_samples: int = 300, noise: float = 1.0, centers: int = 3, seed=0) -> Dataset:
    """``centers`` Gaussian blobs, one class each, centred evenly on a circle of radius 3
    (blob j at angle 2πj/centers), each with standard deviation ``noise``."""
    centers = _check_classes("gauss", centers, 2)
    n_samples, noise = _check("gauss", n_samples, noise, centers)
    rng = np.random.default_rng(seed)
    y = _per_class(n_samples, centers)
    angle = 2 * np.pi * np.arange(centers) / centers
    middle = 3.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    X = middle[y] + noise * rng.standard_normal((n_samples, 2))
    return _finish("gauss", X, y, rng, (str(j) for j in range(centers)))


#: name → (generator, default n_samples, default noise, keyword for the number of classes)
TOY_SETS = {
    "xor": (make_xor, 200, 0.1, None),
    "circles": (make_circles, 200, 0.05, None),
    "moons": (make_moons, 200, 0.1, None),
    "spirals": (make_spirals, 300, 0.2, "arms"),
    "gauss": (make_gauss, 300, 1.0, "centers"),
}
