"""commands.py: the rules every command shares (its arguments, 代理入力), checked by
``decide`` before any command's own rules."""

from __future__ import annotations

import pytest

from yoriai.facilitation.commands import COMMANDS, PROXY_FOR, decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Role,
    WorkshopState,
)
from yoriai.facilitation.program import ACTIONS

from .helpers import NOW, Workshop, at_step, refused


def refusal(w: Workshop, actor: Actor, command: str, args: dict[str, object]) -> Refusal:
    before = w.state.copy()
    with pytest.raises(Refusal) as info:
        decide(w.state, actor, command, args, NOW)
    assert w.state == before, "a refused command changes nothing"
    return info.value


def test_the_old_name_of_proxy_for_is_refused_not_ignored() -> None:
    """``on_behalf_of`` was 代理入力's argument: a client still sending it would post the
    note as the facilitator's own if it were ignored. It is an unknown argument."""
    w = Workshop()
    proxy = w.run(FACILITATOR, "add_proxy", name="田中", attribute="住民")[0].data
    refused = refusal(w, FACILITATOR, "post_note",
                      {"on_behalf_of": proxy["participant_id"], "kind": "wish", "text": "紙"})
    assert (refused.code, refused.params) == ("unknown_argument", {"argument": "on_behalf_of"})
    posted = w.run(FACILITATOR, "post_note", proxy_for=proxy["participant_id"], kind="wish",
                   text="紙")
    assert posted[0].data["author"] == proxy["participant_id"]


def test_every_argument_a_command_does_not_take_is_refused() -> None:
    w = Workshop()
    p = w.join()
    refused = refusal(w, p, "post_note", {"kind": "wish", "text": "雪", "colour": "red"})
    assert (refused.code, refused.params) == ("unknown_argument", {"argument": "colour"})
    # The first in code-point order is named, whatever order they came in.
    refused = refusal(w, p, "post_note", {"zz": 1, "kind": "wish", "text": "雪", "aa": 2})
    assert refused.params == {"argument": "aa"}
    # A name that could not have been ours is not echoed (a lone surrogate could not even
    # be sent back), but the refusal is the same.
    refused = refusal(w, p, "post_note", {"\ud800": 1, "kind": "wish", "text": "雪"})
    assert (refused.code, refused.params) == ("unknown_argument", {"argument": ""})
    refused = refusal(w, FACILITATOR, "reveal_notes", {"now": True})
    assert refused.params == {"argument": "now"}


def test_each_command_takes_its_own_arguments_and_proxy_for() -> None:
    assert PROXY_FOR == "proxy_for"
    for name, spec in COMMANDS.items():
        assert PROXY_FOR not in spec.takes, name  # taken by every command, declared once
        assert all(a.isidentifier() and a.islower() for a in spec.takes), name
    assert COMMANDS["post_note"].takes == {"kind", "text", "pin"}
    assert COMMANDS["reveal_notes"].takes == frozenset()


def test_proxy_for_from_a_participant_is_not_allowed() -> None:
    w = Workshop()
    p = w.join()
    proxy = w.run(FACILITATOR, "add_proxy", name="田中", attribute="住民")[0].data
    refused = refusal(w, p, "post_note", {PROXY_FOR: proxy["participant_id"], "kind": "wish",
                                          "text": "雪"})
    assert (refused.code, refused.params) == ("not_allowed", {"command": "proxy_for"})


def test_gated_commands_are_exactly_the_program_actions() -> None:
    assert {name for name, spec in COMMANDS.items() if spec.gated} == ACTIONS


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


def test_roles_of_every_command() -> None:
    """Every command names its roles, and a projector may only join."""
    for name, spec in COMMANDS.items():
        assert spec.roles, name
        if Role.PROJECTOR in spec.roles:
            assert name == "join"
    assert COMMANDS["set_step"].roles == {Role.FACILITATOR}
    assert Role.PARTICIPANT in COMMANDS["volunteer"].roles
    _ = PROJECTOR


def test_commands_on_a_workshop_that_does_not_exist_are_refused() -> None:
    with pytest.raises(Refusal) as info:
        decide(WorkshopState(), PROJECTOR, "join", {"name": "a", "attribute": "住民"}, NOW)
    assert info.value.code == "unknown_workshop"


def test_unknown_command_is_refused() -> None:
    w = Workshop()
    refused("unknown_command", w, FACILITATOR, "drop_tables")


def test_every_command_declares_who_may_send_it() -> None:
    for spec in COMMANDS.values():
        assert spec.roles, spec.name
        assert spec.roles <= set(Role)
