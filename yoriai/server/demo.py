"""``yoriai demo``: a workshop that shows the whole evening, made by replaying the sample
evening through the real command path (the hub: decide, append, commit), exactly as the
phones and the console would have made it."""

from __future__ import annotations

import itertools
from typing import Any

from yoriai.facilitation.evening import FACILITATOR as SAMPLE_FACILITATOR
from yoriai.facilitation.evening import sample_evening, script
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Role

from .hub import Hub


async def create_demo(hub: Hub, data: dict[str, Any] | None = None) -> str:
    data = data or sample_evening()
    w = data["workshop"]
    code = await hub.create_workshop(f"【デモ】{w['title']}", w["center"], date=w["date"])
    room = await hub.room(code)
    assert room is not None
    actors: dict[str, Actor] = {SAMPLE_FACILITATOR: FACILITATOR}
    ids = (f"demo-{i}" for i in itertools.count(1))
    gen = script(data)
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
    # Leave it where a newcomer can see everything: the role board of step 4.
    await hub.submit(room, FACILITATOR, next(ids), "set_step", {"step": "practice"})
    return code
