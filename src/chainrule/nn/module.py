"""Modules and parameters: the pieces a network is composed of.

A :class:`Module` maps a batch to a batch (``forward``) and owns :class:`Parameter` tensors; a
module's parameters are found by walking its attributes in the order they were set, so
``Sequential(Dense(3, 4), ...)`` lists ``0.W, 0.b, ...`` in the book's layer order.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..autodiff.mode import blocks, state
from ..autodiff.tensor import Tensor
from ..dtypes import as_array, resolve_dtype
from ..errors import ConfigError, DTypeError, ShapeError


class Parameter(Tensor):
    """A tensor that training adjusts: ``requires_grad`` is on and the array is its own copy."""

    __slots__ = ()

    def __init__(self, data, dtype=None, name: str | None = None):
        super().__init__(
            np.array(as_array(data, dtype, what="parameter"), copy=True),
            requires_grad=True,
            name=name,
        )


class Module:
    """Base of layers and networks."""

    training: bool = True

    def __call__(self, x):
        if blocks.open and state.anomaly_depth:
            state.scope.append(self.describe())
            try:
                return self.forward(x)
            finally:
                state.scope.pop()
        return self.forward(x)

    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__} defines no forward()")

    def describe(self) -> str:
        """A short name for messages: ``Dense(3→4)``, ``Sigmoid``."""
        return type(self).__name__

    def __repr__(self) -> str:
        return self.describe()

    def config(self) -> dict:
        """The layer's architecture as plain JSON data (``nn.config.from_config`` rebuilds it);
        layers with options extend it."""
        return {"type": type(self).__name__}

    # -- structure -------------------------------------------------------------------------
    def children(self) -> Iterator[tuple[str, Module]]:
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield str(i), item

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs, e.g. ``("0.W", ...)``, in layer order."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.children():
            yield from child.named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    def modules(self) -> Iterator[Module]:
        yield self
        for _, child in self.children():
            yield from child.modules()

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) pairs, this module first (named ``prefix``, "" at the top)."""
        yield prefix, self
        for name, child in self.children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    # -- state -----------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active) or, with ``mode=False``, evaluation mode."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        return self.train(False)

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    def to(self, dtype) -> Module:
        """Convert every parameter (and layer default) to ``dtype``, in place; returns self."""
        target = resolve_dtype(dtype)
        for module in self.modules():
            if hasattr(module, "dtype"):
                module.dtype = target
        for p in self.parameters():
            p.data = p.data.astype(target)
            p.grad = None
        return self

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter's array by dotted name."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, arrays: dict[str, np.ndarray]) -> None:
        """Copy arrays into the parameters; any missing, extra or misshapen entry is an error
        that lists every difference."""
        own = dict(self.named_parameters())
        problems = [f"missing {name} {p.shape}" for name, p in own.items() if name not in arrays]
        problems += [f"unexpected {name}" for name in arrays if name not in own]
        problems += [
            f"{name}: expected shape {own[name].shape}, received {np.shape(arrays[name])}"
            for name in arrays
            if name in own and np.shape(arrays[name]) != own[name].shape
        ]
        if problems:
            raise ShapeError("the saved parameters do not fit this network: " + "; ".join(problems))
        for name, p in own.items():
            p.data[...] = as_array(arrays[name], p.dtype, what=name)


def network_dtype(net: Module, default=None) -> np.dtype:
    """The float type of the network's parameters (the first one's); for a network without
    parameters, ``default``, or a ConfigError when none is given."""
    params = net.parameters()
    if params:
        return params[0].dtype
    if default is None:
        raise ConfigError("the network has no parameters to train")
    return np.dtype(default)


def input_tensor(module: Module, x, dtype) -> Tensor:
    """``x`` as a Tensor of ``dtype``: arrays are converted, a Tensor of another float type is
    refused (converting it silently would change where its gradient goes)."""
    if isinstance(x, Tensor):
        if x.dtype != dtype:
            raise DTypeError(
                f"{module.describe()}: expected a {dtype} input, received a {x.dtype} tensor; "
                f"convert it with .to('{dtype}') or the network with net.to('{x.dtype}')"
            )
        return x
    try:
        return Tensor._make(as_array(x, dtype, what="the input"), False, None)
    except DTypeError as exc:
        raise DTypeError(f"{module.describe()}: {exc}") from None
