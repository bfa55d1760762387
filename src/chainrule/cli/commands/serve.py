"""``chainrule serve``: the local playground page, on 127.0.0.1 unless ``--host`` says otherwise."""

from __future__ import annotations

NAME = "serve"
HELP = "the local playground: set up a network in the page and step through its backward pass"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)"
    )
    parser.add_argument("--log", action="store_true", help="print one line per request")


def run(args) -> int:
    from ...errors import ConfigError
    from ...explain.show.playground import PlaygroundHandler, make_server

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port must lie in 0 … 65535, got {args.port}")
    PlaygroundHandler.quiet = not args.log
    server = make_server(args.host, args.port)
    host, port = server.server_address[:2]
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"note: listening on {host}, reachable from other machines")
    print(f"chainrule playground on http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.server_close()
    return 0
