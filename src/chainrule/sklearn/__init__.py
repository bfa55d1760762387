"""scikit-learn estimators trained by chainrule: ``MLPClassifier`` and ``MLPRegressor``.

They take scikit-learn's MLP parameters (so they swap for ``sklearn.neural_network``'s),
work in ``Pipeline`` and ``GridSearchCV``, pass ``sklearn.utils.estimator_checks``, and train
with chainrule's own :class:`~chainrule.train.Trainer`; the fitted network is ``net_``, a
:class:`chainrule.Sequential` that every chainrule tool reads. This module imports
scikit-learn (``pip install "chainrule[sklearn]"``); nothing else in chainrule imports it.
"""

from .base import ChainruleMLP
from .classifier import MLPClassifier
from .regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor", "ChainruleMLP"]
