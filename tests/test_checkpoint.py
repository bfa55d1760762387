"""Checkpoints: round trips, atomic writes, and every way a file can be unusable."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

import chainrule as cr
from chainrule.checkpoint import (
    atomic_write,
    load_archive,
    load_checkpoint,
    save_archive,
    save_checkpoint,
)
from chainrule.errors import CheckpointError


def small_net(rng, dropout=True):
    layers = [cr.Dense(4, 6, dtype="float64", rng=rng), cr.Tanh()]
    if dropout:
        layers.append(cr.nn.Dropout(0.3, rng=7))
    layers += [cr.Dense(6, 3, dtype="float64", rng=rng)]
    return cr.Sequential(*layers)


def trained(rng):
    net = small_net(rng)
    opt = cr.Adam(net.parameters(), lr=0.01)
    X, y = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
    for _ in range(3):
        opt.zero_grad()
        cr.CrossEntropy()(net(X), y).backward()
        opt.step()
    return net, opt


def test_round_trip_keeps_weights_optimizer_generators_and_info(tmp_path, rng):
    net, opt = trained(rng)
    shuffle = np.random.default_rng(3)
    shuffle.permutation(10)
    path = save_checkpoint(
        tmp_path / "c.npz",
        net,
        opt,
        epoch=5,
        shuffle_rng=shuffle,
        info={"note": "hello"},
        arrays={"scaler/mean": np.arange(4.0)},
    )
    loaded = load_checkpoint(path)
    assert loaded.epoch == 5 and loaded.info == {"note": "hello"}
    assert loaded.architecture == net.config() and loaded.dtype == "float64"
    np.testing.assert_array_equal(loaded.arrays["scaler/mean"], np.arange(4.0))
    rebuilt = loaded.build_network()
    for (name, a), (_, b) in zip(net.named_parameters(), rebuilt.named_parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)
        assert b.dtype == np.float64
    # the Dropout generator continues where the saved one stood
    assert rebuilt[2].rng.random() == net[2].rng.random()
    opt2 = cr.Adam(rebuilt.parameters(), lr=0.5)
    fresh = np.random.default_rng(99)
    loaded.restore(rebuilt, opt2, fresh)
    assert opt2.lr == 0.01 and opt2.steps == 3
    for s1, s2 in zip(opt.state, opt2.state, strict=True):
        assert s1.keys() == s2.keys()
        for key in s1:
            np.testing.assert_array_equal(s1[key], s2[key])
    assert fresh.random() == shuffle.random()


def test_a_directory_means_its_checkpoint_file(tmp_path, rng):
    net, _ = trained(rng)
    save_checkpoint(tmp_path / "checkpoint.npz", net)
    assert load_checkpoint(tmp_path).epoch == 0


def test_another_architecture_lists_every_difference(tmp_path, rng):
    net, _ = trained(rng)
    path = save_checkpoint(tmp_path / "c.npz", net)
    other = cr.Sequential(
        cr.Dense(5, 6, dtype="float64"),
        cr.Tanh(),
        cr.nn.Dropout(0.3),
        cr.Dense(6, 2, dtype="float64"),
    )
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path).restore(other)
    message = str(info.value)
    assert "another architecture" in message
    assert "layer 0 (Dense): in_features 4 in the checkpoint, 5 here" in message
    assert "layer 3 (Dense): out_features 3 in the checkpoint, 2 here" in message
    swapped = cr.Sequential(
        cr.Dense(4, 6, dtype="float64"),
        cr.ReLU(),
        cr.nn.Dropout(0.3),
        cr.Dense(6, 3, dtype="float64"),
    )
    with pytest.raises(
        CheckpointError,
        match=r"layer 1: Tanh\(\) in the checkpoint, "
        r"ReLU\(\) here",
    ):
        load_checkpoint(path).restore(swapped)
    shorter = cr.Sequential(cr.Dense(4, 6, dtype="float64"))
    with pytest.raises(CheckpointError, match="4 layers in the checkpoint, 1 here"):
        load_checkpoint(path).restore(shorter)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old and good")

    def broken(handle):
        handle.write(b"half of the new")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old and good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.bin"]


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, weights=np.array([{"a": 1}], dtype=object))
    with pytest.raises(CheckpointError, match="pickled data"):
        load_archive(path)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "not a readable checkpoint"),
        (b"PK\x03\x04 this is not really a zip", "not a readable checkpoint"),
        (b"\x00" * 100, "not a readable checkpoint"),
    ],
)
def test_garbage_files_give_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path)


def test_truncated_checkpoint(tmp_path, rng):
    net, opt = trained(rng)
    path = save_checkpoint(tmp_path / "c.npz", net, opt)
    data = path.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 10):
        broken = tmp_path / f"cut{cut}.npz"
        broken.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match=str(broken.name)):
            load_checkpoint(broken)


def test_missing_file_and_foreign_archive(tmp_path):
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        load_checkpoint(tmp_path / "nothing.npz")
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, x=np.zeros(3))
    with pytest.raises(CheckpointError, match="not a chainrule checkpoint"):
        load_checkpoint(foreign)
    save_archive(foreign, {"x": np.zeros(3)}, {"format": "something else"})
    with pytest.raises(CheckpointError, match="not a chainrule checkpoint"):
        load_checkpoint(foreign)


def test_a_header_that_declares_huge_data_fails_before_allocating(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**12, 10**6)}
    )
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("param/0.W.npy", header.getvalue() + b"\x00" * 64)
    with pytest.raises(CheckpointError, match="declares"):
        load_archive(path)


def test_optimizer_state_of_the_wrong_shape_is_refused(tmp_path, rng):
    net, opt = trained(rng)
    path = save_checkpoint(tmp_path / "c.npz", net, opt)
    loaded = load_checkpoint(path)
    loaded.optimizer["state"][0]["m"] = np.zeros((2, 2))
    with pytest.raises(CheckpointError, match="has shape"):
        loaded.restore(loaded.build_network(), cr.Adam(net.parameters()))
