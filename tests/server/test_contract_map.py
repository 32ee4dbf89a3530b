"""Black-box contract tests for map work (地図ワーク), written from README.md (*The district's
map*, *The map in the plan*, programs, the addresses, the archive and its checksum) and
docs/protocol.md only (§11 *Map work*, the command table of §4, the codes of §5, the limits
of §8, *What a recipient may see* of §2, patches of §3). Each test states the sentence it
checks. A real uvicorn on loopback, a real SQLite file in tmp_path, real WebSocket clients and
real HTTP (tests/support.py); every wait is for a message or a state."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
import subprocess
import sys
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageCms
from PIL.JpegImagePlugin import JpegImageFile
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from tests.support import HANG, Client, LiveServer, map_image

GRID = 10000  # MAP_GRID (§8)
AREA_MIN = 1000  # MAP_AREA_MIN
LONG_SIDE = 2400  # MAP_LONG_SIDE_PX
TITLE_MAX = 40  # MAP_TITLE_MAX_CHARS
UPLOAD_MAX = 31457280  # MAP_UPLOAD_MAX_BYTES (30 MiB)
DRAIN_MAX = 62914560  # MAP_DRAIN_MAX_BYTES
ALL_KINDS = ["charm", "issue", "wish"]
CACHE = "public, max-age=31536000, immutable"
A4 = (595.2756, 841.8898)  # points


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "data").start()
    yield live
    live.stop()


class PatientClient(Client):
    """Told to slow down, waits a moment and sends again with the same id, as the phone
    does (§5): these tests check map rules, not the rate."""

    async def cmd(self, name: str, /, command_id: str | None = None,
                  **args: Any) -> dict[str, Any]:
        while True:
            reply = await super().cmd(name, command_id, **args)
            if reply.get("code") != "slow_down":
                return reply
            command_id = reply["id"]
            await asyncio.sleep(0.25)


class Room:
    """A workshop with a facilitator's console, a projector and joined phones."""

    def __init__(self, server: LiveServer, code: str) -> None:
        self.server, self.code = server, code
        self.fac: Client = PatientClient(server, code, key=server.key)
        self.screen: Client = PatientClient(server, code)

    async def open(self) -> Room:
        await self.fac.connect()
        await self.screen.connect()
        return self

    async def join(self, name: str) -> tuple[Client, str]:
        phone = PatientClient(self.server, self.code)
        await phone.connect()
        reply = await phone.join(name)
        return phone, str(reply["result"]["participant_id"])

    async def cofacilitator(self, name: str = "つむぎ") -> tuple[Client, str]:
        phone, pid = await self.join(name)
        snap = phone.waiter(lambda m: m["type"] == "snapshot")
        ok(await self.fac.cmd("grant_cofacilitator", participant_id=pid))
        await asyncio.wait_for(snap, HANG)  # a new welcome and snapshot for the new role
        assert phone.board.role == "cofacilitator"
        return phone, pid


@pytest.fixture
async def room(server: LiveServer) -> AsyncIterator[Room]:
    yield await Room(server, server.new_workshop()).open()


def ok(reply: dict[str, Any]) -> dict[str, Any]:
    assert reply["type"] == "ack", reply
    return reply


def refused(reply: dict[str, Any], code: str) -> dict[str, Any]:
    assert reply["type"] == "error", reply
    assert reply["code"] == code, reply
    assert isinstance(reply["message"], str) and reply["message"], reply
    return reply


async def settle(*clients: Client) -> None:
    """Wait until each client has been sent everything decided so far: a ping's pong comes
    after every message queued for that socket before it."""
    for client in clients:
        pong = client.waiter(lambda m: m["type"] == "pong")
        await client.send({"type": "ping"})
        await asyncio.wait_for(pong, HANG)


async def upload(server: LiveServer, code: str, body: bytes | Any, *,
                 title: str | None = None, page: str | None = None, key: bool = True,
                 token: str | None = None, headers: dict[str, str] | None = None,
                 json_answer: bool = True) -> httpx.Response:
    """``POST /w/<code>/map`` with the body as it is: the facilitator's key cookie (``key``),
    a participant's token, or neither."""
    params: dict[str, str] = {}
    if title is not None:
        params["title"] = title
    if page is not None:
        params["page"] = page
    sent = {"content-type": "application/octet-stream"}
    if json_answer:
        sent["accept"] = "application/json"
    if token is not None:
        sent["x-yoriai-token"] = token
    sent.update(headers or {})
    cookies = {"yoriai_key": server.key} if key else None
    async with httpx.AsyncClient(base_url=server.base, timeout=HANG, cookies=cookies) as http:
        return await http.post(f"/w/{code}/map", content=body, params=params, headers=sent)


