"""Limits with reasons: a slow phone is dropped (its TCP connection aborted) without slowing
the room; a person's extra sockets are closed oldest first; a flood is told to slow down."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support import HANG, Client, LiveServer
from yoriai.facilitation import limits
from yoriai.facilitation.errors import Refusal


async def test_a_phone_that_stops_reading_is_dropped_and_the_room_goes_on(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "OUTBOX_MAX_MESSAGES", 8)
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    good = await Client(live, code).connect()
    # A phone whose radio went quiet: a tiny receive buffer, and it never reads.
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", live.port))
    sleeper = await connect(live.ws_url, sock=raw, max_queue=1, compression=None)
    await sleeper.send(f'{{"type": "hello", "workshop": "{code}"}}')

    proxy = (await fac.cmd("add_proxy", name="紙", attribute="住民"))["result"]["participant_id"]
    for i in range(250):
        await fac.cmd_patiently("post_note", proxy_for=proxy, kind="wish",
                                text=f"{i}番目の長めの付箋です。" + "あ" * 120)
    room = live.ctx.hub.rooms[code]
    await good.wait_for(lambda b: len(b.notes) == 250)
    # Each delete re-sends every note's view (~150 KB): enough of them fill the kernel's
    # buffers (up to 4 MB on loopback), then the outbox, then the phone is let go.
    for _ in range(80):
        # The room never waits for the sleeper: the good phone sees each delete (within the
        # hang guard) while the sleeper reads nothing. A time limit here would be a timing
        # assertion that a loaded machine fails.
        theme = (await fac.cmd_patiently("create_theme", title="仮"))["result"]["theme_id"]
        await fac.cmd_patiently("delete_theme", theme_id=theme)
        await good.wait_for(lambda b, gone=theme: gone not in b.items("themes"))
        if len(room.subscribers) == 2:
            break
    sizes = [len(str(m)) for m in good.received[-3:]]
    assert len(room.subscribers) == 2, ("the sleeping phone was never dropped", sizes)
    # Its TCP connection is aborted (reset), not left to close politely behind megabytes
    # it will never read: the sleeper's own socket sees the reset without reading a byte.
    await wait_for_tcp_state(raw, TCP_CLOSE)
    await sleeper.close()


# Linux's TCP states (include/net/tcp_states.h), the first byte of TCP_INFO.
TCP_ESTABLISHED, TCP_CLOSE = 1, 7


async def wait_for_tcp_state(sock: socket.socket, state: int) -> None:
    if not hasattr(socket, "TCP_INFO"):
        pytest.skip("TCP_INFO is Linux's")
    deadline = asyncio.get_running_loop().time() + HANG
    while sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] != state:
        assert asyncio.get_running_loop().time() < deadline, "the connection was never reset"
        await asyncio.sleep(0.02)


async def test_a_persons_extra_sockets_close_oldest_first(live: LiveServer) -> None:
    code = live.new_workshop()
    first = await Client(live, code).connect()
    await first.join()
    others = [await Client(live, code, token=first.token).connect()
              for _ in range(limits.CONNECTIONS_PER_PARTICIPANT)]
    assert first.ws is not None
    await asyncio.wait_for(first.ws.wait_closed(), HANG)
    assert first.ws.close_code == 4002
    for c in others:
        assert c.ws is not None and c.ws.close_code is None
        assert (await c.cmd("post_note", kind="wish", text="まだ使える"))["type"] == "ack"


async def test_workshops_per_server_are_capped(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "WORKSHOPS_MAX", 2)
    live.new_workshop("一")
    live.new_workshop("二")
    with pytest.raises(Refusal) as info:
        live.new_workshop("三")
    assert info.value.code == "too_many_workshops"
    async with httpx.AsyncClient(base_url=live.base) as http:
        await http.get(f"/?key={live.key}")
        reply = await http.post("/workshops", data={"title": "四"})
        assert reply.status_code == 303 and "error=too_many_workshops" in reply.headers["location"]
        home = await http.get(reply.headers["location"])
        assert "つくれません" in home.text  # said on the page, in words
