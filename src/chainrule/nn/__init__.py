"""Layers and networks: Dense, the activations, Sequential."""

from .activations import (
                          ACTIVATIONS,
                          Activation,
                          Identity,
                          ReLU,
                          Sigmoid,
                          Softmax,
                          Tanh,
                          activation_layer,
)
from .build import mlp, output_for, parse_sizes
from .dense import Dense
from .init import INITS, initial_weights
from .module import Module, Parameter, input_tensor
from .sequential import Sequential

__all__ = ["Module", "Parameter", "input_tensor", "Dense", "Sigmoid", "Tanh", "ReLU",
           "Softmax", "Identity", "Activation", "ACTIVATIONS", "activation_layer",
           "Sequential", "INITS", "initial_weights", "mlp", "output_for", "parse_sizes"]
