"""Train/test splits that keep every class's share (stratified), reproducible from a seed."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..errors import ConfigError, DataError
from ..wording import plural
from .dataset import Dataset


def holdout_count(n: int, test_size) -> int:
    """How many of ``n`` examples go to the second part: ``test_size`` is a fraction in (0, 1)
    (rounded up, as scikit-learn does) or a count. Both parts must be non-empty."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise ConfigError(f"test_size must be a fraction in (0, 1) or a count, got {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
    elif 0 < test_size < 1:
        n_test = math.ceil(test_size * n - 1e-9)
    else:
        raise ConfigError(
            f"test_size must be a fraction strictly between 0 and 1, or a whole "
            f"count, got {test_size!r}"
        )
    if not 1 <= n_test <= n - 1:
        held = (
            f"a fraction {test_size!r}"
            if not isinstance(test_size, numbers.Integral)
            else f"{test_size!r}"
        )
        raise DataError(
            f"cannot split {plural(n, 'example')} holding out {held}: one part "
            f"would have {plural(n_test, 'example')} and the other "
            f"{plural(n - n_test, 'example')}; both need at least one"
        )
    return n_test


def stratified_indices(labels, test_size, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (first, second) that split ``labels`` keeping each class's share.

    The second part's size is fixed by :func:`holdout_count`; class c with n_c examples gives it
    ⌊n_c · t / n⌋ or ⌈n_c · t / n⌉ of them (largest remainders get the ceiling, ties broken by
    the seed), so every class is split in proportion. Which examples go where is drawn from
    ``numpy.random.default_rng(seed)``. Both index arrays are sorted (the original order).
    """
    labels = np.asarray(labels)
    n = len(labels)
    n_test = holdout_count(n, test_size)
    rng = np.random.default_rng(seed)
    distinct, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    ideal = counts * n_test / n
    take = np.floor(ideal).astype(np.int64)
    short = n_test - int(take.sum())
    if short:
        tie_break = rng.random(len(distinct))
        order = np.lexsort((tie_break, -(ideal - take)))  # largest remainder first
        take[order[:short]] += 1
    test_mask = np.zeros(n, dtype=bool)
    for c in range(len(distinct)):
        members = np.flatnonzero(inverse == c)
        test_mask[rng.permutation(members)[: take[c]]] = True
    return np.flatnonzero(~test_mask), np.flatnonzero(test_mask)


def stratified_split(dataset: Dataset, test_size=0.25, seed=0) -> tuple[Dataset, Dataset]:
    """(train, test) parts of ``dataset``, each class split in proportion (see
    :func:`stratified_indices`); deterministic for a seed, both parts non-empty.

    A regression set (no classes) is split at random with the same sizes. Raises
    :class:`DataError` when a part would be empty, :class:`ConfigError` for a bad ``test_size``.
    """
    if dataset.is_classification:
        first, second = stratified_indices(dataset.y, test_size, seed)
    else:
        n = len(dataset)
        n_test = holdout_count(n, test_size)
        mask = np.zeros(n, dtype=bool)
        mask[np.random.default_rng(seed).permutation(n)[:n_test]] = True
        first, second = np.flatnonzero(~mask), np.flatnonzero(mask)
    return dataset.subset(first), dataset.subset(second)


def stratified_sample(dataset: Dataset, n_samples: int, seed=0) -> Dataset:
    """``n_samples`` examples of ``dataset`` drawn with each class's share kept (all of them
    when ``n_samples`` ≥ its size)."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) or n_samples < 1:
        raise ConfigError(f"n_samples must be a positive integer, got {n_samples!r}")
    if n_samples >= len(dataset):
        return dataset
    return stratified_split(dataset, int(n_samples), seed)[1]
