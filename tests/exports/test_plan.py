"""The plan model: what every format prints, checked against the sample evening's file."""

from __future__ import annotations

from collections import Counter

from yoriai.exports import text
from yoriai.exports.plan import ANONYMOUS, FORM_LABELS, STATUS_LABELS, build_plan
from yoriai.facilitation.model import FACILITATOR, RESIDENT, Form, Status

from .conftest import Evening
from .helpers import GENERATED_AT, Workshop


def test_plan_holds_the_themes_proposals_and_actions_of_the_evening(evening: Evening) -> None:
    data, plan = evening.data, evening.source.plan
    assert plan.title == data["workshop"]["title"]
    assert plan.venue == "西部市民サービスセンター" and plan.date == data["workshop"]["date"]
    assert plan.generated_on == "2026-11-21"
    assert [t.title for t in plan.themes] == [t["title"] for t in data["themes"]]
    for t, raw in zip(plan.themes, data["themes"], strict=True):
        assert t.notes_count == len(raw["notes"])
        assert len(t.top_notes) == 3
        votes = [n.votes for n in t.notes]
        assert votes == sorted(votes, reverse=True)  # most 共感 first
        assert t.members == len(raw["members"])
        assert t.proposal is not None
        assert t.proposal.priority == data["priority_votes"][raw["id"]]
    chosen = {a["theme"] for a in data["actions"]}
    assert {t.title for t, p in plan.proposals if p.chosen} == {
        t["title"] for t in data["themes"] if t["id"] in chosen}
    assert len(plan.notes) == 120 and plan.withheld_notes == 0
    assert sum(n.votes for n in plan.notes) == len(data["votes"])

    assert [a.title for a in plan.actions] == [a["title"] for a in data["actions"]]
    for a, raw in zip(plan.actions, data["actions"], strict=True):
        assert a.form is Form(raw["form"]) and a.form_label == FORM_LABELS[a.form]
        assert a.status is Status(raw["status"]) and a.status_label == STATUS_LABELS[a.status]
        assert list(a.partners) == raw["partners"]
        assert (a.first_step, a.due) == (raw["first_step"], raw["due"])
        assert a.team.count == len(raw["volunteers"])
    assert {FORM_LABELS[f] for f in Form} == {"未定", "市民主体", "市民主導", "市民／行政（対等）",
                                              "行政主導", "行政主体"}
    assert {STATUS_LABELS[s] for s in Status} == {"未着手", "実施中", "完了", "休止"}


def test_review_keep_is_check_and_change_is_act(evening: Evening) -> None:
    plan, review = evening.source.plan, evening.data["review"]
    assert [r.text for r in plan.keep] == [r["text"] for r in review if r["column"] == "keep"]
    assert [r.text for r in plan.change] == [r["text"] for r in review
                                             if r["column"] == "change"]
    assert {r.label for r in plan.keep} == {"広げたい"}
    assert {r.label for r in plan.change} == {"見直したい"}


def test_record_of_participation_counts_from_the_file(evening: Evening) -> None:
    data, p = evening.data, evening.source.plan.participation
    people = {x["id"]: x for x in data["participants"]}
    assert p.participants == 30 and p.total.proxies == 4
    assert Counter({r.attribute: r.participants for r in p.rows}) == Counter(
        x["attribute"] for x in data["participants"])
    authors = {n["author"] for n in data["notes"]}
    assert p.total.note_authors == len(authors)
    assert p.notes == 120
    assert p.proxy_notes == sum(not people[n["author"]]["has_phone"] for n in data["notes"])
    assert p.votes == len(data["votes"])
    assert p.priority_votes == sum(data["priority_votes"].values())
    assert p.roles == sum(len(a["volunteers"]) for a in data["actions"])
    assert p.total.volunteers == len({v for a in data["actions"] for v in a["volunteers"]})
    assert p.named == sum(x["show_name"] for x in data["participants"])
    residents = next(r for r in p.rows if r.attribute == RESIDENT)
    assert p.resident_share == residents.contributors / p.contributors
    assert p.resident_share_text() == f"{round(100 * residents.contributors / p.contributors)}%"


def test_names_only_for_those_who_agreed(evening: Evening) -> None:
    data, plan = evening.data, evening.source.plan
    people = {x["id"]: x for x in data["participants"]}
    for a, raw in zip(plan.actions, data["actions"], strict=True):
        agreed = [people[v]["name"] for v in raw["volunteers"] if people[v]["show_name"]]
        assert sorted(a.team.names) == sorted(agreed)
        assert a.team.others == len(raw["volunteers"]) - len(agreed)
        lead = people[raw["lead"]]
        assert a.lead == (lead["name"] if lead["show_name"] else ANONYMOUS)
        assert a.lead_named is lead["show_name"]


def test_role_texts() -> None:
    w = Workshop()
    named = w.join("青空さくら", show_name=True)
    quiet = [w.join(f"匿名{i}") for i in range(3)]
    w.run(FACILITATOR, "set_step", {"step": "practice"})
    a = w.run(FACILITATOR, "create_action", {"title": "花壇の手入れ"})["action_id"]
    b = w.run(FACILITATOR, "create_action", {"title": "見守り"})["action_id"]
    c = w.run(FACILITATOR, "create_action", {"title": "だれもいない"})["action_id"]
    for who in (named, *quiet[:2]):
        w.by(who, "volunteer", {"action_id": a})
    w.run(FACILITATOR, "set_lead", {"action_id": a, "participant_id": named.participant_id})
    for who in quiet:
        w.by(who, "volunteer", {"action_id": b})
    w.run(FACILITATOR, "set_lead", {"action_id": b, "participant_id": quiet[0].participant_id})
    actions = {x.id: x for x in build_plan(w.state, GENERATED_AT).actions}
    assert text.team_text(actions[a]) == "青空さくら（代表） ほか2名"
    assert text.team_text(actions[b]) == "参加者3名（うち1名が代表）"
    assert text.team_text(actions[c]) == "—"
    assert actions[c].due == "" and text.role_cells(actions[c])[-1] == "未定"


def test_hidden_and_private_notes_are_counted_not_printed() -> None:
    w = Workshop()
    who = w.join("山川")
    shown = w.by(who, "post_note", {"kind": "charm", "text": "見せるメモ"})["note_id"]
    hidden = w.by(who, "post_note", {"kind": "issue", "text": "隠したメモ"})["note_id"]
    w.run(FACILITATOR, "hide_note", {"note_id": hidden})
    w.run(FACILITATOR, "set_private_notes", {"private": True})
    w.by(who, "post_note", {"kind": "wish", "text": "まだ内緒のメモ"})
    plan = build_plan(w.state, GENERATED_AT)
    assert [n.id for n in plan.notes] == [shown]
    assert plan.withheld_notes == 2 and plan.participation.notes == 3
