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
    return [
        {
            "epoch": e,
            "loss": 1 / e,
            "val_loss": 1.2 / e,
            "accuracy": 1 - 0.5 / e,
            "val_accuracy": 1 - 0.6 / e,
            "lr": 1e-3,
            "seconds": 0.1,
        }
        for e in range(1, epochs + 1)
    ]


def _tick_values(axis) -> list[float]:
    low, high = axis.get_xlim()
    return [t for t in axis.get_xticks() if low <= t <= high]


def test_training_curves_have_a_title_both_curves_and_whole_epoch_ticks():
    figure = history_figure(_history(3), "digits · 64–128–10 relu · test accuracy 95.6%")
    assert figure._suptitle.get_text() == "digits · 64–128–10 relu · test accuracy 95.6%"
    loss, accuracy = figure.axes
    assert len(loss.get_lines()) == 2 and len(accuracy.get_lines()) == 2
    assert [t.get_text() for t in accuracy.get_legend().get_texts()] == ["training", "validation"]
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
    assert (
        run_title("digits", network_label(net), {"accuracy": 0.95556, "loss": 0.2})
        == "digits · 64–128–10 relu · test accuracy 95.6%"
    )
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


@pytest.mark.slow
def test_train_writes_the_pictures_and_the_training_accuracy(tmp_path):
    out = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "chainrule",
            "train",
            "--data",
            "circles",
            "--epochs",
            "3",
            "--hidden",
            "8",
            "--quiet",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    for row in metrics["history"]:
        assert 0 <= row["accuracy"] <= 1 and 0 <= row["val_accuracy"] <= 1
    assert set(metrics["history"][0]["saturation"]) == {"1"}
    for name in (
        "training.png",
        "gradients.png",
        "histograms.png",
        "confusion.png",
        "saturation.png",
    ):
        assert (out / name).read_bytes()[:8] == PNG, name


def _fake_histograms(epochs: int, rng) -> list[dict]:
    """Weights that stay put and gradients that shrink tenfold after the first epoch."""
    from chainrule.train.monitor import _histogram

    records = []
    for epoch in range(1, epochs + 1):
        spread = 1.0 if epoch == 1 else 0.1
        records.append(
            {
                "epoch": epoch,
                "weights": {
                    "0.W": _histogram(rng.normal(0, 0.3, (64, 32))),
                    "2.W": _histogram(rng.normal(0, 0.3, (32, 10))),
                },
                "gradients": {
                    "0.W": _histogram(rng.normal(0, spread, (64, 32))),
                    "2.W": _histogram(rng.normal(0, spread, (32, 10))),
                },
            }
        )
    return records


def test_a_histogram_covers_the_bulk_and_counts_the_extremes(rng):
    from chainrule.train.monitor import BINS, _histogram

    values = np.concatenate([rng.normal(0, 1, 9990), [1e6] * 5, [-1e6] * 5])
    h = _histogram(values)
    assert len(h["counts"]) == BINS and h["below"] + sum(h["counts"]) + h["above"] == 10000
    assert h["below"] >= 5 and h["above"] >= 5
    assert -4 < h["edges"][0] < -2 and 2 < h["edges"][-1] < 4  # not ±1e6
    assert _histogram(np.array([np.nan, np.inf]))["counts"] == [0]


def test_shared_bins_keep_every_epochs_share(rng):
    from chainrule.train.plots import shared_shares

    records = [h["gradients"]["0.W"] for h in _fake_histograms(3, rng)]
    edges, shares = shared_shares(records, bins=50)
    assert len(edges) == 51 and shares.shape == (3, 50)
    assert edges[0] == min(r["edges"][0] for r in records)
    assert edges[-1] == max(r["edges"][-1] for r in records)
    inside = [
        100 * sum(r["counts"]) / (sum(r["counts"]) + r["below"] + r["above"]) for r in records
    ]
    np.testing.assert_allclose(shares.sum(axis=1), inside)
    # the narrow epochs are not flattened: their peaks are taller than the wide first one's
    assert shares[1].max() > 3 * shares[0].max()


def test_histograms_have_labels_a_log_scale_and_an_epoch_colour_bar(rng):
    from chainrule.train.plots import HISTOGRAM_EPOCHS, histograms_figure

    figure = histograms_figure(_fake_histograms(30, rng))
    panels = [axis for axis in figure.axes if axis.get_label() != "<colorbar>"]
    bars = [axis for axis in figure.axes if axis.get_label() == "<colorbar>"]
    assert len(panels) == 4 and len(bars) == 1
    assert bars[0].get_ylabel() == "epoch"
    ticks = [t for t in bars[0].get_yticks() if 1 <= t <= 30]
    assert ticks and all(t == int(t) for t in ticks)
    for axis in panels:
        assert axis.get_yscale() == "log"
        assert axis.get_xlabel().startswith("entry of") and axis.get_ylabel()
        assert len(axis.get_lines()) == HISTOGRAM_EPOCHS  # 30 epochs, 12 drawn
    assert [a.get_title() for a in panels[:2]] == [
        "weights W₁",
        "gradient ∂C/∂W₁ (the epoch's last batch)",
    ]
    single = histograms_figure(_fake_histograms(1, rng))
    assert len(single.axes[0].get_lines()) == 1
    bar = single.axes[-1]
    low, high = bar.get_ylim()
    assert [t for t in bar.get_yticks() if low <= t <= high] == [1]


