"""Equations as MathML (Core), which browsers draw natively: no script, no font, no network.

Matrices are ``<mtable>`` in an ``<mrow class="matrix">`` whose brackets the page's CSS draws
(see :data:`.html.STYLE`); large ones show their corners with ⋯/⋮, as in the text view.
"""

from __future__ import annotations

from html import escape

from ..record.notation import format_number
from .expr import (
    Call,
    Expr,
    Frac,
    Group,
    Mat,
    Num,
    Op,
    Partial,
    Seq,
    Sym,
    Words,
    children,
    operands,
)
from .math_text import PREFIXES, matrix_cells, render_expr

#: The thin space between two factors written side by side.
JUXTAPOSED = '<mspace width="0.17em"></mspace>'


def _token(text: str) -> str:
    """A subscript or superscript: a number, a name, or a small expression (l+1)."""
    if text.isdigit():
        return f"<mn>{text}</mn>"
    if text == "T":
        return '<mi mathvariant="normal">T</mi>'
    if text in ("'", "′"):
        return "<mo>′</mo>"
    pieces = []
    for char in text:
        if char.isdigit():
            pieces.append(f"<mn>{char}</mn>")
        elif char in "+-−":
            pieces.append(f"<mo>{'−' if char in '-−' else '+'}</mo>")
        else:
            pieces.append(f"<mi>{escape(char)}</mi>")
    return pieces[0] if len(pieces) == 1 else "<mrow>" + "".join(pieces) + "</mrow>"


def _symbol(sym: Sym) -> str:
    if sym.index:
        index = "".join(
            f"<mn>{escape(p)}</mn>" if p.isdigit() else f"<mo>{escape(p)}</mo>"
            for p in sym.index.replace(",", " , ").split()
        )
        plain = Sym(sym.base, sym.sub, sym.sup)
        return f"<mrow>{_symbol(plain)}<mo>[</mo>{index}<mo>]</mo></mrow>"
    base = sym.base
    prime = base.endswith("'")
    core = f"<mi>{escape(base[:-1] if prime else base)}</mi>"
    sup = sym.sup + ("′" if prime else "")
    if sym.sub and sup:
        return f"<msubsup>{core}{_token(sym.sub)}{_sup(sup)}</msubsup>"
    if sym.sub:
        return f"<msub>{core}{_token(sym.sub)}</msub>"
    if sup:
        return f"<msup>{core}{_sup(sup)}</msup>"
    return core


def _sup(text: str) -> str:
    if text == "′":
        return "<mo>′</mo>"
    if text.endswith("′"):
        return f"<mrow>{_token(text[:-1])}<mo>′</mo></mrow>"
    return _token(text)


def _matrix(mat: Mat, precision: int) -> str:
    body = "".join(
        "<mtr>"
        + "".join(
            f"<mtd><mo>{c}</mo></mtd>" if c in ("⋯", "⋮") else f"<mtd><mn>{c}</mn></mtd>"
            for c in row
        )
        + "</mtr>"
        for row in matrix_cells(mat.values, precision)
    )
    # the brackets are drawn by the page's CSS (.matrix): stretchy <mo> brackets need a math
    # font with a MATH table, which a machine may not have
    return '<mrow class="matrix"><mtable>' + body + "</mtable></mrow>"


def to_mathml(expr: Expr, precision: int = 4) -> str:
    """The MathML of one expression (without the ``<math>`` element)."""
    if isinstance(expr, Sym):
        return _symbol(expr)
    if isinstance(expr, Num):
        return f"<mn>{format_number(expr.value, precision)}</mn>"
    if isinstance(expr, Mat):
        return _matrix(expr, precision)
    if isinstance(expr, Op):
        return f"<mo>{escape(expr.symbol)}</mo>" if expr.symbol else ""
    if isinstance(expr, Words):
        return f"<mtext>{escape(expr.text)}</mtext>"
    if isinstance(expr, Group):
        inner = (
            f"<mrow><mo>{escape(expr.left)}</mo>{to_mathml(expr.inner, precision)}"
            f"<mo>{escape(expr.right)}</mo></mrow>"
        )
        return f"<msup>{inner}{_token(expr.sup)}</msup>" if expr.sup else inner
    if isinstance(expr, Call):
        return (
            f"<mrow>{to_mathml(expr.fn, precision)}<mo>(</mo>"
            f"{to_mathml(expr.arg, precision)}<mo>)</mo></mrow>"
        )
    if isinstance(expr, Partial):
        return (
            f"<mfrac><mrow><mo>∂</mo>{to_mathml(expr.of, precision)}</mrow>"
            f"<mrow><mo>∂</mo>{to_mathml(expr.wrt, precision)}</mrow></mfrac>"
        )
    if isinstance(expr, Frac):
        return f"<mfrac>{to_mathml(expr.num, precision)}{to_mathml(expr.den, precision)}</mfrac>"
    if isinstance(expr, Seq):
        out, previous = [], None
        for item in operands(expr.items):
            if (
                previous is not None
                and not isinstance(item, Op)
                and not isinstance(previous, Op)
                and not (isinstance(previous, Sym) and previous.base in PREFIXES)
            ):
                out.append(JUXTAPOSED)  # a product side by side: y ln(p), W₂ᵀ δ₂
            out.append(to_mathml(item, precision))
            previous = item
        return "<mrow>" + "".join(out) + "</mrow>"
    raise TypeError(f"cannot write a {type(expr).__name__} as MathML")


def mathml(expr: Expr, display: bool = True, precision: int = 4) -> str:
    """A ``<math>`` element; its ``alttext`` is the text form (for search and screen readers)."""
    alt = " ".join(render_expr(expr, precision).split()) if not _has_matrix(expr) else ""
    mode = ' display="block"' if display else ""
    alt_attr = f' alttext="{escape(alt)}"' if alt else ""
    return (
        f'<math xmlns="http://www.w3.org/1998/Math/MathML"{mode}{alt_attr}>'
        f"{to_mathml(expr, precision)}</math>"
    )


def _has_matrix(expr: Expr) -> bool:
    return isinstance(expr, Mat) or any(_has_matrix(child) for child in children(expr))
