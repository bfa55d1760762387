"""What every optimizer shares: its parameters, learning rate, zero_grad and saved state."""

from __future__ import annotations

import numpy as np

from ..autodiff.mode import no_grad
from ..autodiff.tensor import Tensor
from ..errors import ConfigError


def check_rate(name: str, value: float, *, upper: float | None = None) -> float:
    """A finite, non-negative hyper-parameter (below ``upper`` if given), or ConfigError."""
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{name} must be a number, got {value!r:.80}") from None
    if not np.isfinite(value) or value < 0 or (upper is not None and value >= upper):
        bound = f" and below {upper:g}" if upper is not None else ""
        raise ConfigError(f"{name} must be finite, at least 0{bound}; got {value!r}")
    return value


class Optimizer:
    """Holds the parameters and per-parameter state; ``step()`` applies one update."""

    def __init__(self, params, lr: float):
        self.params = list(params)
        if not self.params:
            raise ConfigError(f"{type(self).__name__}: the parameter list is empty")
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise ConfigError(
                    f"{type(self).__name__}: item {i} is not a tensor that requires grad"
                )
        self.lr = check_rate("lr", lr)
        self.steps = 0
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Reset every gradient to zero (or drop it), ready for the next backward."""
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.fill(0)

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient."""
        self.steps += 1
        with no_grad():
            for p, slot in zip(self.params, self.state, strict=True):
                if p.grad is not None:
                    self.update(p.data, p.grad, slot)

    def update(self, w: np.ndarray, g: np.ndarray, slot: dict) -> None:
        raise NotImplementedError

    # -- checkpoints ------------------------------------------------------------------------
    def hyperparameters(self) -> dict:
        return {"lr": self.lr}

    def state_dict(self) -> dict:
        """Hyper-parameters, step count and per-parameter arrays (plain data: safe to save)."""
        return {
            "type": type(self).__name__,
            "steps": self.steps,
            "hyperparameters": self.hyperparameters(),
            "state": [{k: v.copy() for k, v in slot.items()} for slot in self.state],
        }

    def load_state_dict(self, saved: dict) -> None:
        if saved.get("type") != type(self).__name__:
            raise ConfigError(
                f"optimizer state is for {saved.get('type')}, not {type(self).__name__}"
            )
        if len(saved["state"]) != len(self.params):
            raise ConfigError(
                f"optimizer state has {len(saved['state'])} parameters, this "
                f"optimizer {len(self.params)}"
            )
        known = self.hyperparameters()
        unknown = sorted(set(saved["hyperparameters"]) - set(known))
        if unknown:
            raise ConfigError(
                f"optimizer state names unknown hyper-parameters: {', '.join(unknown)}"
            )
        for i, (p, slot) in enumerate(zip(self.params, saved["state"], strict=True)):
            for key, value in slot.items():
                if np.ndim(value) and np.shape(value) != p.shape:
                    raise ConfigError(
                        f"optimizer state '{key}' of parameter {i} has shape "
                        f"{np.shape(value)}; the parameter has {p.shape}"
                    )
        for name, value in saved["hyperparameters"].items():
            setattr(self, name, type(known[name])(value))
        self.steps = int(saved["steps"])
        self.state = [
            {
                k: np.array(v, dtype=p.dtype if np.ndim(v) else None, copy=True)
                for k, v in slot.items()
            }
            for p, slot in zip(self.params, saved["state"], strict=True)
        ]
