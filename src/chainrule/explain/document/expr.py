"""Equations as small trees, written once and printed as text, LaTeX or MathML.

An equation of the explain views is a chain ``lhs = symbolic = numbers = result``:

    eq(S("δ", 2), seq(S("∇ₐC"), "⊙", call(S("σ'"), S("z", 2))), seq(M(g), "⊙", M(s)), M(d))

The leaves are symbols with sub/superscripts (:class:`Sym`), numbers (:class:`Num`) and
matrices of numbers (:class:`Mat`); :class:`Seq` juxtaposes items (a product, or operators
between operands), :class:`Group` puts brackets round one, :class:`Call` applies a function,
:class:`Partial` is ∂a/∂b, :class:`Frac` a fraction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: The operators: printed with a space on each side.
OPERATORS = frozenset({"=", "⊙", "−", "+", "·", "←", "≈", "×", "→", "≟"})


class Expr:
    """Base of the equation tree. It prints through the writers in :data:`WRITERS`, which the
    writer modules fill when imported (the document room imports them all): the tree knows
    no writer, so the writers may import the tree."""

    def _repr_html_(self) -> str:  # notebooks show equations as MathML
        return WRITERS["html"](self)

    def _repr_latex_(self) -> str:
        return f"$${WRITERS['latex'](self)}$$"

    def __str__(self) -> str:
        return WRITERS["text"](self)


#: "text", "latex", "html" → the function that writes an equation so; set by math_text,
#: math_latex and html (an HTML fragment holding the MathML) at their import
WRITERS: dict[str, Callable[[Expr], str]] = {}


@dataclass(frozen=True, eq=False)
class Sym(Expr):
    """A symbol: ``Sym("W", "2", "T")`` is W₂ᵀ; ``Sym("σ'")``; ``Sym("z", "1", index="2")``
    is z₁[2], unit 2 of z₁."""

    base: str
    sub: str = ""
    sup: str = ""
    index: str = ""


@dataclass(frozen=True, eq=False)
class Num(Expr):
    """One number (printed like the numbers of a matrix: see :mod:`..record.notation`)."""

    value: float


@dataclass(frozen=True, eq=False)
class Mat(Expr):
    """A matrix of numbers; a column vector is (n, 1), a row (1, n)."""

    values: np.ndarray

    def __post_init__(self):
        values = np.asarray(self.values, dtype=np.float64)
        if values.ndim == 0:
            values = values.reshape(1, 1)
        elif values.ndim == 1:
            values = values.reshape(-1, 1)
        object.__setattr__(self, "values", values)


@dataclass(frozen=True, eq=False)
class Op(Expr):
    """An operator between operands ("=", "⊙", "−", ...)."""

    symbol: str


@dataclass(frozen=True, eq=False)
class Seq(Expr):
    """Items side by side: operands juxtaposed (a product) or joined by operators."""

    items: tuple


@dataclass(frozen=True, eq=False)
class Group(Expr):
    """``(inner)``; other brackets by ``left``/``right`` (``‖…‖``), with an optional power."""

    inner: Expr
    left: str = "("
    right: str = ")"
    sup: str = ""


@dataclass(frozen=True, eq=False)
class Call(Expr):
    """A function applied to an argument: σ'(z₂), diag(σ'(z₂))."""

    fn: Expr
    arg: Expr


@dataclass(frozen=True, eq=False)
class Partial(Expr):
    """∂of/∂wrt."""

    of: Expr
    wrt: Expr


@dataclass(frozen=True, eq=False)
class Frac(Expr):
    """num/den."""

    num: Expr
    den: Expr


@dataclass(frozen=True, eq=False)
class Words(Expr):
    """Words inside an equation ("for each example")."""

    text: str


def children(expr: Expr) -> list[Expr]:
    """The sub-expressions of ``expr``."""
    if isinstance(expr, Seq):
        return list(expr.items)
    if isinstance(expr, Group):
        return [expr.inner]
    if isinstance(expr, Call):
        return [expr.fn, expr.arg]
    if isinstance(expr, Partial):
        return [expr.of, expr.wrt]
    if isinstance(expr, Frac):
        return [expr.num, expr.den]
    return []


#: Operators that end one side of an equation: what follows them stands alone.
RELATIONS = frozenset({"=", "←", "≈", "→", "≟"})


def operands(items) -> tuple:
    """A sequence's items as they are printed: a negative number that follows an operator
    (· ⊙ × + −) or stands beside another factor is put in parentheses, ``1.5 · (-2)``, never
    ``1.5 · -2``. The one place every writer (text, LaTeX, MathML) formats a signed factor."""
    out = []
    for k, item in enumerate(items):
        previous = items[k - 1] if k else None
        follows = previous is not None and not (
            isinstance(previous, Op) and (previous.symbol in RELATIONS or not previous.symbol)
        )
        out.append(Group(item) if follows and isinstance(item, Num) and item.value < 0 else item)
    return tuple(out)


def pieces(expr: Expr) -> list[tuple]:
    """Where a long equation may break across lines: its items grouped as the first operand,
    then each operator with the operand after it (``= a``, ``⊙ b``), a side that is itself a
    sum or product broken the same way, and matrices side by side one by one. Brackets, a
    function's argument and a fraction stay whole. The HTML page draws each piece as its own
    formula, so the browser wraps a wide equation between them."""
    items = list(expr.items) if isinstance(expr, Seq) else [expr]
    if any(isinstance(i, Op) and i.symbol for i in items):
        units: list[list] = []
        for item in items:
            if not units or (isinstance(item, Op) and item.symbol):
                units.append([item])
            else:
                units[-1].append(item)
    elif len(items) > 1 and any(isinstance(i, Mat) for i in items):
        units = [[item] for item in items]
    else:
        return [tuple(items)]
    out: list[tuple] = []
    for unit in units:
        inner = pieces(unit[-1]) if isinstance(unit[-1], Seq) and len(unit) <= 2 else []
        if len(inner) > 1:
            out.append(tuple(unit[:-1]) + inner[0])
            out.extend(inner[1:])
        else:
            out.append(tuple(unit))
    return out


def lift(item) -> Expr:
    """Strings that are operators → :class:`Op`, other strings → :class:`Sym`, numbers →
    :class:`Num`, arrays → :class:`Mat`."""
    if isinstance(item, Expr):
        return item
    if isinstance(item, str):
        return Op(item) if item in OPERATORS else Sym(item)
    if isinstance(item, np.ndarray):
        return Mat(item)
    if isinstance(item, (int, float, np.number)):
        return Num(float(item))
    raise TypeError(f"cannot put a {type(item).__name__} into an equation")


def seq(*items) -> Seq:
    """Items side by side (see :func:`lift`)."""
    return Seq(tuple(lift(item) for item in items))


def eq(*sides) -> Seq:
    """``sides[0] = sides[1] = …``; sides that are None are left out."""
    items: list[Expr] = []
    for side in sides:
        if side is None:
            continue
        if items:
            items.append(Op("="))
        items.append(lift(side))
    return Seq(tuple(items))


def S(base: str, sub="", sup: str = "", index="") -> Sym:  # noqa: N802 - reads like maths
    """A symbol with a subscript (an int is a layer number), a superscript, an index."""
    return Sym(base, str(sub), sup, str(index))


def paren(*items) -> Group:
    return Group(seq(*items) if len(items) != 1 else lift(items[0]))


def call(fn, *args) -> Call:
    return Call(lift(fn), seq(*args) if len(args) != 1 else lift(args[0]))


def M(values) -> Mat:  # noqa: N802 - reads like the maths
    return Mat(np.asarray(values))


def col(values) -> Mat:
    """A column vector (the book's form of one example)."""
    return Mat(np.asarray(values, dtype=np.float64).reshape(-1, 1))


def row(values) -> Mat:
    """A row vector (the code's form of one example)."""
    return Mat(np.asarray(values, dtype=np.float64).reshape(1, -1))
