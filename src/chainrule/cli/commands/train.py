"""``chainrule train``: train a network and report its test accuracy.

Defaults: scikit-learn's digits (no files needed), a 64-128-10 ReLU network, softmax
cross-entropy, Adam, 30 epochs of batches of 32; the generated sets have defaults of their own
(:func:`~chainrule.train.defaults_for`), printed in a note. ``--out DIR`` keeps the checkpoint,
``metrics.json`` and the pictures; a directory that holds a run is refused unless ``--resume`` or
``--overwrite`` says otherwise. ``--resume DIR`` continues a run where it stopped. Every option
is checked before any data is loaded.
"""

from __future__ import annotations

from dataclasses import fields

from ...errors import ConfigError
from ...wording import format_loss, plural
from ..checks import HIDDEN_ACTIVATIONS

NAME = "train"
HELP = "train a network (default: the digits set) and print its test accuracy"


def add_arguments(parser) -> None:
    from ...data import DATASETS
    from ...optim import SCHEDULES

    data = parser.add_argument_group("data")
    data.add_argument(
        "--data",
        help=f"data set: {', '.join(DATASETS)}, a .csv file, or a "
        "directory of MNIST-format IDX files (default digits)",
    )
    data.add_argument(
        "--data-dir",
        help="directory of the IDX files of fashion-mnist / mnist "
        "(default: $CHAINRULE_DATA_DIR, then the Debian "
        "package's /usr/share/datasets/fashion-mnist)",
    )
    data.add_argument(
        "--label-column", help="CSV: the label column, by name or index (default: the last)"
    )
    data.add_argument(
        "--task",
        choices=("classification", "regression"),
        help="what the label column holds (default: decided by it: up to 20 "
        "distinct whole numbers or a few texts are classes; fractions or "
        "more distinct numbers a regression target)",
    )
    data.add_argument(
        "--scale",
        choices=("standard", "minmax", "none"),
        help="feature scaling fitted on the training part (default standard)",
    )
    data.add_argument(
        "--val-fraction",
        type=float,
        help="fraction of the training set held out for validation (default 0.1)",
    )
    net = parser.add_argument_group("network")
    net.add_argument("--hidden", help="hidden layer sizes, e.g. 256,128, or none (default 128)")
    net.add_argument(
        "--layers",
        help="all layer sizes as explain and gradcheck take them, e.g. "
        "64,128,10: the first must be the data's features, the "
        "last its outputs, the ones between are --hidden "
        "(default: from --hidden)",
    )
    net.add_argument("--activation", help=f"hidden activation: {HIDDEN_ACTIVATIONS} (default relu)")
    net.add_argument(
        "--cost",
        choices=("ce", "mse", "bce"),
        help="ce: softmax cross-entropy (the default for classes); mse: the "
        "book's ½Σ(a−y)² (on one-hot targets for classes; the default and "
        "only cost for a regression target); bce: two classes",
    )
    net.add_argument(
        "--reduction",
        choices=("sum", "mean"),
        help="sum or mean of the cost over a batch (default: the cost's own)",
    )
    net.add_argument(
        "--init",
        help="weight initialisation: he, xavier, uniform, normal "
        "(default: he for relu, else xavier)",
    )
    net.add_argument("--no-bias", action="store_true", default=None, help="layers without biases")
    net.add_argument("--dropout", type=float, help="dropout after each hidden layer (0 … 1)")
    opt = parser.add_argument_group("optimisation")
    opt.add_argument("--optimizer", choices=("adam", "adamw", "sgd"), help="default adam")
    opt.add_argument("--lr", type=float, help="learning rate η (default 1e-3 Adam, 0.1 SGD)")
    opt.add_argument("--momentum", type=float, help="SGD momentum μ")
    opt.add_argument("--nesterov", action="store_true", default=None, help="Nesterov momentum")
    opt.add_argument("--weight-decay", type=float, help="L2 (sgd, adam) / decoupled (adamw)")
    opt.add_argument("--schedule", choices=SCHEDULES, help="learning-rate schedule")
    opt.add_argument("--step-every", type=float, help="step schedule: epochs between decays")
    opt.add_argument("--gamma", type=float, help="step schedule: factor per decay")
    opt.add_argument("--min-lr", type=float, help="cosine schedule: the final rate")
    opt.add_argument("--warmup", type=float, help="epochs of linear warm-up")
    opt.add_argument(
        "--clip", type=float, help="clip the gradient norm ‖∂C/∂θ‖₂ to this (default: no clipping)"
    )
    opt.add_argument("--epochs", type=int, help="epochs in all (default 30)")
    opt.add_argument("--batch-size", type=int, help="examples per step (default 32)")
    opt.add_argument(
        "--patience",
        type=int,
        help="stop early after this many epochs without a better validation loss "
        "(default: no early stopping)",
    )
    run = parser.add_argument_group("the run")
    run.add_argument("--seed", type=int, help="seed of weights, split and shuffling (default 0)")
    run.add_argument("--dtype", choices=("float32", "float64"), help="default float32")
    run.add_argument(
        "--out",
        help="directory for checkpoint.npz, metrics.json and pictures "
        "(a directory holding a run is refused without --overwrite) "
        "(default: none; nothing is saved)",
    )
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the run already in --out (its files are removed first)",
    )
    run.add_argument(
        "--resume",
        metavar="DIR",
        help="continue the run saved in DIR (its options; --epochs sets the total) "
        "(default: a new run)",
    )
    run.add_argument("--quiet", action="store_true", help="only the final line")
    run.add_argument("--no-plots", action="store_true", help="do not draw the PNG pictures")
    show_defaults(parser)


