"""Timing: repeated, interleaved blocks of steps; medians.

Every contender runs a block of steps in turn, round after round, in a rotated order, so slow
drifts of a shared machine (other processes, clock changes) fall on all of them alike; the
reported figure is the median over rounds of (block time ÷ steps in the block).

Before each timed block the contender runs untimed for ``settle`` seconds (0.25 s). The
thread pools of the libraries keep spinning after their last call (OpenBLAS's workers for about
0.1 s); timed straight after another library's block, a contender shares the cores with those
spinning threads. Without settling, PyTorch on a 2-core machine measured twice its own time in
most 50 ms blocks that followed a NumPy contender.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Timing:
    """Seconds per step of one contender: every round's value and their median."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def spread(self) -> float | None:
        """(75th − 25th percentile) ÷ median: how noisy the rounds were; None for fewer than
        4 rounds, which have no quartiles to speak of."""
        if len(self.samples) < 4:
            return None
        q = statistics.quantiles(self.samples, n=4)
        return (q[2] - q[0]) / self.median


def format_spread(spread: float | None) -> str:
    """``spread 12%``, or ``spread n/a`` when there were too few rounds to tell."""
    return "spread n/a (under 4 rounds)" if spread is None else f"spread {spread:.0%}"


def block_size(run: Callable[[int], None], target_s: float, most: int = 100_000) -> int:
    """How many steps make a block of about ``target_s`` seconds (``run(n)`` runs n steps)."""
    n = 1
    while True:
        start = time.perf_counter()
        run(n)
        elapsed = time.perf_counter() - start
        if elapsed >= target_s / 4 or n >= most:
            return max(1, min(most, round(n * target_s / max(elapsed, 1e-9))))
        n *= 4


def interleaved(
    runners: dict,
    rounds: int,
    target_s: float,
    warmup: int = 2,
    collect: bool = False,
    settle: float = 0.25,
) -> dict[str, Timing]:
    """Time every runner in interleaved rounds: ``runners[name]`` is a function ``run(n)`` that
    runs n steps, or an object with such a ``run`` and ``steps`` (steps per unit of ``n``).

    ``collect``: run the garbage collector before every block (for engines whose graphs are
    reference cycles, whose garbage would otherwise be collected during the next contender's
    block). ``settle``: seconds of untimed steps before each timed block (0: none).
    """
    runs = {name: getattr(r, "run", r) for name, r in runners.items()}
    per_unit = {name: getattr(r, "steps", 1) for name, r in runners.items()}
    sizes = {}
    for name, run in runs.items():
        for _ in range(warmup):
            run(1)
        sizes[name] = block_size(run, target_s)
    timings = {name: Timing() for name in runners}
    names = list(runners)
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            n = sizes[name]
            if settle > 0:
                settled = time.perf_counter() + settle
                while time.perf_counter() < settled:
                    runs[name](max(1, n // 8))
            if collect:
                gc.collect()
            start = time.perf_counter()
            runs[name](n)
            timings[name].samples.append((time.perf_counter() - start) / (n * per_unit[name]))
    return timings


def format_time(seconds: float) -> str:
    """1.23 µs, 45.6 µs, 1.80 ms, 2.31 s."""
    if seconds != seconds:  # NaN
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs" if seconds < 1e-4 else f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"
