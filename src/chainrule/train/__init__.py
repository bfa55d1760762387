"""Training: the loop, its callbacks, metrics, checkpoints as it goes, and whole runs."""

from .callbacks import Callback, EarlyStopping, LambdaCallback, ToleranceStopping
from .checkpointing import Checkpointer
from .config import TrainingConfig, parse_hidden
from .defaults import defaults_for
from .metrics import (
    accuracy,
    class_targets,
    confusion_matrix,
    format_confusion,
    network_outputs,
    predicted_classes,
)
from .monitor import GradientMonitor
from .outputs import RUN_FILES, check_out_dir, clear_run
from .run import RunResult, TrainingRun
from .trainer import Trainer, fit

__all__ = [
    "defaults_for",
    "RUN_FILES",
    "check_out_dir",
    "clear_run",
    "Trainer",
    "fit",
    "Callback",
    "EarlyStopping",
    "LambdaCallback",
    "ToleranceStopping",
    "GradientMonitor",
    "Checkpointer",
    "TrainingConfig",
    "parse_hidden",
    "TrainingRun",
    "RunResult",
    "accuracy",
    "confusion_matrix",
    "format_confusion",
    "network_outputs",
    "predicted_classes",
    "class_targets",
]
