"""The live workshops: state in memory, the command path, and the broadcast path.

A command goes *receive → decide (pure) → apply → append (durable) → ack → broadcast*.
Deciding and applying happen without an ``await`` in between, so commands to one workshop
are serialised by the event loop itself; the append is awaited, and events are broadcast
strictly in ``seq`` order once they are on disk, never before.

A :class:`Room` is one loaded workshop. Its ``epoch`` names this load of it: a client that
resumes with events must have seen the same epoch, otherwise it gets a snapshot (after a
restart, seqs past the last commit may have been seen by a client and then lost).
"""

from __future__ import annotations

import asyncio
import datetime
import gc
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from yoriai.facilitation import limits
from yoriai.facilitation.commands import decide, effective_actor, result_of
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, Actor, Event, WorkshopState, apply, replay
from yoriai.facilitation.snapshot import SnapshotError
from yoriai.facilitation.snapshot import dump as dump_snapshot
from yoriai.facilitation.snapshot import load as load_snapshot
from yoriai.facilitation.view import audience_of, personal_to, snapshot, touched, wire_event

from .i18n import error_text
from .store import CommandRecord, EventStore

log = logging.getLogger("yoriai.hub")

# Close code for the oldest of a person's sockets when they open one too many: the page
# shows that it was opened elsewhere and does not reconnect on its own.
CLOSE_REPLACED = 4002

# Events after which a participant's connections need a fresh view (a removed person's
# connections go on as the public board's).
ROLE_CHANGES = frozenset({"CofacilitatorGranted", "CofacilitatorRevoked", "ParticipantRemoved"})


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))

Clock = Callable[[], float]


class Subscriber(Protocol):
    """A connection as the hub sees it: whom it shows, and a non-blocking send."""

    actor: Actor
    sent_seq: int
    lang: str  # of the hello: for what the hub itself tells the phone

    def deliver(self, message: dict[str, Any]) -> None: ...

    def deliver_text(self, text: str) -> None: ...

    def drop(self, code: int, reason: str) -> None: ...


@dataclass
class Ack:
    seq: int
    result: dict[str, Any]


class ServerFault(Exception):
    """The events could not be made durable; the room has been unloaded."""


