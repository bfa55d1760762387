"""One MLP builder, nn.mlp: the command line's and the estimators' networks are built by it,
layer for layer and weight for weight as they were before it was the only builder."""

import hashlib

import numpy as np
import pytest

from chainrule import nn
from chainrule.errors import ConfigError
from chainrule.nn import parse_sizes
from chainrule.sklearn.network import build_network as sklearn_network
from chainrule.sklearn.params import Settings
from chainrule.train.config import TrainingConfig
from chainrule.train.run import build_network as training_network


def fingerprint(net):
    """The layer types, a hash of every parameter (name and bytes), and the first number each
    Dropout layer's mask generator draws."""
    digest = hashlib.sha256()
    for name, p in net.named_parameters():
        digest.update(name.encode())
        digest.update(p.data.tobytes())
    drops = [int(m.rng.integers(2**31)) for m in net.layers if isinstance(m, nn.Dropout)]
    return [layer["type"] for layer in net.config()["layers"]], digest.hexdigest()[:16], drops


#: Measured with the builders as they were before nn.mlp took Dropout (train spliced it in,
#: the estimators built their own layers).
TRAIN = {
    "relu-ce": (
        dict(hidden=[5, 4], activation="relu", cost="ce"),
        (["Dense", "ReLU", "Dense", "ReLU", "Dense"], "461bc7235d4969f2", []),
    ),
    "sigmoid-mse-dropout": (
        dict(hidden=[6, 3], activation="sigmoid", cost="mse", dropout=0.3),
        (
            ["Dense", "Sigmoid", "Dropout", "Dense", "Sigmoid", "Dropout", "Dense", "Sigmoid"],
            "7b2171af77ed8fbf",
            [586332986, 1260151743],
        ),
    ),
    "tanh-bce-dropout-64": (
        dict(hidden=[4], activation="tanh", cost="bce", dropout=0.5, dtype="float64"),
        (["Dense", "Tanh", "Dropout", "Dense", "Sigmoid"], "9c8191e12c5fccf2", [2011761246]),
    ),
    "regression-dropout-nobias": (
        dict(
            hidden=[7, 2],
            activation="relu",
            task="regression",
            cost="mse",
            dropout=0.2,
            bias=False,
            init="he",
        ),
        (
            ["Dense", "ReLU", "Dropout", "Dense", "ReLU", "Dropout", "Dense"],
            "e00647fb096f2d57",
            [586332986, 1260151743],
        ),
    ),
}
SKLEARN = {
    "relu": (
        dict(hidden=(5, 4), activation="relu", dropout=0.0, dtype="float64"),
        (["Dense", "ReLU", "Dense", "ReLU", "Dense"], "c7315b5887e2da1a", []),
    ),
    "tanh-dropout": (
        dict(hidden=(6, 3), activation="tanh", dropout=0.25, dtype="float32"),
        (
            ["Dense", "Tanh", "Dropout", "Dense", "Tanh", "Dropout", "Dense"],
            "1b4cf7ed8806ea6f",
            [402693483, 1821801229],
        ),
    ),
    "identity-dropout": (
        dict(hidden=(4,), activation="identity", dropout=0.1, dtype="float64"),
        (["Dense", "Dropout", "Dense"], "e53dc2c25c6a1420", [1862019350]),
    ),
}


def settings(**options) -> Settings:
    base = dict(
        solver="adam",
        alpha=1e-4,
        batch_size=None,
        learning_rate_init=1e-3,
        max_iter=10,
        shuffle=True,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
    )
    return Settings(**base, **options)


@pytest.mark.parametrize("name", TRAIN)
def test_the_training_network_is_the_one_built_before(name):
    options, expected = TRAIN[name]
    net = training_network(
        TrainingConfig(**options, seed=11), 6, 3 if options["cost"] == "ce" else 2
    )
    assert fingerprint(net) == expected


@pytest.mark.parametrize("name", SKLEARN)
def test_the_estimators_network_is_the_one_built_before(name):
    options, expected = SKLEARN[name]
    net = sklearn_network(6, 3, settings(**options), np.random.default_rng(5))
    assert fingerprint(net) == expected


def test_training_puts_dropout_after_each_hidden_layer_even_without_a_hidden_activation():
    # the splice it replaced put Dropout after the first activation layer it met: here the
    # output's Sigmoid, so the output was dropped and the hidden layer was not
    config = TrainingConfig(hidden=[4, 3], activation="identity", cost="bce", dropout=0.5, seed=1)
    net = training_network(config, 5, 1)
    assert [type(m).__name__ for m in net.layers] == [
        "Dense",
        "Dropout",
        "Dense",
        "Dropout",
        "Dense",
        "Sigmoid",
    ]


def test_mlp_builds_dropout_seeded_after_the_weights_or_as_it_goes():
    later = nn.mlp([3, 4, 2], "tanh", "identity", dropout=0.5, rng=np.random.default_rng(0))
    assert [type(m).__name__ for m in later.layers] == ["Dense", "Tanh", "Dropout", "Dense"]
    assert later.layers[2].p == 0.5
    along = nn.mlp(
        [3, 4, 2],
        "tanh",
        "identity",
        dropout=0.5,
        rng=np.random.default_rng(0),
        dropout_rng=np.random.default_rng(0),
    )
    np.testing.assert_array_equal(along[0].W.data, later[0].W.data)
    np.testing.assert_array_equal(along[3].W.data, later[3].W.data)
    # seeded from its own generator: the first number that generator draws
    expected = np.random.default_rng(int(np.random.default_rng(0).integers(2**63)))
    assert along[2].rng.integers(2**31) == expected.integers(2**31)


@pytest.mark.parametrize("dropout", [-0.1, 1.0, "half", float("nan")])
def test_mlp_refuses_a_dropout_outside_0_1(dropout):
    with pytest.raises(ConfigError, match=r"dropout must lie in \[0, 1\)"):
        nn.mlp([3, 4, 1], dropout=dropout)


def test_mlp_refuses_an_output_only_activation_in_the_hidden_layers():
    with pytest.raises(
        ConfigError,
        match="softmax is not a hidden activation.*choose sigmoid, tanh, relu or identity",
    ):
        nn.mlp([3, 4, 2], "softmax")
    with pytest.raises(ConfigError, match="unknown activation 'swish'"):
        nn.mlp([3, 4, 2], "swish")


@pytest.mark.parametrize("text", ["3,,1", "3,4,", ",3,4", "3--4"])
def test_a_missing_layer_size_is_refused_not_skipped(text):
    """'3,,1' was read as [3, 1]: a network other than the one written."""
    with pytest.raises(ConfigError, match="layer sizes"):
        parse_sizes(text)


def test_layer_sizes_read_with_spaces_and_dashes():
    assert parse_sizes(" 3, 4 ,1 ") == [3, 4, 1]
    assert parse_sizes("3-4-1") == [3, 4, 1]
    assert parse_sizes([3, 4, 1]) == [3, 4, 1]
