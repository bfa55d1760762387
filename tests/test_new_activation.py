"""A new activation is one primitive of the derivative table plus one layer class.

Softplus, a = ln(1 + eᶻ) with softplus'(z) = σ(z) = 1/(1 + e^(−z)), is defined here and
nowhere else. Its derivative is written from z, not from a, so the compiled step must keep z
beside a. With no other edit it works in the tape (against central differences and PyTorch),
in the compiled training step (the same parameters as the tape's after several steps), in
``cr.trace`` and its δ checks and text view, in ``cr.gradcheck``, through ``nn.mlp``,
``from_config`` and the lean no-grad forward, and in the scikit-learn estimators. The fixture
removes it afterwards, so no other test sees it.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

import chainrule as cr
from chainrule import fast, nn
from chainrule.errors import ConfigError
from chainrule.ops.primitive import TABLE, buffer, primitive


def define_softplus():
    """The whole of the new activation: the primitive (forward and VJP) and the layer."""

    @primitive
    def softplus(z, out=None):
        """a = ln(1 + eᶻ), computed stably.   ∂C/∂z = g ⊙ σ(z)."""
        return np.logaddexp(0, z, out=out)

    @softplus.vjp("z")
    def softplus_vjp(g, a=None, z=None, *, out=None):
        """∂C/∂z = g ⊙ σ(z): written from z (from a it would be 1 − e^(−a))."""
        out = expit(z, out=buffer(out, z))
        return np.multiply(out, g, out=out)

    class Softplus(nn.Activation):
        """a = ln(1 + eᶻ);  softplus'(z) = σ(z)."""

        name = "softplus"
        op = softplus
        derivative_text = "1 / (1 + e^(−z))"

        @staticmethod
        def derivative(z, a):
            return expit(z)

    return softplus, Softplus


def forget(op, layer_class) -> None:
    layer_class.unregister()
    del TABLE[op.name]


@pytest.fixture
def softplus():
    op, layer_class = define_softplus()
    yield layer_class
    forget(op, layer_class)


def data(rng, n, features, outputs, dtype="float64"):
    X = rng.standard_normal((n, features)).astype(dtype)
    Y = rng.random((n, outputs)).astype(dtype)
    return X, Y


def test_the_layer_is_registered_by_its_name(softplus):
    assert nn.ACTIVATIONS["softplus"] is softplus
    assert isinstance(nn.activation_layer("Softplus"), softplus)
    assert "softplus" in nn.activation_names(hidden=True)
    rebuilt = nn.from_config(
        {
            "type": "Sequential",
            "layers": [
                {"type": "Dense", "in_features": 2, "out_features": 3, "bias": True},
                {"type": "Softplus"},
            ],
        }
    )
    assert type(rebuilt[1]) is softplus


def test_tape_gradients_agree_with_central_differences(softplus):
    rng = np.random.default_rng(0)
    net = nn.mlp([3, 5, 4, 2], "softplus", dtype="float64", rng=rng)
    X, Y = data(rng, 6, 3, 2)
    cost = cr.MSE()
    cost(net(X), Y).backward()
    for p in net.parameters():
        numeric = np.zeros_like(p.data)
        for index in np.ndindex(p.shape):
            saved = p.data[index]
            p.data[index] = saved + 1e-6
            up = float(cost(net(X), Y).data)
            p.data[index] = saved - 1e-6
            down = float(cost(net(X), Y).data)
            p.data[index] = saved
            numeric[index] = (up - down) / 2e-6
        np.testing.assert_allclose(p.grad, numeric, rtol=1e-6, atol=1e-8)


def test_tape_gradients_agree_with_pytorch(softplus):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    net = nn.mlp([4, 6, 3], "softplus", "identity", dtype="float64", rng=rng)
    X = rng.standard_normal((5, 4))
    labels = rng.integers(0, 3, 5)
    cr.CrossEntropy()(net(X), labels).backward()
    W1, b1 = (
        torch.tensor(net[0].W.data, requires_grad=True),
        torch.tensor(net[0].b.data, requires_grad=True),
    )
    W2, b2 = (
        torch.tensor(net[2].W.data, requires_grad=True),
        torch.tensor(net[2].b.data, requires_grad=True),
    )
    hidden = torch.nn.functional.softplus(torch.tensor(X) @ W1.T + b1)
    torch.nn.functional.cross_entropy(hidden @ W2.T + b2, torch.tensor(labels)).backward()
    for ours, theirs in zip(net.parameters(), (W1, b1, W2, b2), strict=True):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("output", "cost", "batch"),
    [
        ("softplus", "mse", 8),  # softplus on the output: δ_L = (a − y) ⊙ σ(z_L) reads z_L
        ("identity", "ce", 8),
        ("sigmoid", "bce", 8),
        ("softplus", "mse", 2048),  # wide enough that σ' is split over two threads
    ],
)
def test_the_compiled_step_runs_it_and_equals_the_tape(softplus, output, cost, batch):
    rng = np.random.default_rng(2)
    sizes = [5, 300, 7, 3]
    X, Y = data(rng, batch, sizes[0], sizes[-1])
    if cost == "ce":
        Y = rng.integers(0, sizes[-1], batch)
    nets = [
        nn.mlp(sizes, "softplus", output, dtype="float64", rng=np.random.default_rng(3))
        for _ in range(2)
    ]
    steps = []
    for net, compiled in zip(nets, (True, False), strict=True):
        optimizer = cr.SGD(net.parameters(), lr=0.05, momentum=0.9)
        steps.append(
            fast.make_train_step(net, cr.costs.cost_by_name(cost), optimizer, compiled=compiled)
        )
    assert steps[0].kind == "compiled", steps[0].reason
    assert steps[0].plan.activations[0].keeps_z  # σ' is read from z, which is kept
    for _ in range(5):
        losses = [step(X, Y) for step in steps]
        assert losses[0] == pytest.approx(losses[1], rel=1e-12)
    for ours, tape in zip(nets[0].parameters(), nets[1].parameters(), strict=True):
        np.testing.assert_allclose(ours.data, tape.data, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours.grad, tape.grad, rtol=1e-12, atol=1e-14)


def test_the_lean_forward_runs_it(softplus):
    rng = np.random.default_rng(4)
    net = nn.mlp([3, 4, 2], "softplus", dtype="float64", rng=rng)
    X = rng.standard_normal((5, 3))
    expected = np.logaddexp(
        0, np.logaddexp(0, X @ net[0].W.data.T + net[0].b.data) @ net[2].W.data.T + net[2].b.data
    )
    assert nn.lean_forward(net, X) is not None
    with cr.no_grad():
        np.testing.assert_allclose(net(X).data, expected, rtol=1e-15)


def test_trace_checks_its_deltas_and_names_it(softplus):
    rng = np.random.default_rng(5)
    net = nn.mlp([3, 4, 2], "softplus", dtype="float64", rng=rng)
    t = cr.trace(net, rng.standard_normal(3), rng.random(2), "mse")
    assert t.supported and [layer.activation for layer in t.layers] == ["softplus"] * 2
    assert t.ok and len(t.checks) == 6
    z = t.layers[0].z
    np.testing.assert_allclose(
        t.layers[0].delta, (t.layers[1].delta @ t.layers[1].W) * expit(z), rtol=1e-12
    )
    assert "softplus" in t.text()


def test_gradcheck_passes(softplus):
    rng = np.random.default_rng(6)
    net = nn.mlp([3, 4, 2], "softplus", dtype="float64", rng=rng)
    X, Y = data(rng, 4, 3, 2)
    report = cr.gradcheck(lambda *p: cr.MSE()(net(X), Y), *net.parameters())
    assert report.passed and len(report.inputs) == 4


