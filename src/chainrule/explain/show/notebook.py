"""Rich display in Jupyter: networks and traces render themselves.

A trace shows the network picture, then Step 1, 2, 3 (:func:`trace_html`, which the trace
reaches through ``trace.DISPLAYS``). A network shows its diagram, weights as coloured lines
(:func:`module_svg`, :func:`module_html`); the ``nn`` classes are not changed for it:
``chainrule`` hands these to IPython's display formatters when it is imported in a notebook,
and they load explain on the first display. The views and pictures carry their own display
(:mod:`..document.display`).
"""

from __future__ import annotations

from html import escape

from ...errors import ChainruleError
from ..document.html import render_fragment
from ..pictures.network_svg import network_svg
from ..record.trace import DISPLAYS
from ..views.steps import steps_document
from .page import network_figure


def trace_html(trace) -> str:
    """A trace in a notebook: the network picture, then Step 1, 2, 3 (or the generic graph)."""
    document = steps_document(trace)
    before = network_figure(trace) if trace.supported else ""
    return render_fragment(document, toc=False, before=before)


DISPLAYS["html"] = trace_html


def module_svg(module) -> str | None:
    """A network's diagram (Dense layers, weights as coloured lines), or None when the module
    has no Dense layer to draw."""
    try:
        return network_svg(module)
    except ChainruleError:
        return None


def module_html(module) -> str | None:
    """A network's diagram and its repr, as HTML, or None when there is nothing to draw."""
    svg = module_svg(module)
    if svg is None:
        return None
    return (
        f'<div class="chainrule-figure">{svg}<div style="font:13px monospace">'
        f"{escape(repr(module))}</div></div>"
    )
