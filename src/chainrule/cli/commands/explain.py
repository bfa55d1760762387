"""``chainrule explain``: the backward pass of one example, layer by layer, with its numbers.

By default the book's 3-4-1 network on the first example of its data set; or a network given
by ``--layers/--activation/--cost`` (weights drawn with ``--seed``) on ``--input``/``--target``.
Views: the book's Step 1, 2, 3 (``steps``), one weight's paths (``scalar``), the Jacobians,
the dynamic-programming measurements (``dp``), the book's chapter-3 chain, and the pictures
(``graph``, ``network``, ``animation``, ``path``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..checks import HIDDEN_ACTIVATIONS, hidden_activation, natural, positive_float, positive_int

NAME = "explain"
HELP = "show the backward pass of one example, layer by layer, with every number"
VIEWS = (
    "all",
    "steps",
    "scalar",
    "jacobian",
    "dp",
    "chain",
    "graph",
    "network",
    "animation",
    "path",
)
FORMATS = ("text", "markdown", "json", "html")
PICTURES = {
    "graph": (".svg", ".dot", ".html"),
    "network": (".svg", ".html"),
    "animation": (".gif", ".html"),
    "path": (".gif", ".html"),
}
#: The options that describe a fresh network (``--layers``), with their defaults: the book's
#: example and a checkpoint bring their own network, so a value other than these is refused
#: there rather than silently ignored.
NETWORK_DEFAULTS = {
    "layers": None,
    "activation": "sigmoid",
    "output": None,
    "cost": "mse",
    "no_bias": False,
    "init": "xavier",
    "seed": 0,
}


def add_arguments(parser) -> None:
    net = parser.add_argument_group(
        "the network and the example (default: the book's 3-4-1 "
        "network on the first example of its data set)"
    )
    net.add_argument(
        "--layers", help="layer sizes of a fresh network, e.g. 3,4,1 (default: the book's 3,4,1)"
    )
    net.add_argument(
        "--checkpoint",
        help="explain a trained network (a checkpoint.npz or its "
        "run directory) on --example of its test set "
        "(default: none; a fresh network)",
    )
    net.add_argument(
        "--activation",
        default=NETWORK_DEFAULTS["activation"],
        type=hidden_activation,
        help=f"hidden activation: {HIDDEN_ACTIVATIONS} (default sigmoid)",
    )
    net.add_argument("--output", help="output activation (default: as the cost needs)")
    net.add_argument(
        "--cost",
        default=NETWORK_DEFAULTS["cost"],
        choices=("mse", "bce", "ce"),
        help="mse (½Σ(a−y)², the book's), bce, ce (softmax cross-entropy)",
    )
    net.add_argument("--no-bias", action="store_true", help="layers without biases")
    net.add_argument(
        "--init", default=NETWORK_DEFAULTS["init"], help="weight initialisation (default xavier)"
    )
    net.add_argument(
        "--seed",
        type=natural,
        default=NETWORK_DEFAULTS["seed"],
        help="seed of the weights and the example",
    )
    net.add_argument("--input", help="the example x, e.g. 0,0,1 (default: drawn with --seed)")
    net.add_argument(
        "--target",
        help="the target y, e.g. 0 (a class index for --cost ce) "
        "(default: the example's own, or drawn with --seed)",
    )
    net.add_argument(
        "--example",
        type=natural,
        default=0,
        help="which example, counted from 0: of the book's data set (0-3), or of "
        "the test set of --checkpoint (default 0)",
    )
    show = parser.add_argument_group("what to show")
    show.add_argument(
        "--view",
        choices=VIEWS,
        help="steps: the book's Step 1, 2, 3 (default; html: all); scalar: one "
        "weight's paths; jacobian; dp: backprop against the naive ways; "
        "chain: the book's chapter-3 chain; graph, network, animation, path: "
        "pictures (SVG/DOT, SVG, GIF or HTML by --out's suffix)",
    )
    show.add_argument(
        "--weight",
        help="the weight for scalar/path views: W1[1,2] (the book's "
        "layer number, from 1; row and column from 0) or "
        "0.W[1,2] (the engine's parameter name); chain: w1, b1, "
        "w2, b2 or x (default: the first layer's weight with "
        "the largest gradient; path: the last layer's [0,0])",
    )
    show.add_argument(
        "--level",
        default="auto",
        choices=("auto", "scalar", "layer"),
        help="graph level: one node per number or per tensor (default auto)",
    )
    show.add_argument(
        "--format",
        default="text",
        choices=FORMATS,
        help="text (80 columns), markdown, json, html (a self-contained page)",
    )
    show.add_argument(
        "--out",
        help="write to FILE instead of the terminal (a file that exists "
        "is replaced) (default: the terminal)",
    )
    show.add_argument("--width", type=positive_int, default=80, help="text width (default 80)")
    show.add_argument("--precision", type=positive_int, default=4, help="digits shown (default 4)")
    show.add_argument(
        "--lr", type=positive_float, default=1.0, help="η of the update shown (default 1)"
    )
    dp = parser.add_argument_group("the dynamic-programming measurements (--view dp)")
    dp.add_argument("--depths", default="1,2,4,8,16,32", help="depths at --dp-width")
    dp.add_argument("--widths", default="2,4,8,16,32", help="widths at --dp-depth")
    dp.add_argument("--dp-width", type=positive_int, default=8, help="width of the depth sweep")
    dp.add_argument("--dp-depth", type=positive_int, default=4, help="depth of the width sweep")
    dp.add_argument(
        "--plot",
        help="also save the plot (PNG, SVG or PDF by suffix; a file that "
        "exists is replaced) (default: none; the table only)",
    )


def _refuse_network_options(args, whose: str, keep: tuple[str, ...] = ()) -> None:
    """A ConfigError for the first option of a fresh network given where ``whose`` network is
    used instead (ignored, ``explain --activation tanh`` would show the sigmoid network)."""
    from ...errors import ConfigError

    for name, default in NETWORK_DEFAULTS.items():
        value = getattr(args, name)
        if name in keep or value == default:
            continue
        flag = "--" + name.replace("_", "-")
        given = flag if isinstance(value, bool) else f"{flag} {value}"
        fix = (
            "leave it out"
            if args.checkpoint is not None
            else "give --layers for a fresh network, e.g. --layers 3,4,1 " + given
        )
        raise ConfigError(f"{given}: {whose}, so the option would be ignored; {fix}")


def example_from(args):
    """The network and example the options describe (the book's by default)."""
    from ...explain.show.problem import (
        BOOK_NETWORK_OWN,
        book_example,
        checkpoint_example,
        network_example,
    )

    if args.checkpoint is not None:
        _refuse_network_options(args, "--checkpoint brings its own network")
        return checkpoint_example(args.checkpoint, args.example, args.input, args.target)
    if args.layers is None:
        # the book's network has no biases: --no-bias asks for what it already is
        _refuse_network_options(args, BOOK_NETWORK_OWN, keep=("no_bias",))
        example = book_example(args.example)
        if args.input is not None or args.target is not None:
            from ...explain.show.problem import parse_numbers

            example.x = example.x if args.input is None else parse_numbers(args.input, "--input")
            example.y = example.y if args.target is None else parse_numbers(args.target, "--target")
        return example
    return network_example(
        args.layers,
        args.activation,
        args.cost,
        args.input,
        args.target,
        args.seed,
        not args.no_bias,
        args.init,
        args.output,
    )


def _ints(text: str, what: str, limit: int) -> list[int]:
    from ...errors import ConfigError

    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ConfigError(
            f"{what}: write whole numbers separated by commas, got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise ConfigError(f"{what}: need positive sizes, got {text!r}")
    _at_most(max(values), limit, what)
    return values


def _at_most(value: int, limit: int, what: str) -> None:
    """The dp view times naive methods whose work grows as depth² · width³: a bound."""
    from ...errors import ConfigError

    if value > limit:
        raise ConfigError(
            f"{what}: at most {limit} (the naive methods measured take time "
            f"growing as depth² · width³), got {value}"
        )


def _document_output(view, document, data, args, example=None) -> tuple[str, list[str]]:
    """A document in the chosen format (``data``: a function giving the JSON payload of the
    view, called only for JSON), and the checks it reports as failed."""
    from ...explain.document.html import render_html
    from ...explain.document.json_view import FORMAT, document_json, dumps
    from ...explain.document.markdown import render_markdown
    from ...explain.document.text import render_text

    if example is not None and example.picture is not None:  # an image: show it first
        document.sections.insert(0, example.picture.section())
    failed = document.failed_checks()
    if args.format == "text":
        return render_text(document, args.width, args.precision), failed
    if args.format == "markdown":
        return render_markdown(document, args.precision), failed
    if args.format == "html":
        return render_html(document, args.precision), failed
    payload = {
        "format": FORMAT,
        "view": view,
        "data": data(),
        "sections": document_json(document, args.precision),
    }
    return dumps(payload), failed


def explain_output(view: str, example, args) -> tuple[str | bytes, list[str]]:
    """What ``view`` prints for ``example`` under the options ``args`` (text or bytes), and
    the checks that failed (each view verifies its numbers; none should)."""
    from ...explain.measurements import dynamic_programming as dp
    from ...explain.views.scalar_paths import chain_paths

    if view == "dp":
        _at_most(args.dp_width, dp.MAX_WIDTH, "--dp-width")
        _at_most(args.dp_depth, dp.MAX_DEPTH, "--dp-depth")
        table = dp.compare(
            _ints(args.depths, "--depths", dp.MAX_DEPTH),
            _ints(args.widths, "--widths", dp.MAX_WIDTH),
            args.dp_width,
            args.dp_depth,
        )
        if args.plot:
            table.plot(args.plot)
            # the view itself goes to stdout unless --out takes it: the note goes aside
            _wrote(Path(args.plot), sys.stdout if args.out else sys.stderr)
        svg = table.plot() if args.format == "html" else ""
        return _document_output(view, table.document(svg), table.to_json, args)
    if view == "chain":
        view_obj = chain_paths(args.weight or "w1")
        document = view_obj.document()
        if args.format == "html":
            from ...explain.document.model import Figure, Section
            from ...explain.pictures.svg_graph import graph_of
            from ...explain.views.scalar_paths import book_chain

            document.add(
                Section(
                    "The chain's computational graph",
                    [
                        Figure(
                            "o = (x·w¹ + b¹)·w² + b²: each node's value and ∂o/∂(node)",
                            svg=graph_of(book_chain()).svg(),
                        )
                    ],
                    "graph",
                )
            )
        return _document_output(view, document, view_obj.to_json, args)
    trace = example.trace()
    if view in PICTURES:
        failed = [f"{c.equation}: max error {c.error:.3g}" for c in trace.checks if not c.ok]
        return _picture(view, trace, args), failed
    if view == "steps":
        from ...explain.document.json_view import trace_json
        from ...explain.views.steps import steps_document

        document = steps_document(trace, 0, args.lr)
        return _document_output(view, document, lambda: trace_json(trace), args, example)
    if view == "scalar":
        from ...explain.views.scalar_paths import weight_paths

        view_obj = weight_paths(trace, args.weight)
    elif view == "jacobian":
        from ...explain.views.jacobians import jacobian_view

        view_obj = jacobian_view(trace)
    else:  # all
        from ...explain.document.json_view import trace_json
        from ...explain.show.page import explain_document

        document = explain_document(trace, weight=args.weight, lr=args.lr, level=args.level)
        return _document_output(view, document, lambda: trace_json(trace), args, example)
    return _document_output(view, view_obj.document(), view_obj.to_json, args, example)


def _picture(view: str, trace, args) -> str | bytes:
    from ...errors import ConfigError
    from ...explain.document.html import render_html
    from ...explain.document.model import Document, Figure, Section

    allowed = PICTURES[view]
    if args.format in ("json", "markdown"):
        raise ConfigError(
            f"--view {view} is a picture ({', '.join(allowed)}), not a document: --format "
            f"{args.format} does not apply; leave --format out, or give --format html or "
            f"--out FILE with one of these suffixes"
        )
    if args.out:
        suffix = Path(args.out).suffix.lower()
    elif args.format == "html":
        suffix = ".html"
    else:
        suffix = ".svg" if view in ("graph", "network") else ""
    if suffix not in allowed:
        raise ConfigError(
            f"--view {view} writes {', '.join(allowed)}: give --out FILE with one "
            f"of these suffixes" + (f" (not {suffix!r})" if suffix else "")
        )
    if view == "graph":
        from ...explain.pictures.svg_graph import graph_of

        graph = graph_of(trace, args.level)
        if suffix == ".dot":
            return graph.dot()
        picture, caption = graph.svg(), f"computational graph ({graph.level} level)"
    elif view == "network":
        from ...explain.pictures.network_svg import network_svg

        picture, caption = network_svg(trace), "the network, weights and δ"
    else:
        from ...explain.pictures.animation import backward_animation, path_animation

        animation = (
            backward_animation(trace) if view == "animation" else path_animation(trace, args.weight)
        )
        if suffix == ".gif":
            return animation.gif()
        figure = Figure(animation.label, html=animation.html())
        return render_html(
            Document(
                animation.label,
                [("network", trace.describe())],
                [Section(animation.label, [figure])],
            )
        )
    if suffix == ".svg":
        return picture
    document = Document(
        caption, [("network", trace.describe())], [Section(caption, [Figure(caption, svg=picture)])]
    )
    return render_html(document)


def _require_packages(view: str, args) -> None:
    """The optional package a picture needs, checked before anything is computed."""
    from ...optional import require

    if view == "dp" and (args.plot or args.format == "html"):
        require("matplotlib", "--view dp --plot (and its HTML page)")
    if view in ("animation", "path") and args.out and Path(args.out).suffix.lower() == ".gif":
        require("PIL", f"--view {view} --out FILE.gif")


def _wrote(path: Path, stream) -> None:
    """Say that a file was written, and how large it is (every file explain writes)."""
    print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=stream)


def run(args) -> int:
    from ...errors import ConfigError
    from ..checks import check_output_file

    view = args.view or ("all" if args.format == "html" else "steps")
    check_output_file(args.out, "--out", args.checkpoint)
    check_output_file(args.plot, "--plot", args.checkpoint, args.out)
    if args.width < 40:
        raise ConfigError(f"--width must be at least 40 columns, got {args.width}")
    if not 1 <= args.precision <= 12:
        raise ConfigError(f"--precision must lie in 1 … 12, got {args.precision}")
    _require_packages(view, args)
    example = None if view in ("dp", "chain") else example_from(args)
    output, failed = explain_output(view, example, args)
    if args.out:
        path = Path(args.out)
        from ...checkpoint import atomic_write_bytes

        try:
            atomic_write_bytes(
                path, output if isinstance(output, bytes) else output.encode("utf-8")
            )
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
        _wrote(path, sys.stdout)
    elif isinstance(output, bytes):
        raise ConfigError("this view is binary (GIF): give --out FILE.gif")
    else:
        sys.stdout.write(output)
    if failed:
        from ...errors import GradcheckError

        sys.stdout.flush()
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise GradcheckError(
            f"the explanation's own check failed: {failed[0]}{more} "
            f"(marked ✗ in the output); its numbers cannot be trusted"
        )
    return 0
