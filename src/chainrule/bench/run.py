"""The whole benchmark, in one run: every case against every peer installed beside chainrule,
then the tape's overhead, the no-grad forward, the scalar engine, memory and Fashion-MNIST.

Progress goes to stderr; the report (Markdown) to ``--out FILE``, else to stdout. Nothing is
written anywhere else: the checkout's ``docs/performance.md`` is rewritten only by a full run
of ``python -m benchmarks`` there (or an explicit ``--out``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import fashion, gemm, machine, memory, overhead, scalar
from .cases import cases_named, make_data
from .peers import all_peers
from .timing import format_spread, format_time, interleaved


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m benchmarks` and `chainrule bench`."""
    parser.add_argument(
        "--quick",
        action="store_true",
        help="three small cases, few rounds, no memory or Fashion-MNIST runs "
        "(a smoke test: the numbers are rough)",
    )
    parser.add_argument(
        "--cases",
        nargs="+",
        metavar="CASE",
        help="only these cases (book, nielsen, mnist-128, wide-256, wide-1024, "
        "and the same names ending in -relu) (default: all; --quick: three)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="interleaved rounds per case (default 15; --quick 3)",
    )
    parser.add_argument(
        "--block",
        type=float,
        default=None,
        help="seconds per timed block of steps (default 0.05; --quick 0.01)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument(
        "--no-scalar", action="store_true", help="skip the scalar engine (micrograd) runs"
    )
    parser.add_argument("--no-fashion", action="store_true", help="skip the Fashion-MNIST epochs")
    parser.add_argument(
        "--fashion-dir",
        default=None,
        help="directory of the Fashion-MNIST IDX files (default: "
        "$CHAINRULE_DATA_DIR, as for chainrule train, or " + fashion.DEFAULT_DIR + ")",
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="FILE",
        help="write the report (Markdown) to FILE (default: none; the report is printed)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads for every contender (NumPy's BLAS, PyTorch, chainrule's "
        "elementwise split); default: as many as NumPy's BLAS uses",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and weights")


def log(message: str) -> None:
    """Progress, on stderr (stdout carries the report)."""
    print(message, file=sys.stderr, flush=True)


def run_cases(cases, threads: int, rounds: int, block: float, seed: int) -> list[dict]:
    results = []
    for case in cases:
        log(f"case {case.name}: {case.label}")
        data = make_data(case, seed=seed)
        runners, notes, skipped, first = {}, {}, {}, {}
        for peer in all_peers():
            reason = peer.missing()
            if reason:
                skipped[peer.NAME] = reason
                log(f"  {peer.NAME:20s} skipped: {reason}")
                continue
            runner = peer.runner(case, data, threads)
            runners[peer.NAME] = runner
            notes[peer.NAME] = runner.note
            if hasattr(peer, "first_loss"):
                first[peer.NAME] = peer.first_loss(case, data)
        timings = interleaved(runners, rounds, block)
        seconds = {name: t.median for name, t in timings.items()}
        for name, t in timings.items():
            log(f"  {name:20s} {format_time(t.median):>10s} per step, {format_spread(t.spread)}")
        results.append(
            {
                "case": case,
                "seconds": seconds,
                "spread": {n: t.spread for n, t in timings.items()},
                "notes": notes,
                "skipped": skipped,
                "first_loss": first,
            }
        )
    return results


def run(args) -> dict:
    """Run everything ``args`` asks for; returns the results (see :mod:`.report`)."""
    if getattr(args, "threads", None):
        with machine.limit_threads(args.threads):
            return _run(args)
    return _run(args)


def _run(args) -> dict:
    started = time.time()
    quick = args.quick
    rounds = args.rounds or (3 if quick else 15)
    block = args.block or (0.01 if quick else 0.05)
    threads = machine.threads()
    results: dict = {
        "machine": machine.describe(),
        "rounds": rounds,
        "block": block,
        "quick": quick,
        "threads": threads,
    }
    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:
        pass
    log(f"machine: {results['machine']['CPU']}, {threads} threads")
    results["gemm"] = gemm.sgemm_rate(repeats=3 if quick else 7)
    log(f"sgemm 2048³: {results['gemm'] / 1e9:.0f} GFLOP/s")
    cases = cases_named(args.cases, quick)
    results["cases"] = run_cases(cases, threads, rounds, block, args.seed)
    log("the tape's overhead (the book's network)")
    results["overhead"] = overhead.tape_overhead(threads, rounds, block)
    log("no-grad forward")
    results["inference"] = overhead.inference(
        [c for c in cases if c.kind == "sigmoid"], threads, rounds, block
    )
    if not args.no_scalar:
        log("scalar engine: micrograd's moons demo")
        results["scalar"] = scalar.moons_comparison(rounds=3 if quick else 7)
        log("scalar engine: a million-node graph")
        results["million"] = scalar.million_node_backward(100_000 if quick else 1_000_000)
    if not (args.no_memory or quick):
        log("peak memory (a fresh process per case and peer)")
        results["memory"] = {}
        for case in cases:
            row = results["memory"][case.name] = {}
            for peer in all_peers():
                if peer.missing() is None:
                    row[peer.NAME] = memory.in_subprocess(case.name, peer.NAME, threads)
    if not (args.no_fashion or quick):
        directory = fashion.data_dir(args.fashion_dir)
        installed = {p.NAME for p in all_peers() if p.missing() is None}
        log(f"Fashion-MNIST epochs ({directory})")
        try:
            results["fashion"] = fashion.epoch_comparison(directory, threads, 3, installed)
        except FileNotFoundError as exc:
            results["fashion"] = f"Skipped: {exc}."
            log(f"  skipped: {exc}")
        else:
            results["trainer"] = fashion.trainer_epoch(directory, 2)
    results["duration"] = time.time() - started
    return results


def main(args) -> int:
    """Run, then write the report to ``args.out`` (atomically) or print it; the summary (the
    ratios and the targets) follows on the terminal."""
    from ..checkpoint import atomic_write_text
    from ..errors import ConfigError
    from .report import markdown, summary

    results = run(args)
    text = markdown(results)
    if args.out and args.out != "-":
        out = Path(args.out)
        try:
            atomic_write_text(out, text)
        except OSError as exc:
            raise ConfigError(f"cannot write {out}: {exc.strerror}") from None
        print(f"wrote {out}")
        print(summary(results))
    else:
        print(text)
        log(summary(results))
    return 0
