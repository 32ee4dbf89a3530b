"""One socket's outbox and sender (yoriai/server/connection.py): what waits goes out in one
frame (a batch, docs/protocol.md §3) holding exactly the messages that would have gone one
by one, in order; a batch has a size limit; a phone that stops reading is dropped without
slowing the room."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import MutableMapping
from typing import Any

import pytest
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode
from websockets.protocol import Protocol, Side

from tests.support import HANG, Client, LiveServer, unpack
from yoriai.server import connection as connection_module
from yoriai.server import limits
from yoriai.server.connection import Connection, batch_frame, text_frame


def test_one_message_goes_as_itself_and_several_as_a_batch_of_the_same_strings() -> None:
    one = '{"type":"pong","now":1.5}'
    assert batch_frame([one]) == one
    items = ['{"type":"event","seq":3,"data":{"workshop":{"participant_count":2}}}',
             '{"type":"ack","id":"c-1","seq":3,"result":{}}', '{"type":"synced","seq":3}']
    frame = batch_frame(items)
    assert json.loads(frame) == {"type": "batch", "items": [json.loads(i) for i in items]}
    assert unpack(frame) == [json.loads(i) for i in items]


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_a_frame_built_by_hand_is_the_frame_websockets_would_send(size: int) -> None:
    for text in ("a" * size, ("寄" * size)[: max(0, size // 3)]):
        assert text_frame(text) == Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
        # ...and it reads back as the text, whole.
        parser = Protocol(Side.CLIENT)
        parser.receive_data(text_frame(text))
        [event] = parser.events_received()
        assert isinstance(event, Frame) and bytes(event.data).decode() == text and event.fin


async def test_the_welcome_and_the_snapshot_come_in_one_frame(live: LiveServer) -> None:
    code = live.new_workshop()
    async with connect(live.ws_url, compression=None) as ws:
        await ws.send(json.dumps({"type": "hello", "workshop": code}))
        first = json.loads(await asyncio.wait_for(ws.recv(), HANG))
        assert first["type"] == "batch"
        assert [m["type"] for m in first["items"]] == ["welcome", "snapshot"]


async def first_snapshot(live: LiveServer, code: str) -> dict[str, Any]:
    async with connect(live.ws_url, compression=None) as ws:
        await ws.send(json.dumps({"type": "hello", "workshop": code}))
        first = json.loads(await asyncio.wait_for(ws.recv(), HANG))
        snap: dict[str, Any] = first["items"][1]
        assert snap["type"] == "snapshot"
        return snap


async def test_phones_not_joined_yet_are_sent_the_board_as_it_is_at_their_hello(
        live: LiveServer) -> None:
    """The public board's snapshot is built once per seq for everyone who is no one yet
    (hub.Room.public_snapshot): each such phone still gets the board as of its hello."""
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    proxy = (await fac.cmd("add_proxy", name="紙", attribute="住民"))["result"]["participant_id"]
    one, two = await first_snapshot(live, code), await first_snapshot(live, code)
    assert one == two and one["state"]["notes"] == []
    assert one["state"]["participants"] == []  # the staff's to see, not a stranger's
    posted = await fac.cmd("post_note", proxy_for=proxy, kind="wish", text="あとから")
    after = await first_snapshot(live, code)
    assert after["seq"] == posted["seq"] > one["seq"]
    assert [n["text"] for n in after["state"]["notes"]] == ["あとから"]
    # The facilitator is not sent the public board: the people are theirs to see.
    staff = await Client(live, code, key=live.key).connect()
    assert [p["name"] for p in staff.board.items("participants").values()] == ["紙"]
    await staff.close()
    await fac.close()


async def test_a_resume_is_one_batch_of_exactly_the_messages_a_live_phone_got(
        live: LiveServer) -> None:
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    live_phone = await Client(live, code).connect()
    await live_phone.join("ずっといる人")
    away = await Client(live, code).connect()
    await away.join("戻る人")
    await away.close()
    # While it is away, a little happens; the phone that stayed gets it message by message.
    for i in range(6):
        assert (await fac.cmd("create_theme", title=f"テーマ{i}"))["type"] == "ack"
    poster = await Client(live, code).connect()
    await poster.join("書く人")
    await live_phone.wait_for(lambda b: b.participant_count == 3)
    note = await poster.cmd("post_note", kind="wish", text="戻ったら見える")
    await live_phone.wait_for(lambda b: note["result"]["note_id"] in b.notes)
    missed = [m for m in live_phone.received
              if m["type"] == "event" and m["seq"] > away.board.seq]
    assert len(missed) >= 7  # the themes, the note, and the head count of the poster's join

    frames_before = away.frames
    await away.connect(resume=True)
    # Everything it missed came in one frame (the sender woke once for all of it), with
    # the welcome first and synced last…
    assert away.frames == frames_before + 1
    batch = away.received[-(len(missed) + 2):]
    assert [m["type"] for m in batch] == ["welcome", *["event"] * len(missed), "synced"]
    # …and the events are exactly those the other phone was sent one by one (both are
    # plain participants: the same audience).
    assert batch[1:-1] == missed
    assert away.board.view.as_state() == live_phone.board.view.as_state() | {
        "me": away.board.me}


async def test_a_long_backlog_is_cut_into_frames_of_at_most_batch_max_chars(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "BATCH_MAX_CHARS", 600)
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    away = await Client(live, code).connect()
    await away.join("戻る人")
    await away.close()
    for i in range(12):
        assert (await fac.cmd("create_theme", title=f"テーマ{i}"))["type"] == "ack"
    sizes: list[int] = []
    async with connect(live.ws_url, compression=None) as ws:
        await ws.send(json.dumps({"type": "hello", "workshop": code, "token": away.token,
                                  "epoch": away.board.epoch, "last_seq": away.board.seq}))
        got: list[dict[str, Any]] = []
        while not got or got[-1]["type"] != "synced":
            raw = await asyncio.wait_for(ws.recv(), HANG)
            sizes.append(len(raw))
            got += unpack(raw)
    assert [m["type"] for m in got] == ["welcome", *["event"] * 12, "synced"]
    assert [m["seq"] for m in got[1:-1]] == sorted(m["seq"] for m in got[1:-1])
    assert len(sizes) > 1 and max(sizes) <= 600 + len('{"type":"batch","items":[]}')


async def test_a_phone_that_stops_reading_is_dropped_and_the_room_goes_on(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "OUTBOX_MAX_MESSAGES", 8)
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    good = await Client(live, code).connect()
    # A phone whose radio went quiet: a tiny receive buffer, and it never reads.
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", live.port))
    sleeper = await connect(live.ws_url, sock=raw, max_queue=1, compression=None)
    await sleeper.send(f'{{"type": "hello", "workshop": "{code}"}}')

    proxy = (await fac.cmd("add_proxy", name="紙", attribute="住民"))["result"]["participant_id"]
    for i in range(250):
        await fac.cmd_patiently("post_note", proxy_for=proxy, kind="wish",
                                text=f"{i}番目の長めの付箋です。" + "あ" * 120)
    room = live.ctx.hub.rooms[code]
    await good.wait_for(lambda b: len(b.notes) == 250)
    # Each delete re-sends every note's view (~150 KB): enough of them fill the kernel's
    # buffers (up to 4 MB on loopback), then the outbox, then the phone is let go.
    for _ in range(80):
        # The room never waits for the sleeper: the good phone sees each delete (within the
        # hang guard) while the sleeper reads nothing. A time limit here would be a timing
        # assertion that a loaded machine fails.
        theme = (await fac.cmd_patiently("create_theme", title="仮"))["result"]["theme_id"]
        await fac.cmd_patiently("delete_theme", theme_id=theme)
        await good.wait_for(lambda b, gone=theme: gone not in b.items("themes"))
        if len(room.subscribers) == 2:
            break
    sizes = [len(str(m)) for m in good.received[-3:]]
    assert len(room.subscribers) == 2, ("the sleeping phone was never dropped", sizes)
    # Its TCP connection is aborted (reset), not left to close politely behind megabytes
    # it will never read: the sleeper's own socket sees the reset without reading a byte.
    await wait_for_tcp_state(raw, TCP_CLOSE)
    await sleeper.close()


# Linux's TCP states (include/net/tcp_states.h), the first byte of TCP_INFO.
TCP_ESTABLISHED, TCP_CLOSE = 1, 7


async def wait_for_tcp_state(sock: socket.socket, state: int) -> None:
    if not hasattr(socket, "TCP_INFO"):
        pytest.skip("TCP_INFO is Linux's")
    deadline = asyncio.get_running_loop().time() + HANG
    while sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] != state:
        assert asyncio.get_running_loop().time() < deadline, "the connection was never reset"
        await asyncio.sleep(0.02)


def server_tasks(live: LiveServer) -> int:
    """The asyncio tasks alive on the server's own loop (it runs in its own thread)."""
    loop = live.ctx.store.loop
    assert loop is not None

    async def count() -> int:
        return len(asyncio.all_tasks())

    return asyncio.run_coroutine_threadsafe(count(), loop).result(HANG)


