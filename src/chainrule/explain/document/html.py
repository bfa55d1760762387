"""A document as one self-contained HTML page: equations in MathML, pictures as inline SVG,
the step-throughs driven by a few lines of inline script. Nothing is fetched: no CDN, no font,
no image file; the page works offline and from ``file://``.

``render_fragment`` gives the same content without the page around it (for notebooks and the
playground); its styles are scoped to ``.chainrule``.
"""

from __future__ import annotations

from html import escape

from .expr import WRITERS, Expr, Op, Seq, pieces
from .math_mathml import mathml
from .model import Display, Document, Figure, Note, Prose, Section, Table

STYLE = """
.chainrule { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330;
  max-width: 980px; margin: 0 auto; padding: 0 16px 48px; }
.chainrule h1 { font-size: 1.6em; margin: 24px 0 8px; }
.chainrule h2 { font-size: 1.2em; margin: 36px 0 8px; padding-bottom: 4px;
  border-bottom: 1px solid #d8dce6; }
.chainrule h3 { font-size: 1.05em; margin: 24px 0 6px; }
.chainrule dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px;
  margin: 8px 0 16px; }
.chainrule dl.facts dt { font-weight: 600; color: #4a5368; }
.chainrule dl.facts dd { margin: 0; }
.chainrule nav.toc { font-size: 0.9em; margin: 8px 0 0; }
.chainrule nav.toc a { margin-right: 14px; color: #2457a6; text-decoration: none; }
.chainrule p, .chainrule dd, .chainrule figcaption, .chainrule td { overflow-wrap: anywhere; }
.chainrule .eq { overflow-x: auto; padding: 4px 0; }
.chainrule .eq.broken { padding-left: 2em; text-indent: -2em; line-height: 1.2; }
.chainrule .eq.broken math { math-style: normal; margin: 6px 0; text-indent: 0; }
.chainrule math { font-size: 1.08em; }
.chainrule math[display="block"] { display: inline math; margin: 6px 0; }
.chainrule mrow.matrix { padding: 0 5px; margin: 0 4px; background:
  linear-gradient(currentColor, currentColor) left top / 1.5px 100% no-repeat,
  linear-gradient(currentColor, currentColor) left top / 5px 1.5px no-repeat,
  linear-gradient(currentColor, currentColor) left bottom / 5px 1.5px no-repeat,
  linear-gradient(currentColor, currentColor) right top / 1.5px 100% no-repeat,
  linear-gradient(currentColor, currentColor) right top / 5px 1.5px no-repeat,
  linear-gradient(currentColor, currentColor) right bottom / 5px 1.5px no-repeat; }
.chainrule mrow.matrix mtd { padding: 1px 5px; }
.chainrule .frame .caption { font-weight: 600; margin: 4px 0 0; }
.chainrule table.data { border-collapse: collapse; margin: 8px 0; font-size: 0.92em; }
.chainrule table.data th, .chainrule table.data td { padding: 3px 10px;
  border-bottom: 1px solid #e3e6ee; text-align: left; }
.chainrule table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
.chainrule p.note { padding: 6px 10px; border-left: 4px solid #8a94a8; background: #f4f6fa; }
.chainrule p.note.ok { border-color: #2f8f4e; background: #eef8f1; }
.chainrule p.note.fail { border-color: #c0392b; background: #fbeeee; }
.chainrule figure { margin: 12px 0; }
.chainrule figure svg { max-width: 100%; height: auto; display: block; }
.chainrule figcaption { font-size: 0.9em; color: #4a5368; margin-top: 4px; }
.chainrule .stepper .controls { margin: 6px 0; display: flex; gap: 8px; align-items: center; }
.chainrule .stepper button { font: inherit; padding: 2px 12px; border: 1px solid #b8bfcc;
  background: #fff; border-radius: 4px; cursor: pointer; }
.chainrule .stepper .count { color: #4a5368; font-size: 0.9em; }
.chainrule .stepper.ready .frame { display: none; }
.chainrule .stepper.ready .frame.current { display: block; }
.chainrule form.playground { display: flex; flex-wrap: wrap; gap: 10px 16px;
  align-items: end; padding: 12px; background: #f4f6fa; border-radius: 6px; }
.chainrule form.playground label { display: flex; flex-direction: column; font-size: 0.85em;
  color: #4a5368; }
.chainrule form.playground input, .chainrule form.playground select { font: inherit;
  padding: 2px 6px; }
"""

