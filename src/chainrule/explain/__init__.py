"""See backpropagation: one trace of a pass, and the views that draw it.

``trace(net, x, y, cost)`` records every number of one forward and backward pass (z, a, δ,
∂C/∂W, ∂C/∂b per layer) and checks the book's equations on them; the views read that record:
the book's Step 1, 2, 3 as text, Markdown, JSON or HTML; the scalar paths of one weight; the
Jacobians; the computational graph and network pictures; the animations. The dynamic-
programming measurements and the book's chapter-3 chain stand on their own.

The rooms, each importing only those before it: ``record`` (the trace) → ``document`` (the
document model and its writers) → ``views`` → ``pictures`` → ``show`` (the page, notebook
display, playground); ``measurements`` reads the document room only.
"""

from .document.html import render_fragment, render_html
from .document.json_view import render_json, trace_json
from .document.markdown import render_markdown
from .document.text import render_text
from .measurements.dynamic_programming import DPTable, compare, expected_macs
from .pictures.animation import BackwardAnimation, PathAnimation, backward_animation, path_animation
from .pictures.network_svg import network_svg
from .pictures.svg_graph import ComputationalGraph, graph_of
from .record.graph_record import GraphNode, GraphRecord, record_backward
from .record.trace import Check, CostRecord, LayerRecord, Trace, trace
from .show import notebook  # noqa: F401 - registers how a trace shows in a notebook
from .show.page import explain_document
from .show.problem import Example, book_example, network_example
from .views.jacobians import JacobianView, jacobian_view
from .views.scalar_paths import ScalarPaths, book_chain, chain_paths, graph_paths, weight_paths
from .views.steps import steps_document

__all__ = [
    "trace",
    "Trace",
    "LayerRecord",
    "CostRecord",
    "Check",
    "GraphRecord",
    "GraphNode",
    "record_backward",
    "steps_document",
    "explain_document",
    "render_text",
    "render_markdown",
    "render_html",
    "render_fragment",
    "render_json",
    "trace_json",
    "weight_paths",
    "graph_paths",
    "chain_paths",
    "book_chain",
    "ScalarPaths",
    "jacobian_view",
    "JacobianView",
    "compare",
    "expected_macs",
    "DPTable",
    "graph_of",
    "ComputationalGraph",
    "network_svg",
    "backward_animation",
    "path_animation",
    "BackwardAnimation",
    "PathAnimation",
    "Example",
    "book_example",
    "network_example",
]
