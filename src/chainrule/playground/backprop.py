"""The backprop view of one example: its δ from the output back, each with its equation in
MathML holding the numbers, from the same trace and document as ``chainrule explain``.

For layer l = L … 1 a step holds δ^(l) (``delta``), the book's equations that give it (the
Displays of the explain document's Step 1 for the output layer, Step 2 for each hidden layer,
in the book's column form): ``mathml`` is the last, δ^(l) = … = [numbers], and ``equations``
all of them (σ'(z_l), Wᵀδ, δ); then W^(l) and this example's ∂C/∂W^(l) = δ^(l) a^(l−1)ᵀ.
``html`` is the whole explain document (forward, the δ flowing back, Steps 1 to 3, the check,
the scalar paths, the Jacobians, the graph) as ``explain --format html`` renders it, and
``paths`` the paths of influence of one weight (explain's scalar view, ``--view scalar
--weight W1[1,2]``: every path from the weight to C, each a product of local derivatives,
their sum ∂C/∂w), or, when there are too many paths to list, None and ``paths_error`` saying
so.
"""

from __future__ import annotations

from ..errors import ConfigError
from ..explain import explain_document, render_fragment, weight_paths
from ..explain.document.math_mathml import mathml
from ..explain.document.model import Display, Document, Note, Prose, Section
from ..explain.record.trace import Trace
from ..explain.views.scalar_paths import parse_weight
from ..explain.views.steps import StepsWriter
from .frames import finite_list

#: digits of the numbers in the equations (as chainrule explain prints them)
PRECISION = 4
#: the most characters the document's step-through picture may take (a 6 × 16 network's
#: takes 1.3 MB); a larger one is replaced by a note saying how to draw it
PICTURE_LIMIT = 300_000


def _lighter(document: Document) -> Document:
    """The explain document, its step-through of the δ flowing back replaced by a note when
    it would outweigh the rest of the view."""
    for at, section in enumerate(document.sections):
        if section.key != "pictures":
            continue
        alone = Document(document.title, [])
        alone.add(section)
        size = len(render_fragment(alone, PRECISION, toc=False))
        if size > PICTURE_LIMIT:
            note = Note(
                f"the step-through of the δ flowing back is left out here ({size:,} characters "
                f"for this network); `chainrule explain --checkpoint checkpoint.npz --view "
                f"animation --out backward.gif` draws it from the exported checkpoint"
            )
            document.sections[at] = Section(section.title, [note], section.key)
    return document


def _book_displays(parts: list) -> dict[int, list]:
    """The book-form Displays of a Step section, by layer: a Prose "Book…" or "Layer l…"
    opens a layer's equations, a Prose "Code…" closes them."""
    found: dict[int, list] = {}
    current = None
    for part in parts:
        if isinstance(part, Prose):
            text = part.text
            if text.startswith("Layer "):
                current = int(text.split()[1].rstrip(":"))
                found[current] = []
            elif text.startswith("Book"):
                current = 0  # the output layer (Step 1)
                found[current] = []
            else:
                current = None
        elif isinstance(part, Display) and current is not None:
            found[current].append(part.expr)
    return found


def delta_equations(trace: Trace, lr: float) -> dict[int, list]:
    """Layer l → the expressions of the book's equations that give δ^(l)."""
    writer = StepsWriter(trace, 0, lr)
    output = _book_displays(writer.step1().parts)
    hidden = _book_displays(writer.step2().parts)
    hidden[trace.layers[-1].index] = output.get(0, [])
    return hidden


def backprop_view(trace: Trace, lr: float, weight: str | None = None) -> dict:
    """The backprop dict of one traced example (see the module); ``weight`` as explain writes
    it ("W2[0,3]", rows and columns from 0), or None."""
    equations = delta_equations(trace, lr)
    steps = []
    for layer in reversed(trace.layers):
        exprs = equations.get(layer.index, [])
        steps.append(
            {
                "layer": layer.index,
                "delta": finite_list(layer.delta[0]),
                "mathml": mathml(exprs[-1], precision=PRECISION) if exprs else None,
                "equations": [mathml(e, precision=PRECISION) for e in exprs],
                "W": finite_list(layer.W),
                "dW": finite_list(layer.dW),
                "db": finite_list(layer.db) if layer.db is not None else None,
            }
        )
    document = _lighter(explain_document(trace, weight=weight, lr=lr))
    paths, problem = None, None
    if weight is not None:
        try:
            parse_weight(trace, weight)  # a weight that is not there: ConfigError naming it
        except ConfigError as exc:
            exc.field = "weight"
            raise
        try:
            paths = render_fragment(weight_paths(trace, weight).document(), PRECISION, toc=False)
        except ConfigError as exc:  # too many paths to list
            problem = str(exc)
    return {
        "x": finite_list(trace.x[0]),
        "steps": steps,
        "html": render_fragment(document, PRECISION),
        "weight": weight,
        "paths": paths,
        "paths_error": problem,
    }
