"""The scalar view: one weight's influence on the cost, path by path.

A weight w = W_l[j, i] moves the cost only through the values downstream of it. Along one path
of influence, say w → z_l[j] → a_l[j] → z_{l+1}[k] → … → C, the chain rule multiplies the
local derivatives

    ∂z_l[j]/∂w = a_{l−1}[i],   ∂a[j]/∂z[j] = σ'(z[j]),   ∂z_{l+1}[k]/∂a_l[j] = W_{l+1}[k, j],
    …,   ∂C/∂a_L[m] = ∇ₐC[m]

and ∂C/∂w is the sum of these products over every path (and over the examples of a batch).
The view enumerates the paths from the trace's recorded numbers and shows that the sum equals
the engine's gradient. For a scalar program (the book's chapter-3 chain o = (x·w¹ + b¹)·w² + b²)
the paths are walked on the recorded graph itself, with each local derivative computed by the
primitive's own rule (see :mod:`..record.graph_record`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from ...autodiff.tensor import Tensor
from ...errors import ConfigError
from ...wording import plural
from ..document.display import DocumentDisplay
from ..document.expr import (
    Call,
    Expr,
    Group,
    Num,
    Op,
    Partial,
    Seq,
    Sym,
    Words,
    call,
    eq,
    paren,
    seq,
)
from ..document.model import Display, Document, Note, Prose, Section
from ..record.graph_record import GraphRecord, record_backward
from ..record.notation import format_number, sub
from ..record.trace import LayerRecord, Trace

#: How the views count: the book's layers from 1, units (NumPy's rows and columns) from 0.
INDICES = (
    "layers count from 1 as in the book (W₁ is the first layer's); units count from "
    "0 as in NumPy: W₁[j,i] is row j (unit z₁[j]), column i (input x[i])"
)

#: Enumerate at most this many paths (over all examples).
MAX_PATHS = 20_000


@dataclass
class Factor:
    """One local derivative ∂of/∂wrt along a path, its formula and value."""

    of: Sym
    wrt: Sym
    meaning: Sym | Num | Words | Call | Group
    value: float


@dataclass
class Path:
    nodes: list[Sym]
    factors: list[Factor]
    example: int = 0

    @property
    def product(self) -> float:
        return math.prod(f.value for f in self.factors)


@dataclass
class ScalarPaths(DocumentDisplay):
    """Every path of influence of one weight on C, with ∂C/∂w as their sum."""

    weight: Sym  # the book's name, W₁[2,0]
    name: str  # the engine's name, 0.W[2,0]
    value: float  # the weight's value
    engine: float  # ∂C/∂w from backward()
    paths: list[Path] = field(default_factory=list)
    batch: int = 1
    #: a scalar program's function (o = (x·w¹ + b¹)·w² + b²), its inputs with their values,
    #: and each intermediate's definition with its numbers (u = x·w¹ = 1.5 · 0.5 = 0.75), in
    #: the order they are computed; empty for a network
    function: Expr | None = None
    inputs: list[tuple[str, float]] = field(default_factory=list)
    definitions: list[Expr] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Σ over paths (and examples) of the product of local derivatives."""
        return math.fsum(p.product for p in self.paths)

    @property
    def agrees(self) -> bool:
        return math.isclose(
            self.total, self.engine, rel_tol=1e-6, abs_tol=1e-9 * max(1.0, abs(self.engine))
        )

    def __repr__(self) -> str:
        return (
            f"<ScalarPaths of {self.name}: {len(self.paths)} paths, Σ = {self.total:.6g}, "
            f"engine {self.engine:.6g}>"
        )

    def document(self, show: int = 6) -> Document:
        return scalar_document(self, show)

    def to_json(self) -> dict:
        program = (
            {}
            if self.function is None
            else {
                "function": str(self.function),
                "values": dict(self.inputs),
                "definitions": [" ".join(str(d).split()) for d in self.definitions],
            }
        )
        return {
            **program,
            "weight": str(self.weight),
            "name": self.name,
            "value": self.value,
            "engine": self.engine,
            "sum_over_paths": self.total,
            "agrees": self.agrees,
            "paths": [
                {
                    "example": p.example,
                    "nodes": [str(n) for n in p.nodes],
                    "factors": [
                        {
                            "derivative": f"∂{f.of}/∂{f.wrt}",
                            "equals": str(f.meaning),
                            "value": f.value,
                        }
                        for f in p.factors
                    ],
                    "product": p.product,
                }
                for p in self.paths
            ],
        }


