"""How Yoriai runs under uvicorn: one place for the settings the CLI and the tests share."""

from __future__ import annotations

import socket

import uvicorn
from starlette.applications import Starlette

from yoriai.facilitation import limits


def uvicorn_server(app: Starlette, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,  # the facilitator key can appear in a URL: never log URLs
        ws="websockets-sansio",
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
