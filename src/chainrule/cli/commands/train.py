"""``chainrule train``: train a network and report its test accuracy.

Defaults: scikit-learn's digits (no files needed), a 64-128-10 ReLU network, softmax
cross-entropy, Adam, 30 epochs of batches of 32. ``--out DIR`` keeps the checkpoint,
``metrics.json`` and the pictures; ``--resume DIR`` continues a run where it stopped.
"""

from __future__ import annotations

from dataclasses import fields

NAME = "train"
HELP = "train a network (default: the digits set) and print its test accuracy"


def add_arguments(parser) -> None:
    from ...data import DATASETS
    from ...optim import SCHEDULES

    data = parser.add_argument_group("data")
    data.add_argument("--data", help=f"data set: {', '.join(DATASETS)}, a .csv file, or a "
                                     "directory of MNIST-format IDX files (default digits)")
    data.add_argument("--data-dir", help="directory of the IDX files of fashion-mnist / mnist "
                                         "(default: $CHAINRULE_DATA_DIR, then the Debian "
                                         "package's /usr/share/datasets/fashion-mnist)")
    data.add_argument("--label-column", help="CSV: the label column, by name or index "
                                             "(default: the last)")
    data.add_argument("--scale", choices=("standard", "minmax", "none"),
                      help="feature scaling fitted on the training part (default standard)")
    data.add_argument("--val-fraction", type=float,
                      help="fraction of the training set held out for validation (default 0.1)")
    net = parser.add_argument_group("network")
    net.add_argument("--hidden", help="hidden layer sizes, e.g. 256,128 (default 128)")
    net.add_argument("--activation", help="hidden activation: relu (default), sigmoid, tanh")
    net.add_argument("--cost", choices=("ce", "mse", "bce"),
                     help="ce: softmax cross-entropy (default); mse: the book's ½Σ(a−y)² on "
                          "one-hot targets; bce: two classes")
    net.add_argument("--reduction", choices=("sum", "mean"),
                     help="sum or mean of the cost over a batch (default: the cost's own)")
    net.add_argument("--init", help="weight initialisation: he, xavier, uniform, normal "
                                    "(default: he for relu, else xavier)")
    net.add_argument("--no-bias", action="store_true", default=None,
                     help="layers without biases")
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
    opt.add_argument("--clip", type=float, help="clip the gradient norm ‖∂C/∂θ‖₂ to this")
    opt.add_argument("--epochs", type=int, help="epochs in all (default 30)")
    opt.add_argument("--batch-size", type=int, help="examples per step (default 32)")
    opt.add_argument("--patience", type=int,
                     help="stop early after this many epochs without a better validation loss")
    run = parser.add_argument_group("the run")
    run.add_argument("--seed", type=int, help="seed of weights, split and shuffling (default 0)")
    run.add_argument("--dtype", choices=("float32", "float64"), help="default float32")
    run.add_argument("--out", help="directory for checkpoint.npz, metrics.json and pictures")
    run.add_argument("--resume", metavar="DIR",
                     help="continue the run saved in DIR (its options; --epochs sets the total)")
    run.add_argument("--quiet", action="store_true", help="only the final line")
    run.add_argument("--no-plots", action="store_true", help="do not draw the PNG pictures")


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


def run(args) -> int:
    from ...train import TrainingConfig, TrainingRun

    options = given_options(args)
    verbose = not args.quiet
    common = {"verbose": verbose, "plots": not args.no_plots}
    if args.resume:
        ignored = sorted(set(options) - {"epochs"})
        if ignored and verbose:
            print(f"note: resuming with the saved options; ignored: {', '.join(ignored)}")
        training = TrainingRun.resume(args.resume, epochs=options.get("epochs"),
                                      out_dir=args.out, **common)
    else:
        config = TrainingConfig.from_dict(options)
        training = TrainingRun(config, args.out, **common)
    if verbose:
        config = training.config
        data = training.data
        val = f", {len(data.val)} validation" if data.val is not None else ""
        print(f"data {data.train.name}: {len(data.train)} training{val}, {len(data.test)} test "
              f"examples, {data.train.n_features} features")
        print(f"network {training.net.describe()} ({config.activation}), cost {config.cost}, "
              f"optimizer {config.optimizer} (lr {config.learning_rate:g}), "
              f"{config.epochs} epochs of batches of {config.batch_size}")
    result = training.run()
    if result.test_accuracy is not None:
        print(f"test accuracy: {result.test_accuracy:.4f}")
    else:
        print(f"test loss: {result.test['loss']:.6f}")
    return 0
