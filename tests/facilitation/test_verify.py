"""Checking a log from outside by the live commands' rules (``facilitation/verify.py``):
whatever live commands record passes, event for event; what they could not record fails."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.random_commands import actor_for, command, map_command
from tests.sample import load_sample, run_evening
from yoriai.facilitation.commands import decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    apply,
)
from yoriai.facilitation.verify import Rejected, check, verified_replay


def test_the_sample_evening_passes_event_for_event() -> None:
    state, log, _ = run_evening(load_sample())
    assert verified_replay(log) == state


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(command(), command(), command(), map_command()), min_size=20,
                max_size=80))
def test_whatever_live_commands_record_passes(script: list[tuple[str, str, dict[str, Any]]]
                                              ) -> None:
    """Random commands from every role (on behalf of people without phones too), as in
    the invariants test: every event they record is one the check accepts."""
    state = WorkshopState()
    log: list[Event] = []
    now = 1_000.0

    def run(actor: Actor, name: str, args: dict[str, Any]) -> None:
        try:
            events = decide(state, actor, name, args, now)
        except Refusal:
            return
        for e in events:
            apply(state, e)
            log.append(e)

    run(FACILITATOR, "create_workshop", {"code": "prop1", "title": "性質テスト"})
    run(PROJECTOR, "join", {"name": "A", "attribute": "住民"})
    run(PROJECTOR, "join", {"name": "B", "attribute": "企業"})
    run(FACILITATOR, "add_proxy", {"name": "C", "attribute": "住民"})
    # A map, so that places are recorded (and checked) from the start.
    run(FACILITATOR, "add_map", {"hash": "d" * 64, "title": "地図", "width": 900,
                                 "height": 2400})
    p1, p2 = Actor(Role.PARTICIPANT, "p1"), Actor(Role.PARTICIPANT, "p2")
    run(p1, "post_note", {"kind": "wish", "text": "公園", "pin": {"x": 3, "y": 4}})
    run(p2, "post_note", {"kind": "issue", "text": "雪"})
    run(FACILITATOR, "create_theme", {"title": "遊び場", "note_id": "n1"})
    run(FACILITATOR, "create_action", {"title": "雪寄せ"})
    run(FACILITATOR, "grant_cofacilitator", {"participant_id": "p2"})
    run(FACILITATOR, "set_step", {"step": "companions"})
    for name, who, args in script:
        now += 1.0
        run(actor_for(who), name, args)
    assert verified_replay(log) == state


def _log() -> tuple[WorkshopState, list[Event]]:
    state, log, _ = run_evening(load_sample())
    return state, log


def _rejected(log: list[Event], index: int, event: Event) -> Rejected:
    state = WorkshopState()
    for e in log[:index]:
        apply(state, e)
    with pytest.raises(Rejected) as info:
        check(state, event)
    return info.value


def test_a_note_for_a_phone_can_not_be_said_to_be_the_facilitators() -> None:
    """代理入力 is only for people without a phone: a facilitator-made note for a person
    who joined from their phone is not one the commands record."""
    _, log = _log()
    i = next(i for i, e in enumerate(log) if e.type == "NotePosted"
             and e.actor.startswith("p:"))
    e = log[i]
    forged = Event(e.seq, e.type, e.data, e.at, "facilitator")
    assert _rejected(log, i, forged).refusal is not None


def test_the_state_is_left_as_it_was() -> None:
    _, log = _log()
    state = WorkshopState()
    for e in log[:40]:
        apply(state, e)
    before = state.copy()
    bad = Event(41, "CofacilitatorGranted", {"participant_id": "p999"}, log[40].at,
                "facilitator")
    with pytest.raises(Rejected):
        check(state, bad)
    assert state == before
    check(state, log[40])  # the real one passes
    assert state == before


@pytest.mark.parametrize("at", [float("nan"), float("inf")])
def test_a_time_that_is_not_a_time(at: float) -> None:
    _, log = _log()
    e = log[1]
    assert "no real time" in str(_rejected(log, 1, Event(e.seq, e.type, e.data, at, e.actor)))


def test_a_countdown_resumed_with_less_than_half_a_second_left() -> None:
    """Resuming records what was left, rounded: 0 when under half a second, which no
    start_timer could have asked for. The check knows it was a resume."""
    state = WorkshopState()
    log: list[Event] = []
    steps: list[tuple[Actor, str, dict[str, Any], float]] = [
            (FACILITATOR, "create_workshop", {"code": "tmr1", "title": "時計"}, 100.0),
            (FACILITATOR, "start_timer", {"seconds": 60}, 100.0),
            (FACILITATOR, "pause_timer", {}, 159.7),
            (FACILITATOR, "start_timer", {}, 170.0)]
    for actor, name, args, at in steps:
        for e in decide(state, actor, name, args, at):
            apply(state, e)
            log.append(e)
    assert log[-1].data == {"seconds": 0}
    assert verified_replay(log) == state
