"""A phone from another address on the LAN. The server does not count the laptop's own
address (127.0.0.1) in its per-address limits, so tests of those limits connect from other
loopback addresses (Linux answers the whole of 127.0.0.0/8 locally)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.support import HANG, Client, LiveServer, unpack


def loopback_alias_or_skip(address: str) -> str:
    try:
        with socket.socket() as s:
            s.bind((address, 0))
    except OSError:
        pytest.skip(f"this system cannot send from {address}")
    return address


class StrangerClient(Client):
    """A :class:`Client` whose socket comes from ``address``."""

    def __init__(self, server: LiveServer, code: str, address: str, **kwargs: Any) -> None:
        super().__init__(server, code, **kwargs)
        self.address = loopback_alias_or_skip(address)

    async def connect(self, resume: bool = False) -> StrangerClient:
        self.ws = await raw_socket(self.server, self.address)
        self._reader = asyncio.create_task(self._read())
        self.loop = asyncio.get_running_loop()
        Client.opened.append(self)
        hello: dict[str, Any] = {"type": "hello", "workshop": self.code}
        if self.token:
            hello["token"] = self.token
        synced = self.waiter(lambda m: m["type"] in ("snapshot", "synced"))
        await self.send(hello)
        await asyncio.wait_for(synced, HANG)
        return self


async def raw_socket(server: LiveServer, address: str) -> ClientConnection:
    """A bare WebSocket from ``address`` (no hello sent)."""
    return await connect(server.ws_url, compression=None, max_size=2**22,
                         local_addr=(loopback_alias_or_skip(address), 0))


async def answers(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    """The next ``count`` messages that are answers (acks, errors, pongs), skipping the
    board's traffic (welcome, snapshot, events, heartbeats)."""
    got: list[dict[str, Any]] = []
    while len(got) < count:
        for msg in unpack(await asyncio.wait_for(ws.recv(), HANG)):
            if msg["type"] in ("ack", "error", "pong"):
                got.append(msg)
    return got
