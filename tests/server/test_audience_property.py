"""Property, through the hub's real sharing: for every event and every connected phone, the
view the phone has built from what it was sent equals a fresh snapshot for it, and no phone
is ever sent the id of a note it could not see.

The hub's real :class:`Room` broadcasts to in-memory subscribers (tests/server/audience_room.py)
and shares each encoded message between the phones of one audience exactly as in production.
Hypothesis draws what happens: any command from anyone (refused ones included), the store
lagging behind by a few events (published later, one at a time), and phones that drop and
resume (with their epoch and last seq) or come back afresh, and whose role changes while they
are away (or while they are connected): made つむぎすと or no longer, made a table's host or
no longer, moved to another table.
The phones: the console (also entering for a person without a phone, 代理入力), the
projector, a phone that has not joined yet (and may), two sockets of one participant, a
plain participant, and a つむぎすと; the authors of hidden and private notes are among them
from the start. Half the evenings are at two tables, each with its host (p1 and p2, each
with a private note of their own table's to see), the person without a phone seated at one;
the random commands make, remake and rename tables, seat people, change hosts, start rounds
and switch 共感 to per table. Beside "no note it could not see", the rule of tables is
checked on its own: a phone is never sent another table's private note. The evening has a
map with notes placed on it (hidden, private and a proxy's among them), and the random
commands add, replace and remove the map and place notes: a phone is never sent the place of
a note it could not see, nor a place the note did not have.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.board import normalised
from tests.random_commands import command, map_command
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    apply,
    place_of,
)
from yoriai.facilitation.view import snapshot
from yoriai.facilitation.visibility import can_see_note

from .audience_room import Phone, RoomDriver

# `make test` runs a quick pass (a few seconds); YORIAI_THOROUGH=1 runs many more (minutes).
settings.register_profile("audiences", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("audiences-thorough", max_examples=1500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile(
    "audiences-thorough" if os.environ.get("YORIAI_THOROUGH") else "audiences")

# Which participant each phone speaks for (None: not joined yet).
PHONES: dict[str, str | None] = {"console": None, "screen": None, "newcomer": None,
                                 "p1": "p1", "p1-tablet": "p1", "p2": "p2", "p3": "p3"}
NOTE_ID = re.compile(r'"(n\d+)"')
MAP_EVENTS = frozenset({"MapAdded", "MapRemoved", "NotePlaced", "MapViewSet"})


@dataclass
class Oracle:
    """The workshop replayed on its own, one state kept per seq: what each phone should
    have, and what it could see at any moment."""

    states: list[WorkshopState] = field(default_factory=lambda: [WorkshopState()])

    def add(self, event: Event) -> None:
        self.states.append(apply(self.states[-1].copy(), event))
        assert self.states[-1].seq == len(self.states) - 1


@dataclass
class Device:
    phone: Phone
    pid: str | None  # whom it speaks for, whatever its role now
    online: bool = True


def expected_actor(device: Device, name: str, state: WorkshopState) -> Actor:
    if name == "console":
        return FACILITATOR
    pid = device.pid
    if pid is None or pid not in state.participants:
        return PROJECTOR  # not joined, or removed
    if pid in state.cofacilitators:
        return Actor(Role.COFACILITATOR, pid)
    return Actor(Role.TABLE_HOST if place_of(state, pid).host else Role.PARTICIPANT, pid)


def another_tables_private(device: Device, name: str, state: WorkshopState,
                           note_id: str) -> bool:
    """The rule of tables, on its own: ``note_id`` is, at ``state``, a private note of a
    table where this phone's person is not the host (and not its author), and the phone is
    not the staff's. Such a note must never reach the phone."""
    note = state.notes.get(note_id)
    actor = expected_actor(device, name, state)
    if note is None or not note.private or note.table is None or actor.privileged:
        return False
    pid = actor.participant_id
    return note.author != pid and state.tables[note.table].host != pid


