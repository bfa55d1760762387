#!/usr/bin/env python
"""Fuzz every reader of outside data: IDX files, MNIST-format directories, CSV files and
checkpoints (the archive, the checkpoint, the trained model, a resumed run).

    python tools/fuzz.py --budget 100000 [--workers 2] [--seed 0] [--engine both]
                         [--timeout 10] [--json fuzz.json] [--crashes DIR] [--write-doc]
    python tools/fuzz.py --replay DIR      # run one saved input again, with its traceback

Inputs start from valid files (IDX of every type code, raw and gzipped; CSV files; real
checkpoints written by ``chainrule train`` and ``save_checkpoint``, with optimizer state and
Dropout) and are mutated (bytes flipped, set, inserted, deleted, duplicated, truncated,
spliced; header fields changed), or built by structure-aware generators (IDX headers, gzip
members, CSV tables, zip members with lying sizes, ``.npy`` headers with odd dtypes and
shapes, JSON descriptions that are valid JSON of the wrong types).

Two engines draw the choices: ``random`` (a seeded generator per input: input *i* of seed *s*
is reproducible) and ``hypothesis`` (the same generators driven by Hypothesis's data, as in the
test suite). Inputs run in worker processes under a watchdog: an input that takes longer than
``--timeout`` seconds is a hang (the worker is killed and replaced); a worker that dies is a
crash; every input's peak traced memory (tracemalloc) is measured, and the workers run under an
address-space limit so that a hostile header that makes the reader allocate gigabytes fails
loudly instead of slowly. The only acceptable outcomes are a result or one of chainrule's
documented errors (``chainrule.errors``); anything else is saved under ``--crashes``.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gzip
import hashlib
import io
import json
import math
import multiprocessing
import os
import platform
import random
import resource
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
import tracemalloc
import warnings
import zipfile
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for
from pathlib import Path

import numpy as np

import chainrule as cr
from chainrule.checkpoint import load_checkpoint, save_checkpoint
from chainrule.data import (
    load_mnist_format,
    read_csv,
    read_csv_features,
    read_idx,
    write_idx,
)
from chainrule.errors import ChainruleError

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "guarantees.md"
DOC_BEGIN = "<!-- fuzz-results:begin -->"
DOC_END = "<!-- fuzz-results:end -->"
#: an input whose traced peak exceeds this is a memory failure (inputs are at most ~100 KB)
MEMORY_LIMIT = 64 * 2**20
#: the address-space limit of a worker process: a reader that tries to allocate gigabytes
#: gets a MemoryError (a crash), never the machine's memory
ADDRESS_SPACE_LIMIT = 3 * 2**30
TARGET_WEIGHTS = {
    "idx": 24,
    "mnist": 8,
    "csv": 18,
    "csv_features": 8,
    "checkpoint": 24,
    "model": 12,
    "resume": 6,
}
TARGETS = tuple(TARGET_WEIGHTS)

# -- where the choices come from ----------------------------------------------------------------


class RandomSource:
    """Choices from a seeded generator: one per input, so each input can be made again."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return self.r.randint(lo, hi)

    def choice(self, seq):
        return seq[self.r.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def blob(self, max_size: int) -> bytes:
        return self.r.randbytes(self.r.randint(0, max_size))


class HypothesisSource:
    """The same choices drawn from Hypothesis's data (it biases toward edge values and can
    shrink a failing input)."""

    def __init__(self, data):
        from hypothesis import strategies as st

        self.data = data
        self.st = st

    def int(self, lo: int, hi: int) -> int:
        return self.data.draw(self.st.integers(lo, hi))

    def choice(self, seq):
        return seq[self.int(0, len(seq) - 1)]

    def chance(self, p: float) -> bool:
        return self.int(0, 999) < p * 1000

    def blob(self, max_size: int) -> bytes:
        return self.data.draw(self.st.binary(max_size=max_size))


# -- byte mutations -----------------------------------------------------------------------------

U8 = [
    0,
    1,
    2,
    7,
    8,
    9,
    0x0B,
    0x0C,
    0x0D,
    0x0E,
    0x0F,
    0x10,
    0x1F,
    0x20,
    0x7F,
    0x80,
    0x8B,
    0xFE,
    0xFF,
]
U32 = [
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    16,
    28,
    255,
    256,
    784,
    1000,
    4096,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x10000,
    10000,
    60000,
    2**24,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFFE,
    0xFFFFFFFF,
]


def _filler(n: int, seed: int) -> bytes:
    """``n`` bytes of cheap varied content (not drawn byte by byte)."""
    if n <= 0:
        return b""
    block = hashlib.sha256(seed.to_bytes(8, "little", signed=True)).digest()
    return (block * (n // len(block) + 1))[:n]


def mutate(src, data: bytes, others=(), rounds: int | None = None) -> bytes:
    """Apply a few random byte-level mutations to ``data`` (libFuzzer's and AFL's kinds)."""
    out = bytearray(data)
    rounds = rounds if rounds is not None else src.choice([1, 1, 1, 2, 2, 3, 4, 6, 8])
    for _ in range(rounds):
        n = len(out)
        op = src.choice(
            [
                "flip",
                "byte",
                "byte",
                "u32",
                "insert",
                "delete",
                "duplicate",
                "truncate",
                "append",
                "splice",
                "arith",
            ]
        )
        pos = src.int(0, max(n - 1, 0))
        if op == "flip" and n:
            out[pos] ^= 1 << src.int(0, 7)
        elif op == "byte" and n:
            out[pos] = src.choice(U8) if src.chance(0.5) else src.int(0, 255)
        elif op == "u32" and n >= 4:
            pos = min(pos, n - 4)
            out[pos : pos + 4] = struct.pack(src.choice([">I", "<I"]), src.choice(U32))
        elif op == "insert":
            chunk = src.blob(32) if src.chance(0.5) else bytes([src.choice(U8)]) * src.int(1, 64)
            out[pos:pos] = chunk
        elif op == "delete" and n:
            del out[pos : pos + src.int(1, max(1, min(64, n - pos)))]
        elif op == "duplicate" and n:
            chunk = out[pos : pos + src.int(1, 64)]
            where = src.int(0, n)
            out[where:where] = chunk
        elif op == "truncate":
            del out[pos:]
        elif op == "append":
            out += src.blob(64)
        elif op == "splice" and others:
            other = src.choice(others)
            cut = src.int(0, len(other))
            out = out[:pos] + bytearray(other[cut:])
        elif op == "arith" and n:
            out[pos] = (out[pos] + src.choice([-2, -1, 1, 2, 16, -16])) % 256
    return bytes(out)


# -- the valid files mutations start from ---------------------------------------------------------

IDX_CODES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.int16,
    0x0C: np.int32,
    0x0D: np.float32,
    0x0E: np.float64,
}
MNIST_STEMS = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
CSV_SEEDS = [
    "x1,x2,label\n0.5,1.5,0\n-1,2e3,1\n3,4,0\n2.25,-0.5,1\n",
    "1,2,3,0\n4,5,6,1\n7,8,9,2\n",
    "a\tb\tclass\n1\t2\tcat\n3\t4\tdog\n5\t6\tcat\n",
    "f1;f2;y\n0,5;1;0.25\n1;2;0.75\n3;4;1.5\n",
    "1.0 2.0 0\n3.0   4.0 1\n\n5 6 1\n",
    '\ufeff"x","y","label"\r\n"1","2","a"\r\n"3","4","b"\r\n',
    "x,label\n1,10\n2,20\n3,10\n4,30\n",
    "0.1,0.2\n0.3,0.4\n0.5,0.6\n",
]


@dataclass
class Corpus:
    """Valid inputs of every kind, built once (before the workers start)."""

    idx: list[bytes] = field(default_factory=list)
    mnist: dict[str, bytes] = field(default_factory=dict)
    csv: list[bytes] = field(default_factory=list)
    checkpoints: list[bytes] = field(default_factory=list)
    runs: list[bytes] = field(default_factory=list)  # checkpoints written by chainrule train

    @classmethod
    def build(cls) -> Corpus:
        corpus = cls()
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            for code, dtype in IDX_CODES.items():
                for shape in [(5,), (3, 4), (2, 3, 2), (1, 2, 1, 2), (0,)]:
                    values = (np.arange(math.prod(shape)) * 37 - 50).reshape(shape)
                    if np.dtype(dtype).kind in "iu":
                        info = np.iinfo(dtype)
                        values = np.clip(values, info.min, info.max)
                    path = write_idx(tmp / f"{code}-{len(shape)}.idx", values.astype(dtype))
                    corpus.idx.append(path.read_bytes())
            rng = np.random.default_rng(0)
            arrays = [
                rng.integers(0, 256, (6, 4, 4), dtype=np.uint8),
                (np.arange(6) % 10).astype(np.uint8),
                rng.integers(0, 256, (3, 4, 4), dtype=np.uint8),
                (np.arange(3) % 10).astype(np.uint8),
            ]
            for stem, array in zip(MNIST_STEMS, arrays, strict=True):
                corpus.mnist[stem] = write_idx(tmp / stem, array).read_bytes()
            corpus.csv = [text.encode("utf-8") for text in CSV_SEEDS]
            corpus.runs = _training_checkpoints(tmp)
            corpus.checkpoints = corpus.runs + _plain_checkpoints(tmp)
        return corpus


def _training_checkpoints(tmp: Path) -> list[bytes]:
    from chainrule.train import TrainingConfig, TrainingRun

    configs = [
        dict(
            data="xor",
            hidden=[3],
            dropout=0.2,
            optimizer="adam",
            dtype="float64",
            epochs=1,
            batch_size=64,
        ),
        dict(
            data="xor",
            hidden=[4, 3],
            optimizer="sgd",
            momentum=0.9,
            nesterov=True,
            cost="bce",
            scale="minmax",
            dtype="float32",
            epochs=1,
            batch_size=64,
        ),
        dict(
            data="book",
            hidden=[4],
            activation="sigmoid",
            cost="mse",
            optimizer="adamw",
            weight_decay=0.01,
            scale="none",
            val_fraction=0.0,
            epochs=2,
            batch_size=4,
            patience=3,
        ),
    ]
    blobs = []
    for i, options in enumerate(configs):
        out = tmp / f"run{i}"
        TrainingRun(TrainingConfig(**options), out, verbose=False, plots=False).run()
        blobs.append((out / "checkpoint.npz").read_bytes())
    return blobs


def _plain_checkpoints(tmp: Path) -> list[bytes]:
    rng = np.random.default_rng(1)
    net = cr.Sequential(
        cr.Dense(3, 4, dtype="float64", rng=rng),
        cr.Tanh(),
        cr.nn.Dropout(0.3, rng=5),
        cr.Dense(4, 2, dtype="float64", rng=rng),
        cr.Softmax(),
    )
    opt = cr.SGD(net.parameters(), lr=0.1, momentum=0.5)
    X, Y = rng.standard_normal((5, 3)), rng.random((5, 2))
    for _ in range(2):
        opt.zero_grad()
        cr.MSE()(net(X), Y).backward()
        opt.step()
    shuffle = np.random.default_rng(2)
    a = save_checkpoint(
        tmp / "a.npz",
        net,
        opt,
        epoch=2,
        shuffle_rng=shuffle,
        info={"note": "plain"},
        arrays={"scaler/mean": np.zeros(3)},
    )
    b = save_checkpoint(tmp / "b.npz", cr.Sequential(cr.Dense(2, 1, bias=False)))
    return [a.read_bytes(), b.read_bytes()]


# -- inputs ---------------------------------------------------------------------------------------


@dataclass
class Case:
    """One input: the target it is for, how it was made, its files and the reader's options."""

    target: str
    kind: str
    files: dict[str, bytes]
    options: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(b) for b in self.files.values())


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def idx_header(src) -> bytes:
    """A structure-aware IDX file: header fields drawn from edge values, data of a declared,
    nearly declared or unrelated length."""
    codes = list(IDX_CODES)
    code = src.choice(codes * 3 + [0x00, 0x01, 0x0A, 0x0F, 0x10, 0xFF])
    ndim = src.choice([1, 1, 2, 3, 3, 4, 0, 8, 9, 255])
    dims = [src.choice(U32) if src.chance(0.4) else src.int(0, 12) for _ in range(min(ndim, 10))]
    magic = b"\x00\x00" if src.chance(0.9) else bytes([src.int(0, 255), src.int(0, 255)])
    head = magic + bytes([code, ndim]) + struct.pack(f">{len(dims)}I", *dims)
    if src.chance(0.1):
        head = head[: src.int(0, len(head))]
    itemsize = np.dtype(IDX_CODES.get(code, np.uint8)).itemsize
    declared = math.prod(dims) * itemsize
    if declared <= 8192:
        length = max(0, declared + src.choice([0, 0, 0, -1, 1, -itemsize, 7, -declared]))
    else:
        length = src.choice([0, 1, 64, 4096])
    data = head + _filler(length, src.int(0, 2**31))
    return gz(data) if src.chance(0.3) else data


def gzip_damage(src, raw: bytes, others) -> bytes:
    """A gzip member damaged where gzip's own structure is: header flags with lying extra
    fields, the CRC, the stored size, the deflate stream, concatenated and empty members."""
    g = bytearray(gz(raw))
    op = src.choice(
        ["truncate", "crc", "isize", "flags", "concat", "trailing", "deflate", "empty", "zeros"]
    )
    if op == "truncate":
        return bytes(g[: src.int(0, len(g) - 1)])
    if op == "crc":
        g[-8:-4] = struct.pack("<I", src.choice(U32))
    elif op == "isize":
        g[-4:] = struct.pack("<I", src.choice(U32))
    elif op == "flags":
        g[3] = src.choice([2, 4, 8, 16, 0x20, 0x40, 0x80, 0x1C, 0xFF])
        if src.chance(0.5):
            g[10:10] = struct.pack("<H", src.choice([0, 1, 0xFFFF, 12])) + src.blob(16)
    elif op == "concat":
        g += gz(src.choice(others)) if src.chance(0.7) else src.blob(20)
    elif op == "trailing":
        g += b"\x00" * src.int(1, 64) if src.chance(0.5) else src.blob(64)
    elif op == "deflate" and len(g) > 18:
        pos = src.int(10, len(g) - 9)
        g[pos] ^= 1 << src.int(0, 7)
    elif op == "empty":
        return gz(b"") + (gz(raw) if src.chance(0.5) else b"")
    elif op == "zeros":
        return gz(b"\x00" * src.choice([3, 4, 100, 100_000]))
    return bytes(g)


def make_idx(src, corpus: Corpus) -> Case:
    kind = src.choice(["mutate", "mutate", "mutate", "header", "gzip"])
    if kind == "mutate":
        raw = src.choice(corpus.idx)
        if src.chance(0.3):
            data = (
                gz(mutate(src, raw, corpus.idx))
                if src.chance(0.5)
                else mutate(src, gz(raw), corpus.idx)
            )
        else:
            data = mutate(src, raw, corpus.idx)
    elif kind == "header":
        data = idx_header(src)
    else:
        data = gzip_damage(src, src.choice(corpus.idx), corpus.idx)
    options = {"max_bytes": src.choice([0, 1, 16, 100, 4096])} if src.chance(0.1) else {}
    return Case("idx", kind, {"input.idx": data}, options)


def make_mnist(src, corpus: Corpus) -> Case:
    files = {}
    variant = src.chance(0.2)
    for stem, raw in corpus.mnist.items():
        name = stem.replace("-idx", ".idx", 1) if variant else stem
        if src.chance(0.5):
            files[name + ".gz"] = gz(raw)
        else:
            files[name] = raw
    names = sorted(files)
    kind = src.choice(["mutate", "mutate", "swap", "missing", "header"])
    victim = src.choice(names)
    if kind == "mutate":
        raw = files[victim]
        if victim.endswith(".gz") and src.chance(0.5):
            files[victim] = gz(mutate(src, gzip.decompress(raw), list(corpus.mnist.values())))
        else:
            files[victim] = mutate(src, raw, list(corpus.mnist.values()))
    elif kind == "swap":
        other = src.choice(names)
        files[victim], files[other] = files[other], files[victim]
    elif kind == "missing":
        del files[victim]
    else:
        files[victim] = idx_header(src)
    return Case("mnist", kind, {f"set/{name}": data for name, data in files.items()})


CSV_FIELDS = [
    "0",
    "1",
    "2",
    "-1",
    "0.5",
    "1e3",
    "-2.5e-3",
    "1e309",
    "-1e309",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "",
    " ",
    "abc",
    "cat",
    "dog",
    "label",
    "x1",
    '"1"',
    '"a,b"',
    '"multi\nline"',
    '"unterminated',
    "\x00",
    "é",
    "日本",
    "0x10",
    "1_000",
    "١٢",
    "+1",
    ".5",
    "5.",
    "1e",
    "--1",
    str(2**53 + 1),
    "1" * 400,
    "9" * 20,
    "-0",
    "TRUE",
    '""',
    "'q'",
    "1\t2",
    "a;b",
    "\x0b",
    "\u2028",
]


def csv_table(src) -> bytes:
    """A table built from awkward fields: numbers at the edges of float, text, quotes,
    delimiters inside fields, ragged rows, every line ending, BOM, non-UTF-8 encodings."""
    delimiter = src.choice([",", ",", "\t", ";", " ", "|"])
    ending = src.choice(["\n", "\n", "\r\n", "\r"])
    cols = src.int(1, 5)
    lines = []
    if src.chance(0.4):
        lines.append(
            delimiter.join(src.choice(["x1", "x2", "label", "y", "", "é"]) for _ in range(cols))
        )
    for _ in range(src.int(0, 8)):
        width = cols if src.chance(0.85) else src.int(0, cols + 2)
        numeric = src.chance(0.6)
        row = [
            str(src.int(-5, 5)) if numeric and src.chance(0.7) else src.choice(CSV_FIELDS)
            for _ in range(width)
        ]
        lines.append(delimiter.join(row))
        if src.chance(0.1):
            lines.append("")
    text = ending.join(lines) + (ending if src.chance(0.7) else "")
    if src.chance(0.1):
        text = "\ufeff" + text
    encoding = src.choice(["utf-8"] * 8 + ["latin-1", "utf-16"])
    return text.encode(encoding, errors="replace")


def csv_options(src, features_only: bool) -> dict:
    options = {}
    if src.chance(0.3):
        options["header"] = src.choice(["auto", True, False])
    if src.chance(0.15):
        options["delimiter"] = src.choice([",", "\t", ";", " ", "|", ""])
    if not features_only:
        if src.chance(0.3):
            options["label_column"] = src.choice(
                [-1, 0, 1, 2, -2, 5, -9, "label", "x1", "nope", ""]
            )
        if src.chance(0.1):
            options["task"] = src.choice(["classification", "regression"])
    return options


def make_csv(src, corpus: Corpus, target: str = "csv") -> Case:
    kind = src.choice(["mutate", "table", "table"])
    if kind == "mutate":
        data = mutate(src, src.choice(corpus.csv), corpus.csv)
    else:
        data = csv_table(src)
    return Case(target, kind, {"input.csv": data}, csv_options(src, target == "csv_features"))


# .npy headers with odd dtypes and shapes
ODD_DESCRS = [
    "|O",
    "<U3",
    "|S4",
    "|V8",
    "<c16",
    "<f2",
    "|b1",
    "<M8[s]",
    "<m8[D]",
    [("a", "<f8")],
    [("a", "|O")],
    "<f16",
    ">f8",
    ">i4",
    "<u8",
    "<i8",
    "|u1",
    "xyz",
    "",
    "float64",
    42,
    None,
    "<f8",
    "<f4",
]
ODD_SHAPES = [
    (),
    (0,),
    (1,),
    (3,),
    (3, 4),
    (4, 3),
    (-1,),
    (-1, -1),
    (2, -3),
    (2**31,),
    (2**63,),
    (10**12, 10**6),
    (1,) * 40,
    ("a",),
    (1.5,),
    [3],
    3,
    None,
    (2**64,),
    (0, 2**62),
]


def npy(descr, shape, fortran=False, version=(1, 0), data=b"", header: str | None = None) -> bytes:
    """A ``.npy`` member written by hand, so that its header can say anything."""
    if header is None:
        header = repr({"descr": descr, "fortran_order": fortran, "shape": shape})
    head = header.encode("latin-1", errors="replace")
    length_format = "<H" if version[0] == 1 else "<I"
    prefix = 6 + 2 + struct.calcsize(length_format)
    pad = (-(prefix + len(head) + 1)) % 64
    head = head + b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes(version) + struct.pack(length_format, len(head)) + head + data


def npy_header_case(src, original: bytes) -> bytes:
    """Replace a member's ``.npy`` header: odd dtype, shape, order, version, or header text."""
    descr = src.choice(ODD_DESCRS)
    shape = src.choice(ODD_SHAPES)
    if src.chance(0.15):
        header = src.choice(
            [
                "{}",
                "[]",
                "None",
                "{'descr': '<f8'}",
                "__import__('os')",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}",
                "{'descr': '<f8', 'fortran_order': 'yes', 'shape': (3,)}",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)",
                "x" * 20000,
                "\x00\x01",
            ]
        )
    else:
        header = None
    try:
        declared = math.prod(shape) * np.dtype(descr).itemsize
    except Exception:
        declared = -1
    if not isinstance(declared, int):
        declared = -1
    if 0 <= declared <= 4096 and src.chance(0.7):
        data = _filler(declared + src.choice([0, 0, 0, 1, -1]), src.int(0, 2**31))
    else:
        data = original[128:] if src.chance(0.5) else b""
    version = src.choice([(1, 0), (1, 0), (2, 0), (3, 0), (0, 9), (4, 0)])
    return npy(descr, shape, src.chance(0.3), version, data, header)


