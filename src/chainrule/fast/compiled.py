"""The compiled training step: the book's backprop loop over preallocated arrays.

For a network of Dense layers and elementwise activations, one step is

    forward    Z_l = A_{l−1} W_lᵀ + b_l,   A_l = σ(Z_l)              (A_0 = X)
    cost       C = cost(A_L, Y)  (or of Z_L where the cost is fused with the last activation)
    backward   Δ_L = ∇_a C ⊙ σ'(Z_L)                                  (fused: ∂C/∂Z_L = p − y)
               ∂C/∂W_l = Δ_lᵀ A_{l−1},  ∂C/∂b_l = Σ_rows Δ_l,  Δ_{l−1} = (Δ_l W_l) ⊙ σ'(Z_{l−1})
    update     optimizer.step()

Every number is computed by the same functions of the derivative table that the recorded graph
(the tape) calls — ``affine``, ``affine_vjp_W``, ``sigmoid_vjp``, the cost's VJP, … — so the
results are the tape's, but nothing is recorded: the arrays are allocated once per batch size
and reused through ``out=``, σ is computed in place of Z (where the activation's derivative is
written from its output; Z is kept for one whose VJP reads it), gradients are written straight
into each parameter's ``.grad``, the first layer sends no gradient back to the input X, and
large elementwise work is split over two threads (:mod:`chainrule.parallel`).

Whatever the step does not handle — a Tensor input, a 1-D batch, anomaly detection, a frozen
parameter, a layer added after compiling that it cannot read — goes to the tape step, which
handles everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import parallel
from ..autodiff.mode import blocks, state
from ..nn.dense import Dense
from ..nn.module import Module, Parameter
from ..ops.activation import identity_vjp
from ..ops.arithmetic import add
from ..ops.linear import affine, affine_vjp_b, affine_vjp_W, affine_vjp_x
from ..optim.clip import clip_grad_norm
from .plan import IDENTITY, Plan, make_plan, same_parameters

_affine = affine.forward
_add = add.forward


def _bias_and_activation(z, b, activation, out):
    """The end of the layer map and its activation, on rows of Z: Z + b in place, then σ into
    ``out`` (Z itself, or A where Z is kept) (split over threads as one piece of elementwise
    work)."""
    if b is not None:
        _add(z, b, out=z)
    if activation is not None:
        activation(z, out=out)
    return out


@dataclass(frozen=True, slots=True)
class ForwardLayer:
    """Layer l of the forward pass: Z_l = A_{l−1} W_lᵀ + b_l, then A_l = σ(Z_l)."""

    dense: Dense
    z: np.ndarray  # Z_l: the same array as ``a`` (σ in place) unless σ's VJP reads Z_l
    a: np.ndarray  # A_l
    sigma: Callable | None  # σ's forward, ``sigma(z, out=a)``; None: the identity, A_l = Z_l
    split: bool  # + b and σ split over two threads


@dataclass(frozen=True, slots=True)
class OutputDelta:
    """Where the backward pass starts: Δ_L = ∇_a C ⊙ σ'(Z_L), or the cost's gradient itself
    when the last layer has no σ of its own (the identity, or σ fused into the cost)."""

    delta: np.ndarray  # Δ_L
    grad_a: np.ndarray | None  # ∇_a C; None: the cost's VJP writes Δ_L directly
    sigma_vjp: Callable | None  # σ's VJP, ``sigma_vjp(g, a=A_L, z=Z_L, out=Δ_L)``
    z: np.ndarray | None  # Z_L where σ's VJP reads it, else None
    split: bool  # σ's VJP split over two threads


@dataclass(frozen=True, slots=True)
class BackwardLayer:
    """Layer l of the backward pass: ∂C/∂W_l = Δ_lᵀ A_{l−1} and ∂C/∂b_l = Σ_rows Δ_l; for
    l > 1 also Δ_{l−1} = (Δ_l W_l) ⊙ σ'(Z_{l−1})."""

    dense: Dense
    delta: np.ndarray  # Δ_l
    a_prev: np.ndarray | None  # A_{l−1}; None for the first layer (A_0 = X sends nothing back)
    grad_a_prev: np.ndarray | None  # ∂C/∂A_{l−1} = Δ_l W_l
    delta_prev: np.ndarray | None  # Δ_{l−1} (the same array as grad_a_prev for the identity)
    sigma_vjp: Callable | None  # the VJP of σ_{l−1}; None: the identity, Δ_{l−1} = ∂C/∂A_{l−1}
    z_prev: np.ndarray | None  # Z_{l−1} where that VJP reads it, else None
    split: bool  # that VJP split over two threads


@dataclass(frozen=True, slots=True)
class HeldParameters:
    """A Dense layer and the parameters it held at one moment (when compiled, when refused)."""

    dense: Dense
    W: Parameter
    b: Parameter | None

    @classmethod
    def of(cls, dense: Dense) -> HeldParameters:
        return cls(dense=dense, W=dense.W, b=dense.b)

    def still_held(self) -> bool:
        return self.dense.W is self.W and self.dense.b is self.b


