"""Cheap floods stay cheap: whatever one socket sends — garbage, JSON that is not an object,
oversized or deeply nested frames, binary frames, or valid commands faster than a person —
costs only its sender's rate, is answered with readable errors, closes nothing, and the
phone next to it keeps getting its acks. The rate belongs to the person (all their
sockets) or, before joining, to the address. How cheap, in figures: bench/flood.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sqlite3
import time
import uuid
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from tests.support import HANG, Client, LiveServer, unpack
from yoriai.server import limits
from yoriai.server.context import DB_FILE

from .stranger import StrangerClient, answers, loopback_alias_or_skip, raw_socket

STRANGER = "127.0.0.2"


def event_count(live: LiveServer) -> int:
    with sqlite3.connect(live.data_dir / DB_FILE) as db:
        return int(db.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def note_cmd(text: str, cid: str | None = None) -> str:
    return json.dumps({"type": "cmd", "id": cid or f"c-{uuid.uuid4().hex}",
                       "name": "post_note", "args": {"kind": "wish", "text": text}},
                      ensure_ascii=False)


# kind: (frame, the error a frame gets while the sender has tokens)
FLOODS: dict[str, tuple[str | bytes, str]] = {
    "malformed": ("{not json", "bad_json"),
    "not_an_object": ("[1, 2, 3]", "bad_message"),
    "no_type": ('{"id": "c-no-type"}', "bad_message"),
    "nested": ("[" * 5000 + "]" * 5000, "bad_json"),  # deeper than the parser's stack
    "oversized": (note_cmd("あ" * (limits.MESSAGE_MAX_BYTES // 3 + 10), "c-big"),
                  "message_too_large"),
    "binary": (b"\x00\xff" * 50, "bad_message"),
}


async def hello(ws: ClientConnection, code: str, token: str | None = None) -> None:
    msg: dict[str, Any] = {"type": "hello", "workshop": code}
    if token:
        msg["token"] = token
    await ws.send(json.dumps(msg))
    while not any(m["type"] == "snapshot"
                  for m in unpack(await asyncio.wait_for(ws.recv(), HANG))):
        pass


async def flood(ws: ClientConnection, frames: list[str | bytes]) -> None:
    """Send everything without waiting for answers; the server reads at its own pace."""
    for frame in frames:
        await ws.send(frame)


def no_refill(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate's refill (one token every 0.2 s) out of the picture: with it, how many of a
    flood's frames were answered before the first slow_down depended on how fast a loaded
    machine worked through them (25 posts at 50 ms each, a slow disk's fsync, earned 5
    tokens back and no slow_down came at all). Now a sender has its burst, then no more for
    the length of the test, whatever the machine's speed. A bucket reads these when it is
    made, so call this before the sender's first frame."""
    monkeypatch.setattr(limits, "RATE_PER_SEC", 0.01)  # one token in 100 s


async def still_served(live: LiveServer, code: str, ws: ClientConnection) -> None:
    """The room still reaches ``ws`` (the server kept it open and sends it the board), shown
    by a change every audience sees: the facilitator locks the board and ``ws`` gets that
    event. Without asking ``ws`` for anything, since it has no token left."""
    fac = await Client(live, code, key=live.key).connect()
    ack = await fac.cmd("lock_board", locked=True)
    assert ack["type"] == "ack", ack
    while not any(m["type"] == "event" and m["seq"] >= ack["seq"]
                  for m in unpack(await asyncio.wait_for(ws.recv(), HANG))):
        pass
    assert ws.close_code is None


async def hang_up(ws: ClientConnection) -> None:
    """Leave as a phone leaving the Wi-Fi does (the TCP connection dropped): a socket the
    server no longer reads (no token left) would leave a polite close unanswered until
    the client gives up on it."""
    ws.transport.abort()
    await ws.wait_closed()


async def bystander_keeps_working(bystander: Client, posts: int) -> None:
    for i in range(posts):
        reply = await bystander.cmd("post_note", kind="charm", text=f"となりの付箋 {i}")
        assert reply["type"] == "ack", reply
        note_id = reply["result"]["note_id"]
        await bystander.wait_for(lambda b, n=note_id: n in b.notes)


