"""End to end: one epoch of Fashion-MNIST (60 000 images) for a 784-256-128-10 ReLU network,
softmax cross-entropy, Adam (η = 10⁻³), mini-batches of 128 shuffled each epoch.

chainrule runs a plain loop of its training step over the shuffled batches (what the trainer
does); PyTorch the same loop in eager mode; scikit-learn one ``partial_fit`` over the set.
The data are read from the IDX files (``--fashion-dir``, else ``CHAINRULE_DATA_DIR`` as for
``chainrule train``, by default Debian's ``dataset-fashion-mnist`` location); test accuracy
after the timed epochs is reported as a check that every contender learned.

:func:`trainer_epoch` is the same epoch through ``chainrule.data`` and ``chainrule.train``
(the library's loader and trainer), when those are installed.
"""

from __future__ import annotations

import gzip
import os
import time
import warnings
from pathlib import Path

import numpy as np

from ..data.mnist import DATA_DIR_ENV, FASHION_MNIST_DIR, resolve_data_dir
from ..errors import DataError
from .timing import interleaved

DEFAULT_DIR = str(FASHION_MNIST_DIR)
SIZES = (784, 256, 128, 10)
BATCH = 128
LR = 1e-3


def data_dir(given: str | None = None) -> Path:
    """Where the Fashion-MNIST files are looked for, as ``chainrule train`` looks
    (:func:`~chainrule.data.mnist.resolve_data_dir`: ``given``, ``$CHAINRULE_DATA_DIR``, Debian's
    location); a directory that is not there is returned as it is, for the skip note."""
    try:
        return resolve_data_dir("fashion-mnist", given)
    except DataError:
        return Path(given or os.environ.get(DATA_DIR_ENV) or DEFAULT_DIR)


def _idx(path: Path, offset: int) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def _find(directory: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        if (directory / name).exists():
            return directory / name
    return None


def load(directory: Path):
    """(X_train, y_train, X_test, y_test): images as float32 rows in [0, 1], int64 labels."""
    parts = []
    for kind in ("train", "t10k"):
        images = _find(directory, f"{kind}-images-idx3-ubyte")
        labels = _find(directory, f"{kind}-labels-idx1-ubyte")
        if images is None or labels is None:
            raise FileNotFoundError(
                f"no Fashion-MNIST IDX files ({kind}) in {directory} "
                "(Debian: apt install dataset-fashion-mnist; or give "
                "--fashion-dir DIR)"
            )
        X = _idx(images, 16).reshape(-1, 784).astype(np.float32) / np.float32(255)
        parts += [X, _idx(labels, 8).astype(np.int64)]
    return tuple(parts)


def _weights(seed: int = 0):
    rng = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:], strict=True):
        weights.append(
            rng.standard_normal((n_out, n_in)).astype(np.float32) * np.float32(np.sqrt(2.0 / n_in))
        )
    return weights


def chainrule_epoch(X, y, Xt, yt, seed: int = 0):
    import chainrule as cr
    from chainrule.fast import make_train_step

    layers = []
    for i, W in enumerate(_weights(seed)):
        dense = cr.Dense(W.shape[1], W.shape[0])
        dense.W.data[...] = W
        layers += [dense, cr.ReLU()] if i < len(SIZES) - 2 else [dense]
    net = cr.Sequential(*layers)
    step = make_train_step(net, cr.CrossEntropy(), cr.Adam(net.parameters(), lr=LR))
    rng = np.random.default_rng(seed)

    def epoch(n=1):
        for _ in range(n):
            order = rng.permutation(len(X))
            for start in range(0, len(X), BATCH):
                batch = order[start : start + BATCH]
                step(X[batch], y[batch])

    def accuracy():
        with cr.no_grad():
            return float(np.mean(net(Xt).data.argmax(axis=1) == yt))

    return epoch, accuracy


