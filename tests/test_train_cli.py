"""``chainrule train``, ``eval`` and ``predict`` end to end on small data: the final line, the
files written, resuming, and errors as one line with their exit code."""

from __future__ import annotations

import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.checkpoint import load_checkpoint
from chainrule.cli.main import main

PNG = b"\x89PNG\r\n\x1a\n"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_the_defaults_train_digits_well(capsys):
    code, out, _ = run(capsys, "train")
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert last.startswith("test accuracy: 0.")
    assert float(last.split(": ")[1]) >= 0.95
    assert "epoch 30/30" in out


@pytest.mark.slow
def test_out_writes_checkpoint_metrics_and_pictures(capsys, tmp_path):
    out_dir = tmp_path / "run"
    code, out, _ = run(
        capsys, "train", "--epochs", "3", "--hidden", "32", "--out", str(out_dir), "--quiet"
    )
    assert code == 0
    assert out.strip().splitlines() == [out.strip().splitlines()[-1]]
    accuracy = float(out.split(": ")[1])
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["test_accuracy"] == pytest.approx(accuracy, abs=5e-5)
    assert [row["epoch"] for row in metrics["history"]] == [1, 2, 3]
    assert {"loss", "val_loss", "val_accuracy", "grad_norm"} <= set(metrics["history"][0])
    assert set(metrics["history"][0]["grad_norm"]) == {"0.W", "0.b", "2.W", "2.b"}
    assert np.asarray(metrics["test_confusion_matrix"]).sum() == 450
    for name in ("training.png", "gradients.png", "histograms.png", "confusion.png"):
        assert (out_dir / name).read_bytes()[:8] == PNG, name
    checkpoint = load_checkpoint(out_dir / "checkpoint.npz")
    assert checkpoint.epoch == 3 and checkpoint.info["config"]["hidden"] == [32]

    code, out, _ = run(capsys, "eval", str(out_dir), "--out", str(tmp_path / "eval"))
    assert code == 0
    assert f"accuracy: {accuracy:.4f}" in out
    assert "confusion matrix" in out and "recall" in out
    assert (tmp_path / "eval" / "confusion.png").read_bytes()[:8] == PNG


@pytest.mark.slow
def test_resume_continues_to_the_same_weights(capsys, tmp_path):
    common = [
        "--data",
        "circles",
        "--hidden",
        "8",
        "--dtype",
        "float64",
        "--quiet",
        "--no-plots",
        "--dropout",
        "0.1",
    ]
    assert run(capsys, "train", *common, "--epochs", "4", "--out", str(tmp_path / "a"))[0] == 0
    assert run(capsys, "train", *common, "--epochs", "2", "--out", str(tmp_path / "b"))[0] == 0
    code, out, _ = run(capsys, "train", "--resume", str(tmp_path / "b"), "--epochs", "4", "--quiet")
    assert code == 0
    a = load_checkpoint(tmp_path / "a").parameters
    b = load_checkpoint(tmp_path / "b").parameters
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def test_predict_writes_one_row_per_example(capsys, tmp_path):
    run_dir = tmp_path / "run"
    assert (
        run(
            capsys,
            "train",
            "--data",
            "gauss",
            "--epochs",
            "5",
            "--quiet",
            "--no-plots",
            "--out",
            str(run_dir),
        )[0]
        == 0
    )
    from chainrule.data import load_dataset

    _, test = load_dataset("gauss", seed=0)
    csv = tmp_path / "points.csv"
    np.savetxt(csv, test.X[:7], delimiter=",")
    code, out, _ = run(
        capsys, "predict", str(run_dir), "--input", str(csv), "--out", str(tmp_path / "pred.csv")
    )
    assert code == 0
    lines = (tmp_path / "pred.csv").read_text().strip().splitlines()
    assert lines[0].startswith("index,class,name,p0")
    assert len(lines) == 8
    predicted = [int(line.split(",")[1]) for line in lines[1:]]
    assert np.mean(np.array(predicted) == test.y[:7]) >= 0.7


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["train", "--data", "nosuchset"], cr.ConfigError.exit_code, "nosuchset"),
        (["train", "--hidden", "a,b"], cr.ConfigError.exit_code, "hidden sizes"),
        (["train", "--dropout", "1.5"], cr.ConfigError.exit_code, "dropout"),
        (
            ["train", "--data", "fashion-mnist", "--data-dir", "/nonexistent/dir"],
            cr.DataError.exit_code,
            "/nonexistent/dir",
        ),
        (["eval", "/nonexistent/checkpoint.npz"], cr.CheckpointError.exit_code, "no such"),
    ],
)
def test_errors_are_one_line_with_their_code(capsys, args, code, fragment):
    got, _, err = run(capsys, *args)
    assert got == code
    assert err.startswith("error: ") and err.count("\n") == 1 and fragment in err


