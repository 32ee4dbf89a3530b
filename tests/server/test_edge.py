"""The WebSocket edge: command ids that are safe to store and echo, errors that carry the id
they could read, keys and tokens that are not text, sockets that are not yet anyone's capped
per address and in all, joins limited per address, and a stopping server that says 1001."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as sync_connect

from tests.support import HANG, Client, LiveServer, unpack
from yoriai.server import limits
from yoriai.server.context import DB_FILE

from .serverproc import ServerProcess, yoriai
from .stranger import StrangerClient, answers, raw_socket


def event_count(live: LiveServer) -> int:
    with sqlite3.connect(live.data_dir / DB_FILE) as db:
        return int(db.execute("SELECT COUNT(*) FROM events").fetchone()[0])


async def hello(ws: ClientConnection, code: str, **extra: Any) -> list[dict[str, Any]]:
    """Say hello; everything received up to the snapshot."""
    await ws.send(json.dumps({"type": "hello", "workshop": code, **extra}))
    got: list[dict[str, Any]] = []
    while not any(m["type"] == "snapshot" for m in got):
        got.extend(unpack(await asyncio.wait_for(ws.recv(), HANG)))
    return got


@pytest.fixture
async def phone(live: LiveServer) -> tuple[LiveServer, Client]:
    code = live.new_workshop()
    c = await Client(live, code).connect()
    await c.join("佐藤")
    return live, c


# --- command ids ------------------------------------------------------------------------------

# Raw JSON text: a lone surrogate and a NUL are valid JSON escapes.
BAD_IDS = [r'"\ud800"', r'"a\u0000b"', '"has space"', '"ｃ-全角"', '"<id>"', '"a\\"b"',
           f'"{"x" * (limits.COMMAND_ID_MAX_CHARS + 1)}"', '""', "5", "null", '["c-1"]']


@pytest.mark.parametrize("raw_id", BAD_IDS)
async def test_a_command_id_must_be_plain_ascii(phone: tuple[LiveServer, Client],
                                                raw_id: str) -> None:
    live, c = phone
    before = event_count(live)
    error = c.waiter(lambda m: m["type"] == "error")
    await c.send('{"type": "cmd", "id": ' + raw_id + ', "name": "post_note", '
                 '"args": {"kind": "wish", "text": "番号がおかしい"}}')
    reply = await asyncio.wait_for(error, HANG)
    assert reply["code"] == "bad_command_id" and reply["id"] is None  # never echoed
    assert reply["message"] and not reply["message"].startswith("error.")
    assert event_count(live) == before
    assert (await c.cmd("post_note", kind="wish", text="ふつうの番号"))["type"] == "ack"


async def test_every_allowed_character_makes_a_good_id(
        phone: tuple[LiveServer, Client]) -> None:
    _, c = phone
    cid = "AZaz09-_.:" + "x" * (limits.COMMAND_ID_MAX_CHARS - 10)
    reply = await c.cmd("post_note", command_id=cid, kind="wish", text="長い番号")
    assert reply["type"] == "ack" and reply["id"] == cid


async def test_a_join_with_a_short_id_gets_its_id_back(live: LiveServer) -> None:
    c = await Client(live, live.new_workshop()).connect()
    reply = await c.cmd("join", command_id="c-short", name="佐藤", attribute="住民")
    assert reply["code"] == "bad_command_id" and reply["id"] == "c-short"


@pytest.mark.parametrize("text, expected_id", [
    # The id where clients put it: read from the start of the frame without parsing it.
    ('{"type": "cmd", "id": "c-big-1", "name": "post_note", "args": {"text": "%s"}}',
     "c-big-1"),
    # Further in than the server looks: null.
    ('{"type": "cmd", "name": "post_note", "args": {"text": "%s"}, "id": "c-big-2"}', None),
])
async def test_message_too_large_carries_the_id_it_could_read(
        phone: tuple[LiveServer, Client], text: str, expected_id: str | None) -> None:
    _, c = phone
    error = c.waiter(lambda m: m["type"] == "error")
    await c.send(text % ("あ" * limits.MESSAGE_MAX_BYTES))
    reply = await asyncio.wait_for(error, HANG)
    assert reply["code"] == "message_too_large" and reply["id"] == expected_id
    assert reply["params"] == {"max": limits.MESSAGE_MAX_BYTES}


async def test_bad_json_carries_the_id_it_could_read(phone: tuple[LiveServer, Client]) -> None:
    _, c = phone
    error = c.waiter(lambda m: m["type"] == "error")
    await c.send('{"type": "cmd", "id": "c-cut-off", "name": "post_note", "args": {"te')
    reply = await asyncio.wait_for(error, HANG)
    assert (reply["code"], reply["id"]) == ("bad_json", "c-cut-off")


async def test_a_non_object_has_no_id_but_an_object_without_type_keeps_its_id(
        phone: tuple[LiveServer, Client]) -> None:
    _, c = phone
    errors = [c.waiter(lambda m: m["type"] == "error" and m["id"] is None),
              c.waiter(lambda m: m["type"] == "error" and m["id"] == "c-typeless")]
    await c.send('["c-in-a-list"]')
    await c.send('{"id": "c-typeless"}')
    for fut in errors:
        assert (await asyncio.wait_for(fut, HANG))["code"] == "bad_message"


# --- the hello ----------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, code", [
    ("key", "\ud800", "bad_key"),
    ("key", "ｋｅｙ", "bad_key"),
    ("token", "p1.\ud800", "bad_token"),
    ("token", "\ud800.x", "bad_token"),
])
async def test_a_key_or_token_that_is_not_ascii_is_just_wrong(
        live: LiveServer, field: str, value: str, code: str) -> None:
    ws = await raw_socket(live, "127.0.0.1")
    got = await hello(ws, live.new_workshop(), **{field: value})
    assert [m["code"] for m in got if m["type"] == "error"] == [code]
    assert [m["role"] for m in got if m["type"] == "welcome"] == ["projector"]
    await ws.send('{"type": "ping"}')
    assert (await answers(ws, 1))[0]["type"] == "pong"  # the socket goes on
    await ws.close()


# --- sockets that are not yet anyone's ------------------------------------------------------

async def refused(ws: ClientConnection) -> dict[str, Any]:
    """The error a refused socket gets at once, and its close code."""
    msg = json.loads(await asyncio.wait_for(ws.recv(), HANG))
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), HANG)
    assert closed.value.rcvd is not None
    return {**msg, "close": closed.value.rcvd.code}


async def test_unjoined_sockets_are_capped_per_address(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "UNJOINED_SOCKETS_PER_ADDRESS", 3)
    code = live.new_workshop()
    held = [await raw_socket(live, "127.0.0.2") for _ in range(3)]
    for ws in held:
        await hello(ws, code)
    one_too_many = await raw_socket(live, "127.0.0.2")
    refusal = await refused(one_too_many)
    assert (refusal["code"], refusal["close"]) == ("too_many_connections", 1013)
    assert refusal["message"] and refusal["id"] is None
    # Another phone is not held back, nor is the laptop itself.
    await hello(await raw_socket(live, "127.0.0.3"), code)
    for _ in range(4):
        await hello(await raw_socket(live, "127.0.0.1"), code)
    # Once one of the three joins, it is someone's, and there is room again.
    await held[0].send(json.dumps({"type": "cmd", "id": "c-join-0123456789",
                                   "name": "join", "args": {
                                       "name": "佐藤", "attribute": "住民"}}))
    assert (await answers(held[0], 1))[0]["type"] == "ack"
    await hello(await raw_socket(live, "127.0.0.2"), code)


async def test_unjoined_sockets_are_capped_in_all(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "UNJOINED_SOCKETS_MAX", 4)
    code = live.new_workshop()
    held = [await raw_socket(live, f"127.0.0.{2 + i % 2}") for i in range(4)]
    for ws in held:
        await hello(ws, code)
    refusal = await refused(await raw_socket(live, "127.0.0.4"))
    assert (refusal["code"], refusal["close"]) == ("too_many_connections", 1013)
    await held[0].close()
    # The server counts the socket out once it has noticed the close: wait for that.
    gate = live.ctx.floodgate
    deadline = asyncio.get_running_loop().time() + HANG
    while gate.unjoined_total != 3:
        assert asyncio.get_running_loop().time() < deadline, "never counted out"
        await asyncio.sleep(0.02)
    await hello(await raw_socket(live, "127.0.0.4"), code)  # room again


# --- joins ------------------------------------------------------------------------------------

async def test_joins_are_limited_per_address(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "JOINS_PER_ADDRESS_BURST", 2.0)
    monkeypatch.setattr(limits, "JOINS_PER_ADDRESS_PER_SEC", 0.01)
    code = live.new_workshop()
    script = [await StrangerClient(live, code, "127.0.0.2").connect() for _ in range(3)]
    for c in script[:2]:
        await c.join(f"人{script.index(c)}")
    reply = await script[2].cmd("join", name="三人目", attribute="住民")
    assert reply["code"] == "too_many_joins" and reply["id"]
    assert reply["params"]["seconds"] >= 1
    assert str(reply["params"]["seconds"]) in reply["message"]  # says how long, in words
    neighbour = await StrangerClient(live, code, "127.0.0.3").connect()
    await neighbour.join("となりの人")
    fac = await Client(live, code, key=live.key).connect()
    for i in range(5):  # 代理入力 is not a join
        assert (await fac.cmd("add_proxy", name=f"紙{i}", attribute="住民"))["type"] == "ack"
    await neighbour.wait_for(lambda b: b.participant_count == 2 + 1 + 5)


# --- stopping -----------------------------------------------------------------------------

def test_a_stopping_server_closes_every_socket_with_1001(tmp_path: Path) -> None:
    proc = ServerProcess(tmp_path / "data")
    code = yoriai("new", "止まる会", "--data", str(proc.data_dir)).stdout.split()[-1]
    proc.start()
    try:
        with sync_connect(proc.ws_url) as ws:
            ws.send(json.dumps({"type": "hello", "workshop": code}))
            while not any(m["type"] == "snapshot" for m in unpack(ws.recv(timeout=HANG))):
                pass
            assert proc.proc is not None
            proc.proc.send_signal(signal.SIGTERM)
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=HANG)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
        proc.proc.wait(timeout=HANG)  # it stops (uvicorn re-raises SIGTERM once done)
        assert "Traceback" not in proc.err.read_text()
    finally:
        proc.stop()
