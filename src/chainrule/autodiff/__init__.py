"""The reverse-mode engine: tensors, the recorded graph, the backward sweep, and its checks."""

from .anomaly import detect_anomaly
from .gradcheck import GradcheckReport, gradcheck
from .graph import Node, backward, toposort
from .mode import enable_grad, is_grad_enabled, no_grad
from .tensor import Tensor, apply, as_tensor

__all__ = [
    "Tensor",
    "apply",
    "as_tensor",
    "backward",
    "toposort",
    "Node",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "gradcheck",
    "GradcheckReport",
]
