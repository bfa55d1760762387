"""The forward pass without recording (evaluation, prediction): arrays in, one Tensor out.

Under ``no_grad()`` nothing is recorded, so a ``Sequential`` of Dense layers and activations
needs no Tensor per layer: this runs the same primitives of the derivative table (``affine``,
then the activation in place of Z) on plain arrays and wraps only the result. It reads the
layers as :func:`.book_network.read_layers` does; anything else — a layer it does not know, an
input it would have to refuse — is left to the layers themselves (``lean_forward`` returns
None), so errors and results are theirs.
"""

from __future__ import annotations

import weakref

import numpy as np

from ..autodiff.tensor import Tensor
from ..dtypes import as_array
from ..errors import DTypeError
from ..ops.linear import affine
from .book_network import BookNetwork, read_layers

_affine = affine.forward
_plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _steps(layers) -> list | None:
    """(Dense, σ on arrays or None) per layer of the book, or None when unreadable."""
    network = read_layers(layers)
    if not isinstance(network, BookNetwork):
        return None
    return [
        (layer.dense, None if layer.activation is None else layer.activation.array_forward)
        for layer in network.layers
    ]


def lean_forward(net, x) -> Tensor | None:
    """``net(x)`` for a network of Dense layers and activations, computed on arrays; None
    when the layers should run themselves."""
    cached = _plans.get(net)
    if cached is None or cached[0] != net.layers:
        cached = _plans[net] = (list(net.layers), _steps(net.layers))
    steps = cached[1]
    if steps is None:
        return None
    first = steps[0][0]
    dtype = first.W.data.dtype
    if isinstance(x, Tensor):
        x = x.data
        if x.dtype != dtype:
            return None
    else:
        try:
            x = as_array(x, dtype)
        except DTypeError:
            return None
    if x.ndim not in (1, 2) or x.shape[-1] != first.in_features:
        return None
    for dense, activation in steps:
        W, b = dense.W.data, dense.b
        if W.dtype != dtype or x.shape[-1] != dense.in_features:
            return None
        x = _affine(x, W, None if b is None else b.data)
        if activation is not None:
            activation(x, out=x)  # x is this pass's own array (a layer map's result)
    return Tensor._make(np.asarray(x), False, None)
