"""IDX files (MNIST's format): every type code raw and gzipped, and every way a file can be bad."""

from __future__ import annotations

import gzip
import struct
import time
import tracemalloc

import numpy as np
import pytest

from chainrule.data import IDX_TYPES, read_idx, write_idx
from chainrule.errors import DataError

TYPES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.int16,
    0x0C: np.int32,
    0x0D: np.float32,
    0x0E: np.float64,
}


def header(code: int, dims) -> bytes:
    return bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


def sample(dtype, shape):
    values = np.arange(np.prod(shape)) * 7 - 20
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    if info is not None:
        values = np.clip(values, info.min, info.max)
    return values.astype(dtype).reshape(shape) + (0.25 if info is None else 0)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize("code", sorted(TYPES), ids=lambda c: f"0x{c:02X}")
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4), (2, 1, 2, 3)], ids=str)
def test_every_type_round_trips(tmp_path, code, compress, shape):
    array = sample(TYPES[code], shape)
    path = write_idx(tmp_path / ("a.idx.gz" if compress else "a.idx"), array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compress
    if not compress:
        assert path.read_bytes()[: 4 + 4 * len(shape)] == header(code, shape)
    back = read_idx(path)
    assert back.dtype == np.dtype(TYPES[code]) and back.dtype.isnative
    assert back.shape == shape
    np.testing.assert_array_equal(back, array)
    back[...] = 0  # writable


def test_big_endian_values_are_decoded(tmp_path):
    path = tmp_path / "v.idx"
    path.write_bytes(header(0x0B, (3,)) + struct.pack(">3h", -2, 258, 32767))
    assert read_idx(path).tolist() == [-2, 258, 32767]
    path.write_bytes(header(0x0D, (2,)) + struct.pack(">2f", 1.5, -0.125))
    assert read_idx(path).tolist() == [1.5, -0.125]
    path.write_bytes(header(0x0E, (1, 1)) + struct.pack(">d", np.pi))
    assert read_idx(path)[0, 0] == np.pi


def test_gzip_is_recognised_by_its_magic_bytes_not_its_name(tmp_path):
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    gz_named_plain = tmp_path / "images-idx3-ubyte"
    gz_named_plain.write_bytes(gzip.compress(header(0x08, (3, 4)) + array.tobytes()))
    plain_named_gz = tmp_path / "images-idx3-ubyte.gz"
    plain_named_gz.write_bytes(header(0x08, (3, 4)) + array.tobytes())
    np.testing.assert_array_equal(read_idx(gz_named_plain), array)
    np.testing.assert_array_equal(read_idx(plain_named_gz), array)


def test_zero_length_dimension_is_an_empty_array(tmp_path):
    path = tmp_path / "e.idx"
    path.write_bytes(header(0x08, (0, 28, 28)))
    assert read_idx(path).shape == (0, 28, 28)


# -- bad headers ----------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_truncated_data_names_file_sizes_and_offset(tmp_path, compress):
    path = tmp_path / "train-images-idx3-ubyte"
    payload = header(0x08, (3, 4, 5)) + bytes(50)
    path.write_bytes(gzip.compress(payload) if compress else payload)
    with pytest.raises(DataError) as info:
        read_idx(path)
    message = str(info.value)
    assert message.startswith(
        f"{path}: truncated: the header declares 60 bytes of data from offset 16, the "
    )
    assert message.endswith("holds 50")
    assert ("decompressed stream" in message) == compress


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_trailing_bytes_are_an_error(tmp_path, compress):
    path = tmp_path / "labels.idx"
    payload = header(0x0C, (2,)) + bytes(8) + b"xyz"
    path.write_bytes(gzip.compress(payload) if compress else payload)
    with pytest.raises(
        DataError,
        match=r"trailing bytes: the header declares 8 bytes of data "
        r"from offset 8, but .* follows? at offset 16",
    ) as info:
        read_idx(path)
    if not compress:
        assert "but 3 bytes follow at offset 16" in str(info.value)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", r"the magic number needs 4 bytes at offset 0, the .* 0"),
        (b"\x00\x00", r"the magic number needs 4 bytes at offset 0, the .* 2"),
        (b"\x00\x00\x08\x03\x00\x00", r"the 3 dimension sizes needs 12 bytes at offset 4, .* 2"),
        (b"PK\x03\x04rest", r"not an IDX file: bad magic number 50 4b 03 04 at offset 0"),
        (b"\x00\x01\x08\x01\x00\x00\x00\x00", r"bad magic number 00 01 08 01 at offset 0"),
        (b"\x00\x00\x0a\x01\x00\x00\x00\x01x", r"unknown IDX type code 0x0A at offset 2"),
        (b"\x00\x00\x08\x00", r"bad number of dimensions 0 at offset 3 \(expected 1 to 8\)"),
        (b"\x00\x00\x08\x09" + bytes(36), r"bad number of dimensions 9 at offset 3"),
    ],
)
def test_bad_headers(tmp_path, compress, content, fragment):
    path = tmp_path / "bad-idx"
    path.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(DataError, match=fragment) as info:
        read_idx(path)
    assert str(info.value).startswith(f"{path}: ")


