"""``chainrule explain --checkpoint``: a trained network's backward pass on one of its test
examples, scaled as in training; Dropout layers are the identity there."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.main import main
from chainrule.data import load_dataset
from chainrule.train.model import TrainedModel


def test_explains_a_trained_network_on_its_test_example(capsys, tmp_path):
    run_dir = tmp_path / "run"
    assert (
        main(
            [
                "train",
                "--data",
                "gauss",
                "--hidden",
                "6",
                "--dropout",
                "0.2",
                "--epochs",
                "2",
                "--quiet",
                "--no-plots",
                "--out",
                str(run_dir),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["explain", "--checkpoint", str(run_dir), "--example", "5"]) == 0
    out = capsys.readouterr().out
    assert "Sequential(2→6→3): Dense(2→6) relu, Dense(6→3) identity" in out
    assert "all equations hold" in out
    _, test = load_dataset("gauss", seed=0)
    model = TrainedModel.load(run_dir)
    x = model.transform(test.X[5:6]).astype(np.float64)[0]
    shown = out.split("x = [")[1].split("]")[0]
    np.testing.assert_allclose([float(v) for v in shown.split(",")], x, atol=5e-5)
    assert (
        main(["explain", "--checkpoint", str(run_dir), "--example", "99999"])
        == cr.ConfigError.exit_code
    )
    assert "there is no example 99999" in capsys.readouterr().err
    for option in (["--activation", "tanh"], ["--layers", "2,3"], ["--no-bias"]):
        assert main(["explain", "--checkpoint", str(run_dir), *option]) == cr.ConfigError.exit_code
        err = capsys.readouterr().err
        assert (
            err == f"error: {' '.join(option)}: --checkpoint brings its own network, so "
            f"the option would be ignored; leave it out\n"
        )


def test_the_trace_leaves_dropout_out():
    rng = np.random.default_rng(0)
    net = cr.Sequential(
        cr.Dense(3, 4, dtype="float64", rng=rng),
        cr.Sigmoid(),
        cr.Dropout(0.5, rng=1),
        cr.Dense(4, 1, dtype="float64", rng=rng),
        cr.Sigmoid(),
    )
    t = cr.trace(net.eval(), [0.0, 1.0, 1.0], [1.0], "mse")
    assert t.supported and len(t.layers) == 2 and all(c.ok for c in t.checks)
    expected = net(np.array([[0.0, 1.0, 1.0]])).data
    np.testing.assert_allclose(t.output, expected)


@pytest.mark.slow
def test_an_image_example_is_shown_as_its_image_with_the_prediction(tmp_path):
    """digits (8×8): the text view draws the pixels in shades and names the predicted class
    with its probability and the true label; HTML draws a grid of grey squares."""
    import subprocess
    import sys

    from chainrule.explain.pictures.input_picture import SHADES

    run_dir = tmp_path / "run"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "chainrule",
            "train",
            "--data",
            "digits",
            "--epochs",
            "2",
            "--quiet",
            "--no-plots",
            "--out",
            str(run_dir),
        ],
        check=True,
        capture_output=True,
    )
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "chainrule",
            "explain",
            "--checkpoint",
            str(run_dir),
            "--example",
            "3",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _, test = load_dataset("digits", seed=0)
    model = TrainedModel.load(run_dir)
    p = model.predict_proba(test.X[3:4] * test.raw_scale.divide_by)[0]  # the raw pixels 0 … 16
    k, label = int(np.argmax(p)), int(test.y[3])
    assert f"predicted: {k} ({p[k]:.1%}); true label: {label}" in shown
    image = [line.strip()[1:-1] for line in shown.splitlines() if line.strip().startswith("│")]
    assert len(image) == 8 and all(len(row) == 16 for row in image)
    ink = test.X[3].reshape(8, 8)
    darkest = np.unravel_index(np.argmax(ink), ink.shape)
    assert image[darkest[0]][2 * darkest[1]] == SHADES[-1]
    blank = np.unravel_index(np.argmin(ink), ink.shape)
    assert image[blank[0]][2 * blank[1]] == SHADES[0]
    assert "(64 numbers)" in " ".join(shown.split())  # not the 64 numbers in the header
    page = tmp_path / "page.html"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "chainrule",
            "explain",
            "--checkpoint",
            str(run_dir),
            "--example",
            "3",
            "--format",
            "html",
            "--out",
            str(page),
        ],
        check=True,
        capture_output=True,
    )
    html = page.read_text(encoding="utf-8")
    assert html.count('class="input-image"') == 1
    grid = html.split('class="input-image"')[1].split("</svg>")[0]
    assert grid.count("<rect ") == 64 + 1


def test_a_28_by_28_image_and_a_wrong_prediction():
    from chainrule.explain import render_text
    from chainrule.explain.document.model import Document
    from chainrule.explain.pictures.input_picture import InputPicture, image_shape

    pixels = np.zeros((28, 28))
    pixels[4:24, 12:16] = 1.0  # a trouser leg
    classes = ["T-shirt/top", "Trouser", "Pullover"]
    picture = InputPicture(pixels, np.array([0.7, 0.2, 0.1]), classes, label=1)
    assert picture.verdict() == "predicted: T-shirt/top (70.0%); true label: Trouser — wrong"
    text = render_text(Document("x", [], [picture.section()]))
    rows = [line.strip() for line in text.splitlines() if line.strip().startswith("│")]
    assert len(rows) == 28 and max(len(r) for r in rows) == 58  # 56 + the frame: fits 80
    assert rows[10] == "│" + " " * 24 + "█" * 8 + " " * 24 + "│"
    assert "✗ predicted: T-shirt/top" in text
    assert image_shape("fashion-mnist", 784) == (28, 28) and image_shape("moons", 64) is None
