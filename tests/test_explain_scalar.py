"""The scalar view: for any weight, the sum over paths of the products of local derivatives
equals the engine's gradient; the book's chapter-3 chain; weights named both ways."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.demo.book import X, Y, book_network
from chainrule.explain import (
    book_chain,
    chain_paths,
    render_markdown,
    render_text,
    trace,
    weight_paths,
)
from chainrule.explain.views.scalar_paths import parse_weight

ACT = {
    "sigmoid": cr.Sigmoid,
    "tanh": cr.Tanh,
    "relu": cr.ReLU,
    "softmax": cr.Softmax,
    "identity": None,
}


def network(sizes, acts, rng):
    layers = []
    for (n_in, n_out), act in zip(zip(sizes[:-1], sizes[1:], strict=True), acts, strict=True):
        dense = cr.Dense(n_in, n_out, dtype="float64", rng=rng)
        dense.b.data[...] = rng.standard_normal(n_out) * 0.3
        layers.append(dense)
        if ACT[act] is not None:
            layers.append(ACT[act]())
    return cr.Sequential(*layers)


@settings(max_examples=60)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    hidden=st.sampled_from(["sigmoid", "tanh", "identity", "softmax"]),
    pair=st.sampled_from(
        [
            ("mse", "sigmoid"),
            ("mse", "softmax"),
            ("ce", "softmax"),
            ("ce", "identity"),
            ("bce", "sigmoid"),
        ]
    ),
    batch=st.integers(1, 3),
    seed=st.integers(0, 2**31 - 1),
    data=st.data(),
)
def test_the_sum_over_paths_equals_the_engines_gradient(sizes, hidden, pair, batch, seed, data):
    cost, output = pair
    if cost == "ce" or "softmax" in (output, hidden):
        sizes = [max(s, 2) for s in sizes]
    rng = np.random.default_rng(seed)
    acts = [hidden] * (len(sizes) - 2) + [output]
    net = network(sizes, acts, rng)
    y = rng.integers(0, sizes[-1], batch) if cost == "ce" else rng.random((batch, sizes[-1]))
    t = trace(net, rng.standard_normal((batch, sizes[0])), y, cost)
    layer = data.draw(st.sampled_from(t.layers))
    j = data.draw(st.integers(0, layer.n_out - 1))
    i = data.draw(st.integers(0, layer.n_in - 1))
    kind = data.draw(st.sampled_from(["W", "b"]))
    spec = f"{layer.param_prefix}.W[{j},{i}]" if kind == "W" else f"{layer.param_prefix}.b[{j}]"
    view = weight_paths(t, spec)
    expected = layer.dW[j, i] if kind == "W" else layer.db[j]
    assert view.engine == expected
    assert math.isclose(view.total, expected, rel_tol=1e-9, abs_tol=1e-12), (view.total, expected)
    assert view.agrees
    per_example = 1
    for above in t.layers[layer.index :]:
        per_example *= above.n_out
    for m in t.layers[layer.index - 1 :]:
        if m.activation == "softmax" and not (m is t.layers[-1] and t.cost_record.fused_with):
            per_example *= m.n_out
    assert len(view.paths) == per_example * batch


def test_the_books_network_has_one_path_per_weight():
    t = trace(book_network(), X[0], Y[0])
    view = weight_paths(t, "W1[1,2]")
    assert len(view.paths) == 1
    path = view.paths[0]
    assert [str(n) for n in path.nodes] == ["W₁[1,2]", "z₁[1]", "a₁[1]", "z₂[0]", "a₂[0]", "C"]
    W2, a1, a2 = t.layers[1].W, t.layers[0].a[0], t.layers[1].a[0]
    expected = [1.0, a1[1] * (1 - a1[1]), W2[0, 1], a2[0] * (1 - a2[0]), a2[0] - Y[0][0]]
    np.testing.assert_allclose([f.value for f in path.factors], expected, rtol=1e-15)
    assert view.total == pytest.approx(t.layers[0].dW[1, 2], rel=1e-14)
    text = render_text(view.document())
    assert "a₀[2] · σ'(z₁[1]) · W₂[0,1] · σ'(z₂[0]) · (a₂[0] − y[0])" in " ".join(text.split())
    assert "✓ the sum over paths equals the engine's gradient" in text


def test_the_default_weight_is_the_one_with_the_largest_gradient():
    t = trace(book_network(), X[0], Y[0])
    view = weight_paths(t)
    assert view.name == "0.W[1,2]"  # x = [0, 0, 1]: only column 2 has a gradient


def test_the_chapter_3_chain():
    view = chain_paths("w1")  # o = (x·w¹ + b¹)·w² + b², x = 1.5, w¹ = 0.5, b¹ = 0.1, w² = −2
    assert [str(n) for n in view.paths[0].nodes] == ["w¹", "u", "h", "v", "o"]
    assert [f.value for f in view.paths[0].factors] == [1.5, 1.0, -2.0, 1.0]
    assert view.total == view.engine == -3.0  # ∂o/∂w¹ = x·w²
    assert chain_paths("w2").total == pytest.approx(0.85)  # x·w¹ + b¹
    assert chain_paths("b1").total == -2.0 and chain_paths("b2").total == 1.0
    assert chain_paths("w1", x=2.0, w2=3.0).total == 6.0
    record = book_chain()
    assert record.nodes[record.root].label == "o"
    assert float(record.nodes[record.root].value) == pytest.approx(-1.4)


def test_a_value_used_twice_has_two_paths():
    from chainrule.explain import graph_paths, record_backward

    w = cr.Tensor(3.0, requires_grad=True, dtype="float64", name="w")
    y = w * w + w  # dy/dw = 2w + 1 = 7, along three paths
    view = graph_paths(record_backward(y, {id(y): "y"}), "w")
    assert len(view.paths) == 3 and view.total == 7.0 == view.engine
    assert w.grad is None  # recording left the leaf as it was


@pytest.mark.parametrize(
    "spec, message",
    [
        ("W9[0,0]", "layers 1 … 2"),
        ("0.W[4,0]", r"outside layer 1's W, of shape \(4, 3\)"),
        ("0.W[0]", "two indices"),
        ("0.b[0]", "has no bias"),
        ("5.W[0,0]", r"no parameter 5.W; its weights are 0.W \(W₁\), 2.W \(W₂\)"),
        ("weights", "cannot read the weight"),
    ],
)
def test_a_weight_that_does_not_exist_is_named(spec, message):
    t = trace(book_network(), X[0], Y[0])
    with pytest.raises(cr.ConfigError, match=message):
        parse_weight(t, spec)


def test_too_many_paths_are_refused_with_advice():
    rng = np.random.default_rng(0)
    net = network([2, 30, 30, 30, 30], ["tanh", "tanh", "tanh", "sigmoid"], rng)
    t = trace(net, rng.standard_normal(2), rng.random(30))
    with pytest.raises(cr.ConfigError, match="27000 paths.*nearer the output"):
        weight_paths(t, "0.W[0,0]")


def test_the_chain_view_states_its_function_values_and_intermediates():
    """The chain rule's u, h, v are defined, with numbers, before a path uses them."""
    view = chain_paths("w1", x=2.0)
    assert str(view.function) == "o = (x · w¹ + b¹) · w² + b²"
    assert view.inputs == [("x", 2.0), ("w¹", 0.5), ("b¹", 0.1), ("w²", -2.0), ("b²", 0.3)]
    text = render_text(view.document())
    for line in (
        "function  o = (x · w¹ + b¹) · w² + b²",
        "values    x = 2,  w¹ = 0.5000,  b¹ = 0.1000,  w² = -2,  b² = 0.3000",
        "u = x · w¹ = 2 · 0.5000 = 1",
        "h = u + b¹ = 1 + 0.1000 = 1.1000",
        "v = h · w² = 1.1000 · (-2) = -2.2000",
        "o = v + b² = -2.2000 + 0.3000 = -1.9000",
    ):
        assert line in text, line
    assert text.index("u = x · w¹") < text.index("Path 1: w¹ → u → h → v → o")
    data = view.to_json()
    assert data["values"]["x"] == 2.0 and data["definitions"][0].startswith("u = x · w¹")


def test_a_subtraction_factor_is_a_number():
    """d = a − b: ∂d/∂b = −1 is a number like any factor (not the words "−1")."""
    from chainrule.explain import graph_paths, record_backward

    a = cr.Tensor(2.0, requires_grad=True, dtype="float64", name="a")
    b = cr.Tensor(5.0, requires_grad=True, dtype="float64", name="b")
    d = a - b
    o = d * a
    view = graph_paths(record_backward(o, {id(d): "d", id(o): "o"}), "b")
    text = render_text(view.document())
    assert "product = ∂d/∂b · ∂o/∂d = -1 · a = -1 · 2 = -2" in text
    assert r"= -1 \cdot a" in render_markdown(view.document())  # a number, not \text{−1}
    assert "d = a − b = 2 − 5 = -3" in text and "function  o = (a − b) · a" in text
