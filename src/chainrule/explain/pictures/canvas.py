"""Two drawing surfaces with one interface: SVG text (for pages and notebooks) and a Pillow
image (for animated GIFs). A picture is drawn once, against either.

Coordinates are pixels from the top left; ``text`` is centred vertically on ``y`` and
anchored at ``x`` by ``anchor`` ("start", "middle", "end").
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from html import escape

from ...optional import require

#: The colours of every picture: weights by sign, δ, values.
POSITIVE = "#2166ac"  # w > 0
NEGATIVE = "#c0392b"  # w < 0
DELTA = "#e07b00"  # δ, the error flowing back
INK = "#1d2330"
MUTED = "#6b7385"
PAPER = "#ffffff"
VALUE = "#9ecae1"  # the fill of a unit at a = 1


def mix(color: str, other: str, t: float) -> str:
    """``color`` moved a fraction ``t`` (0…1) of the way to ``other``."""
    t = min(max(float(t), 0.0), 1.0)
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


_ids = itertools.count(1)


class SvgCanvas:
    """Collects SVG elements; ``svg()`` returns the document (an inline ``<svg>``).

    Each canvas names its arrowhead uniquely, so many pictures can share one page (a marker
    inside a hidden picture would not draw in the others)."""

    def __init__(self, width: float, height: float, label: str = "", cls: str = ""):
        self.width, self.height = width, height
        self.label, self.cls = label, cls
        self.parts: list[str] = []
        self.arrow_id = f"cr-arrow-{next(_ids)}"

    def _element(self, tag: str, attributes: str, title: str = "", cls: str = "") -> None:
        """``<tag class=… attributes>`` closed at once, or around its ``<title>`` tooltip."""
        c = f' class="{cls}"' if cls else ""
        end = f"><title>{escape(title)}</title></{tag}>" if title else "/>"
        self.parts.append(f"<{tag}{c} {attributes}{end}")

    def line(self, x1, y1, x2, y2, color=INK, width=1.0, opacity=1.0, title="", cls=""):
        self._element(
            "line",
            f'x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{color}" stroke-width="{width:.2f}" '
            f'stroke-opacity="{opacity:.2f}" stroke-linecap="round"',
            title,
            cls,
        )

    def circle(self, cx, cy, r, fill=PAPER, stroke=INK, stroke_width=1.0, title="", cls=""):
        self._element(
            "circle",
            f'cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{stroke_width:.2f}"',
            title,
            cls,
        )

    def rect(
        self, x, y, w, h, fill=PAPER, stroke=INK, stroke_width=1.0, radius=0.0, title="", cls=""
    ):
        self._element(
            "rect",
            f'x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
            f'rx="{_n(radius)}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{stroke_width:.2f}"',
            title,
            cls,
        )

    def polygon(self, points, fill=INK):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self._element("polygon", f'points="{pts}" fill="{fill}"')

    def text(self, x, y, s, size=12, color=INK, anchor="middle", bold=False, cls=""):
        c = f' class="{cls}"' if cls else ""
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(
            f'<text{c} x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{color}" '
            f'text-anchor="{anchor}" dominant-baseline="central"{weight}>'
            f"{escape(str(s))}</text>"
        )

    def path(self, d: str, color=INK, width=1.0, opacity=1.0, title="", arrow=False):
        """An SVG path (SVG pictures only); ``arrow`` ends it with an arrowhead."""
        marker = f' marker-end="url(#{self.arrow_id})"' if arrow else ""
        self._element(
            "path",
            f'd="{d}" fill="none" stroke="{color}" stroke-width="{width:.2f}" '
            f'stroke-opacity="{opacity:.2f}"{marker}',
            title,
        )

    def svg(self) -> str:
        label = f' aria-label="{escape(self.label)}"' if self.label else ""
        cls = f' class="{self.cls}"' if self.cls else ""
        defs = (
            f'<defs><marker id="{self.arrow_id}" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
            'orient="auto-start-reverse">'
            f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{MUTED}"/></marker></defs>'
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg"{cls} role="img"{label} '
            f'width="{_n(self.width)}" height="{_n(self.height)}" '
            f'viewBox="0 0 {_n(self.width)} {_n(self.height)}" '
            f'font-family="DejaVu Sans, Verdana, sans-serif">{defs}'
            f'<rect width="100%" height="100%" fill="{PAPER}"/>' + "".join(self.parts) + "</svg>"
        )


@lru_cache(maxsize=32)
def _font(size: int, bold: bool):
    """DejaVu Sans (shipped with matplotlib: it has δ, σ, ∂, ⊙), else Pillow's own font."""
    ImageFont = require("PIL.ImageFont", "drawing a GIF")

    try:
        from matplotlib import font_manager

        path = font_manager.findfont(
            font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"),
            fallback_to_default=True,
        )
        return ImageFont.truetype(path, size)
    except (ImportError, OSError, ValueError):
        try:
            return ImageFont.load_default(size=size)
        except TypeError:  # Pillow < 10.1
            return ImageFont.load_default()


class PilCanvas:
    """The same drawing calls onto a Pillow image, drawn at ``scale`` × and reduced for
    smooth edges; ``image()`` returns the RGB image."""

    ANCHORS = {"start": "lm", "middle": "mm", "end": "rm"}

    def __init__(self, width: float, height: float, scale: int = 2):
        Image = require("PIL.Image", "drawing a GIF")
        ImageDraw = require("PIL.ImageDraw", "drawing a GIF")
        self.width, self.height, self.s = width, height, scale
        self._image = Image.new("RGB", (round(width * scale), round(height * scale)), PAPER)
        self.draw = ImageDraw.Draw(self._image)

    def _p(self, *values):
        return [v * self.s for v in values]

    def line(self, x1, y1, x2, y2, color=INK, width=1.0, opacity=1.0, title="", cls=""):
        self.draw.line(
            self._p(x1, y1, x2, y2),
            fill=mix(PAPER, color, opacity),
            width=max(1, round(width * self.s)),
        )

    def circle(self, cx, cy, r, fill=PAPER, stroke=INK, stroke_width=1.0, title="", cls=""):
        self.draw.ellipse(
            self._p(cx - r, cy - r, cx + r, cy + r),
            fill=None if fill == "none" else fill,
            outline=stroke,
            width=max(1, round(stroke_width * self.s)),
        )

    def rect(
        self, x, y, w, h, fill=PAPER, stroke=INK, stroke_width=1.0, radius=0.0, title="", cls=""
    ):
        self.draw.rounded_rectangle(
            self._p(x, y, x + w, y + h),
            radius=radius * self.s,
            fill=None if fill == "none" else fill,
            outline=stroke,
            width=max(1, round(stroke_width * self.s)),
        )

    def polygon(self, points, fill=INK):
        self.draw.polygon([(x * self.s, y * self.s) for x, y in points], fill=fill)

    def text(self, x, y, s, size=12, color=INK, anchor="middle", bold=False, cls=""):
        self.draw.text(
            (x * self.s, y * self.s),
            str(s),
            fill=color,
            font=_font(round(size * self.s), bold),
            anchor=self.ANCHORS[anchor],
        )

    def image(self):
        from PIL import Image

        return self._image.resize((round(self.width), round(self.height)), Image.LANCZOS)
