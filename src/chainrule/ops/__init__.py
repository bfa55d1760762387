"""The derivative table: every primitive's forward and VJP, stated once.

``TABLE`` maps each op's name to its :class:`Primitive`. The modules read like a table of
contents: arithmetic, linear maps, reductions, activations, softmax, costs, shape moves.
"""

from . import activation, arithmetic, cast, costs, linear, reduce, shape, softmax
from .broadcast import unbroadcast
from .primitive import TABLE, Primitive, primitive

__all__ = [
    "TABLE",
    "Primitive",
    "primitive",
    "unbroadcast",
    "activation",
    "arithmetic",
    "cast",
    "costs",
    "linear",
    "reduce",
    "shape",
    "softmax",
]
