"""The workshop's state, the events that change it, and the fold that applies them.

State is a plain dataclass tree so that equality means "the same workshop": the core test
of the event store is that applying a command's events to the old state equals replaying
every event from scratch. ``apply`` updates the state it is given in place (replaying
10,000 events must take well under a second on the laptop); callers that need the old
state keep a copy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    FACILITATOR = "facilitator"
    COFACILITATOR = "cofacilitator"
    PARTICIPANT = "participant"
    # The projector and anyone who has opened a page but not joined yet see the public board.
    PROJECTOR = "projector"


PRIVILEGED = frozenset({Role.FACILITATOR, Role.COFACILITATOR})


@dataclass(frozen=True)
class Actor:
    """Who sends a command or receives an event."""

    role: Role
    participant_id: str | None = None

    @property
    def key(self) -> str:
        """A stable name for the actor, kept with each event and command id."""
        if self.participant_id is not None:
            return f"p:{self.participant_id}"
        return self.role.value

    @property
    def privileged(self) -> bool:
        return self.role in PRIVILEGED


FACILITATOR = Actor(Role.FACILITATOR)
PROJECTOR = Actor(Role.PROJECTOR)


class NoteKind(StrEnum):
    CHARM = "charm"  # 魅力: what is good here, a resource to build on
    ISSUE = "issue"  # 課題: what troubles the neighbourhood
    WISH = "wish"  # 思い: what someone would like to see


# The attributes a participant chooses at join; the record of participation counts them.
ATTRIBUTES: tuple[str, ...] = (
    "住民",
    "町内会・自治会",
    "NPO・市民活動団体",
    "企業",
    "大学・学生",
    "市職員",
    "その他",
)

# The seven 市民サービスセンター of Akita City, offered first when creating a workshop.
CENTERS: tuple[str, ...] = ("東部", "西部", "南部", "北部", "中央", "河辺", "雄和")


@dataclass(frozen=True)
class Event:
    """A fact that happened to one workshop, numbered by its gap-free ``seq``."""

    seq: int
    type: str
    data: dict[str, Any]
    at: float
    actor: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "data": self.data, "at": self.at,
                "actor": self.actor}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Event:
        return cls(seq=int(raw["seq"]), type=str(raw["type"]), data=dict(raw["data"]),
                   at=float(raw["at"]), actor=str(raw["actor"]))


@dataclass
class Participant:
    id: str
    name: str
    attribute: str
    show_name: bool
    proxy: bool
    joined_at: float


@dataclass
class Note:
    id: str
    author: str
    kind: NoteKind
    text: str
    step: str
    posted_at: float
    hidden: bool = False
    edited: bool = False


@dataclass
class WorkshopState:
    code: str = ""
    title: str = ""
    center: str = ""
    created_at: float = 0.0
    step: str = "confirm"
    seq: int = 0
    participants: dict[str, Participant] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    # Ids are numbered from the state, never random, so that replay reproduces them.
    participants_made: int = 0
    notes_made: int = 0

    @property
    def exists(self) -> bool:
        return self.seq > 0

    def copy(self) -> WorkshopState:
        return copy.deepcopy(self)


Applier = Callable[[WorkshopState, Event], None]
_APPLIERS: dict[str, Applier] = {}


def applies(event_type: str) -> Callable[[Applier], Applier]:
    def register(fn: Applier) -> Applier:
        _APPLIERS[event_type] = fn
        return fn

    return register


def apply(state: WorkshopState, event: Event) -> WorkshopState:
    """Apply one event to ``state`` (in place) and return it."""
    if event.seq != state.seq + 1:
        raise ValueError(f"event seq {event.seq} does not follow {state.seq}")
    try:
        applier = _APPLIERS[event.type]
    except KeyError:
        raise ValueError(f"unknown event type {event.type!r}") from None
    applier(state, event)
    state.seq = event.seq
    return state


def replay(events: Iterable[Event], state: WorkshopState | None = None) -> WorkshopState:
    state = state if state is not None else WorkshopState()
    for event in events:
        apply(state, event)
    return state


@applies("WorkshopCreated")
def _created(state: WorkshopState, e: Event) -> None:
    state.code = e.data["code"]
    state.title = e.data["title"]
    state.center = e.data["center"]
    state.created_at = e.at


@applies("ParticipantJoined")
def _joined(state: WorkshopState, e: Event) -> None:
    d = e.data
    state.participants[d["participant_id"]] = Participant(
        id=d["participant_id"], name=d["name"], attribute=d["attribute"],
        show_name=bool(d["show_name"]), proxy=bool(d["proxy"]), joined_at=e.at,
    )
    state.participants_made += 1


@applies("NotePosted")
def _posted(state: WorkshopState, e: Event) -> None:
    d = e.data
    state.notes[d["note_id"]] = Note(
        id=d["note_id"], author=d["author"], kind=NoteKind(d["kind"]), text=d["text"],
        step=d["step"], posted_at=e.at,
    )
    state.notes_made += 1


@applies("NoteEdited")
def _edited(state: WorkshopState, e: Event) -> None:
    note = state.notes[e.data["note_id"]]
    note.text = e.data["text"]
    note.kind = NoteKind(e.data["kind"])
    note.edited = True


@applies("NoteDeleted")
def _deleted(state: WorkshopState, e: Event) -> None:
    del state.notes[e.data["note_id"]]


@applies("NoteHidden")
def _hidden(state: WorkshopState, e: Event) -> None:
    state.notes[e.data["note_id"]].hidden = True


@applies("NoteUnhidden")
def _unhidden(state: WorkshopState, e: Event) -> None:
    state.notes[e.data["note_id"]].hidden = False
