"""Whatever a run's loader did to the raw features (digits ÷16, IDX pixels ÷255) is saved with
the run and redone by ``predict``, ``eval``, ``explain --checkpoint`` and :class:`TrainedModel`:
the same raw features give the same answer as the loader's path.

Measured on the default digits run (30 epochs): ``predict`` on scikit-learn's raw
``load_digits().data`` gave 89.4 % correct before the raw scale was saved (99.1 % only when the
pixels were divided by 16 by hand); now 99.1 % on the raw pixels.
"""

from __future__ import annotations

import numpy as np
import pytest
from installed_cli import run_chainrule
from test_hostile_files import with_meta

from chainrule.checkpoint import load_checkpoint
from chainrule.data import RawScale, load_dataset, write_idx
from chainrule.errors import CheckpointError
from chainrule.train.model import TrainedModel

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"


_cli = run_chainrule


def _predicted(path) -> np.ndarray:
    return np.loadtxt(path, delimiter=",", skiprows=1, usecols=1).astype(np.int64)


def _loader_predictions(run_dir, test) -> np.ndarray:
    """The classes the network gives the test set as the loader delivers it (eval's path)."""
    model = TrainedModel.load(run_dir)
    from chainrule.train.metrics import network_outputs, predicted_classes

    return predicted_classes(network_outputs(model.net, model.dataset_features(test)), model.cost)


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("digits") / "run"
    done = _cli(
        "train", "--epochs", "4", "--hidden", "32", "--quiet", "--no-plots", "--out", run_dir
    )
    assert done.returncode == 0, done.stderr
    return run_dir, float(done.stdout.split(": ")[1])


def test_raw_digits_predicted_from_a_csv_match_the_loaders_path(digits_run, tmp_path):
    run_dir, accuracy = digits_run
    from sklearn.datasets import load_digits

    _, test = load_dataset("digits", seed=0)
    saved = load_checkpoint(run_dir).info["dataset"]["raw_scale"]
    assert saved == {"divide_by": 16.0, "source": "digits pixels 0 … 16"}
    raw = test.X * 16  # exactly the pixels 0 … 16 scikit-learn ships
    assert set(np.unique(raw)) <= set(range(17))
    bunch = load_digits()
    assert {tuple(r) for r in raw[:20].astype(int)} <= {tuple(r) for r in bunch.data.astype(int)}
    csv = tmp_path / "raw.csv"
    np.savetxt(csv, raw, delimiter=",", fmt="%d")
    done = _cli("predict", run_dir, "--input", csv, "--out", tmp_path / "p.csv")
    assert done.returncode == 0, done.stderr
    assert "note:" not in done.stderr
    predicted = _predicted(tmp_path / "p.csv")
    np.testing.assert_array_equal(predicted, _loader_predictions(run_dir, test))
    assert np.mean(predicted == test.y) == pytest.approx(accuracy, abs=5e-5)
    # the Python API takes the same raw pixels
    np.testing.assert_array_equal(TrainedModel.load(run_dir).predict(raw), predicted)


def test_features_already_divided_get_a_note_not_silence(digits_run, tmp_path):
    run_dir, _ = digits_run
    _, test = load_dataset("digits", seed=0)
    csv = tmp_path / "divided.csv"
    np.savetxt(csv, test.X[:30], delimiter=",", fmt="%.6g")
    done = _cli("predict", run_dir, "--input", csv, "--out", tmp_path / "p.csv")
    assert done.returncode == 0
    assert (
        "every input lies in [0, 1], but this run takes raw features (digits pixels "
        "0 … 16, divided by 16 before its scaler)" in done.stderr
    )


