"""themes.py: grouping notes into themes (輪), renaming, merging and deleting them, and
joining the one you want to work on."""

from __future__ import annotations

from yoriai.facilitation import limits
from yoriai.facilitation.model import FACILITATOR
from yoriai.facilitation.view import snapshot

from .helpers import Workshop, at_step, grouped, refused


def test_themes_group_rename_merge_and_delete() -> None:
    w = Workshop()
    p = w.join()
    notes, t1 = grouped(w, [p], 5)
    t2 = w.run(FACILITATOR, "create_theme", title="雪")[0].data["theme_id"]
    w.run(FACILITATOR, "group_note", note_id=notes[1], theme_id=t1)
    w.run(FACILITATOR, "group_note", note_id=notes[2], theme_id=t2)
    w.run(FACILITATOR, "group_note", note_id=notes[1], theme_id=t2)  # moved between themes
    assert w.state.themes[t1].notes == [notes[0]]
    assert w.state.themes[t2].notes == [notes[2], notes[1]]
    w.run(FACILITATOR, "group_note", note_id=notes[2], theme_id=None)
    assert w.state.notes[notes[2]].theme is None
    w.run(FACILITATOR, "rename_theme", theme_id=t2, title="雪寄せ")
    assert w.state.themes[t2].title == "雪寄せ"
    w.run(FACILITATOR, "merge_themes", source=t2, target=t1)
    assert set(w.state.themes) == {t1}
    assert w.state.notes[notes[1]].theme == t1
    refused("same_theme", w, FACILITATOR, "merge_themes", source=t1, target=t1)
    refused("unknown_theme", w, FACILITATOR, "group_note", note_id=notes[3], theme_id=t2)
    refused("empty_theme", w, FACILITATOR, "create_theme", title=" ")
    refused("theme_too_long", w, FACILITATOR, "create_theme",
            title="あ" * (limits.THEME_TITLE_MAX_CHARS + 1))
    w.run(FACILITATOR, "delete_theme", theme_id=t1)
    assert all(n.theme is None for n in w.state.notes.values())
    refused("not_allowed", w, p, "create_theme", title="x")


def test_participants_join_one_or_several_themes() -> None:
    w = Workshop()
    p = w.join()
    _, t1 = grouped(w, [p])
    t2 = w.run(FACILITATOR, "create_theme", title="子ども")[0].data["theme_id"]
    refused("step_closed", w, p, "join_theme", theme_id=t1)
    at_step(w, "companions")
    w.run(p, "join_theme", theme_id=t1)
    w.run(p, "join_theme", theme_id=t2)
    assert w.run(p, "join_theme", theme_id=t2) == []
    assert snapshot(w.state, p)["me"]["themes"] == [t1, t2]
    w.run(p, "leave_theme", theme_id=t1)
    assert w.state.themes[t1].members == []
    refused("unknown_theme", w, p, "join_theme", theme_id="t9")


def test_merging_keeps_members_once_and_the_written_proposal() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    _, t1 = grouped(w, [a])
    t2 = w.run(FACILITATOR, "create_theme", title="同じ話")[0].data["theme_id"]
    at_step(w, "companions")
    for p in (a, b):
        w.run(p, "join_theme", theme_id=t2)
    w.run(a, "join_theme", theme_id=t1)
    at_step(w, "activity")
    w.run(b, "write_proposal", theme_id=t2, aim="縁側サロン", ideas=["片付け"])
    w.run(a, "cast_priority", theme_id=t2)
    w.run(FACILITATOR, "merge_themes", source=t2, target=t1)
    assert w.state.themes[t1].members == ["p1", "p2"]
    assert w.state.proposals[t1].aim == "縁側サロン"
    assert w.state.proposals[t1].priority == ["p1"]
