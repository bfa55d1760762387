"""chainrule: backpropagation as the book derives it.

A network is a composition of vector functions z = W a + b, a = σ(z); the cost's gradient runs
back through it as vector-Jacobian products, δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l); gradient
descent steps W ← W − η ∂C/∂W.

``import chainrule`` loads the engine, the layers, the costs and the optimizers; the rest
(explain, train, data, checkpoint, sklearn, fast, …) is loaded on first use, e.g. by
``chainrule.trace`` or ``chainrule.Trainer`` (PEP 562's module ``__getattr__``).
"""

from __future__ import annotations

import importlib as _importlib
import importlib.util as _importlib_util
import sys as _sys

from . import ops
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

__version__ = "0.1.0"

#: The public names loaded on first use: name → the module that holds it.
_LAZY_NAMES = {
    "trace": "chainrule.explain",
    "Trace": "chainrule.explain",
    "Trainer": "chainrule.train",
    "fit": "chainrule.train",
}
#: The subpackages loaded on first use as ``chainrule.<name>``.
_LAZY_MODULES = ("explain", "train", "data", "checkpoint", "sklearn", "fast")
#: Those that need an optional package (subpackage → the package): ``dir(chainrule)`` lists
#: one only where its package is installed, since what reads every listed name
#: (``inspect.getmembers``, ``help``, a notebook's completion) stops at the ImportError that
#: answers ``chainrule.sklearn`` without scikit-learn.
_OPTIONAL_MODULES = {"sklearn": "sklearn"}

__all__ = [
    "Tensor",
    "as_tensor",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "gradcheck",
    "GradcheckReport",
    "Module",
    "Parameter",
    "Dense",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "Softmax",
    "Identity",
    "Sequential",
    "Cost",
    "MSE",
    "BinaryCrossEntropy",
    "CrossEntropy",
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "manual_seed",
    "get_default_dtype",
    "set_default_dtype",
    "default_dtype",
    "ChainruleError",
    "ShapeError",
    "DTypeError",
    "DataError",
    "ConfigError",
    "GradcheckError",
    "GraphFreedError",
    "MissingDerivativeError",
    "NonFiniteError",
    "ops",
    "__version__",
    "explain",
    "trace",
    "Trace",
    "Dropout",
    "CheckpointError",
    "Trainer",
    "fit",
    "data",
    "train",
    "checkpoint",
]


def __getattr__(name: str):
    """``chainrule.trace``, ``chainrule.Trainer``, ``chainrule.explain``, …: imported here on
    first use, then kept as ordinary module attributes."""
    if name in _LAZY_NAMES:
        value = getattr(_importlib.import_module(_LAZY_NAMES[name]), name)
    elif name in _LAZY_MODULES:
        value = _importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def _installed(package: str) -> bool:
    """Whether ``package`` can be imported here (found, not imported)."""
    try:
        return _importlib_util.find_spec(package) is not None
    except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules
        return False


def __dir__() -> list[str]:
    lazy = {
        name
        for name in _LAZY_MODULES
        if name not in _OPTIONAL_MODULES or _installed(_OPTIONAL_MODULES[name])
    }
    return sorted(set(globals()) | set(__all__) | lazy | set(_LAZY_NAMES))


# -- a network draws itself in a notebook ---------------------------------------------------
# IPython asks its display formatters for a cell's value. A Module's diagram is drawn by
# explain; rather than nn importing explain (upward) or explain patching nn, the formatters
# are given two small functions, for chainrule.nn.module.Module and every subclass, that load
# explain on the first display. Only when IPython is running: a script pays nothing.


def _module_html(module) -> str | None:
    """A network's diagram and its repr, as HTML (None: nothing to draw)."""
    from .explain.show.notebook import module_html as html

    return html(module)


def _module_svg(module) -> str | None:
    """A network's diagram as SVG (None: nothing to draw)."""
    from .explain.show.notebook import module_svg as svg

    return svg(module)


def _register_notebook_display(shell=None) -> bool:
    """Give IPython's formatters a Module's diagram (the running shell by default); False when
    no IPython shell is running. Idempotent; ``chainrule`` calls it on import."""
    if shell is None:
        ipython = _sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type_by_name("chainrule.nn.module", "Module", _module_html)
    formatters["image/svg+xml"].for_type_by_name("chainrule.nn.module", "Module", _module_svg)
    return True


_register_notebook_display()
