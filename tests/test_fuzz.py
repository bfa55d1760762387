"""Fuzzing the readers of outside data, briefly: the generators of ``tools/fuzz.py`` driven by
Hypothesis (which shrinks a failing input), and the script's watchdog itself.

The long runs (10⁵ inputs and more) are ``python tools/fuzz.py --budget N``; their results are
in ``docs/guarantees.md``. Here every reader gets a few hundred generated and mutated inputs, and
each must end in a result or in the reader's documented errors, quickly and in bounded memory.
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools import fuzz

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"


#: What each reader may raise: its documented errors (ConfigError only for bad options).
ALLOWED = {
    "idx": {"DataError"},
    "mnist": {"DataError"},
    "csv": {"DataError", "ConfigError"},
    "csv_features": {"DataError", "ConfigError"},
    "checkpoint": {"CheckpointError"},
    "model": {"CheckpointError"},
    "resume": {"CheckpointError", "ConfigError", "DataError"},
}
EXAMPLES = {
    "idx": 150,
    "mnist": 60,
    "csv": 120,
    "csv_features": 60,
    "checkpoint": 120,
    "model": 60,
    "resume": 40,
}


@pytest.fixture(scope="module")
def corpus():
    return fuzz.Corpus.build()


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


@pytest.mark.parametrize("target", list(ALLOWED))
def test_every_reader_gives_a_result_or_its_documented_error(corpus, scratch, target):
    @settings(
        max_examples=EXAMPLES[target],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def check(data):
        case = fuzz.make_case(fuzz.HypothesisSource(data), corpus, (target,))
        tracemalloc.start()  # traced around the reader only (Hypothesis itself is not)
        try:
            result = fuzz.run_case(case, scratch)
        finally:
            tracemalloc.stop()
        assert result.outcome == "ok" or result.outcome in ALLOWED[target], result.detail
        assert result.seconds < 2.0, f"{case.kind} input took {result.seconds:.2f} s"
        assert result.peak < fuzz.MEMORY_LIMIT, f"{case.kind} input peaked at {result.peak}"

    check()


def test_the_seeds_are_valid_files(corpus, scratch):
    """The mutations start from files every reader accepts."""
    from chainrule.data import read_csv
    from chainrule.train.model import TrainedModel

    for blob in corpus.idx:
        assert fuzz.run_case(fuzz.Case("idx", "seed", {"input.idx": blob}), scratch).outcome == "ok"
    mnist = fuzz.Case("mnist", "seed", {f"set/{k}": v for k, v in corpus.mnist.items()})
    assert fuzz.run_case(mnist, scratch).outcome == "ok"
    (scratch / "seed.csv").write_bytes(corpus.csv[0])
    assert len(read_csv(scratch / "seed.csv")) == 4
    for blob in corpus.runs:
        for target in ("checkpoint", "model", "resume"):
            case = fuzz.Case(target, "seed", {"checkpoint.npz": blob})
            assert fuzz.run_case(case, scratch).outcome == "ok", target
    (scratch / "c.npz").write_bytes(corpus.runs[0])
    assert TrainedModel.load(scratch / "c.npz").net.parameters()


def test_the_script_runs_inputs_in_watched_workers(corpus):
    report = fuzz.campaign(
        160, workers=2, seed=1, engine="both", chunk=40, timeout=20, corpus=corpus
    )
    assert report.inputs == 160
    assert report.failed == 0, report.failures[:3]
    assert set(report.outcomes) == set(fuzz.TARGETS)
    assert 0 < report.worker_max_rss < fuzz.ADDRESS_SPACE_LIMIT


def test_the_watchdog_catches_hangs_deaths_and_crashes(corpus, tmp_path, monkeypatch):
    """A reader that hangs, kills its process or raises a foreign exception is caught,
    counted, and its input saved for replaying; the run goes on."""
    real = fuzz.run_target
    counter = tmp_path / "calls"  # a count shared by the worker processes
    counter.write_bytes(b"")

    def misbehaving(case, where):
        with open(counter, "ab") as handle:
            handle.write(b".")
        n = counter.stat().st_size
        if case.target == "idx":
            if n == 3:
                time.sleep(60)
            if n == 6:
                os._exit(3)
            if n == 9:
                raise KeyError("a foreign exception")
        return real(case, where)

    monkeypatch.setattr(fuzz, "run_target", misbehaving)  # the forked workers inherit it
    report = fuzz.campaign(
        20,
        workers=1,
        seed=2,
        engine="random",
        timeout=1.5,
        targets=("idx",),
        crashes=tmp_path / "saved",
        chunk=20,
        corpus=corpus,
    )
    assert report.hangs == 1 and report.deaths == 1 and report.crashes == 1
    assert report.inputs == 20
    outcomes = sorted(f["outcome"] for f in report.failures)
    assert outcomes == ["crash:KeyError", "died:3", "hang"]
    for failure in report.failures:
        saved = Path(failure["saved"])
        assert (saved / "case.json").exists() and (saved / "files" / "input.idx").exists()
    # a saved input runs again in this process (here: the crash, now without the fault)
    monkeypatch.setattr(fuzz, "run_target", real)
    crash = next(f for f in report.failures if f["outcome"].startswith("crash"))
    assert fuzz.replay(Path(crash["saved"])) == 0


def test_hostile_sizes_fail_fast(corpus, scratch):
    """Headers that declare gigabytes, in every format, fail in milliseconds."""
    import struct

    huge_idx = bytes([0, 0, 0x0E, 4]) + struct.pack(">4I", *[0xFFFFFFFF] * 4)
    members = fuzz.zip_members(corpus.runs[0])
    members[0] = (members[0][0], fuzz.npy("<f8", (2**40,), data=b"\0" * 64))
    cases = [
        fuzz.Case("idx", "huge", {"input.idx": huge_idx}),
        fuzz.Case("idx", "huge-gz", {"input.idx": fuzz.gz(huge_idx + bytes(99))}),
        fuzz.Case("checkpoint", "huge", {"checkpoint.npz": fuzz.build_zip(members)}),
    ]
    tracemalloc.start()
    try:
        for case in cases:
            result = fuzz.run_case(case, scratch)
            assert result.outcome in ("DataError", "CheckpointError"), result.detail
            assert result.seconds < 1.0 and result.peak < 4 << 20, case.kind
    finally:
        tracemalloc.stop()


def test_the_report_renders_as_the_documents_table():
    report = fuzz.Report()
    report.add(fuzz.Result("idx", "mutate", "DataError", "", 10, 0.001, 100, False))
    summary = report.to_json(
        budget=1,
        workers=1,
        seed=0,
        engine="random",
        timeout=1,
        targets=["idx"],
        address_space_limit=1 << 30,
        chainrule="x",
        numpy="y",
        python="z",
    )
    table = fuzz.markdown(summary)
    assert "| `idx` | 1 | 0 | 1 |" in table and "**0 crashes, 0 hangs" in table
