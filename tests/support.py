"""Test helpers shared by the layers: a real uvicorn in a thread on a free loopback port,
a real WebSocket client that keeps a board the way the browser does, and a way to create
workshops through the same path as ``yoriai new``."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.board import ClientView
from yoriai.server.app import create_app
from yoriai.server.context import DB_FILE, AppContext, Settings
from yoriai.server.hub import Hub
from yoriai.server.runner import listening_socket, uvicorn_server
from yoriai.server.store import EventStore

# How long a test waits for an answer, a message or a state before it calls it a hang. A
# hang guard, never a timing target (bench/ measures speed): a 2-core machine running two
# browsers and another suite beside this one can take seconds to answer, and a guard that
# trips then fails a test that is right. A passing test never waits this long.
HANG = 30.0


def free_port() -> int:
    """A port that was free a moment ago, for a server in another process (which binds it
    itself, so it may be taken in between: see ServerProcess, which tries another). A
    server in this process binds port 0 instead and keeps the socket (LiveServer)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers_as_ours(base: str, data_dir: Path) -> bool:
    """Whether the server answering at ``base`` is the one serving ``data_dir`` (with its
    facilitator key), not another that took a port chosen with :func:`free_port` first
    (another suite's server answers /healthz and every public page just the same). Only the
    server that holds the key takes it from ``/?key=`` and sets it as its cookie."""
    key_file = data_dir / "facilitator.key"
    if not key_file.exists():
        return False
    answer = httpx.get(f"{base}/", params={"key": key_file.read_text().strip()},
                       follow_redirects=False, timeout=HANG)
    return answer.status_code == 303 and "yoriai_key" in answer.cookies


class LiveServer:
    """The real app under the real uvicorn, in its own thread and event loop."""

    def __init__(self, data_dir: Path, **settings: Any) -> None:
        self.data_dir = data_dir
        # Bound now, on a port the system chooses, and handed to uvicorn as it is: choosing a
        # free port and binding it later would race every other process on the machine.
        self.sock = listening_socket("127.0.0.1", 0)
        self.port = int(self.sock.getsockname()[1])
        # ``settings``: more of the server's Settings (say ``wifi``, as `--wifi` gives it).
        self.app = create_app(Settings(data_dir=data_dir, host="127.0.0.1", port=self.port,
                                       **settings))
        self.ctx: AppContext = self.app.state.ctx
        self.server = uvicorn_server(self.app, log_level="error")
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.sock]))

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + HANG
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=HANG)
        self.sock.close()

    async def in_writer(self, fn: Callable[[sqlite3.Connection], object]) -> None:
        """Run ``fn`` on the server's own writer connection, in its writer's order, from a
        test's loop (the store lives on the server's): failure injection at the SQLite
        boundary — a TEMP trigger, a page limit — that only the server's writes meet."""
        store = self.ctx.store
        loop = store.loop
        assert loop is not None

        async def run() -> None:
            await store.in_writer(fn)

        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), loop))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def key(self) -> str:
        return self.ctx.secrets.facilitator_key

    def new_workshop(self, title: str = "テストのワークショップ", center: str = "西部") -> str:
        return create_workshop(self.data_dir, title, center)


