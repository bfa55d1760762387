"""Gradient clipping: bound the step when gradients explode."""

from __future__ import annotations

import numpy as np

from .optimizer import check_rate


def grad_norm(params) -> float:
    """‖g‖₂ over every parameter's gradient, taken together."""
    total = 0.0
    for p in params:
        if p.grad is not None:
            total += float(np.vdot(p.grad, p.grad))
    return float(np.sqrt(total))


def clip_grad_norm(params, max_norm: float) -> float:
    """Scale all gradients by min(1, max_norm / ‖g‖₂), in place; returns ‖g‖₂ before."""
    params = list(params)
    max_norm = check_rate("max_norm", max_norm)
    norm = grad_norm(params)
    if np.isfinite(norm) and norm > max_norm > 0:
        factor = max_norm / (norm + 1e-12)
        for p in params:
            if p.grad is not None:
                p.grad *= factor
    return norm
