"""A run's output directory: what a run writes there, and the rule that a run is never replaced
without being asked.

``chainrule train --out DIR`` refuses a ``DIR`` that already holds any file a run writes
(:data:`RUN_FILES`) unless the run continues it (``--resume DIR``) or ``--overwrite`` is given;
a ``DIR`` that is a file is refused too. Both checks run before any data is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..checkpoint.atomic import check_writable
from ..errors import ConfigError
from .checkpointing import CHECKPOINT_NAME, METRICS_NAME, PARITY_NAME

#: every file a training run writes into its directory (the pictures are drawn by ``plots``;
#: a regression run draws ``parity.png`` where a classifier draws ``confusion.png``)
RUN_FILES = (
    CHECKPOINT_NAME,
    METRICS_NAME,
    "training.png",
    "gradients.png",
    "histograms.png",
    "confusion.png",
    "saturation.png",
    PARITY_NAME,
)


def run_files(directory) -> list[Path]:
    """The files of :data:`RUN_FILES` present in ``directory`` (none if it does not exist)."""
    directory = Path(directory)
    return [directory / name for name in RUN_FILES if (directory / name).exists()]


def _same(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def _continues(out: Path, resuming) -> bool:
    """Whether writing into ``out`` continues the run being resumed from ``resuming``."""
    if resuming is None:
        return False
    resumed = Path(resuming)
    return _same(resumed if resumed.is_dir() else resumed.parent, out)


def check_out_dir(out, *, overwrite: bool = False, resuming=None) -> None:
    """Refuse ``out`` when it is a file, or holds a run that would be replaced unasked.

    ``resuming``: the directory (or checkpoint) being resumed; writing back into it continues
    that run, which is what ``--resume`` asks for. :class:`ConfigError` naming the files.
    """
    if out is None:
        return
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ConfigError(
            f"--out {out} is a file; --out names a directory for checkpoint.npz, "
            f"metrics.json and the pictures"
        )
    check_writable(path, "--out")
    if overwrite:
        return
    found = run_files(path)
    if not found:
        return
    if _continues(path, resuming):
        return
    names = ", ".join(p.name for p in found)
    raise ConfigError(
        f"--out {out} already holds a run ({names}); choose a new directory, "
        f"continue it with --resume {out}, or replace it with --overwrite"
    )


def clear_run(out, *, resuming=None) -> list[Path]:
    """Remove the run files in ``out`` (``--overwrite``), so that none of the old run is left
    beside the new one (unless the run resumed from ``out`` continues there); returns what was
    removed."""
    if _continues(Path(out), resuming):
        return []
    found = run_files(out)
    for path in found:
        path.unlink()
    return found
