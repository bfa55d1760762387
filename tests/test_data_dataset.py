"""Dataset checks, one-hot targets and the scalers (fit on train, saved and restored)."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.data import Dataset, MinMaxScaler, Standardizer, one_hot
from chainrule.errors import ConfigError, DataError, DTypeError


def small(**changes):
    fields = dict(
        X=np.arange(12, dtype=np.float32).reshape(4, 3),
        y=np.array([0, 1, 2, 1]),
        name="small",
        classes=("a", "b", "c"),
    )
    fields.update(changes)
    return Dataset(**fields)


def test_properties_and_subset():
    data = small()
    assert len(data) == 4 and data.n_features == 3 and data.n_classes == 3
    assert data.is_classification and data.n_outputs == 3 and data.feature_shape == (3,)
    assert data.class_counts().tolist() == [1, 2, 1]
    part = data.subset([3, 0])
    assert part.X.tolist() == [[9, 10, 11], [0, 1, 2]] and part.y.tolist() == [1, 0]
    assert part.classes == data.classes and part.name == "small"
    assert len(data.subset(data.y == 1)) == 2
    assert repr(data) == "Dataset('small', 4 examples × 3 features, 3 classes)"
    assert data.validate() is data


def test_regression_set():
    data = Dataset(np.ones((5, 2), np.float32), np.zeros((5, 3), np.float32), "r")
    assert not data.is_classification and data.n_classes is None and data.n_outputs == 3
    data.validate()
    with pytest.raises(DataError, match="regression set has no classes"):
        data.class_counts()
    bad = np.zeros((5, 3), np.float32)
    bad[2, 1] = np.inf
    with pytest.raises(DataError, match=r"r: y row 2, column 1 is inf"):
        Dataset(np.ones((5, 2), np.float32), bad, "r").validate()


@pytest.mark.parametrize(
    "changes, fragment",
    [
        (
            dict(X=np.zeros((0, 3), np.float32), y=np.zeros(0, np.int64)),
            "small: the data set is empty",
        ),
        (dict(y=np.array([0, 1, 2])), "small: X has 4 examples but y has 3 targets"),
        (dict(y=np.array([0, 1, 3, 1])), r"small: label 3 at row 2 is outside 0..2 for 3 classes"),
        (dict(y=np.array([0, -1, 2, 1])), r"label -1 at row 1 is outside 0..2"),
        (dict(y=np.array([0.0, 1, 2, 1])), "class labels y must be a 1-D integer array"),
        (dict(X=np.zeros(4, np.float32)), r"X must be 2-D \(examples × features\)"),
        (dict(X=np.zeros((4, 3), object)), "X must hold numbers"),
        (dict(feature_shape=(2, 2)), r"feature_shape \(2, 2\) does not multiply out to the 3"),
        (dict(classes=()), "classes is empty"),
    ],
)
def test_validate_errors(changes, fragment):
    with pytest.raises(DataError, match=fragment):
        small(**changes).validate()


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_validate_names_the_first_non_finite_value(value):
    X = np.zeros((4, 3), np.float32)
    X[3, 0] = value
    X[2, 1] = value
    with pytest.raises(DataError, match=rf"small: X row 2, column 1 is {value}"):
        small(X=X).validate()


# -- one-hot --------------------------------------------------------------------------------


def test_one_hot():
    out = one_hot([2, 0, 1], 4)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    assert one_hot(np.array([1.0, 0.0]), 2, np.float64).dtype == np.float64
    assert one_hot([], 3).shape == (0, 3)


@pytest.mark.parametrize(
    "labels, k, error, fragment",
    [
        ([0, 4], 4, DataError, r"label 4 at index 1 is outside 0..3 for 4 classes"),
        ([-1], 2, DataError, r"label -1 at index 0"),
        ([0.5], 2, DataError, "not a whole number"),
        ([[0, 1]], 2, DataError, "must be 1-D"),
        (["a"], 2, DataError, "must be integers"),
        ([0], 0, ConfigError, "n_classes must be a positive integer"),
    ],
)
def test_one_hot_errors(labels, k, error, fragment):
    with pytest.raises(error, match=fragment):
        one_hot(labels, k)


def test_one_hot_wants_a_float_type():
    with pytest.raises(DTypeError):
        one_hot([0], 2, dtype="int32")


# -- scalers --------------------------------------------------------------------------------


def test_standardizer_numbers_and_constant_column():
    X = np.array([[1, 5, 2], [3, 5, 4], [5, 5, 9]], dtype=np.float32)
    scaler = Standardizer().fit(X)
    np.testing.assert_allclose(scaler.mean, [3, 5, 5])
    np.testing.assert_allclose(scaler.std, [np.sqrt(8 / 3), 1.0, np.sqrt(26 / 3)])
    Z = scaler.transform(X)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(Z.std(axis=0), [1, 0, 1], atol=1e-6)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, atol=1e-5)
    assert Standardizer().fit_transform(X.astype(np.float64)).dtype == np.float64
    assert Standardizer().fit_transform([[1, 2], [3, 4]]).dtype == np.float32


def test_standardizer_round_trips_through_state_dict():
    X = np.random.default_rng(0).normal(3, 2, (50, 4)).astype(np.float32)
    scaler = Standardizer().fit(X)
    state = scaler.state_dict()
    assert set(state) == {"mean", "std"}
    assert all(type(v) is np.ndarray and v.dtype == np.float64 for v in state.values())
    state["mean"][0] = 99  # a copy: the scaler is unchanged
    restored = Standardizer.from_state_dict(scaler.state_dict())
    new = np.random.default_rng(1).normal(size=(7, 4)).astype(np.float32)
    np.testing.assert_array_equal(restored.transform(new), scaler.transform(new))
    saved = dict(np.load(_save(scaler.state_dict())))
    np.testing.assert_array_equal(
        Standardizer.from_state_dict(saved).transform(new), scaler.transform(new)
    )


def _save(state):
    import io

    buffer = io.BytesIO()
    np.savez(buffer, **state)
    buffer.seek(0)
    return buffer


def test_minmax_scaler():
    X = np.array([[1, 5, -2], [3, 5, 2], [2, 5, 0]], dtype=np.float64)
    scaler = MinMaxScaler().fit(X)
    np.testing.assert_allclose(scaler.transform(X), [[0, 0, 0], [1, 0, 1], [0.5, 0, 0.5]])
    wide = MinMaxScaler(feature_range=(-1, 1)).fit(X)
    np.testing.assert_allclose(wide.transform(X)[:, 0], [-1, 1, 0])
    restored = MinMaxScaler.from_state_dict(wide.state_dict())
    assert restored.feature_range == (-1.0, 1.0)
    np.testing.assert_array_equal(restored.transform(X[:1]), wide.transform(X[:1]))
    assert scaler.transform(X.astype(np.float32)).dtype == np.float32
    with pytest.raises(ConfigError, match="lo < hi"):
        MinMaxScaler(feature_range=(1, 1))


@pytest.mark.parametrize("cls", [Standardizer, MinMaxScaler])
def test_scaler_errors(cls):
    with pytest.raises(ConfigError, match=rf"{cls.__name__}.transform called before fit"):
        cls().transform(np.ones((2, 2)))
    with pytest.raises(ConfigError, match="before fit"):
        cls().state_dict()
    fitted = cls().fit(np.ones((3, 2)))
    with pytest.raises(DataError, match="fitted on 2 features, X has 3"):
        fitted.transform(np.ones((1, 3)))
    with pytest.raises(DataError, match="must be 2-D"):
        fitted.transform(np.ones(2))
    with pytest.raises(DataError, match="no rows"):
        cls().fit(np.ones((0, 2)))
    with pytest.raises(DataError, match="X row 1, column 0 is nan"):
        cls().fit(np.array([[1.0, 2], [np.nan, 3]]))
    with pytest.raises(DataError, match="missing"):
        cls.from_state_dict({})
    state = fitted.state_dict()
    key = next(iter(state))
    state[key] = np.array([np.nan, 1.0])
    with pytest.raises(DataError, match="finite"):
        cls.from_state_dict(state)
    assert "not fitted" in repr(cls()) and "2 features" in repr(fitted)
