"""Property: no sequence of commands from any roles breaks an invariant, and replay equals
the live state. (That every phone's patched view equals a fresh snapshot is checked through
the hub's real sharing, with the same commands: tests/server/test_audience_property.py.)"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.random_commands import actor_for, command, map_command
from yoriai.facilitation import limits
from yoriai.facilitation.commands import decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    NoteKind,
    Role,
    WorkshopState,
    apply,
    replay,
)
from yoriai.facilitation.snapshot import dump as snapshot_dump
from yoriai.facilitation.snapshot import load as snapshot_load


def check_invariants(state: WorkshopState) -> None:
    budget = state.settings.vote_budget
    for pid, votes in state.votes.items():
        assert pid in state.participants
        if state.settings.vote_scope == "room":
            assert sum(votes.values()) <= budget
        else:  # 共感 per table: a budget at each table
            per_table = Counter()  # type: Counter[str | None]
            for note, n in votes.items():
                per_table[state.notes[note].table] += n
            assert all(n <= budget for n in per_table.values())
        assert all(n >= 1 for n in votes.values())
        assert all(note in state.notes for note in votes)
        if not state.settings.multi_vote:
            assert all(n == 1 for n in votes.values())
    for pid in state.participants:
        assert state.priority_used(pid) <= budget
    seen: set[str] = set()
    for theme in state.themes.values():
        assert len(theme.notes) == len(set(theme.notes))
        for note in theme.notes:
            assert state.notes[note].theme == theme.id
            assert note not in seen
            seen.add(note)
        assert set(theme.members) <= set(state.participants)
        assert len(theme.members) == len(set(theme.members))
    for each in state.notes.values():
        assert each.theme is None or each.id in state.themes[each.theme].notes
        assert each.author in state.participants
    for theme_id, proposal in state.proposals.items():
        assert theme_id in state.themes
        assert len(proposal.priority) == len(set(proposal.priority))
    for action in state.actions.values():
        assert set(action.volunteers) <= set(state.participants)
        assert action.lead is None or action.lead in action.volunteers
        assert action.theme is None or action.theme in state.themes
    assert set(state.cofacilitators) <= set(state.participants)
    # Whoever did something is still in the room (a removed person takes it all along).
    for proposal in state.proposals.values():
        assert set(proposal.priority) | set(proposal.edited_by) <= set(state.participants)
    for review in state.reviews.values():
        assert review.author in state.participants or review.author == "facilitator"
    if state.focus is not None:
        shown: dict[str, set[str]] = {"note": set(state.notes), "theme": set(state.themes),
                                      "table": set(state.tables)}
        assert state.focus["id"] in shown[state.focus["kind"]]
        if state.focus["kind"] == "note":
            # The projector shows it to the room: never a hidden or private note.
            focused = state.notes[state.focus["id"]]
            assert not focused.hidden and not focused.private
    assert state.program.step(state.step) is not None
    check_tables(state)
    check_map(state)


def check_map(state: WorkshopState) -> None:
    """Map work: without a map no note has a place (removing the map clears every pin);
    every place and the projector's area are whole numbers inside the grid; the projector
    shows at least one kind, each once, in the kinds' order."""
    grid = limits.MAP_GRID
    if state.map is None:
        assert all(n.pin is None for n in state.notes.values())
        return
    for note in state.notes.values():
        if note.pin is not None:
            assert all(type(v) is int and 0 <= v <= grid for v in (note.pin.x, note.pin.y))
    m = state.map
    assert m.kinds and list(m.kinds) == [k for k in NoteKind if k in m.kinds]
    assert type(m.width) is int and 1 <= m.width <= limits.MAP_LONG_SIDE_PX
    assert type(m.height) is int and 1 <= m.height <= limits.MAP_LONG_SIDE_PX
    if m.area is not None:
        a = m.area
        assert min(a.w, a.h) >= limits.MAP_AREA_MIN
        assert a.x >= 0 and a.y >= 0 and a.x + a.w <= grid and a.y + a.h <= grid