# -- networks ---------------------------------------------------------------------------------

_SPEC = re.compile(
    r"^\s*(?:(?P<prefix>[\d.]+)\.)?(?P<kind>[Wb])(?P<layer>\d+|[₀-₉]+)?"
    r"\s*\[\s*(?P<j>\d+)\s*(?:,\s*(?P<i>\d+)\s*)?\]\s*$"
)
_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def parse_weight(trace: Trace, spec: str) -> tuple[LayerRecord, str, int, int]:
    """ "0.W[1,2]" (the engine's parameter name) or "W1[1,2]" (the book's layer number) →
    (layer, "W" or "b", j, i). Indices are 0-based rows (units of z) and columns (inputs)."""
    if not trace.supported:
        raise ConfigError(f"the scalar view needs a network of Dense layers: {trace.note}")
    first = trace.layers[0]
    example = f"W1[0,0] (the book's layer number) or {first.param_prefix}.W[0,0]"
    match = _SPEC.match(spec or "")
    if not match or (match["prefix"] is None) == (match["layer"] is None):
        raise ConfigError(
            f"cannot read the weight {spec!r}: write it as {example} (the "
            "engine's parameter name), or b1[0] for a bias; rows and columns "
            "count from 0"
        )
    if match["prefix"] is not None:
        found = [layer for layer in trace.layers if layer.param_prefix == match["prefix"]]
        if not found:
            names = ", ".join(
                f"{layer.param_prefix}.W (W{sub(layer.index)})" for layer in trace.layers
            )
            raise ConfigError(
                f"the network has no parameter {match['prefix']}.{match['kind']}; "
                f"its weights are {names}"
            )
        layer = found[0]
    else:
        layer = trace.layer(int(match["layer"].translate(_SUBSCRIPT_DIGITS)))
    kind, j = match["kind"], int(match["j"])
    i = int(match["i"]) if match["i"] is not None else 0
    if kind == "b" and layer.b is None:
        raise ConfigError(f"layer {layer.index} ({layer.name}) has no bias")
    if kind == "W" and match["i"] is None:
        raise ConfigError(
            f"a weight needs two indices, {kind}[j,i]: row j (the unit of "
            f"z{sub(layer.index)}) and column i (the input)"
        )
    if j >= layer.n_out or (kind == "W" and i >= layer.n_in):
        shape = f"({layer.n_out}, {layer.n_in})" if kind == "W" else f"({layer.n_out},)"
        raise ConfigError(f"{spec!r} is outside layer {layer.index}'s {kind}, of shape {shape}")
    return layer, kind, j, i


def default_weight(trace: Trace) -> str:
    """The first layer's weight with the largest |∂C/∂w| (the most instructive to follow)."""
    first = trace.layers[0]
    j, i = np.unravel_index(int(np.argmax(np.abs(first.dW))), first.dW.shape)
    return f"W{first.index}[{j},{i}]"


def _unit(base: str, layer: int, unit: int) -> Sym:
    return Sym(base, str(layer), "", str(unit))


def _count_paths(trace: Trace, layer: LayerRecord) -> int:
    count = 1
    for above in trace.layers[layer.index - 1 :]:
        if above.index > layer.index:
            count *= above.n_out
        if not above.form.elementwise:
            count *= above.n_out
    return count * trace.batch


