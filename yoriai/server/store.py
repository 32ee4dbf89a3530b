"""The SQLite event store: the one place Yoriai writes.

Every workshop is a stream of events with a gap-free ``seq`` (the primary key makes a gap
or a duplicate impossible to write *within* one transaction; the writer below makes it
impossible *across* transactions). Everything that is written — events, command records,
snapshots, the per-workshop summary row — goes through one writer: a thread of its own with
its own SQLite connection (WAL, ``synchronous=FULL``), fed a whole batch of appends at a
time. A batch is one call into that thread, one ``BEGIN IMMEDIATE … COMMIT``, one fsync
(group commit): under a burst, many commands share one fsync, and each caller is resumed
only after its events are on disk. That is the moment the server may acknowledge or
broadcast them. Reads use a second connection on a reader thread.

**Why the log can never get a hole.** The hub gives each event its seq and applies it in
memory *before* it is durable, so the appends of one workshop reach the writer in seq order.
When a batch fails, it is rolled back whole and retried one append at a time, in order, to
find the one that cannot be stored; other workshops' appends in it commit as usual. The
moment an append of workshop W fails, W is *poisoned* in the writer: every later append of
W — the rest of the batch, whatever is queued, whatever the hub decides before it notices —
fails too, without being written (:class:`WorkshopPoisoned`). So a later seq of W can never
commit after an earlier one failed. The hub then calls :meth:`EventStore.recover`, which
runs in the writer's own order (after every poisoned append has been failed), lifts the
poison and reads W's durable log; the hub puts the room's state back to exactly that and
decides the poisoned commands again (see ``hub.py``). Snapshots are written by the same
writer and reported saved only once committed, never from a batch that was rolled back.

The command-line tools (``yoriai new``, ``import``) use the same class on the same file
while a server may be running; SQLite's locking and ``busy_timeout`` keep them apart.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import functools
import json
import logging
import math
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from yoriai.facilitation.model import Event, WorkshopState, apply

# Each statement is run on its own (``executescript`` would commit the migration's
# transaction half-way).
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS events (
        workshop TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        at REAL NOT NULL,
        actor TEXT NOT NULL,
        PRIMARY KEY (workshop, seq)
    ) WITHOUT ROWID""",
    # The state at some seq, so that a restart replays only the events after it (a cache:
    # the events are the truth).
    """CREATE TABLE IF NOT EXISTS snapshots (
        workshop TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        state TEXT NOT NULL
    ) WITHOUT ROWID""",
    # A command's client-made id, kept with its result so that a retry is answered, not
    # redone.
    """CREATE TABLE IF NOT EXISTS commands (
        workshop TEXT NOT NULL,
        actor TEXT NOT NULL,
        command_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        result TEXT NOT NULL,
        PRIMARY KEY (workshop, actor, command_id)
    ) WITHOUT ROWID""",
    # What the home page and the CLI list, written in the same transaction as the events it
    # sums up, so that listing workshops reads one small row each, not event payloads.
    """CREATE TABLE IF NOT EXISTS workshops (
        code TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        center TEXT NOT NULL,
        date TEXT NOT NULL,
        step TEXT NOT NULL,
        meetings INTEGER NOT NULL,
        created_at REAL NOT NULL,
        last_seq INTEGER NOT NULL,
        updated_at REAL NOT NULL
    ) WITHOUT ROWID""",
)
# ``PRAGMA user_version`` of a data file with every table above. Version 0 is a file from
# before the summary table: opening it for writing fills the table once (see migrate).
SCHEMA_VERSION = 1

# Another process (``yoriai new``) may hold the write lock for a moment.
BUSY_TIMEOUT_MS = 5000

