"""A training run from its options: data → scaling → network → optimizer → loop → test.

This is what ``chainrule train`` does (and the accuracy benchmark). With an output directory
it writes, as it goes, ``checkpoint.npz`` and ``metrics.json`` (per-epoch history; at the end
``test_accuracy``), and at the end the pictures (``training.png``, ``gradients.png``,
``histograms.png``). ``resume(directory)`` continues a run from its checkpoint with the saved
options, scaler, weights, optimizer state and random generators: the result equals an
uninterrupted run's, bit for bit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..checkpoint import load_checkpoint
from ..costs import cost_by_name
from ..data import MinMaxScaler, Standardizer, load_dataset, stratified_split
from ..errors import CheckpointError, ConfigError, DataError, MissingPackageError, NonFiniteError
from ..memory import require, training_bytes
from ..nn import mlp, output_for
from ..optim import make_schedule, optimizer_by_name
from ..wording import plural
from .callbacks import EarlyStopping, TrainingAccuracy
from .checkpointing import CHECKPOINT_NAME, METRICS_NAME, PARITY_NAME, Checkpointer, write_json
from .config import TrainingConfig
from .evaluation import evaluate
from .monitor import GradientMonitor
from .saturation import SaturationMonitor
from .trainer import Trainer

SCALERS = {"standard": Standardizer, "minmax": MinMaxScaler, "none": None}


@dataclass
class PreparedData:
    """The run's data after the split and scaling; ``scaler`` was fitted on ``train`` only, and
    so was ``target_scaler``, the standardisation of a regression target (None for classes)."""

    train: object
    val: object | None
    test: object
    scaler: object | None
    target_scaler: object | None = None


@dataclass
class RunResult:
    """What a finished run reports."""

    config: TrainingConfig
    trainer: Trainer
    test: dict = field(default_factory=dict)
    out_dir: Path | None = None

    @property
    def test_accuracy(self) -> float | None:
        return self.test.get("accuracy")

    @property
    def test_r2(self) -> float | None:
        return self.test.get("r2")


def make_scaler(name: str):
    try:
        kind = SCALERS[name]
    except KeyError:
        raise ConfigError(f"unknown scaling {name!r}; choose one of {', '.join(SCALERS)}") from None
    return kind() if kind is not None else None


def scaler_arrays(scaler, prefix: str = "scaler") -> dict[str, np.ndarray]:
    return {} if scaler is None else {f"{prefix}/{k}": v for k, v in scaler.state_dict().items()}


#: the checkpoint arrays' prefix of a regression run's target standardisation
TARGET_SCALER = "target_scaler"


def restore_target_scaler(arrays: dict[str, np.ndarray], where: str = "the checkpoint"):
    """The standardisation of the targets saved with a regression run (``None`` when the run
    saved none: its network's outputs are in the target's units)."""
    state = {
        k[len(TARGET_SCALER) + 1 :]: v
        for k, v in arrays.items()
        if k.startswith(TARGET_SCALER + "/")
    }
    if not state:
        return None
    try:
        return Standardizer.from_state_dict(state)
    except (KeyError, ValueError, TypeError) as exc:
        raise CheckpointError(
            f"{where}: the saved target standardisation cannot be restored: {exc}"
        ) from None


def restore_scaler(name: str, arrays: dict[str, np.ndarray]):
    """The scaler saved with a checkpoint (``info['config']['scale']`` and its arrays)."""
    kind = SCALERS.get(name)
    if kind is None:
        return None
    state = {k[len("scaler/") :]: v for k, v in arrays.items() if k.startswith("scaler/")}
    try:
        return kind.from_state_dict(state)
    except (KeyError, ValueError, TypeError) as exc:
        raise CheckpointError(f"the checkpoint's {name} scaler cannot be restored: {exc}") from None


def _scaled(dataset, scaler, target_scaler=None):
    if dataset is None:
        return dataset
    if scaler is not None:
        dataset = dataclasses.replace(dataset, X=scaler.transform(dataset.X))
    if target_scaler is not None:
        dataset = dataclasses.replace(dataset, y=scaled_targets(target_scaler, dataset.y))
    return dataset


def scaled_targets(target_scaler, y) -> np.ndarray:
    """Regression targets (n,) or (n, k) standardised as in training: (n, k) float32."""
    y = np.asarray(y, dtype=np.float64)
    return target_scaler.transform(y.reshape(len(y), -1)).astype(np.float32)


def split_validation(config: TrainingConfig, train):
    """(the part trained on, the validation part or None): the run's seeded split of its
    training set, the one place it is made (``train`` and ``eval --split train`` use it)."""
    if not config.val_fraction:
        return train, None
    if not 0 < config.val_fraction < 1:
        raise ConfigError(f"the validation fraction must lie in [0, 1), got {config.val_fraction}")
    try:
        return stratified_split(train, config.val_fraction, config.seed)
    except DataError as exc:
        raise DataError(
            f"{train.name}: the validation split (--val-fraction "
            f"{config.val_fraction:g}): {exc} (--val-fraction 0 keeps none)"
        ) from None


def prepare_data(config: TrainingConfig, scaler=None, target_scaler=None) -> PreparedData:
    """Load the data set, split off the validation part, fit (or reuse) the scaler, and for a
    regression target the standardisation of the target (``target_scaler``: reuse it; False:
    none, as in runs saved before targets were standardised). Training on y' = (y − ȳ) / s
    keeps the outputs near the scale of He/Xavier weights whatever the target's units; the
    metrics and predictions map back to those units."""
    train, test = load_dataset(
        config.data,
        data_dir=config.data_dir,
        seed=config.seed,
        label_column=config.label_column,
        task=config.task,
    )
    train, val = split_validation(config, train)
    if scaler is None:
        scaler = make_scaler(config.scale)
        if scaler is not None:
            scaler.fit(train.X)
    if train.is_classification or target_scaler is False:
        target_scaler = None
    elif target_scaler is None:
        target_scaler = Standardizer().fit(np.asarray(train.y).reshape(len(train), -1))
    return PreparedData(
        *(_scaled(part, scaler, target_scaler) for part in (train, val, test)),
        scaler,
        target_scaler,
    )


def output_size(config: TrainingConfig, dataset) -> int:
    """One output per class (one for two classes with BCE), or the targets' width."""
    if dataset.is_classification:
        if config.cost == "bce":
            if dataset.n_classes != 2:
                raise ConfigError(
                    f"the bce cost is for two classes; {dataset.name} has "
                    f"{dataset.n_classes}: use ce (or mse)"
                )
            return 1
        return dataset.n_classes
    return dataset.y.shape[1] if dataset.y.ndim == 2 else 1


