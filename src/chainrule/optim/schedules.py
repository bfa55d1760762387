"""Learning-rate schedules: η as a function of training progress t, measured in epochs.

t is fractional (epoch e, batch b of n gives t = e + b/n), so a schedule is a pure function of
how far training has gone: a resumed run sets exactly the rates an uninterrupted one would.
The trainer calls ``schedule(t)`` before each step and writes the result to ``optimizer.lr``.

- :class:`Constant`: η(t) = η₀.
- :class:`StepDecay`: η(t) = η₀ · γ^⌊t / every⌋.
- :class:`Cosine`: η(t) = η_min + ½ (η₀ − η_min)(1 + cos(π · min(t, T) / T)).
- :class:`Warmup`: η(t) = η_s(t) · (f + (1 − f) t / w) for t < w, then η_s(t): a linear rise
  from the fraction f (default 0.1) of the wrapped schedule η_s to all of it over w epochs.
"""

from __future__ import annotations

import math

from ..errors import ConfigError
from .optimizer import check_rate


class Schedule:
    """η(t); subclasses define :meth:`__call__`. ``base_lr`` is η₀."""

    def __init__(self, base_lr: float):
        self.base_lr = check_rate("lr", base_lr)

    def __call__(self, t: float) -> float:
        raise NotImplementedError

    def config(self) -> dict:
        return {"type": type(self).__name__.lower(), "base_lr": self.base_lr}


class Constant(Schedule):
    """η(t) = η₀."""

    def __call__(self, t: float) -> float:
        return self.base_lr


class StepDecay(Schedule):
    """η(t) = η₀ · γ^⌊t / every⌋: multiply by ``gamma`` every ``every`` epochs."""

    def __init__(self, base_lr: float, every: float = 10, gamma: float = 0.1):
        super().__init__(base_lr)
        if not every > 0:
            raise ConfigError(
                f"step decay: every must be a positive number of epochs, got {every!r}"
            )
        self.every = float(every)
        self.gamma = check_rate("gamma", gamma)

    def __call__(self, t: float) -> float:
        return self.base_lr * self.gamma ** math.floor(t / self.every)

    def config(self) -> dict:
        return {**super().config(), "every": self.every, "gamma": self.gamma}


class Cosine(Schedule):
    """η(t) = η_min + ½ (η₀ − η_min)(1 + cos(π t / T)) for t ≤ T, then η_min."""

    def __init__(self, base_lr: float, total: float, min_lr: float = 0.0):
        super().__init__(base_lr)
        if not total > 0:
            raise ConfigError(
                f"cosine schedule: the total must be a positive number of epochs, got {total!r}"
            )
        self.total = float(total)
        self.min_lr = check_rate("min_lr", min_lr)

    def __call__(self, t: float) -> float:
        progress = min(max(t, 0.0), self.total) / self.total
        return self.min_lr + 0.5 * (self.base_lr - self.min_lr) * (1 + math.cos(math.pi * progress))

    def config(self) -> dict:
        return {**super().config(), "total": self.total, "min_lr": self.min_lr}


class Warmup(Schedule):
    """Linear warm-up over the first ``epochs`` epochs, from ``start`` × ``after``'s rate."""

    def __init__(self, after: Schedule, epochs: float, start: float = 0.1):
        super().__init__(after.base_lr)
        if not epochs > 0:
            raise ConfigError(f"warm-up: epochs must be positive, got {epochs!r}")
        self.after = after
        self.epochs = float(epochs)
        self.start = check_rate("warm-up start", start, upper=1.0 + 1e-12)

    def __call__(self, t: float) -> float:
        target = self.after(t)
        if t >= self.epochs:
            return target
        return target * (self.start + (1.0 - self.start) * max(t, 0.0) / self.epochs)

    def config(self) -> dict:
        return {
            "type": "warmup",
            "epochs": self.epochs,
            "start": self.start,
            "after": self.after.config(),
        }


SCHEDULES = ("constant", "step", "cosine")


def make_schedule(
    name: str,
    base_lr: float,
    *,
    epochs: float,
    step_every: float = 10,
    gamma: float = 0.1,
    min_lr: float = 0.0,
    warmup: float = 0.0,
) -> Schedule:
    """A schedule by name ("constant", "step", "cosine"), optionally with a warm-up."""
    if name == "constant":
        schedule: Schedule = Constant(base_lr)
    elif name == "step":
        schedule = StepDecay(base_lr, step_every, gamma)
    elif name == "cosine":
        schedule = Cosine(base_lr, epochs, min_lr)
    else:
        raise ConfigError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
    return Warmup(schedule, warmup) if warmup else schedule
