"""The benchmark program: it runs, compares like with like, and marks targets honestly.
(No test here asserts a time: timings belong to docs/performance.md.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from chainrule.bench import cases, report
from chainrule.bench.peers import all_peers, chainrule_fast, numpy_delta

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"


def fake_results(torch_small=300e-6, torch_large=0.02, ours_small=50e-6, ours_large=0.019):
    book = cases.cases_named(["book"])[0]
    wide = cases.cases_named(["wide-1024"])[0]
    return {
        "machine": {"CPU": "test"},
        "rounds": 3,
        "block": 0.01,
        "quick": False,
        "threads": 2,
        "gemm": 300e9,
        "duration": 60.0,
        "cases": [
            {
                "case": book,
                "seconds": {
                    "chainrule": ours_small,
                    "PyTorch eager": torch_small,
                    "NumPy δ-recursion": 40e-6,
                },
                "spread": {"chainrule": 0.01},
                "notes": {},
                "skipped": {"scikit-learn": "absent"},
                "first_loss": {"chainrule": 1.0, "PyTorch eager": 1.0 + 1e-7},
            },
            {
                "case": wide,
                "seconds": {"chainrule": ours_large, "PyTorch eager": torch_large},
                "spread": {},
                "notes": {"PyTorch eager": "optimizer: fused"},
                "skipped": {},
                "first_loss": {},
            },
        ],
        "scalar": {
            "seconds": {"chainrule": 0.4, "micrograd": 0.7},
            "first cost": {},
            "nodes": 65000,
        },
        "million": {"nodes": 1_000_000, "forward s": 2.0, "backward s": 1.0},
    }


def test_targets_are_marked_met_or_not_from_the_ratios():
    found = {t: (m, ok) for t, m, ok in report.targets(fake_results())}
    small = next(k for k in found if "5×" in k)
    large = next(k for k in found if "1.1×" in k)
    gemm = next(k for k in found if "85%" in k)
    assert found[small] == ("6.00×", True)
    assert found[large][1] is False  # 0.02 / 0.019 = 1.05× < 1.1×
    share = cases.cases_named(["wide-1024"])[0].flops / 0.019 / 300e9
    assert found[gemm][1] is (share >= 0.85)
    assert found[next(k for k in found if "micrograd" in k)][1] is True
    text = report.markdown(fake_results())
    for heading in (
        "## Machine",
        "## Targets",
        "## One training step",
        "### Ratios",
        "## The scalar engine",
        "**not met**",
        "**met**",
        "Skipped: scikit-learn",
    ):
        assert heading in text
    assert str(Path(__file__).resolve().parents[1]) not in text  # no path of this machine


def test_a_missing_peer_is_not_measured_rather_than_guessed():
    results = fake_results()
    del results["cases"][0]["seconds"]["PyTorch eager"]
    found = {t: ok for t, _, ok in report.targets(results)}
    assert found[next(k for k in found if "5×" in k)] is None
    assert "not measured" in report.markdown(results)


def test_flops_follow_the_issue_s_formula():
    wide = cases.cases_named(["wide-1024"])[0]
    assert wide.flops == 6 * 512 * (784 * 1024 + 1024 * 1024 + 1024 * 10)
    with pytest.raises(ValueError, match="unknown case"):
        cases.cases_named(["nope"])


@pytest.mark.parametrize("name", ["book", "nielsen-relu"])
def test_the_contenders_compute_the_same_first_cost(name):
    case = cases.cases_named([name])[0]
    data = cases.make_data(case, pool=2)
    ours = chainrule_fast.first_loss(case, data)
    theirs = numpy_delta.first_loss(case, data)
    assert ours == pytest.approx(theirs, rel=1e-5)
    peers = {p.NAME: p for p in all_peers()}
    if peers["PyTorch eager"].missing() is None:
        assert peers["PyTorch eager"].first_loss(case, data) == pytest.approx(ours, rel=1e-5)


def test_every_runner_steps_through_the_pool():
    case = cases.cases_named(["book-relu"])[0]
    data = cases.make_data(case, pool=3)
    for peer in all_peers():
        if peer.missing() is None:
            runner = peer.runner(case, data, threads=1)
            runner.run(2)
    assert np.isfinite(chainrule_fast.first_loss(case, data))


def test_bench_command_writes_the_report(tmp_path, capsys):
    from chainrule.cli.main import main

    out = tmp_path / "performance.md"
    code = main(
        [
            "bench",
            "--cases",
            "book",
            "--rounds",
            "1",
            "--block",
            "0.002",
            "--no-scalar",
            "--no-memory",
            "--no-fashion",
            "--threads",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance") and "3-4-1, batch 4" in text
    assert "chainrule" in capsys.readouterr().out


def test_scalar_engines_compute_the_same_demo_step():
    from chainrule.bench import scalar

    X, y = scalar.moons(n=12)
    if scalar.micrograd_missing() is None:
        model, micro_step = scalar.micrograd_demo(X, y)
        _, ours = scalar.chainrule_demo(X, y, model)
        assert ours() == pytest.approx(micro_step(), rel=1e-12)
    else:
        _, ours = scalar.chainrule_demo(X, y, scalar._stand_in_model())
        assert math.isfinite(ours())


# -- what a run writes, where, and what it says ----------------------------------------------

import hashlib  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from blocked_imports import block  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PERFORMANCE = ROOT / "docs" / "performance.md"
SMALL = ["--cases", "book", "--rounds", "1", "--block", "0.002", "--no-scalar", "--threads", "1"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _headings_have_content(text: str) -> list[str]:
    """The headings followed directly by another heading of the same or a higher level (or by
    nothing): a section without rows."""
    lines = [line for line in text.splitlines() if line.strip()]
    empty = []
    for i, line in enumerate(lines):
        level = len(line) - len(line.lstrip("#"))
        if not line.startswith("#"):
            continue
        after = lines[i + 1] if i + 1 < len(lines) else "#"
        after_level = len(after) - len(after.lstrip("#")) if after.startswith("#") else 99
        if after_level <= level:
            empty.append(line)
    return empty


def test_one_round_has_no_spread_and_no_empty_section():
    results = fake_results()
    results["rounds"] = 1
    results["cases"][0]["spread"] = {"chainrule": None}
    results["inference"] = {"not-a-case-here": {"NumPy": 1e-5}}
    text = report.markdown(results)
    assert "nan" not in text.lower()
    assert "1 round per case: too few to tell how noisy the timings were" in text
    assert "No-grad forward" not in text  # no row for it: no heading either
    assert _headings_have_content(text) == []


def test_a_missing_peer_is_skipped_with_what_to_install(monkeypatch, tmp_path, capsys):
    from chainrule.cli.main import main

    block(monkeypatch, "torch")
    out = tmp_path / "report.md"
    assert main(["bench", *SMALL, "--no-memory", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert 'PyTorch eager: torch is not installed (pip install "chainrule[bench]")' in text
    assert "| PyTorch eager |" not in text and "nan" not in text.lower()
    err = capsys.readouterr().err
    assert (
        'PyTorch eager        skipped: torch is not installed (pip install "chainrule[bench]")'
        in err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--out", "no/such/dir/report.md"],
            "--out no/such/dir/report.md: the directory no/such/dir does not exist",
        ),
        (["--cases", "nope"], "--cases: unknown case(s) nope; choose from book,"),
        (["--rounds", "0"], "--rounds must be a whole number ≥ 1, got 0"),
    ],
)
def test_bench_options_are_checked_before_anything_runs(
    tmp_path, monkeypatch, capsys, args, message
):
    from chainrule.cli.main import main

    monkeypatch.chdir(tmp_path)
    assert main(["bench", *args]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"error: {message}") and out == ""


def test_a_smoke_run_from_the_checkout_prints_and_writes_no_file():
    before = _digest(PERFORMANCE)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    )
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", *SMALL],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Performance")
    assert "**Quick run** (`--quick`)" in done.stdout
    assert "nan" not in done.stdout.lower() and "nan%" not in done.stderr
    assert "spread n/a (under 4 rounds)" in done.stderr
    assert _headings_have_content(done.stdout) == []
    assert _digest(PERFORMANCE) == before
    assert "wrote" not in done.stdout + done.stderr


def test_bench_runs_from_an_installed_copy_without_the_checkout(tmp_path):
    """A copy of the package alone (as ``pip install .`` leaves it), run from elsewhere:
    --quick is an option, the report is printed, nothing is written."""
    site = tmp_path / "site-packages"
    shutil.copytree(
        ROOT / "src" / "chainrule", site / "chainrule", ignore=shutil.ignore_patterns("__pycache__")
    )
    work = tmp_path / "work"
    work.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    command = [sys.executable, "-m", "chainrule", "bench", "--quick", *SMALL]
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert re.search(r"\| 3-4-1, batch 4 \(σ, MSE, SGD\) \| [\d.]+ [µm]?s \|", done.stdout)
    assert list(work.iterdir()) == []
    where = subprocess.run(
        [sys.executable, "-c", "import chainrule.bench as b; print(b.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.stdout.strip().startswith(str(site))


def test_missing_fashion_files_are_skipped_with_what_to_install(tmp_path, capsys):
    from chainrule.cli.main import main

    out, absent = tmp_path / "report.md", tmp_path / "absent"
    assert (
        main(["bench", *SMALL, "--no-memory", "--fashion-dir", str(absent), "--out", str(out)]) == 0
    )
    text = out.read_text(encoding="utf-8")
    section = text[text.index("## Fashion-MNIST, one epoch end to end") :]
    assert section.split("\n\n")[1] == (
        f"Skipped: no Fashion-MNIST IDX files (train) in {absent} "
        "(Debian: apt install dataset-fashion-mnist; or give "
        "--fashion-dir DIR)."
    )
    assert "Through the library's loader" not in text
    assert f"skipped: no Fashion-MNIST IDX files (train) in {absent}" in capsys.readouterr().err