ODD_JSON = [
    None,
    True,
    False,
    0,
    -1,
    1,
    3,
    2**31,
    2**32,
    2**63,
    2**64 + 1,
    10**30,
    -(10**30),
    10**400,
    0.5,
    -0.0,
    1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    "",
    "x",
    "float16",
    "int64",
    "object",
    "complex128",
    "<f8",
    "Dense",
    "Sequential",
    "Dropout",
    "Adam",
    "SGD",
    "AdamW",
    "relu",
    "xor",
    "ce",
    [],
    [1, 2],
    ["a"],
    [None],
    {},
    {"type": "Dense"},
    {"type": "Sequential", "layers": []},
    {"type": "Dense", "in_features": 10**7, "out_features": 10**7, "bias": True},
    {"type": "Dense", "in_features": 2**31, "out_features": 3},
    {"type": "Dropout", "p": 2},
    {"bit_generator": "PCG64", "state": {}},
    {"bit_generator": "MT19937", "state": {"key": [1], "pos": 0}},
]


def odd_value(src):
    """One of :data:`ODD_JSON`, copied (the constants must never be mutated in place)."""
    return copy.deepcopy(src.choice(ODD_JSON))


def json_paths(node, path=(), skip=frozenset()):
    """Every (path, value) in a JSON document, not descending into keys in ``skip``."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in skip:
                yield from json_paths(value, (*path, key), skip)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from json_paths(value, (*path, i), skip)


def _deep(n: int):
    node: list = []
    for _ in range(n):
        node = [node]
    return node


def mutate_json(src, document, rounds: int):
    """Valid JSON of the wrong shape: replace, delete, add, wrap or empty a node."""
    for _ in range(rounds):
        skip = frozenset() if src.chance(0.15) else frozenset({"histograms", "history"})
        path, node = src.choice(list(json_paths(document, (), skip)))
        op = src.choice(
            ["replace", "replace", "replace", "delete", "add", "wrap", "empty", "number"]
        )
        if op == "replace":
            value = odd_value(src) if src.chance(0.95) else _deep(src.int(10, 500))
        elif op == "wrap":
            value = [node] if src.chance(0.5) else {"value": node}
        elif op == "empty":
            value = type(node)() if isinstance(node, (list, dict, str)) else None
        elif op == "number":
            value = (
                node * src.choice([-1, 2, 1000, 10**9])
                if isinstance(node, (int, float)) and not isinstance(node, bool)
                else odd_value(src)
            )
        else:
            value = None
        if not path:
            document = value if op in ("replace", "wrap", "empty") else document
            continue
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if op == "delete":
            del parent[key]
        elif op == "add":
            if isinstance(node, dict):
                node[
                    src.choice(
                        [
                            "type",
                            "layers",
                            "extra",
                            "p",
                            "axis",
                            "in_features",
                            "bias",
                            "state",
                            "keys",
                        ]
                    )
                ] = odd_value(src)
            elif isinstance(node, list):
                node.append(odd_value(src))
        else:
            parent[key] = value
    return document


_MEMBERS: dict[bytes, list[tuple[str, bytes]]] = {}


def zip_members(blob: bytes) -> list[tuple[str, bytes]]:
    """The members of one of the corpus's archives (a fresh list; contents are cached)."""
    if blob not in _MEMBERS:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            _MEMBERS[blob] = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return list(_MEMBERS[blob])


