"""The options of a training run, as one JSON-serialisable record (saved in checkpoints, so a
resumed run uses exactly the options of the run it continues)."""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from ..errors import ConfigError


def parse_hidden(text) -> list[int]:
    """"256,128" → [256, 128]; "" or "none" → [] (no hidden layer: a linear model)."""
    if not isinstance(text, str):
        try:
            sizes = list(text)
        except TypeError:  # a number, None, ... (a checkpoint's options are outside data)
            raise ConfigError(f"hidden sizes must be a list of integers, got {text!r:.80}") \
                from None
    elif text.strip().lower() in ("", "none", "0"):
        return []
    else:
        try:
            sizes = [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise ConfigError(f"hidden sizes must be integers separated by commas, got "
                              f"{text!r}") from None
    if any(not isinstance(s, int) or s < 1 for s in sizes):
        raise ConfigError(f"hidden sizes must be positive integers, got {sizes}")
    return sizes


_TYPES = {"str": (str,), "int": (numbers.Integral,), "float": (numbers.Real,),
          "bool": (bool, np.bool_)}


def _check_type(name: str, value, annotation: str) -> None:
    """Refuse an option of the wrong type (a checkpoint's saved options are outside data)."""
    kinds = [k.strip() for k in annotation.split("|")]
    if value is None and "None" in kinds:
        return
    allowed = tuple(t for k in kinds for t in _TYPES.get(k, ()))
    if isinstance(value, (bool, np.bool_)) and bool not in allowed or \
            not isinstance(value, allowed):
        raise ConfigError(f"the option {name} must be {' or '.join(kinds)}, got {value!r:.80}")


@dataclass
class TrainingConfig:
    """Everything ``chainrule train`` can be told. Defaults train a sensible network on the
    scikit-learn digits in seconds."""

    data: str = "digits"
    data_dir: str | None = None
    label_column: str | None = None
    hidden: list[int] = field(default_factory=lambda: [128])
    activation: str = "relu"
    cost: str = "ce"
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
        if config.seed < 0:
            raise ConfigError(f"the seed must be a non-negative integer, got {config.seed}")
        return config

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
