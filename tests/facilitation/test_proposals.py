"""proposals.py: each theme's proposal, written by its members, chosen by the
facilitator, and given priority by the room within a budget."""

from __future__ import annotations

from yoriai.facilitation import limits
from yoriai.facilitation.model import FACILITATOR

from .helpers import Workshop, at_step, grouped, refused


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