@dataclass(frozen=True, slots=True)
class RefusedNetwork:
    """The network as it was when it could not be compiled: its layers, and the parameters of
    the Dense layers compiled before (so an unchanged network is not read again each step)."""

    layers: list[Module]
    held: list[HeldParameters]


class Program:
    """The arrays of one batch size and the step's instructions over them.

    Each layer's output A_l is kept (Z_l is overwritten by σ, unless σ's VJP reads Z_l: then
    Z_l has its own array); the backward pass works in three arrays as wide as the widest
    layer: Δ_l, Δ_{l−1} and ∂C/∂A_{l−1} between them.
    """

    def __init__(self, plan: Plan, batch: int, dtype):
        self.batch = batch
        self.dtype = dtype
        sizes = plan.sizes
        self.seed = np.ones((), dtype)  # ∂C/∂C
        rules = plan.activations
        self.acts = [np.empty((batch, n), dtype) for n in sizes[1:]]
        #: Z_l where σ's VJP reads it, else None (Z_l is overwritten by A_l)
        self.zs = [
            np.empty((batch, n), dtype) if r.keeps_z else None
            for n, r in zip(sizes[1:], rules, strict=True)
        ]
        widest = batch * max(sizes[1:])
        flat = [np.empty(widest, dtype) for _ in range(3)]

        def scratch(i, n):
            return flat[i][: batch * n].reshape(batch, n)

        size = [a.size for a in self.acts]
        split = [
            parallel.worth_splitting(n, r.passes[0] + 1) for n, r in zip(size, rules, strict=True)
        ]
        split_vjp = [
            parallel.worth_splitting(n, r.passes[1]) for n, r in zip(size, rules, strict=True)
        ]
        self.forward = [
            ForwardLayer(dense=d, z=a if z is None else z, a=a, sigma=r.forward, split=s)
            for d, z, a, r, s in zip(plan.dense, self.zs, self.acts, rules, split, strict=True)
        ]
        last = len(plan.dense) - 1
        #: the cost's gradient: into Δ_L directly, or into ∂C/∂A_L and then through σ'
        through_sigma = rules[last] is not IDENTITY
        self.output = OutputDelta(
            delta=scratch(0, sizes[-1]),
            grad_a=scratch(2, sizes[-1]) if through_sigma else None,
            sigma_vjp=rules[last].vjp if through_sigma else None,
            z=self.zs[last],
            split=split_vjp[last],
        )
        #: per layer, the output layer first
        self.backward: list[BackwardLayer] = []
        turn = 0
        for l in range(last, -1, -1):
            delta = scratch(turn, sizes[l + 1])
            if l == 0:
                self.backward.append(
                    BackwardLayer(
                        dense=plan.dense[0],
                        delta=delta,
                        a_prev=None,
                        grad_a_prev=None,
                        delta_prev=None,
                        sigma_vjp=None,
                        z_prev=None,
                        split=False,
                    )
                )
                break
            turn = 1 - turn
            vjp = rules[l - 1].vjp
            delta_prev = scratch(turn, sizes[l])
            if vjp is identity_vjp:  # Δ_{l−1} = Δ_l W_l directly
                self.backward.append(
                    BackwardLayer(
                        dense=plan.dense[l],
                        delta=delta,
                        a_prev=self.acts[l - 1],
                        grad_a_prev=delta_prev,
                        delta_prev=delta_prev,
                        sigma_vjp=None,
                        z_prev=None,
                        split=False,
                    )
                )
            else:
                self.backward.append(
                    BackwardLayer(
                        dense=plan.dense[l],
                        delta=delta,
                        a_prev=self.acts[l - 1],
                        grad_a_prev=scratch(2, sizes[l]),
                        delta_prev=delta_prev,
                        sigma_vjp=vjp,
                        z_prev=self.zs[l - 1],
                        split=split_vjp[l - 1],
                    )
                )

    @property
    def nbytes(self) -> int:
        """Bytes held for this batch size."""
        kept = sum(z.nbytes for z in self.zs if z is not None)
        return sum(a.nbytes for a in self.acts) + kept + 3 * self.output.delta.base.nbytes


