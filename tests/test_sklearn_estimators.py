"""chainrule.sklearn: MLPClassifier and MLPRegressor in scikit-learn's world.

Pipelines and grid search, reproducibility, partial_fit, agreement with scikit-learn's own
MLP, saving and loading, labels of any type, convergence, early stopping, and the errors bad
input gets.
"""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

import scipy.sparse as sp  # noqa: E402
from sklearn.datasets import load_digits, make_blobs  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule.errors import CheckpointError, ConfigError  # noqa: E402
from chainrule.sklearn import MLPClassifier, MLPRegressor  # noqa: E402
from chainrule.train import ToleranceStopping  # noqa: E402

quiet = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=150, centers=3, n_features=4, random_state=1)
    return StandardScaler().fit_transform(X), y


# -- scikit-learn's tools ----------------------------------------------------------------------
@pytest.mark.slow
@quiet
def test_grid_search_over_a_pipeline_on_the_digits():
    X, y = load_digits(return_X_y=True)
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("mlp", MLPClassifier(max_iter=10, learning_rate_init=1e-2, random_state=0)),
        ]
    )
    grid = {"mlp__hidden_layer_sizes": [(32,), (64,)], "mlp__alpha": [1e-4, 1e-2]}
    search = GridSearchCV(pipe, grid, cv=StratifiedKFold(3, shuffle=True, random_state=0))
    search.fit(X, y)
    assert search.best_score_ >= 0.95
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.score(X, y) >= 0.95


@quiet
def test_same_random_state_gives_identical_predictions(blobs):
    X, y = blobs
    a = MLPClassifier((16,), max_iter=20, random_state=3).fit(X, y)
    b = MLPClassifier((16,), max_iter=20, random_state=3).fit(X, y)
    c = MLPClassifier((16,), max_iter=20, random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.loss_curve_ == b.loss_curve_
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    # refitting the same estimator starts afresh from the same seed
    np.testing.assert_array_equal(a.fit(X, y).predict_proba(X), b.predict_proba(X))


@pytest.mark.slow
@quiet
def test_the_loss_curve_and_accuracy_are_comparable_with_sklearns_mlp(digits):
    X_train, X_test, y_train, y_test = digits
    options = dict(hidden_layer_sizes=(64,), max_iter=20, learning_rate_init=3e-3, random_state=0)
    ours = MLPClassifier(**options).fit(X_train, y_train)
    theirs = SklearnMLPClassifier(**options).fit(X_train, y_train)
    assert ours.score(X_test, y_test) >= 0.95
    assert theirs.score(X_test, y_test) >= 0.95
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == 20
    ours_curve, theirs_curve = np.array(ours.loss_curve_), np.array(theirs.loss_curve_)
    # the same cost (mean cross-entropy plus the L2 term) from the same starting level ...
    assert abs(ours_curve[0] - theirs_curve[0]) < 0.5
    # ... falling alike: within a factor of 1.5 of each other after the first few epochs
    # (over seeds 0-5 the ratio stays within 0.88 … 1.11)
    ratio = ours_curve[5:] / theirs_curve[5:]
    assert np.all((ratio > 1 / 1.5) & (ratio < 1.5)), ratio
    assert ours_curve[-1] < 0.1 * ours_curve[0]


def test_partial_fit_continues_and_lowers_the_loss(blobs):
    X, y = blobs
    model = MLPClassifier((16,), learning_rate_init=1e-2, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        model.partial_fit(X, y)
    losses = []
    for _ in range(8):
        model.partial_fit(X, y, classes=np.unique(y))
        losses.append(model.loss_)
        assert model.n_iter_ == 1
    assert model.loss_curve_ == losses
    assert losses[-1] < 0.5 * losses[0]
    assert all(b < a for a, b in zip(losses, losses[1:], strict=False))
    assert model.t_ == 8 * len(X)
    model.partial_fit(X[:10], y[:10])  # classes may be left out after the first call
    with pytest.raises(ValueError, match="not the same as on last call"):
        model.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="classes not in"):
        model.partial_fit(X, y + 5)
    with pytest.raises(ValueError, match="early_stopping"):
        MLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


def test_partial_fit_after_fit_keeps_the_network_and_the_optimizer(blobs):
    X, y = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    net, optimizer, steps = model.net_, model._optimizer, model._optimizer.steps
    model.partial_fit(X, y)
    assert model.net_ is net and model._optimizer is optimizer
    assert optimizer.steps == steps + 1  # 150 examples: one batch of min(200, n)
    assert len(model.loss_curve_) == 6


# -- labels, targets and outputs ---------------------------------------------------------------
@quiet
def test_string_labels_and_probabilities(blobs):
    X, y = blobs
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = MLPClassifier((16,), max_iter=100, learning_rate_init=1e-2, random_state=0)
    model.fit(X, names)
    assert list(model.classes_) == ["setosa", "versicolor", "virginica"]
    assert set(model.predict(X)) <= set(model.classes_)
    assert model.score(X, names) > 0.9
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), proba)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


