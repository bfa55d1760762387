"""The book's network read from a list of layers: Dense layers, each with its activation.

    z_l = W_l a_{l−1} + b_l,   a_l = σ_l(z_l),   l = 1 … L   (a_0 = x)

:func:`read_layers` turns layers such as ``Sequential(Dense(2, 3), Sigmoid(), Dense(3, 1))``
into a :class:`BookNetwork`: one :class:`BookLayer` per Dense with the activation after it
(None where none follows: a = z), or an :class:`Unreadable` naming the layer that does not fit.
It is the one reader of that shape: the compiled training step, the lean no-grad forward
(:mod:`.lean`), the trace and its δ checks all start from it. What an activation is (its
primitive, whether its VJP needs z) comes from the layer class and the derivative table
(:mod:`.activations`); whether the cost takes z_L in place of a_L comes from the cost
(:meth:`BookNetwork.fuses`).

The layer types are read exactly (a subclass of Dense or of an activation may compute
something else, so it is not this shape); Identity layers are the identity (a = z) wherever
they stand, and Dropout is not read (it changes the pass while training).
"""

from __future__ import annotations

from dataclasses import dataclass

from .activations import ACTIVATIONS, Activation, Identity
from .dense import Dense
from .module import Module


@dataclass(frozen=True)
class BookLayer:
    """Layer l: a Dense (z_l = W_l a_{l−1} + b_l) and the activation after it, with their
    positions in the list read (``activation_at`` None: no activation layer, a_l = z_l)."""

    dense: Dense
    activation: Activation | None
    dense_at: int
    activation_at: int | None

    @property
    def name(self) -> str:
        """The activation's registered name ("identity" when none follows)."""
        return "identity" if self.activation is None else self.activation.name

    @property
    def op(self):
        """The activation's primitive of the derivative table (None for the identity)."""
        return None if self.activation is None else self.activation.op

    @property
    def keeps_z(self) -> bool:
        """Whether σ's VJP reads z_l, so an engine must keep z_l beside a_l (softplus); False
        when it is written from a_l alone (σ, tanh, ReLU) or there is no activation."""
        op = self.op
        return op is not None and not op.vjp_from_output


@dataclass(frozen=True)
class BookNetwork:
    """The layers as the book writes them, and the modules they were read from."""

    layers: tuple[BookLayer, ...]
    modules: tuple[Module, ...]

    @property
    def dense(self) -> tuple[Dense, ...]:
        return tuple(layer.dense for layer in self.layers)

    @property
    def sizes(self) -> tuple[int, ...]:
        """n_0, n_1, …, n_L."""
        return (self.layers[0].dense.in_features,) + tuple(
            layer.dense.out_features for layer in self.layers
        )

    @property
    def output_op(self):
        """The last activation's primitive (None: a linear output)."""
        return self.layers[-1].op

    def fuses(self, cost) -> bool:
        """Whether ``cost`` takes z_L in place of a_L = σ(z_L) (softmax + cross-entropy,
        sigmoid + binary cross-entropy): the cost's own decision, :meth:`Cost.fuses_with`."""
        fuses_with = getattr(cost, "fuses_with", None)
        return fuses_with is not None and fuses_with(self.output_op)

    def misfit(self) -> str | None:
        """Why the layers cannot run as one network (two Dense layers whose sizes do not
        meet, parameters of different float types), or None."""
        dtypes = {d.W.data.dtype for d in self.dense} | {
            d.b.data.dtype for d in self.dense if d.b is not None
        }
        if len(dtypes) != 1:
            return "the layers hold parameters of different float types"
        for i, (a, b) in enumerate(zip(self.dense[:-1], self.dense[1:], strict=True)):
            if a.out_features != b.in_features:
                return (
                    f"Dense layers {i} and {i + 1} do not fit ({a.out_features} → {b.in_features})"
                )
        return None


@dataclass(frozen=True)
class Unreadable:
    """Why a list of layers is not the book's network; ``position`` is the layer's index in
    the list (None when no one layer is to blame)."""

    reason: str
    position: int | None = None

    def __str__(self) -> str:
        return self.reason


def _registered(layer) -> bool:
    """Whether ``layer`` is exactly a registered activation class (a subclass that does not
    name itself is not: it may compute something else)."""
    kind = type(layer)
    return isinstance(layer, Activation) and ACTIVATIONS.get(kind.name) is kind


def read_layers(modules) -> BookNetwork | Unreadable:
    """The book's network that ``modules`` (a list of layers, in order) compute, or why not.
    (For a ``Sequential`` network: ``read_layers(net.layers)``.)"""
    modules = tuple(modules)
    layers: list[BookLayer] = []
    for i, module in enumerate(modules):
        kind = type(module)
        if kind is Dense:
            layers.append(BookLayer(module, None, i, None))
            continue
        if not _registered(module) or (module.op is None and kind is not Identity):
            return Unreadable(
                f"layer {i} ({module.describe()}) is not a Dense or an activation layer", i
            )
        last = layers[-1] if layers else None
        if kind is Identity:  # a = z: the layer's activation if it has none yet, else nothing
            if last is not None and last.activation is None:
                layers[-1] = BookLayer(last.dense, module, last.dense_at, i)
            continue
        if last is None:
            return Unreadable(f"layer {i} ({module.describe()}) comes before any Dense layer", i)
        if last.activation is not None and type(last.activation) is not Identity:
            return Unreadable(f"layer {i} ({module.describe()}) follows another activation", i)
        layers[-1] = BookLayer(last.dense, module, last.dense_at, i)
    if not layers:
        return Unreadable("the network has no Dense layer")
    return BookNetwork(tuple(layers), modules)
