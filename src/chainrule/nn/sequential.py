"""Sequential: a network as a composition of layers, f = f_L ∘ … ∘ f_1."""

from __future__ import annotations

from ..autodiff.mode import blocks, state
from ..errors import ChainruleError, ConfigError, DTypeError, ShapeError
from .lean import lean_forward
from .module import Module


class Sequential(Module):
    """Layers applied in order; indexable (``net[0].W``), iterable, sliceable."""

    def __init__(self, *layers: Module):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise ConfigError(f"Sequential: item {i} is a {type(layer).__name__}, not a layer")
        self.layers = list(layers)

    def forward(self, x):
        switched = blocks.open  # 0: recording, no checks (see autodiff.mode)
        if switched and not state.grad_enabled and not state.anomaly_depth:  # arrays only
            y = lean_forward(self, x)
            if y is not None:
                return y
        for i, layer in enumerate(self.layers):
            if switched and state.anomaly_depth:
                state.scope.append(f"layer {i}")
            try:
                x = layer(x)
            except (ShapeError, DTypeError) as exc:
                if str(exc).startswith("layer "):
                    raise
                raise type(exc)(f"layer {i} {exc}") from None
            finally:
                if switched and state.anomaly_depth:
                    state.scope.pop()
        return x

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        try:
            return self.layers[index]
        except IndexError:
            raise ChainruleError(
                f"this network has {len(self.layers)} layers; there is no layer {index}"
            ) from None

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def append(self, layer: Module) -> Sequential:
        if not isinstance(layer, Module):
            raise ConfigError(f"Sequential.append: a {type(layer).__name__} is not a layer")
        self.layers.append(layer)
        return self

    def config(self) -> dict:
        return {"type": "Sequential", "layers": [layer.config() for layer in self.layers]}

    def describe(self) -> str:
        sizes = [layer.in_features for layer in self.layers if hasattr(layer, "in_features")]
        last = [layer.out_features for layer in self.layers if hasattr(layer, "out_features")]
        if sizes:
            return f"Sequential({'→'.join(str(s) for s in sizes + last[-1:])})"
        return "Sequential"

    def __repr__(self) -> str:
        lines = [f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"
