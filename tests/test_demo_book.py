"""The book's worked 3-4-1 example: chainrule reproduces the book's own NumPy program."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from chainrule.cli.main import main
from chainrule.demo.book import QUERY, X, Y, run_book_example


def books_program():
    """The book's loop, written as the book writes it (X @ W layout, one δ per layer)."""
    np.random.seed(1)
    w0 = np.random.random((3, 4))
    w1 = np.random.random((4, 1))

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    before = sigmoid(sigmoid(X @ w0) @ w1)
    for _ in range(1000):
        l1 = sigmoid(X @ w0)
        l2 = sigmoid(l1 @ w1)
        l2_delta = (l2 - Y) * l2 * (1 - l2)
        l1_delta = (l2_delta @ w1.T) * l1 * (1 - l1)
        w1 -= l1.T @ l2_delta
        w0 -= X.T @ l1_delta
    after = sigmoid(sigmoid(X @ w0) @ w1)
    return before, after, sigmoid(sigmoid(QUERY @ w0) @ w1), w0, w1


def test_demo_matches_the_books_program_to_the_last_digits():
    before, after, query, w0, w1 = books_program()
    run = run_book_example()
    np.testing.assert_allclose(run.before, before, rtol=1e-14)
    np.testing.assert_allclose(run.after, after, rtol=1e-11)
    np.testing.assert_allclose(run.query, query, rtol=1e-11)
    np.testing.assert_allclose(run.net[0].W.data, w0.T, rtol=1e-10)
    np.testing.assert_allclose(run.net[2].W.data, w1.T, rtol=1e-10)


def test_demo_prints_the_books_numbers(capsys):
    assert main(["demo", "book"]) == 0
    out = capsys.readouterr().out
    assert "Output before training:\n[[0.758]\n [0.771]\n [0.791]\n [0.801]]" in out
    assert "Output after training (1000 steps):\n[[0.028]\n [0.925]\n [0.925]\n [0.090]]" in out
    assert "Output for the input [1, 0, 1]:\n[[0.925]]" in out


@pytest.mark.slow
def test_python_dash_m_runs_the_demo():
    done = subprocess.run(
        [sys.executable, "-m", "chainrule", "demo", "book"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "[[0.925]]" in done.stdout