@dataclass
class Room:
    code: str
    state: WorkshopState
    epoch: str = field(default_factory=lambda: secrets.token_hex(4))
    # Events applied to ``state``; the tail of the log for resuming clients.
    log: deque[Event] = field(default_factory=lambda: deque(maxlen=limits.RESUME_WINDOW_EVENTS))
    durable_seq: int = 0
    snapshot_seq: int = 0
    commands: dict[tuple[str, str], Ack] = field(default_factory=dict)
    inflight: dict[tuple[str, str], asyncio.Future[Ack]] = field(default_factory=dict)
    # An ordered set (a dict): the oldest connection of a person is the first one.
    subscribers: dict[Subscriber, None] = field(default_factory=dict)
    broken: bool = False

    def events_since(self, seq: int) -> list[Event] | None:
        """The events after ``seq`` up to what is durable, or None when they are no
        longer all in memory."""
        if seq > self.state.seq:
            return None
        if seq == self.state.seq:
            return []
        if not self.log or self.log[0].seq > seq + 1:
            return None
        return [e for e in self.log if seq < e.seq <= self.durable_seq]

    def subscribe(self, sub: Subscriber, resume_epoch: str | None, last_seq: int | None,
                  now: float) -> None:
        """Register ``sub`` and send it what it needs to be current, atomically: nothing
        can be broadcast between the read and the registration."""
        missed = None
        if resume_epoch == self.epoch and last_seq is not None:
            missed = self.events_since(last_seq)
        self._make_room_for(sub)
        sub.deliver({"type": "welcome", "epoch": self.epoch, "role": sub.actor.role.value,
                     "participant_id": sub.actor.participant_id, "now": now})
        if missed is None:
            sub.deliver({"type": "snapshot", "seq": self.state.seq,
                         "state": snapshot(self.state, sub.actor)})
            sub.sent_seq = self.state.seq
        else:
            sub.sent_seq = last_seq or 0
            for e in missed:
                msg = wire_event(e, self.state, sub.actor)
                sub.sent_seq = e.seq
                if msg is not None:
                    sub.deliver(msg)
            sub.deliver({"type": "synced", "seq": sub.sent_seq})
        self.subscribers[sub] = None

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.pop(sub, None)

    def _make_room_for(self, sub: Subscriber) -> None:
        """At most CONNECTIONS_PER_PARTICIPANT sockets per person: close the oldest."""
        pid = sub.actor.participant_id
        if pid is None:
            return
        same = [s for s in self.subscribers if s.actor.participant_id == pid and s is not sub]
        for old in same[: max(0, len(same) - limits.CONNECTIONS_PER_PARTICIPANT + 1)]:
            self.unsubscribe(old)
            old.drop(CLOSE_REPLACED, "opened elsewhere")

    def publish_durable(self, up_to: int, now: float) -> None:
        """Broadcast every applied event up to ``up_to`` not yet broadcast, in order. Each
        message is built and encoded once per audience (see ``view.audience``), not once
        per phone: a post in a room of 500 is a handful of encodings."""
        if up_to <= self.durable_seq:
            return
        # From the end of the log: the new events are the last few of up to 5,000.
        fresh: list[Event] = []
        for e in reversed(self.log):
            if e.seq <= self.durable_seq:
                break
            if e.seq <= up_to:
                fresh.append(e)
        fresh.reverse()
        self.durable_seq = up_to
        for e in fresh:
            touch = touched(e)
            personal = personal_to(self.state, touch)
            encoded: dict[tuple[Any, ...], str | None] = {}
            for sub in list(self.subscribers):
                if e.seq <= sub.sent_seq:
                    continue  # already in the snapshot it was sent
                sub.sent_seq = e.seq
                key = audience_of(sub.actor, personal)
                if key not in encoded:
                    msg = wire_event(e, self.state, sub.actor, touch)
                    encoded[key] = None if msg is None else encode(msg)
                text = encoded[key]
                if text is not None:
                    sub.deliver_text(text)
            if e.type in ROLE_CHANGES:
                self.refresh(e.data["participant_id"], now)

    def refresh(self, participant_id: str, now: float) -> None:
        """A participant's role changed (つむぎすと granted or revoked, or removed): what
        they may see changed too, so their connections start over with a snapshot."""
        for sub in list(self.subscribers):
            if sub.actor.participant_id == participant_id:
                self.unsubscribe(sub)
                sub.actor = effective_actor(self.state, sub.actor)
                if sub.actor.participant_id is None:
                    # Removed: the phone is told why it is back at the join form.
                    sub.deliver({"type": "error", "id": None, "code": "removed",
                                 "message": error_text("removed", sub.lang), "params": {}})
                self.subscribe(sub, None, None, now)


# Codes are typed by hand from the projector: no 0/o, 1/l/i to confuse.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 6


