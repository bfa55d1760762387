"""The Jacobian view: the explicit Jacobians of each step, their chain product, and the
vector-Jacobian products backprop computes instead, shown equal, with the cost of each.

For one example, layer l is two maps with Jacobians

    z_l = W_l a_{l−1} + b_l:   ∂z_l/∂a_{l−1} = W_l                   (n_l × n_{l−1})
    a_l = σ(z_l):              ∂a_l/∂z_l = diag(σ'(z_l))             (n_l × n_l, diagonal)

so ∂a_L/∂x = diag(σ'(z_L)) W_L ⋯ diag(σ'(z_1)) W_1 and ∂C/∂x = (∇ₐC)ᵀ ∂a_L/∂x. Three ways to
compute that row, counted in multiply-adds (one scalar multiplication and addition):

    full chain     multiply the Jacobians into the n_L × n_0 matrix, then ∇ₐC by it
    row by row     ∇ₐC times each explicit Jacobian in turn, from the cost down
    VJPs           g ⊙ σ'(z) for each diag (n multiplications) and g W for each W: backprop,
                   which never forms a Jacobian
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...errors import ConfigError
from ..document.display import DocumentDisplay
from ..document.expr import M as mat
from ..document.expr import Partial, Sym, call, eq, row, seq
from ..document.expr import S as sym
from ..document.model import Display, Document, Note, Prose, Section, Table
from ..record.notation import format_number, sub
from ..record.trace import Trace

#: Layers wider than this are not formed explicitly (an n × n diag of 2048 is 32 MB).
MAX_WIDTH = 2048
#: Jacobians up to this size are printed with their numbers; larger ones by their shape.
SHOW_WIDTH = 8


@dataclass
class JacobianFactor:
    """One explicit Jacobian of the chain."""

    symbol: Partial  # ∂a₂/∂z₂
    formula: object  # the Expr it equals (diag(σ'(z₂)), W₂)
    matrix: np.ndarray
    kind: str  # "activation" or "affine"
    vjp_macs: int  # multiply-adds of its VJP: n (diagonal), 2n (softmax), rows × cols (W)


@dataclass
class MethodCost:
    name: str
    macs: int
    what: str


@dataclass
class JacobianView(DocumentDisplay):
    """The explicit Jacobians of one example's pass and the VJPs that replace them."""

    example: int
    fused: bool  # the cost's derivative starts at z_L (softmax + CE, sigmoid + BCE)
    start: np.ndarray  # ∇ₐC (or ∂C/∂z_L when fused), the row the chain is multiplied into
    factors: list[JacobianFactor]  # from the output down: J_σL, W_L, …, J_σ1, W_1
    chain: np.ndarray  # their product ∂a_L/∂x (or ∂z_L/∂x when fused)
    explicit_grad_x: np.ndarray  # start · chain
    vjp_grad_x: np.ndarray  # the engine's ∂C/∂x
    explicit_deltas: list[np.ndarray]  # δ_l from explicit products, l = L … 1
    vjp_deltas: list[np.ndarray]  # δ_l recorded by the engine, l = L … 1
    costs: list[MethodCost] = field(default_factory=list)

    @property
    def max_difference(self) -> float:
        diffs = [
            np.max(np.abs(a - b), initial=0.0)
            for a, b in zip(self.explicit_deltas, self.vjp_deltas, strict=True)
        ]
        diffs.append(np.max(np.abs(self.explicit_grad_x - self.vjp_grad_x), initial=0.0))
        return float(max(diffs))

    @property
    def agrees(self) -> bool:
        scale = max(1.0, float(np.max(np.abs(self.vjp_grad_x), initial=0.0)))
        return self.max_difference <= 1e-9 * scale

    def __repr__(self) -> str:
        return f"<JacobianView: {len(self.factors)} Jacobians, products equal VJPs: {self.agrees}>"

    def document(self) -> Document:
        return jacobian_document(self)

    def to_json(self) -> dict:
        return {
            "example": self.example,
            "fused": self.fused,
            "start": self.start.tolist(),
            "jacobians": [
                {"name": str(f.symbol), "equals": str(f.formula), "matrix": f.matrix.tolist()}
                for f in self.factors
            ],
            "chain": self.chain.tolist(),
            "explicit_grad_x": self.explicit_grad_x.tolist(),
            "vjp_grad_x": self.vjp_grad_x.tolist(),
            "agrees": self.agrees,
            "max_difference": self.max_difference,
            "costs": [{"method": c.name, "multiply_adds": c.macs} for c in self.costs],
        }


