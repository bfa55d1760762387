"""Extreme inputs (±1000, float32 and float64): every activation and cost stays finite and
correct, without a single NumPy warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr

Z = [[-1000.0, 0.0, 1000.0], [1000.0, 1000.0, -1000.0]]
Y01 = np.array([[0.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
DTYPES = ["float32", "float64"]


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def logits(dtype):
    return cr.Tensor(np.array(Z), dtype=dtype, requires_grad=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_and_tanh_saturate_exactly(dtype):
    z = logits(dtype)
    a = z.sigmoid()
    np.testing.assert_array_equal(a.data, [[0.0, 0.5, 1.0], [1.0, 1.0, 0.0]])
    a.sum().backward()
    np.testing.assert_array_equal(z.grad, [[0.0, 0.25, 0.0], [0.0, 0.0, 0.0]])
    z.grad = None
    t = z.tanh()
    t.sum().backward()
    np.testing.assert_array_equal(t.data, [[-1.0, 0.0, 1.0], [1.0, 1.0, -1.0]])
    np.testing.assert_array_equal(z.grad, [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax(dtype):
    z = logits(dtype)
    s = z.softmax()
    np.testing.assert_allclose(s.data, [[0, 0, 1], [0.5, 0.5, 0]], atol=0)
    ell = z.log_softmax()
    np.testing.assert_allclose(ell.data[0], [-2000.0, -1000.0, 0.0])
    np.testing.assert_allclose(ell.data[1], [-np.log(2), -np.log(2), -2000 - np.log(2)],
                               rtol=1e-6)
    (ell * np.array([[1.0, 0, 0], [0, 0, 1.0]])).sum().backward()
    np.testing.assert_allclose(z.grad, [[1.0, 0.0, -1.0], [-0.5, -0.5, 1.0]], atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_of_extreme_logits(dtype):
    z = logits(dtype)
    C = cr.CrossEntropy(reduction="sum")(z, [0, 2])  # both labels on the losing side
    assert C.item() == pytest.approx(2000.0 + 2000.0 + np.log(2), rel=1e-6)
    C.backward()
    # ∂C/∂z = p − y
    np.testing.assert_allclose(z.grad, [[-1.0, 0.0, 1.0], [0.5, 0.5, -1.0]], atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("through", ["from_logits", "sigmoid_layer"])
def test_binary_cross_entropy_of_extreme_logits(dtype, through):
    z = logits(dtype)
    if through == "from_logits":
        C = cr.BinaryCrossEntropy(reduction="sum", from_logits=True)(z, Y01)
    else:  # a Sigmoid layer's output is recognised and the cost taken from its input z
        C = cr.BinaryCrossEntropy(reduction="sum")(cr.Sigmoid()(z), Y01)
    # C = Σ ln(1 + eᶻ) − y z: each example on the wrong side costs 1000 nats, z = 0 costs ln 2
    assert C.item() == pytest.approx(3000 + np.log(2), rel=1e-6)
    expected = np.logaddexp(0, np.array(Z)) - Y01 * np.array(Z)
    assert C.item() == pytest.approx(expected.sum(), rel=1e-6)
    C.backward()
    np.testing.assert_allclose(z.grad, (np.array(Z) > 0) + 0.5 * (np.array(Z) == 0) - Y01,
                               atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_on_saturated_probabilities_is_clipped(dtype):
    a = cr.Tensor(np.array([[0.0, 1.0]]), dtype=dtype, requires_grad=True)
    C = cr.BinaryCrossEntropy(reduction="sum")(a, np.array([[1.0, 0.0]]))
    assert np.isfinite(C.item()) and C.item() > 30
    C.backward()
    assert np.all(np.isfinite(a.grad))


@pytest.mark.parametrize("dtype", DTYPES)
def test_mse_through_saturated_sigmoid(dtype):
    z = logits(dtype)
    C = cr.MSE()(z.sigmoid(), np.zeros((2, 3)))
    assert C.item() == pytest.approx(0.5 * (0.25 + 1 + 1 + 1), rel=1e-6)
    C.backward()
    assert np.all(np.isfinite(z.grad))
