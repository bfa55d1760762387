"""The compiled training step gives the tape step's results and the book's.

In float64, for every supported activation, cost and optimizer: parameters after several steps,
the gradients of the last step, the costs, and the optimizer's state agree with the recorded
graph (the tape step) and with an independent implementation (the book's δ recursion in
tests/reference.py, plus the optimizers' textbook formulas below) to 1e-12. Batch sizes change
between calls; networks the compiled step cannot read fall back to the tape.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference import backprop, sigma

import chainrule as cr
from chainrule import parallel as threads
from chainrule.fast import make_train_step

HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
# (cost, output layer, BinaryCrossEntropy from_logits)
HEADS = [
    ("mse", "sigmoid"),
    ("mse", "tanh"),
    ("mse", "relu"),
    ("mse", "identity"),
    ("ce", "identity"),
    ("ce", "softmax"),
    ("bce", "sigmoid"),
    ("bce-logits", "identity"),
]
OPTIMIZERS = {
    "sgd": (cr.SGD, {"lr": 0.3}),
    "momentum": (cr.SGD, {"lr": 0.1, "momentum": 0.9}),
    "nesterov+wd": (cr.SGD, {"lr": 0.1, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    "sgd+wd": (cr.SGD, {"lr": 0.2, "weight_decay": 0.05}),
    "adam": (cr.Adam, {"lr": 0.01}),
    "adam+l2": (cr.Adam, {"lr": 0.01, "weight_decay": 0.02}),
    "adamw": (cr.AdamW, {"lr": 0.01, "weight_decay": 0.1}),
}
LAYER = {"sigmoid": cr.Sigmoid, "tanh": cr.Tanh, "relu": cr.ReLU, "softmax": cr.Softmax}
BATCHES = [5, 5, 3, 8, 1, 5]


def assert_close(got, expected, what, rtol=1e-12):
    got, expected = np.asarray(got), np.asarray(expected)
    scale = np.max(np.abs(expected), initial=0.0)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * scale + 1e-300, err_msg=what)


def build(sizes, hidden, output, bias=True, seed=0, dtype="float64"):
    rng = np.random.default_rng(seed)
    layers, acts = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(cr.Dense(n_in, n_out, bias=bias, dtype=dtype, rng=rng))
        act = output if i == len(sizes) - 2 else hidden
        acts.append(act)
        if act != "identity":
            layers.append(LAYER[act]())
    for layer in layers:
        if isinstance(layer, cr.Dense) and layer.b is not None:
            layer.b.data[...] = rng.standard_normal(layer.b.shape) * 0.5
    return cr.Sequential(*layers), acts


def make_cost(head, reduction):
    if head == "mse":
        return cr.MSE(reduction=reduction)
    if head == "ce":
        return cr.CrossEntropy(reduction=reduction)
    return cr.BinaryCrossEntropy(reduction=reduction, from_logits=head == "bce-logits")


def batches(head, sizes, rng, counts=BATCHES):
    for batch in counts:
        X = rng.standard_normal((batch, sizes[0]))
        if head == "ce":
            labels = rng.integers(0, sizes[-1], batch)
            yield X, labels, np.eye(sizes[-1])[labels]
        else:
            Y = rng.random((batch, sizes[-1]))
            yield X, Y, Y


def run(step, head, sizes, seed=1, counts=BATCHES):
    rng = np.random.default_rng(seed)
    return [step(X, Y) for X, Y, _ in batches(head, sizes, rng, counts)]


# -- the textbook optimizers, written from the papers' formulas, one array at a time ---------
def reference_update(name, options, w, g, slot, t):
    lr = options["lr"]
    wd = options.get("weight_decay", 0.0)
    if name.startswith("adam"):
        b1, b2, eps = 0.9, 0.999, 1e-8
        if wd and name != "adamw":
            g = g + wd * w
        slot["m"] = b1 * slot.get("m", 0) + (1 - b1) * g
        slot["v"] = b2 * slot.get("v", 0) + (1 - b2) * g * g
        m_hat, v_hat = slot["m"] / (1 - b1**t), slot["v"] / (1 - b2**t)
        if name == "adamw":
            w = w - lr * wd * w
        return w - lr * m_hat / (np.sqrt(v_hat) + eps)
    g = g + wd * w
    mu = options.get("momentum", 0.0)
    if mu:
        slot["v"] = g if "v" not in slot else mu * slot["v"] + g
        g = g + mu * slot["v"] if options.get("nesterov") else slot["v"]
    return w - lr * g


def reference_training(net, acts, head, reduction, sizes, opt_name):
    """Parameters, per-step costs and last gradients from tests/reference.py's δ recursion."""
    dense = [layer for layer in net if isinstance(layer, cr.Dense)]
    weights = [d.W.data.copy() for d in dense]
    biases = [None if d.b is None else d.b.data.copy() for d in dense]
    cost = {"mse": "mse", "ce": "ce", "bce": "bce", "bce-logits": "bce"}[head]
    activations = list(acts)
    if head == "bce-logits":
        activations[-1] = "sigmoid"  # C(σ(z)) on the logits z: the same δ_L = σ(z) − y
    _, options = OPTIMIZERS[opt_name]
    slots_w, slots_b = [{} for _ in dense], [{} for _ in dense]
    costs, last = [], None
    rng = np.random.default_rng(1)
    for t, (X, _, Y) in enumerate(batches(head, sizes, rng), start=1):
        scale = 1.0 if reduction == "sum" else 1.0 / len(X)
        C, dW, db, _ = backprop(weights, biases, activations, cost, X, Y, scale)
        costs.append(C)
        last = (dW, db)
        for i in range(len(dense)):
            weights[i] = reference_update(opt_name, options, weights[i], dW[i], slots_w[i], t)
            if biases[i] is not None:
                biases[i] = reference_update(opt_name, options, biases[i], db[i], slots_b[i], t)
    return weights, biases, costs, last


