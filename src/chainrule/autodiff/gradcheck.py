"""Gradient checking: the engine's gradients against central finite differences, in float64.

For every element θ of every input, (f(θ + ε) − f(θ − ε)) / 2ε approximates ∂f/∂θ with an
error of order ε², and is compared with what ``backward`` computed. A non-scalar ``fn`` is
reduced to the scalar Σ r ⊙ fn(...) with fixed random weights r, which checks its VJP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import ChainruleError, GradcheckError
from .mode import no_grad


@dataclass
class InputCheck:
    """The comparison for one input tensor."""

    name: str
    shape: tuple[int, ...]
    max_abs_error: float
    max_rel_error: float
    worst_index: tuple[int, ...]
    analytic_at_worst: float
    numeric_at_worst: float
    passed: bool
    #: how many entries were compared (all of them, or a seeded random sample of them)
    checked: int = -1

    @property
    def sampled(self) -> bool:
        return 0 <= self.checked < int(np.prod(self.shape, dtype=np.int64))


@dataclass
class GradcheckReport:
    """Per-input results; truthy when every input passed. ``str()`` gives a table."""

    inputs: list[InputCheck] = field(default_factory=list)
    eps: float = 1e-6
    atol: float = 1e-5
    rtol: float = 1e-3
    max_entries: int | None = None

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.inputs)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        head = (
            f"gradcheck (central differences, float64, eps={self.eps:g}, "
            f"atol={self.atol:g}, rtol={self.rtol:g})"
        )
        rows = [
            head,
            f"{'input':<16} {'shape':<14} {'max abs err':>12} {'max rel err':>12}  "
            f"{'worst at':<12} {'engine':>13} {'numeric':>13}  result",
        ]
        for c in self.inputs:
            rows.append(
                f"{c.name:<16} {str(c.shape):<14} {c.max_abs_error:>12.3e} "
                f"{c.max_rel_error:>12.3e}  {str(c.worst_index):<12} "
                f"{c.analytic_at_worst:>13.6e} {c.numeric_at_worst:>13.6e}  "
                f"{'ok' if c.passed else 'MISMATCH'}"
                + (
                    f" ({c.checked:,} of {int(np.prod(c.shape)):,} entries, sampled)"
                    if c.sampled
                    else ""
                )
            )
        sampled = [c for c in self.inputs if c.sampled]
        if sampled:
            rows.append(
                f"note: {len(sampled)} of {len(self.inputs)} inputs have more than "
                f"{self.max_entries:,} entries; a seeded random sample of "
                f"{self.max_entries:,} of each was checked"
            )
        return "\n".join(rows)


def _scalar_of(fn, tensors, weights):
    out = fn(*tensors)
    if out.data.size == 1:
        return out.reshape(())
    if weights.get("r") is None:
        weights["r"] = np.random.default_rng(0).standard_normal(out.data.shape)
    return (out * weights["r"]).sum()


def _compare(name, analytic, numeric, atol, rtol, shape=None, where=None) -> InputCheck:
    """The comparison of the entries checked: all of them, or those at the flat indices
    ``where`` of an input of ``shape`` (``analytic`` and ``numeric`` then hold those only)."""
    error = np.abs(analytic - numeric)
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    relative = np.where(scale > 0, error / np.where(scale > 0, scale, 1), 0.0)
    allowed = atol + rtol * np.abs(numeric)
    ok = error <= allowed
    with np.errstate(divide="ignore", invalid="ignore"):  # atol = rtol = 0 is allowed
        flat_worst = int(np.argmax(error / allowed)) if error.size else 0
    at = flat_worst if where is None else int(where[flat_worst]) if analytic.size else 0
    full = tuple(analytic.shape) if shape is None else tuple(shape)
    worst = np.unravel_index(flat_worst, analytic.shape) if analytic.size else ()
    return InputCheck(
        name=name,
        shape=full,
        max_abs_error=float(error.max(initial=0.0)),
        max_rel_error=float(relative.max(initial=0.0)),
        worst_index=tuple(int(i) for i in np.unravel_index(at, full)) if analytic.size else (),
        analytic_at_worst=float(analytic[worst]) if analytic.size else 0.0,
        numeric_at_worst=float(numeric[worst]) if numeric.size else 0.0,
        passed=bool(ok.all()),
        checked=int(analytic.size),
    )


def gradcheck(
    fn,
    *tensors,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_on_failure: bool = True,
    max_entries: int | None = None,
    seed: int = 0,
) -> GradcheckReport:
    """Compare ``backward``'s gradients of ``fn(*tensors)`` with central differences.

    The tensors are switched to float64 for the check (and restored afterwards), so ``fn``
    may also ignore its arguments and use them from a network: ``gradcheck(lambda *p:
    cost(net(X), Y), *net.parameters())``. Returns a :class:`GradcheckReport`; raises
    :class:`GradcheckError` carrying it if any element disagrees (``raise_on_failure``).
    Each costs two evaluations of ``fn`` per entry: with ``max_entries``, an input with more
    entries is checked at that many distinct entries drawn with ``seed`` (the report says so).
    """
    if max_entries is not None and (isinstance(max_entries, bool) or max_entries < 1):
        raise ChainruleError(
            f"gradcheck: max_entries must be a whole number ≥ 1, got {max_entries!r}"
        )
    if not tensors:
        raise ChainruleError("gradcheck needs at least one tensor to differentiate")
    saved = [(t.data, t.grad, t.requires_grad) for t in tensors]
    weights: dict = {}
    try:
        for t in tensors:
            t.data = np.array(t.data, dtype=np.float64)
            t.grad = None
            t.requires_grad = True
        _scalar_of(fn, tensors, weights).backward()
        analytic = [np.zeros_like(t.data) if t.grad is None else t.grad.copy() for t in tensors]
        rng = np.random.default_rng(seed)
        chosen = [
            None
            if max_entries is None or t.data.size <= max_entries
            else np.sort(rng.choice(t.data.size, max_entries, replace=False))
            for t in tensors
        ]
        report = GradcheckReport(eps=eps, atol=atol, rtol=rtol, max_entries=max_entries)
        with no_grad():
            for i, (t, a, where) in enumerate(zip(tensors, analytic, chosen, strict=True)):
                flat = t.data.reshape(-1)
                indices = range(flat.size) if where is None else where
                slope = np.zeros(len(indices))
                for k, index in enumerate(indices):
                    original = flat[index]
                    flat[index] = original + eps
                    plus = _scalar_of(fn, tensors, weights).item()
                    flat[index] = original - eps
                    minus = _scalar_of(fn, tensors, weights).item()
                    flat[index] = original
                    slope[k] = (plus - minus) / (2 * eps)
                name = t.name or f"input {i}"
                if where is None:
                    report.inputs.append(_compare(name, a, slope.reshape(a.shape), atol, rtol))
                else:
                    report.inputs.append(
                        _compare(name, a.reshape(-1)[where], slope, atol, rtol, a.shape, where)
                    )
    finally:
        for t, (data, grad, requires) in zip(tensors, saved, strict=True):
            t.data, t.grad, t.requires_grad = data, grad, requires
    if raise_on_failure and not report.passed:
        raise GradcheckError(f"gradients disagree with finite differences\n{report}", report)
    return report
