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
from .mode import blocks, state


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
    parents (depth-first, iterative: an explicit stack, where ``None`` marks "the tensor below
    me has had all its parents placed")."""
    order = []
    seen = set()
    stack = [root]
    pop, push, visit = stack.pop, stack.append, seen.add
    while stack:
        tensor = pop()
        if tensor is None:
            order.append(pop())
            continue
        if tensor in seen:
            continue
        visit(tensor)
        push(tensor)
        push(None)
        node = tensor._node
        if node is not None:
            for parent in node.parents:
                if parent is not None and parent.requires_grad and parent not in seen:
                    push(parent)
    return order


def _store_grad(tensor, g, shared: bool) -> None:
    """Add ``g`` into ``tensor.grad`` (in place once a buffer exists; copied if shared)."""
    if tensor.grad is None:
        tensor.grad = np.array(g, copy=True) if shared or type(g) is not np.ndarray else g
    else:
        np.add(tensor.grad, g, out=tensor.grad)


def _seed(root, grad):
    """∂C/∂C: 1 for a one-element result, else ``grad`` (of the root's shape and type); a NumPy
    scalar for a 0-d root, so that the scalar view's arithmetic stays scalar."""
    if not root.requires_grad:
        raise ChainruleError(
            "backward() on a tensor that does not require grad: no input of the computation "
            "had requires_grad=True (or it ran under no_grad())"
        )
    if grad is None:
        if root.data.size != 1:
            raise ShapeError(
                f"backward() without a gradient needs a scalar result; this one has shape "
                f"{root.data.shape}: reduce it (e.g. .sum()) or pass grad= of that shape"
            )
        seed = np.ones_like(root.data)
    else:
        seed = np.asarray(grad.data if hasattr(grad, "data") else grad, dtype=root.data.dtype)
        if seed.shape != root.data.shape:
            raise ShapeError(
                f"backward(grad=...): expected shape {root.data.shape}, received {seed.shape}"
            )
    return seed if seed.ndim else seed[()]


def backward(root, grad=None, retain_graph: bool = False) -> None:
    """Fill ``.grad`` of every leaf that requires grad with ∂root/∂leaf (accumulating).

    Seed ∂C/∂C, order the graph, and visit each value after all its consumers, when its
    gradient is complete: store it if the value is a leaf (or retains its gradient), pass it
    back through one VJP per parent, then free the arrays its node kept for the VJPs.
    """
    # the pending ∂C/∂(tensor) by tensor (tensors hash by identity); ``shared``: those whose
    # array belongs to someone else (the seed, a view, a gradient passed through unchanged),
    # which are copied before they are stored or added into
    grads = {root: _seed(root, grad)}
    shared = {root}
    checking = blocks.open > 0 and state.anomaly_depth > 0
    for tensor in reversed(toposort(root)):
        g = grads.pop(tensor, None)
        if g is None:
            continue
        node = tensor._node
        if node is None or tensor._retains:
            _store_grad(tensor, g, tensor in shared)
            if node is None:
                continue
        _pass_back(node, g, grads, shared, checking)
        if not retain_graph:
            node.args = node.ans = None


def _pass_back(node, g, grads, shared, checking: bool) -> None:
    """The chain rule at one node: for each parent that requires grad, gᵢ = VJPᵢ(g) (the
    gradient with respect to argument i), made an array of the parent's shape (summed over
    the axes broadcasting added) and float type, and added to what the parent has received.
    (One call per node; the steps for each parent are written out: they run once per edge.)"""
    op, args, ans = node.op, node.args, node.ans
    if args is None:
        raise GraphFreedError(
            f"the graph through op '{op.name}' was freed by an earlier backward(); "
            "pass retain_graph=True to the first backward() to call it again"
        )
    rules = op.vjps
    for index, parent in enumerate(node.parents):
        if parent is None or not parent.requires_grad:
            continue
        rule = rules[index] if index < len(rules) else None
        if rule is None:
            op.rule(index)  # raises MissingDerivativeError, naming the op and argument
        gi = rule(g, ans, *args)
        data = parent.data
        if type(gi) is not _ndarray and not isinstance(gi, _generic):
            gi = np.asarray(gi)  # NumPy scalars (0-d results) pass as they are
        if gi.shape != data.shape:
            gi = unbroadcast(gi, data.shape)
        if gi.dtype is not data.dtype and gi.dtype != data.dtype:
            gi = gi.astype(data.dtype)
        if checking:
            anomaly.check_backward(op, index, g, gi, node.where)
        previous = grads.get(parent)
        if previous is None:
            grads[parent] = gi
            if gi is g or gi.base is not None:
                shared.add(parent)
        else:
            grads[parent] = previous + gi
            shared.discard(parent)


_ndarray, _generic = np.ndarray, np.generic
