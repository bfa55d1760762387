"""The estimators' constructor parameters, checked when ``fit`` runs.

scikit-learn's convention: ``__init__`` stores every parameter unchanged (so ``get_params``,
``set_params`` and ``clone`` work), and ``fit`` validates them. :func:`checked` does that once
per call and returns the values in the form the network, optimizer and trainer take. Every
failure is a :class:`chainrule.ConfigError` (a ``ValueError``) worded as scikit-learn words its
own: "The 'activation' parameter of MLPClassifier must be ... Got 'foo' instead."
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..nn.activations import activation_names

#: scikit-learn's names for chainrule's activations ("logistic" is the sigmoid).
SKLEARN_ACTIVATIONS = {"logistic": "sigmoid"}


def hidden_activations() -> dict[str, str]:
    """The ``activation`` values the estimators take, each with chainrule's name: every hidden
    activation registered in :mod:`chainrule.nn.activations`, and scikit-learn's names."""
    return {**SKLEARN_ACTIVATIONS, **{name: name for name in activation_names(hidden=True)}}


SOLVERS = ("adam", "sgd", "adamw")
DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class Settings:
    """The validated parameters of one ``fit`` / ``partial_fit`` call."""

    hidden: tuple[int, ...]
    activation: str
    solver: str
    alpha: float
    batch_size: int | None  # None: "auto", min(200, n)
    learning_rate_init: float
    max_iter: int
    shuffle: bool
    tol: float
    verbose: bool
    warm_start: bool
    momentum: float
    nesterovs_momentum: bool
    early_stopping: bool
    validation_fraction: float
    beta_1: float
    beta_2: float
    epsilon: float
    n_iter_no_change: int
    dtype: np.dtype
    dropout: float

    def batch_size_for(self, n_samples: int) -> int:
        """scikit-learn's rule: "auto" is min(200, n); a size outside 1 … n is clipped, with
        a warning."""
        if self.batch_size is None:
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped",
                UserWarning,
                stacklevel=4,
            )
        return int(np.clip(self.batch_size, 1, n_samples))


class _Checker:
    def __init__(self, estimator):
        self.estimator = estimator
        self.owner = type(estimator).__name__

    def fail(self, name: str, expected: str, value) -> None:
        raise ConfigError(
            f"The '{name}' parameter of {self.owner} must be {expected}. Got {value!r} instead."
        )

    def get(self, name: str):
        return getattr(self.estimator, name)

    def boolean(self, name: str) -> bool:
        value = self.get(name)
        if not isinstance(value, (bool, np.bool_)):
            self.fail(name, "an instance of 'bool'", value)
        return bool(value)

    def integer(self, name: str, low: int) -> int:
        value = self.get(name)
        if (
            isinstance(value, (bool, np.bool_))
            or not isinstance(value, numbers.Integral)
            or value < low
        ):
            self.fail(name, f"an int in the range [{low}, inf)", value)
        return int(value)

    def real(
        self,
        name: str,
        low: float,
        high: float = np.inf,
        *,
        low_open: bool = False,
        high_open: bool = True,
    ) -> float:
        value = self.get(name)
        ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
        if ok:
            value = float(value)
            ok = (value > low if low_open else value >= low) and (
                value < high if high_open else value <= high
            )
        if not ok:
            left, right = "(" if low_open else "[", ")" if high_open else "]"
            self.fail(name, f"a float in the range {left}{low:g}, {high:g}{right}", value)
        return value

    def choice(self, name: str, options) -> str:
        value = self.get(name)
        if not isinstance(value, str) or value not in options:
            listed = ", ".join(repr(o) for o in sorted(options))
            self.fail(name, f"a str among {{{listed}}}", value)
        return value


def _activation(check: _Checker) -> str:
    names = hidden_activations()
    return names[check.choice("activation", names)]


def _hidden(check: _Checker) -> tuple[int, ...]:
    value = check.get("hidden_layer_sizes")
    sizes = [value] if isinstance(value, numbers.Integral) else value
    try:
        sizes = list(sizes)
    except TypeError:
        sizes = None
    if sizes is None or any(
        isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral) or s < 1
        for s in sizes
    ):
        check.fail(
            "hidden_layer_sizes",
            "a positive int or a sequence of positive ints (one width per hidden layer)",
            value,
        )
    return tuple(int(s) for s in sizes)


def checked(estimator) -> Settings:
    """The estimator's parameters, validated (see the module docstring)."""
    c = _Checker(estimator)
    batch = c.get("batch_size")
    if not (isinstance(batch, str) and batch == "auto"):
        batch = (
            c.integer("batch_size", 1)
            if isinstance(batch, numbers.Integral)
            else c.fail("batch_size", "'auto' or an int in the range [1, inf)", batch)
        )
    dtype = c.get("dtype")
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.name not in DTYPES:
        c.fail("dtype", "'float64' or 'float32'", dtype)
    verbose = c.get("verbose")
    if not isinstance(verbose, (bool, np.bool_, numbers.Integral)):
        c.fail("verbose", "a bool or an int", verbose)
    early_stopping = c.boolean("early_stopping")
    return Settings(
        hidden=_hidden(c),
        activation=_activation(c),
        solver=c.choice("solver", SOLVERS),
        alpha=c.real("alpha", 0.0),
        batch_size=None if batch == "auto" else batch,
        learning_rate_init=c.real("learning_rate_init", 0.0, low_open=True),
        max_iter=c.integer("max_iter", 1),
        shuffle=c.boolean("shuffle"),
        tol=c.real("tol", 0.0),
        verbose=bool(verbose),
        warm_start=c.boolean("warm_start"),
        momentum=c.real("momentum", 0.0, 1.0),
        nesterovs_momentum=c.boolean("nesterovs_momentum"),
        early_stopping=early_stopping,
        validation_fraction=c.real("validation_fraction", 0.0, 1.0, low_open=early_stopping),
        beta_1=c.real("beta_1", 0.0, 1.0),
        beta_2=c.real("beta_2", 0.0, 1.0),
        epsilon=c.real("epsilon", 0.0, low_open=True),
        n_iter_no_change=c.integer("n_iter_no_change", 1),
        dtype=resolved,
        dropout=c.real("dropout", 0.0, 1.0),
    )
