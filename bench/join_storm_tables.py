"""A join storm into a room with tables (班), every joined phone staying connected, against
the same storm into a room without tables: what seating each latecomer costs the room.

    .venv/bin/python bench/join_storm_tables.py                # 1,500 phones, 40 tables
    .venv/bin/python bench/join_storm_tables.py --phones 600 --tables 10

A real uvicorn (tests.support.LiveServer) on a free 127.0.0.1 port and a fresh data folder;
the phones join from the laptop's own address (not counted by the per-address join rate),
``--parallel`` at a time, and stay connected reading everything, as a room's phones do.
Figures: wall time, ms a join, the join ack's p50/p99 (send → ack, nearest rank), the
frames and kilobytes a phone received after its join ack (on average), and the
CPU this process used a join (``time.process_time``: the server and the phones share the
process, so it is both; the phones' part is the same with or without tables). On a shared
machine the CPU figure moves much less than the wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.support

from websockets.asyncio.client import ClientConnection, connect

from tests.support import Client, LiveServer, unpack
from yoriai.facilitation.model import ATTRIBUTES

WAIT = 120.0  # a hang guard, not a target


# Frames and bytes the joined phones received after their join ack (what the storm costs
# the room's Wi-Fi), over the whole storm.
RECEIVED = [0, 0]


async def drain(ws: ClientConnection) -> None:
    try:
        async for message in ws:
            RECEIVED[0] += 1
            RECEIVED[1] += len(message)
    except Exception:
        pass


async def join_one(live: LiveServer, code: str, i: int,
                   held: list[asyncio.Task[None]]) -> float:
    ws = await connect(live.ws_url, compression=None, max_size=2**24, ping_interval=None)
    await ws.send(json.dumps({"type": "hello", "workshop": code}))
    cid = f"join-{i:05d}-{uuid.uuid4().hex}"
    start = time.monotonic()
    await ws.send(json.dumps({"type": "cmd", "id": cid, "name": "join", "args": {
        "name": f"人{i}", "attribute": ATTRIBUTES[i % 3], "show_name": i % 2 == 0}}))
    while True:
        for msg in unpack(await asyncio.wait_for(ws.recv(), WAIT)):
            if msg.get("id") == cid:
                if msg["type"] != "ack":
                    raise RuntimeError(f"join {i} refused: {msg}")
                held.append(asyncio.create_task(drain(ws)))
                return time.monotonic() - start


async def storm(phones: int, tables: int, parallel: int) -> str:
    data = Path(tempfile.mkdtemp(prefix="yoriai-storm-")) / "data"
    live = LiveServer(data).start()
    held: list[asyncio.Task[None]] = []
    try:
        code = live.new_workshop()
        fac = await Client(live, code, key=live.key).connect()
        if tables:
            reply = await fac.cmd("make_tables", count=tables, by="hand")
            assert reply["type"] == "ack", reply
        took: list[float] = []
        RECEIVED[:] = [0, 0]
        start = time.monotonic()
        cpu = time.process_time()
        for first in range(0, phones, parallel):
            took += await asyncio.gather(*(join_one(live, code, i, held)
                                           for i in range(first, min(phones, first + parallel))))
        wall = time.monotonic() - start
        cpu = time.process_time() - cpu
        took.sort()
        await fac.close()
        return (f"| {tables or 'none'} | {phones} | {wall:.1f} | {1000 * wall / phones:.1f} | "
                f"{1000 * took[len(took) // 2]:.0f} | {1000 * took[len(took) * 99 // 100]:.0f} | "
                f"{1000 * cpu / phones:.1f} | {RECEIVED[0] / phones:.0f} | "
                f"{RECEIVED[1] / phones / 1000:.0f} |")
    finally:
        for task in held:
            task.cancel()
        live.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--phones", type=int, default=1500)
    p.add_argument("--tables", type=int, default=40)
    p.add_argument("--parallel", type=int, default=20)
    opts = p.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # two ends a phone
    print("| tables | phones | wall s | ms a join | ack p50 ms | ack p99 ms | CPU ms a join "
          "| frames a phone | KB a phone |")
    print("|---|---|---|---|---|---|---|---|---|")
    for tables in (opts.tables, 0):
        print(asyncio.run(storm(opts.phones, tables, opts.parallel)), flush=True)


if __name__ == "__main__":
    main()
