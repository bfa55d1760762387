"""explain/ is built in rooms, each importing only the rooms before it:

    record → document → views → pictures → show        (measurements: beside views)

so no module of explain can import one that imports it back. grimp reads every import
statement, those inside functions too, so a loop cannot hide in a function body."""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp", reason="grimp is not installed (pip install grimp)")

PACKAGE = "chainrule.explain"
#: each room's rank: a module may import its own room and rooms of a lower rank
RANK = {"record": 0, "document": 1, "views": 2, "measurements": 2, "pictures": 3, "show": 4}


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("chainrule", cache_dir=None)


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else ""  # "" is chainrule.explain itself


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """The strongly connected components (of more than one module) among ``modules``."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v) & modules:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_every_module_of_explain_is_in_a_room(graph):
    modules = graph.find_descendants(PACKAGE)
    assert len(modules) > 30
    assert {_room(m) for m in modules} == set(RANK)


def test_explain_has_no_import_cycle(graph):
    modules = graph.find_descendants(PACKAGE) | {PACKAGE}
    assert _cycles(graph, modules) == []


def test_explain_imports_only_downward(graph):
    upward = []
    for module in sorted(graph.find_descendants(PACKAGE)):
        room = _room(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported == PACKAGE:
                upward.append(f"{module} imports the package {PACKAGE}")
            elif imported.startswith(PACKAGE + "."):
                other = _room(imported)
                if other != room and RANK[other] >= RANK[room]:
                    upward.append(f"{module} ({room}) imports {imported} ({other})")
    assert upward == []


def test_the_rank_check_sees_an_import_inside_a_function(tmp_path):
    """The check itself: an upward import written inside a function body is seen."""
    package = tmp_path / "roomcheck"
    (package / "record").mkdir(parents=True)
    (package / "show").mkdir()
    for init in (package, package / "record", package / "show"):
        (init / "__init__.py").write_text("")
    (package / "show" / "page.py").write_text("from ..record import trace\n")
    (package / "record" / "trace.py").write_text(
        "def text():\n    from ..show import page\n    return page\n"
    )
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        small = grimp.build_graph("roomcheck", cache_dir=None)
    finally:
        sys.path.remove(str(tmp_path))
    assert "roomcheck.show.page" in small.find_modules_directly_imported_by(
        "roomcheck.record.trace"
    )
    assert _cycles(small, small.find_descendants("roomcheck")) == [
        ["roomcheck.record.trace", "roomcheck.show.page"]
    ]


#: the playground's web modules: the only ones that import the web stack of the [web] extra
WEB_MODULES = {
    "chainrule.playground.app",
    "chainrule.playground.server",
    "chainrule.playground.connection",
}
WEB_STACK = {"starlette", "uvicorn", "anyio", "websockets", "httpx", "httpx2"}


def test_only_the_playground_web_modules_import_the_web_stack():
    """The rest of the playground (settings, data, runs, frames, exports) and of chainrule runs
    without the [web] extra; only the server's modules import Starlette, uvicorn or anyio."""
    graph = grimp.build_graph("chainrule", cache_dir=None, include_external_packages=True)
    importers = {
        module
        for package in WEB_STACK & graph.modules
        for module in graph.find_modules_that_directly_import(package)
    }
    assert importers and importers <= WEB_MODULES, sorted(importers - WEB_MODULES)
    # and nothing but the serve command imports those modules
    for module in WEB_MODULES:
        users = graph.find_modules_that_directly_import(module) - WEB_MODULES
        assert users <= {"chainrule.cli.commands.serve"}, (module, sorted(users))
