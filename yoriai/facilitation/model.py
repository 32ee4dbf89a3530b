"""The workshop's state, the events that change it, and the fold that applies them.

State is a plain dataclass tree so that equality means "the same workshop": the core test
of the event store is that applying a command's events to the old state equals replaying
every event from scratch. ``apply`` updates the state it is given in place (replaying
10,000 events must take well under a second on the laptop); callers that need the old
state keep a copy.

Each event is declared once, beside the commands that emit it (``notes.py``, ``votes.py``
…), with :func:`applies`: its applier and every fact about it (what it touches in the
views, the id it returns, what it creates, whose role it changes) in one :class:`EventSpec`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from .program import Program, default_program
from .touch import TouchRule


class Role(StrEnum):
    FACILITATOR = "facilitator"
    COFACILITATOR = "cofacilitator"  # つむぎすと: a participant given the facilitator's tools
    PARTICIPANT = "participant"
    # テーブル進行役: a participant the facilitator made host of one table; sorts that table's
    # notes into themes, enters for the proxies seated there, writes its proposal — for
    # their own table only (``commands.decide``). Not privileged: never another table.
    TABLE_HOST = "table_host"
    # The projector, and a phone that has opened the page but not joined yet: the public board.
    PROJECTOR = "projector"


PRIVILEGED = frozenset({Role.FACILITATOR, Role.COFACILITATOR})


@dataclass(frozen=True)
class Actor:
    """Who sends a command or receives an event."""

    role: Role
    participant_id: str | None = None
    # Set when the facilitator enters something for a participant without a phone (代理入力).
    proxy: bool = False

    @property
    def key(self) -> str:
        """A stable name for the actor, kept with each event and command id."""
        if self.proxy:
            return "facilitator"
        if self.participant_id is not None:
            return f"p:{self.participant_id}"
        return self.role.value

    @property
    def privileged(self) -> bool:
        return self.role in PRIVILEGED

    def place(self, state: WorkshopState) -> Place:
        """Where the person this actor speaks for sits now, read from ``state`` (never kept
        on the actor: a connection's actor outlives a move between tables)."""
        return place_of(state, self.participant_id)


class Place(NamedTuple):
    """A viewer's table, and whether they host it: what the table rules read of a viewer."""

    table: str | None
    host: bool


NOWHERE = Place(None, False)


def place_of(state: WorkshopState, pid: str | None) -> Place:
    person = state.participants.get(pid) if pid is not None else None
    if person is None or person.table is None:
        return NOWHERE
    table = state.tables.get(person.table)
    return Place(person.table, table is not None and table.host == pid)


FACILITATOR = Actor(Role.FACILITATOR)
PROJECTOR = Actor(Role.PROJECTOR)


class NoteKind(StrEnum):
    CHARM = "charm"  # 魅力: what is good here, a resource to build on
    ISSUE = "issue"  # 課題: what troubles the neighbourhood
    WISH = "wish"  # 思い: what someone would like to see


class Form(StrEnum):
    """協働のかたち: who carries an action, from citizens alone to the city alone; an
    action nobody has chosen one for yet is 未定 (undecided), never silently 市民主導."""

    CITIZEN_ONLY = "citizen_only"  # 市民主体
    CITIZEN_LED = "citizen_led"  # 市民主導
    PARTNERSHIP = "partnership"  # 市民／行政
    CITY_LED = "city_led"  # 行政主導
    CITY_ONLY = "city_only"  # 行政主体
    UNDECIDED = "undecided"  # 未定: last, after the scale (the role board's last column)


class Status(StrEnum):
    NOT_STARTED = "not_started"
    UNDER_WAY = "under_way"
    DONE = "done"
    PAUSED = "paused"


class ReviewColumn(StrEnum):
    KEEP = "keep"  # 広げたい: went well, spread it
    CHANGE = "change"  # 見直したい: change it


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
RESIDENT = "住民"

# The seven 市民サービスセンター of Akita City, offered first when creating a workshop.
CENTERS: tuple[str, ...] = ("東部", "西部", "南部", "北部", "中央", "河辺", "雄和")

# Partners offered for an action; any other name may be typed.
PARTNERS: tuple[str, ...] = ("町内会", "NPO", "企業", "大学", "市")


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
    proxy: bool  # entered by the facilitator for someone without a phone
    joined_at: float
    meeting: int = 1
    table: str | None = None  # the table they sit at now (a host sits at their table)


@dataclass(frozen=True)
class Pin:
    """Where a note sits on the map: whole numbers on the grid over the image, 0 at the
    left (top) edge and ``limits.MAP_GRID`` at the right (bottom) edge (``maps.py``)."""

    x: int
    y: int


@dataclass(frozen=True)
class Area:
    """A part of the map on the same grid as pins: its top-left corner and its size."""

    x: int
    y: int
    w: int
    h: int


@dataclass
class MapImage:
    """The workshop's map (one at most): the district's own image, kept in the data folder
    under the SHA-256 of its stored JPEG as photos are (the log keeps only the hash), its
    title and pixel size; and what the projector's map shows of it — the kinds of note
    (the filter) and the area it is focused on (None: the whole map)."""

    hash: str
    title: str
    width: int
    height: int
    meeting: int = 1
    kinds: tuple[NoteKind, ...] = tuple(NoteKind)
    area: Area | None = None


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
    private: bool = False  # posted while notes are private and not yet revealed
    theme: str | None = None
    meeting: int = 1
    by_proxy: bool = False
    # Where it was written (the author's seat then) and in which round: notes stay with
    # the table where they were written, whoever moves afterwards.
    table: str | None = None
    round: int = 0
    pin: Pin | None = None  # its place on the map (map work), if it has one


@dataclass
class Theme:
    """A 輪: notes grouped under a title, and the people who want to work on it."""

    id: str
    title: str
    notes: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    table: str | None = None  # the table whose theme it is; None: the room's


@dataclass
class Table:
    """A table (班) of the room: its number is what people see (「3班」), its id what
    commands name. ``theme`` is the theme it was made from (tables made by themes)."""

    id: str
    number: int
    name: str = ""
    host: str | None = None  # participant id of the table host (テーブル進行役)
    theme: str | None = None


@dataclass
class Proposal:
    """A theme's 計画案: what it aims at and ideas for how."""

    theme: str
    aim: str = ""
    ideas: list[str] = field(default_factory=list)
    chosen: bool = False
    priority: list[str] = field(default_factory=list)  # participants who gave it priority
    edited_by: list[str] = field(default_factory=list)


@dataclass
class Action:
    id: str
    title: str
    theme: str | None = None
    form: Form = Form.UNDECIDED
    partners: list[str] = field(default_factory=list)
    first_step: str = ""
    due: str = ""
    status: Status = Status.NOT_STARTED
    volunteers: list[str] = field(default_factory=list)
    lead: str | None = None
    record: str = ""  # what was done (DO), filled at a later meeting
    meeting: int = 1


@dataclass
class Review:
    id: str
    column: ReviewColumn
    text: str
    author: str
    meeting: int = 1


@dataclass
class Photo:
    """A photo of the evening (the sheets at a table, the room): its file is kept in the
    data folder under its SHA-256 (``server/photos.py``), never in the log; the log keeps
    this — the hash, a caption, and whether it goes into the plan."""

    hash: str
    caption: str = ""
    chosen: bool = False
    meeting: int = 1


@dataclass
class Timer:
    """A countdown kept in server time: clients show ``ends_at - server_now``."""

    seconds: float = 0.0  # length while paused (or of the last run)
    ends_at: float | None = None  # server time it reaches zero, while running

    def remaining(self, now: float) -> float:
        if self.ends_at is None:
            return self.seconds
        return max(0.0, self.ends_at - now)


@dataclass
class Meeting:
    number: int
    opened_at: float
    date: str


@dataclass(frozen=True)
class Wifi:
    """The Wi-Fi phones should join (``venue.py``). The password is kept for the Wi-Fi QR
    code only: no view, patch or page shows it."""

    name: str
    password: str = ""


@dataclass
class Settings:
    vote_budget: int = 3
    multi_vote: bool = False  # may a participant put more than one vote on a note
    votes_visible: bool = False  # tallies shown live to everyone
    private_notes: bool = False  # notes stay private to their author until revealed
    others_visible: bool = False  # phones may look at other tables' boards (read-only)
    vote_scope: str = "room"  # "table": 共感 only to one's own table's notes, budget per table


VOTE_SCOPES = ("room", "table")


@dataclass
class Newsletter:
    """The newsletter page's own facts for the current meeting (``newsletter.py``): the
    facilitator's lead paragraph ("" = the one made from the facts), the meeting's start
    and end (``HH:MM``, "" = not given), and the next meeting (「次回」, "" date = none)."""

    lead: str = ""
    start: str = ""
    end: str = ""
    next_date: str = ""
    next_time: str = ""
    next_place: str = ""


@dataclass
class WorkshopState:
    code: str = ""
    title: str = ""
    center: str = ""
    date: str = ""
    created_at: float = 0.0
    program: Program = field(default_factory=default_program)
    step: str = "confirm"
    seq: int = 0
    settings: Settings = field(default_factory=Settings)
    locked: bool = False
    focus: dict[str, str] | None = None  # {"kind": "note"|"theme"|"table", "id": …}
    join_view: bool = False  # 「参加受付」: the projector shows the large join QR code
    wifi: Wifi | None = None  # the workshop's own Wi-Fi (set_wifi), else the server's
    # The server's default Wi-Fi (``yoriai serve --wifi``): not an event but the server's
    # setting, given to the state it loads; not compared (the log alone is the workshop).
    default_wifi: Wifi | None = field(default=None, compare=False, repr=False)
    timer: Timer = field(default_factory=Timer)
    cofacilitators: list[str] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    participants: dict[str, Participant] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    votes: dict[str, dict[str, int]] = field(default_factory=dict)  # participant → note → n
    themes: dict[str, Theme] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)  # by theme id
    actions: dict[str, Action] = field(default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    photos: dict[str, Photo] = field(default_factory=dict)  # by hash, in the order added
    map: MapImage | None = None  # the district's map, for map work (地図ワーク)
    newsletter: Newsletter = field(default_factory=Newsletter)
    # Tables (班), in number order; the round (0: no tables, 1 once made, +1 per world-café
    # round); and each round's seating (round r at index r-1: pid → table id, as it stood
    # last in that round): who met whom is worked out from these, never stored.
    tables: dict[str, Table] = field(default_factory=dict)
    round: int = 0
    seatings: list[dict[str, str]] = field(default_factory=list)
    # Ids are numbered from the state, never random, so that replay reproduces them.
    made: dict[str, int] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.seq > 0

    @property
    def meeting(self) -> int:
        return self.meetings[-1].number if self.meetings else 1

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{self.made.get(prefix, 0) + 1}"

    def count_made(self, prefix: str) -> None:
        self.made[prefix] = self.made.get(prefix, 0) + 1

    def votes_used(self, participant_id: str) -> int:
        return sum(self.votes.get(participant_id, {}).values())

    def votes_counted(self, participant_id: str) -> int:
        """The votes that count against the budget: all of them, or with vote_scope
        "table" those on notes of the table the person sits at now (budget per table)."""
        if self.settings.vote_scope != "table":
            return self.votes_used(participant_id)
        person = self.participants.get(participant_id)
        table = person.table if person is not None else None
        return sum(n for nid, n in self.votes.get(participant_id, {}).items()
                   if (note := self.notes.get(nid)) is not None and note.table == table)

    def tally(self, note_id: str) -> int:
        return sum(v.get(note_id, 0) for v in self.votes.values())

    def priority_used(self, participant_id: str) -> int:
        return sum(participant_id in p.priority for p in self.proposals.values())

    def copy(self) -> WorkshopState:
        return copy.deepcopy(self)


Applier = Callable[[WorkshopState, Event], None]
Data = dict[str, Any]


@dataclass(frozen=True)
class EventSpec:
    """One kind of event, declared once, beside its applier: everything the rest of Yoriai
    needs to know about it is here, and looked up by its type.

    ``apply`` folds it into the state. ``touches`` says what it changes in the views
    (``view.touched``: which entities, the header, tallies, whose ``me``). ``result``
    names the field of its data that the ack of its command returns to the sender (the id
    it made). ``creates`` is the id prefix of the entity it brings into being: ids are
    numbered from the state (``state.made``), never random, so that replay reproduces them.
    ``changes_role`` names the field holding the participant whose role it changes: their
    connections start over with a snapshot, since what they may see has changed.

    ``made_by`` names the command that records it (or picks one from the event's data);
    ``args`` rebuilds that command's arguments from the event's data (by default the data
    itself, reduced to what the command takes); ``proxy_for`` names the field holding the
    participant a facilitator may have entered it for (代理入力). With these, an event that
    comes from outside (an imported archive) is checked by deciding the very command that
    would have recorded it (``facilitation/verify.py``): the same rules as a live command,
    with no second copy of them.
    """

    type: str
    apply: Applier
    touches: TouchRule
    made_by: str | Callable[[Data], str]
    args: Callable[[WorkshopState, Data], Data] | None = None
    proxy_for: str | None = None
    result: str | None = None
    creates: str | None = None
    changes_role: str | None = None


EVENTS: dict[str, EventSpec] = {}


def applies(event_type: str, *, touches: TouchRule, made_by: str | Callable[[Data], str],
            args: Callable[[WorkshopState, Data], Data] | None = None,
            proxy_for: str | None = None, result: str | None = None,
            creates: str | None = None,
            changes_role: str | None = None) -> Callable[[Applier], Applier]:
    """Declare the event ``event_type`` with the function below as its applier."""
    def register(fn: Applier) -> Applier:
        if event_type in EVENTS:
            raise ValueError(f"event {event_type!r} is declared twice")
        EVENTS[event_type] = EventSpec(event_type, fn, touches, made_by, args, proxy_for,
                                       result, creates, changes_role)
        return fn

    return register


def event_types() -> frozenset[str]:
    return frozenset(EVENTS)


def role_changed(event: Event) -> str | None:
    """The participant whose role ``event`` changes (made or unmade つむぎすと, removed),
    or None."""
    spec = EVENTS.get(event.type)
    if spec is None or spec.changes_role is None:
        return None
    return str(event.data[spec.changes_role])


def apply(state: WorkshopState, event: Event) -> WorkshopState:
    """Apply one event to ``state`` (in place) and return it."""
    if event.seq != state.seq + 1:
        raise ValueError(f"event seq {event.seq} does not follow {state.seq}")
    spec = EVENTS.get(event.type)
    if spec is None:
        raise ValueError(f"unknown event type {event.type!r}")
    spec.apply(state, event)
    if spec.creates is not None:
        state.count_made(spec.creates)
    state.seq = event.seq
    return state


def replay(events: Iterable[Event], state: WorkshopState | None = None) -> WorkshopState:
    state = state if state is not None else WorkshopState()
    for event in events:
        apply(state, event)
    return state
