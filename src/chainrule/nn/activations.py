"""Activation layers a = σ(z), applied elementwise (softmax: along the last axis).

Each Jacobian is diagonal, diag(σ'(z)), so the backward pass is g ⊙ σ'(z): the book's
δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l). The rules live in :mod:`chainrule.ops.activation`.

Every activation is one class here, registered by its ``name``: the class names its primitive
of the derivative table (``op``: forward and VJP) and states σ' as the book writes it
(``derivative_text``, ``derivative``: the independent side of explain's δ checks). Everything
that takes an activation by name — :func:`activation_layer`, :func:`~chainrule.nn.mlp`,
``from_config``, the command line, the scikit-learn estimators — reads this one registry, and
the compiled step, the lean forward and the trace read the layer (see :mod:`.book_network`).
A new activation is one primitive plus one subclass::

    class Softplus(Activation):
        name = "softplus"
        op = softplus                      # a @primitive with its VJP
        derivative_text = "σ(z)"
        derivative = staticmethod(lambda z, a: expit(z))
"""

from __future__ import annotations

import inspect
from functools import partial

import numpy as np

from ..autodiff.tensor import Tensor, apply
from ..dtypes import as_array
from ..errors import ConfigError
from ..ops import activation, softmax
from .module import Module

#: Every activation layer class by name and alias ("sigmoid", "linear", …), in the order
#: they were defined; :class:`Activation` subclasses register themselves.
ACTIVATIONS: dict[str, type[Activation]] = {}
#: The layer types of a saved architecture that are not activations (``nn.config``).
_OTHER_LAYER_TYPES = ("Sequential", "Dense", "Dropout")


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(as_array(x, what="activation input"))


class Activation(Module):
    """A layer a = f(z) given by one primitive of the derivative table.

    Subclasses set ``name`` (registering the class under it and its ``aliases``), ``op`` (the
    primitive: ``op.forward(z, out=...)`` and its VJP ``(g, a, z)``), and σ' as the book
    writes it: ``derivative_text`` (in terms of z and a) and ``derivative(z, a)``.
    """

    #: The name an activation is chosen by ("sigmoid"); None: not registered.
    name: str | None = None
    aliases: tuple[str, ...] = ()
    op = None
    #: σ'(z) as text, in terms of z and a ("a ⊙ (1 − a)"), and whether the Jacobian is the
    #: diagonal diag(σ'(z)) (False for softmax: J = diag(a) − a aᵀ).
    derivative_text = ""
    elementwise = True
    #: The function's symbol in equations, a = σ(z) (a registered class without one: its name).
    symbol: str | None = None
    #: False for an activation that only makes sense on the output (softmax).
    hidden = True
    #: The options ``config()`` stores and ``from_config`` passes back to the constructor.
    options: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__ or cls.name is None:
            return  # a subclass that does not name itself is not registered
        for key in (cls.name, *cls.aliases):
            if key in ACTIVATIONS:
                raise ConfigError(
                    f"activation {key!r} is registered twice "
                    f"({ACTIVATIONS[key].__name__} and {cls.__name__})"
                )
        # a saved architecture names the layer by its class name ({"type": "Softplus"}), so
        # that name must pick one class too
        taken = {other.__name__ for other in ACTIVATIONS.values()} | set(_OTHER_LAYER_TYPES)
        if cls.__name__ in taken:
            raise ConfigError(
                f"activation {cls.name!r}: the class name {cls.__name__} is "
                f"taken (a saved architecture names each layer by its class); "
                f"give the class another name"
            )
        if cls.elementwise and cls.op is not None:
            _require_out(cls)
        for key in (cls.name, *cls.aliases):
            ACTIVATIONS[key] = cls
        if "symbol" not in cls.__dict__:
            cls.symbol = cls.name

    @classmethod
    def unregister(cls) -> None:
        """Remove the class (its name and aliases) from the registry."""
        for key in (cls.name, *cls.aliases):
            if ACTIVATIONS.get(key) is cls:
                del ACTIVATIONS[key]

    @staticmethod
    def derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """σ'(z) for every unit, from the recorded z and a (the book's formula)."""
        raise NotImplementedError

    @property
    def array_forward(self):
        """σ on plain arrays, ``f(z, out=...)``, nothing recorded (the lean forward and the
        compiled step call it); None for the identity."""
        return None if self.op is None else self.op.forward

    def forward(self, x):
        return apply(self.op, _tensor(x))


