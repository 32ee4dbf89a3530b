"""``yoriai demo``: a workshop that shows the whole evening, made by replaying the sample
evening through the real command path (the hub: decide, append, commit), exactly as the
phones and the console would have made it. ``yoriai demo --tables``: the same evening at
five tables on the world-café program (``evening.table_script``)."""

from __future__ import annotations

import itertools
from typing import Any

from yoriai.facilitation.evening import FACILITATOR as SAMPLE_FACILITATOR
from yoriai.facilitation.evening import TABLE_PROGRAM, sample_evening, script, table_script
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Role
from yoriai.facilitation.program import bundled_program

from .hub import Hub


async def create_demo(hub: Hub, data: dict[str, Any] | None = None, *,
                      tables: bool = False) -> str:
    data = data or sample_evening()
    w = data["workshop"]
    program = bundled_program(TABLE_PROGRAM).to_dict() if tables else None
    code = await hub.create_workshop(f"【デモ】{w['title']}", w["center"], date=w["date"],
                                     program=program)
    room = await hub.room(code)
    assert room is not None
    actors: dict[str, Actor] = {SAMPLE_FACILITATOR: FACILITATOR}
    ids = (f"demo-{i}" for i in itertools.count(1))
    gen = table_script(data) if tables else script(data)
    command = next(gen)
    while True:
        actor = PROJECTOR if command.joining else actors[command.who]
        ack = await hub.submit(room, actor, next(ids), command.name, command.args)
        if command.joining:
            actors[command.who] = Actor(Role.PARTICIPANT, ack.result["participant_id"])
        try:
            command = gen.send(ack.result)
        except StopIteration:
            break
    # Leave it where a newcomer can see everything: the role board of step 4; at tables,
    # 全体共有 (the projector shows table 1 large, the console the sharing controls).
    await hub.submit(room, FACILITATOR, next(ids), "set_step",
                     {"step": "sharing" if tables else "practice"})
    return code
