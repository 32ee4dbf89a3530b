"""One WebSocket as the hub sees it: a bounded outbox drained by its own sender task.

``deliver`` never waits: a phone that stops reading (radio asleep, 2G) fills its own
outbox and is dropped with a close code that tells it to reconnect and resync, while
everyone else's events keep flowing. Its TCP connection is aborted, not closed politely:
a polite close would wait behind the unread data for ever, holding the socket's buffers.

**Batches.** The sender wakes once for whatever has queued since it last sent, not once per
message: one message goes out as it is; several go out as one frame,
``{"type":"batch","items":[…]}``, the already-encoded messages joined in order (a message
is encoded once per audience by the hub, never again per phone). In a busy room (a hundred
people posting to 500 phones) each phone then gets a few frames a second instead of
hundreds, and a phone's ack goes out in the next frame with everything before it, instead
of waiting behind each of those messages in turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Mapping
from typing import Any, Literal

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
# connection's transport (``{"abort": callable}``); absent under other servers, where a
# dropped phone is only closed.
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


class Connection:
    def __init__(self, websocket: WebSocket, now: float) -> None:
        self.ws = websocket
        self.actor: Actor = PROJECTOR
        self.sent_seq = 0
        self.lang = "ja"  # the hello's, once it has come
        # Encoded messages not sent yet, in order; the sender takes them all at once.
        self._outbox: deque[str] = deque()
        self._wake = asyncio.Event()
        self._closing: tuple[int, str] | None = None
        # Set by ``drop``: send what is queued, then the close frame.
        self._ending = False
        # Set when this connection is over, whatever the peer does: the receive loop
        # stops waiting for a phone that will never speak again.
        self.over = asyncio.Event()
        self._over_waiter: asyncio.Task[Literal[True]] | None = None
        self.sender = asyncio.create_task(self._send_loop(), name="yoriai-sender")

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
        self._wake.set()

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
        self.sender.cancel()
        self.over.set()
        extensions = self.ws.scope.get("extensions") or {}
        abort_transport = (extensions.get(TRANSPORT_EXTENSION) or {}).get("abort")
        if callable(abort_transport):
            abort_transport()

    def drop(self, code: int, reason: str) -> None:
        """Close after what is already queued has had its chance; never blocks."""
        if self._closing is not None:
            return
        self._closing = (code, reason)
        self._ending = True
        self._wake.set()
        # A peer that does not read would keep the polite close waiting forever.
        asyncio.get_running_loop().call_later(limits.DROP_GRACE_SECS, self.abort, code, reason)

    async def receive(self) -> Mapping[str, Any]:
        """The next ASGI message from the peer, or a disconnect once the connection is
        over on our side (dropped, replaced, server stopping)."""
        if self._over_waiter is None:
            self._over_waiter = asyncio.ensure_future(self.over.wait())
        over = self._over_waiter
        incoming = asyncio.ensure_future(self.ws.receive())
        await asyncio.wait((incoming, over), return_when=asyncio.FIRST_COMPLETED)
        if incoming.done():
            return incoming.result()
        incoming.cancel()
        code = self._closing[0] if self._closing else CLOSE_GOING_AWAY
        return {"type": "websocket.disconnect", "code": code}

    async def _send_loop(self) -> None:
        try:
            while True:
                if not self._outbox:
                    if self._ending:
                        break
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                await self.ws.send_text(self._next_frame())
            code, reason = self._closing or (CLOSE_GOING_AWAY, "")
            if self.ws.application_state == WebSocketState.CONNECTED:
                # The peer may have closed first.
                with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                    await self.ws.close(code, reason)
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the peer went; the receive loop notices and cleans up
        finally:
            self.over.set()

    def _next_frame(self) -> str:
        """Everything queued, in order, as one frame of at most BATCH_MAX_CHARS (a longer
        message goes alone); what does not fit waits for the next frame."""
        outbox = self._outbox
        items = [outbox.popleft()]
        size = len(items[0])
        while outbox and size + len(outbox[0]) < limits.BATCH_MAX_CHARS:
            size += len(outbox[0]) + 1
            items.append(outbox.popleft())
        return batch_frame(items)

    async def finish(self) -> None:
        """Stop the sender (the socket is gone or going)."""
        if self._over_waiter is not None:
            self._over_waiter.cancel()
        if not self.sender.done():
            self.sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sender
