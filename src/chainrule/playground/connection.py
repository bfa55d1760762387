"""One page's WebSocket: its run, trained in slices on a worker thread, and the frames sent back.

Three tasks share the connection:

- the reader takes the page's messages (configure, play, pause, step, probe, backprop), checks
  them (:mod:`.messages`) and answers each; a bad one gets an ``error`` and reading goes on;
- the trainer, while playing, calls ``run.train(slice)`` on a worker thread again and again, so
  the event loop (every other page) never waits for training;
- the sender sends the answers in order and, at most ``frames_per_second`` times a second, the
  newest frame. Frames are never queued: a page that reads slowly gets fewer, newer frames, and
  a page that stops reading for ``send_timeout`` seconds is disconnected. Only this page's
  tasks wait for it. While ``max_pending_replies`` answers wait to be sent, the reader takes
  no more messages, so a page that sends without reading cannot pile answers up in memory.

Every use of a run holds its slot's lock (a run is not thread-safe), so a configure that
replaces the run never meets a training slice half-way.
"""

from __future__ import annotations

import json
import logging
import math
import time

import anyio
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..errors import ChainruleError, ConfigError
from .messages import read_message
from .runs import Registry, Slot

log = logging.getLogger("chainrule.playground")


def to_json(message: dict, max_bytes: int) -> str:
    """``message`` as compact JSON; a non-finite number or an oversized frame is the server's
    own fault and becomes an ``error`` message instead of something the page cannot read."""
    try:
        text = json.dumps(message, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return to_json(
            {"type": "error", "message": f"the {message.get('type')} held a non-finite number"},
            max_bytes,
        )
    if len(text) > max_bytes:
        return json.dumps(
            {
                "type": "error",
                "message": f"the {message.get('type')} would be {len(text)} bytes, "
                f"more than the {max_bytes} a page is sent; use a smaller network",
            }
        )
    return text


class Connection:
    """The playground session of one page."""

    def __init__(self, websocket: WebSocket, registry: Registry, make_run):
        self.websocket = websocket
        self.registry = registry
        self.limits = registry.limits
        #: ``make_run(settings, upload) -> (run, normalised settings, their query text)``
        self.make_run = make_run
        self.slot: Slot | None = None
        self.playing = False
        self.history_from = 0
        self.replies: list[dict] = []
        self.frame_wanted = False
        self.last_frame = -math.inf
        self.wake_sender = anyio.Event()
        self.wake_trainer = anyio.Event()
        self.frame_taken = anyio.Event()
        self.replies_sent = anyio.Event()

    async def serve(self) -> None:
        await self.websocket.accept()
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._send_loop, tasks.cancel_scope)
                tasks.start_soon(self._train_loop)
                await self._read_loop()
                tasks.cancel_scope.cancel()
        finally:
            if self.slot is not None:
                self.registry.disconnected(self.slot)

    # the reader

    async def _read_loop(self) -> None:
        while True:
            while len(self.replies) >= self.limits.max_pending_replies:
                self.replies_sent = anyio.Event()
                await self.replies_sent.wait()
            try:
                received = await self.websocket.receive()
            except WebSocketDisconnect:
                return
            if received["type"] == "websocket.disconnect":
                return
            text = received.get("text")
            if text is None:
                text = received.get("bytes") or b""
            try:
                message = read_message(text, self.limits.max_message_bytes)
                await self._answer(message)
            except ChainruleError as exc:
                self._reply({"type": "error", "message": str(exc), "field": _field(exc)})
            except Exception as exc:  # noqa: BLE001 - one bad message must not end the page
                log.exception("playground message failed")
                self._reply(
                    {
                        "type": "error",
                        "message": f"unexpected failure: {type(exc).__name__}: {exc}",
                        "field": None,
                    }
                )

    async def _answer(self, message: dict) -> None:
        kind = message["type"]
        if kind == "configure":
            return await self._configure(message)
        if self.slot is None:
            raise ConfigError(f"{kind}: configure a run first")
        if kind == "play":
            self.playing = True
            self.wake_trainer.set()
        elif kind == "pause":
            self.playing = False
        elif kind == "step":
            self.playing = False
            await self._with_run(lambda run: [run.step() for _ in range(message["count"])])
        elif kind == "probe":
            await self._with_run(lambda run: run.probe(message["index"], message["split"]))
        elif kind == "backprop":
            self.playing = False
            answer = await self._with_run(
                lambda run: run.backprop(message["index"], message["split"], message["weight"])
            )
            self._reply({"type": "backprop", **answer})
        self._want_frame()

    async def _configure(self, message: dict) -> None:
        upload = message["upload"]
        held = self.registry.get_upload(upload) if upload else None
        self.playing = False
        run, settings, query = await anyio.to_thread.run_sync(
            self.make_run, message["settings"], held
        )
        if self.slot is None:
            self.slot = self.registry.add_run(run)
        else:
            await anyio.to_thread.run_sync(self.registry.replace_run, self.slot, run)
        self.history_from = 0
        data = await self._with_run(lambda run: run.data())
        self._reply(
            {
                "type": "ready",
                "run": self.slot.id,
                "settings": settings,
                "query": query,
                "data": data,
            }
        )
        self._want_frame()

    async def _with_run(self, use):
        """``use(run)`` on a worker thread, holding the run's lock."""
        slot = self.slot

        def locked():
            with slot.lock:
                return use(slot.run)

        self.registry.touch(slot)
        return await anyio.to_thread.run_sync(locked)

    # the trainer

    async def _train_loop(self) -> None:
        while True:
            if not (self.playing and self.slot is not None):
                await self.wake_trainer.wait()
                self.wake_trainer = anyio.Event()
                continue
            # a slice ends when the next frame is due, so the frame never waits for one
            due = self.last_frame + 1 / self.limits.frames_per_second
            seconds = min(self.limits.train_slice, max(0.002, due - time.monotonic()))
            stopped = await self._with_run(
                lambda run, seconds=seconds: (run.train(seconds=seconds), run.stopped)[1]
            )
            if stopped:
                self.playing = False
                self._want_frame()
            elif time.monotonic() >= due:
                self.frame_taken = anyio.Event()
                self._want_frame(urgent=False)
                await self.frame_taken.wait()  # the frame is made before training goes on
            await anyio.sleep(0)  # let the reader and sender in between two slices

    # the sender

    def _reply(self, message: dict) -> None:
        self.replies.append(message)
        self.wake_sender.set()

    def _want_frame(self, urgent: bool = True) -> None:
        self.frame_wanted = True
        if urgent:
            self.last_frame = -math.inf
        self.wake_sender.set()

    async def _send_loop(self, scope) -> None:
        try:
            while True:
                await self.wake_sender.wait()
                self.wake_sender = anyio.Event()
                while self.replies:
                    reply = self.replies.pop(0)
                    self.replies_sent.set()
                    await self._send(reply)
                if self.frame_wanted and self.slot is not None:
                    wait = self.last_frame + 1 / self.limits.frames_per_second - time.monotonic()
                    if wait > 0:
                        await anyio.sleep(wait)
                    self.frame_wanted = False
                    self.last_frame = time.monotonic()  # frames fall due from their start
                    frame = await self._with_run(lambda run: run.frame(self.history_from))
                    self.frame_taken.set()
                    rows = frame.get("history", {}).get("rows", [])
                    self.history_from = frame.get("history", {}).get("from", 0) + len(rows)
                    await self._send({"type": "frame", **frame})
                    if self.replies or self.frame_wanted:
                        self.wake_sender.set()
        except (TimeoutError, WebSocketDisconnect, OSError):
            scope.cancel()  # the page is gone or stopped reading: end the connection

    async def _send(self, message: dict) -> None:
        text = to_json(message, self.limits.max_frame_bytes)
        with anyio.fail_after(self.limits.send_timeout):
            await self.websocket.send_text(text)


def _field(exc: Exception) -> str | None:
    """The setting a ConfigError is about, when the engine names it (``exc.field``)."""
    field = getattr(exc, "field", None)
    return field if isinstance(field, str) else None