#: Shows one frame of each step-through at a time (all frames stay readable without script).
SCRIPT = """
(function () {
  document.querySelectorAll('.chainrule .stepper').forEach(function (box) {
    if (box.classList.contains('ready')) { return; }
    var frames = box.querySelectorAll('.frame');
    var count = box.querySelector('.count');
    var i = 0, timer = null;
    function show(k) {
      i = (k + frames.length) % frames.length;
      frames.forEach(function (f, n) { f.classList.toggle('current', n === i); });
      if (count) { count.textContent = (i + 1) + ' / ' + frames.length; }
    }
    box.classList.add('ready');
    box.querySelector('.prev').addEventListener('click', function () { show(i - 1); });
    box.querySelector('.next').addEventListener('click', function () { show(i + 1); });
    box.querySelector('.play').addEventListener('click', function (event) {
      if (timer) { clearInterval(timer); timer = null; event.target.textContent = 'play'; }
      else { timer = setInterval(function () { show(i + 1); }, 1200);
             event.target.textContent = 'pause'; }
    });
    show(0);
  });
})();
"""


def _part(part, precision: int) -> str:
    if isinstance(part, Prose):
        return f"<p>{escape(part.text)}</p>"
    if isinstance(part, Display):
        return display_equation(part.expr, precision)
    if isinstance(part, Table):
        numeric = part.numeric or [False] * len(part.headers)
        head = "".join(f"<th>{escape(h)}</th>" for h in part.headers)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{' class=num' if numeric[k] else ''}>{escape(str(c))}</td>"
                for k, c in enumerate(row)
            )
            + "</tr>"
            for row in part.rows
        )
        return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    if isinstance(part, Note):
        mark = {"ok": "✓ ", "fail": "✗ "}.get(part.kind, "")
        return f'<p class="note {escape(part.kind)}">{mark}{escape(part.text)}</p>'
    if isinstance(part, Figure):
        return (
            f'<figure class="picture">{part.svg}{part.html}'
            f"<figcaption>{escape(part.caption)}</figcaption></figure>"
        )
    raise TypeError(f"cannot write a {type(part).__name__} as HTML")


def display_equation(expr, precision: int = 4) -> str:
    """An equation on its own line(s): one formula per piece (see :func:`.expr.pieces`), so a
    wide one wraps between an operator and the operand before it, continuing indented."""
    parts = pieces(expr)
    if len(parts) == 1:
        return f'<div class="eq">{mathml(expr, True, precision)}</div>'
    return (
        '<div class="eq broken">'
        + "<wbr>".join(_piece(part, precision) for part in parts)
        + "</div>"
    )


def _piece(part: tuple, precision: int) -> str:
    """One piece as a formula; an operator it starts with ("+ b₁") is still between two
    operands, so it keeps its spacing (MathML would take it for a prefix sign)."""
    formula = mathml(Seq(part), False, precision)
    if isinstance(part[0], Op) and part[0].symbol:
        formula = formula.replace("<mrow><mo>", '<mrow><mo form="infix">', 1)
    return formula


def _section(section: Section, precision: int) -> str:
    anchor = f' id="{escape(section.key)}"' if section.key else ""
    level = min(max(section.level, 2), 4)
    body = "\n".join(_part(part, precision) for part in section.parts)
    return f"<section{anchor}><h{level}>{escape(section.title)}</h{level}>\n{body}\n</section>"


def render_fragment(
    document: Document, precision: int = 4, toc: bool = True, before: str = ""
) -> str:
    """The document inside ``<div class="chainrule">`` with its styles and script."""
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in document.facts)
    links = "".join(
        f'<a href="#{escape(s.key)}">{escape(s.title.split(":")[0])}</a>'
        for s in document.sections
        if s.key
    )
    nav = f'<nav class="toc">{links}</nav>' if toc and links else ""
    sections = "\n".join(_section(s, precision) for s in document.sections)
    return (
        f'<div class="chainrule"><style>{STYLE}</style>\n'
        f"<header><h1>{escape(document.title)}</h1>"
        f'<dl class="facts">{facts}</dl>{nav}</header>\n{before}{sections}\n'
        f"<script>{SCRIPT}</script></div>"
    )


def wrap_fragment(body: str) -> str:
    """Any piece of a page (a figure, a step-through) with the styles and script it needs."""
    return f'<div class="chainrule"><style>{STYLE}</style>{body}<script>{SCRIPT}</script></div>'


def render_html(document: Document, precision: int = 4, before: str = "") -> str:
    """A whole page, self-contained (see the module's docstring)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(document.title)}</title></head>\n<body>\n"
        f"{render_fragment(document, precision, before=before)}\n</body></html>\n"
    )


def equation_fragment(expr: Expr) -> str:
    """One equation as an HTML fragment (MathML): how an equation shows in a notebook."""
    return wrap_fragment(mathml(expr, display=True))


WRITERS["html"] = equation_fragment
