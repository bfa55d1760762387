"""Watching the gradients while training: per-layer norms, histograms, explosions.

After every step, each parameter's ``.grad`` holds ∂C/∂θ for the batch. The monitor records
‖∂C/∂W_l‖₂ per layer (mean and largest over the epoch's batches) and, at the end of each
epoch, histograms of each layer's weights and of its last gradient — the pictures in which
vanishing gradients of deep sigmoid networks become visible (the δ shrinks by σ' ≤ ¼ per
layer). A batch whose total gradient norm exceeds ``explode_factor`` × the median of the
norms seen so far is reported as an exploding gradient (once per epoch).
"""

from __future__ import annotations

import math

import numpy as np

from .callbacks import Callback

#: Bins of the weight and gradient histograms.
BINS = 40
#: The histograms cover the values between these percentiles (a few extreme values would
#: otherwise squeeze the bulk into one or two bins); the rest are counted as ``below``/``above``.
HISTOGRAM_PERCENTILES = (0.5, 99.5)


class GradientMonitor(Callback):
    """Per-layer gradient norms each epoch (added to the history as ``grad_norm``), weight and
    gradient histograms (``histograms``), and a warning when gradients explode."""

    def __init__(self, explode_factor: float = 100.0, histograms: bool = True, window: int = 1000):
        self.explode_factor = float(explode_factor)
        self.keep_histograms = histograms
        self.window = int(window)
        self.histograms: list[dict] = []
        self.explosions: list[dict] = []
        self._recent: list[float] = []
        self._sums: dict[str, float] = {}
        self._max: dict[str, float] = {}
        self._batches = 0
        self._reported = False

    def on_epoch_begin(self, trainer, epoch: int) -> None:
        self._sums, self._max, self._batches, self._reported = {}, {}, 0, False

    def on_batch_end(self, trainer, batch: int, loss: float) -> None:
        total = 0.0
        for name, p in trainer.named_parameters:
            if p.grad is None:
                continue
            squared = float(np.vdot(p.grad, p.grad))
            total += squared
            norm = math.sqrt(squared)
            self._sums[name] = self._sums.get(name, 0.0) + norm
            self._max[name] = max(self._max.get(name, 0.0), norm)
        self._batches += 1
        norm = math.sqrt(total)
        if len(self._recent) >= 10 and not self._reported:
            typical = float(np.median(self._recent))
            if norm > self.explode_factor * typical > 0 or not math.isfinite(norm):
                self._reported = True
                event = {
                    "epoch": trainer.epoch + 1,
                    "batch": batch + 1,
                    "norm": norm,
                    "median": typical,
                }
                self.explosions.append(event)
                trainer.log(
                    f"warning: exploding gradients at epoch {event['epoch']}, batch "
                    f"{event['batch']}: ‖∂C/∂θ‖ = {norm:.3g}, "
                    f"{norm / typical:.0f}× the median so far ({typical:.3g}); "
                    "consider a lower learning rate or --clip"
                )
        self._recent.append(norm)
        if len(self._recent) > self.window:
            del self._recent[: len(self._recent) - self.window]

    def on_epoch_end(self, trainer, logs: dict) -> None:
        if self._batches:
            logs["grad_norm"] = {name: self._sums[name] / self._batches for name in self._sums}
            logs["grad_norm_max"] = dict(self._max)
        if self.keep_histograms:
            self.histograms.append(
                {
                    "epoch": logs["epoch"],
                    "weights": {
                        name: _histogram(p.data)
                        for name, p in trainer.named_parameters
                        if name.endswith("W")
                    },
                    "gradients": {
                        name: _histogram(p.grad)
                        for name, p in trainer.named_parameters
                        if name.endswith("W") and p.grad is not None
                    },
                }
            )

    def state_dict(self) -> dict:
        return {
            "histograms": self.histograms,
            "explosions": self.explosions,
            "recent": self._recent,
        }

    def load_state_dict(self, state: dict) -> None:
        self.histograms = list(state.get("histograms", []))
        self.explosions = list(state.get("explosions", []))
        self._recent = [float(v) for v in state.get("recent", [])]


def _histogram(values: np.ndarray) -> dict:
    """``edges`` and ``counts`` over the :data:`HISTOGRAM_PERCENTILES` range of the finite
    values, with the counts ``below`` and ``above`` it (non-finite values are left out)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"edges": [0.0, 1.0], "counts": [0], "below": 0, "above": 0}
    low, high = (float(v) for v in np.percentile(finite, HISTOGRAM_PERCENTILES))
    if low == high:
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(finite, bins=BINS, range=(low, high))
    return {
        "edges": edges.tolist(),
        "counts": counts.tolist(),
        "below": int(np.count_nonzero(finite < low)),
        "above": int(np.count_nonzero(finite > high)),
    }
