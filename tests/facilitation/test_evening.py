"""The whole sample evening (30 people, 120 notes) replayed through the domain's commands
(``tests/sample.py``), checked against the packaged file (``facilitation/evening.py``)."""

from __future__ import annotations

from collections import Counter

from tests.sample import load_sample, run_evening
from yoriai.facilitation.evening import TABLE_PROGRAM, theme_tables
from yoriai.facilitation.model import replay


def test_the_sample_evening_replays_to_what_the_file_says() -> None:
    data = load_sample()
    state, log, _ = run_evening(data)
    assert state.title == data["workshop"]["title"] and state.step == "future"
    assert len(state.participants) == 30
    assert sum(p.proxy for p in state.participants.values()) == 4
    assert len(state.notes) == 120
    assert Counter(n.kind.value for n in state.notes.values()) == Counter(
        n["kind"] for n in data["notes"])
    assert {t.title for t in state.themes.values()} == {t["title"] for t in data["themes"]}
    assert sum(len(v) for v in (t.notes for t in state.themes.values())) == sum(
        len(t["notes"]) for t in data["themes"])
    assert sum(sum(v.values()) for v in state.votes.values()) == len(data["votes"])
    by_title = {t.title: t for t in state.themes.values()}
    for t in data["themes"]:
        assert len(by_title[t["title"]].members) == len(t["members"])
        proposal = state.proposals[by_title[t["title"]].id]
        assert len(proposal.priority) == data["priority_votes"][t["id"]]
    assert len(state.actions) == 10
    actions = {a.title: a for a in state.actions.values()}
    for a in data["actions"]:
        got = actions[a["title"]]
        assert (got.form.value, got.partners, got.first_step, got.due, got.status.value) == (
            a["form"], a["partners"], a["first_step"], a["due"], a["status"])
        assert len(got.volunteers) == len(a["volunteers"])
        assert got.lead is not None
    assert sorted(r.text for r in state.reviews.values()) == sorted(
        r["text"] for r in data["review"])
    assert replay(log) == state


# --- the same evening at tables (yoriai demo --tables) ------------------------------------

def test_the_table_evening_sits_the_room_at_five_mixed_tables_with_hosts() -> None:
    data = load_sample()
    state, log, _ = run_evening(data, tables=True)
    assert state.program.id == TABLE_PROGRAM and state.step == "future"
    assert len(state.participants) == 30 and state.round == 2
    tables = list(state.tables)
    assert [t.number for t in state.tables.values()] == [1, 2, 3, 4, 5]
    first = state.seatings[0]
    # round 1 is the mixed deal: sizes and every attribute within one between tables
    assert sorted(Counter(first.values()).values()) == [6] * 5
    for attribute in {p.attribute for p in state.participants.values()}:
        counts = [sum(state.participants[pid].attribute == attribute and table == k
                      for pid, table in first.items()) for k in tables]
        assert max(counts) - min(counts) <= 1, (attribute, counts)
    hosts = {t.id: t.host for t in state.tables.values()}
    assert all(h is not None and not state.participants[h].proxy for h in hosts.values())
    for table, host in hosts.items():  # hosts stayed at their tables in round 2
        assert host is not None and state.seatings[1][host] == table
        assert state.participants[host].table == table
    assert all(t.name for t in state.tables.values())  # each named after its first theme
    assert replay(log) == state


def test_the_table_evenings_notes_stay_where_they_were_written() -> None:
    data = load_sample()
    state, _, _ = run_evening(data, tables=True)
    notes = list(state.notes.values())
    assert len(notes) == 120
    assert Counter(n.round for n in notes) == Counter({1: 60, 2: 60})
    for n in notes:  # at the author's seat in that round
        assert n.table == state.seatings[n.round - 1][n.author]
    by_proxy = [n for n in notes if n.by_proxy]
    assert by_proxy and len(by_proxy) == sum(
        1 for n in data["notes"] if not next(
            p for p in data["participants"] if p["id"] == n["author"])["has_phone"])


def test_the_table_evenings_second_round_meets_fewer_people_again_than_staying_put() -> None:
    state, _, _ = run_evening(load_sample(), tables=True)
    first, second = state.seatings
    met = {frozenset((a, b)) for a in first for b in first if a != b and first[a] == first[b]}
    again = {frozenset((a, b)) for a in second for b in second
             if a != b and second[a] == second[b]} & met
    # 5 hosts stay and 25 move, 5 guests to each table of 6. A guest from the host's own
    # first-round table meets the host again; guests from the 4 other tables are 5 from 4,
    # so two of them met: either way each table has a repeat, 5 at the least — and that is
    # what the reshuffle gives (staying put would repeat 5 pairs at each table: 75).
    assert len(again) == 5, sorted(map(sorted, again))
    assert len(met) == 75  # 5 tables x 15 pairs: what staying put would repeat


def test_the_table_evenings_themes_and_proposals_belong_to_tables() -> None:
    data = load_sample()
    state, _, _ = run_evening(data, tables=True)
    assert {t.title for t in state.themes.values()} == {t["title"] for t in data["themes"]}
    assert all(t.table in state.tables for t in state.themes.values())
    # every table brought at least one theme (and its proposal) to the room's priority vote
    assert {t.table for t in state.themes.values()} == set(state.tables)
    assert len(state.proposals) == len(data["proposals"])
    assert sum(len(p.priority) for p in state.proposals.values()) == sum(
        data["priority_votes"].values())
    assert len(state.actions) == 10 and sum(sum(v.values()) for v in state.votes.values()) == len(
        data["votes"])


def test_theme_tables_gives_each_table_a_theme_first_then_where_most_notes_were_written(
        ) -> None:
    themes = [{"id": "a", "notes": ["n1", "n2", "n3"]}, {"id": "b", "notes": ["n4", "n5"]},
              {"id": "c", "notes": ["n6"]}]
    written = {"n1": "k1", "n2": "k2", "n3": "k2", "n4": "k2", "n5": "k2", "n6": "k1"}
    # a (largest) to k2, where 2 of its 3 were written; b to the table left, k1; then c to
    # where its note was written.
    assert theme_tables(themes, written, ["k1", "k2"]) == {"a": "k2", "b": "k1", "c": "k1"}
