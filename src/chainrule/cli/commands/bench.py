"""``chainrule bench``: speed against the peers installed beside chainrule.

The program is :mod:`chainrule.bench` (the checkout's ``python -m benchmarks`` is the same
program, writing ``docs/performance.md``); it times chainrule's training step against PyTorch
eager, a hand-written NumPy δ recursion, scikit-learn and micrograd, whichever are installed
(``pip install "chainrule[bench]"`` brings them), and prints the report or writes it to
``--out FILE``.
"""

from __future__ import annotations

NAME = "bench"
HELP = "time training steps against the peers installed beside chainrule (PyTorch, NumPy, ...)"


def add_arguments(parser) -> None:
    """The benchmark program's own options (one definition, in :mod:`chainrule.bench.run`)."""
    from ...bench.run import add_arguments as bench_arguments

    bench_arguments(parser)


def run(args) -> int:
    from ...bench.run import main
    from ...errors import ConfigError
    from ..checks import check_output_file

    if args.out != "-":
        check_output_file(args.out, "--out")
    for flag, value in (("--rounds", args.rounds), ("--threads", args.threads)):
        if value is not None and value < 1:
            raise ConfigError(f"{flag} must be a whole number ≥ 1, got {value}")
    if args.block is not None and not args.block > 0:
        raise ConfigError(f"--block must be > 0 seconds, got {args.block}")
    if args.cases:
        from ...bench.cases import cases_named

        try:
            cases_named(args.cases)
        except ValueError as exc:
            raise ConfigError(f"--cases: {exc}") from None
    return main(args)
