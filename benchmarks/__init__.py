"""chainrule's benchmark: one training step of MLPs, timed against the peers installed beside
it (PyTorch eager, a hand-written NumPy δ recursion, scikit-learn's MLPClassifier, micrograd
for the scalar engine), in one run; writes ``docs/performance.md``.

``python -m benchmarks [--quick] [--cases ...] [--out FILE]``, or ``chainrule bench``.
"""

from .run import add_arguments, main, run

__all__ = ["add_arguments", "main", "run"]
