"""Anomaly detection: name the first operation that produced a NaN or Inf.

Inside ``with cr.detect_anomaly():`` every primitive's forward result and every VJP result is
checked; the first non-finite one raises :class:`NonFiniteError` naming the op, the argument
(backward), the layer that was running, and whether an input was already non-finite.
"""

from __future__ import annotations

import numpy as np

from ..errors import NonFiniteError
from .mode import blocks, state


class detect_anomaly:  # noqa: N801 - used like a function, as torch.autograd.detect_anomaly
    """Context manager: check every value the engine computes for NaN and Inf."""

    def __enter__(self):
        blocks.enter()
        state.anomaly_depth += 1
        return self

    def __exit__(self, *exc):
        state.anomaly_depth -= 1
        blocks.leave()
        return False


def current_scope() -> str:
    """The chain of modules being called, e.g. ``Sequential/[2] Dense(4→1)`` ('' if none)."""
    return " / ".join(state.scope)


def _is_finite(value) -> bool:
    array = np.asarray(value)
    return array.dtype.kind not in "fc" or bool(np.isfinite(array).all())


def _where(scope: str) -> str:
    return f" in {scope}" if scope else ""


def _first_bad(op, args) -> str | None:
    for name, value in zip(op.arg_names, args, strict=False):
        if isinstance(value, np.ndarray) and not _is_finite(value):
            return name
    return None


def check_forward(op, args, ans) -> None:
    """Raise if ``ans`` (the forward result of ``op``) holds NaN/Inf."""
    if _is_finite(ans):
        return
    scope = current_scope()
    bad = _first_bad(op, args)
    if bad is not None:
        raise NonFiniteError(
            f"forward: input '{bad}' of op '{op.name}'{_where(scope)} already holds NaN/Inf "
            "(it came from outside the recorded graph: check the data or the parameters)"
        )
    kinds = "NaN" if np.isnan(np.asarray(ans)).any() else "Inf"
    raise NonFiniteError(
        f"forward: op '{op.name}'{_where(scope)} produced {kinds} from finite inputs "
        f"(shapes {[np.shape(a) for a in args if isinstance(a, np.ndarray)]})"
    )


def check_backward(op, index, g, grad, scope: str) -> None:
    """Raise if the VJP of ``op`` for argument ``index`` gave NaN/Inf."""
    if _is_finite(grad):
        return
    name = op.arg_names[index] if index < len(op.arg_names) else f"#{index}"
    if not _is_finite(g):
        origin = "the gradient arriving from the cost already held NaN/Inf"
    else:
        origin = "from a finite incoming gradient"
    raise NonFiniteError(
        f"backward: the derivative of op '{op.name}' with respect to '{name}'"
        f"{_where(scope)} produced NaN/Inf ({origin})"
    )