def test_empty_file_says_so(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(DataError, match=r"truncated: .*the file holds 0 \(the file is empty\)"):
        read_idx(path)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_absurd_dimensions_fail_fast_without_allocating(tmp_path, compress):
    # 4 × (2³²−1) float64 values: ~10²⁰ bytes, declared by a 20-byte header.
    payload = header(0x0E, (0xFFFFFFFF,) * 4) + bytes(64)
    path = tmp_path / "huge-idx"
    path.write_bytes(gzip.compress(payload) if compress else payload)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(DataError, match=r"more than the limit of 1073741824 bytes"):
            read_idx(path)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.perf_counter() - start < 0.5
    assert peak < 1 << 20


def test_declared_size_is_checked_against_the_file_before_allocating(tmp_path):
    # 900 MB declared (under the 1 GiB cap) in a 16-byte raw file: refused from its size.
    path = tmp_path / "short-idx"
    path.write_bytes(header(0x08, (30000, 30000)) + bytes(8))
    tracemalloc.start()
    try:
        with pytest.raises(
            DataError,
            match=r"truncated: the header declares 900000000 bytes "
            r"of data from offset 12, the file holds 8",
        ):
            read_idx(path)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 1 << 20


def test_gzip_bomb_header_is_refused_from_the_compressed_size(tmp_path):
    path = tmp_path / "bomb-idx.gz"
    path.write_bytes(gzip.compress(header(0x08, (30000, 30000)) + bytes(8)))
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match=r"more than a gzip file of \d+ bytes can hold"):
            read_idx(path)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 1 << 20


def test_max_bytes_is_the_cap(tmp_path):
    path = write_idx(tmp_path / "a.idx", np.zeros((10, 10), np.float32))
    assert read_idx(path, max_bytes=400).shape == (10, 10)
    with pytest.raises(
        DataError,
        match=r"10 × 10 float32 values = 400 bytes of data from "
        r"offset 12, more than the limit of 399 bytes",
    ):
        read_idx(path, max_bytes=399)


# -- corrupt gzip ---------------------------------------------------------------------------


def gz_payload() -> bytes:
    rng = np.random.default_rng(0)
    data = rng.integers(0, 4, (50, 20), dtype=np.uint8)
    return gzip.compress(header(0x08, (50, 20)) + data.tobytes(), mtime=0)


def test_bad_crc(tmp_path):
    blob = bytearray(gz_payload())
    blob[-8] ^= 0xFF  # the CRC-32 in the trailer
    path = tmp_path / "crc.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(
        DataError,
        match=r"crc.gz: corrupt gzip stream near decompressed "
        r"offset 1012: CRC check failed",
    ):
        read_idx(path)


def test_truncated_gzip_stream(tmp_path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gz_payload()[:-30])
    with pytest.raises(DataError, match=r"cut.gz: (corrupt gzip stream: it ends early|truncated)"):
        read_idx(path)


def test_corrupt_deflate_data(tmp_path):
    blob = bytearray(gz_payload())
    blob[12:20] = b"\xff" * 8
    path = tmp_path / "zlib.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match=r"zlib.gz: corrupt gzip stream near decompressed offset"):
        read_idx(path)


def test_gzip_magic_with_garbage(tmp_path):
    path = tmp_path / "fake.gz"
    path.write_bytes(b"\x1f\x8b" + b"not really gzip at all")
    with pytest.raises(DataError, match=r"fake.gz: corrupt gzip stream"):
        read_idx(path)
    path.write_bytes(b"\x1f\x8b")
    with pytest.raises(DataError, match=r"fake.gz: corrupt gzip stream"):
        read_idx(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match=r"nope-idx: no such file"):
        read_idx(tmp_path / "nope-idx")
    with pytest.raises(DataError, match="is a directory"):
        read_idx(tmp_path)


def test_type_table_matches_the_format():
    assert {code: dtype.str for code, (_, dtype) in IDX_TYPES.items()} == {
        0x08: "|u1",
        0x09: "|i1",
        0x0B: ">i2",
        0x0C: ">i4",
        0x0D: ">f4",
        0x0E: ">f8",
    }


def test_write_idx_refuses_unsupported_arrays(tmp_path):
    with pytest.raises(DataError, match="IDX holds"):
        write_idx(tmp_path / "x", np.zeros(3, np.int64))
