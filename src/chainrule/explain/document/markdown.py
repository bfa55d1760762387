"""A document as Markdown: equations in ``$$ … $$`` (LaTeX, rendered by GitHub, Jupyter and
most editors), tables as GitHub tables, notes as quotes.
"""

from __future__ import annotations

from .math_latex import latex
from .model import Display, Document, Figure, Note, Prose, Table

MARK = {"ok": "✓", "fail": "✗", "info": "Note:"}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _part(part, precision: int) -> str:
    if isinstance(part, Prose):
        return part.text
    if isinstance(part, Display):
        return f"$$\n{latex(part.expr, precision)}\n$$"
    if isinstance(part, Table):
        align = [
            "---:" if (part.numeric and part.numeric[k]) else "---"
            for k in range(len(part.headers))
        ]
        lines = [
            "| " + " | ".join(_cell(h) for h in part.headers) + " |",
            "| " + " | ".join(align) + " |",
        ]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in part.rows]
        return "\n".join(lines)
    if isinstance(part, Note):
        return f"> {MARK.get(part.kind, 'Note:')} {part.text}"
    if isinstance(part, Figure) and part.text:
        return f"```text\n{part.text}\n```\n\n*{part.caption}*"
    if isinstance(part, Figure):
        hint = f" ({part.hint})" if part.hint else ""
        return f"*Picture: {part.caption}{hint}.*"
    raise TypeError(f"cannot write a {type(part).__name__} as Markdown")


def render_markdown(document: Document, precision: int = 4) -> str:
    """The document as Markdown."""
    out = [f"# {document.title}", ""]
    for key, value in document.facts:
        out.append(f"- **{key}**: {value}")
    for section in document.sections:
        out += ["", f"{'#' * section.level} {section.title}"]
        for part in section.parts:
            out += ["", _part(part, precision)]
    return "\n".join(out) + "\n"
