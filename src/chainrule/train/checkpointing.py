"""Saving a run as it goes: after every epoch, the checkpoint and ``metrics.json`` are written
atomically into the run's directory, so a run stopped at any moment (Ctrl-C, a crash, a kill)
keeps its last complete epoch, and ``chainrule train --resume DIR`` continues from it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..checkpoint import atomic_write_text, save_checkpoint
from ..errors import NonFiniteError
from .callbacks import Callback

CHECKPOINT_NAME = "checkpoint.npz"
METRICS_NAME = "metrics.json"
#: a regression run's picture of predicted against true targets (in place of confusion.png)
PARITY_NAME = "parity.png"


def write_json(path, document: dict) -> Path:
    """``document`` as indented JSON, written atomically."""
    return atomic_write_text(path, json.dumps(document, indent=2, default=_plain) + "\n")


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON data")


class Checkpointer(Callback):
    """After each epoch: refuse to save non-finite weights, then write ``checkpoint.npz``
    (network, optimizer, generators, ``info()``, ``arrays``) and ``metrics.json``."""

    def __init__(self, directory, info=None, arrays=None, metrics=None):
        self.directory = Path(directory)
        self.info = info or (lambda trainer: {})
        self.arrays = arrays or {}
        self.metrics = metrics or (lambda trainer: {"history": trainer.history})
        self.saved_epoch: int | None = None

    @property
    def path(self) -> Path:
        return self.directory / CHECKPOINT_NAME

    def on_epoch_end(self, trainer, logs: dict) -> None:
        for name, p in trainer.named_parameters:
            if not np.all(np.isfinite(p.data)):
                raise NonFiniteError(
                    f"parameter {name} holds NaN/Inf at the end of epoch "
                    f"{logs['epoch']}: training stopped"
                )
        self.save(trainer)

    def save(self, trainer) -> None:
        info = {**self.info(trainer), "trainer": trainer.state_dict()}
        save_checkpoint(
            self.path,
            trainer.net,
            trainer.optimizer,
            epoch=trainer.epoch,
            shuffle_rng=trainer.rng,
            info=info,
            arrays=self.arrays,
        )
        write_json(self.directory / METRICS_NAME, self.metrics(trainer))
        self.saved_epoch = trainer.epoch
