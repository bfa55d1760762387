"""The document model (sections of prose, equations, tables, notes, figures), the equation
tree (``expr``) and the writers that print them: text, Markdown, JSON, HTML, and equations as
text, LaTeX or MathML. The writers know documents, not views.

An equation prints through the writers that registered with ``expr.WRITERS``; they are imported
here, so any use of the room has them.
"""

from . import html, math_latex, math_text  # noqa: F401 - they register Expr's writers