def torch_epoch(X, y, Xt, yt, threads: int, seed: int = 0):
    import torch

    torch.set_num_threads(threads)
    layers = []
    for i, W in enumerate(_weights(seed)):
        linear = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.zero_()
        layers += [linear, torch.nn.ReLU()] if i < len(SIZES) - 2 else [linear]
    net = torch.nn.Sequential(*layers)
    opt, best = None, "for-loop"
    for name, options in (("fused", {"fused": True}), ("foreach", {"foreach": True})):
        try:
            opt, best = torch.optim.Adam(net.parameters(), lr=LR, **options), name
            break
        except (RuntimeError, TypeError, ValueError):
            continue
    opt = opt or torch.optim.Adam(net.parameters(), lr=LR, foreach=False)
    Xs, ys = torch.from_numpy(X), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed)
    F = torch.nn.functional

    def epoch(n=1):
        for _ in range(n):
            order = torch.randperm(len(X), generator=gen)
            for start in range(0, len(X), BATCH):
                batch = order[start : start + BATCH]
                opt.zero_grad(set_to_none=True)
                loss = F.cross_entropy(net(Xs[batch]), ys[batch])
                loss.backward()
                opt.step()
                loss.item()

    def accuracy():
        with torch.no_grad():
            return float((net(torch.from_numpy(Xt)).argmax(dim=1).numpy() == yt).mean())

    epoch.note = f"Adam: {best}"
    return epoch, accuracy


def sklearn_epoch(X, y, Xt, yt, seed: int = 0):
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=SIZES[1:-1],
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=BATCH,
        learning_rate_init=LR,
        shuffle=True,
        random_state=seed,
    )
    classes = np.arange(10)

    def epoch(n=1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(n):
                clf.partial_fit(X, y, classes=classes)

    def accuracy():
        return float(np.mean(clf.predict(Xt) == yt))

    return epoch, accuracy


def epoch_comparison(directory: Path, threads: int, rounds: int, peers) -> dict:
    """Seconds per epoch (median over interleaved rounds) and test accuracy afterwards."""
    X, y, Xt, yt = load(directory)
    made = {"chainrule": chainrule_epoch(X, y, Xt, yt)}
    if "PyTorch eager" in peers:
        made["PyTorch eager"] = torch_epoch(X, y, Xt, yt, threads)
    if "scikit-learn" in peers:
        made["scikit-learn"] = sklearn_epoch(X, y, Xt, yt)
    epochs = dict.fromkeys(made, 0)  # every epoch run, timed or not (sizing, settling)

    def counted(name, epoch):
        def run(n=1):
            epochs[name] += n
            epoch(n)

        return run

    timings = interleaved(
        {k: counted(k, v[0]) for k, v in made.items()}, rounds, target_s=0.0, warmup=0
    )
    return {
        "seconds": {k: t.median for k, t in timings.items()},
        "accuracy": {k: v[1]() for k, v in made.items()},
        "epochs": epochs,
        "train": len(X),
        "test": len(Xt),
    }


# -- the library's own loader and trainer ---------------------------------------------------
def trainer_epoch(directory: Path, rounds: int) -> dict | str:
    """One epoch through ``chainrule.data.load_dataset("fashion-mnist")`` and
    ``chainrule.train``'s Trainer; a reason string when they are not installed or their
    interface differs."""
    try:
        from chainrule.data import load_dataset
        from chainrule.train import Trainer
    except ImportError as exc:
        return f"not available ({exc})"
    import chainrule as cr

    try:
        train, _test = load_dataset("fashion-mnist", data_dir=directory)
        net = cr.nn.mlp(list(SIZES), "relu", "identity", init="he", rng=0)
        trainer = Trainer(net, "ce", "adam", lr=LR, batch_size=BATCH, verbose=False, progress=False)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            trainer.fit(train, epochs=trainer.epoch + 1)
            times.append(time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - an interface still being written: report it
        return f"failed: {type(exc).__name__}: {exc}"
    return {"seconds": float(np.median(times))}
