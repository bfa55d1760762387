"""Uploads, digits and the 1-D regression in the playground: each refusal names the row and
column, and each kind of data trains and draws what the page needs."""

import json

import numpy as np
import pytest

from chainrule.errors import ConfigError
from chainrule.playground.run import PlaygroundRun
from chainrule.playground.settings import read_settings
from chainrule.playground.upload import MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS, read_upload


def rows(header: str, lines) -> bytes:
    return (header + "\n" + "".join(line + "\n" for line in lines)).encode()


GOOD = [f"{i % 7},{(i * 3) % 5},{'ab'[i % 2]}" for i in range(20)]


def test_a_good_upload():
    upload = read_upload(rows("x1,x2,label", GOOD), "points.csv")
    assert upload.X.shape == (20, 2) and upload.X.dtype == np.float32
    assert upload.classes == ("a", "b") and upload.feature_names == ("x1", "x2")
    assert upload.y.tolist()[:4] == [0, 1, 0, 1] and upload.task == "classification"


def test_header_is_optional_and_a_numeric_label_is_a_regression():
    lines = [f"{i / 10},{np.sin(i / 10):.5f}" for i in range(30)]
    upload = read_upload("\n".join(lines).encode(), "sine.csv")
    assert upload.feature_names == ("x1",) and upload.classes is None
    assert upload.y.shape == (30, 1) and upload.task == "regression"


@pytest.mark.parametrize(
    "data, message",
    [
        (rows("x1,x2,label", ["1,2,a", "3,nan,b", *GOOD]), "line 3, column 2 ('x2') is nan"),
        (rows("x1,x2,label", ["1,2,a", "3,inf,b", *GOOD]), "line 3, column 2 ('x2') is inf"),
        (rows("x1,x2,label", ["1,2,a", "3,,b", *GOOD]), "line 3, column 2 ('x2'): is empty"),
        (rows("x1,x2,label", [*GOOD, "1,two,a"]), "line 22, column 2 ('x2'): 'two' is not a"),
        (rows("x1,x2,label", [*GOOD, "1,2"]), "line 22: 2 fields, expected 3"),
        (rows("x1,x2,label", ["1,1e39,a", *GOOD]), "line 2, column 2 ('x2') is 1e+39, beyond"),
        (rows("x1,x2,label", ["1,2,a", "3,4,b", "5,6,a"]), "3 data row(s); the playground"),
        (rows("x1,x2,label", ["1,2,a"] * 6), "holds 'a' in every row"),
        (rows("x1,x2,label", [*GOOD, "1,2,c"]), "class 'c' of the label column (the last) has 1"),
        (rows("x,y", [f"{i},{i}.5" for i in range(5)] + ["9,1e39"]), "data row 6, column 2"),
        (rows("x,y", [f"{i},{i}.5" for i in range(5)] + ["9,2e15"]), "may reach ±1e+15"),
        (rows("x1,x2,label", ["1,2,a"]), "holds 'a' in every row"),
        (b"x1,x2,label\n", "no data rows after the header on line 1"),
        (
            rows(
                ",".join(f"f{i}" for i in range(17)) + ",y", ["1," * 17 + "0", "1," * 17 + "1"] * 4
            ),
            "17 feature",
        ),
        (b"", "empty file"),
        (b"\xff\xfe\x00x", "not UTF-8 text"),
        (
            b"x1,x2,label\n1,2,a\n" + b"1,2,b\n" * MAX_UPLOAD_ROWS,
            "an upload may hold at most 5,000",
        ),
        (b"1" * (MAX_UPLOAD_BYTES + 1), "1,000,001 bytes; an upload may hold at most 1,000,000"),
    ],
)
def test_every_problem_names_the_upload_row_and_column(data, message):
    with pytest.raises(ConfigError) as caught:
        read_upload(data, "my data.csv")
    text = str(caught.value)
    assert message in text, text
    assert text.startswith("my_data.csv") and "/tmp" not in text


