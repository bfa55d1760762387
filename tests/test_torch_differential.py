"""Gradient truth at scale: chainrule against PyTorch's autograd on hundreds of random networks,
costs and optimizer steps. float64 agrees to 1e-10 relative; float32 to 1e-4 relative (the
documented tolerance: both libraries round each float32 op, in different orders)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"

torch = pytest.importorskip(
    "torch", reason='PyTorch is not installed (pip install "chainrule[bench]")'
)
F = torch.nn.functional

ACTS = {
    "sigmoid": (cr.Sigmoid, torch.sigmoid),
    "tanh": (cr.Tanh, torch.tanh),
    "relu": (cr.ReLU, torch.relu),
    "identity": (None, lambda z: z),
}
OPTIMIZERS = ["sgd", "momentum", "nesterov", "sgd_wd", "adam", "adam_l2", "adamw"]


def make_optimizers(kind, ours, theirs, lr):
    if kind == "sgd":
        return cr.SGD(ours, lr=lr), torch.optim.SGD(theirs, lr=lr)
    if kind == "momentum":
        return cr.SGD(ours, lr=lr, momentum=0.9), torch.optim.SGD(theirs, lr=lr, momentum=0.9)
    if kind == "nesterov":
        return (
            cr.SGD(ours, lr=lr, momentum=0.8, nesterov=True),
            torch.optim.SGD(theirs, lr=lr, momentum=0.8, nesterov=True),
        )
    if kind == "sgd_wd":
        return (
            cr.SGD(ours, lr=lr, momentum=0.5, weight_decay=0.1),
            torch.optim.SGD(theirs, lr=lr, momentum=0.5, weight_decay=0.1),
        )
    if kind == "adam":
        return cr.Adam(ours, lr=lr), torch.optim.Adam(theirs, lr=lr)
    if kind == "adam_l2":
        return (
            cr.Adam(ours, lr=lr, weight_decay=0.05),
            torch.optim.Adam(theirs, lr=lr, weight_decay=0.05),
        )
    return cr.AdamW(ours, lr=lr, weight_decay=0.05), torch.optim.AdamW(
        theirs, lr=lr, weight_decay=0.05
    )


def build_pair(sizes, hidden, output, dtype, rng):
    layers, torch_layers = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        dense = cr.Dense(n_in, n_out, dtype=dtype, rng=rng)
        dense.b.data[...] = rng.standard_normal(n_out) * 0.3
        linear = torch.nn.Linear(n_in, n_out, dtype=getattr(torch, dtype))
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(dense.W.data.copy()))
            linear.bias.copy_(torch.from_numpy(dense.b.data.copy()))
        act = output if i == len(sizes) - 2 else hidden
        layers.append(dense)
        if ACTS[act][0] is not None:
            layers.append(ACTS[act][0]())
        torch_layers.append((linear, ACTS[act][1]))
    return cr.Sequential(*layers), torch_layers


def torch_forward(torch_layers, X):
    """The last layer's output a_L and its input z_L."""
    a = z = X
    for linear, act in torch_layers:
        z = linear(a)
        a = act(z)
    return a, z


def torch_cost(kind, reduction, out, Y):
    """``out``: (a_L, z_L). Binary cross-entropy is taken from the logits z_L, as chainrule
    takes it for a Sigmoid output (the fused ln(1 + eᶻ) − y z): from the probabilities,
    ln(1 − σ(z)) of a saturated σ loses digits that the 1e-10 comparison would blame on us."""
    a, z = out
    batch = a.shape[0]
    divide = batch if reduction == "mean" else 1
    if kind == "mse":
        return 0.5 * ((a - Y) ** 2).sum() / divide
    if kind == "ce":
        return F.cross_entropy(a, Y, reduction="sum") / divide
    return F.binary_cross_entropy_with_logits(z, Y, reduction="sum") / divide


