"""Equations as monospaced text: matrices drawn with brackets, side by side, broken to a width.

Each piece of an equation becomes a :class:`Block` (lines, and the line the block sits on);
blocks are joined side by side on that line, so a column vector stands in its brackets next
to the symbols:

    δ₁ = (W₂ᵀ δ₂) ⊙ σ'(z₁) = ⎛⎡0.2153⎤         ⎞   ⎡0.2274⎤   ⎡0.0068⎤
                            ⎜⎢ ...  ⎥ [0.1391]⎟ ⊙ ⎢ ...  ⎥ = ⎢ ...  ⎥
                            ⎝⎣0.9321⎦         ⎠   ⎣0.2229⎦   ⎣0.0208⎦

An equation wider than the page is broken before an "=" (then before another operator) and
continued under its first "=". Large matrices show their corners, as NumPy prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .expr import Call, Expr, Frac, Group, Mat, Num, Op, Partial, Seq, Sym, Words
from .notation import format_array, format_number, sub, sup

#: Symbols written tight against what follows them (∇ₐC, not ∇ₐ C).
PREFIXES = frozenset({"∇", "∂"})
#: Matrices larger than this show their first and last rows / columns only.
MAX_ROWS, MAX_COLS = 10, 6


@dataclass
class Block:
    """Lines of text and the index of the line the block's baseline is on."""

    lines: list[str]
    baseline: int = 0

    @property
    def width(self) -> int:
        return max((len(line) for line in self.lines), default=0)


def hcat(blocks: list[Block]) -> Block:
    """Blocks side by side, aligned on their baselines."""
    above = max((b.baseline for b in blocks), default=0)
    below = max((len(b.lines) - b.baseline for b in blocks), default=1)
    lines = [""] * (above + below)
    for block in blocks:
        pad = [""] * (above - block.baseline)
        column = pad + block.lines + [""] * (below - len(block.lines) + block.baseline)
        width = block.width
        lines = [line + cell.ljust(width) for line, cell in zip(lines, column, strict=True)]
    return Block([line.rstrip() for line in lines], above)


def visible(n: int, limit: int) -> list[int | None]:
    """Indices to show of ``n`` (None marks the elided middle)."""
    if n <= limit:
        return list(range(n))
    head = (limit + 1) // 2
    return list(range(head)) + [None] + list(range(n - (limit - head), n))


def matrix_cells(values: np.ndarray, precision: int) -> list[list[str]]:
    """The matrix's numbers as they are shown: a shared format, the middle of a large matrix
    replaced by "⋯" (columns) and "⋮" (rows)."""
    rows, cols = visible(values.shape[0], MAX_ROWS), visible(values.shape[1], MAX_COLS)
    cells = format_array(values, precision)
    return [[("⋯" if j is None else ("⋮" if i is None else cells[i][j])) for j in cols]
            for i in rows]


