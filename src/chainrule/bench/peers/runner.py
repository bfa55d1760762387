"""What a peer hands the benchmark: a function that runs n units of work."""

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