def map_image(width: int = 1200, height: int = 800, fmt: str = "JPEG") -> bytes:
    """A district map to upload in tests: pale ground, a grid of streets, a river, and a
    red square (the community centre) a third of the way in from the top left."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (238, 234, 222))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, max(1, width // 8)):
        draw.line([(x, 0), (x, height)], fill=(255, 255, 255), width=max(1, width // 100))
    for y in range(0, height, max(1, height // 6)):
        draw.line([(0, y), (width, y)], fill=(255, 255, 255), width=max(1, width // 100))
    draw.line([(0, height * 3 // 4), (width, height // 2)], fill=(120, 170, 220),
              width=max(1, width // 40))
    side = max(2, width // 20)
    x, y = width // 3, height // 3
    draw.rectangle([x, y, x + side, y + side], fill=(200, 30, 30))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def upload_map(server: LiveServer, code: str, body: bytes, *, title: str | None = None,
               page: int | str | None = None,
               headers: dict[str, str] | None = None) -> httpx.Response:
    """Upload ``body`` (an image or a PDF) as the workshop's map, as the facilitator's
    console does (``POST /w/{code}/map`` with the key cookie); returns the reply, whose JSON
    is ``{"hash", "width", "height", "seq"}`` or a refusal's ``{"error": {...}}``. The
    map's event is queued to every board before the answer is sent (a client still waits
    for it to arrive, as for any event)."""
    params: dict[str, str] = {}
    if title is not None:
        params["title"] = title
    if page is not None:
        params["page"] = str(page)
    with httpx.Client(base_url=server.base, timeout=HANG,
                      cookies={"yoriai_key": server.key}) as http:
        return http.post(f"/w/{code}/map", content=body, params=params,
                         headers={"content-type": "application/octet-stream",
                                  "accept": "application/json", **(headers or {})})


def create_workshop(data_dir: Path, title: str, center: str = "") -> str:
    """A workshop made the way ``yoriai new`` makes one: straight into the store."""

    async def make() -> str:
        store = EventStore(data_dir / DB_FILE)
        await store.open()
        try:
            return await Hub(store, time.time).create_workshop(title, center)
        finally:
            await store.close()

    return asyncio.run(make()) if not _in_loop() else _run_in_thread(make)


def _in_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_in_thread(factory: Any) -> Any:
    """Run a coroutine on a loop of its own (the caller's loop is busy), passing its result
    or its exception back."""
    box: list[Any] = []

    def run() -> None:
        try:
            box.append((True, asyncio.run(factory())))
        except BaseException as exc:
            box.append((False, exc))

    t = threading.Thread(target=run)
    t.start()
    t.join()
    ok, value = box[0]
    if not ok:
        raise value
    return value


_ids = itertools.count(1)


class Board:
    """What a client knows, kept as the browser keeps it (see tests/board.py)."""

    def __init__(self) -> None:
        self.seq = 0
        self.epoch: str | None = None
        self.role: str | None = None
        self.participant_id: str | None = None
        self.server_now = 0.0
        self.view = ClientView()

    @property
    def notes(self) -> dict[str, dict[str, Any]]:
        return self.view.items["notes"]

    @property
    def workshop(self) -> dict[str, Any]:
        return self.view.workshop or {}

    @property
    def participant_count(self) -> int:
        return int(self.workshop.get("participant_count", 0))

    def items(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.view.items[kind]

    @property
    def me(self) -> dict[str, Any] | None:
        return self.view.me

    @property
    def tallies(self) -> dict[str, int]:
        return self.view.tallies

    def mine(self, note_id: str) -> bool:
        return self.me is not None and note_id in self.me["notes"]

    def on(self, msg: dict[str, Any]) -> None:
        t = msg["type"]
        if t == "welcome":
            self.epoch, self.role = msg["epoch"], msg["role"]
            self.participant_id = msg["participant_id"]
            self.server_now = msg["now"]
        elif t == "snapshot":
            self.seq = msg["seq"]
            self.view.load(msg["state"])
        elif t == "synced":
            self.seq = max(self.seq, msg["seq"])
        elif t == "event":
            if msg["seq"] <= self.seq:
                return
            self.seq = msg["seq"]
            self.view.patch(msg["data"])

    def __repr__(self) -> str:
        return f"Board(seq={self.seq}, role={self.role}, notes={list(self.notes.values())})"


def unpack(raw: str | bytes) -> list[dict[str, Any]]:
    """The messages of one frame, in order: a batch's items, or the one message it is
    (docs/protocol.md §6)."""
    msg: dict[str, Any] = json.loads(raw)
    if msg.get("type") == "batch":
        items: list[dict[str, Any]] = msg["items"]
        return items
    return [msg]


class Client:
    """A real WebSocket client speaking the protocol, recording everything it receives."""

    # Every client made in a test, so that teardown can close what a failed test left open.
    opened: ClassVar[list[Client]] = []

    def __init__(self, server: LiveServer, code: str, *, token: str | None = None,
                 key: str | None = None, origin: str | None = None) -> None:
        self.server, self.code, self.token, self.key, self.origin = server, code, token, key, origin
        self.board = Board()
        self.received: list[dict[str, Any]] = []
        self.ws: ClientConnection | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop its socket lives on
        self._waiters: list[tuple[Any, asyncio.Future[dict[str, Any]]]] = []
        self._reader: asyncio.Task[None] | None = None
        self.frames = 0  # WebSocket frames received (a batch is one)
        self.frame_of: list[int] = []  # for each message received, its frame's number

    async def connect(self, resume: bool = False) -> Client:
        headers = {"Origin": self.origin} if self.origin else None
        self.ws = await connect(self.server.ws_url, additional_headers=headers,
                                compression=None, max_size=2**22)
        self._reader = asyncio.create_task(self._read())
        self.loop = asyncio.get_running_loop()
        Client.opened.append(self)
        hello: dict[str, Any] = {"type": "hello", "workshop": self.code}
        if self.token:
            hello["token"] = self.token
        if self.key:
            hello["key"] = self.key
        if resume:
            hello.update(epoch=self.board.epoch, last_seq=self.board.seq)
        synced = self.waiter(lambda m: m["type"] in ("snapshot", "synced"))
        await self.send(hello)
        await asyncio.wait_for(synced, HANG)
        return self

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                self.frames += 1
                for msg in unpack(raw):
                    self.received.append(msg)
                    self.frame_of.append(self.frames)
                    self.board.on(msg)
                    for match, fut in list(self._waiters):
                        if not fut.done() and match(msg):
                            fut.set_result(msg)
                            self._waiters.remove((match, fut))
        except Exception:
            pass

    def waiter(self, match: Any) -> asyncio.Future[dict[str, Any]]:
        """A future for the next message matching ``match``; register before sending."""
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append((match, fut))
        return fut

    async def send(self, msg: dict[str, Any] | str) -> None:
        assert self.ws is not None
        await self.ws.send(msg if isinstance(msg, str) else json.dumps(msg))

    async def cmd(self, name: str, /, command_id: str | None = None,
                  **args: Any) -> dict[str, Any]:
        """Send a command and return its ack or error."""
        cid = command_id or f"t{next(_ids)}-{uuid.uuid4().hex[:16]}"
        reply = self.waiter(lambda m: m["type"] in ("ack", "error") and m.get("id") == cid)
        await self.send({"type": "cmd", "id": cid, "name": name, "args": args})
        return await asyncio.wait_for(reply, HANG)

    async def cmd_patiently(self, name: str, /, **args: Any) -> dict[str, Any]:
        """As the phone does when told to slow down: wait a moment and send again."""
        while True:
            reply = await self.cmd(name, **args)
            if reply.get("code") != "slow_down":
                return reply
            await asyncio.sleep(0.25)

    async def join(self, name: str = "佐藤", attribute: str = "住民",
                   show_name: bool = False) -> dict[str, Any]:
        snap = self.waiter(lambda m: m["type"] == "snapshot")
        reply = await self.cmd("join", name=name, attribute=attribute, show_name=show_name)
        assert reply["type"] == "ack", reply
        self.token = reply["result"]["token"]
        await asyncio.wait_for(snap, HANG)
        return reply

    async def wait_for(self, predicate: Any, timeout: float = HANG) -> None:
        """Until ``predicate(board)`` holds. A predicate that looks up what has not arrived
        yet (a KeyError, say: ``b.notes[n]["hidden"]`` before the note) means "not yet",
        never a failure: which of two messages comes first is the machine's business (a CI
        run failed on ``items("proposals")[t]`` read before the proposal had come)."""
        deadline = time.monotonic() + timeout
        while not self._holds(predicate):
            if time.monotonic() > deadline:
                predicate(self.board)  # what it raises now, if anything, says why
                raise AssertionError(f"board never matched; it is {self.board}")
            await asyncio.sleep(0.01)

    def _holds(self, predicate: Any) -> bool:
        try:
            return bool(predicate(self.board))
        except (KeyError, IndexError, TypeError):
            return False

    async def close(self) -> None:
        if self in Client.opened:  # closed: nothing for a later teardown to close
            Client.opened.remove(self)
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await self._reader
