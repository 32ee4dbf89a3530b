"""steering.py: the facilitator's wheel — creating the workshop, moving between steps,
the timer, the projector's focus, private notes and their reveal, meetings across months."""

from __future__ import annotations

import pytest

from yoriai.facilitation import limits
from yoriai.facilitation.commands import decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Role,
    WorkshopState,
)
from yoriai.facilitation.view import snapshot

from .helpers import NOW, Workshop, at_step, grouped, refused


def test_facilitator_moves_freely_between_steps() -> None:
    w = Workshop()
    for step in ("future", "confirm", "practice", "companions"):
        at_step(w, step)
    assert w.run(FACILITATOR, "set_step", step="companions") == []
    refused("unknown_step", w, FACILITATOR, "set_step", step="party")
    refused("not_allowed", w, w.join(), "set_step", step="future")


def test_timer_start_pause_resume_and_add_a_minute() -> None:
    w = Workshop()
    w.clock = 1000.0
    w.run(FACILITATOR, "start_timer", seconds=300)  # at 1001
    assert w.state.timer.ends_at == 1301.0
    w.run(FACILITATOR, "extend_timer")  # at 1002: +60
    assert w.state.timer.ends_at == 1361.0
    w.clock = 1100.0
    w.run(FACILITATOR, "pause_timer")  # at 1101
    assert w.state.timer.ends_at is None and w.state.timer.seconds == 260.0
    assert w.run(FACILITATOR, "pause_timer") == []
    w.run(FACILITATOR, "extend_timer")
    assert w.state.timer.seconds == 320.0
    w.run(FACILITATOR, "start_timer")  # resume
    assert w.state.timer.ends_at == w.clock + 320.0
    refused("bad_number", w, FACILITATOR, "start_timer", seconds=0)
    refused("bad_number", w, FACILITATOR, "start_timer", seconds=limits.TIMER_MAX_SECS + 1)
    refused("not_allowed", w, w.join(), "start_timer", seconds=60)


def test_timer_that_ran_out_restarts_from_now_when_extended() -> None:
    w = Workshop()
    w.clock = 0.0
    w.run(FACILITATOR, "start_timer", seconds=10)
    w.clock = 100.0
    w.run(FACILITATOR, "extend_timer")
    assert w.state.timer.ends_at == 161.0


def test_focus_on_a_note_or_theme() -> None:
    w = Workshop()
    p = w.join()
    notes, theme = grouped(w, [p])
    w.run(FACILITATOR, "set_focus", kind="theme", id=theme)
    assert w.state.focus == {"kind": "theme", "id": theme}
    w.run(FACILITATOR, "set_focus", kind="note", id=notes[1])
    w.run(FACILITATOR, "hide_note", note_id=notes[2])
    refused("not_allowed", w, FACILITATOR, "set_focus", kind="note", id=notes[2])
    refused("unknown_theme", w, FACILITATOR, "set_focus", kind="theme", id="t99")
    refused("bad_value", w, FACILITATOR, "set_focus", kind="person", id="p1")
    w.run(FACILITATOR, "set_focus", kind=None)
    assert w.state.focus is None


def test_join_view_is_shown_and_taken_away_by_moderators() -> None:
    w = Workshop()
    assert snapshot(w.state, PROJECTOR)["workshop"]["join_view"] is False
    events = w.run(FACILITATOR, "show_join_view", shown=True)
    assert [(e.type, e.data) for e in events] == [("JoinViewShown", {"shown": True})]
    assert w.state.join_view is True
    assert snapshot(w.state, PROJECTOR)["workshop"]["join_view"] is True
    assert w.run(FACILITATOR, "show_join_view", shown=True) == []  # already shown
    p = w.join()
    refused("not_allowed", w, p, "show_join_view", shown=False)
    refused("not_allowed", w, PROJECTOR, "show_join_view", shown=False)
    refused("bad_value", w, FACILITATOR, "show_join_view", shown="no")
    refused("bad_value", w, FACILITATOR, "show_join_view")
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=p.participant_id)
    helper = Actor(Role.COFACILITATOR, p.participant_id)
    w.run(helper, "show_join_view", shown=False)  # a つむぎすと may take it away
    assert w.state.join_view is False
    assert snapshot(w.state, PROJECTOR)["workshop"]["join_view"] is False


def test_private_notes_until_revealed() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    w.run(FACILITATOR, "set_private_notes", private=True)
    mine = w.post(a, "わたしだけ")
    assert mine in {n["id"] for n in snapshot(w.state, a)["notes"]}
    assert mine not in {n["id"] for n in snapshot(w.state, b)["notes"]}
    assert mine not in {n["id"] for n in snapshot(w.state, PROJECTOR)["notes"]}
    assert mine in {n["id"] for n in snapshot(w.state, FACILITATOR)["notes"]}
    at_step(w, "companions")
    refused("unknown_note", w, b, "cast_vote", note_id=mine)
    w.run(FACILITATOR, "reveal_notes")
    assert mine in {n["id"] for n in snapshot(w.state, b)["notes"]}
    assert w.state.settings.private_notes is False
    refused("not_allowed", w, a, "reveal_notes")


def test_meetings_across_months() -> None:
    w = Workshop()
    p = w.join()
    first = w.post(p)
    w.run(FACILITATOR, "open_meeting", date="2027-01-15")
    second = w.post(p)
    assert w.state.meeting == 2
    assert (w.state.notes[first].meeting, w.state.notes[second].meeting) == (1, 2)
    refused("bad_date", w, FACILITATOR, "open_meeting", date="来月")
    refused("not_allowed", w, p, "open_meeting", date="2027-01-15")


def test_create_workshop_records_title_and_center() -> None:
    w = Workshop("南部 みんなの未来会議", "南部")
    state = w.state
    assert (state.code, state.title, state.center) == ("abc234", "南部 みんなの未来会議", "南部")
    assert w.state.seq == 1
    assert [e.type for e in w.log] == ["WorkshopCreated"]


def test_create_workshop_refusals() -> None:
    empty = WorkshopState()
    for args, code in [({"code": "abc234", "title": "  "}, "empty_title"),
                       ({"code": "ab", "title": "x"}, "bad_code"),
                       ({"code": "abc/../x", "title": "x"}, "bad_code"),
                       ({"code": "abc234", "title": "x" * (limits.TITLE_MAX_CHARS + 1)},
                        "title_too_long")]:
        with pytest.raises(Refusal) as info:
            decide(empty, FACILITATOR, "create_workshop", args, NOW)
        assert info.value.code == code
    w = Workshop()
    refused("workshop_exists", w, FACILITATOR, "create_workshop", code="abc234", title="x")
