"""The playground's web application (Starlette): the page, its assets, the WebSocket of each
page's run, uploads, exports, and the explain page of one example.

    /                       the playground page          /assets/<name>   its packaged files
    /settings.json          every setting, its range and default (the page builds its controls)
    /ws                     one page's run (:mod:`.connection`, the protocol in docs/playground.md)
    POST /upload            a CSV file (the body), validated → {"upload": id, ...} or 400
    /runs/<id>/checkpoint.npz, /data.csv, /snippet.py     a run's exports
    /runs/<id>/report.json  what ``chainrule eval`` will print for them, beside the page's own
    /explain, /explain/trace.json, /explain/steps.txt     one example explained (a form)
    /health                 "ok"

Nothing outside the packaged assets is served; every answer carries a content security policy
that lets the page load only from this server; requests whose ``Host`` is not one this server
answers to (a page of another site reaching 127.0.0.1 through DNS rebinding) and WebSockets
opened by a page of another origin are refused.
"""

from __future__ import annotations

import contextlib
import mimetypes
from importlib import resources
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from ..errors import ChainruleError
from ..explain.show.form_page import POLICY as FORM_PAGE_POLICY
from ..explain.show.form_page import data_route, page
from .connection import Connection
from .run import PlaygroundRun
from .runs import Limits, Registry
from .settings import SCHEMA, read_settings
from .upload import read_upload

#: what the page may load: its own scripts, styles and images, and its own WebSocket
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
EXPORTS = {
    "checkpoint.npz": ("export_checkpoint", "application/octet-stream"),
    "data.csv": ("export_csv", "text/csv; charset=utf-8"),
    "snippet.py": ("export_snippet", "text/x-python; charset=utf-8"),
}
#: what ``chainrule eval checkpoint.npz --data data.csv`` will print (its own test split)
REPORT = "report.json"


def packaged_assets() -> dict[str, tuple[bytes, str]]:
    """name → (bytes, media type) of every file in the package's ``assets`` folder (read once:
    the server answers only these names, so no request can reach another file)."""
    assets = {}
    folder = resources.files("chainrule.playground") / "assets"
    if not folder.is_dir():
        return assets
    for entry in folder.iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            kind = mimetypes.guess_type(entry.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
                kind += "; charset=utf-8"
            assets[entry.name] = (entry.read_bytes(), kind)
    return assets


def make_run(settings: dict[str, str], upload):
    """A new run from a page's settings: (run, the normalised settings, their query text)."""
    chosen = read_settings(settings)
    run = PlaygroundRun(chosen, upload)
    query = chosen.to_query()
    return run, query, urlencode(query)


def make_app(
    limits: Limits | None = None, *, any_host: bool = False, hosts: tuple[str, ...] = LOOPBACK
) -> Starlette:
    """The playground application, answering requests whose ``Host`` is one of ``hosts``
    (this machine's names), or any when ``any_host`` (a server listening on an address other
    machines reach)."""
    registry = Registry(limits)
    limits = registry.limits
    assets = packaged_assets()

    def secured(response: Response, policy: str = POLICY) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def error(status: int, message: str) -> Response:
        return secured(JSONResponse({"error": message}, status_code=status))

    async def index(request: Request) -> Response:
        return await asset_named("index.html")

    async def asset(request: Request) -> Response:
        return await asset_named(request.path_params["name"])

    async def asset_named(name: str) -> Response:
        if name not in assets:
            return secured(PlainTextResponse(f"no asset {name[:80]!r}\n", status_code=404))
        body, kind = assets[name]
        return secured(Response(body, media_type=kind))

    async def settings_schema(request: Request) -> Response:
        return secured(JSONResponse(SCHEMA))

    async def upload(request: Request) -> Response:
        name = request.query_params.get("name", "upload.csv")[:120]
        most = f"an upload may hold at most {limits.max_upload_bytes:,}"
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_upload_bytes:
            return error(413, f"{name}: {int(declared):,} bytes; {most}")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limits.max_upload_bytes:
                return error(413, f"{name}: more than {limits.max_upload_bytes:,} bytes; {most}")
        try:
            held = await anyio.to_thread.run_sync(read_upload, bytes(body), name)
        except ChainruleError as exc:
            return error(400, str(exc))
        upload_id = registry.add_upload(held)
        return secured(
            JSONResponse(
                {
                    "upload": upload_id,
                    "name": name,
                    "rows": int(len(held.X)),
                    "columns": int(held.X.shape[1]),
                    "classes": held.classes,
                }
            )
        )

    async def export(request: Request) -> Response:
        slot = registry.get_run(request.path_params["run"])
        name = request.path_params["name"]
        if name not in EXPORTS and name != REPORT:
            return error(404, f"no export {name[:40]!r}; one of {', '.join(EXPORTS)}, {REPORT}")
        if slot is None:
            return error(404, "no such run (it was released; train it again in the page)")
        method, kind = EXPORTS.get(name, ("export_report", None))

        def made():
            with slot.lock:
                return getattr(slot.run, method)()

        try:
            body = await anyio.to_thread.run_sync(made)
        except ChainruleError as exc:
            return error(400, str(exc))
        if name == REPORT:
            return secured(JSONResponse(body))
        return secured(
            Response(
                body,
                media_type=kind,
                # the names the snippet and the checkpoint look for beside them
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        )

    async def explain_page(request: Request) -> Response:
        query = parse_qs(urlsplit(str(request.url)).query, keep_blank_values=True)
        tail = request.path_params.get("name")
        if tail is None:
            status, body = await anyio.to_thread.run_sync(page, query)
            return secured(
                Response(body, status_code=status, media_type="text/html; charset=utf-8"),
                FORM_PAGE_POLICY,
            )
        if tail not in ("trace.json", "steps.txt"):
            return secured(PlainTextResponse("no page; try /explain\n", status_code=404))
        status, body, kind = await anyio.to_thread.run_sync(data_route, tail, query)
        return secured(Response(body, status_code=status, media_type=f"{kind}; charset=utf-8"))

    async def health(request: Request) -> Response:
        return secured(PlainTextResponse("ok\n"))

    async def websocket(socket: WebSocket) -> None:
        origin = socket.headers.get("origin")
        host = socket.headers.get("host", "")
        if origin is not None and urlsplit(origin).netloc != host:
            await socket.close(code=1008, reason="a page of another site may not use this server")
            return
        await Connection(socket, registry, make_run).serve()

    async def not_found(request: Request, exc) -> Response:
        return secured(PlainTextResponse(f"no page {request.url.path[:80]}; try /\n", 404))

    async def not_allowed(request: Request, exc) -> Response:
        return secured(PlainTextResponse("method not allowed\n", status_code=405))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with anyio.create_task_group() as tasks:

            async def release_idle_runs():
                while True:
                    await anyio.sleep(min(30.0, limits.idle_seconds))
                    registry.release_idle()

            tasks.start_soon(release_idle_runs)
            yield
            tasks.cancel_scope.cancel()

    hosts = ["*"] if any_host else list(hosts)
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/assets/{name}", asset),
            Route("/settings.json", settings_schema),
            Route("/upload", upload, methods=["POST"]),
            Route("/runs/{run}/{name}", export),
            Route("/explain", explain_page),
            Route("/explain/{name}", explain_page),
            Route("/health", health),
            WebSocketRoute("/ws", websocket),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        exception_handlers={404: not_found, 405: not_allowed},
        lifespan=lifespan,
    )
    app.state.registry = registry
    return app
