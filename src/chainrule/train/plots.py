"""Pictures of a training run (matplotlib, headless): the learning curves, the gradient norms
per layer, the weight and gradient histograms over epochs, the saturated and dead units per
layer (:mod:`.saturation_plot`), the confusion matrix.

In ``gradients.png`` a deep sigmoid network shows vanishing gradients as lines that sit
decades apart, the first layer's lowest: each layer back multiplies δ by σ'(z) ≤ ¼.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .figures import (
    MaxNLocator,
    Normalize,
    ScalarMappable,
    epoch_markers,
    plt,
    save_figure,
    whole_epoch_ticks,
)
from .saturation_plot import saturation_figure


def _column(history: list[dict], key: str, scale: float = 1.0) -> list[float]:
    return [np.nan if row.get(key) is None else row[key] * scale for row in history]


def run_title(data_name: str | None, network: str | None, test: dict) -> str:
    """``digits · 64–128–10 relu · test accuracy 95.6%`` (the test loss when there is no
    accuracy)."""
    parts = [part for part in (data_name, network) if part]
    if "accuracy" in test:
        parts.append(f"test accuracy {100 * test['accuracy']:.1f}%")
    elif test.get("r2") is not None:
        parts.append(f"test R² {test['r2']:.4f}")
    elif "loss" in test:
        parts.append(f"test loss {test['loss']:.4g}")
    return " · ".join(parts)


def network_label(net) -> str:
    """The layer widths and the hidden activation: ``64–128–10 relu``."""
    layers = getattr(net, "layers", [])
    widths = [layer.in_features for layer in layers if hasattr(layer, "in_features")]
    outs = [layer.out_features for layer in layers if hasattr(layer, "out_features")]
    if not widths:
        return ""
    last_dense = max(i for i, layer in enumerate(layers) if hasattr(layer, "in_features"))
    names = sorted(
        {
            type(layer).__name__.lower()
            for layer in layers[:last_dense]
            if not hasattr(layer, "in_features") and not hasattr(layer, "p")
        }
    )
    label = "–".join(str(w) for w in widths + outs[-1:])
    return f"{label} {'/'.join(names)}" if names else label


def history_figure(history: list[dict], title: str | None = None):
    """The learning curves: the cost per example (training and validation) and, for class
    labels, the accuracy (training and validation), per epoch."""
    epochs = [row["epoch"] for row in history]
    has_accuracy = any("accuracy" in row or "val_accuracy" in row for row in history)
    has_r2 = any("val_r2" in row for row in history)
    two = has_accuracy or has_r2
    figure, axes = plt.subplots(1, 2 if two else 1, figsize=(10 if two else 6, 4.2), squeeze=False)
    style = epoch_markers(history)
    loss = axes[0][0]
    loss.plot(
        epochs, _column(history, "loss"), label="training (mean over the epoch's batches)", **style
    )
    if any("val_loss" in row for row in history):
        loss.plot(
            epochs, _column(history, "val_loss"), label="validation (after the epoch)", **style
        )
    loss.set(xlabel="epoch", ylabel="cost per example", title="loss")
    if has_accuracy:
        right = axes[0][1]
        if any("accuracy" in row for row in history):
            right.plot(epochs, _column(history, "accuracy", 100), label="training", **style)
        if any("val_accuracy" in row for row in history):
            right.plot(epochs, _column(history, "val_accuracy", 100), label="validation", **style)
        right.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy (after each epoch)")
    elif has_r2:
        right = axes[0][1]
        right.plot(
            epochs, _column(history, "val_r2"), label="validation", color="tab:green", **style
        )
        right.set(xlabel="epoch", ylabel="R²", title="R² (after each epoch)")
    for axis in axes[0]:
        whole_epoch_ticks(axis, epochs)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    if title:
        figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure


def plot_history(history: list[dict], path, title: str | None = None) -> Path:
    """``training.png``: :func:`history_figure`."""
    return save_figure(history_figure(history, title), Path(path))


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def weight_label(names: list[str], name: str) -> str:
    """The book's name of a weight parameter: the l-th Dense layer's ``W_l`` (l from 1, as
    in explain), not the engine's dotted name: ``2.W`` of a 64-128-10 network is ``W₂``."""
    return f"W{str(names.index(name) + 1).translate(SUBSCRIPTS)}"


def gradient_norms_figure(history: list[dict], title: str | None = None):
    """Mean ‖∂C/∂W_l‖₂ over each epoch's batches, for every layer (log scale)."""
    figure, axis = plt.subplots(figsize=(7.5, 4.4), layout="constrained")
    names = sorted(
        {name for row in history for name in row.get("grad_norm", {}) if name.endswith("W")},
        key=_layer_order,
    )
    epochs = [row["epoch"] for row in history]
    for name in names:
        axis.plot(
            epochs,
            [row.get("grad_norm", {}).get(name, np.nan) for row in history],
            label=f"‖∂C/∂{weight_label(names, name)}‖",
            **epoch_markers(history),
        )
    axis.set_yscale("log")
    axis.set(
        xlabel="epoch",
        ylabel="‖∂C/∂Wₗ‖₂, mean over the epoch's batches",
        title=f"gradient norms by layer: {title}" if title else "gradient norms by layer",
    )
    axis.grid(alpha=0.3, which="both")
    whole_epoch_ticks(axis, epochs)
    if names:
        axis.legend(fontsize=8)
    return figure


