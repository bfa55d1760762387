"""The quick lane, ``pytest -m "not slow"``: a test module marked slow as a whole (its
module-level ``pytestmark`` holds ``pytest.mark.slow``) is not even imported there, since every
test in it would be deselected and its imports (PyTorch, Playwright, …) cost seconds."""

from __future__ import annotations

import ast
from pathlib import Path

QUICK_LANE = "not slow"


def is_quick_lane(markexpr: str) -> bool:
    """Whether ``-m`` asks for exactly the quick lane (any other expression collects as usual)."""
    return " ".join(markexpr.split()) == QUICK_LANE


def marked_slow_as_a_whole(path: Path) -> bool:
    """Whether the module at ``path`` assigns ``pytestmark`` a value that holds
    ``pytest.mark.slow`` (alone or in a list), read from its source without importing it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return False  # collected as usual, where pytest reports the problem
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
                if node.value is not None and _holds_slow(node.value):
                    return True
    return False


def _holds_slow(value: ast.expr) -> bool:
    """``pytest.mark.slow`` itself, or a list or tuple with it among its items."""
    if isinstance(value, (ast.List, ast.Tuple)):
        return any(_holds_slow(item) for item in value.elts)
    return ast.unparse(value) == "pytest.mark.slow"
