"""Fused costs: each is one node whose VJP is the book's ∇_a C (or ∂C/∂z where the cost is fused
with its output activation, which is both shorter and numerically stable).

``scale`` is 1 for a summed cost and 1/batch for a mean over examples.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .primitive import buffer, primitive
from .softmax import stable_log_softmax, stable_softmax


@primitive
def squared_error(a, y, scale):
    """C = scale · ½ Σ (a − y)²   (the book's cost, summed over outputs and examples).

    ∇_a C = scale · (a − y) · g;   ∇_y C = −scale · (a − y) · g.
    """
    diff = a - y
    return np.asarray(scale * 0.5 * np.vdot(diff, diff), dtype=diff.dtype)


@squared_error.vjp("a")
def squared_error_vjp_a(g, C=None, a=None, y=None, scale=None, *, out=None):
    """∇_a C = scale · g · (a − y)."""
    out = np.subtract(a, y, out=buffer(out, a))
    np.multiply(out, scale * g, out=out)
    return out


@squared_error.vjp("y")
def squared_error_vjp_y(g, C, a, y, scale):
    """∇_y C = −scale · g · (a − y)."""
    return -(scale * g) * (a - y)


def _target_matrix(target, z):
    """Integer labels (batch,) → one-hot rows; probability rows are used as they are."""
    if target.ndim == z.ndim:
        return target
    onehot = np.zeros_like(z)
    np.put_along_axis(onehot, target[..., np.newaxis], 1, axis=-1)
    return onehot


@primitive
def softmax_cross_entropy(z, target, scale):
    """C = −scale · Σ_examples Σ_k y_k ln softmax(z)_k, with z the logits (before softmax).

    ``target`` is integer class labels (batch,) or rows of class probabilities (batch, k).
    ∂C/∂z = scale · g · (p − y), p = softmax(z): the softmax Jacobian and the derivative of
    −ln cancel to this difference, which never divides by a probability.
    """
    log_p = stable_log_softmax(z)
    if target.ndim == z.ndim:
        picked = np.vdot(target, log_p) if z.ndim == 2 else np.sum(target * log_p)
    elif z.ndim == 2:
        picked = log_p[np.arange(len(target)), target].sum()
    else:
        picked = np.sum(np.take_along_axis(log_p, target[..., np.newaxis], axis=-1))
    return np.asarray(-scale * picked, dtype=z.dtype)


@softmax_cross_entropy.vjp("z")
def softmax_cross_entropy_vjp_z(g, C=None, z=None, target=None, scale=None, *, out=None):
    """∂C/∂z = scale · g · (softmax(z) − y)."""
    p = stable_softmax(z, out=out)
    if target.ndim == z.ndim:
        p -= target
    else:
        flat = p.reshape(-1, p.shape[-1])
        flat[np.arange(flat.shape[0]), target.reshape(-1)] -= 1
    p *= scale * g
    return p


@primitive
def sigmoid_binary_cross_entropy(z, y, scale):
    """C = −scale · Σ [y ln σ(z) + (1 − y) ln(1 − σ(z))] = scale · Σ [ln(1 + eᶻ) − y z],
    from the logits z, finite for every z.   ∂C/∂z = scale · g · (σ(z) − y)."""
    return np.asarray(scale * np.sum(np.logaddexp(0, z) - y * z), dtype=z.dtype)


@sigmoid_binary_cross_entropy.vjp("z")
def sigmoid_binary_cross_entropy_vjp_z(g, C=None, z=None, y=None, scale=None, *, out=None):
    """∂C/∂z = scale · g · (σ(z) − y)."""
    out = expit(z, out=buffer(out, z))
    np.subtract(out, y, out=out)
    np.multiply(out, scale * g, out=out)
    return out


#: Probabilities are kept this far inside (0, 1) before ln is taken (as Keras does).
BCE_EPSILON = 1e-7


@primitive
def binary_cross_entropy(a, y, scale):
    """C = −scale · Σ [y ln a + (1 − y) ln(1 − a)] on probabilities a (clipped to [ε, 1 − ε]).

    ∇_a C = scale · g · (a − y) / (a (1 − a)).
    """
    a = np.clip(a, BCE_EPSILON, 1 - BCE_EPSILON)
    return np.asarray(-scale * np.sum(y * np.log(a) + (1 - y) * np.log1p(-a)), dtype=a.dtype)


@binary_cross_entropy.vjp("a")
def binary_cross_entropy_vjp_a(g, C, a, y, scale):
    """∇_a C = scale · g · (a − y) / (a (1 − a)), on a clipped to [ε, 1 − ε] as in the cost."""
    a = np.clip(a, BCE_EPSILON, 1 - BCE_EPSILON)
    return (scale * g) * (a - y) / (a * (1 - a))
