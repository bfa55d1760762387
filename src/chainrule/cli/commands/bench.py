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
    parser.add_argument("--quick", action="store_true",
                        help="a few small cases and rounds: a smoke test, rough numbers")
    parser.add_argument("--cases", nargs="+", metavar="CASE",
                        help="only these cases (book, nielsen, mnist-128, wide-256, wide-1024, "
                             "and the same ending in -relu)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="interleaved rounds per case (default 15)")
    parser.add_argument("--block", type=float, default=None,
                        help="seconds per timed block of steps (default 0.05)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument("--no-scalar", action="store_true",
                        help="skip the scalar engine (micrograd) runs")
    parser.add_argument("--no-fashion", action="store_true",
                        help="skip the Fashion-MNIST epochs")
    parser.add_argument("--fashion-dir", default=None,
                        help="directory of the Fashion-MNIST IDX files")
    parser.add_argument("--out", default=None,
                        help="report file (default: docs/performance.md; '-' prints it)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for every contender (default: as many as NumPy's BLAS "
                             "uses)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and weights")


def run(args) -> int:
    from ...errors import ConfigError

    module = _benchmarks()
    if module is None:
        raise ConfigError("the benchmark program is the 'benchmarks' package of chainrule's "
                          "source checkout; run this command from the checkout (or "
                          "'python -m benchmarks' there)")
    return module.main(args)
