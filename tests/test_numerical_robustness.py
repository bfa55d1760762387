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
    np.testing.assert_allclose(ell.data[1], [-np.log(2), -np.log(2), -2000 - np.log(2)], rtol=1e-6)
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
    np.testing.assert_allclose(
        z.grad, (np.array(Z) > 0) + 0.5 * (np.array(Z) == 0) - Y01, atol=1e-6
    )


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


# -- beyond ±1000: the layers, the widest logits a float type can hold, one-hot and mean ---------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", [1e30, "max/4"])
def test_softmax_family_at_the_edge_of_the_float_range(dtype, scale):
    big = float(np.finfo(dtype).max) / 4 if scale == "max/4" else scale
    Z = np.array([[-big, 0.0, big], [big, big, -big]])
    z = cr.Tensor(Z, dtype=dtype, requires_grad=True)
    s = cr.Softmax()(z)  # the layer
    np.testing.assert_array_equal(s.data, [[0, 0, 1], [0.5, 0.5, 0]])
    (s * np.array([[1.0, 2, 3], [3, 2, 1]])).sum().backward()
    # J = diag(a) − a aᵀ: gᵀJ = a ⊙ (g − a·g)
    np.testing.assert_allclose(z.grad, [[0, 0, 0], [0.25, -0.25, 0]], atol=1e-6)
    z.grad = None
    C = cr.CrossEntropy(reduction="mean")(z, np.eye(3)[[0, 2]])  # one-hot labels
    assert np.isfinite(C.item()) and C.item() > 0
    C.backward()
    np.testing.assert_allclose(z.grad, np.array([[-1.0, 0, 1], [0.5, 0.5, -1]]) / 2, atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_activation_layers_and_bce_at_1e30(dtype):
    Z = np.array([[-1e30, 0.0, 1e30]])
    for layer, expected, slope in [
        (cr.Sigmoid(), [0, 0.5, 1], [0, 0.25, 0]),
        (cr.Tanh(), [-1, 0, 1], [0, 1, 0]),
        (cr.ReLU(), [0, 0, 1e30], [0, 0, 1]),
    ]:
        z = cr.Tensor(Z, dtype=dtype, requires_grad=True)
        a = layer(z)
        np.testing.assert_allclose(a.data, [expected], rtol=1e-6)
        a.sum().backward()
        np.testing.assert_array_equal(z.grad, [slope])
    z = cr.Tensor(Z, dtype=dtype, requires_grad=True)
    C = cr.BinaryCrossEntropy(reduction="sum", from_logits=True)(z, [[1.0, 1.0, 0.0]])
    assert C.item() == pytest.approx(2e30 + np.log(2), rel=1e-6)
    C.backward()
    np.testing.assert_allclose(z.grad, [[-1.0, -0.5, 1.0]], atol=1e-6)


def test_detect_anomaly_backward_names_the_layer():
    """The first non-finite value of a backward pass, named with its op, argument and layer:
    here δ W of the last layer overflows (δ = 1e200, W = 1e200) although the forward pass and
    the incoming gradient are finite."""
    net = cr.Sequential(cr.Dense(2, 2, dtype="float64"), cr.Tanh(), cr.Dense(2, 1, dtype="float64"))
    net[0].W.data[...] = 0.0
    net[2].W.data[...] = 1e200
    with cr.detect_anomaly():
        C = (net(np.ones((3, 2))) * 1e200).sum()
        with np.errstate(over="ignore"), pytest.raises(cr.NonFiniteError) as info:
            C.backward()
    assert str(info.value) == (
        "backward: the derivative of op 'affine' with respect to 'x' in Sequential(2→2→1) / "
        "layer 2 / Dense(2→1) produced NaN/Inf (from a finite incoming gradient)"
    )


def test_exploding_gradients_are_reported_in_the_log_and_metrics(tmp_path, capsys):
    """A learning rate that jumps a thousandfold at epoch 2: the gradient norm jumps far past
    the median of the norms so far, and the run says so (and records it in metrics.json)."""
    import json

    from chainrule.cli.main import main

    out = tmp_path / "run"
    code = main(
        [
            "train",
            "--data",
            "circles",
            "--epochs",
            "2",
            "--batch-size",
            "8",
            "--optimizer",
            "sgd",
            "--lr",
            "0.05",
            "--schedule",
            "step",
            "--step-every",
            "1",
            "--gamma",
            "1000",
            "--dtype",
            "float64",
            "--out",
            str(out),
            "--no-plots",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    warning = [line for line in printed.splitlines() if line.startswith("warning: exploding")]
    assert len(warning) == 1 and warning[0].startswith(
        "warning: exploding gradients at epoch 2, batch "
    )
    assert "× the median so far" in warning[0] and "--clip" in warning[0]
    (event,) = json.loads((out / "metrics.json").read_text())["exploding_gradients"]
    assert event["epoch"] == 2 and event["norm"] > 100 * event["median"] > 0
    assert f"batch {event['batch']}:" in warning[0]