def build_zip(members, compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are part of the game
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


def _signatures(data: bytes, signature: bytes) -> list[int]:
    found, at = [], data.find(signature)
    while at >= 0:
        found.append(at)
        at = data.find(signature, at + 1)
    return found


def zip_lie(src, blob: bytes) -> bytes:
    """Patch a zip's central directory, a local header or the end record: sizes that lie,
    unknown methods, encryption flags, wrong offsets and counts."""
    out = bytearray(blob)
    central, local = _signatures(out, b"PK\x01\x02"), _signatures(out, b"PK\x03\x04")
    end = out.rfind(b"PK\x05\x06")
    where = src.choice(["central", "central", "central", "local", "end"])
    u16 = [0, 1, 8, 12, 14, 99, 0x7FFF, 0xFFFF]
    if where == "central" and central:
        at = src.choice(central)
        name, offset, size = src.choice(
            [
                ("flags", 8, 2),
                ("method", 10, 2),
                ("crc", 16, 4),
                ("csize", 20, 4),
                ("usize", 24, 4),
                ("sizes", 20, 8),
                ("namelen", 28, 2),
                ("extralen", 30, 2),
                ("offset", 42, 4),
            ]
        )
        if name == "sizes":
            value = src.choice(U32)
            struct.pack_into("<II", out, at + 20, value, value)
        elif size == 2:
            struct.pack_into("<H", out, at + offset, src.choice(u16))
        else:
            struct.pack_into("<I", out, at + offset, src.choice(U32))
    elif where == "local" and local:
        at = src.choice(local)
        offset, size = src.choice([(6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2)])
        if size == 2:
            struct.pack_into("<H", out, at + offset, src.choice(u16))
        else:
            struct.pack_into("<I", out, at + offset, src.choice(U32))
    elif end >= 0:
        offset, size = src.choice([(8, 2), (10, 2), (12, 4), (16, 4), (20, 2)])
        if size == 2:
            struct.pack_into("<H", out, end + offset, src.choice(u16))
        else:
            struct.pack_into("<I", out, end + offset, src.choice(U32))
    return bytes(out)


def checkpoint_bytes(src, corpus: Corpus, seeds: list[bytes]) -> tuple[str, bytes]:
    """A damaged checkpoint and the name of what was done to it."""
    kind = src.choice(
        ["bytes", "meta", "meta", "meta", "meta_text", "npy", "npy_data", "members", "zip", "bomb"]
    )
    blob = src.choice(seeds)
    if kind == "bytes":
        return kind, mutate(src, blob, corpus.checkpoints)
    members = zip_members(blob)
    names = [name for name, _ in members]
    if kind in ("meta", "meta_text"):
        i = names.index("__meta__.npy")
        raw = members[i][1]
        text = np.load(io.BytesIO(raw)).tobytes()
        if kind == "meta":
            document = mutate_json(src, json.loads(text), src.choice([1, 1, 2, 3, 5]))
            text = json.dumps(document).encode()
        elif src.chance(0.05):
            depth = src.choice([1000, 100_000])
            text = b"[" * depth + b"]" * depth  # deeper than any parser's recursion
        else:
            text = mutate(src, text)
        members[i] = (names[i], npy("|u1", (len(text),), data=text))
    elif kind == "npy":
        i = src.int(0, len(members) - 1)
        members[i] = (names[i], npy_header_case(src, members[i][1]))
    elif kind == "npy_data":
        i = src.int(0, len(members) - 1)
        members[i] = (names[i], mutate(src, members[i][1]))
    elif kind == "members":
        op = src.choice(["drop", "dup", "rename", "extra", "pickle", "swap"])
        i = src.int(0, len(members) - 1)
        if op == "drop":
            del members[i]
        elif op == "dup":
            members.insert(src.int(0, len(members)), (names[i], src.choice(members)[1]))
        elif op == "rename":
            members[i] = (
                src.choice(
                    [
                        "x",
                        "../../evil.npy",
                        "dir/",
                        "param/0.W.npy",
                        "__meta__.npy",
                        "optim/0/m.npy",
                        "é.npy",
                        names[i][:-4],
                    ]
                ),
                members[i][1],
            )
        elif op == "extra":
            members.append((src.choice(["README", "extra/x.npy", "a/b/c.npy"]), src.blob(64)))
        elif op == "pickle":
            buffer = io.BytesIO()
            np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
            members[i] = (names[i], buffer.getvalue())
        else:
            j = src.int(0, len(members) - 1)
            members[i], members[j] = (names[i], members[j][1]), (names[j], members[i][1])
    elif kind == "bomb":
        # a deflated member that expands a thousandfold: a legitimate size, bounded by the
        # compressed size (which the reader checks), or a lie about it
        n = src.choice([1000, 100_000, 1_000_000])
        member = npy("<f8", (n,), data=b"\x00" * (8 * n))
        i = src.int(0, len(members) - 1)
        members[i] = (names[i], member)
        blob = build_zip(members, zipfile.ZIP_DEFLATED)
        return kind, zip_lie(src, blob) if src.chance(0.5) else blob
    compression = zipfile.ZIP_DEFLATED if src.chance(0.1) else zipfile.ZIP_STORED
    blob = build_zip(members, compression)
    if kind == "zip":
        for _ in range(src.choice([1, 1, 2, 3])):
            blob = zip_lie(src, blob)
    return kind, blob


def make_checkpoint(src, corpus: Corpus, target: str) -> Case:
    seeds = corpus.runs if target in ("model", "resume") else corpus.checkpoints
    kind, data = checkpoint_bytes(src, corpus, seeds)
    return Case(target, kind, {"checkpoint.npz": data})


def make_case(src, corpus: Corpus, targets=TARGETS) -> Case:
    weighted = [t for t in targets for _ in range(TARGET_WEIGHTS[t])]
    target = src.choice(weighted)
    if target == "idx":
        return make_idx(src, corpus)
    if target == "mnist":
        return make_mnist(src, corpus)
    if target in ("csv", "csv_features"):
        return make_csv(src, corpus, target)
    return make_checkpoint(src, corpus, target)


# -- what each input is given to ------------------------------------------------------------------

OPTIMIZERS = {"SGD": cr.SGD, "Adam": cr.Adam, "AdamW": cr.AdamW}


def run_checkpoint(path: Path, options: dict) -> str:
    """What loading a checkpoint for use does: the archive, the checkpoint, the network it
    describes with its weights, the optimizer state and generators restored, one forward."""
    checkpoint = load_checkpoint(path)  # load_archive, then the description
    net = checkpoint.build_network()
    name = (checkpoint.optimizer or {}).get("type")
    kind = OPTIMIZERS.get(name) if isinstance(name, str) else None
    optimizer = kind(net.parameters(), lr=0.1) if kind is not None and net.parameters() else None
    checkpoint.restore(net, optimizer, np.random.default_rng(0))
    dense = [m for m in net.modules() if hasattr(m, "in_features")]
    if dense:
        net(np.zeros((2, dense[0].in_features)))
    return net.describe()


def run_model(path: Path, options: dict) -> str:
    """What ``chainrule eval`` and ``predict`` do with a checkpoint."""
    from chainrule.train.model import TrainedModel

    model = TrainedModel.load(path)
    model.predict_proba(np.zeros((2, model.n_features), dtype=np.float32))
    return model.net.describe()


def run_resume(path: Path, options: dict) -> str:
    """What ``chainrule train --resume`` does before it trains."""
    from chainrule.train import TrainingRun

    run = TrainingRun.resume(path, out_dir=path.parent / "out", verbose=False, plots=False)
    return f"epoch {run.trainer.epoch}"


def run_target(case: Case, where: Path) -> str:
    if case.target == "idx":
        array = read_idx(where / "input.idx", **case.options)
        return f"{array.dtype}{array.shape}"
    if case.target == "mnist":
        train, test = load_mnist_format(where / "set", name="mnist")
        return f"{len(train)}+{len(test)}"
    if case.target == "csv":
        return f"{len(read_csv(where / 'input.csv', **case.options))} rows"
    if case.target == "csv_features":
        return str(read_csv_features(where / "input.csv", **case.options).shape)
    path = where / "checkpoint.npz"
    return {"checkpoint": run_checkpoint, "model": run_model, "resume": run_resume}[case.target](
        path, case.options
    )


@dataclass
class Result:
    target: str
    kind: str
    outcome: str  # "ok", a chainrule error's name, or "crash:<type>"
    detail: str
    size: int
    seconds: float
    peak: int
    warned: bool


CASE_FILE = "case.json"


def write_case(case: Case, where: Path) -> None:
    """The input's files, and ``case.json`` (its target, kind and options) beside them."""
    for child in where.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    for name, data in case.files.items():
        path = where / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (where / CASE_FILE).write_text(
        json.dumps({"target": case.target, "kind": case.kind, "options": case.options})
    )


def read_case(where: Path) -> Case:
    """The input :func:`write_case` wrote into ``where``."""
    info = json.loads((where / CASE_FILE).read_text())
    files = {
        str(p.relative_to(where)): p.read_bytes()
        for p in where.rglob("*")
        if p.is_file() and p.name != CASE_FILE
    }
    return Case(info["target"], info["kind"], files, info["options"])


def run_case(case: Case, where: Path) -> Result:
    """Run one input (its files written under ``where``) and classify what happened."""
    write_case(case, where)
    tracing = tracemalloc.is_tracing()
    if tracing:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        try:
            detail = run_target(case, where)
            outcome = "ok"
        except ChainruleError as exc:
            outcome, detail = type(exc).__name__, str(exc)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - this is what the fuzzer looks for
            outcome = f"crash:{type(exc).__name__}"
            detail = "".join(traceback.format_exception(exc)[-4:])
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] - base if tracing else 0
    return Result(
        case.target, case.kind, outcome, detail[:2000], case.size, seconds, peak, bool(caught)
    )


