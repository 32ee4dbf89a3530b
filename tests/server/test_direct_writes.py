"""A ready-made frame is written straight to a phone's transport (the fan-out's way,
``runner.GuardedWebSocketProtocol.write_frame``) only while the socket takes one. The
protocol keeps that as one flag rather than checking five things per frame; here, at every
step of a socket's life and whoever ends it (the phone's close, a bad frame from it, the
app's close, an abort, a lost connection, unanswered pings, the server stopping), the flag
agrees with the full check it stands for, and a frame refused is not written."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

from tests.support import HANG, Client, LiveServer
from yoriai.server.connection import Connection, text_frame
from yoriai.server.runner import GuardedWebSocketProtocol

T = TypeVar("T")


def on_loop(live: LiveServer, fn: Callable[[], T]) -> T:
    """``fn()`` run on the server's loop, in one turn of it."""
    loop = live.ctx.store.loop
    assert loop is not None

    async def run() -> T:
        return fn()

    return asyncio.run_coroutine_threadsafe(run(), loop).result(HANG)


async def until(live: LiveServer, done: Callable[[], bool]) -> None:
    """Until ``done()`` holds on the server's loop (a state, not a time)."""
    deadline = time.monotonic() + HANG
    while not on_loop(live, done):
        assert time.monotonic() < deadline, "the server never got there"
        await asyncio.sleep(0.01)


async def connected(live: LiveServer, code: str
                    ) -> tuple[Client, Connection, GuardedWebSocketProtocol]:
    room = live.ctx.hub.rooms.get(code)
    before = set(room.subscribers) if room is not None else set()
    phone = await Client(live, code).connect()
    room = live.ctx.hub.rooms[code]
    [conn] = [s for s in room.subscribers if s not in before]
    assert isinstance(conn, Connection) and conn._write_frame is not None
    proto = getattr(conn._write_frame, "__self__", None)
    assert isinstance(proto, GuardedWebSocketProtocol)
    return phone, conn, proto


def agrees(proto: GuardedWebSocketProtocol) -> bool:
    """The flag as kept, beside the full check worked out now: they must be equal."""
    kept, full = proto._frames_ok, proto.may_write_frames()
    assert kept == full, f"kept {kept}, but the socket's state says {full}"
    return kept


def heartbeat(now: float) -> bytes:
    return text_frame(f'{{"type":"heartbeat","now":{now}}}')


async def written(live: LiveServer, proto: GuardedWebSocketProtocol, now: float) -> bool:
    """Whether a frame is written to ``proto`` now, the flag and the full check agreeing."""
    def step() -> bool:
        ok = agrees(proto)
        assert proto.write_frame(heartbeat(now)) is ok
        return ok

    return on_loop(live, step)


def heartbeats(phone: Client) -> list[float]:
    return [m["now"] for m in phone.received if m["type"] == "heartbeat"]


async def test_an_open_socket_takes_frames_and_one_whose_buffer_is_full_does_not(
        live: LiveServer) -> None:
    code = live.new_workshop()
    phone, _, proto = await connected(live, code)
    assert await written(live, proto, 1.0)
    await phone.wait_for(lambda b: 1.0 in heartbeats(phone))
    # The transport says its buffer is full (as asyncio does past its high-water mark):
    # nothing more until it says there is room again.
    on_loop(live, proto.pause_writing)
    assert not await written(live, proto, 2.0)
    on_loop(live, proto.resume_writing)
    assert await written(live, proto, 3.0)
    await phone.wait_for(lambda b: 3.0 in heartbeats(phone))
    # The refused one was never written (the room's own heartbeats may come meanwhile).
    assert [n for n in heartbeats(phone) if n in (1.0, 2.0, 3.0)] == [1.0, 3.0]


def refused(proto: GuardedWebSocketProtocol) -> bool:
    """On the server's loop: whether a frame offered now is refused, asserting that the
    answer is the full check's at this very moment (not only once the flag catches up)."""
    full = proto.may_write_frames()
    wrote = proto.write_frame(heartbeat(2.0))
    assert wrote is full, f"wrote {wrote}, but the socket's state says {full}"
    return not wrote