def _matrix(values: np.ndarray, precision: int) -> Block:
    table = matrix_cells(values, precision)
    cols = table[0]
    widths = [max(len(r[k]) for r in table) for k in range(len(cols))]
    body = ["  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)) for r in table]
    if len(body) == 1:
        return Block([f"[{body[0]}]"])
    left = ["⎡"] + ["⎢"] * (len(body) - 2) + ["⎣"]
    right = ["⎤"] + ["⎥"] * (len(body) - 2) + ["⎦"]
    return Block([lb + line + rb for lb, line, rb in zip(left, body, right, strict=True)],
                 (len(body) - 1) // 2)


_TALL = {"(": ("⎛", "⎜", "⎝"), ")": ("⎞", "⎟", "⎠"), "[": ("⎡", "⎢", "⎣"),
         "]": ("⎤", "⎥", "⎦"), "‖": ("‖", "‖", "‖"), "|": ("|", "|", "|")}


def _bracket(symbol: str, height: int) -> Block:
    if height == 1 or symbol not in _TALL:
        return Block([symbol] * height, height // 2)
    top, middle, bottom = _TALL[symbol]
    return Block([top] + [middle] * (height - 2) + [bottom])


def _group(inner: Block, left: str, right: str, power: str) -> Block:
    height = len(inner.lines)
    lb, rb = _bracket(left, height), _bracket(right, height)
    lb.baseline = rb.baseline = inner.baseline
    joined = hcat([lb, inner, rb])
    if power:
        joined.lines[0] += sup(power)
    return joined


def to_block(expr: Expr, precision: int = 4) -> Block:
    """The text block of one expression."""
    if isinstance(expr, Sym):
        index = f"[{expr.index}]" if expr.index else ""
        return Block([expr.base + sub(expr.sub) + sup(expr.sup) + index])
    if isinstance(expr, Num):
        return Block([format_number(expr.value, precision)])
    if isinstance(expr, Mat):
        return _matrix(expr.values, precision)
    if isinstance(expr, Op):
        return Block([f" {expr.symbol} " if expr.symbol else " "])
    if isinstance(expr, Words):
        return Block([expr.text])
    if isinstance(expr, Group):
        return _group(to_block(expr.inner, precision), expr.left, expr.right, expr.sup)
    if isinstance(expr, Call):
        return hcat([to_block(expr.fn, precision),
                     _group(to_block(expr.arg, precision), "(", ")", "")])
    if isinstance(expr, Partial):
        return hcat([Block(["∂"]), to_block(expr.of, precision), Block(["/∂"]),
                     to_block(expr.wrt, precision)])
    if isinstance(expr, Frac):
        if isinstance(expr.num, Num) and isinstance(expr.den, Num) \
                and (expr.num.value, expr.den.value) == (1.0, 2.0):
            return Block(["½"])
        den = expr.den if not isinstance(expr.den, Seq) else Group(expr.den)
        return hcat([to_block(expr.num, precision), Block(["/"]), to_block(den, precision)])
    if isinstance(expr, Seq):
        return hcat(_joined([to_block(item, precision) for item in expr.items], expr.items))
    raise TypeError(f"cannot print a {type(expr).__name__}")


def _joined(blocks: list[Block], items) -> list[Block]:
    """Put a space between two operands that stand side by side (a product)."""
    out: list[Block] = []
    previous = None
    for block, item in zip(blocks, items, strict=True):
        if out and not isinstance(item, Op) and not isinstance(previous, Op) \
                and not (isinstance(previous, Sym) and previous.base in PREFIXES):
            out.append(Block([" "]))
        out.append(block)
        previous = item
    return out


def render_expr(expr: Expr, precision: int = 4) -> str:
    """One expression as text (no line breaking)."""
    return "\n".join(to_block(expr, precision).lines)


def _units(expr: Expr) -> list[list[Expr]]:
    """The pieces a line may break between: the first operand, then each operator with the
    operand after it."""
    items = list(expr.items) if isinstance(expr, Seq) else [expr]
    units: list[list[Expr]] = []
    for item in items:
        if isinstance(item, Op) and item.symbol and units:
            units.append([item])
        elif units and (len(units[-1]) == 1 and isinstance(units[-1][0], Op)):
            units[-1].append(item)
        elif units:
            units[-1].append(item)
        else:
            units.append([item])
    return units


def _unit_block(unit: list[Expr], precision: int) -> Block:
    return to_block(Seq(tuple(unit)), precision)


def _split_wide(units: list[list[Expr]], room: int, precision: int) -> list[list[Expr]]:
    """Break a unit wider than ``room`` at its own operators, once."""
    out = []
    for unit in units:
        inner = unit[-1]
        if _unit_block(unit, precision).width > room and isinstance(inner, Seq) \
                and any(isinstance(i, Op) and i.symbol for i in inner.items):
            parts = _units(inner)
            out.append(unit[:-1] + parts[0])
            out.extend(parts[1:])
        else:
            out.append(unit)
    return out


def render_equation(expr: Expr, width: int = 80, precision: int = 4) -> list[str]:
    """The lines of an equation, broken before operators to fit ``width`` where it can."""
    whole = to_block(expr, precision)
    if whole.width <= width:
        return whole.lines
    units = _units(expr)
    first = _unit_block(units[0], precision)
    indent = first.width if first.width < width // 2 else 4
    units = _split_wide(units, width - indent, precision)
    lines: list[str] = []

    def emit(unit_list: list[Expr]) -> None:
        block = _unit_block(unit_list, precision)
        lead = 0 if not lines else (indent if indent + block.width <= width else min(indent, 4))
        lines.extend(" " * lead + line if line else line for line in block.lines)

    current: list[Expr] = list(units[0])
    for unit in units[1:]:
        trial = _unit_block(current + unit, precision)
        lead = 0 if not lines else indent
        if trial.width + lead <= width:
            current = current + unit
            continue
        emit(current)
        current = list(unit)
    emit(current)
    return [line.rstrip() for line in lines]