def check_tables(state: WorkshopState) -> None:
    """Tables: numbered 1..N as k1..kN; everyone sits at a table that exists (or none); a
    host sits at their table, has a phone and hosts one table; notes and themes belong to
    tables that exist; each round's seating is kept and the last is where people sit now."""
    assert [(t.id, t.number) for t in state.tables.values()] == [
        (f"k{n}", n) for n in range(1, len(state.tables) + 1)]
    assert (state.round == 0) == (not state.tables)
    assert len(state.seatings) == state.round
    seats = {pid: p.table for pid, p in state.participants.items() if p.table is not None}
    assert set(seats.values()) <= set(state.tables)
    if state.seatings:
        assert state.seatings[-1] == seats
    for seating in state.seatings:
        assert set(seating) <= set(state.participants)
    hosts = [t.host for t in state.tables.values() if t.host is not None]
    assert len(hosts) == len(set(hosts))
    for table in state.tables.values():
        assert table.theme is None or table.theme in state.themes
        if table.host is not None:
            assert seats.get(table.host) == table.id
            assert not state.participants[table.host].proxy
    for each in state.notes.values():
        assert each.table is None or each.table in state.tables
        assert each.round <= state.round
    for theme in state.themes.values():
        assert theme.table is None or theme.table in state.tables


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(command(), command(), command(), map_command()), min_size=30,
                max_size=90), st.booleans(), st.booleans())
def test_random_commands_keep_every_invariant(script: list[tuple[str, str, dict[str, Any]]],
                                              tables: bool, mapped: bool) -> None:
    state = WorkshopState()
    log: list[Event] = []
    now = 1_000.0
    for e in decide(state, FACILITATOR, "create_workshop",
                    {"code": "prop1", "title": "性質テスト"}, now):
        apply(state, e)
        log.append(e)
    # A few people, one of them without a phone, so that commands have someone to act.
    for args in ({"name": "A", "attribute": "住民"}, {"name": "B", "attribute": "企業"}):
        for e in decide(state, PROJECTOR, "join", args, now):
            apply(state, e)
            log.append(e)
    # ... and something on the board for votes, themes and roles to act on.
    p1, p2 = Actor(Role.PARTICIPANT, "p1"), Actor(Role.PARTICIPANT, "p2")
    # Half the evenings at two tables, each with its host (p1, p2), the proxy at one.
    at_tables: list[tuple[Actor, str, dict[str, Any]]] = [
        (FACILITATOR, "make_tables", {"count": 2, "by": "mixed"}),
        (FACILITATOR, "set_table_host", {"table_id": "k1", "participant_id": "p1"}),
        (FACILITATOR, "set_table_host", {"table_id": "k2", "participant_id": "p2"})]
    setup: list[tuple[Actor, str, dict[str, Any]]] = [
            (FACILITATOR, "add_proxy", {"name": "C", "attribute": "住民"}),
            *(at_tables if tables else []),
            # Half the evenings with a map from the start (the rest may get one later).
            *([(FACILITATOR, "add_map", {"hash": "c" * 64, "title": "", "width": 2400,
                                         "height": 1200})] if mapped else []),
            (p1, "post_note", {"kind": "wish", "text": "公園"}),
            (p2, "post_note", {"kind": "issue", "text": "雪"}),
            (p1, "post_note", {"kind": "charm", "text": "桜"}),
            (FACILITATOR, "create_theme", {"title": "遊び場", "note_id": "n1"}),
            (FACILITATOR, "create_action", {"title": "雪寄せ"}),
            (FACILITATOR, "set_step", {"step": "companions"})]
    for actor, name, args in setup:
        for e in decide(state, actor, name, args, now):
            apply(state, e)
            log.append(e)

    for name, who, args in script:
        now += 1.0
        before = state.copy()
        try:
            events = decide(state, actor_for(who), name, args, now)
        except Refusal:
            assert state == before
            continue
        assert state == before
        for e in events:
            apply(state, e)
            log.append(e)
        check_invariants(state)

    assert replay(log) == state
    # A snapshot through JSON restores the very same state.
    assert snapshot_load(json.loads(json.dumps(snapshot_dump(state)))) == state
