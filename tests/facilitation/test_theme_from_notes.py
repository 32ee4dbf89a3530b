"""create_theme with ``note_ids``: a suggested group (「まとめ方の提案」) becomes a theme with
its notes in one command; the theme takes the notes' table when they share one."""

from __future__ import annotations

from yoriai.facilitation.model import FACILITATOR, Role
from yoriai.facilitation.verify import verified_replay

from .helpers import Workshop, refused


def test_a_theme_takes_every_note_named_once_in_order() -> None:
    w = Workshop()
    p = w.join()
    notes = [w.post(p, f"雪かき{i}") for i in range(4)]
    events = w.run(FACILITATOR, "create_theme", title="雪かき", note_ids=[notes[2], notes[0],
                                                                         notes[2]])
    theme = events[0].data["theme_id"]
    assert [e.type for e in events] == ["ThemeCreated", "NoteGrouped", "NoteGrouped"]
    assert w.state.themes[theme].notes == [notes[2], notes[0]]
    assert w.state.notes[notes[1]].theme is None
    assert verified_replay(w.log) == w.state


def test_bad_note_ids_refuse_the_whole_command() -> None:
    w = Workshop()
    p = w.join()
    note = w.post(p)
    for bad in ([note, "n999"], "n1", [note, 3], [[note]]):
        before = len(w.log)
        refused("unknown_note", w, FACILITATOR, "create_theme", title="x", note_ids=bad)
        assert len(w.log) == before and not w.state.themes
    refused("not_allowed", w, p, "create_theme", title="x", note_ids=[note])


def test_the_theme_takes_the_notes_table_when_they_share_one() -> None:
    w = Workshop()
    people = [w.join(f"人{i}") for i in range(4)]
    w.run(FACILITATOR, "make_tables", count=2, by="hand")
    for i, person in enumerate(people):
        w.run(FACILITATOR, "seat", participant_id=person.participant_id,
              table_id="k1" if i < 2 else "k2")
    at_k1 = [w.post(people[0], "公園"), w.post(people[1], "公園のベンチ")]
    at_k2 = w.post(people[2], "公園の草")
    same = w.run(FACILITATOR, "create_theme", title="公園", note_ids=at_k1)[0].data
    assert w.state.themes[same["theme_id"]].table == "k1"
    mixed = w.run(FACILITATOR, "create_theme", title="公園2",
                  note_ids=[at_k2, w.post(people[3], "公園の木")])[0].data
    assert w.state.themes[mixed["theme_id"]].table == "k2"
    across = w.post(people[0], "ベンチ")
    both = w.run(FACILITATOR, "create_theme", title="ベンチ", note_ids=[across, at_k2])[0].data
    assert w.state.themes[both["theme_id"]].table is None  # two tables: the room's
    # A table's host takes only their own table's notes.
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[0].participant_id)
    host_actor = type(people[0])(Role.TABLE_HOST, people[0].participant_id)
    fresh_k2 = w.post(people[2], "草")
    refused("not_your_table", w, host_actor, "create_theme", title="x", note_ids=[fresh_k2])
    assert verified_replay(w.log) == w.state
