"""A playground run: reproducible, trained by the compiled step, and its frames showing the
numbers the step and the explain trace compute."""

import base64
import copy
import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ConfigError
from chainrule.fast import make_train_step
from chainrule.playground.network import batch_rng, make_optimizer
from chainrule.playground.run import PlaygroundRun
from chainrule.playground.settings import read_settings


def run_of(**query):
    return PlaygroundRun(read_settings({k: str(v) for k, v in query.items()}))


def test_the_usual_settings_train_with_the_compiled_step():
    for query in ({}, {"optimizer": "adam", "cost": "mse"}, {"layers": "", "activation": "relu"}):
        assert run_of(**query).train_step.kind == "compiled", query


def test_dropout_trains_with_the_tape_step():
    run = run_of(dropout=0.2)
    assert run.train_step.kind == "tape"
    assert run.train(max_steps=20, seconds=60) == 20
    assert np.isfinite(run.history[-1][2])


def test_same_settings_give_identical_frames():
    query = {"data": "spirals", "noise": 10, "layers": "6,3", "optimizer": "momentum"}
    frames = []
    for _ in range(2):
        run = run_of(**query)
        run.train(max_steps=137, seconds=1e9)
        run.probe(3, "test")
        frames.append(json.dumps(run.frame()))
    assert frames[0] == frames[1]
    other = run_of(**query, seed=1)
    other.train(max_steps=137, seconds=1e9)
    other.probe(3, "test")
    assert json.dumps(other.frame()) != frames[0]


def test_circles_with_the_default_settings_learns():
    run = run_of()
    first = run.frame()["loss"]["test"]
    assert run.train(max_steps=2000, seconds=1e9) == 2000
    frame = run.frame()
    # measured: 0.693 at the start, 0.052 after 2000 steps (80 epochs)
    assert first > 0.6
    assert frame["loss"]["test"] < 0.1
    assert frame["accuracy"]["test"] > 0.95
    assert frame["step"] == 2000 and frame["epoch"] == pytest.approx(80.0)
    assert frame["stopped"] is None


def test_history_rows_and_their_offset():
    run = run_of()
    run.train(max_steps=50, seconds=1e9)  # 25 steps an epoch: a row every 5 steps
    rows = run.frame()["history"]["rows"]
    assert [r[0] for r in rows] == list(range(0, 51, 5))
    assert rows[2][1] == pytest.approx(0.4)
    later = run.frame(history_from=9)["history"]
    assert later["from"] == 9 and [r[0] for r in later["rows"]] == [45, 50]


def test_stop_after_epochs_and_at_a_target_loss():
    run = run_of(epochs=3)
    assert run.train(max_steps=1000, seconds=1e9) == 75
    assert run.stopped == "reached 3 epochs" and run.epoch == 3.0
    assert run.train(max_steps=10) == 0
    run.step()
    assert run.steps == 75
    run = run_of(target=0.3)
    run.train(max_steps=5000, seconds=1e9)
    assert run.stopped.startswith("test loss ") and run.stopped.endswith("≤ 0.3")
    assert run.history[-1][3] <= 0.3 < run.history[-2][3]


def test_frame_fields_and_pictures():
    run = run_of(data="blobs", classes=4, layers="5,3")
    run.train(max_steps=40, seconds=1e9)
    frame = run.frame()
    b = frame["boundary"]
    assert b["size"] == 80 and b["classes"] == 4 and b["extent"][:2] == [-6.0, 6.0]
    classes = np.frombuffer(base64.b64decode(b["class"]), np.uint8)
    assert classes.size == 80 * 80 and set(classes) <= {0, 1, 2, 3}
    confidence = np.frombuffer(base64.b64decode(b["confidence"]), np.uint8)
    assert confidence.size == 6400 and confidence.min() >= 255 // 4  # max of 4 probabilities
    assert [len(u["images"]) for u in frame["units"]] == [5, 3]
    assert frame["units"][0]["range"] == [-1.0, 1.0]
    image = np.frombuffer(base64.b64decode(frame["units"][0]["images"][0]), np.uint8)
    assert image.size == 32 * 32 and image.max() > image.min()
    assert [np.shape(layer["W"]) for layer in frame["layers"]] == [(5, 2), (3, 5), (4, 3)]
    assert frame["probe"]["predicted"] in range(4)
    assert sum(frame["probe"]["probabilities"]) == pytest.approx(1.0)


