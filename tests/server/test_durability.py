"""Nothing acknowledged is ever lost: kill -9 the server mid-burst and start it again."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import HANG, Client
from yoriai.server.context import DB_FILE

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
                            acked: list[tuple[str, str, str]]) -> None:
    """Phones post as fast as they may until the server is killed at a random moment;
    ``acked`` gets (actor, client id, text) of every acknowledged post."""
    clients = []
    first_ack = asyncio.Event()
    for i in range(phones):
        c = Client(_Addr(server), code)  # type: ignore[arg-type]
        await c.connect()
        await c.join(f"人{i}")
        clients.append(c)

    async def post(c: Client, i: int) -> None:
        for j in range(200):
            text, cid = f"付箋-{i}-{j}", f"crash-{i}-{j}"
            try:
                reply = await c.cmd("post_note", command_id=cid, kind="wish", text=text)
            except (TimeoutError, Exception):
                return  # the server died under us
            if reply["type"] == "ack":
                acked.append((f"p:{c.board.participant_id}", cid, text))
                first_ack.set()
            else:
                await asyncio.sleep(0.2)  # slow_down: the rate limit; carry on

    async def killer() -> None:
        # Mid-burst: once notes are being acknowledged (however slow a loaded machine makes
        # the first), then at a random moment.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(first_ack.wait(), HANG)
        await asyncio.sleep(random.uniform(0.0, 1.0))
        await asyncio.to_thread(server.kill)

    await asyncio.gather(killer(), *[post(c, i) for i, c in enumerate(clients)])
    for c in clients:
        with contextlib.suppress(Exception):
            await c.close()


async def test_kill_9_loses_no_acknowledged_note(proc: ServerProcess) -> None:
    proc.start()
    made = yoriai("new", "停電に強いワークショップ", "--data", str(proc.data_dir))
    code = made.stdout.split()[-1]
    acked: list[tuple[str, str, str]] = []
    await post_until_killed(proc, code, phones=8, acked=acked)
    assert acked, "no note was acknowledged before the kill"

    proc.start()  # same data folder
    console = Client(_Addr(proc), code, key=proc.key)  # type: ignore[arg-type]
    await console.connect()
    texts = [n["text"] for n in console.board.notes.values()]
    assert not {t for _, _, t in acked} - set(texts), "an acknowledged note was lost"
    assert len(texts) == len(set(texts)), "a note was stored twice"
    with sqlite3.connect(proc.data_dir / DB_FILE) as db:
        ids = Counter(db.execute("SELECT actor, command_id FROM commands WHERE workshop = ?",
                                 (code,)).fetchall())
        seqs = [s for (s,) in db.execute(
            "SELECT seq FROM events WHERE workshop = ? ORDER BY seq", (code,))]
    for actor, cid, _ in acked:
        assert ids[(actor, cid)] == 1, (actor, cid)  # every acknowledged id, exactly once
    assert seqs == list(range(1, len(seqs) + 1))  # nothing half-written, no gap
    # and the room carries on from there, numbering after the last stored event
    phone = Client(_Addr(proc), code)  # type: ignore[arg-type]
    await phone.connect()
    await phone.join("再起動のあとの人")
    reply = await phone.cmd("post_note", kind="wish", text="再起動のあと")
    assert reply["type"] == "ack" and reply["seq"] == seqs[-1] + 2
    await phone.close()
    await console.close()
