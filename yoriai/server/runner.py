"""How Yoriai runs under uvicorn: one place for the settings the CLI and the tests share,
and the two small guards uvicorn does not have.

- HTTP: a client address that opens connections faster than any phone does
  (``CONNECTIONS_PER_ADDRESS_*``) has the new ones reset before a byte is read; and a
  request must arrive whole (headers, and body if any) within ``HTTP_REQUEST_TIMEOUT_SECS``
  of the connection opening or of the previous response: uvicorn alone waits for ever for a
  client that dribbles its headers (slowloris), each one holding a socket.
- WebSocket: a socket with more than ``WS_UNREAD_MESSAGES_MAX`` messages the app has not
  read (uvicorn parses a whole TCP read at once: a script can pack thousands of frames in
  one) is closed with 1008 and what it sent is dropped; the app may abort a connection's
  transport (a phone that stopped reading is cut off, not closed politely behind data it
  will never read); the app may write a ready-made frame at once when the transport takes
  it (the fan-out writes every phone's frame in one loop, see connection.py; whether it
  takes one is a flag the protocol keeps as the socket's state changes, not five checks per
  frame) and may end its own reads (a dropped phone's next read is a disconnect); every socket
  the app is done with is aborted if it is still open ``DROP_GRACE_SECS`` later; and a
  stopping server closes sockets with 1001 (going away), the code the protocol documents,
  where uvicorn would send 1012.

Both subclass uvicorn's own protocols and touch only what they add; the WebSocket one
also hears of each change that decides that flag (a frame read, an ASGI send, the write
buffer's room, a close sent).
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import h11
import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from yoriai.server import limits

from .connection import CLOSE_GOING_AWAY, CLOSE_POLICY, TRANSPORT_EXTENSION
from .floodgate import Floodgate

# The client still owes us part of its request in these states.
REQUEST_INCOMPLETE = (h11.IDLE, h11.SEND_BODY)

# How much a WebSocket's transport reads at a time (asyncio's default is 256 KiB). The
# websockets parser parses all of a read before anything can look at its frames: 256 KiB of
# tiny frames is ~17,000 of them and 35 ms with the event loop blocked, while 16 KiB is a
# couple of milliseconds, and past WS_UNREAD_MESSAGES_MAX the socket is closed anyway. A
# phone's messages are a few hundred bytes; the largest allowed still arrives in a few reads.
WS_READ_CHUNK_BYTES = 16 * 1024


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a rate of new connections per address and a deadline
    for each request."""

    floodgate: Floodgate | None = None  # set on the subclass made for one app
    _request_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if (self.floodgate is not None and self.client is not None
                and not self.floodgate.may_connect(self.client[0], time.monotonic())):
            transport.abort()  # nothing read, nothing parsed: as cheap as a refusal gets
            return
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._request_timer = self.loop.call_later(limits.HTTP_REQUEST_TIMEOUT_SECS,
                                                   self._request_timed_out)

    def _disarm(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _request_timed_out(self) -> None:
        self._request_timer = None
        # A request that has arrived whole is not the client's delay (a slow export is
        # ours); only one still incomplete is cut off.
        if self.conn.their_state in REQUEST_INCOMPLETE and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this keep-alive connection

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._disarm()  # the connection is the WebSocket protocol's from here on
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


class GuardedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O websockets protocol that the app can abort, that aborts what
    the app has left open, and that says 1001 when the server stops."""

    _lost = False
    # Whether a ready-made frame may be written straight to the transport (``write_frame``),
    # kept up to date as what decides it changes, rather than worked out for every frame:
    # a post in a room of 1,000 is 1,000 frames in one loop, and the five checks (which
    # touch two more objects per phone) were a tenth of its time (bench/README.md, "Session
    # 10"). All but the write buffer's room only ever turn it off, for good: once a close is
    # sent or received, or the transport closes, the socket takes no frame again.
    _frames_ok = False
    _close_sent = False

    @property
    def close_sent(self) -> bool:
        return self._close_sent

    @close_sent.setter
    def close_sent(self, value: bool) -> None:
        # uvicorn sets it wherever it sends a close (or gives up on the handshake), and to
        # False only in its __init__, before there is a transport.
        self._close_sent = value
        if value:
            self._frames_ok = False

    def may_write_frames(self) -> bool:
        """What ``_frames_ok`` keeps: the connection is open, nothing was sent to close it,
        no extension would change a frame's bytes, and its transport is not closing nor
        paused by a full buffer."""
        return (self.writable.is_set() and not self._close_sent
                and not self.transport.is_closing() and self.conn.state is State.OPEN
                and not self.conn.extensions)

    def _recheck(self) -> None:
        self._frames_ok = self.may_write_frames()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if hasattr(transport, "max_size"):  # asyncio's selector transport (not uvloop's)
            transport.max_size = WS_READ_CHUNK_BYTES

    # Each place where what ``_frames_ok`` keeps may change: a frame read (a close from the
    # peer, a protocol error), whatever the app sends (its accept opens the socket, its
    # close ends it), the write buffer's room, the connection's end, and our own closes.
    def data_received(self, data: bytes) -> None:
        try:
            super().data_received(data)
        finally:
            self._recheck()

    async def send(self, message: Any) -> None:
        try:
            await super().send(message)
        finally:
            self._recheck()

    def pause_writing(self) -> None:
        super().pause_writing()
        self._frames_ok = False

    def resume_writing(self) -> None:
        super().resume_writing()
        self._recheck()

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # accepted: the app's task has not started yet
            scope["extensions"][TRANSPORT_EXTENSION] = {"abort": self.abort,
                                                        "write_frame": self.write_frame,
                                                        "end": self.end}

    def send_receive_event_to_app(self) -> None:
        if not self.close_sent and self.queue.qsize() >= limits.WS_UNREAD_MESSAGES_MAX:
            self._close_flooder()
        super().send_receive_event_to_app()  # after the close: discarded unread

    def _close_flooder(self) -> None:
        """Drop what the app has not read and tell it the socket is over at once (not
        after it has worked through the backlog at the sender's rate); close with 1008."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait({"type": "websocket.disconnect", "code": CLOSE_POLICY})
        self.conn.send_close(CLOSE_POLICY, "too many messages at once")
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        # Read nothing more (a flood is not worth parsing); the close frame goes out, and a
        # peer that does not read it either is aborted once the app is done (run_asgi).
        self.transport.close()

    def write_frame(self, frame: bytes) -> bool:
        """Write one serialized frame now if the connection takes it: open, nothing sent
        to close it, no extension that would change the frame's bytes, and its transport
        not paused by a full buffer. False otherwise, and nothing is written: the app then
        sends it the ASGI way, which waits for the buffer to drain (connection.py)."""
        # The transport's own state is asked as well: asyncio closes it on a failed send
        # and tells us (``connection_lost``) only in the loop's next turn.
        if not self._frames_ok or self.transport.is_closing():
            return False
        self.transport.write(frame)
        return True

    def end(self, code: int) -> None:
        """The app is done reading this socket (it dropped or replaced it): what it has not
        read is thrown away and its next read is a disconnect with ``code``. Its own reads
        then need no second task racing them (connection.py)."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait({"type": "websocket.disconnect", "code": code})

    def abort(self) -> None:
        """Drop the TCP connection now, unsent data and all."""
        if not self._lost:
            self.transport.abort()
        self._frames_ok = False

    async def run_asgi(self) -> None:
        await super().run_asgi()
        # The app is done with this socket: a peer that reads its close gets it within the
        # grace; one that does not read would hold the socket and its buffers for ever.
        self.loop.call_later(limits.DROP_GRACE_SECS, self.abort)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        self._frames_ok = False
        super().connection_lost(exc)

    def shutdown(self) -> None:
        if (self.handshake_complete and self.initial_response is None
                and not self.close_sent and not self.transport.is_closing()):
            self.stop_keepalive()
            self.queue.put_nowait({"type": "websocket.disconnect", "code": CLOSE_GOING_AWAY})
            self.conn.send_close(CLOSE_GOING_AWAY, "server stopping")
            self.transport.write(b"".join(self.conn.data_to_send()))
            self.close_sent = True
            self.transport.close()
            return
        super().shutdown()


def uvicorn_server(app: Starlette, log_level: str = "warning") -> uvicorn.Server:
    ctx = getattr(app.state, "ctx", None)

    class AppH11Protocol(GuardedH11Protocol):
        floodgate = ctx.floodgate if ctx is not None else None

    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,  # the facilitator key can appear in a URL: never log URLs
        http=AppH11Protocol,
        ws=GuardedWebSocketProtocol,
        ws_max_size=limits.WS_HARD_MAX_BYTES,
        # Compression costs memory and CPU per socket for messages of a few hundred bytes.
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=limits.GRACEFUL_SHUTDOWN_SECS,
        lifespan="on",
    )
    return uvicorn.Server(config)


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket. Made here rather than by uvicorn so that the CLI can
    say plainly when the port is taken. ``IPPROTO_TCP`` must be explicit: asyncio turns on
    TCP_NODELAY only for sockets whose protocol says TCP, and without it an ack written
    right after an event waits ~40 ms for the peer's delayed ACK (Nagle)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)  # a room of phones arrives at once when the QR code goes up
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock
