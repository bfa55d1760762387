"""``chainrule explain --checkpoint``: a trained network's backward pass on one of its test
examples, scaled as in training; Dropout layers are the identity there."""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.cli.main import main
from chainrule.data import load_dataset
from chainrule.train.model import TrainedModel


def test_explains_a_trained_network_on_its_test_example(capsys, tmp_path):
    run_dir = tmp_path / "run"
    assert main(["train", "--data", "gauss", "--hidden", "6", "--dropout", "0.2", "--epochs",
                 "2", "--quiet", "--no-plots", "--out", str(run_dir)]) == 0
    capsys.readouterr()
    assert main(["explain", "--checkpoint", str(run_dir), "--example", "5"]) == 0
    out = capsys.readouterr().out
    assert "Sequential(2→6→3): Dense(2→6) relu, Dense(6→3) identity" in out
    assert "all equations hold" in out
    _, test = load_dataset("gauss", seed=0)
    model = TrainedModel.load(run_dir)
    x = model.transform(test.X[5:6]).astype(np.float64)[0]
    shown = out.split("x = [")[1].split("]")[0]
    np.testing.assert_allclose([float(v) for v in shown.split(",")], x, atol=5e-5)
    assert main(["explain", "--checkpoint", str(run_dir), "--example", "99999"]) == \
        cr.ConfigError.exit_code
    assert "there is no example 99999" in capsys.readouterr().err


def test_the_trace_leaves_dropout_out():
    rng = np.random.default_rng(0)
    net = cr.Sequential(cr.Dense(3, 4, dtype="float64", rng=rng), cr.Sigmoid(),
                        cr.Dropout(0.5, rng=1), cr.Dense(4, 1, dtype="float64", rng=rng),
                        cr.Sigmoid())
    t = cr.trace(net.eval(), [0.0, 1.0, 1.0], [1.0], "mse")
    assert t.supported and len(t.layers) == 2 and all(c.ok for c in t.checks)
    expected = net(np.array([[0.0, 1.0, 1.0]])).data
    np.testing.assert_allclose(t.output, expected)
