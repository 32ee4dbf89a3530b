"""「まとめ方の提案」 live: how long from a note change to fresh suggestions on the console, and
what the worker costs the room's acks.

    .venv/bin/python bench/suggest_live.py               # 120 and 1,000 notes
    .venv/bin/python bench/suggest_live.py --notes 1000 --seconds 20 --phones 20

For each room size, a real server (uvicorn on loopback, SQLite in a temporary folder) is
started on a room of that many notes, in this process (so that the bench can tell when the
worker is busy; the worker itself is the server's own spawned process).

1. Freshness: the console asks; a phone edits its note (a change to the unsorted notes);
   the time from the edit's ack to the console receiving suggestions as of that edit's seq
   or later. This includes the debounce (DEBOUNCE_SECS, 1 s): the figure without it is
   printed beside.
2. The room's acks: ``--phones`` phones each edit their own note in a loop (a change every
   ~0.3 s each, under the per-person rate), for ``--seconds`` without any console asking,
   then as long with the console asking (so suggestions are worked out again and again,
   MAX_DELAY_SECS apart while the room keeps writing). Ack round trips are reported for
   both phases: all of them, and those of the second phase sent while the worker was busy.

The machine's load average is printed: 2 shared cores make every figure noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.server.suggest_room import note_texts, store_room
from tests.support import Client, LiveServer
from yoriai.server import suggestions


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def freshness(live: LiveServer, code: str, samples: int) -> list[float]:
    console = await Client(live, code, key=live.key).connect()
    phone = await Client(live, code).connect()
    await phone.join("計測")
    note = (await phone.cmd("post_note", kind="issue", text="雪かきが大変"))["result"]["note_id"]
    first = console.waiter(lambda m: m["type"] == "suggestions")
    await console.send({"type": "suggest", "table": None})
    await asyncio.wait_for(first, 60)  # the worker process is started here
    out = []
    for i in range(samples):
        reply = await phone.cmd_patiently("edit_note", note_id=note, text=f"雪かきが大変{i}")
        done = time.perf_counter()
        seq = reply["seq"]
        got = console.waiter(lambda m, s=seq: m["type"] == "suggestions" and m["seq"] >= s)
        await asyncio.wait_for(got, 60)
        out.append(time.perf_counter() - done)
        await asyncio.sleep(0.3)
    await console.close()
    await phone.close()
    return out


async def acks(live: LiveServer, code: str, phones: int, seconds: float,
               watch: bool) -> tuple[list[float], list[float], int]:
    """Ack round trips (s): all, and those sent while the worker was busy; computations."""
    console = await Client(live, code, key=live.key).connect()
    clients = [await Client(live, code).connect() for _ in range(phones)]
    notes = []
    for i, c in enumerate(clients):
        await c.join(f"人{i}")
        notes.append((await c.cmd_patiently("post_note", kind="wish", text=f"ベンチ{i}"))
                     ["result"]["note_id"])
    if watch:
        first = console.waiter(lambda m: m["type"] == "suggestions")
        await console.send({"type": "suggest", "table": None})
        await asyncio.wait_for(first, 60)
    seen = sum(m["type"] == "suggestions" for m in console.received)
    found = suggestions.suggester(live.ctx).rooms.get(code)
    all_rtt: list[float] = []
    busy_rtt: list[float] = []
    stop = time.perf_counter() + seconds

    async def run(c: Client, note: str) -> None:
        i = 0
        while time.perf_counter() < stop:
            busy = found is not None and found.running is not None
            t0 = time.perf_counter()
            reply = await c.cmd_patiently("edit_note", note_id=note, text=f"ベンチがほしい{i}")
            rtt = time.perf_counter() - t0
            assert reply["type"] == "ack", reply
            all_rtt.append(rtt)
            if busy or (found is not None and found.running is not None):
                busy_rtt.append(rtt)
            i += 1
            await asyncio.sleep(0.3)

    await asyncio.gather(*(run(c, n) for c, n in zip(clients, notes, strict=True)))
    computed = sum(m["type"] == "suggestions" for m in console.received) - seen
    for c in [console, *clients]:
        await c.close()
    return all_rtt, busy_rtt, computed


def ms(x: float) -> str:
    return f"{x * 1000:7.1f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, nargs="*", default=[120, 1000])
    ap.add_argument("--phones", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--samples", type=int, default=8)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; debounce "
          f"{suggestions.DEBOUNCE_SECS} s, at most {suggestions.MAX_DELAY_SECS} s")
    for n in args.notes:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            data.mkdir()
            code = store_room(data, note_texts(n))
            live = LiveServer(data).start()
            try:
                fresh = asyncio.run(freshness(live, code, args.samples))
                base, _, _ = asyncio.run(acks(live, code, args.phones, args.seconds, False))
                during, busy, computed = asyncio.run(
                    acks(live, code, args.phones, args.seconds, True))
            finally:
                live.stop()
        med = statistics.median(fresh)
        print(f"\n{n} notes: note change -> fresh suggestions on the console "
              f"(ms, {len(fresh)} samples): median {ms(med)}  max {ms(max(fresh))}  "
              f"(without the debounce: median {ms(med - suggestions.DEBOUNCE_SECS)})")
        print(f"  acks, {args.phones} phones editing, ms:        count   p50     p99     max")
        for label, rtt in (("no console asking", base), ("console asking", during),
                           ("  of which: worker busy", busy)):
            print(f"  {label:<24} {len(rtt):5d} {ms(pct(rtt, 0.5))} {ms(pct(rtt, 0.99))} "
                  f"{ms(max(rtt) if rtt else float('nan'))}")
        print(f"  suggestions worked out and sent while asking: {computed}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