def uploaded(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def problem(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A refusal as JSON: ``{"error": {"code", "message", "params", "command"}}``."""
    assert answer.status_code == status, (answer.status_code, answer.text)
    error: dict[str, Any] = answer.json()["error"]
    assert {"code", "message", "params", "command"} <= set(error), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    return error


async def get_image(server: LiveServer, code: str, digest: str,
                    **kw: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base, timeout=HANG) as http:
        return await http.get(f"/w/{code}/map/{digest}.jpg",
                              headers={"accept": "application/json"}, **kw)


async def archive(server: LiveServer, code: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.base, timeout=HANG,
                                 cookies={"yoriai_key": server.key}) as http:
        answer = await http.get(f"/w/{code}/export/json")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def events(server: LiveServer, code: str) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = (await archive(server, code))["events"]
    return got


def of(log: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in log if e["type"] == kind]


def stored_files(server: LiveServer) -> set[str]:
    folder = server.data_dir / "photos"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def header_map(client: Client) -> Any:
    return client.board.workshop["map"]


def pins(client: Client) -> dict[str, Any]:
    return {nid: note["pin"] for nid, note in client.board.notes.items()}


def names_note(msg: dict[str, Any], note_id: str) -> bool:
    """Whether a server message names a note: in a patch's upsert, replace or remove, or its
    tallies (a batch's items one by one)."""
    if msg.get("type") == "batch":
        return any(names_note(item, note_id) for item in msg["items"])
    if msg.get("type") == "snapshot":
        return any(n["id"] == note_id for n in msg["state"]["notes"]) or \
            note_id in msg["state"]["tallies"]
    if msg.get("type") != "event":
        return False
    data = msg["data"]
    for part in ("upsert", "replace"):
        if any(n["id"] == note_id for n in data.get(part, {}).get("notes", [])):
            return True
    return note_id in data.get("remove", {}).get("notes", []) or \
        note_id in data.get("tallies", {})


def jpeg_markers(data: bytes) -> list[int]:
    """The JPEG's segment markers before its image data (APPn, COM, DQT, SOF …)."""
    assert data[:2] == b"\xff\xd8", data[:4]
    markers, i = [], 2
    while i < len(data):
        assert data[i] == 0xFF, i
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the image data follows
            break
        length = int.from_bytes(data[i + 2:i + 4], "big")
        markers.append(marker)
        i += 2 + length
    return markers


def make_pdf(pages: list[tuple[float, float]], *, rotate: int = 0,
             encrypt: StandardEncryption | None = None) -> bytes:
    """A PDF made with reportlab: each page white with a red block on its top-left quarter
    (as the page is drawn, before any /Rotate)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=pages[0], encrypt=encrypt)
    for width, height in pages:
        pdf.setPageSize((width, height))
        pdf.setFillColorRGB(1, 0, 0)
        pdf.rect(0, height * 0.75, width * 0.25, height * 0.25, fill=1, stroke=0)
        pdf.showPage()
    pdf.save()
    data = out.getvalue()
    if rotate:
        # reportlab's own rotation also swaps the page's box; this sets only the page's
        # /Rotate, one or two bytes longer, and takes as many spaces out of the same object's
        # /MediaBox so that every offset of the cross-reference table stays true.
        assert len(pages) == 1 and data.count(b"/Rotate 0") == 1 and rotate in (90, 180, 270)
        start = data.index(b"/MediaBox [ ")
        end = data.index(b" ]", start) + 2
        box = data[start:end].replace(b"[ ", b"[")
        if rotate >= 100:
            box = box.replace(b" ]", b"]")
        data = data[:start] + box + data[end:]
        data = data.replace(b"/Rotate 0", b"/Rotate " + str(rotate).encode(), 1)
        assert len(data) == len(out.getvalue())
    return data


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def red(pixel: Any) -> bool:
    r, g, b = pixel[:3]
    return bool(r > 200 and g < 60 and b < 60)


def blue(pixel: Any) -> bool:
    r, g, b = pixel[:3]
    return bool(b > 200 and r < 60 and g < 60)


def white(pixel: Any) -> bool:
    return all(c > 240 for c in pixel[:3])


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def map_room(room: Room, title: str = "西部地区 全図",
                   body: bytes | None = None) -> dict[str, Any]:
    """The room with a map, once every open board has its header."""
    reply = uploaded(await upload(room.server, room.code, body or map_image(), title=title))
    await settle(room.fac, room.screen)
    return reply


# --- the program's map step -------------------------------------------------------------------

async def test_the_default_programs_first_step_is_a_map_step(room: Room) -> None:
    """§11: 'The default program's first step 「確かめてみよう」 is one' ('"map": true',
    absent: not one); §2: a workshop without a map has "map": null in the header."""
    for client in (room.fac, room.screen):
        steps = client.board.workshop["program"]["steps"]
        assert steps[0]["label"]["ja"] == "確かめてみよう"
        assert steps[0]["map"] is True
        assert all("map" not in step for step in steps[1:]), steps
        assert header_map(client) is None


def yoriai(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yoriai", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


async def test_programs_mark_their_map_steps(tmp_path: Path) -> None:
    """README (*program*): a step of a program file may say `"map": true` (false or absent:
    not a map step; anything else refuses the file, naming the key); §11: the header's step
    has `"map": true`, absent otherwise. The bundled world-cafe program's 確かめてみよう is a
    map step."""
    bundled = Path(__file__).resolve().parents[2] / "yoriai/facilitation/programs"
    program = json.loads((bundled / "machizukuri.json").read_text(encoding="utf-8"))
    program["steps"][0]["map"] = False
    program["steps"][1]["map"] = True
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(program, ensure_ascii=False), encoding="utf-8")
    data = tmp_path / "data"
    made = yoriai("new", "地図は二番目", "--program", str(path), "--data", str(data), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    mine = made.stdout.strip().splitlines()[-1].strip()
    made = yoriai("new", "カフェ", "--program", "world-cafe", "--data", str(data), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    cafe = made.stdout.strip().splitlines()[-1].strip()
    program["steps"][1]["map"] = "yes"
    path.write_text(json.dumps(program, ensure_ascii=False), encoding="utf-8")
    bad = yoriai("new", "だめ", "--program", str(path), "--data", str(data), cwd=tmp_path)
    assert bad.returncode != 0 and "steps[1].map" in bad.stderr, bad.stderr
    live = LiveServer(data).start()
    try:
        screen = PatientClient(live, mine)
        await screen.connect()
        steps = screen.board.workshop["program"]["steps"]
        assert "map" not in steps[0] and steps[1]["map"] is True
        assert all("map" not in step for step in steps[2:])
        await screen.close()
        screen = PatientClient(live, cafe)
        await screen.connect()
        steps = screen.board.workshop["program"]["steps"]
        assert [s["label"]["ja"] for s in steps if s.get("map")] == ["確かめてみよう"]
        assert all(s.get("map", True) is True for s in steps)
        await screen.close()
    finally:
        live.stop()


# --- the upload: who, the answer, the stored file ---------------------------------------------

async def test_facilitator_upload_answers_and_every_board_has_the_map(room: Room) -> None:
    """§11: the answer is {hash, width, height, seq}; the hash is the SHA-256 of the stored
    JPEG in lower-case hex, kept as photos/<sha256>.jpg; 'every board's header has the map
    before the answer is sent'; the header's map is public and starts with every kind shown
    and no area; MapAdded carries {hash, title, width, height}."""
    phone, _ = await room.join("佐藤")
    before = stored_files(room.server)
    reply = uploaded(await upload(room.server, room.code, map_image(1200, 800), title="西部地区"))
    assert set(reply) == {"hash", "width", "height", "seq"}
    digest = reply["hash"]
    assert len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    assert (reply["width"], reply["height"]) == (1200, 800)  # never enlarged
    # queued before the answer: a ping sent now is answered after the map's event
    await settle(room.fac, room.screen, phone)
    expected = {"hash": digest, "title": "西部地区", "width": 1200, "height": 800,
                "kinds": ALL_KINDS, "area": None}
    for client in (room.fac, room.screen, phone):
        assert header_map(client) == expected
        assert client.board.seq >= reply["seq"]
    image = await get_image(room.server, room.code, digest)
    assert image.status_code == 200
    assert hashlib.sha256(image.content).hexdigest() == digest
    # MAP_JPEG_QUALITY (90): the stored JPEG's quantisation tables are quality 90's
    reference = io.BytesIO()
    opened(image.content).save(reference, "JPEG", quality=90)
    stored = opened(image.content)
    again = opened(reference.getvalue())
    assert isinstance(stored, JpegImageFile) and isinstance(again, JpegImageFile)
    assert stored.quantization == again.quantization
    assert stored_files(room.server) - before == {f"{digest}.jpg"}
    assert (room.server.data_dir / "photos" / f"{digest}.jpg").read_bytes() == image.content
    log = await events(room.server, room.code)
    assert of(log, "MapAdded") == [{"hash": digest, "title": "西部地区", "width": 1200,
                                    "height": 800}]
    assert log[-1]["type"] == "MapAdded" and log[-1]["seq"] == reply["seq"]
    # the map is not one of the evening's photos
    assert digest not in room.fac.board.items("photos")


async def test_a_cofacilitator_may_upload_a_participant_and_a_stranger_may_not(
        room: Room) -> None:
    """§11: the facilitator or a つむぎすと uploads (X-Yoriai-Token); 403 need_key without
    the key or a token of this workshop; 403 not_allowed (params.command add_map) for a
    participant's token; both refused unread (a body that is no picture at all is not looked
    at); a refusal stores nothing and records nothing."""
    cofac, _ = await room.cofacilitator()
    phone, _ = await room.join("佐藤")
    other = room.server.new_workshop("よその会")
    stranger = PatientClient(room.server, other)
    await stranger.connect()
    await stranger.join("よそ者")
    assert phone.token and cofac.token and stranger.token
    files = stored_files(room.server)
    count = len(await events(room.server, room.code))
    garbage = b"this is no picture at all"
    error = problem(await upload(room.server, room.code, garbage, key=False, token=phone.token),
                    403, "not_allowed")
    assert error["params"]["command"] == "add_map"
    problem(await upload(room.server, room.code, garbage, key=False), 403, "need_key")
    problem(await upload(room.server, room.code, garbage, key=False, token=stranger.token),
            403, "need_key")
    problem(await upload(room.server, room.code, garbage, key=False,
                         token="p1.forged-token"), 403, "need_key")
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG,
                                 cookies={"yoriai_key": "not-the-key"}) as http:
        wrong = await http.post(f"/w/{room.code}/map", content=garbage,
                                headers={"accept": "application/json"})
    problem(wrong, 403, "need_key")
    assert stored_files(room.server) == files
    assert len(await events(room.server, room.code)) == count
    # the つむぎすと's upload is recorded like the facilitator's
    reply = uploaded(await upload(room.server, room.code, map_image(600, 400), key=False,
                                  token=cofac.token, title="つむぎの地図"))
    await settle(room.screen, cofac)
    assert header_map(room.screen)["hash"] == reply["hash"]
    assert header_map(cofac)["title"] == "つむぎの地図"
    # revoked, the token is a participant's again
    ok(await room.fac.cmd("revoke_cofacilitator", participant_id=cofac.board.participant_id))
    problem(await upload(room.server, room.code, map_image(500, 400), key=False,
                         token=cofac.token), 403, "not_allowed")


async def test_a_removed_cofacilitators_token_may_not_upload(room: Room) -> None:
    """§11 (as §9): 403 not_allowed for a token of someone the facilitator has removed
    (params.command add_map); nothing recorded."""
    cofac, cid = await room.cofacilitator("消える人")
    ok(await room.fac.cmd("remove_participant", participant_id=cid))
    count = len(await events(room.server, room.code))
    error = problem(await upload(room.server, room.code, map_image(400, 300), key=False,
                                 token=cofac.token), 403, "not_allowed")
    assert error["params"]["command"] == "add_map"
    assert len(await events(room.server, room.code)) == count
    assert stored_files(room.server) == set()


async def test_unknown_workshop_and_another_origin(server: LiveServer) -> None:
    """§11: 404 unknown_workshop; 'like every state-changing request it must come from the
    page's own origin' (403, text `cross-origin request refused`: another host, port or
    scheme, or `null`); README's 421 for a Host it does not answer to; the page's own origin
    is accepted."""
    problem(await upload(server, "nosuch", map_image()), 404, "unknown_workshop")
    code = server.new_workshop()
    for origin in ("http://evil.example", "null", "http://127.0.0.1:1",
                   f"https://127.0.0.1:{server.port}"):
        answer = await upload(server, code, map_image(), headers={"origin": origin})
        assert answer.status_code == 403, origin
        assert "cross-origin request refused" in answer.text
    # README: 421 `unknown host name` for a Host the server does not answer to
    answer = await upload(server, code, map_image(), headers={"host": "evil.example"})
    assert answer.status_code == 421 and "unknown host name" in answer.text
    assert stored_files(server) == set()
    uploaded(await upload(server, code, map_image(), headers={"origin": server.base}))


async def test_the_map_addresses_answer_to_the_code_in_another_case(room: Room) -> None:
    """README: a code typed in another case or full-width: 'the other /w/<code>/… addresses
    answer to it as they are' — the upload and the image too."""
    upper = room.code.upper()
    wide = "".join(chr(ord(c) + 0xFEE0) for c in room.code)  # full-width letters and digits
    reply = uploaded(await upload(room.server, upper, map_image(640, 400)))
    await settle(room.screen)
    assert header_map(room.screen)["hash"] == reply["hash"]
    for code in (upper, wide):
        answer = await get_image(room.server, code, reply["hash"])
        assert answer.status_code == 200
        assert hashlib.sha256(answer.content).hexdigest() == reply["hash"]


async def test_the_same_map_again_records_nothing(room: Room) -> None:
    """§11: 'The same map uploaded again is the same hash and records nothing: its title and
    the view stay as they were (another title is not taken), and the answer's seq is the
    workshop's latest.'"""
    first = await map_room(room)
    ok(await room.fac.cmd("set_map_view", kinds=["wish"]))
    await settle(room.screen)
    count = len(await events(room.server, room.code))
    seq = room.screen.board.seq
    assert seq > first["seq"]
    header = header_map(room.screen)
    for title in ("西部地区 全図", "別の名前", None):
        again = uploaded(await upload(room.server, room.code, map_image(), title=title))
        assert again["hash"] == first["hash"] and again["seq"] == seq
        assert (again["width"], again["height"]) == (first["width"], first["height"])
    await settle(room.screen)
    assert room.screen.board.seq == seq
    assert header_map(room.screen) == header and header["title"] == "西部地区 全図"
    assert len(await events(room.server, room.code)) == count


async def test_the_bytes_decide_not_the_content_type(room: Room) -> None:
    """§11: 'Content-Type: anything (the server looks at the bytes, not at this header)';
    'the body being the file itself': a form (multipart) wrapping a picture is no picture."""
    picture, pdf = map_image(310, 200), make_pdf([A4])
    for body, kind in ((picture, "application/pdf"), (picture, "text/plain"),
                       (pdf, "image/jpeg"), (pdf, "multipart/form-data; boundary=x")):
        reply = uploaded(await upload(room.server, room.code, body,
                                      headers={"content-type": kind}))
        assert reply["height"] == (200 if body is picture else LONG_SIDE)
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG,
                                 cookies={"yoriai_key": room.server.key}) as http:
        form = await http.post(f"/w/{room.code}/map", headers={"accept": "application/json"},
                               files={"file": ("map.jpg", map_image(320, 200), "image/jpeg")})
    problem(form, 415, "map_not_an_image")


async def answer_before_the_body(room: Room, query: str, auth: str) -> tuple[int, str]:
    """POST a map whose 20 MB body is declared and never sent: only a decision made before
    the body is read can answer it (else this waits until the hang guard)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
    writer.write((f"POST /w/{room.code}/map{query} HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{room.server.port}\r\n{auth}Accept: application/json\r\n"
                  f"Content-Length: 20000000\r\n\r\n").encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HANG)
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    body = await asyncio.wait_for(reader.readexactly(length), HANG)
    writer.close()
    return int(head.split()[1]), json.loads(body)["error"]["code"]


async def test_refusals_decided_before_the_body_is_read(room: Room) -> None:
    """§11: 'Who sends it, the page and the title are checked before the body is read (a
    participant's token, or none, is refused unread; so is a map while a note is placed on
    the current one)'."""
    phone, _ = await room.join("佐藤")
    key = f"Cookie: yoriai_key={room.server.key}\r\n"
    assert await answer_before_the_body(room, "", "") == (403, "need_key")
    assert await answer_before_the_body(room, "", f"X-Yoriai-Token: {phone.token}\r\n") == \
        (403, "not_allowed")
    assert await answer_before_the_body(room, "?page=0", key) == (422, "map_bad_page")
    assert await answer_before_the_body(room, "?title=" + "a" * 41, key) == \
        (422, "map_title_too_long")
    await map_room(room)
    ok(await phone.cmd("post_note", kind="issue", text="ここ", pin={"x": 1, "y": 1}))
    assert await answer_before_the_body(room, "", key) == (409, "map_in_use")


# --- pictures ---------------------------------------------------------------------------------

async def test_a_picture_is_shrunk_to_the_long_side_and_never_enlarged(room: Room) -> None:
    """§11: 'shrunk to at most MAP_LONG_SIDE_PX on its long side (never enlarged)'; PNG, WebP
    and GIF are pictures as JPEG is; the served bytes are a JPEG of the answer's size."""
    cases = [((4800, 1200), "PNG", (2400, 600)), ((1000, 3000), "WEBP", (800, 2400)),
             ((300, 200), "GIF", (300, 200)), ((2400, 2400), "JPEG", (2400, 2400))]
    for (w, h), fmt, size in cases:
        reply = uploaded(await upload(room.server, room.code, map_image(w, h, fmt)))
        assert (reply["width"], reply["height"]) == size, (fmt, reply)
        served = await get_image(room.server, room.code, reply["hash"])
        assert served.status_code == 200
        image = opened(served.content)
        assert image.format == "JPEG" and image.size == size
        await settle(room.screen)
        assert header_map(room.screen)["hash"] == reply["hash"]
        assert (header_map(room.screen)["width"], header_map(room.screen)["height"]) == size


