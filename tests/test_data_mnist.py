"""MNIST-format directories: file names, checks across files, the data directory, and the real
Fashion-MNIST files when Debian's package is installed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chainrule.data import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_DIR,
    load_dataset,
    load_mnist_format,
    resolve_data_dir,
    write_idx,
)
from chainrule.errors import ConfigError, DataError

STEMS = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def write_set(
    directory: Path, n_train=30, n_test=10, suffix=".gz", variant=False, images=None, labels=None
):
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    arrays = {
        STEMS[0]: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        STEMS[1]: (np.arange(n_train) % 10).astype(np.uint8),
        STEMS[2]: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        STEMS[3]: (np.arange(n_test) % 10).astype(np.uint8),
    }
    arrays.update(images or {})
    arrays.update(labels or {})
    for stem, array in arrays.items():
        name = stem.replace("-idx", ".idx", 1) if variant else stem
        write_idx(directory / (name + suffix), array, compress=suffix == ".gz")
    return arrays


@pytest.mark.parametrize(
    "suffix, variant", [(".gz", False), ("", False), (".gz", True), ("", True)]
)
def test_reads_gz_raw_and_variant_spellings(tmp_path, suffix, variant):
    arrays = write_set(tmp_path / "set", suffix=suffix, variant=variant)
    train, test = load_mnist_format(tmp_path / "set")
    assert (len(train), len(test)) == (30, 10)
    assert train.X.shape == (30, 784) and train.X.dtype == np.float32
    assert train.feature_shape == (28, 28) and train.y.dtype == np.int64
    np.testing.assert_array_equal(train.X, arrays[STEMS[0]].reshape(30, 784) / np.float32(255))
    np.testing.assert_array_equal(test.y, arrays[STEMS[3]])
    assert train.X.min() >= 0 and train.X.max() <= 1
    assert train.classes == tuple("0123456789") and train.name == "set"


def test_fashion_names_its_classes(tmp_path):
    write_set(tmp_path)
    train, _ = load_mnist_format(tmp_path, name="fashion-mnist")
    assert train.classes == FASHION_MNIST_CLASSES
    assert train.classes[0] == "T-shirt/top" and train.classes[9] == "Ankle boot"


def test_missing_file_names_path_and_fix(tmp_path):
    write_set(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError) as info:
        load_mnist_format(tmp_path, name="fashion-mnist")
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 't10k-labels-idx1-ubyte.gz'}: no such file")
    assert "t10k-labels.idx1-ubyte" in message
    assert "apt install dataset-fashion-mnist" in message and "--data-dir" in message


def test_count_mismatch_names_both_files(tmp_path):
    write_set(tmp_path, labels={STEMS[1]: np.zeros(29, np.uint8)})
    with pytest.raises(
        DataError,
        match=r"train: .*train-images-idx3-ubyte.gz holds 30 images "
        r"but .*train-labels-idx1-ubyte.gz holds 29 labels",
    ):
        load_mnist_format(tmp_path)


def test_label_out_of_range_names_file_and_index(tmp_path):
    labels = (np.arange(10) % 10).astype(np.uint8)
    labels[7] = 10
    write_set(tmp_path, labels={STEMS[3]: labels})
    with pytest.raises(
        DataError,
        match=r"t10k-labels-idx1-ubyte.gz: label 10 at index 7 "
        r"\(byte offset 15\) is outside 0..9",
    ):
        load_mnist_format(tmp_path)


def test_wrong_array_kinds_are_refused(tmp_path):
    write_set(tmp_path, images={STEMS[0]: np.zeros((30, 784), np.uint8)})
    with pytest.raises(
        DataError,
        match=r"train-images-idx3-ubyte.gz: expected images as a 3-D "
        r"ubyte array",
    ):
        load_mnist_format(tmp_path)
    write_set(tmp_path / "b", labels={STEMS[1]: np.zeros(30, np.int32)})
    with pytest.raises(DataError, match="expected labels as a 1-D ubyte array, found int32"):
        load_mnist_format(tmp_path / "b")


def test_corrupt_file_inside_a_set_names_it(tmp_path):
    write_set(tmp_path)
    target = tmp_path / "train-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-100])
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte.gz: "):
        load_mnist_format(tmp_path)


# -- the data directory ---------------------------------------------------------------------


def test_data_dir_precedence(tmp_path, monkeypatch):
    explicit, env = tmp_path / "explicit", tmp_path / "env"
    explicit.mkdir()
    env.mkdir()
    monkeypatch.setenv("CHAINRULE_DATA_DIR", str(env))
    assert resolve_data_dir("mnist", explicit) == explicit
    assert resolve_data_dir("mnist", None) == env
    assert resolve_data_dir("fashion-mnist", None) == env
    (env / "fashion-mnist").mkdir()
    assert resolve_data_dir("fashion-mnist", None) == env / "fashion-mnist"
    monkeypatch.delenv("CHAINRULE_DATA_DIR")
    assert str(FASHION_MNIST_DIR) == "/usr/share/datasets/fashion-mnist"
    # the default location is used when nothing else is given (a stand-in for Debian's
    # directory, so the test does not depend on the package being installed)
    import chainrule.data.mnist as mnist

    default = tmp_path / "debian-default"
    default.mkdir()
    monkeypatch.setattr(mnist, "FASHION_MNIST_DIR", default)
    assert resolve_data_dir("fashion-mnist", None) == default
    with pytest.raises(
        DataError,
        match=r"mnist: no data directory given; pass --data-dir DIR "
        r"\(or set CHAINRULE_DATA_DIR\)",
    ):
        resolve_data_dir("mnist", None)


def test_missing_directory_names_it_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINRULE_DATA_DIR", raising=False)
    missing = tmp_path / "nowhere"
    with pytest.raises(
        DataError,
        match=rf"the data directory {missing} \(--data-dir\) does not "
        rf"exist; install Debian's package \(apt install "
        rf"dataset-fashion-mnist\)",
    ):
        resolve_data_dir("fashion-mnist", missing)
    monkeypatch.setenv("CHAINRULE_DATA_DIR", str(missing))
    with pytest.raises(DataError, match=r"\(CHAINRULE_DATA_DIR\) does not exist"):
        load_dataset("mnist")
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(DataError, match="is not a directory"):
        resolve_data_dir("mnist", file)


def test_load_dataset_mnist_and_directory_paths(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINRULE_DATA_DIR", raising=False)
    write_set(tmp_path / "mnist", n_train=40)
    train, test = load_dataset("mnist", data_dir=tmp_path)  # a root holding mnist/
    assert (len(train), len(test), train.name) == (40, 10, "mnist")
    train, test = load_dataset(str(tmp_path / "mnist"))
    assert (len(train), len(test)) == (40, 10)
    train, test = load_dataset("mnist", data_dir=tmp_path / "mnist", n_samples=20, seed=3)
    assert len(train) == 20 and len(test) == 10
    np.testing.assert_array_equal(np.bincount(train.y), [2] * 10)
    with pytest.raises(ConfigError, match="test_size does not apply.*official"):
        load_dataset("mnist", data_dir=tmp_path, test_size=0.2)


# -- the real files -------------------------------------------------------------------------

needs_fashion = pytest.mark.skipif(
    not all((FASHION_MNIST_DIR / f"{stem}.gz").is_file() for stem in STEMS),
    reason="Fashion-MNIST is not installed (Debian: apt install dataset-fashion-mnist)",
)


@pytest.fixture(scope="module")
def fashion():
    return load_dataset("fashion-mnist", data_dir=FASHION_MNIST_DIR)


@pytest.mark.slow
@needs_fashion
def test_real_fashion_mnist(fashion):
    train, test = fashion
    assert train.X.shape == (60000, 784) and test.X.shape == (10000, 784)
    assert train.X.dtype == np.float32 and test.X.dtype == np.float32
    assert train.y.dtype == np.int64 and train.feature_shape == (28, 28)
    assert train.X.min() == 0.0 and train.X.max() == 1.0
    assert 0.0 <= test.X.min() and test.X.max() <= 1.0
    np.testing.assert_array_equal(np.bincount(train.y, minlength=10), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(test.y, minlength=10), [1000] * 10)
    assert train.classes == FASHION_MNIST_CLASSES


@pytest.mark.slow
@needs_fashion
def test_real_fashion_mnist_first_examples(fashion):
    train, test = fashion
    # The first training image is an ankle boot, the first test image too.
    assert train.y[0] == 9 and test.y[0] == 9
    assert train.classes[train.y[0]] == "Ankle boot"
    assert round(float(train.X.mean()), 4) == 0.2860


def test_fashion_mnist_not_installed_says_how_to_get_it(tmp_path, monkeypatch):
    import chainrule.data.mnist as mnist

    monkeypatch.delenv("CHAINRULE_DATA_DIR", raising=False)
    monkeypatch.setattr(mnist, "FASHION_MNIST_DIR", tmp_path / "absent")
    with pytest.raises(DataError) as info:
        load_dataset("fashion-mnist")
    message = str(info.value)
    assert f"data directory {tmp_path / 'absent'} (the default location) does not exist" in message
    assert "apt install dataset-fashion-mnist" in message and "--data-dir DIR" in message
