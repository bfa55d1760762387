"""The messages a page sends the playground server over its WebSocket, read and checked.

Each message is one JSON object with a ``type``; anything else — not JSON, too long, an unknown
type, a field of the wrong kind or out of its range — is a :class:`ConfigError` whose text the
server sends back as an ``error`` message, and the connection goes on serving.

    {"type": "configure", "settings": {key: value, ...}, "upload": "<id>"?}
    {"type": "play"} | {"type": "pause"} | {"type": "step", "count": 1 … 1000}
    {"type": "probe", "index": i, "split": "train" | "test"}
    {"type": "backprop", "index": i, "split": "train" | "test", "weight": "W2[0,3]" | null}
"""

from __future__ import annotations

import json
import re

from ..errors import ConfigError

TYPES = ("configure", "play", "pause", "step", "probe", "backprop")
#: the most steps one ``step`` message may ask for
MAX_STEPS = 1000
#: the most settings one ``configure`` may carry, and the longest key and value
MAX_SETTINGS, MAX_KEY, MAX_VALUE = 64, 40, 400
SPLITS = ("train", "test")
WEIGHT = re.compile(r"^[Wb]\d{1,2}\[\d{1,3}(,\d{1,3})?\]$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def read_message(text: str | bytes, max_bytes: int) -> dict:
    """The message ``text`` holds, with its fields checked and defaults filled in."""
    if isinstance(text, bytes):
        raise ConfigError("send messages as JSON text, not binary")
    if len(text.encode("utf-8")) > max_bytes:
        raise ConfigError(f"a message may hold at most {max_bytes} bytes")
    try:
        message = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"a message must be JSON: {exc.msg} at character {exc.pos}") from None
    if not isinstance(message, dict):
        raise ConfigError("a message must be a JSON object with a 'type'")
    kind = message.get("type")
    if kind not in TYPES:
        raise ConfigError(f"unknown message type {str(kind)[:40]!r}; one of {', '.join(TYPES)}")
    read = _READERS.get(kind)
    return {"type": kind, **(read(message) if read else {})}


def _configure(message: dict) -> dict:
    settings = message.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError("configure: 'settings' must be an object of key: value")
    if len(settings) > MAX_SETTINGS:
        raise ConfigError(f"configure: at most {MAX_SETTINGS} settings, got {len(settings)}")
    query = {}
    for key, value in settings.items():
        if len(key) > MAX_KEY:
            raise ConfigError(f"configure: setting name {key[:MAX_KEY]!r}… is too long")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ConfigError(f"configure: setting {key!r} must be a string or a number")
        value = str(value)
        if len(value) > MAX_VALUE:
            raise ConfigError(f"configure: setting {key!r} is longer than {MAX_VALUE} characters")
        query[key] = value
    upload = message.get("upload")
    if upload is not None and not (isinstance(upload, str) and TOKEN.match(upload)):
        raise ConfigError("configure: 'upload' must be the id the server gave the upload")
    return {"settings": query, "upload": upload}


def _whole(message: dict, key: str, low: int, high: int | None, default: int | None) -> int:
    value = message.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        upper = f" … {high}" if high is not None else " or more"
        raise ConfigError(
            f"{message['type']}: '{key}' must be a whole number {low}{upper}, got {value!r}"
        )
    return value


def _split(message: dict) -> str:
    split = message.get("split", "train")
    if split not in SPLITS:
        raise ConfigError(f"{message['type']}: 'split' must be train or test, got {split!r}")
    return split


def _step(message: dict) -> dict:
    return {"count": _whole(message, "count", 1, MAX_STEPS, 1)}


def _probe(message: dict) -> dict:
    return {"index": _whole(message, "index", 0, None, 0), "split": _split(message)}


def _backprop(message: dict) -> dict:
    weight = message.get("weight")
    if weight is not None and not (isinstance(weight, str) and WEIGHT.match(weight)):
        raise ConfigError(
            f"backprop: 'weight' must name one weight, like W2[0,3] or b1[2], got {weight!r}"[:200]
        )
    return {**_probe(message), "weight": weight}


_READERS = {"configure": _configure, "step": _step, "probe": _probe, "backprop": _backprop}
