"""The engine's switches (recording, anomaly checks) belong to the thread that sets them: a
``no_grad()`` in one thread (a playground run measuring its loss) neither stops another
thread's training step from recording nor, when the two blocks interleave, leaves recording
off for good (the playground server runs each page's run in a worker thread)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import chainrule as cr


def in_thread(function):
    """Run ``function`` in a new thread; its result, or the exception it raised."""
    box = {}

    def target():
        try:
            box["result"] = function()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    if "error" in box:
        raise box["error"]
    return box["result"]


def test_a_thread_records_while_another_is_inside_no_grad():
    def gradient():
        x = cr.Tensor([3.0], dtype="float64", requires_grad=True)
        (x * x).sum().backward()
        return x.grad.copy(), cr.is_grad_enabled()

    with cr.no_grad():
        assert not cr.is_grad_enabled()
        grad, enabled = in_thread(gradient)
        assert not cr.is_grad_enabled()
    assert enabled
    np.testing.assert_array_equal(grad, [6.0])


def test_interleaved_no_grad_blocks_of_two_threads_leave_recording_on():
    a_inside, b_inside, a_left = threading.Event(), threading.Event(), threading.Event()

    def a():
        with cr.no_grad():
            a_inside.set()
            assert b_inside.wait(10)
        a_left.set()
        return cr.is_grad_enabled()

    def b():
        assert a_inside.wait(10)
        with cr.no_grad():
            b_inside.set()
            assert a_left.wait(10)
        return cr.is_grad_enabled()

    results = {}
    threads = [
        threading.Thread(target=lambda f=f, n=n: results.__setitem__(n, f()))
        for n, f in (("a", a), ("b", b))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # process-wide, b's exit restored the False that a's entry had set: recording stayed off
    assert results == {"a": True, "b": True}
    assert cr.is_grad_enabled()


def test_anomaly_detection_in_one_thread_does_not_check_another():
    def nan_through_log():
        x = cr.Tensor([-1.0], dtype="float64", requires_grad=True)
        with np.errstate(invalid="ignore"):
            return float(x.log().data[0])

    with cr.detect_anomaly():
        value = in_thread(nan_through_log)  # no NonFiniteError: that thread checks nothing
        x = cr.Tensor([-1.0], dtype="float64", requires_grad=True)
        with np.errstate(invalid="ignore"), pytest.raises(cr.NonFiniteError, match="op 'log'"):
            x.log()  # this one does
    assert np.isnan(value)
