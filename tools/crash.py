#!/usr/bin/env python
"""Kill ``chainrule train`` with SIGKILL at random moments, resume it, and check the result.

    python tools/crash.py --kills 300 [--seed 0] [--json crash.json] [--write-doc]

Each *chain* trains one small float64 run (Adam, Dropout, shuffled batches) with the real
command line, ``python -m chainrule train ... --out DIR``, kills it after a random delay
(uniform over the length of an uninterrupted run, so kills land during start-up, training,
and the checkpoint writes), checks what the kill left behind, and starts it again with
``python -m chainrule train --resume DIR`` (or afresh when no checkpoint was written yet),
until a run finishes. After every kill:

- ``checkpoint.npz``, when present, loads, holds finite weights, and its epoch never goes
  back; ``metrics.json``, when present, is valid JSON;
- a temporary file left by a write the kill interrupted is never the checkpoint, and the next
  run removes it.

At the end, the chain's final checkpoint must equal an uninterrupted run's bit for bit
(weights, optimizer state and step count, the loss history).

A second mode aims the kill inside the atomic write itself: the same command line runs in a
child whose ``chainrule.checkpoint.atomic`` sees an ``os`` that sends SIGKILL at a chosen
point of the N-th checkpoint write (part-way through writing the temporary file, before its
fsync, before the rename, or after the rename): the previous checkpoint must survive intact.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

import chainrule
from chainrule.checkpoint import load_checkpoint
from chainrule.checkpoint.atomic import temporaries

ROOT = Path(__file__).resolve().parents[1]
#: the directory that holds the imported ``chainrule`` (a checkout's src, or site-packages)
PACKAGE_ROOT = str(Path(chainrule.__file__).resolve().parents[1])
DOC = ROOT / "docs" / "guarantees.md"
DOC_BEGIN = "<!-- crash-results:begin -->"
DOC_END = "<!-- crash-results:end -->"
#: The run every chain trains: small, float64, with everything a resume must restore.
TRAIN = [
    "--data",
    "circles",
    "--hidden",
    "8",
    "--dtype",
    "float64",
    "--epochs",
    "30",
    "--batch-size",
    "8",
    "--dropout",
    "0.1",
    "--optimizer",
    "adam",
    "--lr",
    "0.01",
]
QUIET = ["--quiet", "--no-plots"]
#: Where inside the N-th checkpoint write a targeted kill lands.
PHASES = ("write", "fsync", "replace", "renamed")


def child_env() -> dict:
    """This environment, with the ``chainrule`` this process imported first on the children's
    path, so that they run the same code."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([PACKAGE_ROOT, env.get("PYTHONPATH", "")])
    env.pop("CHAINRULE_DATA_DIR", None)
    return env


def command(args: list[str], phase: str | None = None, nth: int = 0, at_byte: int = 0) -> list[str]:
    """``python -m chainrule ARGS``, or this script's child mode that kills itself inside the
    ``nth`` checkpoint write at ``phase`` (for "write": after ``at_byte`` bytes)."""
    if phase is None:
        return [sys.executable, "-m", "chainrule", *args]
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        phase,
        str(nth),
        str(at_byte),
        "--",
        *args,
    ]


def state(directory: Path) -> dict:
    """What must be identical: weights, optimizer state and steps, epoch, the loss history."""
    checkpoint = load_checkpoint(directory / "checkpoint.npz")
    arrays = {f"param/{k}": v for k, v in checkpoint.parameters.items()}
    for i, slot in enumerate(checkpoint.optimizer["state"]):
        arrays.update({f"optim/{i}/{k}": np.asarray(v) for k, v in slot.items()})
    history = [
        {k: row.get(k) for k in ("epoch", "loss", "val_loss", "val_accuracy", "lr")}
        for row in checkpoint.info["trainer"]["history"]
    ]
    return {
        "arrays": arrays,
        "epoch": checkpoint.epoch,
        "steps": checkpoint.optimizer["steps"],
        "history": history,
    }


