"""The scalar engine: micrograd's own moons demo, step for step, on micrograd and on chainrule's
0-d tensors; and a backward pass through a graph of a million scalar operations.

The demo (micrograd's ``demo.ipynb``): a 2-16-16-1 ReLU MLP built neuron by neuron from scalar
values, 100 points of the two-moons set, hinge loss + 1e-4 L2, one step = forward (building the
graph), backward, SGD update. Both engines start from the same weights and compute the same
numbers (the costs are compared).
"""

from __future__ import annotations

import random
import time

import numpy as np

from .timing import interleaved


def moons(n: int = 100, noise: float = 0.1, seed: int = 1):
    """Two interleaving half circles (scikit-learn's ``make_moons``), labels ±1."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t_out, t_in = np.linspace(0, np.pi, n - half), np.linspace(0, np.pi, half)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
        ]
    )
    X += rng.normal(scale=noise, size=X.shape)
    y = np.hstack([-np.ones(n - half), np.ones(half)])
    return X.tolist(), y.tolist()


def micrograd_missing():
    from ..optional import available, install_hint

    return (
        None
        if available("micrograd.engine") and available("micrograd.nn")
        else f"micrograd is not installed ({install_hint('micrograd')})"
    )


def micrograd_demo(X, y, seed: int = 1337):
    from micrograd.engine import Value
    from micrograd.nn import MLP

    random.seed(seed)
    model = MLP(2, [16, 16, 1])

    def step(lr=0.5):
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        return total.data

    return model, step


class ScalarMLP:
    """micrograd's MLP (neurons of scalar weights, ReLU but for the last layer) on chainrule
    0-d tensors, started from ``weights`` (micrograd's model, to compute the same numbers)."""

    def __init__(self, micrograd_model):
        import chainrule as cr

        def scalar(v):
            return cr.Tensor(v, dtype="float64", requires_grad=True)

        self.layers = []
        for layer in micrograd_model.layers:
            self.layers.append(
                [([scalar(w.data) for w in n.w], scalar(n.b.data), n.nonlin) for n in layer.neurons]
            )
        self.params = [p for layer in self.layers for w, b, _ in layer for p in (*w, b)]

    def __call__(self, x):
        for layer in self.layers:
            out = []
            for w, b, nonlin in layer:
                act = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
                out.append(act.relu() if nonlin else act)
            x = out
        return x[0]


def chainrule_demo(X, y, micrograd_model):
    import chainrule as cr

    model = ScalarMLP(micrograd_model)

    def step(lr=0.5):
        inputs = [[cr.Tensor(v, dtype="float64") for v in row] for row in X]
        scores = [model(x) for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.params)
        for p in model.params:
            p.grad = None
        total.backward()
        for p in model.params:
            p.data -= lr * p.grad
        return total.item()

    return model, step


def moons_comparison(rounds: int) -> dict:
    """Seconds per demo step for each engine (median over interleaved rounds, the garbage
    collector run before each), and the costs of their first steps."""
    X, y = moons()
    if micrograd_missing():
        micro_model = _stand_in_model()
        micro_step = None
    else:
        micro_model, micro_step = micrograd_demo(X, y)
    _, cr_step = chainrule_demo(X, y, micro_model)
    first = {"chainrule": cr_step()}
    runners = {"chainrule": lambda n: [cr_step() for _ in range(n)]}
    if micro_step is not None:
        first["micrograd"] = micro_step()
        runners["micrograd"] = lambda n: [micro_step() for _ in range(n)]
    timings = interleaved(
        runners, rounds, target_s=0.0, warmup=0, collect=True, settle=0
    )  # pure Python both: no thread pools to wait out
    return {
        "seconds": {k: t.median for k, t in timings.items()},
        "first cost": first,
        "skipped": micrograd_missing(),
        "nodes": _graph_size(X, y, micro_model),
    }


def _graph_size(X, y, micro_model) -> int:
    import chainrule as cr
    from chainrule.autodiff import toposort

    model = ScalarMLP(micro_model)
    inputs = [[cr.Tensor(v, dtype="float64") for v in row] for row in X]
    losses = [(1 + -yi * model(x)).relu() for x, yi in zip(inputs, y, strict=True)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.params)
    return len(toposort(total))


class _Weights:
    def __init__(self, data):
        self.data = data


def _stand_in_model():
    """micrograd's MLP(2, [16, 16, 1]) initialisation, without micrograd."""
    random.seed(1337)

    class Neuron:
        def __init__(self, nin, nonlin):
            self.w = [_Weights(random.uniform(-1, 1)) for _ in range(nin)]
            self.b = _Weights(0.0)
            self.nonlin = nonlin

    class Layer:
        def __init__(self, nin, nout, nonlin):
            self.neurons = [Neuron(nin, nonlin) for _ in range(nout)]

    class Model:
        layers = [Layer(2, 16, True), Layer(16, 16, True), Layer(16, 1, False)]

    return Model()


def million_node_backward(nodes: int = 1_000_000) -> dict:
    """Build y = (((x·1)+0)·1+0)… of ``nodes`` scalar operations, then backward (no recursion:
    the engine's sweep is iterative)."""
    import chainrule as cr

    x = cr.Tensor(1.0, dtype="float64", requires_grad=True)
    start = time.perf_counter()
    y = x
    for _ in range(nodes // 2):
        y = y * 1.0 + 0.0
    built = time.perf_counter()
    y.backward()
    done = time.perf_counter()
    assert x.grad == 1.0
    return {"nodes": nodes, "forward s": built - start, "backward s": done - built}
