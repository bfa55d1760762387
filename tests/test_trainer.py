"""The training loop: it learns, reports, stops, and reproduces itself bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ConfigError, DataError, NonFiniteError, ShapeError
from chainrule.train import EarlyStopping, LambdaCallback, Trainer, TrainingConfig, TrainingRun


def moons(rng, n=200):
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    X = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    X += rng.normal(0, 0.1, X.shape)
    return X, upper.astype(np.int64)


def network(rng, dtype="float64", out=2, dropout=0.0):
    layers = [cr.Dense(2, 16, dtype=dtype, rng=rng), cr.Tanh()]
    if dropout:
        layers.append(cr.nn.Dropout(dropout, rng=rng.integers(1000)))
    return cr.Sequential(*layers, cr.Dense(16, out, dtype=dtype, rng=rng))


def test_fit_learns_and_reports_each_epoch(rng):
    X, y = moons(rng)
    lines = []
    trainer = cr.fit(
        network(rng),
        X,
        y,
        cost="ce",
        optimizer="adam",
        lr=0.05,
        epochs=30,
        batch_size=16,
        validation=(X[:50], y[:50]),
        log=lines.append,
    )
    assert len(trainer.history) == 30 and len(lines) == 30
    last = trainer.history[-1]
    assert set(last) >= {"epoch", "loss", "val_loss", "val_accuracy", "lr", "seconds"}
    assert last["val_accuracy"] >= 0.95
    assert trainer.evaluate(X, y)["accuracy"] >= 0.95
    assert lines[-1].startswith("epoch 30/30  loss ")
    assert trainer.history[0]["loss"] > last["loss"]


def test_mse_and_bce_take_class_labels(rng):
    X, y = moons(rng)
    mse = cr.fit(network(rng), X, y, cost="mse", optimizer="sgd", lr=0.01, epochs=40, verbose=False)
    assert mse.evaluate(X, y)["accuracy"] > 0.85
    net = cr.Sequential(*network(rng, out=1).layers, cr.Sigmoid())
    bce = cr.fit(net, X, y, cost="bce", lr=0.05, epochs=40, verbose=False)
    assert bce.evaluate(X, y)["accuracy"] > 0.9


def test_same_seed_same_weights_bitwise(rng):
    X, y = moons(rng)
    weights = []
    for _ in range(2):
        net = network(np.random.default_rng(5), dropout=0.2)
        cr.fit(net, X, y, epochs=3, seed=11, verbose=False)
        weights.append([p.data.copy() for p in net.parameters()])
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_diverging_loss_stops_with_epoch_and_batch(rng):
    X, y = moons(rng)
    X = X * 1e3
    trainer = Trainer(
        network(rng, dtype="float32"), "ce", "sgd", lr=1e30, batch_size=20, verbose=False
    )
    with pytest.raises(NonFiniteError, match=r"at epoch \d+, batch \d+ of 10"):
        trainer.fit(X, y, epochs=50)


def test_early_stopping_stops_and_restores_the_best(rng):
    X, y = moons(rng)
    seen = []
    stopper = EarlyStopping("val_loss", patience=2)
    # a validation set the network cannot learn: its loss soon stops improving
    noise = rng.standard_normal((40, 2)), rng.integers(0, 2, 40)
    trainer = Trainer(
        network(rng),
        "ce",
        "adam",
        lr=0.05,
        verbose=False,
        callbacks=[
            stopper,
            LambdaCallback(on_epoch_end=lambda t, logs: seen.append(logs["epoch"])),
        ],
    )
    trainer.fit(X, y, epochs=200, validation=noise)
    assert stopper.stopped_epoch is not None and stopper.stopped_epoch < 200
    assert seen[-1] == stopper.stopped_epoch
    assert stopper.stopped_epoch - stopper.best_epoch == 2
    best = trainer.evaluate(*noise)["loss"]
    assert best == pytest.approx(stopper.best)


def test_schedule_sets_the_rate_every_step(rng):
    X, y = moons(rng, 64)
    rates = []
    schedule = cr.optim.StepDecay(0.1, every=1, gamma=0.5)
    trainer = Trainer(
        network(rng),
        "ce",
        "sgd",
        batch_size=32,
        schedule=schedule,
        verbose=False,
        callbacks=[LambdaCallback(on_batch_end=lambda t, b, loss: rates.append(t.optimizer.lr))],
    )
    trainer.fit(X, y, epochs=3)
    assert rates == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]


@pytest.mark.parametrize(
    "X, y, error, message",
    [
        (np.zeros((0, 2)), np.zeros(0, dtype=int), DataError, "empty"),
        (np.array([[0.0, np.nan]]), np.array([1]), DataError, "feature 1 of example 0 is nan"),
        (np.zeros((3, 2)), np.array([0, 1, 5]), DataError, "0 … 1"),
        (np.zeros((3, 3)), np.array([0, 1, 1]), ShapeError, "takes 2 features"),
        (np.zeros((3, 2)), np.array([0, 1]), ShapeError, "3 examples but 2 targets"),
    ],
)
def test_bad_training_data(rng, X, y, error, message):
    with pytest.raises(error, match=message):
        Trainer(network(rng), verbose=False).fit(X, y, epochs=1)


def test_bad_options(rng):
    with pytest.raises(ConfigError, match="batch_size"):
        Trainer(network(rng), batch_size=0)
    with pytest.raises(ConfigError, match="epochs"):
        Trainer(network(rng), verbose=False).fit(*moons(rng), epochs=-1)
    with pytest.raises(ConfigError, match="unknown optimizer"):
        Trainer(network(rng), optimizer="rmsprop")


def _weights(run):
    return run.trainer.net.state_dict()


def _assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


BASE = dict(
    data="moons",
    hidden=[12, 8],
    dropout=0.2,
    dtype="float64",
    batch_size=16,
    optimizer="adam",
    lr=0.01,
    seed=3,
)


def test_four_epochs_equal_two_then_two_resumed_bitwise(tmp_path):
    straight = TrainingRun(
        TrainingConfig(**BASE, epochs=4), tmp_path / "a", verbose=False, plots=False
    ).run()
    TrainingRun(TrainingConfig(**BASE, epochs=2), tmp_path / "b", verbose=False, plots=False).run()
    resumed = TrainingRun.resume(tmp_path / "b", epochs=4, verbose=False, plots=False)
    assert resumed.trainer.epoch == 2
    result = resumed.run()
    assert result.trainer.epoch == 4
    _assert_same(_weights(straight), _weights(result))
    assert [h["loss"] for h in straight.trainer.history] == [
        h["loss"] for h in result.trainer.history
    ]


class Crash(Exception):
    pass


def test_a_run_killed_mid_way_resumes_to_the_same_weights(tmp_path):
    config = TrainingConfig(**BASE, epochs=4, schedule="cosine", warmup=1, momentum=0.0)
    straight = TrainingRun(config, tmp_path / "a", verbose=False, plots=False).run()
    crashing = TrainingRun(config, tmp_path / "b", verbose=False, plots=False)

    def crash(trainer, logs):
        if logs["epoch"] == 2:
            raise Crash

    crashing.trainer.callbacks.append(LambdaCallback(on_epoch_end=crash))
    with pytest.raises(Crash):
        crashing.run()
    result = TrainingRun.resume(tmp_path / "b", verbose=False, plots=False).run()
    _assert_same(_weights(straight), _weights(result))
