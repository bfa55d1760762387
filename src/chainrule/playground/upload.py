"""A CSV a user sends to the playground, validated: the rows become an :class:`Upload`.

The file is read by chainrule's own CSV reader (:func:`chainrule.data.read_csv`: delimiter
sniffed, header optional, the label in the last column, classes or a regression target by the
rule of :mod:`chainrule.data.target`), so it is read as ``chainrule train --data`` reads it.
Every problem is a :class:`~chainrule.errors.ConfigError` naming the upload, and the line and
column (from 1, with the column's header name when there is one): a file over
``MAX_UPLOAD_BYTES`` or ``MAX_UPLOAD_ROWS`` rows, more than ``MAX_FEATURES`` feature columns,
a field that is not a number, NaN or ±inf, a value beyond float32, a regression target
beyond ±``MAX_TARGET``, a label column with one value, fewer than ``MIN_ROWS`` rows, or a
class with fewer than two examples.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data import read_csv
from ..errors import ChainruleError, ConfigError

MAX_UPLOAD_BYTES = 1_000_000
MAX_UPLOAD_ROWS = 5000
MAX_FEATURES = 16
MIN_ROWS = 4
#: the largest regression target taken: ½(a − y)² of a larger one overflows float32 (3.4e38)
MAX_TARGET = 1e15
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Upload:
    """``X`` float32 (n, d), 1 ≤ d ≤ 16; ``y`` int64 class indices (``classes`` their names) or
    float32 (n, 1) values (``classes`` None); ``feature_names`` from the header or
    ("x1", "x2", …)."""

    name: str
    X: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...] | None
    feature_names: tuple[str, ...]

    @property
    def task(self) -> str:
        return "classification" if self.classes else "regression"


def _header(text: str) -> list[str] | None:
    """The first row's fields when it is a header, by the reader's rule: a feature field that
    is not a number, or a text label above a column of numbers."""
    lines = text.splitlines()
    if not lines:
        return None
    try:
        first = next(csv.reader([lines[0]], delimiter=_delimiter(lines[0])))
    except (csv.Error, StopIteration):
        return None

    *features, label = first
    if not all(_number(f) for f in features):
        return [f.strip() for f in first]
    later = lines[1:]
    labels = [row[-1] for row in csv.reader(later, delimiter=_delimiter(lines[0])) if row]
    if not _number(label) and labels and all(_number(v) for v in labels):
        return [f.strip() for f in first]  # a text label over a column of numbers
    return None


def _number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _delimiter(line: str) -> str:
    for candidate in ("\t", ";", "|", ","):
        if candidate in line:
            return candidate
    return ","


def _named(message: str, where: str, name: str, header: list[str] | None) -> str:
    """The reader's message about the temporary file, said about the upload: its name in place
    of the path, and each "column N" with the column's header name."""
    message = message.replace(where, name)
    if header:

        def column(match: re.Match) -> str:
            n = int(match[1])
            named = 1 <= n <= len(header) and repr(header[n - 1]) not in message
            return f"column {n} ({header[n - 1]!r})" if named else f"column {n}"

        message = re.sub(r"column (\d+)", column, message)
    return message.replace("another column with --label-column", "another column last")


def read_upload(data: bytes, name: str) -> Upload:
    """The validated CSV (see the module); ConfigError naming line and column."""
    shown = _SAFE_NAME.sub("_", str(name or "upload.csv"))[:80] or "upload.csv"
    if len(data) > MAX_UPLOAD_BYTES:
        raise ConfigError(
            f"{shown}: {len(data):,} bytes; an upload may hold at most {MAX_UPLOAD_BYTES:,}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    lines = sum(1 for line in text.splitlines() if line.strip())
    if lines > MAX_UPLOAD_ROWS + 1:
        raise ConfigError(
            f"{shown}: {lines:,} rows; an upload may hold at most {MAX_UPLOAD_ROWS:,} "
            f"rows (and a header)"
        )
    header = _header(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / shown
        path.write_bytes(data)
        try:
            with np.errstate(over="ignore"):
                dataset = read_csv(path, label_column=-1, name=shown)
        except ChainruleError as exc:
            raise ConfigError(_named(str(exc), str(path), shown, header)) from None
    n, d = dataset.X.shape
    if not dataset.classes:
        y = dataset.y[:, 0].astype(np.float64)
        large = ~(np.abs(y) <= MAX_TARGET)
        if large.any():
            row = int(np.argmax(large))
            label = f" ({header[-1]!r})" if header else ""
            raise ConfigError(
                f"{shown}: data row {row + 1}, column {d + 1}{label} (the label) is {y[row]:g}; "
                f"a regression target may reach ±{MAX_TARGET:g} (the cost ½(a − y)² of a "
                f"larger one overflows float32): scale the column"
            )
    if d > MAX_FEATURES:
        raise ConfigError(
            f"{shown}: {d} feature columns; the playground takes 1 to {MAX_FEATURES} "
            f"(and the label in the last column)"
        )
    if n < MIN_ROWS:
        raise ConfigError(f"{shown}: {n} data row(s); the playground needs at least {MIN_ROWS}")
    if dataset.classes:
        counts = np.bincount(dataset.y, minlength=len(dataset.classes))
        few = int(np.argmin(counts))
        if counts[few] < 2:
            raise ConfigError(
                f"{shown}: class {dataset.classes[few]!r} of the label column (the last) has "
                f"{counts[few]} example(s); each class needs at least 2, one for the training "
                f"and one for the test set"
            )
    names = dataset.feature_names or tuple(f"x{i + 1}" for i in range(d))
    return Upload(
        shown,
        dataset.X.astype(np.float32),
        dataset.y,
        tuple(dataset.classes) if dataset.classes else None,
        tuple(names),
    )
