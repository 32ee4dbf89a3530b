"""Bad input gets a clear error, harms nothing, and nobody else notices."""

from __future__ import annotations

import json
import sqlite3

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support import Client, LiveServer
from yoriai.facilitation import limits
from yoriai.server import limits as server_limits
from yoriai.server.context import DB_FILE


def event_count(live: LiveServer) -> int:
    with sqlite3.connect(live.data_dir / DB_FILE) as db:
        return int(db.execute("SELECT COUNT(*) FROM events").fetchone()[0])


@pytest.fixture
async def room(live: LiveServer) -> tuple[LiveServer, str, Client, Client]:
    code = live.new_workshop()
    sender = await Client(live, code).connect()
    await sender.join("送り手")
    bystander = await Client(live, code).connect()
    await bystander.join("となり")
    return live, code, sender, bystander


async def bystander_still_works(bystander: Client, sender: Client) -> None:
    reply = await bystander.cmd("post_note", kind="charm", text="まだ動いています")
    assert reply["type"] == "ack"
    note_id = reply["result"]["note_id"]
    await sender.wait_for(lambda b: note_id in b.notes)  # the sender's socket is fine too


@pytest.mark.parametrize("raw, code", [
    ("{not json", "bad_json"),
    # Python's reader takes these; JSON has none of them, and a NaN stored in the log would
    # be written back out as something no other reader takes.
    ('{"type": "cmd", "id": "x8", "name": "post_note", "args": {"kind": "wish", "text": NaN}}',
     "bad_json"),
    ('{"type": "cmd", "id": "x9", "name": "start_timer", "args": {"seconds": Infinity}}',
     "bad_json"),
    ('{"type": "cmd", "id": "xa", "name": "start_timer", "args": {"seconds": -Infinity}}',
     "bad_json"),
    ("[1, 2, 3]", "bad_message"),
    ('{"no": "type"}', "bad_message"),
    ('{"type": "cmd", "name": "post_note", "args": {}}', "bad_command_id"),
    ('{"type": "cmd", "id": "x1", "name": 5, "args": {}}', "bad_message"),
    ('{"type": "cmd", "id": "x2", "name": "post_note", "args": "text"}', "bad_message"),
    ('{"type": "shout", "id": "x3"}', "bad_message"),
    ('{"type": "cmd", "id": "x4", "name": "drop_tables", "args": {}}', "unknown_command"),
    ('{"type": "cmd", "id": "x5", "name": "hide_note", "args": {"note_id": "n1"}}',
     "not_allowed"),
    ('{"type": "cmd", "id": "x6", "name": "post_note", "args": {"kind": "wish", "text": " "}}',
     "empty_note"),
    ('{"type": "cmd", "id": "x7", "name": "post_note", "args": {"kind": "?", "text": "a"}}',
     "bad_note_kind"),
])
async def test_malformed_messages_are_refused_readably(
        room: tuple[LiveServer, str, Client, Client], raw: str, code: str) -> None:
    live, _, sender, bystander = room
    before = event_count(live)
    errors = sender.waiter(lambda m: m["type"] == "error")
    await sender.send(raw)
    error = await errors
    assert error["code"] == code
    assert error["message"] and not error["message"].startswith("error.")  # real words
    assert event_count(live) == before
    await bystander_still_works(bystander, sender)


async def test_oversized_message_is_refused(room: tuple[LiveServer, str, Client, Client]) -> None:
    live, _, sender, bystander = room
    before = event_count(live)
    big = json.dumps({"type": "cmd", "id": "big", "name": "post_note",
                      "args": {"kind": "wish", "text": "あ" * server_limits.MESSAGE_MAX_BYTES}})
    errors = sender.waiter(lambda m: m["type"] == "error")
    await sender.send(big)
    assert (await errors)["code"] == "message_too_large"
    assert event_count(live) == before
    await bystander_still_works(bystander, sender)


