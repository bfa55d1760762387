"""Switches of the engine: whether operations are recorded, and whether values are checked.

``no_grad()`` turns recording off (evaluation, optimizer updates); ``detect_anomaly()`` (in
:mod:`.anomaly`) turns on the NaN/Inf check of every forward and backward result.

Each thread has its own switches (as in PyTorch): a ``no_grad()`` block in one thread (a
playground run measuring its loss) does not stop another thread's training step from recording,
and two threads' blocks that interleave cannot leave recording off for good. A new thread starts
recording, with no anomaly checks.

A thread's own switches cost more to read than a plain attribute, and every operation reads
them; so ``blocks.open`` counts the blocks open now in all threads together, and the hot paths
(``apply``, ``backward``, a module call, the compiled step) read a thread's switches only when
it is not 0. While no block is open anywhere, every thread records and none checks.
"""

from __future__ import annotations

import threading


class EngineState(threading.local):
    """The switches of the calling thread, read on every operation (one attribute lookup)."""

    def __init__(self):
        self.grad_enabled = True
        self.anomaly_depth = 0
        #: names of the modules being called (kept only while anomaly detection is on)
        self.scope: list[str] = []


state = EngineState()


class OpenBlocks:
    """How many ``no_grad``, ``enable_grad`` and ``detect_anomaly`` blocks are open now, in all
    threads together (0: every thread's switches are the defaults)."""

    def __init__(self):
        self.open = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self.open += 1

    def leave(self) -> None:
        with self._lock:
            self.open -= 1


blocks = OpenBlocks()


class _GradMode:
    """Context manager and decorator that sets whether operations are recorded."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._previous: list[bool] = []

    def __enter__(self):
        blocks.enter()
        self._previous.append(state.grad_enabled)
        state.grad_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        state.grad_enabled = self._previous.pop()
        blocks.leave()
        return False

    def __call__(self, function):
        import functools

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with _GradMode(self.enabled):
                return function(*args, **kwargs)

        return wrapper


def no_grad() -> _GradMode:
    """Within the block (or the decorated function) nothing is recorded for backward."""
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Within the block recording is on again (inside an outer ``no_grad``)."""
    return _GradMode(True)


def is_grad_enabled() -> bool:
    """Whether operations are being recorded now (in the calling thread)."""
    return state.grad_enabled
