"""The five-step flow in the pure domain: steps and their gates, votes, themes, proposals,
actions, review, and the facilitator's tools. Each command and each refusal."""

from __future__ import annotations

import pytest

from yoriai.facilitation import limits
from yoriai.facilitation.commands import COMMANDS, decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Form, Role, Status
from yoriai.facilitation.program import ACTIONS
from yoriai.facilitation.view import snapshot

from .helpers import NOW, Workshop


def refused(expected: str, w: Workshop, actor: Actor, command: str, /, **args: object) -> None:
    before = w.state.copy()
    with pytest.raises(Refusal) as info:
        decide(w.state, actor, command, args, NOW)
    assert info.value.code == expected, info.value
    assert w.state == before


def at_step(w: Workshop, step: str) -> None:
    w.run(FACILITATOR, "set_step", step=step)
    assert w.state.step == step


def grouped(w: Workshop, people: list[Actor], n_notes: int = 4) -> tuple[list[str], str]:
    notes = [w.post(people[i % len(people)], f"付箋{i}") for i in range(n_notes)]
    theme = w.run(FACILITATOR, "create_theme", title="空き家を集いの場に",
                  note_id=notes[0])[0].data["theme_id"]
    return notes, theme


# --- steps -------------------------------------------------------------------------------

def test_gated_commands_are_exactly_the_program_actions() -> None:
    assert {name for name, spec in COMMANDS.items() if spec.gated} == ACTIONS


def test_the_default_program_has_the_five_steps() -> None:
    w = Workshop()
    assert [s.id for s in w.state.program.steps] == [
        "confirm", "companions", "activity", "practice", "future"]
    assert w.state.program.step("confirm").label["ja"] == "確かめてみよう"  # type: ignore[union-attr]
    assert w.state.step == "confirm"


def test_facilitator_moves_freely_between_steps() -> None:
    w = Workshop()
    for step in ("future", "confirm", "practice", "companions"):
        at_step(w, step)
    assert w.run(FACILITATOR, "set_step", step="companions") == []
    refused("unknown_step", w, FACILITATOR, "set_step", step="party")
    refused("not_allowed", w, w.join(), "set_step", step="future")


def test_a_step_refuses_what_it_does_not_open_with_the_step_name() -> None:
    w = Workshop()
    p = w.join()
    note_id = w.post(p)
    at_step(w, "companions")
    with pytest.raises(Refusal) as info:
        decide(w.state, p, "post_note", {"kind": "wish", "text": "x"}, NOW)
    assert info.value.code == "step_closed"
    assert info.value.params == {"step": "仲間を増やそう"}
    w.run(p, "cast_vote", note_id=note_id)  # what the step opens works
    refused("step_closed", w, p, "volunteer", action_id="a1")


def test_the_facilitator_is_never_held_by_a_step() -> None:
    w = Workshop()
    proxy = w.run(FACILITATOR, "add_proxy", name="田中", attribute="住民")[0].data["participant_id"]
    at_step(w, "future")
    w.run(FACILITATOR, "post_note", proxy_for=proxy, kind="wish", text="代理の付箋")
    assert [n.text for n in w.state.notes.values()] == ["代理の付箋"]


def test_locked_board_refuses_participants_not_facilitators() -> None:
    w = Workshop()
    p = w.join()
    w.run(FACILITATOR, "lock_board", locked=True)
    refused("board_locked", w, p, "post_note", kind="wish", text="x")
    assert w.run(FACILITATOR, "lock_board", locked=True) == []
    w.run(FACILITATOR, "lock_board", locked=False)
    w.post(p)


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


# --- private notes ----------------------------------------------------------------------

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


# --- votes -------------------------------------------------------------------------------

def test_votes_within_the_budget_and_taken_back() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    notes = [w.post(b, f"{i}") for i in range(4)]
    at_step(w, "companions")
    for n in notes[:3]:
        w.run(a, "cast_vote", note_id=n)
    refused("no_votes_left", w, a, "cast_vote", note_id=notes[3])
    refused("already_voted", w, a, "cast_vote", note_id=notes[0])
    w.run(a, "retract_vote", note_id=notes[0])
    w.run(a, "cast_vote", note_id=notes[3])
    assert w.state.votes["p1"] == {notes[1]: 1, notes[2]: 1, notes[3]: 1}
    refused("no_vote_to_retract", w, a, "retract_vote", note_id=notes[0])
    refused("unknown_note", w, a, "cast_vote", note_id="n404")