class _Walker:
    """Enumerates the paths of one weight through the trace's layers."""

    def __init__(self, trace: Trace, example: int):
        self.t, self.e = trace, example
        cost = trace.cost_record
        self.fused = bool(cost.fused_with) and cost.name in ("ce", "bce")
        self.mse = cost.name == "mse"
        grad = cost.grad_a_expected if cost.grad_a_expected is not None else cost.grad_a
        self.grad_a = grad
        self.paths: list[Path] = []

    def from_z(self, m: int, u: int, nodes: list[Sym], factors: list[Factor]) -> None:
        """Continue a path that has reached z_m[u]."""
        layer = self.t.layer(m)
        z = _unit("z", m, u)
        if m == len(self.t.layers) and self.fused:
            value = float(layer.delta_expected[self.e, u])
            what = Words("p − y") if self.t.cost_record.name == "ce" else Words("a − y")
            self.paths.append(
                Path(nodes + [Sym("C")], factors + [Factor(Sym("C"), z, what, value)], self.e)
            )
            return
        if layer.form.elementwise:  # only a_m[u] depends on z_m[u]: no n × n Jacobian
            a = _unit("a", m, u)
            slope = layer.form.derivative(layer.z[self.e, u : u + 1], layer.a[self.e, u : u + 1])
            step = Factor(a, z, call("σ'", z), float(slope[0]))
            self.from_a(m, u, nodes + [a], factors + [step])
            return
        J = layer.jacobian[self.e]
        for v in range(layer.n_out):
            a = _unit("a", m, v)
            step = Factor(a, z, Sym("J", str(m), "", f"{v},{u}"), float(J[v, u]))
            self.from_a(m, v, nodes + [a], factors + [step])

    def from_a(self, m: int, v: int, nodes: list[Sym], factors: list[Factor]) -> None:
        """Continue a path that has reached a_m[v]."""
        a = _unit("a", m, v)
        if m == len(self.t.layers):
            meaning = (
                paren(a, "−", Sym("y", index=str(v))) if self.mse else Sym("∇ₐC", index=str(v))
            )
            step = Factor(Sym("C"), a, meaning, float(self.grad_a[self.e, v]))
            self.paths.append(Path(nodes + [Sym("C")], factors + [step], self.e))
            return
        above = self.t.layer(m + 1)
        for k in range(above.n_out):
            z = _unit("z", m + 1, k)
            step = Factor(z, a, Sym("W", str(m + 1), "", f"{k},{v}"), float(above.W[k, v]))
            self.from_z(m + 1, k, nodes + [z], factors + [step])


def weight_paths(trace: Trace, spec: str | None = None, limit: int = MAX_PATHS) -> ScalarPaths:
    """Every path of influence of one weight (``"0.W[1,2]"`` or ``"W1[1,2]"``; default: see
    :func:`default_weight`) on C."""
    if spec is None and trace.supported:
        spec = default_weight(trace)
    layer, kind, j, i = parse_weight(trace, spec)
    count = _count_paths(trace, layer)
    if count > limit:
        raise ConfigError(
            f"{spec} reaches the cost along {count} paths (over the batch); the "
            f"scalar view lists at most {limit}: choose a weight nearer the "
            "output, one example, or a narrower network"
        )
    l = layer.index
    w = Sym(kind, str(l), "", f"{j},{i}" if kind == "W" else str(j))
    engine = float(layer.dW[j, i] if kind == "W" else layer.db[j])
    value = float(layer.W[j, i] if kind == "W" else layer.b[j])
    result = ScalarPaths(
        w,
        f"{layer.param_prefix}.{kind}[{j}{f',{i}' if kind == 'W' else ''}]",
        value,
        engine,
        batch=trace.batch,
    )
    for e in range(trace.batch):
        walker = _Walker(trace, e)
        first = Factor(
            _unit("z", l, j),
            w,
            _unit("a", l - 1, i) if kind == "W" else Num(1.0),
            float(layer.a_prev[e, i]) if kind == "W" else 1.0,
        )
        walker.from_z(l, j, [w, _unit("z", l, j)], [first])
        result.paths.extend(walker.paths)
    return result


# -- scalar programs --------------------------------------------------------------------------


def _meaning(record: GraphRecord, key: int, parent: int) -> Sym | Num | Words:
    node = record.nodes[key]
    others = [p for p in node.parents if p != parent]
    if node.op == "mul" and len(others) == 1:
        return Sym(record.nodes[others[0]].label)
    if node.op in ("add", "sub"):
        return Num(1.0 if node.op == "add" or node.parents[0] == parent else -1.0)
    return Words(f"{node.op}′")


#: The primitives a scalar program's definitions are written with, as infix operators.
_INFIX = {"mul": "·", "add": "+", "sub": "−"}


def _formula(record: GraphRecord, key: int, expand: bool) -> Expr:
    """A node as its parents combined (u → x·w¹); with ``expand``, written out down to the
    leaves (o → (x·w¹ + b¹)·w² + b²), a sum inside a product in parentheses."""
    node = record.nodes[key]
    symbol = node.op and _INFIX.get(node.op)
    if node.op is None or symbol is None or len(node.parents) != 2:
        return (
            Sym(node.label)
            if node.op is None or not expand
            else call(node.op, *[_formula(record, p, expand) for p in node.parents])
        )
    left, right = (
        _formula(record, p, expand)
        if expand and record.nodes[p].op is not None
        else Sym(record.nodes[p].label)
        for p in node.parents
    )
    if symbol == "·":
        left, right = (paren(side) if _is_sum(side) else side for side in (left, right))
    return seq(left, symbol, right)


