"""Saving an estimator as a chainrule checkpoint, and loading it back — never through pickle.

The checkpoint (:func:`chainrule.checkpoint.save_checkpoint`) holds the network's weights, the
optimizer's state and the shuffler's; its ``info["sklearn"]`` JSON document holds the
estimator's class name, its parameters and its fitted attributes (``classes_`` with their
NumPy type, ``n_features_in_``, ``loss_curve_``, ...). Loading reads it with
:func:`chainrule.checkpoint.load_checkpoint`, which refuses pickled data.
"""

from __future__ import annotations

import json
import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..checkpoint import load_checkpoint, save_checkpoint
from ..errors import CheckpointError, ConfigError
from ..train import ToleranceStopping
from .network import build_optimizer
from .params import checked

#: Fitted attributes kept as plain JSON values.
PLAIN = (
    "n_features_in_",
    "n_outputs_",
    "n_layers_",
    "out_activation_",
    "n_iter_",
    "t_",
    "loss_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
    "_no_improvement_count",
)


def _plain(value, what: str):
    """``value`` as JSON data (NumPy scalars and arrays become numbers and lists)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    elif isinstance(value, (list, tuple)):
        value = [_plain(v, what) for v in value]
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{what} ({value!r:.60}) cannot be stored in a checkpoint: only "
            "numbers, strings, booleans and None can"
        ) from None
    return value


def _array_document(array: np.ndarray, what: str) -> dict:
    return {"values": _plain(array, what), "dtype": array.dtype.str}


def _array(document: dict) -> np.ndarray:
    dtype = np.dtype(document["dtype"])
    if dtype.hasobject:
        values = np.empty(len(document["values"]), dtype=object)
        values[:] = document["values"]
        return values
    return np.asarray(document["values"], dtype=dtype)


def _parameters(estimator) -> dict:
    params = estimator.get_params(deep=False)
    state = params.get("random_state")
    if state is not None and not isinstance(state, numbers.Integral):
        params["random_state"] = None  # a RandomState object: its draws cannot be replayed
    sizes = params["hidden_layer_sizes"]
    params["hidden_layer_sizes"] = _plain(
        sizes if isinstance(sizes, numbers.Integral) else list(sizes), "hidden_layer_sizes"
    )
    dtype = params["dtype"]
    params["dtype"] = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    return {name: _plain(value, f"the parameter {name}") for name, value in params.items()}


def save_estimator(estimator, path):
    check_is_fitted(estimator)
    fitted = {
        name: _plain(getattr(estimator, name), name) for name in PLAIN if hasattr(estimator, name)
    }
    for name in ("classes_", "feature_names_in_"):
        if hasattr(estimator, name):
            fitted[name] = _array_document(np.asarray(getattr(estimator, name)), name)
    document = {
        "estimator": type(estimator).__name__,
        "params": _parameters(estimator),
        "fitted": fitted,
        "stopping": estimator._stopping.state_dict(),
    }
    return save_checkpoint(
        path,
        estimator.net_,
        estimator._optimizer,
        epoch=len(estimator.loss_curve_),
        shuffle_rng=estimator._shuffle_rng,
        info={"sklearn": document},
    )


def load_estimator(cls, path):
    checkpoint = load_checkpoint(path)
    document = checkpoint.info.get("sklearn")
    if not isinstance(document, dict) or document.get("estimator") != cls.__name__:
        found = document.get("estimator") if isinstance(document, dict) else None
        raise CheckpointError(
            f"{checkpoint.where} holds no {cls.__name__} (it was "
            + (f"saved from a {found})" if found else "not saved by a chainrule.sklearn estimator)")
        )
    try:
        params = dict(document["params"])
        sizes = params.get("hidden_layer_sizes")
        if isinstance(sizes, list):
            params["hidden_layer_sizes"] = tuple(sizes)
        estimator = cls(**params)
        settings = checked(estimator)
        net = checkpoint.build_network()
        optimizer = build_optimizer(net, settings, 1)
        shuffle_rng = np.random.default_rng()
        checkpoint.restore(net, optimizer, shuffle_rng)
        fitted = dict(document["fitted"])
        for name in ("classes_", "feature_names_in_"):
            if name in fitted:
                fitted[name] = _array(fitted[name])
        stopping = ToleranceStopping(tol=settings.tol, patience=settings.n_iter_no_change)
        stopping.load_state_dict(document.get("stopping") or {})
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(
            f"{checkpoint.where}: the saved {cls.__name__} cannot be "
            f"restored ({type(exc).__name__}: {exc})"
        ) from None
    estimator.net_ = net
    estimator._optimizer = optimizer
    estimator._shuffle_rng = shuffle_rng
    estimator._stopping = stopping
    for name, value in fitted.items():
        setattr(estimator, name, value)
    return estimator
