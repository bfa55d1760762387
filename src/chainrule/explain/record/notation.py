"""The book's notation in plain text: subscripts, superscripts, and numbers that line up.

``sub("l+1")`` → ``ₗ₊₁``; ``sup("T")`` → ``ᵀ``; a character without a Unicode form falls back to
``_{…}`` / ``^{…}``, so ``sub("L")`` → ``_L``. Numbers are formatted an array at a time, so the
columns of a matrix share one format (fixed decimals, or scientific when the magnitudes need it).
"""

from __future__ import annotations

import math

import numpy as np

_SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
_SUP = dict(zip("0123456789+-=()nT'", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿᵀ'", strict=True))


def _script(text, table: dict[str, str], mark: str) -> str:
    text = str(text).replace("−", "-")
    if not text:
        return ""
    if all(c in table for c in text):
        return "".join(table[c] for c in text)
    return f"{mark}{text}" if len(text) == 1 else f"{mark}{{{text}}}"


def sub(text) -> str:
    """``text`` as a subscript: Unicode where every character has a form, else ``_text``."""
    return _script(text, _SUB, "_")


def sup(text) -> str:
    """``text`` as a superscript: Unicode where every character has a form, else ``^text``."""
    return _script(text, _SUP, "^")


def _decimals(magnitude: float, precision: int) -> int | None:
    """Decimals for numbers up to ``magnitude``: at least ``precision`` and enough for
    ``precision`` significant digits; None when scientific notation reads better."""
    if magnitude == 0:
        return precision
    if magnitude >= 1e5:
        return None
    exponent = math.floor(math.log10(magnitude))
    decimals = max(precision, precision - 1 - exponent)
    return decimals if decimals <= precision + 4 else None


def _one(value: float, decimals: int | None, precision: int, integers: bool) -> str:
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if integers or value == 0:  # an exact zero reads as 0, whatever its neighbours
        return str(int(value))
    text = f"{value:.{decimals}f}" if decimals is not None else f"{value:.{precision - 1}e}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def format_array(values, precision: int = 4, rows=None, columns=None) -> list[list[str]]:
    """A 2-D array (scalars and vectors are lifted to rows) as strings sharing one format.
    ``rows``/``columns``: only these indices are written (the format is still the whole
    array's), so showing the corners of a large matrix costs only the corners."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        array = array.reshape(1, 1)
    elif array.ndim == 1:
        array = array.reshape(1, -1)
    finite = array[np.isfinite(array)]
    integers = bool(
        finite.size == array.size
        and np.all(finite == np.round(finite))
        and (finite.size == 0 or np.max(np.abs(finite)) < 1e6)
    )
    magnitude = float(np.max(np.abs(finite))) if finite.size else 0.0
    decimals = _decimals(magnitude, precision)
    if rows is not None or columns is not None:
        array = array[
            np.ix_(
                range(array.shape[0]) if rows is None else rows,
                range(array.shape[1]) if columns is None else columns,
            )
        ]
    return [[_one(float(v), decimals, precision, integers) for v in row] for row in array]


def format_number(value: float, precision: int = 4) -> str:
    """One number, as :func:`format_array` would print it alone."""
    return format_array(np.asarray(float(value)), precision)[0][0]


def format_vector(values, precision: int = 4) -> str:
    """A 1-D array on one line: ``[0.1234, -0.5678]``."""
    cells = format_array(np.ravel(values), precision)[0]
    return "[" + ", ".join(cells) + "]"
