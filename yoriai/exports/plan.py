"""The PDCA plan as one model, built from a workshop's state: what every format prints.

Renderers never walk the workshop state themselves; they lay out a :class:`Plan`. So the
rules of what is published live here once: which notes are printed (not hidden by a
moderator, not still private to their author), how actions and roles read, and above all
who may be named — a participant appears by name only if they ticked 「名前を載せてよい」
(``show_name``); everyone else is a count (「ほか2名」) or 「参加者」.

The plan follows the seed's PDCA: PLAN (themes, proposals, actions with their 担い手 and
協働のかたち), DO (each action's status and record), CHECK (review 「広げたい」), ACT
(review 「見直したい」), and 参画の記録 — how many took part and how, which the seed weighs
above the plan's content.

With tables (班) the plan also says which table produced what (:class:`TablePlan`): each
table's themes and proposals, its notes in no theme, and its people counted by 立場
(:mod:`~exports.attendance`). Without tables those parts are empty and the plan is the one
it always was.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from yoriai.facilitation import newsletter
from yoriai.facilitation.model import (
    ATTRIBUTES,
    RESIDENT,
    Form,
    Note,
    NoteKind,
    Participant,
    ReviewColumn,
    Status,
    WorkshopState,
)
from yoriai.facilitation.newsletter import next_meeting_text, venue

from .attendance import TableTally, tallies
from .catalogue import word
from .dates import when_text

# The screens' words for the domain's enums, from the app's catalogue (one source).
FORM_LABELS: dict[Form, str] = {f: word(f"form.{f.value}") for f in Form}
STATUS_LABELS: dict[Status, str] = {s: word(f"status.{s.value}") for s in Status}
KIND_LABELS: dict[NoteKind, str] = {k: word(f"kind.{k.value}") for k in NoteKind}
REVIEW_LABELS: dict[ReviewColumn, str] = {c: word(f"review.{c.value}") for c in ReviewColumn}
# A participant who did not agree to be named, wherever one person is meant.
ANONYMOUS = "参加者"
# How many of a theme's notes the plan prints (the most 共感 first); the rest are counted.
TOP_NOTES = 3
NOTHING = "—"


@dataclass(frozen=True)
class People:
    """Some participants as the plan may show them: the names of those who agreed, and
    how many others."""

    names: tuple[str, ...]
    others: int

    @property
    def count(self) -> int:
        return len(self.names) + self.others

    def text(self, mark_first: str = "") -> str:
        """「佐藤、伊藤さん ほか2名」, 「参加者3名」, or a dash for nobody; ``mark_first``
        follows the first name (「（代表）」)."""
        if not self.names:
            return f"{ANONYMOUS}{self.others}名" if self.others else NOTHING
        named = "、".join([self.names[0] + mark_first, *self.names[1:]])
        return f"{named} ほか{self.others}名" if self.others else named


@dataclass(frozen=True)
class NoteLine:
    id: str
    kind: NoteKind
    text: str
    votes: int
    theme: str | None
    by_proxy: bool
    table: str | None = None  # the table it was written at (None: before or outside tables)
    round: int = 0  # the world-café round it was written in (0: no tables yet)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class ProposalPlan:
    aim: str
    ideas: tuple[str, ...]
    priority: int  # how many gave it priority
    chosen: bool


@dataclass(frozen=True)
class ThemePlan:
    id: str
    title: str
    notes: tuple[NoteLine, ...]  # every published note of the theme, most 共感 first
    members: int
    proposal: ProposalPlan | None
    table: str | None = None  # the table whose theme it is (None: the room's)

    @property
    def notes_count(self) -> int:
        return len(self.notes)

    @property
    def votes(self) -> int:
        return sum(n.votes for n in self.notes)

    @property
    def top_notes(self) -> tuple[NoteLine, ...]:
        return self.notes[:TOP_NOTES]


@dataclass(frozen=True)
class ActionPlan:
    id: str
    title: str
    theme: str  # the theme's title, or "" for an action of its own
    form: Form
    team: People  # 担い手, the lead first
    lead: str  # a name, 「参加者」 for one who is not named, or "" for none
    lead_named: bool
    partners: tuple[str, ...]
    first_step: str
    due: str
    status: Status
    record: str

    @property
    def form_label(self) -> str:
        return FORM_LABELS[self.form]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class ReviewLine:
    id: str
    column: ReviewColumn
    text: str

    @property
    def label(self) -> str:
        return REVIEW_LABELS[self.column]


@dataclass(frozen=True)
class AttributeRow:
    """One line of 参画の記録: people of one attribute and what they did."""

    attribute: str
    participants: int
    proxies: int  # entered by the facilitator (代理入力)
    note_authors: int
    voters: int  # gave 共感 or priority
    volunteers: int  # took a role (担い手)
    contributors: int  # did any of the above, joined a theme, wrote a proposal or a review


@dataclass(frozen=True)
class Participation:
    """参画の記録: counts, never names."""

    rows: tuple[AttributeRow, ...]
    total: AttributeRow
    notes: int  # every note posted, published or not
    proxy_notes: int  # notes entered on someone's behalf
    votes: int  # 共感 given
    priority_votes: int
    roles: int  # 担い手 places taken (a person on two actions counts twice)
    named: int  # participants who agreed to be named

    @property
    def participants(self) -> int:
        return self.total.participants

    @property
    def contributors(self) -> int:
        return self.total.contributors

    @property
    def residents_contributing(self) -> int:
        return next((r.contributors for r in self.rows if r.attribute == RESIDENT), 0)

    @property
    def resident_share(self) -> float | None:
        """住民 among those who contributed, 0–1 (None when nobody has yet)."""
        if not self.contributors:
            return None
        return self.residents_contributing / self.contributors

    def resident_share_text(self) -> str:
        share = self.resident_share
        return NOTHING if share is None else f"{round(share * 100)}%"


@dataclass(frozen=True)
class TablePlan:
    """One table (班) and what it produced: its themes with their proposals, its notes in
    no theme, and its people counted by 立場 (:mod:`~exports.attendance`)."""

    id: str
    number: int
    name: str
    host: str  # the table host's name if they agreed to be named, else ""
    origin: str  # the title of the theme the table was made from, else ""
    themes: tuple[ThemePlan, ...]
    unsorted: tuple[NoteLine, ...]  # its published notes in no theme
    tally: TableTally

    @property
    def proposals(self) -> tuple[tuple[ThemePlan, ProposalPlan], ...]:
        return tuple((t, t.proposal) for t in self.themes if t.proposal is not None)


@dataclass(frozen=True)
class Plan:
    code: str
    title: str
    center: str
    date: str  # of the latest meeting
    meetings: tuple[str, ...]  # every meeting's date, first to last
    generated_at: datetime.datetime
    themes: tuple[ThemePlan, ...]
    unsorted: tuple[NoteLine, ...]  # published notes in no theme
    withheld_notes: int  # hidden by a moderator or still private: counted, not printed
    actions: tuple[ActionPlan, ...]
    keep: tuple[ReviewLine, ...]  # CHECK 「広げたい」
    change: tuple[ReviewLine, ...]  # ACT 「見直したい」
    participation: Participation
    # The newsletter page: the lead paragraph (the facilitator's, else made from the
    # facts), the meeting's hours, the 次回 box and the contact line.
    lead: str = ""
    lead_edited: bool = False
    start: str = ""
    end: str = ""
    next_when: str = ""  # 「2026年12月18日（金）19:00〜」, "" for no next meeting
    next_place: str = ""
    contact: str = ""
    # The tables (班), in number order, when the evening had any; ``()`` otherwise, and
    # then every format prints exactly what it printed before tables existed.
    tables: tuple[TablePlan, ...] = ()
    rounds: int = 0  # world-café rounds (1 once tables are made)
    # The room outside the tables (notes before they were made, people never seated),
    # counted like a table; None when there is nothing outside them.
    room: TableTally | None = None

    @property
    def venue(self) -> str:
        return venue_of(self.center)

    @property
    def when(self) -> str:
        """「2026年11月20日（金）19:00〜21:00」: the meeting's date and hours."""
        return when_text(self.date, self.start, self.end, "ja")

    @property
    def generated_on(self) -> str:
        return self.generated_at.date().isoformat()

    @property
    def proposals(self) -> tuple[tuple[ThemePlan, ProposalPlan], ...]:
        return tuple((t, t.proposal) for t in self.themes if t.proposal is not None)

    @property
    def notes(self) -> tuple[NoteLine, ...]:
        """Every published note, themes first."""
        return tuple(n for t in self.themes for n in t.notes) + self.unsorted

    @property
    def room_themes(self) -> tuple[ThemePlan, ...]:
        """With tables: the themes of no table (the room's, across tables)."""
        ids = {t.id for t in self.tables}
        return tuple(t for t in self.themes if t.table not in ids)

    @property
    def room_unsorted(self) -> tuple[NoteLine, ...]:
        """With tables: the published notes in no theme written at no table."""
        ids = {t.id for t in self.tables}
        return tuple(n for n in self.unsorted if n.table not in ids)

    @property
    def is_empty(self) -> bool:
        return not (self.notes or self.themes or self.actions or self.keep or self.change)


