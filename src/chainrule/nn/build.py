"""Networks from a short description: sizes, activation, cost (used by the command line)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..dtypes import resolve_dtype
from ..errors import ConfigError
from ..memory import network_bytes
from ..memory import require as require_memory
from .activations import activation_layer
from .dense import Dense
from .sequential import Sequential

#: The output layer's activation that pairs with each cost by default.
OUTPUT_FOR_COST = {"mse": None, "bce": "sigmoid", "ce": "identity"}


def parse_sizes(text: str | Sequence[int]) -> list[int]:
    """"3,4,1" (or "3-4-1") → [3, 4, 1] (at least two positive sizes)."""
    if isinstance(text, str):
        dashed = re.fullmatch(r"\s*\d+(\s*-\s*\d+)+\s*", text)  # 3-4-1, not 3,-4,1
        try:
            sizes = [int(part) for part in (text.split("-") if dashed else text.split(","))
                     if part.strip()]
        except ValueError:
            raise ConfigError(
                f"layer sizes must be integers separated by commas, got {text!r}") from None
    else:
        sizes = [int(s) for s in text]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ConfigError(f"layer sizes (--layers) need an input and an output size, all "
                          f"positive; got {sizes}")
    return sizes


def mlp(sizes, activation: str = "sigmoid", output: str | None = None, *, bias: bool = True,
        init: str = "xavier", dtype=None, rng=None) -> Sequential:
    """Dense layers of the given sizes, ``activation`` after each hidden one and ``output``
    (default: the same as the hidden ones) after the last."""
    sizes = parse_sizes(sizes)
    if len(sizes) > 2 and activation.lower() == "softmax":
        raise ConfigError("softmax is not a hidden activation: it turns the output layer into "
                          "probabilities and belongs to the cost (ce); choose sigmoid, tanh, "
                          "relu or identity")
    require_memory(network_bytes(sizes, resolve_dtype(dtype), bias),
                   f"the network {'-'.join(map(str, sizes))} in {resolve_dtype(dtype)}")
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Dense(n_in, n_out, bias=bias, init=init, dtype=dtype, rng=rng))
        last = i == len(sizes) - 2
        name = (output or activation) if last else activation
        if name.lower() not in ("identity", "linear"):
            layers.append(activation_layer(name))
    return Sequential(*layers)


def output_for(cost: str, activation: str) -> str:
    """The output activation paired with ``cost`` ("ce": logits, "bce": sigmoid, "mse": the
    hidden activation, as in the book)."""
    try:
        paired = OUTPUT_FOR_COST[cost.lower()]
    except KeyError:
        raise ConfigError(
            f"unknown cost {cost!r}; choose one of {', '.join(OUTPUT_FOR_COST)}") from None
    return paired or activation
