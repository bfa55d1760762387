"""``load_dataset``: one name (or path) → validated (train, test) sets.

| name | what | split |
|---|---|---|
| ``digits`` | scikit-learn's 1797 8×8 digits | stratified, test_size 0.25 (450 test examples) |
| ``fashion-mnist``, ``mnist`` | 28×28 images from four IDX files | the official 60 000 / 10 000 |
| ``xor``, ``circles``, ``moons``, ``spirals``, ``gauss`` | generated in NumPy | stratified, 0.25 |
| ``book`` | the book's four examples | train and test are the same four |
| a ``.csv`` file | features + a target column: classes, or a regression target | stratified, 0.25 |
| a directory | MNIST-format IDX files | the official split |
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from .csv_file import read_csv
from .dataset import Dataset
from .digits import load_digits
from .mnist import load_mnist_format, resolve_data_dir
from .split import stratified_sample, stratified_split
from .target import TASKS
from .toy import TOY_SETS, make_book

DATASETS = (
    "digits",
    "fashion-mnist",
    "mnist",
    "xor",
    "book",
    "circles",
    "moons",
    "spirals",
    "gauss",
)
DATASET_DESCRIPTIONS = {
    "digits": "scikit-learn's 8×8 handwritten digits (1797, 10 classes)",
    "fashion-mnist": "Zalando's 28×28 clothing images (60000 + 10000, 10 classes)",
    "mnist": "28×28 handwritten digits from IDX files (60000 + 10000, 10 classes)",
    "xor": "noisy points around the unit square's corners, label = XOR",
    "book": "the book's four examples [[0,0,1],[0,1,1],[1,0,1],[1,1,1]] → [0,1,1,0]",
    "circles": "two concentric circles",
    "moons": "two interleaving half circles",
    "spirals": "interleaved spiral arms, one class per arm (3 by default)",
    "gauss": "Gaussian blobs, one class per blob (3 by default)",
}
#: the fraction held out for testing when a set has no official split
DEFAULT_TEST_SIZE = 0.25
_ALIASES = {
    "fashion": "fashion-mnist",
    "fashion_mnist": "fashion-mnist",
    "fashionmnist": "fashion-mnist",
    "spiral": "spirals",
    "blobs": "gauss",
}


def load_dataset(
    name,
    *,
    data_dir=None,
    seed=0,
    n_samples=None,
    noise=None,
    test_size=None,
    label_column=None,
    n_classes=None,
    task=None,
) -> tuple[Dataset, Dataset]:
    """Load the set ``name`` as (train, test), both validated.

    ``name``: one of :data:`DATASETS`, a path to a CSV file, or a directory of MNIST-format
    IDX files. ``seed`` fixes generation and splitting. ``n_samples``: for generated sets the
    total generated; for digits and CSV files a stratified sample taken before splitting; for
    MNIST-format sets a stratified sample of the training set (the official test set is kept
    whole). ``noise``: generated sets only. ``test_size``: fraction (or count) held out, default
    0.25, for sets without an official split. ``label_column``: CSV only. ``n_classes``: arms of
    ``spirals`` or blobs of ``gauss``. ``data_dir``: MNIST-format sets (see
    :func:`resolve_data_dir`). ``task``: ``None`` (CSV: decided by the target column, see
    :mod:`chainrule.data.target`), "classification", or "regression" (CSV only: every other
    set holds class labels). An option that does not apply to the set is a
    :class:`ConfigError`; an unknown name is a :class:`ConfigError` listing the choices.
    """
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if task is not None and task not in TASKS:
        raise ConfigError(f"--task {task}: unknown; choose one of {', '.join(TASKS)}")
    path = Path(str(name))
    is_csv = (
        key not in (*TOY_SETS, "book", "digits", "fashion-mnist", "mnist")
        and not path.is_dir()
        and (path.is_file() or path.suffix.lower() in (".csv", ".tsv"))
    )
    if task == "regression" and not is_csv:
        raise ConfigError(
            f"{name}: --task regression does not apply: its targets are class "
            f"labels (regression needs a CSV file with a numeric target column)"
        )
    given = {
        "n_samples": n_samples,
        "noise": noise,
        "test_size": test_size,
        "label_column": label_column,
        "n_classes": n_classes,
        "data_dir": data_dir,
    }
    if key in TOY_SETS:
        _refuse(key, given, "label_column", "data_dir")
        make, default_n, default_noise, classes_keyword = TOY_SETS[key]
        options = {
            "n_samples": default_n if n_samples is None else n_samples,
            "noise": default_noise if noise is None else noise,
            "seed": seed,
        }
        if n_classes is not None:
            if classes_keyword is None:
                raise ConfigError(
                    f"{key}: n_classes does not apply (it has 2 classes); it "
                    f"sets the arms of spirals and the blobs of gauss"
                )
            options[classes_keyword] = n_classes
        full = make(**options)
        return _split(full, test_size, seed)
    if key == "book":
        _refuse(
            key,
            given,
            "n_samples",
            "noise",
            "test_size",
            "label_column",
            "n_classes",
            "data_dir",
            why="the book's set is its four examples, used for train and test",
        )
        book = make_book().validate()
        return book, make_book().validate()
    if key == "digits":
        _refuse(key, given, "noise", "label_column", "n_classes", "data_dir")
        return _split(_sample(load_digits(), n_samples, seed), test_size, seed)
    if key in ("fashion-mnist", "mnist"):
        _refuse(
            key,
            given,
            "noise",
            "test_size",
            "label_column",
            "n_classes",
            why="it has an official train/test split",
        )
        directory = resolve_data_dir(key, data_dir)
        return _official(load_mnist_format(directory, name=key), n_samples, seed)
    if path.is_dir():
        _refuse(
            str(name),
            given,
            "noise",
            "test_size",
            "label_column",
            "n_classes",
            "data_dir",
            why="a directory of IDX files has an official train/test split",
        )
        return _official(load_mnist_format(path, name=path.resolve().name), n_samples, seed)
    if path.is_file() or path.suffix.lower() in (".csv", ".tsv"):
        _refuse(str(name), given, "noise", "n_classes", "data_dir")
        data = read_csv(
            path, label_column=-1 if label_column is None else label_column, task=task or "auto"
        )
        return _split(_sample(data, n_samples, seed), test_size, seed)
    raise ConfigError(
        f"unknown data set {str(name)!r}: choose one of {', '.join(DATASETS)}, "
        f"or give the path of a .csv file or of a directory of IDX files"
    )


#: the command-line flags of load_dataset's options, named beside them in errors
_FLAGS = {"label_column": "--label-column", "data_dir": "--data-dir"}


def _refuse(name: str, given: dict, *options: str, why: str = "") -> None:
    for option in options:
        if given[option] is not None:
            reason = f" ({why})" if why else ""
            flag = _FLAGS.get(option)
            shown = f"{option} ({flag})" if flag else option
            raise ConfigError(f"{name}: the option {shown} does not apply to this data set{reason}")


def _sample(data: Dataset, n_samples, seed) -> Dataset:
    return data if n_samples is None else stratified_sample(data, n_samples, seed)


def _split(data: Dataset, test_size, seed) -> tuple[Dataset, Dataset]:
    data.validate()
    train, test = stratified_split(
        data, DEFAULT_TEST_SIZE if test_size is None else test_size, seed
    )
    return train.validate(), test.validate()


def _official(parts: tuple[Dataset, Dataset], n_samples, seed) -> tuple[Dataset, Dataset]:
    train, test = parts
    return _sample(train, n_samples, seed).validate(), test.validate()
