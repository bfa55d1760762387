"""Random MLPs: the engine's gradients, costs and deltas equal the book's δ recursion
(tests/reference.py, one example at a time in column form) to 1e-12 in float64."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import backprop

import chainrule as cr

HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
# (cost, output activation) pairs the book uses or a user would
PAIRS = [
    ("mse", "sigmoid"),
    ("mse", "tanh"),
    ("mse", "identity"),
    ("mse", "relu"),
    ("mse", "softmax"),
    ("ce", "identity"),
    ("ce", "softmax"),
    ("bce", "sigmoid"),
]
LAYER = {"sigmoid": cr.Sigmoid, "tanh": cr.Tanh, "relu": cr.ReLU, "softmax": cr.Softmax}
COST = {"mse": cr.MSE, "ce": cr.CrossEntropy, "bce": cr.BinaryCrossEntropy}


def assert_close(got, expected, what):
    got, expected = np.asarray(got), np.asarray(expected)
    scale = np.max(np.abs(expected), initial=0.0)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * scale + 1e-300, err_msg=what)


def build(sizes, hidden, output, bias, rng):
    layers, acts = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(cr.Dense(n_in, n_out, bias=bias, dtype="float64", rng=rng))
        act = output if i == len(sizes) - 2 else hidden
        acts.append(act)
        if act != "identity":
            layers.append(LAYER[act]())
    if bias:
        for layer in layers:  # non-zero biases, so ∂C/∂b is tested for real
            if isinstance(layer, cr.Dense):
                layer.b.data[...] = rng.standard_normal(layer.b.shape) * 0.5
    return cr.Sequential(*layers), acts


def targets(cost, batch, k, rng):
    if cost == "ce":
        labels = rng.integers(0, k, batch)
        return labels, np.eye(k)[labels]
    y = rng.random((batch, k))
    return y, y


def forward_recording_z(net, X):
    """Run the network, keeping each Dense output z so its gradient (δ) can be read."""
    zs, x = [], X
    for layer in net:
        x = layer(x)
        if isinstance(layer, cr.Dense):
            zs.append(x.retain_grad())
    return x, zs


@settings(max_examples=300)
@given(
    depth=st.integers(1, 5),
    widths=st.lists(st.integers(1, 64), min_size=6, max_size=6),
    hidden=st.sampled_from(HIDDEN),
    pair=st.sampled_from(PAIRS),
    bias=st.booleans(),
    reduction=st.sampled_from(["sum", "mean"]),
    batch=st.integers(1, 6),
    seed=st.integers(0, 2**31 - 1),
)
@pytest.mark.slow
def test_engine_equals_the_books_delta_recursion(
    depth, widths, hidden, pair, bias, reduction, batch, seed
):
    cost_name, output = pair
    sizes = widths[: depth + 1]
    if cost_name == "ce" or output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    rng = np.random.default_rng(seed)
    net, acts = build(sizes, hidden, output, bias, rng)
    X = rng.standard_normal((batch, sizes[0]))
    Y_engine, Y_reference = targets(cost_name, batch, sizes[-1], rng)

    out, zs = forward_recording_z(net, X)
    C = COST[cost_name](reduction=reduction)(out, Y_engine)
    C.backward()

    dense = [layer for layer in net if isinstance(layer, cr.Dense)]
    scale = 1.0 if reduction == "sum" else 1.0 / batch
    ref_C, ref_dW, ref_db, ref_deltas = backprop(
        [d.W.data for d in dense],
        [None if d.b is None else d.b.data for d in dense],
        acts,
        cost_name,
        X,
        Y_reference,
        scale,
    )

    assert_close(C.item(), ref_C, "cost")
    for i, d in enumerate(dense):
        assert d.W.grad.shape == d.W.shape
        assert_close(d.W.grad, ref_dW[i], f"∂C/∂W of layer {i}")
        if d.b is not None:
            assert_close(d.b.grad, ref_db[i], f"∂C/∂b of layer {i}")
        if not (cost_name == "ce" and output == "softmax" and i == len(dense) - 1):
            # the book's δ_l is the gradient that reaches z_l (row n: example n, × reduction)
            deltas = np.stack([per_example[i] for per_example in ref_deltas]) * scale
            assert_close(zs[i].grad, deltas, f"δ of layer {i}")


@pytest.mark.parametrize("hidden", HIDDEN)
def test_a_network_is_the_composition_of_its_layers(hidden, rng):
    net, _ = build([5, 7, 3], hidden, "sigmoid", True, rng)
    X = rng.standard_normal((4, 5))
    composed = X
    for layer in net:
        composed = layer(composed)
    np.testing.assert_array_equal(net(X).data, composed.data)
    np.testing.assert_array_equal(net[:2](X).data, net[1](net[0](X)).data)
