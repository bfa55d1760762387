"""``chainrule explain``: the book's example by default, networks from the options, every view
and format, files written, and errors as one line with their exit code."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from html_tools import fetched, parse_html
from PIL import Image

from chainrule.cli.main import main


def run(capsys, *args):
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_default_is_the_books_example_step_by_step(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    assert "network     Sequential(3→4→1)" in out and "x = [0, 0, 1],  y = [0]" in out
    assert "Step 1 · the error at the output layer: δ₂ = ∇ₐC ⊙ σ'(z₂)" in out
    assert "δ₂ = ∇ₐC ⊙ σ'(z₂) = [0.7575] ⊙ [0.1837] = [0.1391]" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_another_example_of_the_books_data_set(capsys):
    code, out, _ = run(capsys, "--example", "3")
    assert code == 0 and "x = [1, 1, 1],  y = [0]" in out


def test_a_network_from_the_options(capsys):
    code, out, _ = run(
        capsys,
        "--layers",
        "2,3,2",
        "--activation",
        "tanh",
        "--cost",
        "ce",
        "--input",
        "0.5,-1",
        "--target",
        "1",
        "--seed",
        "7",
    )
    assert code == 0
    assert "Sequential(2→3→2): Dense(2→3) tanh, Dense(3→2) identity" in out
    assert "δ₂ = p₂ − y" in out and "✓ all equations hold" in out


@pytest.mark.parametrize("view", ["scalar", "jacobian", "chain"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_every_view_in_every_format(capsys, view, fmt):
    code, out, _ = run(capsys, "--view", view, "--format", fmt)
    assert code == 0
    if fmt == "json":
        data = json.loads(out)
        assert data["view"] == view and data["data"]["agrees"] is True
    elif fmt == "html":
        assert fetched(parse_html(out)) == []
    elif fmt == "markdown":
        assert out.startswith("# The ") and "$$" in out
    else:
        assert "✓" in out


def test_the_scalar_view_of_a_named_weight(capsys):
    code, out, _ = run(capsys, "--view", "scalar", "--weight", "W2[0,3]")
    assert code == 0 and "weight   W₂[0,3] = 0.6705" in out and "2.W" not in out
    assert "Path 1: W₂[0,3] → z₂[0] → a₂[0] → C" in out


def test_the_dp_table_and_its_plot(capsys, tmp_path):
    plot = tmp_path / "dp.png"
    code, out, _ = run(
        capsys,
        "--view",
        "dp",
        "--depths",
        "1,2",
        "--widths",
        "2,3",
        "--dp-width",
        "3",
        "--dp-depth",
        "2",
        "--plot",
        str(plot),
    )
    assert code == 0 and "Multiply-adds as the depth grows" in out
    assert Image.open(plot).size[0] > 500


def test_the_full_html_page_is_written_to_a_file(capsys, tmp_path):
    page = tmp_path / "explain.html"
    code, out, _ = run(capsys, "--format", "html", "--out", str(page))
    assert code == 0 and out.startswith(f"wrote {page}")
    root = parse_html(page.read_text(encoding="utf-8"))
    assert len(list(root.iter("math"))) > 30 and len(list(root.iter("svg"))) > 10


@pytest.mark.parametrize(
    "view, suffix, check",
    [
        ("graph", ".svg", "svg"),
        ("graph", ".dot", "dot"),
        ("network", ".svg", "svg"),
        ("animation", ".gif", "gif"),
        ("animation", ".html", "html"),
        ("path", ".gif", "gif"),
        ("path", ".html", "html"),
        ("network", ".html", "html"),
    ],
)
def test_pictures_by_the_files_suffix(capsys, tmp_path, view, suffix, check):
    out_file = tmp_path / f"picture{suffix}"
    code, _, _ = run(capsys, "--view", view, "--out", str(out_file))
    assert code == 0
    if check == "svg":
        ET.fromstring(out_file.read_text(encoding="utf-8"))
    elif check == "dot":
        assert out_file.read_text(encoding="utf-8").startswith("digraph")
    elif check == "gif":
        frames = Image.open(out_file).n_frames
        assert frames == (4 if view == "animation" else 9)
    else:
        parse_html(out_file.read_text(encoding="utf-8"))


def test_an_svg_picture_prints_to_the_terminal(capsys):
    code, out, _ = run(capsys, "--view", "network")
    assert code == 0 and out.startswith("<svg")


@pytest.mark.parametrize("view", ["graph", "network", "animation", "path"])
def test_a_picture_with_format_html_prints_its_page(capsys, view):
    code, out, _ = run(capsys, "--view", view, "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    parse_html(out)


@pytest.mark.parametrize(
    "args, message, exit_code",
    [
        (["--input", "1,2"], "the example x has shape (2,); Sequential(3→4→1) expects (3,)", 3),
        (["--layers", "2,2", "--input", "1,2,3"], "expects (2,) for one example", 3),
        (["--target", "1,1"], "y should have shape (1,)", 3),
        (["--input", "a,b"], "--input: cannot read 'a,b' as numbers", 2),
        (["--view", "animation"], "give --out FILE with one of these suffixes", 2),
        (["--view", "graph", "--out", "x.png"], "not '.png'", 2),
        (["--view", "graph", "--format", "json"], "--format json does not apply", 2),
        (["--view", "network", "--format", "markdown"], "--format markdown does not apply", 2),
        (["--view", "scalar", "--weight", "W7[0,0]"], "no layer 7", 2),
        (["--example", "9"], "examples 0 … 3", 2),
        (["--layers", "3,0"], "all positive", 2),
        (["--width", "10"], "at least 40 columns", 2),
        # the book's example has its own network: a fresh network's option is refused, not ignored
        (
            ["--activation", "tanh"],
            "--activation tanh: the book's example brings its own network "
            "(3-4-1, sigmoid, no biases), so the option would be ignored; "
            "give --layers for a fresh network, e.g. --layers 3,4,1 "
            "--activation tanh",
            2,
        ),
        (["--cost", "ce"], "--cost ce: the book's example", 2),
        (["--seed", "3"], "--seed 3: the book's example", 2),
        (["--init", "he"], "--init he: the book's example", 2),
        (["--output", "identity"], "--output identity: the book's example", 2),
    ],
)
def test_bad_input_is_one_line_with_an_exit_code(capsys, args, message, exit_code):
    code, out, err = run(capsys, *args)
    assert code == exit_code
    assert out == "" and err.count("\n") == 1 and err.startswith("error: ")
    assert message in err


def test_the_books_own_settings_are_not_refused(capsys):
    plain = run(capsys)
    assert run(capsys, "--activation", "sigmoid", "--cost", "mse", "--no-bias") == plain


def test_the_chain_view_from_the_command_line_defines_u_h_v(capsys):
    code, out, _ = run(capsys, "--view", "chain", "--weight", "b1")
    assert code == 0
    assert "function  o = (x · w¹ + b¹) · w² + b²" in out
    assert "x = 1.5000,  w¹ = 0.5000,  b¹ = 0.1000" in out
    assert out.index("h = u + b¹ = 0.7500 + 0.1000 = 0.8500") < out.index("Path 1: b¹ → h")


@pytest.mark.slow
def test_every_file_explain_writes_is_announced(tmp_path):
    """--plot's file is named on stderr while stdout carries the view; with --out both files
    are named on stdout. Run as a user runs it."""
    import subprocess
    import sys

    plot, page = tmp_path / "dp.svg", tmp_path / "dp.html"
    sizes = ["--depths", "1,2", "--widths", "2,3", "--dp-width", "3", "--dp-depth", "2"]
    shown = subprocess.run(
        [sys.executable, "-m", "chainrule", "explain", "--view", "dp", *sizes, "--plot", str(plot)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stderr == f"wrote {plot} ({plot.stat().st_size:,} bytes)\n"
    assert "Multiply-adds as the depth grows" in shown.stdout and "wrote" not in shown.stdout
    assert plot.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    written = subprocess.run(
        [
            sys.executable,
            "-m",
            "chainrule",
            "explain",
            "--view",
            "dp",
            *sizes,
            "--plot",
            str(plot),
            "--format",
            "html",
            "--out",
            str(page),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert written.stdout.splitlines() == [
        f"wrote {plot} ({plot.stat().st_size:,} bytes)",
        f"wrote {page} ({page.stat().st_size:,} bytes)",
    ]


def test_one_path_is_one_path(capsys):
    code, out, _ = run(capsys, "--view", "chain")
    assert code == 0 and "paths     1 path of influence" in out and "path(s)" not in out
    from chainrule.wording import plural

    assert (plural(1, "unit"), plural(4, "unit"), plural(1200, "path", grouped=True)) == (
        "1 unit",
        "4 units",
        "1,200 paths",
    )


ENGINE_NAME = r"\b\d+\.[Wb]\b"  # 0.W, 2.b: the engine's parameter names


@pytest.mark.parametrize("view", ["steps", "scalar", "jacobian", "all"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_view_names_the_parameters_as_the_book_does(capsys, view, fmt, tmp_path):
    import re

    code, out, _ = run(
        capsys,
        "--view",
        view,
        "--format",
        fmt,
        "--layers",
        "3,4,2",
        "--input",
        "1,0,2",
        "--target",
        "0,1",
    )
    assert code == 0
    assert re.findall(ENGINE_NAME, out) == []
    if view == "scalar":
        assert "W₁[" in out and "units count from 0 as in NumPy" in " ".join(out.split())


@pytest.mark.parametrize(
    "view, suffix",
    [
        ("graph", ".svg"),
        ("graph", ".dot"),
        ("network", ".svg"),
        ("path", ".html"),
        ("animation", ".html"),
    ],
)
def test_every_picture_names_the_parameters_as_the_book_does(capsys, tmp_path, view, suffix):
    import re

    out_file = tmp_path / f"picture{suffix}"
    level = ["--level", "layer"] if view == "graph" else []
    code, _, _ = run(capsys, "--view", view, *level, "--out", str(out_file))
    assert code == 0
    text = out_file.read_text(encoding="utf-8")
    assert re.findall(ENGINE_NAME, text) == []


def test_the_chain_names_what_it_can_differentiate_by(capsys):
    code, _, err = run(capsys, "--view", "chain", "--weight", "w3")
    assert code == 2
    assert err.strip().endswith(
        "the chain o = (x·w¹ + b¹)·w² + b² has no value 'w3' to "
        "differentiate by: choose x, w1, b1, w2, b2, u, h, v"
    )
    code, out, _ = run(capsys, "--view", "chain", "--weight", "x")
    assert code == 0 and "variable  x = 1.5000" in out and "o = v + b²" in out
