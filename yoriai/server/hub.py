"""The live workshops: state in memory, the command path, and the broadcast path.

A command goes *receive → decide (pure) → apply → append (durable) → ack → broadcast*.
Deciding and applying happen without an ``await`` in between, so commands to one workshop
are serialised by the event loop itself; the append is awaited, and events are broadcast
strictly in ``seq`` order once they are on disk, never before.

A :class:`Room` is one loaded workshop. Its ``epoch`` names this load of it: a client that
resumes with events must have seen the same epoch, otherwise it gets a snapshot (after a
restart, seqs past the last commit may have been seen by a client and then lost).

When an append fails, the store refuses every later append of the workshop until the hub
has *rewound* the room: its state, log tail and command ids are put back to exactly what the
store holds (``store.recover``). Only the command whose own write failed gets
``server_error``; commands caught behind it, and those sent meanwhile, wait and are decided
again; every socket stays connected, and the epoch stays: nothing undurable was ever
shown to anyone (see ``Hub._restore``). A room is unloaded only when the store cannot even
be read back.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gc
import json
import logging
import secrets
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from yoriai.facilitation.commands import decide, effective_actor, result_of
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Wifi,
    WorkshopState,
    apply,
    replay,
    role_changed,
)
from yoriai.facilitation.snapshot import SnapshotError
from yoriai.facilitation.snapshot import dump as dump_snapshot
from yoriai.facilitation.snapshot import load as load_snapshot
from yoriai.facilitation.view import (
    PUBLIC,
    Lens,
    Personal,
    Touch,
    lens,
    lenses,
    personal_to,
    snapshot,
    touched,
    wire_event,
)

from . import limits
from .check import replay_until_damage
from .i18n import error_text
from .problems import WorkshopDamaged
from .store import CommandRecord, EventStore, Latest, WorkshopPoisoned, WorkshopSummary

log = logging.getLogger("yoriai.hub")

# Close code for the oldest of a person's sockets when they open one too many: the page
# shows that it was opened elsewhere and does not reconnect on its own.
CLOSE_REPLACED = 4002


def _retrieved(task: asyncio.Future[Any]) -> None:
    """Mark a finished command's outcome seen (its sender may have gone away)."""
    if not task.cancelled():
        task.exception()


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


# The event whose table upserts are coalesced with the head count: a join seats the
# newcomer at a table (tables.py), so to the room it says "one more" and the table's new
# seat count and names, and a join storm would otherwise send every phone one table view
# per arrival.
SEATING_EVENT = "ParticipantJoined"


def count_only(message: dict[str, Any]) -> bool:
    """Whether a live message says nothing but the head count, and for a join its table's
    new seats (to anyone but the facilitators and the joiner): such messages are coalesced
    (``Room.flush_counts``)."""
    data = message["data"]
    workshop, upsert = data.get("workshop"), data.get("upsert")
    if workshop is None or workshop.keys() != {"participant_count"}:
        return False
    if upsert is None:
        return len(data) == 1
    return (len(data) == 2 and message["event"] == SEATING_EVENT
            and upsert.keys() == {"tables"})

Clock = Callable[[], float]


class Subscriber(Protocol):
    """A connection as the hub sees it: whom it shows, and a non-blocking send."""

    actor: Actor
    sent_seq: int
    lang: str  # of the hello: for what the hub itself tells the phone
    beat_slot: int  # when in the heartbeat's round it is beaten (HEARTBEAT_SLOTS)

    def deliver(self, message: dict[str, Any]) -> None: ...

    def deliver_text(self, text: str) -> None: ...

    def drop(self, code: int, reason: str) -> None: ...


# How the fan-out sends a subscriber a message: at once, its ``deliver_now`` when it has
# one (a Connection: written at once when nothing waits ahead of it), else its
# ``deliver_text``; and queued, its ``deliver_text``. Bound once, when it subscribes.
Send = Callable[[str], None]


def senders_of(sub: Subscriber) -> tuple[Send, Send]:
    now: Send | None = getattr(sub, "deliver_now", None)
    return (now if now is not None else sub.deliver_text), sub.deliver_text


# Runs a callback after a delay (``loop.call_later``); the room's head counts use it.
Schedule = Callable[[float, Callable[[], None]], object]


@dataclass
class Ack:
    seq: int
    result: dict[str, Any]


class ServerFault(Exception):
    """This command's events could not be made durable: the command failed, nothing of it
    is kept, and the room is fine (put back to its durable log). Not remembered: a retry
    with the same id is decided afresh and may succeed."""


