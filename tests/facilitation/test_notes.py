"""notes.py: the sticky notes of step 1 — posting, editing, deleting, hiding — and who
may do which to whose note."""

from __future__ import annotations

from yoriai.facilitation import limits
from yoriai.facilitation.commands import effective_actor
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    NoteKind,
    Role,
)

from .helpers import Workshop, refused


def test_post_note_in_each_kind() -> None:
    w = Workshop()
    p = w.join()
    for kind in NoteKind:
        note_id = w.post(p, f"{kind.value}のメモ", kind.value)
        note = w.state.notes[note_id]
        assert (note.kind, note.author, note.step) == (kind, "p1", "confirm")
    assert len(w.state.notes) == 3


def test_note_text_is_normalised() -> None:
    w = Workshop()
    p = w.join()
    note_id = w.post(p, "  ﾊﾟﾝ屋さんが\x00ある\n ")
    # NFC keeps half-width kana as typed but joins combining marks; controls are dropped.
    assert w.state.notes[note_id].text == "ﾊﾟﾝ屋さんがある"


def test_post_note_refusals() -> None:
    w = Workshop()
    p = w.join()
    refused("empty_note", w, p, "post_note", kind="wish", text="   ")
    refused("empty_note", w, p, "post_note", kind="wish")
    refused("note_too_long", w, p, "post_note", kind="wish",
            text="あ" * (limits.NOTE_MAX_CHARS + 1))
    refused("bad_note_kind", w, p, "post_note", kind="rant", text="x")
    refused("not_allowed", w, PROJECTOR, "post_note", kind="wish", text="x")
    refused("join_first", w, Actor(Role.PARTICIPANT, "p99"), "post_note", kind="wish", text="x")


def test_a_note_of_exactly_the_limit_is_accepted() -> None:
    w = Workshop()
    p = w.join()
    note_id = w.post(p, "あ" * limits.NOTE_MAX_CHARS)
    assert len(w.state.notes[note_id].text) == limits.NOTE_MAX_CHARS


def test_edit_own_note_and_kind() -> None:
    w = Workshop()
    p = w.join()
    note_id = w.post(p, "雪かきが大変", "issue")
    w.run(p, "edit_note", note_id=note_id, text="雪寄せが大変", kind="wish")
    note = w.state.notes[note_id]
    assert (note.text, note.kind, note.edited) == ("雪寄せが大変", NoteKind.WISH, True)


def test_edit_keeps_kind_when_not_given() -> None:
    w = Workshop()
    p = w.join()
    note_id = w.post(p, "x", "charm")
    w.run(p, "edit_note", note_id=note_id, text="y")
    assert w.state.notes[note_id].kind is NoteKind.CHARM


def test_cannot_edit_or_delete_someone_elses_note() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    note_id = w.post(a)
    refused("not_your_note", w, b, "edit_note", note_id=note_id, text="いたずら")
    refused("not_your_note", w, b, "delete_note", note_id=note_id)
    refused("unknown_note", w, a, "edit_note", note_id="n999", text="x")
    refused("unknown_note", w, a, "delete_note", note_id=["n1"])


def test_facilitator_may_fix_a_typo_in_any_note() -> None:
    w = Workshop()
    a = w.join()
    note_id = w.post(a, "雪かきが大編")
    w.run(FACILITATOR, "edit_note", note_id=note_id, text="雪かきが大変")
    assert w.state.notes[note_id].text == "雪かきが大変"
    assert w.state.notes[note_id].author == "p1"


def test_delete_own_note() -> None:
    w = Workshop()
    p = w.join()
    note_id = w.post(p)
    w.run(p, "delete_note", note_id=note_id)
    assert note_id not in w.state.notes
    # Ids are never reused, so a late event about the old note cannot hit a new one.
    assert w.post(p) == "n2"


def test_facilitator_hides_and_unhides() -> None:
    # (Deleting anyone's note is the facilitator's too: tests/facilitation/test_people.py,
    # beside a removal.)
    w = Workshop()
    p = w.join()
    note_id = w.post(p)
    refused("not_allowed", w, p, "hide_note", note_id=note_id)
    w.run(FACILITATOR, "hide_note", note_id=note_id)
    assert w.state.notes[note_id].hidden
    assert w.run(FACILITATOR, "hide_note", note_id=note_id) == []  # already hidden: no event
    w.run(FACILITATOR, "unhide_note", note_id=note_id)
    assert not w.state.notes[note_id].hidden
    assert w.run(FACILITATOR, "unhide_note", note_id=note_id) == []
    refused("unknown_note", w, FACILITATOR, "hide_note", note_id="n404")


def test_a_cofacilitator_hides_but_deletes_only_their_own() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=str(a.participant_id))
    cofac = effective_actor(w.state, a)
    theirs, mine = w.post(b), w.post(cofac)
    refused("not_your_note", w, cofac, "delete_note", note_id=theirs)
    refused("not_your_note", w, b, "delete_note", note_id=mine)
    w.run(cofac, "hide_note", note_id=theirs)
    w.run(cofac, "delete_note", note_id=mine)
    assert set(w.state.notes) == {theirs}


def test_for_a_person_without_a_phone_the_facilitator_deletes_only_theirs() -> None:
    w = Workshop()
    a = w.join("A")
    proxy = w.run(FACILITATOR, "add_proxy", name="紙の人", attribute="住民")[0].data[
        "participant_id"]
    theirs = w.post(a)
    refused("not_your_note", w, FACILITATOR, "delete_note", proxy_for=proxy, note_id=theirs)
