"""Atomic files: write to a temporary file beside the target, flush it to disk, then rename.

``os.replace`` is atomic on POSIX and Windows, so a reader (or a run killed at any moment)
sees either the old complete file or the new complete file, never a half-written one.

The temporary file is ``.<name>.<pid>.<random>.tmp`` beside the target: never read as the
target, and a process killed mid-write (SIGKILL, power loss) leaves at most that one file, which
the next write to the same target removes once the process that made it is gone (POSIX).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import ConfigError

#: The operating system's answers that mean "this place cannot take the file": a user's choice
#: of path (or a full disk), said as one ``cannot write PATH: reason`` error, not an internal one.
UNWRITABLE = {
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.ENAMETOOLONG,
}


def atomic_write(path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(file)`` on a temporary file in ``path``'s directory, fsync it and rename it
    over ``path``. On any failure the temporary file is removed and ``path`` is untouched; a
    place that cannot take the file (no permission, read-only, missing, full) is a
    :class:`~chainrule.errors.ConfigError` naming ``path`` and the reason."""
    path = Path(path)
    try:
        _replace_atomically(path, write)
    except OSError as exc:
        if exc.errno in UNWRITABLE:
            raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
        raise
    _sync_directory(path.parent)
    return path


def check_writable(path, flag: str) -> None:
    """Refuse, before any work is done, an output ``path`` (a file or a directory, existing or
    to be made) in a place that cannot take new files: the nearest existing one of ``path``
    and its parents must be a directory this process may write in. :class:`ConfigError`
    naming ``flag``."""
    path = Path(path)
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None:
        return
    place = existing if existing.is_dir() else existing.parent  # a file is replaced in its dir
    if not os.access(place, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{flag} {path}: cannot write in {place} (no permission, or a read-only file system)"
        )


def _replace_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    try:
        if hasattr(os, "fchmod"):  # POSIX
            os.fchmod(fd, _file_mode(path))
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def temporaries(path) -> list[Path]:
    """The temporary files :func:`atomic_write` has left beside ``path`` (by any process)."""
    path = Path(path)
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))


def remove_stale_temporaries(path) -> list[Path]:
    """Remove the temporary files of writes to ``path`` whose process no longer runs (killed
    mid-write); returns the removed paths. Files of running processes are left alone; on
    systems without POSIX process checks nothing is removed."""
    if os.name != "posix":
        return []
    removed = []
    prefix = f".{Path(path).name}."
    for tmp in temporaries(path):
        pid = tmp.name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: no signal, only the existence check (POSIX)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or not a pid): leave its file alone
    return True


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda handle: handle.write(data))


def atomic_write_text(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _file_mode(path: Path) -> int:
    """The existing file's permissions, or a new file's (0o666 less the umask), not mkstemp's
    private 0o600."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
