"""The training loop: epochs of shuffled mini-batches, each one step of gradient descent.

For every batch the trainer sets the learning rate from the schedule, then calls the training
step (:func:`chainrule.fast.make_train_step`: zero_grad → C = cost(net(X), Y) → backward →
W ← W − η ∂C/∂W), checks that the cost is finite, and tells the callbacks. After each epoch
it evaluates the validation set, appends a row to ``history``, and lets the callbacks (early
stopping, checkpoints, gradient monitor) act on it.

Randomness: the shuffler (``trainer.rng``) draws one permutation per epoch, Dropout layers
draw their own masks; both generators' states go into checkpoints, so training E epochs
equals training k, saving, and resuming for E − k, bit for bit.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from ..costs import Cost, cost_by_name
from ..data import Batches
from ..errors import ConfigError, NonFiniteError
from ..fast import make_train_step
from ..optim import Optimizer, optimizer_by_name
from ..optim.schedules import Schedule
from ..optional import available, require
from ..wording import format_loss
from .callbacks import Callback
from .evaluation import evaluate
from .prepared import Prepared, network_dtype, network_outputs_count
from .regression import format_r2


class Trainer:
    """Trains ``net`` on ``cost`` with ``optimizer``: ``fit(X, y, epochs=...)``.

    ``cost`` and ``optimizer`` may be names ("ce", "adam") with ``lr``. ``schedule`` maps
    progress in epochs to η. ``clip_norm`` bounds ‖∂C/∂θ‖₂. ``seed`` (or ``rng``) drives the
    shuffling. ``log`` receives one line per epoch (``print`` by default; ``verbose=False``
    silences it); ``progress`` shows a progress bar over each epoch's batches (default: when
    the terminal is interactive).
    """

    def __init__(
        self,
        net,
        cost: Cost | str = "ce",
        optimizer: Optimizer | str = "adam",
        *,
        lr: float | None = None,
        batch_size: int = 32,
        schedule: Schedule | None = None,
        clip_norm: float | None = None,
        callbacks=(),
        seed: int = 0,
        rng=None,
        shuffle: bool = True,
        verbose: bool = True,
        progress: bool | None = None,
        log=None,
    ):
        self.net = net
        self.cost = cost_by_name(cost) if isinstance(cost, str) else cost
        if isinstance(optimizer, str):
            optimizer = optimizer_by_name(
                optimizer, net.parameters(), **({} if lr is None else {"lr": lr})
            )
        self.optimizer = optimizer
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.batch_size = int(batch_size)
        self.schedule = schedule
        self.clip_norm = clip_norm
        self.callbacks: list[Callback] = list(callbacks)
        self.rng = (
            rng
            if isinstance(rng, np.random.Generator)
            else np.random.default_rng(seed if rng is None else rng)
        )
        self.shuffle = shuffle
        self.verbose = verbose
        self.progress = progress
        self._log = log or print
        self.epoch = 0
        self.history: list[dict] = []
        self.stop_training = False
        self.named_parameters = list(net.named_parameters())
        self._step = make_train_step(net, self.cost, optimizer, clip_norm)

    @property
    def dtype(self) -> np.dtype:
        return network_dtype(self.net)

    @property
    def n_outputs(self) -> int:
        return network_outputs_count(self.net)

    def prepare(self, X, y=None, what: str = "data") -> Prepared:
        """``X``/``y`` (or a Dataset) made ready for this network and cost."""
        return Prepared(X, y, self.cost, self.n_outputs, self.dtype, what, net=self.net)

    def log(self, line: str) -> None:
        if self.verbose:
            self._log(line)

    # -- the loop -----------------------------------------------------------------------------
    def fit(self, X, y=None, *, epochs: int, validation=None) -> list[dict]:
        """Train until ``epochs`` epochs are complete in all (a resumed trainer continues from
        ``self.epoch``), or a callback stops it. ``X``/``y`` are arrays, or ``X`` is a
        :class:`chainrule.data.Dataset`; ``validation`` likewise (a Dataset or an (X, y) pair).
        Returns the history: one dict per epoch."""
        if not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ConfigError(f"epochs must be a non-negative integer, got {epochs!r}")
        train = self.prepare(X, y, "training data")
        val = None
        if validation is not None:
            vx, vy = (validation, None) if hasattr(validation, "X") else validation
            val = self.prepare(vx, vy, "validation data")
        batches = Batches(len(train), self.batch_size, self.rng, shuffle=self.shuffle)
        self.stop_training = False
        for callback in self.callbacks:
            callback.on_train_begin(self)
        # overflow is reported as a non-finite loss naming the epoch and batch, not as warnings
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            while self.epoch < epochs and not self.stop_training:
                self._run_epoch(train, batches, val, epochs)
        for callback in self.callbacks:
            callback.on_train_end(self)
        return self.history

    def _batches(self, batches, epochs: int):
        show = (
            self.progress if self.progress is not None else (self.verbose and sys.stderr.isatty())
        )
        if not show or (self.progress is None and not available("tqdm")):
            return batches  # the automatic bar is a nicety; an asked-for one needs tqdm
        tqdm = require("tqdm.auto", "the progress bar", extra="train").tqdm
        return tqdm(
            batches,
            desc=f"epoch {self.epoch + 1}/{epochs}",
            leave=False,
            unit="batch",
            file=sys.stderr,
        )

    def _run_epoch(
        self, train: Prepared, batches: Batches, val: Prepared | None, epochs: int
    ) -> None:
        for callback in self.callbacks:
            callback.on_epoch_begin(self, self.epoch + 1)
        started = time.perf_counter()
        n_batches = len(batches)
        per_example_sum = self.cost.reduction == "sum"
        total = 0.0
        for b, index in enumerate(self._batches(batches, epochs)):
            if self.schedule is not None:
                self.optimizer.lr = self.schedule(self.epoch + b / n_batches)
            loss = self._step(train.X[index], train.T[index])
            if not math.isfinite(loss):
                self.stop_training = True
                raise NonFiniteError(
                    f"the loss became {loss} at epoch {self.epoch + 1}, batch {b + 1} of "
                    f"{n_batches}: training stopped (lower the learning rate, or bound the "
                    "gradients with clip_norm / --clip)"
                )
            total += loss if per_example_sum else loss * len(index)
            for callback in self.callbacks:
                callback.on_batch_end(self, b, loss)
        self.epoch += 1
        logs = {"epoch": self.epoch, "loss": total / len(train), "lr": self.optimizer.lr}
        if val is not None:
            logs.update({f"val_{k}": v for k, v in self.evaluate_prepared(val).items()})
        logs["seconds"] = time.perf_counter() - started
        self.history.append(logs)
        for callback in self.callbacks:
            callback.on_epoch_end(self, logs)
        self.log(format_epoch(logs, epochs))

    # -- evaluation ---------------------------------------------------------------------------
    def evaluate_prepared(self, data: Prepared) -> dict:
        return evaluate(self.net, self.cost, data)

    def evaluate(self, X, y=None) -> dict:
        """``{"loss": mean cost per example, "accuracy": ...}`` (accuracy for class labels)."""
        return self.evaluate_prepared(self.prepare(X, y, "evaluation data"))

    # -- state for checkpoints ----------------------------------------------------------------
    def state_dict(self) -> dict:
        """The loop's own state (epoch, history, callbacks'); the network, optimizer and
        generators are saved by :func:`chainrule.checkpoint.save_checkpoint`."""
        return {
            "epoch": self.epoch,
            "history": self.history,
            "callbacks": [c.state_dict() for c in self.callbacks],
        }

    def load_state_dict(self, state: dict) -> None:
        self.epoch = int(state.get("epoch", 0))
        self.history = list(state.get("history", []))
        for callback, saved in zip(self.callbacks, state.get("callbacks", []), strict=False):
            callback.load_state_dict(saved)


def format_epoch(logs: dict, epochs: int) -> str:
    """One line per epoch: ``epoch 3/30  loss 0.210412  val_loss 0.189305  val_accuracy 0.9444``
    (``val_r2`` for a regression target; costs by :func:`~chainrule.wording.format_loss`, as
    ``eval`` prints them)."""
    width = len(str(epochs))
    parts = [f"epoch {logs['epoch']:>{width}}/{epochs}", f"loss {format_loss(logs['loss'])}"]
    if "val_loss" in logs:
        parts.append(f"val_loss {format_loss(logs['val_loss'])}")
    if "val_accuracy" in logs:
        parts.append(f"val_accuracy {logs['val_accuracy']:.4f}")
    if "val_r2" in logs:
        parts.append(f"val_r2 {format_r2(logs['val_r2'])}")
    parts.append(f"lr {logs['lr']:.3g}")
    parts.append(f"{logs['seconds']:.2f}s")
    return "  ".join(parts)


def fit(
    net,
    X,
    y=None,
    *,
    cost: Cost | str = "ce",
    optimizer: Optimizer | str = "adam",
    epochs: int = 10,
    validation=None,
    **options,
) -> Trainer:
    """Train ``net`` in one call; returns the :class:`Trainer` (``.history``, ``.evaluate``).

    ``cr.fit(net, X, y, cost="ce", optimizer="adam", lr=1e-3, epochs=20, batch_size=32)``;
    every keyword of :class:`Trainer` is accepted."""
    trainer = Trainer(net, cost, optimizer, **options)
    trainer.fit(X, y, epochs=epochs, validation=validation)
    return trainer
