"""The pictures of a run: what each figure holds (title, lines, colour bars, ticks), looked at
on the matplotlib objects before they are saved, and the files ``chainrule train`` writes."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import matplotlib.pyplot as plt  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule.train.callbacks import TrainingAccuracy  # noqa: E402
from chainrule.train.evaluation import evaluate  # noqa: E402
from chainrule.train.plots import history_figure, network_label, run_title  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _history(epochs: int) -> list[dict]:
    return [{"epoch": e, "loss": 1 / e, "val_loss": 1.2 / e, "accuracy": 1 - 0.5 / e,
             "val_accuracy": 1 - 0.6 / e, "lr": 1e-3, "seconds": 0.1}
            for e in range(1, epochs + 1)]


def _tick_values(axis) -> list[float]:
    low, high = axis.get_xlim()
    return [t for t in axis.get_xticks() if low <= t <= high]


def test_training_curves_have_a_title_both_curves_and_whole_epoch_ticks():
    figure = history_figure(_history(3), "digits · 64–128–10 relu · test accuracy 95.6%")
    assert figure._suptitle.get_text() == "digits · 64–128–10 relu · test accuracy 95.6%"
    loss, accuracy = figure.axes
    assert len(loss.get_lines()) == 2 and len(accuracy.get_lines()) == 2
    assert [t.get_text() for t in accuracy.get_legend().get_texts()] == ["training",
                                                                          "validation"]
    np.testing.assert_allclose(accuracy.get_lines()[0].get_ydata(), [50, 75, 100 - 50 / 3])
    for axis in (loss, accuracy):
        ticks = _tick_values(axis)
        assert ticks and all(t == int(t) for t in ticks), ticks
        assert axis.get_xlabel() == "epoch" and axis.get_ylabel()
    assert accuracy.get_ylabel() == "accuracy (%)"


def test_without_class_labels_only_the_loss_is_drawn():
    history = [{"epoch": e, "loss": 1 / e, "val_loss": 1 / e} for e in (1, 2)]
    figure = history_figure(history)
    assert len(figure.axes) == 1 and len(figure.axes[0].get_lines()) == 2
    assert figure._suptitle is None


def test_the_title_names_data_network_and_test_result():
    net = cr.nn.mlp([64, 128, 10], "relu", "identity")
    assert network_label(net) == "64–128–10 relu"
    assert run_title("digits", network_label(net), {"accuracy": 0.95556, "loss": 0.2}) == \
        "digits · 64–128–10 relu · test accuracy 95.6%"
    assert run_title("reg.csv", "3–1", {"loss": 0.012345}) == "reg.csv · 3–1 · test loss 0.01235"
    assert network_label(cr.nn.mlp([2, 4, 4, 1], "tanh", "sigmoid")) == "2–4–4–1 tanh"


def test_training_accuracy_is_one_evaluation_pass_after_each_epoch():
    data = cr.data.load_dataset("circles", seed=0)[0]
    net = cr.nn.mlp([2, 8, 2], "relu", "identity", rng=np.random.default_rng(0))
    probe = TrainingAccuracy(data)
    trainer = cr.Trainer(net, "ce", "adam", lr=0.01, callbacks=[probe], verbose=False)
    trainer.fit(data, epochs=2)
    assert [set(row) >= {"accuracy"} for row in trainer.history] == [True, True]
    expected = evaluate(net, trainer.cost, trainer.prepare(data))["accuracy"]
    assert trainer.history[-1]["accuracy"] == expected


def test_train_writes_the_pictures_and_the_training_accuracy(tmp_path):
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "chainrule", "train", "--data", "circles",
                           "--epochs", "3", "--hidden", "8", "--quiet", "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    for row in metrics["history"]:
        assert 0 <= row["accuracy"] <= 1 and 0 <= row["val_accuracy"] <= 1
    for name in ("training.png", "gradients.png", "histograms.png", "confusion.png"):
        assert (out / name).read_bytes()[:8] == PNG, name
