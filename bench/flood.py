"""What one hostile phone can do to everyone else: ack latency of well-behaved phones while
another client floods the server.

    .venv/bin/python bench/flood.py                     # every scenario, 8 s each
    .venv/bin/python bench/flood.py --scenarios quiet,oversized --seconds 5
    .venv/bin/python bench/flood.py --root /tmp/before  # the server of another checkout

A fresh ``yoriai serve`` (from ``--root``, default this checkout) runs as a subprocess on a
free 127.0.0.1 port with a fresh data folder. Five well-behaved phones join and each posts
a note every 0.25 s (under the 5 commands/s a person may send), recording the time from
``send`` to its ack (an ack means the note is on disk). For each scenario a separate flooder
process attacks the same workshop; the phones' acks are measured over ``--seconds``, after
one second of flood, together with the CPU the server used and what the flooder saw.

Scenarios (the flooder never waits between frames; it reconnects when closed):

- ``quiet``: no flood, for comparison.
- ``oversized``: one unjoined socket sends 250 KiB text frames (a note of 85,000 あ).
- ``over_limit``: 1 MiB frames, over the transport's hard limit: each costs the flooder
  its socket.
- ``malformed``: one socket sends ``{not json`` frames.
- ``nested``: one socket sends 16 KiB of ``[[[[…]]]]`` (JSON nested 8,000 deep).
- ``rapid``: a joined person sends valid ``post_note`` commands on four sockets at once.
- ``deaf``: one socket floods small malformed frames and never reads the answers.
- ``sockets``: one address opens as many unjoined sockets (hello, then hold) as it can,
  up to 3,000.

The figures are in bench/README.md ("What a hostile phone can do").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

HOST = "127.0.0.1"  # loopback only
# The flooder connects from another loopback address, as a stranger's phone would come
# from an address of its own (the server does not count the laptop's own, 127.0.0.1).
FLOODER_ADDRESS = "127.0.0.2"
ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
CLK_TCK = os.sysconf("SC_CLK_TCK")
clock = time.monotonic

GOOD_PHONES = 5
# Under RATE_PER_SEC (5/s): a well-behaved phone is never told to slow down.
POST_INTERVAL = 0.25
WARMUP_SECS = 1.0
SETTLE_SECS = 2.0  # between scenarios, for the server to finish what the flood left
MAX_SOCKETS = 3000

SCENARIOS = ("quiet", "oversized", "over_limit", "malformed", "nested", "rapid", "deaf",
             "sockets")


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def machine_busy() -> tuple[float, float]:
    """Busy and total CPU time of the whole machine so far (/proc/stat), in ticks."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cmd_id() -> str:
    return f"c-{uuid.uuid4().hex}"


# --- the flooder (its own process) --------------------------------------------------------

@dataclass
class FloodStats:
    frames: int = 0  # frames sent
    connects: int = 0  # sockets opened (handshake answered 101)
    refused: int = 0  # handshakes refused or failed
    held: int = 0  # sockets open at the end (``sockets``)
    replies: Counter[str] = field(default_factory=Counter)  # by type or error code
    closes: Counter[int] = field(default_factory=Counter)  # close codes the server sent


def note_frame(text: str) -> str:
    return json.dumps({"type": "cmd", "id": cmd_id(), "name": "post_note",
                       "args": {"kind": "wish", "text": text}}, ensure_ascii=False)


OVERSIZED = note_frame("あ" * 85_000)  # ~250 KiB in UTF-8
OVER_LIMIT = note_frame("a" * (1024 * 1024))
MALFORMED = "{not json"
NESTED = "[" * 8000 + "]" * 8000


async def tally(ws: ClientConnection, stats: FloodStats) -> None:
    """Read everything the server answers, counting errors by code."""
    with contextlib.suppress(ConnectionClosed):
        async for raw in ws:
            text = raw if isinstance(raw, str) else raw.decode()
            i = text.find('"code":"')
            if text.startswith('{"type":"error"') and i >= 0:
                stats.replies[text[i + 8:text.index('"', i + 8)]] += 1
            else:
                stats.replies[text[9:text.find('"', 9)]] += 1


