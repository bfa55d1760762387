"""The digits set bundled with scikit-learn: 1797 images of 8×8 pixels with values 0..16.

The default data of ``chainrule train``: it needs no download, only scikit-learn (the
``[train]`` extra), which is imported here and nowhere else in this package.
"""

from __future__ import annotations

import numpy as np

from ..optional import require
from .dataset import Dataset
from .raw_scale import DIGITS_RAW_SCALE


def load_digits() -> Dataset:
    """All 1797 digits: ``X`` float32 (1797, 64) = pixel / 16 in [0, 1] (the ``raw_scale``
    a run saves and redoes on raw pixels), ``y`` 0..9, ``feature_shape`` (8, 8). Raises
    :class:`~chainrule.errors.MissingPackageError` when scikit-learn is missing."""
    datasets = require(
        "sklearn.datasets", "the digits set (it comes with scikit-learn)", extra="train"
    )
    bunch = datasets.load_digits()
    return Dataset(
        DIGITS_RAW_SCALE.apply(bunch.data),
        bunch.target.astype(np.int64),
        "digits",
        tuple(str(i) for i in range(10)),
        (8, 8),
        raw_scale=DIGITS_RAW_SCALE,
    )
