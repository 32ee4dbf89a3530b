"""A restart serves a long workshop from its latest snapshot plus the events after it, and
falls back to the whole log when a snapshot cannot be used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support import Client, LiveServer
from yoriai.server import limits
from yoriai.server.context import DB_FILE


async def build(live: LiveServer, notes: int) -> tuple[str, dict[str, object]]:
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    proxy = (await fac.cmd("add_proxy", name="紙", attribute="住民"))["result"]["participant_id"]
    for i in range(notes):
        await fac.cmd_patiently("post_note", proxy_for=proxy, kind="wish", text=f"付箋{i}")
    await fac.cmd("set_step", step="companions")
    await fac.cmd("create_theme", title="輪", note_id="n3")
    screen = await Client(live, code).connect()
    view = screen.board.view.as_state()
    await fac.close()
    await screen.close()
    return code, view


def snapshot_rows(data: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(data / DB_FILE) as db:
        return db.execute("SELECT workshop, seq FROM snapshots").fetchall()


async def test_restart_from_a_snapshot_gives_the_same_board(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "SNAPSHOT_EVERY_EVENTS", 20)
    first = LiveServer(tmp_path / "data").start()
    code, before = await build(first, 45)
    first.stop()
    rows = snapshot_rows(tmp_path / "data")
    assert rows and rows[0][0] == code and rows[0][1] >= 40  # kept, and kept up to date

    again = LiveServer(tmp_path / "data").start()
    screen = await Client(again, code).connect()
    assert screen.board.view.as_state() == before
    phone = await Client(again, code).connect()
    await phone.join()
    room = again.ctx.hub.rooms[code]
    assert room.log[0].seq > 1  # the start came from the snapshot, not from event 1
    await screen.close()
    await phone.close()
    again.stop()


@pytest.mark.parametrize("damage", [
    "UPDATE snapshots SET state = '{not json'",
    "UPDATE snapshots SET state = '{\"version\": 999, \"state\": {}}'",
    "UPDATE snapshots SET seq = seq - 5",  # the log does not continue from it
])
async def test_a_snapshot_that_cannot_be_used_falls_back_to_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    monkeypatch.setattr(limits, "SNAPSHOT_EVERY_EVENTS", 20)
    first = LiveServer(tmp_path / "data").start()
    code, before = await build(first, 25)
    first.stop()
    with sqlite3.connect(tmp_path / "data" / DB_FILE) as db:
        db.execute(damage)
    again = LiveServer(tmp_path / "data").start()
    screen = await Client(again, code).connect()
    assert screen.board.view.as_state() == before
    await screen.close()
    again.stop()
