"""Pictures of a training run (matplotlib, headless): the learning curves, the gradient norms
per layer, the weight and gradient histograms over epochs, the confusion matrix.

In ``gradients.png`` a deep sigmoid network shows vanishing gradients as lines that sit
decades apart, the first layer's lowest: each layer back multiplies δ by σ'(z) ≤ ¼.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..checkpoint import atomic_write  # noqa: E402


def _save(figure, path: Path) -> Path:
    atomic_write(path, lambda handle: figure.savefig(handle, format="png", dpi=110))
    plt.close(figure)
    return path


def plot_history(history: list[dict], path) -> Path:
    """Loss (training and validation) and the validation accuracy (R² for a regression
    target) per epoch."""
    epochs = [row["epoch"] for row in history]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, [row["loss"] for row in history], marker="o", ms=3, label="training")
    if any("val_loss" in row for row in history):
        left.plot(epochs, [row.get("val_loss", np.nan) for row in history], marker="o", ms=3,
                  label="validation")
    left.set(xlabel="epoch", ylabel="cost per example", title="loss")
    left.legend()
    # classes: the validation accuracy; a regression target: the validation R²
    key, name = ("val_r2", "R²") if any("val_r2" in row for row in history) else \
        ("val_accuracy", "accuracy")
    if any(key in row for row in history):
        values = [row.get(key) for row in history]
        right.plot(epochs, [np.nan if v is None else v for v in values], marker="o",
                   ms=3, color="tab:green", label="validation")
        right.legend()
    right.set(xlabel="epoch", ylabel=name, title=name)
    for axis in (left, right):
        axis.grid(alpha=0.3)
    figure.tight_layout()
    return _save(figure, Path(path))


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def weight_label(names: list[str], name: str) -> str:
    """The book's name of a weight parameter: the l-th Dense layer's ``W_l`` (l from 1),
    with the parameter's dotted name: ``W₂ (2.W)``."""
    return f"W{str(names.index(name) + 1).translate(SUBSCRIPTS)} ({name})"


def plot_gradient_norms(history: list[dict], path) -> Path:
    """Mean ‖∂C/∂W_l‖₂ per epoch for every layer (log scale)."""
    figure, axis = plt.subplots(figsize=(7, 4))
    names = sorted({name for row in history for name in row.get("grad_norm", {})
                    if name.endswith("W")}, key=_layer_order)
    epochs = [row["epoch"] for row in history]
    for name in names:
        axis.plot(epochs, [row.get("grad_norm", {}).get(name, np.nan) for row in history],
                  marker="o", ms=3, label=f"‖∂C/∂{weight_label(names, name)}‖")
    axis.set_yscale("log")
    axis.set(xlabel="epoch", ylabel="mean gradient norm per batch",
             title="gradient norms by layer")
    axis.grid(alpha=0.3, which="both")
    if names:
        axis.legend(fontsize=8)
    figure.tight_layout()
    return _save(figure, Path(path))


def _layer_order(name: str):
    head = name.split(".")[0]
    return (int(head) if head.isdigit() else 0, name)


def plot_histograms(histograms: list[dict], path) -> Path:
    """For each layer, the weights' and the gradients' distributions over epochs (one line per
    epoch, from dark (first) to light (last))."""
    names = sorted({n for h in histograms for n in h["weights"]}, key=_layer_order)
    rows = max(len(names), 1)
    figure, axes = plt.subplots(rows, 2, figsize=(10, 2.4 * rows), squeeze=False)
    colours = plt.cm.viridis(np.linspace(0.15, 0.9, max(len(histograms), 1)))
    for r, name in enumerate(names):
        for c, kind in enumerate(("weights", "gradients")):
            axis = axes[r][c]
            for colour, record in zip(colours, histograms, strict=False):
                h = record[kind].get(name)
                if h is None:
                    continue
                edges = np.asarray(h["edges"])
                centres = (edges[:-1] + edges[1:]) / 2
                axis.plot(centres, h["counts"], color=colour, lw=1)
            weight = weight_label(names, name)
            label = weight if kind == "weights" else f"∂C/∂{weight}, last batch"
            axis.set_title(label, fontsize=9)
            axis.tick_params(labelsize=7)
    figure.suptitle("distributions over the epochs (dark: first, light: last)", fontsize=10)
    figure.tight_layout()
    return _save(figure, Path(path))


def plot_confusion(counts, names, path) -> Path:
    """The confusion matrix as an image (rows: true class, columns: predicted)."""
    counts = np.asarray(counts)
    k = len(counts)
    names = [str(n) for n in (names or range(k))]
    figure, axis = plt.subplots(figsize=(1 + 0.55 * k, 1 + 0.5 * k))
    axis.imshow(counts, cmap="Blues")
    axis.set_xticks(range(k), names, rotation=60, ha="right", fontsize=8)
    axis.set_yticks(range(k), names, fontsize=8)
    axis.set(xlabel="predicted", ylabel="true")
    high = counts.max() if counts.size else 0
    for i in range(k):
        for j in range(k):
            axis.text(j, i, int(counts[i, j]), ha="center", va="center", fontsize=7,
                      color="white" if counts[i, j] > high / 2 else "black")
    figure.tight_layout()
    return _save(figure, Path(path))


def draw_run(directory, history, histograms, test: dict, classes) -> list[Path]:
    """Every picture of a finished run, into ``directory``; returns their paths."""
    directory = Path(directory)
    paths = []
    if history:
        paths.append(plot_history(history, directory / "training.png"))
        paths.append(plot_gradient_norms(history, directory / "gradients.png"))
    if histograms:
        paths.append(plot_histograms(histograms, directory / "histograms.png"))
    if "confusion_matrix" in test:
        paths.append(plot_confusion(test["confusion_matrix"], classes,
                                    directory / "confusion.png"))
    return paths