# Endings that happen in one turn of the server's loop, checked in that same turn.
AT_ONCE: dict[str, Callable[[Connection, GuardedWebSocketProtocol], object]] = {
    "app aborts": lambda conn, proto: conn.abort(4001, "too slow"),
    "pings unanswered": lambda conn, proto: proto.keepalive_timeout(),
    "server stops": lambda conn, proto: proto.shutdown(),
}


@pytest.mark.parametrize("ending", [*AT_ONCE, "phone closes", "phone sends a bad frame",
                                    "app drops", "connection lost"])
async def test_no_frame_is_written_once_a_socket_is_ending(live: LiveServer,
                                                          ending: str) -> None:
    code = live.new_workshop()
    phone, conn, proto = await connected(live, code)
    assert phone.ws is not None
    assert await written(live, proto, 1.0)
    await phone.wait_for(lambda b: 1.0 in heartbeats(phone))
    if ending in AT_ONCE:
        act = AT_ONCE[ending]
        assert on_loop(live, lambda: (act(conn, proto), refused(proto))[1])
    else:
        if ending == "phone closes":
            closing = asyncio.ensure_future(phone.ws.close())
            await until(live, lambda: proto.conn.close_rcvd is not None)
        elif ending == "phone sends a bad frame":
            # An unmasked frame from a client is a protocol error (RFC 6455 §5.1).
            phone.ws.transport.write(b"\x81\x02hi")
            await until(live, lambda: proto.conn.close_sent is not None)
        elif ending == "app drops":
            on_loop(live, lambda: conn.drop(1000, "done"))
            await until(live, lambda: proto.close_sent)
        elif ending == "connection lost":
            phone.ws.transport.abort()
            await until(live, lambda: proto._lost)
        assert on_loop(live, lambda: refused(proto))
    # Every ending ends with the connection gone; the flag then says what the state says.
    await until(live, lambda: proto._lost)
    assert not on_loop(live, lambda: agrees(proto))
    if ending == "phone closes":
        await closing


async def test_a_socket_aborted_in_the_middle_of_a_fan_out_is_skipped_and_the_rest_are_written(
        live: LiveServer) -> None:
    """In one turn of the loop, as in a fan-out: one phone's connection is given up on
    between two writes to the room; it is written nothing more, and nothing fails for the
    phones after it."""
    code = live.new_workshop()
    phones = [await connected(live, code) for _ in range(3)]
    text = '{"type":"heartbeat","now":5.0}'

    def fan_out() -> list[bool]:
        done = []
        for i, (_, conn, proto) in enumerate(phones):
            if i == 1:
                phones[2][1].abort(4001, "too slow")  # the next one, mid-fan-out
            conn.deliver_now(text)
            done.append(agrees(proto))
        return done

    assert on_loop(live, fan_out) == [True, True, False]
    for phone, _, _ in phones[:2]:
        await phone.wait_for(lambda b, p=phone: 5.0 in heartbeats(p))
    assert phones[2][1].waiting == 0  # not queued for later either: it is over


async def test_a_transport_that_failed_a_send_takes_no_frame_before_we_hear_of_it(
        live: LiveServer) -> None:
    """asyncio closes a transport whose send failed (the phone reset the connection) at
    once, but tells the protocol only in the loop's next turn: in between, still in the
    same fan-out, the flag is stale and the transport's own state keeps the frame out."""
    code = live.new_workshop()
    phone, _, proto = await connected(live, code)

    def fail_then_write() -> tuple[bool, bool]:
        proto.transport.abort()  # what a failed send does (its _force_close)
        return proto._frames_ok, proto.write_frame(heartbeat(7.0))

    assert on_loop(live, fail_then_write) == (True, False)
    await until(live, lambda: proto._lost)
    assert not await written(live, proto, 8.0)
    await phone.close()
