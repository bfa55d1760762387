#!/usr/bin/env python
"""The error catalogue of ``docs/guarantees.md``, made by running the code.

    python tools/error_catalogue.py             # print the table
    python tools/error_catalogue.py --write-doc # put it into docs/guarantees.md

Every example is run for real — a command line through ``chainrule``'s ``main`` (the line it
prints on stderr and its exit code), or a few lines of Python (the exception's type and
message) — in a scratch directory with relative paths, so the messages are stable.
``tests/test_error_catalogue.py`` regenerates the table and fails if the document differs, so
the examples stay what the library really prints.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import chainrule as cr
from chainrule import errors
from chainrule.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "guarantees.md"
DOC_BEGIN = "<!-- error-catalogue:begin -->"
DOC_END = "<!-- error-catalogue:end -->"


@dataclass
class Example:
    """One row: the error, when it happens, and a command line or code that produces it."""

    error: str  # a chainrule.errors type, or "internal error" / "usage error"
    when: str
    cli: tuple[str, ...] = ()
    python: str = ""


EXAMPLES = [
    Example(
        "ConfigError",
        "an option or argument has an invalid value (unknown name, "
        "negative rate, out-of-range size)",
        cli=("train", "--data", "nosuchset"),
    ),
    Example(
        "ShapeError",
        "an array has the wrong shape where it is used (names the layer or "
        "op, the expected and received shapes)",
        cli=("predict", "run", "--input", "three-columns.csv"),
    ),
    Example(
        "ShapeError",
        "",
        python="net = cr.Sequential(cr.Dense(3, 4), cr.Sigmoid())\nnet(np.ones((2, 5)))",
    ),
    Example(
        "DTypeError",
        "data of the wrong type: text, objects, complex numbers, an unsupported float width",
        python="cr.Tensor(['a', 'b'])",
    ),
    Example(
        "MissingDerivativeError",
        "a gradient is asked of an argument whose primitive has no VJP rule for it",
        python="from chainrule.autodiff.tensor import apply\n"
        "from chainrule.ops.costs import squared_error\n"
        "a = cr.Tensor([[0.5]], requires_grad=True)\n"
        "scale = cr.Tensor(1.0, requires_grad=True)\n"
        "apply(squared_error, a, np.ones((1, 1)), scale).backward()",
    ),
    Example(
        "GraphFreedError",
        "backward() a second time through a graph the first one freed",
        python="x = cr.Tensor([1.0, 2.0], requires_grad=True)\n"
        "C = (x * x).sum()\nC.backward()\nC.backward()",
    ),
    Example(
        "NonFiniteError",
        "a NaN or Inf: the loss during training (names the epoch and "
        "batch, keeps the last good checkpoint), any op under cr.detect_anomaly(), or "
        "explain's trace (it always checks)",
        cli=(
            "train",
            "--data",
            "circles",
            "--epochs",
            "3",
            "--optimizer",
            "sgd",
            "--lr",
            "0.01",
            "--schedule",
            "step",
            "--step-every",
            "1",
            "--gamma",
            "1e30",
            "--out",
            "diverged",
            "--quiet",
            "--no-plots",
        ),
    ),
    Example(
        "NonFiniteError",
        "",
        python="x = cr.Tensor([-1.0, 2.0], requires_grad=True)\nwith cr.detect_anomaly(): x.log()",
    ),
    Example(
        "NonFiniteError",
        "",
        cli=(
            "explain",
            "--layers",
            "3,4,1",
            "--activation",
            "identity",
            "--input",
            "1e300,1e300,1e300",
        ),
    ),
    Example(
        "GradcheckError",
        "the engine's gradients disagree with central differences "
        "(the table is printed on stdout), or a check an explain view makes of its own "
        "numbers fails (the view is printed, the failure marked ✗)",
        cli=("gradcheck", "--rtol", "0", "--atol", "0"),
    ),
    Example(
        "DataError",
        "data that cannot be used: a corrupt or truncated file (names the "
        "file, line and column or byte offset), NaN/Inf values, labels out of range, an "
        "empty set",
        cli=("predict", "run", "--input", "bad.csv"),
    ),
    Example("DataError", "", cli=("train", "--data", "truncated-idx")),
    Example(
        "CheckpointError",
        "a checkpoint that cannot be used: missing, corrupt or "
        "truncated, pickled objects, not chainrule's, another architecture",
        cli=("eval", "missing.npz"),
    ),
    Example("CheckpointError", "", cli=("eval", "corrupt.npz")),
    Example(
        "ChainruleError",
        "the base of every type above; raised itself for misuse that fits none of them",
        python="cr.Sequential(cr.Dense(2, 2), cr.Tanh())[9]",
    ),
    Example(
        "internal error",
        "anything outside the catalogue: an operating-system error no "
        "check foresaw (an output place that cannot be written is a ConfigError: `cannot "
        "write PATH: reason`), out of memory, a bug; --debug shows the traceback",
        cli=("eval", "run", "--out", "loop/report"),
    ),
    Example(
        "usage error",
        "the argument parser refuses the command line (it prints the usage line first)",
        cli=("train", "--epochs", "many"),
    ),
]

#: Exit codes that are not a type's: (code, name, when).
OTHER_CODES = [
    (errors.INTERNAL_ERROR_EXIT_CODE, "internal error", "see above"),
    (2, "usage error", "as argparse: the usage line, then `chainrule CMD: error: ...`"),
    (
        errors.INTERRUPTED_EXIT_CODE,
        "interrupted",
        "Ctrl-C: prints `interrupted` (training also says which checkpoint it kept)",
    ),
    (
        errors.BROKEN_PIPE_EXIT_CODE,
        "broken pipe",
        "the reader of stdout went away (`chainrule predict ... | head`): ends quietly",
    ),
]


def prepare(directory: Path) -> None:
    """The files the examples use: a trained run, a CSV of the wrong width, bad files."""
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(
            [
                "train",
                "--data",
                "gauss",
                "--hidden",
                "4",
                "--epochs",
                "2",
                "--out",
                "run",
                "--quiet",
                "--no-plots",
            ]
        )
    assert code == 0, "the example run failed to train"
    (directory / "three-columns.csv").write_text("0.5,1.5,2.5\n-1,0,1\n")
    (directory / "bad.csv").write_text("0.5,1.5\n2.0,abc\n")
    (directory / "loop").symlink_to("loop")  # a symbolic link to itself
    (directory / "corrupt.npz").write_bytes(b"PK\x03\x04" + bytes(60))
    (directory / "truncated-idx").mkdir()
    for stem in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ):
        (directory / "truncated-idx" / stem).write_bytes(
            bytes([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]) + bytes(100)
        )


def run_cli(args) -> tuple[int, str]:
    """(exit code, the last line on stderr) of ``chainrule ARGS``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # the argument parser
            code = exc.code
    lines = err.getvalue().strip().splitlines()
    return int(code), lines[-1] if lines else ""


