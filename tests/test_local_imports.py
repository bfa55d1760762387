"""A function-local import of a chainrule module is a deliberate lazy load, never a hidden
loop: outside the programs (``cli/`` and ``bench/``, which load a command's work when it runs
so that ``chainrule --help`` starts quickly), each one is listed here with why it is lazy.
(Function-local imports of optional packages — matplotlib, torch, IPython — are not counted:
they are the optional dependencies themselves.)"""

from __future__ import annotations

import ast
from pathlib import Path

import chainrule

SOURCE = Path(chainrule.__file__).resolve().parent
#: the programs, which import each command's work on use
PROGRAMS = ("cli", "bench")
#: (file, imported module) → why it is loaded on first use
LAZY = {
    (
        "__init__.py",
        "chainrule.explain.show.notebook",
    ): "a network's notebook diagram: explain loads on the first display",
    ("train/run.py", "chainrule.train.plots"): "matplotlib, only when a run draws its pictures",
    ("train/run.py", "chainrule.train.parity"): "matplotlib, only for a regression's picture",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(node: ast.ImportFrom, path: Path) -> str:
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def local_imports(path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import of a chainrule module inside a function of the module
    at ``path`` (its source, or ``text`` read as if it stood there)."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                names = [_resolve(node, path) if node.level else node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [
                (node.lineno, name)
                for name in names
                if name == "chainrule" or name.startswith("chainrule.")
            ]
    return sorted(set(found))


def test_every_local_import_outside_the_programs_is_a_listed_lazy_load():
    unlisted, listed = [], set()
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative.split("/")[0] in PROGRAMS:
            continue
        for line, module in local_imports(path):
            if (relative, module) in LAZY:
                listed.add((relative, module))
            else:
                unlisted.append(f"{relative}:{line} imports {module} inside a function")
    assert unlisted == []
    assert listed == set(LAZY), f"listed but no longer lazy: {set(LAZY) - listed}"


def test_a_local_import_is_found_however_it_is_written():
    text = (
        "import numpy\n\n\ndef f():\n    from ..nn import mlp\n    import numpy\n\n\n"
        "class C:\n    def g(self):\n        from . import plan\n"
        "        import chainrule.train\n"
    )
    assert local_imports(SOURCE / "fast" / "step.py", text) == [
        (5, "chainrule.nn"),
        (11, "chainrule.fast"),
        (12, "chainrule.train"),
    ]
