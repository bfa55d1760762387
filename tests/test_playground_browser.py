"""The playground page in a real browser (headless Chromium driven by Playwright) against the
real server, started by the test with ``chainrule serve --port 0``: the network is changed in
the page, trained until the test loss falls, paused; the backward pass of an example shows δ
equations whose numbers are ``chainrule.explain.trace``'s on the exported checkpoint; a weight's
paths of influence; the checkpoint read by ``chainrule eval``; a link that reproduces the
configuration; a CSV with a bad row; windows of 1280 and 800 pixels; nothing fetched from
anywhere but the server.

Screenshots go to ``$CHAINRULE_ARTIFACTS`` (default: the test's temporary directory);
``CHAINRULE_UPDATE_SCREENSHOT=1`` also writes the README's ``docs/playground.png``.
Skips when Playwright, Chromium or the web extra is missing."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from chromium import ARGS, CHROMIUM

import chainrule
from chainrule.checkpoint import load_checkpoint
from chainrule.explain import trace
from chainrule.explain.document.math_text import matrix_cells

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason='Playwright is not installed (pip install -e ".[test]")'
)
pytest.importorskip("starlette", reason='the web extra is not installed (pip install -e ".[web]")')
pytest.importorskip("uvicorn", reason='the web extra is not installed (pip install -e ".[web]")')
pytest.importorskip("chainrule.playground.app", reason="the playground's server is not built")
if CHROMIUM is None:
    pytest.skip("Chromium is not installed (Debian: apt install chromium)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
#: generous: the page trains in seconds; a loaded CI machine may take much longer
TRAINING_TIMEOUT_MS = 240_000
WAIT_MS = 60_000
LOSS_BOUND = 0.1


def _environment() -> dict[str, str]:
    """The server runs the chainrule the tests import (the checkout's, not an installed one)."""
    env = dict(os.environ)
    source = str(Path(chainrule.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([source, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


@pytest.fixture(scope="module")
def server():
    """``chainrule serve --port 0``: its address, read from the line it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "chainrule", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(),
    )
    lines: queue.Queue[str] = queue.Queue()

    def read():
        for line in process.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    url = None
    while url is None:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            break
        if not line:
            break
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        url = found.group(0) if found else None
    if url is None:
        process.kill()
        pytest.fail(f"chainrule serve printed no address: {process.stderr.read()[-2000:]}")
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    named = os.environ.get("CHAINRULE_ARTIFACTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("playground-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path_factory.mktemp("chromium-profile")),
                executable_path=CHROMIUM,
                headless=True,
                args=ARGS,
                viewport={"width": 1280, "height": 900},
                accept_downloads=True,
            )
        except sync_api.Error as exc:  # a chromium that cannot start here
            pytest.skip(f"chromium does not start: {str(exc).splitlines()[0]}")
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        context.requests = requests
        yield context
        context.close()


@pytest.fixture
def page(browser, server):
    """A page of the playground; its script errors and refused policies fail the test."""
    browser.requests.clear()
    tab = browser.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} for {response.url}")
            if response.status >= 400 and "/upload" not in response.url  # a bad CSV: a 400
            else None
        ),
    )
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    tab.close()
    assert problems == []
    # nothing but the server: the page, its assets, its data (the WebSocket is the same host)
    outside = [url for url in browser.requests if not url.startswith(server)]
    assert outside == []


def until(page, expression: str, timeout: int = WAIT_MS) -> None:
    """Wait until a JavaScript expression holds on the page (passed as a function: the page's
    policy refuses the eval of a string)."""
    page.wait_for_function(f"() => ({expression})", timeout=timeout)


def ready(page, hidden_units: int | None = None) -> None:
    """Wait until the page shows a run (and, if given, that many hidden units)."""
    page.wait_for_selector("body.connected #network .unit", timeout=WAIT_MS)
    until(page, "document.body.dataset.step !== undefined", timeout=WAIT_MS)
    if hidden_units is not None:
        until(
            page,
            f"document.querySelectorAll('#network .unit.hidden').length === {hidden_units}",
            timeout=WAIT_MS,
        )


def query(page) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlparse(page.url).query).items()}


def metric(page, name: str) -> float:
    return float(page.locator(f"#{name}").get_attribute("data-value"))


def shot(page, artifacts: Path, name: str, full_page: bool = False) -> Path:
    path = artifacts / f"playground-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def download(page, link: str, path: Path) -> Path:
    """Click an export link of the page and save what the browser downloads at ``path``."""
    with page.expect_download(timeout=WAIT_MS) as started:
        page.click(link)
    started.value.save_as(path)
    return path


def same(a: str, b: str) -> bool:
    """Two settings as text: equal numbers ("10" and "10.0") or equal text."""
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def click_point(page, server: str, split: str, index: int) -> None:
    """Click example ``index`` of ``split`` on the output plane, where the page draws it: the
    same settings give the same data in any process, so the test makes the run's data too."""
    from chainrule.playground.run import PlaygroundRun
    from chainrule.playground.settings import read_settings

    data = PlaygroundRun(read_settings(query(page))).data()
    x, y = data[split]["x"][index]
    xmin, xmax, ymin, ymax = data["extent"]
    canvas = page.locator("#output-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(
        box["x"] + (x - xmin) / (xmax - xmin) * box["width"],
        box["y"] + (ymax - y) / (ymax - ymin) * box["height"],
    )


def test_build_train_pause_walk_back_export(page, server, artifacts, tmp_path):
    page.goto(server)
    ready(page, hidden_units=6)  # the default network: 4, 2
    assert page.locator("#layer-count").inner_text().lower() == "2 hidden layers"
    shot(page, artifacts, "01-loaded")

    # change the network: a third hidden layer, a unit more in the first, Adam
    page.click("#add-layer")
    ready(page, hidden_units=8)
    page.click('.layer-head[data-layer="1"] .units-plus')
    ready(page, hidden_units=9)
    page.select_option("#ctl-optimizer", "adam")
    until(page, "location.search.includes('optimizer=adam')")
    assert query(page)["layers"] == "5,2,2"
    assert page.locator("#layer-count").inner_text().lower() == "3 hidden layers"
    assert page.locator('.layer-head[data-layer="1"] .units-count').inner_text() == "5 units"
    link = page.url

    # train until the test loss falls below the bound: waits on the number the page shows
    start_loss = metric(page, "test-loss")
    page.click("#play")
    until(
        page,
        "(() => { const v = document.getElementById('test-loss').dataset.value;"
        f" return v !== '' && Number(v) < {LOSS_BOUND}; }})()",
        timeout=TRAINING_TIMEOUT_MS,
    )
    page.click("#play")  # pause
    page.wait_for_selector('#play[aria-label="play"]')
    assert start_loss > LOSS_BOUND
    assert int(page.locator("#steps").inner_text()) > 0
    # the curves have their history, and the output plane its points
    assert page.evaluate("document.getElementById('loss-chart').width") > 0
    shot(page, artifacts, "02-trained")

    # the backward pass of an example clicked on the plane, from the output back (the test
    # points hidden: no test point drawn on top of it takes the click)
    page.uncheck("#show-test")
    click_point(page, server, "train", 7)
    steps = page.locator("#bp-steps .bp-step")
    until(page, "document.querySelectorAll('#bp-steps .bp-step').length === 4", timeout=WAIT_MS)
    assert page.locator("#bp-steps .bp-step.shown").count() >= 1  # δ appears layer by layer
    page.click("#bp-all")
    assert page.locator("#bp-steps .bp-step.shown").count() == 4
    # on the diagram too: every unit of layers 1 … 4 ringed by its δ, the inputs not
    assert page.locator("#network .unit.delta").count() == 5 + 2 + 2 + 2
    assert page.locator("#network .unit.input.delta").count() == 0
    layers = [int(steps.nth(k).get_attribute("data-layer")) for k in range(4)]
    assert layers == [4, 3, 2, 1]
    x = np.array(json.loads(page.locator("#bp-steps").get_attribute("data-x")))
    y = np.array(json.loads(page.locator("#bp-steps").get_attribute("data-y")))
    summary = page.locator("#bp-summary").inner_text()
    assert summary.startswith("train example 7 at step ")
    page.check("#show-test")
    shot(page, artifacts, "03-backprop", full_page=True)

    # the same numbers from chainrule.explain.trace on the exported checkpoint's weights
    run = page.locator("body").get_attribute("data-run")
    href = page.locator("#export-checkpoint").get_attribute("href")
    assert href == f"/runs/{run}/checkpoint.npz"
    checkpoint = download(page, "#export-checkpoint", tmp_path / "checkpoint.npz")
    net = load_checkpoint(checkpoint).build_network()
    net.eval()
    expected = trace(net, x, y, "ce")
    for k, l in enumerate(layers):
        shown = np.array(json.loads(steps.nth(k).get_attribute("data-delta")))
        delta = expected.layer(l).delta[0]
        np.testing.assert_allclose(shown, delta, rtol=1e-5, atol=1e-7)
        # the equation δ^(l) = … = [numbers]: its last matrix holds δ as explain prints it
        cells = page.evaluate(
            "(step) => { const m = [...step.querySelectorAll('.delta-eq mrow.matrix')].at(-1);"
            " return [...m.querySelectorAll('mtd')].map((td) => td.textContent.trim()); }",
            steps.nth(k).element_handle(),
        )
        printed = [cell for row in matrix_cells(delta.reshape(-1, 1), 4) for cell in row]
        assert cells == printed, f"layer {l}"

    # hovering: a unit's a and δ for that example, a line's w (3 significant digits shown)
    tip = page.locator("#tooltip")
    page.locator('#network .unit.hidden[data-l="1"][data-j="0"]').hover()
    tip.wait_for(state="visible")
    shown = tip.inner_text()
    assert float(re.search(r"\ba = (\S+)", shown).group(1)) == pytest.approx(
        expected.layer(1).a[0, 0], rel=5e-3, abs=1e-6
    )
    assert float(re.search(r"δ = ∂C/∂z = (\S+)", shown).group(1)) == pytest.approx(
        expected.layer(1).delta[0, 0], rel=5e-3, abs=1e-9
    )
    until(page, "document.getElementById('output-view').classList.contains('showing-unit')")
    assert "hidden unit 0 of layer 1" in page.locator("#probe-caption").inner_text()
    page.mouse.move(1, 1)  # off the diagram: the plane shows the output again
    until(page, "!document.getElementById('output-view').classList.contains('showing-unit')")
    page.locator('#network path.link-hit[data-l="1"][data-j="0"][data-i="1"]').dispatch_event(
        "mousemove"
    )
    shown = tip.inner_text()
    assert shown.startswith("W1[0,1]")
    assert float(re.search(r"\bw = (\S+)", shown).group(1)) == pytest.approx(
        expected.layer(1).W[0, 1], rel=5e-3
    )

    # click a weight in the diagram: its paths of influence, their sum the engine's gradient
    page.locator('#network path.link-hit[data-l="2"][data-j="0"][data-i="1"]').dispatch_event(
        "click"
    )
    paths = page.locator("#bp-paths")
    until(page, "document.getElementById('bp-paths').dataset.weight === 'W2[0,1]'", timeout=WAIT_MS)
    assert "paths of influence of W2[0,1]" in paths.locator("h3").first.inner_text()
    assert paths.locator("p.note.ok").count() == 1  # Σ over paths = the engine's ∂C/∂w
    paths.scroll_into_view_if_needed()
    shot(page, artifacts, "04-paths")

    # the checkpoint and the run's data read by the real `chainrule eval`
    data_csv = download(page, "#export-data", tmp_path / "data.csv")
    snippet = download(page, "#export-snippet", tmp_path / "snippet.py").read_text("utf-8")
    compile(snippet, "snippet.py", "exec")
    evaluated = subprocess.run(
        [sys.executable, "-m", "chainrule", "eval", str(checkpoint), "--data", str(data_csv)],
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=300,
    )
    assert evaluated.returncode == 0, evaluated.stderr
    accuracy = re.search(r"accuracy:\s*([0-9.]+)", evaluated.stdout)
    assert accuracy is not None, evaluated.stdout
    assert float(accuracy.group(1)) > 0.9
    # and by `chainrule explain --checkpoint`, beside its data as the page says
    explained = subprocess.run(
        [sys.executable, "-m", "chainrule", "explain", "--checkpoint", "checkpoint.npz"],
        capture_output=True,
        text=True,
        env=_environment(),
        cwd=tmp_path,
        timeout=300,
    )
    assert explained.returncode == 0, explained.stderr
    assert "The backward pass, step by step" in explained.stdout

    # the page's link reproduces the configuration the network was changed to
    again = page.context.new_page()
    again.goto(link)
    ready(again, hidden_units=9)
    assert again.locator("#ctl-optimizer").input_value() == "adam"
    assert again.locator("#ctl-layers").input_value() == "5,2,2"
    again.close()

    if os.environ.get("CHAINRULE_UPDATE_SCREENSHOT") == "1":
        page.evaluate("() => { document.getElementById('tooltip').hidden = true; }")
        page.evaluate("window.scrollTo(0, 0)")
        picture = page.screenshot(
            full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1240}
        )
        (ROOT / "docs" / "playground.png").write_bytes(picture)


def test_a_link_reproduces_the_run(page, server, artifacts):
    settings = {
        "data": "xor",
        "noise": "10",
        "features": "x1,x2,x1x2",
        "layers": "3,3",
        "activation": "relu",
        "lr": "0.1",
        "seed": "7",
    }
    page.goto(server + "?" + "&".join(f"{k}={v}" for k, v in settings.items()))
    ready(page, hidden_units=6)
    until(page, "location.search.includes('seed=7')")
    normalised = page.url
    # every setting differs from its default: all are in the address, as the server wrote them
    assert query(page).keys() == settings.keys()
    for key, value in query(page).items():
        assert same(value, settings[key]), key

    def controls():
        return {
            "data": page.locator("#ctl-data button.selected").get_attribute("data-value"),
            "features": [
                node.get_attribute("data-feature")
                for node in page.locator('#network .unit.input[aria-checked="true"]').all()
            ],
            "layers": page.locator("#ctl-layers").input_value(),
            "activation": page.locator("#ctl-activation").input_value(),
            "lr": page.locator("#ctl-lr").input_value(),
            "seed": page.locator("#ctl-seed").input_value(),
            "noise": page.locator("#ctl-noise").input_value(),
        }

    def ten_steps() -> float:
        for k in range(10):
            page.click("#step")
            until(page, f"document.getElementById('steps').textContent === '{k + 1}'")
        return metric(page, "test-loss")

    shown = controls()
    assert shown.pop("features") == ["x1", "x2", "x1x2"]
    for key, value in shown.items():
        assert same(value, settings[key]), key
    shown = controls()
    loss = ten_steps()
    page.reload()
    ready(page, hidden_units=6)
    assert page.url == normalised
    assert controls() == shown
    assert ten_steps() == loss  # same seed, same steps, the same numbers
    shot(page, artifacts, "05-link")


def test_a_csv_with_a_bad_row_is_refused_naming_it(page, server, artifacts):
    page.goto(server)
    ready(page)
    bad = b"x1,x2,label\n0.1,0.2,a\n0.3,abc,b\n0.5,0.1,a\n"
    page.set_input_files(
        "#upload-file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    error = page.locator("#upload-error")
    error.wait_for(state="visible", timeout=WAIT_MS)
    text = error.inner_text()
    assert text.startswith("bad.csv")
    assert re.search(r"\b(line|row) 3\b", text) and "x2" in text and "abc" in text
    shot(page, artifacts, "06-upload-error")
    # a good file trains: its columns are the network's inputs
    rows = ["x1,x2,label"] + [
        f"{a:.3f},{b:.3f},{'yes' if a * b > 0 else 'no'}"
        for a, b in np.random.default_rng(0).uniform(-1, 1, (60, 2))
    ]
    page.set_input_files(
        "#upload-file",
        files=[{"name": "good.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}],
    )
    until(page, "location.search.includes('data=upload')", timeout=WAIT_MS)
    assert error.is_hidden()
    assert (
        page.locator("#upload-note").inner_text() == "good.csv: 60 rows, 2 columns, classes no, yes"
    )
    assert page.locator("#ctl-data button.selected").get_attribute("data-value") == "upload"
    # two columns and classes: points on a plane, the columns the network's two inputs
    until(page, "document.body.dataset.kind === 'plane'", timeout=WAIT_MS)
    ready(page)
    names = page.locator("#network .unit.input").evaluate_all("ns => ns.map(n => n.dataset.name)")
    assert names == ["x1", "x2"]
    assert page.locator("#network .unit.input[data-feature]").count() == 0  # nothing to toggle
    # a column of numbers last: a regression, trained with ½‖a − y‖²
    rows = ["size,rooms,age,price"] + [
        f"{a:.3f},{b:.3f},{c:.3f},{2 * a - b + c:.3f}"
        for a, b, c in np.random.default_rng(1).uniform(0, 1, (80, 3))
    ]
    page.set_input_files(
        "#upload-file",
        files=[{"name": "prices.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}],
    )
    page.wait_for_function("() => document.body.dataset.task === 'regression'", timeout=WAIT_MS)
    ready(page)
    assert page.locator("#ctl-cost").input_value() == "mse"
    assert query(page)["cost"] == "mse"
    names = page.locator("#network .unit.input").evaluate_all("ns => ns.map(n => n.dataset.name)")
    assert names == ["size", "rooms", "age"]


@pytest.mark.parametrize("width", [1280, 800])
def test_the_page_fits_the_window(page, server, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server)
    ready(page, hidden_units=6)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for selector in ("#play", "#network", "#output-canvas", "#test-loss", "#ctl-lr"):
        assert page.locator(selector).is_visible(), selector
    # still usable: a step from the top bar, shown in the counters
    page.click("#step")
    until(page, "document.getElementById('steps').textContent === '1'")
    # and the backward pass fits too (wide equations scroll inside their own box)
    page.click("#bp-go")
    until(page, "document.querySelectorAll('#bp-steps .bp-step').length === 3")
    page.click("#bp-all")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, artifacts, f"07-width-{width}", full_page=True)


def test_a_bad_setting_is_named_and_the_page_recovers(page, server):
    page.goto(server + "?lr=99")
    message = page.locator("#message")
    message.wait_for(state="visible", timeout=WAIT_MS)
    assert "'lr'" in message.inner_text() and "99" in message.inner_text()
    assert page.locator('.control.invalid[data-key="lr"]').count() == 1
    page.fill("#ctl-lr", "0.3")
    page.dispatch_event("#ctl-lr", "change")
    ready(page, hidden_units=6)
    until(page, "location.search === '?lr=0.3'")
    assert message.is_hidden()
    assert page.locator(".control.invalid").count() == 0


def test_training_stops_at_its_stop_condition(page, server, artifacts):
    page.goto(server + "?epochs=3")
    ready(page, hidden_units=6)
    page.click("#play")
    stopped = page.locator("#stopped")
    stopped.wait_for(state="visible", timeout=TRAINING_TIMEOUT_MS)
    assert "3 epochs" in stopped.inner_text()
    page.wait_for_selector('#play[aria-label="play"]')
    assert float(page.locator("#epoch").inner_text()) >= 3
    shot(page, artifacts, "08-stopped")
    page.click("#play")  # a stopped run does not start again: the page says why
    assert "Stopped" in page.locator("#message").inner_text()


def test_digits_show_their_picture_and_predicted_class(page, server, artifacts):
    page.goto(server + "?data=digits&layers=8")
    ready(page, hidden_units=8)
    assert page.locator("#output-canvas").is_hidden()
    gallery = page.locator("#digit-gallery canvas")
    assert gallery.count() == 40
    page.click("#step")
    until(page, "document.body.dataset.step === '1'")
    gallery.nth(3).click()
    until(page, "document.getElementById('digit-caption').textContent.startsWith('test example 3')")
    caption = page.locator("#digit-caption").inner_text()
    assert re.fullmatch(r"test example 3: predicted \d, label \d", caption), caption
    assert "selected" in gallery.nth(3).get_attribute("class")
    # the backward pass of that picture: 64 inputs, ten outputs
    until(page, "document.querySelectorAll('#bp-steps .bp-step').length === 2")
    assert len(json.loads(page.locator("#bp-steps").get_attribute("data-x"))) == 64
    assert page.locator("#bp-summary canvas.bp-digit").count() == 1  # shown as its picture
    assert (
        len(json.loads(page.locator("#bp-steps .bp-step").first.get_attribute("data-delta"))) == 10
    )
    shot(page, artifacts, "09-digits")


def test_a_regression_draws_its_curve_through_the_points(page, server, artifacts):
    page.goto(server + "?data=regression&cost=mse&layers=8,8")
    ready(page, hidden_units=16)
    assert page.locator("body.has-accuracy").count() == 0  # no accuracy for a regression
    page.click("#play")
    until(page, "Number(document.body.dataset.step) > 200", timeout=TRAINING_TIMEOUT_MS)
    page.click("#play")
    # the curve is the only near-black ink on the plot
    dark = page.evaluate(
        "() => { const c = document.getElementById('output-canvas');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
        " for (let k = 0; k < d.length; k += 4) if (d[k] < 60 && d[k + 1] < 60 && d[k + 2] < 60)"
        " n += 1; return n; }"
    )
    assert dark > 600  # a 600-pixel-wide canvas crossed by a 2.5-pixel line
    shot(page, artifacts, "10-regression")


def test_changing_the_data_set_leaves_out_what_does_not_apply(page, server):
    page.goto(server + "?data=blobs&classes=4&features=x1,x2,x1sq")
    ready(page)
    assert page.locator("#network .unit.output").count() == 4
    page.click('#ctl-data button[data-value="digits"]')
    until(page, "document.body.dataset.kind === 'digits'")
    assert query(page) == {"data": "digits"}  # no features, no classes: they are for 2-D sets
    assert page.locator("#message").is_hidden()
    assert page.locator('.control[data-key="features"]').is_hidden()
    page.click('#ctl-data button[data-value="blobs"]')
    until(page, "location.search.includes('data=blobs')")
    ready(page)
    assert page.locator('.control[data-key="classes"]').is_visible()
    # the digits' run set every control to what that run used: three blobs, the default
    assert page.locator("#network .unit.output").count() == 3


def test_a_feature_is_turned_on_and_off_by_its_square(page, server):
    page.goto(server)
    ready(page)
    square = page.locator('#network .unit.input[data-feature="x1sq"]')
    assert square.get_attribute("aria-checked") == "false"
    square.click()
    until(page, "location.search === '?features=x1,x2,x1sq'")
    ready(page)
    square = page.locator('#network .unit.input[data-feature="x1sq"]')
    assert square.get_attribute("aria-checked") == "true"
    # the first layer's weights now come from three inputs: 3 × 4 lines
    assert page.locator('#network path.link-hit[data-l="1"]').count() == 12
    page.locator('#network .unit.input[data-feature="x2"]').focus()
    page.keyboard.press("Enter")  # the keyboard does it too
    until(page, "location.search === '?features=x1,x1sq'")


def test_a_backprop_the_server_refuses_says_why_in_its_panel(page, server):
    page.goto(server)
    ready(page)
    page.fill("#bp-index", "100000")  # no such example
    page.click("#bp-go")
    error = page.locator("#bp-error")
    error.wait_for(state="visible", timeout=WAIT_MS)
    assert "100000" in error.inner_text()
    page.fill("#bp-index", "3")
    page.click("#bp-go")
    until(page, "document.querySelectorAll('#bp-steps .bp-step').length === 3")
    assert error.is_hidden()
