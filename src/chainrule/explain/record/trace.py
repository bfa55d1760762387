"""One record of a forward and backward pass: the numbers every view of chainrule draws.

``trace(net, x, y, cost)`` runs the real engine once — the network's own layers forward, the
cost, ``backward()`` — keeping every intermediate value and its gradient, and records per layer
l = 1 … L (the book's numbering; a₀ = x):

    z_l = W_l a_{l−1} + b_l,  a_l = σ(z_l),  ∂C/∂a_l (the gradient arriving from above),
    δ_l = ∂C/∂z_l,  ∂C/∂W_l,  ∂C/∂b_l,  and ∂C/∂a_{l−1} sent down.

Then it checks, from the recorded values alone and the book's formulas (:mod:`.forms`), that

    δ_L = ∇_a C ⊙ σ'(z_L)                  (or p − y where the cost is fused with the output)
    δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l)     ∂C/∂W_l = δ_l a_{l−1}ᵀ     ∂C/∂b_l = δ_l

Arrays are kept in the code's row-batch form, (batch, units): row e is example e's column
vector of the book. A network the trace cannot read as Dense + activation layers is still
traced: its whole recorded graph is kept (the generic view) and ``note`` says why.
Tracing leaves the network as it was: parameters and their ``.grad`` are untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ...autodiff.anomaly import detect_anomaly
from ...autodiff.tensor import Tensor
from ...costs import Cost, cost_by_name
from ...dtypes import as_array, get_default_dtype
from ...errors import ChainruleError, ConfigError, DataError, DTypeError, NonFiniteError, ShapeError
from ...memory import explain_bytes
from ...memory import require as require_memory
from ...nn import (
    BookNetwork,
    Dropout,
    Module,
    Sequential,
    activation_names,
    network_dtype,
    read_layers,
)
from . import forms
from .graph_record import GraphRecord, record_backward
from .notation import sub

#: Relative tolerance of the independent check, by float type.
TOLERANCE = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 2e-5, np.dtype(np.float16): 5e-3}

#: How a trace shows itself: "text" (Step 1, 2, 3; set by views/steps.py) and "html" (the
#: network picture and the steps, for notebooks; set by show/notebook.py). The views register
#: here when imported, so the record imports no view.
DISPLAYS: dict[str, Callable[..., str]] = {}


@dataclass
class Check:
    """One equation of the book verified on recorded numbers: max |recorded − recomputed|."""

    name: str
    equation: str
    error: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return bool(self.error <= self.tolerance)


@dataclass
class LayerRecord:
    """Layer l of the book: z_l = W_l a_{l−1} + b_l, a_l = σ(z_l), with every gradient."""

    index: int  # l = 1 … L
    name: str  # "Dense(3→4, no bias)"
    param_prefix: str  # the parameters' names are f"{param_prefix}.W", f"{param_prefix}.b"
    activation: str  # a registered activation's name (forms.activation_form)
    W: np.ndarray
    b: np.ndarray | None
    a_prev: np.ndarray
    z: np.ndarray
    a: np.ndarray
    grad_a: np.ndarray | None  # ∂C/∂a_l from the engine (None: the cost is fused past a_l)
    delta: np.ndarray  # δ_l = ∂C/∂z_l from the engine
    grad_a_prev: np.ndarray  # ∂C/∂a_{l−1} = δ_l W_l (row form) from the engine
    dW: np.ndarray
    db: np.ndarray | None
    delta_expected: np.ndarray | None = None
    checks: list[Check] = field(default_factory=list)

    @property
    def form(self) -> forms.ActivationForm:
        return forms.activation_form(self.activation)

    @property
    def n_in(self) -> int:
        return self.W.shape[1]

    @property
    def n_out(self) -> int:
        return self.W.shape[0]

    @property
    def sigma_prime(self) -> np.ndarray | None:
        """σ'(z_l), (batch, n), from the recorded values (None for softmax: use ``jacobian``)."""
        return self.form.derivative(self.z, self.a) if self.form.elementwise else None

    @property
    def jacobian(self) -> np.ndarray:
        """∂a_l/∂z_l per example, (batch, n, n): diag(σ'(z_l)) or the softmax Jacobian."""
        return self.form.jacobian(self.z, self.a)

    def symbol(self, base: str) -> str:
        """``"z"`` → ``"z₂"`` for this layer."""
        return base + sub(self.index)


