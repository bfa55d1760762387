"""The playground's speed, beside TensorFlow Playground's: the section "The playground" of
docs/performance.md.

    python -m benchmarks.playground                       # prints the section (about 2 minutes)
    python -m benchmarks.playground --tf-dist DIST [--tf-source CHECKOUT]
                                                          # and TensorFlow Playground, measured
                                                          # now by benchmarks/tf_playground.py
    python -m benchmarks.playground --tf-json FILE        # or its results written earlier
    python -m benchmarks.playground --write               # writes the section into
                                                          # docs/performance.md
    python -m benchmarks.playground --tiny                # a smoke test (a few seconds)

The network is TensorFlow Playground's as tests compare it: circles, 500 points (250 train, 250
test), noise 0, inputs x₁ and x₂, hidden layers of 8 and 8 tanh units, ½‖a − y‖² averaged over
the batch, plain SGD with η = 0.03, batches of 10. One chainrule step is one batch of 10 and one
weight update (the mean gradient of those 10), which is what TensorFlow Playground does 25
times in one of its iterations (an epoch: 250 examples, an update every 10), so its
"weight updates/s" is the number to set beside chainrule's steps/s. chainrule's network has
one output per class (2-8-8-2, σ outputs), TensorFlow Playground's one tanh output (2-8-8-1).

Measured:

- the engine: ``PlaygroundRun.train`` in this process for ``--seconds``, as the server calls
  it (including the losses measured five times an epoch for the curves), then the time to build
  one frame (``run.frame()``) and its size as JSON;
- the server: ``chainrule serve --port 0`` started as a separate process (uvicorn on a free
  loopback port; ``--tiny`` starts it in a thread of this process instead); clients from the
  ``websockets`` package, each with its own run (``configure`` then ``play``), reading every
  message for ``--seconds``: frames per second received, steps per second (from the frames'
  ``step``), frame size; with 1, 2 and 4 clients at once;
- a client that never reads: a raw WebSocket (the handshake, ``configure`` and ``play`` written
  by hand, a 4 KiB receive buffer, never read again) beside one reading client, compared with
  that client beside another reading client: the reading client's frames per second, steps per
  second and longest wait between two frames.

A run without ``--write`` only prints; ``--tiny`` never writes.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- benchmarks/playground.py: begin -->"
END = "<!-- benchmarks/playground.py: end -->"

#: The page's settings for TensorFlow Playground's network (the URL query of the page).
SETTINGS = {
    "data": "circles",
    "points": "500",
    "test": "0.5",
    "noise": "0",
    "features": "x1,x2",
    "layers": "8,8",
    "activation": "tanh",
    "cost": "mse",
    "optimizer": "sgd",
    "lr": "0.03",
    "batch": "10",
    "seed": "0",
}
CLIENT_COUNTS = (1, 2, 4)
FRAMES_TARGET = 10  # frames a second a page must receive while playing (issue 13)


# -- the engine ---------------------------------------------------------------------------------


def engine_rate(seconds: float, frames: int = 20) -> dict:
    """``PlaygroundRun.train`` for ``seconds`` (after a short warm-up), then ``frames`` frames
    built as the server builds them while playing (the new history rows only)."""
    from chainrule.playground.run import PlaygroundRun
    from chainrule.playground.settings import read_settings

    run = PlaygroundRun(read_settings(SETTINGS))
    run.train(seconds=min(0.5, seconds / 4))
    steps, epoch, start = run.steps, run.epoch, time.perf_counter()
    while time.perf_counter() - start < seconds and not run.stopped:
        run.train(seconds=0.05)
    elapsed = time.perf_counter() - start
    frame_times, sizes = [], []
    for _ in range(frames):
        begun = time.perf_counter()
        frame = run.frame(len(run.history))
        frame_times.append(time.perf_counter() - begun)
        sizes.append(len(json.dumps({"type": "frame", **frame}).encode()))
    return {
        "network": "-".join(
            str(n) for n in [run.dense[0].in_features] + [d.out_features for d in run.dense]
        ),
        "examples_per_step": run.settings.batch,
        "train_examples": len(run.train_data),
        "steps": run.steps - steps,
        "seconds": round(elapsed, 3),
        "steps_per_s": round((run.steps - steps) / elapsed, 1),
        "epochs_per_s": round((run.epoch - epoch) / elapsed, 2),
        "frame_ms": round(1000 * statistics.median(frame_times), 2),
        "frame_bytes": int(statistics.median(sizes)),
        "test_loss": float(run.history[-1][3]),
        "stopped": run.stopped,
    }


# -- the server ---------------------------------------------------------------------------------


@contextlib.contextmanager
def server_process(timeout: float = 60.0):
    """``chainrule serve --port 0`` as a child process; yields its address (``http://…/``).
    An error while it serves is raised with the end of what the server wrote on stderr."""
    command = [sys.executable, "-m", "chainrule", "serve", "--port", "0", "--max-runs", "16"]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, bufsize=1
        )

        def said() -> str:
            errors.seek(0)
            return errors.read()[-3000:]

        try:
            deadline = time.monotonic() + timeout
            url = None
            while url is None and time.monotonic() < deadline:
                line = child.stdout.readline()
                if not line:
                    break
                found = re.search(r"https?://\S+?/", line)
                url = found.group(0) if found else None
            if url is None:
                raise RuntimeError(f"chainrule serve did not print its address:\n{said()}")
            try:
                yield url
            except Exception as exc:
                raise RuntimeError(f"{exc!r}; the server said:\n{said()}") from exc
        finally:
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            child.stdout.close()


@contextlib.contextmanager
def server_in_thread():
    """The same server in a thread of this process (``--tiny``: no child process, so the smoke
    test stays in the quick lane; the clients then share this process's interpreter lock)."""
    from chainrule.playground.runs import Limits
    from chainrule.playground.server import start_in_thread

    running = start_in_thread(limits=Limits(max_runs=16))
    try:
        yield running.url
    finally:
        running.stop()


def ws_address(url: str) -> str:
    return url.replace("http://", "ws://", 1) + "ws"


async def reading_client(url: str, seconds: float, warmup: float) -> dict:
    """One page: ``configure``, ``play``, then every message read for ``seconds`` (after
    ``warmup``); frames/s, steps/s (from the frames' ``step``) and the frames' sizes."""
    from websockets.asyncio.client import connect

    async with connect(ws_address(url), max_size=None, compression=None) as ws:
        await ws.send(json.dumps({"type": "configure", "settings": SETTINGS}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "error":
                raise RuntimeError(f"the server refused the settings: {message['message']}")
            if message["type"] == "ready":
                break
        await ws.send(json.dumps({"type": "play"}))
        loop = asyncio.get_running_loop()
        begin = loop.time() + warmup
        end = begin + seconds
        frames: list[tuple[float, int, int]] = []  # (time, step, bytes)
        while (now := loop.time()) < end:
            try:
                text = await asyncio.wait_for(ws.recv(), timeout=end - now)
            except TimeoutError:
                break
            received = loop.time()
            message = json.loads(text)
            if message["type"] == "error":
                raise RuntimeError(f"the server answered: {message['message']}")
            if message["type"] == "frame" and received >= begin:
                frames.append((received, message["step"], len(text.encode())))
        await ws.send(json.dumps({"type": "pause"}))
    return client_rates(frames, seconds)


def client_rates(frames: list[tuple[float, int, int]], seconds: float) -> dict:
    """Rates over the frames received, each frame given as (time received, step, bytes); the
    rates are None when fewer than two frames came (a --tiny run on a busy machine)."""
    rates = {"frames": len(frames), "frames_per_s": None, "steps_per_s": None}
    rates["frame_bytes"] = int(statistics.median(f[2] for f in frames)) if frames else None
    rates["largest_frame_bytes"] = max(f[2] for f in frames) if frames else None
    rates["longest_gap_s"] = None
    if len(frames) >= 2:
        span = frames[-1][0] - frames[0][0]
        rates["frames_per_s"] = round((len(frames) - 1) / span, 1)
        rates["steps_per_s"] = round((frames[-1][1] - frames[0][1]) / span, 1)
        rates["longest_gap_s"] = round(max(b[0] - a[0] for a, b in itertools.pairwise(frames)), 3)
    return rates


def text_frame(text: str) -> bytes:
    """One masked WebSocket text frame (RFC 6455 §5.2), as a client must send it."""
    payload = text.encode()
    mask = os.urandom(4)
    if len(payload) < 126:
        header = bytes([0x81, 0x80 | len(payload)])
    else:
        header = bytes([0x81, 0x80 | 126]) + len(payload).to_bytes(2, "big")
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def silent_client(url: str) -> socket.socket:
    """A page that configures a run, presses play and never reads again: a raw WebSocket with a
    4 KiB receive buffer, so that the server's sends back up as soon as they can."""
    host, port = re.match(r"https?://([^/:]+):(\d+)/", url).groups()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(1)
        if not chunk:
            raise RuntimeError("the server closed the silent client's handshake")
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(f"the server refused the WebSocket: {answer[:80]!r}")
    sock.sendall(text_frame(json.dumps({"type": "configure", "settings": SETTINGS})))
    sock.sendall(text_frame(json.dumps({"type": "play"})))
    return sock


async def clients_at_once(url: str, count: int, seconds: float, warmup: float) -> list[dict]:
    return list(await asyncio.gather(*(reading_client(url, seconds, warmup) for _ in range(count))))


async def beside_silent(url: str, seconds: float, warmup: float) -> dict:
    """One reading client while a silent one plays."""
    sock = await asyncio.to_thread(silent_client, url)
    try:
        return await reading_client(url, seconds, warmup)
    finally:
        sock.close()


def server_rates(
    seconds: float, warmup: float, counts=CLIENT_COUNTS, in_process: bool = False
) -> dict:
    with (server_in_thread if in_process else server_process)() as url:
        results: dict = {"clients": {}}
        for count in counts:
            results["clients"][str(count)] = asyncio.run(
                clients_at_once(url, count, seconds, warmup)
            )
        results["beside_reader"] = asyncio.run(clients_at_once(url, 2, seconds, warmup))[0]
        results["beside_silent"] = asyncio.run(beside_silent(url, seconds, warmup))
    return results


# -- the report ---------------------------------------------------------------------------------


def machine() -> dict:
    from chainrule.bench.machine import cpu_model

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "load": load}


def measure(seconds: float, warmup: float, tf: dict | None, tiny: bool = False) -> dict:
    report = {
        "machine": machine(),
        "measured": time.strftime("%Y-%m-%d", time.gmtime()),
        "seconds": seconds,
        "settings": SETTINGS,
    }
    print("engine: PlaygroundRun.train", file=sys.stderr, flush=True)
    report["engine"] = engine_rate(seconds)
    print("server: chainrule serve, WebSocket clients", file=sys.stderr, flush=True)
    counts = (1, 2) if tiny else CLIENT_COUNTS
    report["server"] = server_rates(seconds, warmup, counts, in_process=tiny)
    from chainrule.playground.runs import Limits

    report["server"]["frames_per_second_limit"] = Limits().frames_per_second
    report["tf_playground"] = tf
    return report


def _mean(rows: list[dict], key: str) -> float | None:
    values = [row[key] for row in rows]
    return None if None in values else statistics.mean(values)


def _num(value: float | None, spec: str, unit: str = "") -> str:
    return "—" if value is None else f"{value:{spec}}{unit}"


def _kib(size: float | None) -> str:
    return _num(None if size is None else size / 1024, ".0f", " KiB")


def section(report: dict) -> str:
    """The Markdown section of docs/performance.md (between the markers)."""
    engine, server, tf = report["engine"], report["server"], report.get("tf_playground")
    m = report["machine"]
    n_train, batch = engine["train_examples"], engine["examples_per_step"]
    out = [
        BEGIN,
        "## The playground beside TensorFlow Playground",
        "",
        f"Produced by `python -m benchmarks.playground` on {report['measured']} "
        f"({m['cpu']}, {m['cores']} cores, load average {m['load']} at the start; "
        f"{report['seconds']:g} s per measurement); run it again rather than edit the section. "
        "The network: circles, 500 points (250 train, 250 test), inputs x₁ and x₂, hidden "
        "layers of 8 and 8 tanh units, ½‖a − y‖² averaged over the batch, plain SGD, η = 0.03, "
        "batches of 10. One chainrule step is one batch of 10 examples and one weight update; "
        "one TensorFlow Playground iteration is an epoch: 250 examples, a weight update every "
        "10 (25 updates), then the loss and the page's redraw. So chainrule's steps/s sit "
        f"beside TensorFlow Playground's weight updates/s. chainrule's network is "
        f"{engine['network']} (an output per class), TensorFlow Playground's 2-8-8-1.",
        "",
        "| | steps (weight updates of a batch of 10)/s | epochs/s | frames/s | frame |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in tf["results"] if tf else []:
        out.append(
            f"| TensorFlow Playground, {TF_LABELS.get(r['mode'], r['mode'])} | "
            f"{r['updates_per_s']:,.0f} | {r['epochs_per_s']:,.1f} | "
            f"{_num(r.get('frames_per_s'), '.0f')} | — |"
        )
    out.append(
        f"| chainrule, `PlaygroundRun.train` alone | {engine['steps_per_s']:,.0f} | "
        f"{engine['epochs_per_s']:,.1f} | — | {engine['frame_ms']:.1f} ms to build, "
        f"{_kib(engine['frame_bytes'])} |"
    )
    for count, rows in server["clients"].items():
        who = "one page" if count == "1" else f"each of {count} pages at once"
        steps = _mean(rows, "steps_per_s")
        out.append(
            f"| chainrule, `chainrule serve`, {who} | {_num(steps, ',.0f')} | "
            f"{_num(None if steps is None else steps * batch / n_train, ',.1f')} | "
            f"{_num(_mean(rows, 'frames_per_s'), '.1f')} | "
            f"{_kib(_mean(rows, 'frame_bytes'))} |"
        )
    reader, silent = server["beside_reader"], server["beside_silent"]
    out += [
        "",
        "A page that never reads (a raw WebSocket that configures a run, plays and never reads "
        "again) beside a reading page: the reading page got "
        f"{_num(silent['frames_per_s'], '.1f')} frames/s and "
        f"{_num(silent['steps_per_s'], ',.0f')} steps/s (longest gap between two frames "
        f"{_num(silent['longest_gap_s'], '.2f')} s); beside another reading page it got "
        f"{_num(reader['frames_per_s'], '.1f')} frames/s and "
        f"{_num(reader['steps_per_s'], ',.0f')} steps/s (longest gap "
        f"{_num(reader['longest_gap_s'], '.2f')} s).",
        "",
        *([ratios_note(engine, server, tf), ""] if tf else []),
        frames_note(server),
        "",
        tf_note(tf) if tf else "TensorFlow Playground was not measured in this run (`--tf-dist`).",
        "",
        END,
    ]
    return "\n".join(out) + "\n"


def ratios_note(engine: dict, server: dict, tf: dict) -> str:
    """chainrule's steps/s over TensorFlow Playground's weight updates/s."""
    rows = {r["mode"]: r for r in tf["results"]}
    one_page = server["clients"].get("1", [{}])[0].get("steps_per_s")
    parts = []
    if "page" in rows and one_page:
        parts.append(
            f"One page of `chainrule serve` trains {one_page / rows['page']['updates_per_s']:.0f}× "
            "as many steps a second as TensorFlow Playground's page (batches of 10 alike)"
        )
    if "engine" in rows:
        parts.append(
            f"TensorFlow Playground's engine alone, in Node and drawing nothing, "
            f"{rows['engine']['updates_per_s'] / engine['steps_per_s']:.1f}× as many as "
            "`PlaygroundRun.train` (V8 compiles its loop over single examples; chainrule's "
            "step is a series of NumPy calls on arrays of 10 × 8 numbers, too small for the "
            "arithmetic to outweigh the cost of each call)"
        )
    return "; ".join(parts) + "." if parts else ""


def frames_note(server: dict) -> str:
    """The frames a page received against the issue's target of at least 10 a second."""
    rates = [row["frames_per_s"] for rows in server["clients"].values() for row in rows]
    limit = server.get("frames_per_second_limit")
    text = (
        "Frames: the server sends a page at most "
        f"{_num(limit, 'g')} a second (`Limits.frames_per_second`); "
    )
    if None in rates:
        return text + "some pages received too few frames in this run to measure a rate."
    low = min(rates)
    verdict = "met" if low >= FRAMES_TARGET else "**not met**"
    return text + (
        f"the pages received {low:.1f} to {max(rates):.1f} a second "
        f"(the target, at least {FRAMES_TARGET} a second: {verdict})."
    )


TF_LABELS = {
    "page": "headless Chromium, as shipped",
    "page-unlimited-frames": "Chromium without its frame-rate limit",
    "page-no-frame-wait": "no wait for frames",
    "engine": "its engine alone (Node)",
    "engine+grid": "engine + the page's numbers (Node)",
}


def tf_note(tf: dict) -> str:
    rows = {r["mode"]: r for r in tf["results"]}
    text = (
        "TensorFlow Playground measured by `benchmarks/tf_playground.py` on the same machine "
        f"({tf['chromium']}; {tf['measured']}). It trains in the page, one iteration per "
        "animation frame (a `d3.timer` callback)"
    )
    page = rows.get("page")
    if page:
        text += (
            f"; idle, headless Chromium gives {page['idle_frames_per_s']:.0f} frames/s, and "
            f"each iteration took {page['ms_per_iteration']:.0f} ms, so the iteration's own "
            "work, not the frame rate, is the limit here"
        )
    grid = rows.get("engine+grid")
    engine = rows.get("engine")
    if grid and engine:
        text += (
            f": its training alone takes {engine['ms_per_iteration']:.2f} ms per epoch in Node, "
            f"the losses and the 100×100 grid through every unit "
            f"{grid['ms_per_iteration'] - engine['ms_per_iteration']:.0f} ms more, the "
            "drawing the rest"
        )
    return text + "."


def write_section(text: str, path: Path = DOC) -> None:
    """Put the section into ``path``: in place of the last one, else at the end."""
    from chainrule.checkpoint import atomic_write_text

    old = path.read_text(encoding="utf-8")
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + text + old[old.index(END) + len(END) :].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    atomic_write_text(path, new)


def kept_section(text: str) -> str | None:
    """The playground's section of a performance.md (``python -m benchmarks`` keeps it)."""
    if BEGIN in text and END in text:
        return text[text.index(BEGIN) : text.index(END) + len(END)] + "\n"
    return None


def tf_results(args) -> dict | None:
    """TensorFlow Playground's results: read from ``--tf-json``, or measured now from
    ``--tf-dist`` (None, with the reason on stderr, when it cannot be measured here)."""
    if args.tf_json:
        return json.loads(Path(args.tf_json).read_text(encoding="utf-8"))
    if not args.tf_dist:
        return None
    from benchmarks import tf_playground

    reason = tf_playground.missing(args.tf_dist)
    if reason:
        print(f"TensorFlow Playground not measured: {reason}", file=sys.stderr)
        return None
    return tf_playground.measure(args.tf_dist, args.tf_seconds, source=args.tf_source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.playground", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="of play before measuring")
    parser.add_argument("--tiny", action="store_true", help="a smoke test: never writes")
    parser.add_argument(
        "--write", action="store_true", help="write the section into " + str(DOC.relative_to(ROOT))
    )
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON")
    parser.add_argument("--tf-dist", type=Path, help="a TensorFlow Playground dist/ to measure")
    parser.add_argument("--tf-source", type=Path, help="its checkout (adds its engine in Node)")
    parser.add_argument("--tf-seconds", type=float, default=20.0)
    parser.add_argument(
        "--tf-json", type=Path, help="TensorFlow Playground's results, measured earlier"
    )
    args = parser.parse_args(argv)
    if args.tiny and args.write:
        parser.error("--tiny never writes the report: leave out --write")
    if args.tiny:
        args.seconds, args.warmup = 0.5, 0.2
    tf = tf_results(args)
    report = measure(args.seconds, args.warmup, tf, tiny=args.tiny)
    text = section(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.write:
        write_section(text)
        print(f"wrote {DOC}")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
