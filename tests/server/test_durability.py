"""Nothing acknowledged is ever lost: kill -9 the server mid-burst and start it again."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import Client

from .serverproc import ServerProcess, yoriai


@pytest.fixture
def proc(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path / "data")
    yield server
    server.stop()


class _Addr:
    """Client talks to anything with ws_url; the subprocess has one."""

    def __init__(self, server: ServerProcess) -> None:
        self.ws_url = server.ws_url


async def post_until_killed(server: ServerProcess, code: str, phones: int,
                            acked: list[str]) -> None:
    clients = []
    for i in range(phones):
        c = Client(_Addr(server), code)  # type: ignore[arg-type]
        await c.connect()
        await c.join(f"人{i}")
        clients.append(c)

    async def post(c: Client, i: int) -> None:
        for j in range(200):
            text = f"付箋-{i}-{j}"
            try:
                reply = await c.cmd("post_note", kind="wish", text=text)
            except (TimeoutError, Exception):
                return  # the server died under us
            if reply["type"] == "ack":
                acked.append(text)
            else:
                await asyncio.sleep(0.2)  # slow_down: the rate limit; carry on

    async def killer() -> None:
        await asyncio.sleep(random.uniform(0.5, 1.5))
        await asyncio.to_thread(server.kill)

    await asyncio.gather(killer(), *[post(c, i) for i, c in enumerate(clients)])
    for c in clients:
        with contextlib.suppress(Exception):
            await c.close()


async def test_kill_9_loses_no_acknowledged_note(proc: ServerProcess) -> None:
    proc.start()
    made = yoriai("new", "停電に強いワークショップ", "--data", str(proc.data_dir))
    code = made.stdout.split()[-1]
    acked: list[str] = []
    await post_until_killed(proc, code, phones=8, acked=acked)
    assert acked, "no note was acknowledged before the kill"

    proc.start()  # same data folder
    console = Client(_Addr(proc), code, key=proc.key)  # type: ignore[arg-type]
    await console.connect()
    texts = [n["text"] for n in console.board.notes.values()]
    missing = set(acked) - set(texts)
    assert not missing, f"{len(missing)} acknowledged notes lost"
    assert len(texts) == len(set(texts)), "a note was stored twice"
    await console.close()
