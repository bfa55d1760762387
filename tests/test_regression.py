"""Regression end to end: a CSV whose target is a measured number trains an identity-output
network on the MSE cost (the target standardised for training), reports R², RMSE and MSE in
the target's units from ``train`` and ``eval`` and in metrics.json, draws a parity plot, and
``predict`` writes predicted values. The task is read from the target column (``--task``
overrides it); a target that is neither is an error naming the column."""

from __future__ import annotations

import json

import numpy as np
import pytest
from installed_cli import run_chainrule

from chainrule.data import load_dataset, read_csv
from chainrule.data.target import MAX_DETECTED_CLASSES
from chainrule.errors import ConfigError, DataError
from chainrule.train.model import TrainedModel
from chainrule.train.regression import r2_score, regression_metrics

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"

PNG = b"\x89PNG\r\n\x1a\n"


_cli = run_chainrule


def _write(path, header: str, rows) -> str:
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return str(path)


def linear_csv(path, n=400, seed=0) -> str:
    """y = 3·x₁ − 2·x₂ + 50 + noise (σ 0.3), x uniform in [−2, 2]²."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (n, 2))
    y = 3 * X[:, 0] - 2 * X[:, 1] + 50 + rng.normal(0, 0.3, n)
    return _write(
        path,
        "x1,x2,y",
        [(f"{a:.4f}", f"{b:.4f}", f"{t:.4f}") for a, b, t in zip(X[:, 0], X[:, 1], y, strict=True)],
    )


@pytest.fixture(scope="module")
def regression_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("regression")
    data = linear_csv(base / "linear.csv")
    run_dir = base / "run"
    done = _cli("train", "--data", data, "--out", run_dir)
    assert done.returncode == 0, done.stderr
    return data, run_dir, done.stdout


def _numbers(line: str) -> dict:
    """``test R²: 0.98  RMSE 0.4  MSE 0.16`` → {"R²": 0.98, "RMSE": 0.4, "MSE": 0.16}."""
    words = line.replace("test ", "").replace(":", "").split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}


def test_a_linear_target_trains_to_a_high_r2(regression_run):
    data, run_dir, out = regression_run
    assert "a regression target 'y'" in out
    assert "note: the task (regression) was decided by the target column's values" in out
    assert "network Sequential(2→128→1) (relu), cost mse" in out
    assert "val_r2 " in out
    final = _numbers(out.strip().splitlines()[-1])
    assert final["R²"] > 0.9
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["config"]["task"] == "regression" and metrics["config"]["cost"] == "mse"
    assert metrics["test_r2"] == pytest.approx(final["R²"], abs=5e-5)
    assert metrics["test_rmse"] == pytest.approx(np.sqrt(metrics["test_mse"]))
    assert metrics["test_mse"] == pytest.approx(final["MSE"], rel=1e-5)
    assert "test_accuracy" not in metrics and "test_confusion_matrix" not in metrics
    assert (run_dir / "parity.png").read_bytes()[:8] == PNG
    assert not (run_dir / "confusion.png").exists()
    model = TrainedModel.load(run_dir)
    assert model.is_regression and model.target_names == ["y"]
    dense = [m for m in model.net.layers if hasattr(m, "out_features")]
    assert model.net.layers[-1] is dense[-1] and dense[-1].out_features == 1  # identity output
    # the target was standardised for training (y ≈ 50 ± 4.17), and the saved scaler says how
    assert model.target_scaler.mean[0] == pytest.approx(50, abs=1)
    assert model.target_scaler.std[0] == pytest.approx(np.sqrt(13 * 16 / 12 + 0.09), abs=0.4)


def test_eval_and_predict_agree_with_train(regression_run, tmp_path):
    data, run_dir, out = regression_run
    final = out.strip().splitlines()[-1]
    done = _cli("eval", run_dir, "--out", tmp_path / "eval")
    assert done.returncode == 0, done.stderr
    r2, rmse, mse = (
        final.split("R²: ")[1].split()[0],
        final.split("RMSE ")[1].split()[0],
        final.split("MSE ")[-1].split()[0],
    )
    assert f"R²: {r2}\n" in done.stdout and f"RMSE: {rmse}\n" in done.stdout
    assert f"MSE: {mse}\n" in done.stdout and "accuracy" not in done.stdout
    report = json.loads((tmp_path / "eval" / "eval.json").read_text())
    metrics = json.loads((run_dir / "metrics.json").read_text())
    for key in ("loss", "mse", "rmse", "r2"):
        assert report[key] == metrics[f"test_{key}"], key
    assert (tmp_path / "eval" / "parity.png").read_bytes()[:8] == PNG
    # predict: values in the target's units, which give the same R² on the test set
    _, test = load_dataset(data, seed=0)
    features = tmp_path / "features.csv"
    np.savetxt(features, test.X, delimiter=",", fmt="%.4f", header="x1,x2", comments="")
    done = _cli("predict", run_dir, "--input", features, "--out", tmp_path / "pred.csv")
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "pred.csv").read_text().splitlines()
    assert lines[0] == "index,y" and len(lines) == len(test) + 1
    values = np.array([float(line.split(",")[1]) for line in lines[1:]])
    assert 30 < values.mean() < 70  # target units (y ≈ 50), not standardised ones
    measured = regression_metrics(values, test.y)
    assert measured["r2"] == pytest.approx(metrics["test_r2"], abs=1e-6)
    assert measured["mse"] == pytest.approx(metrics["test_mse"], rel=1e-5)
    # the Python API gives the same values
    model = TrainedModel.load(run_dir)
    np.testing.assert_allclose(model.predict(test.X), values, rtol=1e-7)
    with pytest.raises(ConfigError, match="no class probabilities"):
        model.predict_proba(test.X)


def test_explain_checkpoint_compares_with_the_standardised_target(regression_run):
    data, run_dir, _ = regression_run
    _, test = load_dataset(data, seed=0)
    model = TrainedModel.load(run_dir)
    expected = (test.y[2, 0] - model.target_scaler.mean[0]) / model.target_scaler.std[0]
    done = _cli("explain", "--checkpoint", run_dir, "--example", "2")
    assert done.returncode == 0, done.stderr
    shown = float(done.stdout.split("y = [")[1].split("]")[0])
    assert shown == pytest.approx(expected, abs=5e-4)
    assert "all equations hold" in done.stdout


def test_a_regression_run_resumes_to_the_same_weights(tmp_path):
    data = linear_csv(tmp_path / "linear.csv", n=120)
    common = ["--data", data, "--hidden", "8", "--quiet", "--no-plots", "--dtype", "float64"]
    assert _cli("train", *common, "--epochs", "4", "--out", tmp_path / "a").returncode == 0
    assert _cli("train", *common, "--epochs", "2", "--out", tmp_path / "b").returncode == 0
    done = _cli("train", "--resume", tmp_path / "b", "--epochs", "4", "--quiet")
    assert done.returncode == 0, done.stderr
    a = json.loads((tmp_path / "a" / "metrics.json").read_text())
    b = json.loads((tmp_path / "b" / "metrics.json").read_text())
    assert a["test_r2"] == b["test_r2"] and a["test_mse"] == b["test_mse"]


@pytest.mark.parametrize(
    "rows, fragment",
    [
        (
            [(i, i * 2, 7.5) for i in range(30)],
            "the target column 'y' (column 3) holds 7.5 in every row: there is nothing to learn",
        ),
        (
            [(i, i * 2, "nan" if i == 12 else i * 0.5) for i in range(30)],
            "line 14, column 3 is nan (labels must be finite numbers; the target column 'y' "
            "(column 3) is the target)",
        ),
        (
            [(i, i * 2, "NA" if i == 12 else i * 0.5 + 0.1) for i in range(30)],
            "line 14, column 3: 'NA' is not a number, but other rows of the target column 'y' "
            "(column 3) hold numbers such as 0.1",
        ),
        (
            [(i, i * 2, f"user{i}") for i in range(30)],
            "the target column 'y' (column 3) has 30 distinct texts in 30 rows: nearly every row "
            "is its own, so it is an identifier or free text, not a class",
        ),
    ],
)
def test_a_target_that_is_neither_task_is_an_error_naming_the_column(tmp_path, rows, fragment):
    data = _write(tmp_path / "bad.csv", "a,b,y", rows)
    done = _cli("train", "--data", data, "--epochs", "1")
    assert done.returncode == DataError.exit_code
    assert done.stdout == "" and done.stderr.count("\n") == 1
    assert fragment in done.stderr


def test_the_task_option_overrides_the_column_both_ways(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 2))
    whole = _write(
        tmp_path / "whole.csv",
        "a,b,t",
        [(f"{a:.3f}", f"{b:.3f}", int(a > 0) + int(b > 0) * 2) for a, b in X],
    )
    halves = _write(
        tmp_path / "halves.csv", "a,b,t", [(f"{a:.3f}", f"{b:.3f}", 0.5 + int(a > 0)) for a, b in X]
    )
    common = ["--epochs", "3", "--hidden", "8", "--no-plots"]
    done = _cli("train", "--data", whole, *common)
    assert "4 classes" in done.stdout and "test accuracy: " in done.stdout
    done = _cli("train", "--data", whole, "--task", "regression", *common)
    assert done.returncode == 0, done.stderr
    assert "a regression target 't'" in done.stdout and "note: the task" not in done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith("test R²: ")
    done = _cli("train", "--data", halves, *common)
    assert "a regression target 't'" in done.stdout and "test R²" in done.stdout
    assert "--task classification decides otherwise" in done.stdout
    done = _cli("train", "--data", halves, "--task", "classification", *common)
    assert done.returncode == 0, done.stderr
    assert "2 classes" in done.stdout and "test accuracy: " in done.stdout
    assert read_csv(halves, task="classification").classes == ("0.5", "1.5")


def test_classification_costs_are_refused_for_a_regression_target(tmp_path):
    data = linear_csv(tmp_path / "linear.csv", n=60)
    for cost in ("ce", "bce"):
        done = _cli("train", "--data", data, "--cost", cost, "--epochs", "1")
        assert done.returncode == ConfigError.exit_code and done.stdout == ""
        assert (
            f"--cost {cost} is for classes; the target of linear.csv (column 'y') is a "
            "regression target: use --cost mse" in done.stderr
        )
    done = _cli("train", "--task", "regression", "--epochs", "1")
    assert done.returncode == ConfigError.exit_code
    assert "digits: --task regression does not apply: its targets are class labels" in done.stderr


def test_eval_refuses_data_of_the_other_task(regression_run, tmp_path):
    _, run_dir, _ = regression_run
    classes = _write(
        tmp_path / "classes.csv", "x1,x2,y", [(i % 3, i % 5, "ab"[i % 2]) for i in range(40)]
    )
    done = _cli("eval", run_dir, "--data", classes)
    assert done.returncode == DataError.exit_code
    assert (
        "classes.csv line 2, column 3: 'a' is not a number (a regression target must be; "
        "the target column 'y' (column 3))" in done.stderr
    )
    # numbers are read as the run's task reads them: 0/1 targets are values to predict
    zeros_ones = _write(
        tmp_path / "binary.csv", "x1,x2,y", [(i % 3, i % 5, i % 2) for i in range(40)]
    )
    done = _cli("eval", run_dir, "--data", zeros_ones)
    assert done.returncode == 0 and "R²: " in done.stdout


def test_the_detection_rule(tmp_path):
    def target(values):
        path = _write(tmp_path / "t.csv", "a,t", [(i, v) for i, v in enumerate(values)])
        return read_csv(path)

    many = [i % (MAX_DETECTED_CLASSES + 1) for i in range(100)]
    assert target([i % MAX_DETECTED_CLASSES for i in range(100)]).n_classes == 20
    assert target(many).classes is None  # 21 distinct whole numbers: regression
    assert target([0.5, 1, 2, 3] * 5).classes is None  # a fraction: regression
    assert target(["cat", "dog"] * 10).classes == ("cat", "dog")
    assert target([f"c{i % 30}" for i in range(200)]).n_classes == 30  # 30 texts in 200 rows
    with pytest.raises(DataError, match="not a class"):
        target([f"c{i % 30}" for i in range(50)])  # 30 texts in 50 rows


def test_r2_matches_its_definition():
    true = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 3.0], [4.0, 8.0]])
    predicted = true + np.array([[0.1, -0.2], [0.0, 0.3], [-0.1, 0.0], [0.2, 0.1]])
    by_hand = np.mean(
        [
            1
            - ((true[:, j] - predicted[:, j]) ** 2).sum()
            / ((true[:, j] - true[:, j].mean()) ** 2).sum()
            for j in range(2)
        ]
    )
    assert r2_score(predicted, true) == pytest.approx(by_hand)
    assert r2_score(np.ones(3), np.ones(3)) is None  # a constant target: undefined
    metrics = regression_metrics(predicted, true)
    assert metrics["mse"] == pytest.approx(np.mean((true - predicted) ** 2))
    assert metrics["rmse"] == pytest.approx(np.sqrt(metrics["mse"]))


def test_training_png_shows_the_validation_r2_of_a_regression_run(tmp_path):
    from chainrule.train import plots

    history = [
        {"epoch": 1, "loss": 0.9, "val_loss": 0.8, "val_r2": None},
        {"epoch": 2, "loss": 0.5, "val_loss": 0.4, "val_r2": 0.6},
    ]
    figure = plots.history_figure(history, "reg.csv · 2–8–1 relu · test R² 0.6000")
    assert [axis.get_title() for axis in figure.axes] == ["loss", "R² (after each epoch)"]
    r2 = figure.axes[1].get_lines()[0].get_ydata()
    assert np.isnan(r2[0]) and r2[1] == 0.6
    path = plots.plot_history(history, tmp_path / "training.png")
    assert path.read_bytes()[:8] == PNG


def _npy(array) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "mean, std, fragment",
    [
        ([1.0, 2.0], [1.0, 1.0], "the saved target standardisation has 2 column(s), the network 1"),
        ([1.0], [0.0], "the saved target standardisation cannot be restored"),
    ],
)
def test_a_damaged_target_standardisation_is_refused(regression_run, tmp_path, mean, std, fragment):
    from test_hostile_files import rezip

    from chainrule.errors import CheckpointError

    _, run_dir, _ = regression_run
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes((run_dir / "checkpoint.npz").read_bytes())
    rezip(damaged, {"extra/target_scaler/mean": _npy(mean), "extra/target_scaler/std": _npy(std)})
    with pytest.raises(CheckpointError) as info:
        TrainedModel.load(damaged)
    assert fragment in str(info.value)


def test_features_that_are_not_finite_numbers_are_refused(regression_run):
    from chainrule.errors import DTypeError

    _, run_dir, _ = regression_run
    model = TrainedModel.load(run_dir)
    with pytest.raises(DataError, match="feature 1 of example 0 is nan: the inputs must be finite"):
        model.predict([[0.5, np.nan]])
    with pytest.raises(DataError, match="feature 0 of example 1 is inf"):
        model.predict([[0.5, 1.0], [np.inf, 0]])
    with pytest.raises(DTypeError, match="the features must be numeric"):
        model.predict([["a", "b"]])


def test_predict_and_eval_check_the_header_against_the_runs_columns(regression_run, tmp_path):
    """Columns in another order, or the target left in, would be read by position as the
    training columns: a silent wrong prediction. They are refused, naming the columns."""
    data, run_dir, _ = regression_run
    rows = [line.split(",") for line in open(data).read().splitlines()]
    swapped = _write(tmp_path / "swapped.csv", "x2,x1", [(r[1], r[0]) for r in rows[1:]])
    done = _cli("predict", run_dir, "--input", swapped)
    assert done.returncode == 3 and done.stdout == ""
    assert (
        "swapped.csv: the columns are x2, x1; the run was trained on x1, x2, in that order "
        "(the same columns in another order; a file without a header is read by position)"
        in done.stderr
    )
    done = _cli("predict", run_dir, "--input", data)
    assert (
        "the columns are x1, x2, y; the run was trained on x1, x2, in that order ('y' is "
        "the target: leave it out;" in done.stderr
    )
    renamed = _write(tmp_path / "renamed.csv", "x1,z,y", [r for r in rows[1:]])
    done = _cli("eval", run_dir, "--data", renamed)
    assert done.returncode == 3
    assert "('z' not among them; 'x2' missing;" in done.stderr
    no_header = _write(tmp_path / "plain.csv", "0.5,0.25", [(r[0], r[1]) for r in rows[1:4]])
    done = _cli("predict", run_dir, "--input", no_header)
    assert done.returncode == 0 and done.stdout.startswith("index,y\n")
    assert len(done.stdout.splitlines()) == 5


def test_early_stopping_on_the_validation_r2_maximises_it():
    from chainrule.train import EarlyStopping, ToleranceStopping

    assert EarlyStopping("val_r2").mode == "max" and ToleranceStopping("val_r2").mode == "max"
    assert EarlyStopping("val_loss").mode == "min"
    stopper = EarlyStopping("val_r2", patience=1, restore_best=False)

    class Loop:
        stop_training = False

        def log(self, line):
            self.line = line

    loop = Loop()
    for epoch, r2 in enumerate([0.5, 0.7, None, 0.6], start=1):
        stopper.on_epoch_end(loop, {"epoch": epoch, "val_r2": r2})
        if loop.stop_training:
            break
    assert (epoch, stopper.best, stopper.best_epoch) == (3, 0.7, 2)
    assert (
        loop.line == "early stopping: val_r2 has not improved for 1 epoch (best 0.7000 at epoch 2)"
    )


@pytest.mark.parametrize("odd", ["inf", "nan", "-Infinity"])
def test_text_beside_a_non_finite_number_is_an_error_not_a_crash(tmp_path, odd):
    path = _write(tmp_path / "mixed.csv", "a,t", [(0, "cat"), (1, odd), (2, "dog")])
    with pytest.raises(
        DataError, match="'cat' is not a number, but other rows of the target column 't'"
    ):
        read_csv(path)
