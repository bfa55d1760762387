#!/usr/bin/env python
"""How fast the playground's engine is: steps a second of ``PlaygroundRun.train`` and the time
of one frame, for the 2-8-8 network of the issue on 500 points (batch 10) and for the largest
network the playground allows (6 hidden layers of 16 units, all seven features, 5 classes).

    python tools/playground_speed.py [--seconds 1] [--repeats 5]

Each rate is measured ``--repeats`` times over ``--seconds``; the median and the best are
printed (on a shared machine the best is the nearest to an idle one). The "page loop" line
trains 90 ms, then builds a frame, as a server streaming ten frames a second would.
"""

from __future__ import annotations

import argparse
import statistics
import time

from chainrule.playground import PlaygroundRun, read_settings

NETWORKS = {
    "2-8-8-2, ce": {"layers": "8,8"},
    "2-8-8-2, mse": {"layers": "8,8", "cost": "mse"},
    "7-16x6-5, relu": {
        "data": "blobs",
        "classes": "5",
        "layers": "16,16,16,16,16,16",
        "features": "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2",
        "activation": "relu",
    },
}


def measure(query: dict, seconds: float, repeats: int) -> str:
    run = PlaygroundRun(read_settings(query))
    run.train(max_steps=300, seconds=1e9)
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        taken = run.train(seconds=seconds)
        rates.append(taken / (time.perf_counter() - start))
    frames = []
    for _ in range(10 * repeats):
        start = time.perf_counter()
        run.frame(history_from=len(run.history))
        frames.append(time.perf_counter() - start)
    start, steps, sent = time.perf_counter(), 0, 0
    while time.perf_counter() - start < seconds * repeats:
        steps += run.train(seconds=0.09)
        run.frame(history_from=len(run.history))
        sent += 1
    elapsed = time.perf_counter() - start
    return (
        f"{run.train_step.kind} step: {statistics.median(rates):,.0f} steps/s "
        f"(best {max(rates):,.0f}); a frame {statistics.median(frames) * 1e3:.1f} ms "
        f"(best {min(frames) * 1e3:.1f}); page loop {steps / elapsed:,.0f} steps/s with "
        f"{sent / elapsed:.1f} frames/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for name, query in NETWORKS.items():
        print(f"{name}: {measure(query, args.seconds, args.repeats)}", flush=True)


if __name__ == "__main__":
    main()
