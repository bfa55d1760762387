"""The Jacobian view: explicit Jacobian products equal the VJPs the engine computed, and the
operation counts are the products' sizes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.demo.book import X, Y, book_network
from chainrule.explain import jacobian_view, render_text, trace

ACT = {"sigmoid": cr.Sigmoid, "tanh": cr.Tanh, "relu": cr.ReLU, "softmax": cr.Softmax}


@settings(max_examples=60)
@given(
    sizes=st.lists(st.integers(2, 6), min_size=2, max_size=5),
    hidden=st.sampled_from(["sigmoid", "tanh", "relu", "softmax"]),
    pair=st.sampled_from(
        [
            ("mse", "sigmoid"),
            ("mse", "softmax"),
            ("ce", "softmax"),
            ("ce", None),
            ("bce", "sigmoid"),
            ("mse", None),
        ]
    ),
    seed=st.integers(0, 2**31 - 1),
)
def test_jacobian_products_equal_the_vjps(sizes, hidden, pair, seed):
    cost, output = pair
    rng = np.random.default_rng(seed)
    layers = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(cr.Dense(n_in, n_out, dtype="float64", rng=rng))
        act = output if k == len(sizes) - 2 else hidden
        if act is not None:
            layers.append(ACT[act]())
    y = rng.integers(0, sizes[-1]) if cost == "ce" else rng.random(sizes[-1])
    t = trace(cr.Sequential(*layers), rng.standard_normal(sizes[0]), y, cost)
    view = jacobian_view(t)
    # the chain product, formed explicitly, times the cost's row, is the engine's ∂C/∂x
    np.testing.assert_allclose(view.explicit_grad_x, t.grad_x[0], rtol=1e-9, atol=1e-13)
    for explicit, layer in zip(view.explicit_deltas, reversed(t.layers), strict=True):
        np.testing.assert_allclose(explicit, layer.delta[0], rtol=1e-9, atol=1e-13)
    assert view.agrees
    assert view.chain.shape == (sizes[-1], sizes[0])
    for factor in view.factors:
        if (
            factor.kind == "activation"
            and factor.formula is not None
            and "diag(σ'" in str(factor.formula)
        ):
            off = factor.matrix - np.diag(np.diag(factor.matrix))
            assert not off.any()  # an elementwise activation's Jacobian is diagonal


def test_the_books_jacobians_and_their_costs():
    t = trace(book_network(), X[0], Y[0])
    view = jacobian_view(t)
    shapes = [f.matrix.shape for f in view.factors]
    assert shapes == [(1, 1), (1, 4), (4, 4), (4, 3)]
    np.testing.assert_array_equal(view.factors[3].matrix, t.layers[0].W)
    s = t.layers[0].a[0] * (1 - t.layers[0].a[0])
    np.testing.assert_allclose(view.factors[2].matrix, np.diag(s), rtol=1e-15)
    costs = {c.name: c.macs for c in view.costs}
    # full chain: J₁W₁ 4·4·3, W₂(…) 1·4·3, J₂(…) 1·1·3, the row 1·3
    assert costs == {
        "full chain": 48 + 12 + 3 + 3,
        "row by row": 1 + 4 + 16 + 12,
        "VJPs (backprop)": 1 + 4 + 4 + 12,
    }
    text = render_text(view.document())
    assert "∂a₁/∂z₁ = diag(σ'(z₁))" in text and "✓ the explicit Jacobian products equal" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_fused_costs_start_the_chain_at_z():
    rng = np.random.default_rng(2)
    net = cr.Sequential(cr.Dense(3, 3, dtype="float64", rng=rng), cr.Softmax())
    t = trace(net, rng.standard_normal(3), 1, "ce")
    view = jacobian_view(t)
    assert view.fused and [f.kind for f in view.factors] == ["affine"]
    np.testing.assert_allclose(view.start, t.layers[0].delta[0])


def test_wide_layers_are_summarised_and_too_wide_ones_refused():
    rng = np.random.default_rng(0)
    net = cr.Sequential(cr.Dense(20, 12, dtype="float64", rng=rng), cr.Sigmoid())
    t = trace(net, rng.standard_normal(20), rng.random(12))
    text = render_text(jacobian_view(t).document())
    assert "their numbers are left out" in text
    big = cr.Sequential(cr.Dense(3000, 1, dtype="float64", rng=rng))
    t = trace(big, np.zeros(3000), [0.0])
    with pytest.raises(cr.ConfigError, match="too wide to form its Jacobian"):
        jacobian_view(t)
