"""Elementwise arithmetic: add, sub, mul, div, neg, pow, maximum.

In every rule, g is ∂C/∂ans, the gradient arriving from the cost. The Jacobian of an
elementwise map is diagonal, so each VJP is a Hadamard product with the local derivative.
Broadcast inputs are summed back by the engine (:mod:`.broadcast`).

The forwards of add, sub, mul, div and neg are written with the operators (``x + y`` is
``np.add(x, y)`` for arrays) and marked ``scalars``: the engine hands them 0-d operands as NumPy
scalars, whose arithmetic skips the array machinery — most of the cost of one operation of the
scalar view. The values are the same either way.
"""

from __future__ import annotations

import numpy as np

from .primitive import primitive


@primitive
def add(x, y, out=None):
    """ans = x + y.   ∂C/∂x = g,  ∂C/∂y = g   (∂ans/∂x = ∂ans/∂y = 1)."""
    return x + y if out is None else np.add(x, y, out=out)


@add.vjp("x")
def add_vjp_x(g, ans, x, y):
    """∂C/∂x = g."""
    return g


@add.vjp("y")
def add_vjp_y(g, ans, x, y):
    """∂C/∂y = g."""
    return g


@primitive
def sub(x, y, out=None):
    """ans = x − y.   ∂C/∂x = g,  ∂C/∂y = −g."""
    return x - y if out is None else np.subtract(x, y, out=out)


@sub.vjp("x")
def sub_vjp_x(g, ans, x, y):
    """∂C/∂x = g."""
    return g


@sub.vjp("y")
def sub_vjp_y(g, ans, x, y):
    """∂C/∂y = −g."""
    return -g


@primitive
def mul(x, y, out=None):
    """ans = x ⊙ y.   ∂C/∂x = g ⊙ y,  ∂C/∂y = g ⊙ x   (the scalar view: ∂(xy)/∂x = y)."""
    return x * y if out is None else np.multiply(x, y, out=out)


@mul.vjp("x")
def mul_vjp_x(g, ans, x, y):
    """∂C/∂x = g ⊙ y."""
    return g * y


@mul.vjp("y")
def mul_vjp_y(g, ans, x, y):
    """∂C/∂y = g ⊙ x."""
    return g * x


@primitive
def div(x, y, out=None):
    """ans = x / y.   ∂C/∂x = g / y,  ∂C/∂y = −g ⊙ x / y² = −g ⊙ ans / y."""
    return x / y if out is None else np.divide(x, y, out=out)


@div.vjp("x")
def div_vjp_x(g, ans, x, y):
    """∂C/∂x = g / y."""
    return g / y


@div.vjp("y")
def div_vjp_y(g, ans, x, y):
    """∂C/∂y = −g ⊙ x / y² = −g ⊙ ans / y."""
    return -g * ans / y


@primitive
def neg(x, out=None):
    """ans = −x.   ∂C/∂x = −g."""
    return -x if out is None else np.negative(x, out=out)


@neg.vjp("x")
def neg_vjp(g, ans, x):
    """∂C/∂x = −g."""
    return -g


@primitive
def power(x, p, out=None):
    """ans = x^p.   ∂C/∂x = g ⊙ p x^(p−1),  ∂C/∂p = g ⊙ x^p ln x   (defined for x > 0)."""
    return np.power(x, p, out=out)


@power.vjp("x")
def power_vjp_x(g, ans, x, p):
    """∂C/∂x = g ⊙ p x^(p−1)."""
    return g * p * np.power(x, p - 1)


@power.vjp("p")
def power_vjp_p(g, ans, x, p):
    """∂C/∂p = g ⊙ x^p ln x   (ln x is taken as 0 where x ≤ 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_x = np.log(np.where(x > 0, x, 1))
    return g * ans * log_x


def _share(x, y):
    """The part of the gradient of max(x, y) that goes to x: 1 where x wins, ½ on a tie."""
    return (x > y) + 0.5 * (x == y)


@primitive
def maximum(x, y, out=None):
    """ans = max(x, y) elementwise.   ∂C/∂x = g ⊙ [x > y],  ∂C/∂y = g ⊙ [y > x]; a tie splits g
    in halves (the subgradient that keeps max(x, x) = x exact)."""
    return np.maximum(x, y, out=out)


@maximum.vjp("x")
def maximum_vjp_x(g, ans, x, y):
    """∂C/∂x = g ⊙ [x > y]   (½ on a tie)."""
    return g * _share(x, y)


@maximum.vjp("y")
def maximum_vjp_y(g, ans, x, y):
    """∂C/∂y = g ⊙ [y > x]   (½ on a tie)."""
    return g * _share(y, x)


for _op in (add, sub, mul, div, neg):
    _op.scalars = True  # their forwards are written with the operators
