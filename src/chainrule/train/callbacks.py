"""Callbacks: code the trainer calls at fixed points of training.

A callback overrides any of ``on_train_begin(trainer)``, ``on_epoch_begin(trainer, epoch)``,
``on_batch_end(trainer, batch, loss)``, ``on_epoch_end(trainer, logs)`` and
``on_train_end(trainer)``. ``logs`` is the epoch's row of the history (``epoch``, ``loss``,
``val_loss``, ``val_accuracy``, ``lr``, ``seconds``, ...): a callback may add entries, and may
set ``trainer.stop_training = True``. The callbacks run in the order given, so one that adds
an entry (:class:`TrainingAccuracy`) comes before one that watches it.
"""

from __future__ import annotations

import math

from ..costs import CrossEntropy
from ..errors import ConfigError
from ..wording import format_loss, plural
from .metrics import accuracy, network_outputs, predicted_classes


class Callback:
    """Does nothing at every point; subclasses override what they need."""

    def on_train_begin(self, trainer) -> None:
        pass

    def on_epoch_begin(self, trainer, epoch: int) -> None:
        pass

    def on_batch_end(self, trainer, batch: int, loss: float) -> None:
        pass

    def on_epoch_end(self, trainer, logs: dict) -> None:
        pass

    def on_train_end(self, trainer) -> None:
        pass

    def state_dict(self) -> dict:
        """JSON-serialisable state a checkpoint keeps for resuming (default: none)."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass


class TrainingAccuracy(Callback):
    """The accuracy on the training data after each epoch, ``accuracy`` in the epoch's logs:
    one evaluation pass (Dropout off) with the weights the epoch ended with. (``loss`` is the
    mean over the epoch's batches as they were trained, so the two are measured a little
    differently.) Nothing is added for data without class labels."""

    def __init__(self, data):
        self.data = data
        self._prepared = None

    def on_train_begin(self, trainer) -> None:
        if self._prepared is None:
            self._prepared = trainer.prepare(self.data, None, "training data")

    def on_epoch_end(self, trainer, logs: dict) -> None:
        data = self._prepared
        if data is None or data.labels is None:
            return
        outputs = network_outputs(
            trainer.net, data.X, logits=isinstance(trainer.cost, CrossEntropy)
        )
        logs["accuracy"] = accuracy(predicted_classes(outputs, trainer.cost), data.labels)


class _WatchBest(Callback):
    """What the stopping rules share: the value they watch (``monitor``, ``mode``), the best
    value so far with its epoch (and its weights, with ``restore_best``), and the count of
    epochs without improvement, kept in checkpoints."""

    what = "stopping"  # how messages name the rule

    def __init__(
        self, monitor: str, mode: str | None, restore_best: bool, maximised: tuple[str, ...]
    ):
        self.monitor = monitor
        self.mode = mode or ("max" if any(word in monitor for word in maximised) else "min")
        if self.mode not in ("min", "max"):
            raise ConfigError(f"{self.what}: mode must be 'min' or 'max', got {mode!r}")
        self.restore_best = restore_best
        self.best: float | None = None
        self.best_epoch = 0
        self.wait = 0
        self.stopped_epoch: int | None = None
        self._best_weights = None

    def _watched(self, logs: dict, advice: str = "") -> float:
        """The watched value of this epoch's ``logs``; ConfigError when training lacks it."""
        if self.monitor not in logs:
            raise ConfigError(
                f"{self.what} watches '{self.monitor}', which training does not "
                f"report (it reports {', '.join(sorted(logs))}){advice}"
            )
        value = logs[self.monitor]
        return math.nan if value is None else float(value)  # None: an undefined R²

    def _beats(self, value: float, margin: float) -> bool:
        """Whether ``value`` is better than the best so far by more than ``margin``."""
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - margin
        return value > self.best + margin

    def _new_best(self, trainer, value: float, epoch: int) -> None:
        self.best, self.best_epoch = value, epoch
        if self.restore_best:
            self._best_weights = trainer.net.state_dict()

    def state_dict(self) -> dict:
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait}

    def load_state_dict(self, state: dict) -> None:
        self.best = state.get("best")
        self.best_epoch = int(state.get("best_epoch", 0))
        self.wait = int(state.get("wait", 0))


