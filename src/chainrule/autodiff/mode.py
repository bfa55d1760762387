"""Switches of the engine: whether operations are recorded, and whether values are checked.

``no_grad()`` turns recording off (evaluation, optimizer updates); ``detect_anomaly()`` (in
:mod:`.anomaly`) turns on the NaN/Inf check of every forward and backward result. Both hold
for the thread that sets them.
"""

from __future__ import annotations

import threading


class EngineState(threading.local):
    """The switches of the calling thread, read on every operation: each thread starts with
    recording on and no NaN check, and one thread's ``no_grad()`` or ``detect_anomaly()`` does
    not reach the work of another (a server running several networks on worker threads)."""

    def __init__(self):
        self.grad_enabled = True
        self.anomaly_depth = 0
        #: names of the modules being called (kept only while anomaly detection is on)
        self.scope: list[str] = []


state = EngineState()


class _GradMode:
    """Context manager and decorator that sets whether operations are recorded."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._previous: list[bool] = []

    def __enter__(self):
        self._previous.append(state.grad_enabled)
        state.grad_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        state.grad_enabled = self._previous.pop()
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
    """Whether operations are being recorded now."""
    return state.grad_enabled