def _is_sum(expr: Expr) -> bool:
    return isinstance(expr, Seq) and any(isinstance(i, Op) and i.symbol in "+−" for i in expr.items)


def _values(record: GraphRecord, key: int) -> Expr:
    """A node's parents' values combined as its formula combines their symbols."""
    node = record.nodes[key]
    symbol = _INFIX.get(node.op or "")
    values = [Num(float(record.nodes[p].value)) for p in node.parents]
    if symbol is None or len(values) != 2:
        return call(node.op or "", *values)
    return seq(values[0], symbol, values[1])


def program(record: GraphRecord) -> tuple[Expr, list[tuple[str, float]], list[Expr]]:
    """A recorded scalar program as the book writes it: the function (root = its formula in
    the inputs), the inputs and their values, each intermediate's definition with numbers."""
    root = record.nodes[record.root]
    function = eq(Sym(root.label), _formula(record, record.root, expand=True))
    used = [p for node in record.nodes for p in node.parents]  # the order they are used in
    leaves = sorted(
        (node for node in record.nodes if node.op is None),
        key=lambda node: used.index(node.key) if node.key in used else len(used),
    )
    inputs = [(node.label, float(node.value)) for node in leaves]
    definitions = [
        eq(
            Sym(node.label),
            _formula(record, node.key, expand=False),
            _values(record, node.key),
            Num(float(node.value)),
        )
        for node in record.nodes
        if node.op is not None
    ]
    return function, inputs, definitions


def graph_paths(record: GraphRecord, label: str) -> ScalarPaths:
    """The paths from the value named ``label`` to the root of a recorded scalar program,
    with each local derivative from the primitive's VJP rule."""
    start = record.by_label(label).key
    node = record.nodes[start]
    function, inputs, definitions = program(record)
    result = ScalarPaths(
        Sym(label),
        label,
        float(node.value),
        float(node.grad),
        function=function,
        inputs=inputs,
        definitions=definitions,
    )
    for keys in record.paths(start):
        factors = []
        for below, above in zip(keys, keys[1:], strict=False):
            parents = record.nodes[above].parents
            local = record.nodes[above].local[parents.index(below)]
            if local is None:
                raise ConfigError(
                    f"{record.nodes[above].label} is not a scalar: the scalar "
                    "view walks programs of scalars (use the network view)"
                )
            factors.append(
                Factor(
                    Sym(record.nodes[above].label),
                    Sym(record.nodes[below].label),
                    _meaning(record, above, below),
                    local,
                )
            )
        result.paths.append(Path([Sym(record.nodes[k].label) for k in keys], factors))
    return result


#: The values of the chain one can differentiate o by, inputs first.
CHAIN_ORDER = ("x", "w¹", "b¹", "w²", "b²", "u", "h", "v")

#: The chapter-3 chain's default values (as in the README's example).
CHAIN_VALUES = {"x": 1.5, "w¹": 0.5, "b¹": 0.1, "w²": -2.0, "b²": 0.3}


def book_chain(**values: float) -> GraphRecord:
    """The book's chapter-3 chain o = (x·w¹ + b¹)·w² + b², run on the engine and recorded.

    Keywords x, w1, b1, w2, b2 override :data:`CHAIN_VALUES`. The intermediate values are
    named u = x·w¹, h = u + b¹, v = h·w², o = v + b².
    """
    names = {"x": "x", "w1": "w¹", "b1": "b¹", "w2": "w²", "b2": "b²"}
    unknown = set(values) - set(names)
    if unknown:
        raise ConfigError(f"the chain has the values x, w1, b1, w2, b2; not {sorted(unknown)}")
    given = dict(CHAIN_VALUES)
    given.update({names[k]: float(v) for k, v in values.items()})
    leaf = {
        name: Tensor(v, requires_grad=True, dtype="float64", name=name) for name, v in given.items()
    }
    u = leaf["x"] * leaf["w¹"]
    h = u + leaf["b¹"]
    v = h * leaf["w²"]
    o = v + leaf["b²"]
    labels = {id(t): name for name, t in leaf.items()}
    labels.update({id(u): "u", id(h): "h", id(v): "v", id(o): "o"})
    kinds = {id(t): "input" if name == "x" else "parameter" for name, t in leaf.items()}
    return record_backward(o, labels, kinds)


