"""The network, cost and optimizer a playground run trains, from its settings.

One place for these choices, read by the run and written out by the exports:

- the network: :func:`chainrule.nn.mlp` with sizes [features, *layers, outputs], σ after each
  hidden layer, weights drawn (xavier) from ``numpy.random.default_rng(seed)``, and with
  dropout a Dropout layer after each hidden layer (its masks seeded from the same generator
  once every weight is drawn). Outputs: one per class, or one value for a regression. The
  output layer is linear for ce (the cost takes the logits z_L and applies softmax) and for a
  regression; for mse on classes it is σ, as in the book (and ``chainrule train``);
- the cost: ``CrossEntropy`` or ``MSE`` (½‖a − y‖²), both averaged over the batch
  (``reduction="mean"``), so that the learning rate means the same for every batch size;
- the optimizer: SGD (η), SGD with momentum 0.9, or Adam; L2 is their ``weight_decay`` λ
  (the step adds λW to ∂C/∂W, for the biases too).
"""

from __future__ import annotations

import numpy as np

from ..costs import MSE, CrossEntropy
from ..nn import mlp, output_for
from ..optim import SGD, Adam
from .settings import Settings

MOMENTUM = 0.9


def output_activation(settings: Settings) -> str:
    if settings.task == "regression":
        return "identity"
    return output_for(settings.cost, settings.activation)


def build_network(settings: Settings, n_features: int, n_outputs: int):
    return mlp(
        [n_features, *settings.layers, n_outputs],
        settings.activation,
        output_activation(settings),
        dropout=settings.dropout,
        rng=np.random.default_rng(settings.seed),
    )


def make_cost(settings: Settings):
    kind = CrossEntropy if settings.cost == "ce" else MSE
    return kind(reduction="mean")


def make_optimizer(settings: Settings, params):
    if settings.optimizer == "adam":
        return Adam(params, lr=settings.lr, weight_decay=settings.l2)
    momentum = MOMENTUM if settings.optimizer == "momentum" else 0.0
    return SGD(params, lr=settings.lr, momentum=momentum, weight_decay=settings.l2)


def batch_rng(settings: Settings) -> np.random.Generator:
    """The generator that shuffles the training examples each epoch."""
    return np.random.default_rng([settings.seed, 1])