def could_see(device: Device, name: str, state: WorkshopState) -> set[str]:
    """The note ids a device may be told of at ``state``: those it may see, and those it
    gave 共感 to (its own ``me`` lists them)."""
    actor = expected_actor(device, name, state)
    ids = {n.id for n in state.notes.values() if can_see_note(state, n, actor)}
    if actor.participant_id is not None:
        ids |= set(state.votes.get(actor.participant_id, {}))
    return ids


def pins_in(message: Any) -> Iterator[tuple[str, Any]]:
    """Every note view in a message, anywhere: its id and its ``pin``."""
    if isinstance(message, dict):
        if "pin" in message and isinstance(message.get("id"), str):
            yield message["id"], message["pin"]
        for value in message.values():
            yield from pins_in(value)
    elif isinstance(message, list):
        for value in message:
            yield from pins_in(value)


def could_see_pin(device: Device, name: str, state: WorkshopState, note_id: str,
                  pin: Any) -> bool:
    note = state.notes.get(note_id)
    if note is None or not can_see_note(state, note, expected_actor(device, name, state)):
        return False
    return bool(pin == (None if note.pin is None else {"x": note.pin.x, "y": note.pin.y}))


class Evening:
    def __init__(self) -> None:
        self.d = RoomDriver()
        self.oracle = Oracle()
        self.published = 0
        self.devices: dict[str, Device] = {}
        self.started = False

    # --- what happens -------------------------------------------------------------------

    def command(self, actor: Actor, name: str, args: dict[str, Any], publish: bool) -> None:
        try:
            events = self.d.run(actor, name, publish=False, **args)
        except Refusal:
            return
        for e in events:
            self.oracle.add(e)
            if e.type in MAP_EVENTS and self.started:  # what was exercised (statistics)
                event(f"map work: {e.type}")
        if publish:
            self.flush()

    def flush(self) -> None:
        """The store catches up: events are published one at a time, each checked."""
        while self.published < self.d.state.seq:
            self.published += 1
            self.watch(lambda: self.d.publish(self.published), self.published - 1)
            assert self.d.room.shown == self.oracle.states[self.published]

    def connect(self, name: str, resume: bool) -> None:
        device = self.devices[name]
        if device.online:
            self.d.disconnect(device.phone)
        since = device.phone.board.seq if resume and device.phone.board.epoch else self.published
        device.online = True
        self.watch(lambda: self.d.connect(device.phone, resume=resume), min(since, self.published),
                   only=name)
        if resume:  # what was exercised (--hypothesis-show-statistics)
            last = device.phone.texts[-1]
            event("resumed by events" if '"type":"synced"' in last else "resumed with a snapshot")

    def drop(self, name: str) -> None:
        device = self.devices[name]
        if device.online:
            self.d.disconnect(device.phone)
            device.online = False

    def role_change_while_away(self, name: str, what: str) -> None:
        """The phone sleeps; its person is made つむぎすと (or stops being one), or a table's
        host (or stops being one), or moves to another table; it resumes."""
        pid = self.devices[name].pid
        state = self.d.state
        if pid is None or pid not in state.participants:
            return
        self.drop(name)
        place = place_of(state, pid)
        if what == "host" and state.tables:
            table = place.table or next(iter(state.tables))
            self.command(FACILITATOR, "set_table_host",
                         {"table_id": table, "participant_id": None if place.host else pid},
                         publish=True)
        elif what == "move" and state.tables:
            others = [t for t in state.tables if t != place.table]
            self.command(FACILITATOR, "seat", {"participant_id": pid,
                                               "table_id": others[0] if others else None},
                         publish=True)
        else:
            change = ("revoke_cofacilitator" if pid in state.cofacilitators
                      else "grant_cofacilitator")
            self.command(FACILITATOR, change, {"participant_id": pid}, publish=True)
        self.connect(name, resume=True)

    def join(self, name: str) -> None:
        device = self.devices[name]
        if device.pid is not None or not device.online:
            return
        self.flush()
        since = self.published
        phone = device.phone

        def joining() -> None:
            events = self.d.run(phone.actor, "join", publish=False, name="新しい人",
                                attribute="住民")
            for e in events:
                self.oracle.add(e)
            self.published = self.d.state.seq
            device.pid = events[0].data["participant_id"]
            self.d.publish()
            self.d.room.unsubscribe(phone)  # as ws.py: the connection starts afresh
            phone.actor = Actor(Role.PARTICIPANT, device.pid)
            self.d.room.subscribe(phone, None, None, self.d.now)

        self.watch(joining, since)

    # --- what must hold -----------------------------------------------------------------

    def watch(self, action: Any, since: int, only: str | None = None) -> None:
        """Run ``action``, then check every connected phone (or ``only`` one): its view is
        a fresh snapshot's, and what it was sent named no note it could not see at any
        moment from ``since`` to now."""
        sent = {name: len(dev.phone.texts) for name, dev in self.devices.items()}
        action()
        now = self.oracle.states[self.published]
        for name, device in self.devices.items():
            if not device.online or (only is not None and name != only):
                continue
            phone = device.phone
            assert phone.dropped is None or phone.dropped[0] == 4002, (name, phone.dropped)
            if phone.dropped is not None:  # replaced by a newer socket of the same person
                device.online = False
                continue
            expected = expected_actor(device, name, now)
            if phone.actor != expected:
                # Only while its removal is still being written: the hello could no longer
                # prove who it was, so it sees the public board meanwhile.
                assert phone.actor == PROJECTOR and device.pid not in self.d.state.participants
            assert phone.board.view.as_state() == normalised(snapshot(now, phone.actor)), name
            allowed: set[str] = set()
            window = self.oracle.states[since:self.published + 1]
            for state in window:
                allowed |= could_see(device, name, state)
            for text in phone.texts[sent[name]:]:
                told = set(NOTE_ID.findall(text))
                assert told <= allowed, (name, told - allowed, text)
                for note_id, pin in pins_in(json.loads(text)):
                    # A place on the map is sent only inside its note's view, to a phone
                    # that could see the note, and is the place the note had then.
                    assert any(could_see_pin(device, name, state, note_id, pin)
                               for state in window), (name, note_id, pin, text)
                for note_id in told:
                    # Told only if, at some moment it was sent for, it was not another
                    # table's private note to this phone.
                    assert not all(another_tables_private(device, name, state, note_id)
                                   for state in window), (name, note_id, text)

    def start(self, tables: bool) -> None:
        """A workshop with hidden and private notes, tallies shown, a つむぎすと, a person
        without a phone, and every phone connected; with ``tables``, two tables with their
        hosts, and private notes at both."""
        def run(actor: Actor, name: str, /, **args: Any) -> None:
            self.command(actor, name, args, publish=True)

        run(FACILITATOR, "create_workshop", code="abc234", title="性質テスト")
        for name, pid in PHONES.items():
            actor = FACILITATOR if name == "console" else PROJECTOR
            self.devices[name] = device = Device(Phone(name, actor), None)
            self.watch(lambda phone=device.phone: self.d.connect(phone), self.published,
                       only=name)
            if pid in self.d.state.participants:  # a second socket of someone here
                device.pid, device.phone.actor = pid, Actor(Role.PARTICIPANT, pid)
                self.connect(name, resume=False)
            elif pid is not None:
                self.join(name)
                assert device.pid == pid
        p1, p2, p3 = (Actor(Role.PARTICIPANT, p) for p in ("p1", "p2", "p3"))
        run(FACILITATOR, "add_proxy", name="紙の人", attribute="住民")  # p4
        run(FACILITATOR, "grant_cofacilitator", participant_id="p3")
        if tables:
            run(FACILITATOR, "make_tables", count=2, by="mixed")
            run(FACILITATOR, "set_table_host", table_id="k1", participant_id="p1")
            run(FACILITATOR, "set_table_host", table_id="k2", participant_id="p2")
            run(FACILITATOR, "seat", participant_id="p4", table_id="k1")
        # The district's map, and places on it for notes of every kind of visibility.
        run(FACILITATOR, "add_map", hash="a" * 64, title="地区の地図", width=2400, height=1800)
        run(p1, "post_note", kind="wish", text="公園", pin={"x": 1234, "y": 4321})  # n1, hidden
        run(p2, "post_note", kind="issue", text="雪")  # n2, public
        run(FACILITATOR, "post_note", kind="charm", text="紙の付箋", proxy_for="p4",
            pin={"x": 10000, "y": 0})  # n3
        run(FACILITATOR, "create_theme", title="遊び場", note_id="n2")
        run(FACILITATOR, "create_action", title="雪寄せ")
        run(FACILITATOR, "set_step", step="companions")
        run(FACILITATOR, "set_vote_settings", votes_visible=True)
        run(p2, "cast_vote", note_id="n1")
        run(FACILITATOR, "hide_note", note_id="n1")
        run(FACILITATOR, "set_private_notes", private=True)
        run(p3, "post_note", kind="wish", text="まだ秘密", pin={"x": 77, "y": 88})  # n4, private
        run(FACILITATOR, "post_note", kind="wish", text="紙の秘密", proxy_for="p4",
            pin={"x": 5, "y": 6})  # n5
        run(p1, "post_note", kind="wish", text="ホストの秘密", pin={"x": 9, "y": 9})  # n6, private
        run(FACILITATOR, "place_note", note_id="n2", pin={"x": 5000, "y": 5000})
        self.started = True


