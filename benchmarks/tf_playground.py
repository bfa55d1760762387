"""TensorFlow Playground's training rate, measured in headless Chromium (and its engine alone in
Node), for the comparison in docs/performance.md.

    python benchmarks/tf_playground.py DIST [--seconds 20] [--source CHECKOUT] [--json FILE]

``DIST`` is the ``dist/`` folder of a TensorFlow Playground build (https://github.com/tensorflow/
playground; nothing of it is part of chainrule)::

    git clone https://github.com/tensorflow/playground tfp && cd tfp
    npm ci && npm run build        # builds under Node 20 as it is (2016 tooling, no changes)

The script serves ``DIST`` on a free loopback port, opens it in Debian's headless ``chromium``
with Playwright (every request that leaves 127.0.0.1, i.e. Google Fonts and Analytics, is
refused, so nothing waits on the network), sets the page to a 2-8-8-1 network through its URL
hash (circle, 500 points, 50 % train, noise 0, tanh, learning rate 0.03, batch 10, inputs x₁ and
x₂, a fixed seed), presses play and reads the iteration counter ``#iter-number`` twice,
``--seconds`` apart, together with the page's own clock and a count of ``requestAnimationFrame``
callbacks (the frame rate). It skips with a message (exit 0) when Playwright, Chromium or the
built ``DIST`` is missing.

What one TensorFlow Playground iteration is (``oneStep`` in src/playground.ts): one pass over
the whole training set, 250 examples one at a time (``forwardProp``, ``backProp``), with
``updateWeights`` every ``batchSize`` = 10 examples (the mean gradient of those 10), so one
iteration is one epoch and 25 weight updates of a batch of 10; then the loss over the 250 train
and 250 test points and ``updateUI``: the 100×100 decision-boundary grid (10,000 forward passes
through every unit) and the redraw of the heatmaps and the weights. The iteration runs in a
``d3.timer`` callback, and d3 (v3) schedules its timers with ``requestAnimationFrame``: at most
one iteration per animation frame, the frame rate is the ceiling.

Modes measured:

- ``page``: the page as shipped (one iteration per animation frame).
- ``page-unlimited-frames``: Chromium started with ``--disable-frame-rate-limit
  --disable-gpu-vsync`` (the frame rate is then whatever the machine keeps up with).
- ``page-no-frame-wait``: ``requestAnimationFrame`` replaced before the page loads by a
  MessageChannel task, so the iterations run back to back with all their work (training, loss,
  the grid, the DOM updates) but without waiting for a frame: what the code itself can do.
- ``engine`` (only with ``--source CHECKOUT``, a checkout with ``npm ci`` done, and ``node``):
  src/nn.ts and src/dataset.ts compiled with the checkout's TypeScript and run in Node on the
  same data and network: the training of ``oneStep`` alone (no loss, no grid, no page), the
  upper bound of TensorFlow Playground's engine.
- ``engine+grid``: the same plus what ``oneStep`` computes for the page: the train and test
  loss and the 100×100 grid through every unit (``updateDecisionBoundary``'s numbers, not
  drawn). The page's time per iteration minus this one is the drawing.

Each mode reports iterations/s (= epochs/s), weight updates/s (= iterations × 25, the number to
set beside chainrule's steps of one batch of 10) and examples/s.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from chainrule.bench.machine import cpu_model

N_POINTS = 500  # NUM_SAMPLES_CLASSIFY in src/playground.ts (fixed there)
TRAIN_SHARE = 50
BATCH = 10
N_TRAIN = N_POINTS * TRAIN_SHARE // 100
UPDATES_PER_ITERATION = N_TRAIN // BATCH
SEED = "0.12345"

#: The URL hash of the measured network (the keys of src/state.ts).
STATE = {
    "activation": "tanh",
    "batchSize": str(BATCH),
    "dataset": "circle",
    "regDataset": "reg-plane",
    "learningRate": "0.03",
    "regularization": "none",
    "regularizationRate": "0",
    "noise": "0",
    "networkShape": "8,8",
    "seed": SEED,
    "showTestData": "false",
    "discretize": "false",
    "percTrainData": str(TRAIN_SHARE),
    "x": "true",
    "y": "true",
    "xTimesY": "false",
    "xSquared": "false",
    "ySquared": "false",
    "cosX": "false",
    "sinX": "false",
    "cosY": "false",
    "sinY": "false",
    "collectStats": "false",
    "problem": "classification",
    "initZero": "false",
    "hideText": "false",
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UNLIMITED_FRAMES_ARGS = ["--disable-frame-rate-limit", "--disable-gpu-vsync"]

#: Counts animation frames with the page's own requestAnimationFrame (captured before anything
#: can replace it).
COUNT_FRAMES = """
(() => {
  const raf = window.requestAnimationFrame.bind(window);
  window.__frames = 0;
  const tick = () => { window.__frames++; raf(tick); };
  raf(tick);
})();
"""

#: Runs requestAnimationFrame callbacks as soon as possible (a MessageChannel task each time),
#: installed before d3 captures requestAnimationFrame when the page loads.
NO_FRAME_WAIT = """
(() => {
  const channel = new MessageChannel();
  let queue = [];
  channel.port1.onmessage = () => {
    const callbacks = queue; queue = [];
    const now = performance.now();
    for (const callback of callbacks) callback(now);
  };
  window.requestAnimationFrame = (callback) => {
    queue.push(callback);
    if (queue.length === 1) channel.port2.postMessage(0);
    return queue.length;
  };
})();
"""

READ = """() => ({
  iteration: parseInt(document.querySelector('#iter-number').textContent.replace(/,/g, ''), 10),
  lossTrain: parseFloat(document.querySelector('#loss-train').textContent),
  lossTest: parseFloat(document.querySelector('#loss-test').textContent),
  frames: window.__frames,
  ms: performance.now(),
})"""

#: The hidden layers the page drew: the units' thumbnails are div.canvas#canvas-<id>, hidden
#: and output units numbered from 1, the output unit last; counted per column of the drawing.
HIDDEN_UNITS = """() => {
  const columns = new Map();
  for (const div of document.querySelectorAll('#network div.canvas')) {
    if (!/^canvas-[0-9]+$/.test(div.id)) continue;
    const left = Math.round(div.getBoundingClientRect().left);
    columns.set(left, (columns.get(left) || 0) + 1);
  }
  return [...columns.entries()].sort((a, b) => a[0] - b[0]).map(entry => entry[1]);
}"""

#: TensorFlow Playground's engine alone in Node: oneStep's training loop (src/playground.ts)
#: on the data and network that reset() and generateData() make.
ENGINE_JS = """
const nn = require('./nn');
const dataset = require('./dataset');
require('seedrandom')(process.argv[2], {global: true});
const seconds = parseFloat(process.argv[3]);
const withGrid = process.argv[4] === 'grid';
const data = dataset.classifyCircleData(%(n)d, 0);
dataset.shuffle(data);
const train = data.slice(0, %(n_train)d), test = data.slice(%(n_train)d);
const network = nn.buildNetwork([2, 8, 8, 1], nn.Activations.TANH, nn.Activations.TANH,
                                null, ['x', 'y'], false);
