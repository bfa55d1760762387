"""Dropout: the mul primitive with a fresh Bernoulli mask, the identity in eval mode."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ConfigError
from chainrule.nn import Dropout, from_config


def test_training_mask_scales_kept_units_and_passes_their_gradient():
    layer = Dropout(0.25, rng=0)
    x = cr.Tensor(np.ones((200, 50)), dtype="float64", requires_grad=True)
    a = layer(x)
    kept = a.data != 0
    np.testing.assert_allclose(a.data[kept], 1 / 0.75)
    assert abs(kept.mean() - 0.75) < 0.02
    a.sum().backward()
    np.testing.assert_array_equal(x.grad, np.where(kept, 1 / 0.75, 0.0))


def test_eval_mode_is_the_identity_and_p_zero_too():
    layer = Dropout(0.5, rng=0)
    x = cr.Tensor(np.arange(6.0).reshape(2, 3), dtype="float64")
    layer.eval()
    assert layer(x) is x
    assert Dropout(0.0)(x) is x


def test_masks_follow_the_generator():
    a, b = Dropout(0.5, rng=3), Dropout(0.5, rng=3)
    x = np.ones((4, 8))
    np.testing.assert_array_equal(a(x).data, b(x).data)
    assert not np.array_equal(a(x).data, a(x).data)


@pytest.mark.parametrize("p", [-0.1, 1.0, 2, "half"])
def test_bad_rate(p):
    with pytest.raises(ConfigError, match="Dropout"):
        Dropout(p)


def test_architecture_round_trip_through_config():
    net = cr.Sequential(
        cr.Dense(3, 5), cr.ReLU(), Dropout(0.2), cr.Dense(5, 2, bias=False), cr.Softmax()
    )
    rebuilt = from_config(net.config())
    assert rebuilt.config() == net.config()
    assert [type(m).__name__ for m in rebuilt] == ["Dense", "ReLU", "Dropout", "Dense", "Softmax"]
    assert rebuilt[3].b is None
    with pytest.raises(ConfigError, match="unknown layer type 'Conv2d'"):
        from_config({"type": "Sequential", "layers": [{"type": "Conv2d"}]})
    with pytest.raises(ConfigError, match="unknown option"):
        from_config({"type": "ReLU", "slope": 2})