@dataclass
class CostRecord:
    """C, its target and ∇_a C (from the engine and from the book's formula)."""

    name: str  # "mse", "bce", "ce", "other"
    description: str  # repr of the cost object
    reduction: str
    scale: float  # 1 (sum) or 1/batch (mean)
    value: float
    y: np.ndarray  # the target as given
    Y: np.ndarray  # the target as rows like the output (one-hot for class labels)
    fused_with: str | None  # "softmax" / "sigmoid" when the cost took z_L itself
    grad_a: np.ndarray | None  # ∇_a C from the engine
    grad_a_expected: np.ndarray | None  # ∇_a C from the formula

    @property
    def form(self) -> forms.CostForm:
        return forms.COST_FORMS[self.name]


@dataclass
class Trace:
    """The record of one forward and backward pass (see the module's docstring)."""

    network: Module
    cost: Cost
    x: np.ndarray  # (batch, n₀)
    layers: list[LayerRecord]
    cost_record: CostRecord | None
    graph: GraphRecord
    grad_x: np.ndarray  # ∂C/∂x, what reaches the input layer
    output: np.ndarray  # the network's output, (batch, n_L)
    note: str = ""
    checks: list[Check] = field(default_factory=list)

    @property
    def supported(self) -> bool:
        """Whether the layer-by-layer record exists (else only the generic graph does)."""
        return bool(self.layers)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def batch(self) -> int:
        return self.x.shape[0]

    @property
    def sizes(self) -> list[int]:
        return [self.x.shape[1]] + [layer.n_out for layer in self.layers]

    @property
    def value(self) -> float:
        return float(self.graph.nodes[self.graph.root].value)

    def layer(self, index: int) -> LayerRecord:
        """Layer l (1-based, as in the book)."""
        if not 1 <= index <= len(self.layers):
            raise ConfigError(
                f"the network has layers 1 … {len(self.layers)}; there is no layer {index}"
            )
        return self.layers[index - 1]

    def describe(self) -> str:
        """``Sequential(3→4→1)`` with each layer's activation, in one line."""
        if not self.supported:
            return self.network.describe()
        parts = [f"{layer.name} {layer.activation}" for layer in self.layers]
        return f"{self.network.describe()}: " + ", ".join(parts)

    # the views, for notebooks and quick looks (registered in DISPLAYS by the views)
    def text(self, width: int = 80, precision: int = 4) -> str:
        return DISPLAYS["text"](self, width=width, precision=precision)

    def __repr__(self) -> str:
        state = "all checks pass" if self.ok else "CHECK FAILED"
        return f"<Trace of {self.describe()}, C = {self.value:.6g}, {state}>"

    def _repr_html_(self) -> str:
        return DISPLAYS["html"](self)


# -- building -------------------------------------------------------------------------------


def flatten_modules(net: Module) -> list[tuple[str, Module]]:
    """The layers in order, nested Sequentials flattened, with their dotted names. Dropout
    layers are left out: an explanation shows the network as it predicts (evaluation mode),
    where dropout is the identity."""
    if not isinstance(net, Sequential):
        return [("", net)]
    out = []
    for i, layer in enumerate(net.layers):
        if isinstance(layer, Dropout):
            continue
        for name, module in flatten_modules(layer):
            out.append((f"{i}.{name}" if name else str(i), module))
    return out