def build_network(config: TrainingConfig, n_features: int, n_outputs: int):
    """The MLP the options describe (:func:`chainrule.nn.mlp`), with Dropout after each hidden
    layer if asked (its masks seeded from ``--seed`` once the weights are drawn)."""
    if not 0 <= config.dropout < 1:
        raise ConfigError(f"dropout must lie in [0, 1), got {config.dropout}")
    sizes = [n_features, *config.hidden, n_outputs]
    output = (
        "identity" if config.task == "regression" else output_for(config.cost, config.activation)
    )
    return mlp(
        sizes,
        config.activation,
        output,
        dropout=config.dropout,
        bias=config.bias,
        init=config.weight_init,
        dtype=config.dtype,
        rng=np.random.default_rng(config.seed),
    )


def _require_memory(config: TrainingConfig, data: PreparedData, n_outputs: int) -> None:
    """Refuse, before the network is built, a run the machine's memory cannot hold."""
    sizes = [data.train.n_features, *config.hidden, n_outputs]
    parts = [data.train, data.val, data.test]
    rows = sum(len(part) for part in parts if part is not None)
    require(
        training_bytes(
            sizes,
            config.dtype,
            bias=config.bias,
            batch_size=config.batch_size,
            rows=rows,
            features=data.train.n_features,
            optimizer=config.optimizer,
        ),
        f"training the network {'-'.join(map(str, sizes))} ({config.dtype}, batches of "
        f"{config.batch_size})",
        "choose smaller layers (--hidden) or batches",
    )


