"""The parity plot of a regression run (matplotlib, headless): each test example's predicted
target against its true target, with the line y = x where perfect predictions lie, and R² in
the title. What a confusion matrix is to a classifier."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .figures import plt, save_figure
from .regression import format_r2


def plot_parity(
    true, predicted, path, *, r2: float | None = None, names=None, what: str = "test set"
) -> Path:
    """One panel per target column (at most four are drawn), true on x, predicted on y, in the
    target's units; ``names``: the target columns' names (axis labels)."""
    true = np.asarray(true, dtype=np.float64).reshape(len(true), -1)
    predicted = np.asarray(predicted, dtype=np.float64).reshape(len(predicted), -1)
    k = min(true.shape[1], 4)
    names = list(names or [])
    figure, axes = plt.subplots(1, k, figsize=(4.6 * k, 4.4), squeeze=False)
    for j, axis in enumerate(axes[0]):
        name = names[j] if j < len(names) else ("y" if k == 1 else f"y{j}")
        t, p = true[:, j], predicted[:, j]
        low = float(min(t.min(), p.min()))
        high = float(max(t.max(), p.max()))
        pad = 0.04 * (high - low or 1.0)
        axis.plot(
            [low - pad, high + pad],
            [low - pad, high + pad],
            color="tab:red",
            lw=1,
            label="y = x (perfect)",
        )
        axis.scatter(
            t, p, s=12, alpha=0.7, color="tab:blue", edgecolors="none", label=f"{len(t)} examples"
        )
        axis.set(
            xlim=(low - pad, high + pad),
            ylim=(low - pad, high + pad),
            xlabel=f"true {name}",
            ylabel=f"predicted {name}",
        )
        axis.set_aspect("equal")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8, loc="upper left")
    extra = f" (first 4 of {true.shape[1]} targets)" if true.shape[1] > k else ""
    figure.suptitle(f"predicted vs true, {what}: R² = {format_r2(r2)}{extra}", fontsize=11)
    figure.tight_layout()
    return save_figure(figure, Path(path))
