"""Building workshops in the pure domain: decide, apply, and check replay as we go."""

from __future__ import annotations

from typing import Any

import pytest

from yoriai.facilitation.commands import decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, Actor, Event, Role, WorkshopState, apply, replay

NOW = 1_790_000_000.0


class Workshop:
    """A workshop driven through the domain's own commands, keeping its event log, and
    checking the key invariant after every command: applying the new events to the old
    state equals replaying the whole log from scratch."""

    def __init__(self, title: str = "西部地域ワークショップ", center: str = "西部") -> None:
        self.state = WorkshopState()
        self.log: list[Event] = []
        self.clock = NOW
        self.run(FACILITATOR, "create_workshop", code="abc234", title=title, center=center)

    def run(self, actor: Actor, command: str, /, **args: Any) -> list[Event]:
        self.clock += 1.0
        before = self.state.copy()
        events = decide(self.state, actor, command, args, self.clock)
        assert self.state == before, "decide must not change the state"
        for e in events:
            apply(self.state, e)
        self.log.extend(events)
        assert self.state == replay(self.log), "live state differs from replay"
        return events

    def join(self, name: str = "佐藤", attribute: str = "住民", show_name: bool = False) -> Actor:
        events = self.run(Actor(Role.PROJECTOR), "join", name=name, attribute=attribute,
                          show_name=show_name)
        return Actor(Role.PARTICIPANT, events[0].data["participant_id"])

    def post(self, actor: Actor, text: str = "雪かきが大変", kind: str = "issue") -> str:
        events = self.run(actor, "post_note", kind=kind, text=text)
        note_id: str = events[0].data["note_id"]
        return note_id


def refused(expected: str, w: Workshop, actor: Actor, command: str, /, **args: object) -> None:
    """``command`` is refused with ``expected``, and the state is left exactly as it was."""
    before = w.state.copy()
    with pytest.raises(Refusal) as info:
        decide(w.state, actor, command, args, NOW)
    assert info.value.code == expected, info.value
    assert w.state == before


def at_step(w: Workshop, step: str) -> None:
    w.run(FACILITATOR, "set_step", step=step)
    assert w.state.step == step


def grouped(w: Workshop, people: list[Actor], n_notes: int = 4) -> tuple[list[str], str]:
    """``n_notes`` notes from ``people`` in turn, the first one made into a theme."""
    notes = [w.post(people[i % len(people)], f"付箋{i}") for i in range(n_notes)]
    theme = w.run(FACILITATOR, "create_theme", title="空き家を集いの場に",
                  note_id=notes[0])[0].data["theme_id"]
    return notes, theme
