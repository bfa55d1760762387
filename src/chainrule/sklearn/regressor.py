"""``MLPRegressor``: a linear output layer and the mean squared error."""

from __future__ import annotations

from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import validate_data

from ..costs import MSE
from ..errors import ShapeError
from ..train import network_outputs
from .base import ChainruleMLP
from .classifier import _ATTRIBUTES, _PARAMETERS, _SAVING


class MLPRegressor(RegressorMixin, ChainruleMLP):
    __doc__ = (
        """A multi-layer perceptron regressor trained by chainrule's backpropagation.

    The network is ``Dense → σ → … → Dense`` with a linear (identity) output, one per target;
    training minimises the book's cost C = ½ Σ (a − y)² averaged over the examples
    (:class:`chainrule.MSE` with ``reduction="mean"``: for one target, scikit-learn's squared
    loss) with chainrule's :class:`~chainrule.train.Trainer`. ``y`` may be 1-D or 2-D (several
    targets); predictions have one column per target, flattened when there is one.

    ``fit(X, y)``, ``partial_fit(X, y)`` (one epoch), ``predict``, ``score`` (R²). Inputs are
    dense arrays (sparse matrices are refused: chainrule is dense).
"""
        + _PARAMETERS.replace("<split>", "at random").replace("<score>", "R²")
        + _ATTRIBUTES
        + _SAVING.replace("<cls>", "MLPRegressor")
    )

    def fit(self, X, y):
        """Train from a new network for up to ``max_iter`` epochs; returns self."""
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X, y):
        """One epoch over ``X, y``, continuing the network and the optimizer's state; returns
        self."""
        return self._fit(X, y, incremental=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _validate_xy(self, X, y, *, reset, dtype):
        return validate_data(
            self, X, y, reset=reset, dtype=dtype, multi_output=True, y_numeric=True
        )

    def _targets(self, y, *, first, incremental, classes, dtype):
        targets = y.reshape(-1, 1) if y.ndim == 1 else y
        width = targets.shape[1]
        if not first and width != self.n_outputs_:
            raise ShapeError(
                f"{type(self).__name__} was fitted with {self.n_outputs_} "
                f"target(s) per example; y has {width}"
            )
        return targets.astype(dtype, copy=False), width, {}

    def _cost(self):
        return MSE(reduction="mean")

    def _score_arrays(self, X, targets) -> float:
        return float(r2_score(targets, network_outputs(self.net_, X)))

    def predict(self, X):
        """The network's outputs: shape (n,) for one target, (n, k) for k."""
        out = self._outputs(X)
        return out[:, 0] if out.shape[1] == 1 else out
