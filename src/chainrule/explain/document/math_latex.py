"""Equations as LaTeX, for Markdown (``$$ … $$`` renders on GitHub, in Jupyter, in most editors).

Large matrices show their corners with ``\\cdots``/``\\vdots``, as in the text view.
"""

from __future__ import annotations

from ..record.notation import format_number
from .expr import WRITERS, Call, Expr, Frac, Group, Mat, Num, Op, Partial, Seq, Sym, Words, operands
from .math_text import matrix_cells

_NAMES = {
    "δ": r"\delta",
    "Δ": r"\Delta",
    "σ": r"\sigma",
    "η": r"\eta",
    "∇": r"\nabla",
    "∂": r"\partial",
    "⊙": r"\odot",
    "−": "-",
    "·": r"\cdot",
    "←": r"\leftarrow",
    "≈": r"\approx",
    "×": r"\times",
    "→": r"\to",
    "‖": r"\|",
    "Σ": r"\sum",
    "≟": r"\stackrel{?}{=}",
    "¹": "^{1}",
    "²": "^{2}",
    "³": "^{3}",
    "⋯": r"\cdots",
    "⋮": r"\vdots",
    "½": r"\tfrac{1}{2}",
    "ᵀ": r"^{\top}",
    "'": "'",
}
_FUNCTIONS = {"diag", "softmax", "ln", "tanh", "relu", "max", "exp"}


def _text(text: str) -> str:
    """A symbol's characters as LaTeX."""
    if text in _FUNCTIONS:
        return rf"\operatorname{{{text}}}"
    if text[:1] == "−" and text[1:] in _FUNCTIONS:  # −ln
        return rf"-\operatorname{{{text[1:]}}}"
    out = []
    for char in text:
        name = _NAMES.get(char)
        out.append(name + (" " if name and name[-1].isalpha() else "") if name else char)
    return "".join(out).strip()


def _script(text: str) -> str:
    return r"\top" if text == "T" else _text(text)


def _symbol(sym: Sym) -> str:
    core = _text(sym.base)
    if sym.sub:
        core = f"{{{core}}}_{{{_script(sym.sub)}}}"
    if sym.sup:
        core += f"^{{{_script(sym.sup)}}}"
    return core + (f"[{sym.index}]" if sym.index else "")


def _matrix(mat: Mat, precision: int) -> str:
    lines = [
        " & ".join(_NAMES.get(c, c) for c in row) for row in matrix_cells(mat.values, precision)
    ]
    return r"\begin{bmatrix}" + r" \\ ".join(lines) + r"\end{bmatrix}"


def latex(expr: Expr, precision: int = 4) -> str:
    """The LaTeX of one expression (math mode, without delimiters)."""
    if isinstance(expr, Sym):
        return _symbol(expr)
    if isinstance(expr, Num):
        return format_number(expr.value, precision)
    if isinstance(expr, Mat):
        return _matrix(expr, precision)
    if isinstance(expr, Op):
        return f" {_text(expr.symbol)} " if expr.symbol else r"\,"
    if isinstance(expr, Words):
        return rf"\text{{{expr.text}}}"
    if isinstance(expr, Group):
        left = r"\left\|" if expr.left == "‖" else rf"\left{expr.left}"
        right = r"\right\|" if expr.right == "‖" else rf"\right{expr.right}"
        body = f"{left}{latex(expr.inner, precision)}{right}"
        return f"{body}^{{{expr.sup}}}" if expr.sup else body
    if isinstance(expr, Call):
        return rf"{latex(expr.fn, precision)}\left({latex(expr.arg, precision)}\right)"
    if isinstance(expr, Partial):
        return (
            rf"\frac{{\partial {latex(expr.of, precision)}}}"
            rf"{{\partial {latex(expr.wrt, precision)}}}"
        )
    if isinstance(expr, Frac):
        return rf"\frac{{{latex(expr.num, precision)}}}{{{latex(expr.den, precision)}}}"
    if isinstance(expr, Seq):
        parts = []
        previous = None
        for item in operands(expr.items):
            if parts and not isinstance(item, Op) and not isinstance(previous, Op):
                parts.append(" ")
            parts.append(latex(item, precision))
            previous = item
        return "".join(parts)
    raise TypeError(f"cannot write a {type(expr).__name__} as LaTeX")


WRITERS["latex"] = latex
