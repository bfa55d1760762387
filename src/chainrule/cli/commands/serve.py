"""``chainrule serve``: the playground, on 127.0.0.1 unless ``--host`` says otherwise."""

from __future__ import annotations

NAME = "serve"
HELP = (
    "the playground: a local page where you build a network, train it live and walk its "
    "backward pass"
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)"
    )
    parser.add_argument("--open", action="store_true", help="open the page in a web browser")
    parser.add_argument(
        "--max-runs",
        type=int,
        default=8,
        help="runs held at once, one per open page (a page beyond it is refused)",
    )
    parser.add_argument("--log", action="store_true", help="print one line per request")


def run(args) -> int:
    from ...errors import ConfigError
    from ...optional import require

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port must lie in 0 … 65535, got {args.port}")
    if not 1 <= args.max_runs <= 1000:
        raise ConfigError(f"--max-runs must lie in 1 … 1000, got {args.max_runs}")
    for module in ("starlette", "uvicorn", "websockets"):
        require(module, "chainrule serve", "web")
    from ...playground.runs import Limits
    from ...playground.server import serve

    return serve(
        args.host,
        args.port,
        open_browser=args.open,
        limits=Limits(max_runs=args.max_runs),
        log=args.log,
    )
