"""``yoriai demo``: a workshop that shows the whole evening, made by replaying the sample
evening through the real command path (the hub: decide, append, commit), exactly as the
phones and the console would have made it. ``yoriai demo --tables``: the same evening at
five tables on the world-café program (``evening.table_script``). ``--map`` adds the demo's
district map (``demo_map.py``) before the notes, and pins each note that names a place on
it, as the phones would have in step 1's 地図に付箋."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from yoriai.facilitation.evening import FACILITATOR as SAMPLE_FACILITATOR
from yoriai.facilitation.evening import TABLE_PROGRAM, sample_evening, script, table_script
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Role
from yoriai.facilitation.program import bundled_program

from . import demo_map
from .hub import Hub
from .maps import prepare_map
from .photos import store_photo


async def create_demo(hub: Hub, data: dict[str, Any] | None = None, *,
                      tables: bool = False, map_dir: Path | None = None) -> str:
    """Make the demo workshop and return its code. ``map_dir``: the data folder to keep the
    demo map's image in (as an upload keeps it); None makes the demo without a map."""
    data = data or sample_evening()
    w = data["workshop"]
    program = bundled_program(TABLE_PROGRAM).to_dict() if tables else None
    code = await hub.create_workshop(f"【デモ】{w['title']}", w["center"], date=w["date"],
                                     program=program)
    room = await hub.room(code)
    assert room is not None
    actors: dict[str, Actor] = {SAMPLE_FACILITATOR: FACILITATOR}
    ids = (f"demo-{i}" for i in itertools.count(1))
    if map_dir is not None:
        image, width, height = prepare_map(demo_map.draw_map())
        image_hash, _ = store_photo(map_dir, image)
        await hub.submit(room, FACILITATOR, next(ids), "add_map", {
            "hash": image_hash, "title": demo_map.TITLE, "width": width, "height": height})
    gen = table_script(data) if tables else script(data)
    command = next(gen)
    while True:
        actor = PROJECTOR if command.joining else actors[command.who]
        args = command.args
        if map_dir is not None and command.name == "post_note":
            pin = demo_map.pin_for(str(args["text"]))
            args = args if pin is None else {**args, "pin": pin}
        ack = await hub.submit(room, actor, next(ids), command.name, args)
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
