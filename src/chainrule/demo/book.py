"""The book's worked example (chapter "Neural Network Implementation"), with chainrule.

A 3-4-1 sigmoid network without biases learns y = x₁ XOR x₂ from four examples, with the cost
½ Σ (a − y)² summed over the examples, learning rate 1 and 1000 full-batch steps. The weights
are the book's: ``np.random.seed(1)``, then ``np.random.random((3, 4))`` and
``np.random.random((4, 1))``, drawn in its ``X @ W`` layout, so our (out, in) W are their
transposes. float64 throughout, so every printed digit is the book's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..costs import MSE
from ..nn import Sequential, mlp
from ..optim import SGD

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
Y = np.array([[0], [1], [1], [0]], dtype=np.float64)
QUERY = np.array([[1, 0, 1]], dtype=np.float64)
STEPS = 1000
LEARNING_RATE = 1.0


def book_weights() -> tuple[np.ndarray, np.ndarray]:
    """The book's initial weights, in its (in, out) layout."""
    state = np.random.RandomState(1)  # the same stream as np.random.seed(1)
    return state.random_sample((3, 4)), state.random_sample((4, 1))


def book_network() -> Sequential:
    """The 3-4-1 sigmoid network with the book's initial weights (float64)."""
    w0, w1 = book_weights()
    net = mlp([3, 4, 1], "sigmoid", bias=False, dtype="float64")  # Dense, σ, Dense, σ
    net[0].W.data[...] = w0.T
    net[2].W.data[...] = w1.T
    return net


@dataclass
class BookRun:
    """What the demo prints: outputs before and after training, and the query's output."""

    before: np.ndarray
    after: np.ndarray
    query: np.ndarray
    final_cost: float
    net: Sequential


def run_book_example(steps: int = STEPS, lr: float = LEARNING_RATE) -> BookRun:
    """Train the book's network exactly as the book does and return the numbers it prints."""
    net = book_network()
    cost = MSE(reduction="sum")
    optimizer = SGD(net.parameters(), lr=lr)
    before = net(X).data.copy()
    for _ in range(steps):
        optimizer.zero_grad()
        C = cost(net(X), Y)
        C.backward()
        optimizer.step()
    after = net(X).data.copy()
    return BookRun(before, after, net(QUERY).data.copy(), float(cost(net(X), Y).item()), net)


def _column(values: np.ndarray) -> str:
    return np.array2string(values, formatter={"float_kind": lambda v: f"{v:.3f}"})


def render(run: BookRun) -> str:
    """The demo's text, laid out as the book prints it."""
    return "\n".join(
        [
            "The book's 3-4-1 sigmoid network (no biases), C = ½ Σ (a − y)², η = 1, "
            f"{STEPS} full-batch steps",
            "",
            "Output before training:",
            _column(run.before),
            "",
            f"Output after training ({STEPS} steps):",
            _column(run.after),
            "",
            "Output for the input [1, 0, 1]:",
            _column(run.query),
        ]
    )