def make_trainer(
    config: TrainingConfig, net, *, callbacks=(), verbose=True, progress=None, log=None
) -> Trainer:
    cost = cost_by_name(
        config.cost, **({"reduction": config.reduction} if config.reduction else {})
    )
    options = {"lr": config.learning_rate, "weight_decay": config.weight_decay}
    if config.optimizer == "sgd":
        options.update(momentum=config.momentum, nesterov=config.nesterov)
    elif config.momentum or config.nesterov:
        raise ConfigError("momentum and nesterov are options of the sgd optimizer")
    if config.optimizer == "adamw" and not config.weight_decay:
        options.pop("weight_decay")
    optimizer = optimizer_by_name(config.optimizer, net.parameters(), **options)
    schedule = None
    if config.schedule != "constant" or config.warmup:
        schedule = make_schedule(
            config.schedule,
            config.learning_rate,
            epochs=config.epochs,
            step_every=config.step_every,
            gamma=config.gamma,
            min_lr=config.min_lr,
            warmup=config.warmup,
        )
    return Trainer(
        net,
        cost,
        optimizer,
        batch_size=config.batch_size,
        schedule=schedule,
        clip_norm=config.clip,
        callbacks=callbacks,
        seed=config.seed,
        verbose=verbose,
        progress=progress,
        log=log,
    )


def _dataset_info(dataset) -> dict:
    """What a checkpoint keeps of its data: names, shapes, and the raw scale its loader applied
    (redone on raw features by predict, eval, explain and :class:`TrainedModel`)."""
    raw_scale = dataset.raw_scale.to_dict() if dataset.raw_scale is not None else None
    return {
        "name": dataset.name,
        "classes": list(dataset.classes) if dataset.classes else None,
        "task": "classification" if dataset.is_classification else "regression",
        "target_names": list(dataset.target_names) if dataset.target_names else None,
        "feature_shape": list(dataset.feature_shape),
        "n_features": dataset.n_features,
        "feature_names": list(dataset.feature_names) if dataset.feature_names else None,
        "raw_scale": raw_scale,
    }


def test_report(trainer: Trainer, test, target_scaler=None, keep_predictions=False) -> dict:
    """Loss and accuracy and confusion matrix (classes), or loss, MSE, RMSE and R² in the
    target's units (regression), of the trained network on the test set."""
    return evaluate(
        trainer.net,
        trainer.cost,
        trainer.prepare(test, None, "test data"),
        n_classes=test.n_classes if test.is_classification else None,
        target_scaler=target_scaler,
        units=True,
        keep_predictions=keep_predictions,
    )


