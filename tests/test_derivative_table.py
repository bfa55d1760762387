"""The derivative table is written one way: each VJP a named function beside its primitive,
its docstring stating the derivative in the book's notation, registered for one argument by
``@op.vjp("argument")``."""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from chainrule import ops
from chainrule.ops import Primitive

#: Arguments that choose what a forward does (an axis, a shape, the batch scale) or are the
#: data it is measured against (class labels, binary targets): no gradient goes back to them.
OPTIONS = {"axis", "keepdims", "shape", "axes", "index", "dtype", "scale"}
TARGETS = {
    ("softmax_cross_entropy", "target"),
    ("sigmoid_binary_cross_entropy", "y"),
    ("binary_cross_entropy", "y"),
}


def differentiable(name, op):
    return [arg for arg in op.arg_names if arg not in OPTIONS and (name, arg) not in TARGETS]


@pytest.mark.parametrize("name", sorted(ops.TABLE))
def test_every_differentiable_argument_has_a_named_documented_rule(name):
    op = ops.TABLE[name]
    wanted = differentiable(name, op)
    assert wanted, f"{name} has no differentiable argument"
    for index, arg in enumerate(op.arg_names):
        rule = op.vjps[index]
        if arg not in wanted:
            assert rule is None, f"{name}: '{arg}' is an option or a target, yet has a rule"
            continue
        assert rule is not None, f"{name}: no VJP for '{arg}'"
        expected = f"{name}_vjp" if len(op.arg_names) == 1 else f"{name}_vjp_{arg}"
        assert rule.__name__ == expected
        module = sys.modules[rule.__module__]
        assert module is sys.modules[op.forward.__module__]  # beside its primitive
        assert getattr(module, rule.__name__) is rule  # importable under its name
        doc = inspect.getdoc(rule) or ""
        assert f"∂C/∂{arg}" in doc or f"∇_{arg}" in doc, f"{expected}: {doc!r}"
        inspect.signature(rule).bind(*[None] * (2 + len(op.arg_names)))  # rule(g, ans, *args)


def test_vjps_called_outside_the_tape_take_keywords_with_defaults():
    """The compiled step calls these by keyword, naming only what each formula reads."""
    delta, a_prev = np.ones((2, 3)), np.full((2, 4), 2.0)
    W = np.ones((3, 4))
    np.testing.assert_array_equal(ops.linear.affine_vjp_W(delta, x=a_prev), np.full((3, 4), 4.0))
    np.testing.assert_array_equal(ops.linear.affine_vjp_b(delta), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(ops.linear.affine_vjp_x(delta, W=W), np.full((2, 4), 3.0))
    out = np.empty((2, 4))
    assert ops.activation.sigmoid_vjp(a_prev, a=np.full((2, 4), 0.5), out=out) is out
    np.testing.assert_array_equal(out, np.full((2, 4), 0.5))
    for rule in (
        ops.linear.affine_vjp_x,
        ops.linear.affine_vjp_W,
        ops.linear.affine_vjp_b,
        ops.activation.sigmoid_vjp,
        ops.activation.tanh_vjp,
        ops.activation.relu_vjp,
        ops.activation.identity_vjp,
        ops.costs.squared_error_vjp_a,
        ops.costs.softmax_cross_entropy_vjp_z,
        ops.costs.sigmoid_binary_cross_entropy_vjp_z,
    ):
        parameters = list(inspect.signature(rule).parameters.values())
        assert parameters[-1].name == "out" and parameters[-1].kind is parameters[-1].KEYWORD_ONLY
        assert all(p.default is None for p in parameters[1:]), rule.__name__


def test_the_decorator_is_the_only_way_to_register_a_rule():
    assert not hasattr(Primitive, "defvjp")
    ops_dir = Path(ops.__file__).parent
    for path in ops_dir.glob("*.py"):
        if path.name != "primitive.py":
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\.vjps\b|defvjp|lambda", text), path.name


@pytest.fixture
def power_of_n():
    op = Primitive(lambda x, n: x**n, name="test_only_power_of_n")
    yield op
    del ops.TABLE["test_only_power_of_n"]


def test_registration_refuses_a_rule_the_table_could_not_stand_behind(power_of_n):
    with pytest.raises(ValueError, match="has no argument 'y'.*x, n"):
        power_of_n.vjp("y")
    with pytest.raises(ValueError, match="must be a named function, not a lambda"):
        power_of_n.vjp("x")(lambda g, ans, x, n: g * n * x ** (n - 1))

    def undocumented(g, ans, x, n):
        return g * n * x ** (n - 1)

    with pytest.raises(ValueError, match="needs a docstring stating the derivative"):
        power_of_n.vjp("x")(undocumented)

    def too_few(g, x):
        """∂C/∂x = g ⊙ n xⁿ⁻¹."""

    with pytest.raises(ValueError, match=r"cannot be called as rule\(g, ans, x, n\)"):
        power_of_n.vjp("x")(too_few)

    @power_of_n.vjp("x")
    def power_of_n_vjp_x(g, ans, x, n):
        """∂C/∂x = g ⊙ n xⁿ⁻¹."""
        return g * n * x ** (n - 1)

    assert power_of_n.vjps == [power_of_n_vjp_x, None]
    with pytest.raises(ValueError, match="registered twice"):
        power_of_n.vjp("x")(power_of_n_vjp_x)