def test_several_votes_on_one_note_when_the_workshop_allows() -> None:
    w = Workshop()
    a = w.join()
    n = w.post(a)
    w.run(FACILITATOR, "set_vote_settings", multi_vote=True, vote_budget=5)
    at_step(w, "companions")
    for _ in range(5):
        w.run(a, "cast_vote", note_id=n)
    assert w.state.tally(n) == 5
    refused("no_votes_left", w, a, "cast_vote", note_id=n)
    refused("multi_votes_in_use", w, FACILITATOR, "set_vote_settings", multi_vote=False)
    refused("budget_below_used", w, FACILITATOR, "set_vote_settings", vote_budget=4)
    refused("bad_number", w, FACILITATOR, "set_vote_settings",
            vote_budget=limits.VOTE_BUDGET_MAX + 1)
    refused("bad_value", w, FACILITATOR, "set_vote_settings", votes_visible="yes")


def test_tallies_are_hidden_until_shown() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    n = w.post(a)
    at_step(w, "companions")
    w.run(b, "cast_vote", note_id=n)
    assert snapshot(w.state, a)["tallies"] == {}
    assert snapshot(w.state, PROJECTOR)["tallies"] == {}
    assert snapshot(w.state, FACILITATOR)["tallies"] == {n: 1}
    assert snapshot(w.state, b)["me"]["votes"] == {n: 1}  # your own votes are yours to see
    w.run(FACILITATOR, "set_vote_settings", votes_visible=True)
    assert snapshot(w.state, PROJECTOR)["tallies"] == {n: 1}


def test_deleting_a_note_gives_its_votes_back() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    n = w.post(a)
    at_step(w, "companions")
    w.run(b, "cast_vote", note_id=n)
    at_step(w, "confirm")
    w.run(a, "delete_note", note_id=n)
    assert w.state.votes_used("p2") == 0


# --- themes ------------------------------------------------------------------------------

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


# --- proposals ---------------------------------------------------------------------------

def test_members_write_a_proposal_and_the_room_gives_priority() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    _, t1 = grouped(w, [a])
    at_step(w, "companions")
    w.run(a, "join_theme", theme_id=t1)
    at_step(w, "activity")
    refused("not_a_member", w, b, "write_proposal", theme_id=t1, aim="x")
    refused("empty_aim", w, a, "write_proposal", theme_id=t1, aim=" ")
    refused("too_many", w, a, "write_proposal", theme_id=t1, aim="x",
            ideas=["i"] * (limits.IDEAS_MAX + 1))
    w.run(a, "write_proposal", theme_id=t1, aim="空き家を週一回の縁側サロンに",
          ideas=["持ち主に相談", " ", "学生と片付け"])
    assert w.state.proposals[t1].ideas == ["持ち主に相談", "学生と片付け"]
    w.run(b, "cast_priority", theme_id=t1)
    refused("already_prioritised", w, b, "cast_priority", theme_id=t1)
    w.run(b, "retract_priority", theme_id=t1)
    refused("no_vote_to_retract", w, b, "retract_priority", theme_id=t1)
    refused("unknown_proposal", w, b, "cast_priority", theme_id="t9")
    w.run(FACILITATOR, "choose_proposal", theme_id=t1, chosen=True)
    assert w.state.proposals[t1].chosen


def test_priority_has_a_budget_too() -> None:
    w = Workshop()
    a = w.join()
    themes = [w.run(FACILITATOR, "create_theme", title=f"輪{i}")[0].data["theme_id"]
              for i in range(4)]
    for t in themes:
        w.run(FACILITATOR, "write_proposal", theme_id=t, aim=f"案{t}")
    at_step(w, "activity")
    for t in themes[:3]:
        w.run(a, "cast_priority", theme_id=t)
    refused("no_priority_left", w, a, "cast_priority", theme_id=themes[3])


# --- actions and roles -------------------------------------------------------------------

