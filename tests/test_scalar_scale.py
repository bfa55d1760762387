"""The scalar view at scale: a million-node graph goes backward without recursion, and the
engine's bookkeeping for 0-d tensors (NumPy scalars for arithmetic) changes no number."""

from __future__ import annotations

import gc
import math
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.autodiff import toposort

NODES = 1_000_000


@pytest.mark.slow
def test_backward_through_a_million_node_scalar_graph():
    x = cr.Tensor(0.5, dtype="float64", requires_grad=True)
    c = 1 + 1e-6
    limit = sys.getrecursionlimit()
    gc.disable()  # a million live nodes: the collector would rescan them again and again
    try:
        y = x
        for _ in range(NODES // 2):
            y = y * c + 1e-3  # two nodes per turn
        assert y._node.op.name == "add" and y._node.parents[0]._node.op.name == "mul"
        y.backward()
    finally:
        gc.enable()
    assert sys.getrecursionlimit() == limit
    # dy/dx = c^(N/2) = (1 + 10⁻⁶)^500000 ≈ e^0.5, the product of the local derivatives
    assert x.grad == pytest.approx(math.exp((NODES // 2) * math.log1p(1e-6)), rel=1e-9)
    assert y._node.args is None  # the graph was freed as the sweep went


def test_scalar_arithmetic_keeps_arrays_types_and_values():
    for dtype in ("float32", "float64"):
        a = cr.Tensor(1.5, dtype=dtype, requires_grad=True)
        b = cr.Tensor(-0.25, dtype=dtype, requires_grad=True)
        out = ((a * b + 3) / (a - b) - a) * 2.5 + -b
        assert type(out.data) is np.ndarray and out.data.shape == () and out.dtype == dtype
        expected = (
            (np.asarray(1.5, dtype) * np.asarray(-0.25, dtype) + 3)
            / (np.asarray(1.5, dtype) - np.asarray(-0.25, dtype))
            - np.asarray(1.5, dtype)
        ) * 2.5 + -np.asarray(-0.25, dtype)
        assert out.data == expected  # the same float operations, the same rounding
        out.backward()
        assert type(a.grad) is np.ndarray and a.grad.dtype == dtype
        assert type(b.grad) is np.ndarray and b.grad.dtype == dtype
    mixed = cr.Tensor(1.0, dtype="float32") * cr.Tensor(np.ones(3), dtype="float64")
    assert mixed.dtype == np.float64 and mixed.shape == (3,)


def test_a_scalar_network_matches_its_array_twin():
    """micrograd's view (one neuron per scalar) and the matrix view give the same gradients."""
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 2))
    x = rng.standard_normal(2)
    Ws = [
        [cr.Tensor(W[i, j], dtype="float64", requires_grad=True) for j in range(2)]
        for i in range(3)
    ]
    hidden = [
        sum((w * float(v) for w, v in zip(row, x, strict=True)), cr.Tensor(0.0)).tanh()
        for row in Ws
    ]
    loss = sum((h * h for h in hidden), cr.Tensor(0.0, dtype="float64"))
    loss.backward()
    Wt = cr.Tensor(W, dtype="float64", requires_grad=True)
    (Wt @ cr.Tensor(x, dtype="float64")).tanh().__pow__(2).sum().backward()
    grads = np.array([[w.grad for w in row] for row in Ws])
    np.testing.assert_allclose(grads, Wt.grad, rtol=1e-13)
    assert len(toposort(loss)) > 20