async def test_a_picture_is_turned_upright_cleaned_and_put_on_white(room: Room) -> None:
    """§11: 'turned upright by its EXIF orientation, transparency on white', and the stored
    JPEG has 'no metadata at all' (no EXIF, GPS position, XMP or ICC profile)."""
    source = Image.open(io.BytesIO(map_image(1200, 800)))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show
    exif[0x013B] = "Owner Yamada Taro"  # Artist
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 22.0)}  # a GPS position
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    source.save(out, "JPEG", exif=exif.tobytes(), icc_profile=icc, xmp=b"<x:xmpmeta>Yamada"
                b"</x:xmpmeta>", comment=b"Yamada's camera")
    body = out.getvalue()
    assert b"Yamada" in body and 0xE1 in jpeg_markers(body) and 0xE2 in jpeg_markers(body)
    reply = uploaded(await upload(room.server, room.code, body))
    assert (reply["width"], reply["height"]) == (800, 1200)
    stored = (await get_image(room.server, room.code, reply["hash"])).content
    assert b"Yamada" not in stored and b"Exif" not in stored
    assert not {0xE1, 0xE2, 0xED, 0xFE} & set(jpeg_markers(stored)), jpeg_markers(stored)
    image = opened(stored).convert("RGB")
    assert image.size == (800, 1200)
    # the red square drawn at (400..460, 266..326) of the sideways picture, turned clockwise
    assert red(image.getpixel((800 - 1 - 296, 430)))
    # orientation 3 (upside down) and 8 (turn anticlockwise to show)
    for orientation, size, spot in ((3, (1200, 800), (1199 - 430, 799 - 296)),
                                    (8, (800, 1200), (296, 1199 - 430))):
        tagged = Image.Exif()
        tagged[0x0112] = orientation
        out = io.BytesIO()
        source.save(out, "JPEG", exif=tagged.tobytes())
        reply = uploaded(await upload(room.server, room.code, out.getvalue()))
        turned = opened((await get_image(room.server, room.code, reply["hash"])).content)
        assert turned.size == size, orientation
        assert red(turned.convert("RGB").getpixel(spot)), orientation
    # transparency: a PNG whose left half is transparent black
    clear = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    clear.paste(Image.new("RGBA", (200, 300), (0, 0, 255, 255)), (200, 0))
    out = io.BytesIO()
    clear.save(out, "PNG")
    reply = uploaded(await upload(room.server, room.code, out.getvalue()))
    image = opened((await get_image(room.server, room.code, reply["hash"])).content)
    assert white(image.convert("RGB").getpixel((50, 150)))
    assert blue(image.convert("RGB").getpixel((350, 150)))


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


