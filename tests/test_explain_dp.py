"""Dynamic programming, measured: the counters equal the closed forms; every method gives
backprop's gradients (and the engine's); backprop is linear in depth, recomputing quadratic."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.explain import compare, expected_macs, render_markdown, render_text
from chainrule.explain.measurements.dynamic_programming import METHODS, RUNNERS, MacCounter, Problem


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("depth, width", [(1, 1), (1, 3), (2, 2), (3, 4), (5, 2)])
def test_the_counters_equal_the_closed_forms(method, depth, width):
    counter = MacCounter()
    RUNNERS[method](Problem.random(depth, width, seed=1), counter)
    assert counter.count == expected_macs(method, depth, width)


def test_backprop_here_equals_the_engine():
    problem = Problem.random(3, 4, seed=5)
    grads = RUNNERS["backprop"](problem, MacCounter())
    layers = []
    for W in problem.weights:
        dense = cr.Dense(4, 4, bias=False, dtype="float64")
        dense.W.data[...] = W
        layers += [dense, cr.Sigmoid()]
    net = cr.Sequential(*layers)
    cr.MSE()(net(problem.x[np.newaxis]), problem.y[np.newaxis]).backward()
    for g, dense in zip(grads, layers[::2], strict=True):
        np.testing.assert_allclose(g, dense.W.grad, rtol=1e-12)


def test_every_method_gives_the_same_gradients():
    problem = Problem.random(3, 3, seed=2)
    reference = RUNNERS["backprop"](problem, MacCounter())
    for method in METHODS[1:]:
        grads = RUNNERS[method](problem, MacCounter())
        tol = 1e-7 if method == "finite differences" else 1e-13
        for g, r in zip(grads, reference, strict=True):
            np.testing.assert_allclose(g, r, rtol=tol, atol=tol)


def test_backprop_is_linear_in_depth_and_recomputing_quadratic():
    n = 8
    bp = [expected_macs("backprop", d, n) for d in (16, 32, 64)]
    naive = [expected_macs("recompute each chain", d, n) for d in (16, 32, 64)]
    assert 1.9 < bp[1] / bp[0] < 2.1 and 1.9 < bp[2] / bp[1] < 2.1
    assert 3.5 < naive[1] / naive[0] < 4.1 and 3.7 < naive[2] / naive[1] < 4.1
    # finite differences: two passes per weight, ~ D² n⁴
    assert expected_macs("finite differences", 4, 8) == 2 * 4 * 64 * (4 * 64 + 8)


@pytest.mark.slow
def test_the_table_measures_both_sweeps_and_prints_them(tmp_path):
    table = compare(depths=(1, 2, 4), widths=(2, 4), fixed_width=3, fixed_depth=2)
    assert len(table.depth_sweep) == 3 * 4 and len(table.width_sweep) == 2 * 4
    for m in table.depth_sweep + table.width_sweep:
        assert m.macs == expected_macs(m.method, m.depth, m.width)
        assert m.seconds > 0
        assert m.max_error < (1e-6 if m.method == "finite differences" else 1e-12)
    text = render_text(table.document())
    assert "Multiply-adds as the depth grows" in text and "recompute" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "| depth | weights | backprop |" in render_markdown(table.document())
    assert table.to_json()["depth_sweep"][0]["method"] == "backprop"
    png = table.plot(tmp_path / "dp.png")
    assert (tmp_path / "dp.png").stat().st_size > 10_000 and png == tmp_path / "dp.png"
    svg = table.plot()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")


def test_each_ratio_is_labelled_and_stands_by_its_own_table():
    """The count ratios follow the multiply-add table, the time ratios the time table."""
    from chainrule.explain.measurements.dynamic_programming import Measurement, dp_document

    sweep = [
        Measurement(method, depth, 8, expected_macs(method, depth, 8), seconds, 0.0)
        for depth, scale in ((2, 1.0), (4, 3.0))
        for method, seconds in zip(METHODS, (1e-5, 2e-5, 1e-3, 4e-4), strict=True)
        for seconds in [seconds * scale]
    ]
    table = cr.explain.DPTable(depth_sweep=sweep, fixed_width=8)
    text = render_text(dp_document(table), width=200)
    counts = expected_macs("backprop", 4, 8) / expected_macs("backprop", 2, 8)
    count_line = f"· multiply-add count ratio, depth 2 → 4 (×2): backprop ×{counts:.2f},"
    time_line = (
        "· measured time ratio, depth 2 → 4 (×2): backprop ×3.00, recompute each chain ×3.00"
    )
    assert count_line in text and time_line in text
    count_table, time_table = text.index("count ratio\n"), text.index("time ratio\n")
    assert count_table < text.index(count_line) < time_table < text.index(time_line)
    # the time table's own ratio column: recompute's time ÷ backprop's (2e-5 / 1e-5)
    assert text.splitlines()[text[:time_table].count("\n") + 2].rstrip().endswith("2.00")
