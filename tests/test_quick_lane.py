"""The quick lane leaves unimported exactly the modules whose every test is marked slow."""

from __future__ import annotations

from pathlib import Path

import pytest
from quick_lane import is_quick_lane, marked_slow_as_a_whole

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize(
    ("source", "whole"),
    [
        ("import pytest\npytestmark = pytest.mark.slow\n", True),
        (
            "import pytest\n"
            "pytestmark = [pytest.mark.skipif(True, reason='x'), pytest.mark.slow]\n",
            True,
        ),
        ("import pytest\npytestmark = (pytest.mark.slow,)\n", True),
        ("import pytest\npytestmark: object = pytest.mark.slow\n", True),
        ("import pytest\n\n\n@pytest.mark.slow\ndef test_one():\n    pass\n", False),
        ("import pytest\npytestmark = pytest.mark.filterwarnings('ignore')\n", False),
        ("import pytest\npytestmark = pytest.mark.slowish\n", False),
        ("import pytest\nmarks = pytest.mark.slow\n", False),
        ("def f(:\n", False),  # collected as usual, where pytest reports the syntax error
    ],
)
def test_a_module_is_slow_as_a_whole_only_through_its_pytestmark(tmp_path, source, whole):
    path = tmp_path / "test_module.py"
    path.write_text(source, encoding="utf-8")
    assert marked_slow_as_a_whole(path) is whole


def test_only_the_quick_lanes_expression_leaves_modules_out():
    assert is_quick_lane("not slow") and is_quick_lane("  not   slow ")
    for other in ("", "slow", "not slow and not browser", "not slow or browser", "not  fast"):
        assert not is_quick_lane(other)


def test_the_suites_whole_slow_modules_are_recognised():
    whole = {p.name for p in TESTS.glob("test_*.py") if marked_slow_as_a_whole(p)}
    assert {
        "test_torch_differential.py",
        "test_sklearn_checks.py",
        "test_crash_safety.py",
        "test_browser.py",
        "test_fuzz.py",
    } <= whole
    assert not whole & {"test_engine.py", "test_quick_lane.py", "test_layering.py"}