function loss(points) {
  let total = 0;
  for (const p of points) {
    total += nn.Errors.SQUARE.error(nn.forwardProp(network, [p.x, p.y]), p.label);
  }
  return total / points.length;
}
const DENSITY = 100;
const boundary = {};
nn.forEachNode(network, true, node => {
  boundary[node.id] = [];
  for (let i = 0; i < DENSITY; i++) boundary[node.id].push(new Array(DENSITY));
});
function grid() {  // updateDecisionBoundary's numbers, without the drawing
  for (let i = 0; i < DENSITY; i++) {
    for (let j = 0; j < DENSITY; j++) {
      nn.forwardProp(network, [-6 + 12 * i / (DENSITY - 1), 6 - 12 * j / (DENSITY - 1)]);
      nn.forEachNode(network, true, node => { boundary[node.id][i][j] = node.output; });
    }
  }
}
function iteration() {
  train.forEach((point, i) => {
    nn.forwardProp(network, [point.x, point.y]);
    nn.backProp(network, point.label, nn.Errors.SQUARE);
    if ((i + 1) %% %(batch)d === 0) nn.updateWeights(network, 0.03, 0);
  });
  if (withGrid) { loss(train); loss(test); grid(); }
}
for (let i = 0; i < 20; i++) iteration();  // warm-up (the JIT)
let count = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < seconds) {
  iteration();
  count += 1;
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
}
console.log(JSON.stringify({iterations: count, seconds: elapsed,
                            lossTrain: loss(train), lossTest: loss(test)}));
