"""Broadcast load benchmark: Yoriai against a bare Starlette + uvicorn relay, side by side.

    .venv/bin/python bench/broadcast.py                 # the full run (also `make bench`)
    .venv/bin/python bench/broadcast.py --quick         # a smoke run of a minute or so

For each server and each number of simulated phones N, a fresh server is started as a
subprocess on a free 127.0.0.1 port (Yoriai: ``yoriai new`` + ``yoriai serve`` on a temp data
folder; the relay: ``bench/bare_relay.py``), and N phones are connected from load-generator
worker processes (never the server's process). Then:

1. *Fan-out latency*: ``--posts`` notes, paced at ``--rate`` posts/s, each from a different
   phone; for each, the time from the ``send`` until the LAST of the N phones has received
   its event (``time.monotonic`` is CLOCK_MONOTONIC, one clock for every process on Linux).
2. *Durable throughput*: ``--posters`` phones post in a closed loop (at most ``--duration``
   s, and within the workshop's note ceiling), each waiting for its ack and never faster
   than the rate limit allows; the rate the acks come back at (Yoriai acks only after the
   SQLite commit) is "posts/s durable".
3. Server RSS (``VmRSS`` of the server's pid) idle, after connecting, after the run; and
   the CPU the server, the generator and anything else used in each phase, to show which
   is the limit. A phase disturbed by other work on the machine is repeated.

See bench/README.md for the method and the latest figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import math
import multiprocessing as mp
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri

from yoriai.facilitation import limits
from yoriai.server import limits as server_limits

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"  # loopback only: the benchmark never listens on or dials anything else
SERVERS = ("yoriai", "relay")
clock = time.monotonic

# One phone's posts are at least this far apart: under the server's 5 commands/s, so that
# the token bucket (burst 20) never has to refuse one with ``slow_down``.
POST_INTERVAL = 1.05 / server_limits.RATE_PER_SEC
ACK_TIMEOUT = 20.0
# Marker ids: phase 1 attempt a uses a*MAX_POSTS + k; phase 2 attempt a uses
# THROUGHPUT_BASE*(a+1) + poster*PER_POSTER + j. All unique within a run.
MAX_POSTS = 100_000
PER_POSTER = 10_000  # posts one poster can make in one phase-2 attempt, at most
MAX_PHONES = 10_000
THROUGHPUT_BASE = PER_POSTER * MAX_PHONES
CONNECTS_IN_FLIGHT = 20  # per worker: phones opening + joining at once
MARK = "#b"  # a note's text carries "#b<id>#"
CLK_TCK = os.sysconf("SC_CLK_TCK")
# The p99 of 1,000 posts is the tenth slowest: the --json rows keep the fifteen slowest,
# to tell a stall (neighbours, one after another) from a shift (scattered through the run).
SLOWEST_KEPT = 15
# A batch holding one of these is parsed whole (``Worker.take``): a reply to this phone,
# its snapshot. One of only others' events is read by its markers, as the relay's are.
PARSED_KINDS = ("ack", "error", "snapshot", "welcome", "synced", "suggestions", "pong")
PARSED_NEEDLES = tuple(f'"type":"{kind}"' for kind in PARSED_KINDS)
# The disk meter's period: a stall is timed to within this, and 200 reads a second of a
# small sysfs file cost the benchmark's own process well under 1 % of a core.
DISK_SAMPLE_SECS = 0.005
# A phase in which the disk held a request this long without finishing any is disturbed
# (repeated, as for other work on the machine): longer than a post's whole handling at
# 1,000 phones (~30 ms), so the posts sent meanwhile are the run's slowest. An idle disk
# here fsyncs in 0.6 ms, 10 ms at worst with every core busy (bench/README.md, "Noise").
DISK_STALL_MAX_MS = 50.0
# The load generator's event loop. The generators share the servers' two cores and, on
# asyncio's own loop, used about three times a server's CPU in the latency phase (Python
# code for every socket's every read): uvloop does that part in C, so that more of what is
# measured is the servers'. The servers are not touched: Yoriai runs on asyncio's loop
# (``asyncio.run`` in its CLI), and the relay is started with ``loop="asyncio"``.
GENERATOR_LOOPS = ("uvloop", "asyncio")


class BenchError(Exception):
    """A run could not be completed; the row records why."""


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def die_with_parent(sig: int) -> None:
    """Linux: get ``sig`` when the benchmark process dies, however it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG


def child_setup() -> None:
    """In a server subprocess before exec: enough fds, and die with the benchmark."""
    raise_nofile()
    die_with_parent(signal.SIGTERM)


# --- the load-generator worker (runs in its own process) ----------------------------------

@dataclass(frozen=True)
class Spec:
    server: str
    url: str
    code: str  # the workshop code ("" for the relay)
    phones: int
    workers: int
    loop: str = "uvloop"  # the generator's event loop (GENERATOR_LOOPS)

    @property
    def joiners(self) -> int:
        """Phones that join (and post): a workshop holds at most PARTICIPANTS_MAX people,
        so past that the other phones only watch, as the projector does."""
        return self.phones if self.server == "relay" else min(self.phones,
                                                              limits.PARTICIPANTS_MAX)


def note_text(mid: int, g: int) -> str:
    return f"駅前に屋根つきのベンチがほしい {MARK}{mid}# (phone {g})"


class LightSocket(asyncio.Protocol):
    """A phone's WebSocket as the generator needs it, light: websockets' sans-I/O client
    protocol under a plain asyncio protocol, each message handed to ``on_message`` in the
    read callback itself, and a server's text frames and pings read by ``read_frames``
    rather than websockets' parser (the handshake, a close, a fragment still go to it).
    websockets' asyncio client wakes a task per phone per message: the generators, on the
    server's two cores, used three times the server's CPU in the latency phase at 1,000
    phones, and a sixth of that went (bench/README.md, "Session 10"); uvloop and
    ``read_frames`` took a third to two thirds of what was left ("Session 11"). The less
    the instrument takes of the cores, the more the figures are the servers'."""

    def __init__(self, url: str, on_message: Callable[[str, float], None],
                 on_close: Callable[[], None]) -> None:
        self.uri = parse_uri(url)
        self.protocol = ClientProtocol(self.uri, max_size=4 * 2**20)
        self.on_message, self.on_close = on_message, on_close
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._parts: list[bytes] = []  # a fragmented message so far (servers send whole ones)
        # The handshake's bytes until its blank line; None once it is over.
        self._head: bytearray | None = bytearray()
        # Frames are read by ``read_frames`` until something else than a text frame or a
        # ping comes (a close, a fragment): from there on, by websockets' parser.
        self._fast = False
        self._pending = b""  # the start of a frame not whole yet (fast path)

    @classmethod
    async def open(cls, url: str, on_message: Callable[[str, float], None],
                   on_close: Callable[[], None], timeout: float) -> LightSocket:
        sock = cls(url, on_message, on_close)
        await asyncio.get_running_loop().create_connection(lambda: sock, sock.uri.host,
                                                           sock.uri.port)
        await asyncio.wait_for(asyncio.shield(sock.opened), timeout)
        return sock

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses; they have its methods.
        self.transport = cast(asyncio.Transport, transport)
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        now = clock()
        if self._fast:
            self._read_fast(self._pending + data if self._pending else data, now)
            return
        if self._head is not None:
            # websockets parses the response; the frames after it are read by the fast path,
            # which starts at a frame's first byte.
            self._head += data
            end = self._head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, rest = bytes(self._head[:end + 4]), bytes(self._head[end + 4:])
            self._head = None
            self._receive(head, now)
            if self.protocol.state is State.OPEN:
                self._fast = True
                self._read_fast(rest, now)
            elif rest:
                self._receive(rest, now)
            return
        self._receive(data, now)

    def _read_fast(self, buf: bytes, now: float) -> None:
        used, pings, other = read_frames(buf, self.on_message, now)
        for payload in pings:
            self.protocol.send_pong(payload)
        if pings:
            self._flush()
        if other:  # a close or a fragment: websockets' parser, from this frame's first byte
            self._fast, self._pending = False, b""
            self._receive(buf[used:], now)
        else:
            self._pending = buf[used:]

    def _receive(self, data: bytes, now: float) -> None:
        protocol = self.protocol
        protocol.receive_data(data)
        for event in protocol.events_received():
            if isinstance(event, Response):
                if protocol.handshake_exc is not None:
                    self.opened.set_exception(protocol.handshake_exc)
                elif not self.opened.done():
                    self.opened.set_result(None)
            elif isinstance(event, Frame):
                self._frame(event, now)
        self._flush()  # pongs and the close's reply, which the protocol queues itself

    def _frame(self, frame: Frame, now: float) -> None:
        if frame.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT) and not frame.fin:
            self._parts.append(bytes(frame.data))
        elif frame.opcode in (Opcode.TEXT, Opcode.BINARY):
            self.on_message(bytes(frame.data).decode(), now)
        elif frame.opcode is Opcode.CONT:
            self._parts.append(bytes(frame.data))
            data, self._parts = b"".join(self._parts), []
            self.on_message(data.decode(), now)

    def _flush(self) -> None:
        assert self.transport is not None
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            else:  # the protocol is done with the stream
                self.transport.close()

    def eof_received(self) -> bool | None:
        self.protocol.receive_eof()
        self._flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)
            self.on_close()

    @property
    def close_code(self) -> int | None:
        return self.protocol.close_code

    async def send(self, text: str) -> None:
        if self.protocol.state is not State.OPEN or self.transport is None:
            raise ConnectionClosed(None, None)
        self.protocol.send_text(text.encode())
        self._flush()

    async def close(self, timeout: float = 2.0) -> None:
        if self.protocol.state is State.OPEN:
            self.protocol.send_close(1000)
            self._flush()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.closed), timeout)
        if self.transport is not None:
            self.transport.abort()


