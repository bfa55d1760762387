"""chainrule: backpropagation as the book derives it.

A network is a composition of vector functions z = W a + b, a = σ(z); the cost's gradient runs
back through it as vector-Jacobian products, δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l); gradient
descent steps W ← W − η ∂C/∂W.
"""

from . import (
                       checkpoint,
                       data,
                       explain,  # noqa: E402  (after nn and costs, which it reads)
                       ops,
                       train,
)
from .autodiff import (
                       GradcheckReport,
                       Tensor,
                       as_tensor,
                       detect_anomaly,
                       enable_grad,
                       gradcheck,
                       is_grad_enabled,
                       no_grad,
)
from .costs import MSE, BinaryCrossEntropy, Cost, CrossEntropy
from .dtypes import default_dtype, get_default_dtype, set_default_dtype
from .errors import (
                       ChainruleError,
                       CheckpointError,
                       ConfigError,
                       DataError,
                       DTypeError,
                       GradcheckError,
                       GraphFreedError,
                       MissingDerivativeError,
                       NonFiniteError,
                       ShapeError,
)
from .explain import Trace, trace
from .explain.show.notebook import register as _register_notebook_display
from .nn import (
                       Dense,
                       Dropout,
                       Identity,
                       Module,
                       Parameter,
                       ReLU,
                       Sequential,
                       Sigmoid,
                       Softmax,
                       Tanh,
)
from .optim import SGD, Adam, AdamW, Optimizer
from .random import manual_seed
from .train import Trainer, fit

_register_notebook_display()

__version__ = "0.1.0"

__all__ = [
    "Tensor", "as_tensor", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly",
    "gradcheck", "GradcheckReport", "Module", "Parameter", "Dense", "Sigmoid", "Tanh", "ReLU",
    "Softmax", "Identity", "Sequential", "Cost", "MSE", "BinaryCrossEntropy", "CrossEntropy",
    "Optimizer", "SGD", "Adam", "AdamW", "manual_seed", "get_default_dtype",
    "set_default_dtype", "default_dtype", "ChainruleError", "ShapeError", "DTypeError",
    "DataError", "ConfigError", "GradcheckError", "GraphFreedError", "MissingDerivativeError",
    "NonFiniteError", "ops", "__version__", "explain", "trace", "Trace", "Dropout",
    "CheckpointError", "Trainer", "fit", "data", "train", "checkpoint",
]
