"""Elementwise functions of one argument: exp, log, sigmoid, tanh, relu, identity.

Each Jacobian is diag(f'(z)), so each VJP is the Hadamard product g ⊙ f'(z). Where f' is a
function of the output, it is written from the output (as PyTorch's derivatives.yaml does),
which saves recomputing f: σ' = a(1 − a), tanh' = 1 − a², exp' = exp.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .primitive import buffer, primitive


@primitive
def exp(x, out=None):
    """a = eˣ.   ∂C/∂x = g ⊙ a."""
    return np.exp(x, out=out)


@exp.vjp("x")
def exp_vjp(g, ans, x):
    """∂C/∂x = g ⊙ eˣ = g ⊙ a."""
    return g * ans


@primitive
def log(x, out=None):
    """a = ln x.   ∂C/∂x = g / x."""
    return np.log(x, out=out)


@log.vjp("x")
def log_vjp(g, ans, x):
    """∂C/∂x = g / x."""
    return g / x


#: From this many elements on, σ is computed in four vectorised NumPy passes (3-4× faster than
#: scipy's one-pass ``expit`` on large arrays); below it, ``expit``'s single call is cheaper.
SIGMOID_VECTORISED_FROM = 512


@primitive
def sigmoid(z, out=None):
    """a = σ(z) = 1 / (1 + e^(−z)), finite for any z.

    ∂C/∂z = g ⊙ σ'(z) = g ⊙ a(1 − a): the product with diag(σ'(z)) as a Hadamard product,
    with σ' written from the output a.
    """
    if type(z) is not np.ndarray or z.size < SIGMOID_VECTORISED_FROM:
        return expit(z, out=out)
    out = np.negative(z, out=buffer(out, z))
    with np.errstate(over="ignore"):  # e^(−z) = inf for z ≪ 0, and then 1 / (1 + inf) = 0
        np.exp(out, out=out)
    np.add(out, 1, out=out)
    return np.reciprocal(out, out=out)


@sigmoid.vjp("z")
def sigmoid_vjp(g, a=None, z=None, *, out=None):
    """∂C/∂z = g ⊙ a(1 − a)."""
    out = np.subtract(1, a, out=buffer(out, a))
    np.multiply(out, a, out=out)
    np.multiply(out, g, out=out)
    return out


sigmoid.vjp_from_output = True
sigmoid.passes = (6, 3)


@primitive
def tanh(z, out=None):
    """a = tanh z.   ∂C/∂z = g ⊙ (1 − a²)."""
    return np.tanh(z, out=out)


@tanh.vjp("z")
def tanh_vjp(g, a=None, z=None, *, out=None):
    """∂C/∂z = g ⊙ (1 − a²)."""
    out = np.multiply(a, a, out=buffer(out, a))
    np.subtract(1, out, out=out)
    np.multiply(out, g, out=out)
    return out


tanh.vjp_from_output = True
tanh.passes = (3, 3)


@primitive
def relu(z, out=None):
    """a = max(z, 0).   ∂C/∂z = g ⊙ [a > 0]   (the subgradient 0 is taken at z = 0)."""
    return np.maximum(z, 0, out=out)


@relu.vjp("z")
def relu_vjp(g, a=None, z=None, *, out=None):
    """∂C/∂z = g ⊙ [a > 0]."""
    if out is None or out is g or type(a) is not np.ndarray:
        return np.multiply(g, a > 0, out=out)
    np.greater(a, 0, out=out)  # [a > 0] as 1.0 / 0.0 in out: two float passes, no bool mask
    return np.multiply(out, g, out=out)


relu.vjp_from_output = True
relu.passes = (1, 2)


@primitive
def identity(z, out=None):
    """a = z (a linear output layer: the answer is a new array).   ∂C/∂z = g   (J = I)."""
    return np.positive(z, out=out)


@identity.vjp("z")
def identity_vjp(g, a=None, z=None, *, out=None):
    """∂C/∂z = g (the identity's Jacobian is I)."""
    if out is None:
        return g
    np.copyto(out, g)
    return out


identity.vjp_from_output = True  # its VJP reads neither z nor a
