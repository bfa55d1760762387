"""What the compiled step needs to know about a network and its cost.

The network is read by the one reader of the book's layers, :func:`chainrule.nn.read_layers`:
its ``Dense`` layers in order and the activation after each, whose forward and VJP come from the
derivative table (:mod:`chainrule.ops.activation`) through the layer's primitive. The cost starts
the backward pass:

    prediction = a_L                C = cost(a_L, y),  δ_L = ∇_a C ⊙ σ'(z_L)
    prediction = z_L (fused)        C = cost(z_L, y),  δ_L = ∂C/∂z_L = p − y

(the fused cases are the ones the costs themselves fuse, :meth:`chainrule.costs.Cost.fuses_with`:
softmax + cross-entropy, sigmoid + binary cross-entropy). A network the plan cannot read gets a
reason instead, and the caller uses the recorded graph (the tape), which runs anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..costs import MSE, BinaryCrossEntropy, CrossEntropy
from ..nn.book_network import BookLayer, BookNetwork, read_layers
from ..nn.dense import Dense
from ..nn.sequential import Sequential
from ..ops import activation, costs


@dataclass(frozen=True)
class ActivationRule:
    """An elementwise activation from the derivative table: ``forward(z, out=...)`` computes a
    (in place of z unless ``keeps_z``); ``vjp(g, a, z, out=...)`` is g ⊙ σ'(z), with z None
    where the VJP is written from the output a alone."""

    name: str
    forward: Callable | None  # None: the identity (a = z)
    vjp: Callable
    passes: tuple[float, float] = (1, 1)  # rough cost of forward and VJP, in passes over z
    keeps_z: bool = False  # the VJP reads z: the compiled step keeps it beside a

    @classmethod
    def of(cls, layer: BookLayer) -> ActivationRule:
        """The rule of a layer's activation, read from its primitive."""
        op = layer.op
        if op is None:
            return IDENTITY
        return cls(layer.name, op.forward, op.rule(0), op.passes, layer.keeps_z)


IDENTITY = ActivationRule("identity", None, activation.identity_vjp)


@dataclass(frozen=True)
class CostRule:
    """How the cost is computed and differentiated, from the derivative table.

    ``forward(p, y, scale) -> C`` and ``vjp(g, C, p, y, scale, out=...) -> ∂C/∂p``, with p the
    prediction: z_L when ``fused`` (the last activation is folded into the cost), else a_L.
    """

    name: str
    forward: Callable
    vjp: Callable
    fused: bool


@dataclass(frozen=True)
class Plan:
    """The network as the compiled step runs it."""

    dense: tuple[Dense, ...]
    activations: tuple[ActivationRule, ...]  # one per Dense (IDENTITY when none follows)
    cost: CostRule
    modules: tuple  # the Sequential's layers when the plan was made, to notice changes

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.dense[0].in_features,) + tuple(d.out_features for d in self.dense)


def cost_rule(cost, network: BookNetwork) -> CostRule | str:
    """The cost's rule after the network's last layer, as the cost itself computes it on the
    recorded graph (whether it fuses with the last activation is the cost's decision)."""
    if type(cost) not in (MSE, CrossEntropy, BinaryCrossEntropy):
        return f"the cost {type(cost).__name__} is not MSE, CrossEntropy or BinaryCrossEntropy"
    fused = network.fuses(cost)
    last = network.layers[-1].activation
    if not fused and last is not None and not last.elementwise:
        return f"{type(cost).__name__} after {last.describe()} (its Jacobian is not diagonal)"
    op = cost.primitive(fused)
    if op is costs.binary_cross_entropy:  # its VJP has no out=: σ(z) − y needs the Sigmoid
        return "BinaryCrossEntropy on probabilities that do not come from a Sigmoid layer"
    return CostRule(op.name, op.forward, op.rule(0), fused)


def make_plan(net, cost) -> Plan | str:
    """The plan for ``net`` and ``cost``, or the reason there is none."""
    if type(net) is not Sequential:
        return f"{type(net).__name__} is not a Sequential network"
    network = read_layers(net.layers)
    if not isinstance(network, BookNetwork):
        return network.reason
    for layer in network.layers[:-1]:
        if layer.activation is not None and not layer.activation.elementwise:
            return (
                f"layer {layer.activation_at}: {layer.activation.describe()} is only "
                f"compiled as the last layer"
            )
    rule = cost_rule(cost, network)
    if isinstance(rule, str):
        return rule
    rules = [ActivationRule.of(layer) for layer in network.layers]
    if rule.fused:
        rules[-1] = IDENTITY
    misfit = network.misfit()
    if misfit is not None:
        return misfit
    return Plan(network.dense, tuple(rules), rule, tuple(net.layers))


def same_parameters(net, optimizer) -> bool:
    """Whether ``optimizer`` holds exactly the network's parameters (each once, any order):
    the compiled step writes every gradient, the optimizer zeroes and updates only its own."""
    own = net.parameters()
    held = getattr(optimizer, "params", None)
    if held is None or len(held) != len(own):
        return False
    ids = {id(p) for p in held}
    return len(ids) == len(held) and ids == {id(p) for p in own}
