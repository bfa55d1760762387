"""Matrix products: the general matmul and the book's layer map, fused as ``affine``.

Batches are rows. The book writes one example as a column, z = W a + b with W of shape
(out, in); a batch A of examples as rows gives Z = A Wᵀ + b. With δ = ∂C/∂z (a row per example)
the VJPs are, column form and row-batch form side by side:

    ∂C/∂a = Wᵀ δ          ∂C/∂A = Δ W
    ∂C/∂W = δ aᵀ          ∂C/∂W = Δᵀ A      (the per-example δ aᵀ summed over the batch)
    ∂C/∂b = δ             ∂C/∂b = Σ_rows Δ
"""

from __future__ import annotations

import numpy as np

from .primitive import primitive


@primitive
def matmul(x, y, out=None):
    """ans = x @ y (NumPy's matmul: 1-D operands are vectors, leading axes are batches).

    ∂C/∂x = g yᵀ,  ∂C/∂y = xᵀ g   (the adjoint of multiplying by y, resp. by x).
    """
    return np.matmul(x, y, out=out)


def _as_matrices(g, x, y):
    """Lift 1-D operands of a matmul to matrices so one formula covers every case."""
    x2 = x[np.newaxis, :] if x.ndim == 1 else x
    y2 = y[:, np.newaxis] if y.ndim == 1 else y
    if x.ndim == 1 and y.ndim == 1:
        return np.reshape(g, (1, 1)), x2, y2
    g2 = g
    if x.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    if y.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    return g2, x2, y2


@matmul.vjp("x")
def matmul_vjp_x(g, ans, x, y):
    """∂C/∂x = g yᵀ."""
    g2, x2, y2 = _as_matrices(g, x, y)
    gx = np.matmul(g2, np.swapaxes(y2, -1, -2))
    return gx.reshape(gx.shape[:-2] + x.shape[-1:]) if x.ndim == 1 else gx


@matmul.vjp("y")
def matmul_vjp_y(g, ans, x, y):
    """∂C/∂y = xᵀ g."""
    g2, x2, y2 = _as_matrices(g, x, y)
    gy = np.matmul(np.swapaxes(x2, -1, -2), g2)
    if y.ndim == 1:
        gy = gy[..., 0]
        return gy.sum(axis=tuple(range(gy.ndim - 1))) if gy.ndim > 1 else gy
    return gy


@primitive
def affine(x, W, b, out=None):
    """The book's layer map, fused: z = W a + b, in row-batch form Z = X Wᵀ + b.

    x: (batch, in) or (in,);  W: (out, in);  b: (out,) or None (a layer without bias).

    VJPs, with g = δ = ∂C/∂z:
        ∂C/∂x = δ W        (book: Wᵀ δ, the error sent back to the previous layer)
        ∂C/∂W = δᵀ x       (book: δ aᵀ, summed over the batch)
        ∂C/∂b = Σ_rows δ   (book: δ)
    """
    z = np.matmul(x, W.T, out=out)
    if b is not None:
        np.add(z, b, out=z)
    return z


@affine.vjp("x")
def affine_vjp_x(g, z=None, x=None, W=None, b=None, *, out=None):
    """∂C/∂x = δ W (the book's Wᵀ δ for each row)."""
    return np.matmul(g, W, out=out)


@affine.vjp("W")
def affine_vjp_W(g, z=None, x=None, W=None, b=None, *, out=None):
    """∂C/∂W = δᵀ x: the book's δ aᵀ, summed over the examples of the batch."""
    if x.ndim == 1:
        return np.multiply.outer(g, x, out=out)
    return np.matmul(g.T, x, out=out)


@affine.vjp("b")
def affine_vjp_b(g, z=None, x=None, W=None, b=None, *, out=None):
    """∂C/∂b = Σ_rows δ (the book's ∂C/∂b = δ, summed over the batch)."""
    if g.ndim == 1:
        if out is None:
            return g
        out[...] = g
        return out
    return np.add.reduce(g, axis=0, out=out)  # np.sum's own reduction, without its wrapper
