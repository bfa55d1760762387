"""Class labels as one-hot rows: label c becomes the unit vector e_c (the target y of the
book's cost ½‖a − y‖² for a k-output network)."""

from __future__ import annotations

import numpy as np

from ..dtypes import resolve_dtype
from ..errors import ConfigError, DataError


def one_hot(labels, n_classes: int, dtype=None) -> np.ndarray:
    """(n,) integer labels in 0..n_classes−1 → (n, n_classes) rows with a single 1.

    ``dtype``: a float type (default: the library's, float32). Labels given as floats must be
    whole numbers. Raises :class:`DataError` naming the first bad label.
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 1:
        raise ConfigError(f"one_hot: n_classes must be a positive integer, got {n_classes!r}")
    dtype = resolve_dtype(dtype)
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise DataError(
            f"one_hot: labels must be 1-D (one class per example), got shape {labels.shape}"
        )
    if labels.dtype.kind == "f":
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not whole.all():
            index = int(np.argmin(whole))
            raise DataError(
                f"one_hot: label {labels[index]} at index {index} is not a whole number"
            )
    elif labels.dtype.kind not in "iub" and labels.size:
        raise DataError(f"one_hot: labels must be integers, got dtype {labels.dtype}")
    labels = labels.astype(np.int64)
    bad = (labels < 0) | (labels >= n_classes)
    if bad.any():
        index = int(np.argmax(bad))
        raise DataError(
            f"one_hot: label {labels[index]} at index {index} is outside "
            f"0..{n_classes - 1} for {n_classes} classes"
        )
    out = np.zeros((len(labels), int(n_classes)), dtype=dtype)
    out[np.arange(len(labels)), labels] = 1
    return out
