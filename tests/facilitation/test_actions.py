"""actions.py: actions with their 担い手, lead, 協働のかたち and partners, and how each
stands at a later meeting."""

from __future__ import annotations

from yoriai.facilitation.model import FACILITATOR, Event, Form, Status, apply, replay

from .helpers import Workshop, at_step, refused


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


def test_a_new_action_is_undecided_until_its_form_is_chosen() -> None:
    """協働のかたち starts as 未定: nobody chose 市民主導, so nothing says it."""
    w = Workshop()
    created = w.run(FACILITATOR, "create_action", title="雪寄せ支援マップをつくる")[0]
    aid = created.data["action_id"]
    assert created.data["form"] == "undecided"  # recorded, not left to a default
    assert w.state.actions[aid].form is Form.UNDECIDED
    w.run(FACILITATOR, "update_action", action_id=aid, form="partnership")
    assert w.state.actions[aid].form is Form.PARTNERSHIP
    w.run(FACILITATOR, "update_action", action_id=aid, form="undecided")  # chosen back
    assert w.state.actions[aid].form is Form.UNDECIDED
    given = w.run(FACILITATOR, "create_action", title="通学路点検", form="city_led")[0]
    assert w.state.actions[given.data["action_id"]].form is Form.CITY_LED


def test_an_action_from_an_older_log_keeps_the_form_it_had() -> None:
    """Before 未定 existed, an ActionCreated without a form meant 市民主導: replaying such a
    log still says so (only new actions start undecided)."""
    w = Workshop()
    seq = w.state.seq + 1
    data = {"action_id": "a1", "theme_id": None, "title": "古い取り組み"}  # no "form"
    old = Event(seq, "ActionCreated", data, 1.0, "facilitator")
    apply(w.state, old)
    assert w.state.actions["a1"].form is Form.CITIZEN_LED
    assert replay([*w.log, old]).actions["a1"].form is Form.CITIZEN_LED
