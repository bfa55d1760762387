"""Options are checked before anything runs: one ``error:`` line naming the option, exit 2;
``--out`` never replaces a run unasked; the generated sets train well with their own defaults."""

from __future__ import annotations

import pytest
from installed_cli import run_chainrule

from chainrule.cli.main import main
from chainrule.train import TrainingConfig, TrainingRun, defaults_for

_cli = run_chainrule


@pytest.mark.slow
def test_an_argument_error_is_one_line_naming_the_option():
    done = _cli("train", "--epochs", "abc")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "error: argument --epochs: invalid int value: 'abc' (see chainrule train --help)"
    ]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["train", "--epochs", "0"], "--epochs must be a whole number ≥ 1, got 0"),
        (["train", "--epochs", "-3"], "--epochs must be a whole number ≥ 1, got -3"),
        (["train", "--batch-size", "0"], "--batch-size must be a whole number ≥ 1"),
        (["train", "--hidden", "0"], "--hidden none"),
        (["train", "--lr", "-1"], "--lr must be > 0"),
        (["train", "--val-fraction", "1"], "--val-fraction must lie in [0, 1)"),
        (["train", "--dropout", "1.5"], "--dropout must lie in [0, 1)"),
        (["train", "--momentum", "2", "--optimizer", "sgd"], "--momentum must lie in [0, 1)"),
        (["train", "--activation", "softmax"], "softmax belongs to the output"),
        (["train", "--activation", "foo"], "--activation foo: unknown"),
        (["train", "--init", "bar"], "--init bar: unknown"),
        (["train", "--layers", "3,0,1"], "layer sizes (--layers)"),
        (["train", "--data", "xor", "--layers", "3,4,1"], "write --layers 2,4,2"),
        (["train", "--layers", "64,8,10", "--hidden", "8"], "not both"),
        (["train", "--hiden", "8"], "did you mean --hidden?"),
        (["gradcheck", "--eps", "-1"], "argument --eps: must be > 0"),
        (["gradcheck", "--batch", "0"], "argument --batch: must be a whole number ≥ 1"),
        (["gradcheck", "--layers", "3,-4,1"], "got [3, -4, 1]"),
        (["gradcheck", "--layers", "3,,1"], "got '3,,1': a size is missing between two commas"),
        (["explain", "--layers", "3,4,"], "got '3,4,': a size is missing between two commas or at"),
        (["gradcheck", "--activation", "softmax"], "softmax is not a hidden activation"),
        (
            ["gradcheck", "--activation", "bogus"],
            "argument --activation: unknown 'bogus'; choose one of sigmoid, tanh, relu, identity",
        ),
        (
            ["explain", "--layers", "2,3,1", "--activation", "bogus"],
            "argument --activation: unknown 'bogus'; choose one of sigmoid, tanh, relu, identity",
        ),
        (["explain", "--lr", "0"], "argument --lr: must be > 0"),
        (["explain", "--width", "abc"], "argument --width"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(capsys, args, fragment):
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no header, no training line before the error
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert fragment in err


def test_every_option_shows_its_default(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for shown in ("(default 30)", "(default 32)", "(default 0.1)", "default adam"):
        assert shown in text
    with pytest.raises(SystemExit):
        main(["gradcheck", "--help"])
    assert "(default 1e-06)" in capsys.readouterr().out


def test_out_over_a_finished_run_is_refused_unless_asked(capsys, tmp_path):
    out = tmp_path / "r1"
    base = [
        "train",
        "--data",
        "gauss",
        "--hidden",
        "4",
        "--epochs",
        "1",
        "--quiet",
        "--no-plots",
        "--out",
        str(out),
    ]
    assert main(base) == 0
    before = (out / "checkpoint.npz").read_bytes()
    capsys.readouterr()
    assert main([*base[:-2], "--seed", "3", "--out", str(out)]) == 2
    assert "already holds a run (checkpoint.npz, metrics.json)" in capsys.readouterr().err
    assert (out / "checkpoint.npz").read_bytes() == before
    # continuing it is asked for by --resume; replacing it by --overwrite
    assert main(["train", "--resume", str(out), "--epochs", "2", "--quiet", "--no-plots"]) == 0
    (out / "training.png").write_bytes(b"old picture")
    assert main([*base, "--overwrite", "--seed", "3"]) == 0
    assert not (out / "training.png").exists()  # nothing of the old run is left beside it
    assert (out / "checkpoint.npz").read_bytes() != before


@pytest.mark.slow
def test_out_naming_a_file_is_refused_before_loading(tmp_path):
    target = tmp_path / "file"
    target.write_text("mine")
    done = _cli("train", "--data", str(tmp_path / "missing.csv"), "--out", str(target))
    assert done.returncode == 2
    assert "is a file" in done.stderr and "missing.csv" not in done.stderr
    assert target.read_text() == "mine"


def test_predict_refuses_to_write_over_its_input(capsys, tmp_path):
    out = tmp_path / "r"
    assert (
        main(
            [
                "train",
                "--data",
                "gauss",
                "--hidden",
                "4",
                "--epochs",
                "1",
                "--quiet",
                "--no-plots",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    data = tmp_path / "x.csv"
    data.write_text("0.5,1.5\n2.0,1\n")
    assert main(["predict", str(out), "--input", str(data), "--out", str(data)]) == 2
    assert "also the command's input" in capsys.readouterr().err
    assert data.read_text() == "0.5,1.5\n2.0,1\n"
    assert main(["eval", str(out), "--out", str(data)]) == 2


def test_one_epoch_is_singular(capsys):
    assert main(["train", "--data", "gauss", "--epochs", "1", "--hidden", "4"]) == 0
    out = capsys.readouterr().out
    assert "1 epoch of batches" in out and "1 epochs" not in out


def test_no_hidden_layer_is_not_labelled_with_an_activation(capsys):
    assert main(["train", "--data", "gauss", "--epochs", "1", "--hidden", "none"]) == 0
    assert "(no hidden layer)" in capsys.readouterr().out


def test_set_defaults_apply_only_where_not_given():
    chosen, note = defaults_for("circles", {"epochs": 5})
    assert chosen == {"lr": 0.01} and "--lr 0.01" in note
    assert defaults_for("circles", {"optimizer": "sgd"})[0] == {"epochs": 100}
    assert defaults_for("digits", {}) == ({}, "")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["xor", "circles", "moons", "gauss"])
def test_generated_sets_train_well_with_their_defaults(name):
    chosen, _ = defaults_for(name, {})
    run = TrainingRun(
        TrainingConfig.from_dict({"data": name, **chosen}), None, verbose=False, plots=False
    ).run()
    assert run.test_accuracy >= 0.97


@pytest.mark.slow
def test_book_is_not_split_for_validation_and_says_it_tests_on_its_examples():
    done = _cli("train", "--data", "book")
    assert done.returncode == 0, done.stderr
    assert "the test accuracy is measured on the same four it trains on" in done.stdout
    assert "4 training, 4 test examples" in done.stdout
    assert done.stdout.strip().endswith("test accuracy: 1.0000")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a;b;c\n" + "1;2;0\n3;4;1\n" * 4, None),
        ("a\tb\tc\n" + "1\t2\t0\n3\t4\t1\n" * 4, None),
        ("a|b|c\n" + "1|2|0\n3|4|1\n" * 4, None),
        ("a;b;c\n" + "1,5;2;0\n3,5;4;1\n" * 4, "'1,5' is not a number (a decimal comma?"),
    ],
)
def test_csv_delimiters_are_recognised_or_named(tmp_path, text, fragment):
    from chainrule.data import read_csv
    from chainrule.errors import DataError

    path = tmp_path / "data.csv"
    path.write_text(text)
    if fragment is None:
        data = read_csv(path)
        assert data.X.shape == (8, 2) and list(data.X[1]) == [3.0, 4.0]
    else:
        with pytest.raises(DataError, match=fragment.replace("(", r"\(").replace("?", r"\?")):
            read_csv(path)


def test_a_validation_split_that_cannot_be_made_names_the_option(capsys, tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("a,b,c\n1,2,0\n3,4,1\n")
    assert main(["train", "--data", str(path)]) == 9
    err = capsys.readouterr().err
    assert "the validation split (--val-fraction 0.1): cannot split 1 example" in err
    assert "test_size" not in err


def test_errors_name_the_options_as_the_command_line_spells_them(capsys):
    assert main(["train", "--data", "xor", "--label-column", "2"]) == 2
    assert "label_column (--label-column)" in capsys.readouterr().err
