"""A document as terminal text, readable at 80 columns: prose wrapped, equations broken before
an operator where they must be, tables aligned, notes marked ✓ / ✗ / ·.
"""

from __future__ import annotations

import textwrap

from .math_text import render_equation
from .model import Display, Document, Figure, Note, Prose, Section, Table

INDENT = "  "
MARK = {"ok": "✓", "fail": "✗", "info": "·"}


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        width=max(width, 20),
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [""]


def _table(table: Table, width: int) -> list[str]:
    """Columns aligned; a last column too wide for the page wraps under itself."""
    rows = [[str(cell) for cell in r] for r in [table.headers] + table.rows]
    numeric = table.numeric or [False] * len(table.headers)
    widths = [max(len(r[k]) for r in rows) for k in range(len(table.headers))]
    room = width - len(INDENT) - sum(widths[:-1]) - 2 * (len(widths) - 1)
    if widths[-1] > room >= 12:
        widths[-1] = room
    lines = []
    for n, r in enumerate(rows):
        last = textwrap.wrap(r[-1], widths[-1]) or [""]
        cells = [
            cell.rjust(w) if numeric[k] and n else cell.ljust(w)
            for k, (cell, w) in enumerate(zip(r[:-1], widths, strict=False))
        ]
        tail = last[0].rjust(widths[-1]) if numeric[-1] and n else last[0]
        lines.append((INDENT + "  ".join(cells + [tail])).rstrip())
        pad = INDENT + "  ".join(" " * w for w in widths[:-1]) + ("  " if cells else "")
        lines.extend(pad + more for more in last[1:])
        if n == 0:
            lines.append(INDENT + "  ".join("─" * w for w in widths))
    return lines


def _part(part, width: int, precision: int) -> list[str]:
    if isinstance(part, Prose):
        return _wrap(part.text, width, INDENT)
    if isinstance(part, Display):
        inner = width - 2 * len(INDENT)
        return [
            2 * INDENT + line if line else ""
            for line in render_equation(part.expr, inner, precision)
        ]
    if isinstance(part, Table):
        return _table(part, width)
    if isinstance(part, Note):
        return _wrap(f"{MARK.get(part.kind, '·')} {part.text}", width, INDENT)
    if isinstance(part, Figure) and part.text:
        return [INDENT * 2 + line for line in part.text.splitlines()] + _wrap(
            part.caption, width, INDENT
        )
    if isinstance(part, Figure):
        hint = f" ({part.hint})" if part.hint else ""
        return _wrap(f"[picture: {part.caption}{hint}]", width, INDENT)
    raise TypeError(f"cannot print a {type(part).__name__}")


def _section(section: Section, width: int, precision: int) -> list[str]:
    title = _wrap(section.title, width)
    rule = "─" if section.level >= 2 else "═"
    lines = ["", *title, rule * min(width, max(len(line) for line in title))]
    previous = None
    for part in section.parts:
        # a blank line between parts, except between consecutive equations
        if previous is not None and not (
            isinstance(part, Display) and isinstance(previous, Display)
        ):
            lines.append("")
        elif previous is None:
            lines.append("")
        lines.extend(_part(part, width, precision))
        previous = part
    return lines


def render_text(document: Document, width: int = 80, precision: int = 4) -> str:
    """The document as text for a terminal ``width`` columns wide."""
    lines = [document.title, "═" * min(width, len(document.title))]
    if document.facts:
        key_width = max(len(key) for key, _ in document.facts)
        for key, value in document.facts:
            lines.extend(
                textwrap.wrap(
                    f"{key.ljust(key_width)}  {value}",
                    width=width,
                    subsequent_indent=" " * (key_width + 2),
                    break_on_hyphens=False,
                )
            )
    for section in document.sections:
        lines.extend(_section(section, width, precision))
    return "\n".join(lines) + "\n"
