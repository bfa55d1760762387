"""A trained network as a checkpoint brings it back: the network, the options it was trained
with, the raw scale its data's loader applied, the scaler fitted on its training data, and its
class names — ready to evaluate and predict on new data the same way its training data was seen.

Features reach the network as training data did: raw values (digits pixels 0 … 16, IDX pixels
0 … 255, a CSV file's numbers) → the loader's raw scale (÷16, ÷255, none) → the fitted scaler
→ the network's float type. :meth:`TrainedModel.transform` takes raw features;
:meth:`TrainedModel.dataset_features` takes a set as ``load_dataset`` gives it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checkpoint import load_checkpoint
from ..costs import BinaryCrossEntropy, CrossEntropy, cost_by_name
from ..data import RawScale, legacy_raw_scale
from ..dtypes import as_array, resolve_dtype
from ..errors import ChainruleError, CheckpointError, ConfigError, DataError, ShapeError
from ..ops.softmax import stable_softmax
from .config import TrainingConfig
from .metrics import network_outputs, predicted_classes
from .prepared import network_outputs_count
from .run import SCALERS, restore_scaler, restore_target_scaler, scaled_targets


@dataclass
class TrainedModel:
    """``TrainedModel.load(path)``; ``predict(X)`` (classes, or values for a regression run),
    ``predict_proba(X)`` (classes only), ``transform(X)``.

    ``task``: "classification" or "regression"; ``target_scaler``: a regression run's
    standardisation of its targets, undone on the outputs (None: outputs are in the target's
    units); ``target_names``: the target columns' names where the data had them."""

    net: object
    config: TrainingConfig
    scaler: object | None
    classes: list[str] | None
    n_features: int
    epoch: int
    raw_scale: RawScale | None = None
    task: str = "classification"
    target_scaler: object | None = None
    target_names: list[str] | None = None
    feature_names: list[str] | None = None

    @classmethod
    def load(cls, path) -> TrainedModel:
        checkpoint = load_checkpoint(path)
        saved = checkpoint.info.get("config")
        if not isinstance(saved, dict):
            raise CheckpointError(
                f"{checkpoint.where} holds no training options (it was not "
                "written by chainrule train)"
            )
        # the network first: a layer this program does not know (an activation defined in a
        # module of its own, not imported here) is named as a layer, not as an option
        net = checkpoint.build_network()
        try:
            config = TrainingConfig.from_dict(saved)
            if config.cost is None:
                raise ConfigError("the saved options name no cost")
            resolve_dtype(config.dtype)
            cost_by_name(
                config.cost, **({"reduction": config.reduction} if config.reduction else {})
            )
            if config.scale not in SCALERS:  # an unknown name would silently not scale
                raise ConfigError(f"unknown scaling {config.scale!r}")
        except ChainruleError as exc:
            raise CheckpointError(f"{checkpoint.where}: {exc}") from None
        dense = [m.in_features for m in net.modules() if hasattr(m, "in_features")]
        if not dense:
            raise CheckpointError(f"{checkpoint.where}: the saved network has no Dense layer")
        dataset = checkpoint.info.get("dataset")
        classes = dataset.get("classes") if isinstance(dataset, dict) else None
        if classes is not None and not (
            isinstance(classes, list) and all(isinstance(c, str) for c in classes)
        ):
            raise CheckpointError(f"{checkpoint.where}: the saved class names are malformed")
        task = _task(checkpoint, config, dataset, classes)
        names = dataset.get("target_names") if isinstance(dataset, dict) else None
        if names is not None and not (
            isinstance(names, list) and all(isinstance(n, str) for n in names)
        ):
            raise CheckpointError(f"{checkpoint.where}: the saved target names are malformed")
        target_scaler = (
            restore_target_scaler(checkpoint.arrays, checkpoint.where)
            if task == "regression"
            else None
        )
        outputs = network_outputs_count(net)
        if target_scaler is not None and len(target_scaler.mean) != outputs:
            raise CheckpointError(
                f"{checkpoint.where}: the saved target standardisation has "
                f"{len(target_scaler.mean)} column(s), the network "
                f"{outputs} output(s)"
            )
        features = dataset.get("feature_names") if isinstance(dataset, dict) else None
        if features is not None and not (
            isinstance(features, list)
            and len(features) == dense[0]
            and all(isinstance(f, str) for f in features)
        ):
            raise CheckpointError(f"{checkpoint.where}: the saved feature names are malformed")
        return cls(
            net,
            config,
            restore_scaler(config.scale, checkpoint.arrays),
            classes,
            dense[0],
            checkpoint.epoch,
            _raw_scale(checkpoint, config, dataset),
            task,
            target_scaler,
            names,
            features,
        )

    @property
    def is_regression(self) -> bool:
        return self.task == "regression"

    @property
    def cost(self):
        return cost_by_name(
            self.config.cost,
            **({"reduction": self.config.reduction} if self.config.reduction else {}),
        )

    @property
    def n_outputs(self) -> int:
        return network_outputs_count(self.net)

    def transform(self, X) -> np.ndarray:
        """Raw features (as the source holds them: digits pixels 0 … 16, IDX pixels 0 … 255)
        as the network saw them in training: flattened, the loader's raw scale redone, scaled,
        its float type. Text, NaN or ±Inf are errors naming the problem."""
        X = as_array(X, what="the features")
        X = X.reshape(len(X), -1) if X.ndim > 2 else X
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ShapeError(
                f"the network takes {self.n_features} features per example; the "
                f"data has shape {X.shape}"
            )
        _check_finite(X)
        if self.raw_scale is not None:
            X = self.raw_scale.apply(X)
        return self._scaled(X)

    def check_feature_names(self, names, where: str) -> None:
        """Refuse columns named otherwise than the training data's (another order, a missing
        or an extra column such as the target): the network would read each column as the one
        at its place in training. Nothing to check without names on either side."""
        if not names or not self.feature_names or list(names) == self.feature_names:
            return
        expected = ", ".join(self.feature_names)
        targets = set(self.target_names or [])
        extra = [n for n in names if n not in self.feature_names]
        missing = [n for n in self.feature_names if n not in names]
        parts = [
            f"{', '.join(map(repr, group))} {text}"
            for group, text in (
                ([n for n in extra if n in targets], "is the target: leave it out"),
                ([n for n in extra if n not in targets], "not among them"),
                (missing, "missing"),
            )
            if group
        ]
        why = "; ".join(parts) or "the same columns in another order"
        raise ShapeError(
            f"{where}: the columns are {', '.join(names)}; the run was trained on "
            f"{expected}, in that order ({why}; a file without a header is read "
            f"by position)"
        )

    def prescaled_note(self, X) -> str:
        """A note when raw features look already divided into [0, 1] (every value there, some
        not whole) although the run redoes a raw scale on them; "" otherwise."""
        X = np.asarray(X, dtype=np.float64)
        if self.raw_scale is None or self.raw_scale.divide_by <= 1 or X.size == 0:
            return ""
        if X.min() < 0 or X.max() > 1 or np.all(X == np.round(X)):
            return ""
        return (
            f"every input lies in [0, 1], but this run takes raw features "
            f"({self.raw_scale.describe()} before its scaler): give the values as the "
            f"source holds them, or the predictions are for inputs "
            f"{self.raw_scale.divide_by:g} times too small"
        )

    def dataset_features(self, dataset) -> np.ndarray:
        """The features of a set as ``load_dataset`` gives it (its own raw scale already
        applied) as the network saw them in training: the set's raw scale is undone where it
        differs from this run's, then :meth:`transform` is followed."""
        X = np.asarray(dataset.X)
        mine, theirs = self.raw_scale, dataset.raw_scale
        if _divisor(mine) == _divisor(theirs):
            if X.shape[1:] != (self.n_features,):
                raise ShapeError(
                    f"the network takes {self.n_features} features per example; "
                    f"{dataset.name} has {X.shape[1:]}"
                )
            return self._scaled(X)
        return self.transform(dataset.raw_features())

    def _scaled(self, X) -> np.ndarray:
        if self.scaler is not None:
            X = self.scaler.transform(X)
        return X.astype(self.config.dtype, copy=False)

    def outputs(self, X) -> np.ndarray:
        """The raw outputs (logits for the ce cost)."""
        return network_outputs(
            self.net, self.transform(X), logits=isinstance(self.cost, CrossEntropy)
        )

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, one row per example (softmax of the logits for ce; for one
        sigmoid output, the two columns 1 − a and a). A regression run has none
        (:class:`ConfigError`)."""
        if self.is_regression:
            raise ConfigError(
                "this run predicts a regression target: it has no class "
                "probabilities (predict gives the predicted values)"
            )
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
        """The predicted class of each example; for a regression run the predicted target in
        its own units, shape (n,) for one target column, (n, k) for k."""
        if self.is_regression:
            values = self.outputs(X).astype(np.float64)
            if self.target_scaler is not None:
                values = self.target_scaler.inverse_transform(values)
            return values[:, 0] if values.shape[1] == 1 else values
        return predicted_classes(self.outputs(X), self.cost)

    def dataset_labels(self, dataset) -> np.ndarray:
        """A classification set's labels as this run's class indices, matched by class name: a
        file whose labels are 3 and 7 reads them as its own classes 0 and 1, which are the
        run's classes "3" and "7". A class the run does not know is a :class:`DataError`."""
        y = np.asarray(dataset.y)
        if (
            self.classes is None
            or dataset.classes is None
            or list(dataset.classes) == list(self.classes)[: len(dataset.classes)]
        ):
            return y
        known = {name: i for i, name in enumerate(self.classes)}
        unknown = [name for name in dataset.classes if name not in known]
        if unknown:
            shown = ", ".join(map(repr, unknown[:5])) + (" …" if len(unknown) > 5 else "")
            raise DataError(
                f"{dataset.name}: the class(es) {shown} are not among the run's "
                f"{len(self.classes)} classes ({', '.join(self.classes[:12])}"
                f"{' …' if len(self.classes) > 12 else ''})"
            )
        return np.array([known[name] for name in dataset.classes], dtype=np.int64)[y]

    def dataset_targets(self, dataset) -> np.ndarray:
        """A regression set's targets as the network was trained on them: (n, k) float,
        standardised by the run's ``target_scaler`` (if it has one)."""
        y = np.asarray(dataset.y, dtype=np.float64).reshape(len(dataset), -1)
        if self.target_scaler is None:
            return y.astype(np.float32)
        return scaled_targets(self.target_scaler, y)