# SQLite copies the WAL back into the database file (a checkpoint) every 1,000 pages by
# default, inside the COMMIT that crosses the mark: that commit, and every post waiting for
# it before anyone is sent it, then pays for writing megabytes and a second fsync (10-240 ms
# measured under bench/broadcast.py, the slowest posts of a run). So the writer never
# checkpoints (``wal_autocheckpoint = 0``); a connection of its own does, on a thread of its
# own, PASSIVE (it never waits for, nor blocks, the writer), after this many appends
# (about 3-4 pages each: events, commands and summary rows), or after a snapshot.
CHECKPOINT_EVERY_APPENDS = 250

# A lone append (one command's events, nothing else queued in its turn: a calm room) is
# committed on the loop's own thread, not handed to the writer thread: the hand-over and the
# answer are two thread wake-ups (and two waits for the GIL) between a post and its fan-out,
# which on a 2-core laptop whose cores are busy with the room's phones cost more than the
# fsync itself (bench/lone_post.py; bench/README.md, "Session 5"). The loop waits for the
# fsync meanwhile, but it has nothing else to do: nothing else was queued, and the fan-out
# needs the commit. A batch (a busy room), a snapshot and a call go to the thread, so the
# loop keeps reading and fanning out while they are written; so does a lone append that
# finds the write lock taken by another process (the loop never waits for it). Up to this
# many events: an import or a program's setup is long, and goes to the thread.
INLINE_APPEND_MAX_EVENTS = 16
# ...and only after the writer has been idle this long: commits back to back (a thousand
# phones joining, a hundred posting) are a busy room, where the thread lets the loop read
# and fan out while each fsync runs; posts 100 ms apart are a calm one.
INLINE_AFTER_IDLE_SECS = 0.01

# The page cache of the connections that write (the writer, the checkpointer), in KiB. They
# append and copy the WAL back, and read next to nothing back; SQLite's default (2 MiB
# each) filled up with the pages of the room's snapshots as they were written, and held a
# room of 1,000 phones ~1 MB over its memory target (bench/README.md, session 7). A commit
# bigger than this spills its pages to the WAL before it ends, which changes nothing of it.
WRITE_CACHE_KIB = 256

log = logging.getLogger("yoriai.store")

T = TypeVar("T")


class StoreError(Exception):
    """The data folder cannot be used; the message says why, for a person."""


class WorkshopExists(StoreError):
    """An import would overwrite a workshop that is already here."""

    def __init__(self, code: str) -> None:
        super().__init__(f"a workshop with the code {code} is already in this data folder; "
                         "nothing was imported")
        self.code = code


