"""Where each unit of a network diagram goes: one column per layer (a₀ = x on the left, the
output on the right), units evenly spaced and centred; a column of more than ``max_units``
units shows its first and last ones with ⋮ between.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document.math_text import visible


@dataclass
class NetworkGeometry:
    width: float
    height: float
    xs: list[float]  # the x of each column
    units: list[list[int | None]]  # the units shown per column (None: the ⋮)
    ys: list[list[float]]  # their y
    radius: float
    top: float
    bottom: float  # the y where the diagram's body ends

    def position(self, column: int, unit: int) -> tuple[float, float] | None:
        """The centre of ``unit`` in ``column``, or None when it is not shown."""
        try:
            k = self.units[column].index(unit)
        except ValueError:
            return None
        return self.xs[column], self.ys[column][k]

    def shown(self, column: int):
        """(unit, x, y) of every drawn unit of ``column``."""
        return [
            (u, self.xs[column], y)
            for u, y in zip(self.units[column], self.ys[column], strict=True)
            if u is not None
        ]


def network_geometry(
    sizes: list[int],
    max_units: int = 10,
    column_gap: float = 170,
    unit_gap: float = 54,
    radius: float = 17,
    top: float = 62,
    below: float = 78,
    side: float = 78,
    extra_right: float = 0,
) -> NetworkGeometry:
    """Columns for a network of layer ``sizes`` (n₀, n₁, …, n_L)."""
    units = [visible(n, max_units) for n in sizes]
    tallest = max(len(u) for u in units)
    body = (tallest - 1) * unit_gap
    xs = [side + k * column_gap for k in range(len(sizes))]
    ys = []
    for column in units:
        span = (len(column) - 1) * unit_gap
        first = top + (body - span) / 2
        ys.append([first + k * unit_gap for k in range(len(column))])
    width = xs[-1] + side + extra_right
    return NetworkGeometry(width, top + body + below, xs, units, ys, radius, top, top + body)
