"""The Tensor: an array that remembers how it was computed, for the reverse sweep.

The same class is the book's scalar view (``Tensor(2.0)``: every derivative is a number, and
``backward`` multiplies local derivatives along each path and sums over paths) and its vector
view (batches of rows, where each step is a vector-Jacobian product).
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import ops
from ..dtypes import as_array, resolve_dtype
from ..errors import DTypeError, ShapeError
from . import anomaly
from .graph import Node, backward
from .mode import blocks, state

_A = ops.arithmetic
_R = ops.reduce
_F = ops.activation


def _describe(value) -> str:
    if isinstance(value, (Tensor, np.ndarray)):
        return str(tuple(value.shape))
    return type(value).__name__


def _shape_error(op, args, exc) -> ShapeError:
    shapes = ", ".join(f"{n}={_describe(a)}" for n, a in zip(op.arg_names, args, strict=False))
    return ShapeError(f"op '{op.name}' cannot take shapes {shapes}: {exc}")


def apply(op, *args):
    """Run primitive ``op`` on tensors and constants; record it if any input requires grad.

    Unwrap the arguments (a tensor gives its array and becomes a parent), run the forward,
    check the answer under anomaly detection, and wrap it in a new tensor that records how it
    was made (its :class:`Node`) when a gradient may be asked of it. This runs once per
    operation, and in the scalar view (0-d tensors) its own cost is most of an operation's:
    one and two arguments have their own unwrapping, and the tensor and its node are made
    here rather than by further calls.
    """
    if len(args) == 2:
        parents, operands, tracked = _unwrap_pair(args, op.scalars)
    elif len(args) == 1:
        parents, operands, tracked = _unwrap_single(args[0], op.scalars)
    else:
        parents, operands, tracked = _unwrap_all(args)
    try:
        result = op.forward(*operands)
    except (ValueError, IndexError) as exc:
        raise _shape_error(op, args, exc) from None
    ans = result if type(result) is _ndarray else np.asarray(result)
    switched = blocks.open  # 0: no thread has a switch turned (see .mode)
    where = _check_forward(op, args, ans) if switched and state.anomaly_depth else ""
    tensor = _new(Tensor)
    tensor.data = ans
    tensor.grad = None
    tensor._retains = False
    tensor.name = None
    if tracked and (not switched or state.grad_enabled):
        tensor.requires_grad = True
        node = tensor._node = _new(Node)
        node.op = op
        node.parents = parents
        node.args = operands
        node.ans = result
        node.where = where
    else:
        tensor.requires_grad = False
        tensor._node = None
    return tensor


def _unwrap_pair(args, scalars):
    """``(parents, operands, tracked)`` of a call with two arguments: a tensor is its
    argument's parent and gives its array as the operand (a constant has the parent None and
    is its own operand); ``tracked``: whether either requires grad. For the arithmetic
    primitives (``scalars``, see :mod:`chainrule.ops.arithmetic`) a 0-d array is passed as a
    NumPy scalar, and kept so (by value) for the VJPs: the scalar view's fast path."""
    x, y = args
    if isinstance(x, Tensor):
        xd, tracked = x.data, x.requires_grad
    else:
        xd, x, tracked = x, None, False
    if isinstance(y, Tensor):
        yd, tracked = y.data, tracked or y.requires_grad
    else:
        yd, y = y, None
    if scalars:
        if type(xd) is _ndarray and not xd.ndim:
            xd = xd[()]
        if type(yd) is _ndarray and not yd.ndim:
            yd = yd[()]
    return (x, y), (xd, yd), tracked


def _unwrap_single(x, scalars):
    """:func:`_unwrap_pair` for a call with one argument."""
    if not isinstance(x, Tensor):
        return (None,), (x,), False
    xd = x.data
    if scalars and type(xd) is _ndarray and not xd.ndim:
        xd = xd[()]
    return (x,), (xd,), x.requires_grad


