"""Saving and loading: atomic files, a pickle-free array archive, and training checkpoints."""

from .archive import load_archive, save_archive
from .atomic import atomic_write, atomic_write_bytes, atomic_write_text
from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint

__all__ = [
    "Checkpoint",
    "save_checkpoint",
    "load_checkpoint",
    "save_archive",
    "load_archive",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
]