def same(a: dict, b: dict) -> list[str]:
    """Every difference between two states (bitwise for arrays)."""
    problems = [f"{k}: {a[k]} != {b[k]}" for k in ("epoch", "steps") if a[k] != b[k]]
    if a["history"] != b["history"]:
        problems.append("the loss history differs")
    if a["arrays"].keys() != b["arrays"].keys():
        problems.append(f"different arrays: {sorted(a['arrays'])} vs {sorted(b['arrays'])}")
    for key in a["arrays"].keys() & b["arrays"].keys():
        x, y = a["arrays"][key], b["arrays"][key]
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            problems.append(f"{key} differs")
    return problems


@dataclass
class Stats:
    chains: int = 0
    kills: int = 0
    kills_before_first_checkpoint: int = 0
    kills_after_progress: int = 0
    kills_leaving_a_temporary: int = 0
    targeted_kills: dict = field(default_factory=dict)
    runs: int = 0
    fresh_starts: int = 0
    resumes: int = 0
    checkpoints_checked: int = 0
    temporaries_seen: int = 0
    temporaries_removed: int = 0
    identical_chains: int = 0
    violations: list = field(default_factory=list)
    seconds: float = 0.0

    def merge(self, other: Stats) -> None:
        for name, value in asdict(other).items():
            if name == "targeted_kills":
                for phase, n in value.items():
                    self.targeted_kills[phase] = self.targeted_kills.get(phase, 0) + n
            elif name == "violations":
                self.violations += value
            else:
                setattr(self, name, getattr(self, name) + value)


def reference(directory: Path, timeout: float = 300, train=TRAIN) -> tuple[dict, float]:
    """An uninterrupted run: its final state and how long the command took."""
    started = time.perf_counter()
    subprocess.run(
        command(["train", *train, *QUIET, "--out", str(directory)]),
        env=child_env(),
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )
    return state(directory), time.perf_counter() - started


def leftovers(directory: Path) -> set[Path]:
    return set(temporaries(directory / "checkpoint.npz")) | set(
        temporaries(directory / "metrics.json")
    )


def inspect(directory: Path, stats: Stats, last_epoch: int, what: str, seen: set) -> int:
    """Check what a kill left behind; returns the checkpoint's epoch (0 if none)."""
    left = leftovers(directory)
    stats.kills_leaving_a_temporary += bool(left)
    seen |= left
    path = directory / "checkpoint.npz"
    epoch = 0
    if path.exists():
        try:
            checkpoint = load_checkpoint(path)
        except Exception as exc:  # noqa: BLE001 - any failure here is the finding
            stats.violations.append(f"{what}: the checkpoint does not load: {exc}")
            return last_epoch
        stats.checkpoints_checked += 1
        epoch = checkpoint.epoch
        if not all(np.isfinite(a).all() for a in checkpoint.parameters.values()):
            stats.violations.append(f"{what}: the checkpoint holds non-finite weights")
        if epoch < last_epoch:
            stats.violations.append(
                f"{what}: the checkpoint went back from epoch {last_epoch} to {epoch}"
            )
    metrics = directory / "metrics.json"
    if metrics.exists():
        try:
            json.loads(metrics.read_text())
        except ValueError as exc:
            stats.violations.append(f"{what}: metrics.json is not valid JSON: {exc}")
    return epoch


