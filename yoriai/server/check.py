"""Does each workshop's stored log replay? ``yoriai check`` asks, ``--repair`` mends.

A log that does not replay — a missing seq (a hole), an event that cannot be read or does
not apply — cannot be served: the hub refuses to load it (the page says so and names
``yoriai check --repair``). Repairing keeps every event up to the first damage and moves
everything after it aside into a JSON-lines file in the data folder: the events, the
workshop's snapshot and the command records past the kept seq. Nothing is deleted without
first being written there, so a person can look at what was moved and re-enter it.

The replay rule is the hub's own (:func:`replay_until_damage`), so "check says it loads"
and "the server loads it" cannot disagree.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yoriai.facilitation.model import Event, WorkshopState, apply

from .store import (
    BUSY_TIMEOUT_MS,
    WorkshopSummary,
    connect_readonly,
    distinct_workshops,
    event_of,
    migrate,
    write_summary,
)


@dataclass
class Replayed:
    """How far a log replays: the state after the last event that applied, and what stops
    it (None when every event applied)."""

    state: WorkshopState
    applied: int = 0
    last_at: float = 0.0
    damage: str | None = None


def replay_until_damage(events: Iterable[Event | BaseException],
                        state: WorkshopState | None = None) -> Replayed:
    """Apply ``events`` in order until one does not follow the last (a hole), cannot be
    read (an exception in its place) or does not apply; say which and why."""
    out = Replayed(state if state is not None else WorkshopState())
    for event in events:
        expected = out.state.seq + 1
        if isinstance(event, BaseException):
            out.damage = f"event {expected} cannot be read ({event})"
            return out
        if event.seq != expected:
            out.damage = (f"seq {expected} is missing (the next stored event is "
                          f"{event.seq})")
            return out
        try:
            # An applier that fails may leave the state half-changed: nobody uses it then
            # (the hub does not serve it; the repair replays what it kept afresh).
            apply(out.state, event)
        except Exception as exc:
            out.damage = (f"event {event.seq} ({event.type}) does not apply: "
                          f"{type(exc).__name__}: {exc}")
            return out
        out.applied += 1
        out.last_at = event.at
    return out


def _parsed(rows: Iterable[Sequence[Any]]) -> Iterable[Event | BaseException]:
    for row in rows:
        try:
            yield event_of(row)
        except (ValueError, TypeError) as exc:
            yield ValueError(f"seq {row[0]}: {exc}")


@dataclass
class Finding:
    code: str
    events: int  # stored
    replayed: int  # of them, how many replay (from seq 1)
    damage: str | None
    moved_to: Path | None = None
    moved: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.damage is None

    def line(self) -> str:
        if self.damage is None:
            return f"{self.code}: ok, {self.events} events replay"
        kept = f"events 1-{self.replayed}" if self.replayed else "no event"
        if self.moved_to is None:
            return (f"{self.code}: DAMAGED: {self.damage}; {self.replayed} of {self.events} "
                    f"stored events replay (repair with: yoriai check --repair)")
        what = ", ".join(f"{n} {kind}" for kind, n in self.moved.items() if n)
        gone = "" if self.replayed else "; the workshop had nothing to keep and is no longer listed"
        return (f"{self.code}: REPAIRED ({self.damage}): kept {kept}; moved {what or 'nothing'} "
                f"to {self.moved_to}{gone}")


def check_workshop(db: sqlite3.Connection, code: str) -> Finding:
    rows = db.execute("SELECT seq, type, data, at, actor FROM events WHERE workshop = ? "
                      "ORDER BY seq", (code,)).fetchall()
    replayed = replay_until_damage(_parsed(rows))
    damage = replayed.damage
    if damage is None and not rows:
        damage = "no event is stored, only command records or a snapshot"
    return Finding(code, len(rows), replayed.applied, damage)


def check_all(db: sqlite3.Connection) -> list[Finding]:
    return [check_workshop(db, code) for code in distinct_workshops(db)]


def open_readonly(path: Path) -> sqlite3.Connection:
    return connect_readonly(path)


def open_for_repair(path: Path) -> sqlite3.Connection:
    """The data file opened as the store's writer opens it (a file from before the
    summary table gets it first)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def repair(db: sqlite3.Connection, finding: Finding, folder: Path) -> Finding:
    """Keep ``finding.code``'s events 1..``finding.replayed``; write everything of it past
    that (events, command records, the snapshot) to a JSON-lines file in ``folder``, fsync
    it, then take those rows out of the database in one transaction and set the summary
    row to what was kept."""
    code, kept = finding.code, finding.replayed
    db.execute("BEGIN IMMEDIATE")
    try:
        events = db.execute("SELECT seq, type, data, at, actor FROM events WHERE workshop = ? "
                            "AND seq > ? ORDER BY seq", (code, kept)).fetchall()
        commands = db.execute("SELECT actor, command_id, seq, result FROM commands "
                              "WHERE workshop = ? AND seq > ? ORDER BY seq",
                              (code, kept)).fetchall()
        snapshots = db.execute("SELECT seq, state FROM snapshots WHERE workshop = ?",
                               (code,)).fetchall()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = folder / f"yoriai-repair-{code}-{stamp}.jsonl"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"yoriai-repair-{code}-{stamp}-{n}.jsonl"
        lines = [{"kind": "repair", "workshop": code, "kept_up_to_seq": kept,
                  "reason": finding.damage, "at": time.time()}]
        # Rows as stored (data kept as its text): a damaged row is moved, not re-encoded.
        lines += [{"kind": "event", "seq": r[0], "type": r[1], "data": r[2], "at": r[3],
                   "actor": r[4]} for r in events]
        lines += [{"kind": "command", "actor": r[0], "command_id": r[1], "seq": r[2],
                   "result": r[3]} for r in commands]
        lines += [{"kind": "snapshot", "seq": r[0], "state": r[1]} for r in snapshots]
        with target.open("x", encoding="utf-8") as out:
            for line in lines:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        db.execute("DELETE FROM events WHERE workshop = ? AND seq > ?", (code, kept))
        db.execute("DELETE FROM commands WHERE workshop = ? AND seq > ?", (code, kept))
        db.execute("DELETE FROM snapshots WHERE workshop = ?", (code,))
        rows = db.execute("SELECT seq, type, data, at, actor FROM events WHERE workshop = ? "
                          "ORDER BY seq", (code,)).fetchall()
        replayed = replay_until_damage(_parsed(rows))
        if replayed.damage is not None or replayed.applied != kept:
            raise RuntimeError(f"the kept events of {code} do not replay: {replayed.damage}")
        if kept:
            write_summary(db, WorkshopSummary.of(code, replayed.state, replayed.last_at))
        else:
            db.execute("DELETE FROM workshops WHERE code = ?", (code,))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finding.moved_to = target
    finding.moved = {"events": len(events), "command records": len(commands),
                     "snapshot": len(snapshots)}
    return finding
