"""The animations: the GIF has the expected frames (L + 2 for the δ flowing back, one per
nudge for the path), the HTML step-through holds the same frames, and the one-path picture's
numbers are the rates of the book's chain rule."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from html_tools import parse_html
from PIL import Image

import chainrule as cr
from chainrule.demo.book import X, Y, book_network
from chainrule.explain import backward_animation, path_animation, trace


@pytest.fixture(scope="module")
def book():
    return trace(book_network(), X[0], Y[0])


def frames_of(data: bytes) -> list[Image.Image]:
    image = Image.open(io.BytesIO(data))
    frames = []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(image.convert("RGB"))
    return frames


@pytest.mark.parametrize("sizes", [[3, 4, 1], [2, 3, 3, 2], [4, 2]])
def test_the_backward_gif_has_a_frame_per_step(sizes, tmp_path):
    rng = np.random.default_rng(1)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [cr.Dense(n_in, n_out, dtype="float64", rng=rng), cr.Sigmoid()]
    t = trace(cr.Sequential(*layers), rng.standard_normal(sizes[0]), rng.random(sizes[-1]))
    animation = backward_animation(t)
    path = tmp_path / "backward.gif"
    data = animation.gif(path, duration_ms=500)
    assert path.read_bytes() == data and data[:6] == b"GIF89a"
    frames = frames_of(data)
    L = len(sizes) - 1
    assert len(frames) == len(animation) == L + 2
    assert all(f.size == frames[0].size for f in frames)
    # consecutive frames differ: the δ really moves
    for a, b in zip(frames, frames[1:], strict=False):
        assert np.abs(np.asarray(a, int) - np.asarray(b, int)).sum() > 0

    # the orange of δ appears once the backward pass starts, not in the forward frame
    def orange(img):
        a = np.asarray(img, int)
        return int(
            ((a[..., 0] > 200) & (a[..., 1] > 90) & (a[..., 1] < 160) & (a[..., 2] < 60)).sum()
        )

    assert orange(frames[1]) > orange(frames[0]) + 20


def test_the_frames_follow_the_books_steps(book):
    captions = backward_animation(book).captions()
    assert captions[0].startswith("Forward pass") and "C = 0.2869" in captions[0]
    assert captions[1].startswith("Step 1: δ₂ = ∇ₐC ⊙ σ'(z₂) = [0.139]")
    assert captions[2].startswith("Step 2: δ₁ = (W₂ᵀ δ₂) ⊙ σ'(z₁)")
    assert captions[3].startswith("The input: ∂C/∂x = W₁ᵀ δ₁")


def test_the_html_step_through_holds_every_frame(book):
    html = backward_animation(book).html()
    root = parse_html(html)
    frames = [e for e in root.iter("div") if "frame" in e.attrs.get("class", "").split()]
    assert len(frames) == 4
    for frame in frames:
        svg = html[html.index("<svg", html.index(f'data-step="{frame.attrs["data-step"]}"')) :]
        ET.fromstring(svg[: svg.index("</svg>") + 6])
    assert [b.all_text() for b in root.iter("button")] == ["◀ back", "play", "next ▶"]


def test_the_one_path_animation_moves_at_the_books_rates(book, tmp_path):
    animation = path_animation(book, frames=5, nudge=0.4)
    path = animation.path
    assert [str(n) for n in path.nodes] == ["W₂[0,0]", "z₂[0]", "a₂[0]", "C"]
    a1, a2 = book.layers[0].a[0, 0], book.layers[1].a[0, 0]
    rates = [f.value for f in path.factors]
    np.testing.assert_allclose(rates, [a1, a2 * (1 - a2), a2 - Y[0, 0]], rtol=1e-14)
    first, last = animation.frames[0], animation.frames[-1]
    assert first.nudge == 0 and all(v == 0 for v in first.actual)
    assert last.nudge == pytest.approx(0.4)
    assert last.actual[1] == pytest.approx(a1 * 0.4, rel=1e-12)  # z is linear in w
    assert last.predicted[-1] == pytest.approx(a1 * a2 * (1 - a2) * (a2 - Y[0, 0]) * 0.4)
    assert abs(last.actual[-1] - last.predicted[-1]) < 0.1 * abs(last.predicted[-1])
    small = path_animation(book, frames=2, nudge=1e-5).frames[-1]
    assert small.actual[-1] == pytest.approx(small.predicted[-1], rel=1e-4)
    assert len(frames_of(animation.gif(tmp_path / "path.gif"))) == 5
    assert book.layers[1].W[0, 0] == book_network()[2].W.data[0, 0]  # restored


def test_the_path_animation_needs_a_single_path():
    rng = np.random.default_rng(0)
    net = cr.Sequential(
        cr.Dense(2, 3, dtype="float64", rng=rng),
        cr.Sigmoid(),
        cr.Dense(3, 2, dtype="float64", rng=rng),
        cr.Sigmoid(),
    )
    t = trace(net, [0.1, 0.2], [0.0, 1.0])
    with pytest.raises(cr.ConfigError, match="along 2 paths.*single path.*W2\\[0,0\\]"):
        path_animation(t, "0.W[0,0]")
    assert len(path_animation(t)) == 9
    with pytest.raises(cr.ConfigError, match="one example"):
        path_animation(trace(net, np.ones((2, 2)), np.ones((2, 2))))
