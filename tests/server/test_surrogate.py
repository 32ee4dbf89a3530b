"""The surrogate brick, as a test: a lone UTF-16 surrogate is valid JSON (``"\\ud800"``) but
no character, and no UTF-8 writer can store it. Sent as a name while another phone joins at
the same moment, it once unloaded the room, closed every phone with 1011 and left a hole in
the log that no restart could load. Now it is refused where text enters, before it has a
seq: its sender reads why, nobody else notices, the log stays whole, the workshop loads.

The same for every other place a phone can put text: each command's text arguments, the
hello, and the command's name (which an ``unknown_command`` refusal used to echo)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support import HANG, Client, LiveServer, unpack
from yoriai.server.context import DB_FILE

SURROGATES = ["\ud800", "\udfff", "佐藤\udc00さん", "\ud83d"]  # the last: half an emoji
JA_WORDS = "使えない文字"


def seqs(live: LiveServer, code: str) -> list[int]:
    with sqlite3.connect(live.data_dir / DB_FILE) as db:
        return [r[0] for r in db.execute(
            "SELECT seq FROM events WHERE workshop = ? ORDER BY seq", (code,))]


def raw_cmd(name: str, args: dict[str, Any], command_id: str) -> str:
    """The frame a hostile phone sends: JSON whose text escapes a lone surrogate (json.dumps
    writes it as \\ud800, which is what makes it valid JSON)."""
    return json.dumps({"type": "cmd", "id": command_id, "name": name, "args": args})


async def reply_to(client: Client, text: str, command_id: str) -> dict[str, Any]:
    reply = client.waiter(lambda m: m["type"] in ("ack", "error") and m.get("id") == command_id)
    await client.send(text)
    return await asyncio.wait_for(reply, HANG)


async def still_connected(*clients: Client) -> None:
    for c in clients:
        assert c.ws is not None
        pong = c.waiter(lambda m: m["type"] == "pong")
        await c.send({"type": "ping"})
        await asyncio.wait_for(pong, HANG)


async def test_a_surrogate_join_beside_a_real_one_hurts_no_one(live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    projector = await Client(live, code).connect()
    someone = await Client(live, code).connect()
    await someone.join("先に来た人")
    hostile = await Client(live, code).connect()
    newcomer = await Client(live, code).connect()
    before = seqs(live, code)

    bad_id, good_id = "bad-" + "x" * 20, "good-" + "y" * 20
    bad = raw_cmd("join", {"name": "\ud800", "attribute": "住民"}, bad_id)
    good = json.dumps({"type": "cmd", "id": good_id, "name": "join",
                       "args": {"name": "後から来た人", "attribute": "住民"}})
    # At the same moment: both frames are on the wire before either answer comes back.
    refused, joined = await asyncio.gather(reply_to(hostile, bad, bad_id),
                                           reply_to(newcomer, good, good_id))

    assert refused["type"] == "error" and refused["code"] == "bad_text"
    assert JA_WORDS in refused["message"]
    assert joined["type"] == "ack" and joined["result"]["participant_id"]
    # Nobody was closed: the console, the projector, both phones and the hostile socket
    # itself all still answer, and all see the newcomer.
    await still_connected(console, projector, someone, hostile, newcomer)
    for c in (console, projector, someone, hostile):
        await c.wait_for(lambda b: b.participant_count == 2)
    note = await someone.cmd("post_note", kind="wish", text="まだ動いています")
    assert note["type"] == "ack"
    await console.wait_for(lambda b: note["result"]["note_id"] in b.notes)

    # The log is whole: one seq after another, the refused join never had one.
    after = seqs(live, code)
    assert after == list(range(1, len(after) + 1))
    assert len(after) == len(before) + 2  # the join and the note

    # And the workshop loads after a restart, from the same data folder.
    for c in (console, projector, someone, hostile, newcomer):
        await c.close()
    live.stop()
    again = LiveServer(live.data_dir).start()
    try:
        fresh = await Client(again, code, key=again.key).connect()
        assert fresh.board.participant_count == 2
        assert fresh.board.seq == len(after)
        assert note["result"]["note_id"] in fresh.board.notes
        await fresh.close()
    finally:
        again.stop()


# --- every command's text ------------------------------------------------------------------

@pytest.fixture
async def room(live: LiveServer) -> tuple[LiveServer, str, Client, Client]:
    """A workshop with something of everything a text command can name: a note, a theme,
    a proposal, an action and a review."""
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    phone = await Client(live, code).connect()
    await phone.join("佐藤")
    for name, args in [("post_note", {"kind": "wish", "text": "公園"})]:
        assert (await phone.cmd(name, **args))["type"] == "ack"
    for name, args in [("create_theme", {"title": "遊び場", "note_id": "n1"}),
                       ("write_proposal", {"theme_id": "t1", "aim": "みんなの公園"}),
                       ("create_action", {"title": "草刈り", "theme_id": "t1"}),
                       ("post_review", {"column": "keep", "text": "よかった"})]:
        assert (await console.cmd(name, **args))["type"] == "ack", name
    return live, code, console, phone


CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("phone", "post_note", {"kind": "wish"}, "text"),
    ("phone", "edit_note", {"note_id": "n1"}, "text"),
    ("console", "edit_note", {"note_id": "n1"}, "text"),
    ("console", "add_proxy", {"attribute": "住民"}, "name"),
    ("console", "create_theme", {}, "title"),
    ("console", "rename_theme", {"theme_id": "t1"}, "title"),
    ("console", "write_proposal", {"theme_id": "t1"}, "aim"),
    ("console", "write_proposal", {"theme_id": "t1", "aim": "公園"}, "ideas"),
    ("console", "create_action", {}, "title"),
    ("console", "update_action", {"action_id": "a1"}, "title"),
    ("console", "update_action", {"action_id": "a1"}, "first_step"),
    ("console", "update_action", {"action_id": "a1"}, "partners"),
    ("console", "set_action_status", {"action_id": "a1", "status": "done"}, "record"),
    ("console", "post_review", {"column": "change"}, "text"),
    ("console", "edit_review", {"review_id": "r1"}, "text"),
]


@pytest.mark.parametrize("bad", SURROGATES[:2])
async def test_every_text_argument_refuses_a_surrogate(
        room: tuple[LiveServer, str, Client, Client], bad: str) -> None:
    live, code, console, phone = room
    stranger = await Client(live, code).connect()
    before = seqs(live, code)
    for i, (who, name, args, key) in enumerate(CASES):
        sender = console if who == "console" else phone
        value: object = [bad] if key in ("ideas", "partners") else bad
        cid = f"s{i}-" + "z" * 20
        reply = await reply_to(sender, raw_cmd(name, {**args, key: value}, cid), cid)
        assert reply["type"] == "error" and reply["code"] == "bad_text", (name, key, reply)
        assert JA_WORDS in reply["message"]
    cid = "j-" + "w" * 20
    reply = await reply_to(stranger, raw_cmd("join", {"name": bad, "attribute": "住民"}, cid),
                           cid)
    assert reply["code"] == "bad_text"
    assert seqs(live, code) == before
    await still_connected(console, phone, stranger)


async def test_a_surrogate_command_name_is_not_echoed(
        room: tuple[LiveServer, str, Client, Client]) -> None:
    _live, _code, console, phone = room
    for who in (console, phone):
        cid = "n-" + "v" * 20
        reply = await reply_to(who, raw_cmd("\ud800post_note", {}, cid), cid)
        assert reply["code"] == "unknown_command"
        assert reply["params"] == {"command": ""}
    await still_connected(console, phone)


# --- the hello -------------------------------------------------------------------------------

async def test_a_surrogate_workshop_code_in_the_hello(live: LiveServer) -> None:
    live.new_workshop()
    async with connect(live.ws_url) as ws:
        await ws.send(json.dumps({"type": "hello", "workshop": "\ud800abc"}))
        error = json.loads(await ws.recv())
        assert error["code"] == "unknown_workshop"
        with pytest.raises(ConnectionClosed) as info:
            await ws.recv()
        assert info.value.rcvd is not None and info.value.rcvd.code == 4004


@pytest.mark.parametrize("field, value, expected", [
    ("lang", "\ud800", None),  # an unknown language: Japanese, as for any other
    ("key", "\ud800", "bad_key"),
    ("key", "鍵\udfff", "bad_key"),
    ("token", "p1.\ud800", "bad_token"),
    ("token", "\ud800.abc", "bad_token"),
    ("epoch", "\ud800", None),  # an epoch that is not this one: a snapshot
])
async def test_surrogates_in_the_hello_are_turned_away_readably(
        live: LiveServer, field: str, value: str, expected: str | None) -> None:
    code = live.new_workshop()
    other = await Client(live, code).connect()
    await other.join("となり")
    async with connect(live.ws_url) as ws:
        await ws.send(json.dumps({"type": "hello", "workshop": code, field: value,
                                  "last_seq": 1}))
        seen: list[dict[str, Any]] = []
        while not any(m["type"] in ("snapshot", "synced") for m in seen):
            seen.extend(unpack(await asyncio.wait_for(ws.recv(), HANG)))
        errors = [m["code"] for m in seen if m["type"] == "error"]
        assert errors == ([expected] if expected else [])
        assert all(not m.get("message", "x").startswith("error.") for m in seen)
        welcome = next(m for m in seen if m["type"] == "welcome")
        assert welcome["role"] == "projector"  # no powers from a broken key or token
    await still_connected(other)