def venue_of(center: str) -> str:
    """「西部市民サービスセンター」 for one of Akita's seven centres, else as typed."""
    return venue(center)


def published(note: Note) -> bool:
    return not note.hidden and not note.private


def people(state: WorkshopState, ids: list[str]) -> People:
    persons = [state.participants[i] for i in ids if i in state.participants]
    names = tuple(p.name for p in persons if p.show_name)
    return People(names, len(persons) - len(names))


def display_name(person: Participant | None) -> str:
    if person is None:
        return ""
    return person.name if person.show_name else ANONYMOUS


def build_plan(state: WorkshopState, generated_at: datetime.datetime, *,
               contact: str = "") -> Plan:
    """The plan of ``state`` as of ``generated_at`` (given: exports read no clock), with
    the laptop's ``contact`` line."""
    lines = {
        n.id: NoteLine(n.id, n.kind, n.text, state.tally(n.id), n.theme, n.by_proxy,
                       n.table if n.table in state.tables else None, n.round)
        for n in state.notes.values() if published(n)
    }

    def by_votes(ids: list[str]) -> tuple[NoteLine, ...]:
        # Most 共感 first; equal ones keep the order they were posted or grouped in.
        found = [lines[i] for i in ids if i in lines]
        return tuple(sorted(found, key=lambda n: -n.votes))

    themes = []
    for theme in state.themes.values():
        p = state.proposals.get(theme.id)
        proposal = (ProposalPlan(p.aim, tuple(p.ideas), len(p.priority), p.chosen)
                    if p is not None and p.aim else None)
        themes.append(ThemePlan(theme.id, theme.title, by_votes(theme.notes),
                                len(theme.members), proposal,
                                theme.table if theme.table in state.tables else None))
    unsorted = by_votes([n.id for n in state.notes.values()
                         if n.theme is None or n.theme not in state.themes])

    actions = []
    for a in state.actions.values():
        home = state.themes.get(a.theme) if a.theme is not None else None
        lead = state.participants.get(a.lead) if a.lead else None
        actions.append(ActionPlan(
            id=a.id, title=a.title, theme=home.title if home else "", form=a.form,
            team=people(state, sorted(a.volunteers, key=lambda pid: pid != a.lead)),
            lead=display_name(state.participants.get(a.lead)) if a.lead else "",
            lead_named=bool(lead and lead.show_name),
            partners=tuple(a.partners), first_step=a.first_step, due=a.due, status=a.status,
            record=a.record))

    reviews = [ReviewLine(r.id, r.column, r.text) for r in state.reviews.values()]
    meetings = tuple(m.date for m in state.meetings) or ((state.date,) if state.date else ())
    next_when, next_place = next_meeting_text(state.newsletter, state.center)
    return Plan(
        code=state.code, title=state.title, center=state.center,
        date=meetings[-1] if meetings else state.date, meetings=meetings,
        generated_at=generated_at, themes=tuple(themes), unsorted=unsorted,
        withheld_notes=len(state.notes) - len(lines), actions=tuple(actions),
        keep=tuple(r for r in reviews if r.column is ReviewColumn.KEEP),
        change=tuple(r for r in reviews if r.column is ReviewColumn.CHANGE),
        participation=participation(state),
        lead=newsletter.lead(state), lead_edited=bool(state.newsletter.lead),
        start=state.newsletter.start, end=state.newsletter.end,
        next_when=next_when, next_place=next_place, contact=contact,
        **tables_of(state, tuple(themes), unsorted))


