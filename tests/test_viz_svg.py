"""The pictures as SVG: well-formed XML with the expected nodes, colours and numbers; the
graph's DOT export; the generic view for unknown layers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import chainrule as cr
from chainrule.demo.book import X, Y, book_network
from chainrule.explain import book_chain, graph_of, network_svg, trace
from chainrule.explain.pictures.canvas import NEGATIVE, POSITIVE
from chainrule.explain.record.notation import format_number

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 100 and float(root.get("height")) > 100
    return root


def with_class(root, cls):
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def texts(root) -> list[str]:
    return [e.text for e in root.iter(f"{SVG}text")]


@pytest.fixture(scope="module")
def book():
    return trace(book_network(), X[0], Y[0])


def test_the_network_diagram_draws_every_unit_and_weight(book):
    root = parse(network_svg(book))
    assert len(with_class(root, "unit")) == 3 + 4 + 1
    weights = with_class(root, "weight")
    assert len(weights) == 3 * 4 + 4 * 1
    assert len(with_class(root, "delta")) == 8  # a ring per unit: ∂C/∂x and every δ
    shown = texts(root)
    assert "0.76" in shown and "C = 0.29" in shown  # a₂ and the cost
    assert f"δ {format_number(book.layers[1].delta[0, 0], 3)}" in shown


def test_weights_are_coloured_by_sign_and_as_wide_as_their_magnitude():
    net = cr.Sequential(cr.Dense(2, 2, bias=False, dtype="float64"))
    net[0].W.data[...] = [[1.0, -0.5], [0.25, -2.0]]
    root = parse(network_svg(net))
    lines = {e.find(f"{SVG}title").text.split(" = ")[0]: e for e in with_class(root, "weight")}
    assert lines["W₁[0,0]"].get("stroke") == POSITIVE
    assert lines["W₁[0,1]"].get("stroke") == NEGATIVE
    widths = {k: float(e.get("stroke-width")) for k, e in lines.items()}
    assert widths["W₁[1,1]"] > widths["W₁[0,0]"] > widths["W₁[0,1]"] > widths["W₁[1,0]"]
    assert widths["W₁[1,1]"] == pytest.approx(6.0)


def test_wide_layers_are_elided():
    net = cr.Sequential(cr.Dense(30, 3, dtype="float64", rng=0))
    root = parse(network_svg(net))
    assert len(with_class(root, "unit")) == 10 + 3 and "⋮" in texts(root)


def test_a_network_without_dense_layers_is_refused():
    with pytest.raises(cr.ConfigError, match="needs Dense layers"):
        network_svg(cr.Sequential(cr.Sigmoid()))


def test_the_scalar_graph_has_a_node_per_number(book):
    graph = graph_of(book)
    assert graph.level == "scalar"
    labels = [n.title for n in graph.nodes]
    assert labels == [
        "x[0]",
        "x[1]",
        "x[2]",
        "z₁[0]",
        "z₁[1]",
        "z₁[2]",
        "z₁[3]",
        "a₁[0]",
        "a₁[1]",
        "a₁[2]",
        "a₁[3]",
        "z₂[0]",
        "a₂[0]",
        "C",
    ]
    z12 = graph.nodes[labels.index("z₁[2]")]
    assert z12.value == format_number(book.layers[0].z[0, 2])
    assert z12.grad == format_number(book.layers[0].delta[0, 2])
    assert len(graph.edges) == 3 * 4 + 4 + 4 + 1 + 1
    root = parse(graph.svg())
    assert len(with_class(root, "node")) == 14
    assert len(list(root.iter(f"{SVG}path"))) >= len(graph.edges)


def test_the_layer_graph_is_the_engines_record(book):
    graph = graph_of(book, "layer")
    assert [n.title for n in graph.nodes] == [node.label for node in book.graph.nodes]
    assert {n.title: n.column for n in graph.nodes} == {
        "x": 0,
        "W₁": 0,
        "z₁": 1,
        "a₁": 2,
        "W₂": 2,
        "z₂": 3,
        "a₂": 4,
        "C": 5,
    }
    assert {(e.source, e.target) for e in graph.edges} == {
        (str(p), str(n.key)) for n in book.graph.nodes for p in n.parents
    }
    root = parse(graph.svg())
    assert "affine(a₁, W₂)" in texts(root)
    assert not any(re.search(r"\d\.[Wb]\b", t) for t in texts(root))  # no engine names


def test_the_dot_export_needs_no_graphviz(book):
    dot = graph_of(book, "layer").dot()
    assert dot.startswith("digraph backprop {") and dot.rstrip().endswith("}")
    assert dot.count("->") == 7 and 'label="z₂\\naffine(a₁, W₂)\\nvalue' in dot


def test_the_chain_graph_shows_each_scalar_with_its_gradient():
    graph = graph_of(book_chain())
    assert graph.level == "scalar"
    by_title = {n.title: n for n in graph.nodes}
    assert by_title["w¹"].grad == "-3" and by_title["o"].value == "-1.4000"
    parse(graph.svg())


def test_unknown_layers_get_the_generic_graph_with_a_note():
    class Doubler(cr.Module):
        def forward(self, x):
            return x * 2

    net = cr.Sequential(cr.Dense(2, 2, dtype="float64", rng=1), Doubler(), cr.Sigmoid())
    graph = graph_of(trace(net, [0.5, 1.0], [0.0, 1.0]))
    assert graph.level == "generic" and "Doubler" in graph.note
    root = parse(graph.svg())
    assert any(t and t.startswith("note: the trace reads") for t in texts(root))
    ops = [n.detail.split("(")[0] for n in graph.nodes]
    assert ops.count("affine") == 1 and "mul" in ops and "sigmoid" in ops


def test_graph_options_are_checked(book):
    with pytest.raises(cr.ConfigError, match="unknown graph level"):
        graph_of(book, "molecule")
    rng = np.random.default_rng(0)
    wide = trace(
        cr.Sequential(cr.Dense(40, 40, dtype="float64", rng=rng)), np.zeros(40), np.zeros(40)
    )
    assert graph_of(wide).level == "layer"
    with pytest.raises(cr.ConfigError, match="use --level layer"):
        graph_of(wide, "scalar")


def test_the_scalar_graph_says_its_unit_indices_count_from_0(book):
    root = parse(graph_of(book, "scalar").svg())
    assert any("unit indices [i] count from 0" in t for t in texts(root))
    assert "x[0]" in texts(root)


def test_the_units_label_stands_clear_of_the_top_unit(book):
    """ "4 units" (10.5 px text centred on its y) ends above the top unit's δ ring."""
    root = parse(network_svg(book))
    label = next(e for e in root.iter(f"{SVG}text") if e.text == "4 units")
    rings = [e for e in with_class(root, "delta") if e.get("cx") == label.get("x")]
    ring_top = min(
        float(e.get("cy")) - float(e.get("r")) - float(e.get("stroke-width")) / 2 for e in rings
    )
    assert float(label.get("y")) + 10.5 / 2 + 4 <= ring_top


@pytest.mark.parametrize("level", ["layer", "scalar"])
def test_the_graph_fits_900_px(book, level):
    """Too many columns for 900 px: the graph runs down the page instead."""
    root = parse(graph_of(book, level).svg())
    assert float(root.get("width")) <= 900
    nodes = with_class(root, "node")
    if level == "layer":  # x and W₁ side by side at the top, C alone at the bottom
        assert len(nodes) == 8
        tops = sorted({float(e.get("y")) for e in nodes})
        assert len(tops) == 6


def test_a_graph_of_few_columns_still_runs_across():
    w = cr.Tensor(3.0, requires_grad=True, dtype="float64", name="w")
    y = w * w + w
    from chainrule.explain import record_backward

    root = parse(graph_of(record_backward(y, {id(y): "y"})).svg())
    nodes = with_class(root, "node")
    assert len({float(e.get("x")) for e in nodes}) == 3  # w, w·w, y side by side
    assert float(root.get("width")) <= 900