async def test_an_idle_phone_holds_one_task_and_no_sender(live: LiveServer) -> None:
    """What a room's memory grows by is what each waiting phone holds: under our uvicorn
    protocol a phone that is written to directly starts no sender task and races no second
    task against its read — its connection's own ASGI task is all."""
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    before = server_tasks(live)
    phones = [await Client(live, code).connect() for _ in range(12)]
    for i, phone in enumerate(phones):
        await phone.join(f"住民{i}")
    note = await phones[0].cmd("post_note", kind="wish", text="みんなに届く")
    for phone in phones:
        await phone.wait_for(lambda b: note["result"]["note_id"] in b.notes)
    room = live.ctx.hub.rooms[code]
    assert len(room.subscribers) == 13  # the facilitator's socket too
    assert all(isinstance(sub, Connection) and sub.sender is None for sub in room.subscribers)
    assert server_tasks(live) - before == len(phones)
    for phone in phones:
        await phone.close()
    await fac.close()


async def test_under_a_server_without_our_transport_the_sender_writes_and_a_drop_ends_the_read(
        ) -> None:
    """A server that offers no ``yoriai.transport`` (here a bare ASGI exchange of queues, as
    any ASGI server gives): every frame goes through the sender task, and a connection
    dropped on our side ends its own read (the read races the end) with the drop's code,
    though the peer says nothing."""
    to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "websocket", "path": "/ws", "headers": [], "query_string": b"",
             "extensions": {}}

    async def send(message: MutableMapping[str, Any]) -> None:
        await from_app.put(dict(message))

    ws = WebSocket(scope, to_app.get, send)
    await to_app.put({"type": "websocket.connect"})
    await ws.accept()
    assert (await from_app.get())["type"] == "websocket.accept"

    conn = Connection(ws, 0.0)
    assert conn.sender is not None  # no direct write: the sender is there from the start
    conn.deliver({"type": "hi"})
    assert await asyncio.wait_for(from_app.get(), HANG) == {
        "type": "websocket.send", "text": '{"type":"hi"}'}
    await to_app.put({"type": "websocket.receive", "text": "one"})
    assert (await asyncio.wait_for(conn.receive(), HANG))["text"] == "one"
    conn.deliver({"type": "bye"})
    conn.drop(4321, "enough")
    # The peer never speaks again, and the read still ends.
    assert await asyncio.wait_for(conn.receive(), HANG) == {
        "type": "websocket.disconnect", "code": 4321}
    assert await from_app.get() == {"type": "websocket.send", "text": '{"type":"bye"}'}
    assert await from_app.get() == {"type": "websocket.close", "code": 4321,
                                    "reason": "enough"}
    await conn.finish()