async def test_note_over_the_limit_says_the_limit(
        room: tuple[LiveServer, str, Client, Client]) -> None:
    _live, _, sender, bystander = room
    reply = await sender.cmd("post_note", kind="wish", text="あ" * (limits.NOTE_MAX_CHARS + 9))
    assert reply["code"] == "note_too_long"
    assert str(limits.NOTE_MAX_CHARS) in reply["message"]
    assert reply["params"] == {"max": limits.NOTE_MAX_CHARS, "length": limits.NOTE_MAX_CHARS + 9}
    await bystander_still_works(bystander, sender)


async def test_editing_someone_elses_note_is_refused(
        room: tuple[LiveServer, str, Client, Client]) -> None:
    live, _, sender, bystander = room
    note_id = (await bystander.cmd("post_note", kind="wish", text="わたしの"))["result"]["note_id"]
    before = event_count(live)
    for name, args in (("edit_note", {"text": "いたずら"}), ("delete_note", {})):
        reply = await sender.cmd(name, note_id=note_id, **args)
        assert reply["code"] == "not_your_note"
    assert event_count(live) == before
    assert bystander.board.notes[note_id]["text"] == "わたしの"


async def test_unknown_workshop_is_refused_with_a_close_code(live: LiveServer) -> None:
    async with connect(f"ws://127.0.0.1:{live.port}/ws") as ws:
        await ws.send(json.dumps({"type": "hello", "workshop": "nosuch"}))
        error = json.loads(await ws.recv())
        assert error["code"] == "unknown_workshop"
        with pytest.raises(ConnectionClosed) as info:
            await ws.recv()
        assert info.value.rcvd is not None and info.value.rcvd.code == 4004


async def test_first_message_must_be_hello(live: LiveServer) -> None:
    code = live.new_workshop()
    async with connect(f"ws://127.0.0.1:{live.port}/ws") as ws:
        await ws.send(json.dumps({"type": "cmd", "id": "a", "name": "post_note", "args": {},
                                  "workshop": code}))
        assert json.loads(await ws.recv())["code"] == "hello_first"


async def test_missing_token_sees_public_board_and_cannot_post(live: LiveServer) -> None:
    code = live.new_workshop()
    c = await Client(live, code).connect()
    assert c.board.role == "projector"
    reply = await c.cmd("post_note", kind="wish", text="名無し")
    assert reply["code"] == "not_allowed"
    await c.close()


@pytest.mark.parametrize("token", ["p1.forged-signature", "p1", "p1.a.b", "", 12345])
async def test_forged_token_is_refused(live: LiveServer, token: object) -> None:
    code = live.new_workshop()
    real = await Client(live, code).connect()
    await real.join()
    before = event_count(live)
    forger = Client(live, code)
    errors: list[dict[str, object]] = []
    forger.token = token  # type: ignore[assignment]
    await forger.connect()
    errors = [m for m in forger.received if m["type"] == "error"]
    assert forger.board.role == "projector"
    if token:
        assert [e["code"] for e in errors] == ["bad_token"]
    assert (await forger.cmd("post_note", kind="wish", text="なりすまし"))["code"] == "not_allowed"
    assert event_count(live) == before
    await real.close()
    await forger.close()


async def test_token_from_another_workshop_is_refused(live: LiveServer) -> None:
    one, two = live.new_workshop("一"), live.new_workshop("二")
    a = await Client(live, one).connect()
    await a.join()
    stranger = Client(live, two, token=a.token)
    await stranger.connect()
    assert stranger.board.role == "projector"
    assert any(m.get("code") == "bad_token" for m in stranger.received)
    await a.close()
    await stranger.close()


async def test_wrong_facilitator_key_gets_no_powers(live: LiveServer) -> None:
    code = live.new_workshop()
    c = Client(live, code, key="guess")
    await c.connect()
    assert c.board.role == "projector"
    assert any(m.get("code") == "bad_key" for m in c.received)
    assert (await c.cmd("hide_note", note_id="n1"))["code"] == "not_allowed"
    await c.close()