def test_a_diverging_run_names_epoch_and_batch_and_keeps_the_last_checkpoint(capsys, tmp_path):
    out_dir = tmp_path / "run"
    # a sane first epoch, then a learning rate of 1e28 from epoch 2 on
    code, out, err = run(
        capsys,
        "train",
        "--epochs",
        "5",
        "--optimizer",
        "sgd",
        "--lr",
        "0.01",
        "--schedule",
        "step",
        "--step-every",
        "1",
        "--gamma",
        "1e30",
        "--out",
        str(out_dir),
        "--quiet",
        "--no-plots",
    )
    assert code == cr.NonFiniteError.exit_code, out + err
    assert err.count("\n") == 1
    assert "at epoch 2, batch " in err
    assert f"the last good checkpoint (epoch 1) is kept in {out_dir / 'checkpoint.npz'}" in err
    checkpoint = load_checkpoint(out_dir)
    assert checkpoint.epoch == 1
    assert all(np.isfinite(a).all() for a in checkpoint.parameters.values())
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert [row["epoch"] for row in metrics["history"]] == [1]


def test_a_checkpoint_with_pickles_is_refused(capsys, tmp_path):
    evil = tmp_path / "evil.npz"
    np.savez(evil, payload=np.array([object()], dtype=object))
    code, _, err = run(capsys, "eval", str(evil))
    assert code == cr.CheckpointError.exit_code and "pickled" in err


def _mnist_dir(directory, n_train=40, n_test=20, labels_high=10):
    from chainrule.data import write_idx

    rng = np.random.default_rng(0)
    directory.mkdir()
    for stem, n in (("train", n_train), ("t10k", n_test)):
        write_idx(
            directory / f"{stem}-images-idx3-ubyte.gz",
            rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        )
        write_idx(
            directory / f"{stem}-labels-idx1-ubyte.gz",
            rng.integers(0, labels_high, n).astype(np.uint8),
        )
    return directory


def test_mnist_format_files_from_a_directory_train(capsys, tmp_path):
    data = _mnist_dir(tmp_path / "mnist")
    code, out, err = run(
        capsys,
        "train",
        "--data",
        "mnist",
        "--data-dir",
        str(data),
        "--epochs",
        "1",
        "--hidden",
        "8",
        "--quiet",
        "--val-fraction",
        "0.25",
    )
    assert code == 0, err
    assert out.startswith("test accuracy: ")


def test_bad_data_files_give_one_line_naming_the_problem(capsys, tmp_path):
    data = _mnist_dir(tmp_path / "mnist")
    image = data / "train-images-idx3-ubyte.gz"
    import gzip

    raw = gzip.decompress(image.read_bytes())
    image.write_bytes(gzip.compress(raw[: len(raw) - 100]))
    code, _, err = run(capsys, "train", "--data", "mnist", "--data-dir", str(data))
    assert code == cr.DataError.exit_code and err.count("\n") == 1
    assert "train-images-idx3-ubyte.gz" in err and "truncated" in err

    bad_labels = _mnist_dir(tmp_path / "labels", labels_high=12)
    code, _, err = run(capsys, "train", "--data", "mnist", "--data-dir", str(bad_labels))
    assert code == cr.DataError.exit_code and "outside 0..9" in err

    for name, text, fragment in [
        ("words.csv", "1,2,0\n3,abc,1\n", "line 2, column 2"),
        ("nan.csv", "1,2,0\n3,nan,1\n", "line 2, column 2 is nan"),
        ("empty.csv", "", "empty"),
    ]:
        path = tmp_path / name
        path.write_text(text)
        code, _, err = run(capsys, "train", "--data", str(path))
        assert code == cr.DataError.exit_code, (name, err)
        assert fragment in err and err.count("\n") == 1, (name, err)