def test_the_confusion_matrix_has_the_accuracy_a_colour_bar_names_and_readable_counts():
    from chainrule.train.plots import confusion_figure

    counts = [[40, 3, 0], [2, 45, 1], [0, 0, 50]]
    figure = confusion_figure(counts, ["cat", "dog", "bird"], "pets.csv (test)")
    axis, bar = figure.axes
    assert axis.get_title() == "confusion matrix, pets.csv (test): accuracy 95.7% (135 of 141)"
    assert bar.get_ylabel() == "examples"
    assert [t.get_text() for t in axis.get_xticklabels()] == ["cat", "dog", "bird"]
    assert [t.get_text() for t in axis.get_yticklabels()] == ["cat", "dog", "bird"]
    assert axis.get_xlabel() == "predicted class" and axis.get_ylabel() == "true class"
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in axis.texts}
    assert len(cells) == 9 and cells[(1, 0)].get_text() == "2"
    assert cells[(0, 0)].get_color() == "white"  # dark cell
    assert cells[(0, 1)].get_color() == "black"  # light cell, non-zero
    assert cells[(0, 2)].get_color() == "0.6"  # zeros recede


@pytest.mark.slow
def test_eval_titles_its_confusion_matrix_with_the_split(tmp_path):
    out = tmp_path / "run"
    chainrule = [sys.executable, "-m", "chainrule"]
    assert (
        subprocess.run(
            [
                *chainrule,
                "train",
                "--data",
                "moons",
                "--epochs",
                "2",
                "--quiet",
                "--no-plots",
                "--out",
                str(out),
            ],
            capture_output=True,
        ).returncode
        == 0
    )
    done = subprocess.run(
        [*chainrule, "eval", str(out), "--split", "test", "--out", str(tmp_path / "eval")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "eval" / "confusion.png").read_bytes()[:8] == PNG
    assert not (out / "confusion.png").exists()  # --no-plots drew nothing


def test_the_saturation_view_has_one_line_per_hidden_layer_in_percent():
    from chainrule.train.saturation_plot import saturation_figure

    history = [{"epoch": e, "saturation": {"1": 0.1 * e, "2": 0.2 * e}} for e in (1, 2, 3)]
    description = {
        "probe_examples": 256,
        "layers": {
            "1": {"activation": "sigmoid", "units": 16},
            "2": {"activation": "sigmoid", "units": 8},
        },
    }
    figure = saturation_figure(history, description, "circles · 2–16–8–2 sigmoid")
    (axis,) = figure.axes
    assert figure._suptitle.get_text() == "circles · 2–16–8–2 sigmoid"
    assert "|a − ½| > 0.49" in axis.get_title() and "256 training examples" in axis.get_title()
    lines = axis.get_lines()
    assert len(lines) == 2
    np.testing.assert_allclose(lines[1].get_ydata(), [20, 40, 60])
    assert [t.get_text() for t in axis.get_legend().get_texts()] == [
        "hidden layer 1 (16 σ units): saturated values",
        "hidden layer 2 (8 σ units): saturated values",
    ]
    assert axis.get_xlabel() == "epoch" and "(%)" in axis.get_ylabel()
    assert all(t == int(t) for t in _tick_values(axis))
    assert axis.get_ylim()[1] == 103  # a layer past a third: the whole 0-100% scale
    small = saturation_figure(
        [{"epoch": 1, "saturation": {"1": 0.0}}],
        {"layers": {"1": {"activation": "relu", "units": 4}}},
    )
    assert small.axes[0].get_ylim()[1] == 10
    assert (
        small.axes[0].get_legend().get_texts()[0].get_text()
        == "hidden layer 1 (4 ReLU units): dead units"
    )


def test_the_gradient_norms_are_titled_with_the_run_and_tick_whole_epochs():
    from chainrule.train.plots import gradient_norms_figure

    history = [
        {"epoch": e, "grad_norm": {"0.W": 1 / e, "0.b": 1.0, "2.W": 0.1 / e}} for e in (1, 2, 3)
    ]
    (axis,) = gradient_norms_figure(history, "digits · 64–128–10 relu").axes
    assert axis.get_title() == "gradient norms by layer: digits · 64–128–10 relu"
    assert [t.get_text() for t in axis.get_legend().get_texts()] == ["‖∂C/∂W₁‖", "‖∂C/∂W₂‖"]
    assert axis.get_yscale() == "log" and all(t == int(t) for t in _tick_values(axis))


def test_a_one_epoch_run_shows_the_single_epoch_tick():
    (loss, accuracy) = history_figure(_history(1)).axes
    for axis in (loss, accuracy):
        assert _tick_values(axis) == [1]


def test_a_lone_bin_is_drawn_and_a_panel_without_finite_values_says_so():
    from chainrule.train.monitor import _histogram
    from chainrule.train.plots import _above_floor, histograms_figure

    np.testing.assert_array_equal(
        _above_floor(np.array([0, 0, 0, 50, 0, 0.1, 0]), 1.0),
        [np.nan, np.nan, 1.0, 50, 1.0, np.nan, np.nan],
    )
    records = [
        {
            "epoch": e,
            "weights": {"0.W": _histogram(np.full((3, 4), float(e)))},
            "gradients": {"0.W": _histogram(np.full((3, 4), np.nan))},
        }
        for e in (1, 2)
    ]
    weights, gradients, _ = histograms_figure(records).axes
    for line in weights.get_lines():
        assert np.nanmax(line.get_ydata()) == pytest.approx(100)
        assert np.count_nonzero(np.isfinite(line.get_ydata())) == 3  # a peak, not a dot
    assert [t.get_text() for t in gradients.texts] == ["no finite values"]
