"""docs/architecture.md names every module of the package, so a newcomer finds each file's
room there (a module added without a line fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import chainrule

SOURCE = Path(chainrule.__file__).resolve().parent
DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
#: folders whose modules the document names as a group ("one module per command in
#: `cli/commands/`", the benchmark's `peers/`), and the entry points
BY_GROUP = ("cli/", "bench/peers/")
ENTRY_POINTS = ("__main__.py",)


def unnamed_modules(text: str) -> list[str]:
    """The modules not named in ``text``: by file name (`trace.py`), by a path ending in it
    (`measurements/dynamic_programming.py`), or, in a list of the derivative table's modules,
    by name alone (`arithmetic`)."""
    named = set(re.findall(r"`([\w/]+(?:\.py)?)`", text))
    missing = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if path.name == "__init__.py" or relative in ENTRY_POINTS or relative.startswith(BY_GROUP):
            continue
        if not any(
            relative == n
            or relative.endswith("/" + n)
            or (relative.startswith("ops/") and n == path.stem)
            for n in named
        ):
            missing.append(relative)
    return missing


def test_every_module_is_named():
    assert unnamed_modules(DOC.read_text(encoding="utf-8")) == []


def test_a_module_left_out_is_found():
    text = DOC.read_text(encoding="utf-8").replace("`defaults.py`", "defaults")
    assert unnamed_modules(text) == ["train/defaults.py"]
