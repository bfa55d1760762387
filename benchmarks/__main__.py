"""``python -m benchmarks``: :mod:`chainrule.bench` from the checkout, writing
docs/performance.md after a full run (a ``--quick`` run only prints).

It runs the ``chainrule`` that Python imports: the checkout's own when it is installed editable
(``pip install -e ".[bench]"``, as the README's set-up does).
"""

import argparse
import sys
from pathlib import Path

from chainrule.bench.run import add_arguments, main

ROOT = Path(__file__).resolve().parent.parent

parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
add_arguments(parser)
args = parser.parse_args()
if args.out is None and not args.quick:
    args.out = str(ROOT / "docs" / "performance.md")
sys.exit(main(args))
