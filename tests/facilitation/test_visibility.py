"""A note you may not see is, to you, a note that does not exist: every command that takes
a note id answers a hidden or private note exactly as it answers an id that was never
used, so a refusal cannot be used to find out which hidden notes exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from yoriai.facilitation.commands import COMMANDS, PROXY_FOR, decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, WorkshopState

from .helpers import NOW, Workshop

UNUSED = "n999"


def outcome(state: WorkshopState, actor: Actor, name: str,
            args: dict[str, Any]) -> tuple[str, Any, Any] | tuple[str, Any]:
    # Only the arguments the command takes: any other would be refused before the note is
    # even looked at, and the comparison would prove nothing.
    args = {k: v for k, v in args.items() if k in COMMANDS[name].takes or k == PROXY_FOR}
    try:
        events = decide(state, actor, name, args, NOW)
    except Refusal as exc:
        return ("refused", exc.code, exc.params)
    return ("done", [(e.type, e.data) for e in events])


def every_way_to_name(note_id: str, theme: str) -> list[dict[str, Any]]:
    """Arguments for any command that reads a note id, with everything else plausible."""
    base = {"text": "書き直し", "kind": "wish", "title": "輪", "theme_id": theme}
    return [{**base, "note_id": note_id}, {**base, "kind": "note", "id": note_id},
            {**base, "note_id": note_id, "theme_id": None}]


@dataclass
class Room:
    w: Workshop
    notes: dict[str, str]
    stranger: Actor
    proxy: str


@pytest.fixture
def room() -> Room:
    w = Workshop()
    author, stranger = w.join("作者"), w.join("他人")
    proxy = w.run(FACILITATOR, "add_proxy", name="紙の人", attribute="住民")[0]
    theme = w.run(FACILITATOR, "create_theme", title="輪")[0].data["theme_id"]
    public = w.post(author, "みんなの付箋")
    hidden = w.post(author, "隠された付箋")
    w.run(FACILITATOR, "hide_note", note_id=hidden)
    w.run(FACILITATOR, "set_private_notes", private=True)
    private = w.post(author, "まだ秘密")
    notes = {"public": public, "hidden": hidden, "private": private, "theme": theme}
    return Room(w, notes, stranger, proxy.data["participant_id"])


@pytest.mark.parametrize("step", ["confirm", "companions", "activity", "practice", "future"])
def test_a_hidden_or_private_note_is_refused_like_an_unused_id(room: Room, step: str) -> None:
    w, notes = room.w, room.notes
    if step != w.state.step:
        w.run(FACILITATOR, "set_step", step=step)
    senders: list[tuple[Actor, dict[str, Any]]] = [
        (room.stranger, {}), (PROJECTOR, {}),
        # 代理入力: the facilitator acting for someone without a phone sees as that person.
        (FACILITATOR, {"proxy_for": room.proxy})]
    for name in sorted(COMMANDS):
        for actor, extra in senders:
            for secret in ("hidden", "private"):
                for args in every_way_to_name(notes[secret], notes["theme"]):
                    unused = {**args, **extra}
                    unused = {k: (UNUSED if v == notes[secret] else v) for k, v in unused.items()}
                    told = outcome(w.state, actor, name, {**args, **extra})
                    assert told == outcome(w.state, actor, name, unused), (name, actor, secret,
                                                                           args, told)


def test_a_note_you_see_but_did_not_write_is_still_not_yours(room: Room) -> None:
    """What the test above compares is reached: a visible note of someone else gets its own
    refusal, and the author may still edit their hidden note."""
    w, notes, stranger = room.w, room.notes, room.stranger
    for name in ("edit_note", "delete_note"):
        told = outcome(w.state, stranger, name, {"note_id": notes["public"], "text": "x"})
        assert told == ("refused", "not_your_note", {})
        told = outcome(w.state, stranger, name, {"note_id": UNUSED, "text": "x"})
        assert told == ("refused", "unknown_note", {})
    author = Actor(stranger.role, "p1")
    assert outcome(w.state, author, "edit_note",
                   {"note_id": notes["hidden"], "text": "直した"})[0] == "done"
