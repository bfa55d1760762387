"""A CSV file's target column: class labels or a regression target, by one documented rule.

With ``task="auto"`` (no ``--task``), the column's fields decide:

* every field a number —
  any NaN or ±Inf is an error naming the line; one value in every row is an error (nothing to
  learn); whole numbers with at most :data:`MAX_DETECTED_CLASSES` (20) distinct values are
  classes; anything else (a fraction anywhere, or more than 20 distinct whole numbers) is a
  regression target;
* some field not a number —
  beside numbers that are not all whole (a measured column with a stray ``NA``) it is an error
  naming that field; otherwise the texts are class names, unless there is only one, or more
  than 20 distinct texts that are most of the rows (more than half: an identifier or free text,
  not a class), or every one of three or more rows has a text of its own — each an error.

``task="classification"`` makes any column with at least two distinct values classes;
``task="regression"`` needs every field to be a finite number, not all the same. Classes are
the whole numbers 0 … k−1 as they are, else the distinct values in order (numbers by value,
texts by name), their names kept. Every error is a :class:`DataError` naming the file, the
column (by its header name when there is one) and the line.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError

#: the most distinct whole numbers (or texts making most of the rows) read as classes without
#: ``task="classification"``
MAX_DETECTED_CLASSES = 20
TASKS = ("classification", "regression")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def encode_target(
    path, labels: list[tuple[int, str]], column: int, name: str | None, task: str = "auto"
):
    """``labels``: (line, field) per row; ``column``: counted from 1; ``name``: the header's
    name of the column, if any. Returns ``(y, classes)``: int64 labels and their names, or
    float32 targets of shape (n, 1) and ``None``."""
    target = (
        f"the target column {name!r} (column {column})" if name else f"the target column {column}"
    )
    where = f"{path}: {target}"
    for line, text in labels:
        if not text:
            raise DataError(f"{path} line {line}, column {column}: the label is empty")
    values = [_number(text) for _, text in labels]
    numeric = [v is not None for v in values]
    if all(numeric):
        numbers = np.array(values, dtype=np.float64)
        finite = np.isfinite(numbers)
        if not finite.all():
            line, text = labels[int(np.argmin(finite))]
            raise DataError(
                f"{path} line {line}, column {column} is {text} (labels must be "
                f"finite numbers; {target} is the target)"
            )
        distinct = np.unique(numbers)
        if len(distinct) < 2:
            raise DataError(
                f"{where} holds {labels[0][1]} in every row: there is nothing to "
                f"learn (choose another column with --label-column)"
            )
        whole = bool(np.all(numbers == np.round(numbers)) and np.all(np.abs(numbers) < 2**53))
        classes = task == "classification" or (
            task == "auto" and whole and len(distinct) <= MAX_DETECTED_CLASSES
        )
        if not classes:
            return numbers.astype(np.float32).reshape(-1, 1), None
        index = np.searchsorted(distinct, numbers).astype(np.int64)
        if whole and np.array_equal(distinct, np.arange(len(distinct))):
            return numbers.astype(np.int64), tuple(str(int(v)) for v in distinct)
        names = tuple(str(int(v)) if whole else f"{v:g}" for v in distinct)
        return index, names
    first_text = next(i for i, ok in enumerate(numeric) if not ok)
    line, text = labels[first_text]
    if task == "regression":
        raise DataError(
            f"{path} line {line}, column {column}: {text!r} is not a number (a "
            f"regression target must be; {target})"
        )
    fractions = [v for v in values if v is not None and not v.is_integer()]  # inf, nan too
    if task == "auto" and fractions:
        raise DataError(
            f"{path} line {line}, column {column}: {text!r} is not a number, but "
            f"other rows of {target} hold numbers such as "
            f"{fractions[0]:g} (a missing value? every row needs its target)"
        )
    texts = [t for _, t in labels]
    names = sorted(set(texts))
    n = len(texts)
    if len(names) < 2:
        raise DataError(
            f"{where} holds {text!r} in every row: there is nothing to learn "
            f"(choose another column with --label-column)"
        )
    if task == "auto" and (
        (len(names) > MAX_DETECTED_CLASSES and len(names) > n / 2) or (len(names) == n and n >= 3)
    ):
        raise DataError(
            f"{where} has {len(names)} distinct texts in {n} rows: nearly every "
            f"row is its own, so it is an identifier or free text, not a class "
            f"(choose the target with --label-column, or --task classification "
            f"to use it anyway)"
        )
    position = {label: i for i, label in enumerate(names)}
    return np.array([position[t] for t in texts], dtype=np.int64), tuple(names)
