"""chainrule: ``make_train_step`` (the compiled step for these networks)."""

from __future__ import annotations

from .runner import Runner

NAME = "chainrule"
COMPILED = True


def missing():
    return None


def build(case, data, compiled=True):
    """The network, cost and optimizer of ``case`` with ``data``'s initial weights."""
    import chainrule as cr
    from chainrule.fast import make_train_step

    layers = []
    hidden = cr.Sigmoid if case.kind == "sigmoid" else cr.ReLU
    for i, (W, b) in enumerate(zip(data.weights, data.biases, strict=True)):
        dense = cr.Dense(W.shape[1], W.shape[0], dtype="float32")
        dense.W.data[...] = W
        dense.b.data[...] = b
        layers.append(dense)
        if case.kind == "sigmoid" or i < len(data.weights) - 1:
            layers.append(hidden())
    net = cr.Sequential(*layers)
    if case.kind == "sigmoid":
        cost, opt = cr.MSE(reduction="sum"), cr.SGD(net.parameters(), lr=case.lr)
    else:
        cost, opt = cr.CrossEntropy(), cr.Adam(net.parameters(), lr=case.lr)
    return net, cost, opt, make_train_step(net, cost, opt, compiled=compiled)


def runner(case, data, threads, compiled=COMPILED):
    net, cost, opt, step = build(case, data, compiled)
    X, Y = data.X, data.Y
    pool = len(X)

    def run(n):
        for i in range(n):
            step(X[i % pool], Y[i % pool])

    return Runner(run, note=f"{step.kind} step")


def infer(case, data, threads):
    """The no-grad forward pass (evaluation) on one batch."""
    import chainrule as cr

    net = build(case, data)[0]
    X = data.X[0]

    def run(n):
        with cr.no_grad():
            for _ in range(n):
                net(X)

    return Runner(run)


def first_loss(case, data):
    """The cost of the first batch before any step (the step returns it)."""
    *_, step = build(case, data)
    return float(step(data.X[0], data.Y[0]))
