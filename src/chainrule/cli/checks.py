"""Argument types that check a number's range as it is parsed, so that ``--eps -1`` is one
``error: argument --eps: ...`` line before anything runs."""

from __future__ import annotations

import argparse
import math

from ..nn import activation_names

#: The hidden activations the options offer, as their help lists them (the registry's names).
HIDDEN_ACTIVATIONS = ", ".join(activation_names(hidden=True, aliases=False))


def hidden_activation(text: str) -> str:
    """A hidden layer's activation by its registered name (any case; "linear" for identity)."""
    name = text.lower()
    if name in activation_names() and name not in activation_names(hidden=True):
        raise argparse.ArgumentTypeError(
            f"{name} is not a hidden activation (it makes the output probabilities and belongs "
            f"with the cost ce); choose one of {HIDDEN_ACTIVATIONS}"
        )
    if name not in activation_names(hidden=True):
        raise argparse.ArgumentTypeError(f"unknown {text!r}; choose one of {HIDDEN_ACTIVATIONS}")
    return name


def _number(kind, text: str):
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{'a whole number' if kind is int else 'a number'} is needed, got {text!r}"
        ) from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"a finite number is needed, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """A whole number ≥ 1."""
    value = _number(int, text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {value}")
    return value


def natural(text: str) -> int:
    """A whole number ≥ 0."""
    value = _number(int, text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0, got {value}")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0."""
    value = _number(float, text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value:g}")
    return value


def nonnegative_float(text: str) -> float:
    """A finite number ≥ 0."""
    value = _number(float, text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0, got {value:g}")
    return value


def check_output_file(path, flag: str, *inputs) -> None:
    """An output file named explicitly (``predict --out``, ``explain --out``, ``--plot``) is
    replaced if it exists, as a shell's ``>`` would; but not when it is a directory, one of
    the command's own ``inputs`` (the CSV being predicted, the checkpoint), or a file of the run
    directory given as an input (its checkpoint, metrics, pictures), nor where nothing can be
    written. Checked before anything is read. :class:`~chainrule.errors.ConfigError`."""
    from pathlib import Path

    from ..checkpoint.atomic import check_writable
    from ..errors import ConfigError
    from ..train.outputs import RUN_FILES

    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"{flag} {path} is a directory; give a file name")
    for given in inputs:
        if given is None:
            continue
        given = Path(given)
        protected = [given / name for name in RUN_FILES] if given.is_dir() else [given]
        if target.exists() and any(
            p.exists() and target.resolve() == p.resolve() for p in protected
        ):
            raise ConfigError(
                f"{flag} {path} is also the command's input (or a file of the "
                f"run it reads); write to another file"
            )
    if not target.parent.is_dir() and str(target.parent) != "":
        raise ConfigError(f"{flag} {path}: the directory {target.parent} does not exist")
    check_writable(target, flag)


def check_output_dir(path, flag: str) -> None:
    """An output directory (``eval --out``) must not be a file; it is created if missing."""
    from pathlib import Path

    from ..checkpoint.atomic import check_writable
    from ..errors import ConfigError

    if path is not None and Path(path).exists() and not Path(path).is_dir():
        raise ConfigError(f"{flag} {path} is a file; {flag} names a directory")
    if path is not None:
        check_writable(path, flag)
