"""A trained network as a checkpoint brings it back: the network, the options it was trained
with, the scaler fitted on its training data, and its class names — ready to evaluate and
predict on new data the same way its training data was seen."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checkpoint import load_checkpoint
from ..costs import BinaryCrossEntropy, CrossEntropy, cost_by_name
from ..dtypes import resolve_dtype
from ..errors import ChainruleError, CheckpointError, ConfigError, ShapeError
from ..ops.softmax import stable_softmax
from .config import TrainingConfig
from .metrics import network_outputs, predicted_classes
from .prepared import network_outputs_count
from .run import SCALERS, restore_scaler


@dataclass
class TrainedModel:
    """``TrainedModel.load(path)``; ``predict(X)``, ``predict_proba(X)``, ``transform(X)``."""

    net: object
    config: TrainingConfig
    scaler: object | None
    classes: list[str] | None
    n_features: int
    epoch: int

    @classmethod
    def load(cls, path) -> TrainedModel:
        checkpoint = load_checkpoint(path)
        saved = checkpoint.info.get("config")
        if not isinstance(saved, dict):
            raise CheckpointError(f"{checkpoint.where} holds no training options (it was not "
                                  "written by chainrule train)")
        try:
            config = TrainingConfig.from_dict(saved)
            resolve_dtype(config.dtype)
            cost_by_name(config.cost, **({"reduction": config.reduction}
                                         if config.reduction else {}))
            if config.scale not in SCALERS:  # an unknown name would silently not scale
                raise ConfigError(f"unknown scaling {config.scale!r}")
        except ChainruleError as exc:
            raise CheckpointError(f"{checkpoint.where}: {exc}") from None
        net = checkpoint.build_network()
        dense = [m.in_features for m in net.modules() if hasattr(m, "in_features")]
        if not dense:
            raise CheckpointError(f"{checkpoint.where}: the saved network has no Dense layer")
        dataset = checkpoint.info.get("dataset")
        classes = dataset.get("classes") if isinstance(dataset, dict) else None
        if classes is not None and not (isinstance(classes, list)
                                        and all(isinstance(c, str) for c in classes)):
            raise CheckpointError(f"{checkpoint.where}: the saved class names are malformed")
        return cls(net, config, restore_scaler(config.scale, checkpoint.arrays),
                   classes, dense[0], checkpoint.epoch)

    @property
    def cost(self):
        return cost_by_name(self.config.cost, **({"reduction": self.config.reduction}
                                                 if self.config.reduction else {}))

    @property
    def n_outputs(self) -> int:
        return network_outputs_count(self.net)

    def transform(self, X) -> np.ndarray:
        """Features as the network saw them in training: flattened, scaled, its float type."""
        X = np.asarray(X)
        X = X.reshape(len(X), -1) if X.ndim > 2 else X
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ShapeError(f"the network takes {self.n_features} features per example; the "
                             f"data has shape {X.shape}")
        if self.scaler is not None:
            X = self.scaler.transform(X)
        return X.astype(self.config.dtype, copy=False)

    def outputs(self, X) -> np.ndarray:
        """The raw outputs (logits for the ce cost)."""
        return network_outputs(self.net, self.transform(X),
                               logits=isinstance(self.cost, CrossEntropy))

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, one row per example (softmax of the logits for ce; for one
        sigmoid output, the two columns 1 − a and a)."""
        out = self.outputs(X)
        if isinstance(self.cost, CrossEntropy):
            return stable_softmax(out)
        if out.shape[1] == 1:
            a = out[:, 0]
            if isinstance(self.cost, BinaryCrossEntropy) and self.cost.from_logits:
                from scipy.special import expit

                a = expit(a)
            return np.column_stack([1 - a, a])
        return out

    def predict(self, X) -> np.ndarray:
        """The predicted class of each example."""
        return predicted_classes(self.outputs(X), self.cost)
