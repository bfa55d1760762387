"""scikit-learn estimators trained by chainrule: ``MLPClassifier`` and ``MLPRegressor``.

They take scikit-learn's MLP parameters (so they swap for ``sklearn.neural_network``'s),
work in ``Pipeline`` and ``GridSearchCV``, pass ``sklearn.utils.estimator_checks``, and train
with chainrule's own :class:`~chainrule.train.Trainer`; the fitted network is ``net_``, a
:class:`chainrule.Sequential` that every chainrule tool reads. This module imports
scikit-learn (``pip install "chainrule[sklearn]"``); nothing else in chainrule imports it.
"""

from ..optional import require

require("sklearn", "chainrule.sklearn's estimators")

from .base import ChainruleMLP  # noqa: E402
from .classifier import MLPClassifier  # noqa: E402
from .regressor import MLPRegressor  # noqa: E402

__all__ = ["MLPClassifier", "MLPRegressor", "ChainruleMLP"]