async def test_a_busy_rooms_fan_out_is_written_at_the_flushers_pace(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """What is queued is written at once when the flusher has not run for FLUSH_PACE_SECS,
    else FLUSH_PACE_SECS after its last run (here an hour: nothing is written by a timer
    in this test); what a phone is sent for itself (its welcome and snapshot, its ack) is
    pushed past the pace."""
    code = live.new_workshop()
    phone = await Client(live, code).connect()  # the flusher's first run: at once
    room = live.ctx.hub.rooms[code]
    [conn] = [sub for sub in room.subscribers if isinstance(sub, Connection)]
    monkeypatch.setattr(connection_module, "FLUSH_PACE_SECS", 3600.0)
    loop = live.ctx.store.loop
    assert loop is not None

    async def queue_twice() -> tuple[int, int]:
        # Queued (not pushed) on the server's loop, as a busy room's fan-out is.
        conn._flusher.last_run = loop.time()  # the flusher has just run
        conn.deliver({"type": "heartbeat", "now": 1.0})
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return conn.waiting, len(conn._flusher.due)

    waiting, due = asyncio.run_coroutine_threadsafe(queue_twice(), loop).result(HANG)
    assert (waiting, due) == (1, 1)  # held for the pace
    # A refusal of what it sent is pushed at once, and takes what waits along in its frame.
    refused = await phone.cmd("post_note", kind="wish", text="")
    assert refused["type"] == "error"
    assert any(m["type"] == "heartbeat" and m["now"] == 1.0 for m in phone.received)
    # So are its own command's event and ack, and the participant's own snapshot after it.
    joined = await phone.join("急ぐ人")
    assert joined["type"] == "ack"


async def test_phones_queued_the_same_messages_are_written_one_batch_frame_built_once(
        live: LiveServer) -> None:
    """In a busy room the phones of one audience have the same messages queued (the same
    str objects, encoded once by the hub): a flusher pass builds their batch frame once
    and writes those bytes to each; a phone whose queue differs gets its own frame. Each
    phone reads exactly its messages, in order."""
    code = live.new_workshop()
    phones = [await Client(live, code).connect() for _ in range(3)]
    room = live.ctx.hub.rooms[code]
    conns = [sub for sub in room.subscribers if isinstance(sub, Connection)]
    assert len(conns) == 3
    loop = live.ctx.store.loop
    assert loop is not None
    shared = ['{"type":"heartbeat","now":11.0}', '{"type":"heartbeat","now":12.0}']
    own = '{"type":"heartbeat","now":13.0}'

    def one_pass() -> dict[int, list[bytes]]:
        # On the server's loop, in one go (no other pass in between): queue, then write.
        written: dict[int, list[bytes]] = {i: [] for i in range(len(conns))}
        originals = [conn._write_frame for conn in conns]
        for i, (conn, original) in enumerate(zip(conns, originals, strict=True)):
            assert original is not None

            def write(data: bytes, original: Any = original, i: int = i) -> bool:
                written[i].append(data)
                return bool(original(data))

            conn._write_frame = write
        for i, conn in enumerate(conns):
            for text in shared:
                conn.deliver_text(text)
            if i == 2:
                conn.deliver_text(own)
        try:
            conns[0]._flusher.run()
        finally:
            for conn, original in zip(conns, originals, strict=True):
                conn._write_frame = original
        return written

    async def on_loop() -> dict[int, list[bytes]]:
        return one_pass()

    written = asyncio.run_coroutine_threadsafe(on_loop(), loop).result(HANG)
    assert [len(frames) for frames in written.values()] == [1, 1, 1]  # one frame each
    assert written[0][0] is written[1][0]  # built once, written twice
    assert written[2][0] != written[0][0]
    # Which phone is the third connection is the server's business: one of them.
    for phone in phones:
        await asyncio.wait_for(_until(lambda p=phone: json.loads(shared[-1]) in p.received
                                      or json.loads(own) in p.received), HANG)
    got_own = [json.loads(own) in phone.received for phone in phones]
    assert got_own.count(True) == 1
    for phone, has_own in zip(phones, got_own, strict=True):
        expected = [json.loads(t) for t in shared + ([own] if has_own else [])]
        assert phone.received[-len(expected):] == expected
        assert phone.frame_of[-1] == phone.frame_of[-len(expected)]  # in one frame
    for phone in phones:
        await phone.close()


async def _until(done: Any) -> None:
    while not done():
        await asyncio.sleep(0.01)
