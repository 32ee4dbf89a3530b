"""A write that fails part-way, with 20 phones posting at once, on the real server and a
real SQLite file: no hole in the log, every acknowledged post stored exactly once, the
failed commands' senders told ``server_error``, nobody disconnected, the room working on,
and the workshop loading after a restart.

Three ways to fail, all at the SQLite boundary: a trigger that aborts one marked insert, the
page limit of the server's own writer connection (``PRAGMA max_page_count``: SQLite's "disk
is full"), and a real nearly-full filesystem (a small tmpfs) where the test may mount one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from websockets.protocol import State

from tests.support import Client, LiveServer
from yoriai.server.context import DB_FILE

PHONES = 20
POSTS_EACH = 8
MARK = "<<書けない付箋>>"
T = TypeVar("T")


@dataclass
class Outcome:
    acked: dict[str, tuple[str, str]] = field(default_factory=dict)  # cid -> (actor, text)
    failed: dict[str, tuple[Client, str]] = field(default_factory=dict)  # cid -> last try
    server_errors: Counter[str] = field(default_factory=Counter)


async def send(phone: Client, cid: str, text: str, out: Outcome, tries: int) -> dict[str, Any]:
    """Post ``text`` with the id ``cid``, resending the same id after ``slow_down`` and,
    up to ``tries`` times, after ``server_error`` (the protocol says a retry may succeed)."""
    while True:
        reply = await phone.cmd("post_note", command_id=cid, kind="wish", text=text)
        if reply["type"] == "ack":
            out.acked[cid] = (f"p:{phone.board.participant_id}", text)
            out.failed.pop(cid, None)
            return reply
        if reply["code"] == "slow_down":
            await asyncio.sleep(0.25)
            continue
        assert reply["code"] == "server_error", reply
        assert reply["message"]  # readable, in the hello's language
        out.server_errors[cid] += 1
        out.failed[cid] = (phone, text)
        tries -= 1
        if tries <= 0:
            return reply


async def room_of(live: LiveServer, code: str) -> tuple[Client, Client, list[Client]]:
    console = await Client(live, code, key=live.key).connect()
    screen = await Client(live, code).connect()
    phones = [await Client(live, code).connect() for _ in range(PHONES)]
    for i, phone in enumerate(phones):
        await phone.join(f"人{i}")
    return console, screen, phones


async def post_all(phones: list[Client], out: Outcome, text_of: Callable[[int, int], str],
                   tries: int) -> None:
    async def one(i: int, phone: Client) -> None:
        for j in range(POSTS_EACH):
            await send(phone, f"w-{i}-{j}", text_of(i, j), out, tries)

    await asyncio.gather(*(one(i, p) for i, p in enumerate(phones)))


def stored(data: Path, code: str) -> tuple[list[int], Counter[tuple[str, str]], list[str]]:
    """The workshop's seqs, its command ids (counted) and its notes' texts, as stored."""
    with sqlite3.connect(data / DB_FILE) as db:
        seqs = [s for (s,) in db.execute(
            "SELECT seq FROM events WHERE workshop = ? ORDER BY seq", (code,))]
        ids = Counter(db.execute("SELECT actor, command_id FROM commands WHERE workshop = ?",
                                 (code,)).fetchall())
        texts = [t for (t,) in db.execute(
            "SELECT json_extract(data, '$.text') FROM events "
            "WHERE workshop = ? AND type = 'NotePosted'", (code,))]
    return seqs, ids, texts


def assert_whole(data: Path, code: str, out: Outcome) -> list[int]:
    seqs, ids, texts = stored(data, code)
    assert seqs == list(range(1, len(seqs) + 1)), "the log has a hole"
    for cid, (actor, _) in out.acked.items():
        assert ids[(actor, cid)] == 1, (actor, cid)  # every acknowledged id, exactly once
    assert Counter(texts) == Counter(t for _, t in out.acked.values())  # nothing else stored
    return seqs


async def assert_everyone_connected_and_current(clients: list[Client], last_seq: int,
                                                texts: set[str]) -> None:
    for c in clients:
        assert c.ws is not None and c.ws.state is State.OPEN, "a socket was closed"
        await c.wait_for(lambda b: b.seq >= last_seq)
        assert {n["text"] for n in c.board.notes.values()} == texts, "a board differs"
    assert not [m for c in clients for m in c.received
                if m["type"] == "error" and m.get("id") is None]


async def test_a_marked_insert_that_fails_leaves_no_hole(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data").start()
    code = live.new_workshop()
    console, screen, phones = await room_of(live, code)
    with sqlite3.connect(live.data_dir / DB_FILE) as db:  # beside the running server
        db.execute("CREATE TRIGGER fail_marked BEFORE INSERT ON events WHEN NEW.data LIKE "
                   f"'%{MARK}%' BEGIN SELECT RAISE(ABORT, 'injected'); END")
    marked = "w-7-3"
    out = Outcome()
    await post_all(phones, out, lambda i, j: MARK if f"w-{i}-{j}" == marked else f"付箋-{i}-{j}",
                   tries=3)

    # Only the marked post failed for good, and its sender was told each time; any other
    # post caught in its failed tail was told too, and went through when sent again.
    assert set(out.failed) == {marked} and out.server_errors[marked] == 3
    assert len(out.acked) == PHONES * POSTS_EACH - 1
    seqs = assert_whole(live.data_dir, code, out)
    texts = {t for _, t in out.acked.values()}
    await assert_everyone_connected_and_current([console, screen, *phones], seqs[-1], texts)

    # The epoch stays (no one was shown a failed event): a phone that comes back resumes by
    # events, without a snapshot.
    epoch, seen = phones[0].board.epoch, len(phones[0].received)
    await phones[0].close()
    await phones[0].connect(resume=True)
    back = [m["type"] for m in phones[0].received[seen:]]
    assert "synced" in back and "snapshot" not in back and phones[0].board.epoch == epoch

    # Not remembered as a refusal: once the store can take it, the same id succeeds.
    with sqlite3.connect(live.data_dir / DB_FILE) as db:
        db.execute("DROP TRIGGER fail_marked")
    reply = await send(phones[7], marked, MARK, out, tries=1)
    assert reply["type"] == "ack"
    for i, phone in enumerate(phones):  # and the room goes on
        assert (await send(phone, f"after-{i}", f"あとで-{i}", out, tries=1))["type"] == "ack"
    seqs = assert_whole(live.data_dir, code, out)
    live.stop()

    again = LiveServer(tmp_path / "data").start()
    try:
        fresh = await Client(again, code).connect()
        assert fresh.board.seq == seqs[-1]
        assert {n["text"] for n in fresh.board.notes.values()} == {
            t for _, t in out.acked.values()}
    finally:
        again.stop()


async def full_disk_evening(live: LiveServer, code: str, fill: Callable[[], Awaitable[None]],
                            free: Callable[[], Awaitable[None]]) -> None:
    """Phones post while the disk is full, then after it has room again."""
    console, screen, phones = await room_of(live, code)
    await fill()
    out = Outcome()
    await post_all(phones, out, lambda i, j: f"満杯-{i}-{j}", tries=2)
    assert out.server_errors, "the disk never filled up: the test tested nothing"
    seqs = assert_whole(live.data_dir, code, out)
    await assert_everyone_connected_and_current(
        [console, screen, *phones], seqs[-1], {t for _, t in out.acked.values()})

    await free()
    for cid, (phone, text) in list(out.failed.items()):  # the same ids, sent again
        assert (await send(phone, cid, text, out, tries=1))["type"] == "ack"
    assert not out.failed and len(out.acked) == PHONES * POSTS_EACH
    seqs = assert_whole(live.data_dir, code, out)
    await assert_everyone_connected_and_current(
        [console, screen, *phones], seqs[-1], {t for _, t in out.acked.values()})
    live.stop()

    again = LiveServer(live.data_dir).start()
    try:
        fresh = await Client(again, code).connect()
        assert {n["text"] for n in fresh.board.notes.values()} == {
            t for _, t in out.acked.values()}
    finally:
        again.stop()


async def test_the_page_limit_of_the_writer_is_a_full_disk(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data").start()
    code = live.new_workshop()

    async def fill() -> None:
        def limit(db: sqlite3.Connection) -> None:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages + 1}")
        await live.in_writer(limit)

    async def free() -> None:
        await live.in_writer(lambda db: db.execute("PRAGMA max_page_count = 1073741823"))

    await full_disk_evening(live, code, fill, free)


@contextlib.contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                           str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'}); "
                    "the same path is tested with SQLite's page limit")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


async def test_a_real_nearly_full_disk(tmp_path: Path) -> None:
    # Room for the WAL to grow to its checkpoint size (1,000 pages, 4 MB) once freed.
    with small_disk(tmp_path / "disk", 8192) as disk:
        live = LiveServer(disk / "data").start()
        code = live.new_workshop()
        filler = disk / "filler"

        async def fill() -> None:
            # Everything the disk has but a few pages: the WAL soon cannot grow.
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
            try:
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, b"\0" * 4096)
                os.ftruncate(fd, os.fstat(fd).st_size - 6 * 4096)
            finally:
                os.close(fd)

        async def free() -> None:
            filler.unlink()

        try:
            await full_disk_evening(live, code, fill, free)
        finally:
            live.stop()
