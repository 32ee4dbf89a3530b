"""The newsletter page over the wire: write_lead / set_schedule / set_next_meeting through
the real hub, the console's look at the generated lead (GET /w/<code>/newsletter, the
facilitator only), the contact line set once per data folder (`yoriai contact`) reaching
every download and `yoriai export`, and a refusal its sender can read.

Real server on loopback, real SQLite in tmp_path, real WebSocket clients, the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import Client, LiveServer
from yoriai.facilitation import limits

from .serverproc import yoriai

CONTACT = "西部市民サービスセンター 018-823-0000"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "data").start()
    yield live
    live.stop()


def get(server: LiveServer, path: str, key: bool = True) -> httpx.Response:
    cookies = {"yoriai_key": server.key} if key else {}
    return httpx.get(server.base + path, cookies=cookies, timeout=30)


async def test_the_lead_travels_to_the_console_and_into_every_page(server: LiveServer) -> None:
    code = server.new_workshop("雪と暮らしの寄り合い", "西部")
    facilitator = await Client(server, code, key=server.key).connect()
    phone = await Client(server, code).connect()
    await phone.join("佐藤", "住民")

    looked = get(server, f"/w/{code}/newsletter").json()
    assert looked["lead"] == "" and "1人（住民1人）が集まり" in looked["generated_lead"]
    assert looked["contact"] == ""

    ack = await facilitator.cmd("set_schedule", start="19:00", end="21:00")
    assert ack["type"] == "ack", ack
    ack = await facilitator.cmd("write_lead", text="冬の暮らしを話し合いました。")
    assert ack["type"] == "ack", ack
    # Every audience's header follows (the phone too: it is the page's public text).
    await phone.wait_for(lambda board: board.workshop.get("newsletter", {}).get("lead")
                         == "冬の暮らしを話し合いました。")
    assert phone.board.workshop["newsletter"]["start"] == "19:00"
    assert get(server, f"/w/{code}/newsletter").json()["lead"] == "冬の暮らしを話し合いました。"

    page = get(server, f"/w/{code}/export/html").text
    assert "冬の暮らしを話し合いました。" in page and "19:00〜21:00" in page
    await facilitator.close()
    await phone.close()


async def test_a_refusal_is_readable_and_changes_nothing(server: LiveServer) -> None:
    code = server.new_workshop()
    facilitator = await Client(server, code, key=server.key).connect()
    phone = await Client(server, code).connect()
    await phone.join()
    too_long = await facilitator.cmd("write_lead", text="あ" * (limits.LEAD_MAX_CHARS + 1))
    assert too_long["type"] == "error" and too_long["code"] == "lead_too_long"
    assert str(limits.LEAD_MAX_CHARS) in too_long["message"]
    bad_time = await facilitator.cmd("set_schedule", start="7時", end="")
    assert bad_time["type"] == "error" and bad_time["code"] == "bad_time"
    assert "19:00" in bad_time["message"]  # 「時刻は 19:00 のように入れてください。」
    # A participant may not write the page.
    refused = await phone.cmd("write_lead", text="乗っ取り")
    assert refused["type"] == "error" and refused["code"] == "not_allowed"
    assert facilitator.board.workshop["newsletter"] == {"lead": "", "start": "", "end": "",
                                                         "next": None}
    await facilitator.close()
    await phone.close()


def test_only_the_facilitator_may_look_at_the_lead(server: LiveServer) -> None:
    code = server.new_workshop()
    assert get(server, f"/w/{code}/newsletter", key=False).status_code == 403
    assert get(server, "/w/nosuch1/newsletter").status_code == 404


def test_the_contact_line_is_set_once_per_data_folder(server: LiveServer,
                                                       tmp_path: Path) -> None:
    data = server.data_dir
    code = server.new_workshop("雪と暮らしの寄り合い", "西部")
    assert "問い合わせ" not in get(server, f"/w/{code}/export/html").text

    set_it = yoriai("contact", CONTACT, "--data", str(data))
    assert set_it.returncode == 0, set_it.stderr
    # The running server reads it at the next download: no restart.
    for fmt in ("html", "md"):
        assert f"問い合わせ：{CONTACT}" in get(server, f"/w/{code}/export/{fmt}").text, fmt
    assert get(server, f"/w/{code}/newsletter").json()["contact"] == CONTACT
    shown = yoriai("contact", "--data", str(data))
    assert shown.returncode == 0 and CONTACT in shown.stdout

    out = tmp_path / "plan.md"
    exported = yoriai("export", code, "--format", "md", "-o", str(out), "--data", str(data))
    assert exported.returncode == 0, exported.stderr
    assert f"問い合わせ：{CONTACT}" in out.read_text("utf-8")

    too_long = yoriai("contact", "あ" * (limits.CONTACT_MAX_CHARS + 1), "--data", str(data))
    assert too_long.returncode != 0 and str(limits.CONTACT_MAX_CHARS) in too_long.stderr
    assert "Traceback" not in too_long.stderr
    assert get(server, f"/w/{code}/newsletter").json()["contact"] == CONTACT  # unchanged

    removed = yoriai("contact", "", "--data", str(data))
    assert removed.returncode == 0, removed.stderr
    assert "問い合わせ" not in get(server, f"/w/{code}/export/html").text


def test_a_contact_file_edited_into_nonsense_is_ignored(server: LiveServer) -> None:
    code = server.new_workshop()
    (server.data_dir / "contact.txt").write_bytes(b"\xff\xfe broken")
    response = get(server, f"/w/{code}/export/html")
    assert response.status_code == 200 and "問い合わせ" not in response.text
