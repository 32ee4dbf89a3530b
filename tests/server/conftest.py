from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.support import Client


@pytest.fixture(autouse=True)
async def close_clients() -> AsyncIterator[None]:
    yield
    # Only this test's: a client on another loop (a browser test's helper thread, left by
    # a test that failed before it could close it) cannot be closed from here, and trying
    # failed this test's teardown for what an earlier test did.
    here = asyncio.get_running_loop()
    while Client.opened:
        client = Client.opened.pop()
        if client.loop is here:
            await client.close()
