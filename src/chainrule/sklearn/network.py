"""The estimators' network, optimizer and per-epoch bookkeeping — all chainrule's own parts.

The network is a :class:`chainrule.Sequential` of ``Dense`` layers with the hidden activation
after each hidden one (and ``Dropout`` after that, if asked) and a linear output: the logits
for the classifier (softmax + cross-entropy fused in :class:`chainrule.CrossEntropy`), the
predictions for the regressor (:class:`chainrule.MSE`).
"""

from __future__ import annotations

import numpy as np

from ..memory import require as require_memory
from ..memory import training_bytes
from ..nn import Sequential, mlp
from ..optim import SGD, Adam, AdamW
from ..train import Callback
from .params import Settings


def build_network(
    n_features: int, n_outputs: int, settings: Settings, rng: np.random.Generator
) -> Sequential:
    """``n_features → hidden … → n_outputs``, weights drawn from ``rng`` layer by layer with
    the Xavier (Glorot) uniform initialisation, as scikit-learn's MLP draws them (biases start
    at 0). On the digits it matches scikit-learn's accuracy where He's for the ReLU layers
    trailed it by about a point. Each Dropout layer's masks are seeded from ``rng`` as it is
    built, between the weights of the layers around it."""
    sizes = [n_features, *settings.hidden, n_outputs]
    require_memory(
        training_bytes(sizes, settings.dtype, batch_size=200, optimizer=settings.solver),
        f"fitting the network {'-'.join(map(str, sizes))} ({settings.dtype})",
        "choose smaller hidden_layer_sizes",
    )
    return mlp(
        sizes,
        settings.activation,
        "identity",
        dropout=settings.dropout,
        init="xavier",
        dtype=settings.dtype,
        rng=rng,
        dropout_rng=rng,
    )


def l2_rate(settings: Settings, batch_size: int) -> float:
    """The weight decay λ that is scikit-learn's ``alpha``: its penalty ½α‖W‖² is added to
    each batch's summed loss, so on the mean loss the gradient gains (α / batch) W. For AdamW
    ``alpha`` is the decoupled decay itself (W ← W − η α W)."""
    return settings.alpha if settings.solver == "adamw" else settings.alpha / batch_size


def build_optimizer(net: Sequential, settings: Settings, batch_size: int):
    """Adam (β₁, β₂, ε), AdamW, or SGD with momentum (Nesterov's when asked and μ > 0)."""
    params = net.parameters()
    rate, decay = settings.learning_rate_init, l2_rate(settings, batch_size)
    if settings.solver == "sgd":
        return SGD(
            params,
            rate,
            momentum=settings.momentum,
            nesterov=settings.nesterovs_momentum and settings.momentum > 0,
            weight_decay=decay,
        )
    kind = AdamW if settings.solver == "adamw" else Adam
    return kind(
        params,
        rate,
        betas=(settings.beta_1, settings.beta_2),
        eps=settings.epsilon,
        weight_decay=decay,
    )


def penalty(net: Sequential, rate: float) -> float:
    """½ λ Σ‖θ‖², the L2 term the coupled weight decay λ minimises."""
    if not rate:
        return 0.0
    return 0.5 * rate * sum(float(np.vdot(p.data, p.data)) for p in net.parameters())


class EpochRecorder(Callback):
    """Keeps the estimator's scikit-learn attributes as training goes. After each epoch the
    training loss plus the L2 term (``l2``: the coupled decay, 0 for AdamW) becomes
    ``logs["objective"]``, ``loss_`` and the next entry of ``loss_curve_``; with a validation
    set, its score (accuracy or R²) becomes ``logs["val_score"]`` and enters
    ``validation_scores_``."""

    def __init__(self, estimator, l2: float, validation=None):
        self.estimator = estimator
        self.l2 = l2
        self.validation = validation

    def on_epoch_end(self, trainer, logs: dict) -> None:
        est = self.estimator
        objective = float(logs["loss"]) + penalty(trainer.net, self.l2)
        logs["objective"] = objective
        est.loss_ = objective
        est.loss_curve_.append(objective)
        if self.validation is not None:
            score = est._score_arrays(*self.validation)
            logs["val_score"] = score
            est.validation_scores_.append(score)
            trainer.log(f"validation score {score:.6f}")
