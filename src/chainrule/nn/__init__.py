"""Layers and networks: Dense, the activations, Sequential."""

from .activations import (
    ACTIVATIONS,
    Activation,
    Identity,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    activation_class,
    activation_layer,
    activation_names,
)
from .book_network import BookLayer, BookNetwork, Unreadable, read_layers
from .build import mlp, output_for, parse_sizes
from .config import LAYER_TYPES, config_differences, from_config
from .dense import Dense
from .dropout import Dropout
from .init import INITS, initial_weights
from .lean import lean_forward
from .module import Module, Parameter, input_tensor, network_dtype
from .sequential import Sequential

__all__ = [
    "Module",
    "Parameter",
    "input_tensor",
    "Dense",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "Softmax",
    "Identity",
    "Activation",
    "ACTIVATIONS",
    "activation_layer",
    "Sequential",
    "INITS",
    "initial_weights",
    "mlp",
    "output_for",
    "parse_sizes",
    "Dropout",
    "LAYER_TYPES",
    "from_config",
    "config_differences",
    "activation_names",
    "activation_class",
    "BookLayer",
    "BookNetwork",
    "Unreadable",
    "read_layers",
    "lean_forward",
    "network_dtype",
]
