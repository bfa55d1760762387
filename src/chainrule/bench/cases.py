"""The benchmark cases: one training step of an MLP, and the data every contender uses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Case:
    """One training step of an MLP of ``sizes`` on a batch of ``batch`` rows, float32.

    ``kind`` "sigmoid": sigmoid layers, C = ½‖a − y‖² summed, plain SGD (the book's setting);
    "relu": ReLU hidden layers, softmax cross-entropy (mean), Adam.
    """

    name: str
    sizes: tuple[int, ...]
    batch: int
    kind: str = "sigmoid"
    target: str = ""  # which speed target the case carries ("small", "large", "gemm")

    @property
    def label(self) -> str:
        what = "σ, MSE, SGD" if self.kind == "sigmoid" else "ReLU, CE, Adam"
        return f"{'-'.join(map(str, self.sizes))}, batch {self.batch} ({what})"

    @property
    def lr(self) -> float:
        """η: 0.1 per example for the summed MSE (0.1 / batch), so that hundreds of steps on the
        same batches stay in the normal range of floats (a diverging run ends in denormal
        numbers, where every processor is many times slower); 10⁻³ for Adam."""
        return 0.1 / self.batch if self.kind == "sigmoid" else 1e-3

    @property
    def flops(self) -> int:
        """6·B·Σ(in·out): forward, ∂C/∂W and ∂C/∂A of every layer, two flops per multiply-add
        (the first layer's ∂C/∂X is not needed, so this slightly overcounts)."""
        pairs = zip(self.sizes[:-1], self.sizes[1:], strict=True)
        return 6 * self.batch * sum(i * o for i, o in pairs)


CASES = [
    Case("book", (3, 4, 1), 4, target="small"),
    Case("nielsen", (784, 30, 10), 10, target="small"),
    Case("mnist-128", (784, 128, 10), 64),
    Case("wide-256", (784, 256, 256, 10), 256, target="large"),
    Case("wide-1024", (784, 1024, 1024, 10), 512, target="large gemm"),
    Case("book-relu", (3, 4, 2), 4, kind="relu"),  # two classes: softmax needs two
    Case("nielsen-relu", (784, 30, 10), 10, kind="relu"),
    Case("mnist-128-relu", (784, 128, 10), 64, kind="relu"),
    Case("wide-256-relu", (784, 256, 256, 10), 256, kind="relu"),
    Case("wide-1024-relu", (784, 1024, 1024, 10), 512, kind="relu"),
]

QUICK = ["book", "nielsen", "book-relu"]


def cases_named(names=None, quick: bool = False) -> list[Case]:
    if names:
        wanted = set(names)
        unknown = wanted - {c.name for c in CASES}
        if unknown:
            raise ValueError(
                f"unknown case(s) {', '.join(sorted(unknown))}; choose from "
                f"{', '.join(c.name for c in CASES)}"
            )
        return [c for c in CASES if c.name in wanted]
    if quick:
        return [c for c in CASES if c.name in QUICK]
    return list(CASES)


@dataclass
class Data:
    """A pool of batches (every contender steps through the same ones) and initial weights.

    Inputs are standard normal (standardised features); targets come from a random linear
    teacher: probabilities σ(teacher score) for the MSE cases, the teacher's class for
    cross-entropy; ``labels`` are class indices in both (for scikit-learn's classifier).
    """

    X: list[np.ndarray]
    Y: list[np.ndarray]
    labels: list[np.ndarray]
    weights: list[np.ndarray]  # (out, in), as chainrule and PyTorch store them
    biases: list[np.ndarray]


def pool_size(case: Case) -> int:
    """Batches in the pool: at least 4096 examples, so that thousands of timed steps do not
    memorise them (a memorised pool drives gradients towards 0 and Adam's moments into
    denormal numbers, which are many times slower on every processor)."""
    return max(8, -(-4096 // case.batch))


def make_data(case: Case, pool: int | None = None, seed: int = 0) -> Data:
    pool = pool or pool_size(case)
    rng = np.random.default_rng(seed)
    X, Y, labels = [], [], []
    k = case.sizes[-1]
    # a random linear teacher makes the targets learnable: on pure noise, cross-entropy
    # training drives every ReLU unit to zero (nothing to learn), which is not what is timed
    teacher = rng.standard_normal((case.sizes[0], k)).astype(np.float32)
    for _ in range(pool):
        x = rng.standard_normal((case.batch, case.sizes[0]), dtype=np.float32)
        scores = x @ teacher / np.float32(np.sqrt(case.sizes[0]))
        if case.kind == "sigmoid":
            y = (1 / (1 + np.exp(-scores))).astype(np.float32)
            lab = (y[:, 0] > 0.5).astype(np.int64) if k == 1 else y.argmax(axis=1)
        else:
            lab = scores.argmax(axis=1)
            y = lab
        X.append(x)
        Y.append(y)
        labels.append(lab)
    weights, biases = [], []
    for n_in, n_out in zip(case.sizes[:-1], case.sizes[1:], strict=True):
        r = np.sqrt(6.0 / (n_in + n_out))
        weights.append(rng.uniform(-r, r, (n_out, n_in)).astype(np.float32))
        biases.append(np.zeros(n_out, np.float32))
    return Data(X, Y, labels, weights, biases)