def test_unit_thumbnail_bytes_are_the_activations():
    run = run_of(layers="3", activation="relu")
    run.train(max_steps=10, seconds=1e9)
    unit = run.frame()["units"][0]
    lo, hi = unit["range"]
    # the first cell of the grid is the top-left corner (x_min, y_max)
    dense = run.dense[0]
    corner = np.array([-6.0, 6.0], np.float32)
    a = np.maximum(dense.W.data @ corner + dense.b.data, 0)
    for j in range(3):
        first = np.frombuffer(base64.b64decode(unit["images"][j]), np.uint8)[0]
        assert first == round(255 * (min(max(a[j], lo), hi) - lo) / (hi - lo))


def test_the_largest_network_frame_stays_small():
    run = run_of(
        data="blobs",
        classes=5,
        layers="16,16,16,16,16,16",
        features="x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2",
        activation="relu",
    )
    run.train(max_steps=5, seconds=1e9)
    frame = run.frame()
    assert [u["size"] for u in frame["units"]] == [24] * 6  # 96 hidden units: smaller
    size = len(json.dumps(frame))
    assert size < 300_000, size  # measured 132 KB


def test_the_largest_frame_with_a_full_history_stays_small():
    run = run_of(data="blobs", classes=5, points=20, layers="16,16,16,16,16,16", activation="relu")
    run.train(max_steps=1200, seconds=1e9)  # a row every step: 1000 rows in the frame
    frame = run.frame()
    assert len(frame["history"]["rows"]) == 1000
    assert len(json.dumps(frame)) < 300_000  # measured 182 KB with all seven features


def test_numbers_are_written_short_and_exact_in_float32():
    run = run_of()
    run.train(max_steps=3, seconds=1e9)
    layer = run.frame()["layers"][0]
    assert np.array_equal(np.float32(layer["W"]), run.dense[0].W.data)
    assert max(len(repr(v)) for row in layer["W"] for v in row) <= 15


