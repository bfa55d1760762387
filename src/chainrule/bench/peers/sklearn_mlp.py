"""scikit-learn's ``MLPClassifier``: one ``partial_fit`` is one epoch over the pool of batches
(``batch_size`` rows per step, no shuffling, no L2 term), timed per step. Its cost is its own
log-loss (a classifier has no ½‖a − y‖²); the layers, activations and optimizer match."""

from __future__ import annotations

import numpy as np

from .runner import Runner

NAME = "scikit-learn"


def missing():
    from ...optional import available, install_hint

    return (
        None
        if available("sklearn.neural_network")
        else f"scikit-learn is not installed ({install_hint('sklearn', 'bench')})"
    )


def classifier(case, threads):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=case.sizes[1:-1],
        activation="logistic" if case.kind == "sigmoid" else "relu",
        solver="sgd" if case.kind == "sigmoid" else "adam",
        alpha=0.0,
        batch_size=case.batch,
        learning_rate_init=case.lr,
        momentum=0.0,
        nesterovs_momentum=False,
        shuffle=False,
        random_state=0,
    )


def runner(case, data, threads):
    import warnings

    clf = classifier(case, threads)
    X = np.concatenate(data.X)
    y = np.concatenate(data.labels)
    classes = np.arange(max(case.sizes[-1], 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.partial_fit(X, y, classes=classes)

    def run(n):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(n):
                clf.partial_fit(X, y)

    return Runner(run, steps=len(data.X), note="partial_fit: one epoch over the pool")