class WorkshopPoisoned(StoreError):
    """Not written: an earlier append of this workshop failed, and until the hub has put
    the workshop back to its durable log (:meth:`EventStore.recover`), nothing after it
    may be written (it would leave a hole)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"an earlier write of workshop {code} failed; this one was not tried")
        self.code = code


@dataclass(frozen=True)
class CommandRecord:
    actor: str
    command_id: str
    seq: int
    result: dict[str, Any]


@dataclass(frozen=True)
class WorkshopSummary:
    code: str
    title: str
    center: str
    date: str  # of its latest meeting
    step: str
    meetings: int
    created_at: float
    last_seq: int
    updated_at: float

    @classmethod
    def of(cls, code: str, state: WorkshopState, updated_at: float) -> WorkshopSummary:
        """The summary of ``state``, whose last event happened at ``updated_at``."""
        latest = state.meetings[-1] if state.meetings else None
        return cls(code=code, title=state.title, center=state.center,
                   date=latest.date if latest else state.date, step=state.step,
                   meetings=state.meeting, created_at=state.created_at,
                   last_seq=state.seq, updated_at=updated_at)


@dataclass(frozen=True)
class Latest:
    """What a restart needs to serve a workshop again: its latest snapshot (raw JSON, or
    None), the events after it, and its command records."""

    snapshot: Any
    events: list[Event]
    commands: list[CommandRecord]


# --- the queries, on a plain connection (reader thread, writer thread, `yoriai check`) ---

def event_of(row: Sequence[Any]) -> Event:
    return Event(seq=int(row[0]), type=str(row[1]), data=json.loads(row[2]), at=float(row[3]),
                 actor=str(row[4]))


def read_events(db: sqlite3.Connection, code: str, after: int = 0) -> list[Event]:
    rows = db.execute("SELECT seq, type, data, at, actor FROM events WHERE workshop = ? "
                      "AND seq > ? ORDER BY seq", (code, after))
    return [event_of(r) for r in rows]


def read_commands(db: sqlite3.Connection, code: str) -> list[CommandRecord]:
    rows = db.execute("SELECT actor, command_id, seq, result FROM commands WHERE workshop = ?",
                      (code,))
    return [CommandRecord(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def read_latest(db: sqlite3.Connection, code: str, use_snapshot: bool = True) -> Latest:
    snapshot: Any = None
    after = 0
    row = None
    if use_snapshot:
        row = db.execute("SELECT seq, state FROM snapshots WHERE workshop = ?",
                         (code,)).fetchone()
    if row is not None:
        try:
            snapshot, after = json.loads(row[1]), int(row[0])
        except ValueError:
            snapshot = None  # unreadable: replay everything
    events = read_events(db, code, after if snapshot is not None else 0)
    return Latest(snapshot, events, read_commands(db, code))


def read_summaries(db: sqlite3.Connection) -> list[WorkshopSummary]:
    rows = db.execute("SELECT code, title, center, date, step, meetings, created_at, last_seq, "
                      "updated_at FROM workshops ORDER BY updated_at DESC")
    return [WorkshopSummary(*r) for r in rows]


def write_summary(db: sqlite3.Connection, s: WorkshopSummary) -> None:
    db.execute(
        "INSERT INTO workshops (code, title, center, date, step, meetings, created_at, "
        "last_seq, updated_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (code) DO UPDATE SET "
        "title = excluded.title, center = excluded.center, date = excluded.date, "
        "step = excluded.step, meetings = excluded.meetings, last_seq = excluded.last_seq, "
        "updated_at = excluded.updated_at",
        (s.code, s.title, s.center, s.date, s.step, s.meetings, s.created_at, s.last_seq,
         s.updated_at))


def summary_from_log(db: sqlite3.Connection, code: str) -> WorkshopSummary | None:
    """The summary of as much of ``code``'s log as replays (a damaged log is still listed,
    so that the facilitator finds it and is told how to repair it)."""
    state = WorkshopState()
    at = 0.0
    for row in db.execute("SELECT seq, type, data, at, actor FROM events WHERE workshop = ? "
                          "ORDER BY seq", (code,)):
        try:
            event = event_of(row)
            apply(state, event)
        except Exception:
            break
        at = event.at
    return WorkshopSummary.of(code, state, at) if state.exists else None


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write, also when the folder itself is read-only (a copy on
    a locked USB stick, a read-only mount): ``mode=ro`` first, which still needs to create
    the WAL's shared-memory file beside the database; where it cannot, ``immutable=1``,
    which reads the database file alone (a WAL left behind by a crashed server is then not
    read: its last commits are missing from what is read)."""
    if not path.is_file():
        raise StoreError(f"{path} holds no Yoriai data")
    uri = f"file:{quote(str(path))}"
    last: sqlite3.Error | None = None
    for params in ("mode=ro", "mode=ro&immutable=1"):
        try:
            db = sqlite3.connect(f"{uri}?{params}", uri=True, isolation_level=None,
                                 check_same_thread=False)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            db.close()
            last = exc
            continue
        return db
    raise StoreError(f"cannot read the data file {path}: {last}")


# --- the writer's work items ---------------------------------------------------------

@dataclass
class _Write:
    code: str
    events: list[Event]
    command: CommandRecord | None
    snapshot: tuple[int, str] | None
    summary: WorkshopSummary | None
    done: asyncio.Future[None]


