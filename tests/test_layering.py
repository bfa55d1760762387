"""The layering contract of ``pyproject.toml`` (``[tool.importlinter]``): the package keeps it,
and an import that breaks it makes ``lint-imports`` fail, naming the import."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule

pytest.importorskip(
    "importlinter", reason='import-linter is not installed (it comes with pip install -e ".[test]")'
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(chainrule.__file__).resolve().parent
CONTRACTS = (
    (ROOT / "pyproject.toml").read_text(encoding="utf-8").count("[[tool.importlinter.contracts]]")
)


def lint_imports(src: Path, project: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the ``chainrule`` found in ``src``, with the contracts of
    ``project/pyproject.toml``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    command = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-c", command, "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def report(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def test_the_package_keeps_its_contracts():
    assert CONTRACTS >= 4
    result = lint_imports(PACKAGE.parent, ROOT)
    assert result.returncode == 0, report(result)
    assert f"Contracts: {CONTRACTS} kept, 0 broken." in result.stdout, report(result)


#: One import that breaks each contract, written into a copy of the package: (file, its text).
UPWARD_IMPORTS = {
    "ops/upward.py": "from ..nn import Dense\n",  # the bottom of the engine reaches the layers
    "nn/upward.py": "from .. import fast\n",  # the ignored import of nn does not cover another
    "train/upward.py": "from ..cli import main\n",  # training reaches the command line
    "explain/upward.py": "from ..sklearn import MLPClassifier\n",  # a sibling and a leaf
}


@pytest.mark.slow
def test_an_upward_import_breaks_the_contracts(tmp_path):
    copy = tmp_path / "src" / "chainrule"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path / "src", tmp_path).returncode == 0  # the copy keeps them too
    for name, text in UPWARD_IMPORTS.items():
        (copy / name).write_text(text, encoding="utf-8")

    result = lint_imports(tmp_path / "src", tmp_path)
    text = report(result)
    assert result.returncode == 1, text
    assert f"Contracts: 0 kept, {CONTRACTS} broken." in text, text
    for line in (
        "chainrule.ops is not allowed to import chainrule.nn:",
        "- chainrule.ops.upward -> chainrule.nn (l.1)",
        "chainrule.nn is not allowed to import chainrule.fast:",
        "- chainrule.nn.upward -> chainrule.fast (l.1)",
        "chainrule.train is not allowed to import chainrule.cli:",
        "chainrule.explain is not allowed to import chainrule.sklearn:",
        "No cycles are allowed in chainrule.",
    ):
        assert line in text, text
    protected = re.findall(r"chainrule\.(\w+)\.upward -> chainrule\.(cli|sklearn)", text)
    assert ("train", "cli") in protected and ("explain", "sklearn") in protected, text