# A refused command's id is remembered with its refusal, so that a retry of the same id
# (after a reconnect) gets the same answer, not a late success decided against a later
# state. Per actor, the newest this many: a phone resends only the commands it has had no
# answer to — what it queued while offline, a handful — so 64 covers every honest retry,
# and an actor that floods refusals pushes out only its own. (Phones that have not joined
# share one actor; a join refused long ago may then be decided again.) In memory only:
# after a restart a refused id is decided again (docs/protocol.md says so).
REFUSALS_PER_ACTOR = 64

# A command decided on top of an append that failed fails unwritten with it (the store
# refuses to write past a failed seq) though nothing is wrong with it: it is decided again,
# after the room is put back, up to this many times. Each time some other command's own
# write failed (a phone whose write fails again and again, a full disk); a few rounds let a
# bystander through the first, and bound its wait on the second.
TAIL_RETRIES = 5


class RefusalMemory:
    """Refused command ids per actor, with the refusal and the seq it was decided at."""

    def __init__(self) -> None:
        self._by_actor: dict[str, OrderedDict[str, tuple[Refusal, int]]] = {}

    def recall(self, actor_key: str, command_id: str) -> Refusal | None:
        ids = self._by_actor.get(actor_key)
        kept = None if ids is None else ids.get(command_id)
        return None if kept is None else Refusal(kept[0].code, **kept[0].params)

    def remember(self, actor_key: str, command_id: str, refusal: Refusal, seq: int) -> None:
        ids = self._by_actor.setdefault(actor_key, OrderedDict())
        ids[command_id] = (refusal, seq)
        ids.move_to_end(command_id)
        while len(ids) > REFUSALS_PER_ACTOR:
            ids.popitem(last=False)

    def forget_after(self, seq: int) -> None:
        """Drop refusals decided against a state past ``seq``: it has been rewound, and
        they were answers to events that are no longer there."""
        for ids in self._by_actor.values():
            for command_id in [c for c, (_, at) in ids.items() if at > seq]:
                del ids[command_id]


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
    # An ordered set (a dict): the oldest connection of a person is the first one. Each with
    # how the fan-out sends it a message at once and queued (``senders_of``).
    subscribers: dict[Subscriber, tuple[Send, Send]] = field(default_factory=dict)
    refusals: RefusalMemory = field(default_factory=RefusalMemory)
    # Set while the room is being put back to its durable log after a failed append.
    rewinding: asyncio.Future[None] | None = None
    broken: bool = False  # unloaded: the store could not be read back
    # What the room has been shown: the state after every durable event and no other (a
    # copy of ``state``, which may run ahead by the events still being written). Every
    # snapshot and patch is built from it, so no one is ever shown an event that is not
    # on disk, and each event's patch is judged against the state right after it.
    shown: WorkshopState = field(init=False)
    # The published events with what each touched (taken just before it was applied to
    # ``shown``): a resuming phone is sent its patches.
    published: deque[tuple[Event, Touch]] = field(
        default_factory=lambda: deque(maxlen=limits.RESUME_WINDOW_EVENTS))

    # Head counts (and a join's table seats) not sent yet (see COUNT_EVERY_SECS): the
    # phones that are owed them, each with the seq from which it is owed; the seq and type
    # of the latest such event; the tables those events touched, each with the seq of the
    # latest. A timer sends each phone one message, built from ``shown`` then: the count
    # and the tables it is owed. So does anything else sent to such a phone (first, so that
    # no phone is shown an older count or table after a newer one). Without a ``schedule``
    # (tests driving a room by hand) ``flush_counts`` is called by whoever drives it.
    count_due: dict[Subscriber, int] = field(default_factory=dict)
    # The same, owed to everyone at once (a join storm in a room without tables): the seq
    # from which every phone of the public board is owed the count, None when it is not;
    # and the phones that have had it since (a snapshot, what they were owed ahead of
    # another message, their own event). Such an event is then sent to the few who see
    # more of it (the staff, the joiner), and costs nothing per other phone: a room of 1,000
    # filling up used to visit every phone for every join.
    count_all: int | None = None
    count_paid: set[Subscriber] = field(default_factory=set)
    count_seq: int = 0
    count_event: str = ""
    owed_tables: dict[str, int] = field(default_factory=dict)
    schedule: Schedule | None = None
    count_timer: bool = False
    # The subscribers of each participant (their phone, tablet, a dying socket).
    by_person: dict[str, dict[Subscriber, None]] = field(default_factory=dict)
    # The subscribers who see as staff (facilitators, co-facilitators), in order.
    staff: dict[Subscriber, None] = field(default_factory=dict)
    # The snapshot message of the public board (a phone not joined yet, the projector) at
    # the seq it was built for, encoded once: when the QR code goes up, hundreds of phones
    # subscribe between two commits, and each was sent the same snapshot built anew.
    _public_snapshot: tuple[int, str] | None = field(default=None, init=False)
    _person_of: dict[Subscriber, str] = field(default_factory=dict)
    # Called after each broadcast while a console asks for grouping suggestions
    # (suggestions.py debounces it and works them out in another process).
    on_published: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        self.shown = self.state.copy()  # a room is made from a state that is all durable

    def events_since(self, seq: int) -> list[tuple[Event, Touch]] | None:
        """The published events after ``seq``, or None when they are no longer all in
        memory (or ``seq`` was never published)."""
        if seq > self.shown.seq:
            return None
        if seq == self.shown.seq:
            return []
        if not self.published or self.published[0][0].seq > seq + 1:
            return None
        return [(e, t) for e, t in self.published if e.seq > seq]

    def subscribe(self, sub: Subscriber, resume_epoch: str | None, last_seq: int | None,
                  now: float) -> None:
        """Register ``sub`` and send it what it needs to be current, atomically: nothing
        can be broadcast between the read and the registration.

        A resuming phone gets the events it missed as patches, unless one of them changed
        someone's role: its view may have been built for another role than the one it has
        now (made つむぎすと, revoked, removed while it was away), and patches only touch
        what an event touched, so it starts over with a snapshot."""
        sub.actor = effective_actor(self.shown, sub.actor)  # its role as shown to the room
        missed = None
        if resume_epoch == self.epoch and last_seq is not None:
            missed = self.events_since(last_seq)
            if missed is not None and any(role_changed(e) for e, _ in missed):
                missed = None
        self._make_room_for(sub)
        sub.deliver({"type": "welcome", "epoch": self.epoch, "role": sub.actor.role.value,
                     "participant_id": sub.actor.participant_id, "now": now})
        if missed is None:
            if sub.actor.participant_id is None and not sub.actor.privileged:
                sub.deliver_text(self.public_snapshot())
            else:
                sub.deliver({"type": "snapshot", "seq": self.shown.seq,
                             "state": snapshot(self.shown, sub.actor)})
            sub.sent_seq = self.shown.seq
        else:
            # Each patch is judged against the state now, with what its event touched as
            # it was then: the phone ends with exactly a fresh snapshot's view.
            sub.sent_seq = last_seq or 0
            for e, touch in missed:
                msg = wire_event(e, self.shown, sub.actor, touch)
                sub.sent_seq = e.seq
                if msg is not None:
                    sub.deliver(msg)
            sub.deliver({"type": "synced", "seq": sub.sent_seq})
        self.subscribers[sub] = senders_of(sub)
        if self.count_all is not None:
            self.count_paid.add(sub)  # what it was just sent has the count as it is now
        if sub.actor.privileged:
            self.staff[sub] = None
        pid = sub.actor.participant_id
        if pid is not None:
            self.by_person.setdefault(pid, {})[sub] = None
            self._person_of[sub] = pid

    def public_snapshot(self) -> str:
        """The encoded snapshot message of someone who is no one yet (``PROJECTOR``): built
        from ``shown``, which changes only as events are published, so it holds for a seq."""
        seq = self.shown.seq
        cached = self._public_snapshot
        if cached is None or cached[0] != seq:
            cached = self._public_snapshot = (seq, encode(
                {"type": "snapshot", "seq": seq, "state": snapshot(self.shown, PROJECTOR)}))
        return cached[1]

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.pop(sub, None)
        self.count_due.pop(sub, None)  # whatever it is sent next starts it afresh
        self.count_paid.discard(sub)
        self.staff.pop(sub, None)
        pid = self._person_of.pop(sub, None)
        if pid is not None:
            mine = self.by_person.get(pid)
            if mine is not None:
                mine.pop(sub, None)
                if not mine:
                    del self.by_person[pid]

    def flush_counts(self) -> None:
        """Send every phone that is owed the head count (and tables) what it is owed."""
        self.count_timer = False
        built: dict[Any, Any] = {}
        due = self.count_due
        if self.count_all is not None:
            for sub in self.subscribers:
                if sub not in due and self._owed_by_all(sub):
                    due[sub] = self.count_all
        for sub, since in due.items():
            sub.deliver_text(self._owed(sub, since, built))
        self.forget_counts()

    def forget_counts(self) -> None:
        """No one is owed a count any more (sent, or no one left to send it to)."""
        self.count_due.clear()
        self.count_all = None
        self.count_paid.clear()
        self.owed_tables.clear()

    def _owed_by_all(self, sub: Subscriber) -> bool:
        """Whether ``sub`` is owed the count owed to the whole public board."""
        return (self.count_all is not None and sub not in self.count_paid
                and not sub.actor.privileged)

    def _owes(self, sub: Subscriber) -> int | None:
        """The seq from which ``sub`` is owed the count, if it is; it is then taken as sent
        (the caller sends it)."""
        since = self.count_due.pop(sub, None)
        if self.count_all is not None:
            if since is None and self._owed_by_all(sub):
                since = self.count_all
            self.count_paid.add(sub)
        return since

    def _owed(self, sub: Subscriber, since: int, built: dict[Any, Any]) -> str:
        """The one message that brings ``sub`` up to date with the coalesced events since
        ``since``: the head count now, and the tables they touched as ``sub`` sees them now
        (every event up to ``shown`` has been handed to every phone, so nothing later is
        shown early), under the seq of the latest of them. Built once per audience and set
        of tables (``built``, a cache for one pass over the phones)."""
        tables: frozenset[str] | None = built.get(since)
        if tables is None:
            tables = built[since] = frozenset(
                t for t, seq in self.owed_tables.items() if seq >= since)
        key = lens(self.shown, sub.actor, Personal(frozenset(), frozenset(tables)))
        text: str | None = built.get((key, tables))
        if text is None:
            touch = Touch(ids={"tables": set(tables)} if tables else {}, count=True)
            event = Event(self.count_seq, self.count_event, {}, 0.0, "")
            msg = wire_event(event, self.shown, key, touch)
            assert msg is not None  # the count, at least
            text = built[(key, tables)] = encode(msg)
        return text

    def _make_room_for(self, sub: Subscriber) -> None:
        """At most CONNECTIONS_PER_PARTICIPANT sockets per person: close the oldest."""
        pid = sub.actor.participant_id
        if pid is None:
            return
        same = [s for s in self.by_person.get(pid, ()) if s is not sub]
        for old in same[: max(0, len(same) - limits.CONNECTIONS_PER_PARTICIPANT + 1)]:
            self.unsubscribe(old)
            old.drop(CLOSE_REPLACED, "opened elsewhere")

    def publish_durable(self, up_to: int, now: float, first: Subscriber | None = None,
                        then: Callable[[], None] | None = None, direct: bool = False) -> None:
        """Broadcast every applied event up to ``up_to`` not yet broadcast, in order. Each
        message is built and encoded once per audience, from the audience's lens (see
        ``view.lens``), not once per phone: a post in a room of 500 is a handful of
        encodings, and every phone of an audience is sent what it alone would be sent.

        ``first`` (the socket whose command this is) is sent its events before anyone
        else, and ``then`` (which sends it its ack) is called right after its last one,
        before anyone else is sent that event: the event and the ack leave in one frame,
        ahead of the fan-out to everyone else.

        ``direct``: the events are written to each phone as its message is known
        (``deliver_now``) rather than queued for the end of the turn. For a post alone in
        its commit (a calm room): the first phones read it while the loop works out the
        last ones'. Not when several commits are published in one turn (a busy room): then
        each phone's messages are queued and leave as one frame.

        A message that carries only the head count is not sent at once but coalesced
        (``flush_counts``): a phone gets the latest count a few times a second at most."""
        if up_to <= self.durable_seq:
            if then is not None:
                then()
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
        last = fresh[-1] if fresh else None
        for e in fresh:
            touch = touched(e, self.shown)
            apply(self.shown, e)
            self.published.append((e, touch))
            personal = personal_to(self.shown, touch)
            lens_of = lenses(self.shown, personal)
            # That person's phones start over below, with a snapshot for their new role.
            # Someone's role changed (declared with the event): their connections need a
            # fresh view; a removed person's go on as the public board's.
            restart = role_changed(e)
            # Per lens: the encoded message (None: nothing to tell) and whether it is only
            # the head count.
            encoded: dict[Lens, tuple[str | None, bool]] = {}
            owed: dict[Any, Any] = {}  # what the phones owed a count are sent first
            coalesced = False
            due = self.count_due
            # The sender first, on its own (its messages queued, for its ack to join them);
            # then everyone else, each sent at once or queued (``direct``).
            head: list[tuple[Subscriber, tuple[Send, Send]]] = []
            if first is not None and first in self.subscribers:
                head = [(first, (first.deliver_text, first.deliver_text))]
            # Every phone but the staff's and those of the people the event names sees the
            # public board's patch (``view.lenses``), when the room has no tables: worked
            # out once for them all, not per phone (``plain`` below).
            public_board = (not self.shown.tables and personal.people is not None
                            and restart is None)
            people = personal.people or frozenset()
            plain: list[tuple[Subscriber, Send]] = []
            way = 0 if direct else 1
            if public_board and self._count_only_for_public(e, touch, encoded):
                # Only the head count for the public board (someone joined): sent to those
                # who see more of it (the sender, the staff, the people it names); every
                # other phone is owed the count, at once (``count_all``), and is not even
                # listed here.
                if self.count_all is None:
                    self.count_all = e.seq
                self.count_paid.clear()
                rest = [(sub, self.subscribers[sub]) for sub in self._seeing_more(people)
                        if sub is not first]
                coalesced = True
            elif public_board and not due and self.count_all is None:
                # Nothing owed to anyone either: those who see more of it go one by one,
                # first, and the rest get the public board's message (``plain``).
                more = self._seeing_more(people)
                rest = [(sub, self.subscribers[sub]) for sub in more if sub is not first]
                seen = set(more)
                if first is not None:
                    seen.add(first)
                plain = [(sub, sends[way]) for sub, sends in self.subscribers.items()
                         if sub not in seen]
            elif head:
                rest = [pair for pair in self.subscribers.items() if pair[0] is not first]
            else:
                rest = list(self.subscribers.items())
            # Looked up once, not per phone: the whole board owed a count, and whether this
            # event's own patch carries it.
            owed_all = self.count_all is not None
            pays = owed_all and (touch.count or touch.workshop)
            for group in (head, rest):
                for sub, sends in group:
                    if e.seq <= sub.sent_seq:
                        continue  # already in the snapshot it was sent
                    sub.sent_seq = e.seq
                    if restart is not None and sub.actor.participant_id == restart:
                        continue
                    key = lens_of(sub.actor)
                    got = encoded.get(key)
                    if got is None:
                        msg = wire_event(e, self.shown, key, touch)
                        got = encoded[key] = ((None, False) if msg is None
                                              else (encode(msg), count_only(msg)))
                    text, only_count = got
                    if text is None:
                        continue
                    if only_count:
                        if sub not in due:
                            due[sub] = e.seq
                        coalesced = True
                        continue
                    send = sends[way]
                    if sub in due or (owed_all and self._owed_by_all(sub)):
                        # What it is owed, first: built from the state after this event
                        # (its own patch follows at once, in the same turn), under the
                        # seq of the last coalesced event, which is older than this one.
                        since = self._owes(sub)
                        assert since is not None
                        send(self._owed(sub, since, owed))
                    elif pays:
                        self.count_paid.add(sub)  # this event's patch has the count
                    send(text)
                if group is head and e is last and then is not None:
                    then()
                    then = None
            public = encoded[PUBLIC][0] if plain else None
            if public is not None:
                # The one loop most of a room's phones go through for each post, kept to
                # what each needs: not sent this event yet (its snapshot may be newer), and
                # the message.
                seq = e.seq
                for sub, send in plain:
                    if seq > sub.sent_seq:
                        sub.sent_seq = seq
                        send(public)
            elif plain:
                for sub, _ in plain:
                    sub.sent_seq = max(sub.sent_seq, e.seq)  # nothing to tell them
            if coalesced:
                self.count_seq, self.count_event = e.seq, e.type
                tables = touch.ids.get("tables")
                if isinstance(tables, set):  # a join's seat (never ALL: that is a replace)
                    for table in tables:
                        self.owed_tables[table] = e.seq
                if self.schedule is not None and not self.count_timer:
                    self.count_timer = True
                    self.schedule(limits.COUNT_EVERY_SECS, self.flush_counts)
            if restart is not None:
                self.refresh(restart, now)
        if then is not None:
            then()
        if self.on_published is not None:
            self.on_published()

    def _count_only_for_public(self, e: Event, touch: Touch,
                               encoded: dict[Lens, tuple[str | None, bool]]) -> bool:
        """Whether the public board's patch of ``e`` is the head count alone (kept in
        ``encoded``, the event's messages by lens)."""
        got = encoded.get(PUBLIC)
        if got is None:
            msg = wire_event(e, self.shown, PUBLIC, touch)
            got = encoded[PUBLIC] = (None, False) if msg is None else (encode(msg),
                                                                        count_only(msg))
        return got[0] is not None and got[1]

    def _seeing_more(self, people: frozenset[str] | set[str]) -> list[Subscriber]:
        """The subscribers who may see more of an event than the public board: the staff,
        and the phones of the people it names."""
        found = dict(self.staff)
        for pid in people:
            found.update(self.by_person.get(pid, {}))
        return list(found)

    def refresh(self, participant_id: str, now: float) -> None:
        """A participant's role changed (つむぎすと granted or revoked, or removed): what
        they may see changed too, so their connections start over with a snapshot."""
        for sub in list(self.by_person.get(participant_id, ())):
            if sub.actor.participant_id == participant_id:
                self.unsubscribe(sub)
                sub.actor = effective_actor(self.shown, sub.actor)
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
        # Workshops whose stored log does not replay, as found when loading them: not read
        # again on every request (repairing needs the server stopped anyway).
        self.damaged: dict[str, WorkshopDamaged] = {}
        self._loading: dict[str, asyncio.Future[Room | None]] = {}
        self._background: set[asyncio.Task[None]] = set()
        # The server's Wi-Fi (``yoriai serve --wifi``), given to every state it loads: the
        # header view shows it where a workshop has not set its own (facilitation/venue.py).
        self.default_wifi: Wifi | None = None

    async def room(self, code: str) -> Room | None:
        """The loaded workshop ``code``, loading it from the store on first use (a
        workshop made by ``yoriai new`` while the server runs is served at once); None if
        there is no such workshop. Raises :class:`WorkshopDamaged` when its stored log
        does not replay."""
        room = self.rooms.get(code)
        if room is not None:
            return room
        if (damaged := self.damaged.get(code)) is not None:
            raise damaged
        pending = self._loading.get(code)
        if pending is not None:
            return await asyncio.shield(pending)
        fut: asyncio.Future[Room | None] = asyncio.get_running_loop().create_future()
        self._loading[code] = fut
        try:
            state, latest = await self._load(
                code, lambda use_snapshot: self.store.load_latest(code, use_snapshot))
            if not state.exists:
                fut.set_result(None)
                return None
            state.default_wifi = self.default_wifi
            room = Room(code=code, state=state, schedule=asyncio.get_running_loop().call_later)
            self._fill(room, latest)
            self.rooms[code] = room
            # The loaded state lives as long as the room: keep it out of the collector's
            # full passes, which otherwise stall the loop (~100 ms at 1,000 phones).
            gc.freeze()
            fut.set_result(room)
            return room
        except BaseException as exc:
            if isinstance(exc, WorkshopDamaged):
                log.error("%s", exc)
                self.damaged[code] = exc
            fut.set_exception(exc)
            fut.exception()  # retrieved: waiters re-raise it
            raise
        finally:
            del self._loading[code]

    async def _load(self, code: str, read: Callable[[bool], Awaitable[Latest]]
                    ) -> tuple[WorkshopState, Latest]:
        """The state the store holds for ``code``: its latest snapshot with the events
        after it replayed, or the whole log when the snapshot cannot be used (another
        version, damaged, or not where the log continues). Raises
        :class:`WorkshopDamaged` when the log does not replay."""
        try:
            latest = await read(True)
        except ValueError as exc:  # a stored row that is not JSON
            raise WorkshopDamaged(code, f"a stored record cannot be read ({exc})") from exc
        if latest.snapshot is not None:
            try:
                start = load_snapshot(latest.snapshot)
                if latest.events and latest.events[0].seq != start.seq + 1:
                    raise SnapshotError("the log does not continue from the snapshot")
                replayed = replay_until_damage(latest.events, start)
                if replayed.damage is None:
                    return replayed.state, latest
                raise SnapshotError(replayed.damage)
            except SnapshotError as exc:
                log.warning("ignoring the snapshot of %s: %s", code, exc)
            try:
                latest = await read(False)
            except ValueError as exc:
                raise WorkshopDamaged(code, f"a stored record cannot be read ({exc})") from exc
        replayed = replay_until_damage(latest.events)
        if replayed.damage is not None:
            raise WorkshopDamaged(code, replayed.damage)
        return replayed.state, latest

    @staticmethod
    def _fill(room: Room, latest: Latest) -> None:
        """The rest of a room (re)loaded at ``room.state``: log tail, seqs, command ids."""
        room.log.clear()
        room.log.extend(latest.events)
        room.durable_seq = room.snapshot_seq = room.state.seq
        room.commands = {(c.actor, c.command_id): Ack(c.seq, c.result)
                         for c in latest.commands}

    def maybe_snapshot(self, room: Room) -> None:
        """Every SNAPSHOT_EVERY_EVENTS, keep the state, taken at a moment when memory and
        disk agree (nothing applied is still waiting to be committed)."""
        if (room.state.seq - room.snapshot_seq < limits.SNAPSHOT_EVERY_EVENTS
                or room.durable_seq != room.state.seq or room.broken
                or room.rewinding is not None):
            return
        room.snapshot_seq = room.state.seq
        text = json.dumps(dump_snapshot(room.state), ensure_ascii=False, separators=(",", ":"))
        self._in_background(self._save_snapshot(room.code, room.snapshot_seq, text))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _save_snapshot(self, code: str, seq: int, text: str) -> None:
        try:
            # Through the one writer, after the events it covers; reported saved only
            # once committed.
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
        summary = WorkshopSummary.of(code, replay(events), events[-1].at)
        try:
            await self.store.append(code, events, summary=summary)
        except Exception:
            with contextlib.suppress(Exception):
                await self.store.recover(code)  # nothing of it was written: may try again
            raise
        return code

    def start_heartbeat(self) -> asyncio.Task[None]:
        return asyncio.create_task(self._heartbeat(), name="yoriai-heartbeat")

    async def _heartbeat(self) -> None:
        """One timer for every socket: tells each phone the link is alive, how far the
        workshop has got, and the server's clock (timers are shown against it). Each phone
        has a slot (``beat_slot``); one slot is beaten at a time (HEARTBEAT_SLOTS)."""
        slot = 0
        while True:
            await asyncio.sleep(limits.HEARTBEAT_SECS / limits.HEARTBEAT_SLOTS)
            slot = (slot + 1) % limits.HEARTBEAT_SLOTS
            now = self.clock()
            for room in list(self.rooms.values()):
                # Encoded once for the room's slot, not per phone: the same str to each
                # (whose frame the connections then build once too).
                beat = encode({"type": "heartbeat", "seq": room.durable_seq, "now": now})
                for sub in list(room.subscribers):
                    if sub.beat_slot % limits.HEARTBEAT_SLOTS == slot:
                        sub.deliver_text(beat)

    async def submit(self, room: Room, actor: Actor, command_id: str, name: str,
                     args: Mapping[str, Any], origin: Subscriber | None = None,
                     reply: Callable[[Ack], None] | None = None) -> Ack:
        """Carry out one command; returns once its events are durable and broadcast.
        Raises :class:`Refusal` (nothing changed; a retry of the same id gets the same
        refusal) or :class:`ServerFault` (this command could not be stored, nothing of it
        is kept, the room is fine; a retry may succeed).

        ``origin``, the socket that sent it, is sent its events before anyone else, and
        ``reply`` is called with the ack (once, before this returns) the moment the events
        are broadcast, with no hop through the event loop in between: the ack is queued
        right behind the sender's own events and goes out in the same frame, ahead of
        the rest of the room's fan-out."""
        answered = False

        def answer(ack: Ack) -> None:
            nonlocal answered
            if reply is not None and not answered:
                answered = True
                reply(ack)

        ack = await self._submit(room, actor, command_id, name, args, origin, answer)
        answer(ack)  # a retry answered from memory, or one that waited for the first try
        return ack

    def known(self, room: Room, actor: Actor, command_id: str) -> bool:
        """Whether ``command_id`` from ``actor`` has been answered (or is being carried
        out): a retry that :meth:`submit` answers from memory, not a new command."""
        key = (actor.key, command_id)
        return (key in room.commands or key in room.inflight
                or room.refusals.recall(actor.key, command_id) is not None)

    async def _submit(self, room: Room, actor: Actor, command_id: str, name: str,
                      args: Mapping[str, Any], origin: Subscriber | None,
                      answer: Callable[[Ack], None]) -> Ack:
        while room.rewinding is not None:
            await asyncio.shield(room.rewinding)
        key = (actor.key, command_id)
        done = room.commands.get(key)
        if done is not None:
            return done  # a retry: answered, not redone
        refused = room.refusals.recall(actor.key, command_id)
        if refused is not None:
            raise refused  # a retry of a refused command: the same answer
        pending = room.inflight.get(key)
        if pending is None:
            if room.broken:
                raise ServerFault("workshop unloaded")
            # In a task of its own: once decided, a command is carried through (stored,
            # recorded, broadcast) even if its sender goes away meanwhile; a retry of the
            # same id waits for it.
            pending = asyncio.ensure_future(
                self._carry_out(room, actor, key, name, dict(args), origin, answer))
            pending.add_done_callback(_retrieved)
            room.inflight[key] = pending
        return await asyncio.shield(pending)

    async def _carry_out(self, room: Room, actor: Actor, key: tuple[str, str], name: str,
                         args: dict[str, Any], origin: Subscriber | None,
                         answer: Callable[[Ack], None]) -> Ack:
        try:
            for _ in range(TAIL_RETRIES + 1):
                while room.rewinding is not None:
                    # Nothing is decided against a state that is being put back.
                    await asyncio.shield(room.rewinding)
                if room.broken:
                    raise ServerFault("workshop unloaded")
                # From here to the append being queued there is no await: commands to one
                # workshop are decided, applied and queued in one order.
                try:
                    events = decide(room.state, actor, name, args, self.clock())
                except Refusal as exc:
                    room.refusals.remember(key[0], key[1], exc, room.state.seq)
                    raise
                try:
                    for e in events:
                        apply(room.state, e)
                        room.log.append(e)
                except Exception as exc:
                    # The domain made an event it cannot apply: the state may be half-changed.
                    log.exception("%s of %s does not apply; putting it back", name, room.code)
                    self._rewind(room)
                    raise ServerFault(f"{name} does not apply") from exc
                ack = Ack(room.state.seq, result_of(events))
                summary = (WorkshopSummary.of(room.code, room.state, events[-1].at)
                           if events else None)
                try:
                    await self.store.append(room.code, events,
                                            CommandRecord(key[0], key[1], ack.seq, ack.result),
                                            summary)
                except WorkshopPoisoned:
                    # Decided on top of an append that failed: nothing is wrong with this
                    # command itself. Decide it again once the room is back.
                    self._rewind(room)
                    continue
                except Exception as exc:
                    log.error("could not store %s of %s (seq %d): %s", name, room.code,
                              ack.seq, exc)
                    self._rewind(room)
                    raise ServerFault(str(exc)) from exc
                room.commands[key] = ack

                def then(ack: Ack = ack) -> None:
                    try:
                        answer(ack)
                    except Exception:  # the sender's business; the command is done anyway
                        log.exception("answering %s of %s", name, room.code)

                # Written at once to each phone when this commit was alone in its fsync and
                # the writer had been idle before it (a calm room); otherwise queued, for
                # one frame a phone at the flusher's pace (a busy room).
                room.publish_durable(ack.seq, self.clock(), origin, then,
                                     direct=self.store.last_batch == 1 and self.store.last_calm)
                self.maybe_snapshot(room)
                return ack
            raise ServerFault("caught behind failed writes too often")
        finally:
            room.inflight.pop(key, None)

    def _rewind(self, room: Room) -> None:
        """Put ``room`` back to exactly its durable log, in the background; commands to it
        wait meanwhile. Once under way, a second failure joins it."""
        if room.rewinding is not None or room.broken:
            return
        room.rewinding = asyncio.get_running_loop().create_future()
        self._in_background(self._put_back(room))

    async def _put_back(self, room: Room) -> None:
        """The store's ``recover`` runs after every append of the room queued so far has
        committed or failed, so what it reads is final; the room keeps its sockets."""
        rewinding = room.rewinding
        assert rewinding is not None
        try:
            state, latest = await self._load(
                room.code, lambda use_snapshot: self.store.recover(room.code, use_snapshot))
        except Exception as exc:
            log.error("cannot put %s back to its stored log; unloading it: %s", room.code, exc)
            if isinstance(exc, WorkshopDamaged):
                self.damaged[room.code] = exc
            self.unload(room)
        else:
            self._restore(room, state, latest)
        finally:
            room.rewinding = None
            rewinding.set_result(None)

    def _restore(self, room: Room, state: WorkshopState, latest: Latest) -> None:
        now = self.clock()
        published = room.durable_seq
        state.default_wifi = self.default_wifi
        room.state = state
        self._fill(room, latest)
        # Committed events not broadcast yet (none in practice: their commands resume
        # before this) go out now.
        room.durable_seq = min(published, state.seq)
        room.publish_durable(state.seq, now)
        room.refusals.forget_after(state.seq)
        # The epoch stays, and no phone is sent anything: no one was ever shown an event
        # that is not durable (snapshots and patches are built from ``room.shown``), so
        # every seq a phone has seen still names the same event, and a phone may resume
        # by events as before. The seqs of the failed events are given to new ones.
        gc.freeze()
        log.warning("%s is back at its stored seq %d", room.code, state.seq)

    def unload(self, room: Room) -> None:
        """Forget a room whose store cannot be read back (a broken store, not a failed
        command); its clients reconnect and load it again, or are told it is damaged."""
        room.broken = True
        if self.rooms.get(room.code) is room:
            del self.rooms[room.code]
        for sub in list(room.subscribers):
            sub.drop(1011, "server error")
        room.subscribers.clear()
        room.forget_counts()

    def close_all(self, code: int, reason: str) -> None:
        for room in self.rooms.values():
            for sub in list(room.subscribers):
                sub.drop(code, reason)
            room.subscribers.clear()
            room.forget_counts()
