"""``python -m benchmarks``: :mod:`chainrule.bench` from the checkout, writing
docs/performance.md after a full run (a ``--quick`` run only prints). The playground's section
of that file (written by ``python -m benchmarks.playground --write``) is kept.

It runs the ``chainrule`` that Python imports: the checkout's own when it is installed editable
(``pip install -e ".[bench]"``, as the README's set-up does).
"""

import argparse
import sys
from pathlib import Path

from benchmarks.playground import kept_section, write_section
from chainrule.bench.run import add_arguments, main

ROOT = Path(__file__).resolve().parent.parent

parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
add_arguments(parser)
args = parser.parse_args()
if args.out is None and not args.quick:
    args.out = str(ROOT / "docs" / "performance.md")
out = Path(args.out) if args.out not in (None, "-") else None
playground = kept_section(out.read_text(encoding="utf-8")) if out and out.exists() else None
status = main(args)
if playground and out.exists():
    write_section(playground, out)
sys.exit(status)
