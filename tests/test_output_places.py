"""Where a command writes: a place that cannot take the file is refused before any work, with
the path the user gave (never the temporary file's name), and no output may replace a file of
the run the command reads."""

from __future__ import annotations

import errno
import os

import pytest

from chainrule.checkpoint import atomic
from chainrule.cli.main import main
from chainrule.errors import ConfigError


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("places") / "run"
    assert (
        main(
            ["train", "--data", "xor", "--epochs", "1", "--out", str(out), "--quiet", "--no-plots"]
        )
        == 0
    )
    (out.parent / "points.csv").write_text("0,1\n1,1\n")
    return out


def test_a_write_the_system_refuses_names_the_target_not_the_temporary(tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", read_only)
    target = tmp_path / "out.bin"
    with pytest.raises(ConfigError) as info:
        atomic.atomic_write_bytes(target, b"data")
    assert str(info.value) == f"cannot write {target}: Read-only file system"
    assert not list(tmp_path.iterdir())


def test_other_os_errors_still_propagate(tmp_path):
    def broken(handle):
        raise OSError("disk on fire")  # no errno: not a place the user chose badly

    with pytest.raises(OSError, match="disk on fire"):
        atomic.atomic_write(tmp_path / "x.bin", broken)


def test_train_refuses_an_unwritable_out_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)
    code = main(["train", "--data", "xor", "--epochs", "1", "--out", str(tmp_path / "run")])
    out, err = capsys.readouterr()
    assert code == ConfigError.exit_code
    assert err == (
        f"error: --out {tmp_path / 'run'}: cannot write in {tmp_path} (no "
        f"permission, or a read-only file system)\n"
    )
    assert "epoch" not in out and not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["eval", "{run}", "--out", "{place}/ev"],
        ["predict", "{run}", "--input", "{points}", "--out", "{place}/p.csv"],
        ["explain", "--out", "{place}/e.txt"],
    ],
)
def test_every_output_option_checks_its_place_first(
    command, run_dir, tmp_path, monkeypatch, capsys
):
    place = tmp_path / "locked"
    place.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        atomic.os,
        "access",
        lambda path, mode: False if str(path) == str(place) else real_access(path, mode),
    )
    argv = [
        a.format(run=run_dir, place=place, points=run_dir.parent / "points.csv") for a in command
    ]
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == ConfigError.exit_code
    assert f"cannot write in {place} (no permission, or a read-only file system)" in err
    assert not list(place.iterdir())


@pytest.mark.parametrize(
    "command",
    [
        ["predict", "{run}", "--input", "{points}", "--out", "{run}/checkpoint.npz"],
        ["explain", "--checkpoint", "{run}", "--out", "{run}/checkpoint.npz"],
        ["explain", "--checkpoint", "{run}", "--out", "{run}/metrics.json"],
        ["explain", "--checkpoint", "{run}", "--view", "dp", "--plot", "{run}/checkpoint.npz"],
    ],
)
def test_no_output_replaces_a_file_of_the_run_being_read(command, run_dir, capsys):
    saved = {p.name: p.read_bytes() for p in run_dir.iterdir()}
    argv = [a.format(run=run_dir, points=run_dir.parent / "points.csv") for a in command]
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == ConfigError.exit_code
    assert "is also the command's input (or a file of the run it reads)" in err
    assert {p.name: p.read_bytes() for p in run_dir.iterdir()} == saved
