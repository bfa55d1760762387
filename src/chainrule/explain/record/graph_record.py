"""The recorded computational graph of one backward pass, kept with every value and gradient.

:func:`record_backward` walks the graph the engine recorded for a scalar result C, asks every
intermediate tensor to keep its gradient (``retain_grad``), runs the engine's own ``backward``,
and copies out, for every tensor: the primitive that made it, its value, and ∂C/∂(the tensor).
Where a value and its parent are both scalars it also keeps the local derivative
∂(value)/∂(parent) — the factor the book multiplies along a path — computed by the primitive's
own VJP rule with g = 1.

This record is what the graph pictures draw and what the scalar-path view walks, so every
number shown is one the engine computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...autodiff.graph import toposort
from ...errors import ChainruleError


@dataclass
class GraphNode:
    """One tensor of the graph: a leaf (input, parameter) or the result of a primitive."""

    key: int
    label: str
    op: str | None  # the primitive's name; None for a leaf
    kind: str  # "input", "parameter", "leaf", "value" or "cost"
    value: np.ndarray
    grad: np.ndarray | None = None
    parents: tuple[int, ...] = ()
    #: ∂(this)/∂(parent) for scalar values, per parent (None where not a scalar pair)
    local: tuple[float | None, ...] = ()
    where: str = ""  # the layer that made it, when known

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)


@dataclass
class GraphRecord:
    """Every tensor that C depends on through tensors that require grad, parents first."""

    nodes: list[GraphNode] = field(default_factory=list)
    root: int = 0
    #: id(tensor) → key, valid while the recorded tensors are alive (for the code that ran it)
    ids: dict[int, int] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.nodes)

    def by_label(self, label: str) -> GraphNode:
        for node in self.nodes:
            if node.label == label:
                return node
        names = ", ".join(n.label for n in self.nodes)
        raise ChainruleError(f"the graph has no value named {label!r}; it has {names}")

    def consumers(self) -> dict[int, list[int]]:
        """For each node, the nodes that use it."""
        users: dict[int, list[int]] = {node.key: [] for node in self.nodes}
        for node in self.nodes:
            for parent in node.parents:
                users[parent].append(node.key)
        return users

    def paths(self, start: int, limit: int = 100_000) -> list[list[int]]:
        """Every path of influence start → … → root (lists of keys), at most ``limit``."""
        users = self.consumers()
        found: list[list[int]] = []
        stack = [[start]]
        while stack:
            path = stack.pop()
            if path[-1] == self.root:
                found.append(path)
                if len(found) > limit:
                    raise ChainruleError(
                        f"more than {limit} paths go from {self.nodes[start].label!r} to the cost"
                    )
                continue
            for user in reversed(users[path[-1]]):
                stack.append(path + [user])
        return found


def _local_derivative(tensor, index: int) -> float | None:
    """∂tensor/∂parent[index] for a scalar pair, from the primitive's VJP rule with g = 1."""
    node = tensor._node
    parent = node.parents[index]
    if tensor.data.size != 1 or parent.data.size != 1 or node.args is None:
        return None
    try:
        rule = node.op.rule(index)
    except ChainruleError:
        return None
    return float(np.sum(rule(np.ones_like(node.ans), node.ans, *node.args)))


def record_backward(
    root,
    labels: dict[int, str] | None = None,
    kinds: dict[int, str] | None = None,
    where: dict[int, str] | None = None,
) -> GraphRecord:
    """Run ``root.backward()`` and keep the whole graph with its values and gradients.

    ``labels``/``kinds``/``where`` map ``id(tensor)`` to a name (``"z₁"``, ``"0.W"``), a kind
    and the layer that made it; tensors without a label are named after their primitive.
    Recording changes nothing the caller owns: every leaf (a parameter, the input) keeps the
    ``.grad`` it had before; the gradients of this pass are in the record.
    """
    labels, kinds, where = labels or {}, kinds or {}, where or {}
    order = toposort(root)
    keys = {id(tensor): k for k, tensor in enumerate(order)}
    record = GraphRecord(root=keys[id(root)], ids=keys)
    for k, tensor in enumerate(order):
        node = tensor._node
        if node is None:
            kind = kinds.get(id(tensor), "parameter" if tensor.name else "leaf")
            label = labels.get(id(tensor)) or tensor.name or f"leaf{k}"
            parents, local = (), ()
        else:
            tensor.retain_grad()
            kind = kinds.get(id(tensor), "cost" if tensor is root else "value")
            label = labels.get(id(tensor)) or f"{node.op.name}#{k}"
            indices = [
                i
                for i, p in enumerate(node.parents)
                if p is not None and p.requires_grad and id(p) in keys
            ]
            parents = tuple(keys[id(node.parents[i])] for i in indices)
            local = tuple(_local_derivative(tensor, i) for i in indices)
        record.nodes.append(
            GraphNode(
                k,
                label,
                None if node is None else node.op.name,
                kind,
                np.array(tensor.data, copy=True),
                None,
                parents,
                local,
                where.get(id(tensor), ""),
            )
        )
    saved = [tensor.grad for tensor in order]
    for tensor in order:
        tensor.grad = None
    try:
        root.backward()
        for node, tensor in zip(record.nodes, order, strict=True):
            if tensor.grad is not None:
                node.grad = np.array(tensor.grad, copy=True)
    finally:
        for tensor, before in zip(order, saved, strict=True):
            if tensor._node is None:
                tensor.grad = before  # leaves (the network's parameters) are left as they were
    return record
