"""The pages looked at: rendered in headless Chromium, the equations (MathML) and diagrams
(SVG) are present, visible and laid out, the step-through steps, and nothing is fetched.

Skips when Playwright or Chromium is missing (Debian's ``chromium`` is what CI installs)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from chromium import ARGS, CHROMIUM

from chainrule.demo.book import X, Y, book_network
from chainrule.explain import explain_document, render_html, trace

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason='Playwright is not installed (pip install -e ".[test]")'
)
if CHROMIUM is None:
    pytest.skip("Chromium is not installed (Debian: apt install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path_factory.mktemp("chromium-profile")),
                executable_path=CHROMIUM,
                headless=True,
                args=ARGS,
                viewport={"width": 1100, "height": 900},
            )
        except sync_api.Error as exc:  # a chromium that cannot start here
            pytest.skip(f"chromium does not start: {str(exc).splitlines()[0]}")
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        context.requests = requests
        yield context
        context.close()


def box(locator):
    found = locator.bounding_box()
    assert found is not None, "not rendered"
    return found


def visible_size(locator) -> bool:
    b = box(locator)
    return b["width"] > 0 and b["height"] > 0


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "explain.html"
    path.write_text(
        render_html(explain_document(trace(book_network(), X[0], Y[0]))), encoding="utf-8"
    )
    return path


def test_the_page_renders_its_equations_and_pictures(browser, page_file):
    from PIL import Image

    browser.requests.clear()
    page = browser.new_page()
    page.goto(page_file.as_uri())
    assert [url for url in browser.requests if not url.startswith("file:")] == []
    # the equations: MathML laid out by the browser, fractions stacked
    maths = page.locator("math")
    assert maths.count() > 30
    for k in (0, 5, 12):
        assert visible_size(maths.nth(k))
    matrix = page.locator("mrow.matrix").first
    assert box(matrix)["height"] > 40  # a 4×3 matrix stands four rows tall
    fraction = page.locator("mfrac").first
    fraction.scroll_into_view_if_needed()
    numerator, denominator = (box(fraction.locator(":scope > *").nth(k)) for k in (0, 1))
    assert numerator["y"] + numerator["height"] <= denominator["y"] + 1
    # headings come before their equations, one below the other
    step1 = box(page.locator("#step1 h2"))
    first_eq = box(page.locator("#step1 math").first)
    assert first_eq["y"] > step1["y"] + step1["height"]
    # the pictures: every SVG outside the hidden step-through frames has a size
    svgs = page.locator("figure.picture > svg")
    assert svgs.count() >= 1
    for k in range(svgs.count()):
        assert visible_size(svgs.nth(k))
    assert visible_size(page.locator("#graph svg"))
    assert page.locator("#graph svg rect.node").count() == 14
    # the screenshot is a real picture, not a blank page
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("L")
    pixels = np.asarray(shot, dtype=float)
    assert shot.size[1] > 3000 and pixels.std() > 10 and (pixels < 128).mean() > 0.01
    page.close()


def test_the_step_through_steps(browser, page_file):
    page = browser.new_page()
    page.goto(page_file.as_uri())
    stepper = page.locator("#pictures .stepper")
    frames = stepper.locator(".frame")
    assert frames.count() == 4
    assert frames.nth(0).is_visible() and not frames.nth(1).is_visible()
    assert stepper.locator(".count").inner_text() == "1 / 4"
    stepper.locator("button.next").click()
    assert frames.nth(1).is_visible() and not frames.nth(0).is_visible()
    assert stepper.locator(".count").inner_text() == "2 / 4"
    assert visible_size(frames.nth(1).locator("svg"))
    assert "Step 1" in frames.nth(1).get_attribute("title")
    stepper.locator("button.prev").click()
    stepper.locator("button.prev").click()  # wraps round to the last frame
    assert frames.nth(3).is_visible()
    page.close()


def test_the_playground_page_in_the_browser(browser):
    pytest.importorskip("uvicorn", reason='the playground needs its extra: pip install -e ".[web]"')
    from chainrule.playground.server import start_in_thread

    server = start_in_thread()
    url = server.url + "explain"
    try:
        browser.requests.clear()
        page = browser.new_page()
        page.goto(url)
        page.fill("input[name=layers]", "2,3,1")
        page.select_option("select[name=activation]", "tanh")
        page.fill("input[name=input]", "0.5,-1")
        page.fill("input[name=target]", "0.25")
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        assert "layers=2%2C3%2C1" in page.url
        assert "Sequential(2→3→1)" in page.locator("header").inner_text()
        assert page.locator("math").count() > 20 and visible_size(page.locator("math").first)
        stepper = page.locator("#pictures .stepper")
        stepper.locator("button.next").click()
        assert stepper.locator(".count").inner_text() == "2 / 4"
        assert all(u.startswith(server.url) for u in browser.requests)
        page.close()
    finally:
        server.stop()


WIDE_PAGES = {  # name: the explain command's options
    "book": [],
    "deep-ce": ["--layers", "3,8,8,4", "--cost", "ce", "--input", "1,-2,0.5", "--target", "2"],
    "chain": ["--view", "chain"],
    "scalar": [
        "--view",
        "scalar",
        "--layers",
        "3,8,8,4",
        "--input",
        "1,-2,0.5",
        "--target",
        "0,1,0,0",
    ],
}


@pytest.mark.parametrize("name", sorted(WIDE_PAGES))
def test_a_1280_px_window_needs_no_horizontal_scroll(browser, tmp_path, name):
    """Made by the real command; the page and every equation fit a 1280-px-wide window (long
    equations wrap between their pieces). Screenshots are left in the temporary folder."""
    import subprocess
    import sys

    page_file = tmp_path / f"{name}.html"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "chainrule",
            "explain",
            "--format",
            "html",
            *WIDE_PAGES[name],
            "--out",
            str(page_file),
        ],
        check=True,
        capture_output=True,
    )
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page_file.as_uri())
    scroll = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert scroll[0] <= scroll[1]
    wide = page.evaluate("""Array.from(document.querySelectorAll('.eq, figure'))
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .map(e => e.textContent.slice(0, 60))""")
    assert wide == []
    assert page.locator(".eq.broken").count() >= (1 if name != "chain" else 0)
    page.screenshot(path=str(tmp_path / f"{name}-1280.png"), full_page=True)
    page.close()
