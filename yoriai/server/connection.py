"""One WebSocket as the hub sees it: a bounded outbox drained by its own sender task, and
the token bucket its messages are taken from (its person's, see ``floodgate.py``).

``deliver`` never waits: a phone that stops reading (radio asleep, 2G) fills its own
outbox and is dropped with a close code that tells it to reconnect and resync, while
everyone else's events keep flowing. Its TCP connection is aborted, not closed politely:
a polite close would wait behind the unread data for ever, holding the socket's buffers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping
from typing import Any, Literal

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from yoriai.facilitation import limits
from yoriai.facilitation.model import PROJECTOR, Actor

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


class Connection:
    def __init__(self, websocket: WebSocket, now: float) -> None:
        self.ws = websocket
        self.actor: Actor = PROJECTOR
        self.sent_seq = 0
        self.lang = "ja"  # the hello's, once it has come
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue(limits.OUTBOX_MAX_MESSAGES)
        self._closing: tuple[int, str] | None = None
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
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            log.info("dropping a connection that fell %d messages behind",
                     limits.OUTBOX_MAX_MESSAGES)
            self.abort(CLOSE_TOO_SLOW, "too slow; reconnect to resync")

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
        # Make room for the sentinel: a full outbox is exactly the case we are ending.
        while self._outbox.full():
            self._outbox.get_nowait()
        self._outbox.put_nowait(None)
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
                text = await self._outbox.get()
                if text is None:
                    break
                await self.ws.send_text(text)
            code, reason = self._closing or (CLOSE_GOING_AWAY, "")
            if self.ws.application_state == WebSocketState.CONNECTED:
                # The peer may have closed first.
                with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                    await self.ws.close(code, reason)
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the peer went; the receive loop notices and cleans up
        finally:
            self.over.set()

    async def finish(self) -> None:
        """Stop the sender (the socket is gone or going)."""
        if self._over_waiter is not None:
            self._over_waiter.cancel()
        if not self.sender.done():
            self.sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sender