@pytest.mark.parametrize("kind", FLOODS)
@pytest.mark.parametrize("joined", [False, True], ids=["unjoined", "joined"])
async def test_a_flood_from_one_socket_costs_only_its_sender(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch, kind: str, joined: bool) -> None:
    no_refill(monkeypatch)
    frame, first_code = FLOODS[kind]
    code = live.new_workshop()
    bystander = await Client(live, code).connect()
    await bystander.join("となり")
    token = None
    if joined:
        person = await StrangerClient(live, code, STRANGER).connect()
        await person.join("荒らし")
        token = person.token
    flooder = await raw_socket(live, STRANGER)
    await hello(flooder, code, token)
    before = event_count(live)

    frames = int(limits.RATE_BURST) + 10
    sending = asyncio.create_task(flood(flooder, [frame] * frames))
    await bystander_keeps_working(bystander, 5)
    # The burst is the sender's to spend, then no more: its next frame is told to slow
    # down (and the socket is not read again until it has a token).
    got = await answers(flooder, int(limits.RATE_BURST) + 1)
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sending

    codes = [m.get("code") for m in got]
    # The nested frame too: bad_json, not a close.
    assert codes == [first_code] * int(limits.RATE_BURST) + ["slow_down"], codes
    for m in got:
        assert m["message"] and not m["message"].startswith("error.")  # words, not a key
    if kind == "oversized":  # its id is read from the start of the frame, unparsed
        assert {m["id"] for m in got} == {"c-big"}
    assert event_count(live) == before + 5  # the bystander's notes, nothing of the flood
    await still_served(live, code, flooder)  # the flooder's socket was not closed either
    await hang_up(flooder)


async def test_valid_commands_faster_than_a_person_are_told_to_slow_down(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    no_refill(monkeypatch)
    code = live.new_workshop()
    bystander = await Client(live, code).connect()
    await bystander.join("となり")
    person = await StrangerClient(live, code, STRANGER).connect()
    await person.join("連投する人")
    flooder = await raw_socket(live, STRANGER)
    await hello(flooder, code, person.token)
    ids = [f"c-rapid-{i}" for i in range(int(limits.RATE_BURST) * 3)]
    sending = asyncio.create_task(flood(flooder, [note_cmd(f"連投{i}", cid)
                                                  for i, cid in enumerate(ids)]))
    await bystander_keeps_working(bystander, 5)
    got = await answers(flooder, int(limits.RATE_BURST) + 1)
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sending
    # The burst acknowledged, then the next one told to slow down.
    assert [m["type"] for m in got] == ["ack"] * int(limits.RATE_BURST) + ["error"], got
    assert got[-1]["code"] == "slow_down"
    # Each answer names its command, also the ones not parsed (read from the frame's start).
    assert [m["id"] for m in got] == ids[:len(got)]
    await hang_up(flooder)


async def test_the_rate_is_per_person_not_per_socket(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "RATE_BURST", 3.0)
    monkeypatch.setattr(limits, "RATE_PER_SEC", 0.01)  # no refill within the test
    code = live.new_workshop()
    first = await Client(live, code).connect()
    await first.join("ひとり")
    second = await Client(live, code, token=first.token).connect()  # the same person
    for i in range(3):
        assert (await first.cmd("post_note", kind="wish", text=f"{i}"))["type"] == "ack"
    reply = await second.cmd("post_note", kind="wish", text="別の画面から", command_id="c-2nd")
    assert reply["code"] == "slow_down" and reply["id"] == "c-2nd"
    other = await Client(live, code).connect()
    await other.join("べつの人")
    assert (await other.cmd("post_note", kind="wish", text="わたしは平気"))["type"] == "ack"


async def test_a_wall_clock_set_back_does_not_stop_the_rate(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The laptop's clock is set back an hour while phones post (it synced when it joined
    the centre's Wi-Fi): buckets go on refilling, on the monotonic clock. On the wall clock
    no token came back until the hour had passed, and every phone was told to slow down."""
    monkeypatch.setattr(limits, "RATE_BURST", 2.0)
    monkeypatch.setattr(limits, "RATE_PER_SEC", 5.0)  # a token every 0.2 s
    code = live.new_workshop()
    phone = await Client(live, code).connect()
    await phone.join("時計の戻った人")
    # Post until told to slow down (however fast the machine answers, 100 posts one after
    # the other are more than 2 and a token every 0.2 s).
    for i in range(100):
        reply = await phone.cmd("post_note", kind="wish", text=f"{i}")
        if reply["type"] == "error":
            break
    assert reply.get("code") == "slow_down", reply
    monkeypatch.setattr(live.ctx, "clock", lambda: time.time() - 3600)
    # The server waits for the next token before it reads on; a few tries are plenty.
    for i in range(20):
        reply = await phone.cmd("post_note", kind="wish", text=f"あとで{i}")
        if reply["type"] == "ack":
            break
        assert reply["code"] == "slow_down", reply
    assert reply["type"] == "ack", "no token came back after the clock was set back"


async def test_sockets_that_have_not_joined_share_their_address(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "RATE_BURST", 2.0)
    monkeypatch.setattr(limits, "RATE_PER_SEC", 0.01)
    code = live.new_workshop()
    one, two = await raw_socket(live, STRANGER), await raw_socket(live, STRANGER)
    elsewhere = await raw_socket(live, "127.0.0.3")
    for ws in (one, two, elsewhere):
        await hello(ws, code)
    for _ in range(2):
        await one.send('{"type": "ping"}')
    assert [m["type"] for m in await answers(one, 2)] == ["pong", "pong"]
    await two.send('{"type": "ping"}')
    # A ping counts like anything else; over the rate its answer is slow_down, id null.
    assert [(m["type"], m.get("code"), m.get("id")) for m in await answers(two, 1)] == [
        ("error", "slow_down", None)]
    await elsewhere.send('{"type": "ping"}')
    assert (await answers(elsewhere, 1))[0]["type"] == "pong"  # another phone is not held
    for ws in (one, two, elsewhere):
        await ws.close()


async def test_thousands_of_frames_in_one_read_close_the_socket_not_the_room(
        live: LiveServer) -> None:
    """A script packs more frames into one TCP write than a phone ever has waiting: the
    socket is closed (1008), the frames are dropped unanswered, nothing waits in memory for
    the sender's rate, and the address is free again at once."""
    code = live.new_workshop()
    bystander = await Client(live, code).connect()
    await bystander.join("となり")
    protocol = ClientProtocol(parse_uri(live.ws_url))
    with socket.socket() as raw:
        raw.bind((loopback_alias_or_skip(STRANGER), 0))
        raw.settimeout(HANG)
        raw.connect(("127.0.0.1", live.port))
        protocol.send_request(protocol.connect())
        raw.sendall(b"".join(protocol.data_to_send()))
        while protocol.state is not State.OPEN:  # the handshake's answer
            protocol.receive_data(raw.recv(65536))
        protocol.send_text(json.dumps({"type": "hello", "workshop": code}).encode())
        raw.sendall(b"".join(protocol.data_to_send()))
        frames = limits.WS_UNREAD_MESSAGES_MAX * 20
        for i in range(frames):
            protocol.send_text(note_cmd(f"{i}", f"c-packed-{i}").encode())
        raw.sendall(b"".join(protocol.data_to_send()))  # one write, one read
        answered: list[dict[str, Any]] = []
        while protocol.close_rcvd is None:
            data = raw.recv(65536)
            if not data:
                break
            protocol.receive_data(data)
            answered += [m for e in protocol.events_received()
                         if isinstance(e, Frame) and e.opcode is Opcode.TEXT
                         for m in unpack(bytes(e.data))]
    assert protocol.close_rcvd is not None and protocol.close_rcvd.code == 1008
    replies = [m for m in answered if m["type"] in ("ack", "error")]
    assert len(replies) < frames // 2  # most were dropped unread, not answered one by one
    # Counted out as soon as the server has seen its own close through (not after working
    # through a backlog at the sender's rate).
    gate = live.ctx.floodgate
    deadline = asyncio.get_running_loop().time() + HANG
    while gate.unjoined_total:
        assert asyncio.get_running_loop().time() < deadline, "the socket stayed counted"
        await asyncio.sleep(0.02)
    await bystander_keeps_working(bystander, 3)
