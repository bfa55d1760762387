"""``MLPClassifier``: softmax cross-entropy over one output per class, any label type."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import validate_data

from ..costs import CrossEntropy
from ..ops.softmax import stable_log_softmax, stable_softmax
from ..train import network_outputs
from .base import ChainruleMLP

_PARAMETERS = """
    Parameters (scikit-learn's names, so the two classes swap; checked when ``fit`` runs)
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        The width of each hidden layer; ``()`` is a linear model.
    activation : {"relu", "tanh", "logistic" (or "sigmoid"), "identity"}, default="relu"
        The hidden layers' function σ. Weights start Xavier (Glorot) uniform, as
        scikit-learn's; biases at 0.
    solver : {"adam", "sgd", "adamw"}, default="adam"
        chainrule's optimizers: Adam, SGD with ``momentum`` (Nesterov's when
        ``nesterovs_momentum``), AdamW.
    alpha : float, default=1e-4
        The L2 penalty ½α‖θ‖² per batch, scikit-learn's scaling: the optimizer's weight decay
        is α / batch_size on the mean loss (for "adamw", α is the decoupled decay itself).
        Unlike scikit-learn it also decays the biases.
    batch_size : int or "auto", default="auto"
        Examples per step; "auto" is min(200, n_samples); larger than n is clipped (warned).
    learning_rate_init : float, default=1e-3
        The step size η (constant).
    max_iter : int, default=200
        The most epochs ``fit`` runs; reaching it without converging warns
        (``sklearn.exceptions.ConvergenceWarning``).
    shuffle : bool, default=True
        Reshuffle the examples every epoch.
    random_state : None, int or RandomState, default=None
        Draws the initial weights, the shuffling, the Dropout masks and the validation split;
        an int makes ``fit`` reproducible bit for bit.
    tol, n_iter_no_change : float, int, default=1e-4, 10
        Convergence: training stops when the loss (or, with early stopping, the validation
        score) has not improved by more than ``tol`` for more than ``n_iter_no_change``
        consecutive epochs (:class:`chainrule.train.ToleranceStopping`).
    verbose : bool, default=False
        Print one line per epoch (the trainer's log).
    warm_start : bool, default=False
        ``fit`` continues from the fitted network instead of starting afresh (with a new
        optimizer, as scikit-learn does).
    momentum, nesterovs_momentum : float, bool, default=0.9, True
        SGD's momentum μ, and whether to take Nesterov's look-ahead step.
    early_stopping, validation_fraction : bool, float, default=False, 0.1
        Hold out ``validation_fraction`` of the training data (<split>) and stop on its score
        (<score>); the best epoch's weights are kept.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's moment decay rates and ε.
    dtype : {"float64", "float32"}, default="float64"
        The network's float type. float64 by default: scikit-learn's estimator checks compare
        predictions made on whole sets, subsets and reordered sets to 1e-7 (and refits to
        ~1e-9), which float32 rounding in batched matrix products does not guarantee.
    dropout : float, default=0.0
        The probability of dropping each hidden unit while training (chainrule's Dropout
        after every hidden activation); off when predicting.
"""

_ATTRIBUTES = """
    Attributes
    ----------
    net_ : chainrule.Sequential
        The trained network (``net_[0].W`` is the first layer's (out, in) weights;
        ``chainrule.trace(net_, x, y, cost)`` explains one example's backward pass).
    n_features_in_, feature_names_in_ : int, ndarray
        The number (and, for data frames, the names) of the features seen in ``fit``.
    n_iter_ : int
        Epochs run by the latest ``fit`` (1 after ``partial_fit``); ``t_``: examples seen.
    loss_, loss_curve_ : float, list of float
        The training loss (mean cost per example, plus the L2 term) of the last epoch, and of
        every epoch.
    best_loss_ : float or None
        The lowest training loss (None with early stopping).
    validation_scores_, best_validation_score_ : list of float, float, or None
        With early stopping, the held-out score after every epoch, and the best.
    coefs_, intercepts_ : list of ndarray
        The weights in scikit-learn's (in, out) layout (views of ``net_``'s W transposed) and
        the biases.
    n_layers_, n_outputs_, out_activation_ : int, int, str
        Layers counting input and output; network outputs; the output function.
"""

_SAVING = """
    Saving: ``est.save(path)`` writes a chainrule checkpoint (arrays and JSON, no pickle);
    ``<cls>.load(path)`` reads it back, predicting identically and able to continue with
    ``partial_fit``. Pickling the estimator with Python's pickle (as scikit-learn and joblib
    do) also works.

    scikit-learn's estimator checks (``check_estimator``) pass in full; none is skipped.
