"""benchmarks/tf_playground.py: the arithmetic of its rates, its table, the network it asks the
page for, and that it skips (exit 0, saying why) without a TensorFlow Playground build."""

from __future__ import annotations

import pytest

from benchmarks import tf_playground


def test_one_iteration_is_one_epoch_of_25_updates_of_a_batch_of_ten():
    found = tf_playground.rates(50, 2.0)
    assert found["iterations_per_s"] == 25.0
    assert found["epochs_per_s"] == 25.0
    assert found["updates_per_s"] == 625.0  # 250 training points / batch 10 = 25 per epoch
    assert found["examples_per_s"] == 6250.0


def test_the_page_is_asked_for_a_2_8_8_1_tanh_network_on_the_circle():
    state = tf_playground.STATE
    assert state["networkShape"] == "8,8"
    assert (state["batchSize"], state["learningRate"], state["activation"]) == (
        "10",
        "0.03",
        "tanh",
    )
    assert (state["dataset"], state["percTrainData"], state["noise"]) == ("circle", "50", "0")
    assert (state["x"], state["y"], state["xSquared"]) == ("true", "true", "false")


def test_the_table_has_a_row_per_mode():
    rows = [
        {
            "mode": "page",
            **tf_playground.rates(100, 4.0),
            "frames_per_s": 25.0,
            "ms_per_iteration": 40.0,
        },
        {
            "mode": "engine",
            **tf_playground.rates(8000, 4.0),
            "frames_per_s": None,
            "ms_per_iteration": 0.5,
        },
    ]
    lines = tf_playground.table(rows).splitlines()
    assert lines[0].startswith("| mode | iterations (epochs)/s")
    assert lines[2] == "| page | 25.0 | 625 | 25.0 | 40.0 |"
    assert lines[3] == "| engine | 2000.0 | 50000 | — | 0.5 |"


def test_without_a_build_it_skips_saying_why(tmp_path, capsys):
    assert tf_playground.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tf_playground: skipped: ")
    assert str(tmp_path) in out and "not a built TensorFlow Playground" in out


def test_an_unknown_mode_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        tf_playground.main([str(tmp_path), "--modes", "page,fastest"])
    assert exit.value.code == 2
    assert "--modes: unknown ['fastest']" in capsys.readouterr().err


def test_no_time_to_measure_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        tf_playground.main([str(tmp_path), "--seconds", "0"])
    assert exit.value.code == 2
    assert "--seconds must be > 0 and --warmup ≥ 0, got 0.0, 3.0" in capsys.readouterr().err