class TrainingRun:
    """One run: ``TrainingRun(config, out_dir).run()``, or ``TrainingRun.resume(dir)``."""

    def __init__(
        self,
        config: TrainingConfig,
        out_dir=None,
        *,
        verbose: bool = True,
        progress: bool | None = None,
        log=None,
        checkpoint=None,
        plots: bool = True,
    ):
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.verbose = verbose
        printer = log or print
        self.log = printer if verbose else (lambda line: None)
        self.plots = plots
        scaler = target_scaler = None
        if checkpoint is not None:
            scaler = restore_scaler(config.scale, checkpoint.arrays)
            target_scaler = restore_target_scaler(checkpoint.arrays, checkpoint.where) or False
        self.data = prepare_data(config, scaler, target_scaler)
        train = self.data.train
        self.config = config = config.resolved(train)
        n_outputs = output_size(config, train)
        _require_memory(config, self.data, n_outputs)
        self.net = build_network(config, train.n_features, n_outputs)
        self.monitor = GradientMonitor()
        self.saturation = SaturationMonitor(train.X)
        callbacks = [self.monitor]
        if config.patience:
            callbacks.append(
                EarlyStopping(
                    "val_loss" if self.data.val is not None else "loss", patience=config.patience
                )
            )
        # after the callbacks whose state a checkpoint keeps (by position), before the writer
        callbacks += [TrainingAccuracy(train), self.saturation]
        self.checkpointer = None
        if self.out_dir is not None:
            arrays = {
                **scaler_arrays(self.data.scaler),
                **scaler_arrays(self.data.target_scaler, TARGET_SCALER),
            }
            self.checkpointer = Checkpointer(
                self.out_dir, info=self._info, arrays=arrays, metrics=self._metrics
            )
            callbacks.append(self.checkpointer)
        self.trainer = make_trainer(
            config, self.net, callbacks=callbacks, verbose=verbose, progress=progress, log=printer
        )
        if checkpoint is not None:
            checkpoint.restore(self.net, self.trainer.optimizer, self.trainer.rng)
            try:
                self.trainer.load_state_dict(checkpoint.info.get("trainer", {}))
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                raise CheckpointError(
                    f"{checkpoint.where}: the saved training state is "
                    f"malformed ({type(exc).__name__}: {exc})"
                ) from None
        self.test: dict = {}
        #: a regression run's test targets and predictions (target units), for the parity plot
        self.test_points: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def resume(cls, directory, *, epochs: int | None = None, out_dir=None, **options):
        """Continue the run saved in ``directory`` (to ``epochs`` epochs in all, if given)."""
        checkpoint = load_checkpoint(
            Path(directory) / CHECKPOINT_NAME if Path(directory).is_dir() else directory
        )
        saved = checkpoint.info.get("config")
        if not isinstance(saved, dict):
            raise CheckpointError(f"{checkpoint.where} holds no training options to resume")
        try:
            config = TrainingConfig.from_dict(saved)
        except ConfigError as exc:
            raise CheckpointError(f"{checkpoint.where}: {exc}") from None
        # the saved network (checked against its own arrays) must be the one the saved
        # options describe, before a network of those options is allocated
        layers = checkpoint.build_network().config().get("layers", [])
        widths = [layer["out_features"] for layer in layers if layer["type"] == "Dense"][:-1]
        if widths != config.hidden:
            raise CheckpointError(
                f"{checkpoint.where}: the saved options say hidden layers "
                f"{config.hidden}, the saved network has {widths}"
            )
        if epochs is not None:
            config.epochs = int(epochs)
        target = out_dir if out_dir is not None else checkpoint.path.parent
        return cls(config, target, checkpoint=checkpoint, **options)

    def _info(self, trainer) -> dict:
        return {"config": self.config.to_dict(), "dataset": _dataset_info(self.data.train)}

    def _metrics(self, trainer) -> dict:
        document = {
            "config": self.config.to_dict(),
            "dataset": _dataset_info(self.data.train),
            "epochs_completed": trainer.epoch,
            "history": trainer.history,
            "exploding_gradients": self.monitor.explosions,
            "saturation": self.saturation.describe(self.net),
        }
        if self.test:
            document.update({f"test_{k}": v for k, v in self.test.items()})
        return document

    def run(self) -> RunResult:
        """Train, test, and write the outputs; returns the :class:`RunResult`."""
        trainer = self.trainer
        if trainer.epoch >= self.config.epochs:
            self.log(
                f"the run has already completed {plural(trainer.epoch, 'epoch')} (asked "
                f"for {self.config.epochs}); nothing to train"
            )
        try:
            trainer.fit(self.data.train, epochs=self.config.epochs, validation=self.data.val)
        except NonFiniteError as exc:
            raise NonFiniteError(f"{exc}; {self._kept()}") from None
        except KeyboardInterrupt:
            self.log(f"interrupted; {self._kept()}")
            raise
        report = test_report(
            trainer, self.data.test, self.data.target_scaler, keep_predictions=True
        )
        if "true" in report:
            self.test_points = (report.pop("true"), report.pop("predicted"))
        self.test = report
        if self.out_dir is not None:
            write_json(self.out_dir / METRICS_NAME, self._metrics(trainer))
            if self.checkpointer is not None and self.checkpointer.saved_epoch != trainer.epoch:
                self.checkpointer.save(trainer)
            if self.plots:
                self._draw()
        return RunResult(self.config, trainer, self.test, self.out_dir)

    def _kept(self) -> str:
        if self.checkpointer is None:
            return "no checkpoint was being written (give --out DIR to keep one)"
        if self.checkpointer.saved_epoch is None:
            path = self.checkpointer.path
            return (
                f"the checkpoint {path} from before this run is unchanged"
                if path.exists()
                else "no epoch had completed, so no checkpoint was written"
            )
        return (
            f"the last good checkpoint (epoch {self.checkpointer.saved_epoch}) is kept in "
            f"{self.checkpointer.path}"
        )

    def _draw(self) -> None:
        try:
            from .plots import draw_run
        except MissingPackageError as exc:
            self.log(f"note: no plots were drawn: {exc}")
            return
        paths = draw_run(
            self.out_dir,
            self.trainer.history,
            self.monitor.histograms,
            self.test,
            self.data.train.classes,
            data_name=self.data.train.name,
            net=self.net,
            saturation=self.saturation.describe(self.net),
        )
        if self.test_points is not None:
            from .parity import plot_parity

            paths.append(
                plot_parity(
                    *self.test_points,
                    self.out_dir / PARITY_NAME,
                    r2=self.test.get("r2"),
                    names=self.data.train.target_names,
                    what=f"{self.data.test.name}, test set",
                )
            )
        for path in paths:
            self.log(f"wrote {path}")
