"""How long a restarted laptop takes to serve a long workshop again.

Builds a workshop of N events (default 10,000: 200 people posting notes, with votes,
themes and steps) through the domain's own commands, writes it to a fresh data folder,
then starts ``yoriai serve`` as a subprocess and measures, from the moment the process is
started: until /healthz answers, and until a phone's hello gets its snapshot (the
workshop is loaded, from its latest state snapshot plus the events after it, on first use).

    .venv/bin/python bench/restart.py [--events 10000 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from yoriai.facilitation.commands import decide  # noqa: E402
from yoriai.facilitation.errors import Refusal  # noqa: E402
from yoriai.facilitation.model import (  # noqa: E402
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    apply,
    replay,
)
from yoriai.facilitation.snapshot import dump  # noqa: E402
from yoriai.server.context import DB_FILE  # noqa: E402
from yoriai.server.store import EventStore, WorkshopSummary  # noqa: E402

CODE = "bench10k"


def build(n_events: int) -> tuple[list[Event], WorkshopState]:
    state, log = WorkshopState(), []
    now = 1_790_000_000.0

    def run(actor: Actor, name: str, args: dict[str, object]) -> list[Event]:
        nonlocal now
        now += 1
        try:
            events = decide(state, actor, name, args, now)
        except Refusal:
            return []
        for e in events:
            apply(state, e)
        log.extend(events)
        return events

    run(FACILITATOR, "create_workshop", {"code": CODE, "title": "長い会", "center": "中央"})
    people = [Actor(Role.PARTICIPANT, run(PROJECTOR, "join", {
        "name": f"人{i}", "attribute": "住民"})[0].data["participant_id"]) for i in range(200)]
    i = 0
    while len(log) < n_events:
        person = people[i % len(people)]
        step = (i // 2000) % 2
        if step == 0:
            run(FACILITATOR, "set_step", {"step": "confirm"})
            run(person, "post_note", {"kind": "wish", "text": f"付箋 {i}"})
        else:
            run(FACILITATOR, "set_step", {"step": "companions"})
            notes = list(state.notes)
            if notes:
                note = notes[i % len(notes)]
                if not run(person, "cast_vote", {"note_id": note}):
                    run(person, "retract_vote", {"note_id": next(iter(
                        state.votes.get(person.participant_id or "", {})), note)})
        i += 1
    del log[n_events:]
    return log, replay(log)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def first_snapshot(port: int) -> None:
    async with connect(f"ws://127.0.0.1:{port}/ws", compression=None, max_size=2**26) as ws:
        await ws.send(json.dumps({"type": "hello", "workshop": CODE}))
        while json.loads(await ws.recv())["type"] != "snapshot":
            pass


def measure(data: Path) -> tuple[float, float]:
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "yoriai", "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--data", str(data), "--no-browser"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.005)
        ready = time.perf_counter() - start
        asyncio.run(first_snapshot(port))
        served = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(10)
    return ready, served


async def write(data: Path, log: list[Event], state: WorkshopState | None) -> None:
    """The log, and (as the running server keeps one) a snapshot of its final state."""
    store = EventStore(data / DB_FILE)
    await store.open()
    # With its summary row, as the server writes it: the workshop is listed on the home page.
    final = state if state is not None else replay(log)
    await store.append(CODE, log, summary=WorkshopSummary.of(CODE, final, log[-1].at))
    if state is not None:
        await store.save_snapshot(CODE, state.seq, json.dumps(dump(state), ensure_ascii=False))
    await store.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, nargs="+", default=[10_000, 50_000])
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    print(f"{'events':>8} {'stored as':>16} {'healthz ms':>11} {'first snapshot ms':>18}"
          f"  (median of {args.repeat})")
    for n in args.events:
        log, state = build(n)
        for label, keep in (("log only", None), ("log + snapshot", state)):
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp) / "data"
                asyncio.run(write(data, log, keep))
                runs = [measure(data) for _ in range(args.repeat)]
            ready = statistics.median(r for r, _ in runs) * 1000
            served = statistics.median(s for _, s in runs) * 1000
            print(f"{n:>8} {label:>16} {ready:>11.0f} {served:>18.0f}")


if __name__ == "__main__":
    main()