@quiet
def test_binary_labels_use_two_softmax_outputs():
    X, y = make_blobs(n_samples=100, centers=2, random_state=1)
    labels = np.where(y == 1, 7, -3)
    model = MLPClassifier((8,), max_iter=50, learning_rate_init=1e-2, random_state=0)
    model.fit(X, labels)
    assert list(model.classes_) == [-3, 7]
    assert model.n_outputs_ == 2 and model.out_activation_ == "softmax"
    assert model.predict_proba(X).shape == (100, 2)
    assert model.score(X, labels) > 0.95


def test_one_class_is_refused():
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match="one class"):
        MLPClassifier().fit(X, np.ones(10))


@quiet
def test_regressor_fits_a_smooth_function():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(400, 2))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2
    model = MLPRegressor(
        (32, 32), activation="tanh", learning_rate_init=1e-2, max_iter=150, random_state=0
    ).fit(X, y)
    assert model.predict(X).shape == (400,)
    X_new = rng.uniform(-2, 2, size=(200, 2))
    assert model.score(X_new, np.sin(X_new[:, 0]) + 0.5 * X_new[:, 1] ** 2) >= 0.9
    assert model.out_activation_ == "identity" and model.n_outputs_ == 1


@quiet
def test_regressor_with_several_targets():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    Y = np.column_stack([X @ [1.0, -2.0, 0.5], X[:, 0] - X[:, 2]])
    model = MLPRegressor((16,), learning_rate_init=1e-2, max_iter=100, random_state=0)
    assert model.fit(X, Y).predict(X).shape == (200, 2)
    assert model.score(X, Y) > 0.9
    with pytest.raises(ValueError, match="2 target"):
        model.partial_fit(X, Y[:, 0])


# -- the network is chainrule's ----------------------------------------------------------------
@quiet
def test_net_is_a_chainrule_sequential_users_can_read_and_trace(blobs):
    X, y = blobs
    model = MLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    assert isinstance(model.net_, cr.Sequential)
    assert model.net_[0].W.shape == (5, 4)  # (out, in), the maths' layout
    np.testing.assert_array_equal(model.coefs_[0], model.net_[0].W.data.T)
    np.testing.assert_array_equal(model.intercepts_[1], model.net_[2].b.data)
    t = cr.trace(model.net_, X[0], np.array(model.classes_.tolist().index(y[0])), cr.CrossEntropy())
    assert len(t.layers) == 2
    assert model.n_layers_ == 3


