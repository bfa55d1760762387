"""What a trained network is judged by: its predictions, accuracy, the confusion matrix.

Outputs become class predictions by the rule the cost implies: several outputs → the index of
the largest (softmax is monotonic, so logits and probabilities agree); one output → class 1
when it exceeds the midpoint (0.5 for a probability, 0 for a logit).
"""

from __future__ import annotations

import numpy as np

from ..autodiff.mode import no_grad
from ..autodiff.tensor import Tensor
from ..costs import BinaryCrossEntropy, Cost, CrossEntropy
from ..data import one_hot
from ..errors import DataError, ShapeError
from ..nn import Sequential, Softmax


def network_outputs(net, X: np.ndarray, batch_size: int = 1024, logits: bool = False) -> np.ndarray:
    """``net(X)`` in evaluation mode (Dropout off), batch by batch, without recording. With
    ``logits=True`` a final Softmax layer is skipped (what CrossEntropy takes)."""
    if (
        logits
        and isinstance(net, Sequential)
        and net.layers
        and isinstance(net.layers[-1], Softmax)
    ):
        net = net[:-1]
    inputs = np.asarray(_data(X))
    if inputs.dtype.kind in "fc" and not np.isfinite(inputs).all():
        where = np.unravel_index(int(np.argmin(np.isfinite(inputs))), inputs.shape)
        feature = ", ".join(str(int(i) + 1) for i in where[1:])
        raise DataError(
            f"example {where[0] + 1}, feature {feature} (counting from 1) is "
            f"{inputs[where]}; values must be finite"
        )
    was_training = net.training
    net.eval()
    try:
        with no_grad(), np.errstate(all="ignore"):
            parts = [_data(net(X[i : i + batch_size])) for i in range(0, len(X), batch_size)]
    finally:
        net.train(was_training)
    if not parts:
        raise DataError("there are no examples to evaluate")
    outputs = np.concatenate(parts)
    finite = np.isfinite(outputs).all(axis=tuple(range(1, outputs.ndim)))
    if not finite.all():
        row = int(np.argmin(finite))
        largest = float(np.max(np.abs(np.asarray(X[row], dtype=np.float64)), initial=0.0))
        raise DataError(
            f"the network's output for example {row + 1} (counting from 1) "
            f"is not finite (NaN or inf); its largest input, after scaling, is "
            f"{largest:.3g}, too large for the network's float type"
        )
    return outputs


def _data(out) -> np.ndarray:
    return out.data if isinstance(out, Tensor) else np.asarray(out)


def predicted_classes(outputs: np.ndarray, cost: Cost | None = None) -> np.ndarray:
    """Class predictions from network outputs (see the module docstring)."""
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return outputs.argmax(axis=1)
    threshold = 0.0 if isinstance(cost, BinaryCrossEntropy) and cost.from_logits else 0.5
    return (outputs.reshape(len(outputs), -1)[:, 0] > threshold).astype(np.int64)


def class_targets(labels: np.ndarray, cost: Cost, n_outputs: int, dtype) -> np.ndarray:
    """What the cost compares the outputs with: integer labels for CrossEntropy, one-hot rows
    (or a column of 0/1 for a single output) for MSE and BCE."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        return labels.astype(dtype, copy=False)
    if isinstance(cost, CrossEntropy):
        if n_outputs < 2:
            raise ShapeError(
                "CrossEntropy needs at least two outputs (one per class); this "
                "network has one: use the BCE cost for two classes"
            )
        if labels.size and not (0 <= labels.min() and labels.max() < n_outputs):
            raise DataError(
                f"class labels must lie in 0 … {n_outputs - 1}; received values "
                f"from {labels.min():g} to {labels.max():g}"
            )  # before a cast wraps
        return labels.astype(np.int64, copy=False)
    if n_outputs == 1:
        return labels.astype(dtype).reshape(-1, 1)
    return one_hot(labels, n_outputs, dtype)


def accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    """The fraction of examples whose predicted class is the label."""
    labels = np.asarray(labels)
    if len(labels) == 0:
        raise DataError("accuracy of an empty set")
    return float(np.mean(np.asarray(predicted) == labels))


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """counts[i, j] = examples of true class i predicted as class j."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(labels, dtype=np.intp), np.asarray(predicted, dtype=np.intp)), 1)
    return counts


def format_confusion(counts: np.ndarray, names=None) -> str:
    """The confusion matrix as aligned text: rows are true classes, columns predictions."""
    k = len(counts)
    names = [str(n) for n in (names or range(k))]
    short = [n if len(n) <= 6 else n[:5] + "…" for n in names]
    width = max(
        5,
        max(len(str(int(counts.max()))) if counts.size else 1, 1) + 1,
        max(len(s) for s in short) + 1,
    )
    label_width = max(len(n) for n in names) + 1
    lines = [
        " " * label_width + "predicted →",
        " " * label_width + "".join(s.rjust(width) for s in short) + "   recall",
    ]
    for i, row in enumerate(counts):
        total = row.sum()
        recall = f"{row[i] / total:8.3f}" if total else "       -"
        lines.append(
            names[i].ljust(label_width)
            + "".join(str(int(c)).rjust(width) for c in row)
            + " "
            + recall
        )
    return "\n".join(lines)
