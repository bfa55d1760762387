"""NaN and ±inf given by a user are one clear error everywhere (the option, field, or file and
row), the playground answers them with 400 and keeps serving, no NumPy RuntimeWarning reaches
the terminal, and a check an explanation fails is a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest
from installed_cli import chainrule_command, run_chainrule

from chainrule.cli.main import main
from chainrule.errors import DataError, GradcheckError, NonFiniteError

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"


def chainrule(*args, cwd=None):
    """The installed command, with ``-W error`` in force for any warning."""
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return run_chainrule(*args, cwd=cwd, env=env)


@pytest.mark.parametrize(
    "args, where",
    [
        (("--input", "nan,1,0"), "--input: nan (value 1)"),
        (("--input", "0,inf,1", "--format", "html"), "--input: inf (value 2)"),
        (("--input", "0,1,-inf", "--format", "json"), "--input: -inf (value 3)"),
        (("--target", "nan"), "--target: nan (value 1)"),
        (("--layers", "2,2", "--input", "1,2;3,nan"), "--input: nan (value 2 of example 2)"),
        (("--layers", "2,3,1", "--input", "nan,1"), "--input: nan (value 1)"),
    ],
)
def test_explain_refuses_a_non_finite_input_or_target(args, where):
    result = chainrule("explain", *args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"error: {where} is not a finite number; every value must be finite\n"


def test_an_overflow_in_explain_is_an_error_naming_the_op_not_a_warning():
    result = chainrule(
        "explain", "--layers", "3,4,1", "--activation", "identity", "--input", "1e300,1e300,1e300"
    )
    assert result.returncode == NonFiniteError.exit_code, result.stderr
    assert "RuntimeWarning" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: trace: forward: op ")
    assert "produced Inf from finite inputs" in lines[0] and "too large for float64" in lines[0]


def test_the_trace_api_refuses_non_finite_examples_and_targets():
    from chainrule.explain.show.problem import book_example

    example = book_example(0)
    example.x = np.array([0.0, np.inf, 1.0])
    with pytest.raises(DataError, match=r"the example x holds inf at index \(0, 1\)"):
        example.trace()
    example = book_example(0)
    example.y = np.array([np.nan])
    with pytest.raises(DataError, match=r"the target y holds nan at index \(0, 0\)"):
        example.trace()


def _failing_tolerances(monkeypatch):
    """Every check of the trace fails: tolerances below zero."""
    trace_module = sys.modules["chainrule.explain.record.trace"]
    monkeypatch.setattr(
        trace_module, "TOLERANCE", {np.dtype(np.float64): -1.0, np.dtype(np.float32): -1.0}
    )


@pytest.mark.parametrize("view", ["steps", "all"])
def test_a_failed_check_in_explain_is_a_non_zero_exit(monkeypatch, capsys, view):
    import chainrule.explain.record.trace  # noqa: F401 - the module, for _failing_tolerances

    _failing_tolerances(monkeypatch)
    code = main(["explain", "--view", view])
    captured = capsys.readouterr()
    assert code == GradcheckError.exit_code == 8
    assert "✗" in captured.out  # the view is still printed, with the failure marked
    assert captured.err.startswith("error: the explanation's own check failed: ")
    assert "its numbers cannot be trusted" in captured.err


def test_a_failed_check_under_a_picture_is_a_non_zero_exit(monkeypatch, capsys, tmp_path):
    import chainrule.explain.record.trace  # noqa: F401

    _failing_tolerances(monkeypatch)
    out = tmp_path / "net.svg"
    assert main(["explain", "--view", "network", "--out", str(out)]) == 8
    assert out.exists()
    assert "δ₂ = ∇ₐC ⊙ σ'(z₂): max error 0 (and 3 more)" in capsys.readouterr().err


def test_explain_passes_its_checks_with_exit_zero():
    result = chainrule("explain", "--input", "1,0,1", "--target", "1")
    assert result.returncode == 0, result.stderr
    assert "✓ all equations hold" in result.stdout and result.stderr == ""


@pytest.fixture
def trained_run(tmp_path):
    rng = np.random.default_rng(0)
    rows = ["a,b,c,label"]
    for i in range(60):
        k = i % 2
        rows.append(",".join(f"{v:.3f}" for v in rng.normal(k, 0.3, 3)) + f",{k}")
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n")
    result = chainrule(
        "train",
        "--data",
        "train.csv",
        "--epochs",
        "2",
        "--out",
        "run",
        "--quiet",
        "--no-plots",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return tmp_path


@pytest.mark.parametrize(
    "row, message",
    [
        ("nan,1,2", "x.csv line 3, column 1 is nan (values must be finite numbers)"),
        ("1,-inf,2", "x.csv line 3, column 2 is -inf (values must be finite numbers)"),
        ("1,2,1e300", "x.csv line 3, column 3 is 1e+300, beyond the range of float32 (±3.4e+38)"),
    ],
)
def test_predict_names_the_file_row_and_column_of_a_non_finite_feature(trained_run, row, message):
    (trained_run / "x.csv").write_text(f"a,b,c\n1,2,3\n{row}\n")
    result = chainrule("predict", "run", "--input", "x.csv", cwd=trained_run)
    assert result.returncode == DataError.exit_code, result.stderr
    assert result.stdout == "" and result.stderr == f"error: {message}\n"


def test_predict_refuses_a_feature_that_scales_beyond_float32(trained_run):
    (trained_run / "x.csv").write_text("1,2,3\n3e38,-3e38,3e38\n")
    result = chainrule("predict", "run", "--input", "x.csv", cwd=trained_run)
    assert result.returncode == DataError.exit_code and result.stdout == ""
    assert result.stderr.startswith(
        "error: Standardizer.transform: row 2, column 1 (3e+38) "
        "scales to inf; it is too far from the training data for "
        "float32"
    )


def test_predict_and_eval_refuse_an_output_that_overflows(trained_run):
    (trained_run / "x.csv").write_text("1,2,3\n1e38,-1e38,1e38\n")
    result = chainrule("predict", "run", "--input", "x.csv", cwd=trained_run)
    assert result.returncode == DataError.exit_code, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(
        "error: the network's output for example 2 (counting from 1) is not finite"
    )
    (trained_run / "y.csv").write_text("a,b,c,label\n1,2,3,0\n1e38,-1e38,1e38,1\n")
    result = chainrule("eval", "run", "--data", "y.csv", cwd=trained_run)
    assert result.returncode == DataError.exit_code and "nan" not in result.stdout
    assert "the network's output for example " in result.stderr  # of the split evaluated
    assert "is not finite (NaN or inf)" in result.stderr
    assert "RuntimeWarning" not in result.stderr


def test_explain_checkpoint_refuses_a_non_finite_input(trained_run):
    result = chainrule(
        "explain", "--checkpoint", "run", "--input", "1,nan,2", "--target", "0", cwd=trained_run
    )
    assert result.returncode == 2
    assert (
        result.stderr == "error: --input: nan (value 2) is not a finite number; every "
        "value must be finite\n"
    )
    result = chainrule(
        "explain", "--checkpoint", "run", "--input", "1,1,2", "--target", "nan", cwd=trained_run
    )
    assert result.returncode == 2 and "--target: nan (value 1)" in result.stderr


@pytest.fixture(scope="module")
def served():
    """``chainrule serve --port 0`` in a subprocess: its address."""
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    process = subprocess.Popen(
        [*chainrule_command(), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = process.stdout.readline()
    assert line.startswith("chainrule playground on http://"), line
    yield line.split()[3]
    process.terminate()
    _, err = process.communicate(timeout=30)
    assert "Traceback" not in err and "Warning" not in err, err


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.mark.parametrize(
    "query, message",
    [
        ("?input=nan,1", "input: nan (value 1) is not a finite number"),
        ("?input=inf,1,0", "input: inf (value 1) is not a finite number"),
        ("?target=-inf", "target: -inf (value 1) is not a finite number"),
        ("?layers=3,4,1&seed=-1", "seed must be a whole number ≥ 0, got -1"),
        ("?layers=3,4,1&activation=identity&input=1e300,1e300,1e300", "produced Inf from finite"),
    ],
)
def test_the_playground_answers_bad_input_with_400_and_keeps_serving(served, query, message):
    for path in ("explain", "explain/trace.json", "explain/steps.txt"):
        status, body = get(served + path + query)
        assert status == 400, (path, body[:300])
        assert message in body.replace("&#x27;", "'")
    status, body = get(served + "health")
    assert (status, body) == (200, "ok\n")
    status, _ = get(served + "explain?input=0,1,1")
    assert status == 200


def test_the_scaler_and_the_network_outputs_refuse_non_finite_arrays():
    import chainrule as cr
    from chainrule.data import Standardizer
    from chainrule.train.metrics import network_outputs

    scaler = Standardizer().fit(np.array([[0.0, 1.0], [2.0, 3.0]]))
    with pytest.raises(
        DataError,
        match=r"^Standardizer.transform: row 1, column 2 is nan; "
        r"values must be finite$",
    ):
        scaler.transform(np.array([[1.0, np.nan]]))
    with pytest.raises(DataError, match=r"row 1, column 1 \(1e\+38\) scales to inf"):
        Standardizer().fit(np.array([[0.0], [1e-30]], np.float32)).transform(
            np.array([[1e38]], np.float32)
        )
    net = cr.nn.mlp([2, 3, 1], rng=0)
    with pytest.raises(
        DataError,
        match=r"^example 2, feature 1 \(counting from 1\) is inf; "
        r"values must be finite$",
    ):
        network_outputs(net, np.array([[1, 2], [np.inf, 1]], dtype=np.float32))


def test_a_huge_class_label_is_named_not_wrapped_by_a_cast(trained_run):
    result = chainrule("explain", "--layers", "3,4,2", "--cost", "ce", "--target", "1e300")
    assert result.returncode == DataError.exit_code
    assert result.stderr == (
        "error: CrossEntropy: labels must lie in 0..1 for 2 classes; "
        "received values from 1e+300 to 1e+300\n"
    )
    result = chainrule(
        "explain", "--checkpoint", "run", "--input", "1,1,2", "--target", "1e300", cwd=trained_run
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: --target: class labels must lie in 0 … 1; received values from 1e+300 to 1e+300\n"
    )


def test_the_playground_answers_a_post_and_keeps_serving(served):
    request = urllib.request.Request(
        served + "explain?input=nan,1", data=b"input=nan,1", method="POST"
    )
    status, _ = get(request)
    assert status == 405  # answered (the page is read with GET), not a dropped connection
    assert get(served + "health") == (200, "ok\n")
