"""What to explain: a network, one example and its target, and the cost — the book's worked
example by default, or a network described by a few options (as on the command line and in the
playground page). Any ``Sequential`` can be explained by building an :class:`Example` of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...costs import Cost, cost_by_name
from ...data import load_dataset
from ...demo.book import X as BOOK_X
from ...demo.book import Y as BOOK_Y
from ...demo.book import book_network
from ...errors import ConfigError, DataError
from ...memory import explain_bytes
from ...memory import require as require_memory
from ...nn import Module, mlp, output_for, parse_sizes
from ...train.metrics import class_targets
from ...train.model import TrainedModel
from ..pictures.input_picture import image_shape, input_picture
from ..record.trace import trace

#: What the book's example brings, as the messages that refuse to change it say it: its own
#: network (and weights), which a fresh network's settings cannot alter.
BOOK_NETWORK_OWN = "the book's example brings its own network (3-4-1, sigmoid, no biases)"


@dataclass
class Example:
    """A network, the example(s) x, the target y and the cost: everything ``trace`` needs."""

    network: Module
    x: np.ndarray
    y: np.ndarray
    cost: Cost
    description: str = ""
    #: an image example as its image, with the prediction (see ..pictures.input_picture)
    picture: object = None

    def trace(self):
        return trace(self.network, self.x, self.y, self.cost)


def book_example(index: int = 0) -> Example:
    """The book's 3-4-1 network (its initial weights) on example ``index`` of its data set."""
    if not 0 <= index < len(BOOK_X):
        raise ConfigError(
            f"the book's data set has examples 0 … {len(BOOK_X) - 1}; there is no example {index}"
        )
    return Example(
        book_network(),
        BOOK_X[index],
        BOOK_Y[index],
        cost_by_name("mse"),
        f"the book's 3-4-1 network, example {index} of its data set",
    )


def parse_numbers(text: str | None, what: str) -> np.ndarray | None:
    """ "0,0,1" or "0 0 1" → a vector; "0,0,1; 1,0,1" → rows. None stays None. NaN and ±inf
    are a :class:`ConfigError` naming ``what`` (the option) and the value's position."""
    if text is None:
        return None
    rows = [r for r in str(text).replace(";", "\n").splitlines() if r.strip()]
    try:
        parsed = [[float(v) for v in r.replace(",", " ").split()] for r in rows]
    except ValueError:
        raise ConfigError(
            f"{what}: cannot read {text!r} as numbers (write them like "
            "0.5,1,-2; separate examples with ';')"
        ) from None
    if not parsed or any(len(r) != len(parsed[0]) for r in parsed) or not parsed[0]:
        raise ConfigError(f"{what}: {text!r} is not a list of numbers of equal lengths")
    for e, row in enumerate(parsed):
        for i, value in enumerate(row):
            if not np.isfinite(value):
                where = f"value {i + 1}" + (f" of example {e + 1}" if len(parsed) > 1 else "")
                raise ConfigError(
                    f"{what}: {value!r} ({where}) is not a finite number; every "
                    "value must be finite"
                )
    array = np.array(parsed)
    return array[0] if len(array) == 1 else array


