"""Long runs: 10⁴ steps with memory measured at the start and the end. The graph is freed after
every backward, so nothing grows — for networks and for the scalar engine."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import chainrule as cr
from chainrule.fast import make_train_step

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"

STEPS = 10_000
ALLOWED_GROWTH = 64 * 1024  # bytes: allocator noise, never a per-step leak (10⁴ steps)


def traced_growth(step, steps=STEPS, warmup=200):
    for _ in range(warmup):
        step()
    gc.collect()
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        for _ in range(steps):
            step()
        gc.collect()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return end - start


def test_ten_thousand_network_steps_keep_memory_flat():
    rng = np.random.default_rng(0)
    net = cr.Sequential(cr.Dense(8, 16, rng=rng), cr.Tanh(), cr.Dense(16, 3, rng=rng))
    opt = cr.Adam(net.parameters(), lr=1e-3)
    X, y = rng.standard_normal((32, 8)).astype(np.float32), rng.integers(0, 3, 32)
    step = make_train_step(net, cr.CrossEntropy(), opt)
    growth = traced_growth(lambda: step(X, y))
    assert growth < ALLOWED_GROWTH, f"memory grew by {growth} bytes over {STEPS} steps"


def test_ten_thousand_tape_steps_keep_memory_flat():
    rng = np.random.default_rng(1)
    net = cr.Sequential(
        cr.Dense(3, 4, rng=rng), cr.Sigmoid(), cr.Dense(4, 1, rng=rng), cr.Sigmoid()
    )
    opt = cr.SGD(net.parameters(), lr=0.5, momentum=0.9)
    X, Y = rng.random((4, 3)), rng.random((4, 1))
    cost = cr.MSE()

    def step():
        opt.zero_grad()
        cost(net(X), Y).backward()
        opt.step()

    growth = traced_growth(step)
    assert growth < ALLOWED_GROWTH, f"memory grew by {growth} bytes over {STEPS} steps"


def test_ten_thousand_scalar_engine_steps_keep_memory_flat():
    w = cr.Tensor(0.3, dtype="float64", requires_grad=True)
    b = cr.Tensor(-0.1, dtype="float64", requires_grad=True)

    def step():
        w.grad = b.grad = None
        loss = ((w * 0.7 + b).tanh() - 0.2) ** 2
        loss.backward()
        with cr.no_grad():
            w.data -= 0.1 * w.grad
            b.data -= 0.1 * b.grad

    growth = traced_growth(step)
    assert growth < ALLOWED_GROWTH, f"memory grew by {growth} bytes over {STEPS} steps"


def test_backward_releases_the_saved_arrays_and_nodes():
    x = cr.Tensor(np.ones((100, 100)), requires_grad=True)
    hidden = (x * 2).sigmoid()
    out = (hidden * 3).sum()
    node = out._node
    parents_node = hidden._node
    out.backward()
    assert node.args is None and node.ans is None
    assert parents_node.args is None and parents_node.ans is None
    # once the result is dropped, the whole recorded graph is garbage (no cycles keep it)
    probe = weakref.ref(hidden)
    del hidden, out, node, parents_node
    assert probe() is None


def test_many_epochs_of_chainrule_train_with_checkpoints_keep_memory_flat(tmp_path):
    """The loop of ``chainrule train --out DIR`` (TrainingRun: Trainer, Dropout, Adam, the
    gradient monitor, a checkpoint and metrics.json written atomically after every epoch) over
    60 epochs: once the records kept by design (one history row per epoch) are dropped,
    nothing has grown. The monitor's per-epoch histograms are switched off here: they too are
    kept by design, and they make every checkpoint larger (see docs/guarantees.md)."""
    from chainrule.train import TrainingConfig, TrainingRun
    from chainrule.train.callbacks import LambdaCallback

    epochs, warmup = 60, 10
    config = TrainingConfig(
        data="book",
        hidden=[4],
        activation="sigmoid",
        cost="mse",
        optimizer="adam",
        lr=0.05,
        dropout=0.1,
        scale="none",
        val_fraction=0.0,
        epochs=epochs,
        batch_size=2,
        dtype="float64",
    )
    run = TrainingRun(config, tmp_path, verbose=False, plots=False)
    run.monitor.keep_histograms = False
    marks = {}

    def mark(trainer, logs):
        if logs["epoch"] == warmup:
            gc.collect()
            marks["start"] = tracemalloc.get_traced_memory()[0]

    run.trainer.callbacks.append(LambdaCallback(on_epoch_end=mark))
    tracemalloc.start()
    try:
        result = run.run()
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - marks["start"]
        run.trainer.history.clear()
        run.monitor.explosions.clear()
        run.monitor._recent.clear()
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - marks["start"]
    finally:
        tracemalloc.stop()
    assert result.trainer.epoch == epochs
    assert growth < ALLOWED_GROWTH, f"memory grew by {growth} bytes over {epochs} epochs"
    assert kept < 4096 * (epochs - warmup), f"{kept} bytes kept for {epochs - warmup} epochs"