def chain_paths(wrt: str = "w¹", **values: float) -> ScalarPaths:
    """The scalar view of the chapter-3 chain for one of x, w¹, b¹, w², b² (or w1, b1, …)."""
    wrt = wrt.replace("1", "¹").replace("2", "²")
    record = book_chain(**values)
    names = [node.label for node in record.nodes]
    if wrt not in names or wrt == "o":
        known = ", ".join(n.replace("¹", "1").replace("²", "2") for n in CHAIN_ORDER)
        raise ConfigError(
            f"the chain o = (x·w¹ + b¹)·w² + b² has no value {wrt!r} to "
            f"differentiate by: choose {known}"
        )
    return graph_paths(record, wrt)


# -- the document -----------------------------------------------------------------------------


def _product(path: Path, what: str):
    if what == "symbols":
        return seq(*_dotted([Partial(f.of, f.wrt) for f in path.factors]))
    if what == "meanings":
        return seq(*_dotted([f.meaning for f in path.factors]))
    return seq(*_dotted([Num(f.value) for f in path.factors]))


def _dotted(items):
    out = []
    for item in items:
        if out:
            out.append("·")
        out.append(item)
    return out


def scalar_document(view: ScalarPaths, show: int = 6) -> Document:
    root = view.paths[0].nodes[-1] if view.paths else Sym("C")
    target = Partial(root, view.weight)
    doc = Document(
        f"The scalar view: ∂{root}/∂{view.weight}",
        [
            (
                "weight" if view.function is None else "variable",
                f"{view.weight} = {format_number(view.value)}",
            ),
            (
                "paths",
                f"{plural(len(view.paths), 'path', grouped=True)} of influence"
                + (f" over {view.batch} examples" if view.batch > 1 else ""),
            ),
        ],
    )
    if view.function is None:  # a network's weight: say how its units are counted
        doc.facts.append(("indices", INDICES))
    if view.function is not None:
        doc.facts.insert(0, ("function", str(view.function)))
        doc.facts.insert(
            1,
            (
                "values",
                ",  ".join(f"{name} = {format_number(value)}" for name, value in view.inputs),
            ),
        )
        doc.add(
            Section(
                "The function, one operation at a time",
                [
                    Prose(
                        f"The program computes {view.function} in steps; each intermediate value "
                        "is named so that the chain rule below can refer to it:"
                    ),
                    *map(Display, view.definitions),
                ],
                key="function",
            )
        )
    section = doc.add(Section(f"Paths of influence of {view.weight}", key="scalar"))
    section.add(
        Prose(
            f"{view.weight} changes {root} only through the values downstream of it. "
            "Along each path the chain rule multiplies the local derivatives; "
            f"∂{root}/∂{view.weight} is the sum of these products over every path."
        )
    )
    ranked = sorted(range(len(view.paths)), key=lambda k: -abs(view.paths[k].product))
    for rank, k in enumerate(ranked[:show], start=1):
        path = view.paths[k]
        label = f"Path {rank}" + (f", example {path.example}" if view.batch > 1 else "") + ": "
        section.add(
            Prose(label + " → ".join(str(n) for n in path.nodes)),
            Display(
                eq(
                    Words("product"),
                    _product(path, "symbols"),
                    _product(path, "meanings"),
                    _product(path, "numbers"),
                    Num(path.product),
                )
            ),
        )
    if len(view.paths) > show:
        rest = math.fsum(view.paths[k].product for k in ranked[show:])
        more = plural(len(view.paths) - show, "more path", grouped=True)
        section.add(
            Prose(
                f"… and {more} (the largest are shown above), whose products add up "
                f"to {format_number(rest, 6)}."
            )
        )
    section.add(
        Display(eq(target, Words("Σ over paths"), Num(view.total))),
        Display(eq(Words("engine (backward)"), Num(view.engine))),
    )
    verdict = (
        "the sum over paths equals the engine's gradient"
        if view.agrees
        else "the sum over paths DIFFERS from the engine's gradient"
    )
    section.add(
        Note(
            f"{verdict}: |difference| = {abs(view.total - view.engine):.1e}",
            "ok" if view.agrees else "fail",
        )
    )
    return doc