async def test_pictures_of_every_kind_become_an_upright_rgb_jpeg(room: Room) -> None:
    """§11: any JPEG, PNG, WebP or GIF is 'checked and cleaned like a photo ... transparency
    on white' and shrunk to the long side; a sliver of a picture, or of a PDF page, still has
    a size of at least 1 (add_map's width and height are 1 to MAP_LONG_SIDE_PX)."""
    palette = Image.new("P", (300, 200), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    cases: list[tuple[str, bytes, tuple[int, int], str]] = [
        ("sliver", encoded(Image.new("RGB", (9000, 2), (255, 0, 0)), "PNG"), (2400, 1), "red"),
        ("pdf sliver", make_pdf([(14400.0, 1.0)]), (2400, 1), "white"),
        ("cmyk", encoded(Image.new("CMYK", (400, 300), (0, 255, 255, 0)), "JPEG"), (400, 300),
         "red"),
        ("palette png", encoded(palette, "PNG", transparency=0), (300, 200), "white"),
        ("palette gif", encoded(palette, "GIF", transparency=0), (300, 200), "white"),
        ("grey alpha", encoded(Image.new("LA", (300, 200), (0, 0)), "PNG"), (300, 200),
         "white"),
        ("webp alpha", encoded(Image.new("RGBA", (300, 200), (0, 0, 0, 0)), "WEBP"),
         (300, 200), "white"),
    ]
    for name, body, size, colour in cases:
        reply = uploaded(await upload(room.server, room.code, body, title=name))
        assert (reply["width"], reply["height"]) == size, (name, reply)
        image = opened((await get_image(room.server, room.code, reply["hash"])).content)
        assert image.mode == "RGB" and image.size == size, name
        middle = image.getpixel((size[0] // 2, size[1] // 2))
        assert (red if colour == "red" else white)(middle), (name, middle)


# --- PDF pages --------------------------------------------------------------------------------

async def test_a_pdf_page_is_rendered_at_the_long_side(room: Room) -> None:
    """§11: 'A PDF's page is rendered by PDFium on white at the scale that makes its long side
    MAP_LONG_SIDE_PX ... whatever size the page claims'; `page` from 1 chooses the page."""
    body = make_pdf([A4, (100.0, 50.0), (14400.0, 4800.0)])
    first = uploaded(await upload(room.server, room.code, body, title="市の地図"))
    assert first["height"] == LONG_SIDE and abs(first["width"] - 1697) <= 1, first
    image = opened((await get_image(room.server, room.code, first["hash"])).content)
    assert image.size == (first["width"], first["height"])
    w, h = image.size
    assert red(image.getpixel((w // 10, h // 10)))  # the red block: top left
    assert white(image.getpixel((w * 3 // 4, h * 3 // 4)))  # on white
    assert uploaded(await upload(room.server, room.code, body, page="001"))["hash"] == \
        first["hash"]  # leading zeros: the same first page
    page_two = uploaded(await upload(room.server, room.code, body, page="2"))
    assert (page_two["width"], page_two["height"]) == (2400, 1200)  # enlarged to the side
    page_three = uploaded(await upload(room.server, room.code, body, page="3"))
    assert (page_three["width"], page_three["height"]) == (2400, 800)  # shrunk to the side
    assert len({first["hash"], page_two["hash"], page_three["hash"]}) == 3
    await settle(room.screen)
    assert header_map(room.screen)["hash"] == page_three["hash"]


async def test_a_pdf_page_is_rendered_as_it_is_shown(room: Room) -> None:
    """§11: '(as the page is shown, its /Rotate applied)': an A4 page turned 90° is a
    landscape picture, its top-left corner now at the top right."""
    reply = uploaded(await upload(room.server, room.code, make_pdf([A4], rotate=90)))
    assert reply["width"] == LONG_SIDE and abs(reply["height"] - 1697) <= 1, reply
    image = opened((await get_image(room.server, room.code, reply["hash"])).content)
    w, h = image.size
    assert red(image.getpixel((w - w // 10, h // 10)))
    assert white(image.getpixel((w // 10, h // 10)))
    # 180°: upside down, the corner at the bottom right; 270°: at the bottom left
    for rotate, corner, size in ((180, (0.9, 0.9), (1697, 2400)),
                                 (270, (0.1, 0.9), (2400, 1697))):
        reply = uploaded(await upload(room.server, room.code, make_pdf([A4], rotate=rotate)))
        assert abs(reply["width"] - size[0]) <= 1 and abs(reply["height"] - size[1]) <= 1
        image = opened((await get_image(room.server, room.code, reply["hash"])).content)
        w, h = image.size
        assert red(image.getpixel((int(w * corner[0]), int(h * corner[1])))), rotate
        assert white(image.getpixel((w // 10, h // 10))), rotate


async def test_a_pdf_that_forbids_printing_is_rendered(room: Room) -> None:
    """§11: 'A PDF that can be opened without a password is rendered even when it forbids
    printing or copying.'"""
    locked = StandardEncryption("", ownerPassword="owner-secret", canPrint=0, canCopy=0,
                                canModify=0, canAnnotate=0, strength=128)
    reply = uploaded(await upload(room.server, room.code, make_pdf([A4], encrypt=locked)))
    assert reply["height"] == LONG_SIDE


async def test_a_pdf_is_found_by_its_first_kilobyte(room: Room) -> None:
    """§11: a PDF is 'a file that starts with `%PDF-` within its first 1,024 bytes'; past
    that it is not a PDF (and no picture either: 415 map_not_an_image)."""
    pdf = make_pdf([A4])
    near = b" " * 1000 + pdf
    reply = uploaded(await upload(room.server, room.code, near))
    assert reply["height"] == LONG_SIDE
    far = b" " * 1100 + pdf
    problem(await upload(room.server, room.code, far), 415, "map_not_an_image")


async def test_pdf_refusals(room: Room) -> None:
    """§11's table: map_pdf_encrypted (a password to open it), map_pdf_broken (cannot be
    read), map_pdf_no_page (params.page, params.pages), all 422; map_bad_page for a `page`
    that is not a whole number from 1 in at most 9 ASCII digits, decided before the body is
    read."""
    count = len(await events(room.server, room.code))
    files = stored_files(room.server)
    secret = StandardEncryption("user-secret", ownerPassword="owner-secret", strength=128)
    problem(await upload(room.server, room.code, make_pdf([A4], encrypt=secret)), 422,
            "map_pdf_encrypted")
    problem(await upload(room.server, room.code, b"%PDF-1.7\n" + b"\x00garbage" * 500), 422,
            "map_pdf_broken")
    two = make_pdf([A4, A4])
    error = problem(await upload(room.server, room.code, two, page="3"), 422, "map_pdf_no_page")
    assert error["params"]["page"] == 3 and error["params"]["pages"] == 2
    error = problem(await upload(room.server, room.code, two, page="999"), 422,
                    "map_pdf_no_page")
    assert error["params"]["page"] == 999 and error["params"]["pages"] == 2
    error = problem(await upload(room.server, room.code, two, page="999999999"), 422,
                    "map_pdf_no_page")
    assert error["params"]["page"] == 999999999
    for page in ("0", "-1", "1.5", "abc", "", "１", "+1", " 1", "1e2", "0x1", "00",
                 "1000000000", "9" * 40):
        # the body is no picture: the page is decided first
        problem(await upload(room.server, room.code, b"not read", page=page), 422,
                "map_bad_page")
    assert stored_files(room.server) == files
    assert len(await events(room.server, room.code)) == count


async def test_page_is_a_pdfs_and_a_picture_ignores_a_valid_one(room: Room) -> None:
    """§11: `page` is 'a PDF's page, from 1': a picture's upload with a valid page is the
    picture (the page checked all the same, before the body)."""
    reply = uploaded(await upload(room.server, room.code, map_image(500, 300), page="2"))
    assert (reply["width"], reply["height"]) == (500, 300)
    problem(await upload(room.server, room.code, map_image(500, 300), page="0"), 422,
            "map_bad_page")


# --- refusals of the body and the title -------------------------------------------------------

async def test_not_a_picture(room: Room) -> None:
    """§11: 415 map_not_an_image: 'text, an empty body, a truncated JPEG, another format'."""
    jpeg = map_image()
    bmp = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(bmp, "BMP")
    tiff = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(tiff, "TIFF")
    for body in (b"\xe5\x9c\xb0\xe5\x9b\xb3 text", b"", jpeg[: len(jpeg) // 2], bmp.getvalue(),
                 tiff.getvalue(), b"<svg xmlns='http://www.w3.org/2000/svg'/>"):
        problem(await upload(room.server, room.code, body), 415, "map_not_an_image")
    assert stored_files(room.server) == set()
    assert header_map(room.fac) is None


async def test_too_many_pixels_is_refused_from_the_header(room: Room) -> None:
    """§11: 413 map_too_many_pixels when 'the picture claims more than MAP_PIXELS_MAX
    pixels (params.max_mp)'; a picture at the limit's side of it is fine."""
    big = Image.new("1", (8000, 6500), 1)  # 52 Mpx, a few kB as PNG
    out = io.BytesIO()
    big.save(out, "PNG")
    error = problem(await upload(room.server, room.code, out.getvalue()), 413,
                    "map_too_many_pixels")
    assert error["params"]["max_mp"] == 50
    assert "50" in error["message"]
    # bombs: a header claiming many pixels and almost nothing behind it (74 bytes for
    # 60 Mpx; 400 Mpx and a GIF of 65535 x 65535, past what Pillow itself calls a bomb)
    for width, height in ((10000, 6000), (20000, 20000)):
        header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
        bomb = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
                + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + png_chunk(b"IEND", b""))
        problem(await upload(room.server, room.code, bomb), 413, "map_too_many_pixels")
    side = (65535).to_bytes(2, "little") * 2
    gif = (b"GIF89a" + side + b"\x00\x00\x00," + b"\x00" * 4 + side
           + b"\x00\x02\x02\x44\x01\x00;")
    problem(await upload(room.server, room.code, gif), 413, "map_too_many_pixels")
    assert stored_files(room.server) == set()


async def test_too_large_a_body(room: Room) -> None:
    """§11: 413 map_too_large over MAP_UPLOAD_MAX_BYTES (params.max_mb), with a declared
    length and without one (counted as it arrives); up to MAP_DRAIN_MAX_BYTES the rest is
    read and dropped, so the client reads the 413; 'a declared Content-Length larger than
    this is answered at once' (here before any of the body is sent)."""
    body = map_image() + b"\x00" * UPLOAD_MAX
    error = problem(await upload(room.server, room.code, body), 413, "map_too_large")
    assert error["params"]["max_mb"] == 30 and "30" in error["message"]

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(33):
            yield b"\x00" * (1 << 20)

    problem(await upload(room.server, room.code, chunks()), 413, "map_too_large")
    # up to MAP_DRAIN_MAX_BYTES the rest is read and dropped: the client reads the 413
    drained = b"\x00" * (40 * 1024 * 1024)
    problem(await upload(room.server, room.code, drained), 413, "map_too_large")
    # a declared length past MAP_DRAIN_MAX_BYTES, no body sent at all: answered anyway
    reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
    writer.write((f"POST /w/{room.code}/map HTTP/1.1\r\nHost: 127.0.0.1:{room.server.port}\r\n"
                  f"Cookie: yoriai_key={room.server.key}\r\nAccept: application/json\r\n"
                  f"Content-Length: {DRAIN_MAX + 1}\r\n\r\n").encode())
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), HANG)
    assert status.split()[1] == b"413", status
    writer.close()
    assert stored_files(room.server) == set()


async def test_title_rules(room: Room) -> None:
    """§11: the title is at most MAP_TITLE_MAX_CHARS characters (grapheme clusters, §4),
    may be empty, goes through the text check (single line: a line break becomes a space;
    a noncharacter is bad_text), and is checked before the body is read."""
    error = problem(await upload(room.server, room.code, b"unread", title="地" * (TITLE_MAX + 1)),
                    422, "map_title_too_long")
    assert error["params"]["max"] == TITLE_MAX and error["params"]["length"] == TITLE_MAX + 1
    problem(await upload(room.server, room.code, b"unread", title="地図\uffff"), 422, "bad_text")
    zalgo = "地" + "\u0301" * 20  # one character of 21 code points (CHAR_MAX_CODEPOINTS 16)
    problem(await upload(room.server, room.code, b"unread", title=zalgo), 422, "bad_text")
    family = "👨‍👩‍👧‍👦"  # one character a person sees, seven code points
    reply = uploaded(await upload(room.server, room.code, map_image(), title=family * TITLE_MAX))
    await settle(room.screen)
    assert header_map(room.screen)["title"] == family * TITLE_MAX
    uploaded(await upload(room.server, room.code, map_image(900, 600), title="  西部\n地区  "))
    await settle(room.screen)
    assert header_map(room.screen)["title"] == "西部 地区"
    empty = uploaded(await upload(room.server, room.code, map_image(800, 600)))
    await settle(room.screen)
    assert header_map(room.screen)["title"] == "" and empty["hash"] != reply["hash"]


async def test_refusal_message_in_the_pages_language(room: Room) -> None:
    """§11: a refusal's message is 'in the page's language'; an HTML client gets the error
    page rather than JSON."""
    ja = problem(await upload(room.server, room.code, b"x", headers={"accept-language": "ja"}),
                 415, "map_not_an_image")
    en = problem(await upload(room.server, room.code, b"x", headers={"accept-language": "en"}),
                 415, "map_not_an_image")
    assert ja["message"] != en["message"]
    assert any(ord(c) > 0x3000 for c in ja["message"])
    assert en["message"].isascii()
    page = await upload(room.server, room.code, b"x", json_answer=False,
                        headers={"accept": "text/html"})
    assert page.status_code == 415 and "text/html" in page.headers["content-type"]


# --- while the body arrives: races, senders that go away --------------------------------------

async def upload_meanwhile(room: Room, auth: str, meanwhile: Any) -> tuple[int, bytes]:
    """Upload a 16 MB map (a picture and zeros after its end, which Pillow never reads) by
    hand, and do ``meanwhile`` once the server is seen reading the body: past what the
    kernel's buffers can hold (a few MB each way on loopback), bytes it took were read, so
    its checks before the body are done (were they not, ``meanwhile`` would come before them
    and the outcome be the same). Returns the answer's status and body."""
    picture = map_image(700, 500)
    body = picture + b"\x00" * (16 * 1024 * 1024 - len(picture))
    reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
    writer.write((f"POST /w/{room.code}/map HTTP/1.1\r\nHost: 127.0.0.1:{room.server.port}\r\n"
                  f"{auth}\r\nAccept: application/json\r\n"
                  f"Content-Length: {len(body)}\r\n\r\n").encode())
    sent, step = 0, 1 << 20
    while sent < 14 * step:
        writer.write(body[sent:sent + step])
        await writer.drain()
        sent += step
    await meanwhile()
    writer.write(body[sent:])
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HANG)
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    answer = await asyncio.wait_for(reader.readexactly(length), HANG)
    writer.close()
    return int(head.split()[1]), answer


async def test_a_place_given_while_the_body_arrives_refuses_the_new_map_whole(
        room: Room) -> None:
    """§11: map_in_use is decided before the body is read — and again when the map is
    recorded: a note placed on the current map while a new map's body is still arriving
    (a big PDF over the room's Wi-Fi) makes that upload a refusal, and 'a refusal stores
    nothing and records nothing'."""
    phone, _ = await room.join("佐藤")
    await map_room(room)
    files = stored_files(room.server)
    count = len(await events(room.server, room.code))

    async def place() -> None:
        ok(await phone.cmd("post_note", kind="issue", text="ここ", pin={"x": 1, "y": 1}))

    status, answer = await upload_meanwhile(room, f"Cookie: yoriai_key={room.server.key}",
                                            place)
    assert status == 409 and json.loads(answer)["error"]["code"] == "map_in_use", answer
    assert stored_files(room.server) == files
    log = await events(room.server, room.code)
    assert len(log) == count + 1 and log[-1]["type"] == "NotePosted"


async def test_a_cofacilitator_revoked_while_the_body_arrives_adds_no_map(room: Room) -> None:
    """§4: each command is authorised when it arrives: a つむぎすと whose role is revoked
    while their map's body is still arriving is refused (403 not_allowed), nothing stored."""
    cofac, cid = await room.cofacilitator()

    async def revoke() -> None:
        ok(await room.fac.cmd("revoke_cofacilitator", participant_id=cid))

    status, answer = await upload_meanwhile(room, f"X-Yoriai-Token: {cofac.token}", revoke)
    assert status == 403 and json.loads(answer)["error"]["code"] == "not_allowed", answer
    assert stored_files(room.server) == set()
    await settle(room.screen)
    assert header_map(room.screen) is None
    # the same upload from a つむぎすと who stays one is recorded
    ok(await room.fac.cmd("grant_cofacilitator", participant_id=cid))

    async def nothing() -> None:
        return None

    status, answer = await upload_meanwhile(room, f"X-Yoriai-Token: {cofac.token}", nothing)
    assert status == 200, answer


async def test_two_uploads_at_once(room: Room) -> None:
    """§11: maps are prepared one at a time; two uploads sent together both get an answer,
    and the board ends with the map whose answer has the later seq."""
    first, second = await asyncio.gather(
        upload(room.server, room.code, make_pdf([A4]), title="PDF"),
        upload(room.server, room.code, map_image(1600, 900), title="写真"))
    a, b = uploaded(first), uploaded(second)
    assert a["seq"] != b["seq"]
    last = max(a, b, key=lambda r: int(r["seq"]))
    await settle(room.screen)
    assert header_map(room.screen)["hash"] == last["hash"]
    assert (await get_image(room.server, room.code, last["hash"])).status_code == 200
    other = a if last is b else b
    assert (await get_image(room.server, room.code, other["hash"])).status_code == 404
    assert [d["hash"] for d in of(await events(room.server, room.code), "MapAdded")] == \
        [other["hash"], last["hash"]]


class Recorder(logging.Handler):
    """Every record the server's uvicorn logs (its own thread) while a test runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server_log() -> Iterator[Recorder]:
    recorder = Recorder()
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(recorder)
    yield recorder
    logger.removeHandler(recorder)


async def test_a_sender_that_goes_away_or_stalls_is_no_fault(
        room: Room, server_log: Recorder) -> None:
    """§11: 'A sender that goes away in the middle of the body is no fault: nothing is stored
    and nothing is logged'; 'the whole request, body included, must arrive within
    HTTP_REQUEST_TIMEOUT_SECS ... a connection still sending then is closed with no
    answer'."""
    head = (f"POST /w/{room.code}/map HTTP/1.1\r\nHost: 127.0.0.1:{room.server.port}\r\n"
            f"Cookie: yoriai_key={room.server.key}\r\nAccept: application/json\r\n"
            f"Content-Length: 5000000\r\n\r\n").encode()
    picture = map_image(800, 600)
    # goes away: half a picture, then the connection closes
    reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
    writer.write(head + picture[: len(picture) // 2])
    await writer.drain()
    writer.close()
    # stalls: a start, then nothing — the server closes it, with no answer
    reader, writer = await asyncio.open_connection("127.0.0.1", room.server.port)
    writer.write(head + picture[: len(picture) // 2])
    await writer.drain()
    try:
        heard = await asyncio.wait_for(reader.read(), HANG)
    except ConnectionResetError:
        heard = b""
    writer.close()
    assert heard == b"", heard[:200]
    # the room goes on: an upload after both is recorded, and only it is stored
    reply = uploaded(await upload(room.server, room.code, map_image(640, 480)))
    assert stored_files(room.server) == {f"{reply['hash']}.jpg"}
    assert of(await events(room.server, room.code), "MapAdded") == [
        {"hash": reply["hash"], "title": "", "width": 640, "height": 480}]
    errors = [r.getMessage() for r in server_log.records if r.levelno >= logging.WARNING]
    assert errors == [], errors
    logger = logging.getLogger("uvicorn.error")  # where an error would have been logged
    assert not logger.disabled and logger.isEnabledFor(logging.ERROR)


# --- the image --------------------------------------------------------------------------------

async def test_the_image_is_served_to_anyone_and_only_the_current_one(room: Room) -> None:
    """§11: GET /w/<code>/map/<hash>.jpg serves the current map to anyone (no key) with
    `Cache-Control: public, max-age=31536000, immutable`; any other hash — an earlier map, a
    photo, a map of another workshop — is 404 unknown_map, and the map is not a photo (404
    unknown_photo at the photos' address); replacing leaves the file in the data folder."""
    no_map = await get_image(room.server, room.code, "0" * 64)
    assert no_map.status_code == 404 and no_map.json()["error"]["code"] == "unknown_map"
    first = await map_room(room)
    served = await get_image(room.server, room.code, first["hash"])
    assert served.status_code == 200
    assert served.headers["cache-control"] == CACHE
    assert served.headers["content-type"].startswith("image/jpeg")
    assert hashlib.sha256(served.content).hexdigest() == first["hash"]
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG,
                                 cookies={"yoriai_key": room.server.key}) as http:
        photo = await http.post(f"/w/{room.code}/photos", content=map_image(640, 480, "PNG"),
                                headers={"accept": "application/json"})
    assert photo.status_code == 200, photo.text
    second = uploaded(await upload(room.server, room.code, map_image(1000, 700)))
    other = room.server.new_workshop("よその会")
    theirs = uploaded(await upload(room.server, other, map_image(500, 500)))
    for digest in (first["hash"], photo.json()["hash"], theirs["hash"],
                   second["hash"].upper(), "0" * 64, "not-a-hash", "a" * 5000, "地図",
                   second["hash"] + "%00", f"{second['hash']}.jpg.."):
        answer = await get_image(room.server, room.code, digest)
        assert answer.status_code == 404, digest
        assert answer.json()["error"]["code"] == "unknown_map"
    assert (await get_image(room.server, room.code, second["hash"])).status_code == 200
    assert (await get_image(room.server, other, theirs["hash"])).status_code == 200
    assert f"{first['hash']}.jpg" in stored_files(room.server)
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG,
                                 cookies={"yoriai_key": room.server.key}) as http:
        as_photo = await http.get(f"/w/{room.code}/photos/{second['hash']}.jpg",
                                  headers={"accept": "application/json"})
    assert as_photo.status_code == 404
    assert as_photo.json()["error"]["code"] == "unknown_photo"
    gone = await get_image(room.server, "nosuch", second["hash"])
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "unknown_workshop"


async def test_the_phones_copy_of_the_map(room: Room) -> None:
    """§11: `GET /w/<code>/map/<hash>-phone.jpg` is the phones' copy of the same map, with
    the same rules and headers (anyone; the current map only; 404 unknown_map otherwise): at
    most MAP_PHONE_LONG_SIDE_PX (1,600) on its long side at JPEG quality
    MAP_PHONE_JPEG_QUALITY (80), the same shape; a map already that small is served as it
    is."""
    big = uploaded(await upload(room.server, room.code, map_image(2400, 1500)))
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG) as http:
        copy = await http.get(f"/w/{room.code}/map/{big['hash']}-phone.jpg")
        again = await http.get(f"/w/{room.code}/map/{big['hash']}-phone.jpg")
    assert copy.status_code == 200 and copy.headers["cache-control"] == CACHE
    assert copy.headers["content-type"].startswith("image/jpeg")
    assert again.content == copy.content
    image = opened(copy.content)
    assert isinstance(image, JpegImageFile) and image.size[0] == 1600
    assert abs(image.size[1] - 1500 * 1600 / 2400) <= 1  # the same shape
    reference = io.BytesIO()
    image.save(reference, "JPEG", quality=80)
    same = opened(reference.getvalue())
    assert isinstance(same, JpegImageFile) and image.quantization == same.quantization
    # the red square at a third of the way in is at a third of the way in on the copy too
    assert red(image.convert("RGB").getpixel((1600 // 3 + 20, image.size[1] // 3 + 20)))
    small = uploaded(await upload(room.server, room.code, map_image(1200, 800)))
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG) as http:
        as_is = await http.get(f"/w/{room.code}/map/{small['hash']}-phone.jpg")
        old = await http.get(f"/w/{room.code}/map/{big['hash']}-phone.jpg",
                             headers={"accept": "application/json"})
        stranger = await http.get(f"/w/{room.code}/map/{'0' * 64}-phone.jpg",
                                  headers={"accept": "application/json"})
    assert as_is.status_code == 200
    assert hashlib.sha256(as_is.content).hexdigest() == small["hash"]
    # made on first asking, one at a time: many phones asking at once get one same copy
    third = uploaded(await upload(room.server, room.code, map_image(2000, 2400)))
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG) as http:
        answers = await asyncio.gather(*[
            http.get(f"/w/{room.code}/map/{third['hash']}-phone.jpg") for _ in range(8)])
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    width, height = opened(answers[0].content).size
    assert height == 1600 and abs(width - 2000 * 1600 / 2400) <= 1
    for answer in (old, stranger):
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "unknown_map"


async def test_the_websocket_refuses_upload_only_commands_from_anyone(room: Room) -> None:
    """§5, §11: `add_map` (and `add_photo`) sent over the WebSocket is refused with
    upload_only (params.command), from anyone; nothing is recorded."""
    cofac, _ = await room.cofacilitator()
    phone, _ = await room.join("佐藤")
    digest = hashlib.sha256(b"x").hexdigest()
    count = len(await events(room.server, room.code))
    for client in (room.fac, cofac, phone, room.screen):
        error = refused(await client.cmd("add_map", hash=digest, title="地図", width=100,
                                         height=100), "upload_only")
        assert error["params"]["command"] == "add_map"
        error = refused(await client.cmd("add_photo", hash=digest, caption=""), "upload_only")
        assert error["params"]["command"] == "add_photo"
    assert len(await events(room.server, room.code)) == count
    assert header_map(room.fac) is None


# --- replacing and removing -------------------------------------------------------------------

async def test_replacing_the_map_while_a_note_is_placed(room: Room) -> None:
    """§11: another map replaces it only while no note is placed on the current one (409
    map_in_use, decided before the body is read; a hidden note's place counts too); 'a new
    map starts with every kind shown and no area'."""
    phone, _ = await room.join("佐藤")
    first = await map_room(room)
    ok(await room.fac.cmd("set_map_view", kinds=["issue"], area={"x": 0, "y": 0, "w": 5000,
                                                                 "h": 5000}))
    note = ok(await phone.cmd("post_note", kind="issue", text="ここが暗い",
                              pin={"x": 100, "y": 200}))["result"]["note_id"]
    ok(await room.fac.cmd("hide_note", note_id=note))
    count = len(await events(room.server, room.code))
    error = problem(await upload(room.server, room.code, b"unread"), 409, "map_in_use")
    assert error["code"] == "map_in_use"
    problem(await upload(room.server, room.code, map_image(700, 500)), 409, "map_in_use")
    assert len(await events(room.server, room.code)) == count
    await settle(room.screen)
    assert header_map(room.screen)["hash"] == first["hash"]
    # decided before the body is read: the current map's own file is refused as well
    problem(await upload(room.server, room.code, map_image()), 409, "map_in_use")
    ok(await room.fac.cmd("place_note", note_id=note, pin=None))
    second = uploaded(await upload(room.server, room.code, map_image(700, 500), title="二枚目"))
    await settle(room.screen, phone)
    for client in (room.screen, phone, room.fac):
        assert header_map(client) == {"hash": second["hash"], "title": "二枚目", "width": 700,
                                      "height": 500, "kinds": ALL_KINDS, "area": None}


async def test_a_deleted_note_holds_no_place(room: Room) -> None:
    """§11: 'no note is placed on the current one' once the only placed note is deleted."""
    phone, _ = await room.join("佐藤")
    await map_room(room)
    note = ok(await phone.cmd("post_note", kind="charm", text="桜並木",
                              pin={"x": 1, "y": 2}))["result"]["note_id"]
    problem(await upload(room.server, room.code, map_image(640, 480)), 409, "map_in_use")
    ok(await phone.cmd("delete_note", note_id=note))
    uploaded(await upload(room.server, room.code, map_image(640, 480)))


async def test_a_removed_participants_places_do_not_hold_the_map(room: Room) -> None:
    """§3: a removed participant's notes leave every view; §11: another map replaces the
    current one 'only while no note is placed on' it — their notes are no longer there."""
    phone, pid = await room.join("佐藤")
    await map_room(room)
    ok(await phone.cmd("post_note", kind="issue", text="ここ", pin={"x": 10, "y": 10}))
    problem(await upload(room.server, room.code, map_image(640, 480)), 409, "map_in_use")
    ok(await room.fac.cmd("remove_participant", participant_id=pid))
    await settle(room.fac)
    assert room.fac.board.notes == {}
    reply = uploaded(await upload(room.server, room.code, map_image(640, 480)))
    await settle(room.screen)
    assert header_map(room.screen)["hash"] == reply["hash"]


async def test_remove_map(room: Room) -> None:
    """§11: `remove_map` ({}) takes the map away: every note loses its place and stays on the
    board; MapRemoved's patch has every note that had a place, with pin null, for those who
    may see it; then a pin, place_note, remove_map and set_map_view are no_map; the image is
    404 and its file stays."""
    phone, _ = await room.join("佐藤")
    digest = (await map_room(room))["hash"]
    placed = ok(await phone.cmd("post_note", kind="wish", text="ベンチがほしい",
                                pin={"x": 5000, "y": 5000}))["result"]["note_id"]
    hidden = ok(await phone.cmd("post_note", kind="issue", text="ここは暗い",
                                pin={"x": 10, "y": 20}))["result"]["note_id"]
    ok(await room.fac.cmd("hide_note", note_id=hidden))
    plain = ok(await phone.cmd("post_note", kind="charm", text="場所なし"))["result"]["note_id"]
    refused(await phone.cmd("remove_map"), "not_allowed")
    refused(await room.screen.cmd("remove_map"), "not_allowed")
    refused(await room.fac.cmd("remove_map", hash=digest), "unknown_argument")
    await settle(room.fac, room.screen, phone)
    seen = {c: len(c.received) for c in (room.fac, room.screen, phone)}
    ok(await room.fac.cmd("remove_map"))
    await settle(room.fac, room.screen, phone)
    for client in (room.fac, room.screen, phone):
        assert header_map(client) is None
        assert all(p is None for p in pins(client).values()), pins(client)
        removed = [m for m in client.received[seen[client]:]
                   if m["type"] == "event" and m["event"] == "MapRemoved"]
        assert len(removed) == 1, client.received[seen[client]:]
        patch = {n["id"]: n for n in removed[0]["data"].get("upsert", {}).get("notes", [])}
        assert placed in patch and patch[placed]["pin"] is None
        assert removed[0]["data"]["workshop"]["map"] is None
        if client is room.screen:
            assert hidden not in patch and hidden not in room.screen.board.notes
        else:
            assert patch[hidden]["pin"] is None
    assert set(room.fac.board.notes) == {placed, hidden, plain}
    assert of(await events(room.server, room.code), "MapRemoved") == [{}]
    refused(await phone.cmd("post_note", kind="wish", text="x", pin={"x": 1, "y": 1}), "no_map")
    refused(await room.fac.cmd("place_note", note_id=placed, pin={"x": 1, "y": 1}), "no_map")
    refused(await room.fac.cmd("set_map_view", kinds=["charm"]), "no_map")
    refused(await room.fac.cmd("remove_map"), "no_map")
    assert (await get_image(room.server, room.code, digest)).status_code == 404
    assert f"{digest}.jpg" in stored_files(room.server)
    # 'absent or null: no place' is fine without a map
    note = ok(await phone.cmd("post_note", kind="wish", text="地図なしで", pin=None))
    await settle(room.fac)
    assert room.fac.board.notes[note["result"]["note_id"]]["pin"] is None


async def test_a_cofacilitator_may_remove_the_map(room: Room) -> None:
    """§4: remove_map is the facilitator's and a co-facilitator's."""
    cofac, _ = await room.cofacilitator()
    await map_room(room)
    ok(await cofac.cmd("remove_map"))
    await settle(room.screen)
    assert header_map(room.screen) is None


async def test_map_events_send_the_whole_header(room: Room) -> None:
    """§3: a patch's `workshop` is merged into the header; 'a join sends only
    participant_count, a private note only private_count; other changes send it whole': so
    MapAdded, MapViewSet and MapRemoved carry the whole header."""
    whole = set(room.screen.board.workshop)
    assert "map" in whole
    mark = len(room.screen.received)
    await map_room(room)
    ok(await room.fac.cmd("set_map_view", kinds=["wish"]))
    ok(await room.fac.cmd("remove_map"))
    await settle(room.screen)
    got = {m["event"]: m["data"]["workshop"] for m in room.screen.received[mark:]
           if m["type"] == "event" and "workshop" in m["data"]}
    assert set(got) == {"MapAdded", "MapViewSet", "MapRemoved"}, got
    for event, header in got.items():
        assert set(header) == whole, (event, set(header) ^ whole)


# --- post_note with a pin ---------------------------------------------------------------------

HOSTILE_PINS: list[Any] = [
    {"x": True, "y": 1}, {"x": 1, "y": False}, {"x": 1.5, "y": 1}, {"x": "1", "y": 1},
    {"x": -1, "y": 0}, {"x": 0, "y": -1}, {"x": GRID + 1, "y": 0}, {"x": 0, "y": GRID + 1},
    {"x": 10**30, "y": 0}, {"x": 1e308, "y": 1}, {"x": 1}, {"y": 1}, {},
    {"x": 1, "y": 2, "z": 3}, {"x": 1, "y": 2, "pin": None}, {"x": None, "y": 1},
    {"x": [1], "y": 1}, {"x": {"x": 1}, "y": 1}, [1, 2], "5000,5000", 5000, True, "",
    {"X": 1, "Y": 1}, {"x": 1, "y": 2, "__proto__": 1}, {"x": 1.0, "y": 1},
    {"x": 1, "y": 1e3},
]


async def test_post_note_with_a_pin(room: Room) -> None:
    """§11: `post_note` may carry `pin` (absent or null: no place); a place is {x, y} of whole
    numbers from 0 to MAP_GRID; every note's view carries "pin"; NotePosted carries `pin` only
    when the note was given one; `no_map` without a map."""
    phone, _ = await room.join("佐藤")
    refused(await phone.cmd("post_note", kind="issue", text="まだ地図なし",
                            pin={"x": 1, "y": 1}), "no_map")
    await map_room(room)
    given = {}
    for pin in ({"x": 0, "y": 0}, {"x": GRID, "y": GRID}, {"x": 4321, "y": 8765},
                {"x": 0, "y": GRID}):
        reply = ok(await phone.cmd("post_note", kind="charm", text=f"場所 {pin}", pin=pin))
        given[reply["result"]["note_id"]] = pin
    absent = ok(await phone.cmd("post_note", kind="wish", text="場所を選ばずに"))
    null = ok(await phone.cmd("post_note", kind="wish", text="場所なし", pin=None))
    await settle(room.fac, room.screen, phone)
    for client in (room.fac, room.screen, phone):
        for nid, pin in given.items():
            assert client.board.notes[nid]["pin"] == pin
        for reply in (absent, null):
            note = client.board.notes[reply["result"]["note_id"]]
            assert "pin" in note and note["pin"] is None
    posted = {d["note_id"]: d for d in of(await events(room.server, room.code), "NotePosted")}
    for nid, pin in given.items():
        assert posted[nid]["pin"] == pin
    for reply in (absent, null):
        assert "pin" not in posted[reply["result"]["note_id"]]


async def test_post_note_refuses_every_hostile_pin(room: Room) -> None:
    """§11/§5: anything but {"x": int, "y": int} from 0 to MAP_GRID (no other key; true, 1.5
    and "1" are not whole numbers) is bad_pin, and nothing is recorded."""
    phone, _ = await room.join("佐藤")
    await map_room(room)
    count = len(await events(room.server, room.code))
    for pin in HOSTILE_PINS:
        refused(await phone.cmd("post_note", kind="issue", text="変な場所", pin=pin), "bad_pin")
    # NaN is no JSON at all: refused either way, never recorded
    raw = ('{"type": "cmd", "id": "nan-pin-1", "name": "post_note", "args": {"kind": "issue",'
           ' "text": "x", "pin": {"x": NaN, "y": 1}}}')
    while True:  # told to slow down (many refusals just now), send it again as phones do
        reply = phone.waiter(lambda m: m["type"] in ("ack", "error")
                             and m.get("id") == "nan-pin-1")
        await phone.send(raw)
        answer = await asyncio.wait_for(reply, HANG)
        if answer.get("code") != "slow_down":
            break
        await asyncio.sleep(0.25)
    assert answer["type"] == "error" and answer["code"] in ("bad_json", "bad_pin"), answer
    assert len(await events(room.server, room.code)) == count
    await settle(room.fac)
    assert room.fac.board.notes == {}


async def test_proxy_and_table_host_post_with_a_pin(room: Room) -> None:
    """§11: `post_note` may carry `pin` 'for a participant, 代理入力 (proxy_for) and a table
    host alike'."""
    host, host_id = await room.join("進行役")
    proxy = ok(await room.fac.cmd("add_proxy", name="紙の人", attribute="住民",
                                  show_name=False))["result"]["participant_id"]
    ok(await room.fac.cmd("make_tables", by="hand", count=2))
    ok(await room.fac.cmd("seat", participant_id=proxy, table_id="k1"))
    ok(await room.fac.cmd("set_table_host", table_id="k1", participant_id=host_id))
    await settle(host)
    await map_room(room)
    by_fac = ok(await room.fac.cmd("post_note", kind="wish", text="代理で", proxy_for=proxy,
                                   pin={"x": 1000, "y": 2000}))["result"]["note_id"]
    by_host_proxy = ok(await host.cmd("post_note", kind="issue", text="進行役が代理で",
                                      proxy_for=proxy, pin={"x": 3000, "y": 4000}))
    by_host = ok(await host.cmd("post_note", kind="charm", text="進行役の一枚",
                                pin={"x": 5000, "y": 6000}))
    refused(await room.fac.cmd("post_note", kind="wish", text="x", proxy_for=proxy,
                               pin={"x": 1.5, "y": 1}), "bad_pin")
    await settle(room.screen)
    notes = room.screen.board.notes
    assert notes[by_fac]["pin"] == {"x": 1000, "y": 2000}
    assert notes[by_host_proxy["result"]["note_id"]]["pin"] == {"x": 3000, "y": 4000}
    assert notes[by_host["result"]["note_id"]]["pin"] == {"x": 5000, "y": 6000}
    assert room.fac.board.notes[by_fac]["by_proxy"] is True


# --- place_note -------------------------------------------------------------------------------

async def test_place_note(room: Room) -> None:
    """§11: `place_note` ({note_id, pin}, facilitators) moves a note's place or with pin null
    takes it off the map (the note stays); the same place again records nothing; without
    `pin` it is bad_pin; NotePlaced carries {note_id, pin}."""
    cofac, _ = await room.cofacilitator()
    phone, _ = await room.join("佐藤")
    await map_room(room)
    nid = ok(await phone.cmd("post_note", kind="issue", text="坂道がきつい"))["result"]["note_id"]
    ok(await room.fac.cmd("place_note", note_id=nid, pin={"x": 7000, "y": 300}))
    ok(await cofac.cmd("place_note", note_id=nid, pin={"x": 7001, "y": 301}))
    await settle(room.screen, phone)
    assert room.screen.board.notes[nid]["pin"] == {"x": 7001, "y": 301}
    assert phone.board.notes[nid]["pin"] == {"x": 7001, "y": 301}
    count = len(await events(room.server, room.code))
    seq = room.screen.board.seq
    ok(await room.fac.cmd("place_note", note_id=nid, pin={"x": 7001, "y": 301}))
    await settle(room.screen)
    assert room.screen.board.seq == seq
    assert len(await events(room.server, room.code)) == count
    # refusals
    for client in (phone, room.screen):
        error = refused(await client.cmd("place_note", note_id=nid, pin={"x": 1, "y": 1}),
                        "not_allowed")
        assert error["params"]["command"] == "place_note"
    refused(await room.fac.cmd("place_note", note_id=nid), "bad_pin")
    for pin in HOSTILE_PINS:
        refused(await room.fac.cmd("place_note", note_id=nid, pin=pin), "bad_pin")
    refused(await room.fac.cmd("place_note", note_id="n999", pin={"x": 1, "y": 1}),
            "unknown_note")
    refused(await room.fac.cmd("place_note", note_id=nid, pin={"x": 1, "y": 1}, kind="wish"),
            "unknown_argument")
    assert len(await events(room.server, room.code)) == count
    ok(await room.fac.cmd("place_note", note_id=nid, pin=None))
    await settle(room.screen, phone)
    assert room.screen.board.notes[nid]["pin"] is None and nid in phone.board.notes
    log = await events(room.server, room.code)
    assert of(log, "NotePlaced") == [{"note_id": nid, "pin": {"x": 7000, "y": 300}},
                                     {"note_id": nid, "pin": {"x": 7001, "y": 301}},
                                     {"note_id": nid, "pin": None}]
    # null again: the same (no) place, nothing recorded
    ok(await room.fac.cmd("place_note", note_id=nid, pin=None))
    assert len(await events(room.server, room.code)) == len(log)


async def test_a_table_host_may_not_place_notes(room: Room) -> None:
    """§4: place_note is the facilitators' (a table host's tools are listed in §2 and do not
    include it): not_allowed, even on a note of their own table."""
    host, host_id = await room.join("進行役")
    ok(await room.fac.cmd("make_tables", by="hand", count=1))
    ok(await room.fac.cmd("set_table_host", table_id="k1", participant_id=host_id))
    await settle(host)
    await map_room(room)
    nid = ok(await host.cmd("post_note", kind="issue", text="自分の一枚"))["result"]["note_id"]
    refused(await host.cmd("place_note", note_id=nid, pin={"x": 1, "y": 1}), "not_allowed")
    refused(await host.cmd("set_map_view", kinds=["issue"]), "not_allowed")
    refused(await host.cmd("remove_map"), "not_allowed")


async def test_a_place_stays_with_the_note_through_edit_hide_and_unhide(room: Room) -> None:
    """§11: the pin 'is part of the note': editing the note keeps it, and hiding then
    unhiding gives it back to the projector with its place; a place given to a hidden note
    reaches the facilitators and its author, never the projector."""
    phone, _ = await room.join("佐藤")
    await map_room(room)
    nid = ok(await phone.cmd("post_note", kind="issue", text="暗い道",
                             pin={"x": 2500, "y": 7500}))["result"]["note_id"]
    ok(await phone.cmd("edit_note", note_id=nid, text="暗い夜道", kind="wish"))
    await settle(room.screen)
    assert room.screen.board.notes[nid]["pin"] == {"x": 2500, "y": 7500}
    assert room.screen.board.notes[nid]["text"] == "暗い夜道"
    ok(await room.fac.cmd("hide_note", note_id=nid))
    await settle(room.screen)
    mark = len(room.screen.received)
    ok(await room.fac.cmd("place_note", note_id=nid, pin={"x": 2600, "y": 7600}))
    await settle(room.screen, phone, room.fac)
    assert not any(names_note(m, nid) for m in room.screen.received[mark:])
    assert phone.board.notes[nid]["pin"] == {"x": 2600, "y": 7600}
    assert room.fac.board.notes[nid]["pin"] == {"x": 2600, "y": 7600}
    ok(await room.fac.cmd("unhide_note", note_id=nid))
    await settle(room.screen)
    assert room.screen.board.notes[nid]["pin"] == {"x": 2600, "y": 7600}


# --- set_map_view -----------------------------------------------------------------------------

async def test_set_map_view(room: Room) -> None:
    """§11: kinds (non-empty, no repeats, note kinds; shown in the order charm, issue, wish)
    and area ({x, y, w, h}, w and h at least MAP_AREA_MIN, x + w and y + h at most MAP_GRID,
    or null); only the keys given change; nothing changed records nothing; MapViewSet
    carries the whole new value."""
    cofac, _ = await room.cofacilitator()
    phone, _ = await room.join("佐藤")
    await map_room(room)
    ok(await room.fac.cmd("set_map_view", kinds=["wish", "charm"]))
    await settle(room.screen, phone)
    for client in (room.screen, phone, room.fac):
        assert header_map(client)["kinds"] == ["charm", "wish"]
        assert header_map(client)["area"] is None
    area = {"x": GRID - AREA_MIN, "y": 0, "w": AREA_MIN, "h": GRID}
    ok(await cofac.cmd("set_map_view", area=area))
    await settle(room.screen)
    assert header_map(room.screen)["kinds"] == ["charm", "wish"]
    assert header_map(room.screen)["area"] == area
    count = len(await events(room.server, room.code))
    seq = room.screen.board.seq
    ok(await room.fac.cmd("set_map_view"))
    ok(await room.fac.cmd("set_map_view", kinds=["charm", "wish"], area=area))
    await settle(room.screen)
    assert room.screen.board.seq == seq
    assert len(await events(room.server, room.code)) == count
    ok(await room.fac.cmd("set_map_view", kinds=["issue", "wish", "charm"], area=None))
    await settle(room.screen)
    assert header_map(room.screen)["kinds"] == ALL_KINDS
    assert header_map(room.screen)["area"] is None
    log = of(await events(room.server, room.code), "MapViewSet")
    assert log == [{"kinds": ["charm", "wish"], "area": None},
                   {"kinds": ["charm", "wish"], "area": area},
                   {"kinds": ALL_KINDS, "area": None}]
    for client in (phone, room.screen):
        refused(await client.cmd("set_map_view", kinds=["charm"]), "not_allowed")
    refused(await room.fac.cmd("set_map_view", kinds=["charm"], zoom=2), "unknown_argument")


async def test_set_map_view_refusals(room: Room) -> None:
    """§5: bad_map_kinds ('not a non-empty list of note kinds without repeats') and
    bad_map_area (not {x, y, w, h} of whole numbers, w/h under MAP_AREA_MIN, past MAP_GRID)."""
    await map_room(room)
    count = len(await events(room.server, room.code))
    for kinds in ([], ["charm", "charm"], ["other"], "charm", None, [1], [["charm"]],
                  {"charm": True}, ["Charm"], ["charm", "issue", "wish", "charm"]):
        refused(await room.fac.cmd("set_map_view", kinds=kinds), "bad_map_kinds")
    good = {"x": 0, "y": 0, "w": AREA_MIN, "h": AREA_MIN}
    bad_areas: list[Any] = [
        {**good, "w": AREA_MIN - 1}, {**good, "h": AREA_MIN - 1},
        {**good, "x": GRID - AREA_MIN + 1}, {**good, "y": GRID - AREA_MIN + 1},
        {**good, "x": -1}, {**good, "y": -1}, {**good, "w": 1000.5}, {**good, "x": True},
        {**good, "h": "1000"}, {**good, "w": GRID + 1}, {"x": 0, "y": 0, "w": AREA_MIN},
        {**good, "z": 1}, [0, 0, AREA_MIN, AREA_MIN], "all", 1, {**good, "x": 1e308},
        {**good, "w": 10**30}, {**good, "x": 0.0}, {**good, "h": 1e3},
    ]
    for area in bad_areas:
        refused(await room.fac.cmd("set_map_view", area=area), "bad_map_area")
    assert len(await events(room.server, room.code)) == count
    ok(await room.fac.cmd("set_map_view", area={"x": 0, "y": 0, "w": GRID, "h": GRID}))


# --- who sees which place ---------------------------------------------------------------------

async def test_every_viewer_sees_the_places_of_the_notes_it_may_see(room: Room) -> None:
    """§11: a note's pin 'reaches exactly those who may see the note' (§2): a participant,
    the author of a private or hidden note, a person entered by 代理入力 (through the
    facilitators), a table host (their table's private notes), a co-facilitator and the
    projector; the header's map is the same for all; a snapshot agrees with the patches;
    placing a note a viewer may not see sends that viewer nothing about it."""
    cofac, _ = await room.cofacilitator()
    host, host_id = await room.join("進行役")
    alice, alice_id = await room.join("アリス")
    bob, bob_id = await room.join("ボブ")
    proxy = ok(await room.fac.cmd("add_proxy", name="紙の人", attribute="住民",
                                  show_name=False))["result"]["participant_id"]
    ok(await room.fac.cmd("make_tables", by="hand", count=2))
    for pid, table in ((alice_id, "k1"), (bob_id, "k2"), (proxy, "k1")):
        ok(await room.fac.cmd("seat", participant_id=pid, table_id=table))
    ok(await room.fac.cmd("set_table_host", table_id="k1", participant_id=host_id))
    clients = [room.fac, room.screen, cofac, host, alice, bob]
    await settle(*clients)
    await map_room(room)
    await settle(*clients)

    async def post(client: Client, pin: dict[str, int] | None, **extra: Any) -> str:
        args: dict[str, Any] = {"kind": "issue", "text": f"付箋 {pin}", **extra}
        if pin is not None:
            args["pin"] = pin
        return str(ok(await client.cmd("post_note", **args))["result"]["note_id"])

    public_a = await post(alice, {"x": 100, "y": 100})
    public_b = await post(bob, None)
    hidden_b = await post(bob, {"x": 200, "y": 200})
    ok(await room.fac.cmd("hide_note", note_id=hidden_b))
    ok(await room.fac.cmd("set_private_notes", private=True))
    private_a = await post(alice, {"x": 300, "y": 300})
    private_b = await post(bob, {"x": 400, "y": 400})
    private_p = await post(room.fac, {"x": 500, "y": 500}, proxy_for=proxy)
    await settle(*clients)
    # a place given to a note that the projector and alice may not see: nothing about it
    marks = {c: len(c.received) for c in clients}
    ok(await room.fac.cmd("place_note", note_id=private_b, pin={"x": 450, "y": 450}))
    await settle(*clients)
    for client in (room.screen, alice, host):
        assert not any(names_note(m, private_b) for m in client.received[marks[client]:])
    assert any(names_note(m, private_b) for m in bob.received[marks[bob]:])
    everything = {public_a: {"x": 100, "y": 100}, public_b: None,
                  hidden_b: {"x": 200, "y": 200}, private_a: {"x": 300, "y": 300},
                  private_b: {"x": 450, "y": 450}, private_p: {"x": 500, "y": 500}}
    sees = {
        room.fac: set(everything), cofac: set(everything),
        room.screen: {public_a, public_b},
        alice: {public_a, public_b, private_a},
        bob: {public_a, public_b, hidden_b, private_b},
        host: {public_a, public_b, private_a, private_p},
    }
    header = header_map(room.fac)
    for client, visible in sees.items():
        assert set(client.board.notes) == visible, (client.board.role, client.board.notes)
        assert pins(client) == {nid: everything[nid] for nid in visible}
        assert header_map(client) == header
        # a fresh connection's snapshot says the same
        fresh = PatientClient(room.server, room.code, token=client.token, key=client.key)
        await fresh.connect()
        assert pins(fresh) == pins(client) and header_map(fresh) == header
        await fresh.close()
    # revealed: the private notes reach everyone with their places
    ok(await room.fac.cmd("reveal_notes"))
    await settle(*clients)
    for client in (room.screen, alice, bob, host):
        for nid in (private_a, private_b, private_p):
            assert client.board.notes[nid]["pin"] == everything[nid]
    assert hidden_b not in room.screen.board.notes and hidden_b not in alice.board.notes
    # removed with notes still private and hidden: each board, patched, is what a fresh
    # snapshot of that viewer says (§3: patches are made by the same code as snapshots)
    ok(await room.fac.cmd("set_private_notes", private=True))
    late = await post(alice, {"x": 600, "y": 600})
    ok(await room.fac.cmd("remove_map"))
    await settle(*clients)
    for client in clients:
        assert header_map(client) is None
        assert all(pin is None for pin in pins(client).values())
        assert (late in client.board.notes) == (client in (room.fac, cofac, alice, host))
        fresh = PatientClient(room.server, room.code, token=client.token, key=client.key)
        await fresh.connect()
        assert client.board.view.as_state() == fresh.board.view.as_state(), client.board.role
        await fresh.close()


async def test_a_place_from_a_phone_reaches_the_projector_as_sent(room: Room) -> None:
    """§11: the grid is the image's whatever its size: the projector gets the exact numbers
    the phone sent, and a later phone's snapshot has them too."""
    phone, _ = await room.join("佐藤")
    await map_room(room, body=map_image(2400, 1000))
    nid = ok(await phone.cmd("post_note", kind="issue", text="交差点が危ない",
                             pin={"x": 3333, "y": 6667}))["result"]["note_id"]
    await room.screen.wait_for(lambda b: nid in b.notes)
    assert room.screen.board.notes[nid]["pin"] == {"x": 3333, "y": 6667}
    later = PatientClient(room.server, room.code)
    await later.connect()
    assert later.board.notes[nid]["pin"] == {"x": 3333, "y": 6667}


async def test_a_resuming_client_gets_the_map_events_as_patches(room: Room) -> None:
    """§2: a client that resumes with its epoch and last_seq gets the events it missed as
    patches of its view: the map in the header and the places of the notes."""
    phone, _ = await room.join("佐藤")
    screen = PatientClient(room.server, room.code)
    await screen.connect()
    await screen.close()
    digest = (await map_room(room, title="再接続"))["hash"]
    nid = ok(await phone.cmd("post_note", kind="charm", text="川沿い",
                             pin={"x": 9000, "y": 100}))["result"]["note_id"]
    ok(await room.fac.cmd("set_map_view", kinds=["charm"]))
    await screen.connect(resume=True)
    assert any(m["type"] == "synced" for m in screen.received), screen.received
    assert header_map(screen)["hash"] == digest and header_map(screen)["kinds"] == ["charm"]
    assert screen.board.notes[nid]["pin"] == {"x": 9000, "y": 100}
    assert header_map(screen) == header_map(room.fac)


async def test_map_patches_per_table_while_votes_are_per_table(room: Room) -> None:
    """§3: each phone receives exactly the patch it alone would be sent — with 共感 per table
    (`vote_scope: table`) a note's `votable` differs by the recipient's table, so a place
    given to a note, and the map's removal, leave each phone's board as its own fresh
    snapshot says."""
    alice, alice_id = await room.join("アリス")
    bob, bob_id = await room.join("ボブ")
    carol, carol_id = await room.join("キャロル")
    ok(await room.fac.cmd("make_tables", by="hand", count=2))
    for pid, table in ((alice_id, "k1"), (bob_id, "k2"), (carol_id, "k1")):
        ok(await room.fac.cmd("seat", participant_id=pid, table_id=table))
    ok(await room.fac.cmd("set_table_settings", vote_scope="table"))
    await map_room(room)
    mine = ok(await alice.cmd("post_note", kind="charm", text="一班の桜"))["result"]["note_id"]
    theirs = ok(await bob.cmd("post_note", kind="issue", text="二班の坂",
                              pin={"x": 10, "y": 10}))["result"]["note_id"]
    ok(await room.fac.cmd("place_note", note_id=mine, pin={"x": 9990, "y": 9990}))
    phones = [alice, bob, carol]
    await settle(*phones)
    assert alice.board.notes[mine]["votable"] is True and bob.board.notes[mine]["votable"] is False
    assert bob.board.notes[mine]["pin"] == {"x": 9990, "y": 9990}

    async def same_as_fresh() -> None:
        for phone in phones:
            fresh = PatientClient(room.server, room.code, token=phone.token)
            await fresh.connect()
            assert phone.board.view.as_state() == fresh.board.view.as_state()
            await fresh.close()

    await same_as_fresh()
    ok(await room.fac.cmd("remove_map"))
    await settle(*phones)
    assert all(phone.board.notes[n]["pin"] is None for phone in phones for n in (mine, theirs))
    await same_as_fresh()


# --- the archive ------------------------------------------------------------------------------

async def test_the_archive_carries_the_map_and_import_restores_it(
        room: Room, tmp_path: Path) -> None:
    """§11 / README: the JSON archive carries the map as one more entry of `photos` (after
    the photos; "version": 3); `yoriai import` puts it back: the same header, places and
    image."""
    phone, _ = await room.join("佐藤")
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG,
                                 cookies={"yoriai_key": room.server.key}) as http:
        photo = await http.post(f"/w/{room.code}/photos", content=map_image(640, 480, "PNG"),
                                headers={"accept": "application/json"})
    assert photo.status_code == 200, photo.text
    digest = (await map_room(room, title="防災マップ", body=map_image(2400, 1600)))["hash"]
    nid = ok(await phone.cmd("post_note", kind="issue", text="避難路が狭い",
                             pin={"x": 1234, "y": 5678}))["result"]["note_id"]
    ok(await room.fac.cmd("set_map_view", kinds=["issue"],
                          area={"x": 1000, "y": 1000, "w": 2000, "h": 3000}))
    await settle(room.fac)
    image = (await get_image(room.server, room.code, digest)).content
    phone_copy = await get_image(room.server, room.code, f"{digest}-phone")
    assert phone_copy.status_code == 200  # the phones' copy is made; it is not archived
    record = await archive(room.server, room.code)
    assert record["version"] == 3  # §9: a log that uses map work
    hashes = [p["hash"] for p in record["photos"]]
    assert hashes == [photo.json()["hash"], digest]
    assert base64.b64decode(record["photos"][1]["data"]) == image
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    other = tmp_path / "other"
    done = yoriai("import", str(path), "--data", str(other), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (other / "photos" / f"{digest}.jpg").read_bytes() == image
    live = LiveServer(other).start()
    try:
        screen = PatientClient(live, room.code)
        await screen.connect()
        assert header_map(screen) == header_map(room.fac)
        assert screen.board.notes[nid]["pin"] == {"x": 1234, "y": 5678}
        served = await get_image(live, room.code, digest)
        assert served.status_code == 200 and served.content == image
        copy = await get_image(live, room.code, f"{digest}-phone")
        assert copy.status_code == 200
        size = opened(copy.content).size
        assert size == opened(phone_copy.content).size and size[0] == 1600
        await screen.close()
    finally:
        live.stop()


async def test_an_archive_without_a_map_on_the_default_program_is_version_3(
        room: Room) -> None:
    """§9: 'a workshop without photos has no photos'; 'A workshop on the default program is
    version 3 (its first step is a map step), map or not'; §11: a NotePosted without a pin
    logs exactly as before."""
    phone, _ = await room.join("佐藤")
    ok(await phone.cmd("post_note", kind="wish", text="地図のない晩"))
    record = await archive(room.server, room.code)
    assert record["version"] == 3 and "photos" not in record
    assert all("pin" not in d for d in of(record["events"], "NotePosted"))


async def test_the_archive_carries_only_the_current_map(room: Room, tmp_path: Path) -> None:
    """§11: the archive carries the map (the current one: an image that is neither a photo
    nor the current map is refused by import, so none is carried); a workshop whose map was
    replaced, or removed, still imports."""
    phone, _ = await room.join("佐藤")
    old = (await map_room(room, title="古い地図"))["hash"]
    new = uploaded(await upload(room.server, room.code, map_image(800, 500), title="新しい"))
    nid = ok(await phone.cmd("post_note", kind="wish", text="ここに花壇",
                             pin={"x": 5, "y": 9995}))["result"]["note_id"]
    record = await archive(room.server, room.code)
    assert [p["hash"] for p in record["photos"]] == [new["hash"]]
    assert old != new["hash"]
    path = tmp_path / "replaced.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    done = yoriai("import", str(path), "--data", str(tmp_path / "one"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ok(await room.fac.cmd("remove_map"))
    removed = await archive(room.server, room.code)
    assert all(p["hash"] not in (old, new["hash"]) for p in removed.get("photos", []))
    path = tmp_path / "removed.json"
    path.write_text(json.dumps(removed), encoding="utf-8")
    done = yoriai("import", str(path), "--data", str(tmp_path / "two"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    live = LiveServer(tmp_path / "two").start()
    try:
        screen = PatientClient(live, room.code)
        await screen.connect()
        assert header_map(screen) is None and screen.board.notes[nid]["pin"] is None
        await screen.close()
    finally:
        live.stop()


def seal(record: dict[str, Any]) -> dict[str, Any]:
    """The archive's checksum as README says: SHA-256 of the events as compact JSON (keys
    sorted, `,` `:`, non-ASCII as is, UTF-8), then, with photos, a newline and the photos
    the same way with non-ASCII escaped."""
    text = json.dumps(record["events"], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    if "photos" in record:
        text += "\n" + json.dumps(record["photos"], sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {**record, "checksum": {"algorithm": "sha256", "value": digest}}


async def test_import_refuses_an_archive_whose_map_image_is_wrong(
        room: Room, tmp_path: Path) -> None:
    """§11: 'An archive whose workshop has a map but does not carry its image, or carries it
    at another size than its MapAdded says, or carries an image that is neither a photo of
    the workshop nor its current map, is refused whole and nothing is written' (README: one
    line, exit status 2); an archive sealed again by README's rule with nothing else changed
    imports."""
    async with httpx.AsyncClient(base_url=room.server.base, timeout=HANG,
                                 cookies={"yoriai_key": room.server.key}) as http:
        photo = await http.post(f"/w/{room.code}/photos", content=map_image(640, 480, "PNG"),
                                headers={"accept": "application/json"})
    assert photo.status_code == 200, photo.text
    digest = (await map_room(room, body=map_image(1200, 800)))["hash"]
    record = await archive(room.server, room.code)
    assert seal(record)["checksum"] == record["checksum"]  # README's rule is the real one
    photo_entry, map_entry = record["photos"]
    assert map_entry["hash"] == digest
    other = map_image(900, 600)  # a JPEG of another size
    other_hash = hashlib.sha256(other).hexdigest()
    other_entry = {"hash": other_hash, "data": base64.b64encode(other).decode()}
    png = map_image(1200, 800, "PNG")
    png_entry = {"hash": hashlib.sha256(png).hexdigest(), "data": base64.b64encode(png).decode()}

    def with_map_hash(new_hash: str) -> list[dict[str, Any]]:
        changed: list[dict[str, Any]] = json.loads(json.dumps(record["events"]))
        for event in changed:
            if event["type"] == "MapAdded":
                event["data"]["hash"] = new_hash
        return changed

    wrong = {
        "without its image": {**record, "photos": [photo_entry]},
        "at another size": {**record, "events": with_map_hash(other_hash),
                            "photos": [photo_entry, other_entry]},
        "a stray image": {**record, "photos": [photo_entry, map_entry, other_entry]},
        "bytes not its hash": {**record, "photos": [photo_entry,
                                                    {"hash": digest,
                                                     "data": other_entry["data"]}]},
        "not a JPEG": {**record, "events": with_map_hash(png_entry["hash"]),
                       "photos": [photo_entry, png_entry]},
    }
    named = {"without its image": digest, "at another size": other_hash,
             "a stray image": other_hash, "bytes not its hash": digest,
             "not a JPEG": png_entry["hash"]}
    data = tmp_path / "elsewhere"
    for name, broken in wrong.items():
        path = tmp_path / "broken.json"
        path.write_text(json.dumps(seal(broken), ensure_ascii=False), encoding="utf-8")
        done = yoriai("import", str(path), "--data", str(data), cwd=tmp_path)
        assert done.returncode == 2, (name, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr, (name, done.stderr)
        assert named[name] in lines[0], (name, lines[0])  # it names the image at fault
        photos = data / "photos"
        assert not photos.exists() or not any(photos.iterdir()), (name, list(photos.iterdir()))
    path = tmp_path / "resealed.json"
    path.write_text(json.dumps(seal(record), ensure_ascii=False), encoding="utf-8")
    done = yoriai("import", str(path), "--data", str(data), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (data / "photos" / f"{digest}.jpg").exists()


# --- the plan's exports -----------------------------------------------------------------------

async def export(server: LiveServer, code: str, fmt: str) -> bytes:
    async with httpx.AsyncClient(base_url=server.base, timeout=HANG * 4,
                                 cookies={"yoriai_key": server.key}) as http:
        answer = await http.get(f"/w/{code}/export/{fmt}")
    assert answer.status_code == 200, (fmt, answer.text[:300])
    return answer.content


def pdf_text(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return [str(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def docx_text(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive_file:
        return archive_file.read("word/document.xml")


async def plan(server: LiveServer, code: str) -> dict[str, Any]:
    """Every format of the plan, as what it says (a PDF's and a Word file's text: they carry
    the moment they were made)."""
    out: dict[str, Any] = {fmt: await export(server, code, fmt)
                           for fmt in ("html", "md", "svg", "png", "csv")}
    out["pdf"] = pdf_text(await export(server, code, "pdf"))
    out["docx"] = docx_text(await export(server, code, "docx"))
    return out


def csv_rows(data: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_the_plan_draws_only_published_places(room: Room) -> None:
    """README (*The map in the plan*): 'An evening without a map, or whose map holds no
    published note, exports exactly as before' — the csv aside, whose rows gain the map's
    columns 'with a map' (README's table), empty then; once a published note has a place,
    html, pdf and docx print 「地図」 and the csv gives its number and place on the grid and in
    pixels."""
    phone, _ = await room.join("佐藤")
    public = ok(await phone.cmd("post_note", kind="wish", text="公園にベンチがほしい"))
    hidden = ok(await phone.cmd("post_note", kind="issue", text="ここは言いにくい"))
    ok(await room.fac.cmd("hide_note", note_id=hidden["result"]["note_id"]))
    before = await plan(room.server, room.code)
    assert before == await plan(room.server, room.code)  # the same evening, the same plan
    await map_room(room, title="西部地区", body=map_image(1200, 800))
    ok(await room.fac.cmd("place_note", note_id=hidden["result"]["note_id"],
                          pin={"x": 500, "y": 500}))
    unpublished = await plan(room.server, room.code)
    for fmt in ("html", "md", "svg", "png", "pdf", "docx"):
        assert unpublished[fmt] == before[fmt], fmt
    old, new = csv_rows(before["csv"]), csv_rows(unpublished["csv"])
    added = ["地図の番号", "地図 横（0〜10000）", "地図 縦（0〜10000）", "地図 横（画素）",
             "地図 縦（画素）"]
    assert new[0] == old[0] + added
    assert [row[:len(old[0])] for row in new[1:]] == old[1:]
    assert all(row[len(old[0]):] == [""] * len(added) for row in new[1:])
    # a published note with a place: the map is in the plan
    nid = public["result"]["note_id"]
    ok(await room.fac.cmd("place_note", note_id=nid, pin={"x": 2500, "y": 5000}))
    placed = await plan(room.server, room.code)
    assert "地図" in placed["html"].decode() and "地図" not in before["html"].decode()
    assert any("地図" in page for page in placed["pdf"])
    assert "地図".encode() in placed["docx"] and placed["svg"] != before["svg"]
    # the board picture shows the map itself (an image inside the svg)
    assert b"<image" in placed["svg"] and b"<image" not in before["svg"]
    assert placed["png"] != before["png"]
    rows = csv_rows(placed["csv"])
    row = next(r for r in rows[1:] if r[1] == nid)
    place = dict(zip(rows[0], row, strict=True))
    assert place["地図の番号"] == "1"
    assert (place["地図 横（0〜10000）"], place["地図 縦（0〜10000）"]) == ("2500", "5000")
    assert (place["地図 横（画素）"], place["地図 縦（画素）"]) == ("300", "400")
    # 'hidden and still-private notes are left out, as everywhere'
    assert not any(r[1] == hidden["result"]["note_id"] for r in rows[1:])


async def test_the_plan_numbers_places_from_the_top_and_md_says_them_in_words(
        room: Room) -> None:
    """README: 'Numbers run over the map from the top in bands, left to right'; 'md lists the
    notes with their place in words (「左から42%・上から13%」)'."""
    phone, _ = await room.join("佐藤")
    await map_room(room)
    places = {"下の右": {"x": 9000, "y": 9000}, "上": {"x": 9000, "y": 100},
              "下の左": {"x": 100, "y": 9000}, "言葉": {"x": 4200, "y": 1300}}
    ids = {}
    for text, pin in places.items():
        ids[text] = ok(await phone.cmd("post_note", kind="charm", text=text,
                                       pin=pin))["result"]["note_id"]
    rows = csv_rows(await export(room.server, room.code, "csv"))
    number = {r[1]: r[rows[0].index("地図の番号")] for r in rows[1:]}
    assert [number[ids[t]] for t in ("上", "言葉", "下の左", "下の右")] == ["1", "2", "3", "4"]
    md = (await export(room.server, room.code, "md")).decode()
    assert "左から42%・上から13%" in md
