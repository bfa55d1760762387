"""Stratified splits (property-tested) and mini-batches with their reproducibility contract."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainrule.data import Batches, Dataset, stratified_sample, stratified_split
from chainrule.errors import ConfigError, DataError


def labelled(counts, seed=0):
    y = np.repeat(np.arange(len(counts)), counts)
    y = np.random.default_rng(seed).permutation(y)
    X = np.arange(len(y), dtype=np.float32)[:, None]
    return Dataset(X, y.astype(np.int64), "set", tuple(str(i) for i in range(len(counts))))


@given(
    counts=st.lists(st.integers(1, 40), min_size=1, max_size=8),
    fraction=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**32 - 1),
)
def test_split_keeps_each_class_share(counts, fraction, seed):
    data = labelled(counts, seed)
    n = len(data)
    n_test = math.ceil(fraction * n - 1e-9)
    if not 1 <= n_test <= n - 1:
        with pytest.raises(DataError, match="both need at least one"):
            stratified_split(data, fraction, seed)
        return
    train, test = stratified_split(data, fraction, seed)
    assert len(test) == n_test and len(train) == n - n_test
    # every example lands in exactly one part
    ids = np.concatenate([train.X[:, 0], test.X[:, 0]])
    assert sorted(ids.tolist()) == list(range(n))
    # each class gives the test part the floor or the ceiling of its proportional share
    share = np.array(counts) * n_test / n
    got = np.bincount(test.y, minlength=len(counts))
    assert np.all((got == np.floor(share)) | (got == np.ceil(share)))
    np.testing.assert_array_equal(got + np.bincount(train.y, minlength=len(counts)), counts)
    # deterministic for a seed
    again = stratified_split(data, fraction, seed)[1]
    np.testing.assert_array_equal(again.X, test.X)


def test_split_exact_proportions_and_seed_dependence():
    data = labelled([40, 20, 60])
    train, test = stratified_split(data, 0.25, seed=3)
    assert np.bincount(test.y).tolist() == [10, 5, 15]
    assert np.bincount(train.y).tolist() == [30, 15, 45]
    other = stratified_split(data, 0.25, seed=4)[1]
    assert not np.array_equal(other.X, test.X)
    assert np.all(np.diff(test.X[:, 0]) > 0)  # each part keeps the original order
    counted = stratified_split(data, 12, seed=0)[1]
    assert np.bincount(counted.y).tolist() == [4, 2, 6]


@pytest.mark.parametrize(
    "test_size, error, fragment",
    [
        (0.0, ConfigError, "strictly between 0 and 1"),
        (1.0, ConfigError, "strictly between 0 and 1"),
        ("0.2", ConfigError, "fraction in \\(0, 1\\) or a count"),
        (0, DataError, "cannot split 3 examples holding out 0"),
        (3, DataError, "one part would have 3 examples and the other 0"),
    ],
)
def test_split_errors(test_size, error, fragment):
    with pytest.raises(error, match=fragment):
        stratified_split(labelled([2, 1]), test_size)


def test_single_example_cannot_be_split():
    with pytest.raises(DataError, match="cannot split 1 example holding out a fraction 0.5"):
        stratified_split(labelled([1]), 0.5)


def test_stratified_sample():
    data = labelled([50, 30, 20])
    part = stratified_sample(data, 10, seed=1)
    assert np.bincount(part.y).tolist() == [5, 3, 2]
    assert stratified_sample(data, 1000) is data
    with pytest.raises(ConfigError, match="n_samples must be a positive integer"):
        stratified_sample(data, 0)


def test_regression_split_is_random_with_the_same_sizes():
    data = Dataset(np.arange(10, dtype=np.float32)[:, None], np.zeros((10, 1), np.float32), "r")
    train, test = stratified_split(data, 0.3, seed=0)
    assert (len(train), len(test)) == (7, 3)
    assert sorted(np.concatenate([train.X, test.X])[:, 0].tolist()) == list(range(10))


# -- batches --------------------------------------------------------------------------------


@given(
    n=st.integers(1, 300),
    batch_size=st.integers(1, 64),
    drop_last=st.booleans(),
    shuffle=st.booleans(),
)
def test_batches_cover_every_index_once(n, batch_size, drop_last, shuffle):
    if drop_last and batch_size > n:
        with pytest.raises(ConfigError, match="leaves no batch"):
            Batches(n, batch_size, np.random.default_rng(0), drop_last=drop_last)
        return
    batches = Batches(n, batch_size, np.random.default_rng(0), shuffle=shuffle, drop_last=drop_last)
    for _ in range(2):
        seen = list(batches)
        assert len(seen) == len(batches)
        assert all(len(b) == batch_size for b in seen[:-1])
        flat = np.concatenate(seen)
        if drop_last:
            assert len(flat) == n - n % batch_size and len(np.unique(flat)) == len(flat)
        else:
            assert sorted(flat.tolist()) == list(range(n))
        if not shuffle:
            assert flat.tolist() == list(range(len(flat)))


def test_batches_lengths():
    rng = np.random.default_rng(0)
    assert len(Batches(10, 3, rng)) == 4
    assert len(Batches(10, 3, rng, drop_last=True)) == 3
    assert len(Batches(9, 3, rng, drop_last=True)) == 3
    assert len(Batches(1, 100, rng)) == 1


def test_each_epoch_is_one_permutation_from_the_generator():
    rng = np.random.default_rng(7)
    batches = Batches(10, 4, rng)
    epoch = np.concatenate(list(batches))
    np.testing.assert_array_equal(epoch, np.random.default_rng(7).permutation(10))
    second = np.concatenate(list(batches))
    reference = np.random.default_rng(7)
    reference.permutation(10)
    np.testing.assert_array_equal(second, reference.permutation(10))


def test_permutation_is_drawn_at_iter_time():
    rng = np.random.default_rng(3)
    before = rng.bit_generator.state
    iterator = iter(Batches(10, 4, rng))
    assert rng.bit_generator.state != before
    first = next(iterator)
    np.testing.assert_array_equal(first, np.random.default_rng(3).permutation(10)[:4])


def test_restoring_the_generator_state_reproduces_later_epochs():
    rng = np.random.default_rng(2024)
    batches = Batches(37, 8, rng)
    list(batches)  # epoch 1
    saved = rng.bit_generator.state  # a checkpoint after epoch 1
    expected = [[b.copy() for b in batches] for _ in range(3)]  # epochs 2, 3, 4

    resumed_rng = np.random.default_rng(0)  # a fresh process
    resumed_rng.bit_generator.state = saved
    resumed = Batches(37, 8, resumed_rng)
    got = [[b.copy() for b in resumed] for _ in range(3)]
    for epoch_expected, epoch_got in zip(expected, got, strict=True):
        for a, b in zip(epoch_expected, epoch_got, strict=True):
            np.testing.assert_array_equal(a, b)


def test_unshuffled_batches_do_not_touch_the_generator():
    rng = np.random.default_rng(1)
    before = rng.bit_generator.state
    assert [b.tolist() for b in Batches(5, 2, rng, shuffle=False)] == [[0, 1], [2, 3], [4]]
    assert rng.bit_generator.state == before
    assert [b.tolist() for b in Batches(3, 2, None, shuffle=False)] == [[0, 1], [2]]


@pytest.mark.parametrize(
    "n, batch_size, fragment",
    [
        (10, 0, "batch_size must be a positive integer, got 0"),
        (10, -3, "batch_size must be a positive integer"),
        (10, 2.5, "batch_size must be a positive integer, got 2.5"),
        (10, True, "batch_size must be a positive integer"),
        (0, 4, "n must be a positive integer, got 0"),
    ],
)
def test_batches_errors(n, batch_size, fragment):
    with pytest.raises(ConfigError, match=fragment):
        Batches(n, batch_size, np.random.default_rng(0))
