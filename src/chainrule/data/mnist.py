"""MNIST-format data sets (MNIST, Fashion-MNIST): four IDX files in one directory.

The official split: ``train-images-idx3-ubyte`` / ``train-labels-idx1-ubyte`` (60 000
examples) and ``t10k-images-idx3-ubyte`` / ``t10k-labels-idx1-ubyte`` (10 000), each raw or
``.gz``, also under the variant spelling ``train-images.idx3-ubyte``. Images become rows of
28·28 = 784 float32 values in [0, 1] (pixel / 255), row by row.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import DataError
from .dataset import Dataset
from .idx import DEFAULT_MAX_BYTES, read_idx
from .raw_scale import IDX_PIXELS_RAW_SCALE

#: where Debian's package ``dataset-fashion-mnist`` installs the four files
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
#: the environment variable naming a data directory (when no ``data_dir`` is given)
DATA_DIR_ENV = "CHAINRULE_DATA_DIR"
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
DIGIT_CLASSES = tuple(str(i) for i in range(10))
#: the standard file stems, per part of the split
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _fix(name: str) -> str:
    if name == "fashion-mnist":
        return (
            "install Debian's package (apt install dataset-fashion-mnist), or pass "
            "--data-dir DIR (or set CHAINRULE_DATA_DIR) to a directory holding the four "
            "Fashion-MNIST IDX files"
        )
    return (
        f"pass --data-dir DIR (or set CHAINRULE_DATA_DIR) to a directory holding the four "
        f"{name} IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)"
    )


def resolve_data_dir(name: str, data_dir=None) -> Path:
    """The directory to read the MNIST-format set ``name`` from.

    In order: ``data_dir`` when given, else the environment variable ``CHAINRULE_DATA_DIR``,
    else (for "fashion-mnist" only) Debian's ``/usr/share/datasets/fashion-mnist``. A chosen
    directory that has a subdirectory called ``name`` (a data root holding ``mnist/`` and
    ``fashion-mnist/``) resolves to that subdirectory. Raises :class:`DataError` naming the
    path and the fix when there is no directory or it does not exist.
    """
    if data_dir is not None and str(data_dir) != "":
        chosen, source = Path(data_dir), "--data-dir"
    elif os.environ.get(DATA_DIR_ENV):
        chosen, source = Path(os.environ[DATA_DIR_ENV]), DATA_DIR_ENV
    elif name == "fashion-mnist":
        chosen, source = FASHION_MNIST_DIR, "the default location"
    else:
        raise DataError(f"{name}: no data directory given; {_fix(name)}")
    if (chosen / name).is_dir():
        return chosen / name
    if not chosen.exists():
        raise DataError(
            f"{name}: the data directory {chosen} ({source}) does not exist; {_fix(name)}"
        )
    if not chosen.is_dir():
        raise DataError(f"{name}: {chosen} ({source}) is not a directory; {_fix(name)}")
    return chosen


def find_idx_file(directory, stem: str, *, name: str = "mnist") -> Path:
    """The file for ``stem`` in ``directory``: ``stem``, ``stem.gz``, or the variant spelling
    with a dot (``train-images.idx3-ubyte[.gz]``). :class:`DataError` naming all of them if
    none exists."""
    directory = Path(directory)
    variant = stem.replace("-idx", ".idx", 1)
    candidates = [stem + ".gz", stem, variant + ".gz", variant]
    for candidate in candidates:
        if (directory / candidate).is_file():
            return directory / candidate
    raise DataError(
        f"{directory / (stem + '.gz')}: no such file (nor {stem}, {variant}.gz or "
        f"{variant} in {directory}); {_fix(name)}"
    )


def load_mnist_format(
    directory, *, name: str | None = None, classes=None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Dataset, Dataset]:
    """Read the official (train, test) split from the four IDX files in ``directory``.

    Images must be 3-D ubyte arrays (n, rows, cols), labels 1-D ubyte arrays of the same n with
    values 0..9; each failure is a :class:`DataError` naming the file. ``X`` is float32
    (n, rows·cols) in [0, 1]; ``feature_shape`` is (rows, cols). ``classes`` defaults to the
    Fashion-MNIST names when ``name`` is "fashion-mnist", else "0".."9".
    """
    directory = Path(directory)
    name = name or directory.name or "mnist"
    if not directory.is_dir():
        raise DataError(f"{name}: the data directory {directory} does not exist; {_fix(name)}")
    if classes is None:
        classes = FASHION_MNIST_CLASSES if name == "fashion-mnist" else DIGIT_CLASSES
    parts = []
    for part, (image_stem, label_stem) in MNIST_FILES.items():
        image_path = find_idx_file(directory, image_stem, name=name)
        label_path = find_idx_file(directory, label_stem, name=name)
        parts.append(_load_part(image_path, label_path, name, tuple(classes), max_bytes, part))
    return parts[0], parts[1]


def _load_part(
    image_path: Path,
    label_path: Path,
    name: str,
    classes: tuple[str, ...],
    max_bytes: int,
    part: str,
) -> Dataset:
    images = read_idx(image_path, max_bytes=max_bytes)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(
            f"{image_path}: expected images as a 3-D ubyte array (n, rows, cols), "
            f"found {images.dtype} of shape {images.shape}"
        )
    labels = read_idx(label_path, max_bytes=max_bytes)
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DataError(
            f"{label_path}: expected labels as a 1-D ubyte array, found "
            f"{labels.dtype} of shape {labels.shape}"
        )
    if len(images) != len(labels):
        raise DataError(
            f"{name} {part}: {image_path} holds {len(images)} images but "
            f"{label_path} holds {len(labels)} labels"
        )
    bad = labels >= len(classes)
    if bad.any():
        index = int(np.argmax(bad))
        raise DataError(
            f"{label_path}: label {int(labels[index])} at index {index} (byte "
            f"offset {8 + index}) is outside 0..{len(classes) - 1}"
        )
    return Dataset(
        image_features(images),
        labels.astype(np.int64),
        name,
        classes,
        images.shape[1:],
        raw_scale=IDX_PIXELS_RAW_SCALE,
    )


def raw_image_features(images: np.ndarray) -> np.ndarray:
    """Images (n, rows, cols) as rows of float32 features, flattened, values as stored (the raw
    features ``predict`` takes; a run redoes its own raw scale on them)."""
    return np.asarray(images).reshape(len(images), -1).astype(np.float32)


def image_features(images: np.ndarray) -> np.ndarray:
    """Images (n, rows, cols) as rows of float32 features: flattened, ubyte pixels scaled to
    [0, 1] (:data:`IDX_PIXELS_RAW_SCALE`; other types as they are)."""
    if images.dtype == np.uint8:
        return IDX_PIXELS_RAW_SCALE.apply(images.reshape(len(images), -1))
    return raw_image_features(images)
