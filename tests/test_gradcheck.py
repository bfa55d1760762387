"""cr.gradcheck and `chainrule gradcheck`: reports, mismatches, the command line."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.main import main
from chainrule.ops import Primitive


def test_passes_on_a_network_and_restores_float32_parameters():
    net = cr.Sequential(cr.Dense(3, 4), cr.Tanh(), cr.Dense(4, 2))
    X, y = np.random.default_rng(0).standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    before = [p.data.copy() for p in net.parameters()]
    report = cr.gradcheck(lambda *p: cr.CrossEntropy()(net(X), y), *net.parameters())
    assert report.passed and len(report.inputs) == 4
    assert all(c.max_rel_error < 1e-5 for c in report.inputs)
    for p, original in zip(net.parameters(), before, strict=True):
        assert p.dtype == np.float32 and np.array_equal(p.data, original)
        assert p.grad is None


def test_a_wrong_rule_is_caught_with_its_location():
    wrong = Primitive(lambda x: x**3, name="test_only_cube_with_a_wrong_rule")

    @wrong.vjp("x")
    def cube_vjp_wrong(g, ans, x):
        """∂C/∂x = g ⊙ 3x², deliberately 10% too large at element 2."""
        return g * 3 * x**2 * np.where(np.arange(x.size) == 2, 1.1, 1.0)

    try:
        x = cr.Tensor(np.array([0.5, 1.0, 1.5, 2.0]), requires_grad=True, name="x")
        with pytest.raises(cr.GradcheckError) as info:
            cr.gradcheck(lambda t: cr.autodiff.apply(wrong, t), x)
        report = info.value.report
        assert not report.passed
        assert report.inputs[0].worst_index == (2,)
        assert report.inputs[0].max_rel_error == pytest.approx(0.1 / 1.1, rel=1e-3)
        assert "MISMATCH" in str(info.value)
        quiet = cr.gradcheck(lambda t: cr.autodiff.apply(wrong, t), x, raise_on_failure=False)
        assert not quiet
    finally:
        del cr.ops.TABLE["test_only_cube_with_a_wrong_rule"]


@pytest.mark.parametrize("cost,activation", [("mse", "sigmoid"), ("ce", "relu"), ("bce", "tanh")])
def test_command_line(cost, activation, capsys):
    code = main(["gradcheck", "--layers", "3,4,2", "--activation", activation, "--cost", cost])
    out = capsys.readouterr().out
    assert code == 0
    assert "0.W" in out and "2.b" in out and "all gradients agree" in out


def test_command_line_bad_input_is_one_line(capsys):
    assert main(["gradcheck", "--layers", "3"]) == cr.ConfigError.exit_code
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert main(["gradcheck", "--activation", "swish"]) == cr.ConfigError.exit_code
