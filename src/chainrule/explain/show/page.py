"""The whole explanation of one trace as one document: the steps, the pictures, the scalar
view, the Jacobians, the computational graph and (optionally) the dynamic-programming table.
The HTML page and the playground print this document; each part can also be had alone.
"""

from __future__ import annotations

from html import escape

from ...errors import ConfigError
from ..document.model import Document, Figure, Note, Prose, Section
from ..pictures.animation import backward_animation, path_animation
from ..pictures.network_svg import network_svg
from ..pictures.svg_graph import graph_of
from ..record.trace import Trace
from ..views.jacobians import jacobian_view
from ..views.scalar_paths import weight_paths
from ..views.steps import steps_document


def network_figure(trace: Trace, example: int = 0) -> str:
    """The network diagram with the trace's numbers, as an HTML figure."""
    caption = (
        "The network with this example's numbers: each unit shows its activation a, "
        "each orange ring its δ = ∂C/∂z (∂C/∂x at the input); weights are blue when "
        "positive, red when negative, as wide as their magnitude."
    )
    return (
        f'<figure class="picture">{network_svg(trace, example)}'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def pictures_section(trace: Trace, example: int = 0) -> Section:
    """The δ flowing back, as a step-through, and the network diagram."""
    section = Section("Pictures: the δ flowing back", key="pictures")
    animation = backward_animation(trace, example)
    section.add(
        Prose(
            "Step through the backward pass: the error starts at the cost, and each "
            "step sends it one layer further back (buttons, or all frames below "
            "one another without script)."
        ),
        Figure(
            f"the backward pass in {len(animation)} steps",
            html=animation.html(),
            hint="--view animation --out backward.gif",
        ),
    )
    return section


def path_section(trace: Trace, weight: str | None) -> Section:
    """The book's one-path animation, when the weight has a single path to C."""
    animation, problem = None, None
    for candidate in dict.fromkeys((weight, None)):  # the weight asked for, else the default
        try:
            animation = path_animation(trace, candidate)
            break
        except ConfigError as exc:
            problem = problem or exc
    if animation is None:
        return Section("One path, nudged", [Note(str(problem))], "path")
    section = Section(f"One path, nudged: {animation.view.weight}", key="path")
    section.add(
        Prose(
            "Nudge the weight and watch the nudge travel: z moves at the rate a, a at "
            "the rate σ'(z), C at the rate ∂C/∂a. The product of the rates predicts "
            "ΔC; re-running the network shows how well, as the nudge grows."
        ),
        Figure(
            "one path of influence, nudged",
            html=animation.html(),
            hint="--view path --out path.gif",
        ),
    )
    return section


def graph_figure_section(trace: Trace, level: str = "auto", example: int = 0) -> Section:
    graph = graph_of(trace, level, example)
    section = Section(f"The computational graph ({graph.level} level)", key="graph")
    if graph.note:
        section.add(Note(graph.note))
    section.add(
        Figure(
            f"computational graph, {graph.level} level: value and ∂C/∂(node) at every node",
            svg=graph.svg(),
            hint="--view graph --out graph.svg",
        )
    )
    return section


def explain_document(
    trace: Trace,
    *,
    weight: str | None = None,
    example: int = 0,
    lr: float = 1.0,
    dp=None,
    level: str = "auto",
) -> Document:
    """Everything about one trace: see the module's docstring. ``dp``: a measured
    :class:`~..measurements.dynamic_programming.DPTable` to include."""
    doc = steps_document(trace, example, lr)
    if not trace.supported:
        doc.add(graph_figure_section(trace, level, example))
        return doc
    sections = doc.sections
    doc.sections = sections[:1]  # forward
    doc.add(pictures_section(trace, example))
    doc.sections.extend(sections[1:])  # steps 1, 2, 3 and the check
    try:
        scalar = weight_paths(trace, weight)
        doc.extend(_retitled(scalar.document(), "scalar"))
    except ConfigError as exc:
        doc.add(Section("The scalar view", [Note(str(exc))], "scalar"))
    doc.add(path_section(trace, weight))
    if max(trace.sizes) <= 64:
        doc.extend(_retitled(jacobian_view(trace, example).document(), "jacobians"))
    doc.add(graph_figure_section(trace, level, example))
    if dp is not None:
        doc.extend(dp.document(dp.plot()))
    return doc


def _retitled(doc: Document, key: str) -> Document:
    """A sub-view's sections, its header facts kept as a first line of prose."""
    if doc.sections and doc.facts:
        facts = "; ".join(f"{k}: {v}" for k, v in doc.facts)
        doc.sections[0].parts.insert(0, Prose(facts))
    doc.facts = []
    if doc.sections and not doc.sections[0].key:
        doc.sections[0].key = key
    return doc