def start(
    directory: Path,
    stats: Stats,
    phase: str | None = None,
    nth: int = 0,
    train=TRAIN,
    at_byte: int = 0,
):
    """Start the next run of a chain: resume if there is a checkpoint, else afresh."""
    stats.runs += 1
    if (directory / "checkpoint.npz").exists():
        stats.resumes += 1
        args = ["train", "--resume", str(directory), *QUIET]
    else:
        stats.fresh_starts += 1
        args = ["train", *train, *QUIET, "--out", str(directory)]
    return subprocess.Popen(
        command(args, phase, nth, at_byte),
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish(process, directory: Path, stats: Stats, seen: set, what: str, timeout: float) -> bool:
    """Wait for the run that is not killed; True when it succeeded and no temporary file a
    kill left behind is still there."""
    _, err = process.communicate(timeout=timeout)
    if process.returncode != 0:
        stats.violations.append(
            f"{what}: exit code {process.returncode}: {err.decode(errors='replace')[-300:]}"
        )
        return False
    still = {p for p in seen if p.exists()} | leftovers(directory)
    stats.temporaries_seen += len(seen)
    stats.temporaries_removed += len(seen - still)
    if still:
        stats.violations.append(
            f"{what}: temporary files were left behind: {sorted(p.name for p in still)}"
        )
    return True


def progress(process, directory: Path) -> float:
    """Wait until the run writes a checkpoint (or ends); returns that moment."""
    path = directory / "checkpoint.npz"

    def stamp():
        try:
            info = path.stat()
        except FileNotFoundError:
            return None
        return info.st_ino, info.st_mtime_ns

    before = stamp()
    while process.poll() is None and stamp() == before:
        time.sleep(0.005)
    return time.monotonic()


def chain(
    directory: Path,
    expected: dict,
    duration: float,
    rng: random.Random,
    max_kills: int,
    timeout: float = 300,
    train=TRAIN,
) -> Stats:
    """Kill and resume one run until it finishes; compare it with the uninterrupted one."""
    stats = Stats(chains=1)
    kills, epoch, seen = 0, 0, set()
    while True:
        process = start(directory, stats, train=train)
        what = f"{directory.name} run {stats.runs}"
        if kills >= max_kills:
            if not finish(process, directory, stats, seen, what, timeout):
                return stats
            break
        anywhere = rng.random() < 0.5
        if anywhere:  # any moment of the run's life, start-up included
            deadline = time.monotonic() + rng.uniform(0, duration)
        else:  # a moment of training: after this run's first checkpoint write
            deadline = progress(process, directory) + rng.uniform(0, duration / 2)
        try:
            process.communicate(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            kills += 1
            stats.kills += 1
            stats.kills_after_progress += not anywhere
            stats.kills_before_first_checkpoint += not (directory / "checkpoint.npz").exists()
            epoch = inspect(directory, stats, epoch, f"{what} (killed)", seen)
            continue
        if process.returncode != 0:
            stats.violations.append(f"{what}: exit code {process.returncode}")
            return stats
        still = {p for p in seen if p.exists()} | leftovers(directory)
        stats.temporaries_seen += len(seen)
        stats.temporaries_removed += len(seen - still)
        if still:
            stats.violations.append(
                f"{what}: temporary files were left behind: {sorted(p.name for p in still)}"
            )
        break
    differences = same(expected, state(directory))
    if differences:
        stats.violations.append(
            f"{directory.name}: the resumed run differs from the "
            f"uninterrupted one: {'; '.join(differences[:5])}"
        )
    else:
        stats.identical_chains += 1
    return stats


def targeted(
    directory: Path,
    expected: dict,
    kills: list[tuple[str, int]],
    timeout: float = 300,
    train=TRAIN,
    rng: random.Random | None = None,
) -> Stats:
    """One chain whose kills land inside checkpoint writes: ``kills`` lists (phase, n) —
    the n-th checkpoint write of that run ("write" kills after a random number of bytes).
    Then it resumes to the end and is compared."""
    rng = rng or random.Random(0)
    stats = Stats(chains=1)
    epoch, seen = 0, set()
    for phase, nth in kills:
        before = epoch
        process = start(directory, stats, phase, nth, train, rng.randint(1, 40_000))
        what = f"{directory.name} {phase} kill in write {nth}"
        _, err = process.communicate(timeout=timeout)
        if process.returncode != -signal.SIGKILL:
            stats.violations.append(
                f"{what}: the run was not killed (exit code "
                f"{process.returncode}: {err.decode(errors='replace')[-200:]})"
            )
            return stats
        stats.kills += 1
        stats.targeted_kills[phase] = stats.targeted_kills.get(phase, 0) + 1
        left = temporaries(directory / "checkpoint.npz")
        if set(left) & seen:
            stats.violations.append(
                f"{what}: the run did not remove the temporary files of the run killed before it"
            )
        epoch = inspect(directory, stats, epoch, what, seen)
        # the run started at `before` and was killed in its nth checkpoint write: the
        # checkpoint is the one before that write, or (after the rename) the new one
        wanted = before + nth - (phase != "renamed")
        if epoch != wanted:
            stats.violations.append(
                f"{what}: the checkpoint is at epoch {epoch}, expected {wanted}"
            )
        if (phase != "renamed") != bool(left):
            stats.violations.append(
                f"{what}: temporary files after the kill: {[p.name for p in left]}"
            )
    process = start(directory, stats, train=train)
    if finish(process, directory, stats, seen, f"{directory.name} final run", timeout):
        differences = same(expected, state(directory))
        if differences:
            stats.violations.append(
                f"{directory.name}: differs from the uninterrupted run: "
                f"{'; '.join(differences[:5])}"
            )
        else:
            stats.identical_chains += 1
    return stats


# -- the child that kills itself inside a checkpoint write -----------------------------------------


def child(phase: str, nth: int, at_byte: int, argv: list[str]) -> int:
    """Run the command line with ``chainrule.checkpoint.atomic`` seeing an ``os`` (and
    ``tempfile``) that SIGKILL this process at ``phase`` of the ``nth`` checkpoint write
    ("write": after ``at_byte`` bytes of the temporary file, or, if the file is shorter, when
    all of it is written but not yet synced)."""
    import tempfile as real_tempfile

    import chainrule.checkpoint.atomic as atomic
    from chainrule.cli.main import main

    counter = {"writes": 0, "armed": False}

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    class File:
        """The temporary file: dies part-way through the bytes of the armed write."""

        def __init__(self, handle, budget):
            self._handle, self._budget = handle, budget

        def write(self, data):
            if self._budget is not None and len(data) >= self._budget:
                self._handle.write(bytes(data)[: self._budget])
                self._handle.flush()
                die()
            if self._budget is not None:
                self._budget -= len(data)
            return self._handle.write(data)

        def __getattr__(self, name):
            return getattr(self._handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._handle.__exit__(*exc)

    class Tempfile:
        def __getattr__(self, name):
            return getattr(real_tempfile, name)

        def mkstemp(self, *args, prefix="", **kwargs):
            if prefix.startswith(".checkpoint.npz."):
                counter["writes"] += 1
                counter["armed"] = counter["writes"] == nth
            else:
                counter["armed"] = False
            return real_tempfile.mkstemp(*args, prefix=prefix, **kwargs)

    class Os:
        def __getattr__(self, name):
            return getattr(os, name)

        def fdopen(self, fd, *args, **kwargs):
            handle = os.fdopen(fd, *args, **kwargs)
            budget = at_byte if counter["armed"] and phase == "write" else None
            return File(handle, budget)

        def fsync(self, fd):
            if counter["armed"] and phase in ("fsync", "write"):
                die()
            return os.fsync(fd)

        def replace(self, src, dst):
            if counter["armed"] and phase == "replace":
                die()
            os.replace(src, dst)
            if counter["armed"] and phase == "renamed":
                die()

    atomic.os = Os()
    atomic.tempfile = Tempfile()
    return main(argv)


# -- reporting ----------------------------------------------------------------------------------


def markdown(summary: dict) -> str:
    s = summary
    phases = ", ".join(f"{n} {p}" for p, n in sorted(s["targeted_kills"].items()))
    return "\n".join(
        [
            f"Last run: `python tools/crash.py --kills {s['asked_kills']} --seed {s['seed']} "
            f"--targeted-chains {s['targeted_chains']}` — "
            f"**{s['kills']:,} SIGKILLs** in {s['chains']} chains ({s['seconds']:.0f} s): "
            f"{s['kills'] - sum(s['targeted_kills'].values()):,} at random moments "
            f"(half of the runs drew the moment from the start, half after their first "
            f"checkpoint write; {s['kills_before_first_checkpoint']} kills came before any "
            f"checkpoint existed), "
            f"{sum(s['targeted_kills'].values())} inside checkpoint writes ({phases}); "
            f"{s['kills_leaving_a_temporary']} kills left a temporary file behind "
            f"({s['temporaries_seen']} distinct files), and later runs removed "
            f"{s['temporaries_removed']} of them.",
            "",
            f"- {s['runs']:,} runs of `chainrule train` ({s['fresh_starts']} fresh starts, "
            f"{s['resumes']:,} with `--resume`; the targeted ones through the child mode), "
            f"{s['checkpoints_checked']:,} checkpoints loaded after a kill;",
            f"- **{s['identical_chains']} of {s['chains']} chains** ended bit for bit equal to the "
            f"uninterrupted run (weights, Adam's moments and step count, the loss history);",
            f"- **{len(s['violations'])} violations** (an unloadable or older checkpoint, invalid "
            "metrics.json, a stale temporary left behind, a differing result).",
        ]
    )


def write_doc(summary: dict, path: Path = DOC) -> None:
    text = path.read_text(encoding="utf-8")
    begin, end = text.index(DOC_BEGIN) + len(DOC_BEGIN), text.index(DOC_END)
    path.write_text(text[:begin] + "\n" + markdown(summary) + "\n" + text[end:], encoding="utf-8")


def campaign(
    kills: int,
    seed: int = 0,
    max_kills_per_chain: int = 8,
    targeted_chains: int = 5,
    work: Path | None = None,
    log=print,
) -> tuple[Stats, dict]:
    """Random kills (about ``kills`` of them) in chains, then ``targeted_chains`` chains of
    two kills inside checkpoint writes for every phase."""
    started = time.perf_counter()
    rng = random.Random(seed)
    total = Stats()
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        tmp = Path(tmp)
        expected, duration = reference(tmp / "reference")
        log(f"uninterrupted run: {duration:.2f} s, epoch {expected['epoch']}")
        i = 0
        while total.kills < kills:
            per = min(max_kills_per_chain, kills - total.kills)
            stats = chain(tmp / f"chain{i}", expected, duration, rng, per)
            total.merge(stats)
            i += 1
            log(
                f"chain {i}: {stats.kills} kills, {total.kills} in all, "
                f"{len(total.violations)} violations"
            )
        for phase in PHASES:
            for j in range(targeted_chains):
                plan = [(phase, rng.randint(1, 4)), (phase, rng.randint(1, 4))]
                stats = targeted(tmp / f"targeted-{phase}-{j}", expected, plan, rng=rng)
                total.merge(stats)
                log(
                    f"targeted {phase} {j}: {stats.kills} kills, {len(stats.violations)} violations"
                )
    total.seconds = time.perf_counter() - started
    return total, expected


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1], int(argv[2]), int(argv[3]), argv[5:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="random kills in all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-chain", type=int, default=8, help="most kills in one chain")
    parser.add_argument(
        "--targeted-chains",
        type=int,
        default=5,
        help="chains of two kills inside checkpoint writes, per phase",
    )
    parser.add_argument("--json", help="write the summary here")
    parser.add_argument(
        "--write-doc", action="store_true", help="put the results into docs/guarantees.md"
    )
    args = parser.parse_args(argv)
    stats, _ = campaign(
        args.kills,
        args.seed,
        args.per_chain,
        args.targeted_chains,
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    summary = {
        **asdict(stats),
        "asked_kills": args.kills,
        "seed": args.seed,
        "targeted_chains": args.targeted_chains,
    }
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")
    print(markdown(summary))
    for violation in stats.violations:
        print(f"VIOLATION {violation}", file=sys.stderr)
    if args.write_doc:
        write_doc(summary)
    return 1 if stats.violations or stats.identical_chains != stats.chains else 0


if __name__ == "__main__":
    sys.exit(main())
