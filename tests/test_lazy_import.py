"""``import chainrule`` loads the engine, the layers, the costs and the optimizers only; explain,
training, data, checkpoints, the estimators and the compiled step load on first use, and every
public name still answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule as cr

SRC = str(Path(cr.__file__).resolve().parents[1])

#: loaded on first use only
LATER = [
    "chainrule.explain",
    "chainrule.train",
    "chainrule.data",
    "chainrule.checkpoint",
    "chainrule.sklearn",
    "chainrule.fast",
    "chainrule.cli",
    "chainrule.bench",
]
#: heavy packages none of the engine needs
HEAVY = [
    "matplotlib",
    "PIL",
    "sklearn",
    "scipy.stats",
    "scipy.linalg",
    "scipy.optimize",
    "tqdm",
    "IPython",
    "torch",
]

SCRIPT = """
import json, sys
import chainrule as cr
first = sorted(m for m in sys.modules if m.startswith("chainrule") or m.split(".")[0] in {heavy})
from chainrule.demo.book import X, Y, book_network
t = cr.trace(book_network(), X[0], Y[0])
print(json.dumps({{"first": first, "cost": t.value, "ok": t.ok,
                  "explain_after": "chainrule.explain" in sys.modules}}))
"""


def _fresh(script: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout)


def test_import_chainrule_loads_the_engine_only_and_trace_loads_explain():
    roots = sorted({name.split(".")[0] for name in HEAVY})
    result = _fresh(SCRIPT.format(heavy=roots))
    loaded = set(result["first"])
    assert {
        "chainrule.autodiff",
        "chainrule.nn",
        "chainrule.costs",
        "chainrule.optim",
        "chainrule.ops",
    } <= loaded
    assert sorted(loaded & set(LATER + HEAVY)) == []
    assert not any(m.startswith(tuple(f"{p}." for p in LATER)) for m in loaded)
    assert len([m for m in loaded if m.startswith("chainrule")]) < 60
    # cr.trace loaded explain, and the book's example gives its cost (the same in every test)
    assert result["explain_after"] and result["ok"]
    assert abs(result["cost"] - float(cr.trace(*_book()).value)) == 0


def _book():
    from chainrule.demo.book import X, Y, book_network

    return book_network(), X[0], Y[0]


def test_every_public_name_answers_and_is_listed():
    for name in cr.__all__:
        assert getattr(cr, name) is not None, name
        assert name in dir(cr), name
    assert cr.Trainer is cr.train.Trainer and cr.fit is cr.train.fit
    assert cr.trace is cr.explain.trace and cr.Trace is cr.explain.Trace
    assert cr.sklearn.__name__ == "chainrule.sklearn" and cr.fast.__name__ == "chainrule.fast"


def test_from_import_of_a_lazy_name_and_an_unknown_name():
    result = _fresh(
        "import json; from chainrule import Trainer, fit, explain, data, checkpoint\n"
        "import chainrule as cr\n"
        "try:\n    cr.no_such_name\nexcept AttributeError as e:\n    err = str(e)\n"
        "print(json.dumps({'trainer': Trainer.__module__, 'err': err}))"
    )
    assert result == {
        "trainer": "chainrule.train.trainer",
        "err": "module 'chainrule' has no attribute 'no_such_name'",
    }


def test_every_name_dir_lists_answers_without_scikit_learn(monkeypatch):
    """Without scikit-learn ``chainrule.sklearn`` raises the install hint, so ``dir`` does
    not list it: ``inspect.getmembers`` (and ``help``, a notebook's completion) reads every
    listed name and stopped there."""
    import inspect

    from blocked_imports import block

    monkeypatch.delitem(sys.modules, "chainrule.sklearn", raising=False)
    monkeypatch.delattr(cr, "sklearn", raising=False)
    block(monkeypatch, "sklearn")
    assert "sklearn" not in dir(cr) and "trace" in dir(cr) and "fast" in dir(cr)
    names = dict(inspect.getmembers(cr))
    assert names["Trainer"] is cr.Trainer and "sklearn" not in names
    with pytest.raises(ImportError, match=r'pip install "chainrule\[sklearn\]"'):
        cr.sklearn  # noqa: B018 - the install hint, when asked for by name


def test_dir_lists_the_estimators_where_scikit_learn_is_installed():
    import importlib.util

    if importlib.util.find_spec("sklearn") is None:
        pytest.skip("scikit-learn is not installed")
    assert "sklearn" in dir(cr)
