"""``chainrule bench``: speed against the peers installed beside chainrule.

The benchmark program is the ``benchmarks`` package of the source checkout (``python -m
benchmarks`` is the same program); it times chainrule's training step against PyTorch eager, a
hand-written NumPy δ recursion, scikit-learn and micrograd, whichever are installed, and writes
``docs/performance.md``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

NAME = "bench"
HELP = "time training steps against the peers installed beside chainrule (PyTorch, NumPy, ...)"


def _benchmarks():
    """The ``benchmarks`` package: importable as it is, or found at the checkout's root."""
    try:
        return importlib.import_module("benchmarks.run")
    except ImportError:
        pass
    root = Path(__file__).resolve().parents[4]
    if (root / "benchmarks" / "run.py").exists():
        sys.path.insert(0, str(root))
        return importlib.import_module("benchmarks.run")
    return None


def add_arguments(parser) -> None:
    """The benchmark program's own options (one definition, in ``benchmarks/run.py``); outside
    a source checkout the command takes none and explains where the program is."""
    module = _benchmarks()
    if module is not None:
        module.add_arguments(parser)


def run(args) -> int:
    from ...errors import ConfigError

    module = _benchmarks()
    if module is None:
        raise ConfigError("the benchmark program is the 'benchmarks' package of chainrule's "
                          "source checkout; run this command from the checkout (or "
                          "'python -m benchmarks' there)")
    return module.main(args)