@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
@pytest.mark.parametrize("head,output", HEADS)
def test_compiled_equals_tape_and_the_books_recursion(head, output, opt_name):
    kind, options = OPTIMIZERS[opt_name]
    for k, hidden in enumerate(HIDDEN):
        reduction = ["sum", "mean"][k % 2]
        sizes = [4, 6, 5, 3] if k < 2 else [3, 7, 2]
        results = []
        for compiled in (True, False):
            net, acts = build(sizes, hidden, output, bias=k != 3, seed=k)
            opt = kind(net.parameters(), **options)
            step = make_train_step(net, make_cost(head, reduction), opt, compiled=compiled)
            assert step.kind == ("compiled" if compiled else "tape"), step.reason
            costs = run(step, head, sizes)
            results.append((net, opt, costs))
        (fast, fast_opt, fast_costs), (tape, tape_opt, tape_costs) = results
        what = f"{hidden} → {output}, {head} ({reduction}), {opt_name}"
        assert_close(fast_costs, tape_costs, f"costs: {what}")
        for (name, p), q in zip(fast.named_parameters(), tape.parameters(), strict=True):
            assert_close(p.data, q.data, f"{name} after {len(BATCHES)} steps: {what}")
            assert_close(p.grad, q.grad, f"∂C/∂{name} of the last step: {what}")
        assert fast_opt.steps == tape_opt.steps == len(BATCHES)
        for a, b in zip(fast_opt.state, tape_opt.state, strict=True):
            assert a.keys() == b.keys()
            for key in a:
                assert_close(a[key], b[key], f"optimizer state {key}: {what}")
        # the book's δ recursion, one example at a time, and the textbook optimizer formulas
        ref_net, acts = build(sizes, hidden, output, bias=k != 3, seed=k)
        weights, biases, costs, (dW, db) = reference_training(
            ref_net, acts, head, reduction, sizes, opt_name
        )
        assert_close(fast_costs, costs, f"costs vs the reference: {what}")
        dense = [layer for layer in fast if isinstance(layer, cr.Dense)]
        for i, d in enumerate(dense):
            assert_close(d.W.data, weights[i], f"W{i + 1} vs the reference: {what}")
            assert_close(d.W.grad, dW[i], f"∂C/∂W{i + 1} vs the reference: {what}")
            if d.b is not None:
                assert_close(d.b.data, biases[i], f"b{i + 1} vs the reference: {what}")
                assert_close(d.b.grad, db[i], f"∂C/∂b{i + 1} vs the reference: {what}")


