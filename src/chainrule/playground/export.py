"""A run taken out of the playground: a checkpoint, its data as CSV, and a Python snippet.

- ``data.csv``: a header (the features as the network sees them, then ``label``) and one row
  per example: the training examples first, in the run's order, then the test examples.
  Features are written exactly (each float32 value's float64 repr); labels are class names
  (or the regression target); the label column is ``label`` (``label_1`` … when a feature
  of an upload is so named).
- ``checkpoint.npz``: :func:`chainrule.checkpoint.save_checkpoint` with the ``info`` that
  :meth:`chainrule.train.model.TrainedModel.load` reads: ``config`` (a
  :class:`~chainrule.train.config.TrainingConfig` whose ``data`` is ``data.csv``, label column
  ``label``, no scaling, the run's network, cost, optimizer and seed) and ``dataset``. So
  ``chainrule eval checkpoint.npz --data data.csv``, ``chainrule explain --checkpoint
  checkpoint.npz`` and ``TrainedModel.load`` read it.

  ``chainrule eval`` splits the CSV itself (a stratified 25% test part drawn from the
  checkpoint's seed), so its test set is not the playground's; :func:`eval_report` computes,
  by eval's own code on the exported files, the numbers it will print, and the playground
  shows them beside its own.
- ``snippet.py``: Python that reads ``data.csv``, builds the same network
  (:func:`chainrule.nn.mlp` from the same seed), the same cost and optimizer, and takes the
  same steps on the same batches (:func:`chainrule.fast.make_train_step`, the batches of
  :class:`chainrule.data.Batches`), ending with the playground's weights; next to the
  exported ``checkpoint.npz`` it prints how far its weights are from the checkpoint's.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

from ..checkpoint import save_checkpoint
from ..data import DEFAULT_TEST_SIZE, load_dataset
from ..train.config import TrainingConfig
from ..train.evaluation import evaluate
from ..train.model import TrainedModel
from ..train.prepared import Prepared
from .network import MOMENTUM, output_activation

DATA_NAME = "data.csv"
CHECKPOINT_NAME = "checkpoint.npz"
LABEL = "label"


def label_name(run) -> str:
    """The label column's header: "label", or "label_1", … when a feature is so named."""
    name, n = LABEL, 0
    while name in run.dataset.features:
        n += 1
        name = f"{LABEL}_{n}"
    return name


def training_config(run) -> TrainingConfig:
    """The run's settings as chainrule train's options (what a checkpoint records)."""
    s = run.settings
    return TrainingConfig(
        data=DATA_NAME,
        label_column=label_name(run),
        task=run.dataset.task,
        hidden=list(s.layers),
        activation=s.activation,
        cost=s.cost,
        reduction="mean",
        init="xavier",
        dropout=s.dropout,
        optimizer="adam" if s.optimizer == "adam" else "sgd",
        lr=s.lr,
        momentum=MOMENTUM if s.optimizer == "momentum" else 0.0,
        weight_decay=s.l2,
        epochs=max(1, math.ceil(run.epoch)),
        batch_size=s.batch,
        val_fraction=0.0,
        scale="none",
        seed=s.seed,
    )


def dataset_info(run) -> dict:
    d = run.dataset
    return {
        "name": DATA_NAME,
        "classes": list(d.classes) if d.classes else None,
        "task": d.task,
        "target_names": [label_name(run)],
        "feature_shape": [len(d.features)],
        "n_features": len(d.features),
        "feature_names": list(d.features),
        "raw_scale": None,
    }


def checkpoint_bytes(run) -> bytes:
    """The run's network, optimizer state and training info as a checkpoint.npz."""
    info = {
        "config": training_config(run).to_dict(),
        "dataset": dataset_info(run),
        "playground": {"query": run.settings.to_query(), "steps": run.steps},
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / CHECKPOINT_NAME
        save_checkpoint(path, run.net, run.optimizer, epoch=int(run.epoch), info=info)
        return path.read_bytes()


def _label_text(run, value) -> str:
    if run.dataset.classes:
        return run.dataset.classes[int(value)]
    return repr(float(value))


def csv_bytes(run) -> bytes:
    """The run's examples as the network sees them: train rows (in order), then test rows."""
    d = run.dataset
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*d.features, label_name(run)])
    for X, y in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        labels = y if y.ndim == 1 else y[:, 0]
        for row, label in zip(X.tolist(), labels.tolist(), strict=True):
            writer.writerow([*map(repr, row), _label_text(run, label)])
    return out.getvalue().encode("utf-8")


