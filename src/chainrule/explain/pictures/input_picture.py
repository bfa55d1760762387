"""The example a trained network is explained on, as people look at it: an image data set's
example as its image (Unicode shading in a terminal, a grid of grey squares in HTML), with the
class the network predicts, its probability, and the true label when it is known.

The network itself reads the flattened, standardised numbers; this picture shows the input
before that scaling, so a digit looks like a digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..document.model import Figure, Note, Section, Table

#: Terminal shades, light to dark; each pixel is two characters wide (cells are tall).
SHADES = " ░▒▓█"
#: The largest image drawn (pixels a side); larger ones are not drawn.
MAX_SIDE = 64


@dataclass
class InputPicture:
    """One example's input as an image, and what the network makes of it."""

    pixels: np.ndarray  # (rows, columns), as loaded (before the network's scaling)
    probabilities: np.ndarray  # one per class
    classes: list[str]
    label: int | None = None  # the true class, when known

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probabilities))

    def ink(self) -> np.ndarray:
        """Each pixel's darkness in [0, 1]: the image's own range, low values light."""
        low, high = float(np.min(self.pixels)), float(np.max(self.pixels))
        return (self.pixels - low) / (high - low) if high > low else np.zeros_like(self.pixels)

    def text(self) -> str:
        """The image in Unicode shading, framed; two characters a pixel."""
        levels = np.minimum((self.ink() * len(SHADES)).astype(int), len(SHADES) - 1)
        width = 2 * self.pixels.shape[1]
        rows = ["│" + "".join(2 * SHADES[v] for v in row) + "│" for row in levels]
        return "\n".join(["┌" + "─" * width + "┐", *rows, "└" + "─" * width + "┘"])

    def svg(self, side: float = 224) -> str:
        """The image as a grid of grey squares (dark = high), ``side`` px wide."""
        rows, cols = self.pixels.shape
        cell = side / max(rows, cols)
        squares = []
        for r, row in enumerate(self.ink()):
            for c, value in enumerate(row):
                grey = round(255 * (1 - float(value)))
                squares.append(
                    f'<rect x="{c * cell:.2f}" y="{r * cell:.2f}" '
                    f'width="{cell + 0.05:.2f}" height="{cell + 0.05:.2f}" '
                    f'fill="rgb({grey},{grey},{grey})"/>'
                )
        w, h = cols * cell, rows * cell
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="input-image" role="img" '
            f'aria-label="the input image, {rows}×{cols} pixels" width="{w:.0f}" '
            f'height="{h:.0f}" viewBox="0 0 {w:.2f} {h:.2f}" shape-rendering="crispEdges">'
            + "".join(squares)
            + f'<rect x="0.5" y="0.5" width="{w - 1:.2f}" height="{h - 1:.2f}" fill="none" '
            'stroke="#8a94a8"/></svg>'
        )

    def verdict(self) -> str:
        """ "predicted: 3 (97.1%); true label: 3 — right"."""
        k = self.predicted
        text = f"predicted: {self.classes[k]} ({self.probabilities[k]:.1%})"
        if self.label is not None:
            right = "right" if self.label == k else "wrong"
            text += f"; true label: {self.classes[self.label]} — {right}"
        return text

    def section(self) -> Section:
        rows, cols = self.pixels.shape
        section = Section("The example: the image and what the network predicts", key="input")
        section.add(
            Figure(
                f"the input, {rows}×{cols} pixels as loaded (the network reads "
                f"them flattened and standardised: the {rows * cols} numbers of x)",
                svg=self.svg(),
                text=self.text(),
            )
        )
        kind = "info" if self.label is None else ("ok" if self.label == self.predicted else "fail")
        section.add(Note(self.verdict(), kind))
        top = np.argsort(-self.probabilities, kind="stable")[:3]
        section.add(
            Table(
                ["class", "probability"],
                [[self.classes[k], f"{self.probabilities[k]:.1%}"] for k in top],
                [False, True],
            )
        )
        return section


def input_picture(model, raw: np.ndarray, shape, label=None) -> InputPicture | None:
    """The picture of one raw example (``raw``: its features before the network's scaling)
    for a trained ``model``, or None when there is nothing to picture: a data set that is
    not images (``shape`` not two-dimensional), or a model without classes."""
    raw = np.asarray(raw, dtype=np.float64).ravel()
    if (
        shape is None
        or len(shape) != 2
        or int(np.prod(shape)) != raw.size
        or max(shape) > MAX_SIDE
        or not model.classes
    ):
        return None
    probabilities = np.asarray(model.predict_proba(raw[np.newaxis, :]), dtype=np.float64)[0]
    if probabilities.size != len(model.classes):
        return None
    true = None
    if label is not None and np.ndim(label) == 0 and 0 <= int(label) < len(model.classes):
        true = int(label)
    return InputPicture(raw.reshape(shape), probabilities, list(model.classes), true)


def image_shape(data: str, n_features: int) -> tuple[int, int] | None:
    """The image shape of features given by hand (--input) for a network trained on an image
    set: a square of the built-in image sets' sizes; None otherwise."""
    side = int(round(n_features**0.5))
    known = str(data).lower() in ("digits", "fashion-mnist", "mnist")
    return (side, side) if known and side * side == n_features else None
