"""The installed ``chainrule`` command, as the CLI tests run it: the console script of this
environment when there is one, else ``python -m chainrule``."""

from __future__ import annotations

import shutil
import subprocess
import sys


def chainrule_command() -> list[str]:
    """The command line that starts ``chainrule``."""
    exe = shutil.which("chainrule")
    return [exe] if exe else [sys.executable, "-m", "chainrule"]


def run_chainrule(*args, timeout: float = 300, **options) -> subprocess.CompletedProcess:
    """Run ``chainrule ARGS`` (each argument made a string), capturing its text output;
    ``options`` go to :func:`subprocess.run` (``cwd``, ``env``, ``input`` …)."""
    return subprocess.run(
        [*chainrule_command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        **options,
    )
