"""Costs: the scalar C that backpropagation differentiates."""

from ..errors import ConfigError
from .binary_cross_entropy import BinaryCrossEntropy
from .cost import Cost
from .cross_entropy import CrossEntropy, class_labels
from .mse import MSE

COSTS = {
    "mse": MSE,
    "bce": BinaryCrossEntropy,
    "ce": CrossEntropy,
    "cross_entropy": CrossEntropy,
    "binary_cross_entropy": BinaryCrossEntropy,
}


def cost_by_name(name: str, **options) -> Cost:
    """A cost by name: "mse", "bce", "ce"."""
    try:
        return COSTS[name.lower()](**options)
    except KeyError:
        raise ConfigError(f"unknown cost {name!r}; choose one of {', '.join(COSTS)}") from None


__all__ = [
    "Cost",
    "MSE",
    "BinaryCrossEntropy",
    "CrossEntropy",
    "COSTS",
    "cost_by_name",
    "class_labels",
]
