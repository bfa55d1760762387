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

import numpy as np

from .. import parallel
from ..autodiff.mode import state
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
        self.zs = [np.empty((batch, n), dtype) if r.keeps_z else None
                   for n, r in zip(sizes[1:], rules, strict=True)]
        widest = batch * max(sizes[1:])
        flat = [np.empty(widest, dtype) for _ in range(3)]

        def scratch(i, n):
            return flat[i][: batch * n].reshape(batch, n)

        size = [a.size for a in self.acts]
        split = [parallel.worth_splitting(n, r.passes[0] + 1) for n, r in zip(size, rules,
                                                                              strict=True)]
        split_vjp = [parallel.worth_splitting(n, r.passes[1]) for n, r in zip(size, rules,
                                                                              strict=True)]
        #: per layer: (Dense, Z array, A array (the same one unless Z is kept), activation
        #: forward or None, split over threads)
        self.forward = [(d, a if z is None else z, a, r.forward, s)
                        for d, z, a, r, s in zip(plan.dense, self.zs, self.acts, rules, split,
                                                 strict=True)]
        last = len(plan.dense) - 1
        #: the cost's gradient: into Δ_L directly, or into ∂C/∂A_L and then through σ'
        self.delta_last = scratch(0, sizes[-1])
        self.grad_last = None if rules[last] is IDENTITY else scratch(2, sizes[-1])
        self.last_vjp = (rules[last].vjp, split_vjp[last])
        #: per layer, output first: (Dense, Δ_l, A_{l−1} or None for X, then for l > 0:
        #: ∂C/∂A_{l−1} array, Δ_{l−1} array, σ' VJP of layer l−1 or None, split, Z_{l−1} or
        #: None where the VJP reads only A_{l−1})
        self.backward = []
        turn = 0
        for l in range(last, -1, -1):
            delta = scratch(turn, sizes[l + 1])
            if l == 0:
                self.backward.append((plan.dense[0], delta, None, None, None, None, False,
                                      None))
                break
            turn = 1 - turn
            vjp = rules[l - 1].vjp
            below = scratch(turn, sizes[l])
            if vjp is identity_vjp:  # Δ_{l−1} = Δ_l W_l directly
                self.backward.append((plan.dense[l], delta, self.acts[l - 1], below, below,
                                      None, False, None))
            else:
                self.backward.append((plan.dense[l], delta, self.acts[l - 1], scratch(2, sizes[l]),
                                      below, vjp, split_vjp[l - 1], self.zs[l - 1]))

    @property
    def nbytes(self) -> int:
        """Bytes held for this batch size."""
        kept = sum(z.nbytes for z in self.zs if z is not None)
        return sum(a.nbytes for a in self.acts) + kept + 3 * self.delta_last.base.nbytes


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
        self._owned = [(d, d.W, d.b) for d in plan.dense]
        self._params = [p for _, W, b in self._owned for p in (W, b) if p is not None]
        self._width = plan.sizes[0]
        self.program: Program | None = None

    # -- checks ---------------------------------------------------------------------------------
    def _current(self) -> bool:
        """True when the network is still the one compiled (same layers, same parameters);
        recompiles if it changed, and is False (the tape's turn) while it cannot be compiled."""
        if self.net.layers == self._modules and all(
                d.W is W and d.b is b for d, W, b in self._owned):
            if self._refused is not None:  # back to the network that was compiled
                self.kind, self.reason, self._refused = "compiled", None, None
            return True
        key = (list(self.net.layers), [(d.W, d.b) for d in self.plan.dense])
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
        if state.anomaly_depth or not state.grad_enabled or not self._current():
            return self.tape(X, Y)
        if (type(X) is not np.ndarray or X.ndim != 2 or X.shape[1] != self._width
                or not X.shape[0] or X.dtype.kind not in "fiub"):
            return self.tape(X, Y)
        dtype = self._owned[0][1].data.dtype
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
        for dense, z, out, activation, split in program.forward:
            b = dense.b
            if split:
                _affine(a, dense.W.data, None, out=z)
                parallel.elementwise(_bias_and_activation,
                                     (z, None if b is None else b.data, activation), out)
            else:
                _affine(a, dense.W.data, None if b is None else b.data, out=z)
                if activation is not None:
                    activation(z, out=out)
            a = out
        # the cost, and its gradient with respect to the prediction (A_L, or Z_L when fused)
        cost, rule = self.cost, self.plan.cost
        y = cost.targets(Y, a)
        scale = cost.scale(a)
        C = rule.forward(a, y, scale)
        delta = program.delta_last
        if program.grad_last is None:
            rule.vjp(program.seed, C, a, y, scale, out=delta)
        else:
            rule.vjp(program.seed, C, a, y, scale, out=program.grad_last)
            vjp, split = program.last_vjp
            z = program.zs[-1]
            if split:
                parallel.elementwise(vjp, (program.grad_last, a, z), delta)
            else:
                vjp(program.grad_last, a, z, out=delta)
        # backward: ∂C/∂W_l = Δ_lᵀ A_{l−1}, ∂C/∂b_l = Σ_rows Δ_l, Δ_{l−1} = (Δ_l W_l) ⊙ σ'
        for dense, delta, a_prev, grad_a, below, vjp, split, z_prev in program.backward:
            W, b = dense.W, dense.b
            affine_vjp_W(delta, None, X if a_prev is None else a_prev, None, None, out=W.grad)
            if b is not None:
                affine_vjp_b(delta, None, None, None, None, out=b.grad)
            if a_prev is None:
                break  # the input X needs no gradient
            affine_vjp_x(delta, None, None, W.data, None, out=grad_a)
            if vjp is None:
                continue  # an identity activation: Δ_{l−1} = ∂C/∂A_{l−1}, already in place
            if split:
                parallel.elementwise(vjp, (grad_a, a_prev, z_prev), below)
            else:
                vjp(grad_a, a_prev, z_prev, out=below)
        return C