def show_defaults(parser) -> None:
    """Each option's help shows the default of its training option (the parser's own default
    stays None, so that an option left out can be told from one given)."""
    from ...train import TrainingConfig

    defaults = {f.name: getattr(TrainingConfig(), f.name) for f in fields(TrainingConfig)}
    for action in parser._actions:
        value = defaults.get(action.dest)
        if value is not None and action.nargs != 0:
            action.shown_default = ",".join(map(str, value)) if isinstance(value, list) else value


def check_layers(layers: list[int], training) -> None:
    """``--layers``: its first and last sizes must be the data's (ConfigError otherwise)."""
    dense = [layer for layer in training.net.layers if hasattr(layer, "in_features")]
    sizes = [dense[0].in_features, dense[-1].out_features]
    if (layers[0], layers[-1]) != (sizes[0], sizes[-1]):
        raise ConfigError(
            f"--layers {','.join(map(str, layers))}: {training.data.train.name} "
            f"needs {sizes[0]} inputs and {sizes[-1]} outputs, so write "
            f"--layers {','.join(map(str, [sizes[0], *layers[1:-1], sizes[-1]]))}"
            f" (or --hidden {','.join(map(str, layers[1:-1])) or 'none'})"
        )


def target_text(dataset) -> str:
    """``10 classes``, or ``a regression target 'price'`` (``targets`` for several)."""
    if dataset.is_classification:
        return plural(dataset.n_classes, "class", "classes")
    names = dataset.target_names
    shown = f" {', '.join(map(repr, names))}" if names else ""
    width = dataset.n_outputs
    return f"a regression target{shown}" if width == 1 else f"{width} regression targets{shown}"


