"""``chainrule eval CHECKPOINT``: accuracy and confusion matrix of a trained network."""

from __future__ import annotations

NAME = "eval"
HELP = "evaluate a checkpoint on its data set's test split: accuracy, loss, confusion matrix"


def add_arguments(parser) -> None:
    parser.add_argument("checkpoint", help="a checkpoint.npz, or the run directory holding one")
    parser.add_argument("--data", help="data set or file (default: the one it was trained on)")
    parser.add_argument("--data-dir", help="directory of IDX files (fashion-mnist / mnist)")
    parser.add_argument("--label-column", help="CSV: the label column (name or index)")
    parser.add_argument("--split", choices=("test", "train", "val"), default="test",
                        help="which part of the data set: test, train (exactly the examples "
                             "the run trained on: its validation part left out, as train split "
                             "it with the run's seed), val (that validation part) (default test)")
    parser.add_argument("--out", help="directory for confusion.png and eval.json (those two "
                                      "files are replaced if they exist)")


def run(args) -> int:
    from pathlib import Path

    from ...data import load_dataset
    from ...errors import DataError
    from ...train import format_confusion
    from ...train.checkpointing import write_json
    from ...train.evaluation import evaluate
    from ...train.model import TrainedModel
    from ...train.prepared import Prepared
    from ...wording import format_loss, plural
    from ..checks import check_output_dir

    check_output_dir(args.out, "--out")
    model = TrainedModel.load(args.checkpoint)
    config = model.config
    train, test = load_dataset(args.data or config.data,
                               data_dir=args.data_dir or config.data_dir, seed=config.seed,
                               label_column=args.label_column or config.label_column)
    dataset = test if args.split == "test" else _training_part(config, train, args.split)
    if not dataset.is_classification:
        raise DataError(f"{dataset.name} has no class labels to compute an accuracy from")
    data = Prepared(model.dataset_features(dataset), dataset.y, model.cost, model.n_outputs,
                    model.net.parameters()[0].dtype, f"{dataset.name} ({args.split})",
                    net=model.net)
    report = evaluate(model.net, model.cost, data, n_classes=dataset.n_classes)
    names = model.classes or (list(dataset.classes) if dataset.classes else None)
    print(f"checkpoint {args.checkpoint} (epoch {model.epoch}): {model.net.describe()}")
    print(f"data {dataset.name} ({args.split}): {plural(len(dataset), 'example')}")
    print(f"loss: {format_loss(report['loss'])}")
    print(f"accuracy: {report['accuracy']:.4f}")
    print("confusion matrix (rows: true class, columns: predicted):")
    import numpy as np

    print(format_confusion(np.asarray(report["confusion_matrix"]), names))
    if args.out:
        out = Path(args.out)
        write_json(out / "eval.json", {"checkpoint": str(args.checkpoint), "data": dataset.name,
                                       "split": args.split, **report, "classes": names})
        print(f"wrote {out / 'eval.json'}")
        try:
            from ...train.plots import plot_confusion
        except ImportError:
            print("note: matplotlib is not installed; no confusion.png was drawn")
        else:
            picture = plot_confusion(report["confusion_matrix"], names, out / "confusion.png")
            print(f"wrote {picture}")
    return 0


def _training_part(config, train, split: str):
    """The examples the run trained on (``train``) or validated on (``val``): the training set
    split as ``chainrule train`` split it (:func:`~chainrule.train.run.split_validation`)."""
    from ...errors import ConfigError
    from ...train.run import split_validation

    trained, validation = split_validation(config, train)
    if split == "train":
        return trained
    if validation is None:
        raise ConfigError(f"--split val: the run kept no validation part (it was trained with "
                          f"--val-fraction {config.val_fraction:g})")
    return validation
