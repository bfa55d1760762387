"""A missing optional package is one ``error:`` line naming it and the extra that installs it
(exit 2, as any other ConfigError), never exit 70; where the package is only a nicety (plots
after training, a progress bar) the command goes on and says what was left out."""

from __future__ import annotations

import importlib
import sys

import pytest
from blocked_imports import block, run_without

from chainrule.cli.main import main
from chainrule.errors import ConfigError, MissingPackageError
from chainrule.optional import require

VIZ = 'pip install "chainrule[viz]"'


def test_require_returns_the_module_or_names_the_package_and_the_extra(monkeypatch):
    assert require("json", "reading JSON").dumps([1]) == "[1]"
    block(monkeypatch, "PIL")
    with pytest.raises(MissingPackageError) as info:
        require("PIL.Image", "drawing a GIF")
    assert str(info.value) == (
        f"drawing a GIF needs Pillow, which is not installed; install it with: {VIZ}"
    )
    assert isinstance(info.value, ConfigError) and isinstance(info.value, ImportError)
    assert info.value.exit_code == 2


def test_animation_gif_without_pillow(monkeypatch, tmp_path, capsys):
    block(monkeypatch, "PIL")
    out = tmp_path / "delta.gif"
    code = main(["explain", "--view", "animation", "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == (
        "error: --view animation --out FILE.gif needs Pillow, which is not "
        f"installed; install it with: {VIZ}\n"
    )
    assert not out.exists()


def test_animation_html_needs_no_pillow(monkeypatch, tmp_path, capsys):
    block(monkeypatch, "PIL")
    out = tmp_path / "delta.html"
    assert main(["explain", "--view", "animation", "--out", str(out)]) == 0
    assert "<svg" in out.read_text(encoding="utf-8")


def test_the_gif_drawing_itself_needs_pillow(monkeypatch):
    import chainrule as cr
    from chainrule.demo.book import X, Y, book_network
    from chainrule.explain import trace
    from chainrule.explain.pictures.animation import backward_animation

    animation = backward_animation(trace(book_network(), X[:1], Y[:1], cr.MSE()))
    block(monkeypatch, "PIL")
    with pytest.raises(MissingPackageError, match=r"needs Pillow.*chainrule\[viz\]"):
        animation.gif()


def test_dp_plot_without_matplotlib(monkeypatch, tmp_path, capsys):
    block(monkeypatch, "matplotlib")
    out = tmp_path / "dp.png"
    code = main(
        ["explain", "--view", "dp", "--depths", "1,2", "--widths", "2,3", "--plot", str(out)]
    )
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(
        "error: --view dp --plot (and its HTML page) needs matplotlib, which is not installed"
    ) and err.endswith(f"{VIZ}\n")
    assert not out.exists()
    from chainrule.explain.measurements import dynamic_programming as dp

    table = dp.compare([1], [2], 2, 1)
    with pytest.raises(MissingPackageError, match="the dp plot needs matplotlib"):
        table.plot()


def test_digits_without_scikit_learn(monkeypatch, capsys):
    block(monkeypatch, "sklearn")
    code = main(["train", "--epochs", "1"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == (
        "error: the digits set (it comes with scikit-learn) needs scikit-learn, which "
        'is not installed; install it with: pip install "chainrule[train]"\n'
    )


def test_training_without_matplotlib_keeps_the_run_and_says_why_no_plots(
    monkeypatch, tmp_path, capsys
):
    block(monkeypatch, "matplotlib")
    for module in ("plots", "figures", "saturation_plot"):
        monkeypatch.delitem(sys.modules, f"chainrule.train.{module}", raising=False)
    code = main(["train", "--data", "xor", "--epochs", "2", "--out", str(tmp_path / "run")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert (
        "note: no plots were drawn: the training plots needs matplotlib, which is not "
        f"installed; install it with: {VIZ}"
    ) in out + err
    assert (tmp_path / "run" / "checkpoint.npz").is_file()
    assert not list((tmp_path / "run").glob("*.png"))


def test_a_progress_bar_asked_for_needs_tqdm_an_automatic_one_is_left_out(monkeypatch):
    import numpy as np

    import chainrule as cr

    block(monkeypatch, "tqdm")
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1])

    def fit(progress):
        net = cr.Sequential(cr.Dense(2, 2))
        return cr.fit(net, X, y, cost="ce", epochs=1, verbose=False, progress=progress)

    fit(None)
    fit(False)
    with pytest.raises(MissingPackageError, match=r"progress bar needs tqdm.*chainrule\[train\]"):
        fit(True)


def test_the_estimators_without_scikit_learn(monkeypatch):
    block(monkeypatch, "sklearn")
    for name in [n for n in sys.modules if n.startswith("chainrule.sklearn")]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(
        MissingPackageError,
        match=r'estimators needs scikit-learn.*pip install "chainrule\[sklearn\]"',
    ):
        importlib.import_module("chainrule.sklearn")


# -- the real command, in a process where the package cannot be imported -----------------


@pytest.mark.slow
def test_the_command_without_pillow(tmp_path):
    done = run_without(["PIL"], ["explain", "--view", "path", "--out", "path.gif"], tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "error: --view path --out FILE.gif needs Pillow, which is not "
        f"installed; install it with: {VIZ}\n"
    )
    assert not (tmp_path / "path.gif").exists()


@pytest.mark.slow
def test_the_command_without_matplotlib(tmp_path):
    done = run_without(["matplotlib"], ["explain", "--view", "dp", "--plot", "dp.png"], tmp_path)
    assert done.returncode == 2, done.stderr
    assert "needs matplotlib, which is not installed" in done.stderr and VIZ in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "dp.png").exists()
