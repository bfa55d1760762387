"""Softmax and log-softmax over one axis, computed stably (the maximum is subtracted first).

softmax's Jacobian is diag(s) − s sᵀ, so its VJP never forms it:
    ∂C/∂z = s ⊙ (g − ⟨g, s⟩)
log-softmax's Jacobian is I − 1 sᵀ, so
    ∂C/∂z = g − s Σ g
"""

from __future__ import annotations

import numpy as np

from .primitive import buffer, primitive


def stable_log_softmax(z, axis=-1):
    """ln softmax(z) = z − max z − ln Σ e^(z − max z): never overflows, never takes ln 0."""
    shifted = z - z.max(axis=axis, keepdims=True)
    total = np.exp(shifted).sum(axis=axis, keepdims=True)
    return np.subtract(shifted, np.log(total, out=total), out=shifted)


def stable_softmax(z, axis=-1, out=None):
    """e^(z − max z) / Σ e^(z − max z)."""
    out = np.subtract(z, z.max(axis=axis, keepdims=True), out=buffer(out, z))
    np.exp(out, out=out)
    out /= out.sum(axis=axis, keepdims=True)
    return out


@primitive
def softmax(z, axis=-1, out=None):
    """s = e^z / Σ e^z.   ∂C/∂z = s ⊙ (g − Σ g ⊙ s)   (J = diag(s) − s sᵀ, never formed)."""
    return stable_softmax(z, axis, out=out)


@softmax.vjp("z")
def softmax_vjp_z(g, s, z, axis):
    """∂C/∂z = s ⊙ (g − ⟨g, s⟩)   (J = diag(s) − s sᵀ, never formed)."""
    return s * (g - np.sum(g * s, axis=axis, keepdims=True))


@primitive
def log_softmax(z, axis=-1):
    """ℓ = z − ln Σ e^z.   ∂C/∂z = g − softmax(z) Σ g   (J = I − 1 sᵀ)."""
    return stable_log_softmax(z, axis)


@log_softmax.vjp("z")
def log_softmax_vjp_z(g, ell, z, axis):
    """∂C/∂z = g − softmax(z) Σ g = g − e^ℓ Σ g   (J = I − 1 sᵀ)."""
    return g - np.exp(ell) * np.sum(g, axis=axis, keepdims=True)