def _takes_out(function) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: take it on trust
        return True
    return any(p.name == "out" or p.kind is p.VAR_KEYWORD for p in parameters)


def _require_out(cls) -> None:
    """An elementwise activation's forward and VJPs take ``out=``: the lean forward and the
    compiled step write σ(z) and g ⊙ σ'(z) into arrays they allocated once. Checked as the
    class is defined, not at the first no-grad pass or training step."""
    rules = [("forward", cls.op.forward)] + [
        ("VJP", rule) for rule in cls.op.vjps if rule is not None
    ]
    for what, function in rules:
        if not _takes_out(function):
            raise ConfigError(
                f"activation {cls.name!r}: its primitive's {what} must take "
                f"out=None (the lean forward and the compiled step write into "
                f"arrays of their own), e.g. np.multiply(..., out=out)"
            )


class Sigmoid(Activation):
    """a = σ(z) = 1/(1 + e^(−z));  σ'(z) = a(1 − a)."""

    name = "sigmoid"
    symbol = "σ"
    op = activation.sigmoid
    derivative_text = "a ⊙ (1 − a)"

    @staticmethod
    def derivative(z, a):
        return a * (1 - a)


class Tanh(Activation):
    """a = tanh z;  tanh'(z) = 1 − a²."""

    name = "tanh"
    op = activation.tanh
    derivative_text = "1 − a ⊙ a"

    @staticmethod
    def derivative(z, a):
        return 1 - a * a


class ReLU(Activation):
    """a = max(z, 0);  ReLU'(z) = [z > 0]."""

    name = "relu"
    symbol = "ReLU"
    op = activation.relu
    derivative_text = "[z > 0]"

    @staticmethod
    def derivative(z, a):
        return (z > 0).astype(z.dtype)


class Identity(Activation):
    """a = z (a linear output layer); its Jacobian is I, so δ passes through unchanged."""

    name = "identity"
    aliases = ("linear",)
    derivative_text = "1"

    @staticmethod
    def derivative(z, a):
        return np.ones_like(z)

    def forward(self, x):
        return _tensor(x)


class Softmax(Activation):
    """a = e^z / Σ e^z along ``axis``; J = diag(a) − a aᵀ (its VJP never forms it).

    Followed by :class:`CrossEntropy`, the two are fused into ∂C/∂z = a − y.
    """

    name = "softmax"
    op = softmax.softmax
    derivative_text = "diag(a) − a aᵀ"
    elementwise = False
    hidden = False
    options = ("axis",)

    def __init__(self, axis: int = -1):
        self.axis = axis

    def config(self) -> dict:
        return {"type": "Softmax", "axis": self.axis}

    @property
    def array_forward(self):
        return partial(softmax.softmax.forward, axis=self.axis)

    def forward(self, x):
        return apply(softmax.softmax, _tensor(x), self.axis)


def activation_names(hidden: bool = False, aliases: bool = True) -> list[str]:
    """The registered names, in the order registered; ``hidden=True``: only those a hidden
    layer may use (not softmax); ``aliases=False``: one name per class ("linear" left out)."""
    return [
        name
        for name, cls in ACTIVATIONS.items()
        if (cls.hidden or not hidden) and (aliases or name == cls.name)
    ]


def activation_class(name: str) -> type[Activation]:
    """The activation class registered as ``name`` (any case), or a ConfigError listing them."""
    try:
        return ACTIVATIONS[name.lower()]
    except (KeyError, AttributeError):
        raise ConfigError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
        ) from None


def activation_layer(name: str) -> Module:
    """A new activation layer by name ("sigmoid", "tanh", "relu", "identity", "softmax", or
    any other registered)."""
    return activation_class(name)()
