"""Rich display in Jupyter for what explain makes: a document shows as HTML (text in a
terminal), a picture as SVG.

IPython asks an object for ``_repr_mimebundle_`` (or ``_repr_html_`` / ``_repr_svg_``) when it
is the value of a cell. The views carry these through :class:`DocumentDisplay` (the HTML of
their ``document()``), the pictures through :class:`SvgDisplay` (their ``svg()``). The mixins
know the writers only, never the views that use them.
"""

from __future__ import annotations

from .html import render_fragment
from .text import render_text


class DocumentDisplay:
    """Mixin for objects with ``document()``: HTML in notebooks, text in terminals."""

    def document(self):  # pragma: no cover - every user defines it
        raise NotImplementedError

    def text(self, width: int = 80, precision: int = 4) -> str:
        return render_text(self.document(), width, precision)

    def _repr_html_(self) -> str:
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
        return {
            "image/svg+xml": svg,
            "text/html": f'<div class="chainrule-figure">{svg}</div>',
            "text/plain": repr(self),
        }
