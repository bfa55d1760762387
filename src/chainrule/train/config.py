"""The options of a training run, as one JSON-serialisable record (saved in checkpoints, so a
resumed run uses exactly the options of the run it continues)."""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np

from ..errors import ConfigError
from ..nn import INITS, activation_names
from ..optim import SCHEDULES


def parse_hidden(text) -> list[int]:
    """ "256,128" → [256, 128]; "" or "none" → [] (no hidden layer: a linear model)."""
    if not isinstance(text, str):
        try:
            sizes = list(text)
        except TypeError:  # a number, None, ... (a checkpoint's options are outside data)
            raise ConfigError(
                f"hidden sizes must be a list of integers, got {text!r:.80}"
            ) from None
    elif text.strip().lower() in ("", "none"):
        return []
    else:
        try:
            sizes = [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise ConfigError(
                f"hidden sizes must be integers separated by commas, got {text!r}"
            ) from None
    if any(not isinstance(s, int) or s < 1 for s in sizes):
        raise ConfigError(
            f"hidden sizes (--hidden) must be positive integers, got {sizes}; "
            f"for no hidden layer (a linear model) write --hidden none"
        )
    return sizes


_TYPES = {
    "str": (str,),
    "int": (numbers.Integral,),
    "float": (numbers.Real,),
    "bool": (bool, np.bool_),
}


def _check_type(name: str, value, annotation: str) -> None:
    """Refuse an option of the wrong type (a checkpoint's saved options are outside data)."""
    kinds = [k.strip() for k in annotation.split("|")]
    if value is None and "None" in kinds:
        return
    allowed = tuple(t for k in kinds for t in _TYPES.get(k, ()))
    if (
        isinstance(value, (bool, np.bool_))
        and bool not in allowed
        or not isinstance(value, allowed)
    ):
        raise ConfigError(f"the option {name} must be {' or '.join(kinds)}, got {value!r:.80}")


COSTS = ("ce", "mse", "bce")
TASKS = ("classification", "regression")
#: the cost a task trains with when none is given
TASK_COSTS = {"classification": "ce", "regression": "mse"}
REDUCTIONS = ("sum", "mean")
OPTIMIZERS = ("adam", "adamw", "sgd")
SCALES = ("standard", "minmax", "none")
DTYPES = ("float32", "float64")
#: (option, low, high or None, low excluded, high excluded): the range of each number
_RANGES = (
    ("epochs", 1, None, False, False),
    ("batch_size", 1, None, False, False),
    ("patience", 1, None, False, False),
    ("seed", 0, None, False, False),
    ("lr", 0, None, True, False),
    ("momentum", 0, 1, False, True),
    ("weight_decay", 0, None, False, False),
    ("dropout", 0, 1, False, True),
    ("val_fraction", 0, 1, False, True),
    ("step_every", 0, None, True, False),
    ("gamma", 0, None, True, False),
    ("min_lr", 0, None, False, False),
    ("warmup", 0, None, False, False),
    ("clip", 0, None, True, False),
)
#: options whose command-line flag is not ``--`` + the name with dashes
_FLAGS = {"bias": "--no-bias", "lr": "--lr"}


def option_flag(name: str) -> str:
    """The command-line flag of the training option ``name`` (``batch_size`` → --batch-size)."""
    return _FLAGS.get(name, "--" + name.replace("_", "-"))


def _range_text(name: str, low, high, low_open: bool, high_open: bool) -> str:
    if high is None:
        if name in ("epochs", "batch_size", "patience", "seed"):
            return f"be a whole number ≥ {low}"
        return f"be > {low}" if low_open else f"be ≥ {low}"
    return f"lie in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


@dataclass
class TrainingConfig:
    """Everything ``chainrule train`` can be told. Defaults train a sensible network on the
    scikit-learn digits in seconds."""

    data: str = "digits"
    data_dir: str | None = None
    label_column: str | None = None
    #: "classification", "regression", or None: decided by the data's targets
    task: str | None = None
    hidden: list[int] = field(default_factory=lambda: [128])
    activation: str = "relu"
    #: None: the task's own (ce for classes, mse for a regression target)
    cost: str | None = None
    reduction: str | None = None
    init: str | None = None
    bias: bool = True
    dropout: float = 0.0
    optimizer: str = "adam"
    lr: float | None = None
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    schedule: str = "constant"
    step_every: float = 10.0
    gamma: float = 0.1
    min_lr: float = 0.0
    warmup: float = 0.0
    clip: float | None = None
    epochs: int = 30
    batch_size: int = 32
    val_fraction: float = 0.1
    patience: int | None = None
    scale: str = "standard"
    seed: int = 0
    dtype: str = "float32"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> TrainingConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown training option(s): {', '.join(unknown)}")
        for f in fields(cls):
            if f.name in values and f.name != "hidden":
                _check_type(f.name, values[f.name], f.type)
        config = cls(**values)
        config.hidden = parse_hidden(config.hidden)
        config.validate()
        return config

    def validate(self) -> None:
        """Refuse any option outside its range, naming it as the command line does
        (``--epochs``), before anything is loaded or trained. :class:`ConfigError`."""
        for name, choices in (
            ("activation", activation_names(hidden=True)),
            ("init", INITS),
            ("cost", COSTS),
            ("reduction", REDUCTIONS),
            ("optimizer", OPTIMIZERS),
            ("schedule", SCHEDULES),
            ("scale", SCALES),
            ("dtype", DTYPES),
            ("task", TASKS),
        ):
            value = getattr(self, name)
            if value is not None and value not in choices:
                why = (
                    " (softmax belongs to the output, with the ce cost; it is not a hidden "
                    "activation)"
                    if value == "softmax"
                    else ""
                )
                raise ConfigError(
                    f"{option_flag(name)} {value}: unknown{why}; choose one of {', '.join(choices)}"
                )
        for name, low, high, low_open, high_open in _RANGES:
            value = getattr(self, name)
            if value is None:
                continue
            below = value <= low if low_open else value < low
            above = high is not None and (value >= high if high_open else value > high)
            if below or above or not np.isfinite(value):
                rule = _range_text(name, low, high, low_open, high_open)
                raise ConfigError(f"{option_flag(name)} must {rule}, got {value}")

    def resolved(self, dataset) -> TrainingConfig:
        """These options with the task the data's targets have and the cost for it (ce for
        classes, mse for a regression target, unless one was given). :class:`ConfigError` for
        the ce or bce cost on a regression target: they compare class probabilities."""
        task = "classification" if dataset.is_classification else "regression"
        cost = self.cost or TASK_COSTS[task]
        if task == "regression" and cost != "mse":
            column = f" (column {dataset.target_names[0]!r})" if dataset.target_names else ""
            raise ConfigError(
                f"--cost {cost} is for classes; the target of {dataset.name}"
                f"{column} is a regression target: use --cost mse (the default "
                f"for regression), or --task classification to read it as "
                f"classes"
            )
        return replace(self, task=task, cost=cost)

    @property
    def learning_rate(self) -> float:
        """The rate given, or the optimizer's usual default (Adam 1e-3, SGD 0.1)."""
        if self.lr is not None:
            return self.lr
        return 1e-3 if self.optimizer in ("adam", "adamw") else 0.1

    @property
    def weight_init(self) -> str:
        """He for ReLU layers, Xavier otherwise, unless chosen."""
        return self.init or ("he" if self.activation == "relu" else "xavier")