def test_the_frame_shows_the_trace_of_the_probe_example():
    run = run_of(layers="4,3", data="moons", noise=20)
    run.train(max_steps=30, seconds=1e9)
    run.probe(7, "test")
    frame = run.frame()
    x, label = run.test_data.X[7], run.test_data.T[7]
    reference = cr.trace(run.net, x, label, cr.costs.CrossEntropy(reduction="mean"))
    for layer, record in zip(frame["layers"], reference.layers, strict=True):
        np.testing.assert_allclose(layer["a"], record.a[0], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(layer["delta"], record.delta[0], rtol=1e-6, atol=1e-7)
    assert frame["probe"]["index"] == 7 and frame["probe"]["split"] == "test"
    assert frame["probe"]["y"] == int(run.dataset.y_test[7])
    np.testing.assert_allclose(frame["probe"]["x"], run.dataset.raw_test[7])
    np.testing.assert_allclose(frame["probe"]["output"], reference.output[0], rtol=1e-6)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_dW_is_the_gradient_the_step_computed(optimizer):
    run = run_of(layers="4,2", optimizer=optimizer, l2=0.01, batch=7)
    for layer in run.frame()["layers"]:
        assert not np.any(layer["dW"]) and not np.any(layer["db"])
    run.train(max_steps=3, seconds=1e9)
    twin = copy.deepcopy(run.net)
    tape = make_train_step(
        twin, run.cost, make_optimizer(run.settings, twin.parameters()), compiled=False
    )
    order = iter(cr.data.Batches(len(run.train_data), 7, batch_rng(run.settings)))
    for _ in range(4):
        idx = next(order)
    run.step()
    tape(run.train_data.X[idx], run.train_data.T[idx])
    frame = run.frame()
    twin_dense = [m for m in twin.layers if isinstance(m, cr.nn.Dense)]
    for layer, dense in zip(frame["layers"], twin_dense, strict=True):
        np.testing.assert_allclose(layer["dW"], dense.W.grad, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(layer["db"], dense.b.grad, rtol=1e-5, atol=1e-7)


def test_probe_refuses_examples_that_are_not_there():
    run = run_of()
    with pytest.raises(ConfigError, match="the test set has examples 0 to 249, received index 250"):
        run.probe(250, "test")
    with pytest.raises(ConfigError, match="split must be train or test, received 'val'"):
        run.probe(0, "val")
    with pytest.raises(ConfigError, match="whole number, received '3'"):
        run.probe("3")


def test_a_loss_that_is_not_finite_stops_the_run_and_frames_carry_no_nan():
    run = run_of(lr=10, activation="identity", layers="8,8")
    run.train(max_steps=500, seconds=1e9)
    assert run.stopped is not None and "the loss is not finite" in run.stopped
    assert "lower the learning rate, now 10" in run.stopped
    taken = run.steps
    assert run.train(max_steps=10) == 0 and run.steps == taken
    text = json.dumps(run.frame(), allow_nan=False)  # raises on NaN or inf
    assert json.loads(text)["stopped"] == run.stopped


def test_data_message_holds_raw_points():
    run = run_of(points=100, test=0.3, features="x1sq,x2sq")
    data = run.data()
    assert data["kind"] == "plane" and data["task"] == "classification"
    assert data["classes"] == ["inner", "outer"]
    assert data["features"] == ["x1sq", "x2sq"] and data["inputs"] == ["x1", "x2"]
    assert len(data["train"]["x"]) == 70 and len(data["test"]["x"]) == 30
    x = np.array(data["train"]["x"])
    np.testing.assert_allclose(x**2, run.train_data.X, rtol=1e-5)
    radii = np.hypot(x[:, 0], x[:, 1])
    labels = np.array(data["train"]["y"])
    np.testing.assert_allclose(radii[labels == 1], 5.0, rtol=1e-5)
    np.testing.assert_allclose(radii[labels == 0], 2.5, rtol=1e-5)


def test_a_long_history_grows_slowly_and_comes_in_parts():
    run = run_of(points=20, batch=10)  # 10 train points: an epoch is one step, a row a step
    assert run.measure_every == 1
    run.train(max_steps=3500, seconds=1e9)
    steps = [row[0] for row in run.history]
    # rows at steps 0…999, then every 2 steps to 2998, then every 4 to 3500
    assert steps == [*range(1000), *range(1000, 3000, 2), *range(3000, 3501, 4)]
    assert run.measure_every == 4
    first = run.frame()["history"]
    assert first["from"] == 0 and [r[0] for r in first["rows"]] == steps[:1000]
    second = run.frame(history_from=2000)["history"]
    assert second["from"] == 2000 and [r[0] for r in second["rows"]] == steps[2000:]
    assert run.frame(history_from=99999)["history"] == {"from": len(steps), "rows": []}


def test_a_batch_larger_than_the_training_set_is_the_whole_set():
    run = run_of(points=20, test=0.5, batch=500, epochs=7)
    assert run.batch == 10
    assert run.train(max_steps=100, seconds=1e9) == 7
    assert run.epoch == 7.0 and run.stopped == "reached 7 epochs"


def test_the_same_settings_give_the_same_frame_in_another_process():
    import hashlib
    import subprocess
    import sys

    script = (
        "import hashlib, json\n"
        "from chainrule.playground import PlaygroundRun, read_settings\n"
        "run = PlaygroundRun(read_settings({'data': 'moons', 'noise': '15', 'layers': '5,3'}))\n"
        "run.train(max_steps=150, seconds=1e9)\n"
        "print(hashlib.sha256(json.dumps(run.frame()).encode()).hexdigest())\n"
    )
    there = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    ).stdout.strip()
    run = run_of(data="moons", noise=15, layers="5,3")
    run.train(max_steps=150, seconds=1e9)
    assert there == hashlib.sha256(json.dumps(run.frame()).encode()).hexdigest()


def test_two_runs_on_two_threads_do_not_flip_each_others_engine_switches():
    import threading

    from chainrule.autodiff.mode import state

    # with process-wide engine switches, a frame's trace found recording switched off by the
    # other run's optimizer step ("backward() on a tensor that does not require grad")
    framed = run_of(layers="8,8")
    dropped = run_of(layers="8,8", dropout=0.2)  # the tape step: records, then no_grad
    errors = []

    def loop(work):
        try:
            for _ in range(150):
                work()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=loop, args=(lambda: framed.frame(10**9) and framed.step(),)),
        threading.Thread(target=loop, args=(lambda: dropped.train(max_steps=20, seconds=1e9),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert state.grad_enabled and state.anomaly_depth == 0
    assert dropped.steps == 3000 and framed.steps == 150
