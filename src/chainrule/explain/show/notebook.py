"""Rich display in Jupyter: networks, traces, graphs, views and equations render themselves.

IPython asks an object for ``_repr_mimebundle_`` (or ``_repr_html_`` / ``_repr_svg_``) when it
is the value of a cell. The explain objects carry these through :class:`DocumentDisplay`
(HTML from their document) or their own SVG; networks get them from :func:`register`, which
chainrule calls on import, so ``net`` alone in a cell draws the network (weights as coloured
lines) without changing the ``nn`` classes themselves.
"""

from __future__ import annotations


class DocumentDisplay:
    """Mixin for objects with ``document()``: HTML in notebooks, text in terminals."""

    def document(self):  # pragma: no cover - every user defines it
        raise NotImplementedError

    def text(self, width: int = 80, precision: int = 4) -> str:
        from ..document.text import render_text

        return render_text(self.document(), width, precision)

    def _repr_html_(self) -> str:
        from ..document.html import render_fragment

        return render_fragment(self.document(), toc=False)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}


class SvgDisplay:
    """Mixin for pictures with ``svg()``: SVG (and HTML holding it) in notebooks."""

    def svg(self) -> str:  # pragma: no cover - every user defines it
        raise NotImplementedError

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_html_(self) -> str:
        return f'<div class="chainrule-figure">{self.svg()}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        svg = self.svg()
        return {"image/svg+xml": svg, "text/html": f'<div class="chainrule-figure">{svg}</div>',
                "text/plain": repr(self)}


def trace_html(trace) -> str:
    """A trace in a notebook: the network picture, then Step 1, 2, 3 (or the generic graph)."""
    from ..document.html import render_fragment
    from ..views.steps import steps_document
    from .page import network_figure

    document = steps_document(trace)
    before = network_figure(trace) if trace.supported else ""
    return render_fragment(document, toc=False, before=before)


def module_svg(module) -> str | None:
    """A network's diagram (Dense layers, weights as coloured lines), or None when the module
    has no Dense layer to draw."""
    from ...errors import ChainruleError
    from ..pictures.network_svg import network_svg

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
    from html import escape

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
    from ...nn import Module

    Module._repr_svg_ = _module_repr_svg_
    Module._repr_html_ = _module_repr_html_
    Module._repr_mimebundle_ = _module_repr_mimebundle_
