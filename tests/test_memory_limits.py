"""Sizes with a limit: a network the machine cannot hold is refused before anything is
allocated, with the estimate and the memory available; weights are drawn straight into the
run's float type; explain and gradcheck bound what they print and check."""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from installed_cli import run_chainrule

import chainrule as cr
from chainrule import memory
from chainrule.autodiff.gradcheck import gradcheck
from chainrule.cli.main import main
from chainrule.errors import ConfigError
from chainrule.nn.init import initial_weights

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"

HUGE = "100000000000"  # 10¹¹ units: terabytes, on any machine


def chainrule(*args, cwd=None):
    return run_chainrule(*args, cwd=cwd)


def test_parameter_count_and_human_units():
    assert memory.parameter_count([3, 4, 1]) == 3 * 4 + 4 + 4 * 1 + 1 == 21
    assert memory.parameter_count([3, 4, 1], bias=False) == 16
    assert memory.network_bytes([3, 4, 1], "float64") == 168
    assert memory.network_bytes([3, 4, 1], "float32") == 84
    assert [memory.human(n) for n in (512, 2_400_000_000, 1_100_000_000, 3.2e12)] == [
        "512 bytes",
        "2.4 GB",
        "1.1 GB",
        "3.2 TB",
    ]


def test_the_estimates_grow_with_the_sizes_batch_and_float_type():
    small, wide = [64, 128, 10], [64, 100_000, 10]
    assert memory.training_bytes(wide, "float32") > 100 * memory.training_bytes(small, "float32")
    assert memory.training_bytes(wide, "float64") == 2 * memory.training_bytes(wide, "float32")
    assert memory.training_bytes(small, batch_size=512) > memory.training_bytes(small)
    # at least the weights, gradients and Adam's two moments
    assert memory.training_bytes(wide, "float32") >= 4 * memory.network_bytes(wide, "float32")
    assert memory.explain_bytes([3, 10**8, 1]) > 24e9  # what the issue saw it grow to
    assert memory.gradcheck_bytes([3, 10**8, 1], batch=4) > 4 * 8 * 5 * 10**8


def test_available_memory_is_read_on_this_machine():
    available = memory.available_bytes()
    if Path("/proc/meminfo").exists():
        assert available is not None and available > 0


def test_the_refusal_names_the_estimate_and_the_memory_available(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 1_100_000_000)
    with pytest.raises(ConfigError) as caught:
        memory.require(2_400_000_000, "training the network 64-9999-10")
    assert str(caught.value) == (
        "training the network 64-9999-10 needs about 2.4 GB of "
        "memory, 1.1 GB available; choose smaller layers"
    )
    memory.require(1_000_000_000, "fits")  # under the limit: nothing happens
    monkeypatch.setattr(memory, "available_bytes", lambda: None)
    memory.require(10**15, "unknown machine")  # nothing to compare with: not refused


