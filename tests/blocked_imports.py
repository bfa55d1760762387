"""Running code as if an optional package were not installed.

In-process: :func:`block` puts ``None`` into ``sys.modules`` for the package and every
submodule already imported (an import of any of them then raises ImportError). In a fresh
process: :func:`run_without` starts the real ``chainrule`` command with a ``sitecustomize``
that refuses to import the packages named in ``$CHAINRULE_TEST_BLOCK``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from installed_cli import run_chainrule

SITECUSTOMIZE = """
import os
import sys

BLOCKED = set(filter(None, os.environ.get("CHAINRULE_TEST_BLOCK", "").split(",")))


class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
        return None


sys.meta_path.insert(0, _Blocker())
"""


def block(monkeypatch, *packages: str) -> None:
    """Make ``import package`` (and its submodules) fail for the rest of the test."""
    for package in packages:
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            monkeypatch.setitem(sys.modules, name, None)
        monkeypatch.setitem(sys.modules, package, None)


def run_without(packages, args, cwd: Path) -> subprocess.CompletedProcess:
    """``chainrule ARGS`` in ``cwd`` (the installed command, else ``python -m chainrule``), in
    a process where the ``packages`` cannot be imported."""
    site = cwd / "blocked-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = dict(
        os.environ,
        CHAINRULE_TEST_BLOCK=",".join(packages),
        PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
    )
    return run_chainrule(*args, cwd=cwd, env=env)
