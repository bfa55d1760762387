"""The book's Step 1, 2, 3 as text, Markdown, JSON and a self-contained HTML page: every
number shown is the trace's, the text fits 80 columns, the page parses and fetches nothing."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from html_tools import fetched, parse_html
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.demo.book import X, Y, book_network
from chainrule.explain import (
    explain_document,
    render_html,
    render_json,
    render_markdown,
    render_text,
    steps_document,
    trace,
)
from chainrule.explain.record.notation import format_array

MATH = "{http://www.w3.org/1998/Math/MathML}"


@pytest.fixture(scope="module")
def book():
    return trace(book_network(), X[0], Y[0], "mse")


def test_the_text_view_is_the_books_three_steps_at_80_columns(book):
    text = render_text(steps_document(book))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    headings = [line for line in lines if line.startswith("Step")]
    assert [h.split(" ·")[0] for h in headings] == ["Step 1", "Step 2", "Step 3"]
    for symbol in (
        "δ₂ = ∇ₐC ⊙ σ'(z₂)",
        "δ₁ = (W₂ᵀ δ₂) ⊙ σ'(z₁)",
        "∂C/∂W₁ = δ₁ a₀ᵀ",
        "∂C/∂W₁ = Δ₁ᵀ A₀",
        "Z₁ = A₀ W₁ᵀ",
        "W₂ ← W₂ − η ∂C/∂W₂",
    ):
        assert symbol in text, symbol
    # the numbers filled in are the trace's
    delta1 = format_array(book.layers[0].delta[0])[0]
    assert all(value in text for value in delta1)
    assert format_array(book.layers[1].delta)[0][0] in text  # δ₂ = 0.1391
    assert "0.1391" in text and "0.7575" in text and "✓ all equations hold" in text


def test_the_text_view_keeps_to_a_narrower_width(book):
    lines = render_text(steps_document(book), width=60).splitlines()
    assert max(len(line) for line in lines) <= 60


def test_markdown_has_the_steps_and_latex_equations(book):
    md = render_markdown(steps_document(book))
    assert md.startswith("# The backward pass, step by step")
    assert "## Step 1" in md and "## Step 2" in md and "## Step 3" in md
    assert md.count("$$") % 2 == 0 and md.count("$$") >= 20
    assert r"{\delta}_{1} = \left({W}_{2}^{\top} {\delta}_{2}\right) \odot" in md
    assert "| δ₂ = ∇ₐC ⊙ σ'(z₂) | 0.0e+00 | ✓ |" in md


def test_json_holds_every_recorded_number(book):
    data = json.loads(render_json(book, steps_document(book)))
    assert data["format"] == "chainrule.explain/1" and data["all_checks_pass"] is True
    layers = data["layers"]
    np.testing.assert_array_equal(layers[0]["delta"], book.layers[0].delta)
    np.testing.assert_array_equal(layers[1]["dW"], book.layers[1].dW)
    assert layers[0]["parameters"] == {"W": "0.W", "b": None}
    assert data["cost"]["name"] == "mse" and data["C"] == pytest.approx(book.value)
    labels = [node["label"] for node in data["graph"]["nodes"]]
    assert {"x", "W₁", "z₁", "a₁", "z₂", "a₂", "C"} <= set(labels)  # the book's names
    titles = [section["title"] for section in data["sections"]]
    assert any(t.startswith("Step 2") for t in titles)
    assert any("latex" in part for section in data["sections"] for part in section["parts"])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_json_has_no_nan_even_when_a_value_is_not_finite():
    net = cr.Sequential(cr.Dense(2, 1, dtype="float64", rng=0))
    with pytest.raises(cr.NonFiniteError, match="produced Inf from finite inputs"):
        trace(net, [1e308, 1e308], [0.0])  # the trace refuses an overflow
    t = trace(net, [1.0, 1.0], [0.0])
    t.layers[0].z[...] = np.inf  # a record changed by hand still gives valid JSON
    t.layers[0].a[...] = np.nan
    text = render_json(t)
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)


def test_the_html_page_is_self_contained_with_mathml_and_pictures(book):
    page = render_html(explain_document(book))
    root = parse_html(page)
    assert fetched(root) == []
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    maths = list(root.iter("math"))
    assert len(maths) > 30
    for m in maths[:5]:  # each equation is well-formed MathML
        ET.fromstring(
            page[page.index("<math", page.index(m.attrs["xmlns"]) - 60) :].split("</math>")[0]
            + "</math>"
        )
    text = root.all_text()
    for title in (
        "Step 1",
        "Step 2",
        "Step 3",
        "Paths of influence",
        "The Jacobian of each step",
        "The computational graph",
        "One path, nudged",
        "the δ flowing back",
    ):
        assert title in text, title
    svgs = list(root.iter("svg"))
    assert len(svgs) >= 1 + 4 + 9  # graph, 4 backward frames, 9 path frames
    assert len(list(root.iter("button"))) == 6  # two step-throughs


def test_every_html_equation_parses_as_mathml(book):
    page = render_html(steps_document(book))
    chunks = page.split("<math")[1:]
    assert len(chunks) > 20
    for chunk in chunks:
        element = ET.fromstring("<math" + chunk.split("</math>")[0] + "</math>")
        assert element.tag == f"{MATH}math"


def test_a_batch_shows_one_example_as_columns_and_all_as_rows():
    net = book_network()
    t = trace(net, X, Y, cr.MSE(reduction="mean"))
    text = " ".join(render_text(steps_document(t, example=2)).split())
    assert "example 2 of 4" in text and "1/4" in text
    assert "the batch's gradient is the sum" in text


@pytest.mark.parametrize(
    "cost, output", [("ce", "softmax"), ("bce", "sigmoid"), ("ce", "identity"), ("mse", "softmax")]
)
def test_other_costs_and_outputs_are_explained(cost, output):
    rng = np.random.default_rng(4)
    layers = [
        cr.Dense(3, 4, dtype="float64", rng=rng),
        cr.ReLU(),
        cr.Dense(4, 3, dtype="float64", rng=rng),
    ]
    if output != "identity":
        layers.append(cr.Softmax() if output == "softmax" else cr.Sigmoid())
    y = 2 if cost == "ce" else rng.random(3)
    t = trace(cr.Sequential(*layers), rng.standard_normal(3), y, cost)
    assert t.ok
    text = render_text(steps_document(t))
    assert max(len(line) for line in text.splitlines()) <= 80
    if cost == "ce":
        assert "δ₂ = p₂ − y" in text and "p − y" in text
    if cost == "bce":
        assert "δ₂ = a₂ − y" in text
    if output == "softmax" and cost == "mse":
        assert "J₂ = diag(a₂) − a₂ a₂ᵀ" in text
    assert "[z₁ > 0]" in text  # ReLU's σ'


def test_the_generic_view_lists_the_recorded_operations():
    class Doubler(cr.Module):
        def forward(self, x):
            return x * 2

    net = cr.Sequential(cr.Dense(2, 2, dtype="float64", rng=0), Doubler())
    t = trace(net, [1.0, -1.0], [0.0, 1.0])
    text = render_text(explain_document(t))
    assert "generic graph" in text and "mul(affine#" in text and "Doubler" in text
    page = render_html(explain_document(t))
    parse_html(page)
    assert "generic level" in page


@settings(max_examples=25)
@given(
    sizes=st.lists(st.integers(1, 14), min_size=2, max_size=4),
    act=st.sampled_from(["sigmoid", "tanh", "relu", "softmax"]),
    batch=st.integers(1, 12),
    width=st.sampled_from([60, 80, 100]),
    seed=st.integers(0, 2**31 - 1),
)
@pytest.mark.slow
def test_no_text_line_is_wider_than_asked(sizes, act, batch, width, seed):
    rng = np.random.default_rng(seed)
    if act == "softmax":
        sizes = [max(s, 2) for s in sizes]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [
            cr.Dense(n_in, n_out, dtype="float64", rng=rng),
            {"sigmoid": cr.Sigmoid, "tanh": cr.Tanh, "relu": cr.ReLU, "softmax": cr.Softmax}[act](),
        ]
    t = trace(
        cr.Sequential(*layers),
        rng.standard_normal((batch, sizes[0])) * 3,
        rng.random((batch, sizes[-1])),
    )
    text = render_text(steps_document(t), width=width)
    assert max(len(line) for line in text.splitlines()) <= width


def _cost_line(document) -> object:
    forward = next(s for s in document.sections if s.key == "forward")
    return forward.parts[-1].expr


def test_the_cross_entropy_cost_is_an_equation_in_every_format():
    """−Σ y ln p, then −ln p[k] for the true class k, then its number: MathML and LaTeX,
    never the formula's words in a text box."""
    from chainrule.explain.document.math_latex import latex
    from chainrule.explain.document.math_mathml import to_mathml
    from chainrule.explain.document.math_text import render_expr

    net = cr.Sequential(
        cr.Dense(3, 4, dtype="float64", rng=1), cr.Tanh(), cr.Dense(4, 3, dtype="float64", rng=2)
    )
    t = trace(net, [1.0, 2.0, 3.0], [2], cr.CrossEntropy())
    p = np.exp(t.layers[-1].z[0]) / np.exp(t.layers[-1].z[0]).sum()
    cost = _cost_line(steps_document(t))
    assert render_expr(cost) == (
        f"C = −Σ y ln(p₂) = −ln(p₂[2]) = −ln({p[2]:.4f}) = {-np.log(p[2]):.4f}"
    )
    assert -np.log(p[2]) == pytest.approx(t.value)
    assert latex(cost).startswith(r"C = -\sum y \operatorname{ln}\left({p}_{2}\right)")
    ml = to_mathml(cost)
    assert "<mtext>" not in ml and "<mi>ln</mi>" in ml and "<mi>−ln</mi>" in ml


def test_the_binary_cross_entropy_and_a_batch_mean():
    from chainrule.explain.document.math_text import render_expr

    net = cr.Sequential(cr.Dense(2, 1, dtype="float64", rng=3), cr.Sigmoid())
    one = trace(net, [0.5, -1.0], [1.0], cr.BinaryCrossEntropy())
    assert (
        render_expr(_cost_line(steps_document(one)))
        == f"C = −Σ [y ln(a₁) + (1 − y) ln(1 − a₁)] = {one.value:.4f}"
    )
    batch = trace(net, [[0.5, -1.0], [1.0, 2.0]], [[1.0], [0.0]], cr.MSE(reduction="mean"))
    text = render_expr(_cost_line(steps_document(batch)))
    assert text == f"C = ½ Σ over examples (½ ‖a₁ − y‖²) = {format_array([batch.value])[0][0]}"
    a = batch.layers[-1].a[:, 0]
    assert batch.value == pytest.approx(0.5 * np.sum(0.5 * (a - [1.0, 0.0]) ** 2))
