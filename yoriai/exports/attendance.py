"""Who sat at which table, round by round, and what each table did: the 参画の記録 of a
table (issue 14), in counts by 立場 — never names.

A world café moves people between rounds while each table (its host, its sheet, its
themes) stays: so a table's record counts everyone who sat at it in any round once, by
立場, beside how many sat there in each round; its notes are the notes written there
(``Note.table``, fixed when posted), in every round. A person's seat in a round is where
the round's seating (``state.seatings``) left them; the round under way is read from where
people sit now (``Participant.table``), which also holds the latecomers and the moves
made since the deal.

Everything before the tables were made (the room-wide notes of step 1) or outside them (a
person never seated) is one more record, the room's (``table`` None), so that the tables
and the room together add up to the evening.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from yoriai.facilitation.model import ATTRIBUTES, Note, WorkshopState


@dataclass(frozen=True)
class TableTally:
    """One table's people and work, counted. ``table`` is the table's id, or None for the
    room outside the tables."""

    table: str | None
    # Everyone who sat here in any round, once each, by 立場 (the catalogue's order, then
    # any other in its own order); 立場 nobody here has are left out.
    attributes: tuple[tuple[str, int], ...]
    proxies: int  # of them, entered by the facilitator (代理入力: no phone)
    per_round: tuple[int, ...]  # how many sat here in round 1, 2 …
    note_authors: int  # people who wrote a note here
    notes: int  # notes written here, published or not (as the room's record counts them)
    notes_per_round: tuple[int, ...]  # of them, in round 1, 2 …
    votes: int  # 共感 given to the published notes written here

    @property
    def people(self) -> int:
        return sum(n for _, n in self.attributes)

    @property
    def is_empty(self) -> bool:
        return not (self.people or self.notes)


def round_seats(state: WorkshopState) -> list[dict[str, str]]:
    """Each round's seating (participant id → table id), round 1 first; the round under
    way as people sit now. Removed people and tables that are gone are left out."""
    rounds = [dict(s) for s in state.seatings[:max(state.round - 1, 0)]]
    if state.round:
        rounds.append({p.id: p.table for p in state.participants.values()
                       if p.table is not None})
    return [{pid: t for pid, t in seats.items()
             if pid in state.participants and t in state.tables} for seats in rounds]


def attribute_order(state: WorkshopState) -> list[str]:
    """The 立場 in the catalogue's order, then any other a person typed, sorted."""
    extra = sorted({p.attribute for p in state.participants.values()} - set(ATTRIBUTES))
    return [*ATTRIBUTES, *extra]


def tallies(state: WorkshopState) -> dict[str | None, TableTally]:
    """Every table's tally, in number order, then the room's (key None) when anyone or
    any note is outside the tables; ``{}`` for an evening without tables."""
    if not state.tables:
        return {}
    rounds = round_seats(state)
    order = attribute_order(state)
    seated: dict[str | None, list[set[str]]] = {t: [set() for _ in rounds] for t in state.tables}
    for r, seats in enumerate(rounds):
        for pid, table in seats.items():
            seated[table][r].add(pid)
    ever = {pid for seats in rounds for pid in seats}
    outside = {pid for pid in state.participants if pid not in ever}
    notes: dict[str | None, list[Note]] = {t: [] for t in state.tables}
    notes[None] = []
    for n in state.notes.values():
        notes[n.table if n.table in state.tables else None].append(n)

    def tally(table: str | None, people: Iterable[str], per_round: tuple[int, ...]
              ) -> TableTally:
        persons = [state.participants[pid] for pid in people]
        here = notes[table]
        count = {a: 0 for a in order}
        for p in persons:
            count[p.attribute] += 1
        return TableTally(
            table=table,
            attributes=tuple((a, n) for a, n in count.items() if n),
            proxies=sum(p.proxy for p in persons),
            per_round=per_round,
            note_authors=len({n.author for n in here} & set(state.participants)),
            notes=len(here),
            notes_per_round=tuple(sum(n.round == r for n in here)
                                  for r in range(1, len(rounds) + 1)),
            votes=sum(state.tally(n.id) for n in here if not n.hidden and not n.private),
        )

    out: dict[str | None, TableTally] = {
        t: tally(t, set().union(*seated[t]) if rounds else set(),
                 tuple(len(s) for s in seated[t]))
        for t in sorted(state.tables, key=lambda t: state.tables[t].number)}
    room = tally(None, outside, ())
    if not room.is_empty:
        out[None] = room
    return out
