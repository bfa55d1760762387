"""Checkpoints: everything needed to use a trained network or to resume its training.

One ``.npz`` archive (:mod:`.archive`, written atomically, read without pickle) holds

- ``param/<name>``: each parameter's array (``0.W``, ``0.b``, ...);
- ``optim/<i>/<key>``: the optimizer's per-parameter state (momentum, Adam's m, v, t);
- any extra arrays a caller adds (the data scaler's mean and scale, ...);
- one JSON document: the architecture (``net.config()``), the float type, the optimizer's type,
  hyper-parameters and step count, the completed epoch, the random generators' states (the
  batch shuffler's and every Dropout layer's), and free ``info`` (data set, training options,
  history) for the programs that read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ChainruleError, CheckpointError
from ..nn import Dropout, Module, config_differences, from_config
from .archive import load_archive, save_archive

FORMAT = "chainrule.checkpoint"
VERSION = 1
#: What interpreting a malformed description (valid JSON of the wrong types) can raise.
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)


def _generator_state(rng: np.random.Generator | None):
    return None if rng is None else rng.bit_generator.state


def _set_generator_state(rng: np.random.Generator, state, where: str) -> None:
    try:
        rng.bit_generator.state = state
    except _MALFORMED as exc:
        raise CheckpointError(
            f"{where}: the saved random state cannot be restored ({exc})"
        ) from None


def _declared_weights(config) -> int | None:
    """How many weights an architecture description declares (None if it cannot say)."""
    if not isinstance(config, dict):
        return None
    if config.get("type") == "Dense":
        n_in, n_out = config.get("in_features"), config.get("out_features")
        if not all(isinstance(n, int) and n > 0 for n in (n_in, n_out)):
            return None
        return n_in * n_out + (n_out if config.get("bias", True) else 0)
    layers = config.get("layers")
    if config.get("type") == "Sequential" and isinstance(layers, list):
        return sum(_declared_weights(layer) or 0 for layer in layers)
    return None


def _dropout_layers(net: Module) -> dict[str, Dropout]:
    return {name: m for name, m in net.named_modules() if isinstance(m, Dropout)}


@dataclass
class Checkpoint:
    """A loaded (or about to be saved) checkpoint; see the module docstring."""

    architecture: dict
    dtype: str
    parameters: dict[str, np.ndarray]
    optimizer: dict | None = None
    epoch: int = 0
    rng: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    path: Path | None = None

    @property
    def where(self) -> str:
        return str(self.path) if self.path is not None else "the checkpoint"

    def build_network(self) -> Module:
        """A new network of the saved architecture, with the saved weights and Dropout states."""
        declared = _declared_weights(self.architecture)
        held = sum(int(np.size(a)) for a in self.parameters.values())
        if declared is not None and declared > held:
            # checked before the layers are allocated: a hostile description cannot make
            # the loader ask for more memory than the file's own arrays take
            raise CheckpointError(
                f"{self.where}: the architecture declares {declared} weights, "
                f"the checkpoint holds {held}"
            )
        try:
            net = from_config(self.architecture, dtype=self.dtype)
        except ChainruleError as exc:
            raise CheckpointError(
                f"{self.where}: the saved architecture is invalid: {exc}"
            ) from None
        self.restore(net)
        return net

    def check_architecture(self, net: Module) -> None:
        """Raise :class:`CheckpointError` listing every difference between the saved
        architecture and ``net``'s."""
        try:
            problems = config_differences(self.architecture, net.config())
        except _MALFORMED as exc:
            raise CheckpointError(
                f"{self.where}: the saved architecture is malformed ({type(exc).__name__}: {exc})"
            ) from None
        if problems:
            raise CheckpointError(
                f"{self.where} was saved from another architecture: " + "; ".join(problems)
            )

    def restore(self, net: Module, optimizer=None, shuffle_rng=None) -> None:
        """Load the weights (and Dropout generators) into ``net``, the optimizer's state into
        ``optimizer`` and the shuffler's state into ``shuffle_rng``, when given."""
        self.check_architecture(net)
        try:
            net.load_state_dict(self.parameters)
        except ChainruleError as exc:
            raise CheckpointError(f"{self.where}: {exc}") from None
        dropout_states = self.rng.get("dropout") or {}
        if not isinstance(dropout_states, dict):
            raise CheckpointError(f"{self.where}: the saved Dropout states are malformed")
        for name, layer in _dropout_layers(net).items():
            state = dropout_states.get(name)
            if state is not None:
                _set_generator_state(layer.rng, state, self.where)
        if optimizer is not None:
            if self.optimizer is None:
                raise CheckpointError(f"{self.where} holds no optimizer state to resume from")
            try:
                optimizer.load_state_dict(self.optimizer)
            except ChainruleError as exc:
                raise CheckpointError(f"{self.where}: {exc}") from None
            except _MALFORMED as exc:
                raise CheckpointError(
                    f"{self.where}: the optimizer state is malformed ({type(exc).__name__}: {exc})"
                ) from None
        if shuffle_rng is not None and self.rng.get("shuffle") is not None:
            _set_generator_state(shuffle_rng, self.rng["shuffle"], self.where)


