"""A safe array archive: ``.npz`` (a zip of ``.npy`` files) plus one JSON document.

Writing uses :func:`numpy.savez` through :func:`atomic_write`. Reading never unpickles and never
trusts a size it has not checked: every member's ``.npy`` header is parsed first, object dtypes
are refused, and the declared size must equal the member's actual length (and stay under a
cap) before any array is allocated. Every failure is a :class:`CheckpointError` that names the
file and the member.
"""

from __future__ import annotations

import json
import math
import os
import zipfile
from pathlib import Path

import numpy as np

from ..errors import CheckpointError
from .atomic import atomic_write

#: The member that holds the JSON document (stored as UTF-8 bytes in a uint8 array).
META_KEY = "__meta__"
#: The most bytes of array data one archive may declare (hostile headers fail fast).
MAX_BYTES = 8 * 2**30
#: Deflate cannot expand data more than about 1032 times: a member that declares more bytes
#: per compressed byte than this is refused before anything is allocated.
_MAX_DEFLATE_RATIO = 1100
#: The member compressions accepted (``np.savez`` stores, ``np.savez_compressed`` deflates).
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


def save_archive(path, arrays: dict[str, np.ndarray], meta: dict) -> Path:
    """Write ``arrays`` and the JSON-serialisable ``meta`` to ``path`` atomically."""
    if META_KEY in arrays:
        raise ValueError(f"{META_KEY!r} is reserved")
    document = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    members = {name: np.array(a, order="C", copy=None) for name, a in arrays.items()}
    members[META_KEY] = document
    return atomic_write(path, lambda handle: np.savez(handle, **members))


def _check_sizes(info: zipfile.ZipInfo, where: str, archive_size: int) -> None:
    """Refuse, before reading, a member whose sizes the archive itself cannot hold."""
    if info.compress_type not in _METHODS:
        raise CheckpointError(
            f"{where}: compression method {info.compress_type} is not "
            "supported (a checkpoint's members are stored or deflated)"
        )
    if info.compress_size > archive_size:
        raise CheckpointError(
            f"{where}: the archive says the member holds "
            f"{info.compress_size} bytes, the whole file has {archive_size}"
        )
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise CheckpointError(
            f"{where}: a stored member of {info.compress_size} bytes "
            f"claims {info.file_size} bytes of content"
        )
    if info.file_size > _MAX_DEFLATE_RATIO * info.compress_size + 4096:
        raise CheckpointError(
            f"{where}: the archive says the member expands from "
            f"{info.compress_size} to {info.file_size} bytes, more than "
            "deflate can"
        )


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: list[int]
) -> np.ndarray:
    with archive.open(info) as handle:
        try:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
            else:
                raise ValueError(f"unsupported .npy version {version}")
        except MemoryError:
            raise
        except Exception as exc:  # NumPy's header parser raises many kinds on bad text
            raise CheckpointError(f"{where}: not a valid .npy array ({exc})") from None
        if dtype.hasobject:
            raise CheckpointError(
                f"{where}: holds Python objects (pickled data); chainrule "
                "never unpickles a file, so it refuses to load it"
            )
        if dtype.kind not in "biuf":
            raise CheckpointError(f"{where}: dtype {dtype} is not a number type")
        declared = math.prod(shape) * dtype.itemsize
        available = info.file_size - handle.tell()
        if declared != available:
            raise CheckpointError(
                f"{where}: the header declares {declared} bytes of data, the "
                f"member holds {available}"
            )
        budget[0] -= declared
        if budget[0] < 0:
            raise CheckpointError(
                f"{where}: the archive declares more than {MAX_BYTES} bytes of arrays"
            )
        data = handle.read(declared)
    if len(data) != declared:
        raise CheckpointError(f"{where}: truncated: expected {declared} bytes, read {len(data)}")
    array = np.frombuffer(data, dtype=dtype)
    order = "F" if fortran else "C"
    try:
        return array.reshape(shape, order=order).copy()
    except ValueError as exc:  # e.g. two -1 sizes: a shape that is not a shape
        raise CheckpointError(f"{where}: the shape {shape} is not valid ({exc})") from None


def load_archive(path) -> tuple[dict[str, np.ndarray], dict]:
    """``(arrays, meta)`` from an archive written by :func:`save_archive`."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"{path}: no such checkpoint file")
    if path.is_dir():
        raise CheckpointError(f"{path}: is a directory, not a checkpoint file")
    arrays: dict[str, np.ndarray] = {}
    budget = [MAX_BYTES]
    try:
        size = os.path.getsize(path)
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    raise CheckpointError(
                        f"{path}: unexpected member {info.filename!r} (a "
                        "checkpoint holds only .npy arrays)"
                    )
                name = info.filename[:-4]
                if name in arrays:
                    raise CheckpointError(f"{path}: the member {info.filename!r} appears twice")
                where = f"{path} [{info.filename}]"
                _check_sizes(info, where, size)
                arrays[name] = _read_member(archive, info, where, budget)
    except (CheckpointError, MemoryError):
        raise
    except Exception as exc:  # zipfile and its decompressors raise many kinds on bad bytes
        raise CheckpointError(
            f"{path}: not a readable checkpoint (corrupt or truncated "
            f"archive: {type(exc).__name__}: {exc})"
        ) from None
    raw = arrays.pop(META_KEY, None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise CheckpointError(f"{path}: not a chainrule checkpoint (it has no {META_KEY} document)")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CheckpointError(
            f"{path}: the checkpoint's description is not valid JSON ({exc})"
        ) from None
    if not isinstance(meta, dict):
        raise CheckpointError(f"{path}: the checkpoint's description is not a JSON object")
    return arrays, meta
