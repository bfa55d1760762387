"""``python -m benchmarks``: run the benchmark and write docs/performance.md."""

import argparse
import sys

from .run import add_arguments, main

parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
add_arguments(parser)
sys.exit(main(parser.parse_args()))
