"""A bot in the room, over real WebSockets against a real uvicorn and a real SQLite file:
the facilitator removes it, every screen drops what it posted at once, its sockets stop
speaking for it, and no published export names it afterwards."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.exports.helpers import squash, text_of
from tests.support import HANG, Client, LiveServer
from yoriai.exports.archive import read_archive
from yoriai.exports.registry import EXPORTERS
from yoriai.server.context import DB_FILE

JA = json.loads((Path(__file__).resolve().parents[2] / "yoriai" / "client" / "i18n"
                 / "ja.json").read_text("utf-8"))

BOT = "ボット太郎"
SPAM = ("今すぐ登録！格安サービス", "当選しました！こちらへ")
NAMED = "公開田ひらく"  # a person who agreed to be named: the exports do name her


def stored(live: LiveServer, code: str) -> list[tuple[int, str]]:
    with sqlite3.connect(live.data_dir / DB_FILE) as db:
        return db.execute("SELECT seq, type FROM events WHERE workshop = ? ORDER BY seq",
                          (code,)).fetchall()


async def ok(client: Client, name: str, /, **args: Any) -> dict[str, Any]:
    reply = await client.cmd_patiently(name, **args)
    assert reply["type"] == "ack", (name, reply)
    result: dict[str, Any] = reply["result"]
    return result


class Room:
    """A console, a projector, two people and a bot that joined from the code on the
    projector, posted, gave 共感, volunteered, and holds two sockets."""

    async def open(self, live: LiveServer) -> Room:
        self.live = live
        self.code = code = live.new_workshop()
        self.console = await Client(live, code, key=live.key).connect()
        self.screen = await Client(live, code).connect()
        self.alice = await Client(live, code).connect()
        await self.alice.join(NAMED, show_name=True)
        self.bob = await Client(live, code).connect()
        await self.bob.join("馬場")
        self.bot = await Client(live, code).connect()
        await self.bot.join(BOT, show_name=True)  # it "agreed" to be named: a real test
        self.bot_id = str(self.bot.board.participant_id)
        self.spam = [(await ok(self.bot, "post_note", kind="wish", text=t))["note_id"]
                     for t in SPAM]
        self.mine = (await ok(self.alice, "post_note", kind="charm",
                              text="川沿いの桜並木"))["note_id"]
        await ok(self.console, "set_step", step="companions")
        await ok(self.bot, "cast_vote", note_id=self.mine)
        await ok(self.alice, "cast_vote", note_id=self.spam[0])
        theme = (await ok(self.console, "create_theme", title="桜の輪",
                          note_id=self.mine))["theme_id"]
        await ok(self.bot, "join_theme", theme_id=theme)
        await ok(self.alice, "join_theme", theme_id=theme)
        await ok(self.console, "set_step", step="practice")
        self.action = (await ok(self.console, "create_action", title="桜の手入れ",
                                theme_id=theme))["action_id"]
        await ok(self.bot, "volunteer", action_id=self.action)
        await ok(self.alice, "volunteer", action_id=self.action)
        await ok(self.console, "set_focus", kind="note", id=self.spam[1])
        # A second socket of the bot (same token): both must stop speaking for it.
        self.bot2 = await Client(live, code, token=self.bot.token).connect()
        assert self.bot2.board.participant_id == self.bot_id
        for c in self.everyone:
            await c.wait_for(lambda b: all(n in b.notes for n in self.spam))
        return self

    @property
    def everyone(self) -> list[Client]:
        return [self.console, self.screen, self.alice, self.bob]


async def test_a_bot_is_removed_and_every_screen_drops_what_it_posted(
        live: LiveServer) -> None:
    r = await Room().open(live)
    notices = [c.waiter(lambda m: m["type"] == "error" and m["code"] == "removed")
               for c in (r.bot, r.bot2)]
    result = await ok(r.console, "remove_participant", participant_id=r.bot_id)
    assert result == {}
    assert stored(live, r.code)[-1][1] == "ParticipantRemoved"

    for c in r.everyone:
        await c.wait_for(lambda b: not any(n in b.notes for n in r.spam))
        await c.wait_for(lambda b: b.participant_count == 2)
        await c.wait_for(lambda b: b.workshop.get("focus") is None)
        await c.wait_for(lambda b: b.items("actions")[r.action]["volunteers"] == [
            {"id": r.alice.board.participant_id, "name": NAMED}])
    await r.console.wait_for(lambda b: r.bot_id not in b.items("participants"))
    await r.console.wait_for(lambda b: r.mine not in b.tallies)  # the bot's 共感 went too
    # The 共感 alice gave the spam comes back to her.
    await r.alice.wait_for(lambda b: b.me is not None and b.me["votes_left"] == 3)
    assert r.mine in r.alice.board.notes and r.mine in r.screen.board.notes

    # Each of the bot's sockets is told, in words, and goes on as the public board.
    for notice, sock in zip(notices, (r.bot, r.bot2), strict=True):
        msg = await asyncio.wait_for(notice, HANG)
        assert msg["id"] is None and msg["message"] == JA["error.removed"]
        await sock.wait_for(lambda b: b.role == "projector" and b.participant_id is None)
        await sock.wait_for(lambda b: b.me is None and not any(n in b.notes for n in r.spam))

    # What every screen built from the removal is what a fresh connection is shown.
    fresh = {r.console: Client(live, r.code, key=live.key), r.screen: Client(live, r.code),
             r.alice: Client(live, r.code, token=r.alice.token),
             r.bob: Client(live, r.code, token=r.bob.token), r.bot: Client(live, r.code),
             r.bot2: Client(live, r.code)}
    for client, new in fresh.items():
        await new.connect()
        assert client.board.view.as_state() == new.board.view.as_state(), client.board


async def test_the_removed_bot_can_no_longer_act(live: LiveServer) -> None:
    r = await Room().open(live)
    await ok(r.console, "remove_participant", participant_id=r.bot_id)
    await r.bot.wait_for(lambda b: b.role == "projector")
    await r.bot2.wait_for(lambda b: b.role == "projector")
    before = stored(live, r.code)
    for sock in (r.bot, r.bot2):
        for name, args in [("post_note", {"kind": "wish", "text": "まだいるよ"}),
                           ("cast_vote", {"note_id": r.mine}),
                           ("volunteer", {"action_id": r.action}),
                           ("post_review", {"column": "keep", "text": "まだいるよ"}),
                           ("remove_participant",
                            {"participant_id": r.alice.board.participant_id})]:
            reply = await sock.cmd_patiently(name, **args)
            assert reply["type"] == "error" and reply["code"] == "not_allowed", (name, reply)
    assert stored(live, r.code) == before
    # Its old token names no one: a new socket with it sees the public board.
    again = await Client(live, r.code, token=r.bot.token).connect()
    assert again.board.role == "projector" and again.board.me is None
    assert any(m["type"] == "error" and m["code"] == "bad_token" for m in again.received)
    assert not any(n in again.board.notes for n in r.spam)


async def test_a_removed_person_may_join_again_as_someone_new(live: LiveServer) -> None:
    r = await Room().open(live)
    await ok(r.console, "remove_participant", participant_id=r.bot_id)
    await r.bot.wait_for(lambda b: b.role == "projector")
    await r.bot.join("間違えて外された人")
    assert r.bot.board.role == "participant"
    assert r.bot.board.participant_id not in (None, r.bot_id)
    me = r.bot.board.me
    assert me is not None and me["notes"] == [] and me["votes_left"] == 3
    await r.console.wait_for(lambda b: b.participant_count == 3)


async def test_only_the_facilitator_removes(live: LiveServer) -> None:
    r = await Room().open(live)
    await ok(r.console, "grant_cofacilitator", participant_id=r.alice.board.participant_id)
    await r.alice.wait_for(lambda b: b.role == "cofacilitator")
    before = stored(live, r.code)
    for client in (r.alice, r.bob, r.screen):
        reply = await client.cmd("remove_participant", participant_id=r.bot_id)
        assert reply["code"] == "not_allowed", reply
    for bad in ("p999", ["p1"], None, "x" * 5000):
        reply = await r.console.cmd("remove_participant", participant_id=bad)
        assert reply["code"] == "unknown_participant", reply
    assert stored(live, r.code) == before
    assert r.bot_id in r.console.board.items("participants")


async def test_the_facilitator_deletes_a_note_and_every_screen_drops_it(
        live: LiveServer) -> None:
    r = await Room().open(live)
    await ok(r.console, "set_step", step="confirm")  # where a participant deletes her own
    reply = await r.alice.cmd("delete_note", note_id=r.spam[0])
    assert reply["code"] == "not_your_note"
    await ok(r.console, "delete_note", note_id=r.spam[0])
    for c in (*r.everyone, r.bot):
        await c.wait_for(lambda b: r.spam[0] not in b.notes)
    await r.alice.wait_for(lambda b: b.me is not None and b.me["votes_left"] == 3)
    assert r.bot.board.me is not None and r.spam[0] not in r.bot.board.me["notes"]


# The PNG board picture has no text to search: it is drawn from the same data as the SVG,
# which is checked (as tests/exports/test_removal.py does).
@pytest.mark.parametrize("fmt", [f for f in EXPORTERS if f not in ("json", "png")])
async def test_no_export_after_removal_holds_the_bot(live: LiveServer, fmt: str,
                                                     tmp_path: Path) -> None:
    r = await Room().open(live)
    await ok(r.console, "remove_participant", participant_id=r.bot_id)

    def download() -> bytes:
        with httpx.Client(base_url=live.base, cookies={"yoriai_key": live.key},
                          timeout=60) as http:
            response = http.get(f"/w/{r.code}/export/{fmt}")
        assert response.status_code == 200
        return response.content

    words = text_of(fmt, await asyncio.to_thread(download), tmp_path)
    flat = squash(words)
    for gone in (BOT, *SPAM):
        assert gone not in words and squash(gone) not in flat, (fmt, gone)
    if fmt != "svg":  # the board's picture names no one at all
        assert NAMED in flat  # the same export does name who agreed and stayed


async def test_the_archive_keeps_the_history_and_imports_without_the_bot(
        live: LiveServer) -> None:
    """The archive is the event log itself (to carry the workshop to another laptop, not a
    publication): it keeps the bot's events, and the removal, so an import ends where the
    laptop is — without the bot."""
    r = await Room().open(live)
    await ok(r.console, "remove_participant", participant_id=r.bot_id)

    def download() -> bytes:
        with httpx.Client(base_url=live.base, cookies={"yoriai_key": live.key},
                          timeout=60) as http:
            return http.get(f"/w/{r.code}/export/json").content

    restored = read_archive(await asyncio.to_thread(download))
    assert r.bot_id not in restored.state.participants
    assert not any(n in restored.state.notes for n in r.spam)
    assert restored.events[-1].type == "ParticipantRemoved"
