"""Floating-point types: the default (float32), name resolution and checked conversion.

Every array that enters the engine passes through :func:`as_array`, so non-numeric, complex or
object data is rejected here with a message that says what was received, never deep in NumPy.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from .errors import DTypeError

FLOAT_TYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_default = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    """The float type given to new tensors and layers when none is named (float32)."""
    return _default


def set_default_dtype(dtype) -> None:
    """Change the float type new tensors and layers get (``"float32"`` or ``"float64"``)."""
    global _default
    _default = resolve_dtype(dtype)


@contextmanager
def default_dtype(dtype):
    """Within the block, new tensors and layers default to ``dtype``."""
    previous = _default
    set_default_dtype(dtype)
    try:
        yield
    finally:
        set_default_dtype(previous)


def resolve_dtype(dtype) -> np.dtype:
    """``None`` → the default; a name or NumPy type → a float dtype, or :class:`DTypeError`."""
    if dtype is None:
        return _default
    try:
        resolved = np.dtype(dtype)
    except (TypeError, ValueError) as exc:  # ValueError: a malformed "a,b" type string
        raise DTypeError(f"unknown dtype {dtype!r:.80}; use 'float32' or 'float64'") from exc
    if resolved not in FLOAT_TYPES:
        raise DTypeError(
            f"dtype {resolved} is not supported; tensors hold float16, float32 or float64"
        )
    return resolved


def as_array(value, dtype=None, *, what: str = "data") -> np.ndarray:
    """Convert ``value`` (number, nested list, array) to a float ndarray of ``dtype``.

    ``dtype=None`` keeps a NumPy float array's own width; Python numbers, lists and integer
    arrays get the default type (float32).
    Raises :class:`DTypeError` naming ``what`` for strings, objects, complex or ragged data.
    """
    if isinstance(value, np.ndarray):
        array = value
    else:
        try:
            array = np.asarray(value)
        except (ValueError, TypeError) as exc:
            raise DTypeError(f"{what} is not a rectangular array of numbers: {exc}") from None
    kind = array.dtype.kind
    if kind not in "fiub":
        what_kind = {
            "c": "complex numbers",
            "U": "text",
            "S": "bytes",
            "O": "Python objects",
            "M": "dates",
            "m": "time spans",
            "V": "raw records",
        }.get(kind, kind)
        raise DTypeError(
            f"{what} must be numeric; received an array of {what_kind} "
            f"(dtype {array.dtype}, shape {array.shape})"
        )
    if dtype is None:
        own = isinstance(value, (np.ndarray, np.generic)) and array.dtype in FLOAT_TYPES
        target = array.dtype if own else _default
    else:
        target = resolve_dtype(dtype)
    if array.dtype != target:
        array = array.astype(target)
    return array