def is_failure(result: Result) -> bool:
    return (
        not (result.outcome == "ok" or result.outcome in ERROR_NAMES) or result.peak > MEMORY_LIMIT
    )


ERROR_NAMES = {cls.__name__ for cls in [ChainruleError, *ChainruleError.__subclasses__()]}


# -- workers and the watchdog ---------------------------------------------------------------------


def input_seed(seed: int, index: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{index}".encode()).digest()[:8], "little")


def worker_main(conn, corpus: Corpus, scratch: Path, targets, memory_limit: int) -> None:
    """Receive jobs, run their inputs, send one message per input (the watchdog's pulse)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    tracemalloc.start()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # readers print nothing; a stray print must not block a pipe
    while True:
        job = conn.recv()
        if job is None:
            return
        engine, seed, start, count = job
        if engine == "random":
            for index in range(start, start + count):
                case = make_case(RandomSource(input_seed(seed, index)), corpus, targets)
                send_result(conn, index, run_case(case, scratch), scratch)
        else:
            run_hypothesis(conn, corpus, scratch, targets, seed, count)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        conn.send(("done", rss, None, None))


def send_result(conn, index, result: Result, scratch: Path) -> None:
    """Report one input; a failing input's files are first copied aside (the next input
    overwrites the scratch directory before the parent reads them)."""
    kept = None
    if is_failure(result):
        kept = scratch.parent / f"{scratch.name}-failed-{time.monotonic_ns()}"
        shutil.copytree(scratch, kept)
    conn.send(("result", index, result, None if kept is None else str(kept)))


def run_hypothesis(conn, corpus, scratch, targets, seed: int, count: int) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    counter = [0]

    @hypothesis_seed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def body(data):
        if counter[0] >= count:
            return
        case = make_case(HypothesisSource(data), corpus, targets)
        counter[0] += 1
        send_result(conn, counter[0], run_case(case, scratch), scratch)

    body()
    while counter[0] < count:  # Hypothesis may stop early on a small space: top it up
        counter[0] += 1
        case = make_case(RandomSource(input_seed(seed, -counter[0])), corpus, targets)
        send_result(conn, counter[0], run_case(case, scratch), scratch)


@dataclass
class Worker:
    process: multiprocessing.Process
    conn: object
    scratch: Path
    job: tuple | None = None
    done: int = 0
    last: float = 0.0


@dataclass
class Report:
    """Counts of a campaign, by target, outcome and generator; failures with their inputs."""

    inputs: int = 0
    outcomes: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)
    max_seconds: dict = field(default_factory=dict)
    max_peak: dict = field(default_factory=dict)
    max_size: dict = field(default_factory=dict)
    warned: int = 0
    hangs: int = 0
    deaths: int = 0
    over_memory: int = 0
    failures: list = field(default_factory=list)
    worker_max_rss: int = 0
    seconds: float = 0.0

    def add(self, result: Result) -> None:
        self.inputs += 1
        t = result.target
        per = self.outcomes.setdefault(t, {})
        per[result.outcome] = per.get(result.outcome, 0) + 1
        kinds = self.kinds.setdefault(t, {})
        kinds[result.kind] = kinds.get(result.kind, 0) + 1
        self.max_seconds[t] = max(self.max_seconds.get(t, 0.0), result.seconds)
        self.max_peak[t] = max(self.max_peak.get(t, 0), result.peak)
        self.max_size[t] = max(self.max_size.get(t, 0), result.size)
        self.warned += result.warned

    def add_other(self, target: str, outcome: str) -> None:
        self.inputs += 1
        per = self.outcomes.setdefault(target, {})
        per[outcome] = per.get(outcome, 0) + 1

    @property
    def crashes(self) -> int:
        return sum(
            n
            for per in self.outcomes.values()
            for outcome, n in per.items()
            if outcome.startswith("crash:")
        )

    def record(self, info: dict, crashes: Path | None, files: Path) -> None:
        """Keep a failure (the first 200 in full; every one is counted)."""
        if len(self.failures) < 200:
            info["saved"] = save_failure(crashes, files, info)
            self.failures.append(info)

    @property
    def failed(self) -> int:
        return self.crashes + self.hangs + self.deaths + self.over_memory

    def to_json(self, **extra) -> dict:
        return {
            "inputs": self.inputs,
            "crashes": self.crashes,
            "hangs": self.hangs,
            "worker_deaths": self.deaths,
            "over_memory": self.over_memory,
            "inputs_with_numpy_warnings": self.warned,
            "outcomes": self.outcomes,
            "generators": self.kinds,
            "max_seconds": {k: round(v, 4) for k, v in self.max_seconds.items()},
            "max_peak_traced_bytes": self.max_peak,
            "max_input_bytes": self.max_size,
            "worker_max_rss_bytes": self.worker_max_rss,
            "seconds": round(self.seconds, 1),
            "failures": self.failures[:50],
            **extra,
        }


def save_failure(crashes: Path | None, case_files: Path, info: dict) -> str | None:
    if crashes is None:
        return None
    digest = hashlib.sha256(json.dumps(info, sort_keys=True, default=str).encode()).hexdigest()
    target = crashes / f"{info['target']}-{digest[:10]}"
    if case_files.exists():
        shutil.copytree(case_files, target / "files", dirs_exist_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    (target / "case.json").write_text(json.dumps(info, indent=2, default=str))
    return str(target)


def campaign(
    budget: int,
    *,
    workers: int = 1,
    seed: int = 0,
    engine: str = "both",
    timeout: float = 10.0,
    targets=TARGETS,
    crashes: Path | None = None,
    chunk: int = 250,
    progress=None,
    memory_limit: int = ADDRESS_SPACE_LIMIT,
    corpus: Corpus | None = None,
) -> Report:
    """Run ``budget`` inputs across ``workers`` processes; returns the :class:`Report`."""
    started = time.perf_counter()
    corpus = corpus or Corpus.build()
    if engine in ("hypothesis", "both"):
        import hypothesis  # noqa: F401 - imported before the workers fork
    jobs = []
    for j, start in enumerate(range(0, budget, chunk)):
        count = min(chunk, budget - start)
        kind = engine if engine != "both" else ("random", "hypothesis")[j % 2]
        jobs.append((kind, seed * 1_000_003 + j, start if kind == "random" else 0, count))
    jobs.reverse()
    context = multiprocessing.get_context("fork")
    report = Report()
    scratch_root = Path(tempfile.mkdtemp(prefix="chainrule-fuzz-"))
    pool: list[Worker] = []

    def spawn(i: int) -> Worker:
        scratch = scratch_root / f"w{i}-{time.monotonic_ns()}"
        scratch.mkdir()
        parent, child = context.Pipe()
        process = context.Process(
            target=worker_main, args=(child, corpus, scratch, targets, memory_limit), daemon=True
        )
        process.start()
        child.close()
        return Worker(process, parent, scratch)

    def retire(worker: Worker, why: str) -> None:
        """The worker hung or died on its current input: record it, requeue the rest."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join()
        try:
            case = read_case(worker.scratch)
            target, kind = case.target, case.kind
        except (OSError, ValueError, KeyError):  # killed before the input was written
            target, kind = "unknown", "unknown"
        case_json = {
            "target": target,
            "kind": kind,
            "outcome": why,
            "job": worker.job,
            "input_in_job": worker.done,
        }
        if worker.job[0] == "random":
            index = worker.job[2] + worker.done
            case_json["replay"] = {"seed": worker.job[1], "index": index}
        report.record(case_json, crashes, worker.scratch)
        report.add_other(target, why)
        if why == "hang":
            report.hangs += 1
        else:
            report.deaths += 1
        engine_name, job_seed, start, count = worker.job
        rest = count - worker.done - 1
        if rest > 0:
            jobs.append(
                (
                    engine_name,
                    job_seed + 7919 if engine_name == "hypothesis" else job_seed,
                    start + worker.done + 1,
                    rest,
                )
            )
        shutil.rmtree(worker.scratch, ignore_errors=True)

    try:
        pool = [spawn(i) for i in range(max(1, workers))]
        while True:
            for worker in pool:
                if worker.job is None and jobs:
                    worker.job, worker.done, worker.last = jobs.pop(), 0, time.monotonic()
                    worker.conn.send(worker.job)
            busy = [w for w in pool if w.job is not None]
            if not busy:
                break
            ready = wait_for([w.conn for w in busy], timeout=0.25)
            now = time.monotonic()
            for i, worker in enumerate(pool):
                if worker.job is None:
                    continue
                if worker.conn in ready:
                    try:
                        while worker.conn.poll():
                            message, value, result, kept = worker.conn.recv()
                            worker.last = now
                            if message == "done":
                                report.worker_max_rss = max(report.worker_max_rss, value)
                                worker.job = None
                                break
                            worker.done += 1
                            report.add(result)
                            if is_failure(result):
                                info = {
                                    "target": result.target,
                                    "kind": result.kind,
                                    "outcome": result.outcome,
                                    "detail": result.detail,
                                    "seconds": result.seconds,
                                    "peak": result.peak,
                                    "over_memory": result.peak > MEMORY_LIMIT,
                                    "job": worker.job,
                                    "input_in_job": worker.done - 1,
                                }
                                if worker.job[0] == "random":
                                    info["replay"] = {"seed": worker.job[1], "index": value}
                                report.over_memory += result.peak > MEMORY_LIMIT
                                report.record(info, crashes, Path(kept))
                            if progress and report.inputs % 1000 == 0:
                                progress(report)
                    except (EOFError, OSError):
                        worker.process.join(timeout=5)  # reaped, so its exit code is known
                        retire(worker, f"died:{worker.process.exitcode}")
                        pool[i] = spawn(i)
                        continue
                elif now - worker.last > timeout:
                    retire(worker, "hang")
                    pool[i] = spawn(i)
                elif not worker.process.is_alive():
                    retire(worker, f"died:{worker.process.exitcode}")
                    pool[i] = spawn(i)
    finally:
        for worker in pool:
            with contextlib.suppress(OSError, BrokenPipeError):
                worker.conn.send(None)
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
        shutil.rmtree(scratch_root, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


# -- reporting ------------------------------------------------------------------------------------


def markdown(summary: dict) -> str:
    """The results as the Markdown that ``docs/guarantees.md`` shows."""
    outcomes = summary["outcomes"]
    columns = ["ok"] + sorted({o for per in outcomes.values() for o in per} - {"ok"})
    lines = [
        f"Last run: `python tools/fuzz.py --budget {summary['budget']} --workers "
        f"{summary['workers']} --seed {summary['seed']} --engine {summary['engine']}` — "
        f"**{summary['inputs']:,} inputs** in {summary['seconds']:.0f} s "
        f"(chainrule {summary['chainrule']}, Python {summary['python']}, "
        f"NumPy {summary['numpy']}): **{summary['crashes']} crashes, {summary['hangs']} "
        f"hangs, {summary['worker_deaths']} worker deaths, {summary['over_memory']} inputs "
        f"over the memory limit**.",
        "",
        "| target | inputs | " + " | ".join(columns) + " | slowest input | largest peak |",
        "|---|---:|" + "---:|" * len(columns) + "---:|---:|",
    ]
    for target in TARGETS:
        if target not in outcomes:
            continue
        per = outcomes[target]
        cells = [f"{per.get(c, 0):,}" for c in columns]
        lines.append(
            f"| `{target}` | {sum(per.values()):,} | "
            + " | ".join(cells)
            + f" | {summary['max_seconds'].get(target, 0) * 1000:.0f} ms | "
            f"{summary['max_peak_traced_bytes'].get(target, 0) / 2**20:.1f} MiB |"
        )
    lines += [
        "",
        "Generators (inputs per kind): "
        + "; ".join(
            f"`{t}`: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items()))
            for t, kinds in summary["generators"].items()
        )
        + ".",
        "",
        f"Largest worker resident set: {summary['worker_max_rss_bytes'] / 2**20:.0f} MiB "
        f"(address space capped at {summary['address_space_limit'] / 2**30:.0f} GiB per "
        f"worker); per-input memory limit {MEMORY_LIMIT // 2**20} MiB traced; per-input time "
        f"limit {summary['timeout']:g} s; {summary['inputs_with_numpy_warnings']:,} inputs "
        "raised a NumPy warning (not an error).",
    ]
    return "\n".join(lines)


def write_doc(summary: dict, path: Path = DOC) -> None:
    text = path.read_text(encoding="utf-8")
    begin, end = text.index(DOC_BEGIN) + len(DOC_BEGIN), text.index(DOC_END)
    path.write_text(text[:begin] + "\n" + markdown(summary) + "\n" + text[end:], encoding="utf-8")


def replay(directory: Path) -> int:
    """Run one saved input in this process and show what it raises."""
    case = read_case(directory / "files")
    target = case.target
    with tempfile.TemporaryDirectory() as tmp:
        write_case(case, Path(tmp))
        try:
            print(f"{target}: {run_target(case, Path(tmp))}")
        except ChainruleError as exc:  # a documented answer; anything else shows its trace
            print(f"{target}: {type(exc).__name__}: {exc}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=10_000, help="inputs to run")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", choices=("random", "hypothesis", "both"), default="both")
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="seconds an input may take before it counts as a hang",
    )
    parser.add_argument(
        "--targets",
        default=",".join(TARGETS),
        help=f"comma-separated subset of {', '.join(TARGETS)}",
    )
    parser.add_argument("--crashes", help="directory to save failing inputs in")
    parser.add_argument("--json", help="write the summary here")
    parser.add_argument(
        "--write-doc", action="store_true", help="put the results table into docs/guarantees.md"
    )
    parser.add_argument("--replay", help="run one saved failing input (a --crashes entry)")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(Path(args.replay))
    targets = tuple(t.strip() for t in args.targets.split(",") if t.strip())
    unknown = set(targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")

    def progress(report: Report) -> None:
        print(
            f"  {report.inputs:,} inputs, {report.failed} failures, "
            f"{time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    t0 = time.perf_counter()
    report = campaign(
        args.budget,
        workers=args.workers,
        seed=args.seed,
        engine=args.engine,
        timeout=args.timeout,
        targets=targets,
        crashes=Path(args.crashes) if args.crashes else None,
        progress=progress,
    )
    summary = report.to_json(
        budget=args.budget,
        workers=args.workers,
        seed=args.seed,
        engine=args.engine,
        timeout=args.timeout,
        targets=list(targets),
        address_space_limit=ADDRESS_SPACE_LIMIT,
        chainrule=cr.__version__,
        numpy=np.__version__,
        python=platform.python_version(),
    )
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2, default=str) + "\n")
    print(markdown(summary))
    for failure in report.failures[:20]:
        print(
            f"FAILURE {failure['target']} {failure['outcome']}: "
            f"{str(failure.get('detail', ''))[-300:]}",
            file=sys.stderr,
        )
    if args.write_doc:
        write_doc(summary)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
