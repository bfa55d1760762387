"""See backpropagation: one trace of a pass, and the views that draw it.

``trace(net, x, y, cost)`` records every number of one forward and backward pass (z, a, δ,
∂C/∂W, ∂C/∂b per layer) and checks the book's equations on them; the views read that record:
the book's Step 1, 2, 3 as text, Markdown, JSON or HTML; the scalar paths of one weight; the
Jacobians; the computational graph and network pictures; the animations.
"""

from .graph_record import GraphNode, GraphRecord, record_backward
from .trace import Check, CostRecord, LayerRecord, Trace, trace

__all__ = ["trace", "Trace", "LayerRecord", "CostRecord", "Check", "GraphRecord", "GraphNode",
           "record_backward"]
