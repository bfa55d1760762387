"""The IDX format of MNIST and Fashion-MNIST: a small big-endian header, then a flat array.

Layout (every number big-endian)::

    offset 0   two zero bytes
    offset 2   the type code: 0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32,
               0x0D float32, 0x0E float64
    offset 3   ndim, the number of dimensions
    offset 4   ndim unsigned 32-bit sizes
    offset 4 + 4·ndim   the data: the product of the sizes, times the item size, bytes

Files may be gzipped (recognised by the magic bytes 1f 8b, whatever the name). Every check
happens before the data is allocated, so a hostile header cannot make the reader ask for more
than ``max_bytes`` of memory; a gzipped stream is decompressed as it is read, never beyond the
declared size plus one byte (which is how trailing data is detected).
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path

import numpy as np

from ..errors import DataError

#: type code → (name, big-endian NumPy type)
IDX_TYPES = {
    0x08: ("ubyte", np.dtype(">u1")),
    0x09: ("sbyte", np.dtype(">i1")),
    0x0B: ("int16", np.dtype(">i2")),
    0x0C: ("int32", np.dtype(">i4")),
    0x0D: ("float32", np.dtype(">f4")),
    0x0E: ("float64", np.dtype(">f8")),
}
#: the most data :func:`read_idx` allocates unless told otherwise (1 GiB)
DEFAULT_MAX_BYTES = 1 << 30
#: the most dimensions accepted in a header
MAX_NDIM = 8
#: deflate cannot expand data more than about 1032 times; a header that declares more than
#: this many bytes per compressed byte is rejected before anything is allocated
_MAX_GZIP_RATIO = 1100
_GZIP_MAGIC = b"\x1f\x8b"
_TYPE_NAMES = {dtype: name for name, dtype in IDX_TYPES.values()}


def read_idx(path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """Read one IDX file (raw or gzipped) into an array of its declared shape and type.

    The array is writable and in native byte order (``uint8`` for ubyte, ``int16``, ...).
    Raises :class:`DataError` naming the file and the byte offset for: a missing file, a bad
    magic number, an unknown type code, a dimension count outside 1..8, data larger than
    ``max_bytes``, truncated data, bytes after the data, or a corrupt gzip stream.
    """
    path = Path(path)
    try:
        size = os.path.getsize(path)
        handle = open(path, "rb")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not an IDX file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    with handle:
        try:
            gzipped = handle.read(2) == _GZIP_MAGIC
            handle.seek(0)
        except OSError as exc:
            raise DataError(f"{path}: cannot be read: {exc.strerror or exc}") from None
        if not gzipped:
            return _Reader(path, handle, size, None, max_bytes).read()
        stream = gzip.GzipFile(fileobj=handle, mode="rb")
        return _Reader(path, stream, None, size, max_bytes).read()


class _Reader:
    """One pass over an IDX stream: header, checks, then the data read into place."""

    def __init__(
        self, path: Path, stream, raw_size: int | None, gz_size: int | None, max_bytes: int
    ):
        self.path = path
        self.stream = stream
        self.raw_size = raw_size  # the file's size when it is not compressed
        self.gz_size = gz_size  # the compressed file's size when it is
        self.max_bytes = max_bytes
        self.offset = 0  # bytes of (decompressed) IDX consumed so far

    def fail(self, message: str) -> DataError:
        return DataError(f"{self.path}: {message}")

    @property
    def holds(self) -> str:
        return "the decompressed stream holds" if self.gz_size is not None else "the file holds"

    def read(self) -> np.ndarray:
        magic = self.take(4, "the magic number")
        if magic[0] != 0 or magic[1] != 0:
            raise self.fail(
                f"not an IDX file: bad magic number {magic.hex(' ')} at offset 0 "
                f"(an IDX file starts with two zero bytes, a type code and the "
                f"number of dimensions)"
            )
        code, ndim = magic[2], magic[3]
        if code not in IDX_TYPES:
            known = ", ".join(f"0x{c:02X} {name}" for c, (name, _) in IDX_TYPES.items())
            raise self.fail(f"unknown IDX type code 0x{code:02X} at offset 2 (known: {known})")
        if not 1 <= ndim <= MAX_NDIM:
            raise self.fail(
                f"bad number of dimensions {ndim} at offset 3 (expected 1 to {MAX_NDIM})"
            )
        dims_bytes = self.take(4 * ndim, f"the {ndim} dimension sizes")
        dims = tuple(int(d) for d in np.frombuffer(dims_bytes, dtype=">u4"))
        dtype = IDX_TYPES[code][1]
        start = self.offset
        declared = math.prod(dims) * dtype.itemsize  # Python integers: no overflow
        self.check_size(declared, dims, dtype, start)
        data = np.empty(declared, dtype=np.uint8)
        got = self.fill(memoryview(data))
        if got < declared:
            raise self.fail(
                f"truncated: the header declares {declared} bytes of data from "
                f"offset {start}, {self.holds} {got}"
            )
        if self.guarded(lambda: self.stream.read(1), start + declared):
            raise self.trailing(declared, start, "more data follows")
        array = data.view(dtype).reshape(dims)
        return array if dtype.itemsize == 1 else array.astype(dtype.newbyteorder("="))

    def check_size(self, declared: int, dims, dtype, start: int) -> None:
        """Refuse, before allocating, data over the cap or more than the file can hold."""
        shape = " × ".join(str(d) for d in dims)
        if declared > self.max_bytes:
            raise self.fail(
                f"the header declares {shape} {_TYPE_NAMES[dtype]} values = "
                f"{declared} bytes of data from offset {start}, more than the limit "
                f"of {self.max_bytes} bytes for one IDX file"
            )
        if math.prod(max(d, 1) for d in dims) * dtype.itemsize > np.iinfo(np.intp).max:
            raise self.fail(
                f"the header declares the shape {shape} at offset 4, which no "
                f"array can have (its sizes overflow the address space)"
            )
        if self.raw_size is not None and declared > self.raw_size - start:
            raise self.fail(
                f"truncated: the header declares {declared} bytes of data from "
                f"offset {start}, the file holds {self.raw_size - start}"
            )
        if self.raw_size is not None and declared < self.raw_size - start:
            extra = self.raw_size - start - declared
            raise self.trailing(declared, start, f"{extra} bytes follow")
        if self.gz_size is not None and declared > _MAX_GZIP_RATIO * self.gz_size + 4096:
            raise self.fail(
                f"truncated: the header declares {declared} bytes of data from "
                f"offset {start}, more than a gzip file of {self.gz_size} bytes "
                f"can hold"
            )

    def trailing(self, declared: int, start: int, extra: str) -> DataError:
        return self.fail(
            f"trailing bytes: the header declares {declared} bytes of data from "
            f"offset {start}, but {extra} at offset {start + declared}"
        )

    def take(self, n: int, what: str) -> bytes:
        start = self.offset
        chunk = self.guarded(lambda: self.stream.read(n), start)
        self.offset += len(chunk)
        if len(chunk) < n:
            raise self.fail(
                f"truncated: {what} needs {n} bytes at offset {start}, "
                f"{self.holds} {len(chunk)}" + ("" if start or chunk else " (the file is empty)")
            )
        return chunk

    def fill(self, view: memoryview) -> int:
        """Read into ``view`` until it is full or the stream ends; returns the bytes read."""
        filled = 0
        while filled < len(view):
            n = self.guarded(lambda rest=view[filled:]: self.stream.readinto(rest), self.offset)
            if not n:
                break
            filled += n
            self.offset += n
        return filled

    def guarded(self, read, offset: int):
        """Run one read, turning gzip, zlib and I/O failures into a :class:`DataError`."""
        try:
            return read()
        except EOFError:
            raise self.fail(
                f"corrupt gzip stream: it ends early, near decompressed offset {offset}"
            ) from None
        except (OSError, zlib.error) as exc:
            if self.gz_size is not None:
                raise self.fail(
                    f"corrupt gzip stream near decompressed offset {offset}: {exc}"
                ) from None
            raise self.fail(f"read error at offset {offset}: {exc}") from None


def write_idx(path, array, *, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file (gzipped when ``compress`` or the name ends in ``.gz``).

    The inverse of :func:`read_idx`, for tests and for exporting data in MNIST's format.
    """
    path = Path(path)
    array = np.asarray(array)
    big = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    codes = {dtype.newbyteorder("="): code for code, (_, dtype) in IDX_TYPES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None or array.ndim < 1 or array.ndim > MAX_NDIM:
        raise DataError(
            f"{path}: IDX holds uint8, int8, int16, int32, float32 or float64 "
            f"arrays of 1 to {MAX_NDIM} dimensions, not {array.dtype} {array.shape}"
        )
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    payload = header + np.ascontiguousarray(array, dtype=big).tobytes()
    if compress or (compress is None and path.suffix == ".gz"):
        payload = gzip.compress(payload, mtime=0)
    path.write_bytes(payload)
    return path