class CompiledStep:
    """zero_grad → forward → cost → backward → (clip) → ``optimizer.step()``, compiled for
    ``plan``; the same contract and results as :class:`chainrule.fast.TapeStep`."""

    kind = "compiled"

    def __init__(self, net, cost, optimizer, clip_norm, plan: Plan, tape):
        self.net = net
        self.cost = cost
        self.optimizer = optimizer
        self.clip_norm = clip_norm
        self.tape = tape
        self.last_grad_norm: float | None = None
        self._use(plan)

    def _use(self, plan: Plan) -> None:
        self.kind, self.reason, self._refused = "compiled", None, None
        self.plan = plan
        self._modules = list(plan.modules)
        self._held = [HeldParameters.of(d) for d in plan.dense]
        self._params = [p for h in self._held for p in (h.W, h.b) if p is not None]
        self._width = plan.sizes[0]
        self.program: Program | None = None

    # -- checks ---------------------------------------------------------------------------------
    def _current(self) -> bool:
        """True when the network is still the one compiled (same layers, same parameters);
        recompiles if it changed, and is False (the tape's turn) while it cannot be compiled."""
        if self.net.layers == self._modules and all(h.still_held() for h in self._held):
            if self._refused is not None:  # back to the network that was compiled
                self.kind, self.reason, self._refused = "compiled", None, None
            return True
        key = RefusedNetwork(list(self.net.layers), [HeldParameters.of(d) for d in self.plan.dense])
        if self._refused is not None and self._refused == key:
            return False  # unchanged since the last refusal
        plan = make_plan(self.net, self.cost)
        if isinstance(plan, str):
            reason = plan
        elif not same_parameters(self.net, self.optimizer):
            reason = "the optimizer does not hold exactly the network's parameters"
        else:
            self._use(plan)
            return True
        self.kind, self.reason, self._refused = "tape", reason, key
        return False

    def _program(self, X) -> Program | None:
        """The program for this batch (X a (batch, in) array of the parameters' type), with
        every parameter's ``.grad`` array ready; None when the tape should take the call (a
        frozen parameter, mixed float types)."""
        dtype = X.dtype
        for p in self._params:
            if not p.requires_grad or p.data.dtype != dtype:
                return None
            g = p.grad
            if g is None or g.shape != p.data.shape or g.dtype != dtype:
                p.grad = np.zeros_like(p.data)
        program = self.program
        if program is None or program.batch != X.shape[0] or program.dtype != dtype:
            program = self.program = Program(self.plan, X.shape[0], dtype)
        return program

    # -- the step -------------------------------------------------------------------------------
    def __call__(self, X, Y) -> float:
        switched = blocks.open and (state.anomaly_depth or not state.grad_enabled)
        if switched or not self._current():
            return self.tape(X, Y)
        if (
            type(X) is not np.ndarray
            or X.ndim != 2
            or X.shape[1] != self._width
            or not X.shape[0]
            or X.dtype.kind not in "fiub"
        ):
            return self.tape(X, Y)
        dtype = self._held[0].W.data.dtype
        if X.dtype != dtype:
            X = X.astype(dtype)
        program = self._program(X)
        if program is None:
            return self.tape(X, Y)
        C = self.run(program, X, Y)
        if self.clip_norm is not None:
            self.last_grad_norm = clip_grad_norm(self.optimizer.params, self.clip_norm)
        self.optimizer.step()
        return float(C)

    def run(self, program: Program, X, Y):
        """Forward, cost and backward for one batch; fills every ``.grad``; returns C."""
        # forward: Z_l = A_{l−1} W_lᵀ + b_l, then A_l = σ(Z_l) (in place of Z_l unless kept)
        a = X
        for layer in program.forward:
            W, b = layer.dense.W.data, layer.dense.b
            b = None if b is None else b.data
            if layer.split:
                _affine(a, W, None, out=layer.z)
                parallel.elementwise(_bias_and_activation, (layer.z, b, layer.sigma), layer.a)
            else:
                _affine(a, W, b, out=layer.z)
                if layer.sigma is not None:
                    layer.sigma(layer.z, out=layer.a)
            a = layer.a
        # the cost, and its gradient with respect to the prediction (A_L, or Z_L when fused)
        cost, rule = self.cost, self.plan.cost
        y = cost.targets(Y, a)
        scale = cost.scale(a)
        C = rule.forward(a, y, scale)
        start = program.output
        if start.grad_a is None:
            rule.vjp(program.seed, C, a, y, scale, out=start.delta)
        elif start.split:
            rule.vjp(program.seed, C, a, y, scale, out=start.grad_a)
            parallel.elementwise(start.sigma_vjp, (start.grad_a, a, start.z), start.delta)
        else:
            rule.vjp(program.seed, C, a, y, scale, out=start.grad_a)
            start.sigma_vjp(start.grad_a, a=a, z=start.z, out=start.delta)
        # backward: ∂C/∂W_l = Δ_lᵀ A_{l−1}, ∂C/∂b_l = Σ_rows Δ_l, Δ_{l−1} = (Δ_l W_l) ⊙ σ'
        for layer in program.backward:
            W, b = layer.dense.W, layer.dense.b
            delta, a_prev = layer.delta, layer.a_prev
            affine_vjp_W(delta, x=X if a_prev is None else a_prev, out=W.grad)
            if b is not None:
                affine_vjp_b(delta, out=b.grad)
            if a_prev is None:
                break  # the input X needs no gradient
            affine_vjp_x(delta, W=W.data, out=layer.grad_a_prev)
            if layer.sigma_vjp is None:
                continue  # an identity activation: Δ_{l−1} = ∂C/∂A_{l−1}, already in place
            if layer.split:
                parallel.elementwise(
                    layer.sigma_vjp, (layer.grad_a_prev, a_prev, layer.z_prev), layer.delta_prev
                )
            else:
                layer.sigma_vjp(layer.grad_a_prev, a=a_prev, z=layer.z_prev, out=layer.delta_prev)
        return C