def method_costs(factors: list[JacobianFactor], start: int) -> list[MethodCost]:
    """Multiply-adds of the three methods for the chain ``factors`` (output first)."""
    n0 = factors[-1].matrix.shape[1]
    full = start * n0  # the row times the finished n_L × n_0 matrix
    for factor in factors[:-1]:  # M ← J M from the input side; M starts as W_1
        rows_, inner = factor.matrix.shape
        full += rows_ * inner * n0
    by_row = sum(f.matrix.size for f in factors)
    vjp = sum(f.vjp_macs for f in factors)
    return [
        MethodCost("full chain", full, "multiply the Jacobians into ∂a_L/∂x, then ∇ₐC by it"),
        MethodCost("row by row", by_row, "∇ₐC times each explicit Jacobian, from the cost down"),
        MethodCost(
            "VJPs (backprop)",
            vjp,
            "g ⊙ σ'(z) for each diag, g W for each W: no Jacobian is ever formed",
        ),
    ]


def jacobian_view(trace: Trace, example: int = 0) -> JacobianView:
    """Form each Jacobian of example ``example``'s pass, multiply them, compare with the VJPs."""
    if not trace.supported:
        raise ConfigError(f"the Jacobian view needs a network of Dense layers: {trace.note}")
    if not 0 <= example < trace.batch:
        raise ConfigError(
            f"example {example} does not exist; the batch has examples 0 … {trace.batch - 1}"
        )
    widest = max(trace.sizes)
    if widest > MAX_WIDTH:
        raise ConfigError(
            f"a layer of {widest} units is too wide to form its Jacobian "
            f"explicitly (at most {MAX_WIDTH}); the VJP never needs it"
        )
    e = example
    cost = trace.cost_record
    fused = bool(cost.fused_with) and cost.name in ("ce", "bce")
    last = trace.layers[-1]
    grad = cost.grad_a if cost.grad_a is not None else cost.grad_a_expected
    start = (last.delta[e] if fused else grad[e]).astype(np.float64)
    factors: list[JacobianFactor] = []
    for layer in reversed(trace.layers):
        l, n = layer.index, layer.n_out
        if not (fused and layer is last):
            if layer.form.elementwise:
                formula, macs = call("diag", call("σ'", sym("z", l))), n
            else:
                formula = seq(call("diag", sym("a", l)), "−", sym("a", l), sym("a", l, "T"))
                macs = 2 * n
            factors.append(
                JacobianFactor(
                    Partial(sym("a", l), sym("z", l)),
                    formula,
                    layer.jacobian[e],
                    "activation",
                    macs,
                )
            )
        factors.append(
            JacobianFactor(
                Partial(sym("z", l), sym("a", l - 1)), sym("W", l), layer.W, "affine", layer.W.size
            )
        )
    chain = factors[-1].matrix.astype(np.float64)
    for factor in reversed(factors[:-1]):
        chain = factor.matrix @ chain
    view = JacobianView(
        e,
        fused,
        start,
        factors,
        chain,
        start @ chain,
        trace.grad_x[e],
        _deltas_by_rows(start, factors, fused),
        [layer.delta[e] for layer in reversed(trace.layers)],
    )
    view.costs = method_costs(factors, start.size)
    return view


def _deltas_by_rows(start: np.ndarray, factors: list[JacobianFactor], fused: bool):
    """δ_L, …, δ_1 as the row ∇ₐC times the explicit Jacobians down to each z."""
    deltas = [start.copy()] if fused else []
    v = start
    for factor in factors:
        v = v @ factor.matrix
        if factor.kind == "activation":  # just multiplied by ∂a_l/∂z_l: v = δ_l
            deltas.append(v.copy())
    return deltas


def _shape(m: np.ndarray) -> str:
    return f"{m.shape[0]}×{m.shape[1]}"


