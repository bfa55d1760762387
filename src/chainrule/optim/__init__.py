"""Optimizers: how the gradient becomes a step, W ← W − η ∂C/∂W and its refinements."""

from ..errors import ConfigError
from .adam import Adam, AdamW
from .clip import clip_grad_norm, grad_norm
from .optimizer import Optimizer, check_rate
from .schedules import SCHEDULES, Constant, Cosine, Schedule, StepDecay, Warmup, make_schedule
from .sgd import SGD

OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW}


def optimizer_by_name(name: str, params, **options) -> Optimizer:
    """An optimizer by name: "sgd", "adam", "adamw"."""
    try:
        kind = OPTIMIZERS[name.lower()]
    except KeyError:
        raise ConfigError(
            f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}"
        ) from None
    return kind(params, **options)


__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "OPTIMIZERS",
    "optimizer_by_name",
    "check_rate",
    "clip_grad_norm",
    "grad_norm",
    "Schedule",
    "Constant",
    "StepDecay",
    "Cosine",
    "Warmup",
    "SCHEDULES",
    "make_schedule",
]
