"""One WebSocket as the hub sees it: a bounded outbox, written straight to its transport.

``deliver`` never waits: a phone that stops reading (radio asleep, 2G) fills its own
outbox and is dropped with a close code that tells it to reconnect and resync, while
everyone else's events keep flowing. Its TCP connection is aborted, not closed politely:
a polite close would wait behind the unread data for ever, holding the socket's buffers.

**Batches.** What is queued for a phone goes out together, not message by message: one
message as it is; several as one frame, ``{"type":"batch","items":[…]}``, the
already-encoded messages joined in order (a message is encoded once per audience by the
hub, never again per phone; phones that have the same messages queued share their batch's
frame, built once in each flusher pass). In a busy room (a hundred people posting to 500
phones) each phone then gets a few frames a second instead of hundreds, and a phone's ack
goes out in the frame of its own event instead of behind each of the others' messages in
turn.

**Writing without a task per phone.** ``deliver`` only queues. At the end of a turn of the
event loop, after everything that ran in that turn has been queued (a whole group commit's
events, say), and at most every FLUSH_PACE_SECS (a busy room's posts share a frame), one
callback (:class:`Flusher`) writes each phone's queue as one frame straight to its
transport, the way a bare relay writes to its peers in a loop: no task wakes up per phone
and per message. The frame's bytes are built once when many phones are sent the same
string (the server's frames are not masked). A phone whose transport does not take more
(its kernel buffer is full: asleep, or on a bad line) is left to its own sender task, which
waits for it to drain; it falls behind alone, and is dropped when its queue overflows.
Under a server that does not offer the direct write (``TRANSPORT_EXTENSION``), every frame
goes through the sender task.

**Light when idle.** A thousand phones are a thousand connections that mostly wait, so what
each one holds while it waits is what a room's memory grows by: the sender task is started
only when a phone first needs it (its buffer full, its close, or a server without the direct
write), and the end of a connection on our side (dropped, replaced, server stopping) is told
to the receive loop through the transport's own queue (``"end"``), not by a second task per
phone racing the read.

**Writing at once.** A post alone in its commit, after the writer had been idle (a calm
room), is not even queued: ``deliver_now`` writes its frame to each phone as the hub works
the phones out, when nothing waits ahead of it, so the first phones read it while the loop
is still on the last ones, and a phone costs one frame lookup and one write. Commits back to
back (a busy room) are queued as above, so that each phone gets one frame for several. What
a phone is sent for itself (``push``: the reply to what it sent, its snapshot) is written at
once, past the pace.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import struct
import weakref
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from yoriai.facilitation.model import PROJECTOR, Actor
from yoriai.server import limits

log = logging.getLogger("yoriai.connection")

# Close codes (RFC 6455 and the private 4000-4999 range), named so that the client can act
# on them: 4000-range codes tell the phone to reconnect at once and ask for a resync.
# docs/protocol.md lists every one of them (a test keeps it so).
CLOSE_NORMAL = 1000  # the server is done with a socket it was asked to end
CLOSE_GOING_AWAY = 1001  # the server is stopping (Ctrl-C, SIGTERM); see runner.py
CLOSE_POLICY = 1008  # a handshake we refuse (foreign Origin, no hello in time)
CLOSE_TOO_LARGE = 1009  # sent by the transport for a frame over WS_HARD_MAX_BYTES
CLOSE_SERVER_ERROR = 1011
CLOSE_TRY_AGAIN_LATER = 1013  # too many sockets that are not yet anyone's
CLOSE_TOO_SLOW = 4001  # outbox overflowed: reconnect and resync

# The ASGI extension through which our uvicorn protocol (runner.py) lets the app abort a
# connection's transport (``"abort"``), write a serialized frame to it at once when it
# takes it (``"write_frame"``, returns False otherwise), and end what the app reads from it
# (``"end"``: what is unread is dropped and the next read is a disconnect with the code
# given); absent under other servers, where a dropped phone is only closed, every frame goes
# through the sender task and the read races a future.
TRANSPORT_EXTENSION = "yoriai.transport"

# How a batch frame begins and ends around its items (docs/protocol.md, §6).
BATCH_HEAD = '{"type":"batch","items":['
BATCH_TAIL = "]}"


def batch_frame(items: list[str]) -> str:
    """One frame for ``items`` (encoded messages, in order): the message itself when there
    is one, else a batch of them, built by joining the strings (nothing is decoded)."""
    if len(items) == 1:
        return items[0]
    return BATCH_HEAD + ",".join(items) + BATCH_TAIL


# RFC 6455 §5.2: the first byte of a whole (FIN) text frame; a server's frames are never
# masked, so the second byte is the length itself, or 126 / 127 saying that a 16- or 64-bit
# length follows.
TEXT_FIN = 0x81
LEN_16, LEN_64 = 126, 127


def text_frame(text: str) -> bytes:
    """``text`` as a WebSocket text frame from the server (unmasked, no extensions): the
    bytes websockets' ``Frame.serialize`` makes, written out by hand because a busy room
    builds one per phone for every batch, and the general serializer's checks cost more
    than the header (a test holds the two equal)."""
    data = text.encode()
    n = len(data)
    if n < LEN_16:
        return bytes((TEXT_FIN, n)) + data
    if n < 1 << 16:
        return struct.pack("!BBH", TEXT_FIN, LEN_16, n) + data
    return struct.pack("!BBQ", TEXT_FIN, LEN_64, n) + data


# How many frames the flusher keeps built (by their text) for connections that are sent the
# same message: a fan-out has one text per audience, a handful; kept few so that nothing
# old is held for long.
FRAMES_KEPT = 16

# ...and the batch frames built in one flusher pass, by the messages they hold: in a busy
# room the phones of one audience have the very same messages queued (the same str objects),
# and a batch of 100 posts is ~30 KB to join and encode to UTF-8 for each of 500 phones,
# most of a pass (bench/README.md, "Session 9"). Built once, written to each. Dropped at the
# pass's end, and kept few so that phones whose queues are their own hold nothing for long.
BATCHES_KEPT = 16


# A busy room's fan-out is written at most this often: the posts committed meanwhile go to
# each phone as one frame, so the room's CPU goes to more posts rather than more frames of
# one post each (a hundred people posting to 500 phones). A calm room's post is not paced:
# it is written at once (``deliver_now``); nor is what a phone is sent for itself (its ack,
# its snapshot: ``push``).
FLUSH_PACE_SECS = 0.005


class Flusher:
    """The one callback that writes every connection's queue: at the end of the turn of the
    event loop, or FLUSH_PACE_SECS after the previous run, whichever is later."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.due: dict[Connection, None] = {}
        self.scheduled = False
        self.last_run = -math.inf
        # The frames of the texts last written, by text: a message sent to many phones is
        # one str, and its frame is built once (``Connection.deliver_now`` and ``run``).
        self.frames: dict[str, bytes] = {}
        # This pass's batch frames, by the messages they hold (BATCHES_KEPT).
        self.batches: dict[tuple[str, ...], bytes] = {}

    def frame(self, text: str) -> bytes:
        frames = self.frames
        data = frames.get(text)
        if data is None:
            if len(frames) >= FRAMES_KEPT:
                frames.clear()
            data = frames[text] = text_frame(text)
        return data

    def add(self, conn: Connection) -> None:
        self.due[conn] = None
        if not self.scheduled:
            self.scheduled = True
            wait = self.last_run + FLUSH_PACE_SECS - self.loop.time()
            if wait > 0:
                self.loop.call_later(wait, self.run)
            else:
                self.loop.call_soon(self.run)

    def run(self) -> None:
        self.scheduled = False
        self.last_run = self.loop.time()
        due, self.due = self.due, {}
        # The same message sent to many phones is one str: its frame is built once here.
        frames, batches = self.frames, self.batches
        try:
            for conn in due:
                conn.flush(frames, batches)
        finally:
            batches.clear()
        if len(frames) >= FRAMES_KEPT:
            frames.clear()


_FLUSHERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Flusher] = (
    weakref.WeakKeyDictionary())


def flusher() -> Flusher:
    loop = asyncio.get_running_loop()
    found = _FLUSHERS.get(loop)
    if found is None:
        found = _FLUSHERS[loop] = Flusher(loop)
    return found


# Heartbeat slots, handed out to connections in turn.
_BEAT_SLOTS = itertools.count()


class Connection:
    def __init__(self, websocket: WebSocket, now: float) -> None:
        self.ws = websocket
        self.actor: Actor = PROJECTOR
        self.sent_seq = 0
        self.lang = "ja"  # the hello's, once it has come
        # When in the heartbeat's round this phone is beaten (hub._heartbeat): phones in
        # turn, so that a room's heartbeats are spread over the round, not sent at once.
        self.beat_slot = next(_BEAT_SLOTS)
        # Encoded messages not sent yet, in order; the sender takes them all at once.
        self._outbox: deque[str] = deque()
        self._wake: asyncio.Event | None = None  # made with the sender task
        self._flusher = flusher()
        self._flush_due = False  # in the flusher's list for this turn
        self._sending = False  # the sender task is writing (waiting for the buffer to drain)
        transport = (websocket.scope.get("extensions") or {}).get(TRANSPORT_EXTENSION) or {}
        write, abort, end = (transport.get(k) for k in ("write_frame", "abort", "end"))
        self._write_frame: Callable[[bytes], bool] | None = write if callable(write) else None
        self._abort_transport: Callable[[], None] | None = abort if callable(abort) else None
        self._end_receive: Callable[[int], None] | None = end if callable(end) else None
        self._closing: tuple[int, str] | None = None
        # Set by ``drop``: send what is queued, then the close frame.
        self._ending = False
        # Done when this connection is over, whatever the peer does, under a server without
        # ``"end"``: the receive loop races it, and stops waiting for a phone that will
        # never speak again.
        self._over: asyncio.Future[None] | None = (
            None if self._end_receive is not None
            else asyncio.get_running_loop().create_future())
        self.sender: asyncio.Task[None] | None = None
        if self._write_frame is None:
            self._wake_sender()

    def deliver(self, message: dict[str, Any]) -> None:
        self.deliver_text(json.dumps(message, ensure_ascii=False, separators=(",", ":")))

    def deliver_text(self, text: str) -> None:
        """Queue an encoded message; the same string may go to many connections."""
        if self._closing is not None:
            return
        if len(self._outbox) >= limits.OUTBOX_MAX_MESSAGES:
            log.info("dropping a connection that fell %d messages behind",
                     limits.OUTBOX_MAX_MESSAGES)
            self.abort(CLOSE_TOO_SLOW, "too slow; reconnect to resync")
            return
        self._outbox.append(text)
        if not self._sending and not self._flush_due:
            self._flush_due = True
            self._flusher.add(self)

    def deliver_now(self, text: str) -> None:
        """``deliver_text``, but written to the transport at once when nothing is queued
        ahead of it and the transport takes it (one lookup for the frame, one write): the
        fan-out of a post that is alone in its turn (``Room.publish_durable``) reaches the
        first phones while the loop is still working out the last ones' messages, with no
        queue and no flusher pass per phone. Otherwise it is queued as ``deliver_text``
        queues it, behind what is waiting."""
        write = self._write_frame
        if (self._outbox or self._sending or self._closing is not None or write is None
                or not write(self._flusher.frame(text))):
            self.deliver_text(text)

    def push(self) -> None:
        """Write what is queued now rather than at the end of this turn of the loop: a
        command's sender gets its event and its ack (one frame) before the room's fan-out
        is written."""
        if self._outbox:
            self.flush(self._flusher.frames)

    def flush(self, frames: dict[str, bytes],
              batches: dict[tuple[str, ...], bytes] | None = None) -> None:
        """Write what is queued, as frames of at most BATCH_MAX_CHARS, straight to the
        transport while it takes them; what it does not take is the sender task's.
        ``batches``: the flusher pass's batch frames, shared by phones queued the same."""
        self._flush_due = False
        if self._sending or self._closing is not None:
            return  # the sender task is on it (draining a slow phone, or closing)
        write = self._write_frame
        if write is None or self.ws.application_state != WebSocketState.CONNECTED:
            self._wake_sender()
            return
        outbox = self._outbox
        if len(outbox) == 1:
            # The usual case, once per phone for every post in a calm room: kept to a few
            # lookups, as it is the fan-out's own cost per phone beside the kernel's send.
            text = outbox[0]
            data = frames.get(text)
            if data is None:
                data = frames[text] = text_frame(text)
            if write(data):
                outbox.popleft()
            else:
                self._wake_sender()  # the buffer is full: the sender waits for it to drain
            return
        while outbox:
            # One message (the usual case in a calm room) is the same str for every phone
            # of its audience: its frame is kept for them. So is a batch, for this pass.
            if len(outbox) == 1:
                text, count = outbox[0], 1
                data = frames.get(text)
                if data is None:
                    data = frames[text] = text_frame(text)
            else:
                items = self._next_items()
                count = len(items)
                key = tuple(items)
                found = batches.get(key) if batches is not None else None
                if found is None:
                    found = text_frame(batch_frame(items))
                    if batches is not None:
                        if len(batches) >= BATCHES_KEPT:
                            batches.clear()
                        batches[key] = found
                data = found
            if not write(data):
                self._wake_sender()  # the buffer is full: the sender waits for it to drain
                return
            self._take(count)

    @property
    def waiting(self) -> int:
        """Messages queued and not yet handed to the socket."""
        return len(self._outbox)

    def abort(self, code: int, reason: str) -> None:
        """Give up on a peer that does not read: its sender is stuck waiting for the
        socket to drain, so a polite close would wait forever too. Stop the sender and
        abort the TCP connection (its unsent data is thrown away); the phone finds the
        socket gone and resyncs."""
        if self._closing is None:
            self._closing = (code, reason)
        if self.sender is not None:
            self.sender.cancel()
        self._mark_over()
        if self._abort_transport is not None:
            self._abort_transport()

    def drop(self, code: int, reason: str) -> None:
        """Close after what is already queued has had its chance; never blocks."""
        if self._closing is not None:
            return
        self._closing = (code, reason)
        self._ending = True
        self._wake_sender()
        # A peer that does not read would keep the polite close waiting forever.
        asyncio.get_running_loop().call_later(limits.DROP_GRACE_SECS, self.abort, code, reason)

    def _mark_over(self) -> None:
        """This connection is over on our side: the receive loop is told at once."""
        code = self._closing[0] if self._closing else CLOSE_GOING_AWAY
        if self._end_receive is not None:
            self._end_receive(code)
        elif self._over is not None and not self._over.done():
            self._over.set_result(None)

    def _wake_sender(self) -> None:
        """Hand what is queued to the sender task, started the first time it is needed."""
        if self._wake is None:
            self._wake = asyncio.Event()
            self._wake.set()
            self.sender = asyncio.create_task(self._send_loop(), name="yoriai-sender")
        else:
            self._wake.set()

    async def receive(self) -> Mapping[str, Any]:
        """The next ASGI message from the peer, or a disconnect once the connection is
        over on our side (dropped, replaced, server stopping)."""
        over = self._over
        if over is None:  # the transport's queue is told (``"end"``): one read, no race
            return await self.ws.receive()
        if over.done():
            code = self._closing[0] if self._closing else CLOSE_GOING_AWAY
            return {"type": "websocket.disconnect", "code": code}
        incoming = asyncio.ensure_future(self.ws.receive())
        await asyncio.wait((incoming, over), return_when=asyncio.FIRST_COMPLETED)
        if incoming.done():
            return incoming.result()
        incoming.cancel()
        code = self._closing[0] if self._closing else CLOSE_GOING_AWAY
        return {"type": "websocket.disconnect", "code": code}

    async def _send_loop(self) -> None:
        wake = self._wake
        assert wake is not None
        try:
            while True:
                if not self._outbox:
                    if self._ending:
                        break
                    wake.clear()
                    await wake.wait()
                    continue
                self._sending = True
                try:
                    text, count = self._next_frame()
                    self._take(count)
                    await self.ws.send_text(text)
                finally:
                    self._sending = False
            code, reason = self._closing or (CLOSE_GOING_AWAY, "")
            if self.ws.application_state == WebSocketState.CONNECTED:
                # The peer may have closed first.
                with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                    await self.ws.close(code, reason)
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the peer went; the receive loop notices and cleans up
        finally:
            self._mark_over()

    def _next_frame(self) -> tuple[str, int]:
        """The messages queued first, in order, as one frame of at most BATCH_MAX_CHARS
        (a longer message goes alone), and how many they are. They stay queued until
        ``_take``: a frame the transport refuses is built again later, with whatever has
        been queued meanwhile."""
        items = self._next_items()
        return batch_frame(items), len(items)

    def _next_items(self) -> list[str]:
        """The messages of the next frame (``_next_frame``), in order."""
        items: list[str] = []
        size = -1
        for text in self._outbox:
            if items and size + 1 + len(text) >= limits.BATCH_MAX_CHARS:
                break
            items.append(text)
            size += 1 + len(text)
        return items

    def _take(self, count: int) -> None:
        for _ in range(count):
            self._outbox.popleft()

    async def finish(self) -> None:
        """Stop the sender (the socket is gone or going)."""
        sender = self.sender
        if sender is not None and not sender.done():
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
