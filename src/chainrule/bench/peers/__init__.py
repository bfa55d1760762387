"""The contenders. Each module has ``NAME``, ``missing()`` (why it cannot run here, or None)
and ``runner(case, data, threads) -> Runner``; a peer that is not installed is skipped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Runner:
    """``run(n)`` runs n units of work, each ``steps`` training steps (1, or a whole pass over
    the pool for scikit-learn's ``partial_fit``); ``note`` says how the peer was set up."""

    run: Callable[[int], None]
    steps: int = 1
    note: str = ""


def all_peers():
    from . import chainrule_fast, chainrule_tape, numpy_delta, sklearn_mlp, torch_eager

    return [chainrule_fast, chainrule_tape, numpy_delta, torch_eager, sklearn_mlp]
