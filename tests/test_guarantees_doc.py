"""``docs/guarantees.md`` stays true: its error catalogue is what the library prints today, every
error type is in it, every test it cites exists, and the recorded long runs found nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chainrule import errors
from tools import error_catalogue as catalogue

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "guarantees.md"


@pytest.fixture(scope="module")
def outcomes():
    return catalogue.run_examples()


def test_the_error_catalogue_is_what_the_library_prints(outcomes):
    assert catalogue.markdown(outcomes) == catalogue.doc_block(DOC), (
        "docs/guarantees.md is out of date: run python tools/error_catalogue.py --write-doc"
    )


def test_every_example_raises_its_documented_type_and_code(outcomes):
    for outcome in outcomes:
        example = outcome.example
        assert outcome.error == example.error, (example, outcome.line)
        if example.cli and example.error != "usage error":
            assert outcome.line.startswith("error: ")
        if example.cli and example.error in vars(errors):
            assert outcome.code == getattr(errors, example.error).exit_code


def test_every_error_type_is_in_the_catalogue():
    documented = {example.error for example in catalogue.EXAMPLES}
    types = {errors.ChainruleError, *errors.ChainruleError.__subclasses__()}
    assert {t.__name__ for t in types} <= documented
    codes = [t.exit_code for t in types] + [
        errors.INTERNAL_ERROR_EXIT_CODE,
        errors.INTERRUPTED_EXIT_CODE,
        errors.BROKEN_PIPE_EXIT_CODE,
    ]
    assert len(set(codes)) == len(codes), "every exit code stands for one thing"


def cited_tests(text: str):
    """(file, test name or None) for every ``tests/...py[::name]`` and ``::name`` cited."""
    current = None
    for token in re.findall(r"`([^`]+)`", text):
        match = re.fullmatch(r"(tests/[\w/]+\.py)(?:::(\w+))?", token)
        if match:
            current = match.group(1)
            yield current, match.group(2)
        elif re.fullmatch(r"::\w+", token):
            yield current, token[2:]


def test_every_cited_test_exists():
    cited = list(cited_tests(DOC.read_text(encoding="utf-8")))
    assert len(cited) > 40
    for path, name in cited:
        source = (ROOT / path).read_text(encoding="utf-8")
        if name is not None:
            assert re.search(rf"^def {name}\(", source, re.M), f"{path}::{name} does not exist"


def between(text: str, begin: str, end: str) -> str:
    return text[text.index(begin) + len(begin) : text.index(end)]


def test_the_recorded_long_runs_found_nothing():
    text = DOC.read_text(encoding="utf-8")
    fuzz = between(text, "<!-- fuzz-results:begin -->", "<!-- fuzz-results:end -->")
    inputs = int(re.search(r"\*\*([\d,]+) inputs\*\*", fuzz).group(1).replace(",", ""))
    assert inputs >= 100_000
    assert "**0 crashes, 0 hangs, 0 worker deaths, 0 inputs over the memory limit**" in fuzz
    crash = between(text, "<!-- crash-results:begin -->", "<!-- crash-results:end -->")
    kills = int(re.search(r"\*\*([\d,]+) SIGKILLs\*\*", crash).group(1).replace(",", ""))
    assert kills >= 200
    same, chains = re.search(r"\*\*(\d+) of (\d+) chains\*\*", crash).groups()
    assert same == chains and "**0 violations**" in crash
