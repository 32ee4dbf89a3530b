"""What every layer's tests share: a live server per test, and Hypothesis settings that
do not depend on how fast the machine is."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn.protocols.websockets.websockets_sansio_impl as uvicorn_websockets
import websockets.asyncio.client as websockets_client
import websockets.asyncio.connection as websockets_asyncio
import websockets.sync.client as websockets_sync_client
import websockets.sync.connection as websockets_sync
from hypothesis import HealthCheck, settings

from tests.support import HANG, LiveServer

# Hypothesis by default fails an example that takes over 200 ms (``deadline``) and a test
# whose examples are slow to generate (``too_slow``): both are timings, and both fail on a
# 2-core machine running browsers beside the suite. Every property test here is about what
# happens, not how fast; a test may still set its own settings on top of these.
#
# Derandomised too: each test draws its examples from a seed made from its own code, so
# every `make test` on every machine tries the same examples, and a failure fails again
# when run again (random examples made a fresh clone's run one of many different ones: a
# rare bad example failed one run in N and passed the next). No example database either
# (derandomize implies it): nothing left in .hypothesis/ by an earlier run changes what
# runs. Hypothesis's own "ci" profile is the same, but loading ours replaced it, in CI too.
# A failure prints its reproduce_failure blob.
settings.register_profile("yoriai", deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
# To look for new bugs (new random examples every run, failures kept in .hypothesis/ and
# tried first the next time): pytest --hypothesis-profile=yoriai-explore tests/facilitation
settings.register_profile("yoriai-explore", settings.get_profile("default"), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("yoriai")

# Hypothesis also fails a test when the global ``random`` moved while it drew an example
# (it takes that for a strategy using ``random``). Here servers and clients run in other
# threads of the same process, and uvicorn's and websockets' keep-alive pings draw their
# payload from the global ``random`` every 20 s: once a property test outlives 20 s (under
# load), a ping lands mid-draw now and then (test_the_server_survives_garbage_and_the_room_
# goes_on failed so). Their ping payloads come from a generator of their own instead.
for _library in (uvicorn_websockets, websockets_asyncio, websockets_sync):
    _library.random = random.Random()  # type: ignore[attr-defined]

# httpx gives up on a request after 5 s unless told otherwise, and most requests in the
# tests (pages, exports, uploads) do not say: an export or a page rendered by a server that
# shares 2 cores with two browsers and another suite can take longer (a PNG export took
# 2 s at load 10), and the test fails with a ReadTimeout though the server is right.
# Every request a test makes now waits up to the suite's hang guard unless it says
# otherwise (httpx reads these defaults when called; new test files get it unasked).
for _call in (httpx.request, httpx.get, httpx.post, httpx.put, httpx.patch, httpx.delete,
              httpx.head, httpx.options, httpx.stream.__wrapped__,  # type: ignore[attr-defined]
              httpx.Client.__init__, httpx.AsyncClient.__init__):
    assert _call.__kwdefaults__ is not None and "timeout" in _call.__kwdefaults__, _call
    _call.__kwdefaults__["timeout"] = httpx.Timeout(HANG)
# The same for a WebSocket's opening handshake (websockets waits 10 s for it by default).
for _connect in (websockets_client.connect.__init__, websockets_sync_client.connect):
    assert _connect.__kwdefaults__ is not None and "open_timeout" in _connect.__kwdefaults__
    _connect.__kwdefaults__["open_timeout"] = HANG


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "data").start()
    yield server
    server.stop()