@quiet
def test_float32_dropout_and_other_solvers(blobs):
    X, y = blobs
    model = MLPClassifier(
        (16,), dtype="float32", dropout=0.2, max_iter=30, learning_rate_init=1e-2, random_state=0
    ).fit(X, y)
    assert model.net_[0].W.dtype == np.float32
    assert model.predict_proba(X).dtype == np.float32
    assert any(isinstance(m, cr.Dropout) for m in model.net_.layers)
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))  # eval mode
    for solver, optimizer in (("sgd", cr.SGD), ("adamw", cr.AdamW), ("adam", cr.Adam)):
        fitted = MLPClassifier(
            (16,), solver=solver, learning_rate_init=0.05, max_iter=30, random_state=0
        ).fit(X, y)
        assert type(fitted._optimizer) is optimizer
        assert fitted.score(X, y) > 0.9


@quiet
def test_alpha_is_an_l2_penalty(blobs):
    X, y = blobs

    def weight_norm(alpha):
        model = MLPClassifier(
            (16,), alpha=alpha, max_iter=50, learning_rate_init=1e-2, random_state=0
        ).fit(X, y)
        return sum(float(np.sum(w**2)) for w in model.coefs_)

    assert weight_norm(10.0) < 0.5 * weight_norm(0.0)


# -- convergence and early stopping ------------------------------------------------------------
def test_convergence_warning_only_when_max_iter_is_reached(blobs):
    X, y = blobs
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(3\\)"):
        model = MLPClassifier((8,), max_iter=3, random_state=0).fit(X, y)
    assert model.n_iter_ == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # a tolerance no epoch can beat: the first epoch improves on nothing (an infinite
        # loss, as in scikit-learn), then it stops after n_iter_no_change + 1 epochs
        model = MLPClassifier((8,), tol=1e3, n_iter_no_change=2, random_state=0).fit(X, y)
    assert model.n_iter_ == 4
    assert model.best_loss_ == min(model.loss_curve_)


@quiet
def test_early_stopping_scores_a_held_out_split(digits):
    X_train, X_test, y_train, y_test = digits
    model = MLPClassifier(
        (32,),
        early_stopping=True,
        n_iter_no_change=3,
        max_iter=200,
        learning_rate_init=1e-2,
        random_state=0,
    ).fit(X_train, y_train)
    assert model.best_loss_ is None
    assert len(model.validation_scores_) == model.n_iter_ == len(model.loss_curve_)
    assert model.n_iter_ < 200
    assert model.best_validation_score_ == max(model.validation_scores_) > 0.9
    assert model.score(X_test, y_test) > 0.93
    # the weights kept are the best epoch's: rebuild the held-out split from the same seed
    seed = np.random.RandomState(0).randint(np.iinfo(np.int32).max)
    _, X_val, _, y_val = train_test_split(
        X_train, y_train, test_size=0.1, random_state=seed, stratify=y_train
    )
    assert model.score(X_val, y_val) == model.best_validation_score_
    assert model.validation_scores_[-1] < model.best_validation_score_


def test_tolerance_stopping_follows_sklearns_rule():
    class Loop:  # the little the callback needs of a trainer
        stop_training = False
        net = cr.Sequential(cr.Dense(1, 1, rng=0))

        def log(self, line):
            pass

    stopping, loop = ToleranceStopping("loss", tol=0.1, patience=2), Loop()
    stopping.on_train_begin(loop)
    # 0.95 and 0.9 are better than 1.0 but not by more than tol: not improvements
    for epoch, loss in enumerate([1.0, 0.95, 0.9, 0.88], start=1):
        stopping.on_epoch_end(loop, {"epoch": epoch, "loss": loss})
    assert stopping.best == 0.88 and stopping.best_epoch == 4
    assert stopping.wait == 3 and loop.stop_training and stopping.stopped_epoch == 4


# -- saving ------------------------------------------------------------------------------------
@quiet
def test_save_and_load_give_identical_predictions_and_continue_training(tmp_path, blobs):
    X, y = blobs
    names = np.array(["a", "b", "c"])[y]
    model = MLPClassifier((8, 4), max_iter=10, random_state=0).fit(X, names)
    path = model.save(tmp_path / "model.npz")
    loaded = MLPClassifier.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.classes_, model.classes_)
    assert loaded.get_params() == model.get_params()
    assert loaded.loss_curve_ == model.loss_curve_ and loaded.n_features_in_ == 4
    # the optimizer's moments and the shuffler travel too: training continues identically
    model.partial_fit(X, names)
    loaded.partial_fit(X, names)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