"""


def skip(reason: str) -> int:
    print(f"tf_playground: skipped: {reason}")
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(directory: Path):
    """``python -m http.server`` on a free loopback port, in a thread; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def rates(iterations: float, seconds: float) -> dict:
    per_second = iterations / seconds
    return {
        "iterations": int(iterations),
        "seconds": round(seconds, 3),
        "iterations_per_s": round(per_second, 2),
        "epochs_per_s": round(per_second, 2),
        "updates_per_s": round(per_second * UPDATES_PER_ITERATION, 1),
        "examples_per_s": round(per_second * N_TRAIN, 0),
    }


def measure_page(
    sync_api, chromium: str, url: str, mode: str, seconds: float, warmup: float
) -> dict:
    args = CHROMIUM_ARGS + (UNLIMITED_FRAMES_ARGS if mode == "page-unlimited-frames" else [])
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=args,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            refused: list[str] = []

            def only_loopback(route):
                if route.request.url.startswith(url):
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            context.route("**/*", only_loopback)
            context.add_init_script(COUNT_FRAMES)
            if mode == "page-no-frame-wait":
                context.add_init_script(NO_FRAME_WAIT)
            errors: list[str] = []
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url + "#" + "&".join(f"{k}={v}" for k, v in STATE.items()))
            page.wait_for_selector("#iter-number")
            hidden = page.evaluate(HIDDEN_UNITS)
            if hidden != [8, 8]:
                raise RuntimeError(f"{mode}: the page drew hidden layers {hidden}, not [8, 8]")
            idle = page.evaluate(READ)
            page.wait_for_timeout(2000)
            idle_end = page.evaluate(READ)
            page.click("#play-pause-button")
            page.wait_for_timeout(warmup * 1000)
            first = page.evaluate(READ)
            page.wait_for_timeout(seconds * 1000)
            last = page.evaluate(READ)
            page.click("#play-pause-button")
        finally:
            context.close()
    if last["iteration"] <= first["iteration"]:
        raise RuntimeError(f"{mode}: the iteration counter did not move: {first} -> {last}")
    elapsed = (last["ms"] - first["ms"]) / 1000
    return {
        "mode": mode,
        **rates(last["iteration"] - first["iteration"], elapsed),
        "frames_per_s": round((last["frames"] - first["frames"]) / elapsed, 1),
        "ms_per_iteration": round(1000 * elapsed / (last["iteration"] - first["iteration"]), 2),
        "loss_train": last["lossTrain"],
        "loss_test": last["lossTest"],
        "idle_frames_per_s": round(
            1000 * (idle_end["frames"] - idle["frames"]) / (idle_end["ms"] - idle["ms"]), 1
        ),
        "hidden_units_drawn": hidden,
        "page_errors": errors,
        "refused_requests": len(refused),
        "chromium_args": args,
    }