def print_header(training, task_given: bool = False) -> None:
    """The lines that say what is about to be trained, on what."""
    config, data = training.config, training.data
    val = f", {len(data.val)} validation" if data.val is not None else ""
    print(
        f"data {data.train.name}: {len(data.train)} training{val}, {len(data.test)} test "
        f"examples, {plural(data.train.n_features, 'feature')}, {target_text(data.train)}"
    )
    if not task_given and config.data.lower().endswith((".csv", ".tsv", ".txt")):
        other = "classification" if config.task == "regression" else "regression"
        print(
            f"note: the task ({config.task}) was decided by the target column's values; "
            f"--task {other} decides otherwise"
        )
    hidden = f"{config.activation}" if config.hidden else "no hidden layer"
    print(
        f"network {training.net.describe()} ({hidden}), cost {config.cost}, "
        f"optimizer {config.optimizer} (lr {config.learning_rate:g}), "
        f"{plural(config.epochs, 'epoch')} of batches of {config.batch_size}"
    )


#: Options whose value is a comma-separated list of sizes.
_LISTS = {"hidden"}
#: Command-line flags that map to a TrainingConfig field of another name.
_RENAMED = {"no_bias": "bias"}


def given_options(args) -> dict:
    """The training options given on the command line (those left out keep their defaults)."""
    from ...train import TrainingConfig, parse_hidden

    names = {f.name for f in fields(TrainingConfig)}
    chosen = {}
    for key, value in vars(args).items():
        if value is None:
            continue
        if key in _RENAMED:
            chosen[_RENAMED[key]] = not value
        elif key in names:
            chosen[key] = parse_hidden(value) if key in _LISTS else value
    return chosen


def checked_options(args) -> tuple[dict, list[int] | None]:
    """The options given, each checked before anything is loaded (:class:`ConfigError` naming
    the option), and the sizes ``--layers`` gave (None without it)."""
    from ...nn import parse_sizes
    from ...train import TrainingConfig

    layers = None
    if args.layers is not None:
        if args.hidden is not None:
            raise ConfigError(
                "give --hidden or --layers, not both (--layers 64,128,10 is "
                "--hidden 128 with the input and output sizes written out)"
            )
        layers = parse_sizes(args.layers)
        args.hidden = ",".join(map(str, layers[1:-1])) or "none"
    options = given_options(args)
    if args.resume:
        if "epochs" in options:
            TrainingConfig(epochs=options["epochs"]).validate()
    else:
        TrainingConfig.from_dict(options)  # every option checked, nothing loaded yet
    return options, layers


def run(args) -> int:
    from ...train import TrainingConfig, TrainingRun, check_out_dir, clear_run, defaults_for

    options, layers = checked_options(args)
    check_out_dir(args.out, overwrite=args.overwrite, resuming=args.resume)
    verbose = not args.quiet
    common = {"verbose": verbose, "plots": not args.no_plots}
    note = ""
    if args.resume:
        ignored = sorted(set(options) - {"epochs"})
        if ignored and verbose:
            print(f"note: resuming with the saved options; ignored: {', '.join(ignored)}")
        training = TrainingRun.resume(
            args.resume, epochs=options.get("epochs"), out_dir=args.out, **common
        )
    else:
        chosen, note = defaults_for(options.get("data", TrainingConfig.data), options)
        config = TrainingConfig.from_dict({**options, **chosen})
        training = TrainingRun(config, args.out, **common)
    if layers is not None:
        check_layers(layers, training)
    if note and verbose:
        print(f"note: {note}")
    if args.overwrite and args.out is not None:
        clear_run(args.out, resuming=args.resume)
    if verbose:
        print_header(training, task_given="task" in options)
    result = training.run()
    print(final_line(result.test))
    return 0


def final_line(test: dict) -> str:
    """``test accuracy: 0.9756``, or for a regression target ``test R²: 0.9712  RMSE …  MSE …``
    (RMSE and MSE in the target's units)."""
    from ...train.regression import format_r2

    if "accuracy" in test:
        return f"test accuracy: {test['accuracy']:.4f}"
    if "mse" in test:
        return (
            f"test R²: {format_r2(test['r2'])}  RMSE {format_loss(test['rmse'])}  "
            f"MSE {format_loss(test['mse'])}"
        )
    return f"test loss: {format_loss(test['loss'])}"
