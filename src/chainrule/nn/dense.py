"""The fully connected layer: z = W a + b, the book's affine map."""

from __future__ import annotations

import numpy as np

from ..autodiff.tensor import apply
from ..dtypes import resolve_dtype
from ..errors import ConfigError, ShapeError
from ..memory import network_bytes
from ..memory import require as require_memory
from ..ops.linear import affine
from ..random import as_rng
from .init import initial_weights
from .module import Module, Parameter, input_tensor


class Dense(Module):
    """z = W a + b with W of shape (out, in) (as in the maths and ``torch.nn.Linear``).

    On a batch of rows: Z = X Wᵀ + b. Its backward is the fused VJP of :func:`ops.linear.affine`:
    ∂C/∂W = δ aᵀ (batch: Δᵀ X), ∂C/∂b = δ (batch: Σ rows of Δ), and Wᵀδ sent to the layer below.

    ``init``: "xavier" (default), "he", "uniform" (the book's U[0,1)), "normal", "zeros".
    ``rng``: a seed or ``numpy.random.Generator`` (default: the library's, see ``manual_seed``).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        init: str = "xavier",
        dtype=None,
        rng=None,
    ):
        for label, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"Dense: {label} must be a positive integer, got {value!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.dtype = resolve_dtype(dtype)
        require_memory(
            network_bytes([self.in_features, self.out_features], self.dtype, bias),
            f"Dense({self.in_features}→{self.out_features}) in {self.dtype}",
        )
        self.init = init
        generator = as_rng(rng)
        self.W = Parameter(
            initial_weights(init, self.out_features, self.in_features, generator, self.dtype),
            name="W",
        )
        self.b = Parameter(np.zeros(self.out_features, self.dtype), name="b") if bias else None

    def describe(self) -> str:
        bias = "" if self.b is not None else ", no bias"
        return f"Dense({self.in_features}→{self.out_features}{bias})"

    def config(self) -> dict:
        return {
            "type": "Dense",
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": self.b is not None,
        }

    def forward(self, x):
        x = input_tensor(self, x, self.W.dtype)
        if x.ndim not in (1, 2) or x.shape[-1] != self.in_features:
            raise ShapeError(
                f"{self.describe()}: expected input of shape (batch, {self.in_features}) or "
                f"({self.in_features},), received {x.shape}"
            )
        return apply(affine, x, self.W, self.b)