def measure_engine(source: Path, seconds: float, grid: bool) -> dict:
    tsc = source / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        raise FileNotFoundError(f"{tsc} is missing: run npm ci in {source}")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [str(tsc), "--module", "commonjs", "--target", "es5", "--outDir", out]
            + [str(source / "src" / name) for name in ("nn.ts", "dataset.ts")],
            check=True,
            capture_output=True,
        )
        script = Path(out) / "engine.js"
        script.write_text(ENGINE_JS % {"n": N_POINTS, "n_train": N_TRAIN, "batch": BATCH})
        env = dict(os.environ, NODE_PATH=str(source / "node_modules"))
        done = subprocess.run(
            ["node", str(script), SEED, str(seconds), "grid" if grid else "train"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=out,
        )
    found = json.loads(done.stdout)
    return {
        "mode": "engine+grid" if grid else "engine",
        **rates(found["iterations"], found["seconds"]),
        "frames_per_s": None,
        "ms_per_iteration": round(1000 * found["seconds"] / found["iterations"], 3),
        "loss_train": round(found["lossTrain"], 4),
        "loss_test": round(found["lossTest"], 4),
        "node": subprocess.run(
            ["node", "--version"], capture_output=True, text=True
        ).stdout.strip(),
    }


def machine() -> dict:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "load_1min": load}


def table(results: list[dict]) -> str:
    head = "| mode | iterations (epochs)/s | weight updates/s | frames/s | ms/iteration |"
    lines = [head, "|---|---:|---:|---:|---:|"]
    for r in results:
        frames = "—" if r["frames_per_s"] is None else f"{r['frames_per_s']:.1f}"
        lines.append(
            f"| {r['mode']} | {r['iterations_per_s']:.1f} | {r['updates_per_s']:.0f} | "
            f"{frames} | {r['ms_per_iteration']} |"
        )
    return "\n".join(lines)


PAGE_MODES = ("page", "page-unlimited-frames", "page-no-frame-wait")


def missing(dist: Path) -> str | None:
    """Why TensorFlow Playground cannot be measured here, or None."""
    if not (dist / "index.html").is_file() or not (dist / "bundle.js").is_file():
        return f"{dist} is not a built TensorFlow Playground (no index.html, bundle.js)"
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        return "Chromium is not installed (Debian: apt install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    return None


def measure(
    dist: Path,
    seconds: float = 20.0,
    warmup: float = 3.0,
    modes=PAGE_MODES,
    source: Path | None = None,
) -> dict:
    """Every mode asked for (see the module's text), with the machine and the browser: the
    report ``--json`` writes. ``missing(dist)`` must be None."""
    from playwright import sync_api

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    results = []
    with serve(dist) as url:
        for mode in modes:
            results.append(measure_page(sync_api, chromium, url, mode, seconds, warmup))
            print(f"{mode}: {results[-1]['iterations_per_s']} iterations/s", file=sys.stderr)
    if source is not None:
        if shutil.which("node") is None:
            print("tf_playground: engine skipped: node is not installed", file=sys.stderr)
        else:
            for grid in (False, True):
                results.append(measure_engine(source, seconds, grid))
    return {
        "what": "TensorFlow Playground, 2-8-8-1 tanh, circle, 500 points (250 train), batch 10",
        "iteration": f"one epoch: {N_TRAIN} examples, {UPDATES_PER_ITERATION} weight updates "
        f"of a batch of {BATCH}, then the loss and the page's redraw",
        "machine": machine(),
        "chromium": subprocess.run(
            [chromium, "--version"], capture_output=True, text=True
        ).stdout.strip(),
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/tf_playground.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("dist", type=Path, help="the dist/ folder of a TensorFlow Playground build")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per mode")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of play before")
    parser.add_argument(
        "--modes", default=",".join(PAGE_MODES), help="comma-separated: " + ", ".join(PAGE_MODES)
    )
    parser.add_argument(
        "--source", type=Path, help="a TensorFlow Playground checkout (npm ci done): adds 'engine'"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if unknown := set(modes) - set(PAGE_MODES):
        parser.error(f"--modes: unknown {sorted(unknown)}; choose from {sorted(PAGE_MODES)}")
    reason = missing(args.dist)
    if reason:
        return skip(reason)
    report = measure(args.dist, args.seconds, args.warmup, modes, args.source)
    print(table(report["results"]))
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