def group_layers(modules) -> tuple[list[tuple[int, int | None, str]], str]:
    """[(dense position, activation position or None, activation name)] and a note (empty when
    the modules are the book's network, :func:`chainrule.nn.read_layers`)."""
    network = read_layers([module for _, module in modules])
    if isinstance(network, BookNetwork):
        return [(layer.dense_at, layer.activation_at, layer.name) for layer in network.layers], ""
    if network.position is None:
        return [], network.reason
    name, module = modules[network.position]
    what = f"'{module.describe()}'" + (f" (layer {name})" if name else "")
    known = ", ".join(activation_names(aliases=False))
    return [], (
        f"the trace reads networks of Dense layers, each followed by an activation "
        f"({known}); {what} is not one, so this view shows the generic graph of the "
        f"recorded operations"
    )


def _example(x, n_in: int | None, net: Module, dtype) -> np.ndarray:
    """The example(s) as rows, or a ShapeError naming the expected shape."""
    try:
        X = as_array(x.data if isinstance(x, Tensor) else x, dtype, what="the example x")
    except DTypeError as exc:
        raise DTypeError(f"trace: {exc}") from None
    if X.ndim == 1:
        X = X.reshape(1, -1)
    if n_in is not None and (X.ndim != 2 or X.shape[1] != n_in):
        raise ShapeError(
            f"trace: the example x has shape {np.shape(x)}; {net.describe()} "
            f"expects ({n_in},) for one example, or (batch, {n_in})"
        )
    if X.ndim != 2 or X.shape[0] == 0:
        raise ShapeError(
            f"trace: the example x has shape {np.shape(x)}; expected (features,) "
            "for one example, or (batch, features)"
        )
    return X


def _target(y, cost, output: Tensor):
    """The target shaped for the cost: rows like the output, or one class label per row."""
    raw = np.asarray(y.data if isinstance(y, Tensor) else y)
    batch, k = output.shape[0], output.shape[-1]
    name = forms.cost_name(cost)
    if name == "ce" and raw.size == batch and raw.ndim <= 1:
        return raw.reshape(batch)
    if raw.size == batch * k and raw.ndim <= 2 and (raw.ndim < 2 or raw.shape == (batch, k)):
        return raw.reshape(batch, k)
    labels = " (or one class label per example)" if name == "ce" else ""
    one = f"({k},)" if batch == 1 else f"({batch}, {k})"
    raise ShapeError(
        f"trace: the target y has shape {raw.shape}; the network's output has "
        f"shape {tuple(output.shape)}, so y should have shape {one}{labels}"
    )


def _require_finite(values, what: str) -> None:
    """DataError naming the first NaN or ±inf of ``values`` (the example or the target)."""
    array = np.asarray(values)
    if array.dtype.kind not in "fc" or np.isfinite(array).all():
        return
    position = np.unravel_index(int(np.argmin(np.isfinite(array))), array.shape)
    raise DataError(
        f"trace: {what} holds {float(array[position].real)} at index "
        f"{tuple(int(i) for i in position)}; every value must be finite"
    )


def _error(got: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(np.asarray(got, np.float64) - expected), initial=0.0))


def _check(name: str, equation: str, got, expected, rtol: float) -> Check:
    size = float(np.max(np.abs(expected), initial=0.0))
    return Check(name, equation, _error(got, expected), rtol * size + 1e-300)


