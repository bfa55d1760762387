"""``chainrule eval CHECKPOINT``: how a trained network does on a part of its data set —
accuracy and the confusion matrix for classes, R², RMSE and MSE (in the target's units) and a
parity plot for a regression target; the cost per example for both."""

from __future__ import annotations

NAME = "eval"
HELP = (
    "evaluate a checkpoint on its data set's test split: loss and accuracy with a confusion "
    "matrix, or R², RMSE and MSE for a regression target"
)


def add_arguments(parser) -> None:
    parser.add_argument("checkpoint", help="a checkpoint.npz, or the run directory holding one")
    parser.add_argument("--data", help="data set or file (default: the one it was trained on)")
    parser.add_argument(
        "--data-dir", help="directory of IDX files (fashion-mnist / mnist) (default: the run's)"
    )
    parser.add_argument(
        "--label-column", help="CSV: the label column (name or index) (default: the run's)"
    )
    parser.add_argument(
        "--split",
        choices=("test", "train", "val"),
        default="test",
        help="which part of the data set: test, train (exactly the examples "
        "the run trained on: its validation part left out, as train split "
        "it with the run's seed), val (that validation part) (default test)",
    )
    parser.add_argument(
        "--out",
        help="directory for eval.json and confusion.png (parity.png "
        "for a regression target); those files are replaced if "
        "they exist (default: none; only printed)",
    )


def run(args) -> int:
    from ...data import load_dataset
    from ...train.model import TrainedModel
    from ...wording import format_loss, plural
    from ..checks import check_output_dir

    check_output_dir(args.out, "--out")
    model = TrainedModel.load(args.checkpoint)
    config = model.config
    train, test = load_dataset(
        args.data or config.data,
        data_dir=args.data_dir or config.data_dir,
        seed=config.seed,
        label_column=args.label_column or config.label_column,
        task=config.task,
    )
    dataset = test if args.split == "test" else _training_part(config, train, args.split)
    _check_task(model, dataset)
    report = (
        _regression(model, dataset, args)
        if model.is_regression
        else _classification(model, dataset, args)
    )
    print(f"checkpoint {args.checkpoint} (epoch {model.epoch}): {model.net.describe()}")
    print(f"data {dataset.name} ({args.split}): {plural(len(dataset), 'example')}")
    print(f"loss: {format_loss(report['loss'])}")
    if model.is_regression:
        _print_regression(report)
    else:
        _print_classification(model, dataset, report)
    if args.out:
        _write(model, dataset, report, args)
    return 0


def _check_task(model, dataset) -> None:
    from ...errors import DataError

    if model.is_regression and dataset.is_classification:
        raise DataError(
            f"the run predicts a regression target, but {dataset.name} holds class labels"
        )
    if not model.is_regression and not dataset.is_classification:
        raise DataError(
            f"{dataset.name} has no class labels to compute an accuracy from (it "
            f"holds a regression target; the run is a classifier)"
        )


def _prepared(model, dataset, targets, split_name: str):
    from ...train.prepared import Prepared

    model.check_feature_names(dataset.feature_names, dataset.name)
    return Prepared(
        model.dataset_features(dataset),
        targets,
        model.cost,
        model.n_outputs,
        model.net.parameters()[0].dtype,
        f"{dataset.name} ({split_name})",
        net=model.net,
    )


def _classification(model, dataset, args) -> dict:
    from ...train.evaluation import evaluate

    data = _prepared(model, dataset, model.dataset_labels(dataset), args.split)
    n_classes = len(model.classes) if model.classes else dataset.n_classes
    return evaluate(model.net, model.cost, data, n_classes=n_classes)


def _regression(model, dataset, args) -> dict:
    from ...train.evaluation import evaluate

    data = _prepared(model, dataset, model.dataset_targets(dataset), args.split)
    return evaluate(
        model.net,
        model.cost,
        data,
        target_scaler=model.target_scaler,
        units=True,
        keep_predictions=bool(args.out),
    )


def _print_classification(model, dataset, report: dict) -> None:
    import numpy as np

    from ...train import format_confusion

    print(f"accuracy: {report['accuracy']:.4f}")
    print("confusion matrix (rows: true class, columns: predicted):")
    print(format_confusion(np.asarray(report["confusion_matrix"]), _names(model, dataset)))


def _print_regression(report: dict) -> None:
    from ...train.regression import format_r2
    from ...wording import format_loss

    print(f"R²: {format_r2(report['r2'])}")
    print(f"RMSE: {format_loss(report['rmse'])}")
    print(f"MSE: {format_loss(report['mse'])}")


def _names(model, dataset):
    return model.classes or (list(dataset.classes) if dataset.classes else None)


def _write(model, dataset, report: dict, args) -> None:
    from pathlib import Path

    from ...train.checkpointing import PARITY_NAME, write_json

    out = Path(args.out)
    points = (report.pop("true", None), report.pop("predicted", None))
    extra = (
        {"target_names": model.target_names}
        if model.is_regression
        else {"classes": _names(model, dataset)}
    )
    write_json(
        out / "eval.json",
        {
            "checkpoint": str(args.checkpoint),
            "data": dataset.name,
            "split": args.split,
            "task": model.task,
            **report,
            **extra,
        },
    )
    print(f"wrote {out / 'eval.json'}")
    from ...errors import MissingPackageError

    try:
        if model.is_regression:
            from ...train.parity import plot_parity
        else:
            from ...train.plots import plot_confusion
    except MissingPackageError as exc:
        picture = PARITY_NAME if model.is_regression else "confusion.png"
        print(f"note: no {picture} was drawn: {exc}")
        return
    if model.is_regression:
        picture = plot_parity(
            *points,
            out / PARITY_NAME,
            r2=report["r2"],
            names=model.target_names or dataset.target_names,
            what=f"{dataset.name}, {args.split} set",
        )
    else:
        picture = plot_confusion(
            report["confusion_matrix"],
            _names(model, dataset),
            out / "confusion.png",
            what=f"{dataset.name} ({args.split})",
        )
    print(f"wrote {picture}")


def _training_part(config, train, split: str):
    """The examples the run trained on (``train``) or validated on (``val``): the training set
    split as ``chainrule train`` split it (:func:`~chainrule.train.run.split_validation`)."""
    from ...errors import ConfigError
    from ...train.run import split_validation

    trained, validation = split_validation(config, train)
    if split == "train":
        return trained
    if validation is None:
        raise ConfigError(
            f"--split val: the run kept no validation part (it was trained with "
            f"--val-fraction {config.val_fraction:g})"
        )
    return validation
