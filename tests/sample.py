"""The sample evening (30 people, 120 notes, the packaged ``sample-evening.json``) replayed
through the domain's own commands: a fixture for the domain, export and server tests alike,
so that none of them imports another layer's test module."""

from __future__ import annotations

from typing import Any

from yoriai.facilitation.commands import decide, result_of
from yoriai.facilitation.evening import TABLE_PROGRAM, sample_evening, script, table_script
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    apply,
)
from yoriai.facilitation.program import bundled_program


def load_sample() -> dict[str, Any]:
    """The sample evening as packaged with Yoriai (nothing outside the repository)."""
    return sample_evening()


def run_evening(data: dict[str, Any], *, tables: bool = False,
                ) -> tuple[WorkshopState, list[Event], dict[str, str]]:
    """The evening ``data`` describes, command by command: the state, the event log, and
    which Yoriai participant id each sample person got. ``tables``: the same evening at
    tables (``evening.table_script``, on the world-café program)."""
    state, log = WorkshopState(), []
    now = 1_790_000_000.0
    actors: dict[str, Actor] = {"facilitator": FACILITATOR}
    ids: dict[str, str] = {}
    w = data["workshop"]

    def run(actor: Actor, name: str, args: dict[str, Any]) -> dict[str, Any]:
        nonlocal now
        now += 5
        events = decide(state, actor, name, args, now)
        for e in events:
            apply(state, e)
        log.extend(events)
        return result_of(events)

    created = {"code": "sample1", "title": w["title"], "center": w["center"], "date": w["date"]}
    if tables:
        created["program"] = bundled_program(TABLE_PROGRAM).to_dict()
    run(FACILITATOR, "create_workshop", created)
    gen = table_script(data) if tables else script(data)
    command = next(gen)
    while True:
        actor = PROJECTOR if command.joining else actors[command.who]
        result = run(actor, command.name, command.args)
        if command.joining:
            actors[command.who] = Actor(Role.PARTICIPANT, result["participant_id"])
        if "participant_id" in result:
            ids[command.who] = result["participant_id"]
        try:
            command = gen.send(result)
        except StopIteration:
            break
    return state, log, ids
