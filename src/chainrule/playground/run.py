"""One playground run: the data, the network, its training steps, and what a frame shows.

A run is fixed by its settings: the same settings (seed and dataseed included) give the same
data, the same initial weights, the same batches and so the same numbers, in any process.
Each step is chainrule's training step (:func:`chainrule.fast.make_train_step`): the compiled
step for the usual networks, the recorded-graph (tape) step with dropout, whose Dropout layers
the compiled step does not read. After a step each parameter's ``.grad`` holds the batch's
∂C/∂W and ∂C/∂b (without the L2 term λW, which the optimizer adds), which the frame shows.

Losses and accuracies are measured on the whole train and test sets every
``measure_every`` steps (five times per epoch, the spacing doubled each time the history
gains another ``HISTORY_BLOCK`` rows, so a long run's history stays a few thousand rows) and
at every frame; the stop conditions (epochs, target test loss, a loss that is not finite) are
checked after every step. A frame carries at most ``FRAME_ROWS`` history rows from
``history_from`` (a row number): the next frame's ``history_from`` is ``from + len(rows)``.

Threads: a run is used by one thread at a time (the server holds a lock per run), and runs
on different threads are independent: chainrule's engine switches (recording on or off, the
NaN check of a trace) belong to each thread (:mod:`chainrule.autodiff.mode`), so one run's
``no_grad`` never switches recording off under another's step.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..data.batches import Batches
from ..errors import ChainruleError, ConfigError, NonFiniteError
from ..explain import trace
from ..fast import make_train_step
from ..nn import Dense
from ..train.evaluation import mean_cost
from ..train.metrics import accuracy, predicted_classes
from ..train.prepared import Prepared
from . import export, frames
from .backprop import backprop_view
from .datasets import make_data
from .network import batch_rng, build_network, make_cost, make_optimizer
from .settings import Settings, setting_error

SPLITS = ("train", "test")
HISTORY_BLOCK = 1000
FRAME_ROWS = 1000


class PlaygroundRun:
    """The run of one page. Not thread-safe: call one method at a time."""

    def __init__(self, settings: Settings, upload=None):
        self.settings = settings
        if upload is not None and settings.data != "upload":
            upload = None  # another data set was chosen: the upload waits unused
        if upload is not None and upload.task == "regression" and settings.cost == "ce":
            raise setting_error(
                "cost",
                f"setting 'cost': {upload.name} has a regression target (its last column "
                f"holds numbers, not classes); choose mse (½‖a − y‖²), received cost='ce'",
            )
        try:
            self.dataset = make_data(settings, upload)
        except ConfigError as exc:  # scikit-learn missing for the digits, say
            exc.field = getattr(exc, "field", "data")
            raise
        except ChainruleError as exc:  # a data set the settings cannot split, say
            raise setting_error("data", f"setting 'data': {exc}") from None
        d = self.dataset
        self.net = build_network(settings, d.X_train.shape[1], d.n_outputs)
        self.cost = make_cost(settings)
        self.optimizer = make_optimizer(settings, self.net.parameters())
        self.train_step = make_train_step(self.net, self.cost, self.optimizer)
        dtype = d.X_train.dtype
        self.train_data = Prepared(
            d.X_train, d.y_train, self.cost, d.n_outputs, dtype, "training data"
        )
        self.test_data = Prepared(d.X_test, d.y_test, self.cost, d.n_outputs, dtype, "test data")
        self.dense = [m for m in self.net.layers if isinstance(m, Dense)]
        self._all_X = np.concatenate([self.train_data.X, self.test_data.X])
        self._batches = Batches(len(self.train_data), settings.batch, batch_rng(settings))
        self._order = iter(self._batches)
        self.steps = 0
        self.stopped: str | None = None
        self.last_loss: float | None = None
        self.history: list[list] = []
        #: examples per step: the batch size, or every training example when there are fewer
        self.batch = min(settings.batch, len(self.train_data))
        self.measure_every = max(1, math.ceil(len(self.train_data) / self.batch / 5))
        #: (index, split) of the example whose a and δ the frames show
        self.probe_at = (0, "train")
        self._measure()

    # -- training ---------------------------------------------------------------------------

    @property
    def epoch(self) -> float:
        """steps × batch / n_train (the batch no larger than the training set)."""
        return self.steps * self.batch / len(self.train_data)

    def _next_batch(self) -> np.ndarray:
        try:
            return next(self._order)
        except StopIteration:
            self._order = iter(self._batches)
            return next(self._order)

    def step(self) -> None:
        """Exactly one training step on the next batch (nothing once stopped)."""
        if self.stopped:
            return
        idx = self._next_batch()
        with np.errstate(all="ignore"):
            loss = self.train_step(self.train_data.X[idx], self.train_data.T[idx])
        self.steps += 1
        self.last_loss = loss
        if not math.isfinite(loss):
            self.stopped = (
                f"the loss is not finite: step {self.steps} gave a batch loss of {loss} "
                f"(lower the learning rate, now {self.settings.lr:g})"
            )
            self._measure()
            return
        if self.steps % self.measure_every == 0:
            self._measure()
            if len(self.history) % HISTORY_BLOCK == 0:
                self.measure_every *= 2
        epochs = self.settings.epochs
        if epochs and self.steps * self.batch >= epochs * len(self.train_data):
            self.stopped = self.stopped or f"reached {epochs} epochs"
            self._measure()

    def train(self, seconds: float = 0.05, max_steps: int | None = None) -> int:
        """Steps for about ``seconds`` (or ``max_steps``), stopping early at a stop condition;
        returns the number of steps taken."""
        end = time.perf_counter() + seconds
        taken = 0
        while not self.stopped and (max_steps is None or taken < max_steps):
            self.step()
            taken += 1
            if time.perf_counter() >= end:
                break
        return taken

    # -- measuring --------------------------------------------------------------------------

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """The network's outputs a^(L) (logits for ce) on rows of features, dropout off."""
        return frames.layer_values(self.net, X)[-1]

    def _scores(self, data: Prepared, outputs: np.ndarray) -> tuple[float, float | None]:
        with np.errstate(all="ignore"):
            try:
                loss = mean_cost(self.cost, outputs, data.T)
            except (NonFiniteError, FloatingPointError):
                loss = math.nan
        if data.labels is None or not np.isfinite(outputs).all():
            return loss, None
        return loss, accuracy(predicted_classes(outputs, self.cost), data.labels)

    def _measure(self) -> None:
        """A history row at the current step (once per step), and the target's check."""
        if self.history and self.history[-1][0] == self.steps:
            return
        outputs = self.outputs(self._all_X)  # train and test rows in one pass
        n = len(self.train_data)
        train_loss, train_acc = self._scores(self.train_data, outputs[:n])
        test_loss, test_acc = self._scores(self.test_data, outputs[n:])
        self.history.append([self.steps, self.epoch, train_loss, test_loss, train_acc, test_acc])
        if self.stopped:
            return
        if not (math.isfinite(train_loss) and math.isfinite(test_loss)) and self.steps == 0:
            self.stopped = (
                f"the loss is not finite before any step (train {train_loss}, test "
                f"{test_loss}): the data's values are too large for float32"
            )
        elif not (math.isfinite(train_loss) and math.isfinite(test_loss)):
            self.stopped = (
                f"the loss is not finite: at step {self.steps} the train loss is {train_loss} "
                f"and the test loss {test_loss} (lower the learning rate, now "
                f"{self.settings.lr:g})"
            )
        elif self.settings.target and test_loss <= self.settings.target:
            self.stopped = f"test loss {test_loss:.4g} ≤ {self.settings.target:g}"

    # -- the probe example -----------------------------------------------------------------

    def _example(self, index, split: str):
        if split not in SPLITS:
            raise setting_error("split", f"split must be train or test, received {split!r:.20}")
        data = self.train_data if split == "train" else self.test_data
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise setting_error(
                "index", f"the example's index must be a whole number, received {index!r:.20}"
            )
        if not 0 <= index < len(data):
            raise setting_error(
                "index",
                f"the {split} set has examples 0 to {len(data) - 1}, received index {index}",
            )
        return data, int(index)

    def probe(self, index: int, split: str = "train") -> None:
        """Choose the example whose a^(l) and δ^(l) the frames show."""
        self._example(index, split)
        self.probe_at = (int(index), split)

    def probe_trace(self):
        """``chainrule.explain.trace`` of the probe example at the current weights (dropout
        off), or None when the weights are not finite."""
        data, index = self._example(*self.probe_at)
        return self.trace_of(data, index)

    def trace_of(self, data: Prepared, index: int):
        target = data.T[index]
        self.net.eval()
        try:
            return trace(self.net, data.X[index], target, self.cost)
        except NonFiniteError:
            return None
        finally:
            self.net.train()

    def backprop(self, index: int, split: str = "train", weight: str | None = None) -> dict:
        """The backward pass of one example at the current weights, from the output back
        (:func:`.backprop.backprop_view`); ConfigError for an example or weight that is not
        there, or weights that are no longer finite."""
        data, index = self._example(index, split)
        tr = self.trace_of(data, index)
        if tr is None:
            raise ConfigError(
                f"the weights are not finite (the run stopped: {self.stopped}); reset the run "
                f"to see its backward pass"
            )
        raw, _, _ = self.dataset.split(split)
        return {
            "index": index,
            "split": split,
            "step": self.steps,
            "input": frames.finite_list(raw[index]),
            "y": frames.finite_list(np.atleast_1d(data.T[index])),
            **backprop_view(tr, self.settings.lr, weight),
        }

    # -- exports (see :mod:`.export`) -------------------------------------------------------

    def export_checkpoint(self) -> bytes:
        """checkpoint.npz: read by chainrule eval, explain --checkpoint and TrainedModel."""
        return export.checkpoint_bytes(self)

    def export_csv(self) -> bytes:
        """data.csv: the features as the network sees them and a label column."""
        return export.csv_bytes(self)

    def export_snippet(self) -> str:
        """snippet.py: rebuilds and trains the same network to the same weights."""
        return export.snippet_text(self)

    def export_report(self) -> dict:
        """What ``chainrule eval checkpoint.npz --data data.csv`` will print (its own test
        split of the CSV), beside the playground's own test loss and accuracy."""
        last = self.history[-1]
        try:
            seen = export.eval_report(self)
        except ChainruleError as exc:  # what eval prints for a network gone non-finite
            seen = {"error": str(exc)}
        report = {
            "eval": seen,
            "playground": {"test_loss": last[3], "test_accuracy": last[5]},
        }
        for part in report.values():  # JSON has no NaN or inf
            for key, value in part.items():
                if isinstance(value, float):
                    part[key] = frames.finite_list(value)
        return report

    def split_data(self, split: str) -> Prepared:
        return self.train_data if split == "train" else self.test_data

    # -- what the page receives -------------------------------------------------------------

    def data(self) -> dict:
        """The ``data`` field of the ready message."""
        return self.dataset.to_dict()

    def frame(self, history_from: int = 0) -> dict:
        """The frame message (without its "type"), see :func:`.frames.frame_message`; the
        history from row ``history_from`` (at most ``FRAME_ROWS`` rows)."""
        self._measure()
        return frames.frame_message(self, history_from, FRAME_ROWS)
