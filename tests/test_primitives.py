"""Every primitive of the derivative table: its VJPs against central finite differences, over
random shapes (broadcasting included), in float64."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as cr
from chainrule import ops
from chainrule.autodiff import apply

EPS = 1e-6


def numeric_vjp(op, args, index, r):
    """∂/∂args[index] of Σ r ⊙ op(*args), by central differences on op.forward alone."""
    base = list(args)
    base[index] = np.array(args[index], dtype=np.float64)
    x = base[index]
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + EPS
        plus = np.sum(r * op.forward(*base))
        flat[i] = original - EPS
        minus = np.sum(r * op.forward(*base))
        flat[i] = original
        out[i] = (plus - minus) / (2 * EPS)
    return grad


def check_vjps(op, args, differentiable, seed=0):
    """Engine gradients of Σ r ⊙ op(*args) equal the numeric ones for each listed argument."""
    tensors = [
        cr.Tensor(a, dtype="float64", requires_grad=True) if i in differentiable else a
        for i, a in enumerate(args)
    ]
    out = apply(op, *tensors)
    r = np.random.default_rng(seed).standard_normal(out.shape)
    (out * r).sum().backward()
    for i in differentiable:
        expected = numeric_vjp(op, args, i, r)
        got = tensors[i].grad
        assert got.shape == np.shape(args[i]), (op.name, i)
        assert got.dtype == np.float64
        np.testing.assert_allclose(
            got, expected, rtol=1e-5, atol=1e-7, err_msg=f"{op.name} argument {op.arg_names[i]}"
        )


def values(seed, shape, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def away_from_zero(seed, shape, margin=0.3):
    v = values(seed, shape)
    return np.where(np.abs(v) < margin, np.sign(v + 1e-12) * margin, v)


seeds = st.integers(0, 2**31 - 1)
pair_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)
small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)
TESTED = set()


def covers(*names):
    TESTED.update(names)
    return names


@pytest.mark.parametrize("name", covers("add", "sub", "mul"))
@given(shapes=pair_shapes, seed=seeds)
def test_binary_arithmetic_broadcasting(name, shapes, seed):
    sx, sy = shapes.input_shapes
    check_vjps(ops.TABLE[name], [values(seed, sx), values(seed + 1, sy)], {0, 1})


@given(shapes=pair_shapes, seed=seeds)
def test_div(shapes, seed):
    covers("div")
    sx, sy = shapes.input_shapes
    check_vjps(ops.arithmetic.div, [values(seed, sx), away_from_zero(seed + 1, sy, 0.5)], {0, 1})


@given(shapes=pair_shapes, seed=seeds)
def test_maximum_away_from_ties(shapes, seed):
    covers("maximum")
    sx, sy = shapes.input_shapes
    x, y = values(seed, sx), values(seed + 1, sy)
    assume(np.all(np.abs(x - y) > 0.05))  # max is not differentiable at a tie
    check_vjps(ops.arithmetic.maximum, [x, y], {0, 1})


def test_maximum_tie_splits_gradient():
    x = cr.Tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    y = cr.Tensor([1.0, 0.0], dtype="float64", requires_grad=True)
    x.maximum(y).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.5, 1.0])
    np.testing.assert_array_equal(y.grad, [0.5, 0.0])


@given(shape=small_shapes, seed=seeds)
def test_neg(shape, seed):
    covers("neg")
    check_vjps(ops.arithmetic.neg, [values(seed, shape)], {0})


@given(shapes=pair_shapes, seed=seeds)
def test_power_both_arguments(shapes, seed):
    covers("power")
    sx, sp = shapes.input_shapes
    check_vjps(
        ops.arithmetic.power, [values(seed, sx, 0.5, 2.0), values(seed + 1, sp, -2, 3)], {0, 1}
    )


def test_power_constant_exponent():
    check_vjps(ops.arithmetic.power, [values(3, (3, 2), 0.5, 2.0), 3], {0})


@pytest.mark.parametrize(
    "sx,sy",
    [
        ((3, 4), (4, 2)),
        ((4,), (4, 2)),
        ((3, 4), (4,)),
        ((4,), (4,)),
        ((2, 3, 4), (4, 5)),
        ((2, 3, 4), (2, 4, 1)),
        ((4,), (2, 4, 3)),
        ((2, 3, 4), (4,)),
    ],
)
def test_matmul_every_operand_layout(sx, sy):
    covers("matmul")
    check_vjps(ops.linear.matmul, [values(1, sx), values(2, sy)], {0, 1})


@given(
    batch=st.integers(1, 5),
    n_in=st.integers(1, 5),
    n_out=st.integers(1, 5),
    bias=st.booleans(),
    single=st.booleans(),
    seed=seeds,
)
def test_affine(batch, n_in, n_out, bias, single, seed):
    covers("affine")
    x = values(seed, (n_in,) if single else (batch, n_in))
    W = values(seed + 1, (n_out, n_in))
    b = values(seed + 2, (n_out,)) if bias else None
    check_vjps(ops.linear.affine, [x, W, b], {0, 1, 2} if bias else {0, 1})


@pytest.mark.parametrize("name", covers("sum", "mean"))
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
    keepdims=st.booleans(),
    data=st.data(),
    seed=seeds,
)
def test_reductions(name, shape, keepdims, data, seed):
    axis = data.draw(
        st.one_of(
            st.none(), st.integers(-len(shape), len(shape) - 1), st.just(tuple(range(len(shape))))
        )
    )
    check_vjps(ops.TABLE[name], [values(seed, shape), axis, keepdims], {0})


@pytest.mark.parametrize(
    "name,low,high", [("exp", -3, 3), ("log", 0.2, 3), ("sigmoid", -6, 6), ("tanh", -3, 3)]
)
@given(shape=small_shapes, seed=seeds)
def test_smooth_elementwise(name, low, high, shape, seed):
    covers(name)
    check_vjps(ops.TABLE[name], [values(seed, shape, low, high)], {0})


@given(shape=small_shapes, seed=seeds)
def test_relu_away_from_the_kink(shape, seed):
    covers("relu")
    check_vjps(ops.activation.relu, [away_from_zero(seed, shape, 0.1)], {0})


@pytest.mark.parametrize("name", covers("softmax", "log_softmax"))
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), data=st.data(), seed=seeds)
def test_softmax_family(name, shape, data, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    check_vjps(ops.TABLE[name], [values(seed, shape, -4, 4), axis], {0})


@given(batch=st.integers(1, 5), k=st.integers(1, 5), scale=st.sampled_from([1.0, 0.25]), seed=seeds)
def test_squared_error(batch, k, scale, seed):
    covers("squared_error")
    check_vjps(
        ops.costs.squared_error,
        [values(seed, (batch, k)), values(seed + 1, (batch, k)), scale],
        {0, 1},
    )


@given(batch=st.integers(1, 5), k=st.integers(2, 5), onehot=st.booleans(), seed=seeds)
def test_softmax_cross_entropy(batch, k, onehot, seed):
    covers("softmax_cross_entropy")
    labels = np.random.default_rng(seed).integers(0, k, batch)
    target = np.eye(k)[labels] if onehot else labels
    check_vjps(ops.costs.softmax_cross_entropy, [values(seed, (batch, k), -4, 4), target, 0.5], {0})


@given(shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4), seed=seeds)
def test_binary_cross_entropies(shape, seed):
    covers("sigmoid_binary_cross_entropy", "binary_cross_entropy")
    y = np.random.default_rng(seed).random(shape)
    check_vjps(ops.costs.sigmoid_binary_cross_entropy, [values(seed, shape, -5, 5), y, 1.0], {0})
    check_vjps(ops.costs.binary_cross_entropy, [values(seed, shape, 0.05, 0.95), y, 1.0], {0})


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), seed=seeds)
def test_reshape_and_transpose(shape, seed):
    covers("reshape", "transpose")
    x = values(seed, shape)
    check_vjps(ops.shape.reshape, [x, (-1,)], {0})
    check_vjps(ops.shape.transpose, [x, None], {0})
    check_vjps(
        ops.shape.transpose, [x, tuple(np.random.default_rng(seed).permutation(x.ndim))], {0}
    )


@pytest.mark.parametrize(
    "index",
    [
        1,
        (slice(None), 0),
        (slice(1, 3),),
        (Ellipsis, -1),
        np.array([0, 0, 2, 1]),
        (np.array([1, 1]), np.array([0, 2])),
    ],
)
def test_getitem_basic_and_fancy(index):
    covers("getitem")
    check_vjps(ops.shape.getitem, [values(5, (3, 4)), index], {0})


def test_cast_gradient_returns_in_the_input_type():
    covers("cast")
    check_vjps(ops.cast.cast, [values(1, (2, 3)), np.float64], {0})
    x = cr.Tensor(np.ones(3, np.float32), requires_grad=True)
    (x.to("float64") * 2).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [2, 2, 2])


@given(shape=small_shapes, seed=seeds)
def test_identity(shape, seed):
    covers("identity")
    check_vjps(ops.activation.identity, [values(seed, shape)], {0})
    x = values(seed, shape)
    assert ops.activation.identity(x) is not x  # a new array, as every primitive's answer


def test_every_primitive_of_the_table_is_tested():
    """A primitive added to the table without a test here fails this test."""
    assert set(ops.TABLE) == TESTED


def test_every_primitive_documents_its_vjp():
    for name, op in ops.TABLE.items():
        assert op.__doc__ and "∂C/∂" in op.__doc__ or "∇" in op.__doc__, name
        assert any(rule is not None for rule in op.vjps), name