def tables_of(state: WorkshopState, themes: tuple[ThemePlan, ...],
              unsorted: tuple[NoteLine, ...]) -> dict[str, Any]:
    """The plan's tables, rounds and room record (nothing for an evening without
    tables, so that the plan is the one it always was)."""
    if not state.tables:
        return {}
    counted = tallies(state)
    out = []
    for table in sorted(state.tables.values(), key=lambda t: t.number):
        host = state.participants.get(table.host) if table.host else None
        origin = state.themes.get(table.theme) if table.theme else None
        out.append(TablePlan(
            id=table.id, number=table.number, name=table.name,
            host=host.name if host is not None and host.show_name else "",
            origin=origin.title if origin is not None else "",
            themes=tuple(t for t in themes if t.table == table.id),
            unsorted=tuple(n for n in unsorted if n.table == table.id),
            tally=counted[table.id]))
    return {"tables": tuple(out), "rounds": state.round, "room": counted.get(None)}


def participation(state: WorkshopState) -> Participation:
    authors = {n.author for n in state.notes.values()}
    voters = {pid for pid, v in state.votes.items() if any(v.values())}
    voters |= {pid for p in state.proposals.values() for pid in p.priority}
    volunteers = {pid for a in state.actions.values() for pid in a.volunteers}
    others = {pid for t in state.themes.values() for pid in t.members}
    others |= {pid for p in state.proposals.values() for pid in p.edited_by}
    others |= {r.author for r in state.reviews.values()}
    contributors = authors | voters | volunteers | others

    attributes = list(ATTRIBUTES)
    attributes += sorted({p.attribute for p in state.participants.values()} - set(ATTRIBUTES))

    def row(attribute: str, persons: list[Participant]) -> AttributeRow:
        ids = {p.id for p in persons}
        return AttributeRow(
            attribute=attribute, participants=len(ids),
            proxies=sum(p.proxy for p in persons), note_authors=len(ids & authors),
            voters=len(ids & voters), volunteers=len(ids & volunteers),
            contributors=len(ids & contributors))

    everyone = list(state.participants.values())
    rows = tuple(row(attr, [p for p in everyone if p.attribute == attr]) for attr in attributes)
    return Participation(
        rows=tuple(r for r in rows if r.participants),
        total=row("合計", everyone),
        notes=len(state.notes),
        proxy_notes=sum(n.by_proxy for n in state.notes.values()),
        votes=sum(sum(v.values()) for v in state.votes.values()),
        priority_votes=sum(len(p.priority) for p in state.proposals.values()),
        roles=sum(len(a.volunteers) for a in state.actions.values()),
        named=sum(p.show_name for p in everyone),
    )


def kinds_count(notes: tuple[NoteLine, ...]) -> Counter[NoteKind]:
    return Counter(n.kind for n in notes)