def test_the_books_example_trains_identically():
    """The worked 3-4-1 example, 1000 full-batch steps: the compiled step is the tape, bit for
    bit, and the book's own program to the last digits."""
    from test_demo_book import books_program

    _, after, _, w0, w1 = books_program()
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    outputs = []
    for compiled in (True, False):
        np.random.seed(1)
        net = cr.Sequential(
            cr.Dense(3, 4, bias=False), cr.Sigmoid(), cr.Dense(4, 1, bias=False), cr.Sigmoid()
        ).to("float64")
        net[0].W.data[...] = np.random.random((3, 4)).T
        net[2].W.data[...] = np.random.random((4, 1)).T
        step = make_train_step(net, cr.MSE(), cr.SGD(net.parameters(), lr=1.0), compiled=compiled)
        for _ in range(1000):
            step(X, y)
        with cr.no_grad():
            outputs.append(net(X).data)
        np.testing.assert_allclose(net[0].W.data, w0.T, rtol=1e-10)
        np.testing.assert_allclose(net[2].W.data, w1.T, rtol=1e-10)
    np.testing.assert_array_equal(outputs[0], outputs[1])
    np.testing.assert_allclose(outputs[0], after, rtol=1e-11)


def test_float32_default_matches_the_tape():
    for compiled in (True, False):
        net, _ = build([6, 16, 4], "relu", "identity", dtype="float32", seed=3)
        step = make_train_step(
            net, cr.CrossEntropy(), cr.Adam(net.parameters(), lr=1e-2), compiled=compiled
        )
        costs = run(step, "ce", [6, 16, 4])
        if compiled:
            first = (costs, [p.data.copy() for p in net.parameters()])
    np.testing.assert_allclose(first[0], costs, rtol=1e-6)
    for a, p in zip(first[1], net.parameters(), strict=True):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, p.data, rtol=1e-5, atol=1e-6)


def test_large_layers_split_over_threads_give_the_same_numbers(monkeypatch):
    """With every array split over the two threads, the results are the tape's, bit for bit."""
    monkeypatch.setattr(threads, "SPLIT_WORK", 1)
    for head, output, hidden in [
        ("mse", "sigmoid", "sigmoid"),
        ("ce", "softmax", "tanh"),
        ("bce", "sigmoid", "relu"),
    ]:
        params = []
        for compiled in (True, False):
            net, _ = build([5, 9, 7, 3], hidden, output, seed=4)
            step = make_train_step(
                net,
                make_cost(head, "mean"),
                cr.SGD(net.parameters(), lr=0.5, momentum=0.5),
                compiled=compiled,
            )
            run(step, head, [5, 9, 7, 3])
            params.append([p.data.copy() for p in net.parameters()])
        for a, b in zip(*params, strict=True):
            np.testing.assert_array_equal(a, b)


def test_threads_split_rows_and_pass_broadcast_arguments_whole(monkeypatch):
    monkeypatch.setattr(threads, "SPLIT_WORK", 1)
    z = np.arange(12.0).reshape(4, 3)
    b = np.array([1.0, 2.0, 3.0])
    out = np.empty_like(z)
    assert threads.elementwise(np.add, (z, b), out) is out
    np.testing.assert_array_equal(out, z + b)

    def fails(x, out):
        raise ValueError("from a thread")

    with pytest.raises(ValueError, match="from a thread"):
        threads.elementwise(fails, (z,), out)
    threads.elementwise(np.negative, (z,), out)  # the helper still works afterwards
    np.testing.assert_array_equal(out, -z)


def test_grad_holds_the_batch_gradient_and_clipping_reports_the_norm():
    for clip in (None, 0.05):
        results = []
        for compiled in (True, False):
            net, _ = build([4, 5, 2], "tanh", "sigmoid", seed=5)
            step = make_train_step(
                net, cr.MSE(), cr.SGD(net.parameters(), lr=0.1), clip, compiled=compiled
            )
            run(step, "mse", [4, 5, 2], counts=[6, 6])
            results.append((step.last_grad_norm, [p.grad.copy() for p in net.parameters()]))
        (norm_fast, grads_fast), (norm_tape, grads_tape) = results
        if clip is None:
            assert norm_fast is None and norm_tape is None
        else:
            assert norm_fast == pytest.approx(norm_tape, rel=1e-12) and norm_fast > clip
            total = np.sqrt(sum(np.vdot(g, g) for g in grads_fast))
            assert total == pytest.approx(clip, rel=1e-6)  # the stored gradients are clipped
        for a, b in zip(grads_fast, grads_tape, strict=True):
            assert_close(a, b, "gradient")


