"""``yoriai check [--repair]`` on a real data folder with a hand-made hole (rows removed or
spoiled with sqlite3 directly); the server serving a damaged workshop's pages as a page
that names the repair while it serves the others; one server per data folder (the lock
file); export from a read-only folder."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support import Client, free_port
from yoriai.facilitation.model import FACILITATOR
from yoriai.server.context import DB_FILE
from yoriai.server.hub import Hub
from yoriai.server.store import EventStore

from .serverproc import ServerProcess, yoriai

NOTES = 10  # each workshop: created (1), a proxy added (2), notes 3..12


def fill(data: Path, title: str) -> str:
    """A workshop with NOTES notes, made through the hub and the store, as a server does."""

    async def make() -> str:
        store = EventStore(data / DB_FILE)
        await store.open()
        try:
            hub = Hub(store, time.time)
            code = await hub.create_workshop(title, "西部")
            room = await hub.room(code)
            assert room is not None
            ack = await hub.submit(room, FACILITATOR, "c-proxy", "add_proxy",
                                   {"name": "紙", "attribute": "住民"})
            proxy = ack.result["participant_id"]
            for i in range(NOTES):
                await hub.submit(room, FACILITATOR, f"c-note-{i}", "post_note",
                                 {"proxy_for": proxy, "kind": "wish", "text": f"付箋{i}"})
            return code
        finally:
            await store.close()

    data.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, also from an async test
        return thread.submit(asyncio.run, make()).result()


def sql(data: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(data / DB_FILE) as db:
        return db.execute(statement, params).fetchall()


@pytest.fixture
def proc(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path / "data")
    yield server
    server.stop()


def test_a_healthy_folder_checks_ok(tmp_path: Path) -> None:
    data = tmp_path / "data"
    a, b = fill(data, "一つ目"), fill(data, "二つ目")
    done = yoriai("check", "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == sorted(
        [f"{a}: ok, {NOTES + 2} events replay", f"{b}: ok, {NOTES + 2} events replay"])
    assert done.stderr == ""


def test_check_of_a_folder_without_data_is_one_line(tmp_path: Path) -> None:
    done = yoriai("check", "--data", str(tmp_path / "nothing"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("yoriai: error: ") and done.stderr.count("\n") == 1
    assert not (tmp_path / "nothing").exists()  # checking creates nothing


@pytest.mark.parametrize(("damage", "says"), [
    ("DELETE FROM events WHERE workshop = ? AND seq = 6", "seq 6 is missing"),
    ("UPDATE events SET data = '{\"nothing\": 1}' WHERE workshop = ? AND seq = 6",
     "event 6 (NotePosted) does not apply: KeyError"),
    ("UPDATE events SET data = '{not json' WHERE workshop = ? AND seq = 6",
     "event 6 cannot be read"),
])
async def test_a_damaged_workshop_is_reported_served_as_a_page_and_repaired(
        proc: ServerProcess, damage: str, says: str) -> None:
    data = proc.data_dir
    broken, healthy = fill(data, "壊れたワークショップ"), fill(data, "元気なワークショップ")
    sql(data, damage, broken)
    # A snapshot and command records past the damage, as a long evening would have.
    sql(data, "INSERT INTO snapshots (workshop, seq, state) VALUES (?, 10, '{}')", broken)
    moved_commands = sql(data, "SELECT COUNT(*) FROM commands WHERE workshop = ? AND seq > 5",
                         broken)[0][0]
    assert moved_commands == NOTES + 2 - 5  # the notes at seq 6..12
    stored_after = [s for (s,) in sql(data, "SELECT seq FROM events WHERE workshop = ? AND "
                                      "seq > 5 ORDER BY seq", broken)]

    checked = yoriai("check", "--data", str(data))
    assert checked.returncode == 2
    lines = dict(line.split(": ", 1) for line in checked.stdout.splitlines())
    assert lines[healthy] == f"ok, {NOTES + 2} events replay"
    assert lines[broken].startswith(f"DAMAGED: {says}")
    assert "5 of " in lines[broken] and "yoriai check --repair" in lines[broken]
    assert "yoriai check --repair" in checked.stderr

    # The server serves the other workshop, and the damaged one as a page naming the repair.
    proc.start()
    key = {"yoriai_key": proc.key}
    ok = httpx.get(f"{proc.base}/w/{healthy}")
    assert ok.status_code == 200 and "元気なワークショップ" in ok.text
    for path, cookies in [("", None), ("/screen", None), ("/handout", None),
                          ("/facilitate", key), ("/export/pdf", key), ("/export/json", key)]:
        page = httpx.get(f"{proc.base}/w/{broken}{path}", cookies=cookies,
                         headers={"accept-language": "ja"})
        assert page.status_code == 503, (path, page.status_code)
        assert "記録が傷んでいます" in page.text and "yoriai check --repair" in page.text
        assert page.headers["content-type"].startswith("text/html")
    english = httpx.get(f"{proc.base}/w/{broken}?lang=en")
    assert english.status_code == 503 and "record is damaged" in english.text
    as_json = httpx.get(f"{proc.base}/w/{broken}/export/pdf", cookies=key,
                        headers={"accept": "application/json"})
    assert as_json.status_code == 503
    assert as_json.json()["error"]["code"] == "workshop_damaged"
    assert as_json.json()["error"]["command"] == "yoriai check --repair"

    async with connect(proc.ws_url) as ws:
        await ws.send(json.dumps({"type": "hello", "workshop": broken, "lang": "en"}))
        error = json.loads(await ws.recv())
        assert error["code"] == "workshop_damaged" and "check --repair" in error["message"]
        with pytest.raises(Exception):  # noqa: B017 - the close, whatever its class
            await ws.recv()
        assert ws.close_code == 4503
    phone = await Client(_Addr(proc), healthy).connect()  # type: ignore[arg-type]
    await phone.join()
    assert (await phone.cmd("post_note", kind="wish", text="元気"))["type"] == "ack"
    await phone.close()

    # Repairing needs the server stopped: refused while it holds the folder, nothing changed.
    refused = yoriai("check", "--repair", "--data", str(data))
    assert refused.returncode == 2 and "stop it" in refused.stderr
    assert not list(data.glob("yoriai-repair-*"))
    exported = yoriai("export", broken, "--data", str(data), "-o", str(data.parent / "x.pdf"))
    assert exported.returncode == 2 and "yoriai check --repair" in exported.stderr
    proc.stop()

    repaired = yoriai("check", "--repair", "--data", str(data))
    assert repaired.returncode == 0, repaired.stderr
    [aside] = data.glob(f"yoriai-repair-{broken}-*.jsonl")
    line = dict(x.split(": ", 1) for x in repaired.stdout.splitlines())[broken]
    assert line.startswith(f"REPAIRED ({says}") and "kept events 1-5" in line
    assert (f"moved {len(stored_after)} events, {moved_commands} command records, "
            f"1 snapshot to {aside}") in line
    moved = [json.loads(x) for x in aside.read_text("utf-8").splitlines()]
    assert moved[0]["kind"] == "repair" and moved[0]["kept_up_to_seq"] == 5
    assert [m["seq"] for m in moved if m["kind"] == "event"] == stored_after
    assert len([m for m in moved if m["kind"] == "command"]) == moved_commands
    assert [m["seq"] for m in moved if m["kind"] == "snapshot"] == [10]
    assert [s for (s,) in sql(data, "SELECT seq FROM events WHERE workshop = ? ORDER BY seq",
                              broken)] == [1, 2, 3, 4, 5]
    assert sql(data, "SELECT MAX(seq) FROM commands WHERE workshop = ?", broken) == [(5,)]
    assert sql(data, "SELECT last_seq FROM workshops WHERE code = ?", broken) == [(5,)]
    assert sql(data, "SELECT COUNT(*) FROM snapshots WHERE workshop = ?", broken) == [(0,)]

    again = yoriai("check", "--data", str(data))
    assert again.returncode == 0 and f"{broken}: ok, 5 events replay" in again.stdout

    proc.start()  # served again, carrying on from the kept seq
    assert httpx.get(f"{proc.base}/w/{broken}").status_code == 200
    phone = await Client(_Addr(proc), broken).connect()  # type: ignore[arg-type]
    join = await phone.join()
    assert join["seq"] == 6
    await phone.close()


class _Addr:
    def __init__(self, server: ServerProcess) -> None:
        self.ws_url = server.ws_url


def test_one_server_per_data_folder(proc: ServerProcess) -> None:
    proc.start()
    second = yoriai("serve", "--host", "127.0.0.1", "--port", str(free_port()), "--data",
                    str(proc.data_dir), "--no-browser")
    assert second.returncode == 2
    assert second.stderr.startswith("yoriai: error: another Yoriai server is already using "
                                    f"the data folder {proc.data_dir.resolve()}")
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert proc.proc is not None and str(proc.proc.pid) in second.stderr
    # `yoriai new` beside the running server works, and the server serves it at once.
    made = yoriai("new", "横で作ったワークショップ", "--data", str(proc.data_dir))
    assert made.returncode == 0, made.stderr
    code = made.stdout.split()[-1]
    page = httpx.get(f"{proc.base}/w/{code}")
    assert page.status_code == 200 and "横で作ったワークショップ" in page.text
    # Once the server is gone (even killed), the folder is free again.
    proc.kill()
    proc.start()
    assert httpx.get(f"{proc.base}/w/{code}").status_code == 200


def test_export_and_check_from_a_read_only_folder(tmp_path: Path) -> None:
    source, view = tmp_path / "data", tmp_path / "ro"
    view.mkdir()
    code = fill(source, "読むだけのワークショップ")
    before = sorted(p.name for p in source.iterdir())
    bound = subprocess.run(["mount", "--bind", str(source), str(view)], capture_output=True,
                           text=True)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({bound.stderr.strip() or 'not root'})")
    try:
        ro = subprocess.run(["mount", "-o", "remount,ro,bind", str(view)],
                            capture_output=True, text=True)
        assert ro.returncode == 0, ro.stderr
        with pytest.raises(OSError):
            (view / "probe").write_text("x")  # really read-only
        out = tmp_path / "plan.md"
        exported = yoriai("export", code, "--format", "md", "--data", str(view), "-o",
                          str(out))
        assert exported.returncode == 0, exported.stderr
        assert "読むだけのワークショップ" in out.read_text("utf-8")
        archive = yoriai("export", code, "--format", "json", "--data", str(view), "-o",
                         str(tmp_path / "a.json"))
        assert archive.returncode == 0, archive.stderr
        assert len(json.loads((tmp_path / "a.json").read_text("utf-8"))["events"]) == NOTES + 2
        checked = yoriai("check", "--data", str(view))
        assert checked.returncode == 0 and "ok, 12 events replay" in checked.stdout
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
    assert sorted(p.name for p in source.iterdir()) == before


def test_export_writes_nothing_to_the_data(tmp_path: Path) -> None:
    """Where no read-only mount can be made: the database file is byte for byte the same
    after an export (SQLite may add its empty companion files, -wal and -shm, beside it)."""
    data = tmp_path / "data"
    code = fill(data, "読むだけ")
    before = (data / DB_FILE).read_bytes()
    exported = yoriai("export", code, "--format", "md", "--data", str(data), "-o",
                      str(tmp_path / "plan.md"))
    assert exported.returncode == 0, exported.stderr
    assert (data / DB_FILE).read_bytes() == before
    companions = {p.name for p in data.iterdir()} - {DB_FILE, "facilitator.key", "token.secret"}
    assert companions <= {f"{DB_FILE}-wal", f"{DB_FILE}-shm"}
    wal = data / f"{DB_FILE}-wal"
    assert not wal.exists() or wal.stat().st_size == 0
