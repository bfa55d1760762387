"""The modules that moved in the architecture change: each old path is gone, each new path
imports and holds what the old one held, and the CHANGELOG names every move, old and new, so a
user can update their imports."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

CHANGELOG = Path(__file__).resolve().parents[1] / "CHANGELOG.md"

#: old module → (new module, a name the old module held that the new one holds)
MOVED = {
    "chainrule.explain.graph_record": ("chainrule.explain.record.graph_record", "record_backward"),
    "chainrule.explain.forms": ("chainrule.explain.record.forms", None),
    "chainrule.explain.notation": ("chainrule.explain.record.notation", None),
    "chainrule.explain.expr": ("chainrule.explain.document.expr", "Expr"),
    "chainrule.explain.text": ("chainrule.explain.document.text", "render_text"),
    "chainrule.explain.markdown": ("chainrule.explain.document.markdown", "render_markdown"),
    "chainrule.explain.json_view": ("chainrule.explain.document.json_view", "trace_json"),
    "chainrule.explain.html": ("chainrule.explain.document.html", "render_html"),
    "chainrule.explain.math_text": ("chainrule.explain.document.math_text", None),
    "chainrule.explain.math_latex": ("chainrule.explain.document.math_latex", None),
    "chainrule.explain.math_mathml": ("chainrule.explain.document.math_mathml", None),
    "chainrule.explain.steps": ("chainrule.explain.views.steps", "steps_document"),
    "chainrule.explain.scalar_paths": ("chainrule.explain.views.scalar_paths", "weight_paths"),
    "chainrule.explain.jacobians": ("chainrule.explain.views.jacobians", "jacobian_view"),
    "chainrule.explain.canvas": ("chainrule.explain.pictures.canvas", None),
    "chainrule.explain.layout": ("chainrule.explain.pictures.layout", None),
    "chainrule.explain.network_svg": ("chainrule.explain.pictures.network_svg", "network_svg"),
    "chainrule.explain.svg_graph": ("chainrule.explain.pictures.svg_graph", "graph_of"),
    "chainrule.explain.animation": ("chainrule.explain.pictures.animation", "backward_animation"),
    "chainrule.explain.input_picture": ("chainrule.explain.pictures.input_picture", None),
    "chainrule.explain.problem": ("chainrule.explain.show.problem", "book_example"),
    "chainrule.explain.page": ("chainrule.explain.show.page", "explain_document"),
    "chainrule.explain.playground": ("chainrule.explain.show.form_page", "page"),
    "chainrule.explain.show.playground": ("chainrule.explain.show.form_page", "page"),
    "chainrule.explain.dynamic_programming": (
        "chainrule.explain.measurements.dynamic_programming",
        "compare",
    ),
    "chainrule.explain.notebook": ("chainrule.explain.document.display", "DocumentDisplay"),
    "chainrule.fast.infer": ("chainrule.nn.lean", "lean_forward"),
}


def moved_section() -> str:
    text = CHANGELOG.read_text(encoding="utf-8")
    unreleased = text.split("## Unreleased", 1)[1].split("\n## ", 1)[0]
    return unreleased.split("### Moved", 1)[1].split("\n### ", 1)[0]


def named(path: str, section: str) -> bool:
    """Whether a row of the table names ``path``: in full (``a.b.c``, or a name in it,
    ``a.b.c.name``), as ``.c`` in a row that names a sibling (``a.b.x``, ``.c``), or as
    ``a.b.<same name>``."""
    parent, last = path.rsplit(".", 1)
    rows = [row for row in section.splitlines() if row.startswith("|")]
    in_full = re.compile("`" + re.escape(path) + r"(\.\w+)?`")
    return any(
        in_full.search(row)
        or f"`{parent}.<same name>`" in row
        or (re.search("`" + re.escape(parent) + r"\.\w+`", row) and f"`.{last}`" in row)
        for row in rows
    )


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_path_is_gone_and_its_new_one_holds_the_same(old):
    new, name = MOVED[old]
    with pytest.raises(ImportError):
        importlib.import_module(old)
    module = importlib.import_module(new)
    if name is not None:
        assert hasattr(module, name)


@pytest.mark.parametrize("old", sorted(MOVED))
def test_the_changelog_names_the_move(old):
    section = moved_section()
    assert named(old, section), f"{old} is not in the CHANGELOG's Moved table"
    new, _ = MOVED[old]
    assert named(new, section), f"{new} (where {old} went) is not in the Moved table"


def test_the_old_module_paths_that_are_now_names_say_so():
    """``chainrule.explain.trace`` and ``chainrule.explain.document`` were modules; now one is
    the function and the other the room, and the table says where the modules went."""
    import chainrule.explain as explain

    assert callable(explain.trace) and hasattr(explain.document, "model")
    section = moved_section()
    assert "`chainrule.explain.record.trace`" in section
    assert "`chainrule.explain.document.model`" in section


def test_no_document_uses_an_old_path():
    root = CHANGELOG.parent
    documents = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    for document in documents:
        text = document.read_text(encoding="utf-8")
        for old in MOVED:
            assert not re.search(re.escape(old) + r"\b(?!\.)", text), (document.name, old)
