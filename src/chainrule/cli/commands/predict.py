"""``chainrule predict CHECKPOINT --input FILE``: the trained network's predictions for new data.

The input is a CSV file of feature columns (a header row is optional) or an IDX file of images
(gzipped or raw, as MNIST ships them), holding raw features — values as the source holds them
(digits pixels 0 … 16, IDX pixels 0 … 255); the run's raw scale (the loader's ÷16 or ÷255) and
its fitted scaler are redone on them exactly as on the training data. The output is CSV: for
classes ``index,class,name,p0,…`` (one row per example, with each class's probability); for a
regression target ``index,<target>`` (the predicted value in the target's units; one column
per target, named as in the training data's header, else ``value``). The output
"""

from __future__ import annotations

import sys

import numpy as np

NAME = "predict"
HELP = (
    "write a checkpoint's predictions (class and probabilities, or the predicted values of "
    "a regression target) for a CSV or IDX file"
)


def add_arguments(parser) -> None:
    parser.add_argument("checkpoint", help="a checkpoint.npz, or the run directory holding one")
    parser.add_argument(
        "--input", required=True, help="CSV file of features, or an IDX file of images (.gz or raw)"
    )
    parser.add_argument(
        "--out",
        help="write the CSV to this file, replacing it if it exists (default: the terminal)",
    )


def read_inputs(path: str, model=None):
    """Features from a CSV file (its header's names checked against the run's, when both have
    them), or from an IDX file of images."""
    from pathlib import Path

    from ...data import raw_image_features, read_csv_features, read_idx

    name = Path(path).name.lower()
    if "idx" in name or name.endswith(".ubyte") or name.endswith(".ubyte.gz"):
        images = read_idx(path)
        return (
            raw_image_features(images)
            if images.ndim > 1
            else images.reshape(-1, 1).astype(np.float32)
        )
    X, names = read_csv_features(path, with_names=True)
    if model is not None:
        model.check_feature_names(names, path)
    return X


def prediction_rows(model, X) -> list[str]:
    """The CSV lines: a header, then one row per example."""
    if model.is_regression:
        return value_rows(model, X)
    probabilities = model.predict_proba(X)
    classes = probabilities.argmax(axis=1)
    names = model.classes or [str(k) for k in range(probabilities.shape[1])]
    header = "index,class,name," + ",".join(f"p{k}" for k in range(probabilities.shape[1]))
    rows = [header]
    for i, (k, p) in enumerate(zip(classes, probabilities, strict=True)):
        name = str(names[k]).replace(",", " ") if k < len(names) else str(k)
        rows.append(f"{i},{k},{name}," + ",".join(f"{v:.6g}" for v in p))
    return rows


def value_rows(model, X) -> list[str]:
    """A regression run's CSV lines: ``index,<target>…``, values to 8 significant digits."""
    values = np.asarray(model.predict(X), dtype=np.float64).reshape(len(X), -1)
    k = values.shape[1]
    names = list(model.target_names or [])
    if len(names) != k:
        names = ["value"] if k == 1 else [f"value{j}" for j in range(k)]
    header = "index," + ",".join(name.replace(",", " ") for name in names)
    return [header] + [f"{i}," + ",".join(f"{v:.8g}" for v in row) for i, row in enumerate(values)]


def run(args) -> int:
    from ...checkpoint import atomic_write_text
    from ...train.model import TrainedModel
    from ..checks import check_output_file

    check_output_file(args.out, "--out", args.input, args.checkpoint)
    model = TrainedModel.load(args.checkpoint)
    X = read_inputs(args.input, model)
    note = model.prescaled_note(X)
    if note:
        print(f"note: {args.input}: {note}", file=sys.stderr)
    rows = prediction_rows(model, X)
    text = "\n".join(rows) + "\n"
    if args.out:
        atomic_write_text(args.out, text)
        print(f"wrote {args.out} ({len(rows) - 1} predictions)")
    else:
        sys.stdout.write(text)
    return 0