def network_example(
    layers: str = "3,4,1",
    activation: str = "sigmoid",
    cost: str = "mse",
    x=None,
    y=None,
    seed: int = 0,
    bias: bool = True,
    init: str = "xavier",
    output: str | None = None,
) -> Example:
    """A fresh network of ``layers`` sizes (float64, weights drawn with ``seed``), and the
    example ``x`` / target ``y`` (text or arrays; drawn with ``seed`` when not given)."""
    sizes = parse_sizes(layers)
    rows = None if x is None else parse_numbers(x, "--input") if isinstance(x, str) else x
    batch = 1 if rows is None or np.ndim(rows) < 2 else len(rows)
    require_memory(
        explain_bytes(sizes, batch, bias), f"explaining the network {'-'.join(map(str, sizes))}"
    )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"seed must be a whole number ≥ 0, got {seed!r}")
    rng = np.random.default_rng(seed)
    net = mlp(
        sizes,
        activation,
        output or output_for(cost, activation),
        bias=bias,
        init=init,
        dtype="float64",
        rng=rng,
    )
    if bias:  # small non-zero biases, so ∂C/∂b shows something
        for p_name, p in net.named_parameters():
            if p_name.endswith(".b"):
                p.data[...] = rng.normal(0, 0.1, p.shape)
    x = parse_numbers(x, "--input") if isinstance(x, str) else x
    y = parse_numbers(y, "--target") if isinstance(y, str) else y
    if x is None:
        x = np.round(rng.standard_normal(sizes[0]), 2)
    if y is None:
        y = (
            np.array(rng.integers(0, sizes[-1]))
            if cost == "ce"
            else np.round(rng.random(sizes[-1]), 2)
        )
    return Example(
        net,
        np.asarray(x, dtype=np.float64),
        np.asarray(y),
        cost_by_name(cost),
        f"a {'-'.join(map(str, sizes))} {activation} network (seed {seed})",
    )


def checkpoint_example(path, index: int = 0, x=None, y=None) -> Example:
    """The network of a ``chainrule train`` checkpoint (in float64, Dropout off) on test example
    ``index`` of the data set it was trained on, scaled as in training — or on the raw features
    ``x`` (text or array; values as the source holds them, e.g. digits pixels 0 … 16: the run's
    raw scale and scaler are redone on them) with target ``y`` (a class index)."""
    model = TrainedModel.load(path)
    config = model.config
    if x is None:
        _, test = load_dataset(
            config.data,
            data_dir=config.data_dir,
            seed=config.seed,
            label_column=config.label_column,
            task=config.task,
        )
        if not 0 <= index < len(test):
            raise ConfigError(
                f"the test set of {test.name} has examples 0 … {len(test) - 1}; "
                f"there is no example {index}"
            )
        one = test.subset(slice(index, index + 1))
        X = model.dataset_features(one).astype(np.float64)
        label = test.y[index : index + 1]
        where = f"test example {index} of {test.name}"
        shape = test.feature_shape
        # the picture's prediction redoes the run's raw scale: the features as the source held them
        raw = one.raw_features()
    else:
        features = parse_numbers(x, "--input") if isinstance(x, str) else np.asarray(x)
        features = np.atleast_2d(features)
        if y is None:
            raise ConfigError(
                "give the target of the example too (--target: a class index, or "
                "the value of a regression target)"
            )
        label = np.atleast_1d(parse_numbers(y, "--target") if isinstance(y, str) else y)
        where = "the given example"
        X = model.transform(features).astype(np.float64)
        raw = features
        shape = image_shape(config.data, np.size(features))
    net = model.net.to("float64").eval()
    cost = model.cost
    if model.is_regression:  # the target as the network was trained on it (standardised)
        target = _regression_target(model, label)
    else:
        if (
            np.asarray(label).dtype.kind == "f"
            and np.all(label == np.round(label))
            and np.all(np.abs(label) < 2**53)
        ):
            label = np.asarray(label).astype(np.int64)
        try:
            target = class_targets(np.asarray(label), cost, model.n_outputs, np.float64)
        except DataError as exc:
            if y is None:
                raise
            raise ConfigError(f"--target: {exc}") from None
    picture = input_picture(
        model, raw[0], shape, label[0] if np.asarray(label).dtype.kind in "iu" else None
    )
    return Example(
        net, X[0], target[0], cost, f"the network of {path} (epoch {model.epoch}), {where}", picture
    )


def _regression_target(model, value) -> np.ndarray:
    """A regression run's target in its own units → the standardised target it trained on."""
    y = np.asarray(value, dtype=np.float64).reshape(1, -1)
    if y.shape[1] != model.n_outputs:
        raise ConfigError(
            f"--target: the network predicts {model.n_outputs} value(s) per "
            f"example, the target gives {y.shape[1]}"
        )
    if model.target_scaler is not None:
        y = model.target_scaler.transform(y)
    return y