def plot_gradient_norms(history: list[dict], path, title: str | None = None) -> Path:
    """``gradients.png``: :func:`gradient_norms_figure`."""
    return save_figure(gradient_norms_figure(history, title), Path(path))


def _layer_order(name: str):
    head = name.split(".")[0]
    return (int(head) if head.isdigit() else 0, name)


#: At most this many epochs are drawn in the histograms (evenly spread, first and last kept).
HISTOGRAM_EPOCHS = 12
#: The most shared bins each epoch's histogram is spread onto (fewer for small layers: about
#: one bin per ten entries, at least ten).
SHARED_BINS = 60


def _spread_epochs(histograms: list[dict], most: int = HISTOGRAM_EPOCHS) -> list[dict]:
    if len(histograms) <= most:
        return list(histograms)
    picked = np.unique(np.round(np.linspace(0, len(histograms) - 1, most)).astype(int))
    return [histograms[i] for i in picked]


def _entries(record: dict) -> int:
    return int(sum(record["counts"]) + record.get("below", 0) + record.get("above", 0))


def shared_shares(records: list[dict], bins: int | None = None):
    """The histograms ``records`` (``edges``, ``counts``, each epoch its own range) on common
    bins spanning all their ranges, as the share (%) of each epoch's values per bin: each
    source bin's count is spread over the common bins it overlaps, in proportion to the
    overlap. Returns ``(edges, shares)`` with one row of shares per record."""
    if bins is None:
        bins = int(np.clip(max(_entries(r) for r in records) // 10, 10, SHARED_BINS))
    low = min(float(r["edges"][0]) for r in records)
    high = max(float(r["edges"][-1]) for r in records)
    if not high > low:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    shares = np.zeros((len(records), bins))
    for row, record in enumerate(records):
        source = np.asarray(record["edges"], dtype=float)
        counts = np.asarray(record["counts"], dtype=float)
        total = _entries(record)
        if total == 0:
            continue
        overlap = (
            np.minimum(source[1:, None], edges[None, 1:])
            - np.maximum(source[:-1, None], edges[None, :-1])
        ).clip(min=0)
        widths = np.diff(source)[:, None]
        shares[row] = (
            100 * (counts[:, None] * overlap / np.where(widths > 0, widths, 1)).sum(axis=0) / total
        )
    return edges, shares


def _above_floor(share: np.ndarray, floor: float) -> np.ndarray:
    """The shares to draw: those below ``floor`` are left out (NaN), except beside a drawn one,
    where the line drops to the floor (so a lone bin shows as a peak, not nothing)."""
    visible = share >= floor
    beside = np.convolve(visible, [1, 1, 1], mode="same") > 0
    return np.where(visible, share, np.where(beside, floor, np.nan))


def histograms_figure(histograms: list[dict]):
    """For each layer, the distribution of its weights W_l and of its last batch's gradient
    ∂C/∂W_l, one line per epoch coloured by the epoch (colour bar). Each epoch's histogram
    covers its 0.5th–99.5th percentiles; all epochs of a panel share its bins, and the share
    of values per bin is drawn on a log scale, so that an epoch whose values bunch up does not
    flatten the others. At most :data:`HISTOGRAM_EPOCHS` epochs are drawn."""
    names = sorted({n for h in histograms for n in h["weights"]}, key=_layer_order)
    rows = max(len(names), 1)
    figure, axes = plt.subplots(
        rows, 2, figsize=(10.5, 0.6 + 2.6 * rows), squeeze=False, layout="constrained"
    )
    drawn = _spread_epochs(histograms)
    epochs = [record["epoch"] for record in drawn]
    first, last = min(epochs, default=1), max(epochs, default=1)
    norm = Normalize(first, last) if last > first else Normalize(first - 0.5, first + 0.5)
    colours = plt.cm.viridis
    for r, name in enumerate(names):
        weight = weight_label(names, name)
        for c, kind in enumerate(("weights", "gradients")):
            axis = axes[r][c]
            present = [
                (record["epoch"], record[kind][name])
                for record in drawn
                if name in record.get(kind, {}) and _entries(record[kind][name])
            ]
            if present:
                edges, shares = shared_shares([h for _, h in present])
                centres = (edges[:-1] + edges[1:]) / 2
                # below half an entry a share is an artefact of spreading counts over bins
                floor = 50 / max(_entries(h) for _, h in present)
                for (epoch, _), share in zip(present, shares, strict=True):
                    axis.plot(
                        centres, _above_floor(share, floor), color=colours(norm(epoch)), lw=1.2
                    )
                axis.set_yscale("log")
                axis.set_ylim(bottom=floor, top=max(float(shares.max()) * 1.5, floor * 10))
            else:
                axis.text(
                    0.5,
                    0.5,
                    "no finite values",
                    transform=axis.transAxes,
                    ha="center",
                    va="center",
                    color="0.4",
                )
            if kind == "weights":
                axis.set(title=f"weights {weight}", xlabel=f"entry of {weight}")
            else:
                axis.set(
                    title=f"gradient ∂C/∂{weight} (the epoch's last batch)",
                    xlabel=f"entry of ∂C/∂{weight}",
                )
            axis.set_ylabel("share of entries (%)")
            axis.title.set_fontsize(9)
            axis.tick_params(labelsize=7)
            axis.grid(alpha=0.25, which="major")
    bar = figure.colorbar(ScalarMappable(norm=norm, cmap=colours), ax=axes, shrink=0.9, aspect=30)
    bar.set_label("epoch")
    bar.locator = MaxNLocator(integer=True, min_n_ticks=1)
    bar.update_ticks()
    figure.suptitle(
        "distributions over the epochs (each epoch's 0.5th–99.5th percentiles, log scale)",
        fontsize=10,
    )
    return figure


def plot_histograms(histograms: list[dict], path) -> Path:
    """``histograms.png``: :func:`histograms_figure`."""
    return save_figure(histograms_figure(histograms), Path(path))


#: Above this many classes the counts are not written in the cells (they would not fit).
MOST_CLASSES_WITH_COUNTS = 30


def _text_colour(rgba) -> str:
    """Black on light cells, white on dark ones (by the cell colour's luminance)."""
    red, green, blue = rgba[:3]
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def confusion_figure(counts, names=None, what: str = "test data"):
    """The confusion matrix (rows: true class, columns: predicted) with a colour bar, the class
    names on both axes, the count in each cell, and the accuracy (the diagonal's share) in the
    title."""
    counts = np.asarray(counts)
    k = len(counts)
    names = [str(n) for n in (names or range(k))]
    total = int(counts.sum())
    right = int(np.trace(counts)) if k else 0
    side = min(max(4.5, 1.6 + 0.5 * k), 14)
    figure, axis = plt.subplots(figsize=(side + 1.4, side), layout="constrained")
    image = axis.imshow(counts, cmap="Blues", vmin=0)
    bar = figure.colorbar(image, ax=axis, shrink=0.85)
    bar.set_label("examples")
    bar.locator = MaxNLocator(integer=True, min_n_ticks=1)
    bar.update_ticks()
    long_names = k > 4 and max((len(n) for n in names), default=0) > 3
    size = 9 if k <= 12 else 7 if k <= 20 else 5
    axis.set_xticks(
        range(k),
        names,
        rotation=45 if long_names else 0,
        ha="right" if long_names else "center",
        fontsize=size + 1,
    )
    axis.set_yticks(range(k), names, fontsize=size + 1)
    axis.set(xlabel="predicted class", ylabel="true class")
    if k <= MOST_CLASSES_WITH_COUNTS:
        for i in range(k):
            for j in range(k):
                value = int(counts[i, j])
                colour = _text_colour(image.cmap(image.norm(value)))
                axis.text(
                    j,
                    i,
                    value,
                    ha="center",
                    va="center",
                    fontsize=size,
                    color=colour if value else "0.6",
                )
    share = f"{100 * right / total:.1f}% ({right} of {total})" if total else "no examples"
    axis.set_title(f"confusion matrix, {what}: accuracy {share}", fontsize=10)
    return figure


def plot_confusion(counts, names, path, what: str = "test data") -> Path:
    """``confusion.png``: :func:`confusion_figure`."""
    return save_figure(confusion_figure(counts, names, what), Path(path))


def draw_run(
    directory,
    history,
    histograms,
    test: dict,
    classes,
    *,
    data_name=None,
    net=None,
    saturation: dict | None = None,
) -> list[Path]:
    """Every picture of a finished run, into ``directory``; returns their paths. The training
    curves are titled with the data set's name, the network ``net`` and the test result;
    ``saturation`` describes the saturation measured per epoch (``saturation.png``)."""
    directory = Path(directory)
    paths = []
    if history:
        network = network_label(net) if net is not None else None
        paths.append(
            plot_history(history, directory / "training.png", run_title(data_name, network, test))
        )
        paths.append(
            plot_gradient_norms(
                history, directory / "gradients.png", run_title(data_name, network, {})
            )
        )
    if histograms:
        paths.append(plot_histograms(histograms, directory / "histograms.png"))
    if any(row.get("saturation") for row in history):
        name = f"{data_name} · {network_label(net)}" if data_name and net is not None else None
        figure = saturation_figure(
            history,
            saturation or {},
            f"saturated and dead units per hidden layer: {name}" if name else None,
        )
        paths.append(save_figure(figure, directory / "saturation.png"))
    if "confusion_matrix" in test:
        paths.append(
            plot_confusion(
                test["confusion_matrix"],
                classes,
                directory / "confusion.png",
                f"{data_name} (test)" if data_name else "test data",
            )
        )
    return paths
