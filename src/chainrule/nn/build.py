"""Networks from a short description: sizes, activation, cost (used by the command line)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..dtypes import resolve_dtype
from ..errors import ConfigError
from ..memory import network_bytes
from ..memory import require as require_memory
from ..random import as_rng
from .activations import Identity, activation_class, activation_names
from .dense import Dense
from .dropout import Dropout
from .sequential import Sequential

#: The output layer's activation that pairs with each cost by default.
OUTPUT_FOR_COST = {"mse": None, "bce": "sigmoid", "ce": "identity"}


def parse_sizes(text: str | Sequence[int]) -> list[int]:
    """ "3,4,1" (or "3-4-1") → [3, 4, 1] (at least two positive sizes)."""
    if isinstance(text, str):
        dashed = re.fullmatch(r"\s*\d+(\s*-\s*\d+)+\s*", text)  # 3-4-1, not 3,-4,1
        parts = text.split("-") if dashed else text.split(",")
        if len(parts) > 1 and not all(part.strip() for part in parts):
            raise ConfigError(
                f"layer sizes (--layers) must be integers separated by commas, got {text!r}: "
                f"a size is missing between two commas or at an end"
            )
        try:
            sizes = [int(part) for part in parts if part.strip()]
        except ValueError:
            raise ConfigError(
                f"layer sizes must be integers separated by commas, got {text!r}"
            ) from None
    else:
        sizes = [int(s) for s in text]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ConfigError(
            f"layer sizes (--layers) need an input and an output size, all positive; got {sizes}"
        )
    return sizes


def mlp(
    sizes,
    activation: str = "sigmoid",
    output: str | None = None,
    *,
    dropout: float = 0.0,
    bias: bool = True,
    init: str = "xavier",
    dtype=None,
    rng=None,
    dropout_rng=None,
) -> Sequential:
    """The network every part of chainrule builds: Dense layers of the given sizes,
    ``activation`` after each hidden one and ``output`` (default: the same as the hidden ones)
    after the last, and with ``dropout`` > 0 a Dropout layer after each hidden layer's
    activation. Identity activations add no layer.

    ``init``, ``dtype``, ``bias`` and ``rng`` are each Dense layer's (weights drawn layer by
    layer from ``rng``). Each Dropout layer's mask generator is seeded by a number drawn from
    ``dropout_rng`` as the layer is built (so, when it is the generator ``rng``, between the
    weights of the layers around it), or by default from ``rng`` once every weight is drawn.
    """
    sizes = parse_sizes(sizes)
    hidden_class = activation_class(activation)
    output_class = activation_class(output) if output is not None else hidden_class
    if len(sizes) > 2 and not hidden_class.hidden:
        hidden = activation_names(hidden=True, aliases=False)
        raise ConfigError(
            f"{activation.lower()} is not a hidden activation: it turns the "
            f"output layer into probabilities and belongs to the cost (ce); choose "
            f"{', '.join(hidden[:-1])} or {hidden[-1]}"
        )
    try:
        p = float(dropout)
    except (TypeError, ValueError, OverflowError):
        p = float("nan")
    if not 0.0 <= p < 1.0:
        raise ConfigError(f"dropout must lie in [0, 1), got {dropout!r:.80}")
    seeds_now = None if dropout_rng is None else as_rng(dropout_rng)
    require_memory(
        network_bytes(sizes, resolve_dtype(dtype), bias),
        f"the network {'-'.join(map(str, sizes))} in {resolve_dtype(dtype)}",
    )
    layers: list = []
    seeds_later = []  # positions of Dropout layers seeded once every weight is drawn
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Dense(n_in, n_out, bias=bias, init=init, dtype=dtype, rng=rng))
        hidden = i < len(sizes) - 2
        kind = hidden_class if hidden else output_class
        if kind is not Identity:
            layers.append(kind())
        if hidden and p:
            if seeds_now is None:
                seeds_later.append(len(layers))
                layers.append(None)
            else:
                layers.append(Dropout(p, rng=int(seeds_now.integers(2**63))))
    if seeds_later:
        source = as_rng(rng)
        for at in seeds_later:
            layers[at] = Dropout(p, rng=int(source.integers(2**63)))
    return Sequential(*layers)


def output_for(cost: str, activation: str) -> str:
    """The output activation paired with ``cost`` ("ce": logits, "bce": sigmoid, "mse": the
    hidden activation, as in the book)."""
    try:
        paired = OUTPUT_FOR_COST[cost.lower()]
    except KeyError:
        raise ConfigError(
            f"unknown cost {cost!r}; choose one of {', '.join(OUTPUT_FOR_COST)}"
        ) from None
    return paired or activation