async def open_socket(url: str, hello: dict[str, Any], stats: FloodStats,
                      read: bool = True) -> ClientConnection | None:
    try:
        ws = await connect(url, compression=None, max_size=None, ping_interval=None,
                           open_timeout=10, max_queue=None if read else 1,
                           local_addr=(FLOODER_ADDRESS, 0))
    except (OSError, InvalidHandshake, InvalidStatus, TimeoutError):
        stats.refused += 1
        await asyncio.sleep(0.01)
        return None
    stats.connects += 1
    await ws.send(json.dumps(hello))
    return ws


async def hammer(url: str, hello: dict[str, Any], frame: Callable[[], str], stats: FloodStats,
                 read: bool = True) -> None:
    """Send ``frame()`` as fast as the socket takes it; reconnect whenever closed."""
    while True:
        ws = await open_socket(url, hello, stats, read)
        if ws is None:
            continue
        reader = asyncio.create_task(tally(ws, stats)) if read else None
        try:
            # A socket that does not read never sees the server's close, and a send on a
            # closed transport returns without waiting: watch the transport, and yield.
            while not ws.transport.is_closing():
                await ws.send(frame())
                stats.frames += 1
                await asyncio.sleep(0)
            stats.closes[1006] += 1  # gone without a close frame read
        except ConnectionClosed as closed:
            stats.closes[closed.rcvd.code if closed.rcvd else 1006] += 1
        finally:
            if reader is not None:
                reader.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 1)


async def hold_sockets(url: str, hello: dict[str, Any], stats: FloodStats) -> None:
    """Open as many sockets as the server lets one address hold."""
    held: list[ClientConnection] = []

    async def one() -> None:
        ws = await open_socket(url, hello, stats)
        if ws is None:
            return
        try:
            async for raw in ws:
                text = raw if isinstance(raw, str) else raw.decode()
                if text.startswith('{"type":"snapshot"'):
                    held.append(ws)
                    stats.held = len(held)
                elif text.startswith('{"type":"error"'):
                    stats.replies[json.loads(text)["code"]] += 1
        except ConnectionClosed:
            pass
        if ws in held:
            held.remove(ws)
            stats.held = len(held)
        if ws.close_code is not None:
            stats.closes[ws.close_code] += 1

    tasks: list[asyncio.Task[None]] = []
    while stats.connects + stats.refused < MAX_SOCKETS * 3 and len(held) < MAX_SOCKETS:
        tasks.append(asyncio.create_task(one()))
        await asyncio.sleep(0.002)
    await asyncio.gather(*tasks)


async def flood(kind: str, url: str, code: str, token: str, seconds: float) -> FloodStats:
    stats = FloodStats()
    hello: dict[str, Any] = {"type": "hello", "workshop": code}
    attacks: list[Awaitable[None]] = []
    if kind == "oversized":
        attacks.append(hammer(url, hello, lambda: OVERSIZED, stats))
    elif kind == "over_limit":
        attacks.append(hammer(url, hello, lambda: OVER_LIMIT, stats))
    elif kind == "malformed":
        attacks.append(hammer(url, hello, lambda: MALFORMED, stats))
    elif kind == "nested":
        attacks.append(hammer(url, hello, lambda: NESTED, stats))
    elif kind == "deaf":
        attacks.append(hammer(url, hello, lambda: MALFORMED, stats, read=False))
    elif kind == "rapid":
        person = {**hello, "token": token}
        attacks.extend(hammer(url, person, lambda: note_frame("連投"), stats) for _ in range(4))
    elif kind == "sockets":
        attacks.append(hold_sockets(url, hello, stats))
    tasks = [asyncio.ensure_future(a) for a in attacks]
    await asyncio.wait(tasks, timeout=seconds)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return stats


def flooder_main(pipe: Connection, kind: str, url: str, code: str, token: str,
                 seconds: float) -> None:
    raise_nofile()
    try:
        pipe.send(asyncio.run(flood(kind, url, code, token, seconds)))
    except BaseException as exc:
        pipe.send(exc)
        raise


