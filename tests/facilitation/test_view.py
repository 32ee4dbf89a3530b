"""Who sees what: snapshots and live events pass the same filter."""

from __future__ import annotations

from facilitation.model import FACILITATOR, PROJECTOR, Actor, Role, WorkshopState, replay
from facilitation.view import snapshot, wire_event

from .helpers import Workshop


def visible_ids(state: WorkshopState, viewer: Actor) -> set[str]:
    return {n["id"] for n in snapshot(state, viewer)["notes"]}


def test_hidden_note_is_seen_by_facilitator_and_author_only() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    note_id = w.post(a)
    w.run(FACILITATOR, "hide_note", note_id=note_id)
    assert note_id in visible_ids(w.state, FACILITATOR)
    assert note_id in visible_ids(w.state, a)
    assert note_id not in visible_ids(w.state, b)
    assert note_id not in visible_ids(w.state, PROJECTOR)


def test_live_events_agree_with_snapshots_for_every_viewer() -> None:
    """Applying each viewer's wire events by the client rule gives that viewer's snapshot."""
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    n1 = w.post(a, "一")
    n2 = w.post(b, "二")
    w.run(FACILITATOR, "hide_note", note_id=n1)
    w.run(a, "edit_note", note_id=n1, text="一の二")
    w.run(FACILITATOR, "unhide_note", note_id=n1)
    w.run(FACILITATOR, "hide_note", note_id=n2)
    w.run(b, "delete_note", note_id=n2)
    n3 = w.post(b, "三")
    w.run(FACILITATOR, "hide_note", note_id=n3)

    for viewer in (FACILITATOR, PROJECTOR, a, b):
        board: dict[str, dict[str, object]] = {}
        state = WorkshopState()
        for event in w.log:
            replay([event], state)
            msg = wire_event(event, state, viewer)
            if msg is None:
                continue
            data = msg["data"]
            if "note" in data:
                board[data["note"]["id"]] = data["note"]
            elif "note_id" in data:
                board.pop(data["note_id"], None)
        expected = {n["id"]: n for n in snapshot(w.state, viewer)["notes"]}
        assert board == expected, viewer


def test_public_views_carry_no_author() -> None:
    w = Workshop()
    a = w.join("佐藤")
    w.post(a)
    public = snapshot(w.state, PROJECTOR)
    assert "author" not in public["notes"][0]
    assert "participants" not in public
    assert public["notes"][0]["mine"] is False
    assert snapshot(w.state, a)["notes"][0]["mine"] is True
    fac = snapshot(w.state, FACILITATOR)
    assert fac["notes"][0]["author_name"] == "佐藤"
    assert fac["participants"][0]["name"] == "佐藤"


def test_participant_joined_tells_the_public_only_the_count() -> None:
    w = Workshop()
    w.join("佐藤")
    event = w.log[-1]
    public = wire_event(event, w.state, PROJECTOR)
    assert public is not None and public["data"] == {"participant_count": 1}
    fac = wire_event(event, w.state, FACILITATOR)
    assert fac is not None and fac["data"]["participant"]["name"] == "佐藤"


def test_a_participant_sees_own_profile() -> None:
    w = Workshop()
    a = w.join("佐藤", "町内会・自治会")
    assert snapshot(w.state, a)["me"]["attribute"] == "町内会・自治会"
    assert snapshot(w.state, Actor(Role.PROJECTOR))["me"] is None