def _verify(layers: list[LayerRecord], cost: CostRecord, rtol: float) -> list[Check]:
    """Recompute each δ, ∂C/∂W, ∂C/∂b from the recorded values and the book's formulas."""
    checks = []
    last = layers[-1]
    L = sub(last.index)
    if cost.fused_with and cost.name in ("ce", "bce"):
        expected = forms.fused_delta_expected(cost.name, last.z, cost.Y, cost.scale)
        equation = f"δ{L} = {'p' if cost.name == 'ce' else 'a' + L} − y"
    elif cost.fused_with:
        expected, equation = None, ""  # a cost of its own that skipped a_L: nothing to recompute
    else:
        g = cost.grad_a_expected if cost.grad_a_expected is not None else cost.grad_a
        expected = last.form.backward(g, last.z, last.a)
        op = "⊙ σ'" if last.form.elementwise else "· J"
        equation = f"δ{L} = ∇ₐC {op}(z{L})"
    last.delta_expected = expected
    if expected is not None:
        checks.append(_check(f"δ{L}", equation, last.delta, expected, rtol))
    for below, above in zip(layers[-2::-1], layers[:0:-1], strict=True):
        l, up = sub(below.index), sub(above.index)
        expected = below.form.backward(above.delta @ above.W, below.z, below.a)
        below.delta_expected = expected
        checks.append(
            _check(f"δ{l}", f"δ{l} = (W{up}ᵀ δ{up}) ⊙ σ'(z{l})", below.delta, expected, rtol)
        )
    for layer in reversed(layers):
        l, prev = sub(layer.index), sub(layer.index - 1)
        layer.checks = [
            _check(
                f"∂C/∂W{l}",
                f"∂C/∂W{l} = δ{l} a{prev}ᵀ",
                layer.dW,
                layer.delta.T @ layer.a_prev,
                rtol,
            )
        ]
        if layer.db is not None:
            layer.checks.append(
                _check(f"∂C/∂b{l}", f"∂C/∂b{l} = δ{l}", layer.db, layer.delta.sum(axis=0), rtol)
            )
        checks.extend(layer.checks)
    return checks


def _forward(modules, x_tensor: Tensor) -> list[tuple[Tensor, Tensor]]:
    """Run the layers one by one: (input, output) of each, errors naming the layer."""
    outputs = []
    current = x_tensor
    for name, module in modules:
        try:
            out = module(current)
        except (ShapeError, DTypeError) as exc:
            prefix = f"layer {name} " if name else ""
            raise type(exc)(f"trace: {prefix}{exc}") from None
        outputs.append((current, out))
        current = out
    if not isinstance(current, Tensor) or current.ndim != 2:
        raise ShapeError(
            f"trace: the network's output must be (batch, outputs); received "
            f"{getattr(current, 'shape', type(current).__name__)}"
        )
    return outputs


def _names(net: Module, x_tensor: Tensor, modules, groups, outputs):
    """The graph's names (x, W₁, b₁, z₁, a₁, …: the book's, with the layers numbered from 1;
    a parameter of a layer the book has no name for keeps the engine's, e.g. 3.gamma), kinds
    and the layer that made each value."""
    labels = {id(x_tensor): "x"}
    kinds = {id(x_tensor): "input"}
    book = {
        f"{modules[dense_at][0]}.{kind}": f"{kind}{sub(l)}"
        for l, (dense_at, _, _) in enumerate(groups, start=1)
        for kind in ("W", "b")
    }
    for name, p in net.named_parameters():
        labels[id(p)] = book.get(name, name)
        kinds[id(p)] = "parameter"
    for l, (dense_at, act_at, _) in enumerate(groups, start=1):
        z = outputs[dense_at][1]
        labels.setdefault(id(z), f"z{sub(l)}")
        if act_at is not None and outputs[act_at][1] is not z:
            labels.setdefault(id(outputs[act_at][1]), f"a{sub(l)}")
    where = {}
    for position, ((name, module), (_, out)) in enumerate(zip(modules, outputs, strict=True)):
        where.setdefault(id(out), f"layer {name or position} {module.describe()}")
    return labels, kinds, where


def _layer_records(modules, groups, outputs, grads) -> list[LayerRecord]:
    layers = []
    for l, (dense_at, act_at, act) in enumerate(groups, start=1):
        dense = modules[dense_at][1]
        a_in, z = outputs[dense_at]
        a = outputs[act_at][1] if act_at is not None else z
        layers.append(
            LayerRecord(
                index=l,
                name=dense.describe(),
                param_prefix=modules[dense_at][0],
                activation=act,
                W=dense.W.data.copy(),
                b=None if dense.b is None else dense.b.data.copy(),
                a_prev=a_in.data.copy(),
                z=z.data.copy(),
                a=a.data.copy(),
                grad_a=grads.get(id(a)),
                delta=_or_zero(grads.get(id(z)), z),
                grad_a_prev=_or_zero(grads.get(id(a_in)), a_in),
                dW=_or_zero(grads.get(id(dense.W)), dense.W),
                db=None if dense.b is None else _or_zero(grads.get(id(dense.b)), dense.b),
            )
        )
    return layers