def test_the_scikit_learn_estimators_fit_with_it(softplus):
    pytest.importorskip("sklearn")
    from chainrule.sklearn import MLPClassifier

    rng = np.random.default_rng(7)
    X = rng.standard_normal((120, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = MLPClassifier(
        hidden_layer_sizes=(8,),
        activation="softplus",
        max_iter=300,
        learning_rate_init=0.02,
        random_state=0,
    ).fit(X, y)
    assert type(model.net_[1]) is softplus
    assert model.score(X, y) > 0.9


def test_an_activation_can_be_removed_and_defined_again():
    op, layer_class = define_softplus()
    forget(op, layer_class)
    assert "softplus" not in TABLE and "softplus" not in nn.ACTIVATIONS
    with pytest.raises(ConfigError, match="unknown activation 'softplus'"):
        nn.mlp([2, 3, 1], "softplus")
    op, layer_class = define_softplus()  # the names are free again
    try:
        with pytest.raises(ConfigError, match="registered twice"):
            type("Again", (nn.Activation,), {"name": "softplus"})
    finally:
        forget(op, layer_class)


def test_a_checkpoint_of_it_loads_where_it_is_defined(softplus, tmp_path):
    from chainrule.checkpoint import load_checkpoint, save_checkpoint

    rng = np.random.default_rng(8)
    net = nn.mlp([3, 4, 2], "softplus", dtype="float64", rng=rng)
    save_checkpoint(tmp_path / "c.npz", net)
    loaded = load_checkpoint(tmp_path / "c.npz").build_network()
    assert [type(layer) for layer in loaded] == [nn.Dense, softplus, nn.Dense, softplus]
    X = rng.standard_normal((5, 3))
    np.testing.assert_array_equal(loaded(X).data, net(X).data)


def test_a_checkpoint_of_it_read_where_it_is_not_defined_says_so(tmp_path):
    from chainrule.checkpoint import load_checkpoint, save_checkpoint
    from chainrule.errors import CheckpointError

    op, layer_class = define_softplus()
    try:
        save_checkpoint(tmp_path / "c.npz", nn.mlp([3, 4, 2], "softplus"))
    finally:
        forget(op, layer_class)
    with pytest.raises(
        CheckpointError,
        match=r"unknown layer type 'Softplus' in the "
        r"architecture; known: Sequential, Dense, Sigmoid, .*\(an activation "
        r"of your own is known once the module defining its class is "
        r"imported\)",
    ):
        load_checkpoint(tmp_path / "c.npz").build_network()


@pytest.mark.parametrize("class_name", ["Sigmoid", "Dense", "Dropout", "Sequential"])
def test_its_class_name_must_be_free_too(class_name):
    """A saved architecture names a layer by its class ({"type": "Sigmoid"}): a second class
    of that name would be rebuilt as the other one."""
    with pytest.raises(
        ConfigError, match=f"activation 'mine': the class name {class_name} is taken"
    ):
        type(class_name, (nn.Activation,), {"name": "mine", "op": None})
    assert "mine" not in nn.ACTIVATIONS
    assert nn.LAYER_TYPES["Sigmoid"][0] is nn.Sigmoid


def test_the_architecture_docs_recipe_runs_as_written():
    """docs/architecture.md's "Adding an activation" block, run verbatim in a namespace of its
    own, gives a softplus the compiled step runs."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text(
        encoding="utf-8"
    )
    section = text.split("## Adding an activation", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "architecture.md", "exec"), namespace)  # noqa: S102 - our own docs
    try:
        assert nn.ACTIVATIONS["softplus"] is namespace["Softplus"]
        net = nn.mlp([3, 4, 2], "softplus", dtype="float64", rng=np.random.default_rng(9))
        step = fast.make_train_step(net, cr.MSE(), cr.SGD(net.parameters(), lr=0.1))
        assert step.kind == "compiled", step.reason
        assert step(np.ones((2, 3)), np.zeros((2, 2))) > 0
    finally:
        forget(namespace["softplus"], namespace["Softplus"])


def test_a_training_run_takes_it_and_its_model_loads_only_where_it_is_defined(tmp_path):
    from chainrule.errors import CheckpointError
    from chainrule.train.config import TrainingConfig
    from chainrule.train.model import TrainedModel
    from chainrule.train.run import TrainingRun

    op, layer_class = define_softplus()
    try:
        TrainingRun(
            TrainingConfig(data="gauss", hidden=[6], activation="softplus", epochs=2),
            tmp_path,
            verbose=False,
            plots=False,
        ).run()
        model = TrainedModel.load(tmp_path)
        assert [type(layer) for layer in model.net] == [nn.Dense, layer_class, nn.Dense]
    finally:
        forget(op, layer_class)
    # read where softplus is not defined: the layer is named, not the option --activation
    with pytest.raises(CheckpointError, match="unknown layer type 'Softplus'"):
        TrainedModel.load(tmp_path)


@pytest.mark.parametrize("what", ["forward", "VJP"])
def test_a_primitive_without_out_is_refused_as_its_layer_is_defined(what):
    """The lean forward and the compiled step pass out=: without it, the first no-grad pass
    stopped with "got an unexpected keyword argument 'out'"."""

    def bare(z):
        return np.logaddexp(0, z)

    def with_out(z, out=None):
        return np.logaddexp(0, z, out=out)

    op = primitive(bare if what == "forward" else with_out)
    if what == "VJP":

        @op.vjp("z")
        def without_out_vjp(g, a, z):
            """∂C/∂z = g ⊙ σ(z)."""
            return g * expit(z)

    try:
        with pytest.raises(
            ConfigError,
            match=f"activation 'softplus_bare': its primitive's {what} must take out=None",
        ):
            type("SoftplusBare", (nn.Activation,), {"name": "softplus_bare", "op": op})
        assert "softplus_bare" not in nn.ACTIVATIONS
    finally:
        del TABLE[op.name]
