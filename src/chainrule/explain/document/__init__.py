"""The document model (sections of prose, equations, tables, notes, figures), the equation
tree (``expr``) and the writers that print them: text, Markdown, JSON, HTML, and equations as
text, LaTeX or MathML. The writers know documents, not views."""
