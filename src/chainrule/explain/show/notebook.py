"""Rich display in Jupyter: networks and traces render themselves.

A trace shows the network picture, then Step 1, 2, 3 (:func:`trace_html`, which the trace
reaches through ``trace.DISPLAYS``). A network shows its diagram, weights as coloured lines
(:func:`module_mimebundle`); the ``nn`` classes are not changed for it: ``chainrule`` gives the
function to IPython's display formatters (see ``chainrule.notebook_display``). The views and
pictures carry their own display (:mod:`..document.display`).
"""

from __future__ import annotations

from html import escape

from ...errors import ChainruleError
from ...nn import Module
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


def _module_repr_svg_(self):
    return module_svg(self)


def _module_repr_html_(self):
    svg = module_svg(self)
    if svg is None:
        return None
    return (f'<div class="chainrule-figure">{svg}<div style="font:13px monospace">'
            f"{escape(repr(self))}</div></div>")


def _module_repr_mimebundle_(self, include=None, exclude=None):
    bundle = {"text/plain": repr(self)}
    svg = module_svg(self)
    if svg is not None:
        bundle["image/svg+xml"] = svg
        bundle["text/html"] = _module_repr_html_(self)
    return bundle


def register() -> None:
    """Give every chainrule ``Module`` its notebook display (idempotent)."""
    Module._repr_svg_ = _module_repr_svg_
    Module._repr_html_ = _module_repr_html_
    Module._repr_mimebundle_ = _module_repr_mimebundle_