@dataclass
class _Call:
    """Work run on the writer's connection in the writer's order (after everything queued
    before it): recovery after a failed append, and the opening migration."""

    fn: Callable[[sqlite3.Connection], Any]
    done: asyncio.Future[Any]


@dataclass
class _Writer:
    """The writer thread's side: its connection and the workshops it refuses to write."""

    db: sqlite3.Connection
    poisoned: set[str] = field(default_factory=set)

    def write_batch(self, batch: list[_Write], begun: bool = False
                    ) -> list[BaseException | None]:
        """Commit ``batch`` in one transaction; if that fails, find which appends cannot
        be stored by retrying them one by one, in order, poisoning the workshop of each
        failed append so that nothing after it is written. Returns each item's outcome.
        ``begun``: the caller has begun the transaction (``EventStore._commit_here``)."""
        outcomes: list[BaseException | None] = [None] * len(batch)
        todo = []
        for i, item in enumerate(batch):
            if item.code in self.poisoned:
                outcomes[i] = WorkshopPoisoned(item.code)
            else:
                todo.append(i)
        if not todo:
            if begun:
                self.db.execute("ROLLBACK")
            return outcomes
        try:
            self.commit([batch[i] for i in todo], begun)
            return outcomes
        except Exception as exc:  # anything at all: the one-by-one pass finds and names it
            if _primary_code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                # Another process held the database past the busy timeout: no append is
                # to blame, and trying each alone would wait as long again, each time.
                for i in todo:
                    outcomes[i] = exc
                    if batch[i].events:
                        self.poisoned.add(batch[i].code)
                return outcomes
        for i in todo:
            item = batch[i]
            if item.code in self.poisoned:
                outcomes[i] = WorkshopPoisoned(item.code)
                continue
            try:
                self.commit([item])
            except Exception as exc:
                outcomes[i] = exc
                if item.events:
                    # A failed snapshot leaves no hole (a cache); a failed event does.
                    self.poisoned.add(item.code)
        return outcomes

    def commit(self, items: list[_Write], begun: bool = False) -> None:
        db = self.db
        if not begun:
            db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT INTO events (workshop, seq, type, data, at, actor) VALUES (?,?,?,?,?,?)",
                [(item.code, e.seq, e.type, json.dumps(e.data, ensure_ascii=False), e.at,
                  e.actor) for item in items for e in item.events])
            db.executemany(
                "INSERT INTO commands (workshop, actor, command_id, seq, result) "
                "VALUES (?,?,?,?,?)",
                [(item.code, c.actor, c.command_id, c.seq, json.dumps(c.result))
                 for item in items if (c := item.command) is not None])
            db.executemany(
                "INSERT INTO snapshots (workshop, seq, state) VALUES (?, ?, ?) "
                "ON CONFLICT (workshop) DO UPDATE SET seq = excluded.seq, "
                "state = excluded.state WHERE excluded.seq > snapshots.seq",
                [(item.code, s[0], s[1]) for item in items if (s := item.snapshot) is not None])
            summaries = {item.code: item.summary for item in items if item.summary is not None}
            for summary in summaries.values():  # the last one of each workshop
                write_summary(db, summary)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise


def migrate(db: sqlite3.Connection) -> None:
    """Create the tables; a data file from before the summary table gets one row per
    workshop, made by replaying its log (once: the version is kept in the file)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in SCHEMA:
            db.execute(statement)
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            codes = [c for (c,) in db.execute("SELECT DISTINCT workshop FROM events")]
            for code in codes:
                if (summary := summary_from_log(db, code)) is not None:
                    write_summary(db, summary)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


class EventStore:
    """The event store of one data file. ``readonly`` opens it for reading only (``yoriai
    export``, ``yoriai check``): nothing is created, migrated or written."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._reader: sqlite3.Connection | None = None
        self._read_thread: ThreadPoolExecutor | None = None
        self._writer: _Writer | None = None
        self._write_thread: ThreadPoolExecutor | None = None
        self._queue: collections.deque[_Write | _Call] = collections.deque()
        # The writer thread is working on something (at most one batch or call at a time),
        # or a callback is due to hand it what is queued (see ``_dispatch``).
        self._busy = False
        self._dispatch_due = False
        self._idle = asyncio.Event()  # nothing queued and nothing in the writer thread
        self._closing = False
        # Checkpoints (CHECKPOINT_EVERY_APPENDS): a connection and a thread of their own.
        self._checkpointer: sqlite3.Connection | None = None
        self._checkpoint_thread: ThreadPoolExecutor | None = None
        self._checkpointing = False
        self._appends_since_checkpoint = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        # How many appends the last commit held: the hub writes a commit's fan-out at once
        # when it was alone, and queues it for one frame a phone when it had company.
        self.last_batch = 0
        # ...and whether it came after the writer had been idle INLINE_AFTER_IDLE_SECS (a
        # calm room): only then is a lone commit's fan-out written at once; in a busy room
        # it is queued, and the flusher paces the writes (connection.FLUSH_PACE_SECS).
        self.last_calm = False
        self._batch_calm = False
        self._last_done = -math.inf  # the loop's time when the writer last finished

    def idle_for(self) -> float:
        """Seconds since the writer last finished; 0 while anything is queued or being
        written (the server's calm moments: collector.py)."""
        if self._busy or self._queue or self.loop is None:
            return 0.0
        return self.loop.time() - self._last_done

    # --- opening and closing -----------------------------------------------------------

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        # The loop the store serves: its writer task runs there, and every call into the
        # store is made from it.
        self.loop = loop
        self._read_thread = ThreadPoolExecutor(1, thread_name_prefix="yoriai-reader")
        try:
            if not self.readonly:
                self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="yoriai-writer")
                self._writer = await loop.run_in_executor(self._write_thread,
                                                          self._open_writer)
                self._checkpoint_thread = ThreadPoolExecutor(
                    1, thread_name_prefix="yoriai-checkpoint")
                self._checkpointer = await loop.run_in_executor(self._checkpoint_thread,
                                                                self._open_checkpointer)
            self._reader = await loop.run_in_executor(self._read_thread, self._open_reader)
        except (OSError, sqlite3.Error) as exc:
            await self._shut_threads()
            raise StoreError(f"cannot use the data file {self.path}: {exc}") from exc
        except BaseException:
            await self._shut_threads()
            raise
        self._closing = False
        self._idle.set()

    def _open_writer(self) -> _Writer:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Used by the writer thread and, for a lone append, by the loop's thread: never by
        # both at once (``_busy``), which is what sqlite3's same-thread check guards against.
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk before we acknowledge it, even if power fails.
            db.execute("PRAGMA synchronous = FULL")
            # Checkpoints are the checkpointer's, off the commit path (CHECKPOINT_EVERY_APPENDS).
            db.execute("PRAGMA wal_autocheckpoint = 0")
            db.execute(f"PRAGMA cache_size = {-WRITE_CACHE_KIB}")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return _Writer(db)

    def _open_checkpointer(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute(f"PRAGMA cache_size = {-WRITE_CACHE_KIB}")
        return db

    def _open_reader(self) -> sqlite3.Connection:
        if self.readonly:
            return connect_readonly(self.path)
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA query_only = ON")  # reads only, by construction
        return db

    async def close(self) -> None:
        """Finish what is queued (each caller learns its fate), then close."""
        if self._writer is not None:
            self._closing = True
            while not self._idle.is_set():
                await self._idle.wait()
        await self._shut_threads()

    async def _shut_threads(self) -> None:
        loop = asyncio.get_running_loop()
        if self._checkpointer is not None and self._checkpoint_thread is not None:
            # After a checkpoint in flight (the thread runs one thing at a time).
            await loop.run_in_executor(self._checkpoint_thread, self._checkpointer.close)
        if self._writer is not None and self._write_thread is not None:
            await loop.run_in_executor(self._write_thread, self._writer.db.close)
        if self._reader is not None and self._read_thread is not None:
            await loop.run_in_executor(self._read_thread, self._reader.close)
        for pool in (self._checkpoint_thread, self._write_thread, self._read_thread):
            if pool is not None:
                pool.shutdown(wait=True)
        self._writer = self._reader = self._checkpointer = None
        self._write_thread = self._read_thread = self._checkpoint_thread = None

    # --- reading -----------------------------------------------------------------------

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        if self._reader is None or self._read_thread is None:
            raise RuntimeError("store is not open")
        reader = self._reader
        return await asyncio.get_running_loop().run_in_executor(
            self._read_thread, lambda: fn(reader, *args))

    async def load(self, code: str) -> tuple[list[Event], list[CommandRecord]]:
        """Every event of the workshop (the archive, the exports) and its command records."""
        return await self._read(lambda db: (read_events(db, code), read_commands(db, code)))

    async def load_latest(self, code: str, use_snapshot: bool = True) -> Latest:
        return await self._read(read_latest, code, use_snapshot)

    async def exists(self, code: str) -> bool:
        return await self._read(lambda db: db.execute(
            "SELECT 1 FROM events WHERE workshop = ? AND seq = 1", (code,)).fetchone()
            is not None)

    async def count_workshops(self) -> int:
        return await self._read(
            lambda db: int(db.execute("SELECT COUNT(*) FROM workshops").fetchone()[0]))

    async def workshops(self) -> list[WorkshopSummary]:
        return await self._read(read_summaries)

    # --- writing -----------------------------------------------------------------------

    def _enqueue(self, item: _Write | _Call) -> None:
        if self._writer is None or self._closing:
            raise RuntimeError("store is not open for writing")
        self._queue.append(item)
        self._idle.clear()
        if not self._busy and not self._dispatch_due:
            # On the next turn of the loop, not now: every append queued in this turn (the
            # commands of one burst of frames) goes into the same transaction.
            self._dispatch_due = True
            assert self.loop is not None
            self.loop.call_soon(self._dispatch)

    async def append(self, code: str, events: list[Event], command: CommandRecord | None = None,
                     summary: WorkshopSummary | None = None) -> None:
        """Return once ``events`` (with the command record and the workshop's new summary)
        are durably committed. Raises if they could not be written (nothing of them is);
        after that, nothing more of ``code`` is written until :meth:`recover` is called.

        The append is queued before this coroutine first yields, so appends reach the
        writer in the order they were called."""
        await self.append_soon(code, events, command, summary)

    def append_soon(self, code: str, events: list[Event], command: CommandRecord | None = None,
                    summary: WorkshopSummary | None = None) -> asyncio.Future[None]:
        """:meth:`append`, queued now: the future is done once it is durably committed (or
        failed). The writer thread is handed it on the next turn of the loop, before any
        callback scheduled after this call runs."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._enqueue(_Write(code, events, command, None, summary, done))
        return done

    async def save_snapshot(self, code: str, seq: int, state_json: str) -> None:
        """Keep ``state_json`` as the state at ``seq`` (only once those events are stored);
        returns once it is committed, raises if it is not."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._enqueue(_Write(code, [], None, (seq, state_json), None, done))
        await done

    async def in_writer(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on the writer's connection, after everything queued before it."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._enqueue(_Call(fn, done))
        return await done

    async def recover(self, code: str, use_snapshot: bool = True) -> Latest:
        """After an append of ``code`` failed: once every append of it queued so far has
        been failed, allow writing it again and return what is durable — the log the
        hub's memory must be put back to. The caller must append nothing of ``code`` until
        this returns."""
        assert self._writer is not None
        writer = self._writer

        def lift_and_read(db: sqlite3.Connection) -> Latest:
            writer.poisoned.discard(code)
            return read_latest(db, code, use_snapshot)

        return await self.in_writer(lift_and_read)

    async def import_workshop(self, code: str, events: list[Event]) -> None:
        """Write a whole workshop brought from another laptop (``yoriai import``): every
        event in one transaction, so that it is all there or none of it is, and only if no
        workshop here has its code. Raises :class:`WorkshopExists` (nothing written)."""
        if not events or [e.seq for e in events] != list(range(1, len(events) + 1)):
            raise ValueError("an imported workshop needs its whole event log, from seq 1")
        state = WorkshopState()
        for e in events:
            apply(state, e)
        if await self.exists(code):
            raise WorkshopExists(code)
        try:
            # One append is one transaction; should another process take the code
            # meanwhile, the primary key refuses seq 1 and all of it is rolled back.
            await self.append(code, events, summary=WorkshopSummary.of(code, state,
                                                                       events[-1].at))
        except sqlite3.IntegrityError as exc:
            await self.recover(code)
            raise WorkshopExists(code) from exc
        except BaseException:
            await self.recover(code)
            raise

    # The writer thread is fed by plain callbacks on the loop, not by a task: a batch is
    # handed to the thread in the turn after it was queued, and the thread's answer (one
    # ``call_soon_threadsafe``) settles every append of the batch and hands the thread what
    # was queued meanwhile, in that same callback. Each hop through the loop is one more turn
    # (with a thousand phones' sockets to poll) between an fsync and the fan-out it allows.

    def _dispatch(self) -> None:
        """Give the writer thread its next work: a call alone, or every append queued up to
        the next call as one batch (one transaction, one fsync)."""
        self._dispatch_due = False
        if self._busy:
            return
        if not self._queue:
            self._idle.set()
            return
        assert self._writer is not None and self._write_thread is not None
        assert self.loop is not None
        first = self._queue.popleft()
        work: _Call | list[_Write]
        if isinstance(first, _Call):
            work = first
            job: Callable[[], Any] = functools.partial(first.fn, self._writer.db)
        else:
            work = [first]
            while self._queue and isinstance(self._queue[0], _Write):
                work.append(self._queue.popleft())  # type: ignore[arg-type]
            job = functools.partial(self._writer.write_batch, work)
            self._batch_calm = self.loop.time() - self._last_done >= INLINE_AFTER_IDLE_SECS
            # Never on the loop while a checkpoint is writing the database file: the disk
            # is busy then, and the loop would stop for as long as the fsync waits behind
            # it (on this VM a commit's fsync now and then takes 20-350 ms: bench/README.md,
            # session 6). The writer thread waits instead, and the loop goes on.
            if (_lone(work) and self._batch_calm and not self._checkpointing
                    and self._commit_here(work)):
                return
        self._busy = True
        loop = self.loop
        done = self._write_thread.submit(job)
        done.add_done_callback(lambda f: _on_loop(loop, self._finished, work, f))

    def _commit_here(self, work: list[_Write]) -> bool:
        """Commit a lone append on this thread (INLINE_APPEND_MAX_EVENTS), then settle it as
        the writer thread's answer would be settled. False, with nothing done, when the
        write lock is not free at once (another process is writing: ``yoriai new`` or
        ``import``): the loop must not wait out BUSY_TIMEOUT_MS, the writer thread does."""
        assert self._writer is not None
        db = self._writer.db
        try:
            db.execute("PRAGMA busy_timeout = 0")
            try:
                db.execute("BEGIN IMMEDIATE")
            finally:
                db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except sqlite3.Error:
            return False  # busy, or worse: the thread's path meets it and says so
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            done.set_result(self._writer.write_batch(work, begun=True))
        except Exception as exc:  # as in the thread: settled as a failure of each append
            done.set_exception(exc)
        self._finished(work, done)
        return True

    def _finished(self, work: _Call | list[_Write], done: concurrent.futures.Future[Any]
                  ) -> None:
        """The writer is done with ``work``: tell each caller its fate, then give the
        writer what was queued meanwhile."""
        self._busy = False
        assert self.loop is not None
        self._last_done = self.loop.time()
        try:
            result = done.result()
        except Exception as exc:  # write_batch reports failures as outcomes; a call may raise
            if isinstance(work, _Call):
                _settle(work.done, exc)
            else:
                for item in work:
                    _settle(item.done, exc)
        else:
            if isinstance(work, _Call):
                if not work.done.done():
                    work.done.set_result(result)
            else:
                self.last_batch, self.last_calm = len(work), self._batch_calm
                for item, outcome in zip(work, result, strict=True):
                    if outcome is None:
                        if not item.done.done():
                            item.done.set_result(None)
                    else:
                        _settle(item.done, outcome)
                self._count_for_checkpoint(work)
        self._dispatch()

    def _count_for_checkpoint(self, batch: list[_Write]) -> None:
        self._appends_since_checkpoint += len(batch)
        wrote_snapshot = any(item.snapshot is not None for item in batch)
        if (self._checkpointing or self._checkpointer is None
                or self._checkpoint_thread is None
                or (self._appends_since_checkpoint < CHECKPOINT_EVERY_APPENDS
                    and not wrote_snapshot)):
            return
        self._checkpointing = True
        self._appends_since_checkpoint = 0
        loop, db = self.loop, self._checkpointer
        assert loop is not None
        done = self._checkpoint_thread.submit(_checkpoint, db)
        done.add_done_callback(lambda f: _on_loop(loop, self._checkpointed, f))

    def _checkpointed(self, done: concurrent.futures.Future[None]) -> None:
        self._checkpointing = False
        exc = done.exception()
        if exc is not None:
            # Nothing is lost: the WAL holds every commit (fsync'd); it only grows until a
            # later checkpoint gets through.
            log.warning("could not checkpoint %s: %s", self.path, exc)


def _lone(batch: list[_Write]) -> bool:
    """Whether ``batch`` is one command's short append alone (INLINE_APPEND_MAX_EVENTS)."""
    if len(batch) != 1:
        return False
    item = batch[0]
    return item.snapshot is None and 0 < len(item.events) <= INLINE_APPEND_MAX_EVENTS


def _on_loop(loop: asyncio.AbstractEventLoop, fn: Callable[..., None], *args: Any) -> None:
    """From a store thread: run ``fn`` on the loop, unless the loop is gone (a process
    ending without closing its store): then no one is waiting for the answer."""
    with contextlib.suppress(RuntimeError):  # closed between the check and the call
        if not loop.is_closed():
            loop.call_soon_threadsafe(fn, *args)


def _checkpoint(db: sqlite3.Connection) -> None:
    """Copy what the WAL holds into the database file, as far as readers allow, without
    waiting for anyone (PASSIVE); the writer restarts the WAL from its beginning once it is
    all copied, so the file stays about CHECKPOINT_EVERY_APPENDS appends long."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _primary_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of ``exc`` (extended codes carry it in the low byte)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _settle(done: asyncio.Future[Any], exc: BaseException) -> None:
    if not done.done():
        done.set_exception(exc)
        done.exception()  # a caller that went away must not log "never retrieved"


def distinct_workshops(db: sqlite3.Connection) -> list[str]:
    """Every workshop code with anything stored, events or not (a data file from before
    the summary table has none, and a read-only one cannot be given one)."""
    sql = ("SELECT workshop FROM events UNION SELECT workshop FROM snapshots "
           "UNION SELECT workshop FROM commands")
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'workshops'").fetchone():
        sql += " UNION SELECT code FROM workshops"
    rows: Iterable[tuple[str]] = db.execute(sql + " ORDER BY 1")
    return [c for (c,) in rows]
