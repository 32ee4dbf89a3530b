"""「まとめ方の提案」 live: the facilitator's console asks over its WebSocket and gets grouping
suggestions for the unsorted notes, worked out in another process; phones and the projector
never get one. Real uvicorn, real SQLite, real sockets, the real worker process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import HANG, Client, LiveServer

from .suggest_room import note_texts, store_room
from .test_cli_suggest import SEPARABLE, TOPICS


def is_suggestions(msg: dict[str, Any]) -> bool:
    return bool(msg["type"] == "suggestions")


async def fresh(console: Client, after: int) -> dict[str, Any]:
    """The first suggestions the console gets for the room as of a seq past ``after``."""
    while True:
        got = next((m for m in console.received if is_suggestions(m) and m["seq"] > after), None)
        if got is not None:
            return got
        await asyncio.wait_for(console.waiter(is_suggestions), HANG)


async def test_only_the_console_gets_suggestions_and_they_follow_the_notes(
        live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    phone = await Client(live, code).connect()
    screen = await Client(live, code).connect()
    await phone.join("佐藤")
    ids: dict[str, str] = {}
    for text in SEPARABLE:
        reply = await phone.cmd_patiently("post_note", kind="issue", text=text)
        assert reply["type"] == "ack", reply
        ids[reply["result"]["note_id"]] = text
    topic = {nid: TOPICS[SEPARABLE.index(text)] for nid, text in ids.items()}

    # A phone and the projector asking are refused, and never sent any.
    for other in (phone, screen):
        refused = other.waiter(lambda m: m["type"] == "error")
        await other.send({"type": "suggest", "table": None})
        assert (await asyncio.wait_for(refused, HANG))["code"] == "not_allowed"
    refused = console.waiter(lambda m: m["type"] == "error")
    await console.send({"type": "suggest", "table": "k9"})
    assert (await asyncio.wait_for(refused, HANG))["code"] == "unknown_table"

    await console.send({"type": "suggest", "table": None})
    first = await fresh(console, 0)
    assert first["table"] is None and first["seq"] == console.board.seq
    groups = first["groups"]
    # Clearly separable: each topic comes back whole, as one group, and nothing is mixed.
    by_topic: dict[int, set[str]] = {}
    for nid, t in topic.items():
        by_topic.setdefault(t, set()).add(nid)
    assert sorted(map(sorted, (set(g["note_ids"]) for g in groups))) == sorted(
        map(sorted, by_topic.values()))
    assert all(g["title"] for g in groups)

    # A new note: fresh suggestions follow, with it among the unsorted notes considered.
    reply = await phone.cmd_patiently("post_note", kind="issue", text="雪かきの手が足りない")
    second = await fresh(console, first["seq"])
    assert second["seq"] >= reply["seq"]

    # Accepted in one command: the group's notes make a theme and leave the suggestions.
    taken = groups[0]["note_ids"]
    made = await console.cmd("create_theme", title=groups[0]["title"], note_ids=taken)
    assert made["type"] == "ack", made
    theme = made["result"]["theme_id"]
    await screen.wait_for(lambda b: theme in b.items("themes") and sorted(
        n["id"] for n in b.notes.values() if n["theme"] == theme) == sorted(taken))
    third = await fresh(console, made["seq"] - 1)
    assert not {n for g in third["groups"] for n in g["note_ids"]} & set(taken)

    # Asking to stop: another change brings no more.
    await console.send({"type": "suggest", "stop": True})
    count = sum(map(is_suggestions, console.received))
    await phone.cmd_patiently("post_note", kind="issue", text="除雪車が来ない")
    ping = console.waiter(lambda m: m["type"] == "pong")
    await console.send({"type": "ping"})
    await asyncio.wait_for(ping, HANG)
    await console.wait_for(lambda b: b.seq >= reply["seq"] + 1)
    assert sum(map(is_suggestions, console.received)) == count
    assert not any(map(is_suggestions, phone.received + screen.received))


async def test_a_table_open_on_the_console_gets_that_tables_notes_only(live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    phones = [await Client(live, code).connect() for _ in range(2)]
    for i, phone in enumerate(phones):
        await phone.join(f"人{i}")
    assert (await console.cmd("make_tables", count=2, by="hand"))["type"] == "ack"
    for phone, table in zip(phones, ("k1", "k2"), strict=True):
        me = phone.board.me
        assert me is not None
        seated = await console.cmd("seat", participant_id=me["id"], table_id=table)
        assert seated["type"] == "ack", seated
    at: dict[str, set[str]] = {"k1": set(), "k2": set()}
    for phone, table in zip(phones, ("k1", "k2"), strict=True):
        for text in SEPARABLE:  # the same topics at both tables
            reply = await phone.cmd_patiently("post_note", kind="issue", text=text)
            at[table].add(reply["result"]["note_id"])
    await console.send({"type": "suggest", "table": "k1"})
    got = await fresh(console, 0)
    assert got["table"] == "k1" and got["groups"]
    assert {n for g in got["groups"] for n in g["note_ids"]} <= at["k1"]
    whole = console.waiter(lambda m: is_suggestions(m) and m["table"] is None)
    await console.send({"type": "suggest", "table": None})  # the room's again: both tables'
    room = await asyncio.wait_for(whole, HANG)
    assert {n for g in room["groups"] for n in g["note_ids"]} & at["k2"]


@pytest.fixture
def thousand(tmp_path: Path) -> Iterator[tuple[LiveServer, str]]:
    data = tmp_path / "data"
    data.mkdir()
    code = store_room(data, note_texts(1000))
    server = LiveServer(data).start()
    yield server, code
    server.stop()


async def test_the_room_keeps_getting_acks_while_1000_notes_are_grouped(
        thousand: tuple[LiveServer, str]) -> None:
    live, code = thousand
    console = await Client(live, code, key=live.key).connect()
    phone = await Client(live, code).connect()
    await phone.join("遅れてきた人")
    acks: list[dict[str, Any]] = []
    asked = console.waiter(is_suggestions)

    async def keep_posting() -> None:
        i = 0
        while not asked.done():
            reply = await phone.cmd_patiently("post_note", kind="wish", text=f"ベンチがほしい{i}")
            assert reply["type"] == "ack", reply
            acks.append(reply)
            i += 1

    posting = asyncio.create_task(keep_posting())
    await console.send({"type": "suggest", "table": None})
    got = await asyncio.wait_for(asked, HANG)
    await posting
    # ``got`` was worked out from the room as of got["seq"]; the phone's posts that came
    # after that seq reached this console BEFORE the answer did: they were decided, stored
    # and broadcast (and acked) while the worker was busy. Were the grouping done on the
    # event loop, not one could come between.
    before = console.received[:console.received.index(got)]
    during = [m for m in before if m["type"] == "event" and m["seq"] > got["seq"]]
    assert during, "no command was carried out while the suggestions were worked out"
    assert {m["seq"] for m in during} <= {a["seq"] for a in acks}
    assert len(got["groups"]) >= 3


async def test_a_tsumugist_gets_them_until_the_role_is_taken_back(live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    helper = await Client(live, code).connect()
    await helper.join("つむぎ")
    me = helper.board.me
    assert me is not None
    for text in SEPARABLE:
        await helper.cmd_patiently("post_note", kind="issue", text=text)
    welcomed = helper.waiter(lambda m: m["type"] == "welcome" and m["role"] == "cofacilitator")
    assert (await console.cmd("grant_cofacilitator", participant_id=me["id"]))["type"] == "ack"
    await asyncio.wait_for(welcomed, HANG)
    await helper.send({"type": "suggest", "table": None})
    first = await fresh(helper, 0)
    assert first["groups"]
    # Taken back: the same socket, a participant again, gets no more (asking is refused).
    back = helper.waiter(lambda m: m["type"] == "welcome" and m["role"] == "participant")
    revoked = await console.cmd("revoke_cofacilitator", participant_id=me["id"])
    assert revoked["type"] == "ack"
    await asyncio.wait_for(back, HANG)
    count = sum(map(is_suggestions, helper.received))
    # The console asks too, so a change is worked out and sent: to the console only.
    await console.send({"type": "suggest", "table": None})
    await fresh(console, 0)
    reply = await helper.cmd_patiently("post_note", kind="issue", text="雪かきの人手")
    await fresh(console, reply["seq"] - 1)
    assert sum(map(is_suggestions, helper.received)) == count
    refused = helper.waiter(lambda m: m["type"] == "error")
    await helper.send({"type": "suggest", "table": None})
    assert (await asyncio.wait_for(refused, HANG))["code"] == "not_allowed"
