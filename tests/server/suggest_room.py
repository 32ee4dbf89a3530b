"""Rooms for the grouping-suggestion tests and bench: a workshop of many notes written
straight into the store (through the domain's own commands), before the server starts."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from yoriai.facilitation.commands import decide
from yoriai.facilitation.model import FACILITATOR, Actor, Event, Role, WorkshopState, apply
from yoriai.server.context import DB_FILE
from yoriai.server.store import EventStore

CODE = "sugg23"

# Words of the field, by topic; a note is a topic's word in one of a few sentences.
TOPICS = [
    ["雪かき", "除雪", "雪下ろし", "屋根の雪"],
    ["バス", "送迎", "病院への足", "買い物の足"],
    ["空き家", "空き店舗", "使われない家", "古い家"],
    ["公園", "遊び場", "広場", "ベンチ"],
    ["防災", "避難所", "災害", "避難訓練"],
    ["子ども", "子育て", "学童", "通学路"],
]
FRAMES = ["{}が心配です", "{}のことで困っている", "{}をなんとかしたい", "{}についてもっと話したい",
          "冬になると{}が大変", "{}の情報がほしい", "近所の{}が気になる", "{}を手伝いたい"]


def note_texts(n: int) -> list[str]:
    """``n`` notes over the topics, in turn, each worded a little differently."""
    out = []
    for i in range(n):
        words = TOPICS[i % len(TOPICS)]
        text = FRAMES[(i // len(TOPICS)) % len(FRAMES)].format(words[(i // 7) % len(words)])
        out.append(f"{text}（{i}）" if i >= len(TOPICS) * len(FRAMES) else text)
    return out


def room_events(texts: list[str], people: int = 50) -> list[Event]:
    """A workshop at its first step whose ``people`` participants wrote ``texts`` in turn."""
    state, log = WorkshopState(), []
    clock = time.time() - 3600

    def run(actor: Actor, command: str, /, **args: object) -> list[Event]:
        nonlocal clock
        clock += 0.01
        events = decide(state, actor, command, args, clock)
        for e in events:
            apply(state, e)
        log.extend(events)
        return events

    run(FACILITATOR, "create_workshop", code=CODE, title="提案のテスト", center="西部")
    pids = [run(Actor(Role.PROJECTOR), "join", name=f"人{i}", attribute="住民",
                show_name=False)[0].data["participant_id"] for i in range(people)]
    for i, text in enumerate(texts):
        run(Actor(Role.PARTICIPANT, pids[i % people]), "post_note", kind="issue", text=text)
    return log


def store_room(data_dir: Path, texts: list[str]) -> str:
    """Write the room into ``data_dir``'s store, as ``yoriai import`` would; its code."""

    async def write() -> None:
        store = EventStore(data_dir / DB_FILE)
        await store.open()
        try:
            await store.import_workshop(CODE, room_events(texts))
        finally:
            await store.close()

    asyncio.run(write())
    return CODE
