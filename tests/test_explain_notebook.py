"""Notebook display: networks, traces, graphs, views, animations and equations answer
IPython's ``_repr_*_`` calls with SVG / HTML that parse."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
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
from chainrule.explain.show.notebook import module_html, module_svg


class _Formatter:
    """What chainrule uses of an IPython display formatter."""

    def __init__(self):
        self.by_name = {}

    def for_type_by_name(self, module, name, function):
        self.by_name[(module, name)] = function


def _shell():
    formatters = {"text/html": _Formatter(), "image/svg+xml": _Formatter()}
    return SimpleNamespace(display_formatter=SimpleNamespace(formatters=formatters))


def test_a_network_draws_itself_through_the_notebook_formatters():
    """nn knows nothing of explain: chainrule hands IPython's formatters two functions, found by
    the Module class's dotted name (so every layer and network), that draw with explain."""
    shell = _shell()
    assert cr._register_notebook_display(shell) is True
    key = (cr.Module.__module__, cr.Module.__name__)
    assert key == ("chainrule.nn.module", "Module")
    formatters = shell.display_formatter.formatters
    svg_of, html_of = formatters["image/svg+xml"].by_name[key], formatters["text/html"].by_name[key]
    net = book_network()
    ET.fromstring(svg_of(net))
    parse_html(html_of(net))
    assert "Dense(3→4, no bias)" in html_of(net)


def test_a_layer_without_weights_falls_back_to_text():
    layer = cr.Sigmoid()
    assert module_svg(layer) is None and module_html(layer) is None
    assert not hasattr(layer, "_repr_svg_") and not hasattr(layer, "_repr_html_")


def test_without_ipython_nothing_is_registered():
    assert cr._register_notebook_display() is ("IPython" in sys.modules)


def test_a_real_ipython_shell_draws_a_network():
    pytest.importorskip("IPython", reason="IPython is not installed")
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    cr._register_notebook_display(shell)
    data, _ = shell.display_formatter.format(book_network())
    assert {"text/plain", "text/html", "image/svg+xml"} <= set(data)
    ET.fromstring(data["image/svg+xml"])
    data, _ = shell.display_formatter.format(cr.Sigmoid())
    assert set(data) == {"text/plain"}


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
