"""The room's Wi-Fi (issue 11 item 3): `yoriai serve --wifi` as every workshop's default,
`set_wifi` for one evening, the Wi-Fi QR code at /w/<code>/wifi.svg, and the password
in no frame any audience is sent and on no page.

Real server, real SQLite in tmp_path, real WebSocket clients; the CLI test runs the real
`yoriai serve` process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import Client, LiveServer
from yoriai.facilitation.model import Wifi
from yoriai.facilitation.venue import wifi_uri
from yoriai.server import qr

from .serverproc import ServerProcess, yoriai

DEFAULT = Wifi("centre-guest", "yoriai-2026")
# Every character the WIFI: scheme escapes, none that JSON would (so a search of the frames
# as JSON text finds it if it is there at all).
SECRET = "pa;ss:wo,rd-7"


@pytest.fixture
def venue(tmp_path: Path) -> Iterator[LiveServer]:
    """A server started as `yoriai serve --wifi centre-guest --wifi-password …` starts."""
    server = LiveServer(tmp_path / "data", wifi=DEFAULT).start()
    yield server
    server.stop()


def wifi_of(client: Client) -> Any:
    return client.board.workshop.get("wifi")


def frames_text(client: Client) -> str:
    return json.dumps(client.received, ensure_ascii=False)


async def audiences(server: LiveServer, code: str) -> tuple[Client, Client, Client, Client]:
    """The facilitator, a joined phone, a phone not joined yet, and the projector."""
    facilitator = await Client(server, code, key=server.key).connect()
    phone = await Client(server, code).connect()
    await phone.join("佐藤")
    watcher = await Client(server, code).connect()
    projector = await Client(server, code).connect()
    return facilitator, phone, watcher, projector


async def test_the_servers_wifi_is_every_audiences_default_and_set_wifi_overrides_it(
        venue: LiveServer) -> None:
    code = venue.new_workshop()
    everyone = await audiences(venue, code)
    for client in everyone:
        assert wifi_of(client) == {"name": "centre-guest", "qr": True}

    facilitator = everyone[0]
    reply = await facilitator.cmd("set_wifi", name="公民館ゲスト", password=SECRET)
    assert reply["type"] == "ack", reply
    for client in everyone:
        await client.wait_for(lambda b: b.workshop.get("wifi", {}).get("name") == "公民館ゲスト")
        assert wifi_of(client) == {"name": "公民館ゲスト", "qr": True}

    # A name without a password: no Wi-Fi QR code.
    assert (await facilitator.cmd("set_wifi", name="open-hall", password=""))["type"] == "ack"
    for client in everyone:
        await client.wait_for(lambda b: b.workshop.get("wifi") == {"name": "open-hall",
                                                                    "qr": False})

    # An empty name goes back to the server's Wi-Fi.
    assert (await facilitator.cmd("set_wifi", name="", password=""))["type"] == "ack"
    for client in everyone:
        await client.wait_for(lambda b: b.workshop.get("wifi") == {"name": "centre-guest",
                                                                    "qr": True})

    # Someone who joins now, and a phone reconnecting, get it in their snapshot.
    late = await Client(venue, code).connect()
    assert wifi_of(late) == {"name": "centre-guest", "qr": True}


async def test_without_any_wifi_the_header_says_null(live: LiveServer) -> None:
    code = live.new_workshop()
    phone = await Client(live, code).connect()
    assert "wifi" in phone.board.workshop and wifi_of(phone) is None


async def test_the_password_is_in_no_frame_of_any_audience(venue: LiveServer) -> None:
    code = venue.new_workshop()
    everyone = await audiences(venue, code)
    facilitator, phone = everyone[0], everyone[1]
    reply = await facilitator.cmd("set_wifi", name="公民館ゲスト", password=SECRET)
    assert reply["type"] == "ack"
    # Something after it that every audience sees: all of the set_wifi's frames have come.
    assert (await facilitator.cmd("lock_board", locked=True))["type"] == "ack"
    for client in everyone:
        await client.wait_for(lambda b: b.workshop.get("locked") is True)
    # Reconnecting clients (a snapshot and a resume) too.
    fresh = await Client(venue, code, token=phone.token).connect()
    another = await Client(venue, code).connect()
    for client in (*everyone, fresh, another):
        text = frames_text(client)
        assert "公民館ゲスト" in text  # the frames were read: the name is there …
        assert SECRET not in text and "pa;ss" not in text  # … and the password is not
    # The server's default password is in no frame either (its name is).
    for client in everyone:
        assert DEFAULT.password not in frames_text(client)
    # Nor on any page a phone or the projector opens.
    with httpx.Client(base_url=venue.base) as http:
        for path in (f"/w/{code}", f"/w/{code}/screen", f"/w/{code}/handout", "/"):
            page = http.get(path)
            assert page.status_code == 200
            assert SECRET not in page.text and DEFAULT.password not in page.text


async def test_only_the_facilitator_may_set_the_wifi(venue: LiveServer) -> None:
    code = venue.new_workshop()
    _, phone, watcher, _ = await audiences(venue, code)
    for client in (phone, watcher):
        reply = await client.cmd("set_wifi", name="evil-twin", password="password1")
        assert reply["type"] == "error" and reply["code"] in ("not_allowed", "join_first")
        assert wifi_of(client) == {"name": "centre-guest", "qr": True}


@pytest.mark.parametrize(("args", "code"), [
    ({"name": "あ" * 11, "password": ""}, "wifi_name_too_long"),  # 33 bytes
    ({"name": "x" * 33, "password": ""}, "wifi_name_too_long"),
    ({"name": "hall", "password": "short77"}, "wifi_password_length"),  # 7
    ({"name": "hall", "password": "p" * 64}, "wifi_password_length"),
    ({"name": "hall", "password": "パスワード12345678"}, "bad_wifi_password"),
    ({"name": "hall", "password": " leading-space"}, "bad_wifi_password"),
    ({"name": "hall", "password": "tab\there-pass"}, "bad_wifi_password"),
    ({"name": "", "password": "password1"}, "empty_wifi_name"),
    ({"name": 42, "password": ""}, "bad_wifi_name"),
    ({"name": "hall", "password": ["password1"]}, "bad_wifi_password"),
    ({"name": "hall\ud800", "password": ""}, "bad_text"),
    ({"name": "hall", "password": "pass\ud800word"}, "bad_text"),
    ({"name": "hall", "password": "password1", "ssid": "x"}, "unknown_argument"),
])
async def test_bad_names_and_passwords_are_refused_readably_and_change_nothing(
        venue: LiveServer, args: dict[str, Any], code: str) -> None:
    workshop = venue.new_workshop()
    facilitator = await Client(venue, workshop, key=venue.key).connect()
    phone = await Client(venue, workshop).connect()
    # Sent as raw JSON: a lone surrogate is valid JSON escaped, never encodable text.
    reply = await facilitator.cmd("set_wifi", **args)
    assert reply["type"] == "error" and reply["code"] == code, reply
    assert reply["message"] and "error." not in reply["message"]  # a sentence, not a key
    # Nothing changed: the next good command is the first event after the workshop's.
    ok = await facilitator.cmd("set_wifi", name="hall", password="password1")
    assert ok["type"] == "ack" and ok["seq"] == 2
    await phone.wait_for(lambda b: b.workshop.get("wifi") == {"name": "hall", "qr": True})


def test_wifi_svg_is_404_without_a_password_and_the_wifi_qr_with_one(
        live: LiveServer) -> None:
    code = live.new_workshop()
    with httpx.Client(base_url=live.base) as http:
        assert http.get(f"/w/{code}/wifi.svg").status_code == 404  # no Wi-Fi at all
    set_wifi(live, code, name="open-hall", password="")
    with httpx.Client(base_url=live.base) as http:
        missing = http.get(f"/w/{code}/wifi.svg", headers={"Accept-Language": "ja"})
        assert missing.status_code == 404 and "パスワード" in missing.text  # readable
        assert http.get("/w/nosuch/wifi.svg").status_code == 404
    set_wifi(live, code, name='公民館;"A",B:C\\', password='p\\a;s"s,w:d')
    with httpx.Client(base_url=live.base) as http:
        reply = http.get(f"/w/{code}/wifi.svg")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("image/svg+xml")
    assert reply.headers["cache-control"] == "no-store"
    # Every special character escaped with a backslash (the WIFI: URI scheme), and the SVG
    # is the QR code of exactly that text.
    expected = 'WIFI:T:WPA;S:公民館\\;\\"A\\"\\,B\\:C\\\\;P:p\\\\a\\;s\\"s\\,w\\:d;;'
    assert wifi_uri(Wifi('公民館;"A",B:C\\', 'p\\a;s"s,w:d')) == expected
    assert reply.text == qr.svg(expected)
    assert reply.text != qr.svg(f"{live.base}/w/{code}")  # not the join code


def test_the_wifi_qr_follows_the_servers_default(venue: LiveServer) -> None:
    code = venue.new_workshop()
    with httpx.Client(base_url=venue.base) as http:
        reply = http.get(f"/w/{code}/wifi.svg")
    assert reply.status_code == 200
    assert reply.text == qr.svg("WIFI:T:WPA;S:centre-guest;P:yoriai-2026;;")


def set_wifi(server: LiveServer, code: str, *, name: str, password: str) -> None:
    import asyncio

    async def send() -> None:
        facilitator = await Client(server, code, key=server.key).connect()
        reply = await facilitator.cmd("set_wifi", name=name, password=password)
        assert reply["type"] == "ack", reply
        await facilitator.close()

    asyncio.run(send())


def test_the_workshops_wifi_outlives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = LiveServer(data).start()
    try:
        code = first.new_workshop()
        set_wifi(first, code, name="hall", password="password1")
    finally:
        first.stop()
    again = LiveServer(data, wifi=DEFAULT).start()
    try:
        with httpx.Client(base_url=again.base) as http:
            assert http.get(f"/w/{code}/wifi.svg").text == qr.svg(
                "WIFI:T:WPA;S:hall;P:password1;;")  # the workshop's own, not the default
            assert "hall" in http.get(f"/w/{code}").text
    finally:
        again.stop()


def test_yoriai_serve_wifi_sets_the_default_and_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = yoriai("new", "冬の寄り合い", "--data", str(data))
    assert made.returncode == 0, made.stderr
    code = made.stdout.split()[-1]
    server = ServerProcess(data, extra_args=("--wifi", "公民館ゲスト",
                                             "--wifi-password", "yoriai-2026")).start()
    try:
        with httpx.Client(base_url=server.base) as http:
            page = http.get(f"/w/{code}", headers={"Accept-Language": "ja"})
            assert "つながらないときは Wi-Fi『公民館ゲスト』につないでください" in page.text
            assert "yoriai-2026" not in page.text
            assert http.get(f"/w/{code}/wifi.svg").text == qr.svg(
                "WIFI:T:WPA;S:公民館ゲスト;P:yoriai-2026;;")
    finally:
        server.stop()
    assert "公民館ゲスト" in server.out.read_text()  # the banner names it
    assert "yoriai-2026" not in server.out.read_text()


@pytest.mark.parametrize(("args", "words"), [
    (("--wifi", "hall", "--wifi-password", "short"), "8 to 63"),
    (("--wifi-password", "password1"), "--wifi NAME"),
    (("--wifi", "あ" * 11), "32 bytes"),
])
def test_yoriai_serve_refuses_a_wifi_no_phone_could_join(tmp_path: Path, args: tuple[str, ...],
                                                        words: str) -> None:
    result = yoriai("serve", "--no-browser", "--port", "0", "--data", str(tmp_path / "d"),
                    *args)
    assert result.returncode == 2
    assert result.stderr.startswith("yoriai: error: ") and words in result.stderr
    assert "Traceback" not in result.stderr


async def test_the_servers_wifi_stays_after_a_failed_write_puts_the_room_back(
        tmp_path: Path) -> None:
    """A write that fails (a trigger aborts it, at the SQLite boundary) makes the hub load
    the room back from its log: the state it loads is given the server's Wi-Fi again, so
    the room and what it shows still agree, and phones keep seeing the default."""
    import sqlite3

    from yoriai.server.context import DB_FILE

    live = LiveServer(tmp_path / "data", wifi=DEFAULT).start()
    try:
        code = live.new_workshop()
        facilitator = await Client(live, code, key=live.key).connect()
        with sqlite3.connect(live.data_dir / DB_FILE) as db:  # beside the running server
            db.execute("CREATE TRIGGER fail_marked BEFORE INSERT ON events WHEN NEW.data "
                       "LIKE '%unwritable%' BEGIN SELECT RAISE(ABORT, 'injected'); END")
        failed = await facilitator.cmd("set_wifi", name="unwritable", password="")
        assert failed["type"] == "error" and failed["code"] == "server_error"
        # The next command waits for the room to be put back, then goes through.
        ok = await facilitator.cmd("set_wifi", name="hall", password="password1")
        assert ok["type"] == "ack" and ok["seq"] == 2
        room = live.ctx.hub.rooms[code]
        assert room.state.default_wifi == DEFAULT and room.shown.default_wifi == DEFAULT
        assert (await facilitator.cmd("set_wifi", name="", password=""))["type"] == "ack"
        phone = await Client(live, code).connect()
        assert wifi_of(phone) == {"name": "centre-guest", "qr": True}
        assert "unwritable" not in frames_text(phone)
    finally:
        live.stop()