def test_targets_in_every_accepted_form():
    """Labels as ints, as whole floats and one-hot; a (batch,) target for one output."""
    for Y_forms, head, sizes in [
        ([np.array([0, 2, 1]), np.array([0.0, 2.0, 1.0]), np.eye(3)[[0, 2, 1]]], "ce", [2, 4, 3]),
        ([np.array([0.2, 0.9, 0.4]), np.array([[0.2], [0.9], [0.4]])], "mse", [2, 4, 1]),
    ]:
        X = np.random.default_rng(0).standard_normal((3, 2))
        results = []
        for Y in Y_forms:
            for compiled in (True, False):
                net, _ = build(sizes, "sigmoid", "identity", seed=6)
                step = make_train_step(
                    net, make_cost(head, "sum"), cr.SGD(net.parameters(), lr=0.1), compiled=compiled
                )
                results.append((step(X, Y), [p.data.copy() for p in net.parameters()]))
        for loss, params in results[1:]:
            assert loss == pytest.approx(results[0][0], rel=1e-12)
            for a, b in zip(params, results[0][1], strict=True):
                assert_close(a, b, "parameters")


def test_bad_targets_raise_the_costs_own_errors():
    net, _ = build([2, 3, 3], "relu", "identity", seed=7)
    step = make_train_step(net, cr.CrossEntropy(), cr.SGD(net.parameters(), lr=0.1))
    assert step.kind == "compiled"
    with pytest.raises(cr.DataError, match="labels must lie in 0..2"):
        step(np.ones((2, 2)), np.array([0, 3]))
    with pytest.raises(cr.ShapeError):
        step(np.ones((2, 2)), np.array([0, 1, 2]))
    bce_net, _ = build([2, 3, 1], "relu", "sigmoid", seed=7)
    bce = make_train_step(bce_net, cr.BinaryCrossEntropy(), cr.SGD(bce_net.parameters(), lr=1))
    with pytest.raises(cr.DataError, match=r"\[0, 1\]"):
        bce(np.ones((2, 2)), np.array([[0.5], [2.0]]))


class Doubler(cr.Module):
    """A layer the compiled step does not know."""

    def forward(self, x):
        return x * 2