def run_python(code: str) -> tuple[str, str]:
    """(the exception's type name, its message) of running ``code``."""
    try:
        with np.errstate(all="ignore"):
            exec(code, {"cr": cr, "np": np})
    except cr.ChainruleError as exc:
        return type(exc).__name__, str(exc)
    raise AssertionError(f"the example raised nothing:\n{code}")


@dataclass
class Outcome:
    example: Example
    error: str  # the type that was raised (or "internal error" / "usage error")
    code: int | None  # the exit code (command lines)
    line: str  # what was printed, or "Type: message"


def run_examples() -> list[Outcome]:
    """Run every example in a scratch directory; returns what each produced."""
    here = os.getcwd()
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            prepare(Path(tmp))
            for example in EXAMPLES:
                if example.cli:
                    code, line = run_cli(example.cli)
                    outcomes.append(Outcome(example, _name_of(code, example), code, line))
                else:
                    name, message = run_python(example.python)
                    outcomes.append(Outcome(example, name, None, f"{name}: {message}"))
        finally:
            os.chdir(here)
    return outcomes


def _name_of(code: int, example: Example) -> str:
    """The catalogue entry an exit code stands for."""
    if code == errors.INTERNAL_ERROR_EXIT_CODE:
        return "internal error"
    if example.error == "usage error" and code == 2:
        return "usage error"
    types = [t for t in _types() if t.exit_code == code]
    return types[0].__name__ if len(types) == 1 else f"exit code {code}"


def _types() -> list[type]:
    return [errors.ChainruleError, *errors.ChainruleError.__subclasses__()]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def markdown(outcomes: list[Outcome]) -> str:
    codes = {t.__name__: t.exit_code for t in _types()}
    codes.update({"internal error": errors.INTERNAL_ERROR_EXIT_CODE, "usage error": 2})
    lines = ["| error | exit code | when | example → what it prints |", "|---|---:|---|---|"]
    for outcome in outcomes:
        ex = outcome.example
        if ex.cli:
            shown = "`chainrule " + " ".join(ex.cli) + "`"
        else:
            shown = "`" + "; ".join(ex.python.splitlines()).replace("`", "'") + "`"
        name = f"`{ex.error}`" if ex.error in codes and " " not in ex.error else ex.error
        lines.append(
            f"| {name if ex.when else ''} | {codes[ex.error] if ex.when else ''} | "
            f"{_cell(ex.when)} | {_cell(shown)} →<br>`{_cell(outcome.line)}` |"
        )
    lines += [
        "",
        "Other exit codes: "
        + "; ".join(
            f"**{code}** {name} ({when})"
            for code, name, when in OTHER_CODES
            if name not in ("internal error", "usage error")
        )
        + ".",
    ]
    return "\n".join(lines)


def write_doc(text: str, path: Path = DOC) -> None:
    document = path.read_text(encoding="utf-8")
    begin, end = document.index(DOC_BEGIN) + len(DOC_BEGIN), document.index(DOC_END)
    path.write_text(document[:begin] + "\n" + text + "\n" + document[end:], encoding="utf-8")


def doc_block(path: Path = DOC) -> str:
    document = path.read_text(encoding="utf-8")
    return document[document.index(DOC_BEGIN) + len(DOC_BEGIN) : document.index(DOC_END)].strip()


def main_(argv=None) -> int:
    parser = argparse.ArgumentParser(description=textwrap.dedent(__doc__).split("\n\n")[0])
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args(argv)
    text = markdown(run_examples())
    print(text)
    if args.write_doc:
        write_doc(text)
    return 0


if __name__ == "__main__":
    sys.exit(main_())
