"""A network's architecture as plain JSON data, and back: what a checkpoint stores.

``net.config()`` gives e.g. ``{"type": "Sequential", "layers": [{"type": "Dense",
"in_features": 784, "out_features": 128, "bias": true}, {"type": "ReLU"}, ...]}``;
:func:`from_config` rebuilds the layers (weights are loaded separately), and
:func:`config_differences` lists, in words, how two architectures differ.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..errors import ConfigError
from .activations import ACTIVATIONS, Softmax
from .dense import Dense
from .dropout import Dropout
from .module import Module
from .sequential import Sequential


class _LayerTypes(Mapping):
    """Dense, every registered activation class (by class name) and Dropout, with the options
    each one takes; read afresh each time, so an activation registered later is included."""

    def _types(self) -> dict[str, tuple[type, tuple[str, ...]]]:
        types = {"Dense": (Dense, ("in_features", "out_features", "bias"))}
        for cls in dict.fromkeys(ACTIVATIONS.values()):
            types[cls.__name__] = (cls, cls.options)
        types["Dropout"] = (Dropout, ("p",))
        return types

    def __getitem__(self, kind: str):
        return self._types()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types())

    def __len__(self) -> int:
        return len(self._types())


#: Layer types a configuration may name, with the options each one takes.
LAYER_TYPES: Mapping[str, tuple[type, tuple[str, ...]]] = _LayerTypes()


def from_config(config, dtype=None) -> Module:
    """The network a configuration describes, with zeroed weights of ``dtype``."""
    if not isinstance(config, dict) or "type" not in config:
        raise ConfigError(f"an architecture is a JSON object with a 'type'; got {config!r:.80}")
    kind = config["type"]
    if not isinstance(kind, str):
        raise ConfigError(f"a layer's 'type' is a name; got {kind!r:.80}")
    if kind == "Sequential":
        layers = config.get("layers")
        if not isinstance(layers, list):
            raise ConfigError("a Sequential architecture needs a list of 'layers'")
        return Sequential(*(from_config(layer, dtype) for layer in layers))
    if kind not in LAYER_TYPES:
        raise ConfigError(
            f"unknown layer type {kind!r} in the architecture; known: "
            f"Sequential, {', '.join(LAYER_TYPES)} (an activation of your own "
            f"is known once the module defining its class is imported)"
        )
    cls, allowed = LAYER_TYPES[kind]
    options = {k: v for k, v in config.items() if k != "type"}
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ConfigError(f"layer {kind}: unknown option(s) {', '.join(unknown)}")
    if cls is Dense:
        return Dense(
            options.get("in_features"),
            options.get("out_features"),
            bias=bool(options.get("bias", True)),
            init="zeros",
            dtype=dtype,
        )
    if cls is Dropout:
        return Dropout(options.get("p", 0.5), rng=0)
    if cls is Softmax:
        axis = options.get("axis", -1)
        if not isinstance(axis, int) or isinstance(axis, bool) or axis not in (-2, -1, 0, 1):
            raise ConfigError(
                f"layer Softmax: axis must be -1 (the features) or another axis "
                f"of a batch, got {axis!r:.80}"
            )
    return cls(**options)


def _describe(config: dict) -> str:
    options = ", ".join(f"{k}={config[k]}" for k in sorted(config) if k != "type")
    return f"{config.get('type')}({options})"


def config_differences(saved: dict, own: dict) -> list[str]:
    """Every difference between two Sequential architectures, layer by layer, in words:
    "layer 0 (Dense): in_features 64 in the checkpoint, 784 here"."""
    saved_layers = saved.get("layers", [saved]) if isinstance(saved, dict) else []
    own_layers = own.get("layers", [own])
    problems = []
    if len(saved_layers) != len(own_layers):
        problems.append(f"{len(saved_layers)} layers in the checkpoint, {len(own_layers)} here")
    for i, (a, b) in enumerate(zip(saved_layers, own_layers, strict=False)):
        if a == b:
            continue
        if not isinstance(a, dict) or a.get("type") != b.get("type"):
            described = _describe(a) if isinstance(a, dict) else repr(a)
            problems.append(f"layer {i}: {described} in the checkpoint, {_describe(b)} here")
            continue
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                problems.append(
                    f"layer {i} ({b['type']}): {key} {a.get(key)} in the "
                    f"checkpoint, {b.get(key)} here"
                )
    return problems
