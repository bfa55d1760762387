"""The README's promises, run as written: every ```python block in a fresh interpreter (in a
scratch directory), its printed numbers checked against the ```text block that follows it; every
``chainrule`` command of its ```bash blocks that runs in seconds; and the system packages that
some tests need are the ones the README says to install."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from installed_cli import run_chainrule

pytestmark = pytest.mark.slow  # the quick lane: pytest -m "not slow"

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")

#: commands of the README that this test does not run, and why
NOT_RUN = {
    "pip install": "installs packages: the set-up these tests run under",
    "sudo apt install": "installs system packages (CI does, see .ci/run)",
    "chainrule train --data fashion-mnist": "needs Debian's dataset-fashion-mnist and trains "
    "for minutes",
    "runs/f": "reads the Fashion-MNIST run of the line before",
    "chainrule serve": "a server that runs until stopped (tests/test_serve.py runs it)",
    "chainrule bench": "a minute or more of timing (tests/test_bench.py runs the same program "
    "on one case, from the checkout and from an installed copy)",
}


def blocks():
    """(language, body, start, end) of every fenced block, in order."""
    return [(m.group(1), m.group(2), m.start(), m.end()) for m in BLOCK.finditer(TEXT)]


def python_snippets():
    """(body, the output shown after it or None) of every ```python block."""
    found, all_blocks = [], blocks()
    for i, (lang, body, _, end) in enumerate(all_blocks):
        if lang != "python":
            continue
        shown = None
        if i + 1 < len(all_blocks):
            next_lang, next_body, next_start, _ = all_blocks[i + 1]
            if next_lang == "text" and not TEXT[end:next_start].strip():
                shown = next_body
        found.append((body, shown))
    return found


def commands():
    """Every command line of the ```bash blocks, without its comment."""
    lines = []
    for lang, body, _, _ in blocks():
        if lang in ("bash", "console", "sh"):
            lines += [
                " ".join(shlex.split(line, comments=True))
                for line in body.splitlines()
                if shlex.split(line, comments=True)
            ]
    return lines


def why_not_run(command: str) -> str | None:
    return next((why for key, why in NOT_RUN.items() if key in command), None)


def env():
    paths = [str(ROOT / "src"), os.environ.get("PYTHONPATH")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, paths)))


def same_output(actual: str, expected: str) -> bool:
    """The same text, and the same numbers to the last digit shown (one unit of it either
    way: another BLAS may round a last digit differently)."""
    a_text, e_text = NUMBER.split(actual.strip()), NUMBER.split(expected.strip())
    a_numbers, e_numbers = NUMBER.findall(actual.strip()), NUMBER.findall(expected.strip())
    if a_text != e_text or len(a_numbers) != len(e_numbers):
        return False
    for a, e in zip(a_numbers, e_numbers, strict=True):
        digits = len(e.split(".")[1].split("e")[0]) if "." in e else 0
        if abs(float(a) - float(e)) > (10.0**-digits if digits else 0) * 1.000001:
            return False
    return True


def test_the_readme_has_its_snippets():
    snippets = python_snippets()
    assert len(snippets) >= 4
    assert sum(shown is not None for _, shown in snippets) >= 3
    assert any(c.startswith("chainrule explain") for c in commands())


@pytest.mark.parametrize(
    "index", range(len(python_snippets())), ids=lambda i: f"python-block-{i + 1}"
)
def test_a_python_snippet_runs_as_written(index, tmp_path):
    body, shown = python_snippets()[index]
    script = tmp_path / "snippet.py"
    script.write_text(body, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    if shown is not None:
        assert same_output(done.stdout, shown), f"printed:\n{done.stdout}\nREADME:\n{shown}"
    else:
        assert done.stdout.strip(), "a snippet without its output shown still prints something"


def test_the_output_comparison_is_strict_about_text_and_digits():
    assert same_output("epoch 20: loss 0.097\n", "epoch 20: loss 0.096")
    assert not same_output("epoch 20: loss 0.098", "epoch 20: loss 0.096")
    assert not same_output("epoch 21: loss 0.096", "epoch 20: loss 0.096")
    assert not same_output("array(-3., dtype=float32)", "-3.0")
    assert same_output("[[0.028]\n [0.09 ]]", "[[0.028]\n [0.09 ]]")


RUN = [c for c in commands() if c.startswith("chainrule") and not why_not_run(c)]


@pytest.mark.parametrize("command", RUN)
def test_a_readme_command_runs_as_written(command, tmp_path):
    args = shlex.split(command)[1:]
    done = run_chainrule(*args, cwd=tmp_path, env=env(), timeout=600)
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower() and "Warning" not in done.stderr, done.stderr
    for flag in ("--out", "--plot"):
        if flag in args:
            written = tmp_path / args[args.index(flag) + 1]
            assert written.is_file() and written.stat().st_size > 0, flag
    if "--out" in args:
        assert f"wrote {args[args.index('--out') + 1]}" in done.stdout
    if args == ["train"]:  # the README: "ends with `test accuracy: 0.9xxx`"
        assert re.search(r"^test accuracy: 0\.9\d{3}$", done.stdout.strip().splitlines()[-1])


def test_every_command_left_out_is_named_with_a_reason():
    left_out = [c for c in commands() if why_not_run(c)]
    assert all(any(key in c for c in left_out) for key in NOT_RUN), "a stale NOT_RUN entry"
    assert len(RUN) >= 10
    assert all(c.startswith(("chainrule", "pip install", "sudo apt install")) for c in commands())


def test_the_readme_says_which_system_packages_the_skipped_tests_need():
    wanted = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        wanted |= set(re.findall(r"apt install ([\w-]+)", path.read_text(encoding="utf-8")))
    assert wanted >= {"dataset-fashion-mnist", "chromium"}
    readme_apt = [c for c in commands() if c.startswith("sudo apt install")]
    assert len(readme_apt) == 1 and set(readme_apt[0].split()[3:]) >= wanted
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert all(package in ci for package in wanted)
