"""The live board over real WebSockets against a real uvicorn and a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3

from tests.support import Client, LiveServer
from yoriai.server.context import DB_FILE


def stored_events(live: LiveServer, code: str) -> list[tuple[int, str]]:
    with sqlite3.connect(live.data_dir / DB_FILE) as db:
        return db.execute("SELECT seq, type FROM events WHERE workshop = ? ORDER BY seq",
                          (code,)).fetchall()


async def test_two_phones_and_a_projector_see_each_others_notes(live: LiveServer) -> None:
    code = live.new_workshop()
    a = await Client(live, code).connect()
    b = await Client(live, code).connect()
    screen = await Client(live, code).connect()
    await a.join("佐藤")
    await b.join("鈴木")
    reply_a = await a.cmd("post_note", kind="charm", text="川沿いの桜並木")
    reply_b = await b.cmd("post_note", kind="issue", text="空き家が増えた")
    assert reply_a["type"] == reply_b["type"] == "ack"
    texts = {"川沿いの桜並木", "空き家が増えた"}
    for client in (a, b, screen):
        await client.wait_for(lambda board: {n["text"] for n in board.notes.values()} == texts)
    assert screen.board.participant_count == 2
    mine = {n["text"]: a.board.mine(n["id"]) for n in a.board.notes.values()}
    assert mine == {"川沿いの桜並木": True, "空き家が増えた": False}
    for c in (a, b, screen):
        await c.close()


async def test_edit_delete_and_hide_reach_every_screen(live: LiveServer) -> None:
    code = live.new_workshop()
    a = await Client(live, code).connect()
    other = await Client(live, code).connect()
    console = await Client(live, code, key=live.key).connect()
    screen = await Client(live, code).connect()
    await a.join()
    await other.join("鈴木")
    note_id = (await a.cmd("post_note", kind="wish", text="公園がほしい"))["result"]["note_id"]
    assert (await a.cmd("edit_note", note_id=note_id, text="広い公園がほしい"))["type"] == "ack"
    await screen.wait_for(lambda b: b.notes.get(note_id, {}).get("text") == "広い公園がほしい")

    assert (await console.cmd("hide_note", note_id=note_id))["type"] == "ack"
    await screen.wait_for(lambda b: note_id not in b.notes)
    await other.wait_for(lambda b: note_id not in b.notes)
    await a.wait_for(lambda b: b.notes[note_id]["hidden"] is True)  # the author is told
    await console.wait_for(lambda b: b.notes[note_id]["hidden"] is True)

    assert (await console.cmd("unhide_note", note_id=note_id))["type"] == "ack"
    await screen.wait_for(lambda b: b.notes.get(note_id, {}).get("text") == "広い公園がほしい")

    assert (await a.cmd("delete_note", note_id=note_id))["type"] == "ack"
    for c in (a, other, console, screen):
        await c.wait_for(lambda b: note_id not in b.notes)
        await c.close()


async def test_resumed_client_matches_a_fresh_one(live: LiveServer) -> None:
    code = live.new_workshop()
    poster = await Client(live, code).connect()
    await poster.join("佐藤")
    sleeper = await Client(live, code).connect()
    await sleeper.join("鈴木")
    kept = (await sleeper.cmd("post_note", kind="charm", text="わたしの付箋"))["result"]
    await sleeper.wait_for(lambda b: kept["note_id"] in b.notes)
    await sleeper.close()  # the phone goes to sleep

    console = await Client(live, code, key=live.key).connect()
    ids = []
    for i in range(5):
        ids.append((await poster.cmd("post_note", kind="wish", text=f"留守中の付箋{i}"))
                   ["result"]["note_id"])
    await poster.cmd("edit_note", note_id=ids[0], text="直した付箋")
    await poster.cmd("delete_note", note_id=ids[1])
    await console.cmd("hide_note", note_id=ids[2])

    resumed_from = sleeper.board.seq
    await sleeper.connect(resume=True)
    assert sleeper.received[-1]["type"] == "synced"  # got the events, not a snapshot
    missed = [m for m in sleeper.received if m["type"] == "event" and m["seq"] > resumed_from]
    assert missed and all(m["seq"] > resumed_from for m in missed)

    fresh = await Client(live, code, token=sleeper.token).connect()
    assert sleeper.board.notes == fresh.board.notes
    assert sleeper.board.participant_count == fresh.board.participant_count
    assert ids[2] not in sleeper.board.notes  # hidden while away: never sent
    for c in (poster, sleeper, console, fresh):
        await c.close()


async def test_resume_with_an_unknown_epoch_gets_a_snapshot(live: LiveServer) -> None:
    code = live.new_workshop()
    c = await Client(live, code).connect()
    await c.join()
    await c.close()
    c.board.epoch = "not-this-one"
    await c.connect(resume=True)
    assert c.received[-1]["type"] == "snapshot"
    await c.close()


async def test_retried_command_is_applied_once(live: LiveServer) -> None:
    code = live.new_workshop()
    a = await Client(live, code).connect()
    await a.join()
    first = await a.cmd("post_note", command_id="retry-me-1", kind="wish", text="一度だけ")
    await a.close()
    await a.connect(resume=True)  # as after a dropped connection
    again = await a.cmd("post_note", command_id="retry-me-1", kind="wish", text="一度だけ")
    assert again["type"] == "ack"
    assert again["result"] == first["result"] and again["seq"] == first["seq"]
    assert [n["text"] for n in a.board.notes.values()] == ["一度だけ"]
    assert [t for _, t in stored_events(live, code)].count("NotePosted") == 1
    await a.close()


async def test_retried_join_returns_the_same_participant(live: LiveServer) -> None:
    code = live.new_workshop()
    a = await Client(live, code).connect()
    first = await a.cmd("join", command_id="join-5f0e0c7d9b2a41e6", name="佐藤", attribute="住民")
    b = await Client(live, code).connect()  # the phone lost the ack and starts over
    again = await b.cmd("join", command_id="join-5f0e0c7d9b2a41e6", name="佐藤", attribute="住民")
    assert again["result"] == first["result"]
    assert [t for _, t in stored_events(live, code)].count("ParticipantJoined") == 1
    # A short id could be chosen by two phones, and the second would become the first.
    short = await Client(live, code).connect()
    assert (await short.cmd("join", command_id="join", name="x", attribute="住民")
            )["code"] == "bad_command_id"
    await a.close()
    await b.close()


async def test_concurrent_posts_get_gap_free_seqs(live: LiveServer) -> None:
    code = live.new_workshop()
    phones = [await Client(live, code).connect() for _ in range(6)]
    for i, p in enumerate(phones):
        await p.join(f"人{i}")
    replies = await asyncio.gather(*[
        p.cmd("post_note", kind="wish", text=f"{i}-{j}") for i, p in enumerate(phones)
        for j in range(5)])
    assert all(r["type"] == "ack" for r in replies)
    seqs = [s for s, _ in stored_events(live, code)]
    assert seqs == list(range(1, len(seqs) + 1))
    for p in phones:
        await p.wait_for(lambda b: len(b.notes) == 30)
        await p.close()


async def test_a_workshop_created_while_serving_is_served_at_once(live: LiveServer) -> None:
    first = live.new_workshop("一つ目")
    c = await Client(live, first).connect()
    second = live.new_workshop("二つ目")  # as `yoriai new` does, beside the running server
    d = await Client(live, second).connect()
    assert d.board.workshop["title"] == "二つ目"
    await c.close()
    await d.close()


async def test_one_workshops_notes_never_reach_another(live: LiveServer) -> None:
    one, two = live.new_workshop("一"), live.new_workshop("二")
    a = await Client(live, one).connect()
    b = await Client(live, two).connect()
    await a.join()
    await a.cmd("post_note", kind="wish", text="一のひみつ")
    # The note was broadcast before its ack reached a, and a socket's messages keep their
    # order: had any of it been meant for b, it would be in b's outbox ahead of this ack.
    await b.cmd("join", name="x", attribute="住民")
    assert not any("一のひみつ" in str(m) for m in b.received)
    await a.close()
    await b.close()


async def test_queued_commands_resent_after_a_drop_arrive_once(live: LiveServer) -> None:
    """A phone sends while its link is failing: it cannot know which sends arrived, so it
    keeps them all and sends them again, same ids, after reconnecting."""
    code = live.new_workshop()
    phone = await Client(live, code).connect()
    await phone.join()
    other = await Client(live, code).connect()
    await other.join("となり")
    queue = [(f"q-{i}", f"電車の中で書いた付箋{i}") for i in range(5)]
    for cid, text in queue:
        await phone.send({"type": "cmd", "id": cid, "name": "post_note",
                          "args": {"kind": "wish", "text": text}})
    assert phone.ws is not None
    await phone.ws.close()  # the link drops mid-stream: some acks never arrive
    await other.cmd("post_note", kind="charm", text="その間に別の人が")

    await phone.connect(resume=True)
    replies = [await phone.cmd("post_note", command_id=cid, kind="wish", text=text)
               for cid, text in queue]
    assert all(r["type"] == "ack" for r in replies)
    texts = sorted(n["text"] for n in phone.board.notes.values())
    assert texts == sorted([t for _, t in queue] + ["その間に別の人が"])
    fresh = await Client(live, code, token=phone.token).connect()
    assert phone.board.view.as_state() == fresh.board.view.as_state()
