"""PyTorch CPU, eager mode, at its best: the same thread count as NumPy's BLAS, inputs made
contiguous tensors once (sharing NumPy's memory), ``zero_grad(set_to_none=True)``, the fastest
of the optimizer's implementations (for-loop, foreach, fused) chosen by timing them first,
``no_grad`` for the evaluation forward; ``loss.item()`` is returned each step, as ours is."""

from __future__ import annotations

from .runner import Runner

NAME = "PyTorch eager"


def missing():
    from ...optional import available, install_hint

    return None if available("torch") else f"torch is not installed ({install_hint('torch')})"


def setup(threads):
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return torch


def model(case, data, torch):
    layers = []
    for i, (W, b) in enumerate(zip(data.weights, data.biases, strict=True)):
        linear = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if case.kind == "sigmoid":
            layers.append(torch.nn.Sigmoid())
        elif i < len(data.weights) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def _step_maker(case, data, torch, options):
    net = model(case, data, torch)
    F = torch.nn.functional
    if case.kind == "sigmoid":
        opt = torch.optim.SGD(net.parameters(), lr=case.lr, **options)

        def loss_of(out, y):
            return 0.5 * F.mse_loss(out, y, reduction="sum")
    else:
        opt = torch.optim.Adam(net.parameters(), lr=case.lr, **options)

        def loss_of(out, y):
            return F.cross_entropy(out, y)

    X = [torch.from_numpy(x) for x in data.X]
    Y = [torch.from_numpy(y) for y in data.Y]
    pool = len(X)

    def run(n):
        for i in range(n):
            opt.zero_grad(set_to_none=True)
            loss = loss_of(net(X[i % pool]), Y[i % pool])
            loss.backward()
            opt.step()
            loss.item()

    return run


VARIANTS = {"for-loop": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True}}


def runner(case, data, threads, rounds=5, target_s=0.02):
    from ..timing import interleaved

    torch = setup(threads)
    candidates = {}
    for name, options in VARIANTS.items():
        try:
            run = _step_maker(case, data, torch, options)
            run(1)
        except (RuntimeError, TypeError, ValueError):
            continue  # this implementation is not offered for this optimizer on the CPU
        candidates[name] = run
    timings = interleaved(candidates, rounds, target_s, warmup=1)
    best = min(timings, key=lambda name: timings[name].median)
    return Runner(candidates[best], note=f"optimizer: {best} (fastest of {', '.join(timings)})")


def infer(case, data, threads):
    torch = setup(threads)
    net = model(case, data, torch)
    X = torch.from_numpy(data.X[0])

    def run(n):
        with torch.no_grad():
            for _ in range(n):
                net(X)

    return Runner(run)


def first_loss(case, data):
    """The cost of the first batch before any step (the contenders must agree on it)."""
    torch = setup(torch_threads())
    net = model(case, data, torch)
    F = torch.nn.functional
    with torch.no_grad():
        out = net(torch.from_numpy(data.X[0]))
        y = torch.from_numpy(data.Y[0])
        if case.kind == "sigmoid":
            return float(0.5 * F.mse_loss(out, y, reduction="sum"))
        return float(F.cross_entropy(out, y))


def torch_threads():
    import torch

    return torch.get_num_threads()
