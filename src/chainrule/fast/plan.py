"""Reading a network as the book's list of layers, for the compiled step.

A plan is what the compiled step needs to know about a ``Sequential`` network: its ``Dense``
layers in order, the elementwise activation after each (its forward and its VJP from the
derivative table, :mod:`chainrule.ops.activation`), and how the cost starts the backward pass:

    prediction = a_L                C = cost(a_L, y),  δ_L = ∇_a C ⊙ σ'(z_L)
    prediction = z_L (fused)        C = cost(z_L, y),  δ_L = ∂C/∂z_L = p − y

(the fused cases are the ones the costs themselves fuse: softmax + cross-entropy, sigmoid +
binary cross-entropy). A network the plan cannot read gets a reason instead, and the caller
uses the recorded graph (the tape), which runs anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..costs import MSE, BinaryCrossEntropy, CrossEntropy
from ..nn.activations import Identity, ReLU, Sigmoid, Softmax, Tanh
from ..nn.dense import Dense
from ..nn.sequential import Sequential
from ..ops import activation, costs


@dataclass(frozen=True)
class ActivationRule:
    """An elementwise activation from the derivative table: ``forward(z, out=z)`` computes a in
    place of z; ``vjp(g, a, None, out=...)`` is g ⊙ σ'(z) written from the output a, so z need
    not be kept."""

    name: str
    forward: Callable | None  # None: the identity (a = z)
    vjp: Callable
    passes: tuple[float, float] = (1, 1)  # rough cost of forward and VJP, in passes over z
    keeps_z: bool = False  # the VJP reads z: the compiled step keeps it beside a


IDENTITY = ActivationRule("identity", None, activation.identity_vjp)

#: Exact layer types the compiled step runs (a subclass may change forward: it takes the tape).
ACTIVATION_RULES = {
    Sigmoid: ActivationRule("sigmoid", activation.sigmoid.forward, activation.sigmoid_vjp,
                            (6, 3)),
    Tanh: ActivationRule("tanh", activation.tanh.forward, activation.tanh_vjp, (3, 3)),
    ReLU: ActivationRule("relu", activation.relu.forward, activation.relu_vjp, (1, 2)),
}


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


MSE_RULE = CostRule("mse", costs.squared_error.forward, costs.squared_error_vjp_a, False)


def _ce_rule(fused: bool) -> CostRule:
    return CostRule("ce", costs.softmax_cross_entropy.forward,
                    costs.softmax_cross_entropy_vjp_z, fused)


def _bce_logits_rule(fused: bool) -> CostRule:
    return CostRule("bce", costs.sigmoid_binary_cross_entropy.forward,
                    costs.sigmoid_binary_cross_entropy_vjp_z, fused)


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


def read_layers(net) -> tuple[list, list, object] | str:
    """[Dense], [activation layer or None per Dense], and the last layer's own module, or the
    reason the layers cannot be compiled."""
    if type(net) is not Sequential:
        return f"{type(net).__name__} is not a Sequential network"
    dense: list[Dense] = []
    acts: list = []
    for i, layer in enumerate(net.layers):
        kind = type(layer)
        if kind is Dense:
            dense.append(layer)
            acts.append(None)
        elif kind is Identity:
            continue
        elif kind in ACTIVATION_RULES or kind is Softmax:
            if not dense:
                return f"layer {i} ({layer.describe()}) comes before any Dense layer"
            if acts[-1] is not None:
                return f"layer {i} ({layer.describe()}) follows another activation"
            if kind is Softmax and i != len(net.layers) - 1:
                return f"layer {i}: Softmax is only compiled as the last layer"
            acts[-1] = layer
        else:
            return f"layer {i} ({layer.describe()}) is not a Dense or elementwise activation"
    if not dense:
        return "the network has no Dense layer"
    return dense, acts, None


def cost_rule(cost, last) -> CostRule | str:
    """The cost's rule given the last activation layer (or None), matching what the cost
    itself does on the recorded graph (see :mod:`chainrule.costs`)."""
    kind = type(cost)
    last_kind = type(last) if last is not None else None
    if kind is MSE:
        if last_kind is Softmax:
            return "MSE after Softmax (its Jacobian is not diagonal)"
        return MSE_RULE
    if kind is CrossEntropy:
        # the cost reads the logits z under a Softmax layer; otherwise it takes a_L as logits
        return _ce_rule(fused=last_kind is Softmax)
    if kind is BinaryCrossEntropy:
        if last_kind is Softmax:
            return "BinaryCrossEntropy after Softmax"
        if cost.from_logits:
            return _bce_logits_rule(fused=False)
        if last_kind is Sigmoid:
            return _bce_logits_rule(fused=True)
        return "BinaryCrossEntropy on probabilities that do not come from a Sigmoid layer"
    return f"the cost {type(cost).__name__} is not MSE, CrossEntropy or BinaryCrossEntropy"


def make_plan(net, cost) -> Plan | str:
    """The plan for ``net`` and ``cost``, or the reason there is none."""
    layers = read_layers(net)
    if isinstance(layers, str):
        return layers
    dense, acts, _ = layers
    rule = cost_rule(cost, acts[-1])
    if isinstance(rule, str):
        return rule
    rules = []
    for layer in acts:
        if layer is None or type(layer) is Softmax:  # a Softmax here is fused into the cost
            rules.append(IDENTITY)
        else:
            rules.append(ACTIVATION_RULES[type(layer)])
    if rule.fused:
        rules[-1] = IDENTITY
    dtypes = {d.W.data.dtype for d in dense} | {d.b.data.dtype for d in dense if d.b is not None}
    if len(dtypes) != 1:
        return "the layers hold parameters of different float types"
    for i, (a, b) in enumerate(zip(dense[:-1], dense[1:], strict=True)):
        if a.out_features != b.in_features:
            return f"Dense layers {i} and {i + 1} do not fit ({a.out_features} → {b.in_features})"
    return Plan(tuple(dense), tuple(rules), rule, tuple(net.layers))


def same_parameters(net, optimizer) -> bool:
    """Whether ``optimizer`` holds exactly the network's parameters (each once, any order):
    the compiled step writes every gradient, the optimizer zeroes and updates only its own."""
    own = net.parameters()
    held = getattr(optimizer, "params", None)
    if held is None or len(held) != len(own):
        return False
    ids = {id(p) for p in held}
    return len(ids) == len(held) and ids == {id(p) for p in own}