def _divisor(raw_scale: RawScale | None) -> float:
    return 1.0 if raw_scale is None else raw_scale.divide_by


def _raw_scale(checkpoint, config: TrainingConfig, dataset) -> RawScale | None:
    """The raw scale saved with the run; for a checkpoint from before runs saved it, the one
    its data's loader applied then (see :func:`~chainrule.data.legacy_raw_scale`)."""
    if isinstance(dataset, dict) and "raw_scale" in dataset:
        return RawScale.from_dict(dataset["raw_scale"], checkpoint.where)
    shape = dataset.get("feature_shape") if isinstance(dataset, dict) else None
    return legacy_raw_scale(config.data, shape)


def _task(checkpoint, config: TrainingConfig, dataset, classes) -> str:
    """The task saved with the run; for a checkpoint from before runs saved it, regression when
    it has no class names."""
    task = config.task or (dataset.get("task") if isinstance(dataset, dict) else None)
    if task is None:
        return "classification" if classes is not None else "regression"
    if task not in ("classification", "regression"):
        raise CheckpointError(
            f"{checkpoint.where}: the saved task {task!r:.40} is neither "
            f"classification nor regression"
        )
    return task


def _check_finite(X: np.ndarray) -> None:
    """Refuse NaN or ±Inf features, naming the first (a network would turn them into a
    prediction that looks like any other)."""
    if X.dtype.kind not in "fc":
        return
    bad = ~np.isfinite(X)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise DataError(
            f"feature {column} of example {row} is {X[row, column]}: the inputs "
            f"must be finite numbers (rows and columns counted from 0)"
        )
