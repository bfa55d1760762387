"""Data: the sets a network learns from, and the plumbing between them and training."""

from .batches import Batches
from .dataset import Dataset
from .encode import one_hot
from .idx import DEFAULT_MAX_BYTES, IDX_TYPES, read_idx, write_idx
from .mnist import (
    DATA_DIR_ENV,
    DIGIT_CLASSES,
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_DIR,
    find_idx_file,
    load_mnist_format,
    resolve_data_dir,
)
from .scalers import MinMaxScaler, Standardizer
from .split import holdout_count, stratified_indices, stratified_sample, stratified_split

__all__ = [
    "Dataset", "read_idx", "write_idx", "IDX_TYPES", "DEFAULT_MAX_BYTES", "load_mnist_format",
    "resolve_data_dir", "find_idx_file", "FASHION_MNIST_CLASSES", "FASHION_MNIST_DIR",
    "DIGIT_CLASSES", "DATA_DIR_ENV", "Standardizer", "MinMaxScaler", "one_hot",
    "stratified_split", "stratified_indices", "stratified_sample", "holdout_count", "Batches",
]
