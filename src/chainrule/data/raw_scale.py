"""What a loader does to the raw features before anything else sees them, saved with a run so
that ``predict``, ``eval``, ``explain --checkpoint`` and :class:`~chainrule.train.model.
TrainedModel` redo it: the same raw features always give the same answer.

Raw features are the values the source holds: digits pixels 0 … 16, IDX (MNIST) pixels
0 … 255, a CSV file's numbers as written. The built-in image loaders divide them into [0, 1]
(``x / 16``, ``x / 255``) before the run's fitted scaler; a CSV file is taken as it is (no
raw scale). In a checkpoint the raw scale is ``info["dataset"]["raw_scale"]``, JSON:
``{"divide_by": 16.0, "source": "digits pixels 0 … 16"}``, or ``null`` for none.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from ..errors import CheckpointError


@dataclass(frozen=True)
class RawScale:
    """Loaded features = raw features / ``divide_by`` (float32); ``source`` says what the raw
    values are."""

    divide_by: float
    source: str = ""

    def apply(self, X) -> np.ndarray:
        """Raw features → what the loader gives (the one place the division happens)."""
        return np.divide(np.asarray(X), np.float32(self.divide_by), dtype=np.float32)

    def undo(self, X) -> np.ndarray:
        """What the loader gives → the raw features (the inverse of :meth:`apply`)."""
        return np.asarray(X) * np.float32(self.divide_by)

    def to_dict(self) -> dict:
        return {"divide_by": float(self.divide_by), "source": self.source}

    def describe(self) -> str:
        what = f"{self.source}, " if self.source else ""
        return f"{what}divided by {self.divide_by:g}"

    @classmethod
    def from_dict(cls, saved, where: str = "the checkpoint") -> RawScale | None:
        """The raw scale saved as :meth:`to_dict` (``None`` for none); a malformed record is a
        :class:`CheckpointError` naming ``where``."""
        if saved is None:
            return None
        divisor = saved.get("divide_by") if isinstance(saved, dict) else None
        source = saved.get("source", "") if isinstance(saved, dict) else ""
        if (
            isinstance(divisor, bool)
            or not isinstance(divisor, numbers.Real)
            or not math.isfinite(divisor)
            or divisor <= 0
            or not isinstance(source, str)
        ):
            raise CheckpointError(
                f"{where}: the saved raw scale {saved!r:.80} is malformed "
                f'(expected {{"divide_by": a positive number, "source": '
                f"text}} or null)"
            )
        return cls(float(divisor), source)


DIGITS_RAW_SCALE = RawScale(16.0, "digits pixels 0 … 16")
IDX_PIXELS_RAW_SCALE = RawScale(255.0, "ubyte pixels 0 … 255")


def legacy_raw_scale(data_name, feature_shape) -> RawScale | None:
    """The raw scale of a checkpoint written before runs saved theirs: what the loader of its
    data then did, known from the data's name and shape. ``digits`` was divided by 16; other
    image sets (two-dimensional examples: MNIST-format IDX files) by 255; CSV files and the
    generated sets not at all."""
    if str(data_name).strip().lower() == "digits":
        return DIGITS_RAW_SCALE
    if isinstance(feature_shape, (list, tuple)) and len(feature_shape) == 2:
        return IDX_PIXELS_RAW_SCALE
    return None
