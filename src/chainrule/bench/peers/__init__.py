"""The contenders. Each module has ``NAME``, ``missing()`` (why it cannot run here, or None)
and ``runner(case, data, threads) -> Runner``; a peer that is not installed is skipped."""

from __future__ import annotations

from . import chainrule_fast, chainrule_tape, numpy_delta, sklearn_mlp, torch_eager
from .runner import Runner

__all__ = ["Runner", "all_peers"]


def all_peers():
    return [chainrule_fast, chainrule_tape, numpy_delta, torch_eager, sklearn_mlp]
