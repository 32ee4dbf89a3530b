from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support import Client


@pytest.fixture(autouse=True)
async def close_clients() -> AsyncIterator[None]:
    yield
    while Client.opened:
        await Client.opened.pop().close()