class EarlyStopping(_WatchBest):
    """Stop when ``monitor`` (default ``val_loss``) has not improved by ``min_delta`` for
    ``patience`` epochs; with ``restore_best`` the best epoch's weights are put back at the end.
    """

    what = "early stopping"

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str | None = None,
        restore_best: bool = True,
    ):
        if patience < 1:
            raise ConfigError(f"early stopping: patience must be at least 1, got {patience}")
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        super().__init__(monitor, mode, restore_best, maximised=("accuracy", "r2"))

    def _shown(self, value: float) -> str:
        """A watched cost as train and eval print costs; an accuracy or R² to four decimals."""
        return format_loss(value) if "loss" in self.monitor else f"{value:.4f}"

    def on_epoch_end(self, trainer, logs: dict) -> None:
        value = self._watched(logs, "; give a validation set or watch another value")
        if math.isfinite(value) and self._beats(value, self.min_delta):
            self._new_best(trainer, value, logs["epoch"])
            self.wait = 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = logs["epoch"]
            trainer.stop_training = True
            trainer.log(
                f"early stopping: {self.monitor} has not improved for "
                f"{plural(self.patience, 'epoch')} (best {self._shown(self.best)} at epoch "
                f"{self.best_epoch})"
            )

    def on_train_end(self, trainer) -> None:
        if self.restore_best and self.stopped_epoch is not None and self._best_weights:
            trainer.net.load_state_dict(self._best_weights)
            trainer.log(f"restored the weights of epoch {self.best_epoch}")


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda t, logs: ...)``."""

    def __init__(self, **hooks):
        names = {"on_train_begin", "on_epoch_begin", "on_batch_end", "on_epoch_end", "on_train_end"}
        unknown = sorted(set(hooks) - names)
        if unknown:
            raise ConfigError(f"LambdaCallback: unknown hook(s) {', '.join(unknown)}")
        for name, hook in hooks.items():
            setattr(self, name, hook)


class ToleranceStopping(_WatchBest):
    """scikit-learn's convergence rule for its MLPs: an epoch counts as *no improvement* when
    ``monitor`` does not beat the best value so far by more than ``tol``; training stops once
    *more than* ``patience`` such epochs come in a row (``patience`` is scikit-learn's
    ``n_iter_no_change``; :class:`EarlyStopping` instead stops after ``patience``).

    The best value follows every improvement, however small (``best``, ``best_epoch``); with
    ``restore_best`` the best epoch's weights are put back when training ends, whether it stopped
    or ran out of epochs (scikit-learn's early stopping). The count of epochs without
    improvement carries over from one ``trainer.fit`` to the next (one-epoch ``partial_fit``
    calls); ``stopped_epoch`` is the epoch of the latest call at which it stopped, or None.
    """

    what = "tolerance stopping"

    def __init__(
        self,
        monitor: str = "loss",
        tol: float = 1e-4,
        patience: int = 10,
        mode: str | None = None,
        restore_best: bool = False,
    ):
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ConfigError(
                f"tolerance stopping: patience must be a positive integer, got {patience!r}"
            )
        if not tol >= 0:
            raise ConfigError(f"tolerance stopping: tol must be at least 0, got {tol!r}")
        self.tol = float(tol)
        self.patience = patience
        super().__init__(monitor, mode, restore_best, maximised=("accuracy", "score", "r2"))

    def on_train_begin(self, trainer) -> None:
        self.stopped_epoch = None

    def on_epoch_end(self, trainer, logs: dict) -> None:
        value = self._watched(logs)
        finite = math.isfinite(value)
        self.wait = 0 if finite and self._beats(value, self.tol) else self.wait + 1
        if finite and self._beats(value, 0.0):
            self._new_best(trainer, value, logs["epoch"])
        if self.wait > self.patience:
            self.stopped_epoch = logs["epoch"]
            trainer.stop_training = True
            trainer.log(
                f"{self.monitor} did not improve by more than tol={self.tol:g} for "
                f"{plural(self.patience, 'consecutive epoch')}: stopping"
            )

    def on_train_end(self, trainer) -> None:
        if self.restore_best and self._best_weights is not None:
            trainer.net.load_state_dict(self._best_weights)
        self._best_weights = None