@pytest.mark.parametrize(
    "make",
    [
        lambda: cr.Sequential(
            cr.Dense(3, 4, dtype="float64", rng=0),
            Doubler(),
            cr.Sigmoid(),
            cr.Dense(4, 2, dtype="float64", rng=1),
        ),
        lambda: cr.Sequential(
            cr.Dense(3, 4, dtype="float64", rng=0),
            cr.Sigmoid(),
            cr.Tanh(),
            cr.Dense(4, 2, dtype="float64", rng=1),
        ),
        lambda: cr.Sequential(cr.Dense(3, 2, dtype="float64", rng=0), cr.Softmax()),  # MSE on it
    ],
)
def test_what_the_compiled_step_cannot_read_runs_on_the_tape(make):
    net = make()
    cost = cr.MSE()
    step = make_train_step(net, cost, cr.SGD(net.parameters(), lr=0.1))
    assert step.kind == "tape" and step.reason
    reference = make()
    tape = make_train_step(reference, cost, cr.SGD(reference.parameters(), lr=0.1), compiled=False)
    X, Y = np.ones((4, 3)), np.full((4, 2), 0.25)
    for _ in range(3):
        assert step(X, Y) == tape(X, Y)
    for p, q in zip(net.parameters(), reference.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_other_optimizer_parameters_or_costs_use_the_tape():
    net, _ = build([3, 4, 2], "sigmoid", "sigmoid", seed=8)
    partial = cr.SGD(net.parameters()[:2], lr=0.1)
    assert make_train_step(net, cr.MSE(), partial).kind == "tape"

    class Halved(cr.MSE):
        pass

    assert make_train_step(net, Halved(), cr.SGD(net.parameters(), lr=0.1)).kind == "tape"
    assert (
        make_train_step(net, cr.BinaryCrossEntropy(), cr.SGD(net.parameters(), lr=0.1)).kind
        == "compiled"
    )
    net2, _ = build([3, 4, 2], "sigmoid", "tanh", seed=8)
    reason = make_train_step(
        net2, cr.BinaryCrossEntropy(), cr.SGD(net2.parameters(), lr=0.1)
    ).reason
    assert "Sigmoid" in reason


def test_changes_after_compiling_are_followed():
    """A network changed between steps (float type, a layer appended, a frozen parameter,
    a Tensor or 1-D input, anomaly detection) gives the tape's numbers."""

    def scenario(compiled):
        net, _ = build([3, 5, 2], "tanh", "sigmoid", seed=9, dtype="float32")
        step = make_train_step(net, cr.MSE(), cr.SGD(net.parameters(), lr=0.1), compiled=compiled)
        rng = np.random.default_rng(2)
        losses = [step(rng.standard_normal((4, 3)), rng.random((4, 2)))]
        net.to("float64")
        losses.append(step(rng.standard_normal((4, 3)), rng.random((4, 2))))
        net[0].b.requires_grad_(False)
        losses.append(step(rng.standard_normal((2, 3)), rng.random((2, 2))))
        net[0].b.requires_grad_(True)
        losses.append(
            step(cr.Tensor(rng.standard_normal((3, 3)), dtype="float64"), rng.random((3, 2)))
        )
        losses.append(step(rng.standard_normal(3), rng.random(2)))
        with cr.detect_anomaly():
            losses.append(step(rng.standard_normal((4, 3)), rng.random((4, 2))))
        losses.append(step(rng.integers(0, 3, (4, 3)), rng.random((4, 2))))
        return losses, [p.data.copy() for p in net.parameters()]

    fast_losses, fast_params = scenario(True)
    tape_losses, tape_params = scenario(False)
    assert_close(fast_losses, tape_losses, "costs")
    for a, b in zip(fast_params, tape_params, strict=True):
        assert a.dtype == np.float64
        assert_close(a, b, "parameters")


def test_a_layer_appended_after_compiling_is_followed():
    net = cr.Sequential(cr.Dense(3, 4, dtype="float64", rng=0), cr.Sigmoid())
    step = make_train_step(net, cr.MSE(), cr.SGD(net.parameters(), lr=0.1))
    step(np.ones((2, 3)), np.zeros((2, 4)))
    net.append(cr.Dense(4, 1, dtype="float64", rng=1)).append(cr.Tanh())
    step(np.ones((2, 3)), np.zeros((2, 1)))  # the new layer is not in the optimizer: the tape
    assert step.kind == "tape" and "optimizer" in step.reason
    assert net[2].W.grad is not None and net[2].W.grad.shape == (1, 4)
    net.layers = net.layers[:2]  # back to what was compiled
    step(np.ones((2, 3)), np.zeros((2, 4)))
    assert step.kind == "compiled"


def test_optimizer_state_round_trips_through_state_dict():
    """Three steps, save, two more — equals three steps, load into fresh objects, two more."""

    def fresh():
        net, _ = build([4, 6, 3], "relu", "identity", seed=10)
        return net, cr.Adam(net.parameters(), lr=0.01)

    net, opt = fresh()
    step = make_train_step(net, cr.CrossEntropy(), opt)
    rng = np.random.default_rng(3)
    data = [(rng.standard_normal((5, 4)), rng.integers(0, 3, 5)) for _ in range(5)]
    for X, y in data[:3]:
        step(X, y)
    saved_net, saved_opt = net.state_dict(), opt.state_dict()
    for X, y in data[3:]:
        step(X, y)
    net2, opt2 = fresh()
    net2.load_state_dict(saved_net)
    opt2.load_state_dict(saved_opt)
    step2 = make_train_step(net2, cr.CrossEntropy(), opt2)
    for X, y in data[3:]:
        step2(X, y)
    assert opt2.steps == opt.steps == 5
    for p, q in zip(net.parameters(), net2.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_loss_changes_with_the_learning_rate_set_between_steps():
    """A schedule sets ``optimizer.lr`` between steps: the compiled step reads it every time."""
    finals = []
    for compiled in (True, False):
        net, _ = build([3, 4, 1], "sigmoid", "sigmoid", seed=11)
        opt = cr.SGD(net.parameters(), lr=1.0)
        step = make_train_step(net, cr.MSE(), opt, compiled=compiled)
        for i, (X, Y, _) in enumerate(batches("mse", [3, 4, 1], np.random.default_rng(0))):
            opt.lr = 1.0 / (i + 1)
            step(X, Y)
        finals.append([p.data.copy() for p in net.parameters()])
    for a, b in zip(*finals, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "hidden,output", [("sigmoid", "sigmoid"), ("relu", "softmax"), ("tanh", "identity")]
)
def test_no_grad_forward_equals_the_recorded_forward(hidden, output):
    net, _ = build([5, 8, 3], hidden, output, seed=12)
    X = np.random.default_rng(4).standard_normal((7, 5))
    recorded = net(X)
    with cr.no_grad():
        lean = net(X)
    assert not lean.requires_grad and lean.is_leaf
    np.testing.assert_array_equal(lean.data, recorded.data)
    with cr.no_grad():
        one = net(X[0])
    np.testing.assert_allclose(one.data, recorded.data[0], rtol=1e-12)  # one row: GEMV


@pytest.mark.parametrize("opt_name", ["nesterov+wd", "adam+l2", "adamw", "sgd"])
def test_optimizer_updates_split_over_threads_give_the_same_numbers(monkeypatch, opt_name):
    kind, options = OPTIMIZERS[opt_name]
    params = []
    for work in (float("inf"), 1):
        monkeypatch.setattr(threads, "SPLIT_WORK", work)
        net, _ = build([30, 40, 3], "relu", "identity", seed=13, dtype="float32")
        step = make_train_step(net, cr.CrossEntropy(), kind(net.parameters(), **options))
        run(step, "ce", [30, 40, 3])
        params.append([p.data.copy() for p in net.parameters()])
    for a, b in zip(*params, strict=True):
        np.testing.assert_array_equal(a, b)


def same(a, b) -> bool:
    """Whether two arrays are the same memory seen the same way (views made apart)."""
    return a.shape == b.shape and a.__array_interface__ == b.__array_interface__


@pytest.mark.parametrize("hidden,output", [("tanh", "sigmoid"), ("identity", "identity")])
def test_the_programs_named_arrays_hold_the_books_quantities(hidden, output):
    """The compiled program's records name the book's arrays: each layer's A_l; per layer of
    the backward pass Δ_l, A_{l−1}, and the Δ_{l−1} it writes, which the layer below reads as
    its Δ. After a step they hold the book's numbers (Δ_l and ∂C/∂A share three scratch
    arrays, so the ones written last are compared: Δ_2, Δ_1)."""
    sizes = [4, 6, 5, 3]
    net, acts = build(sizes, hidden, output, seed=5)
    dense = [layer for layer in net if isinstance(layer, cr.Dense)]
    weights = [d.W.data.copy() for d in dense]
    biases = [d.b.data.copy() for d in dense]
    rng = np.random.default_rng(6)
    X, Y = rng.standard_normal((5, 4)), rng.random((5, 3))
    step = make_train_step(net, cr.MSE(), cr.SGD(net.parameters(), lr=0.1))
    step(X, Y)
    assert step.kind == "compiled"
    program = step.program
    a = X
    for l, layer in enumerate(program.forward):  # A_l = σ(A_{l−1} W_lᵀ + b_l)
        a = np.array([sigma(acts[l], row) for row in a @ weights[l].T + biases[l]])
        assert_close(layer.a, a, f"A_{l + 1}")
    third, second, first = program.backward  # the output layer first
    assert [third.dense, second.dense, first.dense] == dense[::-1]
    assert third.a_prev is program.forward[1].a and second.a_prev is program.forward[0].a
    assert first.a_prev is None and first.delta_prev is None  # X sends nothing back
    assert same(third.delta_prev, second.delta) and same(second.delta_prev, first.delta)
    assert (
        (second.sigma_vjp is None)
        == (hidden == "identity")
        == (same(second.grad_a_prev, second.delta_prev))
    )
    _, _, _, per_example = backprop(weights, biases, acts, "mse", X, Y)
    for l, layer in ((2, second), (1, first)):
        assert_close(layer.delta, [example[l - 1] for example in per_example], f"Δ_{l}")
