"""Equations: the same tree printed as text (matrices in brackets, broken to a width), MathML
(well-formed XML) and LaTeX; numbers formatted an array at a time."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from chainrule.explain.document.expr import (
    Frac,
    Group,
    Num,
    Partial,
    S,
    call,
    col,
    eq,
    paren,
    row,
    seq,
)
from chainrule.explain.document.math_latex import latex
from chainrule.explain.document.math_mathml import mathml
from chainrule.explain.document.math_text import render_equation, render_expr
from chainrule.explain.record.notation import format_array, format_number, sub, sup

MATH = "{http://www.w3.org/1998/Math/MathML}"


def delta_equation(W, d, s):
    return eq(
        S("δ", 1),
        seq(paren(S("W", 2, "T"), S("δ", 2)), "⊙", call("σ'", S("z", 1))),
        seq(paren(col(W), col(d)), "⊙", col(s)),
        col(W * d * s),
    )


def test_subscripts_superscripts_and_their_fallbacks():
    assert sub(2) == "₂" and sub("l+1") == "ₗ₊₁" and sub("a") == "ₐ"
    assert sub("L") == "_L" and sub("Lx") == "_{Lx}"
    assert sup("T") == "ᵀ" and sup("2") == "²" and sup("Q") == "^Q"


def test_numbers_share_one_format_per_array():
    assert format_array([0, 0, 1]) == [["0", "0", "1"]]
    assert format_array([0.5, -0.25]) == [["0.5000", "-0.2500"]]
    assert format_array([0.001234, 0.000456]) == [["0.001234", "0.000456"]]
    assert format_array([1e-9, 2e-9]) == [["1.000e-09", "2.000e-09"]]
    assert format_array([-0.00001, 1.0]) == [["0.0000", "1.0000"]]  # no "-0.0000"
    assert format_number(float("nan")) == "nan"
    assert format_number(2.0) == "2"


def test_a_column_vector_stands_in_brackets_beside_the_symbols():
    lines = render_equation(eq(S("a", 1), call("σ", S("z", 1)), col([0.1, 0.2, 0.3])))
    assert lines == ["             ⎡0.1000⎤", "a₁ = σ(z₁) = ⎢0.2000⎥", "             ⎣0.3000⎦"]
    assert render_expr(row([1, 2])) == "[1  2]"


def test_tall_groups_get_tall_brackets_and_a_power():
    text = render_expr(Group(seq(col([1.0, 2.0]), "−", col([0.5, 0.5])), "‖", "‖", "2"))
    assert text.splitlines()[0].endswith("²") and text.count("‖") == 4
    assert render_expr(seq(Frac(Num(1), Num(2)), S("x"))) == "½ x"
    assert render_expr(Partial(S("C"), S("W", 2))) == "∂C/∂W₂"
    assert render_expr(S("z", 1, index="2")) == "z₁[2]"


def test_wide_equations_break_before_an_operator_and_fit_the_width():
    rng = np.random.default_rng(0)
    W, d, s = rng.standard_normal(4), rng.standard_normal(4), rng.random(4)
    expr = delta_equation(W, d, s)
    wide = render_equation(expr, 200)
    narrow = render_equation(expr, 50)
    assert len(wide) == 4 and max(map(len, wide)) > 50
    assert max(map(len, narrow)) <= 50 and len(narrow) > 4
    assert narrow[0].startswith("δ₁ = (W₂ᵀ δ₂) ⊙ σ'(z₁)")
    continued = [line for line in narrow[1:] if "=" in line]
    assert continued and all(line.index("=") == narrow[0].index("=") for line in continued)


def test_large_matrices_show_their_corners():
    text = render_expr(col(np.arange(30.0)))
    assert "⋮" in text and "29" in text and "14" not in text
    wide = render_expr(row(np.arange(20.0)))
    assert "⋯" in wide and len(wide) < 60


def test_mathml_is_well_formed_and_keeps_the_structure():
    rng = np.random.default_rng(1)
    element = ET.fromstring(mathml(delta_equation(*rng.random((3, 4)))))
    assert element.tag == f"{MATH}math" and element.get("display") == "block"
    identifiers = [e.text for e in element.iter(f"{MATH}mi")]
    assert "δ" in identifiers and "W" in identifiers and "σ" in identifiers
    operators = [e.text for e in element.iter(f"{MATH}mo")]
    assert "⊙" in operators and operators.count("=") == 3
    assert len(list(element.iter(f"{MATH}mtable"))) == 4
    assert len(list(element.iter(f"{MATH}mtr"))) == 16
    partial = ET.fromstring(mathml(Partial(S("C"), S("W", 2))))
    assert partial.find(f"{MATH}mfrac") is not None


def test_latex_of_the_books_symbols():
    assert (
        latex(eq(S("δ", 2), seq(S("W", 3, "T"), S("δ", 3))))
        == r"{\delta}_{2} = {W}_{3}^{\top} {\delta}_{3}"
    )
    assert latex(Partial(S("C"), S("b", 1))) == r"\frac{\partial C}{\partial {b}_{1}}"
    assert latex(col([1, 2])) == r"\begin{bmatrix}1 \\ 2\end{bmatrix}"
    assert r"\odot" in latex(seq(S("a"), "⊙", S("b")))


def test_an_equation_displays_itself_in_a_notebook():
    expr = eq(S("δ", 1), Num(0.5))
    assert "<math" in expr._repr_html_() and "mrow.matrix" in expr._repr_html_()
    assert expr._repr_latex_() == r"$${\delta}_{1} = 0.5000$$"
    assert str(expr) == "δ₁ = 0.5000"


def test_an_equation_of_unknown_pieces_is_refused():
    with pytest.raises(TypeError):
        seq(object())


def test_a_negative_factor_is_parenthesised_in_every_format():
    from chainrule.explain.document.expr import Num, Op, Seq, Sym, eq, seq
    from chainrule.explain.document.math_latex import latex
    from chainrule.explain.document.math_mathml import to_mathml
    from chainrule.explain.document.math_text import render_expr

    product = eq(Sym("v"), seq(Num(-1.0334), "·", Num(-2.0), "⊙", Num(3.0)), Num(-2.5))
    assert render_expr(product) == "v = -1.0334 · (-2) ⊙ 3 = -2.5000"
    assert latex(product) == r"v = -1.0334 \cdot \left(-2\right) \odot 3 = -2.5000"
    assert "<mo>·</mo><mrow><mo>(</mo><mn>-2</mn><mo>)</mo></mrow>" in to_mathml(product)
    # side by side (a product without a dot), and after a minus sign
    assert render_expr(Seq((Num(2.0), Num(-3.0), Op("−"), Num(-1.0)))) == "2 (-3) − (-1)"


def test_a_long_html_equation_is_cut_into_pieces_the_browser_can_wrap():
    """δ₁ = (W₂ᵀ δ₂) ⊙ σ'(z₁) = M ⊙ M = M: one inline formula per '= …' and '⊙ …' piece,
    brackets kept whole, with break opportunities between them."""
    import re

    from chainrule.explain.document.expr import Group, Mat, Num, Seq, Sym, call, eq, pieces, seq
    from chainrule.explain.document.html import display_equation

    g, s = Mat(np.array([0.1, 0.2])), Mat(np.array([0.3, -0.4]))
    expr = eq(
        Sym("δ", "1"),
        seq(Group(seq(Sym("W", "2", "T"), Sym("δ", "2"))), "⊙", call("σ'", Sym("z", "1"))),
        seq(g, "⊙", s),
        Mat(g.values),
    )
    parts = pieces(expr)
    assert [len(p) for p in parts] == [1, 2, 2, 2, 2, 2]
    assert [p[0].symbol for p in parts[1:]] == ["=", "⊙", "=", "⊙", "="]
    html = display_equation(expr)
    assert html.startswith('<div class="eq broken">') and html.count("<wbr>") == 5
    assert len(re.findall("<math ", html)) == 6 and 'display="block"' not in html
    assert html.count('<mo form="infix">') == 5  # "= …", "⊙ …" keep an operator's spacing
    # a short equation stays one block formula; a negative factor keeps its parentheses
    assert len(pieces(seq(Sym("W", "2"), Sym("a", "1")))) == 1  # W₂ a₁ stays together
    assert display_equation(Sym("x")).count("<math") == 1
    assert "<mrow><mo>(</mo><mn>-2</mn><mo>)</mo></mrow>" in display_equation(
        eq(Sym("v"), seq(Num(1.5), "·", Num(-2.0)), Num(-3.0))
    )
    assert isinstance(parts[0][0], Sym) and isinstance(Seq(parts[1]).items[1], Group)


def test_latex_writes_superscript_digits_as_powers():
    from chainrule.explain.document.expr import Partial, Sym
    from chainrule.explain.document.math_latex import latex

    assert latex(Partial(Sym("o"), Sym("w¹"))) == r"\frac{\partial o}{\partial w^{1}}"