# --- the well-behaved phones --------------------------------------------------------------

class GoodPhone:
    def __init__(self, url: str, code: str) -> None:
        self.url, self.code = url, code
        self.ws: ClientConnection | None = None
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.token = ""
        self.reader: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self.ws = await connect(self.url, compression=None, max_size=None, ping_interval=None)
        self.reader = asyncio.create_task(self.read())
        await self.ws.send(json.dumps({"type": "hello", "workshop": self.code}))

    async def read(self) -> None:
        assert self.ws is not None
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.ws:
                if not isinstance(raw, str) or not raw.startswith(('{"type":"ack"',
                                                                   '{"type":"error"')):
                    continue
                msg = json.loads(raw)
                fut = self.waiting.pop(str(msg.get("id")), None)
                if fut is not None and not fut.done():
                    fut.set_result(msg)

    async def cmd(self, name: str, /, **args: Any) -> dict[str, Any]:
        assert self.ws is not None
        cid = cmd_id()
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[cid] = fut
        await self.ws.send(json.dumps({"type": "cmd", "id": cid, "name": name, "args": args}))
        return await asyncio.wait_for(fut, 30)

    async def join(self, name: str) -> None:
        reply = await self.cmd("join", name=name, attribute="住民")
        if reply["type"] != "ack":
            raise RuntimeError(f"join refused: {reply}")
        self.token = reply["result"]["token"]

    async def post_steadily(self, until: float, latencies: list[float],
                            outcomes: Counter[str]) -> None:
        n = 0
        next_at = clock()
        while clock() < until:
            n += 1
            start = clock()
            try:
                reply = await self.cmd("post_note", kind="wish", text=f"ふつうの付箋 {n}")
                outcomes["ack" if reply["type"] == "ack" else reply["code"]] += 1
                if reply["type"] == "ack":
                    latencies.append(clock() - start)
            except (TimeoutError, ConnectionClosed):
                outcomes["lost"] += 1
                return
            next_at = max(next_at + POST_INTERVAL, clock())
            await asyncio.sleep(next_at - clock())


# --- one scenario ---------------------------------------------------------------------------

def nearest_rank(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.999999) - 1))]


@dataclass
class Row:
    scenario: str
    acks: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    outcomes: dict[str, int]
    server_cpu_pct: float
    machine_cpu_pct: float  # all cores together: 200 % is a full 2-core machine
    frames_per_sec: float
    flood: dict[str, Any]


async def run_scenario(kind: str, server: Server, phones: list[GoodPhone],
                       seconds: float) -> Row:
    ctx = mp.get_context("fork")
    theirs, ours = ctx.Pipe(duplex=False)
    flooder = None
    if kind != "quiet":
        flooder = ctx.Process(target=flooder_main, args=(
            ours, kind, server.url, server.code, server.token, WARMUP_SECS + seconds + 0.5),
            daemon=True)
        flooder.start()
        await asyncio.sleep(WARMUP_SECS)
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    cpu0, t0, (busy0, total0) = cpu_seconds(server.pid), clock(), machine_busy()
    until = t0 + seconds
    await asyncio.gather(*(p.post_steadily(until, latencies, outcomes) for p in phones))
    cpu1, t1, (busy1, total1) = cpu_seconds(server.pid), clock(), machine_busy()
    cores = os.cpu_count() or 1
    stats = FloodStats()
    if flooder is not None:
        if await asyncio.to_thread(theirs.poll, 30):
            got = theirs.recv()
            if isinstance(got, BaseException):
                raise RuntimeError(f"the {kind} flooder failed") from got
            stats = got
        flooder.join(5)
        if flooder.is_alive():
            flooder.kill()
    server.check()
    flood_secs = WARMUP_SECS + seconds
    return Row(kind, len(latencies), nearest_rank(latencies, 0.5) * 1000,
               nearest_rank(latencies, 0.99) * 1000, max(latencies, default=float("nan")) * 1000,
               dict(outcomes), 100 * (cpu1 - cpu0) / (t1 - t0),
               100 * cores * (busy1 - busy0) / max(1, total1 - total0),
               stats.frames / flood_secs,
               {"connects": stats.connects, "refused": stats.refused, "held": stats.held,
                "replies": dict(stats.replies.most_common(4)),
                "closes": {str(k): v for k, v in stats.closes.items()}})


