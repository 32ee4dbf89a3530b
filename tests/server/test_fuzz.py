"""Thousands of malformed, oversized and out-of-order messages at the WebSocket endpoint:
the server stays up, answers each with an error or ignores it, and a well-behaved phone in
the same workshop keeps working throughout."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.support import HANG, LiveServer, unpack
from yoriai.facilitation.commands import COMMANDS
from yoriai.server import limits

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                      st.floats(allow_nan=False), st.text(max_size=40))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
names = st.sampled_from([*COMMANDS, "", "__proto__", "x" * 200])
arg_keys = st.sampled_from(["note_id", "theme_id", "text", "kind", "title", "step", "name",
                            "attribute", "action_id", "proxy_for", "seconds", "ideas"])
commands = st.fixed_dictionaries({
    "type": st.sampled_from(["cmd", "cmd", "hello", "ping", "event", 7, None]),
    "id": st.one_of(st.text(min_size=1, max_size=70), st.integers(), st.none()),
    "name": names,
    "args": st.one_of(st.dictionaries(arg_keys, json_value, max_size=5), json_value),
})
garbage = st.one_of(
    st.text(max_size=200),  # not JSON at all, or JSON of the wrong shape
    json_value.map(json.dumps),
    commands.map(json.dumps),
    st.binary(max_size=100),  # a binary frame
    st.integers(limits.MESSAGE_MAX_BYTES - 10, limits.MESSAGE_MAX_BYTES + 100).map(
        lambda n: json.dumps({"type": "cmd", "id": "big", "name": "post_note",
                              "args": {"kind": "wish", "text": "a" * n}})),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Every example's frames are looked at, not told to slow down: one person's bucket is
    # shared by all of their sockets, and hundreds of examples in a row would empty it
    # (the rate has its own tests in test_limits.py and test_floods.py).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "RATE_PER_SEC", 10_000.0)
        patch.setattr(limits, "RATE_BURST", 10_000.0)
        live = LiveServer(Path(tmp_path_factory.mktemp("fuzz")) / "data").start()
        yield live
        live.stop()


class Phone:
    """A well-behaved participant on the sync client, to check the room still works."""

    def __init__(self, live: LiveServer, code: str, token: str | None = None) -> None:
        self._opened = connect(live.ws_url, compression=None)
        self.ws: ClientConnection = self._opened.__enter__()
        hello: dict[str, Any] = {"type": "hello", "workshop": code}
        if token:
            hello["token"] = token
        self.ws.send(json.dumps(hello))
        self.until(lambda m: m["type"] in ("snapshot", "synced"))
        self.n = 0
        self.rounds = 0

    def close(self) -> None:
        self._opened.__exit__(None, None, None)

    def until(self, match: Any) -> dict[str, Any]:
        while True:
            for msg in unpack(self.ws.recv(timeout=HANG)):
                if match(msg):
                    return msg

    def cmd(self, name: str, /, **args: Any) -> dict[str, Any]:
        """Send a command; when told to slow down, wait and send it again (as phones do)."""
        self.n += 1
        cid = f"good-{self.n}-{uuid.uuid4().hex}"
        while True:
            self.ws.send(json.dumps({"type": "cmd", "id": cid, "name": name, "args": args}))
            reply = self.until(lambda m: m.get("id") == cid)
            if reply.get("code") != "slow_down":
                return reply
            time.sleep(0.2)


@pytest.fixture(scope="module")
def room(server: LiveServer) -> Iterator[tuple[str, Phone, str]]:
    code = server.new_workshop("ファズの会")
    good = Phone(server, code)
    token = good.cmd("join", name="よい人", attribute="住民")["result"]["token"]
    good.until(lambda m: m["type"] == "snapshot")
    yield code, good, token
    good.close()


# The live server's thread draws from the global `random` (uvicorn's keepalive pings pick
# their payload with random.getrandbits every 20 s); when that lands while Hypothesis is
# drawing an example, Hypothesis takes it for the strategy's own use of `random`.
@pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")
@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(garbage, min_size=5, max_size=25), as_participant=st.booleans())
def test_the_server_survives_garbage_and_the_room_goes_on(
        server: LiveServer, room: tuple[str, Phone, str], batch: list[Any],
        as_participant: bool) -> None:
    code, good, token = room
    bad = Phone(server, code, token if as_participant else None)
    try:
        for message in batch:
            bad.ws.send(message)
        bad.ws.send(json.dumps({"type": "ping"}))
        bad.until(lambda m: m["type"] == "pong")  # still answering, in order
    except ConnectionClosed as closed:
        # Only the transport's hard cap may close a socket, and never the room's.
        assert closed.rcvd is not None and closed.rcvd.code == 1009
    finally:
        bad.close()
    good.rounds += 1
    if good.rounds % 10 == 0:  # within a phone's rate: a post every few batches
        reply = good.cmd("post_note", kind="wish", text=f"まだ元気 {good.n}")
        assert reply["type"] == "ack", reply


def test_out_of_order_hello_and_resume_values(server: LiveServer,
                                              room: tuple[str, Phone, str]) -> None:
    code, good, _ = room
    for hello in ({"type": "hello", "workshop": code, "epoch": 5, "last_seq": "x"},
                  {"type": "hello", "workshop": code, "epoch": "e", "last_seq": -4},
                  {"type": "hello", "workshop": code, "last_seq": 10**12, "token": [1]},
                  {"type": "hello", "workshop": "../../etc", "key": None},
                  {"type": "hello", "workshop": code * 50}):
        with connect(server.ws_url) as ws:
            ws.send(json.dumps(hello))
            first = unpack(ws.recv(timeout=HANG))[0]
            assert first["type"] in ("welcome", "error"), first
    assert good.cmd("post_note", kind="charm", text="順番違いにも負けない")["type"] == "ack"