PHONE_NAMES = sorted(PHONES)
steps = st.one_of(
    st.tuples(st.just("cmd"), command(), st.integers(0, 4)),
    st.tuples(st.just("cmd"), map_command(), st.integers(0, 4)),
    st.tuples(st.just("cmd"), map_command(), st.integers(0, 4)),
    st.tuples(st.just("cmd"), command(), st.integers(0, 4)),
    st.tuples(st.just("cmd"), command(), st.integers(0, 4)),
    st.tuples(st.just("flush")),
    st.tuples(st.just("drop"), st.sampled_from(PHONE_NAMES)),
    st.tuples(st.just("resume"), st.sampled_from(PHONE_NAMES)),
    st.tuples(st.just("fresh"), st.sampled_from(PHONE_NAMES)),
    st.tuples(st.just("join"), st.just("newcomer")),
    st.tuples(st.just("away"), st.sampled_from(PHONE_NAMES),
              st.sampled_from(["cofacilitator", "host", "move"])),
)
SENDERS = {"facilitator": FACILITATOR, "projector": PROJECTOR}


@PROFILE
@given(st.lists(steps, min_size=10, max_size=60), st.booleans())
def test_every_phone_gets_exactly_its_own_view(script: list[tuple[Any, ...]],
                                               tables: bool) -> None:
    evening = Evening()
    evening.start(tables)
    for step in script:
        kind = step[0]
        if kind == "cmd":
            (name, who, args), lag = step[1], step[2]
            actor = SENDERS.get(who) or Actor(Role.PARTICIPANT, who)
            # Mostly written at once; sometimes the store lags and a later step catches up.
            evening.command(actor, name, args, publish=lag > 0)
        elif kind == "flush":
            evening.flush()
        elif kind == "drop":
            evening.drop(step[1])
        elif kind in ("resume", "fresh"):
            evening.connect(step[1], resume=kind == "resume")
        elif kind == "join":
            evening.join(step[1])
        elif kind == "away":
            evening.role_change_while_away(step[1], step[2])
    evening.flush()
    # And a last look: every phone that is away comes back and catches up.
    for name, device in evening.devices.items():
        if not device.online:
            evening.connect(name, resume=True)