# The first byte of a whole, unmasked frame of each kind a server sends most (RFC 6455 5.2:
# FIN, then the opcode), and the length's escapes in the second byte.
TEXT_FRAME, PING_FRAME = 0x81, 0x89
LENGTH_16, LENGTH_64 = 126, 127


def read_frames(buf: bytes, on_text: Callable[[str, float], None],
                now: float) -> tuple[int, list[bytes], bool]:
    """Read the whole text frames at the front of ``buf`` (a server's frames: unmasked),
    each handed to ``on_text`` as it comes. Returns the bytes used, the pings' payloads (to
    answer), and whether a frame of another kind stopped the reading (a close, a fragment,
    a binary or a masked frame: for websockets' parser). A frame not whole yet stops it too,
    and is left unused. websockets' own parser costs ~3.6 µs a frame here against ~0.5 µs
    (bench/README.md, "Session 11"): the generators share the servers' cores."""
    i, n = 0, len(buf)
    pings: list[bytes] = []
    while n - i >= 2:
        head, size = buf[i], buf[i + 1]
        if head not in (TEXT_FRAME, PING_FRAME) or size & 0x80:
            return i, pings, True
        start = i + 2
        if size == LENGTH_16:
            start += 2
            if start > n:
                break
            size = int.from_bytes(buf[i + 2:start], "big")
        elif size == LENGTH_64:
            start += 8
            if start > n:
                break
            size = int.from_bytes(buf[i + 2:start], "big")
        end = start + size
        if end > n:
            break
        if head == TEXT_FRAME:
            on_text(buf[start:end].decode(), now)
        else:
            pings.append(buf[start:end])
        i = end
    return i, pings, False


class Phone:
    def __init__(self, g: int) -> None:
        self.g = g
        self.ws: LightSocket | None = None
        self.pending: dict[str, asyncio.Future[tuple[float, str]]] = {}
        self.control: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.count = 0  # the participant_count this phone has seen
        self.closed: int | None = None  # close code once the socket has gone
        self.dropped = False  # closed by the server or the network, not by us


