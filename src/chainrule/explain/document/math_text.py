"""Equations as monospaced text: matrices drawn with brackets, side by side, broken to a width.

Each piece of an equation becomes a :class:`Block` (lines, and the line the block sits on);
blocks are joined side by side on that line, so a column vector stands in its brackets next
to the symbols:

    δ₁ = (W₂ᵀ δ₂) ⊙ σ'(z₁) = ⎛⎡0.2153⎤         ⎞   ⎡0.2274⎤   ⎡0.0068⎤
                            ⎜⎢ ...  ⎥ [0.1391]⎟ ⊙ ⎢ ...  ⎥ = ⎢ ...  ⎥
                            ⎝⎣0.9321⎦         ⎠   ⎣0.2229⎦   ⎣0.0208⎦

An equation wider than the page is broken before an "=" (then before another operator, then
between the factors of a product) and continued under its first "="; a middle piece that still
does not fit is elided, never the symbols or the result. Large matrices show their corners, as
NumPy prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..record.notation import format_array, format_number, sub, sup
from .expr import WRITERS, Call, Expr, Frac, Group, Mat, Num, Op, Partial, Seq, Sym, Words, operands

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


def matrix_cells(values: np.ndarray, precision: int, columns: int = MAX_COLS) -> list[list[str]]:
    """The matrix's numbers as they are shown: a shared format, the middle of a large matrix
    replaced by "⋯" (columns) and "⋮" (rows)."""
    rows, cols = visible(values.shape[0], MAX_ROWS), visible(values.shape[1], columns)
    shown_rows = [i for i in rows if i is not None]
    shown_cols = [j for j in cols if j is not None]
    cells = format_array(values, precision, shown_rows, shown_cols)
    row_at = {i: k for k, i in enumerate(shown_rows)}
    col_at = {j: k for k, j in enumerate(shown_cols)}
    return [
        [("⋯" if j is None else ("⋮" if i is None else cells[row_at[i]][col_at[j]])) for j in cols]
        for i in rows
    ]


def _matrix(values: np.ndarray, precision: int, columns: int) -> Block:
    table = matrix_cells(values, precision, columns)
    widths = [max(len(r[k]) for r in table) for k in range(len(table[0]))]
    body = ["  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)) for r in table]
    if len(body) == 1:
        return Block([f"[{body[0]}]"])
    left = ["⎡"] + ["⎢"] * (len(body) - 2) + ["⎣"]
    right = ["⎤"] + ["⎥"] * (len(body) - 2) + ["⎦"]
    return Block(
        [lb + line + rb for lb, line, rb in zip(left, body, right, strict=True)],
        (len(body) - 1) // 2,
    )


_TALL = {
    "(": ("⎛", "⎜", "⎝"),
    ")": ("⎞", "⎟", "⎠"),
    "[": ("⎡", "⎢", "⎣"),
    "]": ("⎤", "⎥", "⎦"),
    "‖": ("‖", "‖", "‖"),
    "|": ("|", "|", "|"),
}


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


def to_block(expr: Expr, precision: int = 4, columns: int = MAX_COLS) -> Block:
    """The text block of one expression (matrices show at most ``columns`` columns)."""

    def block(e: Expr) -> Block:
        return to_block(e, precision, columns)

    if isinstance(expr, Sym):
        index = f"[{expr.index}]" if expr.index else ""
        return Block([expr.base + sub(expr.sub) + sup(expr.sup) + index])
    if isinstance(expr, Num):
        return Block([format_number(expr.value, precision)])
    if isinstance(expr, Mat):
        return _matrix(expr.values, precision, columns)
    if isinstance(expr, Op):
        return Block([f" {expr.symbol} " if expr.symbol else " "])
    if isinstance(expr, Words):
        return Block([expr.text])
    if isinstance(expr, Group):
        return _group(block(expr.inner), expr.left, expr.right, expr.sup)
    if isinstance(expr, Call):
        return hcat([block(expr.fn), _group(block(expr.arg), "(", ")", "")])
    if isinstance(expr, Partial):
        return hcat([Block(["∂"]), block(expr.of), Block(["/∂"]), block(expr.wrt)])
    if isinstance(expr, Frac):
        if (
            isinstance(expr.num, Num)
            and isinstance(expr.den, Num)
            and (expr.num.value, expr.den.value) == (1.0, 2.0)
        ):
            return Block(["½"])
        den = expr.den if not isinstance(expr.den, Seq) else Group(expr.den)
        return hcat([block(expr.num), Block(["/"]), block(den)])
    if isinstance(expr, Seq):
        items = operands(expr.items)
        return hcat(_joined([block(item) for item in items], items))
    raise TypeError(f"cannot print a {type(expr).__name__}")


def _joined(blocks: list[Block], items) -> list[Block]:
    """Put a space between two operands that stand side by side (a product)."""
    out: list[Block] = []
    previous = None
    for block, item in zip(blocks, items, strict=True):
        if (
            out
            and not isinstance(item, Op)
            and not isinstance(previous, Op)
            and not (isinstance(previous, Sym) and previous.base in PREFIXES)
        ):
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
    units: list[list[Expr]] = []
    for item in list(expr.items) if isinstance(expr, Seq) else [expr]:
        if not units or (isinstance(item, Op) and item.symbol):
            units.append([item])
        else:
            units[-1].append(item)
    return units


class _Layout:
    """Breaks one equation into lines of at most ``width`` columns."""

    ELIDED = "… (wider than the page: see --width or --format html)"

    def __init__(self, width: int, precision: int, columns: int):
        self.width, self.precision, self.columns = width, precision, columns

    def block(self, unit: list[Expr]) -> Block:
        return to_block(Seq(tuple(unit)), self.precision, self.columns)

    def split_wide(self, units: list[list[Expr]], room: int) -> list[list[Expr]]:
        """Break a unit wider than ``room`` at its own operators, once; a product of operands
        side by side (A B) may break too, written A · B."""
        out = []
        for unit in units:
            inner = unit[-1]
            if self.block(unit).width <= room or not isinstance(inner, Seq) or len(inner.items) < 2:
                out.append(unit)
                continue
            if any(isinstance(i, Op) and i.symbol for i in inner.items):
                parts = _units(inner)
            else:
                parts = [[inner.items[0]]] + [[Op("·"), item] for item in inner.items[1:]]
            out.append(unit[:-1] + parts[0])
            out.extend(parts[1:])
        return out

    def lines(self, expr: Expr) -> list[str]:
        width = self.width
        whole = self.block([expr])
        if whole.width <= width:
            return whole.lines
        units = _units(expr)
        first = self.block(units[0])
        indent = first.width if first.width < width // 2 else 4
        for _ in range(4):  # split wide pieces, then their pieces, while that helps
            split = self.split_wide(units, width - indent)
            if len(split) == len(units):
                break
            units = split
        # a middle piece (numbers being substituted) still wider than the page is elided
        units = [
            unit
            if k in (0, len(units) - 1) or self.block(unit).width + min(indent, 4) <= width
            else unit[:1] + [Words(self.ELIDED)]
            for k, unit in enumerate(units)
        ]
        lines: list[str] = []

        def emit(pieces: list[Expr]) -> None:
            block = self.block(pieces)
            fits = indent + block.width <= width
            margin = 0 if not lines else (indent if fits else min(indent, 4))
            lines.extend(" " * margin + line if line else line for line in block.lines)

        current: list[Expr] = list(units[0])
        for unit in units[1:]:
            margin = 0 if not lines else indent
            if self.block(current + unit).width + margin <= width:
                current = current + unit
                continue
            emit(current)
            current = list(unit)
        emit(current)
        return [line.rstrip() for line in lines]


def render_equation(expr: Expr, width: int = 80, precision: int = 4) -> list[str]:
    """The lines of an equation, broken to fit ``width`` where it can (see the module); wide
    matrices show fewer columns before anything is elided."""
    lines: list[str] = []
    for columns in (MAX_COLS, 4, 2):
        lines = _Layout(width, precision, columns).lines(expr)
        if max((len(line) for line in lines), default=0) <= width:
            break
    return lines


WRITERS["text"] = render_expr
