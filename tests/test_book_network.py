"""nn.read_layers, the one reader of "Dense layers, each with its activation", and the cost's
fusion decision that the compiled step and the recorded graph share."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.fast.plan import make_plan
from chainrule.ops.activation import sigmoid
from chainrule.ops.softmax import softmax

NN = Path(cr.__file__).parent / "nn"


def test_a_network_is_read_as_the_books_layers():
    net = nn.mlp([3, 4, 2], "tanh", "softmax", rng=0)
    network = nn.read_layers(net.layers)
    assert isinstance(network, nn.BookNetwork)
    assert network.sizes == (3, 4, 2)
    assert [(layer.dense_at, layer.activation_at, layer.name) for layer in network.layers] == [
        (0, 1, "tanh"),
        (2, 3, "softmax"),
    ]
    assert network.dense == (net[0], net[2])
    assert network.output_op is softmax and not network.layers[0].keeps_z


def test_identity_layers_are_the_identity_wherever_they_stand():
    layers = [
        nn.Identity(),
        nn.Dense(2, 3),
        nn.Identity(),
        nn.Sigmoid(),
        nn.Identity(),
        nn.Dense(3, 1),
    ]
    network = nn.read_layers(layers)
    assert [(layer.dense_at, layer.activation_at, layer.name) for layer in network.layers] == [
        (1, 3, "sigmoid"),
        (5, None, "identity"),
    ]
    alone = nn.read_layers([nn.Dense(2, 3), nn.Identity()])
    assert alone.layers[0].activation_at == 1 and alone.layers[0].op is None


class ShiftedSigmoid(nn.Sigmoid):  # computes something else under the same primitive
    def forward(self, x):
        return super().forward(x) + 1.0


class Wide(nn.Dense):
    pass


@pytest.mark.parametrize(
    ("layers", "position", "reason"),
    [
        ([nn.Sigmoid(), nn.Dense(2, 2)], 0, "layer 0 (Sigmoid) comes before any Dense layer"),
        ([nn.Dense(2, 2), nn.ReLU(), nn.Tanh()], 2, "layer 2 (Tanh) follows another activation"),
        (
            [nn.Dense(2, 2), nn.Dropout(0.5, rng=0)],
            1,
            "layer 1 (Dropout(p=0.5)) is not a Dense or an activation layer",
        ),
        (
            [nn.Dense(2, 2), ShiftedSigmoid()],
            1,
            "layer 1 (ShiftedSigmoid) is not a Dense or an activation layer",
        ),
        ([Wide(2, 2)], 0, "is not a Dense or an activation layer"),
        ([nn.Identity()], None, "the network has no Dense layer"),
    ],
)
def test_what_is_not_the_books_network_is_named(layers, position, reason):
    found = nn.read_layers(layers)
    assert isinstance(found, nn.Unreadable)
    assert found.position == position and reason in found.reason


@pytest.mark.parametrize(
    ("cost", "output", "fused"),
    [
        (cr.CrossEntropy(), "softmax", True),
        (cr.CrossEntropy(), "sigmoid", False),
        (cr.BinaryCrossEntropy(), "sigmoid", True),
        (cr.BinaryCrossEntropy(from_logits=True), "sigmoid", False),
        (cr.MSE(), "sigmoid", False),
    ],
)
def test_the_cost_decides_fusion_for_the_plan_and_the_tape_alike(cost, output, fused):
    net = nn.mlp([3, 2], "sigmoid", output, dtype="float64", rng=1)
    network = nn.read_layers(net.layers)
    assert network.fuses(cost) is fused
    plan = make_plan(net, cost)
    assert plan.cost.fused is fused
    # the recorded graph takes z in exactly the same cases
    X = np.random.default_rng(2).standard_normal((4, 3))
    a = net(X)
    assert (cost.fused_input(a) is not None) is fused
    op = {"softmax": softmax, "sigmoid": sigmoid}[output]
    assert (
        a.made_from(op) is not None and a.made_from(softmax if op is sigmoid else sigmoid) is None
    )


@pytest.mark.parametrize(
    ("net", "cost", "reason"),
    [
        (
            nn.Sequential(nn.Dense(3, 2), nn.Softmax(), nn.Dense(2, 2)),
            cr.CrossEntropy(),
            "layer 1: Softmax is only compiled as the last layer",
        ),
        (
            nn.mlp([3, 2], "sigmoid", "softmax"),
            cr.MSE(),
            "MSE after Softmax (its Jacobian is not diagonal)",
        ),
        (
            nn.mlp([3, 2], "relu", "relu"),
            cr.BinaryCrossEntropy(),
            "BinaryCrossEntropy on probabilities that do not come from a Sigmoid layer",
        ),
    ],
)
def test_the_plan_names_what_it_cannot_compile(net, cost, reason):
    assert make_plan(net, cost) == reason
    step = cr.fast.make_train_step(net, cost, cr.SGD(net.parameters(), 0.1))
    assert step.kind == "tape" and step.reason == reason


def test_the_layers_package_never_imports_the_fast_package():
    for path in NN.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                assert not module.startswith("..fast") and "chainrule.fast" not in module, (
                    f"{path.name} imports {module}"
                )


def test_one_network_dtype_helper():
    assert nn.network_dtype(nn.mlp([2, 2], dtype="float64")) == np.float64
    assert nn.network_dtype(nn.Sequential(nn.ReLU()), "float32") == np.float32
    with pytest.raises(cr.ConfigError, match="the network has no parameters"):
        nn.network_dtype(nn.Sequential(nn.ReLU()))