async def test_foreign_origin_handshake_is_refused(live: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as info:
        async with connect(live.ws_url, additional_headers={"Origin": "http://evil.example"}):
            pass
    assert info.value.response.status_code == 403


async def test_same_origin_handshake_is_accepted(live: LiveServer) -> None:
    code = live.new_workshop()
    c = Client(live, code, origin=live.base)
    await c.connect()
    assert c.board.workshop["code"] == code
    await c.close()


async def test_a_flood_is_told_to_slow_down_not_disconnected(
        room: tuple[LiveServer, str, Client, Client], monkeypatch: pytest.MonkeyPatch) -> None:
    # No refill within the test (the sender's bucket is made at its first post, with this):
    # with a token back every 0.2 s, thirty posts one after another that took 70 ms each
    # (a slow disk's fsync under load) were all acknowledged and no slow_down came.
    monkeypatch.setattr(server_limits, "RATE_PER_SEC", 0.01)
    _live, _, sender, bystander = room
    replies = []
    for i in range(int(server_limits.RATE_BURST) + 1):
        replies.append(await sender.cmd("post_note", kind="wish", text=f"連投{i}"))
    # The burst is the sender's, then the next post is told to slow down (and the socket
    # is not read again until there is a token, so nothing more is sent here).
    assert [r["type"] for r in replies] == ["ack"] * int(server_limits.RATE_BURST) + ["error"]
    assert replies[-1]["code"] == "slow_down"
    await bystander_still_works(bystander, sender)


# --- text is checked where it enters (facilitation/text.py) ---------------------------------

@pytest.mark.parametrize("text, code", [
    ("\ud800", "bad_text"),  # valid JSON, no character; no UTF-8 writer can store it
    ("付箋\ufdd0", "bad_text"),  # a noncharacter
    ("a" + "\u0301" * 139, "bad_text"),  # one "character" of 140 code points
    ("\x00\x00", "empty_note"),  # control characters go, and nothing is left
    ("\u200b\u2060\ufeff \u3000", "empty_note"),  # nothing visible
    ("\u0301\u0302", "empty_note"),  # combining marks with nothing to sit on
])
async def test_text_that_is_not_text_is_refused_readably(
        room: tuple[LiveServer, str, Client, Client], text: str, code: str) -> None:
    live, _, sender, bystander = room
    before = event_count(live)
    reply = await sender.cmd("post_note", kind="wish", text=text)
    assert reply["type"] == "error" and reply["code"] == code
    assert reply["message"] and not reply["message"].startswith("error.")
    assert event_count(live) == before
    await bystander_still_works(bystander, sender)


async def test_a_notes_length_is_what_a_person_sees(
        room: tuple[LiveServer, str, Client, Client]) -> None:
    _live, _, sender, bystander = room
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"  # 7 code points
    reply = await sender.cmd("post_note", kind="wish", text=family * limits.NOTE_MAX_CHARS)
    assert reply["type"] == "ack"
    await bystander.wait_for(lambda b: reply["result"]["note_id"] in b.notes)
    flag = "\U0001F1EF\U0001F1F5"
    reply = await sender.cmd("post_note", kind="wish", text=flag * (limits.NOTE_MAX_CHARS + 1))
    assert reply["code"] == "note_too_long"
    assert reply["params"] == {"max": limits.NOTE_MAX_CHARS, "length": limits.NOTE_MAX_CHARS + 1}
    assert f"{limits.NOTE_MAX_CHARS + 1}文字" in reply["message"]


async def test_what_is_recorded_is_the_checked_text(
        room: tuple[LiveServer, str, Client, Client]) -> None:
    _live, _, sender, bystander = room
    reply = await sender.cmd("post_note", kind="wish", text="\u200b 雪\x00かき\r\nが大変\x1b ")
    assert reply["type"] == "ack"
    note_id = reply["result"]["note_id"]
    await bystander.wait_for(lambda b: note_id in b.notes)
    assert bystander.board.notes[note_id]["text"] == "雪かき\nが大変"
