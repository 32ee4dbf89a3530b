"""The ``yoriai`` command as a person meets it: its output and its one-line errors."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

import httpx

from tests.support import Client
from yoriai.facilitation.model import replay
from yoriai.facilitation.program import bundled_program
from yoriai.server.cli import read_events

from .serverproc import ServerProcess, yoriai


def test_new_prints_the_join_path_and_the_code_last(tmp_path: Path) -> None:
    result = yoriai("new", "北部 冬のくらし会議", "--center", "北部", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    code = lines[-1]
    assert re.fullmatch(r"[a-z2-9]{6}", code)
    assert f"/w/{code}" in lines


def test_new_refuses_an_empty_title_in_one_line(tmp_path: Path) -> None:
    result = yoriai("new", "   ", "--data", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "title" in result.stderr.lower()


def test_unwritable_data_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for args in (["new", "x", "--data", str(blocker / "data")],
                 ["serve", "--no-browser", "--port", "0", "--data", str(blocker / "data")]):
        result = yoriai(*args)
        assert result.returncode == 2
        assert result.stderr.startswith("yoriai: error: the data folder")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = yoriai("serve", "--host", "127.0.0.1", "--port", str(port), "--no-browser",
                        "--data", str(tmp_path))
    assert result.returncode == 2
    assert f"port {port} is already in use" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_serve_prints_join_qr_and_facilitator_url(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code = yoriai("new", "西部 みらい会議", "--data", str(data)).stdout.split()[-1]
    server = ServerProcess(data).start()
    try:
        out = server.out.read_text()
        key = (data / "facilitator.key").read_text().strip()
        assert f"http://127.0.0.1:{server.port}/?key={key}" in out
        assert f"/w/{code}" in out
        assert "▀" in out or "▄" in out  # the QR code, drawn in the terminal
        assert "phones cannot reach this laptop" in out  # bound to loopback: warned
        # The key is kept: a second start prints the same facilitator URL.
        assert httpx.get(f"{server.base}/healthz").json()["ok"] is True
    finally:
        server.stop()
    again = ServerProcess(data).start()
    try:
        assert f"/?key={key}" in again.out.read_text()
    finally:
        again.stop()


async def test_ctrl_c_with_phones_connected_stops_cleanly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code = yoriai("new", "x", "--data", str(data)).stdout.split()[-1]
    server = ServerProcess(data).start()

    class Addr:
        ws_url = server.ws_url

    try:
        phones = [await Client(Addr(), code).connect() for _ in range(20)]  # type: ignore[arg-type]
        server.interrupt()
        assert server.proc is not None
        # A hang guard, not a timing target: uvicorn's graceful timeout is 2 s.
        returncode = await asyncio.to_thread(server.proc.wait, 20)
        assert returncode == 0
        assert "Yoriai stopped." in server.out.read_text()
        assert "Traceback" not in server.err.read_text()
        for p in phones:
            await p.close()
    finally:
        server.stop()


def test_new_with_a_bad_program_names_the_key(tmp_path: Path) -> None:
    program = tmp_path / "review.json"
    program.write_text('{"id": "r", "title": {"ja": "振り返り", "en": "Review"},\n'
                       ' "steps": [{"id": "future", "label": {"ja": "a", "en": "b"},\n'
                       '   "prompt": {"ja": "a", "en": "b"}, "opens": ["dance"]}]}')
    result = yoriai("new", "振り返りの会", "--program", str(program), "--data", str(tmp_path))
    assert result.returncode == 2
    assert "steps[0].opens[0]: unknown action 'dance'" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    program.write_text(program.read_text().replace('"dance"', '"post_review"'))
    result = yoriai("new", "振り返りの会", "--program", str(program), "--date", "2027-02-01",
                    "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_new_takes_the_name_of_a_program_that_comes_with_yoriai(tmp_path: Path) -> None:
    result = yoriai("new", "ワールドカフェの夕べ", "--program", "world-cafe",
                    "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    events = asyncio.run(read_events(tmp_path, result.stdout.split()[-1]))
    assert events[0].data["program"] == bundled_program("world-cafe").to_dict()
    result = yoriai("new", "会", "--program", "world-café", "--data", str(tmp_path))
    assert result.returncode == 2 and "cannot read the program file world-café" in result.stderr


async def test_demo_replays_a_whole_evening_once(tmp_path: Path) -> None:
    made = yoriai("demo", "--if-empty", "--data", str(tmp_path))
    assert made.returncode == 0, made.stderr
    code = made.stdout.split()[-1]
    again = yoriai("demo", "--if-empty", "--data", str(tmp_path))
    assert again.returncode == 0 and "no demo made" in again.stdout

    async def check() -> None:
        server = ServerProcess(tmp_path).start()

        class Addr:
            ws_url = server.ws_url

        try:
            console = await Client(Addr(), code, key=server.key).connect()  # type: ignore[arg-type]
            assert len(console.board.notes) == 120
            assert len(console.board.items("actions")) == 10
            assert console.board.participant_count == 30
            assert console.board.workshop["step"] == "practice"
            await console.close()
        finally:
            server.stop()

    await check()


def test_demo_with_tables_replays_the_evening_at_five_tables(tmp_path: Path) -> None:
    made = yoriai("demo", "--tables", "--data", str(tmp_path))
    assert made.returncode == 0, made.stderr
    assert "five tables" in made.stdout
    state = replay(asyncio.run(read_events(tmp_path, made.stdout.split()[-1])))
    assert state.program.id == "world-cafe" and state.step == "sharing"
    assert len(state.tables) == 5 and state.round == 2
    assert all(t.host is not None for t in state.tables.values())
    assert len(state.notes) == 120 and all(n.table in state.tables for n in state.notes.values())
    assert {t.table for t in state.themes.values()} == set(state.tables)
    assert len(state.actions) == 10
