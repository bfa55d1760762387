"""What a stranger meets in the playground page, in a real browser (headless Chromium driven by
Playwright) against ``chainrule serve``: the exported files download under the names the page,
the snippet and the checkpoint use, and the page says what ``chainrule eval`` will print for
them. Skips when Playwright, Chromium or the web extra is missing."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import test_playground_browser as page_tests
from test_playground_browser import WAIT_MS, _environment, ready, shot, until

# the fixtures of the playground's page tests: its server, browser, page and artifacts folder
server, browser, page, artifacts = (
    page_tests.server,
    page_tests.browser,
    page_tests.page,
    page_tests.artifacts,
)

pytestmark = pytest.mark.slow


def test_the_exports_download_as_named_and_eval_prints_what_the_page_says(
    page, server, artifacts, tmp_path
):
    page.goto(server + "?data=xor&layers=3&seed=2")
    ready(page, hidden_units=3)
    for _ in range(5):
        page.click("#step")
    until(page, "document.body.dataset.step === '5'")
    # at rest, the page says what `chainrule eval` prints for the exported files
    until(page, "document.getElementById('eval-report').dataset.step === '5'", timeout=WAIT_MS)
    said = page.locator("#eval-report").inner_text()
    for link, name in (
        ("#export-checkpoint", "checkpoint.npz"),
        ("#export-data", "data.csv"),
        ("#export-snippet", "snippet.py"),
    ):
        with page.expect_download() as download:
            page.click(link)
        assert download.value.suggested_filename == name
        download.value.save_as(tmp_path / name)
    shot(page, artifacts, "review-eval-report", full_page=True)

    printed = subprocess.run(
        [sys.executable, "-m", "chainrule", "eval", "checkpoint.npz", "--data", "data.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment(),
        timeout=300,
    )
    assert printed.returncode == 0, printed.stderr
    loss = re.search(r"^loss: (\S+)$", printed.stdout, re.M).group(1)
    accuracy = re.search(r"^accuracy: (\S+)$", printed.stdout, re.M).group(1)
    examples = re.search(r"\(test\): (\d+) examples", printed.stdout).group(1)
    assert said.startswith(
        f"chainrule eval checkpoint.npz --data data.csv prints loss {loss}, accuracy {accuracy}: "
        f"on its own test part of data.csv ({examples} rows, 25% drawn from seed 2)"
    ), (said, printed.stdout)
    # the files read beside each other under these names, as the page's note says
    explained = subprocess.run(
        [sys.executable, "-m", "chainrule", "explain", "--checkpoint", "checkpoint.npz"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment(),
        timeout=300,
    )
    assert explained.returncode == 0, explained.stderr
    assert "δ" in explained.stdout
