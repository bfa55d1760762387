"""Entry point of ``chainrule`` / ``python -m chainrule``.

Each command is a module in :mod:`chainrule.cli.commands` with ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; they are discovered, not listed here.
Errors of the library's catalogue print one line on stderr and exit with their code; any other
exception (an OSError writing a file, a MemoryError, a bug) prints one line too and exits with
:data:`~chainrule.errors.INTERNAL_ERROR_EXIT_CODE` (70). ``--debug`` adds the traceback and
keeps the exit code. An argument the parser refuses (an unknown option, ``--epochs abc``) is one
``error:`` line too, naming the option and ``COMMAND --help``, with ConfigError's exit code 2.
Every option's help shows its default. Ctrl-C exits with 130; a closed output pipe ends the
program quietly with 141.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib
import os
import pkgutil
import sys
import traceback

from .. import __version__
from ..errors import (
    BROKEN_PIPE_EXIT_CODE,
    INTERNAL_ERROR_EXIT_CODE,
    INTERRUPTED_EXIT_CODE,
    ChainruleError,
    ConfigError,
)
from . import commands

#: The order commands are listed in ``--help``; others follow alphabetically.
ORDER = ["demo", "train", "eval", "predict", "explain", "gradcheck", "bench", "serve"]


def _command_modules():
    names = [m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return [importlib.import_module(f"{commands.__name__}.{name}") for name in names]


class UsageError(Exception):
    """An argument the parser refused: printed as one ``error:`` line, exit code 2."""


class HelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default (unless the help already names it)."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = getattr(action, "shown_default", action.default)
        if (
            "default" in text
            or not action.option_strings
            or action.nargs == 0
            or default in (None, argparse.SUPPRESS)
        ):
            return text
        return f"{text} (default {default})"


class Parser(argparse.ArgumentParser):
    """argparse, but an argument error is one line naming the option (and where to find the
    options), not the whole usage."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        raise UsageError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="chainrule",
        description="Backpropagation as the book derives it: train, explain and check networks.",
    )
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when an error occurs"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        command.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the full traceback when an error occurs",
        )
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def parse(parser: argparse.ArgumentParser, argv) -> argparse.Namespace:
    """The parsed arguments; an unknown option is reported against its command, with the
    closest option it has."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        command = getattr(args, "command", None)
        sub = _subparser(parser, command) if command else parser
        known = [o for action in sub._actions for o in action.option_strings]
        guess = difflib.get_close_matches(extra[0].split("=")[0], known, n=1)
        hint = f"; did you mean {guess[0]}?" if guess else ""
        sub.error(f"unrecognized arguments: {' '.join(extra)}{hint}")
    return args


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[command]
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parse(parser, argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ConfigError.exit_code
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a failing write to stdout is reported here, not at exit
        return code
    except ChainruleError as exc:
        return _fail(exc, exc.exit_code, args.debug, str(exc))
    except KeyboardInterrupt:
        _settle_stdout()
        print("interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT_CODE
    except BrokenPipeError:
        _settle_stdout(force=True)
        return BROKEN_PIPE_EXIT_CODE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a trace
        return _fail(exc, INTERNAL_ERROR_EXIT_CODE, args.debug, unexpected_message(exc))


def unexpected_message(exc: BaseException) -> str:
    """The one line for an exception outside chainrule's catalogue."""
    detail = str(exc) or ("out of memory" if isinstance(exc, MemoryError) else "")
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return (
        f"{what} (an unexpected failure, exit code {INTERNAL_ERROR_EXIT_CODE}; "
        "--debug shows the traceback)"
    )


def _fail(exc: BaseException, code: int, debug: bool, message: str) -> int:
    _settle_stdout()
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    print(f"error: {' '.join(message.splitlines())}", file=sys.stderr)
    return code


def _settle_stdout(force: bool = False) -> None:
    """Flush stdout; if that fails (closed pipe, full disk), point it at /dev/null so that the
    interpreter's own flush at exit cannot print a second error."""
    try:
        if not force:
            sys.stdout.flush()
            return
    except (OSError, ValueError):
        pass
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