def jacobian_document(view: JacobianView) -> Document:
    doc = Document(
        "The Jacobian view: explicit Jacobians against vector-Jacobian products",
        [
            ("example", f"{view.example} of the batch (examples count from 0)"),
            ("Jacobians", " · ".join(f"{f.symbol} ({_shape(f.matrix)})" for f in view.factors)),
        ],
    )
    small = max(max(f.matrix.shape) for f in view.factors) <= SHOW_WIDTH
    section = doc.add(Section("The Jacobian of each step", key="jacobians"))
    section.add(
        Prose(
            "Each layer is two maps. z = W a + b has the Jacobian ∂z/∂a = W; "
            "a = σ(z) has ∂a/∂z = diag(σ'(z)), diagonal because each a_j depends on "
            "its own z_j only (softmax is the exception: diag(a) − a aᵀ)."
        )
    )
    for f in view.factors:
        section.add(Display(eq(f.symbol, f.formula, mat(f.matrix) if small else None)))
    if not small:
        section.add(
            Note(
                f"the matrices are larger than {SHOW_WIDTH}×{SHOW_WIDTH}: their "
                "numbers are left out, their products are still computed below"
            )
        )

    start_sym = (
        Partial(Sym("C"), sym("z", len(view.vjp_deltas))) if view.fused else seq(sym("∇", "a"), "C")
    )
    chain_syms = seq(*[f.symbol for f in view.factors])
    product = doc.add(Section("The chain product", key="chain"))
    target = Partial(sym("z" if view.fused else "a", len(view.vjp_deltas)), Sym("x"))
    product.add(
        Prose(
            "Multiplied together, from the output down, the Jacobians give the "
            "derivative of the network's output with respect to its input; the "
            "cost's gradient times that matrix is ∂C/∂x."
        ),
        Display(eq(target, chain_syms, mat(view.chain) if small else None)),
        Display(
            eq(
                Partial(Sym("C"), Sym("x")),
                seq(start_sym, target),
                seq(row(view.start), mat(view.chain)) if small else None,
                row(view.explicit_grad_x),
            )
        ),
    )

    vjp = doc.add(Section("The same numbers as vector-Jacobian products", key="vjp"))
    vjp.add(
        Prose(
            "Backprop multiplies a row vector into one Jacobian at a time and never "
            "forms them: a diagonal Jacobian is a Hadamard product (g ⊙ σ'(z)), W is "
            "a product with a vector (gᵀ W, the book's Wᵀδ). These are the δ it "
            "recorded:"
        )
    )
    rows = []
    L = len(view.vjp_deltas)
    for k, (explicit, recorded) in enumerate(
        zip(view.explicit_deltas, view.vjp_deltas, strict=True)
    ):
        l = L - k
        vjp.add(Display(eq(sym("δ", l), row(recorded))))
        rows.append([f"δ{sub(l)}", f"{np.max(np.abs(explicit - recorded), initial=0):.1e}"])
    vjp.add(
        Display(
            eq(
                Partial(Sym("C"), Sym("x")),
                seq(sym("W", 1, "T"), sym("δ", 1)),
                row(view.vjp_grad_x),
            )
        )
    )
    rows.append(["∂C/∂x", f"{np.max(np.abs(view.explicit_grad_x - view.vjp_grad_x)):.1e}"])
    vjp.add(Table(["value", "max |explicit − VJP|"], rows, [False, True]))
    vjp.add(
        Note(
            "the explicit Jacobian products equal the VJPs"
            if view.agrees
            else "the explicit products DIFFER from the VJPs",
            "ok" if view.agrees else "fail",
        )
    )

    counts = doc.add(Section("What each costs", key="jacobian-cost"))
    base = view.costs[-1].macs or 1
    counts.add(
        Table(
            ["method", "multiply-adds", "× VJPs", "how"],
            [[c.name, f"{c.macs:,}", format_number(c.macs / base, 3), c.what] for c in view.costs],
            [False, True, True, False],
        )
    )
    counts.add(
        Prose(
            "Forming a diagonal Jacobian costs n² where its VJP costs n; multiplying "
            "full Jacobians together costs a matrix product per layer where the VJP "
            "costs a vector product. The gap widens with the width of the layers."
        )
    )
    return doc
