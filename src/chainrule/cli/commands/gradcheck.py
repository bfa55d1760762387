"""``chainrule gradcheck``: a network's gradients against central finite differences."""

from __future__ import annotations

import numpy as np

from ..checks import (
    HIDDEN_ACTIVATIONS,
    hidden_activation,
    natural,
    nonnegative_float,
    positive_float,
    positive_int,
)

NAME = "gradcheck"
HELP = "check backprop's gradients against central finite differences, per parameter"
#: Entries of one parameter checked at most (then a seeded random sample of them).
MAX_ENTRIES = 1000


def add_arguments(parser) -> None:
    parser.add_argument("--layers", default="3,4,1", help="layer sizes, e.g. 3,4,1")
    parser.add_argument(
        "--activation",
        default="sigmoid",
        type=hidden_activation,
        help=f"hidden activation: {HIDDEN_ACTIVATIONS} (default sigmoid)",
    )
    parser.add_argument(
        "--cost",
        default="mse",
        choices=("mse", "bce", "ce"),
        help="cost: mse (½Σ(a−y)²), bce, ce (softmax cross-entropy)",
    )
    parser.add_argument(
        "--batch", type=positive_int, default=4, help="examples in the random batch"
    )
    parser.add_argument("--no-bias", action="store_true", help="layers without biases")
    parser.add_argument("--seed", type=natural, default=0, help="seed of weights and data")
    parser.add_argument("--eps", type=positive_float, default=1e-6, help="finite-difference step")
    parser.add_argument("--atol", type=nonnegative_float, default=1e-5, help="absolute tolerance")
    parser.add_argument("--rtol", type=nonnegative_float, default=1e-3, help="relative tolerance")
    parser.add_argument(
        "--max-entries",
        type=positive_int,
        default=MAX_ENTRIES,
        help="check every entry of a parameter up to this many, then a seeded "
        "random sample of this many (two forward passes per entry)",
    )


def random_problem(sizes, cost: str, batch: int, rng):
    """A batch of inputs and targets that fits ``sizes`` and ``cost``."""
    from ...errors import ConfigError

    if batch < 1:
        raise ConfigError(f"--batch must be at least 1, got {batch}")
    X = rng.standard_normal((batch, sizes[0]))
    if cost == "ce":
        Y = rng.integers(0, sizes[-1], batch)
    else:
        Y = rng.random((batch, sizes[-1]))
    return X, Y


def run(args) -> int:
    from ...autodiff.gradcheck import gradcheck
    from ...costs import cost_by_name
    from ...memory import gradcheck_bytes, require
    from ...nn import mlp, output_for, parse_sizes

    sizes = parse_sizes(args.layers)
    require(
        gradcheck_bytes(sizes, args.batch, not args.no_bias),
        f"gradcheck --layers {args.layers} --batch {args.batch}",
        "choose smaller layers or a smaller --batch",
    )
    rng = np.random.default_rng(args.seed)
    net = mlp(
        sizes,
        args.activation,
        output_for(args.cost, args.activation),
        bias=not args.no_bias,
        dtype="float64",
        rng=rng,
    )
    cost = cost_by_name(args.cost)
    X, Y = random_problem(sizes, args.cost, args.batch, rng)
    params = []
    for name, p in net.named_parameters():
        p.name = name
        params.append(p)
    print(
        f"network {net.describe()}, activation {args.activation}, cost {cost!r}, batch {args.batch}"
    )
    report = gradcheck(
        lambda *_: cost(net(X), Y),
        *params,
        eps=args.eps,
        atol=args.atol,
        rtol=args.rtol,
        raise_on_failure=False,
        max_entries=args.max_entries,
        seed=args.seed,
    )
    print(report)
    if not report.passed:
        from ...errors import GradcheckError

        raise GradcheckError("gradients disagree with finite differences (see the table above)")
    print("all gradients agree with finite differences")
    return 0
