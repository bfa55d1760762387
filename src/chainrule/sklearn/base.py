"""What the classifier and the regressor share: parameters, the training call, prediction,
scikit-learn's attributes, saving and loading.

Training is chainrule's own loop: each ``fit`` / ``partial_fit`` call makes a
:class:`chainrule.train.Trainer` over the estimator's network ``net_`` and optimizer, with two
callbacks — :class:`.network.EpochRecorder` (``loss_curve_``, ``validation_scores_``) and
:class:`chainrule.train.ToleranceStopping` (scikit-learn's ``tol`` / ``n_iter_no_change`` rule)
— and runs ``max_iter`` epochs (``fit``) or one (``partial_fit``). The network, the optimizer's
state and the shuffling generator live on the estimator, so ``partial_fit`` continues where the
last call stopped; the trainer itself is not kept (the estimator pickles without it).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..errors import ConfigError
from ..nn import config_differences
from ..train import ToleranceStopping, Trainer, network_outputs
from ..train.prepared import network_dtype
from . import saving
from .network import EpochRecorder, build_network, build_optimizer, l2_rate
from .params import Settings, checked


class ChainruleMLP(BaseEstimator):
    """Base of :class:`MLPClassifier` and :class:`MLPRegressor` (see their docstrings)."""

    #: The name of the output layer's function, as scikit-learn's ``out_activation_`` reports.
    _out_activation = "identity"
    #: Whether the early-stopping validation split keeps the class proportions.
    _stratify = False

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate_init=1e-3,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        dtype="float64",
        dropout=0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype
        self.dropout = dropout

    # -- what each estimator supplies -------------------------------------------------------
    def _validate_xy(self, X, y, *, reset: bool, dtype):
        raise NotImplementedError

    def _targets(self, y, *, first: bool, incremental: bool, classes, dtype):
        """``(targets for the trainer, number of outputs, attributes to set)``."""
        raise NotImplementedError

    def _cost(self):
        raise NotImplementedError

    def _score_arrays(self, X, targets) -> float:
        """The validation score (accuracy, R²) of prepared arrays."""
        raise NotImplementedError

    # -- training -----------------------------------------------------------------------------
    def _fit(self, X, y, *, incremental: bool, classes=None):
        settings = checked(self)
        if incremental and settings.early_stopping:
            raise ConfigError("partial_fit does not support early_stopping=True")
        fitted = hasattr(self, "net_")
        first = not fitted or (not incremental and not settings.warm_start)
        dtype = settings.dtype if first else network_dtype(self.net_)
        X, y = self._validate_xy(X, y, reset=first, dtype=dtype)
        targets, n_outputs, attributes = self._targets(
            y, first=first, incremental=incremental, classes=classes, dtype=dtype
        )
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        if first:
            self._initialize(X.shape[1], n_outputs, settings, seed)
        else:
            self._check_architecture(X.shape[1], n_outputs, settings)
        for name, value in attributes.items():
            setattr(self, name, value)

        early = settings.early_stopping
        validation = None
        X_train, T_train = X, targets
        if early:
            X_train, X_val, T_train, T_val = train_test_split(
                X,
                targets,
                test_size=settings.validation_fraction,
                random_state=seed,
                stratify=targets if self._stratify else None,
            )
            if len(X_val) < 2:
                raise ConfigError(
                    "The validation set is too small. Increase "
                    "'validation_fraction' or the size of your dataset."
                )
            validation = (X_val, T_val)
        batch_size = settings.batch_size_for(len(X_train))
        if first or not incremental:  # fit starts a new optimizer, as scikit-learn's does
            self._optimizer = build_optimizer(self.net_, settings, batch_size)
            self._stopping = ToleranceStopping(
                "val_score" if early else "objective",
                tol=settings.tol,
                patience=settings.n_iter_no_change,
                mode="max" if early else "min",
                restore_best=early,
            )
            self.validation_scores_ = [] if early else None
        else:  # partial_fit continues with the optimizer's state; its batches may differ
            self._optimizer.weight_decay = l2_rate(settings, batch_size)
        l2 = 0.0 if settings.solver == "adamw" else self._optimizer.weight_decay
        trainer = Trainer(
            self.net_,
            self._cost(),
            self._optimizer,
            batch_size=batch_size,
            callbacks=[EpochRecorder(self, l2, validation), self._stopping],
            rng=self._shuffle_rng,
            shuffle=settings.shuffle,
            verbose=settings.verbose,
            progress=False,
        )
        epochs = 1 if incremental else settings.max_iter
        trainer.fit(X_train, T_train, epochs=epochs)

        self.n_iter_ = trainer.epoch
        self.t_ += trainer.epoch * len(X_train)
        self._no_improvement_count = self._stopping.wait
        if early:
            self.best_loss_ = None
            self.best_validation_score_ = self._stopping.best
        else:
            self.best_loss_ = self._stopping.best
            self.best_validation_score_ = None
        if (
            not incremental
            and self._stopping.stopped_epoch is None
            and trainer.epoch == settings.max_iter
        ):
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({settings.max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return self

    def _initialize(self, n_features: int, n_outputs: int, settings: Settings, seed: int) -> None:
        """A new network and generators, all drawn from ``seed``; reset the curves."""
        rng = np.random.default_rng(seed)
        self.net_ = build_network(n_features, n_outputs, settings, rng)
        self._built_from = _architecture_key(n_features, n_outputs, settings)
        self._shuffle_rng = np.random.default_rng(rng.integers(2**63))
        self.n_outputs_ = n_outputs
        self.n_layers_ = len(settings.hidden) + 2
        self.out_activation_ = self._out_activation
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_ = None
        self.loss_curve_ = []
        self.best_loss_ = np.inf
        self.validation_scores_ = None
        self.best_validation_score_ = None
        self._no_improvement_count = 0

    def _check_architecture(self, n_features: int, n_outputs: int, settings: Settings) -> None:
        """Continuing (``partial_fit``, ``warm_start``) needs the parameters to describe the
        network being continued."""
        key = _architecture_key(n_features, n_outputs, settings)
        if getattr(self, "_built_from", None) == key:
            return
        expected = build_network(n_features, n_outputs, settings, np.random.default_rng(0))
        problems = config_differences(self.net_.config(), expected.config())
        if problems:
            raise ConfigError(
                f"{type(self).__name__} cannot continue training: its parameters "
                "no longer describe the fitted network ("
                + "; ".join(problems)
                + "); call fit to start afresh"
            )
        self._built_from = key

    # -- prediction ---------------------------------------------------------------------------
    def _outputs(self, X) -> np.ndarray:
        """The network's outputs (logits for the classifier) on validated ``X``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=network_dtype(self.net_))
        return network_outputs(self.net_, X)

    # -- scikit-learn's view of the weights ---------------------------------------------------
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Each Dense layer's weights in scikit-learn's (in, out) layout: views of
        ``net_[i].W.data`` transposed (chainrule stores W as (out, in), the maths' layout)."""
        return [layer.W.data.T for layer in self._dense_layers()]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Each Dense layer's bias ``b`` (the arrays themselves)."""
        return [layer.b.data for layer in self._dense_layers()]

    def _dense_layers(self):
        check_is_fitted(self)
        return [m for m in self.net_.layers if hasattr(m, "in_features")]

    # -- saving ------------------------------------------------------------------------------
    def save(self, path):
        """Write the fitted estimator to a chainrule checkpoint (``.npz`` arrays + JSON: the
        network, the optimizer's state, the parameters, ``classes_`` and the fitted attributes;
        no pickle). Returns the path."""
        return saving.save_estimator(self, path)

    @classmethod
    def load(cls, path):
        """The estimator saved at ``path`` by :meth:`save` (read without unpickling); it
        predicts exactly as the saved one did and ``partial_fit`` continues its training."""
        return saving.load_estimator(cls, path)


def _architecture_key(n_features: int, n_outputs: int, settings: Settings) -> tuple:
    """What the network's shape depends on (its float type aside)."""
    return (n_features, n_outputs, settings.hidden, settings.activation, settings.dropout)
