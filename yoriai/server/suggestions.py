"""「まとめ方の提案」 live: grouping suggestions for a room's unsorted notes, worked out in a
worker process and sent only to the facilitator's and つむぎすと's consoles that ask.

A console asks with ``{"type": "suggest", "table": null | "<table id>"}`` (``"stop": true``
to stop) over its WebSocket; see docs/protocol.md §"Grouping suggestions". While at least one
console of a room asks, every change to the room's notes (re)arms a short timer
(:data:`DEBOUNCE_SECS`); when it fires, the unsorted notes of each asked-for scope (the room,
or one table) go to the worker, and the answer is sent as ``{"type": "suggestions", ...}``
to those consoles only. Phones and the projector never ask (they are refused) and are never
sent one.

Why a process: :func:`yoriai.facilitation.suggest.suggest` is pure Python and holds the GIL
for the whole computation (about 0.3-1 s for 1,000 notes): in a thread it would still stall
the event loop's every step, and the phones' acks with it. In a process of its own the loop
only pickles the texts out and the groups back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from yoriai.facilitation.model import PRIVILEGED, WorkshopState
from yoriai.facilitation.suggest import Suggestions, suggest
from yoriai.facilitation.suggest.grouping import MIN_GROUP

from .context import AppContext
from .hub import Room, Subscriber
from .suggest_worker import start_worker

log = logging.getLogger("yoriai.suggestions")

# Quiet time after a note changes before the suggestions are worked out again. While the
# room is writing, notes come every few seconds; working out 1,000 notes after each one
# would keep the worker busy for nothing, and the facilitator cannot read cards that change
# under their eyes faster than this anyway.
DEBOUNCE_SECS = 1.0

# ... but never later than this after the first change not yet answered: in a room that
# never stops writing the console still gets fresh suggestions every few seconds.
MAX_DELAY_SECS = 5.0

Scope = str | None  # a table id, or None: the whole room


def unsorted_notes(state: WorkshopState, table: Scope) -> list[tuple[str, str]]:
    """(id, text) of the notes a facilitator still has to sort: in no theme, not hidden by a
    moderator (private ones included: staff see them, and sort them before they are
    revealed), in posting order; only ``table``'s when a table is named."""
    return [(n.id, n.text) for n in state.notes.values()
            if n.theme is None and not n.hidden and (table is None or n.table == table)]


def message(table: Scope, seq: int, notes: list[tuple[str, str]],
            found: Suggestions) -> dict[str, Any]:
    return {"type": "suggestions", "table": table, "seq": seq,
            "groups": [{"note_ids": [notes[i][0] for i in group], "title": title}
                       for group, title in zip(found.groups, found.titles, strict=True)]}


