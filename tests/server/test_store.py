"""The event store on a real SQLite file: one transaction per batch, a failed append poisons
its workshop until recovered (so no later seq can commit after it), snapshots and summaries
through the same writer, the summary table migrated into an older data file, read-only use.

Failures are injected at the SQLite boundary: a trigger that aborts the insert of an event
whose data carries a marker (as a full disk or an I/O error would abort it)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest

from tests.support import HANG
from yoriai.facilitation.model import PROJECTOR, Event
from yoriai.server import store as store_module
from yoriai.server.hub import Hub
from yoriai.server.store import (
    EventStore,
    WorkshopExists,
    WorkshopPoisoned,
    WorkshopSummary,
)

MARK = "<<fail-here>>"
TRIGGER = (f"CREATE TRIGGER fail_marked BEFORE INSERT ON events WHEN NEW.data LIKE '%{MARK}%' "
           "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")


def raw(seq: int, text: str = "x") -> Event:
    """An event as the store sees it (the store does not replay what it appends)."""
    return Event(seq=seq, type="NotePosted", data={"text": text}, at=time.time(), actor="t")


def seqs(path: Path, code: str) -> list[int]:
    with sqlite3.connect(path) as db:
        return [s for (s,) in db.execute(
            "SELECT seq FROM events WHERE workshop = ? ORDER BY seq", (code,))]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EventStore]:
    s = EventStore(tmp_path / "y.sqlite3")
    await s.open()
    with sqlite3.connect(s.path) as db:
        db.execute(TRIGGER)
    yield s
    await s.close()


async def two_workshops(store: EventStore) -> tuple[str, str]:
    hub = Hub(store, time.time)
    return (await hub.create_workshop("W", "西部", code="wwwwww"),
            await hub.create_workshop("V", "東部", code="vvvvvv"))


async def outcomes(*work: Awaitable[None]) -> list[BaseException | None]:
    """Run appends queued together (one batch) and return each one's fate."""
    results = await asyncio.gather(*work, return_exceptions=True)
    return [r if isinstance(r, BaseException) else None for r in results]


async def test_a_failed_append_fails_every_later_one_of_its_workshop_only(
        store: EventStore) -> None:
    w, v = await two_workshops(store)
    fates = await outcomes(
        store.append(w, [raw(2)]),
        store.append(w, [raw(3, MARK)]),
        store.append(v, [raw(2)]),
        store.append(w, [raw(4)]),  # decided on top of the failed one: must not commit
        store.append(v, [raw(3)]),
    )
    assert fates[0] is None and fates[2] is None and fates[4] is None
    assert isinstance(fates[1], sqlite3.IntegrityError) and "injected" in str(fates[1])
    assert isinstance(fates[3], WorkshopPoisoned)
    assert seqs(store.path, w) == [1, 2]  # no hole: 4 was never written
    assert seqs(store.path, v) == [1, 2, 3]  # the other workshop is untouched

    # Still poisoned: anything more of W is refused unwritten, until recovered.
    with pytest.raises(WorkshopPoisoned):
        await store.append(w, [raw(5)])
    latest = await store.recover(w)
    assert [e.seq for e in latest.events] == [1, 2]
    await store.append(w, [raw(3, "again")])
    assert seqs(store.path, w) == [1, 2, 3]


