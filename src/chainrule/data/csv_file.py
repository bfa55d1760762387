"""CSV files: numeric feature columns plus one label (target) column.

The label column decides the task by the rule of :mod:`chainrule.data.target`: a few distinct
whole numbers or texts give classes (a classification set), fractions or many distinct numbers
one regression target per row; ``task`` overrides it. Every problem is a :class:`DataError`
naming the file, the line and the column (both counted from 1, as an editor shows them).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError
from .dataset import Dataset
from .target import encode_target

#: the delimiters recognised, in the order preferred when several fit a file equally well
#: (";" before "," so that 1,5;2,3;0, written with decimal commas, is read as three fields)
_DELIMITERS = ("\t", ";", "|", ",")


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first 20 non-blank lines into one same number (> 1) of
    fields, the one giving the most numbers if several do; else the first of the first line's
    delimiters; else whitespace."""
    sample = [line for line in lines if line.strip()][:20]
    best, best_score = None, -1
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(sample, delimiter=delimiter))
        except csv.Error:
            continue
        widths = {len(row) for row in rows}
        if len(widths) != 1 or widths.pop() < 2:
            continue
        score = sum(_is_number(field) for row in rows for field in row)
        if score > best_score:
            best, best_score = delimiter, score
    if best is not None:
        return best
    first = sample[0] if sample else ""
    return next((d for d in _DELIMITERS if d in first), " ")


def _shown(delimiter: str) -> str:
    return {"\t": "tabs", " ": "spaces"}.get(delimiter, repr(delimiter))


def read_csv(
    path,
    *,
    label_column=-1,
    header="auto",
    delimiter: str | None = None,
    name: str | None = None,
    task: str = "auto",
) -> Dataset:
    """Read a CSV file into a :class:`Dataset`; features become float32 columns of ``X``.

    ``label_column``: the label's column, an index (negative counts from the end; default the
    last) or a header name. ``header``: ``True``, ``False`` or ``"auto"`` — the first row is a
    header when one of its feature fields is not a number (always when ``label_column`` is a
    name). ``delimiter``: ``None`` picks the first of comma, tab, semicolon found in the first
    row, else whitespace. Labels: classes or a regression target (``y`` of shape (n, 1),
    ``classes`` None) by the rule of :func:`~chainrule.data.target.encode_target`;
    ``task="regression"`` or ``"classification"`` decides instead. Blank lines are skipped.
    """
    path = Path(path)
    name = name or path.name
    if task not in ("auto", "classification", "regression"):
        raise ConfigError(
            f"read_csv: task must be 'auto', 'classification' or 'regression', got {task!r}"
        )
    if header not in (True, False, "auto"):
        raise ConfigError(f"read_csv: header must be True, False or 'auto', got {header!r}")
    if isinstance(label_column, bool) or not isinstance(label_column, (int, np.integer, str)):
        raise ConfigError(
            f"read_csv: label_column must be a column index or a header name, got {label_column!r}"
        )
    if isinstance(label_column, str) and not _is_index(label_column) and header is False:
        raise ConfigError(
            f"read_csv: label_column {label_column!r} is a name, but "
            f"header=False says the file has no header"
        )
    rows = _read_rows(path, delimiter)
    first_line, first = rows[0]
    width = len(first)
    label, by_name = _label_index(path, first, label_column, first_line)
    features = [c for c in range(width) if c != label]
    if not features:
        raise DataError(
            f"{path} line {first_line}: only one column (fields are separated by "
            f"commas, tabs, ';' or '|'); a data row needs at least one feature and "
            f"a label"
        )
    has_header = (
        header is True
        or by_name
        or (header == "auto" and _first_row_is_header(rows, features, label))
    )
    feature_names = None
    if has_header:
        feature_names = tuple(first[c].strip() for c in features)
        rows = _after_header(path, rows)
    X = _float32(path, rows, features, _feature_matrix(path, rows, features, width, first_line))
    labels = [(line, row[label].strip()) for line, row in rows]
    target_name = first[label].strip() if has_header else None
    y, classes = encode_target(path, labels, label + 1, target_name, task)
    return Dataset(
        X,
        y,
        name,
        classes,
        (len(features),),
        feature_names,
        target_names=(target_name,) if target_name else None,
    )


def read_csv_features(
    path, *, header="auto", delimiter: str | None = None, with_names: bool = False
):
    """Read a CSV file of features only (no label column) as a float32 (n, d) array — the
    input of ``chainrule predict``. The same checks as :func:`read_csv`. ``with_names``:
    return ``(X, names)``, the header's column names (``None`` without a header)."""
    path = Path(path)
    if header not in (True, False, "auto"):
        raise ConfigError(
            f"read_csv_features: header must be True, False or 'auto', got {header!r}"
        )
    rows = _read_rows(path, delimiter)
    first_line, first = rows[0]
    width = len(first)
    names = None
    if header is True or (header == "auto" and not all(_is_number(f) for f in first)):
        names = tuple(field.strip() for field in first)
        rows = _after_header(path, rows)
    columns = list(range(width))
    X = _float32(path, rows, columns, _feature_matrix(path, rows, columns, width, first_line))
    return (X, names) if with_names else X


