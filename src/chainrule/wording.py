"""How counts and costs read in what chainrule prints: one place for each rule, so that
``train`` and ``eval`` (and every other command) say the same thing the same way."""

from __future__ import annotations

import math


def plural(n: int, word: str, many: str | None = None, *, grouped: bool = False) -> str:
    """``1 epoch``, ``2 epochs``, ``0 epochs``; ``many`` for an irregular plural
    (``plural(3, "index", "indices")``); ``grouped`` writes thousands apart (``1,024 paths``)."""
    count = f"{n:,}" if grouped else f"{n}"
    return f"{count} {word}" if n == 1 else f"{count} {many or word + 's'}"


def format_loss(value: float) -> str:
    """A cost as every command prints it: six decimals (``0.082861``), or five significant
    digits in scientific notation below 10⁻⁴ (where six decimals would hide it) and from 10⁶ on
    (``3.2170e-09``, ``1.2346e+06``); ``nan``, ``inf`` as they are; −0 prints as 0."""
    value = float(value) + 0.0  # -0.0 + 0.0 is 0.0
    if not math.isfinite(value):
        return str(value)
    if value == 0 or 1e-4 <= abs(value) < 1e6:
        return f"{value:.6f}"
    return f"{value:.4e}"
