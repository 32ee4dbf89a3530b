"""Tables over real WebSockets: a host's phone becomes the table's host (a new welcome and
snapshot), sees its own table's private notes live and never another table's; the phones
at the other table and the projector are never sent them; a latecomer is seated as they
join; after a round every live view equals a fresh connection's; and the workshop's JSON
archive, tables and all, imports again (every event re-decided by the live rules)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from tests.support import Client, LiveServer
from yoriai.exports.archive import read_archive

SECRET_HERE = "ここだけの思い"
SECRET_THERE = "となりの秘密"


async def ok(client: Client, name: str, /, **args: Any) -> dict[str, Any]:
    reply = await client.cmd_patiently(name, **args)
    assert reply["type"] == "ack", (name, reply)
    result: dict[str, Any] = reply["result"]
    return result


async def test_an_evening_at_two_tables_over_websockets(live: LiveServer) -> None:
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    host, near, far = [await Client(live, code).connect() for _ in range(3)]
    for client, name in ((host, "ホスト"), (near, "となり"), (far, "むこう")):
        await client.join(name, show_name=True)
    screen = await Client(live, code).connect()
    await ok(fac, "make_tables", count=2, by="hand")
    for client, table in ((host, "k1"), (near, "k1"), (far, "k2")):
        await ok(fac, "seat", participant_id=client.board.participant_id, table_id=table)
    await ok(fac, "set_table_host", table_id="k1", participant_id=host.board.participant_id)
    await host.wait_for(lambda b: b.role == "table_host" and b.me["host_of"] == "k1")
    assert "seats" in host.board.items("tables")["k1"]
    assert "seats" not in host.board.items("tables")["k2"]
    await near.wait_for(lambda b: b.me is not None and b.me["table"] == "k1")

    await ok(fac, "set_private_notes", private=True)
    here = (await ok(near, "post_note", kind="wish", text=SECRET_HERE))["note_id"]
    there = (await ok(far, "post_note", kind="wish", text=SECRET_THERE))["note_id"]
    await host.wait_for(lambda b: here in b.notes)
    assert host.board.notes[here]["author_name"] == "となり"
    assert host.board.notes[here]["table"] == "k1"
    # The host sorts its table's notes, still private, into a theme of its table.
    theme = (await ok(host, "create_theme", title="ベンチ", note_id=here))["theme_id"]
    reply = await host.cmd_patiently("create_theme", title="x", table_id="k2")
    assert reply["code"] == "not_your_table"
    reply = await host.cmd_patiently("group_note", note_id=there, theme_id=theme)
    assert reply["code"] == "unknown_note"  # another table's private note is no note to it

    late = await Client(live, code).connect()
    await late.join("遅れて来た人")
    assert late.board.me is not None and late.board.me["table"] == "k2"  # the emptier table
    await screen.wait_for(lambda b: b.items("tables")["k2"]["seat_count"] == 2)

    await ok(fac, "start_round")
    await fac.wait_for(lambda b: b.workshop.get("round") == 2)
    everyone = {"facilitator": fac, "host": host, "near": near, "far": far, "late": late,
                "screen": screen}
    for client in everyone.values():
        await client.wait_for(lambda b: b.workshop.get("round") == 2)
    # The host stays at its table; the round moved no note.
    assert host.board.me is not None and host.board.me["table"] == "k1"
    assert fac.board.notes[here]["table"] == "k1" and fac.board.notes[there]["table"] == "k2"

    # Never sent to a phone of another table, nor to the projector: not even the id.
    for client in (far, late, screen):
        stream = json.dumps(client.received, ensure_ascii=False)
        assert SECRET_HERE not in stream and f'"{here}"' not in stream
    for client in (host, near, late, screen):
        stream = json.dumps(client.received, ensure_ascii=False)
        assert SECRET_THERE not in stream and f'"{there}"' not in stream

    # Every live view is what a fresh connection gets.
    fresh = {
        "facilitator": await Client(live, code, key=live.key).connect(),
        "host": await Client(live, code, token=host.token).connect(),
        "near": await Client(live, code, token=near.token).connect(),
        "far": await Client(live, code, token=far.token).connect(),
        "late": await Client(live, code, token=late.token).connect(),
        "screen": await Client(live, code).connect(),
    }
    for name, client in everyone.items():
        assert client.board.view.as_state() == fresh[name].board.view.as_state(), name

    # The archive carries the tables, and imports again through the live rules.
    def download() -> bytes:
        with httpx.Client(base_url=live.base, cookies={"yoriai_key": live.key},
                          timeout=60) as http:
            return http.get(f"/w/{code}/export/json").content

    archive = read_archive(await asyncio.to_thread(download))
    assert list(archive.state.tables) == ["k1", "k2"]
    assert archive.state.round == 2 and len(archive.state.seatings) == 2
    assert archive.state.notes[here].table == "k1"
