"""The recorded graph and the reverse sweep: the chain rule run backwards.

Each result of a primitive keeps a :class:`Node`: the primitive, its parent tensors and the
arrays it was called with. ``backward`` orders the graph once (an explicit stack, no recursion,
so a chain of a million ops works), seeds ∂C/∂C = 1, and visits every value after all its
consumers: its gradient is then complete (the sum over every path, the dynamic programming of
backprop), and one VJP per parent passes it on. Values used twice receive the sum.
"""

from __future__ import annotations

import numpy as np

from ..errors import ChainruleError, GraphFreedError, ShapeError
from ..ops.broadcast import unbroadcast
from . import anomaly
from .mode import state


class Node:
    """How a tensor was made: ``op(*args)``; ``parents[i]`` is the tensor behind ``args[i]``
    (None for constants and options). ``args``/``ans`` are dropped when the graph is freed."""

    __slots__ = ("op", "parents", "args", "ans", "where")

    def __init__(self, op, parents, args, ans, where=""):
        self.op = op
        self.parents = parents
        self.args = args
        self.ans = ans
        self.where = where


def toposort(root) -> list:
    """Tensors reachable from ``root`` through tensors that require grad, each after its
    parents (depth-first, iterative)."""
    order = []
    seen = set()
    stack = [(root, False)]
    while stack:
        tensor, expanded = stack.pop()
        if expanded:
            order.append(tensor)
            continue
        key = id(tensor)
        if key in seen:
            continue
        seen.add(key)
        stack.append((tensor, True))
        node = tensor._node
        if node is not None:
            for parent in node.parents:
                if parent is not None and parent.requires_grad and id(parent) not in seen:
                    stack.append((parent, False))
    return order


def _store_grad(tensor, g, shared: bool) -> None:
    """Add ``g`` into ``tensor.grad`` (in place once a buffer exists; copied if shared)."""
    if tensor.grad is None:
        tensor.grad = np.array(g, copy=True) if shared or type(g) is not np.ndarray else g
    else:
        np.add(tensor.grad, g, out=tensor.grad)


def _seed(root, grad) -> np.ndarray:
    if grad is None:
        if root.data.size != 1:
            raise ShapeError(
                f"backward() without a gradient needs a scalar result; this one has shape "
                f"{root.data.shape}: reduce it (e.g. .sum()) or pass grad= of that shape"
            )
        return np.ones_like(root.data)
    seed = np.asarray(grad.data if hasattr(grad, "data") else grad, dtype=root.data.dtype)
    if seed.shape != root.data.shape:
        raise ShapeError(f"backward(grad=...): expected shape {root.data.shape}, "
                         f"received {seed.shape}")
    return seed


def backward(root, grad=None, retain_graph: bool = False) -> None:
    """Fill ``.grad`` of every leaf that requires grad with ∂root/∂leaf (accumulating)."""
    if not root.requires_grad:
        raise ChainruleError(
            "backward() on a tensor that does not require grad: no input of the computation "
            "had requires_grad=True (or it ran under no_grad())"
        )
    grads = {id(root): _seed(root, grad)}
    shared = {id(root)}
    checking = state.anomaly_depth > 0
    for tensor in reversed(toposort(root)):
        key = id(tensor)
        g = grads.pop(key, None)
        if g is None:
            continue
        node = tensor._node
        if node is None or tensor._retains:
            _store_grad(tensor, g, key in shared)
            if node is None:
                continue
        args = node.args
        if args is None:
            raise GraphFreedError(
                f"the graph through op '{node.op.name}' was freed by an earlier backward(); "
                "pass retain_graph=True to the first backward() to call it again"
            )
        for index, parent in enumerate(node.parents):
            if parent is None or not parent.requires_grad:
                continue
            gi = node.op.rule(index)(g, node.ans, *args)
            shape = parent.data.shape
            if np.shape(gi) != shape:
                gi = unbroadcast(np.asarray(gi), shape)
            if gi.dtype != parent.data.dtype:
                gi = gi.astype(parent.data.dtype)
            if checking:
                anomaly.check_backward(node.op, index, g, gi, node.where)
            pkey = id(parent)
            previous = grads.get(pkey)
            if previous is None:
                grads[pkey] = gi
                if gi is g or getattr(gi, "base", None) is not None:
                    shared.add(pkey)
            else:
                grads[pkey] = previous + gi
                shared.discard(pkey)
        if not retain_graph:
            node.args = node.ans = None