class Server:
    def __init__(self, root: Path, workdir: Path) -> None:
        self.root, self.workdir = root, workdir
        self.port = free_port()
        self.code = ""
        self.token = ""  # a joined person's token, for the ``rapid`` flooder
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "server.log"

    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self.port}/ws"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        data = self.workdir / "data"
        env = {**os.environ, "PYTHONPATH": str(self.root)}
        made = subprocess.run([str(PYTHON), "-m", "yoriai", "new", "荒らしに強い会", "--data",
                               str(data)], capture_output=True, text=True, timeout=60,
                              cwd=self.root, env=env, check=False)
        if made.returncode != 0:
            raise RuntimeError(f"yoriai new failed: {made.stderr.strip()}")
        self.code = made.stdout.strip().splitlines()[-1].strip()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(PYTHON), "-m", "yoriai", "serve", "--host", HOST, "--port",
                 str(self.port), "--data", str(data), "--no-browser"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.root,
                env=env, preexec_fn=raise_nofile)
        deadline = clock() + 30
        while clock() < deadline:
            self.check()
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("the server did not listen within 30 s")

    def check(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"the server exited: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


async def main_async(args: argparse.Namespace, server: Server) -> list[Row]:
    phones = [GoodPhone(server.url, server.code) for _ in range(GOOD_PHONES)]
    for i, p in enumerate(phones):
        await p.open()
        await p.join(f"よい人{i}")
    flooder_person = GoodPhone(server.url, server.code)
    await flooder_person.open()
    await flooder_person.join("荒らし")
    server.token = flooder_person.token
    # Warm up (first commits, first snapshot sends) before anything is measured.
    await asyncio.gather(*(p.post_steadily(clock() + 2, [], Counter()) for p in phones))
    rows = []
    for kind in args.scenarios:
        row = await run_scenario(kind, server, phones, args.seconds)
        rows.append(row)
        print(f"{kind:>11}: acks {row.acks:4d}  p50 {row.p50_ms:7.1f} ms  p99 "
              f"{row.p99_ms:7.1f} ms  max {row.max_ms:7.1f} ms  server CPU "
              f"{row.server_cpu_pct:5.1f} % (machine {row.machine_cpu_pct:3.0f} %)  flood "
              f"{row.frames_per_sec:8.0f} frames/s  "
              f"{row.outcomes} {row.flood}", flush=True)
        await asyncio.sleep(SETTLE_SECS)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout whose server to run (default: this one)")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--scenarios", type=lambda s: s.split(","), default=list(SCENARIOS))
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {SCENARIOS}")
    raise_nofile()
    with tempfile.TemporaryDirectory(prefix="yoriai-flood-") as tmp:
        server = Server(args.root.resolve(), Path(tmp))
        try:
            server.start()
            rows = asyncio.run(main_async(args, server))
        finally:
            server.stop()
    print()
    print("| scenario | flood frames/s | server CPU % | machine CPU % | acks | ack p50 ms "
          "| ack p99 ms | max ms | what the flooder got |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        got = ", ".join(f"{k} {v}" for k, v in r.flood["replies"].items())
        closes = ", ".join(f"close {k} ×{v}" for k, v in r.flood["closes"].items())
        refused = f"{r.flood['refused']} connects reset" if r.flood["refused"] else ""
        extra = "; ".join(x for x in (got, closes, refused, f"held {r.flood['held']}"
                                      if r.scenario == "sockets" else "") if x)
        print(f"| {r.scenario} | {r.frames_per_sec:,.0f} | {r.server_cpu_pct:.0f} "
              f"| {r.machine_cpu_pct:.0f} | {r.acks} "
              f"| {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.max_ms:.1f} | {extra} |")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