@quiet
def test_regressor_save_and_load(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    model = MLPRegressor((6,), max_iter=5, early_stopping=True, random_state=0).fit(X, y)
    loaded = MLPRegressor.load(model.save(tmp_path / "reg.npz"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.validation_scores_ == model.validation_scores_
    with pytest.raises(CheckpointError, match="holds no MLPClassifier"):
        MLPClassifier.load(tmp_path / "reg.npz")


def test_load_refuses_checkpoints_that_are_not_estimators(tmp_path):
    net = cr.Sequential(cr.Dense(2, 2))
    cr.checkpoint.save_checkpoint(tmp_path / "plain.npz", net)
    with pytest.raises(CheckpointError, match="not saved by a chainrule.sklearn estimator"):
        MLPRegressor.load(tmp_path / "plain.npz")


@quiet
def test_pickle_round_trip(blobs):
    X, y = blobs
    model = MLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("estimator", [MLPClassifier(max_iter=2), MLPRegressor(max_iter=2)])
def test_bad_input_gives_sklearn_style_errors(estimator, blobs):
    X, y = blobs
    with pytest.raises(NotFittedError):
        estimator.predict(X)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        estimator.fit(bad, y)
    with pytest.raises(TypeError, match="dense data is required"):
        estimator.fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="Found input variables with inconsistent numbers"):
        estimator.fit(X, y[:-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
        estimator.predict(X[:, :3])
    with pytest.raises(ValueError, match="Expected 2D array"):
        estimator.predict(X[0])


@pytest.mark.parametrize(
    "param, value, message",
    [
        ("activation", "softplus", "'activation' parameter .* must be a str among"),
        ("solver", "lbfgs", "'solver' parameter"),
        ("hidden_layer_sizes", (10, 0), "positive int"),
        ("alpha", -1.0, "'alpha' parameter .* range \\[0, inf\\)"),
        ("learning_rate_init", 0.0, "'learning_rate_init'"),
        ("max_iter", 0, "'max_iter'"),
        ("batch_size", "big", "'batch_size'"),
        ("dtype", "float16", "'dtype' parameter .* 'float64' or 'float32'"),
        ("dropout", 1.0, "'dropout'"),
        ("momentum", 1.5, "'momentum'"),
        ("shuffle", "yes", "'shuffle'"),
    ],
)
def test_invalid_parameters_are_value_errors_raised_by_fit(param, value, message, blobs):
    X, y = blobs
    model = MLPClassifier(**{param: value})  # stored unchanged: scikit-learn's convention
    assert model.get_params()[param] == value
    with pytest.raises(ConfigError, match=message) as caught:
        model.fit(X, y)
    assert isinstance(caught.value, ValueError)


def test_changed_architecture_cannot_be_continued(blobs):
    X, y = blobs
    model = MLPClassifier((8,), random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    model.set_params(hidden_layer_sizes=(9,))
    with pytest.raises(ConfigError, match="no longer describe the fitted network"):
        model.partial_fit(X, y)


def test_batch_size_larger_than_the_data_is_clipped_with_a_warning(blobs):
    X, y = blobs
    with pytest.warns(UserWarning, match="clipped"):
        MLPClassifier((4,), batch_size=1000, random_state=0).partial_fit(X, y, classes=[0, 1, 2])


# -- scikit-learn stays optional ---------------------------------------------------------------
@pytest.mark.slow
def test_chainrule_does_not_import_the_sklearn_module():
    code = (
        "import sys, chainrule, chainrule.cli.main, chainrule.train, chainrule.data; "
        "print('chainrule.sklearn' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