def local_date(now: float) -> str:
    """Today on the laptop's own calendar: the date people will remember the meeting by."""
    return datetime.datetime.fromtimestamp(now).date().isoformat()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Hub:
    def __init__(self, store: EventStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.rooms: dict[str, Room] = {}
        self._loading: dict[str, asyncio.Future[Room | None]] = {}
        self._background: set[asyncio.Task[None]] = set()

    async def room(self, code: str) -> Room | None:
        """The loaded workshop ``code``, loading it from the store on first use (a
        workshop made by ``yoriai new`` while the server runs is served at once)."""
        room = self.rooms.get(code)
        if room is not None:
            return room
        pending = self._loading.get(code)
        if pending is not None:
            return await asyncio.shield(pending)
        fut: asyncio.Future[Room | None] = asyncio.get_running_loop().create_future()
        self._loading[code] = fut
        try:
            start, events, commands = await self._read(code)
            if not start.exists and not events:
                fut.set_result(None)
                return None
            room = Room(code=code, state=replay(events, start))
            room.log.extend(events)
            room.durable_seq = room.snapshot_seq = room.state.seq
            room.commands = {(c.actor, c.command_id): Ack(c.seq, c.result) for c in commands}
            self.rooms[code] = room
            # The loaded state lives as long as the room: keep it out of the collector's
            # full passes, which otherwise stall the loop (~100 ms at 1,000 phones).
            gc.freeze()
            fut.set_result(room)
            return room
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # retrieved: waiters re-raise it
            raise
        finally:
            del self._loading[code]

    async def _read(self, code: str) -> tuple[WorkshopState, list[Event], list[CommandRecord]]:
        """The latest snapshot and the events after it; the whole log when the snapshot
        cannot be used (another version, damaged, or not where the log continues)."""
        raw, events, commands = await self.store.load_latest(code)
        if raw is None:
            return WorkshopState(), events, commands
        try:
            state = load_snapshot(raw)
            if events and events[0].seq != state.seq + 1:
                raise SnapshotError("the log does not continue from the snapshot")
        except SnapshotError as exc:
            log.warning("ignoring the snapshot of %s: %s", code, exc)
            _, events, commands = await self.store.load_latest(code, use_snapshot=False)
            return WorkshopState(), events, commands
        return state, events, commands

    def maybe_snapshot(self, room: Room) -> None:
        """Every SNAPSHOT_EVERY_EVENTS, keep the state, taken at a moment when memory and
        disk agree (nothing applied is still waiting to be committed)."""
        if (room.state.seq - room.snapshot_seq < limits.SNAPSHOT_EVERY_EVENTS
                or room.durable_seq != room.state.seq or room.broken):
            return
        room.snapshot_seq = room.state.seq
        text = json.dumps(dump_snapshot(room.state), ensure_ascii=False, separators=(",", ":"))
        task = asyncio.create_task(self._save_snapshot(room.code, room.snapshot_seq, text))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _save_snapshot(self, code: str, seq: int, text: str) -> None:
        try:
            await self.store.save_snapshot(code, seq, text)
        except Exception as exc:  # a cache: the next restart replays a little more
            log.warning("could not keep a snapshot of %s: %s", code, exc)

    async def create_workshop(self, title: str, center: str, *, date: str = "",
                              program: dict[str, Any] | None = None,
                              code: str | None = None) -> str:
        """Record a new workshop (it is loaded on first use) and return its code."""
        if await self.store.count_workshops() >= limits.WORKSHOPS_MAX:
            raise Refusal("too_many_workshops", max=limits.WORKSHOPS_MAX)
        code = code or new_code()
        while await self.store.exists(code):
            code = new_code()
        args: dict[str, Any] = {"code": code, "title": title, "center": center,
                                "date": date or local_date(self.clock())}
        if program is not None:
            args["program"] = program
        events = decide(WorkshopState(), FACILITATOR, "create_workshop", args, self.clock())
        await self.store.append(code, events)
        return code

    def start_heartbeat(self) -> asyncio.Task[None]:
        return asyncio.create_task(self._heartbeat(), name="yoriai-heartbeat")

    async def _heartbeat(self) -> None:
        """One timer for every socket: tells each phone the link is alive, how far the
        workshop has got, and the server's clock (timers are shown against it)."""
        while True:
            await asyncio.sleep(limits.HEARTBEAT_SECS)
            now = self.clock()
            for room in list(self.rooms.values()):
                beat = {"type": "heartbeat", "seq": room.durable_seq, "now": now}
                for sub in list(room.subscribers):
                    sub.deliver(beat)

    async def submit(self, room: Room, actor: Actor, command_id: str, name: str,
                     args: Mapping[str, Any]) -> Ack:
        """Carry out one command; returns once its events are durable and broadcast.
        Raises :class:`Refusal` (nothing changed) or :class:`ServerFault`."""
        key = (actor.key, command_id)
        done = room.commands.get(key)
        if done is not None:
            return done  # a retry: answered, not redone
        pending = room.inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        if room.broken:
            raise ServerFault("workshop unloaded")

        events = decide(room.state, actor, name, args, self.clock())
        for e in events:
            apply(room.state, e)
            room.log.append(e)
        ack = Ack(room.state.seq, result_of(events))
        fut: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        room.inflight[key] = fut
        try:
            await self.store.append(room.code, events,
                                    CommandRecord(actor.key, command_id, ack.seq, ack.result))
        except Exception as exc:
            log.error("append failed for %s; unloading it: %s", room.code, exc)
            self.unload(room)
            fault = ServerFault(str(exc))
            fut.set_exception(fault)
            fut.exception()
            raise fault from exc
        finally:
            room.inflight.pop(key, None)
        room.commands[key] = ack
        room.publish_durable(ack.seq, self.clock())
        self.maybe_snapshot(room)
        fut.set_result(ack)
        return ack

    def unload(self, room: Room) -> None:
        """Forget a room whose memory may be ahead of the disk; its clients reconnect
        and get a snapshot of what is really stored."""
        room.broken = True
        if self.rooms.get(room.code) is room:
            del self.rooms[room.code]
        for sub in list(room.subscribers):
            sub.drop(1011, "server error")
        room.subscribers.clear()

    def close_all(self, code: int, reason: str) -> None:
        for room in self.rooms.values():
            for sub in list(room.subscribers):
                sub.drop(code, reason)
            room.subscribers.clear()
