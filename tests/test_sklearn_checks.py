"""scikit-learn's own estimator checks, run on both estimators: none is skipped."""

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from chainrule.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

# Most checks fit on tiny data sets that do not converge in max_iter epochs: the warning is
# scikit-learn's own behaviour, not a failure.
pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.slow,
]  # about 110 checks: the quick lane leaves them out


@parametrize_with_checks([MLPClassifier(random_state=0), MLPRegressor(random_state=0)])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