def test_the_python_api_refuses_a_network_too_large_before_allocating(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 50_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(
            ConfigError,
            match=r"^the network 64-1000000-10 in float32 needs "
            r"about 300\.0 MB of memory, 50\.0 MB available",
        ):
            cr.nn.mlp([64, 1_000_000, 10], "relu", dtype="float32")
        with pytest.raises(
            ConfigError,
            match=r"^Dense\(10→10000000\) in float64 needs about "
            r"880\.0 MB of memory, 50\.0 MB available",
        ):
            cr.Dense(10, 10_000_000, dtype="float64")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # nothing of the network was allocated


def test_explain_refuses_in_process_with_a_small_machine(monkeypatch, capsys):
    monkeypatch.setattr(memory, "available_bytes", lambda: 10_000_000)
    assert main(["explain", "--layers", "3,20000,1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: explaining the network 3-20000-1 needs about ")
    assert err.rstrip().endswith("10.0 MB available; choose smaller layers")


@pytest.mark.parametrize(
    "args, start",
    [
        (
            ("explain", "--layers", f"3,{HUGE},1"),
            f"error: explaining the network 3-{HUGE}-1 needs about ",
        ),
        (
            ("gradcheck", "--layers", f"3,{HUGE},1"),
            f"error: gradcheck --layers 3,{HUGE},1 --batch 4 needs about ",
        ),
        (
            ("train", "--hidden", HUGE, "--epochs", "1", "--no-plots"),
            f"error: training the network 64-{HUGE}-10 (float32, batches of 32) needs about ",
        ),
    ],
)
def test_the_commands_refuse_huge_layers_at_once(args, start, tmp_path):
    result = chainrule(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(start)
    assert re.search(
        r" needs about [0-9.]+ [TP]B of memory, [0-9.]+ [kMGT]B available", result.stderr
    )
    assert result.stderr.count("\n") == 1 and "available; choose smaller layers" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("init", ["xavier", "he", "uniform", "normal", "zeros"])
def test_float32_weights_are_drawn_without_a_float64_twin(init):
    tracemalloc.start()
    try:
        w = initial_weights(init, 2000, 1500, np.random.default_rng(0), np.float32)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert w.dtype == np.float32 and w.shape == (2000, 1500)
    assert peak < 1.2 * w.nbytes + 9_000_000  # the float32 array and one 8 MB block of draws
    assert peak < 2 * w.nbytes  # a float64 twin alone would be 2 × the float32 array


def test_drawing_by_blocks_gives_the_numbers_of_one_draw():
    fan_out, fan_in = 5, (1 << 20) // 2 + 3  # blocks of two rows: three draws
    r = np.sqrt(6.0 / (fan_in + fan_out))
    expected = np.random.default_rng(7).uniform(-r, r, (fan_out, fan_in)).astype(np.float32)
    got = initial_weights("xavier", fan_out, fan_in, np.random.default_rng(7), np.float32)
    assert np.array_equal(got, expected)
    net = cr.nn.mlp([3, 4, 1], dtype="float32", rng=0)
    assert all(p.data.dtype == np.float32 for p in net.parameters())


def test_gradcheck_samples_the_entries_of_a_large_parameter():
    rng = np.random.default_rng(0)
    W = cr.Tensor(rng.standard_normal((40, 30)), requires_grad=True, name="W")
    x = rng.standard_normal(30)
    calls = []

    def fn(W):
        calls.append(1)
        return ((W @ x) ** 2).sum()

    report = gradcheck(fn, W, max_entries=100, seed=3)
    check = report.inputs[0]
    assert report.passed and check.checked == 100 and check.sampled
    assert len(calls) == 1 + 2 * 100  # one backward, two evaluations per sampled entry
    assert "(100 of 1,200 entries, sampled)" in str(report)
    assert "a seeded random sample of 100 of each was checked" in str(report)
    again = gradcheck(fn, W, max_entries=100, seed=3).inputs[0]
    assert again.worst_index == check.worst_index  # the same sample for the same seed
    full = gradcheck(fn, W).inputs[0]
    assert full.checked == 1200 and not full.sampled and "sampled" not in str(gradcheck(fn, W))


def test_a_sampled_mismatch_names_its_index_in_the_whole_parameter():
    W = cr.Tensor(np.ones((50, 50)), requires_grad=True, name="W")
    report = gradcheck(
        lambda W: (W * W).sum(), W, max_entries=20, atol=0, rtol=0, raise_on_failure=False, eps=0.5
    )
    check = report.inputs[0]
    assert check.checked == 20
    assert len(check.worst_index) == 2 and all(0 <= i < 50 for i in check.worst_index)
    assert check.analytic_at_worst == 2.0


def test_gradcheck_command_says_it_sampled():
    result = chainrule("gradcheck", "--layers", "3,300,1", "--max-entries", "50")
    assert result.returncode == 0, result.stderr
    assert "(50 of 900 entries, sampled)" in result.stdout
    assert "(50 of 300 entries, sampled)" in result.stdout
    assert "a seeded random sample of 50 of each was checked" in result.stdout
    assert "all gradients agree" in result.stdout


def test_explain_summarises_large_arrays_in_json(tmp_path):
    out = tmp_path / "trace.json"
    result = chainrule("explain", "--layers", "3,40000,1", "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())["data"]
    W1 = data["layers"][0]["W"]
    assert W1["shape"] == [40000, 3] and W1["size"] == 120000
    assert "more than the 100,000 listed per array: summarised" in W1["note"]
    assert -1 < W1["min"] < W1["mean"] < W1["max"] < 1
    assert isinstance(data["layers"][1]["W"], list)  # 40,000 numbers: listed


def test_explain_text_shows_the_corners_of_a_wide_layer():
    result = chainrule("explain", "--layers", "3,100000,1")
    assert result.returncode == 0, result.stderr
    assert "⋮" in result.stdout and "⋯" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


@pytest.mark.parametrize(
    "option, value",
    [
        ("--widths", "2,100000"),
        ("--depths", "100000"),
        ("--dp-width", "1000000"),
        ("--dp-depth", "129"),
    ],
)
def test_the_dp_view_bounds_the_networks_it_times(option, value):
    result = chainrule("explain", "--view", "dp", option, value)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"error: {option}: at most 128 (the naive methods measured take "
        f"time growing as depth² · width³), got {value.split(',')[-1]}\n"
    )


def test_the_dp_api_bounds_the_networks_it_times():
    from chainrule.explain.measurements.dynamic_programming import compare

    with pytest.raises(ConfigError, match=r"dp: a width must lie in 1 … 128, got 1000"):
        compare(depths=(1,), widths=(1000,))


def test_the_html_page_of_a_wide_network_forms_no_n_by_n_jacobian(tmp_path):
    out = tmp_path / "page.html"
    result = chainrule("explain", "--layers", "3,100000,1", "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text()
    assert "Paths of influence" in page and "Sequential(3→100000→1)" in page


def test_the_estimators_refuse_hidden_layers_the_machine_cannot_hold(monkeypatch):
    from chainrule.sklearn import MLPClassifier

    monkeypatch.setattr(memory, "available_bytes", lambda: 1_000_000_000)
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(
        ConfigError,
        match=r"^fitting the network 3-10000000-2 \(float64\) "
        r"needs about [0-9.]+ [GT]B of memory, 1\.0 GB "
        r"available; choose smaller hidden_layer_sizes$",
    ):
        MLPClassifier(hidden_layer_sizes=(10_000_000,)).fit(X, y)