def _unwrap_all(args):
    """:func:`_unwrap_pair` for any other number of arguments (operands as they are)."""
    parents, operands, tracked = [], [], False
    for arg in args:
        if isinstance(arg, Tensor):
            parents.append(arg)
            operands.append(arg.data)
            tracked = tracked or arg.requires_grad
        else:
            parents.append(None)
            operands.append(arg)
    return tuple(parents), tuple(operands), tracked


def _check_forward(op, args, ans) -> str:
    """Under anomaly detection: refuse a NaN/Inf answer (naming an input that held one
    already), and return the modules being called, which the VJPs' checks name."""
    anomaly.check_forward(op, [a.data if isinstance(a, Tensor) else a for a in args], ans)
    return anomaly.current_scope()


_new = object.__new__
_ndarray = np.ndarray


class Tensor:
    """An n-dimensional float array with an optional gradient.

    ``data`` is the NumPy array (float32 unless ``dtype`` says otherwise; assignable in place);
    ``grad`` is filled by ``backward()`` with ∂C/∂(this tensor), an array of the same shape,
    added to what is already there until ``zero_grad()``.
    """

    __slots__ = ("data", "grad", "requires_grad", "_node", "_retains", "name", "__weakref__")
    __array_ufunc__ = None  # NumPy hands mixed expressions (array * tensor) to our operators

    def __init__(self, data, requires_grad: bool = False, dtype=None, name: str | None = None):
        if isinstance(data, Tensor):
            data = data.data
        self.data = as_array(data, dtype, what="Tensor data")
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._node = None
        self._retains = False
        self.name = name

    @classmethod
    def _make(cls, data, requires_grad, node):
        tensor = object.__new__(Tensor)
        tensor.data = data
        tensor.grad = None
        tensor.requires_grad = requires_grad
        tensor._node = node
        tensor._retains = False
        tensor.name = None
        return tensor

    # -- description -----------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def op(self) -> str | None:
        """Name of the primitive that produced this tensor (None for a leaf)."""
        return None if self._node is None else self._node.op.name

    def made_from(self, op) -> Tensor | None:
        """The recorded tensor z when this one is ``op(z, …)`` (the input of a softmax or a
        sigmoid, which a cost may take instead of its output); None otherwise."""
        node = self._node
        if node is None or node.op is not op:
            return None
        return node.parents[0]

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, separator=", ", prefix="Tensor(")
        extras = []
        if self.data.dtype != np.float32:
            extras.append(f"dtype={self.data.dtype}")
        if self._node is not None:
            extras.append(f"op={self._node.op.name}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    def __format__(self, spec: str) -> str:
        """``f"{C:.4f}"`` formats a one-element tensor's value as a float; an empty spec is
        ``str``. A larger tensor takes no format spec (as a NumPy array)."""
        if not spec:
            return str(self)
        if self.data.size != 1:
            raise TypeError(
                f"format spec {spec!r} needs a one-element tensor; this one has "
                f"shape {self.shape} (format its .data, or an element)"
            )
        return format(self.data.item(), spec)

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous")
        return bool(self.data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        if self.data.size != 1:
            raise ShapeError(f"item() needs a one-element tensor; this one has shape {self.shape}")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def tolist(self):
        return self.data.tolist()

    # -- gradients -------------------------------------------------------------------------
    def backward(self, grad=None, retain_graph: bool = False) -> None:
        """Run the chain rule from this value back to every leaf that requires grad.

        Seeds ∂C/∂C = 1 (a scalar result) or ``grad``; adds ∂C/∂leaf into each ``leaf.grad``;
        frees the graph afterwards unless ``retain_graph=True``.
        """
        backward(self, grad, retain_graph)

    def zero_grad(self) -> None:
        """Reset ``grad`` to zeros (keeping the buffer)."""
        if self.grad is not None:
            self.grad.fill(0)

    def retain_grad(self) -> Tensor:
        """Keep ∂C/∂(this intermediate value) in ``.grad`` after backward: e.g. a layer's z,
        whose gradient is the book's δ."""
        self._retains = True
        return self

    def requires_grad_(self, flag: bool = True) -> Tensor:
        self.requires_grad = bool(flag)
        return self

    def detach(self) -> Tensor:
        """The same values, cut from the graph (shares the array)."""
        return Tensor._make(self.data, False, None)

    def to(self, dtype) -> Tensor:
        """A copy in another float type (recorded: the gradient flows back and is cast)."""
        target = resolve_dtype(dtype)
        if target == self.data.dtype:
            return self
        return apply(ops.cast.cast, self, target)

    astype = to

    # -- arithmetic ------------------------------------------------------------------------
    def _other(self, other):
        kind = type(other)
        if kind is float or kind is int or isinstance(other, Tensor):  # the common cases first
            return other
        if isinstance(other, numbers.Number) and not isinstance(other, complex):
            return other
        if isinstance(other, (np.ndarray, np.generic, list, tuple)):
            return as_array(other, self.data.dtype, what="operand")
        raise DTypeError(f"cannot combine a Tensor with {type(other).__name__}")

    def __add__(self, other):
        return apply(_A.add, self, self._other(other))

    def __radd__(self, other):
        return apply(_A.add, self._other(other), self)

    def __sub__(self, other):
        return apply(_A.sub, self, self._other(other))

    def __rsub__(self, other):
        return apply(_A.sub, self._other(other), self)

    def __mul__(self, other):
        return apply(_A.mul, self, self._other(other))

    def __rmul__(self, other):
        return apply(_A.mul, self._other(other), self)

    def __truediv__(self, other):
        return apply(_A.div, self, self._other(other))

    def __rtruediv__(self, other):
        return apply(_A.div, self._other(other), self)

    def __neg__(self):
        return apply(_A.neg, self)

    def __pos__(self):
        return self

    def __pow__(self, other):
        return apply(_A.power, self, self._other(other))

    def __rpow__(self, other):
        return apply(_A.power, self._other(other), self)

    def __matmul__(self, other):
        return apply(ops.linear.matmul, self, self._other(other))

    def __rmatmul__(self, other):
        return apply(ops.linear.matmul, self._other(other), self)

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.data
        return apply(ops.shape.getitem, self, index)

    # comparisons give plain boolean arrays: they have no derivative
    def __lt__(self, other):
        return self.data < np.asarray(other)

    def __le__(self, other):
        return self.data <= np.asarray(other)

    def __gt__(self, other):
        return self.data > np.asarray(other)

    def __ge__(self, other):
        return self.data >= np.asarray(other)

    def maximum(self, other):
        return apply(_A.maximum, self, self._other(other))

    # -- functions -------------------------------------------------------------------------
    def exp(self):
        return apply(_F.exp, self)

    def log(self):
        return apply(_F.log, self)

    def sigmoid(self):
        return apply(_F.sigmoid, self)

    def tanh(self):
        return apply(_F.tanh, self)

    def relu(self):
        return apply(_F.relu, self)

    def softmax(self, axis: int = -1):
        return apply(ops.softmax.softmax, self, axis)

    def log_softmax(self, axis: int = -1):
        return apply(ops.softmax.log_softmax, self, axis)

    def sum(self, axis=None, keepdims: bool = False):
        return apply(_R.sum, self, axis, keepdims)

    def mean(self, axis=None, keepdims: bool = False):
        return apply(_R.mean, self, axis, keepdims)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return apply(ops.shape.reshape, self, shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return apply(ops.shape.transpose, self, axes or None)

    @property
    def T(self):  # noqa: N802 - NumPy's name
        return self.transpose()


def as_tensor(value, dtype=None) -> Tensor:
    """``value`` as a Tensor (a Tensor is returned as it is; arrays are wrapped, not copied)."""
    if isinstance(value, Tensor):
        return value
    return Tensor(value, dtype=dtype)
