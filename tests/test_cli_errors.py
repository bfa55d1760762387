"""Every command fails the same way: one ``error:`` line on stderr and the error's exit code;
``--debug`` (before or after the command) adds the traceback and keeps the code. Failures
outside the catalogue (an OSError writing a file, a MemoryError, a bug) are one line too, with
the internal-error code 70; Ctrl-C is 130; a closed output pipe ends quietly with 141."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule as cr
from chainrule.cli.main import main
from chainrule.errors import (
    BROKEN_PIPE_EXIT_CODE,
    INTERNAL_ERROR_EXIT_CODE,
    INTERRUPTED_EXIT_CODE,
)

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    assert (
        main(
            [
                "train",
                "--data",
                "gauss",
                "--hidden",
                "4",
                "--epochs",
                "1",
                "--out",
                str(out),
                "--quiet",
                "--no-plots",
            ]
        )
        == 0
    )
    (out.parent / "bad.csv").write_text("0.5,1.5\n2.0,abc\n")
    (out.parent / "points.csv").write_text("0.5,1.5\n2.0,1\n")
    return out


@pytest.fixture(scope="module")
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


class FullDisk:
    """A stdout on a full disk (no file descriptor: nothing real is redirected)."""

    def write(self, text):
        raise OSError(28, "No space left on device")

    def flush(self):
        raise OSError(28, "No space left on device")


def scenario(name, run_dir, busy_port, monkeypatch):
    """(argv, expected exit code) of one failing command."""
    folder = run_dir.parent
    if name == "demo":
        monkeypatch.setattr(sys, "stdout", FullDisk())
        return ["demo", "book"], INTERNAL_ERROR_EXIT_CODE
    return {
        "train": (["train", "--data", "nosuchset"], cr.ConfigError.exit_code),
        "eval": (["eval", str(folder / "missing.npz")], cr.CheckpointError.exit_code),
        "predict": (
            ["predict", str(run_dir), "--input", str(folder / "bad.csv")],
            cr.DataError.exit_code,
        ),
        "explain": (["explain", "--width", "10"], cr.ConfigError.exit_code),
        "gradcheck": (["gradcheck", "--rtol", "0", "--atol", "0"], cr.GradcheckError.exit_code),
        "serve-bad-port": (["serve", "--port", "70000"], cr.ConfigError.exit_code),
        "serve-busy-port": (["serve", "--port", str(busy_port)], cr.ConfigError.exit_code),
    }[name]


COMMANDS = [
    "train",
    "eval",
    "predict",
    "explain",
    "gradcheck",
    "demo",
    "serve-bad-port",
    "serve-busy-port",
]


def call(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_fails_with_one_line_and_its_code(
    name, run_dir, busy_port, capsys, monkeypatch
):
    argv, expected = scenario(name, run_dir, busy_port, monkeypatch)
    code, _, err = call(capsys, argv)
    assert code == expected
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("name", COMMANDS)
def test_debug_adds_the_traceback_and_keeps_the_code(
    name, where, run_dir, busy_port, capsys, monkeypatch
):
    argv, expected = scenario(name, run_dir, busy_port, monkeypatch)
    plain_code, _, plain = call(capsys, argv)
    debug = ["--debug", *argv] if where == "before" else [argv[0], "--debug", *argv[1:]]
    code, _, err = call(capsys, debug)
    assert code == plain_code == expected
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1] == plain.strip()


@pytest.mark.parametrize(
    "exception, shown",
    [
        (MemoryError(), "error: MemoryError: out of memory (an unexpected failure, exit code 70"),
        (RuntimeError("a bug"), "error: RuntimeError: a bug (an unexpected failure"),
        (ValueError("two\nlines"), "error: ValueError: two lines (an unexpected failure"),
    ],
)
def test_unexpected_exceptions_are_one_line_with_the_internal_code(
    exception, shown, capsys, monkeypatch
):
    from chainrule.cli.commands import demo

    def broken(args):
        raise exception

    monkeypatch.setattr(demo, "run", broken)
    code, _, err = call(capsys, ["demo"])
    assert code == INTERNAL_ERROR_EXIT_CODE
    assert err.startswith(shown) and err.count("\n") == 1
    code, _, err = call(capsys, ["--debug", "demo"])
    assert code == INTERNAL_ERROR_EXIT_CODE and "Traceback" in err and shown in err


@pytest.mark.parametrize("command", ["eval", "predict"])
def test_an_output_file_that_cannot_be_written(command, run_dir, capsys):
    target = "/dev/null/report" if command == "eval" else "/dev/null/x/predictions.csv"
    argv = (
        ["eval", str(run_dir), "--out", target]
        if command == "eval"
        else [
            "predict",
            str(run_dir),
            "--input",
            str(run_dir.parent / "points.csv"),
            "--out",
            target,
        ]
    )
    code, _, err = call(capsys, argv)
    if command == "predict":  # a named file's missing directory is found before anything runs
        assert code == 2
        assert (
            err == "error: --out /dev/null/x/predictions.csv: the directory /dev/null/x "
            "does not exist\n"
        )
        return
    assert code == 2  # the place the user chose cannot take the file: said as such
    assert err == "error: cannot write /dev/null/report/eval.json: Not a directory\n"


def test_ctrl_c_is_130(capsys, monkeypatch):
    from chainrule.cli.commands import gradcheck

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(gradcheck, "run", interrupted)
    code, _, err = call(capsys, ["gradcheck"])
    assert code == INTERRUPTED_EXIT_CODE and err == "interrupted\n"


def child(*args, **options):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-m", "chainrule", *args], env=env, stderr=subprocess.PIPE, **options
    )


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_one_line_not_two():
    with open("/dev/full", "w") as full:
        process = child("demo", "book", stdout=full)
        _, err = process.communicate(timeout=60)
    assert process.returncode == INTERNAL_ERROR_EXIT_CODE
    assert err.decode().startswith("error: OSError: [Errno 28] No space left on device")
    assert err.decode().count("\n") == 1


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly():
    process = child("explain", "--view", "all", stdout=subprocess.PIPE)
    process.stdout.close()  # the reader went away before the first line
    _, err = process.communicate(timeout=60)
    assert process.returncode == BROKEN_PIPE_EXIT_CODE
    assert err == b""
