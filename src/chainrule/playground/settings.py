"""The settings of a playground run: every control of the page, as URL query keys.

``SCHEMA`` describes each key (its type, default, range or choices, a label and a help line);
the page builds its controls from it and the URL holds the keys that differ from the default,
so a link reproduces a run (same seed, same data, same weights, same steps). ``read_settings``
turns a query into :class:`Settings`, refusing an unknown key, a bad value, a value out of
range or a combination that makes no sense with a :class:`~chainrule.errors.ConfigError` that
names the key, what is allowed and what it received.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

from ..errors import ConfigError
from ..nn import activation_names

#: the generated two-dimensional sets (points in the plane, drawn as TensorFlow Playground does)
PLANE_SETS = ("circles", "xor", "gauss", "spirals", "moons", "blobs")
DATA_CHOICES = (*PLANE_SETS, "regression", "digits", "upload")
FEATURE_CHOICES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
MAX_LAYERS = 6
MAX_UNITS = 16
MAX_SEED = 2**31 - 1


def _entry(kind, default, label, help_text, **more) -> dict:
    return {"type": kind, "default": default, "label": label, "help": help_text, **more}


SCHEMA: dict[str, dict] = {
    "data": _entry(
        "choice",
        "circles",
        "Data",
        "the data set: a generated 2-D set, a 1-D regression, the 8×8 digits, or your CSV",
        choices=list(DATA_CHOICES),
    ),
    "classes": _entry(
        "int", 3, "Classes", "how many classes the blobs set has (blobs only)", min=3, max=5
    ),
    "noise": _entry(
        "float", 0.0, "Noise", "how much the points are scattered, in percent", min=0.0, max=50.0
    ),
    "points": _entry(
        "int", 500, "Points", "how many examples are generated or kept", min=20, max=2000
    ),
    "test": _entry(
        "float",
        0.5,
        "Test share",
        "the share of examples held out as the test set",
        min=0.1,
        max=0.9,
    ),
    "dataseed": _entry(
        "int",
        0,
        "Data seed",
        "the seed the data and its split are drawn from (regenerate)",
        min=0,
        max=MAX_SEED,
    ),
    "features": _entry(
        "list",
        ["x1", "x2"],
        "Features",
        "what the network sees of a point (2-D sets only)",
        choices=list(FEATURE_CHOICES),
    ),
    "layers": _entry(
        "text",
        "4,2",
        "Hidden layers",
        f"the hidden layers' sizes, comma separated: 0 to {MAX_LAYERS} layers of 1 to "
        f"{MAX_UNITS} units (empty: no hidden layer)",
        max_layers=MAX_LAYERS,
        max_units=MAX_UNITS,
    ),
    "activation": _entry(
        "choice",
        "tanh",
        "Activation",
        "σ of the hidden layers",
        choices=activation_names(hidden=True, aliases=False),
    ),
    "cost": _entry(
        "choice",
        "ce",
        "Cost",
        "ce: softmax with cross-entropy (classes); mse: ½‖a − y‖² (classes or regression)",
        choices=["ce", "mse"],
    ),
    "optimizer": _entry(
        "choice",
        "sgd",
        "Optimizer",
        "sgd: W ← W − η ∂C/∂W; momentum: SGD with momentum 0.9; adam: Adam",
        choices=["sgd", "momentum", "adam"],
    ),
    "lr": _entry("float", 0.03, "Learning rate", "η", min=1e-5, max=10.0),
    "batch": _entry("int", 10, "Batch size", "examples per step", min=1, max=500),
    "l2": _entry(
        "float", 0.0, "L2", "λ: the step adds λW to ∂C/∂W (weights and biases)", min=0.0, max=1.0
    ),
    "dropout": _entry(
        "float",
        0.0,
        "Dropout",
        "the chance a hidden unit is dropped in training",
        min=0.0,
        max=0.9,
    ),
    "epochs": _entry("int", 0, "Stop after epochs", "0: no limit", min=0, max=100_000),
    "target": _entry(
        "float",
        0.0,
        "Stop at test loss",
        "stop when the test loss is ≤ this (0: never)",
        min=0.0,
        max=100.0,
    ),
    "seed": _entry(
        "int",
        0,
        "Seed",
        "the seed of the initial weights, the batches and dropout",
        min=0,
        max=MAX_SEED,
    ),
}


@dataclass(frozen=True)
class Settings:
    """Every key of :data:`SCHEMA`, read and checked (``layers`` as a tuple of sizes,
    ``features`` as a tuple of names)."""

    data: str = "circles"
    classes: int = 3
    noise: float = 0.0
    points: int = 500
    test: float = 0.5
    dataseed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    cost: str = "ce"
    optimizer: str = "sgd"
    lr: float = 0.03
    batch: int = 10
    l2: float = 0.0
    dropout: float = 0.0
    epochs: int = 0
    target: float = 0.0
    seed: int = 0

    def to_query(self) -> dict[str, str]:
        """The keys whose value differs from the default, as the text a URL holds."""
        default = Settings()
        return {
            f.name: _text(getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }

    @property
    def task(self) -> str:
        return "regression" if self.data == "regression" else "classification"


def _text(value) -> str:
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def setting_error(field: str | None, message: str) -> ConfigError:
    """A ConfigError about one setting, named in its ``field`` attribute (the key the page
    marks; None when no setting is to blame)."""
    error = ConfigError(message)
    error.field = field
    return error


def _allowed(key: str) -> str:
    spec = SCHEMA[key]
    if spec["type"] in ("choice", "list"):
        return "one of " + ", ".join(spec["choices"])
    if key == "layers":
        return f"0 to {MAX_LAYERS} sizes from 1 to {MAX_UNITS}, comma separated"
    if spec["type"] == "int":  # every digit: 2147483647, not 2.14748e+09
        return f"a whole number from {spec['min']} to {spec['max']}"
    return f"a number from {spec['min']:g} to {spec['max']:g}"


def _refuse(key: str, text: str) -> ConfigError:
    return setting_error(key, f"setting {key!r}: expected {_allowed(key)}, received {text!r:.80}")


def _number(key: str, text: str):
    spec = SCHEMA[key]
    try:
        if spec["type"] == "int":
            value = int(text.strip())
        else:
            value = float(text)
    except (ValueError, OverflowError):
        raise _refuse(key, text) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise _refuse(key, text)
    if not spec["min"] <= value <= spec["max"]:
        raise _refuse(key, text)
    return value


def _sizes(text: str) -> tuple[int, ...]:
    if not text.strip():
        return ()
    parts = text.split(",")
    try:
        sizes = tuple(int(part.strip()) for part in parts)
    except ValueError:
        raise _refuse("layers", text) from None
    if len(sizes) > MAX_LAYERS or not all(1 <= s <= MAX_UNITS for s in sizes):
        raise _refuse("layers", text)
    return sizes


def _names(key: str, text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    choices = SCHEMA[key]["choices"]
    wrong = [name for name in names if name not in choices]
    if not names or wrong or len(set(names)) != len(names):
        raise _refuse(key, text)
    return tuple(name for name in choices if name in names)  # the schema's order


def _value(key: str, text: str):
    spec = SCHEMA[key]
    if key == "layers":
        return _sizes(text)
    if spec["type"] == "list":
        return _names(key, text)
    if spec["type"] == "choice":
        if text.strip() not in spec["choices"]:
            raise _refuse(key, text)
        return text.strip()
    return _number(key, text)


def _check_combination(settings: Settings, given: Mapping[str, str]) -> None:
    """Refuse settings that make no sense together, naming the key that does not fit: a value
    other than the default that the chosen data would ignore (the default itself is accepted,
    so a page may send every key)."""
    default = Settings()
    if settings.classes != default.classes and settings.data != "blobs":
        raise setting_error(
            "classes",
            f"setting 'classes': only the blobs set takes a number of classes (3 to 5); "
            f"data is {settings.data!r}, received classes={given['classes']!r:.20}",
        )
    if settings.features != default.features and settings.data not in PLANE_SETS:
        raise setting_error(
            "features",
            f"setting 'features': input features are for the 2-D sets "
            f"({', '.join(PLANE_SETS)}); data is {settings.data!r}, received "
            f"features={given['features']!r:.80}",
        )
    if settings.cost == "ce" and settings.data == "regression":
        raise setting_error(
            "cost",
            "setting 'cost': the regression set needs mse (½‖a − y‖²); ce compares class "
            "probabilities, received cost='ce'",
        )


def read_settings(query: Mapping[str, str]) -> Settings:
    """Settings from a URL query (key → text); keys left out take their default.

    Raises ConfigError naming the key, what it allows and what it received, for an unknown
    key, a value of the wrong type or out of range, or a combination that makes no sense.
    """
    values = {}
    for key, text in query.items():
        if key not in SCHEMA:
            raise setting_error(
                None, f"unknown setting {key!r:.40}; the settings are {', '.join(SCHEMA)}"
            )
        if not isinstance(text, str):
            raise setting_error(
                key, f"setting {key!r}: expected text, received {type(text).__name__}"
            )
        values[key] = _value(key, text)
    if values.get("data") == "regression" and "cost" not in values:
        values["cost"] = "mse"  # the only cost of a regression
    settings = Settings(**values)
    _check_combination(settings, query)
    return settings
