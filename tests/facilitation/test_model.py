"""model.py: each event is declared once, beside its applier, with every fact the rest of
Yoriai looks up about it (what it touches, the id its ack returns, what it creates, whose
role it changes)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.sample import load_sample, run_evening
from yoriai.facilitation.commands import COMMANDS, result_of
from yoriai.facilitation.model import (
    EVENTS,
    FACILITATOR,
    Event,
    WorkshopState,
    applies,
    apply,
    event_types,
    replay,
    role_changed,
)
from yoriai.facilitation.touch import Touch
from yoriai.facilitation.view import touched

from .helpers import NOW, Workshop

DOMAIN = Path(__file__).resolve().parents[2] / "yoriai" / "facilitation"
SOURCES = {p.name: p.read_text("utf-8") for p in sorted(DOMAIN.glob("*.py"))}
DECLARED = re.compile(r'@applies\(\s*"([A-Za-z]+)"')
# An event's type as a command drafts it: a capitalised word or CamelCase words, as a string
# (other such strings in the domain: Unicode categories, a type named in an annotation).
EVENT_NAME = re.compile(r'"([A-Z][a-z]+(?:[A-Z][a-z]*)*)"')
NOT_EVENTS = {"WorkshopState", "Cc", "Zalgo"}


def test_each_event_is_declared_once_beside_its_applier() -> None:
    declared = Counter(t for text in SOURCES.values() for t in DECLARED.findall(text))
    assert {t: n for t, n in declared.items() if n != 1} == {}, "declared more than once"
    assert set(declared) == set(EVENTS) == event_types()
    for name, text in SOURCES.items():
        for event_type in DECLARED.findall(text):
            spec = EVENTS[event_type]
            assert spec.type == event_type
            # The applier is the function right below its declaration, in the same module.
            assert spec.apply.__module__ == f"yoriai.facilitation.{name[:-3]}", event_type


def test_every_event_a_command_drafts_is_declared() -> None:
    """No event type is written in the domain without a declaration: an event its applier
    does not know would be recorded and then fail every replay."""
    names = {t for text in SOURCES.values() for t in EVENT_NAME.findall(text)}
    assert names - NOT_EVENTS == set(EVENTS)


def test_an_event_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        applies("NotePosted", made_by="post_note", touches=lambda d, s: Touch())(
            lambda state, e: None)
    assert EVENTS["NotePosted"].made_by == "post_note"  # the first declaration stands


def test_every_event_names_the_command_that_records_it() -> None:
    for spec in EVENTS.values():
        names = {spec.made_by} if isinstance(spec.made_by, str) else {
            spec.made_by({"proxy": True}), spec.made_by({"proxy": False})}
        assert names <= set(COMMANDS), spec.type


def test_what_an_event_creates_and_returns_is_what_its_data_holds() -> None:
    """Over the whole sample evening: an event's ``result`` field is in its data and is what
    the ack returns; an id it ``creates`` is numbered with its prefix from the state."""
    _, log, _ = run_evening(load_sample())
    seen: set[str] = set()
    state = WorkshopState()
    for event in log:
        spec = EVENTS[event.type]
        seen.add(event.type)
        made_before = dict(state.made)
        touch = touched(event, state)
        assert isinstance(touch, Touch)
        apply(state, event)
        if spec.result is not None:
            assert result_of([event]) == {spec.result: event.data[spec.result]}
        else:
            assert result_of([event]) == {}
        if spec.creates is not None:
            assert spec.result is not None, "the sender is told the id of what it made"
            number = made_before.get(spec.creates, 0) + 1
            assert event.data[spec.result] == f"{spec.creates}{number}"
            assert state.made[spec.creates] == number
        else:
            assert state.made == made_before
    assert {t for t, s in EVENTS.items() if s.creates} <= seen
    assert {t: s.result for t, s in EVENTS.items() if s.result} == {
        "WorkshopCreated": "code", "ParticipantJoined": "participant_id",
        "NotePosted": "note_id", "ThemeCreated": "theme_id", "ActionCreated": "action_id",
        "ReviewPosted": "review_id", "TablesMade": "seats", "RoundStarted": "seats"}


def test_whose_role_an_event_changes() -> None:
    assert {t for t, s in EVENTS.items() if s.changes_role} == {
        "CofacilitatorGranted", "CofacilitatorRevoked", "ParticipantRemoved",
        "TableHostSet", "TableHostCleared", "Seated"}
    w = Workshop()
    p = w.join()
    granted = w.run(FACILITATOR, "grant_cofacilitator", participant_id=p.participant_id)
    assert role_changed(granted[0]) == p.participant_id
    note = w.run(p, "post_note", kind="wish", text="雪")
    assert role_changed(note[0]) is None
    assert role_changed(Event(seq=99, type="NoSuchEvent", data={}, at=0.0,
                              actor="facilitator")) is None


def test_apply_refuses_an_event_out_of_order() -> None:
    w = Workshop()
    stray = Event(seq=5, type="NoteDeleted", data={"note_id": "n1"}, at=NOW, actor="x")
    with pytest.raises(ValueError):
        apply(w.state.copy(), stray)


def test_events_round_trip_through_json() -> None:
    w = Workshop()
    p = w.join()
    w.post(p)
    again = [Event.from_json(e.to_json()) for e in w.log]
    assert again == w.log
    assert replay(again) == w.state