def run_both(sizes, hidden, cost_kind, reduction, optimizer, steps, dtype, seed, local=False):
    """Both libraries side by side for ``steps`` optimizer steps. ``local``: before each
    step PyTorch's parameters and gradients are set to chainrule's, so that every comparison
    is of one step from the same numbers (in float32 a free-running comparison amplifies
    rounding: with L2 weight decay g + λw can cancel to a few units of rounding, and Adam's
    update m̂/(√v̂ + ε) of such a g is ±η whatever its digits)."""
    rng = np.random.default_rng(seed)
    output = {"mse": hidden, "ce": "identity", "bce": "sigmoid"}[cost_kind]
    net, torch_layers = build_pair(sizes, hidden, output, dtype, rng)
    batch = int(rng.integers(1, 7))
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    if cost_kind == "ce":
        Y = rng.integers(0, sizes[-1], batch)
        tY = torch.from_numpy(Y)
    else:
        Y = rng.random((batch, sizes[-1])).astype(dtype)
        tY = torch.from_numpy(Y)
    cost = {"mse": cr.MSE, "ce": cr.CrossEntropy, "bce": cr.BinaryCrossEntropy}[cost_kind](
        reduction=reduction
    )
    theirs = [t for linear, _ in torch_layers for t in (linear.weight, linear.bias)]
    ours_opt, theirs_opt = make_optimizers(optimizer, net.parameters(), theirs, lr=0.05)
    tX = torch.from_numpy(X)
    for _ in range(steps):
        ours_opt.zero_grad()
        C = cost(net(X), Y)
        C.backward()
        theirs_opt.zero_grad()
        tC = torch_cost(cost_kind, reduction, torch_forward(torch_layers, tX), tY)
        tC.backward()
        yield C.item(), tC.item(), net.parameters(), theirs
        if local:
            with torch.no_grad():
                for p, t in zip(net.parameters(), theirs, strict=True):
                    t.copy_(torch.from_numpy(p.data))
                    t.grad.copy_(torch.from_numpy(p.grad))
        ours_opt.step()
        theirs_opt.step()
    yield None, None, net.parameters(), theirs


def assert_agree(ours, theirs, rtol, what, dtype):
    """Equal to ``rtol`` of the largest value, or to a few units of rounding (16 ε of
    ``dtype``): a cost or a softmax gradient near zero is a difference of numbers near 1
    (log-sum-exp − z_y, p − y), which each library rounds in its own order."""
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    scale = np.max(np.abs(theirs), initial=0.0)
    floor = 16 * np.finfo(dtype).eps
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * scale + floor, err_msg=what)


cases = dict(
    depth=st.integers(1, 4),
    widths=st.lists(st.integers(1, 24), min_size=5, max_size=5),
    hidden=st.sampled_from(list(ACTS)),
    cost_kind=st.sampled_from(["mse", "ce", "bce"]),
    reduction=st.sampled_from(["sum", "mean"]),
    optimizer=st.sampled_from(OPTIMIZERS),
    seed=st.integers(0, 2**31 - 1),
)


def check(depth, widths, hidden, cost_kind, reduction, optimizer, seed, dtype, rtol):
    sizes = widths[: depth + 1]
    if cost_kind == "ce":
        sizes[-1] = max(2, sizes[-1])
    local = dtype == "float32"
    for C, tC, ours, theirs in run_both(
        sizes, hidden, cost_kind, reduction, optimizer, 3, dtype, seed, local
    ):
        if C is not None:
            assert_agree(C, tC, rtol, "cost", dtype)
            for p, t in zip(ours, theirs, strict=True):
                assert_agree(p.grad, t.grad, rtol, "gradient", dtype)
        for p, t in zip(ours, theirs, strict=True):
            assert_agree(p.data, t, rtol, "parameter after the optimizer step", dtype)


@settings(max_examples=300)
@given(**cases)
def test_float64_agrees_with_torch_to_1e10(
    depth, widths, hidden, cost_kind, reduction, optimizer, seed
):
    check(depth, widths, hidden, cost_kind, reduction, optimizer, seed, "float64", 1e-10)


@settings(max_examples=100)
@given(**cases)
def test_float32_agrees_with_torch_to_1e4(
    depth, widths, hidden, cost_kind, reduction, optimizer, seed
):
    check(depth, widths, hidden, cost_kind, reduction, optimizer, seed, "float32", 1e-4)
