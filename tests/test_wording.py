"""What train and eval print reads the same way: costs by one function (``format_loss``),
counts with their singular or plural (``plural``), and ``eval --split train`` on exactly the
examples the run trained on (its validation part left out, split with the run's seed)."""

from __future__ import annotations

import json

import pytest
from installed_cli import run_chainrule

from chainrule.data import load_dataset
from chainrule.train import TrainingConfig
from chainrule.train.run import split_validation
from chainrule.wording import format_loss, plural

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"


_cli = run_chainrule


@pytest.mark.parametrize(
    "value, text",
    [
        (0.0828613, "0.082861"),
        (-0.0, "0.000000"),
        (2.5, "2.500000"),
        (3.217e-9, "3.2170e-09"),
        (1234567.0, "1.2346e+06"),
        (-0.25, "-0.250000"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
    ],
)
def test_format_loss(value, text):
    assert format_loss(value) == text


def test_plural():
    assert [plural(n, "epoch") for n in (0, 1, 2)] == ["0 epochs", "1 epoch", "2 epochs"]
    assert plural(1, "consecutive epoch") == "1 consecutive epoch"
    assert plural(3, "index", "indices") == "3 indices"


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("wording") / "run"
    done = _cli("train", "--epochs", "1", "--hidden", "16", "--no-plots", "--out", run_dir)
    assert done.returncode == 0, done.stderr
    return run_dir, done.stdout


def test_train_says_one_epoch_and_prints_costs_as_eval_does(digits_run):
    run_dir, out = digits_run
    assert "1 epoch of batches of 32" in out and "1 epochs" not in out
    epoch_line = next(line for line in out.splitlines() if line.startswith("epoch 1/1"))
    val_loss = epoch_line.split("val_loss ")[1].split()[0]
    history = json.loads((run_dir / "metrics.json").read_text())["history"]
    assert val_loss == format_loss(history[-1]["val_loss"])
    assert len(val_loss.split(".")[1]) == 6
    # eval on the validation part prints the very same number, the same way
    done = _cli("eval", run_dir, "--split", "val")
    assert done.returncode == 0, done.stderr
    assert f"loss: {val_loss}\n" in done.stdout
    test = _cli("eval", run_dir)
    loss = test.stdout.split("loss: ")[1].split()[0]
    assert len(loss.split(".")[1]) == 6


def test_eval_split_train_counts_only_the_examples_trained_on(digits_run):
    run_dir, out = digits_run
    config = TrainingConfig(epochs=1, hidden=[16])
    train, _ = load_dataset("digits", seed=0)
    trained, validation = split_validation(config, train)
    assert (len(trained), len(validation), len(train)) == (1212, 135, 1347)
    assert "1212 training, 135 validation, 450 test examples" in out
    done = _cli("eval", run_dir, "--split", "train")
    assert done.returncode == 0, done.stderr
    assert "data digits (train): 1212 examples" in done.stdout
    assert "data digits (val): 135 examples" in _cli("eval", run_dir, "--split", "val").stdout


def test_eval_split_val_without_a_validation_part_is_an_error(tmp_path):
    run_dir = tmp_path / "run"
    done = _cli(
        "train",
        "--data",
        "xor",
        "--epochs",
        "1",
        "--val-fraction",
        "0",
        "--quiet",
        "--no-plots",
        "--out",
        run_dir,
    )
    assert done.returncode == 0, done.stderr
    done = _cli("eval", run_dir, "--split", "val")
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        "--split val: the run kept no validation part (it was trained with --val-fraction 0)"
    )
    assert "data xor (train): 150 examples" in _cli("eval", run_dir, "--split", "train").stdout


def test_early_stopping_after_one_epoch_says_epoch(capsys):
    from chainrule.cli.main import main

    assert (
        main(
            [
                "train",
                "--data",
                "xor",
                "--epochs",
                "30",
                "--patience",
                "1",
                "--lr",
                "1e-9",
                "--no-plots",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "has not improved for 1 epoch (best" in out
