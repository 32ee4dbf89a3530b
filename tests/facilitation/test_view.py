"""Who sees what: snapshots and live events pass the same filter, and a client that
applies its live patches holds exactly what a fresh snapshot would give it."""

from __future__ import annotations

from tests.board import ClientView, normalised
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    replay,
)
from yoriai.facilitation.view import lens, personal_to, snapshot, touched, wire_event

from .helpers import Workshop


def visible_ids(state: WorkshopState, viewer: Actor) -> set[str]:
    return {n["id"] for n in snapshot(state, viewer)["notes"]}


def follow(log: list[Event], viewer: Actor) -> ClientView:
    """A client that was there from the first event, applying each patch it was sent."""
    client = ClientView()
    state = WorkshopState()
    for i, event in enumerate(log):
        touch = touched(event, state)  # taken before the event is applied
        replay([event], state)
        if i == 0:
            client.load(snapshot(state, viewer))
            continue
        msg = wire_event(event, state, viewer, touch)
        if msg is not None:
            client.patch(msg["data"])
    return client


def assert_clients_agree(w: Workshop, viewers: list[Actor]) -> None:
    for viewer in viewers:
        assert follow(w.log, viewer).as_state() == normalised(snapshot(w.state, viewer)), viewer


def test_hidden_note_is_seen_by_facilitator_and_author_only() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    note_id = w.post(a)
    w.run(FACILITATOR, "hide_note", note_id=note_id)
    assert note_id in visible_ids(w.state, FACILITATOR)
    assert note_id in visible_ids(w.state, a)
    assert note_id not in visible_ids(w.state, b)
    assert note_id not in visible_ids(w.state, PROJECTOR)


def test_live_patches_agree_with_snapshots_for_every_viewer() -> None:
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
    assert_clients_agree(w, [FACILITATOR, PROJECTOR, a, b])


def test_public_views_carry_no_author() -> None:
    w = Workshop()
    a = w.join("佐藤")
    note_id = w.post(a)
    public = snapshot(w.state, PROJECTOR)
    assert "author" not in public["notes"][0] and "author_name" not in public["notes"][0]
    assert public["participants"] == []
    assert public["me"] is None
    assert snapshot(w.state, a)["me"]["notes"] == [note_id]
    fac = snapshot(w.state, FACILITATOR)
    assert fac["notes"][0]["author_name"] == "佐藤"
    assert fac["participants"][0]["name"] == "佐藤"


def test_participant_joined_tells_the_public_only_the_count() -> None:
    w = Workshop()
    before = w.state.copy()
    w.join("佐藤")
    event = w.log[-1]
    touch = touched(event, before)
    public = wire_event(event, w.state, PROJECTOR, touch)
    assert public is not None
    assert public["data"]["workshop"]["participant_count"] == 1
    assert "佐藤" not in str(public)
    fac = wire_event(event, w.state, FACILITATOR, touch)
    assert fac is not None and fac["data"]["upsert"]["participants"][0]["name"] == "佐藤"


def test_a_participant_sees_own_profile() -> None:
    w = Workshop()
    a = w.join("佐藤", "町内会・自治会")
    assert snapshot(w.state, a)["me"]["attribute"] == "町内会・自治会"
    assert snapshot(w.state, Actor(Role.PROJECTOR))["me"] is None


def test_a_viewers_lens_gets_the_viewers_own_patch() -> None:
    """The hub builds each message from a lens, once per audience: that is only right if
    the lens's patch is the viewer's own, for every event and every kind of viewer."""
    w = Workshop()
    people = [w.join(f"人{i}") for i in range(4)]
    n = w.post(people[0])
    w.run(FACILITATOR, "hide_note", note_id=n)
    w.run(FACILITATOR, "set_private_notes", private=True)
    w.post(people[1])
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=people[3].participant_id)
    w.run(FACILITATOR, "set_vote_settings", votes_visible=True)
    w.run(FACILITATOR, "reveal_notes")
    viewers = [*people, Actor(Role.COFACILITATOR, people[3].participant_id), PROJECTOR,
               FACILITATOR]
    state = WorkshopState()
    lenses = set()
    for event in w.log:
        touch = touched(event, state)
        replay([event], state)
        personal = personal_to(state, touch)
        for viewer in viewers:
            seen_as = lens(viewer, personal)
            lenses.add(seen_as)
            assert wire_event(event, state, seen_as, touch) == wire_event(
                event, state, viewer, touch), (event.type, viewer)
    assert len(lenses) < len(viewers) * len(w.log) / 2  # and phones do share
