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
from .settings import Settings

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
            raise ConfigError(
                f"setting 'cost': {upload.name} has a regression target (its last column "
                f"holds numbers, not classes); choose mse (½‖a − y‖²), received cost='ce'"
            )
        try:
            self.dataset = make_data(settings, upload)
        except ConfigError:
            raise
        except ChainruleError as exc:  # a data set the settings cannot split, say
            raise ConfigError(f"setting 'data': {exc}") from None
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
        self._batches = Batches(len(self.train_data), settings.batch, batch_rng(settings))
        self._order = iter(self._batches)
        self.steps = 0
        self.stopped: str | None = None
        self.last_loss: float | None = None
        self.history: list[list] = []
        #: examples per step: the batch size, or every training example when there are fewer
        self.batch = min(settings.batch, len(self.train_data))
        self.measure_every = max(1, math.ceil(len(self.train_data) / self.batch / 5))
        self._probe = (0, "train")
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

    def _scores(self, data: Prepared) -> tuple[float, float | None]:
        outputs = self.outputs(data.X)
        with np.errstate(all="ignore"):
            try:
                loss = mean_cost(self.cost, outputs, data.T)
            except (NonFiniteError, FloatingPointError):
                loss = math.nan
        if data.labels is None:
            return loss, None
        if not np.isfinite(outputs).all():
            return loss, None
        return loss, accuracy(predicted_classes(outputs, self.cost), data.labels)

    def _measure(self) -> None:
        """A history row at the current step (once per step), and the target's check."""
        if self.history and self.history[-1][0] == self.steps:
            return
        train_loss, train_acc = self._scores(self.train_data)
        test_loss, test_acc = self._scores(self.test_data)
        self.history.append([self.steps, self.epoch, train_loss, test_loss, train_acc, test_acc])
        if self.stopped:
            return
        if not (math.isfinite(train_loss) and math.isfinite(test_loss)):
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
            raise ConfigError(f"split must be train or test, received {split!r:.20}")
        data = self.train_data if split == "train" else self.test_data
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise ConfigError(f"the example's index must be a whole number, received {index!r:.20}")
        if not 0 <= index < len(data):
            raise ConfigError(
                f"the {split} set has examples 0 to {len(data) - 1}, received index {index}"
            )
        return data, int(index)

    def probe(self, index: int, split: str = "train") -> None:
        """Choose the example whose a^(l) and δ^(l) the frames show."""
        self._example(index, split)
        self._probe = (int(index), split)

    def probe_trace(self):
        """``chainrule.explain.trace`` of the probe example at the current weights (dropout
        off), or None when the weights are not finite."""
        data, index = self._example(*self._probe)
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

    def _probe_dict(self, tr) -> dict:
        index, split = self._probe
        raw, _, y = self.dataset.split(split)
        out = self.outputs(self.split_data(split).X[index : index + 1])[0]
        result = {
            "index": index,
            "split": split,
            "x": frames.finite_list(raw[index]),
            "y": y[index].item() if y.ndim == 1 else float(y[index, 0]),
            "output": frames.finite_list(out),
        }
        if self.dataset.task == "classification":
            probs = frames.probabilities(out[None, :].astype(np.float64), self.settings.cost)
            result["probabilities"] = frames.finite_list(probs[0])
            result["predicted"] = int(np.argmax(out)) if np.isfinite(out).all() else None
        else:
            result["predicted"] = frames.finite_list(out[0])
        return result

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
        last = self.history[-1] if self.history else None
        return {
            "eval": export.eval_report(self),
            "playground": {"test_loss": last and last[3], "test_accuracy": last and last[5]},
        }

    def split_data(self, split: str) -> Prepared:
        return self.train_data if split == "train" else self.test_data

    # -- what the page receives -------------------------------------------------------------

    def data(self) -> dict:
        """The ``data`` field of the ready message."""
        return self.dataset.to_dict()

    def _layers(self, tr) -> list[dict]:
        layers = []
        for i, dense in enumerate(self.dense):
            W, b = dense.W, dense.b
            record = tr.layers[i] if tr is not None else None
            layers.append(
                {
                    "W": frames.finite_list(W.data),
                    "b": frames.finite_list(b.data),
                    "dW": frames.finite_list(_grad(W)),
                    "db": frames.finite_list(_grad(b)),
                    "a": frames.finite_list(record.a[0]) if record is not None else None,
                    "delta": frames.finite_list(record.delta[0]) if record is not None else None,
                }
            )
        return layers

    def frame(self, history_from: int = 0) -> dict:
        """The frame message (without its "type"): see the playground's design."""
        self._measure()
        last = self.history[-1]
        finite = all(np.isfinite(p.data).all() for p in self.net.parameters())
        d = self.dataset
        if not finite:
            boundary, units = None, []
        elif d.kind == "plane":
            boundary = frames.boundary(self.net, d, self.settings.cost)
            units = frames.unit_images(self.net, d, self.settings.activation)
        elif d.kind == "line":
            boundary, units = frames.curve(self.net, d), []
        else:
            boundary, units = None, []
        tr = self.probe_trace() if finite else None
        start = max(0, min(int(history_from), len(self.history)))
        return {
            "step": self.steps,
            "epoch": self.epoch,
            "stopped": self.stopped,
            "loss": {"train": frames.finite_list(last[2]), "test": frames.finite_list(last[3])},
            "accuracy": {"train": last[4], "test": last[5]},
            "history": {
                "from": start,
                "rows": [
                    [s, e, frames.finite_list(a), frames.finite_list(b), c, t]
                    for s, e, a, b, c, t in self.history[start : start + FRAME_ROWS]
                ],
            },
            "boundary": boundary,
            "units": units,
            "layers": self._layers(tr),
            "probe": self._probe_dict(tr),
        }


def _grad(parameter) -> np.ndarray:
    """The last step's gradient of a parameter (zeros before the first step)."""
    grad = parameter.grad
    return np.zeros_like(parameter.data) if grad is None else np.asarray(grad)
