"""Learning-rate schedules are pure functions of progress in epochs."""

from __future__ import annotations

import math

import pytest

from chainrule.errors import ConfigError
from chainrule.optim import Constant, Cosine, StepDecay, Warmup, make_schedule


def test_constant_and_step():
    assert Constant(0.1)(7.5) == 0.1
    step = StepDecay(1.0, every=2, gamma=0.5)
    assert [step(t) for t in (0, 1.99, 2, 3.5, 4)] == [1.0, 1.0, 0.5, 0.5, 0.25]


def test_cosine_runs_from_base_to_minimum():
    cosine = Cosine(0.2, total=10, min_lr=0.02)
    assert cosine(0) == pytest.approx(0.2)
    assert cosine(5) == pytest.approx(0.11)
    assert cosine(10) == pytest.approx(0.02)
    assert cosine(12) == pytest.approx(0.02)
    assert cosine(2.5) == pytest.approx(0.02 + 0.09 * (1 + math.cos(math.pi / 4)))


def test_warmup_rises_linearly_then_follows():
    warm = Warmup(Constant(1.0), epochs=2, start=0.1)
    assert warm(0) == pytest.approx(0.1)
    assert warm(1) == pytest.approx(0.55)
    assert warm(2) == 1.0 and warm(5) == 1.0
    built = make_schedule("cosine", 1.0, epochs=10, warmup=1)
    assert isinstance(built, Warmup) and built(1) == pytest.approx(Cosine(1.0, 10)(1))


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_schedule("exponential", 0.1, epochs=3),
        lambda: StepDecay(0.1, every=0),
        lambda: Cosine(0.1, total=0),
        lambda: Warmup(Constant(0.1), epochs=-1),
        lambda: Constant(-1.0),
    ],
)
def test_bad_schedules_are_config_errors(make):
    with pytest.raises(ConfigError):
        make()
