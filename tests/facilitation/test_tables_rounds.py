"""Tables over an evening: 共感 per table (vote_scope "table": votable and the budget per
table), the tables' settings, and world-café rounds (hosts stay, the others move, notes stay
where they were written, each round's seating is kept)."""

from __future__ import annotations

from yoriai.facilitation.commands import result_of
from yoriai.facilitation.model import FACILITATOR, Actor, Role, WorkshopState
from yoriai.facilitation.program import bundled_program
from yoriai.facilitation.verify import verified_replay
from yoriai.facilitation.view import snapshot

from .helpers import NOW, Workshop, refused

ATTRS = ["住民", "町内会・自治会", "企業"]


def seated_room(n: int = 6, tables: int = 2) -> tuple[Workshop, list[Actor]]:
    w = Workshop()
    people = [w.join(f"人{i}", ATTRS[i % 3]) for i in range(n)]
    w.run(FACILITATOR, "make_tables", count=tables, by="mixed")
    return w, people


def table_of(w: Workshop, who: Actor) -> str:
    table = w.state.participants[who.participant_id or ""].table
    assert table is not None
    return table


def test_votes_per_table_only_for_the_own_tables_notes_with_a_budget_each() -> None:
    w, people = seated_room()
    a = people[0]
    here = table_of(w, a)
    neighbour = next(p for p in people if table_of(w, p) != here)
    mate = next(p for p in people[1:] if table_of(w, p) == here)
    own_notes = [w.post(mate, f"こちら{i}") for i in range(4)]
    far_note = w.post(neighbour, "あちら")
    w.run(FACILITATOR, "set_table_settings", vote_scope="table")
    w.run(FACILITATOR, "set_step", step="companions")
    view = {n["id"]: n["votable"] for n in snapshot(w.state, a)["notes"]}
    assert view == {**dict.fromkeys(own_notes, True), far_note: False}
    refused("not_your_table", w, a, "cast_vote", note_id=far_note)
    for note in own_notes[:3]:
        w.run(a, "cast_vote", note_id=note)
    refused("no_votes_left", w, a, "cast_vote", note_id=own_notes[3])
    assert snapshot(w.state, a)["me"]["votes_left"] == 0
    # At the other table (a new round or a move) the budget starts again.
    w.run(FACILITATOR, "seat", participant_id=a.participant_id, table_id=table_of(w, neighbour))
    assert snapshot(w.state, a)["me"]["votes_left"] == 3
    w.run(a, "cast_vote", note_id=far_note)
    refused("not_your_table", w, a, "cast_vote", note_id=own_notes[1])
    # Back to one room-wide budget: refused while someone has given more than it in all.
    refused("budget_below_used", w, FACILITATOR, "set_table_settings", vote_scope="room")
    refused("budget_below_used", w, FACILITATOR, "set_vote_settings", vote_budget=2)
    w.run(FACILITATOR, "set_vote_settings", vote_budget=4)
    w.run(FACILITATOR, "set_table_settings", vote_scope="room")
    assert snapshot(w.state, a)["me"]["votes_left"] == 0
    assert all(n["votable"] for n in snapshot(w.state, a)["notes"])


def test_table_settings_change_only_what_is_given() -> None:
    w, _ = seated_room()
    w.run(FACILITATOR, "set_table_settings", others_visible=True)
    assert (w.state.settings.others_visible, w.state.settings.vote_scope) == (True, "room")
    assert w.run(FACILITATOR, "set_table_settings", others_visible=True) == []
    refused("bad_value", w, FACILITATOR, "set_table_settings", vote_scope="world")
    refused("bad_value", w, FACILITATOR, "set_table_settings", others_visible="yes")


def test_a_round_keeps_the_hosts_and_moves_the_others_to_new_company() -> None:
    w, people = seated_room(n=9, tables=3)
    hosts = {}
    for table in w.state.tables:
        host = next(p for p in people if table_of(w, p) == table)
        w.run(FACILITATOR, "set_table_host", table_id=table, participant_id=host.participant_id)
        hosts[table] = host.participant_id
    note = w.post(people[-1])
    first = dict(w.state.seatings[0])
    events = w.run(FACILITATOR, "start_round")
    assert events[0].type == "RoundStarted" and events[0].data["round"] == 2
    assert w.state.round == 2 and len(w.state.seatings) == 2
    second = w.state.seatings[1]
    assert all(second[pid or ""] == table for table, pid in hosts.items())
    # Nine people at three tables: everyone but the hosts can sit with new people only.
    for table in w.state.tables:
        sitting = [pid for pid, t in second.items() if t == table]
        assert len(sitting) == 3
        met = [(a, b) for a in sitting for b in sitting if a < b and first[a] == first[b]]
        assert met == [], table
    assert w.state.notes[note].table == first[people[-1].participant_id or ""]
    later = w.post(people[-1])
    assert (w.state.notes[later].table, w.state.notes[later].round) == (
        second[people[-1].participant_id or ""], 2)
    assert snapshot(w.state, people[0])["workshop"]["round"] == 2


def test_rounds_need_tables_and_stop_at_the_cap() -> None:
    w = Workshop()
    w.join()
    refused("no_tables", w, FACILITATOR, "start_round")
    w.run(FACILITATOR, "make_tables", count=1, by="mixed")
    for _ in range(9):
        w.run(FACILITATOR, "start_round")
    refused("too_many", w, FACILITATOR, "start_round")
    refused("not_allowed", w, Actor(Role.PARTICIPANT, "p1"), "start_round")



def cafe() -> Workshop:
    """A workshop of the bundled world-café program (its step "confirm" makes tables)."""
    w = Workshop.__new__(Workshop)
    w.state, w.log, w.clock = WorkshopState(), [], NOW
    w.run(FACILITATOR, "create_workshop", code="cafe23", title="ワールドカフェ",
          program=bundled_program("world-cafe").to_dict())
    return w


def test_a_step_that_makes_tables_makes_them_as_it_opens() -> None:
    """set_step to a step that makes tables records the step and the tables in one command
    (the ack returns the seats), only while there are none; the log passes the import
    check, each event on its own."""
    w = cafe()
    step = w.state.program.step("confirm")
    assert step is not None and step.tables is not None
    people = [w.join(f"人{i}", ATTRS[i % 3]) for i in range(13)]
    events = w.run(FACILITATOR, "set_step", step="confirm")
    assert [e.type for e in events] == ["StepChanged", "TablesMade"]
    assert result_of(events)["seats"] == w.state.seatings[0]
    assert len(w.state.tables) == 3  # at most 6 each: 5, 4, 4
    assert all(w.state.participants[p.participant_id or ""].table for p in people)
    w.run(FACILITATOR, "set_step", step="welcome")
    assert [e.type for e in w.run(FACILITATOR, "set_step", step="confirm")] == ["StepChanged"]
    assert verified_replay(w.log) == w.state


def test_a_step_by_themes_opens_even_when_no_tables_can_be_made() -> None:
    w = Workshop()
    w.join()
    program = w.state.program.to_dict()
    program["steps"][1]["tables"] = {"by": "themes"}
    w2 = Workshop.__new__(Workshop)
    w2.state, w2.log, w2.clock = WorkshopState(), [], NOW
    w2.run(FACILITATOR, "create_workshop", code="them23", title="輪から", program=program)
    w2.join()
    events = w2.run(FACILITATOR, "set_step", step=program["steps"][1]["id"])
    assert [e.type for e in events] == ["StepChanged"]  # nobody in a theme: no tables yet
    assert not w2.state.tables
