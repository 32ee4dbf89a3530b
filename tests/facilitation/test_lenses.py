"""``lenses``: the broadcast loop's per-event shortcut of ``lens`` gives every viewer the
very lens the general rule gives: every role, authors and others, with and without tables,
for events that read one person's own facts, several, or everyone's."""

from __future__ import annotations

import itertools

import pytest

from tests.sample import load_sample, run_evening
from yoriai.facilitation.model import FACILITATOR, NOWHERE, PROJECTOR, Actor, Role
from yoriai.facilitation.view import PUBLIC, STAFF, Personal, lens, lenses


@pytest.mark.parametrize("tables", [False, True])
def test_the_shortcut_gives_every_viewer_the_general_lens(tables: bool) -> None:
    state, _, ids = run_evening(load_sample(), tables=tables)
    people = sorted(ids.values())
    assert bool(state.tables) is tables
    table_ids = sorted(state.tables)
    viewers = [FACILITATOR, PROJECTOR, Actor(Role.FACILITATOR, None, proxy=True)]
    for role, pid in itertools.product(
            (Role.PARTICIPANT, Role.COFACILITATOR, Role.TABLE_HOST), people[:12]):
        viewers.append(Actor(role, pid))
    reads = [frozenset(), frozenset(people[:1]), frozenset(people[3:7]), None]
    seats = [frozenset(), frozenset(table_ids[:1]), None]
    compared = 0
    for people_read, tables_read in itertools.product(reads, seats):
        personal = Personal(people_read, tables_read)
        lens_of = lenses(state, personal)
        for viewer in viewers:
            assert lens_of(viewer) == lens(state, viewer, personal), (viewer, personal)
            compared += 1
    assert compared == len(reads) * len(seats) * len(viewers)


def test_without_tables_an_author_has_their_own_lens_and_the_rest_share_two() -> None:
    state, _, ids = run_evening(load_sample())
    author, other = sorted(ids.values())[:2]
    lens_of = lenses(state, Personal(frozenset({author}), frozenset()))
    assert lens_of(Actor(Role.PARTICIPANT, author)) == (False, author, *NOWHERE)
    assert lens_of(Actor(Role.PARTICIPANT, other)) is PUBLIC
    assert lens_of(Actor(Role.COFACILITATOR, other)) is STAFF
    assert lens_of(PROJECTOR) is PUBLIC and lens_of(FACILITATOR) is STAFF

