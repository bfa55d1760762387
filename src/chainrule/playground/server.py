"""Starting the playground: a socket bound to 127.0.0.1 (or the host asked for), uvicorn serving
the application on it, the address printed. ``serve`` runs until Ctrl-C; ``start_in_thread``
runs one in the background (the tests, the benchmark)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import webbrowser
from dataclasses import dataclass

import uvicorn

from ..errors import ConfigError
from .app import LOOPBACK, make_app
from .runs import Limits

#: the longest WebSocket message read at all: a longer one closes the connection (1009); one
#: up to this long but over ``Limits.max_message_bytes`` is answered with an error
READ_AT_MOST = 1 << 20


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (``port`` 0: a free one); ConfigError naming
    the address when it cannot be had (in use, not an address of this machine)."""
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port must lie in 0 … 65535, got {port}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        # resolved first: create_server reports a name that does not resolve as "Unknown error"
        socket.getaddrinfo(host.strip("[]"), port, family, socket.SOCK_STREAM)
        return socket.create_server((host.strip("[]"), port), family=family, backlog=64)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    except UnicodeError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc}") from None
    except OSError as exc:
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        raise ConfigError(f"cannot listen on {host}:{port}: {why}") from None


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class _Server(uvicorn.Server):
    """uvicorn's server, but a Ctrl-C more while it stops changes nothing: the stop is bounded
    (``timeout_graceful_shutdown``), and uvicorn's forced exit skips the lifespan's end and
    logs its traceback."""

    def handle_exit(self, sig, frame) -> None:
        if not self.should_exit:
            super().handle_exit(sig, frame)


def _server(sock: socket.socket, limits: Limits | None, log: bool) -> uvicorn.Server:
    limits = limits or Limits()
    any_host = not is_loopback(sock.getsockname()[0])
    config = uvicorn.Config(
        make_app(limits, any_host=any_host),
        log_level="info" if log else "warning",
        access_log=log,
        ws_max_size=max(READ_AT_MOST, limits.max_message_bytes),
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        timeout_graceful_shutdown=2,
        h11_max_incomplete_event_size=64 * 1024,
        lifespan="on",
    )
    return _Server(config)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    open_browser: bool = False,
    limits: Limits | None = None,
    log: bool = False,
) -> int:
    """Serve the playground until Ctrl-C; prints its address first."""
    sock = bind(host, port)
    url = address(sock)
    if not is_loopback(sock.getsockname()[0]):
        print(
            f"warning: listening on {host}: anyone who can reach this machine can open the "
            "playground and make it train; use --host 127.0.0.1 to keep it to this machine",
            file=sys.stderr,
        )
    print(f"chainrule playground on {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    server = _server(sock, limits, log)
    main_thread = threading.current_thread() is threading.main_thread()
    # uvicorn handles Ctrl-C while it serves, then puts back the handler it found and raises
    # the signal again: found ignored, that raise (and a Ctrl-C more once stopped) ends
    # nothing half-way, so the stop is one line, exit status 0, no traceback. The process
    # ends next, so the handler stays ignored (put back, a Ctrl-C caught while stopping fired)
    if main_thread:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("stopped", flush=True)
    return 0


@dataclass
class RunningServer:
    """A playground served from a background thread: ``url``, and ``stop()``."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_in_thread(
    host: str = "127.0.0.1", port: int = 0, limits: Limits | None = None
) -> RunningServer:
    """Start a playground in a background thread and wait until it answers."""
    sock = bind(host, port)
    server = _server(sock, limits, log=False)
    server.install_signal_handlers = lambda: None  # only the main thread may have them
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        thread.join(timeout=0.02)
    if not server.started:
        raise ConfigError(f"the playground did not start on {address(sock)}")
    return RunningServer(address(sock), server, thread)
