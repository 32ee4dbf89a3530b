"""The benchmark's phone socket (``bench/broadcast.py``: ``LightSocket``, ``read_frames``)
reads what websockets itself would read. Its fast path parses a server's text frames and
pings by hand, so every message, whatever the TCP chunks it arrives in, must come out whole,
in order, once; a ping must be answered; and anything else (a close, a fragment) must go to
websockets' parser from that frame's first byte."""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import Protocol, Side
from websockets.utils import accept_key


def load_broadcast() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "broadcast.py"
    spec = importlib.util.spec_from_file_location("bench_broadcast", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


broadcast = load_broadcast()

# Lengths on each side of the header's two escapes (126: a 16-bit length, 65,536: 64-bit).
TEXTS = st.one_of(
    st.text(max_size=140),
    st.integers(120, 130).map(lambda n: "x" * n),
    st.integers(65_530, 65_540).map(lambda n: "駅" * (n // 3) + "b" * (n % 3)),
)


class Transport:
    """What the socket writes (its handshake request, its pongs); the OS's part."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True


def server_frame(opcode: Opcode, data: bytes, fin: bool = True) -> bytes:
    return Frame(opcode, data, fin).serialize(mask=False)


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


async def opened_socket() -> tuple[Any, Transport, list[str], bytes]:
    """A LightSocket after its request, and the server's handshake response for it."""
    got: list[str] = []
    sock = broadcast.LightSocket("ws://127.0.0.1:9/ws", lambda text, _now: got.append(text),
                                 lambda: None)
    transport = Transport()
    sock.connection_made(transport)
    request = transport.written[0].decode()
    key = next(line.split(": ", 1)[1] for line in request.split("\r\n")
               if line.lower().startswith("sec-websocket-key:"))
    response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept_key(key)}\r\n\r\n")
    return sock, transport, got, response.encode()


def frames_sent(written: list[bytes]) -> list[Frame]:
    """Parse what the client wrote after its request, as a server would (masked frames)."""
    server = Protocol(Side.SERVER)  # open, past the handshake
    server.receive_data(b"".join(written[1:]))
    return [e for e in server.events_received() if isinstance(e, Frame)]


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXTS, max_size=6), pings=st.sets(st.integers(0, 6)),
       cuts=st.lists(st.integers(0, 10**6), max_size=12))
def test_every_message_comes_out_whole_in_order_once(texts: list[str], pings: set[int],
                                                      cuts: list[int]) -> None:
    async def run() -> None:
        sock, transport, got, response = await opened_socket()
        stream = bytearray(response)
        ping_payloads = []
        for i, text in enumerate([*texts, None]):
            if i in pings:
                ping_payloads.append(f"p{i}".encode())
                stream += server_frame(Opcode.PING, ping_payloads[-1])
            if text is not None:
                stream += server_frame(Opcode.TEXT, text.encode())
        for part in chunks(bytes(stream), cuts):
            sock.data_received(part)
        assert sock.opened.done() and sock.opened.exception() is None
        assert got == texts
        pongs = [f.data for f in frames_sent(transport.written) if f.opcode is Opcode.PONG]
        assert pongs == ping_payloads

    asyncio.run(run())


@settings(max_examples=30, deadline=None)
@given(before=st.lists(TEXTS, max_size=3), cuts=st.lists(st.integers(0, 10**6), max_size=8))
def test_a_close_goes_to_websockets_from_its_first_byte(before: list[str],
                                                        cuts: list[int]) -> None:
    async def run() -> None:
        sock, transport, got, response = await opened_socket()
        stream = bytearray(response)
        for text in before:
            stream += server_frame(Opcode.TEXT, text.encode())
        # A message in two fragments, then the server's close: websockets' part.
        stream += server_frame(Opcode.TEXT, "分けた".encode(), fin=False)
        stream += server_frame(Opcode.CONT, "メッセージ".encode())
        stream += server_frame(Opcode.CLOSE, Close(4000, "bye").serialize())
        for part in chunks(bytes(stream), cuts):
            sock.data_received(part)
        assert got == [*before, "分けたメッセージ"]
        assert sock.protocol.close_rcvd is not None
        assert sock.protocol.close_rcvd.code == 4000
        replies = [f for f in frames_sent(transport.written) if f.opcode is Opcode.CLOSE]
        assert [Close.parse(f.data).code for f in replies] == [4000]

    asyncio.run(run())


def test_a_masked_frame_from_the_server_is_refused_by_websockets() -> None:
    async def run() -> None:
        sock, _transport, got, response = await opened_socket()
        sock.data_received(response + Frame(Opcode.TEXT, b"hi").serialize(mask=True))
        assert got == []
        # A protocol error: a server's frames are not masked.
        assert sock.protocol.close_sent is not None
        assert sock.protocol.close_sent.code == 1002

    asyncio.run(run())
