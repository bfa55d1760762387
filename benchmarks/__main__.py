"""``python -m benchmarks``: :mod:`chainrule.bench` from the checkout, writing
docs/performance.md after a full run (a ``--quick`` run only prints)."""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from chainrule.bench.run import add_arguments, main  # noqa: E402

parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
add_arguments(parser)
args = parser.parse_args()
if args.out is None and not args.quick:
    args.out = str(ROOT / "docs" / "performance.md")
sys.exit(main(args))
