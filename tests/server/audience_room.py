"""The hub's real :class:`Room` with in-memory subscribers: the other side of the
``Subscriber`` protocol, not a stand-in for our code. Events go in the way ``Hub.submit``
puts them in (decide, apply, append to the log) and out through the room's own
``publish_durable``; each phone keeps the encoded text it was sent and a board built from
it exactly as the browser builds it (tests/board.py)."""

from __future__ import annotations

import json
from typing import Any

from tests.support import Board
from yoriai.facilitation.commands import decide, effective_actor
from yoriai.facilitation.model import Actor, Event, Role, WorkshopState, apply
from yoriai.server.hub import Room

NOW = 1_790_000_000.0
CODE = "abc234"


class Phone:
    """A subscriber: records every text it is sent and keeps a board from it."""

    def __init__(self, name: str, actor: Actor) -> None:
        self.name = name
        self.actor = actor
        self.sent_seq = 0
        self.lang = "ja"
        self.beat_slot = 0
        self.texts: list[str] = []
        self.board = Board()
        self.dropped: tuple[int, str] | None = None

    def deliver(self, message: dict[str, Any]) -> None:
        self.deliver_text(json.dumps(message, ensure_ascii=False, separators=(",", ":")))

    def deliver_text(self, text: str) -> None:
        self.texts.append(text)
        self.board.on(json.loads(text))

    def drop(self, code: int, reason: str) -> None:
        self.dropped = (code, reason)

    def __repr__(self) -> str:
        return f"Phone({self.name}, {self.actor})"


class RoomDriver:
    """Commands go in as ``Hub.submit`` puts them (decide, apply, log), and are published
    as the store makes them durable; ``publish`` may lag behind, as a group commit does."""

    def __init__(self) -> None:
        self.room = Room(code=CODE, state=WorkshopState())
        self.now = NOW

    @property
    def state(self) -> WorkshopState:
        return self.room.state

    def run(self, actor: Actor, name: str, /, publish: bool = True,
            **args: Any) -> list[Event]:
        self.now += 1.0
        events = decide(self.room.state, actor, name, args, self.now)
        for e in events:
            apply(self.room.state, e)
            self.room.log.append(e)
        if publish:
            self.publish()
        return events

    def publish(self, up_to: int | None = None) -> None:
        """Publish up to ``up_to``, then let the head-count timer fire: the hub sends
        coalesced head counts a moment later (``Room.flush_counts``), here at once."""
        self.room.publish_durable(self.room.state.seq if up_to is None else up_to, self.now)
        self.room.flush_counts()

    def connect(self, phone: Phone, resume: bool = False) -> Phone:
        """As ws.py does: the actor the hello proves, then subscribe (resuming from the
        phone's epoch and last seq when asked)."""
        phone.dropped = None
        if phone.actor.participant_id is not None and phone.actor.role is not Role.FACILITATOR:
            phone.actor = effective_actor(self.room.state, phone.actor)
        epoch = phone.board.epoch if resume else None
        last = phone.board.seq if resume else None
        self.room.subscribe(phone, epoch, last, self.now)
        return phone

    def disconnect(self, phone: Phone) -> None:
        self.room.unsubscribe(phone)

    def join(self, phone: Phone, name: str) -> str:
        """A phone that joins: as ws.py, its connection starts afresh as the participant."""
        events = self.run(phone.actor, "join", name=name, attribute="住民")
        pid: str = events[0].data["participant_id"]
        self.room.unsubscribe(phone)
        phone.actor = Actor(Role.PARTICIPANT, pid)
        self.room.subscribe(phone, None, None, self.now)
        return pid


def mentions(phone: Phone, note_id: str) -> list[str]:
    """The messages a phone was sent that carry ``note_id`` anywhere (as a JSON string)."""
    quoted = json.dumps(note_id)
    return [t for t in phone.texts if quoted in t]
