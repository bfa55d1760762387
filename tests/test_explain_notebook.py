"""Notebook display: networks, traces, graphs, views, animations and equations answer
IPython's ``_repr_*_`` calls with SVG / HTML that parse."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from html_tools import parse_html

import chainrule as cr
from chainrule.demo.book import X, Y, book_network
from chainrule.explain import (
    backward_animation,
    chain_paths,
    graph_of,
    jacobian_view,
    trace,
    weight_paths,
)
from chainrule.explain.document.expr import S, eq


def test_a_network_draws_itself():
    net = book_network()
    ET.fromstring(net._repr_svg_())
    bundle = net._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/svg+xml", "text/html"}
    assert bundle["text/plain"] == repr(net)
    parse_html(net._repr_html_())
    assert "Dense(3→4, no bias)" in net._repr_html_()


def test_a_layer_without_weights_falls_back_to_text():
    layer = cr.Sigmoid()
    assert layer._repr_svg_() is None and layer._repr_html_() is None
    assert layer._repr_mimebundle_() == {"text/plain": "Sigmoid"}


def test_a_trace_shows_its_steps_and_picture():
    t = trace(book_network(), X[0], Y[0])
    html = t._repr_html_()
    root = parse_html(html)
    assert len(list(root.iter("math"))) > 20 and len(list(root.iter("svg"))) == 1
    assert "Step 3" in root.all_text()
    assert repr(t).startswith("<Trace of Sequential(3→4→1)") and "all checks pass" in repr(t)
    assert "Step 1 · the error at the output layer" in t.text()


def test_graphs_views_animations_and_equations_display():
    t = trace(book_network(), X[0], Y[0])
    graph = graph_of(t)
    ET.fromstring(graph._repr_svg_())
    assert set(graph._repr_mimebundle_()) == {"image/svg+xml", "text/html", "text/plain"}
    for view in (weight_paths(t), jacobian_view(t), chain_paths()):
        parse_html(view._repr_html_())
        assert view._repr_mimebundle_()["text/plain"] == repr(view)
    parse_html(backward_animation(t)._repr_html_())
    assert "<math" in eq(S("δ", 1), 0.5)._repr_html_()
