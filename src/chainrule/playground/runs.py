"""The runs and uploads a playground server holds, and the limits on them.

Each page (each WebSocket connection) has its own run. A run whose page has gone is kept for
``idle_seconds`` (its exports stay downloadable), then released; when the server holds
``max_runs`` runs, the longest-idle released first, and a new page beyond that is refused with a
message rather than slowing every other page down. Plain Python: the web server calls it, and
the tests call it directly.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from ..errors import ConfigError


@dataclass(frozen=True)
class Limits:
    """What one server lets its clients make it do."""

    #: runs held at once (each page has one); beyond it a new page is refused
    max_runs: int = 8
    #: seconds a run is kept after its page has gone (for its exports)
    idle_seconds: float = 300.0
    #: uploaded CSV files held at once (the oldest forgotten first), and the largest one
    max_uploads: int = 32
    max_upload_bytes: int = 1_000_000
    #: the largest message a page may send, and the largest frame the server sends
    max_message_bytes: int = 16_384
    max_frame_bytes: int = 1_000_000
    #: frames per second while training
    frames_per_second: float = 15.0
    #: seconds of training between two looks at the page's messages
    train_slice: float = 0.04
    #: a page that has not taken a frame for this long is disconnected
    send_timeout: float = 30.0
    #: answers that may wait for a page to take them; beyond, its messages are not read
    max_pending_replies: int = 8

    def __post_init__(self):
        for name in (
            "max_runs",
            "max_uploads",
            "max_upload_bytes",
            "max_message_bytes",
            "max_pending_replies",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not self.frames_per_second > 0:
            raise ConfigError(f"frames_per_second must be > 0, got {self.frames_per_second}")


@dataclass
class Slot:
    """One run and what the server knows about it. ``lock`` is held while any thread uses
    the run (a run is not thread-safe)."""

    id: str
    run: object
    connected: bool = True
    last_seen: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Registry:
    """The runs and uploads of one server (thread-safe)."""

    def __init__(self, limits: Limits | None = None, clock=time.monotonic):
        self.limits = limits or Limits()
        self._clock = clock
        self._runs: OrderedDict[str, Slot] = OrderedDict()
        self._uploads: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    # runs

    def add_run(self, run) -> Slot:
        """Hold ``run`` under a new unguessable id; releases idle runs to make room, and
        refuses (ConfigError) when every held run still has its page open."""
        with self._lock:
            self._release_idle(self._clock())
            if len(self._runs) >= self.limits.max_runs:
                idle = [s for s in self._runs.values() if not s.connected]
                if not idle:
                    raise ConfigError(
                        f"the server already holds {len(self._runs)} runs, the most it keeps "
                        f"(chainrule serve --max-runs); close another playground tab"
                    )
                oldest = min(idle, key=lambda s: s.last_seen)
                del self._runs[oldest.id]
            slot = Slot(secrets.token_urlsafe(12), run, last_seen=self._clock())
            self._runs[slot.id] = slot
            return slot

    def replace_run(self, slot: Slot, run) -> None:
        """Put a new run in ``slot`` (a page configured again): the same id, the same place."""
        with slot.lock:
            slot.run = run
        self.touch(slot)

    def get_run(self, run_id: str) -> Slot | None:
        with self._lock:
            self._release_idle(self._clock())
            return self._runs.get(run_id)

    def touch(self, slot: Slot) -> None:
        slot.last_seen = self._clock()

    def disconnected(self, slot: Slot) -> None:
        """The page of ``slot`` has gone: the run is kept ``idle_seconds`` for its exports."""
        slot.connected = False
        slot.last_seen = self._clock()

    def release_idle(self) -> int:
        """Release runs whose page has been gone longer than ``idle_seconds``; how many."""
        with self._lock:
            return self._release_idle(self._clock())

    def _release_idle(self, now: float) -> int:
        gone = [
            run_id
            for run_id, slot in self._runs.items()
            if not slot.connected and now - slot.last_seen > self.limits.idle_seconds
        ]
        for run_id in gone:
            del self._runs[run_id]
        return len(gone)

    @property
    def run_count(self) -> int:
        return len(self._runs)

    # uploads

    def add_upload(self, upload) -> str:
        """Hold a validated upload under a new id (the oldest forgotten beyond the limit)."""
        with self._lock:
            upload_id = secrets.token_urlsafe(9)
            self._uploads[upload_id] = upload
            while len(self._uploads) > self.limits.max_uploads:
                self._uploads.popitem(last=False)
            return upload_id

    def get_upload(self, upload_id: str):
        """The upload ``upload_id`` names; ConfigError when it is unknown or forgotten."""
        with self._lock:
            upload = self._uploads.get(upload_id)
        if upload is None:
            raise ConfigError(
                f"upload {upload_id[:40]!r} is not held by this server (it restarted, or "
                "the file was forgotten); upload the CSV file again"
            )
        return upload
