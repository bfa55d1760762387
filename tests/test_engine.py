"""The reverse-mode engine: the scalar view, long chains, reuse, accumulation, graph freeing."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr


def scalar(value, grad=True):
    return cr.Tensor(value, dtype="float64", requires_grad=grad)


def test_chapter_three_scalar_chain():
    """o = (x·w¹ + b¹)·w² + b²: ∂o/∂w¹ = x·w², ∂o/∂w² = x·w¹ + b¹, ∂o/∂b¹ = w², ∂o/∂b² = 1."""
    x = scalar(1.5, grad=False)
    w1, b1, w2, b2 = scalar(0.5), scalar(0.1), scalar(-2.0), scalar(0.3)
    hidden = x * w1 + b1
    o = hidden * w2 + b2
    o.backward()
    assert o.item() == pytest.approx((1.5 * 0.5 + 0.1) * -2.0 + 0.3)
    assert w1.grad == pytest.approx(1.5 * -2.0)
    assert w2.grad == pytest.approx(1.5 * 0.5 + 0.1)
    assert b1.grad == pytest.approx(-2.0)
    assert b2.grad == pytest.approx(1.0)


def test_contract_example_sigmoid_of_affine():
    a = cr.Tensor(2.0, requires_grad=True)
    b = (a * 3 + 1).sigmoid()
    b.backward()
    s = 1 / (1 + np.exp(-7.0))
    assert a.grad.dtype == np.float32
    # float32: 1 − a loses digits when a = σ(7) ≈ 0.9991 (ε₃₂ / (1 − a) ≈ 7e−5 relative)
    assert a.grad == pytest.approx(3 * s * (1 - s), rel=2e-4)


def test_one_path_product_of_local_derivatives():
    """∂C/∂w = ∂z/∂w · ∂a/∂z · ∂C/∂a for the 1-1-1 sigmoid network with ½(a − y)²."""
    x, y = 0.8, 0.25
    w, b = scalar(0.6), scalar(-0.1)
    z = w * x + b
    a = z.sigmoid()
    C = (a - y) ** 2 * 0.5
    C.backward()
    av = 1 / (1 + np.exp(-(0.6 * 0.8 - 0.1)))
    assert w.grad == pytest.approx(x * av * (1 - av) * (av - y), rel=1e-12)
    assert b.grad == pytest.approx(1 * av * (1 - av) * (av - y), rel=1e-12)


def test_a_value_used_twice_receives_the_sum_over_paths():
    x = scalar(3.0)
    y = x * x + x  # dy/dx = 2x + 1 through three uses
    y.backward()
    assert x.grad == 7.0
    u = scalar(2.0)
    v = u.exp()
    w = v * v.sigmoid() + v  # v feeds two consumers
    w.backward()
    e = np.exp(2.0)
    s = 1 / (1 + np.exp(-e))
    assert u.grad == pytest.approx(e * (s + e * s * (1 - s) + 1), rel=1e-12)


@pytest.mark.slow
def test_hundred_thousand_op_chain_without_recursion():
    x = scalar(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0  # two ops per step, 200 000 nodes
    y.backward()
    assert x.grad == 1.0


def test_grad_accumulates_until_zero_grad():
    w = scalar(2.0)
    (w * 3).backward()
    (w * 3).backward()
    assert w.grad == 6.0  # added, not replaced
    buffer = w.grad
    w.zero_grad()
    assert w.grad == 0.0 and w.grad is buffer  # zeroed in place, buffer kept
    (w * 5).backward()
    assert w.grad == 5.0


def test_optimizer_zero_grad_and_set_to_none():
    net = cr.Sequential(cr.Dense(2, 2))
    opt = cr.SGD(net.parameters(), lr=0.1)
    cr.MSE()(net(np.ones((1, 2))), np.zeros((1, 2))).backward()
    assert all(np.any(p.grad != 0) for p in net.parameters())
    opt.zero_grad()
    assert all(np.all(p.grad == 0) for p in net.parameters())
    opt.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in net.parameters())


def test_grads_of_two_leaves_never_share_a_buffer():
    a, b = scalar(1.0), scalar(2.0)
    (a + b).backward()
    a.grad += 10  # the user may change one gradient in place ...
    assert b.grad == 1.0  # ... without touching the other
    root_seed = np.ones(())
    c = scalar(1.0)
    (c * 1).backward(grad=root_seed)
    c.grad += 1
    assert root_seed == 1.0


def test_graph_is_freed_after_backward_unless_retained():
    w = scalar(2.0)
    y = (w * w).sigmoid()
    y.backward()
    with pytest.raises(cr.GraphFreedError, match="retain_graph=True"):
        y.backward()
    w2 = scalar(2.0)
    y2 = w2 * w2
    y2.backward(retain_graph=True)
    y2.backward()
    assert w2.grad == 8.0


def test_no_grad_records_nothing():
    w = scalar(1.0)
    with cr.no_grad():
        y = w * 2
    assert not y.requires_grad and y.is_leaf
    assert cr.is_grad_enabled()

    @cr.no_grad()
    def double(t):
        return t * 2

    assert not double(w).requires_grad
    with pytest.raises(cr.ChainruleError, match="does not require grad"):
        y.backward()


def test_retain_grad_exposes_the_gradient_at_an_intermediate_value():
    x = cr.Tensor(np.array([[1.0, 2.0]]), dtype="float64")
    W = cr.Tensor(np.array([[0.5, -0.5]]), dtype="float64", requires_grad=True)
    z = (x @ W.T).retain_grad()
    a = z.sigmoid()
    a.sum().backward()
    s = 1 / (1 + np.exp(0.5))
    np.testing.assert_allclose(z.grad, [[s * (1 - s)]])


def test_backward_of_a_vector_needs_a_seed():
    v = cr.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(cr.ShapeError, match="scalar"):
        (v * 2).backward()
    (v * 2).backward(grad=np.array([1.0, 0.5]))
    np.testing.assert_allclose(v.grad, [2.0, 1.0])
    with pytest.raises(cr.ShapeError, match=r"expected shape \(2,\)"):
        (v * 2).backward(grad=np.ones(3))


def test_float32_default_and_float64_on_request():
    assert cr.Tensor(1.0).dtype == np.float32
    assert cr.Tensor([1, 2]).dtype == np.float32
    assert cr.Tensor(np.arange(3.0)).dtype == np.float64  # a NumPy float array keeps its type
    assert cr.Tensor(1.0, dtype="float64").dtype == np.float64
    assert (cr.Tensor(1.0) * 2.5).dtype == np.float32  # Python numbers do not widen
    with cr.default_dtype("float64"):
        assert cr.Dense(2, 3).W.dtype == np.float64
    assert cr.Dense(2, 3).W.dtype == np.float32


def test_mixed_precision_gradients_come_back_in_each_inputs_type():
    a = cr.Tensor([1.0, 2.0], dtype="float32", requires_grad=True)
    b = cr.Tensor([3.0, 4.0], dtype="float64", requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_allclose(a.grad, [3, 4])


def test_operators_and_methods_of_the_contract():
    x = cr.Tensor(np.array([[1.0, -2.0], [3.0, 0.5]]), dtype="float64", requires_grad=True)
    y = ((x + 1) - 2) * 3 / 4
    y = y**2 + (2 - x) + (1 / (x * x + 1)) + x @ x
    y = y.exp().log() + y.tanh() + y.relu() + x.mean() + y.sum(axis=0)
    y = y.T.reshape(4)[::2]
    y.sum().backward()
    assert x.grad.shape == (2, 2) and np.all(np.isfinite(x.grad))
    report = cr.gradcheck(
        lambda t: (((((t + 1) - 2) * 3 / 4) ** 2).exp().log().tanh()).sum(),
        cr.Tensor(np.array([[0.3, -0.2]]), requires_grad=True),
    )
    assert report.passed


def test_numpy_arrays_on_the_left_use_the_tensor_operators():
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = np.array([2.0, 3.0]) * x
    assert isinstance(y, cr.Tensor) and y.dtype == np.float32
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2, 3])


def test_missing_rule_names_the_op_and_argument():
    from chainrule.ops import Primitive

    op = Primitive(lambda x, y: x + y, name="test_only_add_without_rules")

    @op.vjp("x")
    def add_vjp_x(g, ans, x, y):
        """∂C/∂x = g (and no rule for y)."""
        return g

    try:
        x = scalar(1.0)
        y = scalar(2.0)
        with pytest.raises(
            cr.MissingDerivativeError, match="op 'test_only_add_without_rules'.*argument 'y'"
        ):
            cr.autodiff.apply(op, x, y).backward()
    finally:
        del cr.ops.TABLE["test_only_add_without_rules"]


def test_non_numeric_data_is_refused_clearly():
    with pytest.raises(cr.DTypeError, match="text"):
        cr.Tensor(["a", "b"])
    with pytest.raises(cr.DTypeError, match="complex"):
        cr.Tensor(np.array([1j]))
    with pytest.raises(cr.DTypeError, match="rectangular"):
        cr.Tensor([[1.0], [1.0, 2.0]])
    with pytest.raises(cr.DTypeError, match="int64 is not supported"):
        cr.Tensor([1.0], dtype="int64")
    with pytest.raises(cr.DTypeError, match="cannot combine"):
        cr.Tensor(1.0) + "x"
    with pytest.raises(cr.DTypeError, match="float64 tensor"):
        cr.Dense(2, 2)(cr.Tensor(np.ones((1, 2)), dtype="float64"))


def test_an_mlp_records_the_books_work_and_no_more():
    """One fused affine node and one activation node per layer, then one cost node."""
    from chainrule.autodiff import toposort

    net = cr.Sequential(cr.Dense(3, 4), cr.Sigmoid(), cr.Dense(4, 1), cr.Sigmoid())
    C = cr.MSE()(net(np.ones((4, 3))), np.zeros((4, 1)))
    ops_in_order = [t.op for t in toposort(C) if t.op is not None]
    assert ops_in_order == ["affine", "sigmoid", "affine", "sigmoid", "squared_error"]
    leaves = [t for t in toposort(C) if t.is_leaf]
    assert {id(t) for t in leaves} == {id(p) for p in net.parameters()}  # X is not recorded


def test_a_one_element_tensor_formats_as_its_value():
    o = cr.Tensor(-1.4, requires_grad=True) * 1.0
    assert f"{o:.2f}" == "-1.40" and f"{cr.Tensor([[0.85]]):.3f}" == "0.850"
    assert f"{o}" == str(o) == "Tensor(-1.4, op=mul)"
    with pytest.raises(TypeError, match=r"needs a one-element tensor; this one has shape \(2,\)"):
        f"{cr.Tensor([1.0, 2.0]):.2f}"


def test_no_grad_and_detect_anomaly_hold_for_their_own_thread():
    """One thread inside no_grad() and detect_anomaly() while another records and takes a
    backward pass: the other records as usual, and neither leaves its switch to the other (the
    interleaved enter/exit of two threads once left recording off for the whole process)."""
    import threading

    from chainrule.autodiff.mode import state

    inside, done = threading.Event(), threading.Event()
    seen = {}

    def switched_off():
        with cr.no_grad(), cr.detect_anomaly():
            inside.set()
            done.wait(timeout=60)
            seen["other"] = (state.grad_enabled, state.anomaly_depth)

    thread = threading.Thread(target=switched_off)
    thread.start()
    inside.wait(timeout=60)
    seen["here"] = (state.grad_enabled, state.anomaly_depth)
    w = scalar(2.0)
    (w * w).backward()  # recorded here although the other thread has recording off
    done.set()
    thread.join()
    assert seen == {"here": (True, 0), "other": (False, 1)}
    assert w.grad == pytest.approx(4.0)
    assert (state.grad_enabled, state.anomaly_depth) == (True, 0)
