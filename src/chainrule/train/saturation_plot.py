"""``saturation.png``: the share of saturated σ/tanh units or dead ReLUs of each hidden layer
over the epochs (measured by :mod:`chainrule.train.saturation`).

A layer whose line climbs towards 100% passes almost no gradient back: σ'(z) ≈ 0 (or
ReLU'(z) = 0) multiplies δ_l for those units, so the layers below it learn slowly or not at
all — vanishing gradients, seen where they start.
"""

from __future__ import annotations

from .figures import epoch_markers, plt, whole_epoch_ticks

#: How each activation and its share are named in the legend.
MEASURES = {
    "sigmoid": ("σ", "saturated values"),
    "tanh": ("tanh", "saturated values"),
    "relu": ("ReLU", "dead units"),
}
_THRESHOLDS = {
    "sigmoid": "σ saturated: |a − ½| > 0.49 (σ′ < 0.01)",
    "tanh": "tanh saturated: |a| > 0.99 (tanh′ < 0.02)",
    "relu": "ReLU dead: a = 0 for every probe example",
}


def saturation_figure(history: list[dict], description: dict, title: str | None = None):
    """One line per hidden layer: its share (%) per epoch. ``description`` is what
    :meth:`SaturationMonitor.describe` gives (the layers' activations and widths, the probe's
    size)."""
    layers = description.get("layers", {})
    highest = 0.0
    names = sorted({name for row in history for name in row.get("saturation", {})}, key=int)
    epochs = [row["epoch"] for row in history]
    figure, axis = plt.subplots(figsize=(7.5, 4.6), layout="constrained")
    style = epoch_markers(epochs)
    for name in names:
        layer = layers.get(name, {})
        symbol, measure = MEASURES.get(layer.get("activation"), ("", "share"))
        units = " ".join(str(part) for part in (layer.get("units"), symbol, "units") if part)
        shares = [
            100 * row["saturation"][name] if name in row.get("saturation", {}) else float("nan")
            for row in history
        ]
        highest = max([highest, *(v for v in shares if v == v)])
        axis.plot(epochs, shares, label=f"hidden layer {name} ({units}): {measure}", **style)
    # the scale reaches 100% once a layer passes a third of it; small shares stay readable
    top = 103 if highest > 33 else max(10.0, 1.25 * highest)
    axis.set_ylim(-top * 0.03, top)
    whole_epoch_ticks(axis, epochs)
    axis.set(xlabel="epoch", ylabel="saturated or dead units (%)")
    axis.grid(alpha=0.3)
    if names:
        axis.legend(fontsize=8)
    kinds = sorted({layers.get(name, {}).get("activation") for name in names} & set(_THRESHOLDS))
    probe = description.get("probe_examples")
    note = "; ".join(_THRESHOLDS[kind] for kind in kinds)
    if probe:
        note += f"; on {probe} training examples"
    axis.set_title(note, fontsize=8, color="0.3")
    figure.suptitle(title or "saturated and dead units per hidden layer", fontsize=11)
    return figure