def test_an_upload_trains_and_its_columns_are_standardised():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)) * [1000.0, 0.001] + [5e6, -3]
    labels = np.where(X[:, 0] > 5e6, "high", "low")
    text = "\n".join(f"{float(a)!r},{float(b)!r},{c}" for (a, b), c in zip(X, labels, strict=True))
    upload = read_upload(text.encode(), "big.csv")
    run = PlaygroundRun(read_settings({"data": "upload", "layers": "4"}), upload)
    assert run.data()["kind"] == "plane" and run.data()["classes"] == ["high", "low"]
    np.testing.assert_allclose(run.train_data.X.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(run.train_data.X.std(axis=0), 1, rtol=1e-4)
    run.train(max_steps=400, seconds=1e9)
    frame = run.frame()
    assert frame["accuracy"]["test"] > 0.9 and frame["boundary"]["classes"] == 2


def test_upload_refusals_at_the_run():
    sine = read_upload("\n".join(f"{i},{i / 3:.4f}" for i in range(40)).encode(), "s.csv")
    with pytest.raises(ConfigError, match="setting 'cost': s.csv has a regression target"):
        PlaygroundRun(read_settings({"data": "upload"}), sine)
    with pytest.raises(ConfigError, match="'upload' needs an uploaded CSV"):
        PlaygroundRun(read_settings({"data": "upload"}))
    run = PlaygroundRun(read_settings({"data": "upload", "cost": "mse", "layers": "3"}), sine)
    assert run.data()["kind"] == "line" and run.data()["task"] == "regression"
    wide = read_upload(
        rows("a,b,c,label", [f"{i},{i % 3},{i % 5},{i % 2}" for i in range(30)]), "w"
    )
    table = PlaygroundRun(read_settings({"data": "upload"}), wide)
    assert table.data()["kind"] == "table" and table.frame()["boundary"] is None
    assert table.data()["inputs"] == ["a", "b", "c"]


def test_digits_show_the_picture_and_the_predicted_class():
    run = PlaygroundRun(read_settings({"data": "digits", "points": "300", "layers": "12"}))
    data = run.data()
    assert data["kind"] == "digits" and data["classes"] == [str(i) for i in range(10)]
    assert data["image_shape"] == [8, 8] and "image_shape" not in run_of_circles().data()
    assert len(data["train"]["x"][0]) == 64 and len(data["train"]["x"]) == 150
    pixels = np.array(data["train"]["x"])
    assert pixels.min() == 0.0 and pixels.max() == 1.0
    run.train(max_steps=300, seconds=1e9)
    frame = run.frame()
    assert frame["boundary"] is None and frame["units"] == []
    probe = frame["probe"]
    assert len(probe["x"]) == 64 and probe["predicted"] == int(np.argmax(probe["output"]))
    assert probe["y"] == data["train"]["y"][0]
    assert frame["accuracy"]["test"] > 0.7


def run_of_circles():
    return PlaygroundRun(read_settings({}))


def test_regression_draws_its_curve():
    run = PlaygroundRun(read_settings({"data": "regression", "layers": "8", "noise": "10"}))
    assert run.settings.cost == "mse" and run.data()["kind"] == "line"
    assert run.frame()["loss"]["test"] > 0.3  # measured 0.380
    run.train(max_steps=1500, seconds=1e9)
    frame = run.frame()
    assert frame["loss"]["test"] < 0.1  # measured 0.046 (the noise alone gives 0.02)
    curve = frame["boundary"]["curve"]
    assert len(curve["x"]) == 200 and curve["x"][0] == -6.0 and curve["x"][-1] == 6.0
    x = np.array(curve["x"], dtype=np.float32).reshape(-1, 1)
    np.testing.assert_allclose(curve["y"], run.outputs(x)[:, 0], rtol=1e-5, atol=1e-6)
    assert frame["accuracy"] == {"train": None, "test": None}
    assert isinstance(frame["probe"]["predicted"], float)
    json.dumps(frame, allow_nan=False)


def test_huge_features_train_and_frames_stay_finite():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 2)) * 1e30
    text = "\n".join(f"{a!r},{b!r},{int(a > 0)}" for a, b in X.tolist())
    run = PlaygroundRun(read_settings({"data": "upload"}), read_upload(text.encode(), "h.csv"))
    run.train(max_steps=300, seconds=1e9)
    frame = run.frame()
    json.dumps(frame, allow_nan=False)
    assert run.stopped is None and frame["accuracy"]["test"] > 0.9  # measured 0.94


def test_the_export_report_has_no_nan_for_json():
    run = PlaygroundRun(read_settings({"lr": "10", "activation": "identity", "layers": "8,8"}))
    run.train(max_steps=50, seconds=1e9)
    assert run.stopped
    report = run.export_report()
    json.dumps(report, allow_nan=False)
    assert report["playground"]["test_loss"] is None
    assert "is not finite" in report["eval"]["error"]
