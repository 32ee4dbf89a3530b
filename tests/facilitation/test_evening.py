"""The whole sample evening (30 people, 120 notes) replayed through the domain's commands,
checked against the file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from yoriai.facilitation.commands import decide, result_of
from yoriai.facilitation.evening import sample_evening, script
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    apply,
    replay,
)

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "sample-evening.json"


def load_sample() -> dict[str, Any]:
    """The shared file when it is beside the checkout (as in CI), else the packaged copy."""
    if SAMPLE.exists():
        data: dict[str, Any] = json.loads(SAMPLE.read_text("utf-8"))
        return data
    return sample_evening()


def test_the_packaged_copy_is_the_shared_file() -> None:
    if not SAMPLE.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert sample_evening() == json.loads(SAMPLE.read_text("utf-8"))


def run_evening(data: dict[str, Any]) -> tuple[WorkshopState, list[Event], dict[str, str]]:
    state, log = WorkshopState(), []
    now = 1_790_000_000.0
    actors: dict[str, Actor] = {"facilitator": FACILITATOR}
    ids: dict[str, str] = {}
    w = data["workshop"]

    def run(actor: Actor, name: str, args: dict[str, Any]) -> dict[str, Any]:
        nonlocal now
        now += 5
        events = decide(state, actor, name, args, now)
        for e in events:
            apply(state, e)
        log.extend(events)
        return result_of(events)

    run(FACILITATOR, "create_workshop", {"code": "sample1", "title": w["title"],
                                         "center": w["center"], "date": w["date"]})
    gen = script(data)
    command = next(gen)
    while True:
        actor = PROJECTOR if command.joining else actors[command.who]
        result = run(actor, command.name, command.args)
        if command.joining:
            actors[command.who] = Actor(Role.PARTICIPANT, result["participant_id"])
        if "participant_id" in result:
            ids[command.who] = result["participant_id"]
        try:
            command = gen.send(result)
        except StopIteration:
            break
    return state, log, ids


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
