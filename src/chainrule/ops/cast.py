"""Conversion between float types."""

from __future__ import annotations

from .primitive import primitive


@primitive
def cast(x, dtype):
    """ans = x in another float type.   ∂C/∂x = g, cast back to x's type."""
    return x.astype(dtype)


@cast.vjp("x")
def cast_vjp_x(g, ans, x, dtype):
    """∂C/∂x = g, cast back to x's type."""
    return g.astype(x.dtype)
