"""The share of saturated σ/tanh units and dead ReLUs per hidden layer: exact on constructed
networks, recorded per epoch by ``chainrule train`` (with or without pictures)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.train.saturation import (
    DEFINITIONS,
    PROBE_EXAMPLES,
    SaturationMonitor,
    hidden_layers,
    measure,
    probe_rows,
    saturated_share,
)


def _net(sizes, activation, seed=0, output="identity"):
    return cr.nn.mlp(sizes, activation, output, dtype="float64", rng=np.random.default_rng(seed))


def _dense(net):
    return [layer for layer in net.layers if hasattr(layer, "in_features")]


@pytest.fixture
def X(rng):
    return rng.normal(size=(256, 20))


def test_the_hidden_layers_are_numbered_as_in_the_book():
    net = _net([20, 8, 6, 3], "tanh", output="sigmoid")
    found = hidden_layers(net)
    assert [(h.number, h.activation, h.units) for h in found] == [(1, "tanh", 8), (2, "tanh", 6)]
    assert hidden_layers(_net([20, 8, 3], "identity")) == []  # nothing can saturate
    assert hidden_layers(_net([20, 3], "sigmoid")) == []  # only an output layer


def test_huge_sigmoid_weights_saturate_every_unit(X):
    net = _net([20, 50, 50, 2], "sigmoid")
    for dense in _dense(net):
        dense.W.data *= 1000
    shares = measure(net, X)
    assert set(shares) == {"1", "2"}
    assert shares["1"] > 0.99 and shares["2"] > 0.99


def test_a_fresh_small_network_saturates_nothing(X):
    for activation in ("sigmoid", "tanh", "relu"):
        shares = measure(_net([20, 32, 32, 2], activation), X)
        assert set(shares) == {"1", "2"}
        assert all(share < 0.01 for share in shares.values()), (activation, shares)


def test_negative_biases_kill_every_relu_of_the_layer(X):
    net = _net([20, 16, 16, 2], "relu")
    first, second, _ = _dense(net)
    first.b.data[:] = -1e3
    second.b.data[:] = 0.5  # layer 2 sees only zeros, so each of its units outputs 0.5
    assert measure(net, X) == {"1": 1.0, "2": 0.0}
    first.b.data[:4] = 0.0  # four units live again (each is positive for some example)
    assert measure(net, X)["1"] == pytest.approx(12 / 16)


def test_the_shares_follow_the_definitions_exactly():
    a = np.array([[0.995, 0.5, 0.0099, 0.2], [0.5, 0.5, 0.5, 0.991]])
    assert saturated_share("sigmoid", a) == 3 / 8  # 0.995, 0.0099, 0.991 (|a-½| > 0.49)
    t = np.array([[-0.999, 0.98], [0.995, 0.0]])
    assert saturated_share("tanh", t) == 2 / 4
    r = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert saturated_share("relu", r) == 1 / 3  # only the first unit is zero for both rows
    with pytest.raises(ValueError, match="softmax"):
        saturated_share("softmax", a)
    assert "0.0099" in DEFINITIONS["sigmoid"] and "0.0199" in DEFINITIONS["tanh"]


def test_dropout_is_off_while_probing(X):
    net = _net([20, 32, 2], "relu")
    plain = measure(net, X)
    net.layers.insert(2, cr.nn.Dropout(0.9, rng=0))
    assert measure(net, X) == plain and net.training


def test_the_probe_batch_is_fixed_and_leaves_training_unchanged():
    rows = probe_rows(1000)
    assert len(rows) == PROBE_EXAMPLES and len(set(rows)) == PROBE_EXAMPLES
    np.testing.assert_array_equal(rows, probe_rows(1000))
    np.testing.assert_array_equal(probe_rows(40), np.arange(40))
    data = cr.data.load_dataset("circles", seed=0)[0]
    histories = []
    for callbacks in ([], [SaturationMonitor(data.X)]):
        net = _net([2, 8, 2], "tanh", seed=3)
        trainer = cr.Trainer(net, "ce", "adam", lr=0.01, callbacks=callbacks, verbose=False, seed=1)
        trainer.fit(data, epochs=2)
        histories.append([row["loss"] for row in trainer.history])
        if callbacks:
            assert [set(row["saturation"]) for row in trainer.history] == [{"1"}, {"1"}]
    assert histories[0] == histories[1]


@pytest.mark.slow
def test_train_records_the_saturation_per_layer_per_epoch_without_plots(tmp_path, rng):
    features = rng.normal(size=(600, 3))
    labels = (features.sum(axis=1) > 0).astype(int)
    csv = tmp_path / "blobs.csv"
    np.savetxt(
        csv,
        np.column_stack([features, labels]),
        delimiter=",",
        fmt="%.6g",
        header="a,b,c,label",
        comments="",
    )
    out = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "chainrule",
            "train",
            "--data",
            str(csv),
            "--hidden",
            "8,8",
            "--activation",
            "sigmoid",
            "--epochs",
            "3",
            "--quiet",
            "--no-plots",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["saturation"] == {
        "probe_examples": 256,
        "layers": {
            "1": {"activation": "sigmoid", "units": 8},
            "2": {"activation": "sigmoid", "units": 8},
        },
        "definitions": {"sigmoid": DEFINITIONS["sigmoid"]},
    }
    for row in metrics["history"]:
        assert set(row["saturation"]) == {"1", "2"}
        assert all(0 <= share <= 1 for share in row["saturation"].values())
    assert not list(out.glob("*.png"))


def test_the_measurements_leave_the_saved_callback_states_in_their_places(tmp_path):
    """A checkpoint keeps the callbacks' states by position: the gradient monitor's first,
    early stopping's second, as before the measurements were added."""
    from chainrule.train.callbacks import EarlyStopping
    from chainrule.train.monitor import GradientMonitor
    from chainrule.train.run import TrainingRun

    config = cr.train.TrainingConfig(data="circles", hidden=[4], epochs=3, patience=50)
    TrainingRun(config, tmp_path, verbose=False, plots=False).run()
    saved = cr.checkpoint.load_checkpoint(tmp_path / "checkpoint.npz").info["trainer"]
    assert "histograms" in saved["callbacks"][0] and "best" in saved["callbacks"][1]
    resumed = TrainingRun.resume(tmp_path, verbose=False, plots=False)
    monitor, early = resumed.trainer.callbacks[:2]
    assert isinstance(monitor, GradientMonitor) and isinstance(early, EarlyStopping)
    assert len(monitor.histograms) == 3
    assert (early.best, early.best_epoch) == (
        saved["callbacks"][1]["best"],
        saved["callbacks"][1]["best_epoch"],
    )
