"""Saturated and dead units: where the gradient stops, layer by layer.

Backpropagation multiplies the error by the activation's derivative at every hidden layer,
δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l), so a unit whose σ'(z) is almost 0 passes almost nothing
back to the layers below it. This module measures, for each hidden layer l, the share of its
units in that state on a fixed *probe batch* of training examples:

- σ: an activation a = σ(z) is *saturated* when |a − ½| > 0.49, i.e. σ'(z) = a(1 − a) < 0.0099
  (|z| > ln 99 ≈ 4.6); the share is over all (unit, example) pairs of the probe batch.
- tanh: a = tanh z is saturated when |a| > 0.99, i.e. tanh'(z) = 1 − a² < 0.0199
  (|z| > 2.65); the share is over all (unit, example) pairs.
- ReLU: a unit is *dead* when a = max(z, 0) = 0 (so ReLU'(z) = 0) for every example of the
  probe batch; the share is over the layer's units.

:class:`SaturationMonitor` measures this once per epoch (a forward pass without recording, in
evaluation mode, over :data:`PROBE_EXAMPLES` training rows chosen once) and adds
``saturation`` — ``{"l": share in [0, 1]}`` per hidden layer — to the epoch's logs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..autodiff.mode import no_grad
from ..autodiff.tensor import Tensor
from ..dtypes import as_array
from ..nn import ReLU, Sequential, Sigmoid, Tanh
from ..nn.dense import Dense
from .callbacks import Callback

#: Training rows in the probe batch.
PROBE_EXAMPLES = 256
#: σ(z) is saturated when |σ(z) − ½| exceeds this.
SIGMOID_MARGIN = 0.49
#: tanh z is saturated when |tanh z| exceeds this.
TANH_LIMIT = 0.99

#: What each share counts, as metrics.json records it.
DEFINITIONS = {
    "sigmoid": f"saturated: share of (unit, example) pairs of the probe batch with "
    f"|a - 0.5| > {SIGMOID_MARGIN} (sigma'(z) = a(1 - a) < "
    f"{(0.5 - SIGMOID_MARGIN) * (0.5 + SIGMOID_MARGIN):.4f})",
    "tanh": f"saturated: share of (unit, example) pairs of the probe batch with "
    f"|a| > {TANH_LIMIT} (tanh'(z) = 1 - a^2 < {1 - TANH_LIMIT**2:.4f})",
    "relu": "dead: share of the layer's units with a = 0 for every example of the probe batch "
    "(ReLU'(z) = 0 for all of them)",
}

_KINDS = {Sigmoid: "sigmoid", Tanh: "tanh", ReLU: "relu"}


@dataclass
class HiddenLayer:
    """Hidden layer ``number`` (l, from 1, as in W_l) with its ``activation`` and ``units``;
    ``segment`` runs the layers from the previous hidden activation up to this one's."""

    number: int
    activation: str
    units: int
    segment: Sequential


def hidden_layers(net) -> list[HiddenLayer]:
    """The hidden layers of ``net`` (a Sequential) that end in σ, tanh or ReLU; the output
    layer and hidden layers without an activation (identity) are not included."""
    layers = list(getattr(net, "layers", []))
    dense_at = [i for i, layer in enumerate(layers) if isinstance(layer, Dense)]
    if not dense_at:
        return []
    found, start, number, units = [], 0, 0, 0
    for i, layer in enumerate(layers[: dense_at[-1]]):
        if isinstance(layer, Dense):
            number, units = number + 1, layer.out_features
        kind = _KINDS.get(type(layer))
        if kind is not None and number:
            found.append(HiddenLayer(number, kind, units, Sequential(*layers[start : i + 1])))
            start = i + 1
    return found


def saturated_share(activation: str, a: np.ndarray) -> float:
    """The share of saturated σ/tanh values or of dead ReLU units in the activations ``a``
    (one row per example), as :data:`DEFINITIONS` says."""
    if activation == "sigmoid":
        return float(np.mean(np.abs(a - 0.5) > SIGMOID_MARGIN))
    if activation == "tanh":
        return float(np.mean(np.abs(a) > TANH_LIMIT))
    if activation == "relu":
        return float(np.mean(np.all(a == 0, axis=0)))
    raise ValueError(f"no saturation is defined for {activation!r}")


def measure(net, X: np.ndarray, layers: list[HiddenLayer] | None = None) -> dict[str, float]:
    """``{"l": share}`` for every hidden layer of ``net`` on the examples ``X`` (rows), in
    evaluation mode (Dropout off) and without recording."""
    layers = hidden_layers(net) if layers is None else layers
    shares = {}
    was_training = net.training
    net.eval()
    try:
        with no_grad():
            x = X
            for layer in layers:
                out = layer.segment(x)
                x = out.data if isinstance(out, Tensor) else np.asarray(out)
                shares[str(layer.number)] = saturated_share(layer.activation, x)
    finally:
        net.train(was_training)
    return shares


def probe_rows(n: int, examples: int = PROBE_EXAMPLES, seed: int = 0) -> np.ndarray:
    """The indices of the probe batch among ``n`` training rows: ``examples`` of them drawn
    once without replacement by their own generator (all rows when there are fewer)."""
    if n <= examples:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, examples, replace=False))


class SaturationMonitor(Callback):
    """After each epoch, the share of saturated σ/tanh values and dead ReLU units per hidden
    layer on a fixed probe batch of ``X`` (training features): ``saturation`` in the logs.

    The probe uses its own random generator, so training (shuffling, Dropout) is unchanged."""

    def __init__(self, X, examples: int = PROBE_EXAMPLES):
        X = np.asarray(X)
        self.X = X[probe_rows(len(X), examples)]
        self._layers: list[HiddenLayer] | None = None
        self._probe = None

    def on_train_begin(self, trainer) -> None:
        self._layers = hidden_layers(trainer.net)
        self._probe = as_array(self.X, trainer.dtype, what="probe batch")

    def on_epoch_end(self, trainer, logs: dict) -> None:
        if self._layers:
            logs["saturation"] = measure(trainer.net, self._probe, self._layers)

    def describe(self, net) -> dict:
        """What metrics.json says of the measurement: the probe's size, each hidden layer's
        activation and width, and the definitions used."""
        layers = hidden_layers(net)
        return {
            "probe_examples": len(self.X),
            "layers": {
                str(h.number): {"activation": h.activation, "units": h.units} for h in layers
            },
            "definitions": {
                kind: DEFINITIONS[kind] for kind in sorted({h.activation for h in layers})
            },
        }
