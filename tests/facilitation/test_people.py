"""people.py: joining, people entered by the facilitator (代理入力), つむぎすと, and removal:
the facilitator removes a participant with everything they put in (and nothing anyone else
did), and deletes any note; a removed person speaks for no one, and may join again as
someone new. (That every screen's patched view equals a fresh
one after a removal: tests/server/test_moderation.py, and tests/server/test_audiences.py's
property through the hub.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yoriai.facilitation import limits
from yoriai.facilitation.commands import decide, effective_actor
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    ATTRIBUTES,
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    apply,
    replay,
)
from yoriai.facilitation.snapshot import dump as snapshot_dump
from yoriai.facilitation.snapshot import load as snapshot_load
from yoriai.facilitation.view import snapshot

from .helpers import NOW, Workshop, at_step, refused


class Room:
    """A bot and two people who do everything, on every step, so that the bot's things
    are tangled with theirs: notes in one theme, 共感 across each other's notes, priority
    on one proposal, the same action, reviews side by side."""

    def __init__(self) -> None:
        w = self.w = Workshop()
        self.bot, self.a, self.b = w.join("ボット"), w.join("阿部"), w.join("馬場")
        self.bot_id = str(self.bot.participant_id)
        w.run(FACILITATOR, "grant_cofacilitator", participant_id=self.bot_id)
        self.bot = effective_actor(w.state, self.bot)
        self.spam = [w.post(self.bot, "宣伝です"), w.post(self.bot, "宣伝です２")]
        self.a_note, self.b_note = w.post(self.a, "公園がほしい"), w.post(self.b, "雪かき")
        w.run(FACILITATOR, "set_step", step="companions")
        self.theme = w.run(FACILITATOR, "create_theme", title="みんなの輪",
                           note_id=self.spam[0])[0].data["theme_id"]
        w.run(FACILITATOR, "group_note", note_id=self.a_note, theme_id=self.theme)
        for person in (self.bot, self.a, self.b):
            w.run(person, "join_theme", theme_id=self.theme)
        w.run(self.bot, "cast_vote", note_id=self.a_note)
        w.run(self.bot, "cast_vote", note_id=self.b_note)
        w.run(self.a, "cast_vote", note_id=self.spam[0])
        w.run(self.a, "cast_vote", note_id=self.b_note)
        w.run(self.b, "cast_vote", note_id=self.spam[1])
        w.run(FACILITATOR, "set_step", step="activity")
        w.run(self.bot, "write_proposal", theme_id=self.theme, aim="ねらい")
        w.run(self.a, "write_proposal", theme_id=self.theme, aim="公園をつくる")
        for person in (self.bot, self.a):
            w.run(person, "cast_priority", theme_id=self.theme)
        w.run(FACILITATOR, "set_step", step="practice")
        self.action = w.run(FACILITATOR, "create_action", title="公園の草取り",
                            theme_id=self.theme)[0].data["action_id"]
        self.other_action = w.run(FACILITATOR, "create_action",
                                  title="見回り")[0].data["action_id"]
        for person in (self.bot, self.a):
            w.run(person, "volunteer", action_id=self.action)
        w.run(self.bot, "volunteer", action_id=self.other_action)
        w.run(FACILITATOR, "set_lead", action_id=self.action, participant_id=self.bot_id)
        w.run(FACILITATOR, "set_lead", action_id=self.other_action, participant_id=self.bot_id)
        w.run(FACILITATOR, "set_step", step="future")
        self.bot_review = w.run(self.bot, "post_review", column="keep",
                                text="宣伝")[0].data["review_id"]
        self.b_review = w.run(self.b, "post_review", column="change",
                              text="時間が足りない")[0].data["review_id"]
        w.run(FACILITATOR, "set_focus", kind="note", id=self.spam[1])


def test_removal_takes_exactly_that_persons_things() -> None:
    r = Room()
    before = r.w.state.copy()
    events = r.w.run(FACILITATOR, "remove_participant", participant_id=r.bot_id)
    s = r.w.state

    assert [e.type for e in events] == ["ParticipantRemoved"]
    assert set(s.participants) == set(before.participants) - {r.bot_id}
    # Their notes, and those notes' place in the theme and their 共感 tallies.
    assert set(s.notes) == {r.a_note, r.b_note}
    assert s.themes[r.theme].notes == [r.a_note]
    assert s.notes[r.a_note] == before.notes[r.a_note]
    assert s.tally(r.a_note) == 0  # only the bot had given it 共感
    assert s.tally(r.b_note) == 1  # the bot's gone, 阿部's stays
    # 共感 others gave the removed notes comes back to them.
    assert s.votes_used(str(r.a.participant_id)) == 1
    assert s.votes_used(str(r.b.participant_id)) == 0
    assert r.bot_id not in s.votes
    # Memberships, priority, 担い手 and lead, the review, the つむぎすと grant, the focus.
    assert s.themes[r.theme].members == [r.a.participant_id, r.b.participant_id]
    proposal = s.proposals[r.theme]
    assert proposal.priority == [r.a.participant_id]
    assert proposal.edited_by == [r.a.participant_id]
    assert proposal.aim == "公園をつくる"  # what others wrote stays
    assert s.actions[r.action].volunteers == [r.a.participant_id]
    assert s.actions[r.action].lead is None
    assert s.actions[r.other_action].volunteers == []
    assert s.actions[r.other_action].lead is None
    assert set(s.reviews) == {r.b_review}
    assert s.cofacilitators == []
    assert s.focus is None
    # Nothing else moved: the step, the settings, the counters that number new things.
    assert (s.step, s.settings, s.made, s.meetings) == (
        before.step, before.settings, before.made, before.meetings)
    # Not a trace of the bot's id or words anywhere in the state.
    text = json.dumps(snapshot_dump(s), ensure_ascii=False)
    assert f'"{r.bot_id}"' not in text and "宣伝" not in text and "ボット" not in text


def test_the_event_names_what_went_with_the_person() -> None:
    r = Room()
    [event] = r.w.run(FACILITATOR, "remove_participant", participant_id=r.bot_id)
    assert event.data == {
        "participant_id": r.bot_id, "notes": r.spam, "reviews": [r.bot_review],
        "voted": sorted([r.a_note, r.b_note]),
        "refunded": sorted([str(r.a.participant_id), str(r.b.participant_id)]),
        "themes": [r.theme], "proposals": [r.theme],
        "actions": [r.action, r.other_action]}


def test_replay_and_snapshot_agree_after_a_removal() -> None:
    r = Room()
    r.w.run(FACILITATOR, "remove_participant", participant_id=r.bot_id)
    # (Workshop.run already checks live == replay after every command.)
    assert snapshot_load(json.loads(json.dumps(snapshot_dump(r.w.state)))) == r.w.state


def test_a_focus_on_something_else_stays() -> None:
    r = Room()
    r.w.run(FACILITATOR, "set_focus", kind="note", id=r.a_note)
    r.w.run(FACILITATOR, "remove_participant", participant_id=r.bot_id)
    assert r.w.state.focus == {"kind": "note", "id": r.a_note}


def test_only_the_facilitator_removes() -> None:
    r = Room()
    a_id = str(r.a.participant_id)
    r.w.run(FACILITATOR, "grant_cofacilitator", participant_id=a_id)
    cofac = effective_actor(r.w.state, r.a)
    assert cofac.role is Role.COFACILITATOR
    refused("not_allowed", r.w, cofac, "remove_participant", participant_id=r.bot_id)
    refused("not_allowed", r.w, r.b, "remove_participant", participant_id=r.bot_id)
    refused("not_allowed", r.w, PROJECTOR, "remove_participant", participant_id=r.bot_id)
    refused("unknown_participant", r.w, FACILITATOR, "remove_participant", participant_id="p99")
    refused("unknown_participant", r.w, FACILITATOR, "remove_participant",
            participant_id=["p1"])
    refused("unknown_participant", r.w, FACILITATOR, "remove_participant")
    r.w.run(FACILITATOR, "remove_participant", participant_id=r.bot_id)
    refused("unknown_participant", r.w, FACILITATOR, "remove_participant",
            participant_id=r.bot_id)


def test_a_person_without_a_phone_can_be_removed_too() -> None:
    w = Workshop()
    proxy = w.run(FACILITATOR, "add_proxy", name="紙の人", attribute="住民")[0].data[
        "participant_id"]
    w.run(FACILITATOR, "post_note", proxy_for=proxy, kind="wish", text="紙の付箋")
    w.run(FACILITATOR, "remove_participant", participant_id=proxy)
    assert w.state.participants == {} and w.state.notes == {}
    refused("not_a_proxy", w, FACILITATOR, "post_note", proxy_for=proxy, kind="wish",
            text="x")


def test_a_removed_person_speaks_for_no_one() -> None:
    r = Room()
    r.w.run(FACILITATOR, "set_step", step="confirm")
    r.w.run(FACILITATOR, "remove_participant", participant_id=r.bot_id)
    assert effective_actor(r.w.state, r.bot) == PROJECTOR
    # Whatever the old connection still sends is refused, before any command's own rules:
    # also the ones that do not need a note of their own (a review names its author).
    for name, args in [("post_note", {"kind": "wish", "text": "まだいる"}),
                       ("post_review", {"column": "keep", "text": "まだいる"}),
                       ("edit_note", {"note_id": r.a_note, "text": "乗っ取り"}),
                       ("delete_note", {"note_id": r.a_note}),
                       ("cast_vote", {"note_id": r.a_note}),
                       ("join_theme", {"theme_id": r.theme}),
                       ("join", {"name": "ボット", "attribute": "住民"}),
                       ("remove_participant", {"participant_id": str(r.a.participant_id)})]:
        refused("join_first", r.w, r.bot, name, **args)


def test_a_removed_person_may_join_again_as_someone_new() -> None:
    r = Room()
    r.w.run(FACILITATOR, "remove_participant", participant_id=r.bot_id)
    again = r.w.join("ボット")
    # A new id: the old token names the old id, which is never given out again.
    assert again.participant_id not in (r.bot_id, r.a.participant_id, r.b.participant_id)
    me = snapshot(r.w.state, again)["me"]
    assert me["notes"] == [] and me["votes"] == {} and not me["cofacilitator"]


def test_the_facilitator_deletes_any_note() -> None:
    r = Room()
    r.w.run(FACILITATOR, "lock_board", locked=True)  # the facilitator is never held back
    r.w.run(FACILITATOR, "hide_note", note_id=r.spam[0])
    r.w.run(FACILITATOR, "delete_note", note_id=r.spam[0])
    s = r.w.state
    assert r.spam[0] not in s.notes
    assert s.themes[r.theme].notes == [r.a_note]
    assert s.votes_used(str(r.a.participant_id)) == 1  # 共感 on it came back
    r.w.run(FACILITATOR, "delete_note", note_id=r.spam[1])
    assert s.focus is None  # the projector showed it
    refused("unknown_note", r.w, FACILITATOR, "delete_note", note_id=r.spam[1])


# --- property: any workshop, anyone removed ----------------------------------------------

PEOPLE = ("p1", "p2", "p3")
STEPS = ("confirm", "companions", "activity", "practice", "future")


def act(state: WorkshopState, log: list[Event], actor: Actor, name: str,
        args: dict[str, Any]) -> list[Event]:
    try:
        events = decide(state, actor, name, args, NOW + len(log))
    except Refusal:
        return []
    for e in events:
        apply(state, e)
    log.extend(events)
    return events


@st.composite
def busy_evening(draw: st.DrawFn) -> list[tuple[str, str, dict[str, Any]]]:
    """What three people and the facilitator might do, in any order."""
    steps: list[tuple[str, str, dict[str, Any]]] = []
    for _ in range(draw(st.integers(5, 40))):
        who = draw(st.sampled_from(PEOPLE))
        n = f"n{draw(st.integers(1, 6))}"
        t, a = f"t{draw(st.integers(1, 2))}", f"a{draw(st.integers(1, 2))}"
        choices: list[tuple[str, str, dict[str, Any]]] = [
            (who, "post_note", {"kind": "wish", "text": f"{who}の付箋"}),
            (who, "cast_vote", {"note_id": n}),
            (who, "join_theme", {"theme_id": t}),
            (who, "cast_priority", {"theme_id": t}),
            (who, "write_proposal", {"theme_id": t, "aim": f"{who}のねらい"}),
            (who, "volunteer", {"action_id": a}),
            (who, "post_review", {"column": "keep", "text": f"{who}の振り返り"}),
            ("facilitator", "create_theme", {"title": "輪", "note_id": n}),
            ("facilitator", "group_note", {"note_id": n, "theme_id": t}),
            ("facilitator", "create_action", {"title": "取り組み", "theme_id": t}),
            ("facilitator", "set_lead", {"action_id": a, "participant_id": who}),
            ("facilitator", "set_focus", {"kind": "note", "id": n}),
            ("facilitator", "grant_cofacilitator", {"participant_id": who}),
            ("facilitator", "set_vote_settings", {"multi_vote": True, "vote_budget": 5}),
        ]
        steps.append(draw(st.sampled_from(choices)))
    return steps


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(busy_evening(), st.sampled_from(PEOPLE))
def test_removal_leaves_no_trace_and_leaves_the_rest(
        script: list[tuple[str, str, dict[str, Any]]], gone: str) -> None:
    s, log = WorkshopState(), list[Event]()
    act(s, log, FACILITATOR, "create_workshop", {"code": "mod1", "title": "性質"})
    for name in PEOPLE:
        act(s, log, PROJECTOR, "join", {"name": f"{name}さん", "attribute": "住民"})
    for step in STEPS:
        # Every step in turn, so that each command finds its step open now and then.
        act(s, log, FACILITATOR, "set_step", {"step": step})
        for who, name, args in script:
            actor = FACILITATOR if who == "facilitator" else Actor(Role.PARTICIPANT, who)
            act(s, log, actor, name, args)
    before = s.copy()
    assert act(s, log, FACILITATOR, "remove_participant", {"participant_id": gone})
    assert replay(log) == s

    # Nothing of theirs is left anywhere.
    assert gone not in s.participants and gone not in s.votes and gone not in s.cofacilitators
    theirs = {n for n, note in before.notes.items() if note.author == gone}
    assert not theirs & set(s.notes)
    assert all(r.author != gone for r in s.reviews.values())
    for theme in s.themes.values():
        assert gone not in theme.members and not theirs & set(theme.notes)
    for p in s.proposals.values():
        assert gone not in p.priority and gone not in p.edited_by
    for a in s.actions.values():
        assert gone not in a.volunteers and a.lead != gone
    assert s.focus is None or s.focus.get("id") not in theirs
    # Everyone else's is as it was, less what pointed at the removed person's things.
    assert set(s.participants) == set(before.participants) - {gone}
    for nid, note in s.notes.items():
        assert note == before.notes[nid]
    for pid, votes in s.votes.items():
        assert votes == {n: k for n, k in before.votes[pid].items() if n not in theirs}
    for tid, theme in s.themes.items():
        old = before.themes[tid]
        assert theme.title == old.title
        assert theme.members == [m for m in old.members if m != gone]
        assert theme.notes == [n for n in old.notes if n not in theirs]
    for tid, proposal in s.proposals.items():
        old_p = before.proposals[tid]
        assert (proposal.aim, proposal.ideas, proposal.chosen) == (
            old_p.aim, old_p.ideas, old_p.chosen)
        assert proposal.priority == [x for x in old_p.priority if x != gone]
    for aid, action in s.actions.items():
        old_a = before.actions[aid]
        assert action.volunteers == [v for v in old_a.volunteers if v != gone]
        assert action.lead == (None if old_a.lead == gone else old_a.lead)
    assert {r for r, rev in before.reviews.items() if rev.author != gone} == set(s.reviews)
    assert (s.step, s.settings, s.made) == (before.step, before.settings, before.made)
    assert (set(s.themes), set(s.actions)) == (set(before.themes), set(before.actions))


# --- joining, 代理入力, つむぎすと ------------------------------------------------------

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
    # Not text at all is the wrong type, named (§5), not an empty name.
    refused("bad_value", w, PROJECTOR, "join", name=42, attribute="住民")
    refused("bad_value", w, PROJECTOR, "join", name=["佐藤"], attribute="住民")
    # Consent to be named is true or false: "yes" is refused, never taken as "no".
    for consent in ("yes", 1, 0, [True], {"show": True}):
        refused("bad_value", w, PROJECTOR, "join", name="佐藤", attribute="住民",
                show_name=consent)
        refused("bad_value", w, FACILITATOR, "add_proxy", name="佐藤", attribute="住民",
                show_name=consent)
    refused("name_too_long", w, PROJECTOR, "join", name="あ" * (limits.NAME_MAX_CHARS + 1),
            attribute="住民")
    refused("bad_attribute", w, PROJECTOR, "join", name="佐藤", attribute="宇宙人")
    p = w.join()
    refused("not_allowed", w, p, "join", name="佐藤", attribute="住民")