def eval_report(run) -> dict:
    """What ``chainrule eval checkpoint.npz --data data.csv`` prints for this run: its own
    test split of the CSV (``test_size`` 0.25, drawn from the seed), computed by its code."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / CHECKPOINT_NAME).write_bytes(checkpoint_bytes(run))
        (Path(folder) / DATA_NAME).write_bytes(csv_bytes(run))
        model = TrainedModel.load(Path(folder) / CHECKPOINT_NAME)
        config = model.config
        _, test = load_dataset(
            Path(folder) / DATA_NAME,
            seed=config.seed,
            label_column=config.label_column,
            task=config.task,
        )
    if model.is_regression:
        targets = model.dataset_targets(test)
    else:
        targets = model.dataset_labels(test)
    data = Prepared(
        model.dataset_features(test),
        targets,
        model.cost,
        model.n_outputs,
        model.net.parameters()[0].dtype,
        "test",
        net=model.net,
    )
    report = evaluate(model.net, model.cost, data, units=model.is_regression)
    return {
        "split": "test",
        "test_size": DEFAULT_TEST_SIZE,
        "seed": config.seed,
        "examples": len(test),
        **{k: report[k] for k in ("loss", "accuracy", "r2") if k in report},
    }


SNIPPET = '''\
"""The playground's run, rebuilt and trained with chainrule: {query}

Put data.csv (exported with this snippet) beside it and run `python snippet.py`. It takes the
same {steps} steps as the playground and ends with the same weights.
"""

import csv

import numpy as np

import chainrule as cr
from chainrule.data import Batches, one_hot
from chainrule.fast import make_train_step

SEED = {seed}
STEPS = {steps}
N_TRAIN = {n_train}  # the first rows of data.csv are the training examples, in order
CLASSES = {classes}  # label names, in the order of the network's outputs (None: a regression)

with open("data.csv", newline="") as f:
    rows = list(csv.reader(f))[1:]
X = np.array([[float(v) for v in row[:-1]] for row in rows], dtype=np.float32)
if CLASSES is None:
    Y = np.array([[float(row[-1])] for row in rows], dtype=np.float32)
else:
    Y = np.array([CLASSES.index(row[-1]) for row in rows], dtype=np.int64)
X_train, Y_train = X[:N_TRAIN], Y[:N_TRAIN]
{targets}
net = cr.nn.mlp(
    {sizes},
    activation={activation!r},
    output={output!r},
    dropout={dropout!r},
    rng=np.random.default_rng(SEED),
)
cost = cr.costs.{cost}(reduction="mean")
optimizer = {optimizer}
step = make_train_step(net, cost, optimizer)  # the compiled step (the tape one with dropout)

batches = Batches(N_TRAIN, {batch}, np.random.default_rng([SEED, 1]))
taken = 0
while taken < STEPS:
    for idx in batches:  # a new shuffle every epoch
        if taken == STEPS:
            break
        loss = step(X_train[idx], T_train[idx])
        taken += 1
print(f"{{taken}} steps ({{step.kind}} step), last batch loss {{loss:.6g}}")

try:  # beside the exported checkpoint: how far these weights are from the playground's
    saved = cr.checkpoint.load_checkpoint("checkpoint.npz").parameters
except cr.errors.ChainruleError:
    saved = None
if saved is not None:
    mine = net.state_dict()
    gap = max(float(np.max(np.abs(mine[k] - saved[k]))) for k in mine)
    print(f"largest difference from the playground's weights: {{gap:.3g}}")
'''


def snippet_text(run) -> str:
    s, d = run.settings, run.dataset
    if d.task == "regression" or s.cost == "ce":
        targets = "T_train = Y_train  # class indices for ce; the values for a regression"
    else:
        targets = f"T_train = one_hot(Y_train, {d.n_outputs}, np.float32)  # mse: one-hot rows"
    if s.optimizer == "adam":
        optimizer = f"cr.optim.Adam(net.parameters(), lr={s.lr!r}, weight_decay={s.l2!r})"
    else:
        momentum = MOMENTUM if s.optimizer == "momentum" else 0.0
        optimizer = (
            f"cr.optim.SGD(net.parameters(), lr={s.lr!r}, momentum={momentum!r}, "
            f"weight_decay={s.l2!r})"
        )
    query = "&".join(f"{k}={v}" for k, v in s.to_query().items()) or "the default settings"
    return SNIPPET.format(
        query=query,
        seed=s.seed,
        steps=run.steps,
        n_train=len(d.X_train),
        classes=list(d.classes) if d.classes else None,
        targets=targets,
        sizes=[len(d.features), *s.layers, d.n_outputs],
        activation=s.activation,
        output=output_activation(s),
        dropout=s.dropout,
        cost="CrossEntropy" if s.cost == "ce" else "MSE",
        optimizer=optimizer,
        batch=s.batch,
    )