def test_eval_on_a_csv_of_raw_pixels_equals_eval_on_the_loader(digits_run, tmp_path):
    run_dir, accuracy = digits_run
    _, test = load_dataset("digits", seed=0)
    table = np.column_stack([test.X * 16, test.y])
    csv = tmp_path / "raw_labelled.csv"
    np.savetxt(csv, table, delimiter=",", fmt="%d")
    model = TrainedModel.load(run_dir)
    from chainrule.data import read_csv

    from_csv = read_csv(csv)
    assert from_csv.raw_scale is None
    np.testing.assert_array_equal(model.dataset_features(from_csv), model.dataset_features(test))
    done = _cli("eval", run_dir)
    assert f"accuracy: {accuracy:.4f}" in done.stdout


def test_explain_checkpoint_redoes_the_raw_scale_on_its_input(digits_run):
    run_dir, _ = digits_run
    _, test = load_dataset("digits", seed=0)
    raw = ",".join(str(int(v)) for v in test.X[3] * 16)
    shown = []
    for args in (["--example", "3"], ["--input", raw, "--target", str(int(test.y[3]))]):
        done = _cli("explain", "--checkpoint", run_dir, *args)
        assert done.returncode == 0, done.stderr
        shown.append(done.stdout.split("x = [")[1].split("]")[0])
    assert shown[0] == shown[1]


def _image_dir(directory, rng):
    """MNIST-format files whose class is the bright quarter of a 28×28 image."""
    directory.mkdir()
    for stem, n in (("train", 200), ("t10k", 60)):
        labels = rng.integers(0, 4, n).astype(np.uint8)
        images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
        for i, k in enumerate(labels):
            r, c = divmod(int(k), 2)
            images[i, 14 * r : 14 * r + 14, 14 * c : 14 * c + 14] += 180
        write_idx(directory / f"{stem}-images-idx3-ubyte.gz", images)
        write_idx(directory / f"{stem}-labels-idx1-ubyte.gz", labels)
    return directory


def test_raw_idx_images_predicted_match_the_loaders_path(tmp_path):
    data = _image_dir(tmp_path / "images", np.random.default_rng(0))
    run_dir = tmp_path / "run"
    done = _cli(
        "train",
        "--data",
        data,
        "--epochs",
        "3",
        "--hidden",
        "16",
        "--quiet",
        "--no-plots",
        "--out",
        run_dir,
    )
    assert done.returncode == 0, done.stderr
    assert load_checkpoint(run_dir).info["dataset"]["raw_scale"]["divide_by"] == 255.0
    _, test = load_dataset(data, seed=0)
    from chainrule.data import read_idx

    images = read_idx(data / "t10k-images-idx3-ubyte.gz")
    single = tmp_path / "test-images-idx3-ubyte"
    write_idx(single, images)  # raw ubyte pixels 0 … 255, uncompressed
    done = _cli("predict", run_dir, "--input", single, "--out", tmp_path / "p.csv")
    assert done.returncode == 0, done.stderr
    predicted = _predicted(tmp_path / "p.csv")
    np.testing.assert_array_equal(predicted, _loader_predictions(run_dir, test))
    assert np.mean(predicted == test.y) >= 0.9
    # the same pixels as CSV numbers give the same answers
    csv = tmp_path / "pixels.csv"
    np.savetxt(csv, images.reshape(len(images), -1), delimiter=",", fmt="%d")
    assert _cli("predict", run_dir, "--input", csv, "--out", tmp_path / "q.csv").returncode == 0
    np.testing.assert_array_equal(_predicted(tmp_path / "q.csv"), predicted)