def _float32(path: Path, rows: list, columns: list[int], X: np.ndarray) -> np.ndarray:
    """``X`` as float32; a value beyond float32's range (±3.4e38) is a DataError naming its
    line and column, not an inf."""
    with np.errstate(over="ignore"):
        X32 = X.astype(np.float32)
    finite = np.isfinite(X32)
    if not finite.all():
        i, j = np.unravel_index(int(np.argmin(finite)), X.shape)
        raise DataError(
            f"{path} line {rows[i][0]}, column {columns[j] + 1} is {X[i, j]:g}, "
            f"beyond the range of float32 (±{np.finfo(np.float32).max:.3g})"
        )
    return X32


def _after_header(path: Path, rows: list) -> list:
    """The rows after the first (a header); DataError when none are left."""
    if len(rows) < 2:
        raise DataError(f"{path}: no data rows after the header on line {rows[0][0]}")
    return rows[1:]


def _feature_matrix(
    path: Path, rows: list, columns: list[int], width: int, first_line: int
) -> np.ndarray:
    """The float64 (rows, columns) matrix, every row checked to have ``width`` fields."""
    X = np.empty((len(rows), len(columns)), dtype=np.float64)
    for i, (line, row) in enumerate(rows):
        if len(row) != width:
            raise DataError(
                f"{path} line {line}: {len(row)} fields, expected {width} (as on line {first_line})"
            )
        X[i] = _parse_features(path, line, row, columns)
    return X


def _read_rows(path: Path, delimiter: str | None) -> list[tuple[int, list[str]]]:
    """Every non-blank row with the line it ends on; DataError when there is none."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte offset {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if "\x00" in text:
        raise DataError(f"{path}: holds NUL bytes; it is not a text (CSV) file")
    lines = text.splitlines(keepends=True)
    if delimiter is None:
        delimiter = sniff_delimiter(lines)
    try:
        reader = csv.reader(
            lines, delimiter=delimiter, skipinitialspace=delimiter == " ", strict=True
        )
        rows = []
        for row in reader:
            if delimiter == " ":
                row = [field for field in row if field != ""]
            if any(field.strip() for field in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise DataError(f"{path} line {reader.line_num}: malformed CSV: {exc}") from None
    except TypeError as exc:
        raise ConfigError(f"read_csv: bad delimiter {delimiter!r}: {exc}") from None
    if not rows:
        raise DataError(f"{path}: empty file (no rows)")
    return rows


def _is_index(text: str) -> bool:
    """``"3"``, ``"-1"``: a column given by its index as text (``--label-column 3``)."""
    return re.fullmatch(r"[+-]?\d+", text.strip()) is not None


def _first_row_is_header(rows: list, features: list[int], label: int) -> bool:
    """``header="auto"``: the first row is a header when one of its features is not a number,
    or when its label is text above a column of numbers (``x1,x2,label`` over ``0.5,1.5,0``)."""
    _, first = rows[0]
    if not all(_is_number(first[c]) for c in features):
        return True
    return (
        not _is_number(first[label])
        and len(rows) > 1
        # a short row is reported by the reader with its line, not here as an IndexError
        and all(label < len(row) and _is_number(row[label]) for _, row in rows[1:])
    )


def _label_index(path: Path, first: list[str], label_column, line: int) -> tuple[int, bool]:
    """The label's column, and whether it was found by its header name. A name that is a
    whole number (``"3"``) is that column's index unless a header row holds that name."""
    width = len(first)
    if isinstance(label_column, str):
        names = [field.strip() for field in first]
        is_header = not all(_is_number(field) for field in names)
        if is_header and label_column in names:
            return names.index(label_column), True
        if not _is_index(label_column):
            raise DataError(
                f"{path} line {line}: no column named {label_column!r} in the "
                f"header (columns: {', '.join(map(repr, names))})"
            )
        label_column = int(label_column)
    index = int(label_column)
    if not -width <= index < width:
        raise DataError(
            f"{path}: there is no label column {index}: line {line} has {width} "
            f"columns (counted from 0; negative counts from the end)"
        )
    return index % width, False


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _parse_features(path: Path, line: int, row: list[str], features: list[int]) -> list[float]:
    try:
        values = [float(row[c]) for c in features]
    except ValueError:
        for c in features:
            if not _is_number(row[c]):
                what = "is empty" if not row[c].strip() else f"{row[c].strip()!r} is not a number"
                if "," in row[c] and _is_number(row[c].strip().replace(",", ".")):
                    what += " (a decimal comma? write 1.5, not 1,5)"
                raise DataError(f"{path} line {line}, column {c + 1}: {what}") from None
        raise
    if not all(math.isfinite(v) for v in values):
        c = next(c for c, v in zip(features, values, strict=True) if not math.isfinite(v))
        raise DataError(
            f"{path} line {line}, column {c + 1} is {row[c].strip()} "
            f"(values must be finite numbers)"
        )
    return values
