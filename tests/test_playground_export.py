"""A playground run exported: the checkpoint read by the real chainrule eval and explain and by
TrainedModel.load, the data CSV, and the snippet that trains the same weights."""

import re
import subprocess
import sys

import numpy as np
import pytest
from installed_cli import run_chainrule

from chainrule.playground.run import PlaygroundRun
from chainrule.playground.settings import read_settings
from chainrule.train.metrics import accuracy, predicted_classes
from chainrule.train.model import TrainedModel


def run_of(**query):
    return PlaygroundRun(read_settings({k: str(v) for k, v in query.items()}))


def export(run, folder):
    (folder / "checkpoint.npz").write_bytes(run.export_checkpoint())
    (folder / "data.csv").write_bytes(run.export_csv())
    (folder / "snippet.py").write_text(run.export_snippet(), encoding="utf-8")


def test_the_csv_holds_the_features_the_network_sees(tmp_path):
    run = run_of(points=40, features="x1,x1sq,sinx2", data="moons")
    lines = run.export_csv().decode().splitlines()
    assert lines[0] == "x1,x1sq,sinx2,label"
    assert len(lines) == 41
    rows = [line.split(",") for line in lines[1:]]
    X = np.array([[float(v) for v in row[:-1]] for row in rows], dtype=np.float32)
    np.testing.assert_array_equal(X[:20], run.train_data.X)  # exact, train rows first
    np.testing.assert_array_equal(X[20:], run.test_data.X)
    assert [row[-1] for row in rows[:20]] == [run.dataset.classes[c] for c in run.train_data.labels]


def test_chainrule_eval_reads_the_checkpoint_with_the_numbers_shown(tmp_path):
    run = run_of(layers="5,3", data="xor", noise=20)
    run.train(max_steps=300, seconds=1e9)
    export(run, tmp_path)
    report = run.export_report()
    shown = run_chainrule("eval", "checkpoint.npz", "--data", "data.csv", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"accuracy: {report['eval']['accuracy']:.4f}" in shown.stdout
    assert f"({report['eval']['split']}): {report['eval']['examples']} examples" in shown.stdout
    assert report["eval"]["examples"] == 125 and report["eval"]["test_size"] == 0.25
    assert report["playground"]["test_accuracy"] == run.history[-1][5]


def test_chainrule_explain_reads_the_checkpoint(tmp_path):
    run = run_of(layers="3")
    run.train(max_steps=50, seconds=1e9)
    export(run, tmp_path)
    shown = run_chainrule("explain", "--checkpoint", "checkpoint.npz", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Sequential(2→3→2)" in shown.stdout
    assert "all equations hold" in shown.stdout


def test_trained_model_load_gives_the_playgrounds_network_and_accuracy(tmp_path):
    run = run_of(data="blobs", classes=4, layers="6", optimizer="adam", lr=0.01)
    run.train(max_steps=200, seconds=1e9)
    export(run, tmp_path)
    model = TrainedModel.load(tmp_path / "checkpoint.npz")
    assert model.classes == ["0", "1", "2", "3"] and model.n_features == 2
    for mine, theirs in zip(run.net.parameters(), model.net.parameters(), strict=True):
        np.testing.assert_array_equal(mine.data, theirs.data)
    outputs = model.net(model.transform(run.test_data.X)).data
    assert accuracy(predicted_classes(outputs, model.cost), run.test_data.labels) == pytest.approx(
        run.frame()["accuracy"]["test"]
    )
    assert model.config.hidden == [6] and model.config.optimizer == "adam"


def test_a_regression_checkpoint_is_read_by_eval(tmp_path):
    run = run_of(data="regression", layers="8", noise=10)
    run.train(max_steps=200, seconds=1e9)
    export(run, tmp_path)
    report = run.export_report()["eval"]
    shown = run_chainrule("eval", "checkpoint.npz", "--data", "data.csv", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "R²" in shown.stdout and "accuracy" not in report
    assert TrainedModel.load(tmp_path / "checkpoint.npz").is_regression


@pytest.mark.parametrize(
    "query",
    [
        {},
        pytest.param(
            {"optimizer": "adam", "cost": "mse", "layers": "5,4", "batch": 7, "l2": 0.001},
            marks=pytest.mark.slow,
        ),
        pytest.param(
            {"optimizer": "momentum", "data": "blobs", "classes": 3, "features": "x1,x2,x1x2"},
            marks=pytest.mark.slow,
        ),
        pytest.param({"dropout": 0.3, "layers": "6"}, marks=pytest.mark.slow),
        pytest.param({"data": "regression", "layers": "8", "lr": 0.01}, marks=pytest.mark.slow),
    ],
)
def test_the_snippet_trains_to_the_playgrounds_weights(tmp_path, query):
    run = run_of(**query)
    run.train(max_steps=120, seconds=1e9)
    export(run, tmp_path)
    code = run.export_snippet() + '\nnp.savez("mine.npz", **net.state_dict())\n'
    (tmp_path / "snippet.py").write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "snippet.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("120 steps (")
    gap = float(re.search(r"playground's weights: (\S+)", done.stdout)[1])
    assert gap <= 1e-6
    mine = np.load(tmp_path / "mine.npz")
    for name, value in run.net.state_dict().items():
        np.testing.assert_allclose(mine[name], value, rtol=0, atol=1e-6)


def test_an_upload_with_odd_column_names_exports_a_csv_eval_reads(tmp_path):
    from chainrule.playground.upload import read_upload

    lines = ['"a, b",label,y'] + [f"{i % 5},{(i * 7) % 3},{'xy'[i % 2]}" for i in range(40)]
    upload = read_upload("\n".join(lines).encode(), "odd.csv")
    assert upload.feature_names == ("a, b", "label")
    run = PlaygroundRun(read_settings({"data": "upload", "layers": "3"}), upload)
    run.train(max_steps=30, seconds=1e9)
    assert run.export_csv().decode().splitlines()[0] == '"a, b",label,label_1'
    export(run, tmp_path)
    shown = run_chainrule("eval", "checkpoint.npz", "--data", "data.csv", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"accuracy: {run.export_report()['eval']['accuracy']:.4f}" in shown.stdout
