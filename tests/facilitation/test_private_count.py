"""While notes are private, a phone says how many are written (「公開されるまで見えません
（いま12枚）」): the header carries ``private_count``, the same for every viewer, and a live
patch carries it whenever it changes, also to those who get no entry for the note itself.
A count only: the notes' ids and texts still reach no one but their authors."""

from __future__ import annotations

from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, WorkshopState, replay
from yoriai.facilitation.view import snapshot, touched, wire_event

from .helpers import Workshop


def followed_count(w: Workshop, viewer: Actor) -> tuple[int, set[str]]:
    """The private count a client holds after following every patch from the first
    event, and every note id it was ever sent."""
    state = WorkshopState()
    count = 0
    seen: set[str] = set()
    for i, event in enumerate(w.log):
        touch = touched(event, state)
        replay([event], state)
        if i == 0:
            first = snapshot(state, viewer)
            count = first["workshop"]["private_count"]
            seen.update(n["id"] for n in first["notes"])
            continue
        msg = wire_event(event, state, viewer, touch)
        if msg is None:
            continue
        data = msg["data"]
        if "private_count" in data.get("workshop", {}):
            count = data["workshop"]["private_count"]
        for kind in ("upsert", "replace"):
            seen.update(n["id"] for n in data.get(kind, {}).get("notes", []))
    return count, seen


def assert_count(w: Workshop, viewers: list[Actor], expected: int) -> None:
    for viewer in viewers:
        assert snapshot(w.state, viewer)["workshop"]["private_count"] == expected, viewer
        assert followed_count(w, viewer)[0] == expected, viewer


def test_every_viewer_is_told_how_many_private_notes_are_written() -> None:
    w = Workshop()
    a, b, c = w.join("A"), w.join("B"), w.join("C")
    viewers = [FACILITATOR, PROJECTOR, a, b, c]
    w.post(a, "公開前の一")
    assert_count(w, viewers, 0)  # posted before the room went private: public

    w.run(FACILITATOR, "set_private_notes", private=True)
    mine = [w.post(a, f"Aの{i}") for i in range(3)]
    theirs = [w.post(b, f"Bの{i}") for i in range(2)]
    assert_count(w, viewers, 5)

    # Hidden by the facilitator: it will not be revealed, so it is not counted.
    w.run(FACILITATOR, "hide_note", note_id=theirs[0])
    assert_count(w, viewers, 4)
    w.run(FACILITATOR, "unhide_note", note_id=theirs[0])
    assert_count(w, viewers, 5)
    w.run(a, "delete_note", note_id=mine[0])
    assert_count(w, viewers, 4)

    # C wrote nothing and was sent no note of A's or B's: a count, never ids.
    _, seen_by_c = followed_count(w, c)
    assert seen_by_c.isdisjoint(mine + theirs)
    _, seen_by_projector = followed_count(w, PROJECTOR)
    assert seen_by_projector.isdisjoint(mine + theirs)

    w.run(FACILITATOR, "reveal_notes")
    assert_count(w, viewers, 0)
    _, seen_by_c = followed_count(w, c)
    assert set(mine[1:] + theirs) <= seen_by_c  # now shown to all