class Worker:
    def __init__(self, spec: Spec, index: int) -> None:
        self.spec, self.index = spec, index
        self.relay = spec.server == "relay"
        self.phones = [Phone(g) for g in range(index, spec.phones, spec.workers)]
        self.by_g = {p.g: p for p in self.phones}
        # marker id -> [receivers so far, time of the latest receipt]
        self.stats: dict[int, list[float]] = {}
        self.errors: Counter[str] = Counter()
        self.closing = False
        self.frames = 0  # WebSocket frames received by all phones here (a batch is one)

    # -- receiving ---------------------------------------------------------------------

    def receipt(self, mid: int, now: float) -> None:
        rec = self.stats.get(mid)
        if rec is None:
            self.stats[mid] = [1.0, now]
        else:
            rec[0] += 1
            rec[1] = now

    def take(self, phone: Phone, obj: dict[str, Any], now: float) -> None:
        """One message of a batch (already parsed)."""
        kind = obj.get("type")
        if kind == "event":
            data = obj.get("data") or {}
            for note in (data.get("upsert") or {}).get("notes", []):
                text = str(note.get("text", ""))
                i = text.find(MARK)
                if i >= 0:
                    self.receipt(int(text[i + 2:text.find("#", i + 2)]), now)
            count = (data.get("workshop") or {}).get("participant_count")
            if isinstance(count, int):
                phone.count = max(phone.count, count)
            return
        if kind == "heartbeat":
            return
        if kind in ("ack", "error"):
            fut = phone.pending.pop(str(obj.get("id")), None)
            if fut is not None and not fut.done():
                fut.set_result((now, "ack" if kind == "ack" else str(obj.get("code"))))
                return
            if kind == "error":
                self.errors[str(obj.get("code"))] += 1
        if kind == "snapshot":
            count = ((obj.get("state") or {}).get("workshop") or {}).get("participant_count")
            if isinstance(count, int):
                phone.count = max(phone.count, count)
        if kind != "ack":
            phone.control.put_nowait(obj)

    def on_message(self, phone: Phone, msg: str, now: float) -> None:
        """One message a phone received (``LightSocket``: in the read callback, at ``now``)."""
        stats, relay = self.stats, self.relay
        if msg.startswith('{"type":"batch"'):
            self.frames += 1
            if any(needle in msg for needle in PARSED_NEEDLES):
                for item in json.loads(msg)["items"]:
                    self.take(phone, item, now)
                return
            # Only others' events (the fan-out): read as the relay's messages are read, by
            # their markers, so that the generator spends on a batch what it spends on its
            # messages one by one (a phone's CPU is not the server's; here the generators
            # share the server's two cores).
            i = msg.find(MARK)
            while i >= 0:
                j = msg.find("#", i + 2)
                self.receipt(int(msg[i + 2:j]), now)
                i = msg.find(MARK, j + 1)
            phone.count = max(phone.count, participant_count(msg, last=True))
            return
        self.frames += 1
        i = msg.find(MARK)
        if i >= 0 and not msg.startswith('{"type":"snapshot"'):
            j = msg.find("#", i + 2)
            mid = int(msg[i + 2:j])
            rec = stats.get(mid)
            if rec is None:
                stats[mid] = [1.0, now]
            else:
                rec[0] += 1
                rec[1] = now
            if relay:  # the relay's "ack" is the sender's own copy coming back
                fut = phone.pending.pop(f"b{mid}", None)
                if fut is not None and not fut.done():
                    fut.set_result((now, "ack"))
            return
        if msg.startswith('{"type":"event"'):
            phone.count = max(phone.count, participant_count(msg))
            return
        if msg.startswith('{"type":"heartbeat"'):
            return
        self.take(phone, json.loads(msg), now)  # a reply to this phone, its snapshot

    def on_closed(self, phone: Phone) -> None:
        """The phone's connection is gone: whatever waited on it is told."""
        phone.closed = (phone.ws.close_code if phone.ws is not None else None) or 1006
        phone.dropped = not self.closing
        for fut in phone.pending.values():
            if not fut.done():
                fut.set_result((clock(), f"closed {phone.closed}"))
        phone.pending.clear()
        phone.control.put_nowait({"type": "closed", "code": phone.closed})

    async def expect(self, phone: Phone, kind: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = clock() + timeout
        while True:
            if phone.closed is not None:
                raise BenchError(f"phone {phone.g} closed ({phone.closed}) waiting for {kind}")
            msg = await asyncio.wait_for(phone.control.get(), max(0.01, deadline - clock()))
            if msg.get("type") == kind:
                return msg
            if msg.get("type") in ("error", "closed"):
                raise BenchError(f"phone {phone.g} got {msg.get('type')} {msg.get('code')} "
                                 f"waiting for {kind}")

    # -- sending -----------------------------------------------------------------------

    async def command(self, phone: Phone, cid: str, text: str,
                      timeout: float = ACK_TIMEOUT) -> tuple[float, float, str]:
        """Send one command; (sent at, acked at, "ack" or the error code)."""
        assert phone.ws is not None
        fut: asyncio.Future[tuple[float, str]] = asyncio.get_running_loop().create_future()
        phone.pending[cid] = fut
        t0 = clock()
        try:
            await phone.ws.send(text)
            t1, outcome = await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            phone.pending.pop(cid, None)
            return t0, math.inf, "timeout"
        except ConnectionClosed:
            phone.pending.pop(cid, None)
            return t0, math.inf, "closed"
        return t0, t1, outcome

    @staticmethod
    def post_message(mid: int, g: int) -> str:
        return json.dumps({"type": "cmd", "id": f"b{mid}", "name": "post_note",
                           "args": {"kind": "wish", "text": note_text(mid, g)}},
                          ensure_ascii=False, separators=(",", ":"))

    # -- phases ------------------------------------------------------------------------

    async def open_phone(self, phone: Phone) -> None:
        phone.ws = await LightSocket.open(
            self.spec.url, lambda msg, now: self.on_message(phone, msg, now),
            lambda: self.on_closed(phone), timeout=60)
        if self.relay:
            return
        await phone.ws.send(json.dumps({"type": "hello", "workshop": self.spec.code,
                                        "lang": "en"}))
        await self.expect(phone, "snapshot")
        if phone.g >= self.spec.joiners:
            return  # the workshop is full: this one watches
        # Ids must be unique across phones: an unjoined phone's command ids are only
        # de-duplicated per role ("projector"), not per phone (see bench/README.md).
        cid = f"join-{uuid.uuid4().hex}"
        join = json.dumps({"type": "cmd", "id": cid, "name": "join",
                           "args": {"name": f"phone {phone.g}", "attribute": "住民"}},
                          ensure_ascii=False)
        _, _, outcome = await self.command(phone, cid, join, timeout=60)
        if outcome != "ack":
            raise BenchError(f"phone {phone.g} could not join: {outcome}")
        await self.expect(phone, "snapshot")  # the participant's own snapshot

    async def op_connect(self) -> dict[str, Any]:
        gate = asyncio.Semaphore(CONNECTS_IN_FLIGHT)

        async def one(phone: Phone) -> None:
            async with gate:
                await self.open_phone(phone)

        await asyncio.gather(*(one(p) for p in self.phones))
        return {}

    async def op_settle(self, timeout: float) -> dict[str, Any]:
        """Wait until every phone has heard of every join (the join fan-out is over)."""
        deadline = clock() + timeout
        while clock() < deadline:
            if all(p.count >= self.spec.joiners for p in self.phones if p.closed is None):
                return {}
            await asyncio.sleep(0.05)
        behind = sum(p.count < self.spec.joiners for p in self.phones)
        raise BenchError(f"{behind} phones had not seen every join after {timeout:.0f} s")

    async def op_latency(self, t0: float, rate: float, posts: int,
                         base: int) -> dict[str, Any]:
        sends: dict[int, float] = {}

        async def one(k: int, phone: Phone, at: float) -> None:
            await sleep_until(at)
            if phone.ws is None or phone.closed is not None:
                return
            sends[base + k] = clock()
            with contextlib.suppress(ConnectionClosed):
                await phone.ws.send(self.post_message(base + k, phone.g))

        n, w = self.spec.joiners, self.spec.workers
        await asyncio.gather(*(one(k, self.by_g[k % n], t0 + k / rate)
                               for k in range(posts) if (k % n) % w == self.index))
        return {"sends": {k: (t, t, "sent") for k, t in sends.items()}}

    async def op_throughput(self, t0: float, duration: float, posters: int, budget: int,
                            base: int) -> dict[str, Any]:
        sends: dict[int, tuple[float, float, str]] = {}
        end = t0 + duration

        async def poster(phone: Phone, g: int) -> None:
            at = t0 + POST_INTERVAL * g / posters  # stagger the first posts
            mine = budget // posters + (g < budget % posters)
            for j in range(min(mine, int(duration / POST_INTERVAL) + 1)):  # bounded
                await sleep_until(at)
                if clock() >= end or phone.closed is not None:
                    return
                mid = base + g * PER_POSTER + j
                sent, acked, outcome = await self.command(
                    phone, f"b{mid}", self.post_message(mid, g))
                sends[mid] = (sent, acked, outcome)
                at = sent + POST_INTERVAL

        await asyncio.gather(*(poster(self.by_g[g], g) for g in range(posters)
                               if g % self.spec.workers == self.index))
        return {"sends": sends}

    async def op_collect(self, mids: Sequence[int], deadline: float) -> dict[str, Any]:
        """Wait (until ``deadline``) for every live phone here to have every note."""
        todo = list(mids)
        while todo and clock() < deadline:
            live = sum(p.closed is None for p in self.phones)
            todo = [m for m in todo if self.stats.get(m, (0.0, 0.0))[0] < live]
            if todo:
                await asyncio.sleep(0.02)
        got = {m: self.stats[m] for m in mids if m in self.stats}
        return {"recv": {m: (int(c), t) for m, (c, t) in got.items()}}

    async def op_close(self) -> dict[str, Any]:
        self.closing = True
        report = self.status()
        await asyncio.gather(*(p.ws.close() for p in self.phones if p.ws is not None),
                             return_exceptions=True)
        return report

    def status(self) -> dict[str, Any]:
        dropped = Counter(str(p.closed) for p in self.phones if p.dropped)
        return {"live": sum(p.ws is not None and p.closed is None for p in self.phones),
                "dropped": dict(dropped), "errors": dict(self.errors), "frames": self.frames}

    async def serve(self, pipe: Connection) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                cmd: dict[str, Any] = await loop.run_in_executor(None, pipe.recv)
            except EOFError:
                return  # the benchmark has gone
            op = cmd.pop("op")
            try:
                reply = await getattr(self, f"op_{op}")(**cmd)
                if op != "close":
                    reply.update(self.status())
                reply["ok"] = True
            except Exception as exc:
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            pipe.send(reply)
            if op == "close":
                return


def participant_count(msg: str, last: bool = False) -> int:
    """The participant_count a message says (its first; ``last``: its last, a batch's
    newest), 0 if none."""
    key = '"participant_count":'
    i = msg.rfind(key) if last else msg.find(key)
    if i < 0:
        return 0
    i += len(key)
    j = i
    while j < len(msg) and msg[j].isdigit():
        j += 1
    return int(msg[i:j]) if j > i else 0


async def sleep_until(at: float) -> None:
    delay = at - clock()
    if delay > 0:
        await asyncio.sleep(delay)


def worker_main(pipe: Connection, spec: Spec, index: int) -> None:
    raise_nofile()
    die_with_parent(signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    main = Worker(spec, index).serve(pipe)
    if spec.loop == "uvloop":
        import uvloop  # a bench dependency (pyproject's [bench] extra), not the product's
        uvloop.run(main)
    else:
        asyncio.run(main)


# --- the servers under test ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def proc_status(pid: int, key: str) -> int:
    """A ``kB`` field of /proc/<pid>/status, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise BenchError(f"no {key} for pid {pid}")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


class ServerProcess:
    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind, self.workdir = kind, workdir
        self.port = free_port()
        self.code = ""
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / f"{kind}.log"

    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self.port}/ws"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        if self.kind == "yoriai":
            data = self.workdir / "data"
            made = subprocess.run([str(BIN / "yoriai"), "new", "寄り合い bench", "--data",
                                   str(data)], capture_output=True, text=True, timeout=60,
                                  check=False)
            if made.returncode != 0 or not made.stdout.strip():
                raise BenchError(f"yoriai new failed: {made.stderr.strip()}")
            self.code = made.stdout.strip().splitlines()[-1].strip()
            argv = [str(BIN / "yoriai"), "serve", "--host", HOST, "--port", str(self.port),
                    "--data", str(data), "--no-browser"]
        else:
            argv = [str(BIN / "python"), str(ROOT / "bench" / "bare_relay.py"),
                    "--host", HOST, "--port", str(self.port)]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.workdir,
                                         preexec_fn=child_setup)
        deadline = clock() + 30
        while clock() < deadline:
            self.check()
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.2):
                self.check_loop()
                return
            time.sleep(0.05)
        raise BenchError(f"{self.kind} did not listen on {HOST}:{self.port} within 30 s")

    def check(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise BenchError(f"{self.kind} exited with {self.proc.returncode}: {tail}")

    def check_loop(self) -> None:
        """Both servers are measured on asyncio's own loop (GENERATOR_LOOPS): refuse a
        server process that has loaded uvloop, which is installed beside it for the
        generator (uvicorn's ``loop="auto"`` would take it)."""
        with contextlib.suppress(OSError):
            if "uvloop" in Path(f"/proc/{self.pid}/maps").read_text():
                raise BenchError(f"{self.kind} runs on uvloop; both servers must run on "
                                 "asyncio's loop for the comparison to hold")

    def rss_kb(self) -> int:
        return proc_status(self.pid, "VmRSS")

    def peak_kb(self) -> int:
        return proc_status(self.pid, "VmHWM")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(8)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


# --- one run: one server, N phones --------------------------------------------------------

@dataclass
class Row:
    server: str
    phones: int
    held: int = 0
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    lost: int = 0
    posts_per_s: float = math.nan
    offered_per_s: float = math.nan  # the most the posters may send (rate limit)
    failed_posts: int = 0
    load_p50_ms: float = math.nan
    load_p99_ms: float = math.nan
    load_lost: int = 0
    ack_p50_ms: float = math.nan  # phase 2: from a post's send to its ack
    ack_p99_ms: float = math.nan
    rss_idle_mb: float = math.nan
    rss_loaded_mb: float = math.nan
    rss_after_mb: float = math.nan
    rss_peak_mb: float = math.nan
    kb_per_conn: float = math.nan
    connect_s: float = math.nan
    opened_s: float = math.nan  # of connect_s: until every phone had its own snapshot
    us_per_msg: float = math.nan  # server CPU per delivered message, latency phase
    load_us_per_msg: float = math.nan  # ... and in the throughput phase
    load: str = ""  # /proc/loadavg's 1-minute figure at the start and the end of the run
    # Latency phase: its slowest posts (seconds into the phase, ms), in --json only.
    slowest: list[tuple[float, float]] = field(default_factory=list)
    # Throughput phase: its slowest acks (seconds into the phase, ms to the ack), the same.
    slowest_acks: list[tuple[float, float]] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error: str = ""


class Workers:
    """The generator processes and their pipes; every call is bounded in time."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        ctx = mp.get_context("fork")
        self.pipes: list[Connection] = []
        self.procs: list[Any] = []
        for i in range(spec.workers):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, spec, i), daemon=True,
                               name=f"bench-worker-{i}")
            proc.start()
            child.close()
            self.pipes.append(parent)
            self.procs.append(proc)

    @property
    def pids(self) -> list[int]:
        return [int(p.pid) for p in self.procs]

    def call(self, server: ServerProcess, limit: float, **cmd: Any) -> list[dict[str, Any]]:
        for pipe in self.pipes:
            pipe.send(cmd)
        deadline = clock() + limit
        replies = []
        for i, pipe in enumerate(self.pipes):
            while not pipe.poll(0.25):
                server.check()
                if clock() > deadline:
                    raise BenchError(f"worker {i} did not finish {cmd['op']} in {limit:.0f} s")
            reply: dict[str, Any] = pipe.recv()
            if not reply.get("ok"):
                raise BenchError(f"worker {i}, {cmd['op']}: {reply.get('error')}")
            replies.append(reply)
        return replies

    def stop(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for proc in self.procs:
            proc.join(3)
            if proc.is_alive():
                proc.kill()
                proc.join(3)


class CpuMeter:
    """CPU used over a phase, in % of one core: by the server, by the generator processes,
    by the whole machine (so also by anything else running), and how long the server's
    event-loop thread sat runnable but waiting for a core (``/proc/<pid>/schedstat``)."""

    def __init__(self, server: int, workers: Sequence[int]) -> None:
        self.server, self.workers = server, list(workers)
        self.start = self.sample()

    def us_per(self, messages: int) -> float:
        """Server CPU since the start, per message delivered to a phone, in µs (called once
        every phone has had what it will get: the whole fan-out is counted)."""
        return 1e6 * (cpu_seconds(self.server) - self.start["server"]) / max(messages, 1)

    def sample(self) -> dict[str, float]:
        with open("/proc/stat") as f:
            jiffies = [int(x) for x in f.readline().split()[1:]]
        with open(f"/proc/{self.server}/schedstat") as f:
            wait_ns = int(f.read().split()[1])
        # user nice system idle iowait irq softirq steal: busy = all but idle and iowait
        return {"wall": clock(), "server": cpu_seconds(self.server),
                "generator": sum(cpu_seconds(p) for p in self.workers),
                "machine": (sum(jiffies[:8]) - jiffies[3] - jiffies[4]) / CLK_TCK,
                "steal": jiffies[7] / CLK_TCK, "server_wait": wait_ns / 1e9}

    def percent(self, phase: str) -> dict[str, float]:
        end = self.sample()
        wall = max(end["wall"] - self.start["wall"], 1e-9)
        out = {f"{phase}_{k}": 100 * (end[k] - self.start[k]) / wall
               for k in end if k != "wall"}
        out[f"{phase}_others"] = max(0.0, out[f"{phase}_machine"] - out[f"{phase}_server"]
                                     - out[f"{phase}_generator"])
        return out


class DiskMeter:
    """The longest the disk under a folder held a request without finishing any, over a
    phase: a virtual disk now and then sits on a write or a flush for a quarter of a second,
    and Yoriai shows a post only once its commit is on disk (``synchronous=FULL``), so each
    post sent meanwhile waits for it while the relay, which stores nothing, does not.

    Read from ``/sys/dev/block/M:m/stat`` (in flight; reads, writes and flushes completed)
    every ``DISK_SAMPLE_SECS`` by a thread of the benchmark's own process: it only reads,
    so it adds no I/O of its own. A folder on no block device (tmpfs) reads as nan."""

    def __init__(self, folder: Path) -> None:
        dev = os.stat(folder).st_dev
        self.path = Path(f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}/stat")
        self.longest = 0.0
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        if self.path.exists():
            self._thread = threading.Thread(target=self._watch, name="disk-meter", daemon=True)
            self._thread.start()

    def _read(self) -> tuple[int, int]:
        """(requests in flight, requests completed so far) on the device."""
        f = [int(x) for x in self.path.read_text().split()]
        flushes = f[14] if len(f) > 14 else 0  # kernels since 5.5 count flushes
        return f[8], f[0] + f[4] + flushes

    def _watch(self) -> None:
        since: float | None = None  # when requests were first seen in flight, unanswered
        completed = -1
        while not self._done.wait(DISK_SAMPLE_SECS):
            now = clock()
            in_flight, count = self._read()
            if in_flight and count == completed and since is not None:
                self.longest = max(self.longest, now - since)
            else:
                since = now if in_flight else None
            completed = count

    def stop(self) -> float:
        """Stop watching; the longest stall seen, in ms (nan when there is no disk)."""
        self._done.set()
        if self._thread is None:
            return math.nan
        self._thread.join()
        return 1000 * self.longest


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile; ``inf`` entries (never delivered) sort last."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def merge(replies: Iterable[dict[str, Any]], key: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for r in replies:
        out.update({int(k): v for k, v in r[key].items()})
    return out


def fan_out(sends: dict[int, tuple[float, float, str]], recvs: list[dict[int, Any]],
            phones: int) -> tuple[list[float], int]:
    """Per post: time from its send until the last of ``phones`` had it (ms); lost count."""
    latencies, lost = [], 0
    for mid, (sent, _, _) in sends.items():
        parts = [r[mid] for r in recvs if mid in r]
        if sum(c for c, _ in parts) >= phones:
            latencies.append(1000 * (max(t for _, t in parts) - sent))
        else:
            lost += 1
            latencies.append(math.inf)
    return latencies, lost


def machine_busy(seconds: float = 1.0) -> float:
    """CPU busy on the whole machine over ``seconds``, in % of one core."""
    def busy() -> tuple[float, float]:
        with open("/proc/stat") as f:
            j = [int(x) for x in f.readline().split()[1:]]
        return clock(), (sum(j[:8]) - j[3] - j[4]) / CLK_TCK

    t0, b0 = busy()
    time.sleep(seconds)
    t1, b1 = busy()
    return 100 * (b1 - b0) / (t1 - t0)


def wait_for_quiet(limit: float, patience: float) -> float:
    """Wait (up to ``patience`` s) until the machine is idle enough for a fair run: other
    work on a 2-core machine slows the server and the generator unevenly. Returns the
    last busy figure (% of one core)."""
    deadline = clock() + patience
    busy = machine_busy()
    while busy > limit and clock() < deadline:
        busy = machine_busy(2.0)
    return busy


def latency_phase(server: ServerProcess, workers: Workers, opts: argparse.Namespace,
                  attempt: int, posts: int | None = None) -> dict[str, Any]:
    """``posts`` (``--posts``) posts at ``--rate``/s, round-robin over the phones; time to
    the last. Also returns the raw ``sends`` and latencies (``lat``), to merge blocks."""
    posts = opts.posts if posts is None else posts
    cpu, disk = CpuMeter(server.pid, workers.pids), DiskMeter(server.workdir)
    t0 = clock() + 0.5
    replies = workers.call(server, posts / opts.rate + 30, op="latency", t0=t0,
                           rate=opts.rate, posts=posts, base=attempt * MAX_POSTS)
    sends = merge(replies, "sends")
    collected = workers.call(server, 40, op="collect", mids=list(sends),
                             deadline=clock() + 30)
    recvs = [merge([r], "recv") for r in collected]
    out: dict[str, Any] = dict(cpu.percent("latency"))
    out["latency_disk_stall_ms"] = disk.stop()
    out["latency_us_per_msg"] = cpu.us_per(delivered(recvs))
    lat, lost = fan_out(sends, recvs, workers.spec.phones)
    out.update(p50=percentile(lat, 50), p99=percentile(lat, 99), lost=lost)
    out["slowest"] = slowest(sends, lat)
    out.update(sends=sends, lat=lat)
    return out


def merge_blocks(blocks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The latency blocks of one server (``--interleave``) as one phase: percentiles over
    every post, the lost summed, CPU shares averaged (the blocks are of equal length), the
    longest disk stall."""
    sends: dict[int, tuple[float, float, str]] = {}
    lat: list[float] = []
    for block in blocks:
        sends.update(block["sends"])
        lat.extend(block["lat"])
    out: dict[str, Any] = {}
    for key in blocks[0]:
        if key.startswith("latency_") and key != "latency_disk_stall_ms":
            out[key] = sum(float(b[key]) for b in blocks) / len(blocks)
    stalls = [float(b["latency_disk_stall_ms"]) for b in blocks]
    out["latency_disk_stall_ms"] = max(stalls)  # nan (no disk) if every one is nan
    out.update(p50=percentile(lat, 50), p99=percentile(lat, 99),
               lost=sum(int(b["lost"]) for b in blocks), slowest=slowest(sends, lat))
    return out


def slowest(sends: dict[int, tuple[float, float, str]], lat: Sequence[float],
            n: int = SLOWEST_KEPT) -> list[tuple[float, float]]:
    """The ``n`` slowest posts as (seconds into the phase, ms to the last phone), in the
    order they were sent: a run of neighbours is one stall, scattered ones a shift."""
    if not sends:
        return []
    start = min(s[0] for s in sends.values())
    timed = [(round(s[0] - start, 2), round(x, 1))
             for s, x in zip(sends.values(), lat, strict=True)]
    return sorted(sorted(timed, key=lambda t: t[1])[-n:])


def delivered(recvs: Iterable[dict[int, Any]]) -> int:
    """Notes received, summed over every phone."""
    return sum(int(c) for r in recvs for c, _ in r.values())


def throughput_phase(server: ServerProcess, workers: Workers, opts: argparse.Namespace,
                     attempt: int) -> dict[str, Any]:
    """Closed-loop posters within the rate limit; the rate acks come back at."""
    posters = min(workers.spec.phones, opts.posters)
    cpu, disk = CpuMeter(server.pid, workers.pids), DiskMeter(server.workdir)
    t0 = clock() + 0.5
    replies = workers.call(server, opts.duration + ACK_TIMEOUT + 30, op="throughput", t0=t0,
                           duration=opts.duration, posters=posters, budget=opts.budget,
                           base=THROUGHPUT_BASE * (attempt + 1))
    sends = merge(replies, "sends")
    out: dict[str, Any] = dict(cpu.percent("throughput"))
    out["throughput_disk_stall_ms"] = disk.stop()
    acked = {m: s for m, s in sends.items() if s[2] == "ack"}
    out.update(offered=posters / POST_INTERVAL, failed=len(sends) - len(acked),
               rate=ack_rate([s[1] for s in acked.values()]))
    for outcome, n in Counter(s[2] for s in sends.values() if s[2] != "ack").items():
        out[f"failed {outcome}"] = n
    acks = [1000 * (s[1] - s[0]) for s in acked.values()]
    out.update(ack_p50=percentile(acks, 50), ack_p99=percentile(acks, 99))
    out["slowest_acks"] = slowest(acked, acks)
    recvs = [merge([r], "recv") for r in workers.call(
        server, 40, op="collect", mids=list(acked), deadline=clock() + 30)]
    out["throughput_us_per_msg"] = cpu.us_per(delivered(recvs))
    lat, lost = fan_out(acked, recvs, workers.spec.phones)
    out.update(p50=percentile(lat, 50), p99=percentile(lat, 99), lost=lost)
    return out


def ack_rate(times: Sequence[float]) -> float:
    """Acks per second over the middle 80 % of the acks (by arrival): the sustained rate,
    without the ramp-up of the first posts or the drain after the last."""
    if len(times) < 10:
        return math.nan
    ordered = sorted(times)
    lo, hi = len(ordered) // 10, len(ordered) - 1 - len(ordered) // 10
    return (hi - lo) / max(ordered[hi] - ordered[lo], 1e-9)


def disturbance(got: dict[str, Any], phase: str,
                opts: argparse.Namespace) -> tuple[bool, float, float]:
    """How disturbed a phase was, to compare attempts (smaller is better): whether other
    work took more than --quiet % of a core or the disk stalled over DISK_STALL_MAX_MS,
    then how much other work, then the longest disk stall (nan, no disk: none)."""
    others = float(got[f"{phase}_others"])
    stall = float(got[f"{phase}_disk_stall_ms"])
    stall = 0.0 if math.isnan(stall) else stall
    return others > opts.quiet or stall > DISK_STALL_MAX_MS, others, stall


class Run:
    """One server with N phones, in stages: started and joined, the latency phase, the
    throughput phase, the end. ``run_one`` runs the stages in turn; ``run_pair`` runs two
    servers' latency phases in alternating blocks. A stage that fails notes its error on
    the row; the later ones then do nothing."""

    def __init__(self, kind: str, phones: int, opts: argparse.Namespace, folder: Path) -> None:
        self.row, self.opts = Row(kind, phones), opts
        self.server = ServerProcess(kind, folder)
        self.workers: Workers | None = None
        self.load_before = loadavg()

    def stage(self, fn: Callable[[Workers], None]) -> None:
        if self.row.error:
            return
        try:
            if self.workers is None:
                self.workers = self._start()
            fn(self.workers)
        except BenchError as exc:
            self.row.error = str(exc)[:500]

    def _start(self) -> Workers:
        row, server, phones = self.row, self.server, self.row.phones
        server.start()
        time.sleep(1.0)
        row.rss_idle_mb = server.rss_kb() / 1024
        spec = Spec(row.server, server.url, server.code, phones,
                    min(self.opts.workers, phones), self.opts.generator_loop)
        workers = Workers(spec)
        self.workers = workers
        started = clock()
        workers.call(server, 60 + 0.2 * phones, op="connect")
        row.opened_s = clock() - started
        if row.server == "yoriai":
            workers.call(server, 90, op="settle", timeout=80.0)
        row.connect_s = clock() - started
        time.sleep(1.0)
        row.rss_loaded_mb = server.rss_kb() / 1024
        row.kb_per_conn = (row.rss_loaded_mb - row.rss_idle_mb) * 1024 / phones
        return workers

    def joined(self, workers: Workers) -> None:
        """Nothing more: the phones are connected and joined (``_start``)."""

    def latency(self, workers: Workers) -> None:
        """Phase 1, repeated (up to --attempts) while it was disturbed (other work on the
        machine, a stalled disk); the least disturbed attempt is kept."""
        self.keep_latency(self.least_disturbed("latency", lambda attempt: latency_phase(
            self.server, workers, self.opts, attempt)))

    def least_disturbed(self, phase: str,
                        measure: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
        """``measure`` (attempt) until it is not disturbed, up to --attempts times, waiting
        for a quiet machine before each attempt after the first one of phase 1 (phase 2
        also before its first); the least disturbed attempt."""
        opts = self.opts
        best: dict[str, Any] | None = None
        for attempt in range(opts.attempts):
            if attempt or phase == "throughput":
                wait_for_quiet(opts.quiet, opts.patience)
            got = measure(attempt)
            if best is None or disturbance(got, phase, opts) < disturbance(best, phase, opts):
                best = got
            if not disturbance(got, phase, opts)[0]:
                break
        assert best is not None
        self.row.attempts[phase] = attempt + 1
        return best

    def keep_latency(self, got: dict[str, Any]) -> None:
        row = self.row
        got.pop("sends", None)
        got.pop("lat", None)
        row.lost = int(got.pop("lost"))
        row.p50_ms, row.p99_ms = got.pop("p50"), got.pop("p99")
        row.slowest = got.pop("slowest")
        row.us_per_msg = got.pop("latency_us_per_msg")
        row.cpu.update(got)

    def throughput(self, workers: Workers) -> None:
        """Phase 2, repeated as phase 1 is."""
        row = self.row
        best = self.least_disturbed("throughput", lambda attempt: throughput_phase(
            self.server, workers, self.opts, attempt))
        row.offered_per_s = best.pop("offered")
        row.posts_per_s = best.pop("rate")
        row.failed_posts, row.load_lost = int(best.pop("failed")), int(best.pop("lost"))
        row.ack_p50_ms, row.ack_p99_ms = best.pop("ack_p50"), best.pop("ack_p99")
        row.slowest_acks = best.pop("slowest_acks")
        row.load_p50_ms, row.load_p99_ms = best.pop("p50"), best.pop("p99")
        row.load_us_per_msg = best.pop("throughput_us_per_msg")
        row.errors.update({k[7:]: int(v) for k, v in best.items() if k.startswith("failed ")})
        row.cpu.update({k: v for k, v in best.items() if not k.startswith("failed ")})

    def end(self, workers: Workers) -> None:
        """RSS after the run, then every phone closed: how many were still connected."""
        row, server = self.row, self.server
        time.sleep(0.5)
        row.rss_after_mb = server.rss_kb() / 1024
        row.rss_peak_mb = server.peak_kb() / 1024
        final = workers.call(server, 30, op="close")
        row.held = sum(int(r["live"]) for r in final)
        for r in final:
            for k, v in r["dropped"].items():
                row.dropped[k] = row.dropped.get(k, 0) + int(v)
            for k, v in r["errors"].items():
                row.errors[k] = row.errors.get(k, 0) + int(v)

    def stop(self) -> None:
        if self.workers is not None:
            self.workers.stop()
        self.server.stop()
        self.row.load = f"{self.load_before}-{loadavg()}"


def run_one(kind: str, phones: int, opts: argparse.Namespace) -> Row:
    """1. fan-out latency at a steady, moderate rate; 2. durable throughput; one server."""
    with tempfile.TemporaryDirectory(prefix=f"yoriai-bench-{kind}-") as tmp:
        run = Run(kind, phones, opts, Path(tmp))
        try:
            for stage in (run.joined, run.latency, run.throughput, run.end):
                run.stage(stage)
        finally:
            run.stop()
    return run.row


def run_pair(phones: int, opts: argparse.Namespace) -> list[Row]:
    """Both servers at once, N phones each, their latency phases in ``--interleave``
    alternating blocks (Yoriai first in even blocks, the relay in odd ones): the machine's
    speed drifts over minutes, and sequential phases gave it to one server and not the
    other. A disturbed block is repeated (up to --attempts) and the least disturbed kept.
    Each server's other phases run as in ``run_one``, the other one's phones connected and
    idle."""
    blocks = opts.interleave
    sizes = [opts.posts // blocks + (1 if b < opts.posts % blocks else 0)
             for b in range(blocks)]
    with contextlib.ExitStack() as stack:
        runs = [Run(kind, phones, opts, Path(stack.enter_context(
                    tempfile.TemporaryDirectory(prefix=f"yoriai-bench-{kind}-"))))
                for kind in SERVERS]
        for run in runs:
            stack.callback(run.stop)
        for run in runs:
            run.stage(run.joined)
        got: dict[str, list[dict[str, Any]]] = {run.row.server: [] for run in runs}
        measured = {run.row.server: 0 for run in runs}
        for b, size in enumerate(sizes):
            for run in (runs if b % 2 == 0 else runs[::-1]):
                def block(workers: Workers, run: Run = run, b: int = b, size: int = size) -> None:
                    # A disturbed block is measured again, as a disturbed phase is (its
                    # posts' ids: one range per block and attempt).
                    got[run.row.server].append(run.least_disturbed(
                        "latency", lambda attempt: latency_phase(
                            run.server, workers, opts, b + blocks * attempt, size)))
                    measured[run.row.server] += run.row.attempts["latency"]
                run.stage(block)
        for run in runs:
            if not run.row.error:
                run.row.attempts["latency"] = measured[run.row.server]
                run.keep_latency(merge_blocks(got[run.row.server]))
        for run in runs:
            run.stage(run.throughput)
            run.stage(run.end)
    return [run.row for run in runs]


def report(row: Row) -> None:
    """The rest of a row's progress line."""
    if row.error:
        print(f" FAILED: {row.error}", flush=True)
        return
    print(f" p50 {row.p50_ms:.1f} ms, p99 {row.p99_ms:.1f} ms, "
          f"{row.posts_per_s:.1f} posts/s (ack p50 {row.ack_p50_ms:.0f} ms), "
          f"RSS {row.rss_loaded_mb:.1f}/{row.rss_after_mb:.1f} MB, "
          f"joined in {row.connect_s:.1f} s (every phone its own snapshot after "
          f"{row.opened_s:.1f} s); "
          f"cpu % and disk stall ms {json.dumps(rounded(row.cpu))}"
          + (f", dropped {row.dropped}" if row.dropped else "")
          + (f", errors {row.errors}" if row.errors else ""), flush=True)


def rounded(figures: dict[str, float]) -> dict[str, int | None]:
    """Whole numbers to print; nan (not measured: no disk under tmpfs) as null."""
    return {k: None if math.isnan(v) else round(v) for k, v in figures.items()}


def loadavg() -> str:
    """The machine's 1-minute load average (two cores: above 2 is a queue for a core)."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


# --- the report ---------------------------------------------------------------------------

def fmt(value: float, digits: int = 1) -> str:
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "lost"
    return f"{value:,.{digits}f}"


HEADER = ("server", "phones", "held", "p50 ms", "p99 ms", "posts/s durable",
          "RSS MB", "RSS KB/conn", "ack p99 ms", "CPU srv/gen/other %", "srv wait %",
          "join s")


def table(rows: Sequence[Row]) -> str:
    lines = []
    for r in rows:
        pps = fmt(r.posts_per_s) + ("*" if r.server == "relay" else "")
        if r.posts_per_s >= 0.95 * r.offered_per_s:
            pps += " (cap)"
        cpu = "/".join(fmt(r.cpu.get(f"throughput_{k}", math.nan), 0)
                       for k in ("server", "generator", "others"))
        lines.append((r.server, str(r.phones), f"{r.held}/{r.phones}", fmt(r.p50_ms),
                      fmt(r.p99_ms), pps, fmt(r.rss_after_mb), fmt(r.kb_per_conn),
                      fmt(r.ack_p99_ms, 0), cpu,
                      fmt(r.cpu.get("throughput_server_wait", math.nan), 0),
                      fmt(r.connect_s)))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(HEADER)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
            for line in lines]
    return "\n".join(out)


def find(rows: Sequence[Row], server: str, phones: int) -> Row | None:
    return next((r for r in rows if r.server == server and r.phones == phones), None)


# The targets of issue 12, checked on every run (the machine must be quiet for them to
# mean anything: each row carries the load average it ran under).
P99_RATIO_MAX = 1.0  # Yoriai's p99 post-to-last-phone at most the relay's, same run
JOIN_1000_MAX_S = 2.0
ACK_P99_500_MAX_MS = 300.0  # in the 100-poster phase
RSS_1000_MAX_MB = 100.0


def noise(y: Row, r: Row | None, phase: str) -> str:
    """What disturbed the phase a verdict rests on: other work (steal included) and the
    longest disk stall, Yoriai's run first."""
    def one(row: Row) -> str:
        return (f"{fmt(row.cpu.get(f'{phase}_others', math.nan), 0)} % other work, disk "
                f"stall {fmt(row.cpu.get(f'{phase}_disk_stall_ms', math.nan), 0)} ms")
    return f"[Yoriai {one(y)}" + (f"; relay {one(r)}]" if r is not None else "]")


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def verdicts(rows: Sequence[Row]) -> list[str]:
    out = []
    for n in (500, 1000):
        y, r = find(rows, "yoriai", n), find(rows, "relay", n)
        if y and r and not (y.error or r.error):
            ratio = y.p99_ms / r.p99_ms
            out.append(f"p99 post-to-last-phone at {n:,} phones: Yoriai {y.p99_ms:.1f} / relay "
                       f"{r.p99_ms:.1f} ms = {ratio:.2f}x (target <= {P99_RATIO_MAX:.1f}x): "
                       f"{verdict(ratio <= P99_RATIO_MAX)} {noise(y, r, 'latency')}")
        else:
            out.append(f"p99 ratio at {n:,} phones: not measured (needs both servers at {n})")
    y1k = find(rows, "yoriai", 1000)
    if y1k and not y1k.error:
        out.append(f"join of 1,000 phones: {y1k.connect_s:.1f} s (target <= "
                   f"{JOIN_1000_MAX_S:.0f} s): {verdict(y1k.connect_s <= JOIN_1000_MAX_S)}")
        held = (y1k.held == 1000 and not y1k.lost and not y1k.load_lost
                and not y1k.failed_posts)
        out.append(f"1,000 phones held: {verdict(held)} ({y1k.held}/1000 connected at the end, "
                   f"{y1k.lost + y1k.load_lost} notes not delivered to all, "
                   f"{y1k.failed_posts} posts not acked)")
        peak = max(y1k.rss_loaded_mb, y1k.rss_after_mb)
        out.append(f"RSS at 1,000 phones: {peak:.1f} MB (VmHWM peak {y1k.rss_peak_mb:.1f} MB)"
                   f" (target <= {RSS_1000_MAX_MB:.0f} MB): {verdict(peak <= RSS_1000_MAX_MB)}")
    else:
        out.append("join / RSS at 1,000 phones: not measured (needs yoriai at 1000)"
                   + (f": {y1k.error}" if y1k and y1k.error else ""))
    y500 = find(rows, "yoriai", 500)
    if y500 and not y500.error:
        out.append(f"ack p99 with 100 posters at 500 phones: {y500.ack_p99_ms:.0f} ms (target "
                   f"<= {ACK_P99_500_MAX_MS:.0f} ms): "
                   f"{verdict(y500.ack_p99_ms <= ACK_P99_500_MAX_MS)} "
                   f"{noise(y500, None, 'throughput')}")
    for n in sorted({r.phones for r in rows}):
        y, r = find(rows, "yoriai", n), find(rows, "relay", n)
        if y and r and not (y.error or r.error):
            out.append(f"server CPU per delivered message at {n:,} phones: Yoriai "
                       f"{y.us_per_msg:.1f} / {y.load_us_per_msg:.1f} µs, relay "
                       f"{r.us_per_msg:.1f} / {r.load_us_per_msg:.1f} µs (steady / 100 posters)")
    for r in rows:
        if r.error:
            out.append(f"{r.server} at {r.phones:,} phones stopped: {r.error}")
    return out


MARKDOWN_HEADER = ("| phones | Yoriai p50 / p99 ms | relay p50 / p99 ms | p99 ratio "
                   "| Yoriai join s | relay join s | ack p99 under 100 posters | RSS MB "
                   "| CPU µs/msg Yoriai / relay | load |\n" + "|---" * 10 + "|")


def markdown_rows(rows: Sequence[Row]) -> list[str]:
    """One ready-to-paste row per phone count (issue 12's table, plus RSS, CPU and load)."""
    out = []
    for n in sorted({r.phones for r in rows}):
        y, r = find(rows, "yoriai", n), find(rows, "relay", n)
        if not y or y.error:
            out.append(f"| {n:,} | {'stopped: ' + y.error[:60] if y else '-'} | | | | | | | | |")
            continue
        rel = r if r and not r.error else None
        ratio = f"{y.p99_ms / rel.p99_ms:.2f}×" if rel else "-"
        rp = f"{fmt(rel.p50_ms)} / {fmt(rel.p99_ms)}" if rel else "-"
        rj = fmt(rel.connect_s) if rel else "-"
        ru = fmt(rel.load_us_per_msg) if rel else "-"
        load = y.load + (f", {rel.load}" if rel else "")
        out.append(f"| {n:,} | {fmt(y.p50_ms)} / {fmt(y.p99_ms)} | {rp} | {ratio} | "
                   f"{fmt(y.connect_s)} | {rj} | {fmt(y.ack_p99_ms, 0)} ms | "
                   f"{fmt(y.rss_after_mb)} | {fmt(y.load_us_per_msg)} / {ru} | {load} |")
    return out


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Yoriai vs a bare relay: fan-out latency, "
                                "durable posts/s and RSS (loopback only).")
    p.add_argument("--phones", default="50,200,500,1000",
                   help="comma-separated phone counts (default: %(default)s)")
    p.add_argument("--servers", default="yoriai,relay", help="yoriai and/or relay")
    p.add_argument("--posts", type=int, default=200,
                   help="notes in the latency phase, per run (default: %(default)s)")
    p.add_argument("--rate", type=float, default=10.0,
                   help="latency phase: posts per second, room-wide (default: %(default)s)")
    p.add_argument("--posters", type=int, default=100,
                   help="throughput phase: phones posting at once (default: %(default)s)")
    p.add_argument("--duration", type=float, default=10.0,
                   help="throughput phase: at most this many seconds of posting "
                        "(default: %(default)s)")
    p.add_argument("--workers", type=int, default=2,
                   help="load-generator processes (default: %(default)s)")
    p.add_argument("--generator-loop", choices=GENERATOR_LOOPS, default=GENERATOR_LOOPS[0],
                   help="the load generator's event loop; the servers always run on "
                        "asyncio's own (default: %(default)s)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 50 and 200 phones, 30 posts, 3 s of throughput")
    p.add_argument("--quiet", type=float, default=25.0,
                   help="before each run, wait until other work uses under this %% of one "
                        "core (default: %(default)s)")
    p.add_argument("--patience", type=float, default=120.0,
                   help="...but no longer than this many seconds (default: %(default)s)")
    p.add_argument("--attempts", type=int, default=3,
                   help="repeat a phase (up to this many times) while other work used more "
                        "than --quiet %% of a core during it, or the disk stalled over "
                        f"{DISK_STALL_MAX_MS:.0f} ms (default: %(default)s)")
    p.add_argument("--interleave", type=int, default=0, metavar="BLOCKS",
                   help="run both servers at once and their latency phases in this many "
                        "alternating blocks, so that a drift of the machine's speed falls "
                        "on both (default: one after the other)")
    p.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = p.parse_args(argv)
    if args.quick:
        args.phones, args.posts, args.duration = "50,200", 30, 3.0
    try:
        args.phone_counts = [int(x) for x in args.phones.split(",") if x.strip()]
    except ValueError:
        p.error("--phones takes numbers, e.g. 50,200")
    args.server_list = [s.strip() for s in args.servers.split(",") if s.strip()]
    if not set(args.server_list) <= set(SERVERS) or not args.server_list:
        p.error(f"--servers takes {' and/or '.join(SERVERS)}")
    if min(args.phone_counts, default=0) < 1 or args.posts < 1 or args.rate <= 0 \
            or args.posters < 1 or args.duration <= 0 or args.workers < 1:
        p.error("counts, rates and durations must be positive")
    if max(args.phone_counts) > MAX_PHONES or args.posts > MAX_POSTS or args.attempts < 1:
        p.error(f"at most {MAX_PHONES} phones, {MAX_POSTS} posts; at least 1 attempt")
    if args.interleave and (args.interleave < 0 or args.interleave > args.posts
                            or set(args.server_list) != set(SERVERS)):
        p.error("--interleave takes 1 to --posts blocks, and both servers")
    if args.duration / POST_INTERVAL + 2 > PER_POSTER:
        p.error("--duration is too long")
    # Every note stays on the board: a run must not reach the workshop's note ceiling,
    # after which posts are refused (too_many). Each attempt of phase 2 gets an equal share
    # of what phase 1 leaves.
    room = limits.NOTES_MAX - args.attempts * args.posts - 10
    args.budget = min(1000, room // args.attempts)
    if args.budget < min(args.posters, min(args.phone_counts)):
        p.error(f"--posts x --attempts leaves too few of the {limits.NOTES_MAX} notes a "
                "workshop may hold for the throughput phase")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not (BIN / "yoriai").exists():
        print(f"{BIN / 'yoriai'} is missing: run `make` (or pip install -e .) first",
              file=sys.stderr)
        return 2
    raise_nofile()
    # SIGTERM (and SIGINT, even when started in the background) unwind through the
    # ``finally`` blocks that stop the servers and the generator processes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(f"Yoriai broadcast benchmark on {os.cpu_count()} cores, loopback {HOST}; "
          f"{args.posts} posts at {args.rate:g}/s, then {args.duration:g} s of "
          f"up to {args.posters} posters at {1 / POST_INTERVAL:.2f}/s each "
          f"(at most {args.budget} posts); "
          f"{args.workers} generator processes.", flush=True)
    rows: list[Row] = []
    for phones in args.phone_counts:
        if args.interleave:
            busy = wait_for_quiet(args.quiet, args.patience)
            print(f"  both   {phones:5} phones each, latency in {args.interleave} alternating "
                  f"blocks (machine {busy:.0f}% busy before) ...", flush=True)
            for row in run_pair(phones, args):
                rows.append(row)
                print(f"  {row.server:6} {phones:5} phones ...", end="")
                report(row)
            continue
        for kind in args.server_list:
            busy = wait_for_quiet(args.quiet, args.patience)
            print(f"  {kind:6} {phones:5} phones (machine {busy:.0f}% busy before) ...",
                  end="", flush=True)
            row = run_one(kind, phones, args)
            rows.append(row)
            report(row)
    print()
    print(table(rows))
    print("\n* the relay stores nothing: its posts/s is the rate senders get their own message"
          " back. (cap) = at the rate-limit ceiling of the posters, not the server's limit."
          "\np50/p99 = post to the LAST phone, at a steady rate; RSS = after the run;"
          " KB/conn = (RSS connected - RSS idle) / phones."
          "\nThroughput phase: ack p99 = post to its ack; CPU srv/gen/other = CPU used by the"
          " server, by all generator processes and by anything else on the machine, in % of"
          f" one core ({os.cpu_count()} cores = {100 * (os.cpu_count() or 1)} %);"
          " srv wait = time the server was runnable but waiting for a core."
          "\njoin s = time to connect every phone (Yoriai: hello + join + snapshot, and until"
          " every phone has heard of every join).")
    for line in verdicts(rows):
        print(line)
    print("\nReady to paste (bench/README.md; load = 1-minute load average before-after each"
          " run, 2 cores):\n")
    print(MARKDOWN_HEADER)
    for line in markdown_rows(rows):
        print(line)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1, default=str))
    return 1 if any(r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
