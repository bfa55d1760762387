"""The memory a command will need, estimated from the layer sizes before anything is allocated,
and checked against what the machine has free: a network that cannot fit is one error line
("needs about 24.0 GB of memory, 11.3 GB available") instead of the kernel killing the process
half an hour later.

The estimates count, in bytes of the run's float type, the copies of the P parameters each
command keeps (weights, gradients, optimiser state, the copies a checkpoint or an explanation
makes) and the activations of a batch (z, a and their gradients per layer); they err on the
high side. The available memory is Linux's ``MemAvailable`` (``/proc/meminfo``), else the free
physical pages ``os.sysconf`` reports; where neither exists nothing is refused.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from .errors import ConfigError

#: Copies of the parameters each use keeps alive at its peak (see the module's docstring).
PARAMETER_COPIES = {
    "network": 1,  # the weights alone (building a network)
    # weights, gradients, gradient temporaries, the best weights and a checkpoint's copy, +
    # the optimiser's state (measured: ~7 copies with Adam, activations included)
    "train": 6,
    # the network in float64, its gradients, the trace's copies of W, ∂C/∂W and the recorded
    # graph's values and gradients, the page's pictures (measured: ~10, ~20 for HTML)
    "explain": 24,
    # weights, engine gradients, a float64 working copy, the comparison (measured: ~5)
    "gradcheck": 8,
}
#: Extra parameter copies of each optimiser's state.
OPTIMIZER_COPIES = {"sgd": 1, "adam": 2, "adamw": 2}
#: Copies of each layer's activations a training step keeps: z, a, ∂C/∂z, ∂C/∂a and a temporary.
ACTIVATION_COPIES = 5
#: Rows evaluated at once (``network_outputs``'s batch).
EVALUATION_ROWS = 1024


def parameter_count(sizes: Sequence[int], bias: bool = True) -> int:
    """P = Σₗ nₗ₋₁ nₗ (+ nₗ with biases): the weights and biases of a Dense network."""
    sizes = [int(n) for n in sizes]
    return sum(
        n_in * n_out + (n_out if bias else 0)
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=False)
    )


def _itemsize(dtype) -> int:
    return np.dtype(dtype or np.float32).itemsize


def network_bytes(sizes: Sequence[int], dtype=None, bias: bool = True) -> int:
    """The weights of a network of ``sizes`` (float32 unless ``dtype`` says otherwise)."""
    return parameter_count(sizes, bias) * _itemsize(dtype)


def training_bytes(
    sizes: Sequence[int],
    dtype=None,
    *,
    bias: bool = True,
    batch_size: int = 32,
    rows: int = 0,
    features: int = 0,
    optimizer: str = "adam",
) -> int:
    """``chainrule train``: the parameters with their gradients and optimiser state, the
    activations of a training batch and of an evaluation batch, and the scaled data
    (``rows`` × ``features``, training, validation and test parts together)."""
    item = _itemsize(dtype)
    copies = PARAMETER_COPIES["train"] + OPTIMIZER_COPIES.get(optimizer, 2)
    units = sum(int(n) for n in sizes)
    evaluated = min(EVALUATION_ROWS, rows) if rows else EVALUATION_ROWS
    activations = (ACTIVATION_COPIES * max(batch_size, 1) + 2 * evaluated) * units
    return (copies * parameter_count(sizes, bias) + activations + 2 * rows * features) * item


def explain_bytes(sizes: Sequence[int], batch: int = 1, bias: bool = True) -> int:
    """``chainrule explain``: the float64 network and everything its trace records."""
    units = sum(int(n) for n in sizes)
    return 8 * (
        PARAMETER_COPIES["explain"] * parameter_count(sizes, bias)
        + 4 * ACTIVATION_COPIES * max(batch, 1) * units
    )


def gradcheck_bytes(sizes: Sequence[int], batch: int = 1, bias: bool = True) -> int:
    """``chainrule gradcheck``: the float64 network, its gradients and the comparison."""
    units = sum(int(n) for n in sizes)
    return 8 * (
        PARAMETER_COPIES["gradcheck"] * parameter_count(sizes, bias)
        + ACTIVATION_COPIES * max(batch, 1) * units
    )


def available_bytes() -> int | None:
    """Memory the machine can give a new allocation now, or None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def human(n_bytes: float) -> str:
    """1_234_567_890 → "1.2 GB" (powers of 1000, as disks and ``free -h --si`` count)."""
    value = float(n_bytes)
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if value < 1000 or unit == "PB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} PB"  # pragma: no cover - the loop returns


def require(needed: int, what: str, advice: str = "choose smaller layers") -> None:
    """A :class:`ConfigError` when ``needed`` bytes exceed the memory available: "``what``
    needs about 24.0 GB of memory, 11.3 GB available; ``advice``"."""
    available = available_bytes()
    if available is not None and needed > available:
        raise ConfigError(
            f"{what} needs about {human(needed)} of memory, {human(available)} available; {advice}"
        )