"""


class MLPClassifier(ClassifierMixin, ChainruleMLP):
    __doc__ = (
        """A multi-layer perceptron classifier trained by chainrule's backpropagation.

    The network is ``Dense → σ → … → Dense`` with one output per class; training minimises
    softmax cross-entropy (:class:`chainrule.CrossEntropy`, fused, ∂C/∂z = p − y) with
    chainrule's :class:`~chainrule.train.Trainer`. Labels may be of any type (strings, ints,
    booleans): ``classes_`` holds them sorted, and the network's output ``k`` is
    ``classes_[k]``. Two classes use two outputs and a softmax (exactly the logistic model).

    ``fit(X, y)``, ``partial_fit(X, y, classes=None)`` (one epoch; ``classes`` on the first
    call), ``predict``, ``predict_proba`` (rows sum to 1), ``predict_log_proba``, ``score``
    (accuracy). Inputs are dense arrays (sparse matrices are refused: chainrule is dense).
"""
        + _PARAMETERS.replace("<split>", "stratified").replace("<score>", "accuracy")
        + _ATTRIBUTES
        + """    classes_ : ndarray
        The class labels, sorted.
"""
        + _SAVING.replace("<cls>", "MLPClassifier")
        + """
    Example::

        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from chainrule.sklearn import MLPClassifier

        model = make_pipeline(StandardScaler(), MLPClassifier((64,), random_state=0))
        model.fit(X_train, y_train).score(X_test, y_test)
"""
    )

    _out_activation = "softmax"
    _stratify = True

    def fit(self, X, y):
        """Train from a new network for up to ``max_iter`` epochs; returns self."""
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X, y, classes=None):
        """One epoch over ``X, y``, continuing the network and the optimizer's state. The
        first call needs ``classes``, every label that will ever be seen (``np.unique`` of all
        the targets); later calls may repeat it. Returns self."""
        return self._fit(X, y, incremental=True, classes=classes)

    def _validate_xy(self, X, y, *, reset, dtype):
        return validate_data(self, X, y, reset=reset, dtype=dtype)

    def _targets(self, y, *, first, incremental, classes, dtype):
        check_classification_targets(y)
        previous = None if first else self.classes_
        if incremental:
            if classes is None and previous is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            known = previous if classes is None else unique_labels(classes)
            if previous is not None and not np.array_equal(previous, known):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on last call to "
                    f"partial_fit, was: {previous!r}"
                )
        elif first:
            known = unique_labels(y)
        else:  # warm start
            known, seen = previous, unique_labels(y)
            if set(seen) != set(known):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes "
                    f"as in the previous call to fit. Previously got {known}, "
                    f"`y` has {seen}"
                )
        if len(known) < 2:
            raise ValueError(
                f"{type(self).__name__} needs examples of at least 2 classes; the "
                f"data has only one class: {known[0]!r}"
            )
        encoded = np.minimum(np.searchsorted(known, y), len(known) - 1)
        if np.any(known[encoded] != y):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{known}. 'y' has {unique_labels(y)}."
            )
        return encoded.astype(np.int64), len(known), {"classes_": known}

    def _cost(self):
        return CrossEntropy()

    def _score_arrays(self, X, targets) -> float:
        return float(np.mean(np.argmax(network_outputs(self.net_, X), axis=1) == targets))

    def predict(self, X):
        """The most probable class of each example (its label, from ``classes_``)."""
        outputs = self._outputs(X)
        return self.classes_[np.argmax(outputs, axis=1)]

    def predict_proba(self, X):
        """Class probabilities, one row per example, columns in ``classes_`` order: the
        softmax of the network's outputs."""
        return stable_softmax(self._outputs(X))

    def predict_log_proba(self, X):
        """ln of :meth:`predict_proba`, computed stably from the logits."""
        return stable_log_softmax(self._outputs(X))
