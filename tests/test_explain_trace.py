"""The trace: its δ, ∂C/∂W, ∂C/∂b equal the book's recursion computed independently
(tests/reference.py) for random networks; its own check passes; bad input is named."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import backprop
from test_mlp_reference import build, targets

import chainrule as cr
from chainrule.demo.book import X, Y, book_network
from chainrule.explain import trace

HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
PAIRS = [
    ("mse", "sigmoid"),
    ("mse", "tanh"),
    ("mse", "identity"),
    ("mse", "softmax"),
    ("ce", "identity"),
    ("ce", "softmax"),
    ("bce", "sigmoid"),
]
COST = {"mse": cr.MSE, "ce": cr.CrossEntropy, "bce": cr.BinaryCrossEntropy}


def close(got, expected):
    scale = np.max(np.abs(expected), initial=0.0)
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-11 * scale + 1e-300)


@settings(max_examples=80)
@given(
    depth=st.integers(1, 4),
    widths=st.lists(st.integers(1, 7), min_size=5, max_size=5),
    hidden=st.sampled_from(HIDDEN),
    pair=st.sampled_from(PAIRS),
    bias=st.booleans(),
    reduction=st.sampled_from(["sum", "mean"]),
    batch=st.integers(1, 4),
    seed=st.integers(0, 2**31 - 1),
)
def test_trace_deltas_equal_the_independent_recursion(
    depth, widths, hidden, pair, bias, reduction, batch, seed
):
    cost_name, output = pair
    sizes = widths[: depth + 1]
    if cost_name == "ce" or output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    rng = np.random.default_rng(seed)
    net, acts = build(sizes, hidden, output, bias, rng)
    X_ = rng.standard_normal((batch, sizes[0]))
    y_engine, y_reference = targets(cost_name, batch, sizes[-1], rng)
    t = trace(net, X_, y_engine, COST[cost_name](reduction=reduction))
    scale = 1.0 if reduction == "sum" else 1.0 / batch
    weights = [layer.W for layer in t.layers]
    biases = [layer.b for layer in t.layers]
    C, dW, db, deltas = backprop(weights, biases, acts, cost_name, X_, y_reference, scale)

    assert t.supported and t.ok, [c for c in t.checks if not c.ok]
    assert len(t.layers) == depth
    np.testing.assert_allclose(t.value, C, rtol=1e-12)
    for l, layer in enumerate(t.layers):
        reference_delta = scale * np.array([d[l] for d in deltas])
        close(layer.delta, reference_delta)
        close(layer.delta_expected, reference_delta)
        close(layer.dW, dW[l])
        if bias:
            close(layer.db, db[l])
        assert layer.z.shape == layer.a.shape == (batch, sizes[l + 1])
        assert layer.a_prev.shape == (batch, sizes[l])
    close(t.grad_x, t.layers[0].delta @ t.layers[0].W)
    fused = cost_name == "ce" and output == "softmax" or cost_name == "bce"
    assert (t.cost_record.fused_with is not None) == fused


def test_the_books_example_every_number():
    t = trace(book_network(), X[0], Y[0], cr.MSE(reduction="sum"))
    W1, W2 = t.layers[0].W, t.layers[1].W
    a0 = X[0]
    z1 = W1 @ a0
    a1 = 1 / (1 + np.exp(-z1))
    z2 = W2 @ a1
    a2 = 1 / (1 + np.exp(-z2))
    d2 = (a2 - Y[0]) * a2 * (1 - a2)
    d1 = (W2.T @ d2) * a1 * (1 - a1)
    close(t.layers[0].z[0], z1)
    close(t.layers[1].a[0], a2)
    close(t.layers[1].delta[0], d2)
    close(t.layers[0].delta[0], d1)
    close(t.layers[1].dW, np.outer(d2, a1))
    close(t.layers[0].dW, np.outer(d1, a0))
    close(t.layers[1].grad_a[0], a2 - Y[0])
    close(t.layers[0].grad_a[0], W2.T @ d2)
    assert [c.name for c in t.checks] == ["δ₂", "δ₁", "∂C/∂W₂", "∂C/∂W₁"]
    assert t.value == pytest.approx(0.5 * float(np.sum((a2 - Y[0]) ** 2)), rel=1e-14)


def test_tracing_leaves_the_network_as_it_was():
    net = book_network()
    before = {name: p.data.copy() for name, p in net.named_parameters()}
    net[0].W.grad = np.full((4, 3), 7.0)
    trace(net, X[0], Y[0])
    assert np.all(net[0].W.grad == 7.0) and net[2].W.grad is None
    for name, p in net.named_parameters():
        assert np.array_equal(p.data, before[name])


def test_the_graph_record_names_every_value():
    t = trace(book_network(), X[0], Y[0])
    labels = [node.label for node in t.graph.nodes]
    for label in ("x", "W₁", "W₂", "z₁", "a₁", "z₂", "a₂", "C"):  # the book's, not 0.W
        assert label in labels
    node = t.graph.by_label("z₂")
    close(node.grad, t.layers[1].delta)
    assert node.op == "affine"
    assert t.graph.nodes[t.graph.root].label == "C"


def test_float32_networks_pass_the_check_at_their_precision():
    rng = np.random.default_rng(3)
    net = cr.Sequential(cr.Dense(5, 6, rng=rng), cr.Tanh(), cr.Dense(6, 3, rng=rng))
    t = trace(net, rng.standard_normal(5), 1, "ce")
    assert t.ok and t.layers[0].z.dtype == np.float32
    assert t.checks[0].tolerance < 1e-4


class Doubler(cr.Module):
    def forward(self, x):
        return x * 2


def test_unknown_layers_fall_back_to_the_generic_graph_with_a_note():
    net = cr.Sequential(cr.Dense(3, 2, dtype="float64", rng=0), Doubler(), cr.Sigmoid())
    t = trace(net, [1.0, 2.0, 3.0], [0.0, 1.0])
    assert not t.supported and t.layers == []
    assert "Doubler" in t.note and "generic graph" in t.note
    ops = [node.op for node in t.graph.nodes]
    assert ops.count("affine") == 1 and "mul" in ops and "sigmoid" in ops
    w = t.graph.by_label("0.W")  # a network the book has no names for: the engine's
    assert w.grad is not None and w.grad.shape == (2, 3)


def test_a_module_that_is_not_sequential_is_traced_generically():
    t = trace(Doubler(), [[1.0, 2.0]], [[0.0, 0.0]])
    assert not t.supported
    np.testing.assert_allclose(t.grad_x, [[4.0, 8.0]])  # C = ½Σ(2x)², ∂C/∂x = 4x (float32)


@pytest.mark.parametrize(
    "x, message",
    [
        ([1.0, 2.0], r"x has shape \(2,\).*expects \(3,\) for one example, or \(batch, 3\)"),
        (np.ones((2, 4)), r"has shape \(2, 4\).*expects \(3,\)"),
        (np.ones((2, 2, 3)), r"expects \(3,\)"),
    ],
)
def test_an_example_of_the_wrong_shape_names_the_expected_shape(x, message):
    with pytest.raises(cr.ShapeError, match=message):
        trace(book_network(), x, [0.0])


def test_a_target_of_the_wrong_shape_names_the_expected_shape():
    with pytest.raises(cr.ShapeError, match=r"y should have shape \(1,\)"):
        trace(book_network(), [0, 0, 1], [0.0, 1.0])
    net = cr.Sequential(cr.Dense(2, 3, dtype="float64", rng=1))
    with pytest.raises(cr.ShapeError, match=r"one class label per example"):
        trace(net, np.ones((2, 2)), [0, 1, 2], "ce")


def test_text_input_is_refused_with_a_clear_error():
    with pytest.raises(cr.DTypeError, match="the example x must be numeric"):
        trace(book_network(), ["a", "b", "c"], [0.0])
