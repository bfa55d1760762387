"""The playground's server: what it serves and refuses, the WebSocket protocol, the limits on
runs, uploads and messages, and clients that go away or stop reading.

The protocol through Starlette's test client; disconnects and slow clients against a real
uvicorn server on a free loopback port with the ``websockets`` client."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("starlette", reason='the playground needs its extra: pip install -e ".[web]"')
pytest.importorskip("httpx2", reason="Starlette's test client needs httpx2")
pytest.importorskip("uvicorn", reason='the playground needs its extra: pip install -e ".[web]"')

from starlette.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from chainrule.cli.main import build_parser  # noqa: E402
from chainrule.playground.app import LOOPBACK, make_app  # noqa: E402
from chainrule.playground.runs import Limits, Registry  # noqa: E402
from chainrule.playground.server import start_in_thread  # noqa: E402

#: the test client's WebSockets come from "testserver"
TEST_HOSTS = (*LOOPBACK, "testserver")
SMALL = {"data": "circles", "points": "100", "layers": "3", "seed": "1"}
BAD_CSV = b"x1,x2,label\n0.5,1.0,0\n0.25,oops,1\n"


@pytest.fixture()
def client():
    with TestClient(
        make_app(Limits(max_runs=3), hosts=TEST_HOSTS), base_url="http://127.0.0.1"
    ) as client:
        yield client


def receive_until(ws, kind: str, most: int = 200) -> dict:
    """The next message of ``kind`` (frames before it are skipped)."""
    for _ in range(most):
        message = ws.receive_json()
        if message["type"] == kind:
            return message
        if message["type"] == "error" and kind != "error":
            raise AssertionError(f"error instead of {kind}: {message['message']}")
    raise AssertionError(f"no {kind} message in {most}")


def configure(ws, settings=SMALL, **extra) -> dict:
    ws.send_json({"type": "configure", "settings": settings, **extra})
    ready = receive_until(ws, "ready")
    receive_until(ws, "frame")
    return ready


# what the server serves


def test_the_server_listens_on_this_machine_only_by_default():
    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    server = start_in_thread()
    try:
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        server.stop()


def test_another_host_is_served_only_when_asked_and_with_a_warning():
    process = subprocess.Popen(
        [sys.executable, "-m", "chainrule", "serve", "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("chainrule playground on http://0.0.0.0:"), line
        warning = process.stderr.readline()
        assert warning.startswith("warning: listening on 0.0.0.0: anyone who can reach")
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.parametrize(("presses", "gap"), [(1, 0.0), (3, 0.05), (2, 0.2)])
def test_ctrl_c_stops_the_server_with_one_line_while_a_page_trains(presses, gap):
    """Pressed once or again while it stops: "stopped", exit status 0, nothing on stderr (a
    second Ctrl-C had forced uvicorn's exit, which logged the lifespan's traceback)."""
    import signal

    from websockets.sync.client import connect

    process = subprocess.Popen(
        [sys.executable, "-m", "chainrule", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = line.split(" on ")[1].split()[0]
        with connect(url.replace("http://", "ws://") + "ws", open_timeout=30) as ws:
            settings = {"layers": "16,16,16,16,16,16"}
            ws.send(json.dumps({"type": "configure", "settings": settings}))
            ws.send(json.dumps({"type": "play"}))
            while json.loads(ws.recv(timeout=60))["type"] != "frame":
                pass
            for _ in range(presses):
                process.send_signal(signal.SIGINT)
                time.sleep(gap)
            out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (process.returncode, out, err) == (0, "stopped\n", "")


def test_a_port_in_use_is_one_error_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "chainrule", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_a_host_that_is_no_address_is_named_with_the_resolver_s_reason():
    from chainrule.errors import ConfigError
    from chainrule.playground.server import bind

    # ".invalid" never resolves (RFC 2606); the reason is the resolver's words, not an errno
    with pytest.raises(ConfigError) as refused:
        bind("no-such-host.invalid", 0)
    message = str(refused.value)
    assert message.startswith("cannot listen on no-such-host.invalid:0: ")
    assert "Unknown error" not in message and "while attempting" not in message


def test_only_the_packaged_assets_are_served(client):
    for path in (
        "/assets/../pyproject.toml",
        "/assets/..%2F..%2Fpyproject.toml",
        "/assets/%2e%2e/app.py",
        "/assets/app.py",
        "/../../etc/passwd",
        "/runs/x/../../../etc/passwd",
        "/assets/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "import" not in response.text and "root:" not in response.text
    schema = client.get("/settings.json")
    assert schema.status_code == 200 and "layers" in schema.json()
    assert client.get("/health").text == "ok\n"


def test_every_answer_carries_the_security_headers(client):
    for path in ("/health", "/settings.json", "/explain", "/nothing"):
        headers = client.get(path).headers
        assert "connect-src 'self'" in headers["content-security-policy"] or path == "/explain"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_a_request_for_another_host_name_is_refused(client):
    """A page of another site that points its own name at 127.0.0.1 (DNS rebinding) cannot
    read the playground."""
    response = client.get("/settings.json", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_a_websocket_from_a_page_of_another_site_is_refused(client):
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws", headers={"origin": "http://evil.example"}) as ws:
            ws.receive_json()
    assert refused.value.code == 1008


# the protocol


def test_configure_play_pause_and_step(client):
    with client.websocket_connect("/ws") as ws:
        ready = configure(ws)
        assert ready["run"] and ready["settings"]["layers"] == "3"
        assert "layers=3" in ready["query"]
        ws.send_json({"type": "step", "count": 5})
        frame = receive_until(ws, "frame")
        assert frame["step"] == 5
        ws.send_json({"type": "play"})
        steps = [receive_until(ws, "frame")["step"] for _ in range(4)]
        assert steps == sorted(steps) and steps[-1] > 5
        ws.send_json({"type": "pause"})
        paused = receive_until(ws, "frame")["step"]
        ws.send_json({"type": "step", "count": 1})
        assert receive_until(ws, "frame")["step"] == paused + 1


def test_the_same_settings_give_the_same_run_in_two_pages(client):
    frames = []
    for _ in range(2):
        with client.websocket_connect("/ws") as ws:
            configure(ws)
            ws.send_json({"type": "step", "count": 20})
            frames.append(receive_until(ws, "frame"))
    assert frames[0]["loss"] == frames[1]["loss"] and frames[0]["layers"] == frames[1]["layers"]


@pytest.mark.parametrize(
    "message, error",
    [
        ("not json", "a message must be JSON"),
        ("[1, 2]", "a message must be a JSON object"),
        ('{"type": "launch"}', "unknown message type 'launch'"),
        ('{"type": "step", "count": 100000}', "'count' must be a whole number 1 … 1000"),
        ('{"type": "step", "count": "5"}', "'count' must be a whole number"),
        ('{"type": "probe", "index": -1}', "'index' must be a whole number 0 or more"),
        ('{"type": "probe", "index": 0, "split": "val"}', "'split' must be train or test"),
        ('{"type": "backprop", "index": 0, "weight": "__import__"}', "must name one weight"),
        ('{"type": "configure", "settings": [1]}', "'settings' must be an object"),
        ('{"type": "configure", "settings": {"layers": "3,999"}}', "layers"),
        ('{"type": "configure", "settings": {"colour": "red"}}', "colour"),
        ('{"type": "configure", "settings": {}, "upload": "../x"}', "'upload' must be the id"),
        ('{"type": "configure", "settings": {}, "upload": "nosuchupload"}', "upload the CSV"),
        ('{"type": "x", "pad": "' + "a" * 20000 + '"}', "at most 16384 bytes"),
    ],
)
def test_a_bad_message_is_answered_and_the_page_goes_on(client, message, error):
    with client.websocket_connect("/ws") as ws:
        configure(ws)
        ws.send_text(message)
        answer = receive_until(ws, "error")
        assert error in answer["message"]
        ws.send_json({"type": "step", "count": 2})
        assert receive_until(ws, "frame")["step"] == 2


def test_a_run_must_be_configured_before_it_plays(client):
    with client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "play"})
        assert receive_until(ws, "error")["message"] == "play: configure a run first"


def test_the_number_of_runs_is_limited_and_a_closed_page_makes_room(client):
    opened = [client.websocket_connect("/ws") for _ in range(4)]
    sockets = [ws.__enter__() for ws in opened]
    try:
        for ws in sockets[:3]:
            configure(ws)
        sockets[3].send_json({"type": "configure", "settings": SMALL})
        refused = receive_until(sockets[3], "error")
        assert "already holds 3 runs, the most it keeps" in refused["message"]
        opened[0].__exit__(None, None, None)
        sockets.pop(0)
        opened.pop(0)
        time.sleep(0.2)  # the server learns that the page has gone
        configure(sockets[-1])  # the run of the closed page is released for it
    finally:
        for ws in opened:
            ws.__exit__(None, None, None)


# uploads and exports


def test_an_upload_with_a_bad_row_is_refused_naming_it(client):
    response = client.post("/upload?name=mine.csv", content=BAD_CSV)
    assert response.status_code == 400
    message = response.json()["error"]
    assert "row 3" in message or "line 3" in message
    assert "x2" in message or "column 2" in message


def test_an_upload_too_large_is_refused_before_it_is_read(client):
    response = client.post("/upload?name=big.csv", content=b"1,2,0\n" * 200_000)
    assert response.status_code == 413
    # named as every other refused upload is: the file first, its size, the limit
    assert response.json()["error"] == (
        "big.csv: 1,200,000 bytes; an upload may hold at most 1,000,000"
    )


def test_an_upload_too_large_without_a_declared_length_is_cut_off(client):
    def chunks():
        for _ in range(40):
            yield b"1,2,0\n" * 5000  # 30,000 bytes each, sent without a Content-Length

    response = client.post("/upload?name=streamed.csv", content=chunks())
    assert response.status_code == 413
    assert response.json()["error"] == (
        "streamed.csv: more than 1,000,000 bytes; an upload may hold at most 1,000,000"
    )


def test_an_uploaded_file_trains_and_its_run_exports(client, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    rows = "\n".join(f"{a:.4f},{b:.4f},{int(a * b > 0)}" for a, b in X)
    response = client.post("/upload?name=quadrants.csv", content=("x1,x2,label\n" + rows).encode())
    assert response.status_code == 200, response.text
    held = response.json()
    assert held["rows"] == 80 and held["columns"] == 2
    with client.websocket_connect("/ws") as ws:
        ready = configure(ws, {"data": "upload", "layers": "4"}, upload=held["upload"])
        ws.send_json({"type": "step", "count": 10})
        receive_until(ws, "frame")
        for name in ("checkpoint.npz", "data.csv", "snippet.py"):
            exported = client.get(f"/runs/{ready['run']}/{name}")
            assert exported.status_code == 200, (name, exported.text[:200])
            # the names the page, the snippet and the checkpoint's data setting use: a snippet
            # saved as playground-snippet.py would look for data.csv and not find it
            disposition = exported.headers["content-disposition"]
            assert disposition == f'attachment; filename="{name}"'

            (tmp_path / name).write_bytes(exported.content)
    from chainrule.checkpoint import load_checkpoint

    assert load_checkpoint(tmp_path / "checkpoint.npz").build_network() is not None
    # what `chainrule eval checkpoint.npz --data data.csv` will print, beside the page's own
    report = client.get(f"/runs/{ready['run']}/report.json")
    assert report.status_code == 200 and "attachment" not in report.headers.get(
        "content-disposition", ""
    )
    seen = report.json()
    assert seen["eval"]["examples"] == 20  # eval's own test part: 25% of the 80 rows
    assert 0 <= seen["eval"]["accuracy"] <= 1
    assert set(seen["playground"]) == {"test_loss", "test_accuracy"}
    assert client.get("/runs/nosuchrun/checkpoint.npz").status_code == 404
    assert client.get(f"/runs/{ready['run']}/secrets.txt").status_code == 404


# the registry


def test_idle_runs_are_released_after_the_idle_time():
    now = [0.0]
    registry = Registry(Limits(max_runs=2, idle_seconds=60), clock=lambda: now[0])
    first = registry.add_run("run 1")
    registry.add_run("run 2")
    registry.disconnected(first)
    now[0] = 59
    assert registry.release_idle() == 0 and registry.get_run(first.id) is first
    now[0] = 61
    assert registry.release_idle() == 1 and registry.get_run(first.id) is None
    assert registry.run_count == 1


# clients that go away or stop reading, against a real server


def _open(url: str):
    from websockets.sync.client import connect

    return connect(url.replace("http://", "ws://") + "ws", open_timeout=30, max_size=None)


def _frames(ws, count: int, timeout: float = 120.0) -> list[dict]:
    frames, deadline = [], time.monotonic() + timeout
    while len(frames) < count:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if message["type"] == "frame":
            frames.append(message)
        assert message["type"] != "error", message
    return frames


@pytest.fixture()
def served():
    server = start_in_thread(limits=Limits(max_runs=4, send_timeout=5))
    yield server
    server.stop()


def test_a_client_that_disconnects_mid_stream_leaves_the_server_serving(served):
    import urllib.request

    with contextlib.suppress(OSError, ConnectionError), _open(served.url) as ws:
        ws.send(json.dumps({"type": "configure", "settings": SMALL}))
        ws.send(json.dumps({"type": "play"}))
        _frames(ws, 3)
        ws.socket.shutdown(socket.SHUT_RDWR)  # gone without a closing handshake
        ws.socket.close()
    with urllib.request.urlopen(served.url + "health", timeout=30) as response:
        assert response.read() == b"ok\n"
    with _open(served.url) as again:
        again.send(json.dumps({"type": "configure", "settings": SMALL}))
        again.send(json.dumps({"type": "step", "count": 3}))
        assert _frames(again, 2)[-1]["step"] == 3


def test_a_client_that_stops_reading_does_not_stall_another(served):
    with _open(served.url) as slow, _open(served.url) as fast:
        slow.send(json.dumps({"type": "configure", "settings": {**SMALL, "layers": "16,16,16"}}))
        slow.send(json.dumps({"type": "play"}))  # and it never reads again
        fast.send(json.dumps({"type": "configure", "settings": SMALL}))
        fast.send(json.dumps({"type": "play"}))
        frames = _frames(fast, 25)
        assert frames[-1]["step"] > frames[1]["step"] > 0


class _StuckPage:
    """A page that configures and plays, then never takes a frame: every send blocks."""

    def __init__(self):
        self.inbox = [
            {
                "type": "websocket.receive",
                "text": json.dumps({"type": "configure", "settings": SMALL}),
            },
            {"type": "websocket.receive", "text": json.dumps({"type": "play"})},
        ]
        self.sent = 0
        self.headers = {}

    async def accept(self):
        pass

    async def receive(self):
        import anyio

        if self.inbox:
            return self.inbox.pop(0)
        await anyio.sleep_forever()

    async def send_text(self, text):
        import anyio

        self.sent += 1
        if self.sent > 2:  # the ready message and the first frame went; then it stops reading
            await anyio.sleep_forever()


def test_a_page_that_stops_reading_is_disconnected_after_the_send_timeout():
    """Its connection ends by itself (its tasks only; nothing else waits for it), and its run
    is marked as gone, to be released."""
    import anyio

    from chainrule.playground.app import make_run
    from chainrule.playground.connection import Connection

    registry = Registry(Limits(send_timeout=0.5))
    page = _StuckPage()

    async def main():
        with anyio.fail_after(60):
            await Connection(page, registry, make_run).serve()

    anyio.run(main)
    assert page.sent == 3
    (slot,) = registry._runs.values()
    assert not slot.connected and slot.run.steps > 0


class _FloodingPage:
    """A page that sends configure after configure and never reads an answer: every send
    blocks. It counts the messages the server took from it."""

    def __init__(self, most: int):
        self.most = most
        self.taken = 0
        self.headers = {}

    async def accept(self):
        pass

    async def receive(self):
        self.taken += 1
        if self.taken > self.most:
            raise AssertionError(f"the server read message {self.taken} with answers unsent")
        settings = {**SMALL, "seed": str(self.taken)}
        return {
            "type": "websocket.receive",
            "text": json.dumps({"type": "configure", "settings": settings}),
        }

    async def send_text(self, text):
        import anyio

        await anyio.sleep_forever()


def test_a_page_that_floods_without_reading_is_not_read_on():
    """Answers it does not take are not piled up in memory without end (each ready message
    carries the run's data): the server stops reading from the page until they have gone."""
    import anyio

    from chainrule.playground.app import make_run
    from chainrule.playground.connection import Connection

    limits = Limits(send_timeout=1000)
    registry = Registry(limits)
    # the answers that may wait, one being sent, and one message read before its answer waits
    page = _FloodingPage(most=limits.max_pending_replies + 2)
    connection = Connection(page, registry, make_run)

    async def main():
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(connection.serve)
            with anyio.fail_after(120):
                while len(connection.replies) < limits.max_pending_replies:
                    await anyio.sleep(0.01)
            await anyio.sleep(0.5)  # room for a wrong read to happen
            tasks.cancel_scope.cancel()

    anyio.run(main)
    assert len(connection.replies) == limits.max_pending_replies


@pytest.mark.parametrize("size", [20_000, 1_000_000])
def test_a_message_too_long_is_answered_on_a_real_server_and_the_page_goes_on(served, size):
    """Not a closed connection (uvicorn's own limit): an error naming the limit, as the
    protocol promises, up to a megabyte; only a longer message closes the connection."""
    with _open(served.url) as ws:
        ws.send(json.dumps({"type": "configure", "settings": SMALL}))
        _frames(ws, 1)
        ws.send(json.dumps({"type": "x", "pad": "a" * size}))
        while (answer := json.loads(ws.recv(timeout=60)))["type"] == "frame":
            pass
        assert answer["type"] == "error"
        assert answer["message"] == "a message may hold at most 16384 bytes"
        ws.send(json.dumps({"type": "step", "count": 2}))
        assert _frames(ws, 1)[-1]["step"] == 2
