"""What the training pictures share: headless matplotlib, the epoch axis, atomic saving."""

from __future__ import annotations

from pathlib import Path

from ..checkpoint import atomic_write
from ..optional import require

matplotlib = require("matplotlib", "the training plots")
matplotlib.use("Agg")
plt = require("matplotlib.pyplot", "the training plots")
ScalarMappable = require("matplotlib.cm", "the training plots").ScalarMappable
Normalize = require("matplotlib.colors", "the training plots").Normalize
MaxNLocator = require("matplotlib.ticker", "the training plots").MaxNLocator

#: Runs up to this many epochs get a marker on each epoch's point.
MOST_EPOCHS_WITH_MARKERS = 60


def save_figure(figure, path) -> Path:
    """Write ``figure`` as a PNG to ``path`` atomically and close it."""
    path = Path(path)
    atomic_write(path, lambda handle: figure.savefig(handle, format="png", dpi=110))
    plt.close(figure)
    return path


def whole_epoch_ticks(axis, epochs) -> None:
    """Ticks at whole epochs only (a 3-epoch run shows 1, 2, 3, not 1.25 …); a one-epoch run
    gets room either side of its single point."""
    axis.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    epochs = list(epochs)
    if epochs and min(epochs) == max(epochs):
        axis.set_xlim(epochs[0] - 0.5, epochs[0] + 0.5)


def epoch_markers(epochs) -> dict:
    """Markers on each epoch's point for short runs (a one-epoch run is a single point)."""
    return {"marker": "o", "ms": 3} if len(list(epochs)) <= MOST_EPOCHS_WITH_MARKERS else {}