async def test_a_batch_is_one_transaction(store: EventStore) -> None:
    w, v = await two_workshops(store)
    statements: list[str] = []
    await store.in_writer(lambda db: db.set_trace_callback(statements.append))
    fates = await outcomes(*[store.append(w if i % 2 else v, [raw(2 + i // 2)])
                             for i in range(20)])
    await store.in_writer(lambda db: db.set_trace_callback(None))
    assert fates == [None] * 20
    assert [s for s in statements if s.startswith(("BEGIN", "COMMIT"))] == [
        "BEGIN IMMEDIATE", "COMMIT"]
    assert seqs(store.path, w) == list(range(1, 12))
    assert seqs(store.path, v) == list(range(1, 12))
    # The hub reads how many appends the commit held (a fan-out alone is written at once).
    assert store.last_batch == 20
    await store.append(w, [raw(12)])
    assert store.last_batch == 1


async def test_the_writing_connections_keep_a_small_page_cache(store: EventStore) -> None:
    """They append and checkpoint, and read next to nothing back: SQLite's default cache
    (2 MiB each, filled by the room's snapshots as they are written) was memory for nothing
    (bench/README.md, session 7)."""
    size = await store.in_writer(lambda db: db.execute("PRAGMA cache_size").fetchone()[0])
    assert size == -store_module.WRITE_CACHE_KIB
    checkpointer = store._checkpointer
    assert checkpointer is not None
    assert checkpointer.execute("PRAGMA cache_size").fetchone()[0] == -store_module.WRITE_CACHE_KIB


async def test_a_snapshot_is_reported_saved_only_when_it_is_stored(store: EventStore) -> None:
    w, v = await two_workshops(store)
    fates = await outcomes(
        store.append(w, [raw(2, MARK)]),
        store.save_snapshot(v, 1, '{"v": 1}'),
        store.save_snapshot(w, 1, '{"w": 1}'),  # its workshop failed just before
    )
    assert isinstance(fates[0], sqlite3.IntegrityError)
    with sqlite3.connect(store.path) as db:
        stored = dict(db.execute("SELECT workshop, state FROM snapshots").fetchall())
    # Whatever was reported saved is there, whatever failed is not, even though all three
    # went into one failing batch.
    assert fates[1] is None and stored.get(v) == '{"v": 1}'
    assert isinstance(fates[2], WorkshopPoisoned) and w not in stored


async def test_an_unencodable_event_fails_alone(store: EventStore) -> None:
    """Whatever the domain lets through, the writer stores it whole or not at all: a lone
    surrogate cannot be written as UTF-8."""
    w, v = await two_workshops(store)
    fates = await outcomes(store.append(w, [raw(2, "\ud800")]), store.append(v, [raw(2)]))
    assert isinstance(fates[0], UnicodeEncodeError) and fates[1] is None
    assert seqs(store.path, w) == [1] and seqs(store.path, v) == [1, 2]


async def test_the_summary_is_written_with_the_events(store: EventStore) -> None:
    w, _ = await two_workshops(store)
    listed = {s.code: s for s in await store.workshops()}
    assert set(listed) == {"wwwwww", "vvvvvv"}
    summary = listed[w]
    newer = WorkshopSummary(w, "新しい名前", "西部", "2026-12-01", "companions", 2,
                            summary.created_at, 2, time.time() + 10)
    await store.append(w, [raw(2)], summary=newer)
    failed = WorkshopSummary(w, "失敗", "西部", "2026-12-02", "future", 3,
                             summary.created_at, 3, time.time() + 20)
    with pytest.raises(sqlite3.IntegrityError):
        await store.append(w, [raw(3, MARK)], summary=failed)
    top = (await store.workshops())[0]
    assert top == newer  # the failed append's summary went with its events: nowhere
    assert await store.count_workshops() == 2


async def test_an_older_data_file_gets_its_summary_table(tmp_path: Path) -> None:
    path = tmp_path / "y.sqlite3"
    store = EventStore(path)
    await store.open()
    hub = Hub(store, time.time)
    code = await hub.create_workshop("古いワークショップ", "雄和", date="2025-04-01")
    room = await hub.room(code)
    assert room is not None
    from yoriai.facilitation.model import FACILITATOR
    await hub.submit(room, FACILITATOR, "s1", "set_step", {"step": "activity"})
    [live] = await store.workshops()  # the submit wrote the new step with its event
    assert (live.step, live.last_seq) == ("activity", 2)
    await store.close()
    with sqlite3.connect(path) as db:  # as a data file from before the summary table
        db.execute("DROP TABLE workshops")
        db.execute("PRAGMA user_version = 0")

    store = EventStore(path)
    await store.open()
    try:
        [summary] = await store.workshops()
    finally:
        await store.close()
    assert (summary.code, summary.title, summary.center, summary.date, summary.step,
            summary.meetings, summary.last_seq) == (code, "古いワークショップ", "雄和",
                                                    "2025-04-01", "activity", 1, 2)


async def test_an_import_that_collides_leaves_the_code_writable(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "y.sqlite3")
    await store.open()
    try:
        code = await Hub(store, time.time).create_workshop("W", "", code="wwwwww")
        events, _ = await store.load(code)
        with pytest.raises(WorkshopExists):
            await store.import_workshop(code, events)
        await store.append(code, [raw(2)])  # not poisoned by the refused import
        assert seqs(store.path, code) == [1, 2]
    finally:
        await store.close()


async def test_read_only_opening_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "y.sqlite3"
    store = EventStore(path)
    await store.open()
    code = await Hub(store, time.time).create_workshop("W", "")
    await store.close()
    before = path.read_bytes()
    reader = EventStore(path, readonly=True)
    await reader.open()
    try:
        events, _ = await reader.load(code)
        assert [e.type for e in events] == ["WorkshopCreated"]
        with pytest.raises(RuntimeError):
            await reader.append(code, [raw(2)])
    finally:
        await reader.close()
    assert path.read_bytes() == before


async def test_the_writer_finishes_what_is_queued_before_closing(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "y.sqlite3")
    await store.open()
    code = await Hub(store, time.time).create_workshop("W", "")
    pending = [asyncio.ensure_future(store.append(code, [raw(n)])) for n in range(2, 12)]
    await asyncio.sleep(0)  # queued
    await store.close()
    assert all(p.done() and p.exception() is None for p in pending)
    assert seqs(store.path, code) == list(range(1, 12))
    data = [json.loads(d) for (d,) in sqlite3.connect(store.path).execute(
        "SELECT data FROM events WHERE seq > 1")]
    assert data == [{"text": "x"}] * 10


async def test_a_database_held_by_another_process_fails_the_batch_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    s = EventStore(tmp_path / "y.sqlite3")
    await s.open()
    try:
        w, v = await two_workshops(s)
        statements: list[str] = []
        await s.in_writer(lambda db: db.set_trace_callback(statements.append))
        other = sqlite3.connect(s.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # `yoriai import` of a big archive, say
        fates = await outcomes(s.append(w, [raw(2)]), s.append(v, [raw(2)]),
                               s.save_snapshot(v, 1, "{}"))
        other.execute("ROLLBACK")
        other.close()
        assert all(isinstance(f, sqlite3.OperationalError) and "locked" in str(f)
                   for f in fates)
        # Tried once as a batch, not once more per append.
        assert statements.count("BEGIN IMMEDIATE") == 1
        for code in (w, v):  # nothing of them was written; once recovered they go on
            with pytest.raises(WorkshopPoisoned):
                await s.append(code, [raw(2)])
            await s.recover(code)
            await s.append(code, [raw(2)])
            assert seqs(s.path, code) == [1, 2]
    finally:
        await s.close()


async def test_a_command_is_one_transaction_in_one_call(tmp_path: Path) -> None:
    """Issue 12: a command's events, its command record and the workshop's summary row are
    written by one call into the writer thread, in one BEGIN IMMEDIATE … COMMIT (one
    fsync); commands that arrive together share it. Read from SQLite's own trace of the
    writer's connection (a store without the other tests' trigger, which the trace would
    show too)."""
    store = EventStore(tmp_path / "one.sqlite3")
    await store.open()
    try:
        await one_transaction_per_batch(store)
    finally:
        await store.close()


async def one_transaction_per_batch(store: EventStore) -> None:
    hub = Hub(store, time.time)
    code = await hub.create_workshop("W", "西部", code="tttttt")
    room = await hub.room(code)
    assert room is not None
    statements: list[str] = []
    await store.in_writer(lambda db: db.set_trace_callback(statements.append))
    ack = await hub.submit(room, PROJECTOR, "c-" + "1" * 32, "join",
                           {"name": "一人目", "attribute": "住民"})
    await store.in_writer(lambda db: db.set_trace_callback(None))
    kinds = [s.split()[0] + (" " + s.split()[2] if s.startswith("INSERT") else "")
             for s in statements]
    assert kinds == ["BEGIN", "INSERT events", "INSERT commands", "INSERT workshops", "COMMIT"]
    assert ack.seq == room.state.seq == 2
    # Twenty commands sent at once: far fewer transactions than commands.
    statements.clear()
    await store.in_writer(lambda db: db.set_trace_callback(statements.append))
    await asyncio.gather(*(hub.submit(room, PROJECTOR, f"c-{i:032d}", "join",
                                      {"name": f"人{i}", "attribute": "住民"})
                           for i in range(20)))
    await store.in_writer(lambda db: db.set_trace_callback(None))
    commits = statements.count("COMMIT")
    assert statements.count("BEGIN IMMEDIATE") == commits and 1 <= commits < 20
    assert room.state.seq == 22


def seqs_in_database_file(path: Path, code: str) -> list[int]:
    """The seqs the database file itself holds, leaving the WAL unread (``immutable``):
    what checkpoints have copied there."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'events'").fetchone():
            return []  # not even the table has been copied back yet
        return [s for (s,) in db.execute(
            "SELECT seq FROM events WHERE workshop = ? ORDER BY seq", (code,))]


async def test_commits_never_checkpoint_the_checkpointer_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: a checkpoint inside a COMMIT made that post (and everyone's view of it)
    wait for megabytes to be copied; the writer leaves them to a connection of its own."""
    monkeypatch.setattr(store_module, "CHECKPOINT_EVERY_APPENDS", 10**9)
    s = EventStore(tmp_path / "never.sqlite3")
    await s.open()
    try:
        code = await Hub(s, time.time).create_workshop("W", "", code="wwwwww")
        for n in range(2, 1200):  # past SQLite's own 1,000-page mark, one commit each
            await s.append(code, [raw(n, "x" * 200)])
        assert seqs(s.path, code)[-1] == 1199  # all durable, in the WAL
        assert seqs_in_database_file(s.path, code) == []  # and no commit copied any back
    finally:
        await s.close()

    monkeypatch.setattr(store_module, "CHECKPOINT_EVERY_APPENDS", 10)
    s = EventStore(tmp_path / "checkpointed.sqlite3")
    await s.open()
    try:
        code = await Hub(s, time.time).create_workshop("W", "", code="vvvvvv")
        for n in range(2, 40):
            await s.append(code, [raw(n)])
        # Wait for the state (the checkpointer's thread has copied the first appends back),
        # never for a time.
        deadline = time.monotonic() + HANG
        while len(seqs_in_database_file(s.path, code)) < 10 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert seqs_in_database_file(s.path, code)[:10] == list(range(1, 11))
    finally:
        await s.close()


async def test_a_lone_append_never_waits_for_another_process_on_the_loop(
        store: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lone append is committed on the loop's own thread (INLINE_APPEND_MAX_EVENTS), but
    when another process holds the write lock (``yoriai new`` or ``import`` beside the
    running server) it is the writer thread that waits for it: the loop goes on turning
    meanwhile, and the append is stored once the lock is free."""
    # Calm, whatever the machine's pace: no wait for the writer to have been idle a while.
    monkeypatch.setattr(store_module, "INLINE_AFTER_IDLE_SECS", 0.0)
    code, _ = await two_workshops(store)
    last = seqs(store.path, code)[-1]
    free = store.append_soon(code, [raw(last + 1, "alone, lock free")])
    await asyncio.sleep(0)  # the store's turn: committed right there, on the loop
    assert free.done() and free.exception() is None
    before = seqs(store.path, code)
    assert before[-1] == last + 1
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process's write, holding the lock
        done = store.append_soon(code, [raw(last + 2, "alone, lock taken")])
        # Two turns: the store hands it over in the first (``_dispatch``). Had the loop
        # itself waited for the lock, this would come back only once that wait was over,
        # with the append failed (busy) and so done.
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert not done.done()
        assert seqs(store.path, code) == before
        other.execute("COMMIT")
    finally:
        other.close()
    await asyncio.wait_for(done, HANG)
    assert seqs(store.path, code) == [*before, last + 2]


async def test_a_commit_is_calm_only_after_the_writer_was_idle(
        store: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub writes a lone commit's fan-out at once only in a calm room (``last_calm``):
    a commit that follows another within INLINE_AFTER_IDLE_SECS is a busy room's, whose
    fan-out the flusher paces. (The idle time is set long: no machine is that slow.)"""
    monkeypatch.setattr(store_module, "INLINE_AFTER_IDLE_SECS", 3600.0)
    code, _ = await two_workshops(store)  # the writer has just worked: not idle an hour
    last = seqs(store.path, code)[-1]
    await store.append(code, [raw(last + 1)])
    assert (store.last_batch, store.last_calm) == (1, False)
    monkeypatch.setattr(store_module, "INLINE_AFTER_IDLE_SECS", 0.0)
    await store.append(code, [raw(last + 2)])
    assert (store.last_batch, store.last_calm) == (1, True)


async def test_a_lone_append_goes_to_the_thread_while_a_checkpoint_runs(
        store: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loop commits a calm room's lone append itself, but not while the checkpointer is
    writing the database file: the fsync could wait behind it, and the loop with it."""
    monkeypatch.setattr(store_module, "INLINE_AFTER_IDLE_SECS", 0.0)
    code, _ = await two_workshops(store)
    last = seqs(store.path, code)[-1]
    store._checkpointing = True  # as while the checkpoint thread works
    try:
        done = store.append_soon(code, [raw(last + 1, "during a checkpoint")])
        await asyncio.sleep(0)  # the store's turn: handed to the thread, not committed here
        assert not done.done()
        await asyncio.wait_for(done, HANG)
    finally:
        store._checkpointing = False
    assert seqs(store.path, code)[-1] == last + 1
    quiet = store.append_soon(code, [raw(last + 2, "checkpoint over")])
    await asyncio.sleep(0)  # and once it is over, on the loop again
    assert quiet.done() and quiet.exception() is None