def save_checkpoint(
    path,
    net: Module,
    optimizer=None,
    *,
    epoch: int = 0,
    shuffle_rng=None,
    info: dict | None = None,
    arrays: dict[str, np.ndarray] | None = None,
) -> Path:
    """Write ``net`` (and the optimizer's state, the generators' states, ``info``, ``arrays``)
    to ``path`` atomically: a crash at any moment leaves the previous file intact."""
    params = net.state_dict()
    dtype = str(next(iter(params.values())).dtype) if params else "float32"
    members = {f"param/{name}": array for name, array in params.items()}
    optimizer_meta = None
    if optimizer is not None:
        saved = optimizer.state_dict()
        keys = []
        for i, slot in enumerate(saved["state"]):
            keys.append(sorted(slot))
            for key, value in slot.items():
                members[f"optim/{i}/{key}"] = np.asarray(value)
        optimizer_meta = {
            "type": saved["type"],
            "steps": saved["steps"],
            "hyperparameters": saved["hyperparameters"],
            "keys": keys,
        }
    for name, array in (arrays or {}).items():
        members[f"extra/{name}"] = np.asarray(array)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": net.config(),
        "dtype": dtype,
        "optimizer": optimizer_meta,
        "epoch": int(epoch),
        "rng": {
            "shuffle": _generator_state(shuffle_rng),
            "dropout": {
                name: _generator_state(layer.rng) for name, layer in _dropout_layers(net).items()
            },
        },
        "info": info or {},
    }
    return save_archive(path, members, meta)


def load_checkpoint(path) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint` (never unpickles; any problem is a
    :class:`CheckpointError` naming the file)."""
    path = Path(path)
    if path.is_dir():
        path = path / "checkpoint.npz"
    arrays, meta = load_archive(path)
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a chainrule checkpoint")
    if meta.get("version") != VERSION:
        raise CheckpointError(
            f"{path}: checkpoint format version {meta.get('version')!r}; "
            f"this chainrule reads version {VERSION}"
        )
    try:
        parameters = {k[len("param/") :]: v for k, v in arrays.items() if k.startswith("param/")}
        optimizer = meta.get("optimizer")
        if optimizer is not None:
            state = [
                {key: arrays[f"optim/{i}/{key}"] for key in keys}
                for i, keys in enumerate(optimizer["keys"])
            ]
            optimizer = {
                "type": optimizer["type"],
                "steps": int(optimizer["steps"]),
                "hyperparameters": dict(optimizer["hyperparameters"]),
                "state": state,
            }
        extra = {k[len("extra/") :]: v for k, v in arrays.items() if k.startswith("extra/")}
        return Checkpoint(
            architecture=meta["architecture"],
            dtype=str(meta["dtype"]),
            parameters=parameters,
            optimizer=optimizer,
            epoch=int(meta.get("epoch", 0)),
            rng=dict(meta.get("rng") or {}),
            info=dict(meta.get("info") or {}),
            arrays=extra,
            path=path,
        )
    except _MALFORMED as exc:
        raise CheckpointError(
            f"{path}: the checkpoint is incomplete or malformed ({type(exc).__name__}: {exc})"
        ) from None
