"""Data: the sets a network learns from, and the plumbing between them and training.

``load_dataset(name)`` returns validated (train, test) :class:`Dataset` pairs — examples as rows
of a float32 ``X`` and int64 class labels ``y`` — for scikit-learn's digits, MNIST-format IDX
files (Fashion-MNIST from Debian's ``dataset-fashion-mnist``), CSV files and small generated
sets. Around them: feature scalers whose state is saved in checkpoints, one-hot targets,
stratified splits and seeded mini-batches.
"""

from .batches import Batches
from .csv_file import read_csv, read_csv_features
from .dataset import Dataset
from .digits import load_digits
from .encode import one_hot
from .idx import DEFAULT_MAX_BYTES, IDX_TYPES, read_idx, write_idx
from .load import DATASET_DESCRIPTIONS, DATASETS, DEFAULT_TEST_SIZE, load_dataset
from .mnist import (
    DATA_DIR_ENV,
    DIGIT_CLASSES,
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_DIR,
    find_idx_file,
    image_features,
    load_mnist_format,
    raw_image_features,
    resolve_data_dir,
)
from .raw_scale import RawScale, legacy_raw_scale
from .scalers import MinMaxScaler, Standardizer
from .split import holdout_count, stratified_indices, stratified_sample, stratified_split
from .toy import make_book, make_circles, make_gauss, make_moons, make_spirals, make_xor

__all__ = [
    "Dataset",
    "load_dataset",
    "DATASETS",
    "DATASET_DESCRIPTIONS",
    "DEFAULT_TEST_SIZE",
    "read_idx",
    "write_idx",
    "IDX_TYPES",
    "DEFAULT_MAX_BYTES",
    "load_mnist_format",
    "resolve_data_dir",
    "find_idx_file",
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_DIR",
    "DIGIT_CLASSES",
    "DATA_DIR_ENV",
    "read_csv",
    "read_csv_features",
    "image_features",
    "raw_image_features",
    "RawScale",
    "legacy_raw_scale",
    "load_digits",
    "Standardizer",
    "MinMaxScaler",
    "one_hot",
    "stratified_split",
    "stratified_indices",
    "stratified_sample",
    "holdout_count",
    "Batches",
    "make_book",
    "make_xor",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_gauss",
]
