"""Crash safety: ``python -m chainrule train`` killed with SIGKILL at random moments and inside
its checkpoint writes, then resumed with ``--resume``, ends bit for bit where an uninterrupted
run ends; the latest checkpoint always loads; half-written files are never read and are
cleaned up. (``tools/crash.py`` runs the same harness with hundreds of kills.)"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys

import pytest

from chainrule.checkpoint import atomic_write_text, load_checkpoint
from chainrule.checkpoint.atomic import remove_stale_temporaries, temporaries
from tools import crash

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL and /proc are POSIX"),
    pytest.mark.slow,
]
#: A short run for the test suite (the script trains 30 epochs).
TRAIN = [
    *crash.TRAIN[: crash.TRAIN.index("--epochs") + 1],
    "12",
    *crash.TRAIN[crash.TRAIN.index("--epochs") + 2 :],
]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    return crash.reference(tmp_path_factory.mktemp("reference"), train=TRAIN)


def test_random_sigkills_then_resume_reach_the_uninterrupted_weights(uninterrupted, tmp_path):
    expected, duration = uninterrupted
    rng = random.Random(20240611)
    total = crash.Stats()
    i = 0
    while total.kills < 10:
        stats = crash.chain(
            tmp_path / f"chain{i}", expected, duration, rng, max_kills=10 - total.kills, train=TRAIN
        )
        assert stats.violations == [], stats.violations
        assert stats.identical_chains == 1
        total.merge(stats)
        i += 1
    assert total.kills >= 10 and total.kills_after_progress >= 1 and total.resumes >= 1


def test_a_kill_inside_every_phase_of_a_checkpoint_write(uninterrupted, tmp_path):
    """Killed part-way through the temporary file, before its fsync, before the rename: the
    previous checkpoint is intact and the temporary is ignored, then removed; killed after
    the rename: the new checkpoint is complete."""
    expected, _ = uninterrupted
    plan = [("write", 2), ("fsync", 1), ("replace", 2), ("renamed", 1), ("write", 1)]
    stats = crash.targeted(tmp_path / "run", expected, plan, train=TRAIN)
    assert stats.violations == [], stats.violations
    assert stats.targeted_kills == {"write": 2, "fsync": 1, "replace": 1, "renamed": 1}
    assert stats.identical_chains == 1
    assert stats.temporaries_seen >= 3 and stats.temporaries_removed == stats.temporaries_seen
    assert load_checkpoint(tmp_path / "run").epoch == expected["epoch"]


def test_stale_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    target = tmp_path / "checkpoint.npz"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = {
            f".checkpoint.npz.{dead.stdout.strip()}.abc.tmp": False,
            f".checkpoint.npz.{alive.pid}.abc.tmp": True,
            f".checkpoint.npz.{os.getpid()}.abc.tmp": True,
            ".checkpoint.npz.notapid.tmp": True,
            ".other.npz.1.x.tmp": True,
        }
        for name in names:
            (tmp_path / name).write_bytes(b"half a file")
        assert [p.name for p in remove_stale_temporaries(target)] == [
            f".checkpoint.npz.{dead.stdout.strip()}.abc.tmp"
        ]
        atomic_write_text(target, "done")  # every write cleans up first
        left = {p.name for p in tmp_path.iterdir()}
        assert left == {name for name, kept in names.items() if kept} | {"checkpoint.npz"}
        assert len(temporaries(target)) == 3
    finally:
        alive.send_signal(signal.SIGKILL)
        alive.wait()
