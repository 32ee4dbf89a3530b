"""The core commands: creating a workshop, joining, and the sticky notes of step 1."""

from __future__ import annotations

import pytest

from yoriai.facilitation import limits
from yoriai.facilitation.commands import COMMANDS, decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    ATTRIBUTES,
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    NoteKind,
    Role,
    WorkshopState,
    apply,
    replay,
)

from .helpers import NOW, Workshop


def refused(expected: str, w: Workshop, actor: Actor, command: str, /, **args: object) -> None:
    before = w.state.copy()
    with pytest.raises(Refusal) as info:
        decide(w.state, actor, command, args, NOW)
    assert info.value.code == expected
    assert w.state == before


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


def test_commands_on_a_workshop_that_does_not_exist_are_refused() -> None:
    with pytest.raises(Refusal) as info:
        decide(WorkshopState(), PROJECTOR, "join", {"name": "a", "attribute": "住民"}, NOW)
    assert info.value.code == "unknown_workshop"


def test_join_numbers_participants_and_keeps_consent() -> None:
    w = Workshop()
    a = w.join("佐藤", "住民", show_name=True)
    b = w.join("鈴木", "NPO・市民活動団体")
    assert (a.participant_id, b.participant_id) == ("p1", "p2")
    assert w.state.participants["p1"].show_name is True
    assert w.state.participants["p2"].show_name is False  # consent is off unless given
    assert w.state.participants["p2"].attribute == "NPO・市民活動団体"


@pytest.mark.parametrize("attribute", ATTRIBUTES)
def test_every_attribute_can_join(attribute: str) -> None:
    w = Workshop()
    w.join("名前", attribute)
    assert w.state.participants["p1"].attribute == attribute


def test_join_refusals() -> None:
    w = Workshop()
    refused("empty_name", w, PROJECTOR, "join", name=" \n", attribute="住民")
    refused("empty_name", w, PROJECTOR, "join", name=42, attribute="住民")
    refused("name_too_long", w, PROJECTOR, "join", name="あ" * (limits.NAME_MAX_CHARS + 1),
            attribute="住民")
    refused("bad_attribute", w, PROJECTOR, "join", name="佐藤", attribute="宇宙人")
    p = w.join()
    refused("not_allowed", w, p, "join", name="佐藤", attribute="住民")


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
    # (Deleting anyone's note is the facilitator's too: tests/facilitation/test_moderation.py.)
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


def test_unknown_command_is_refused() -> None:
    w = Workshop()
    refused("unknown_command", w, FACILITATOR, "drop_tables")


def test_every_command_declares_who_may_send_it() -> None:
    for spec in COMMANDS.values():
        assert spec.roles, spec.name
        assert spec.roles <= set(Role)


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
