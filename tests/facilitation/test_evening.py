"""The whole sample evening (30 people, 120 notes) replayed through the domain's commands
(``tests/sample.py``), checked against the packaged file (``facilitation/evening.py``)."""

from __future__ import annotations

from collections import Counter

from tests.sample import load_sample, run_evening
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
