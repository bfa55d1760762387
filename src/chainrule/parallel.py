"""Large elementwise work split over two threads.

NumPy runs an elementwise operation on one core (only BLAS uses them all), and releases the
interpreter lock while it loops. So for a large array the compiled training step and the
optimizers hand the second half of the rows to one helper thread and run the first half
themselves: both cores work, and the result is the same array, number for number (every
element is computed by the same function either way). Small work stays on the calling thread:
handing work over costs 10-20 µs, so only work of a few hundred µs is split, measured in
elements × passes over them (a sigmoid is about six passes, an Adam update nine).
"""

from __future__ import annotations

import os
import threading

import numpy as np

#: Work (elements × passes) from which it is split; below it the handover costs more than the
#: second core gives back. ``float("inf")`` turns splitting off.
SPLIT_WORK = 1 << 19

_CORES = os.cpu_count() or 1


def worth_splitting(size: int, passes: float = 1) -> bool:
    """Whether elementwise work of ``passes`` passes over ``size`` elements is split."""
    return _CORES > 1 and size * passes >= SPLIT_WORK


class _Helper:
    """One daemon thread that runs a job posted by :func:`elementwise` and reports back."""

    def __init__(self):
        self.pid = os.getpid()
        self.busy = threading.Lock()  # held while a job is in flight (one caller at a time)
        self._posted = threading.Lock()
        self._posted.acquire()
        self._finished = threading.Lock()
        self._finished.acquire()
        self._job = None
        self._error: BaseException | None = None
        thread = threading.Thread(target=self._serve, name="chainrule-elementwise", daemon=True)
        thread.start()

    def _serve(self) -> None:
        while True:
            self._posted.acquire()
            function, args, kwargs = self._job
            self._job = None
            try:
                function(*args, **kwargs)
            except BaseException as exc:  # handed back to the caller
                self._error = exc
            self._finished.release()

    def run(self, function, first, second) -> None:
        """``function(*args, **kwargs)`` for ``first`` here and ``second`` on the helper."""
        self._job = (function, *second)
        self._posted.release()
        try:
            function(*first[0], **first[1])
        finally:
            self._finished.acquire()
            error, self._error = self._error, None
        if error is not None:
            raise error


_helper: _Helper | None = None
_create = threading.Lock()


def _get_helper() -> _Helper:
    global _helper
    helper = _helper
    if helper is None or helper.pid != os.getpid():  # none yet, or we are a forked child
        with _create:
            if _helper is None or _helper.pid != os.getpid():
                _helper = _Helper()
            helper = _helper
    return helper


def _halves(value, shape, cut: int):
    if isinstance(value, np.ndarray) and value.shape == shape:
        return value[:cut], value[cut:]
    return value, value  # a constant, or an array broadcast along the rows (a bias)


def elementwise(function, args, out, passes: float = 1, **kwargs):
    """``function(*args, out=out, **kwargs)`` for an elementwise ``function`` of ``passes``
    passes over ``out``, with the rows of ``out`` and of every argument of its shape split over
    two threads when the work is large (other arguments are passed whole to both halves).
    Returns ``out``."""
    rows = out.shape[0] if out.ndim else 0
    if rows < 2 or not worth_splitting(out.size, passes):
        return function(*args, out=out, **kwargs)
    helper = _get_helper()
    if not helper.busy.acquire(blocking=False):  # another thread is using it: run here
        return function(*args, out=out, **kwargs)
    try:
        cut = rows // 2
        pairs = [_halves(a, out.shape, cut) for a in args]
        top = dict(kwargs, out=out[:cut])
        bottom = dict(kwargs, out=out[cut:])
        helper.run(
            function, (tuple(p[0] for p in pairs), top), (tuple(p[1] for p in pairs), bottom)
        )
    finally:
        helper.busy.release()
    return out
