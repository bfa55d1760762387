"""The computational graph as SVG (and as Graphviz DOT text, if wanted; no Graphviz needed).

Three levels, each node showing its value and its gradient ∂C/∂(node):

- ``scalar``: one node per number — each input x[i], each z_l[j] and a_l[j], and C — with the
  weights as the edges a_{l−1}[i] → z_l[j] (coloured by sign, as wide as |w|). For tiny nets.
- ``layer``: one node per tensor the engine recorded (x, W₁, z₁, a₁, …, C), read from the
  trace's graph record; edges are the primitives' arguments.
- the same record drawn for a network the trace does not know (the generic view, with a note),
  or for a scalar program such as the book's chain.

``level="auto"`` picks ``scalar`` for nets of at most 6 units a layer and 20 in all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...errors import ConfigError
from ..document.display import SvgDisplay
from ..record.graph_record import GraphRecord
from ..record.notation import format_number, format_vector, sub
from ..record.trace import Trace
from .canvas import DELTA, INK, MUTED, NEGATIVE, PAPER, POSITIVE, SvgCanvas, mix

KIND_FILL = {
    "input": "#eef3fb",
    "parameter": "#fdf3e6",
    "leaf": "#f4f6fa",
    "value": "#ffffff",
    "cost": "#fbeeee",
}


@dataclass
class GraphNode:
    key: str
    title: str
    detail: str  # the op, or the kind of leaf
    value: str
    grad: str
    column: int
    kind: str = "value"
    tooltip: str = ""


@dataclass
class GraphEdge:
    source: str
    target: str
    color: str = MUTED
    width: float = 1.3
    tooltip: str = ""


@dataclass
class ComputationalGraph(SvgDisplay):
    """Nodes in columns (inputs left, C right), edges between them."""

    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    level: str = "layer"
    note: str = ""
    box: tuple[float, float] = (176, 62)

    def __repr__(self) -> str:
        return (
            f"<ComputationalGraph ({self.level} level): {len(self.nodes)} nodes, "
            f"{len(self.edges)} edges>"
        )

    def svg(self) -> str:
        return graph_svg(self)

    def dot(self) -> str:
        return graph_dot(self)


def _compact(values) -> str:
    if values is None:
        return "—"
    flat = np.ravel(values)
    if flat.size == 1:
        return format_number(float(flat[0]))
    if flat.size <= 3:
        return format_vector(flat, 3)
    return f"‖·‖ {format_number(float(np.linalg.norm(flat)), 3)}"


def _shape(values: np.ndarray) -> str:
    return "×".join(map(str, np.shape(values))) or "scalar"


def from_record(record: GraphRecord, note: str = "", level: str = "layer") -> ComputationalGraph:
    """One node per recorded tensor, in columns by how far it is from the inputs."""
    rank = {}
    for node in record.nodes:  # parents come first
        rank[node.key] = 1 + max((rank[p] for p in node.parents), default=-1)
    users = record.consumers()
    for node in record.nodes:
        if not node.parents and users[node.key]:
            rank[node.key] = max(0, min(rank[u] for u in users[node.key]) - 1)
    graph = ComputationalGraph(level=level, note=note)
    for node in record.nodes:
        parents = ", ".join(record.nodes[p].label for p in node.parents)
        detail = f"{node.op}({parents})" if node.op else node.kind
        graph.nodes.append(
            GraphNode(
                str(node.key),
                node.label,
                detail,
                _compact(node.value)
                if node.value.size == 1
                else f"{_shape(node.value)}: {_compact(node.value)}",
                _compact(node.grad),
                rank[node.key],
                node.kind,
                f"{node.label} = {detail}" + (f"  [{node.where}]" if node.where else ""),
            )
        )
        for parent in node.parents:
            graph.edges.append(GraphEdge(str(parent), str(node.key)))
    return graph


def from_units(trace: Trace, example: int = 0) -> ComputationalGraph:
    """One node per number of one example's pass (see the module's docstring)."""
    e = example
    graph = ComputationalGraph(level="scalar", box=(128, 54))
    x = trace.x[e]
    for i in range(x.size):
        graph.nodes.append(
            GraphNode(
                f"x{i}",
                f"x[{i}]",
                "input",
                format_number(x[i]),
                format_number(trace.grad_x[e, i]),
                0,
                "input",
            )
        )
    below = [f"x{i}" for i in range(x.size)]
    column = 0
    cost = trace.cost_record
    wmax = max(float(np.max(np.abs(layer.W))) for layer in trace.layers) or 1.0
    for layer in trace.layers:
        l = layer.index
        column += 1
        for j in range(layer.n_out):
            graph.nodes.append(
                GraphNode(
                    f"z{l}.{j}",
                    f"z{sub(l)}[{j}]",
                    "W a + b",
                    format_number(layer.z[e, j]),
                    format_number(layer.delta[e, j]),
                    column,
                )
            )
            for i, source in enumerate(below):
                w = float(layer.W[j, i])
                graph.edges.append(
                    GraphEdge(
                        source,
                        f"z{l}.{j}",
                        POSITIVE if w >= 0 else NEGATIVE,
                        0.8 + 3.2 * abs(w) / wmax,
                        f"W{sub(l)}[{j},{i}] = {format_number(w)}, ∂C/∂W = "
                        f"{format_number(float(layer.dW[j, i]))}",
                    )
                )
        below = [f"z{l}.{j}" for j in range(layer.n_out)]
        if layer.activation == "identity":
            continue
        column += 1
        grad = layer.grad_a
        for v in range(layer.n_out):
            graph.nodes.append(
                GraphNode(
                    f"a{l}.{v}",
                    f"a{sub(l)}[{v}]",
                    layer.activation,
                    format_number(layer.a[e, v]),
                    "—" if grad is None else format_number(grad[e, v]),
                    column,
                )
            )
            sources = [u for u in range(layer.n_out) if not layer.form.elementwise or u == v]
            for u in sources:
                graph.edges.append(GraphEdge(f"z{l}.{u}", f"a{l}.{v}"))
        below = [f"a{l}.{v}" for v in range(layer.n_out)]
    if cost.fused_with:  # the cost takes z_L
        below = [f"z{trace.layers[-1].index}.{j}" for j in range(trace.layers[-1].n_out)]
    graph.nodes.append(
        GraphNode("C", "C", cost.name, format_number(trace.value), "1", column + 1, "cost")
    )
    graph.edges.extend(GraphEdge(source, "C") for source in below)
    return graph


def graph_of(source, level: str = "auto", example: int = 0) -> ComputationalGraph:
    """The computational graph of a :class:`Trace` (``level``: auto, scalar, layer) or of a
    :class:`GraphRecord` (a scalar program)."""
    if isinstance(source, GraphRecord):
        return from_record(
            source, level="scalar" if all(n.value.size == 1 for n in source.nodes) else "layer"
        )
    if not isinstance(source, Trace):
        raise ConfigError(f"cannot draw the graph of a {type(source).__name__}")
    if level not in ("auto", "scalar", "layer"):
        raise ConfigError(f"unknown graph level {level!r}; choose auto, scalar or layer")
    if not source.supported:
        return from_record(source.graph, source.note, "generic")
    small = max(source.sizes) <= 6 and sum(source.sizes) <= 20
    if level == "scalar" or (level == "auto" and small):
        if sum(source.sizes) > 64:
            raise ConfigError(
                f"the scalar level draws one node per number; this network has "
                f"{sum(source.sizes)} units: use --level layer"
            )
        return from_units(source, example)
    return from_record(source.graph)


#: The widest a graph is drawn; a graph whose columns would not fit runs top to bottom.
MAX_WIDTH = 900
_GAP_X, _GAP_Y, _TOP = 58, 16, 48


def _ranks(graph: ComputationalGraph) -> list[list[GraphNode]]:
    columns: dict[int, list[GraphNode]] = {}
    for node in graph.nodes:
        columns.setdefault(node.column, []).append(node)
    return [columns[k] for k in sorted(columns)]


def _layout(graph: ComputationalGraph) -> tuple[dict[str, tuple[float, float]], bool]:
    """Each node's top-left corner, and whether the graph runs across (inputs on the left, C
    on the right) or, where that would be wider than :data:`MAX_WIDTH`, down the page
    (inputs at the top, C at the bottom, each rank a row)."""
    w, h = graph.box
    ranks = _ranks(graph)
    across = 20 + len(ranks) * (w + _GAP_X) - _GAP_X + 24 <= MAX_WIDTH
    places = {}
    if across:
        height = max(len(r) for r in ranks) * (h + _GAP_Y)
        for column, nodes in enumerate(ranks):
            top = _TOP + (height - len(nodes) * (h + _GAP_Y)) / 2
            for k, node in enumerate(nodes):
                places[node.key] = (20 + column * (w + _GAP_X), top + k * (h + _GAP_Y))
        return places, True
    gap_x, gap_y = 24, 34
    width = max(len(r) for r in ranks) * (w + gap_x)
    for row, nodes in enumerate(ranks):
        left = 20 + (width - len(nodes) * (w + gap_x)) / 2
        for k, node in enumerate(nodes):
            places[node.key] = (left + k * (w + gap_x), _TOP + row * (h + gap_y))
    return places, False


def graph_svg(graph: ComputationalGraph) -> str:
    """Draw the graph: boxes with value and gradient, curved edges with arrowheads; across
    the page, or down it where across would be wider than :data:`MAX_WIDTH`."""
    w, h = graph.box
    places, across = _layout(graph)
    width = max(x for x, _ in places.values()) + w + 24
    height = max(y for _, y in places.values()) + h + (58 if graph.note else 36)
    counted = (
        "; unit indices [i] count from 0"
        if graph.level == "scalar" and any("[" in node.title for node in graph.nodes)
        else ""
    )
    canvas = SvgCanvas(
        max(width, 420), height, f"computational graph ({graph.level} level)", "graph"
    )
    canvas.text(20, 16, f"Computational graph, {graph.level} level", 12.5, INK, "start", bold=True)
    canvas.text(20, 33, f"each node shows its value and ∂C/∂(node){counted}", 11, MUTED, "start")
    for edge in graph.edges:
        x1, y1 = places[edge.source]
        x2, y2 = places[edge.target]
        if across:
            x1, y1, x2, y2 = x1 + w, y1 + h / 2, x2 - 2, y2 + h / 2
            bend = (x2 - x1) / 2
            d = (
                f"M {x1:.1f} {y1:.1f} C {x1 + bend:.1f} {y1:.1f} {x2 - bend:.1f} {y2:.1f} "
                f"{x2:.1f} {y2:.1f}"
            )
        else:
            x1, y1, x2, y2 = x1 + w / 2, y1 + h, x2 + w / 2, y2 - 2
            bend = (y2 - y1) / 2
            d = (
                f"M {x1:.1f} {y1:.1f} C {x1:.1f} {y1 + bend:.1f} {x2:.1f} {y2 - bend:.1f} "
                f"{x2:.1f} {y2:.1f}"
            )
        canvas.path(d, edge.color, edge.width, 0.85, edge.tooltip, arrow=True)
    small = 10 if h < 60 else 10.5
    for node in graph.nodes:
        x, y = places[node.key]
        canvas.rect(
            x,
            y,
            w,
            h,
            KIND_FILL.get(node.kind, PAPER),
            INK,
            1.0,
            6,
            node.tooltip or node.title,
            cls=f"node {node.kind}",
        )
        canvas.text(x + 8, y + 11, node.title, 12, INK, "start", bold=True)
        canvas.text(x + w - 8, y + 11, _clip(node.detail, 16), 9.5, MUTED, "end")
        canvas.text(x + 8, y + h / 2 + 2, "value " + _clip(node.value, 22), small, INK, "start")
        canvas.text(
            x + 8, y + h - 11, "∂C/∂· " + _clip(node.grad, 20), small, mix(DELTA, INK, 0.2), "start"
        )
    if graph.note:
        canvas.text(
            20, height - 16, _clip("note: " + graph.note, int(width / 6.2)), 11, MUTED, "start"
        )
    return canvas.svg()


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def graph_dot(graph: ComputationalGraph) -> str:
    """Graphviz DOT text of the graph (render it with any Graphviz, if you have one)."""
    lines = [
        "digraph backprop {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10];',
    ]
    for node in graph.nodes:
        parts = [node.title, node.detail, f"value {node.value}", f"∂C/∂· {node.grad}"]
        label = "\\n".join(_dot_text(part) for part in parts)
        lines.append(
            f'  "{_dot_text(node.key)}" [label="{label}", '
            f'fillcolor="{KIND_FILL.get(node.kind, PAPER)}"];'
        )
    for edge in graph.edges:
        tip = f', tooltip="{_dot_text(edge.tooltip)}"' if edge.tooltip else ""
        lines.append(
            f'  "{_dot_text(edge.source)}" -> "{_dot_text(edge.target)}" '
            f'[color="{edge.color}", penwidth={edge.width:.2f}{tip}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
