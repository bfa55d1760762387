"""The backprop view: δ from the output back, its MathML holding the numbers of cr.trace on
the run's weights, the explain document and a weight's paths of influence."""

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ConfigError
from chainrule.playground.run import PlaygroundRun
from chainrule.playground.settings import read_settings


def run_of(**query):
    return PlaygroundRun(read_settings({k: str(v) for k, v in query.items()}))


def last_column(mathml: str) -> list[str]:
    """The numbers of the last matrix of an equation (its right-hand side), as printed."""
    tail = mathml.rsplit("<mo>=</mo>", 1)[1]
    return re.findall(r"<mn>([^<]+)</mn>", tail)


def assert_printed(printed: list[str], values) -> None:
    """Each printed number is the value to the digits printed (half a unit of the last)."""
    assert len(printed) == len(values)
    for text, value in zip(printed, values, strict=True):
        mantissa = text.split("e")[0]
        digits = len(mantissa.split(".")[1]) if "." in mantissa else 0
        scale = 10.0 ** int(text.split("e")[1]) if "e" in text else 1.0
        assert abs(float(text) - value) <= 0.5 * 10.0**-digits * scale * (1 + 1e-6), (text, value)


@pytest.mark.parametrize(
    "query",
    [
        {"layers": "4,3", "data": "moons", "noise": 20},
        {"layers": "5", "cost": "mse", "activation": "sigmoid"},
        {"layers": "3,3", "activation": "relu", "data": "blobs", "classes": 4},
        {"data": "regression", "layers": "6"},
    ],
)
def test_deltas_and_their_mathml_are_the_trace_of_the_run(query):
    run = run_of(**query)
    run.train(max_steps=40, seconds=1e9)
    view = run.backprop(5, "test")
    x, target = run.test_data.X[5], run.test_data.T[5]
    reference = cr.trace(run.net, x, target, run.cost)
    L = len(reference.layers)
    assert [s["layer"] for s in view["steps"]] == list(range(L, 0, -1))
    for step in view["steps"]:
        record = reference.layer(step["layer"])
        np.testing.assert_allclose(step["delta"], record.delta[0], rtol=1e-6, atol=1e-8)
        np.testing.assert_array_equal(np.float32(step["W"]), record.W)
        np.testing.assert_allclose(step["dW"], record.dW, rtol=1e-6, atol=1e-8)
        assert step["mathml"].startswith("<math") and "<mi>δ</mi>" in step["mathml"]
        assert step["mathml"] == step["equations"][-1]
        assert_printed(last_column(step["mathml"]), record.delta[0])
    assert view["index"] == 5 and view["split"] == "test" and view["step"] == 40
    np.testing.assert_allclose(view["x"], x)
    assert 'class="chainrule"' in view["html"] and "Step 2" in view["html"]
    assert view["weight"] is None and view["paths"] is None


def test_the_dW_of_the_example_is_delta_times_the_activation_below():
    run = run_of(layers="4,2")
    run.train(max_steps=10, seconds=1e9)
    view = run.backprop(0)
    frame_a = [layer["a"] for layer in run.frame()["layers"]]
    below = [list(run.train_data.X[0]), *frame_a[:-1]]
    for step in view["steps"]:
        l = step["layer"]
        np.testing.assert_allclose(
            step["dW"], np.outer(step["delta"], below[l - 1]), rtol=1e-5, atol=1e-8
        )


def test_a_weights_paths_of_influence():
    run = run_of(layers="4,2")
    run.train(max_steps=10, seconds=1e9)
    view = run.backprop(2, weight="W1[1,0]")
    assert view["weight"] == "W1[1,0]"
    paths = view["paths"]
    assert "W1[1,0]" in paths or "w" in paths
    # the weight reaches C through the two units of layer 2 and the two outputs: 4 paths
    reference = cr.explain.weight_paths(
        cr.trace(run.net, run.train_data.X[2], run.train_data.T[2], run.cost), "W1[1,0]"
    )
    assert len(reference.paths) == 4
    assert f"{reference.total:.4g}" in paths or f"{reference.total:.4f}".rstrip("0") in paths
    np.testing.assert_allclose(reference.total, view["steps"][-1]["dW"][1][0], rtol=1e-5)


def test_refusals():
    run = run_of()
    with pytest.raises(ConfigError, match="outside layer 1's W, of shape"):
        run.backprop(0, weight="W1[9,0]")
    with pytest.raises(ConfigError, match="cannot read the weight"):
        run.backprop(0, weight="nonsense")
    with pytest.raises(ConfigError, match="the train set has examples 0 to 249"):
        run.backprop(250)
    broken = run_of(lr=10, activation="identity", layers="8,8")
    broken.train(max_steps=100, seconds=1e9)
    with pytest.raises(ConfigError, match="the weights are not finite"):
        broken.backprop(0)


def test_dropout_networks_are_traced_without_dropout():
    run = run_of(dropout=0.5, layers="4")
    run.train(max_steps=10, seconds=1e9)
    view = run.backprop(0)
    assert [s["layer"] for s in view["steps"]] == [2, 1]


def test_too_many_paths_is_said_not_raised():
    run = run_of(layers="16,16,16,16,16,16", data="blobs", classes=5, activation="relu")
    run.train(max_steps=5, seconds=1e9)
    view = run.backprop(0, weight="W3[2,4]")
    assert view["paths"] is None
    assert "reaches the cost along 20480 paths" in view["paths_error"]
    assert len(view["steps"]) == 7 and view["html"].startswith('<div class="chainrule">')
    # the step-through picture of this network would take 1.3 MB: a note says how to draw it
    assert "the step-through of the δ flowing back is left out here" in view["html"]
    assert len(view["html"]) < 600_000  # measured 352 KB


def test_a_small_network_keeps_the_step_through():
    view = run_of().backprop(0)
    assert "left out here" not in view["html"] and "Pictures: the δ flowing back" in view["html"]


def test_refusals_name_their_field():
    run = run_of()
    for call, field in (
        (lambda: run.backprop(0, weight="W9[0,0]"), "weight"),
        (lambda: run.backprop(0, "val"), "split"),
        (lambda: run.probe(10**6), "index"),
    ):
        with pytest.raises(ConfigError) as caught:
            call()
        assert caught.value.field == field
    with pytest.raises(ConfigError) as caught:
        PlaygroundRun(read_settings({"data": "upload"}))
    assert caught.value.field == "data"
