"""Bad input: clear errors that name the layer or op, the expected and received shapes."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr


def book_net():
    return cr.Sequential(
        cr.Dense(3, 4, bias=False), cr.Sigmoid(), cr.Dense(4, 1, bias=False), cr.Sigmoid()
    )


def test_wrong_input_width_names_the_layer_and_both_shapes():
    with pytest.raises(cr.ShapeError) as info:
        book_net()(np.ones((4, 5)))
    message = str(info.value)
    assert message.startswith("layer 0 Dense(3→4, no bias)")
    assert "expected input of shape (batch, 3)" in message and "received (4, 5)" in message


def test_mismatch_deeper_in_the_network_names_that_layer():
    net = cr.Sequential(cr.Dense(3, 4), cr.Sigmoid(), cr.Dense(5, 1))
    with pytest.raises(cr.ShapeError, match=r"layer 2 Dense\(5→1\).*received \(2, 4\)"):
        net(np.ones((2, 3)))


def test_op_shape_errors_name_the_op_and_shapes():
    with pytest.raises(cr.ShapeError, match=r"op 'add' cannot take shapes x=\(2, 3\), y=\(4,\)"):
        cr.Tensor(np.ones((2, 3))) + cr.Tensor(np.ones(4))
    with pytest.raises(cr.ShapeError, match="op 'matmul'"):
        cr.Tensor(np.ones((2, 3))) @ cr.Tensor(np.ones((2, 3)))


def test_cost_target_shape_mismatch():
    with pytest.raises(
        cr.ShapeError, match=r"prediction has shape \(4, 1\).*target has shape \(3,\)"
    ):
        cr.MSE()(cr.Tensor(np.ones((4, 1))), np.ones(3))
    cr.MSE()(cr.Tensor(np.ones((4, 1))), np.ones(4))  # (batch,) for one output is accepted


def test_cross_entropy_labels_checked():
    logits = cr.Tensor(np.zeros((3, 4)))
    with pytest.raises(cr.DataError, match=r"0\.\.3 for 4 classes.*from 0 to 7"):
        cr.CrossEntropy()(logits, [0, 1, 7])
    with pytest.raises(cr.DataError, match="whole numbers"):
        cr.CrossEntropy()(logits, [0.5, 1, 2])
    with pytest.raises(cr.ShapeError, match=r"expected labels of shape \(3,\)"):
        cr.CrossEntropy()(logits, [0, 1])
    with pytest.raises(cr.DataError, match=r"\[0, 1\]"):
        cr.BinaryCrossEntropy()(cr.Tensor(np.full((2, 1), 0.5)), [[2.0], [0.0]])


def test_configuration_errors():
    with pytest.raises(cr.ConfigError, match="positive integer"):
        cr.Dense(0, 3)
    with pytest.raises(cr.ConfigError, match="reduction"):
        cr.MSE(reduction="avg")
    with pytest.raises(cr.ConfigError, match="lr"):
        cr.SGD(book_net().parameters(), lr=-1)
    with pytest.raises(cr.ConfigError, match="nesterov"):
        cr.SGD(book_net().parameters(), lr=0.1, nesterov=True)
    with pytest.raises(cr.ConfigError, match="unknown initialisation"):
        cr.Dense(2, 2, init="magic")
    with pytest.raises(cr.ChainruleError, match="no layer 9"):
        book_net()[9]


def test_detect_anomaly_names_the_first_op_and_layer_forward():
    net = cr.Sequential(cr.Dense(2, 2, dtype="float64"), cr.Tanh(), cr.Dense(2, 1, dtype="float64"))
    net[2].W.data[...] = np.inf
    X = np.ones((3, 2))
    with (
        cr.detect_anomaly(),
        np.errstate(invalid="ignore"),
        pytest.raises(cr.NonFiniteError) as info,
    ):
        net(X)  # inf · 0 in the matmul: NumPy's warning is not the point here
    message = str(info.value)
    assert "input 'W' of op 'affine'" in message
    assert "layer 2 / Dense(2→1)" in message


def test_detect_anomaly_forward_op_that_makes_nan_from_finite_inputs():
    x = cr.Tensor([-1.0, 2.0], dtype="float64", requires_grad=True)
    with cr.detect_anomaly(), np.errstate(invalid="ignore"):
        with pytest.raises(cr.NonFiniteError, match="op 'log'.*produced NaN from finite"):
            x.log()


def test_detect_anomaly_backward_names_op_and_argument():
    x = cr.Tensor([0.0, 1.0], dtype="float64", requires_grad=True)
    with np.errstate(all="ignore"):
        y = (x**0.5).sum()  # finite forward; d√x/dx = ∞ at 0
        with cr.detect_anomaly(), pytest.raises(cr.NonFiniteError) as info:
            y.backward()
    assert "backward: the derivative of op 'power' with respect to 'x'" in str(info.value)


def test_without_anomaly_mode_nothing_is_checked():
    """The same non-finite forward and backward that detect_anomaly refuses run through
    without it: inf · 0 gives NaN forward and the backward pass still completes."""
    x = cr.Tensor([np.inf], dtype="float64", requires_grad=True)
    with np.errstate(invalid="ignore"):
        out = (x * 0 + 1).sum()
        out.backward()
    assert np.isnan(out.data)
    np.testing.assert_array_equal(x.grad, [0.0])  # ∂/∂x (x · 0 + 1) = 0, unchecked
    y = cr.Tensor([np.inf], dtype="float64", requires_grad=True)
    with cr.detect_anomaly(), np.errstate(invalid="ignore"), pytest.raises(cr.NonFiniteError):
        (y * 0 + 1).sum()


def test_load_state_dict_lists_every_difference():
    net = book_net()
    other = cr.Sequential(cr.Dense(3, 5), cr.Sigmoid(), cr.Dense(5, 1))
    with pytest.raises(cr.ShapeError) as info:
        net.load_state_dict(other.state_dict())
    message = str(info.value)
    assert "0.W: expected shape (4, 3), received (5, 3)" in message
    assert "unexpected 0.b" in message and "unexpected 2.b" in message


def test_softmax_cross_entropy_over_one_output_is_refused_not_zero():
    """softmax(z) of a single z is 1, so C = −ln 1 = 0 and ∂C/∂z = 0 for any weights: a cost
    that cannot learn or be checked. Every path that builds it says so (train did already)."""
    from chainrule.cli.main import main

    logits = cr.Tensor(np.array([[0.3], [-1.2]]), requires_grad=True)
    with pytest.raises(cr.ShapeError, match="at least two outputs .* C = 0 whatever the weights"):
        cr.CrossEntropy()(logits, np.array([0, 0]))
    assert main(["gradcheck", "--cost", "ce"]) == cr.ShapeError.exit_code
    assert main(["explain", "--layers", "3,4,1", "--cost", "ce"]) == cr.ShapeError.exit_code
    assert main(["gradcheck", "--cost", "ce", "--layers", "3,4,2"]) == 0
