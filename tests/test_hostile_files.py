"""Files made to break the readers: each input here is a crash the fuzzer (``tools/fuzz.py``)
found, reduced by hand, and now fails with one of chainrule's documented errors."""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import chainrule as cr
from chainrule.checkpoint import load_archive, load_checkpoint, save_checkpoint
from chainrule.checkpoint.archive import META_KEY
from chainrule.data import read_idx
from chainrule.errors import CheckpointError, ConfigError, DataError, DTypeError
from chainrule.train import TrainingConfig, TrainingRun
from chainrule.train.model import TrainedModel


def npy_member(header: str, data: bytes = b"") -> bytes:
    head = header.encode("latin-1")
    head += b" " * ((-(10 + len(head) + 1)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head + data


def meta_member(meta: dict) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    return buffer.getvalue()


def rezip(path, replace: dict, compression=zipfile.ZIP_STORED, out=None):
    """``path``'s archive with some members replaced (by name, without ``.npy``)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    for name, data in replace.items():
        members[f"{name}.npy"] = data
    out = out or path
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def read_meta(path) -> dict:
    return load_archive(path)[1]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A real ``chainrule train`` run directory (Adam, Dropout, a scaler)."""
    out = tmp_path_factory.mktemp("run")
    config = TrainingConfig(
        data="xor", hidden=[3], dropout=0.2, dtype="float64", epochs=1, batch_size=64
    )
    TrainingRun(config, out, verbose=False, plots=False).run()
    return out


@pytest.fixture
def saved(run_dir, tmp_path):
    """A copy of that run's checkpoint, to damage."""
    path = tmp_path / "checkpoint.npz"
    path.write_bytes((run_dir / "checkpoint.npz").read_bytes())
    return path


def with_meta(path, change):
    meta = read_meta(path)
    change(meta)
    return rezip(path, {META_KEY: meta_member(meta)})


def small_memory(call, limit=8 << 20):
    """Run ``call`` (which must raise) under tracemalloc; returns (error, peak, seconds)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(cr.ChainruleError) as info:
            call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < limit, f"peak {peak} bytes"
    assert time.perf_counter() - started < 1.0
    return info.value


# -- IDX --------------------------------------------------------------------------------------


def test_idx_empty_array_of_impossible_shape(tmp_path):
    # a zero size makes the data empty, the others make a shape no array can have
    path = tmp_path / "x.idx"
    path.write_bytes(bytes([0, 0, 0x0E, 3]) + struct.pack(">3I", 0, 0xFFFFFFFF, 0xFFFFFFFF))
    with pytest.raises(DataError, match="which no array can have"):
        read_idx(path)


# -- the archive ------------------------------------------------------------------------------


def test_npy_header_that_breaks_numpys_tokenizer(saved):
    rezip(
        saved, {"param/0.W": npy_member("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)")}
    )
    with pytest.raises(CheckpointError, match=r"param/0\.W\.npy\].*not a valid \.npy"):
        load_checkpoint(saved)


def test_npy_shape_that_is_not_a_shape(saved):
    rezip(
        saved,
        {
            "param/0.W": npy_member(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (-1, -1), }", bytes(8)
            )
        },
    )
    with pytest.raises(CheckpointError, match=r"the shape \(-1, -1\) is not valid"):
        load_checkpoint(saved)


@pytest.mark.parametrize("method", [zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
def test_members_compressed_other_than_by_deflate_are_refused(saved, method):
    rezip(saved, {}, compression=method)
    with pytest.raises(CheckpointError, match=f"compression method {method} is not supported"):
        load_checkpoint(saved)


def test_a_stored_member_whose_sizes_lie_fails_before_reading(saved):
    # both sizes in the central directory claim 4 GiB: a read of that size would allocate it
    data = bytearray(saved.read_bytes())
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<II", data, at + 20, 0xFFFFFFFF, 0xFFFFFFFF)
    saved.write_bytes(bytes(data))
    error = small_memory(lambda: load_checkpoint(saved))
    assert "the whole file has" in str(error)


def test_a_deflated_member_that_claims_more_than_deflate_can_give(saved):
    rezip(saved, {}, compression=zipfile.ZIP_DEFLATED)
    data = bytearray(saved.read_bytes())
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, at + 24, 0xFFFFFFF0)  # the uncompressed size
    saved.write_bytes(bytes(data))
    error = small_memory(lambda: load_checkpoint(saved))
    assert "more than deflate can" in str(error)


def test_a_compressed_checkpoint_still_loads(saved):
    rezip(saved, {}, compression=zipfile.ZIP_DEFLATED)
    assert load_checkpoint(saved).epoch == 1


def test_a_member_twice(saved):
    with zipfile.ZipFile(saved, "a") as archive, pytest.warns(UserWarning):
        archive.writestr(
            "param/0.W.npy",
            npy_member("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", bytes(8)),
        )
    with pytest.raises(CheckpointError, match="appears twice"):
        load_checkpoint(saved)


# -- the description (valid JSON of the wrong types) ------------------------------------------


def test_a_layer_type_that_is_not_a_name(saved):
    with_meta(saved, lambda m: m["architecture"]["layers"][0].update(type={"a": 1}))
    with pytest.raises(CheckpointError, match="a layer's 'type' is a name"):
        load_checkpoint(saved).build_network()


def test_a_dropout_rate_too_large_for_a_float(saved):
    # found by the fuzzer: float(10**400) raised OverflowError in Dropout's constructor
    with_meta(saved, lambda m: m["architecture"]["layers"][2].update(p=10**400))
    with pytest.raises(CheckpointError, match="Dropout: p must be a number"):
        load_checkpoint(saved).build_network()


def test_an_architecture_larger_than_its_weights_fails_before_allocating(saved):
    def huge(meta):
        meta["architecture"]["layers"][0].update(in_features=10**7, out_features=10**7)

    with_meta(saved, huge)
    checkpoint = load_checkpoint(saved)
    error = small_memory(checkpoint.build_network)
    assert "the architecture declares 100000010000008 weights, the checkpoint holds 17" in str(
        error
    )


def test_a_softmax_axis_that_is_not_an_axis(saved):
    with_meta(saved, lambda m: m["architecture"]["layers"].append({"type": "Softmax", "axis": 1.5}))
    with pytest.raises(CheckpointError, match="axis must be"):
        load_checkpoint(saved).build_network()


def test_a_dtype_string_numpy_cannot_parse(saved):
    text = "{'type': 'Dense', 'in_features': 2147483648, 'out_features': 3}"  # a ValueError
    with_meta(saved, lambda m: m.update(dtype=text))
    with pytest.raises(CheckpointError, match="unknown dtype"):
        load_checkpoint(saved).build_network()
    with pytest.raises(DTypeError, match="unknown dtype"):
        cr.Dense(2, 2, dtype=text)


@pytest.mark.parametrize(
    "value", ["Adam", None, [1.0], 10**400], ids=["text", "null", "list", "huge"]
)
def test_optimizer_hyperparameters_of_the_wrong_type(saved, value):
    with_meta(saved, lambda m: m["optimizer"]["hyperparameters"].update(lr=value))
    checkpoint = load_checkpoint(saved)
    net = checkpoint.build_network()
    with pytest.raises(CheckpointError, match="optimizer state|lr must be"):
        checkpoint.restore(net, cr.Adam(net.parameters()))


def test_a_generator_state_out_of_range(saved):
    def huge(meta):
        state = next(iter(meta["rng"]["dropout"].values()))
        state["state"]["state"] = 2**200

    with_meta(saved, huge)
    checkpoint = load_checkpoint(saved)
    with pytest.raises(CheckpointError, match="random state cannot be restored"):
        checkpoint.build_network()


def test_a_step_count_that_is_infinite(saved):
    with_meta(saved, lambda m: m["optimizer"].update(steps=float("inf")))
    with pytest.raises(CheckpointError, match="OverflowError"):
        load_checkpoint(saved)


def test_rates_too_large_for_a_float():
    net = cr.Sequential(cr.Dense(2, 1))
    with pytest.raises(ConfigError, match="lr must be a number"):
        cr.SGD(net.parameters(), lr=10**400)


# -- what eval, predict and train --resume read from it ---------------------------------------


@pytest.mark.parametrize(
    "option, value",
    [
        ("dropout", [0.1]),
        ("hidden", 5),
        ("scale", {}),
        ("epochs", 1.5),
        ("bias", 1),
        ("data", None),
    ],
)
def test_saved_training_options_of_the_wrong_type(saved, option, value):
    with_meta(saved, lambda m: m["info"]["config"].update({option: value}))
    with pytest.raises(CheckpointError, match=option):
        TrainingRun.resume(saved, verbose=False, plots=False)
    with pytest.raises(CheckpointError, match=option):
        TrainedModel.load(saved)


@pytest.mark.parametrize(
    "trainer", [[], {"epoch": "one"}, {"callbacks": [[]]}, {"callbacks": [{"recent": ["x"]}]}]
)
def test_saved_training_state_that_is_malformed(saved, trainer):
    with_meta(saved, lambda m: m["info"].update(trainer=trainer))
    with pytest.raises(CheckpointError, match="training state is malformed"):
        TrainingRun.resume(saved, verbose=False, plots=False)


def test_saved_options_that_describe_another_network_fail_before_allocating_it(saved):
    with_meta(saved, lambda m: m["info"]["config"].update(hidden=[4_000_000_000]))
    error = small_memory(lambda: TrainingRun.resume(saved, verbose=False, plots=False))
    assert "hidden layers [4000000000], the saved network has [3]" in str(error)


def test_a_model_without_a_dense_layer(saved):
    def strip(meta):
        meta["architecture"]["layers"] = [{"type": "Tanh"}]
        meta["optimizer"] = None

    with_meta(saved, strip)
    with zipfile.ZipFile(saved) as archive:
        kept = {
            i.filename: archive.read(i)
            for i in archive.infolist()
            if not i.filename.startswith(("param/", "optim/"))
        }
    with zipfile.ZipFile(saved, "w") as archive:
        for name, data in kept.items():
            archive.writestr(name, data)
    with pytest.raises(CheckpointError, match="no Dense layer"):
        TrainedModel.load(saved)


def test_a_model_with_malformed_class_names_or_float_type(saved):
    with_meta(saved, lambda m: m["info"]["dataset"].update(classes=[1, {}]))
    with pytest.raises(CheckpointError, match="class names are malformed"):
        TrainedModel.load(saved)
    with_meta(
        saved,
        lambda m: (
            m["info"]["dataset"].update(classes=None),
            m["info"]["config"].update(dtype="xor"),
        ),
    )
    with pytest.raises(CheckpointError, match="dtype xor: unknown"):
        TrainedModel.load(saved)


def test_the_unharmed_checkpoint_still_serves(saved):
    model = TrainedModel.load(saved)
    assert model.predict_proba(np.zeros((2, 2), dtype=np.float32)).shape == (2, 2)
    net = cr.Sequential(cr.Dense(2, 3, dtype="float64"))
    path = save_checkpoint(saved.parent / "plain.npz", net)
    assert load_checkpoint(path).build_network().config() == net.config()


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("cost", "nope", "--cost nope: unknown"),
        ("reduction", "avg", "reduction"),
        ("scale", "nope", "--scale nope: unknown"),
    ],
)
def test_a_model_whose_cost_or_scaling_is_unknown(saved, option, value, message):
    # found by fuzzing: the cost failed only at predict time (a ConfigError), and an unknown
    # scaling was silently skipped, which would have given wrong predictions
    with_meta(saved, lambda m: m["info"]["config"].update({option: value}))
    with pytest.raises(CheckpointError, match=message):
        TrainedModel.load(saved)


def test_a_negative_seed(saved, capsys):
    # found by fuzzing a resumed run; `chainrule train --seed -1` failed the same way
    with_meta(saved, lambda m: m["info"]["config"].update(seed=-1))
    with pytest.raises(CheckpointError, match="--seed must be a whole number ≥ 0, got -1"):
        TrainingRun.resume(saved, verbose=False, plots=False)
    from chainrule.cli.main import main

    assert main(["train", "--seed", "-1", "--data", "xor"]) == ConfigError.exit_code
    assert "--seed must be a whole number ≥ 0, got -1" in capsys.readouterr().err