def test_actions_with_volunteers_lead_form_and_partners() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    action = w.run(FACILITATOR, "create_action", title="雪寄せ支援マップをつくる")[0]
    aid = action.data["action_id"]
    w.run(FACILITATOR, "update_action", action_id=aid, form="citizen_led",
          partners=["町内会", "市", "町内会"], first_step="民生委員と対象の家を確認する",
          due="2026-12-20")
    act = w.state.actions[aid]
    assert (act.form, act.partners, act.due) == (Form.CITIZEN_LED, ["町内会", "市"], "2026-12-20")
    refused("bad_form", w, FACILITATOR, "update_action", action_id=aid, form="anarchy")
    refused("bad_date", w, FACILITATOR, "update_action", action_id=aid, due="12/20")
    refused("step_closed", w, a, "volunteer", action_id=aid)
    at_step(w, "practice")
    w.run(a, "volunteer", action_id=aid)
    w.run(b, "volunteer", action_id=aid)
    assert w.run(b, "volunteer", action_id=aid) == []
    refused("lead_not_volunteer", w, FACILITATOR, "set_lead", action_id=aid,
            participant_id="p9")
    w.run(FACILITATOR, "set_lead", action_id=aid, participant_id="p2")
    w.run(b, "withdraw", action_id=aid)
    assert act.volunteers == ["p1"] and act.lead is None
    refused("not_allowed", w, a, "create_action", title="x")
    refused("unknown_action", w, a, "volunteer", action_id="a99")


def test_action_status_by_its_volunteers_in_review() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    aid = w.run(FACILITATOR, "create_action", title="通学路点検")[0].data["action_id"]
    at_step(w, "practice")
    w.run(a, "volunteer", action_id=aid)
    at_step(w, "future")
    w.run(a, "set_action_status", action_id=aid, status="under_way", record="11月に1回目")
    refused("not_a_volunteer", w, b, "set_action_status", action_id=aid, status="done")
    refused("bad_status", w, a, "set_action_status", action_id=aid, status="forgotten")
    w.run(FACILITATOR, "set_action_status", action_id=aid, status="done")
    act = w.state.actions[aid]
    assert (act.status, act.record) == (Status.DONE, "11月に1回目")


def test_review_in_two_columns() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    at_step(w, "future")
    r = w.run(a, "post_review", column="keep", text="子どもが10人来た")[0].data["review_id"]
    w.run(FACILITATOR, "post_review", column="change", text="平日夜は来にくい")
    refused("bad_column", w, a, "post_review", column="maybe", text="x")
    refused("empty_review", w, a, "post_review", column="keep", text=" ")
    refused("not_your_note", w, b, "edit_review", review_id=r, text="x")
    w.run(a, "edit_review", review_id=r, text="子どもが12人来た")
    w.run(a, "delete_review", review_id=r)
    assert [x.text for x in w.state.reviews.values()] == ["平日夜は来にくい"]


# --- facilitator tools -------------------------------------------------------------------

def test_proxy_participants_are_counted_as_such() -> None:
    w = Workshop()
    pid = w.run(FACILITATOR, "add_proxy", name="田中", attribute="住民")[0].data["participant_id"]
    n = w.run(FACILITATOR, "post_note", proxy_for=pid, kind="issue",
              text="雪かきが大変")[0].data["note_id"]
    note = w.state.notes[n]
    assert note.author == pid and note.by_proxy
    assert w.log[-1].actor == "facilitator"  # who typed it is on record
    assert w.state.participants[pid].proxy
    at_step(w, "companions")
    w.run(FACILITATOR, "cast_vote", proxy_for=pid, note_id=n)
    assert w.state.votes[pid] == {n: 1}
    p = w.join()
    refused("not_a_proxy", w, FACILITATOR, "cast_vote", proxy_for=p.participant_id,
            note_id=n)
    refused("not_allowed", w, p, "cast_vote", proxy_for=pid, note_id=n)


def test_cofacilitator_powers_granted_and_revoked() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    n = w.post(b)
    refused("not_allowed", w, a, "hide_note", note_id=n)
    w.run(FACILITATOR, "grant_cofacilitator", participant_id="p1")
    w.run(a, "hide_note", note_id=n)  # the same actor, authorised against the new state
    assert snapshot(w.state, a)["me"]["cofacilitator"] is True
    refused("not_allowed", w, a, "grant_cofacilitator", participant_id="p2")
    w.run(FACILITATOR, "revoke_cofacilitator", participant_id="p1")
    refused("not_allowed", w, a, "unhide_note", note_id=n)
    refused("unknown_participant", w, FACILITATOR, "grant_cofacilitator", participant_id="p9")


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


def test_roles_of_every_command() -> None:
    """Every command names its roles, and a projector may only join."""
    for name, spec in COMMANDS.items():
        assert spec.roles, name
        if Role.PROJECTOR in spec.roles:
            assert name == "join"
    assert COMMANDS["set_step"].roles == {Role.FACILITATOR}
    assert Role.PARTICIPANT in COMMANDS["volunteer"].roles
    _ = PROJECTOR
