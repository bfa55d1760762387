"""What the tape costs: one training step of the book's 3-4-1 network (batch 4) through the
recorded graph, through the compiled step, and as raw NumPy; and the no-grad forward pass."""

from __future__ import annotations

from .cases import Case, make_data
from .peers import chainrule_fast, numpy_delta, torch_eager
from .timing import interleaved

BOOK = Case("book", (3, 4, 1), 4)


def tape_overhead(threads: int, rounds: int, target_s: float) -> dict:
    data = make_data(BOOK)
    runners = {
        "tape step": chainrule_fast.runner(BOOK, data, threads, compiled=False),
        "compiled step": chainrule_fast.runner(BOOK, data, threads, compiled=True),
        "raw NumPy": numpy_delta.runner(BOOK, data, threads),
    }
    timings = interleaved(runners, rounds, target_s)
    return {name: t.median for name, t in timings.items()}


def inference(cases, threads: int, rounds: int, target_s: float) -> dict:
    """Seconds per no-grad forward pass of one batch, per case and contender."""
    results = {}
    for case in cases:
        data = make_data(case)
        runners = {
            "chainrule": chainrule_fast.infer(case, data, threads),
            "NumPy": numpy_delta.infer(case, data, threads),
        }
        if torch_eager.missing() is None:
            runners["PyTorch"] = torch_eager.infer(case, data, threads)
        timings = interleaved(runners, rounds, target_s)
        results[case.name] = {name: t.median for name, t in timings.items()}
    return results
