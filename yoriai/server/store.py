"""The SQLite event store: the one place Yoriai writes.

Every workshop is a stream of events with a gap-free ``seq`` (the primary key makes a gap
or a duplicate impossible to write). Appends go through one writer task that commits
batches (group commit): under a burst, many commands share one fsync, and each caller is
resumed only after its events are on disk (WAL with ``synchronous=FULL``). That is the
moment the server may acknowledge or broadcast them.

The command-line tools (``yoriai new``, ``import``) use the same class on the same file
while a server may be running; SQLite's locking and ``busy_timeout`` keep them apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from yoriai.facilitation.model import Event

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    workshop TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (workshop, seq)
) WITHOUT ROWID;
-- The state at some seq, so that a restart replays only the events after it (a cache:
-- the events are the truth).
CREATE TABLE IF NOT EXISTS snapshots (
    workshop TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL
) WITHOUT ROWID;
-- A command's client-made id, kept with its result so that a retry is answered, not redone.
CREATE TABLE IF NOT EXISTS commands (
    workshop TEXT NOT NULL,
    actor TEXT NOT NULL,
    command_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (workshop, actor, command_id)
) WITHOUT ROWID;
"""

# Another process (``yoriai new``) may hold the write lock for a moment.
BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """The data folder cannot be used; the message says why, for a person."""


class WorkshopExists(StoreError):
    """An import would overwrite a workshop that is already here."""

    def __init__(self, code: str) -> None:
        super().__init__(f"a workshop with the code {code} is already in this data folder; "
                         "nothing was imported")
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


@dataclass
class _Append:
    code: str
    events: list[Event]
    command: CommandRecord | None
    done: asyncio.Future[None]


class EventStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._queue: asyncio.Queue[_Append] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = await aiosqlite.connect(self.path, isolation_level=None)
            await self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await self._db.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk before we acknowledge it, even if power fails.
            await self._db.execute("PRAGMA synchronous = FULL")
            await self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            if self._db is not None:
                await self._db.close()
                self._db = None
            raise StoreError(f"cannot use the data file {self.path}: {exc}") from exc
        self._writer = asyncio.create_task(self._write_loop(), name="yoriai-writer")

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("store is not open")
        return self._db

    # --- reading -----------------------------------------------------------------------

    async def _events(self, code: str, after: int = 0) -> list[Event]:
        async with self.db.execute(
            "SELECT seq, type, data, at, actor FROM events WHERE workshop = ? AND seq > ? "
            "ORDER BY seq", (code, after),
        ) as cur:
            return [Event(seq=r[0], type=r[1], data=json.loads(r[2]), at=r[3], actor=r[4])
                    async for r in cur]

    async def _commands(self, code: str) -> list[CommandRecord]:
        async with self.db.execute(
            "SELECT actor, command_id, seq, result FROM commands WHERE workshop = ?", (code,)
        ) as cur:
            return [CommandRecord(r[0], r[1], r[2], json.loads(r[3])) async for r in cur]

    async def load(self, code: str) -> tuple[list[Event], list[CommandRecord]]:
        """Every event of the workshop (the archive, the exports) and its command records."""
        return await self._events(code), await self._commands(code)

    async def load_latest(self, code: str, use_snapshot: bool = True
                          ) -> tuple[Any, list[Event], list[CommandRecord]]:
        """The workshop's latest snapshot (raw JSON, or None), the events after it, and
        its command records: what a restart needs to serve it again."""
        snapshot: Any = None
        after = 0
        row = None
        if use_snapshot:
            async with self.db.execute(
                "SELECT seq, state FROM snapshots WHERE workshop = ?", (code,)
            ) as cur:
                row = await cur.fetchone()
        if row is not None:
            try:
                snapshot, after = json.loads(row[1]), int(row[0])
            except ValueError:
                snapshot = None  # unreadable: replay everything
        events = await self._events(code, after if snapshot is not None else 0)
        return snapshot, events, await self._commands(code)

    async def save_snapshot(self, code: str, seq: int, state_json: str) -> None:
        """Keep ``state_json`` as the state at ``seq`` (only once those events are stored)."""
        await self.db.execute(
            "INSERT INTO snapshots (workshop, seq, state) VALUES (?, ?, ?) "
            "ON CONFLICT (workshop) DO UPDATE SET seq = excluded.seq, state = excluded.state "
            "WHERE excluded.seq > snapshots.seq", (code, seq, state_json))

    async def exists(self, code: str) -> bool:
        async with self.db.execute(
            "SELECT 1 FROM events WHERE workshop = ? AND seq = 1", (code,)
        ) as cur:
            return await cur.fetchone() is not None

    async def count_workshops(self) -> int:
        async with self.db.execute("SELECT COUNT(*) FROM events WHERE seq = 1") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def workshops(self) -> list[WorkshopSummary]:
        sql = """
            SELECT e.workshop, e.data, e.at, m.last_seq, m.updated_at
            FROM events e JOIN (
                SELECT workshop, MAX(seq) AS last_seq, MAX(at) AS updated_at
                FROM events GROUP BY workshop
            ) m ON m.workshop = e.workshop
            WHERE e.seq = 1
            ORDER BY m.updated_at DESC
        """
        async with self.db.execute(sql) as cur:
            rows = await cur.fetchall()
        # SQLite returns the other columns of the row that holds MAX(seq): the latest step
        # and the latest meeting of each workshop, without replaying anything.
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        async with self.db.execute(
            "SELECT workshop, type, data, MAX(seq) FROM events "
            "WHERE type IN ('StepChanged', 'MeetingOpened') GROUP BY workshop, type"
        ) as cur:
            async for workshop, kind, data, _ in cur:
                latest[(workshop, kind)] = json.loads(data)
        out = []
        for code, data, at, last_seq, updated_at in rows:
            d = json.loads(data)
            first_step = (d.get("program") or {}).get("steps", [{"id": "confirm"}])[0]["id"]
            step = latest.get((code, "StepChanged"), {}).get("step", first_step)
            meeting = latest.get((code, "MeetingOpened"))
            out.append(WorkshopSummary(
                code=code, title=d.get("title", ""), center=d.get("center", ""),
                date=meeting["date"] if meeting else d.get("date", ""), step=step,
                meetings=int(meeting["number"]) if meeting else 1, created_at=at,
                last_seq=last_seq, updated_at=updated_at))
        return out

    # --- writing -----------------------------------------------------------------------

    async def append(self, code: str, events: list[Event],
                     command: CommandRecord | None = None) -> None:
        """Return once ``events`` (and the command record) are durably committed.
        Raises ``sqlite3.Error`` if they could not be written (nothing of them is)."""
        if self._writer is None:
            raise RuntimeError("store is not open")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Append(code, events, command, done))
        await done

    async def import_workshop(self, code: str, events: list[Event]) -> None:
        """Write a whole workshop brought from another laptop (``yoriai import``): every
        event in one transaction, so that it is all there or none of it is, and only if no
        workshop here has its code. Raises :class:`WorkshopExists` (nothing written)."""
        if not events or [e.seq for e in events] != list(range(1, len(events) + 1)):
            raise ValueError("an imported workshop needs its whole event log, from seq 1")
        if await self.exists(code):
            raise WorkshopExists(code)
        try:
            # One append is one INSERT batch inside one BEGIN IMMEDIATE … COMMIT; should
            # another process take the code meanwhile, the primary key refuses seq 1 and
            # the whole transaction is rolled back.
            await self.append(code, events)
        except sqlite3.IntegrityError as exc:
            raise WorkshopExists(code) from exc

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._commit(batch)
            except Exception:
                # One bad append must not take the others with it: retry them one by one
                # so that each caller learns its own fate.
                for item in batch:
                    try:
                        await self._commit([item])
                    except Exception as exc:
                        if not item.done.done():
                            item.done.set_exception(exc)
                    else:
                        if not item.done.done():
                            item.done.set_result(None)
            else:
                for item in batch:
                    if not item.done.done():
                        item.done.set_result(None)

    async def _commit(self, batch: list[_Append]) -> None:
        db = self.db
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.executemany(
                "INSERT INTO events (workshop, seq, type, data, at, actor) VALUES (?,?,?,?,?,?)",
                [(item.code, e.seq, e.type, json.dumps(e.data, ensure_ascii=False), e.at, e.actor)
                 for item in batch for e in item.events],
            )
            await db.executemany(
                "INSERT INTO commands (workshop, actor, command_id, seq, result) "
                "VALUES (?,?,?,?,?)",
                [(item.code, c.actor, c.command_id, c.seq, json.dumps(c.result))
                 for item in batch if (c := item.command) is not None],
            )
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