class Worker:
    """One worker process for the whole server, started when first needed: most evenings
    never ask, and those that do pay its start (about a second) once."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def run(self, texts: list[str]) -> Suggestions:
        if self._pool is None:
            # "spawn": the server has threads (the store's writer); forking them is unsafe.
            self._pool = ProcessPoolExecutor(max_workers=1,
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initializer=start_worker)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, suggest, texts)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


@dataclass
class RoomSuggestions:
    """The consoles of one room that asked, and what they were last sent."""

    room: Room
    worker: Worker
    watching: dict[Subscriber, Scope] = field(default_factory=dict)
    # Per scope: the notes the last answer was for, and that answer (sent again as it is to
    # a console that asks for the same notes).
    last: dict[Scope, tuple[list[tuple[str, str]], dict[str, Any]]] = field(
        default_factory=dict)
    timer: asyncio.TimerHandle | None = None
    first_change: float | None = None
    running: asyncio.Task[None] | None = None
    again: bool = False  # notes changed while the worker was busy
    # What each console was sent last: an answer is not sent twice (a vote or a join
    # wakes the timer too, but leaves the unsorted notes as they were).
    sent: dict[Subscriber, dict[str, Any]] = field(default_factory=dict)

    def watch(self, sub: Subscriber, table: Scope) -> None:
        self.watching[sub] = table
        cached = self.last.get(table)
        if cached is not None and cached[0] == unsorted_notes(self.room.shown, table):
            self.sent[sub] = cached[1]
            sub.deliver(cached[1])
        else:
            self.changed(now=True)

    def stop(self, sub: Subscriber) -> None:
        self.watching.pop(sub, None)
        self.sent.pop(sub, None)

    def _prune(self) -> None:
        """Forget sockets that closed or are no longer privileged (つむぎすと revoked)."""
        for sub in [s for s in self.watching
                    if s not in self.room.subscribers or s.actor.role not in PRIVILEGED]:
            self.stop(sub)

    def changed(self, now: bool = False) -> None:
        """The room's notes may have changed (called after every broadcast)."""
        self._prune()
        if not self.watching:
            return
        if self.running is not None:
            self.again = True
            return
        loop = asyncio.get_running_loop()
        if self.first_change is None:
            self.first_change = loop.time()
        if self.timer is not None:
            self.timer.cancel()
        delay = 0.0 if now else min(DEBOUNCE_SECS,
                                    max(0.0, self.first_change + MAX_DELAY_SECS - loop.time()))
        self.timer = loop.call_later(delay, self._fire)

    def _fire(self) -> None:
        self.timer, self.first_change = None, None
        self.running = asyncio.ensure_future(self._work())

    async def _work(self) -> None:
        try:
            for table in sorted(set(self.watching.values()), key=lambda t: t or ""):
                state = self.room.shown
                notes = unsorted_notes(state, table)
                seq = state.seq
                cached = self.last.get(table)
                if cached is not None and cached[0] == notes:
                    msg = cached[1]
                elif len(notes) < MIN_GROUP:  # nothing to group: no process needed
                    msg = message(table, seq, notes, Suggestions((), ()))
                    self.last[table] = (notes, msg)
                else:
                    found = await self.worker.run([text for _, text in notes])
                    msg = message(table, seq, notes, found)
                    self.last[table] = (notes, msg)
                self._prune()
                for sub, scope in list(self.watching.items()):
                    if scope == table and self.sent.get(sub) is not msg:
                        self.sent[sub] = msg
                        sub.deliver(msg)
        except Exception:
            # The worker died (killed, out of memory): the room is unharmed; the next
            # change tries again with a fresh process.
            log.exception("grouping suggestions failed")
            self.worker.close()
        finally:
            self.running = None
            if self.again:
                self.again = False
                self.changed()


class Suggester:
    """The suggestions of every room of one server."""

    def __init__(self) -> None:
        self.worker = Worker()
        self.rooms: dict[str, RoomSuggestions] = {}  # by workshop code

    def request(self, room: Room, sub: Subscriber, msg: dict[str, Any]) -> str | None:
        """A console's ``suggest`` message; the refusal's error code, or None."""
        if sub.actor.role not in PRIVILEGED:
            return "not_allowed"
        table = msg.get("table")
        if table is not None and (not isinstance(table, str) or table not in room.shown.tables):
            return "unknown_table"
        mine = self.rooms.get(room.code)
        if mine is not None and mine.room is not room:  # the room was loaded again
            mine = None
        if msg.get("stop") is True:
            if mine is not None:
                mine.stop(sub)
            return None
        if mine is None:
            mine = self.rooms[room.code] = RoomSuggestions(room, self.worker)
            room.on_published = mine.changed
        mine.watch(sub, table)
        return None

    def close(self) -> None:
        for mine in list(self.rooms.values()):
            if mine.timer is not None:
                mine.timer.cancel()
            if mine.running is not None:
                mine.running.cancel()
        self.worker.close()


# Per server (by id of its AppContext, which is not hashable): tests run several at once.
_SUGGESTERS: dict[int, Suggester] = {}


def suggester(ctx: AppContext) -> Suggester:
    """The server's suggester, made when a console first asks."""
    found = _SUGGESTERS.get(id(ctx))
    if found is None:
        found = _SUGGESTERS[id(ctx)] = Suggester()
    return found


def close(ctx: AppContext) -> None:
    """At shutdown: stop the worker process (if one was ever started)."""
    found = _SUGGESTERS.pop(id(ctx), None)
    if found is not None:
        with contextlib.suppress(Exception):
            found.close()