def _cost_record(
    cost: Cost, C: Tensor, output: Tensor, z_L: Tensor, target, grads, last: LayerRecord
) -> CostRecord:
    """The cost, and whether it took z_L itself (fused with the output activation)."""
    name = forms.cost_name(cost)
    fused = (
        last.activation
        if grads.get(id(output)) is None and grads.get(id(z_L)) is not None
        else None
    )
    scale = cost.scale(output)
    Y = forms.target_matrix(name, target, output.shape)
    return CostRecord(
        name=name,
        description=repr(cost),
        reduction=cost.reduction,
        scale=scale,
        value=float(C.data),
        y=np.asarray(target),
        Y=Y,
        fused_with=fused,
        grad_a=grads.get(id(output)),
        grad_a_expected=None if fused else forms.grad_a_expected(cost, last.a, Y, scale),
    )


def trace(net: Module, x, y, cost: Cost | str = "mse") -> Trace:
    """Run ``net`` forward on ``x``, the cost against ``y``, and backward; record every number.

    ``x``: one example (n₀,) or a batch (batch, n₀). ``y``: the target, (n_L,) / (batch, n_L),
    or class labels for cross-entropy. ``cost``: a :class:`Cost` or a name ("mse", "bce",
    "ce"). See the module's docstring for what is recorded and checked.
    """
    if not isinstance(net, Module):
        raise ChainruleError(
            f"trace: expected a network (a chainrule Module), received {type(net).__name__}"
        )
    cost = cost_by_name(cost) if isinstance(cost, str) else cost
    modules = flatten_modules(net)
    groups, note = group_layers(modules)
    dtype = network_dtype(net, get_default_dtype())
    X = _example(x, modules[groups[0][0]][1].in_features if groups else None, net, dtype)
    if groups:
        dense = [modules[g[0]][1] for g in groups]
        sizes = [dense[0].in_features] + [layer.out_features for layer in dense]
        require_memory(
            explain_bytes(sizes, len(X), dense[0].b is not None),
            f"tracing {net.describe()} on {len(X)} example(s)",
        )

    _require_finite(X, "the example x")
    x_tensor = Tensor(X, requires_grad=True, dtype=dtype)
    # every value the engine computes is checked: an overflow is an error naming its op and
    # layer, not a NumPy warning followed by a page of nan
    with detect_anomaly(), np.errstate(all="ignore"):
        try:
            outputs = _forward(modules, x_tensor)
            output = outputs[-1][1]
            target = _target(y, cost, output)
            _require_finite(target, "the target y")
            labels, kinds, where = _names(net, x_tensor, modules, groups, outputs)
            C = cost(output, target)
            labels[id(C)] = "C"
            graph = record_backward(C, labels, kinds, where)
        except NonFiniteError as exc:
            raise NonFiniteError(
                f"trace: {exc} (are the example's values, or the weights, "
                f"too large for {np.dtype(dtype).name}?)"
            ) from None
    grads = {tensor_id: graph.nodes[key].grad for tensor_id, key in graph.ids.items()}
    result = Trace(
        net,
        cost,
        X,
        [],
        None,
        graph,
        _or_zero(grads.get(id(x_tensor)), x_tensor),
        np.array(output.data, copy=True),
        note,
    )
    if not groups:
        return result
    result.layers = _layer_records(modules, groups, outputs, grads)
    result.cost_record = _cost_record(
        cost, C, output, outputs[groups[-1][0]][1], target, grads, result.layers[-1]
    )
    with np.errstate(over="ignore", invalid="ignore"):  # a non-finite value fails its check
        result.checks = _verify(
            result.layers, result.cost_record, TOLERANCE.get(np.dtype(dtype), 1e-5)
        )
    return result


def _or_zero(grad, tensor) -> np.ndarray:
    return np.zeros(tensor.shape, dtype=tensor.dtype) if grad is None else grad