def test_a_csv_run_has_no_raw_scale_and_predicts_its_own_features(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(50, 20, (240, 3))
    y = (X[:, 0] + X[:, 1] > 100).astype(int)
    data = tmp_path / "points.csv"
    np.savetxt(data, np.column_stack([X, y]), delimiter=",", fmt="%.5f,%.5f,%.5f,%d")
    run_dir = tmp_path / "run"
    done = _cli(
        "train",
        "--data",
        data,
        "--epochs",
        "20",
        "--hidden",
        "8",
        "--quiet",
        "--no-plots",
        "--out",
        run_dir,
    )
    assert done.returncode == 0, done.stderr
    assert load_checkpoint(run_dir).info["dataset"]["raw_scale"] is None
    _, test = load_dataset(data, seed=0)
    features = tmp_path / "features.csv"
    np.savetxt(features, test.X, delimiter=",", fmt="%.5f")
    done = _cli("predict", run_dir, "--input", features, "--out", tmp_path / "p.csv")
    assert done.returncode == 0, done.stderr
    np.testing.assert_array_equal(
        _predicted(tmp_path / "p.csv"), _loader_predictions(run_dir, test)
    )


def test_a_checkpoint_from_before_the_field_gets_its_loaders_scale(digits_run, tmp_path):
    run_dir, _ = digits_run
    old = tmp_path / "old.npz"
    old.write_bytes((run_dir / "checkpoint.npz").read_bytes())
    with_meta(old, lambda meta: meta["info"]["dataset"].pop("raw_scale"))
    assert "raw_scale" not in load_checkpoint(old).info["dataset"]
    model = TrainedModel.load(old)
    assert model.raw_scale.divide_by == 16.0
    _, test = load_dataset("digits", seed=0)
    np.testing.assert_array_equal(
        model.predict(test.X * 16), TrainedModel.load(run_dir).predict(test.X * 16)
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"divide_by": 0},
        {"divide_by": "16"},
        [16],
        {"x": 1},
        {"divide_by": float("nan")},
        {"divide_by": True},
    ],
)
def test_a_malformed_raw_scale_is_refused(digits_run, tmp_path, bad):
    run_dir, _ = digits_run
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes((run_dir / "checkpoint.npz").read_bytes())
    with_meta(damaged, lambda meta: meta["info"]["dataset"].update(raw_scale=bad))
    with pytest.raises(CheckpointError, match="the saved raw scale .* is malformed"):
        TrainedModel.load(damaged)


def test_the_raw_scale_round_trips_and_divides_in_float32():
    scale = RawScale(255.0, "ubyte pixels 0 … 255")
    assert RawScale.from_dict(scale.to_dict()) == scale
    assert RawScale.from_dict(None) is None
    out = scale.apply(np.array([[0, 51, 255]], dtype=np.uint8))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.float32([[0, 0.2, 1]]))


def test_eval_matches_a_files_classes_to_the_runs_by_name(digits_run, tmp_path):
    """A CSV holding only digits 3 and 7 reads them as its own classes 0 and 1; eval maps them
    back to the run's classes "3" and "7" (it crashed, and with other subsets it would have
    compared with the wrong classes)."""
    run_dir, _ = digits_run
    _, test = load_dataset("digits", seed=0)
    chosen = np.isin(test.y, [3, 7])
    csv = tmp_path / "three_and_seven.csv"
    np.savetxt(csv, np.column_stack([test.X[chosen] * 16, test.y[chosen]]), delimiter=",", fmt="%d")
    from chainrule.data import read_csv

    data = read_csv(csv)
    assert data.classes == ("3", "7") and set(data.y) == {0, 1}
    model = TrainedModel.load(run_dir)
    np.testing.assert_array_equal(model.dataset_labels(data), np.where(data.y == 0, 3, 7))
    done = _cli("eval", run_dir, "--data", csv, "--out", tmp_path / "eval")
    assert done.returncode == 0, done.stderr
    import json

    report = json.loads((tmp_path / "eval" / "eval.json").read_text())
    counts = np.array(report["confusion_matrix"])
    assert counts.shape == (10, 10) and counts[[3, 7]].sum() == counts.sum() > 0
    _, part = load_dataset(csv, seed=0)  # eval's default: the file's test part
    predicted = model.predict(part.X)  # the file's raw pixels
    assert report["accuracy"] == pytest.approx(np.mean(predicted == np.where(part.y == 0, 3, 7)))
    bad = tmp_path / "unknown.csv"
    np.savetxt(bad, np.column_stack([test.X[:20] * 16, test.y[:20] + 5]), delimiter=",", fmt="%d")
    done = _cli("eval", run_dir, "--data", bad)
    assert done.returncode == 9
    assert "are not among the run's 10 classes (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)" in done.stderr
