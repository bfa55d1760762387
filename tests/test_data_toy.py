"""Generated sets, the book's set, digits, and load_dataset's routing and option checks."""

from __future__ import annotations

import numpy as np
import pytest
from blocked_imports import block

from chainrule.data import (
    DATASET_DESCRIPTIONS,
    DATASETS,
    load_dataset,
    make_book,
    make_circles,
    make_gauss,
    make_moons,
    make_spirals,
    make_xor,
)
from chainrule.errors import ConfigError, DataError

GENERATED = {"xor": 2, "circles": 2, "moons": 2, "spirals": 3, "gauss": 3}


def test_names():
    assert DATASETS == (
        "digits",
        "fashion-mnist",
        "mnist",
        "xor",
        "book",
        "circles",
        "moons",
        "spirals",
        "gauss",
    )
    assert set(DATASET_DESCRIPTIONS) == set(DATASETS)


@pytest.mark.parametrize("name, k", GENERATED.items())
def test_generated_sets_shapes_classes_and_split(name, k):
    train, test = load_dataset(name, seed=0)
    total = 200 if k == 2 else 300
    assert len(train) + len(test) == total and len(test) == total // 4
    for part in (train, test):
        assert part.X.dtype == np.float32 and part.y.dtype == np.int64
        assert part.X.shape[1] == 2 and part.feature_shape == (2,)
        assert part.n_classes == k and part.name == name
        assert np.isfinite(part.X).all()
    np.testing.assert_array_equal(np.bincount(test.y), [total // 4 // k] * k)
    np.testing.assert_array_equal(np.bincount(train.y), [(total - total // 4) // k] * k)


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sets_are_deterministic_per_seed(name):
    a_train, a_test = load_dataset(name, seed=5, n_samples=80, noise=0.2)
    b_train, b_test = load_dataset(name, seed=5, n_samples=80, noise=0.2)
    c_train, _ = load_dataset(name, seed=6, n_samples=80, noise=0.2)
    np.testing.assert_array_equal(a_train.X, b_train.X)
    np.testing.assert_array_equal(a_test.y, b_test.y)
    assert not np.array_equal(a_train.X, c_train.X)
    assert len(a_train) + len(a_test) == 80


def test_xor_clusters_round_to_their_corner_labels():
    data = make_xor(400, noise=0.05, seed=1)
    corners = np.round(data.X).astype(int)
    np.testing.assert_array_equal(corners[:, 0] ^ corners[:, 1], data.y)
    np.testing.assert_array_equal(np.bincount(data.y), [200, 200])
    exact = make_xor(8, noise=0.0)
    assert sorted(map(tuple, exact.X.tolist())) == sorted([(0, 0), (0, 1), (1, 0), (1, 1)] * 2)


def test_circles_radii_and_moons_shape():
    circles = make_circles(300, noise=0.0, factor=0.3, seed=2)
    radius = np.hypot(*circles.X.T)
    np.testing.assert_allclose(radius[circles.y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(radius[circles.y == 1], 0.3, atol=1e-6)
    moons = make_moons(300, noise=0.0, seed=2)
    upper = moons.X[moons.y == 0]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, atol=1e-6)
    assert (upper[:, 1] >= -1e-6).all()
    lower = moons.X[moons.y == 1]
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, atol=1e-6)


def test_spirals_and_gauss_take_the_number_of_classes():
    spirals = make_spirals(500, arms=5, seed=3)
    assert spirals.n_classes == 5 and np.bincount(spirals.y).tolist() == [100] * 5
    assert np.abs(spirals.X).max() <= 1.0 + 1e-6
    gauss = make_gauss(400, noise=0.0, centers=4, seed=3)
    np.testing.assert_allclose(np.hypot(*gauss.X.T), 3.0, atol=1e-5)
    assert len(np.unique(gauss.X.round(4), axis=0)) == 4
    train, test = load_dataset("spirals", n_classes=4, n_samples=100)
    assert train.n_classes == 4 and len(train) + len(test) == 100
    with pytest.raises(ConfigError, match="moons: n_classes does not apply"):
        load_dataset("moons", n_classes=3)


def test_the_book_set_is_exactly_the_books():
    train, test = load_dataset("book")
    for part in (train, test):
        np.testing.assert_array_equal(part.X, [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
        assert part.y.tolist() == [0, 1, 1, 0] and part.X.dtype == np.float32
        assert part.classes == ("0", "1")
    assert make_book().X is not make_book().X
    with pytest.raises(ConfigError, match="book: the option n_samples does not apply"):
        load_dataset("book", n_samples=100)


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: make_xor(3), "xor: n_samples must be at least 4"),
        (lambda: make_moons(100, noise=-1), "noise must be a finite number ≥ 0"),
        (lambda: make_moons(100, noise=float("nan")), "noise must be"),
        (lambda: make_circles(100, factor=1.5), "factor must lie strictly between 0 and 1"),
        (lambda: make_spirals(100, arms=1), "spirals: the number of classes must be"),
        (lambda: make_gauss(10, centers=6), "gauss: n_samples must be at least 12"),
        (lambda: make_xor(100.5), "n_samples must be a whole number"),
    ],
)
def test_generator_argument_errors(call, fragment):
    with pytest.raises(ConfigError, match=fragment):
        call()


def test_unknown_name_lists_the_choices():
    with pytest.raises(ConfigError) as info:
        load_dataset("cifar10")
    message = str(info.value)
    assert message.startswith("unknown data set 'cifar10': choose one of digits, fashion-mnist")
    assert "spirals, gauss" in message and ".csv" in message


def test_names_are_case_insensitive_and_aliases():
    assert load_dataset("MOONS")[0].name == "moons"
    assert load_dataset("Spiral")[0].name == "spirals"


def test_options_that_do_not_apply():
    with pytest.raises(ConfigError, match=r"xor: the option label_column \(--label-column\) does "):
        load_dataset("xor", label_column=0)
    with pytest.raises(ConfigError, match="digits: the option noise does not apply"):
        load_dataset("digits", noise=0.1)
    with pytest.raises(ConfigError, match="test_size must be a fraction"):
        load_dataset("moons", test_size=1.5)
    with pytest.raises(DataError, match="cannot split 200 examples holding out 200"):
        load_dataset("moons", test_size=200)


# -- digits ---------------------------------------------------------------------------------


def test_digits():
    pytest.importorskip("sklearn")
    train, test = load_dataset("digits")
    assert (len(train), len(test)) == (1347, 450)
    assert train.X.shape == (1347, 64) and train.X.dtype == np.float32
    assert train.feature_shape == (8, 8) and train.classes == tuple("0123456789")
    assert train.X.min() == 0.0 and train.X.max() == 1.0
    counts = np.bincount(test.y)
    totals = counts + np.bincount(train.y)
    assert totals.sum() == 1797
    assert np.all(np.abs(counts - totals * 450 / 1797) < 1)
    again = load_dataset("digits")[1]
    np.testing.assert_array_equal(again.X, test.X)
    other = load_dataset("digits", seed=1)[1]
    assert not np.array_equal(other.X, test.X)
    small_train, small_test = load_dataset("digits", n_samples=200, test_size=0.5)
    assert (len(small_train), len(small_test)) == (100, 100)


def test_digits_without_scikit_learn(monkeypatch):
    block(monkeypatch, "sklearn")
    with pytest.raises(ConfigError, match=r'pip install "chainrule\[train\]"'):
        load_dataset("digits")
