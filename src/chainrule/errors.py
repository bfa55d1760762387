"""The error catalogue: every user-facing failure is one of these types.

Each type has a stable name and a stable exit code, so scripts can rely on both; the command
line prints ``error: <message>`` on one line of stderr and exits with ``exit_code``.
"""

from __future__ import annotations

#: The command line's exit code for a failure that is none of the types below: an operating-
#: system error (disk full, permission denied), running out of memory, or a bug. It still
#: prints one ``error:`` line (``--debug`` adds the traceback). 70 is ``EX_SOFTWARE``.
INTERNAL_ERROR_EXIT_CODE = 70
#: Ctrl-C (128 + SIGINT).
INTERRUPTED_EXIT_CODE = 130
#: The reader of the output went away (``chainrule predict ... | head``): 128 + SIGPIPE, silent.
BROKEN_PIPE_EXIT_CODE = 141


class ChainruleError(Exception):
    """Base of every error chainrule raises on purpose."""

    exit_code = 1


class ShapeError(ChainruleError, ValueError):
    """An array has the wrong shape for where it is used (names the layer or op, expected and
    received shapes)."""

    exit_code = 3


class DTypeError(ChainruleError, TypeError):
    """Data of the wrong type: non-numeric, complex, or a float width that does not match."""

    exit_code = 4


class MissingDerivativeError(ChainruleError, NotImplementedError):
    """A primitive has no VJP rule for the argument a gradient was asked of."""

    exit_code = 5


class GraphFreedError(ChainruleError, RuntimeError):
    """``backward()`` was called a second time through a graph that the first call freed."""

    exit_code = 6


class NonFiniteError(ChainruleError, FloatingPointError):
    """A NaN or Inf appeared: names the op (and layer) that produced it, forward or backward."""

    exit_code = 7


class GradcheckError(ChainruleError, AssertionError):
    """The engine's gradients disagree with an independent computation: central finite
    differences (``gradcheck``, which carries the report), or a check an explanation makes of
    its own numbers (the book's equations, the explicit Jacobian products, the sum over paths:
    ``chainrule explain`` prints the view, then fails with this)."""

    exit_code = 8

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


class DataError(ChainruleError, ValueError):
    """Data that cannot be used: labels out of range, NaN/Inf values, an empty set, a corrupt or
    truncated file (names the file and byte offset where it can)."""

    exit_code = 9


class CheckpointError(ChainruleError, ValueError):
    """A checkpoint that cannot be used: missing, corrupt or truncated, holding pickled objects,
    not a chainrule checkpoint, or made for another architecture (lists every difference)."""

    exit_code = 10


class ConfigError(ChainruleError, ValueError):
    """An option or argument has an invalid value (unknown activation, negative rate, ...)."""

    exit_code = 2


class MissingPackageError(ConfigError, ImportError):
    """An optional package that the chosen feature needs is not installed; the message names
    the package and the ``pip install "chainrule[extra]"`` that brings it (see
    :mod:`chainrule.optional`). A kind of :class:`ConfigError` (same exit code, 2) and of
    ``ImportError``."""
