"""votes.py: 共感 votes within each person's budget, several on one note when the workshop
allows, tallies hidden until shown, and 共感 given back when its note goes."""

from __future__ import annotations

from yoriai.facilitation import limits
from yoriai.facilitation.model import FACILITATOR, PROJECTOR
from yoriai.facilitation.view import snapshot

from .helpers import Workshop, at_step, refused


def test_votes_within_the_budget_and_taken_back() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    notes = [w.post(b, f"{i}") for i in range(4)]
    at_step(w, "companions")
    for n in notes[:3]:
        w.run(a, "cast_vote", note_id=n)
    refused("no_votes_left", w, a, "cast_vote", note_id=notes[3])
    refused("already_voted", w, a, "cast_vote", note_id=notes[0])
    w.run(a, "retract_vote", note_id=notes[0])
    w.run(a, "cast_vote", note_id=notes[3])
    assert w.state.votes["p1"] == {notes[1]: 1, notes[2]: 1, notes[3]: 1}
    refused("no_vote_to_retract", w, a, "retract_vote", note_id=notes[0])
    refused("unknown_note", w, a, "cast_vote", note_id="n404")


def test_several_votes_on_one_note_when_the_workshop_allows() -> None:
    w = Workshop()
    a = w.join()
    n = w.post(a)
    w.run(FACILITATOR, "set_vote_settings", multi_vote=True, vote_budget=5)
    at_step(w, "companions")
    for _ in range(5):
        w.run(a, "cast_vote", note_id=n)
    assert w.state.tally(n) == 5
    refused("no_votes_left", w, a, "cast_vote", note_id=n)
    refused("multi_votes_in_use", w, FACILITATOR, "set_vote_settings", multi_vote=False)
    refused("budget_below_used", w, FACILITATOR, "set_vote_settings", vote_budget=4)
    refused("bad_number", w, FACILITATOR, "set_vote_settings",
            vote_budget=limits.VOTE_BUDGET_MAX + 1)
    refused("bad_value", w, FACILITATOR, "set_vote_settings", votes_visible="yes")


def test_tallies_are_hidden_until_shown() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    n = w.post(a)
    at_step(w, "companions")
    w.run(b, "cast_vote", note_id=n)
    assert snapshot(w.state, a)["tallies"] == {}
    assert snapshot(w.state, PROJECTOR)["tallies"] == {}
    assert snapshot(w.state, FACILITATOR)["tallies"] == {n: 1}
    assert snapshot(w.state, b)["me"]["votes"] == {n: 1}  # your own votes are yours to see
    w.run(FACILITATOR, "set_vote_settings", votes_visible=True)
    assert snapshot(w.state, PROJECTOR)["tallies"] == {n: 1}


def test_deleting_a_note_gives_its_votes_back() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    n = w.post(a)
    at_step(w, "companions")
    w.run(b, "cast_vote", note_id=n)
    at_step(w, "confirm")
    w.run(a, "delete_note", note_id=n)
    assert w.state.votes_used("p2") == 0
