"""Debian's Chromium for the browser tests: where it is, and the flags it runs with headless
here (no sandbox in a container, no GPU, nothing fetched in the background)."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
