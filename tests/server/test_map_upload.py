"""The map upload over real HTTP to a real uvicorn (server/maps.py): a picture or a PDF page
becomes an EXIF-free JPEG of at most MAP_LONG_SIDE_PX on its long side, kept like a photo
and recorded with ``add_map``; who may upload (the facilitator's key, a つむぎすと's token;
not a participant, not a stranger — both refused before the body is read); every refusal
is a clear error in the page's language with nothing stored and nothing logged; the image
is served to anyone who has the workshop, and only the current map's; and the WebSocket
refuses ``add_map`` and ``add_photo`` (their files come only by HTTP)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.pdfgen import canvas

from tests.support import HANG, Client, LiveServer, map_image, upload_map
from yoriai.facilitation import limits as domain_limits
from yoriai.server import limits, maps
from yoriai.server.i18n import catalogue, error_text
from yoriai.server.maps import render_scale

from .test_photos import GPS_IFD, OWNER, camera_jpeg

LONG = domain_limits.MAP_LONG_SIDE_PX
RED = (200, 30, 30)


def city_pdf(*pages: tuple[float, float]) -> bytes:
    """A city's map as a PDF, one page per size given (in points): pale ground, a street
    grid, and a red block whose lower-left quarter of the page is known, so that where it
    lands in the picture can be checked; each page's number is written on it."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for n, (width, height) in enumerate(pages, 1):
        pdf.setPageSize((width, height))
        pdf.setFillColorRGB(0.93, 0.92, 0.87)
        pdf.rect(0, 0, width, height, stroke=0, fill=1)
        pdf.setStrokeColorRGB(1, 1, 1)
        pdf.setLineWidth(max(width, height) / 200)
        for i in range(1, 10):
            pdf.line(width * i / 10, 0, width * i / 10, height)
            pdf.line(0, height * i / 10, width, height * i / 10)
        # The red block: the top-left tenth of the page (PDF's y runs upwards).
        pdf.setFillColorRGB(*(c / 255 for c in RED))
        pdf.rect(0, height * 0.9, width * 0.1, height * 0.1, stroke=0, fill=1)
        pdf.setFillColorRGB(0, 0, 0)
        pdf.drawString(width / 2, height / 2, f"page {n}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def encrypted(pdf: bytes, user: str, owner: str) -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user, owner_password=owner)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def photos_dir(live: LiveServer) -> Path:
    return live.data_dir / "photos"


def wait_until(ready: Callable[[], bool], why: str) -> None:
    """Wait for a state of the server (never for a time), up to the hang guard."""
    deadline = time.monotonic() + HANG
    while not ready():
        assert time.monotonic() < deadline, why
        time.sleep(0.01)


def stored(live: LiveServer) -> set[str]:
    folder = photos_dir(live)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def log_seq(live: LiveServer, code: str) -> int:
    return live.ctx.hub.rooms[code].state.seq


def assert_refused(reply: httpx.Response, status: int, code: str, **params: Any) -> None:
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert error["code"] == code, error
    assert error["params"] == params
    # The console shows this sentence as it is: the catalogue's, in the page's language.
    assert error["message"] == error_text(code, "ja", **params)
    assert f"error.{code}" in catalogue("ja") and f"error.{code}" in catalogue("en")


def refusal_leaves_nothing(live: LiveServer, code: str, send: Any) -> Any:
    """Send an upload that must be refused; check nothing was stored or logged."""
    if code not in live.ctx.hub.rooms:
        httpx.get(f"{live.base}/w/{code}")  # the phone page loads the room
    before_files, before_seq = stored(live), log_seq(live, code)
    reply = send()
    assert stored(live) == before_files
    assert log_seq(live, code) == before_seq
    return reply


def the_map(live: LiveServer, code: str) -> Any:
    return live.ctx.hub.rooms[code].state.map


def stored_image(live: LiveServer, image: str) -> tuple[bytes, Image.Image]:
    data = (photos_dir(live) / f"{image}.jpg").read_bytes()
    return data, Image.open(io.BytesIO(data))


def is_red(pixel: Any) -> bool:
    return bool(pixel[0] > 150 and pixel[1] < 90 and pixel[2] < 90)


# --- good maps -----------------------------------------------------------------------------

def test_a_photo_of_the_paper_map_is_kept_small_upright_and_without_exif(
        live: LiveServer) -> None:
    code = live.new_workshop()
    original = camera_jpeg(3600, 2000, orientation=6)  # sideways on the sensor, with GPS
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    reply = upload_map(live, code, original, title="西部地区 全図")
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert set(answer) == {"hash", "width", "height", "seq"}
    data, image = stored_image(live, answer["hash"])
    assert image.format == "JPEG" and image.mode == "RGB"
    assert len(image.getexif()) == 0
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert OWNER.encode() not in data and b"Exif" not in data
    # Upright: 3600 x 2000 turned a quarter is 2000 x 3600, shrunk to the long side.
    assert image.size == (answer["width"], answer["height"]) == (1333, LONG)
    assert is_red(image.getpixel((image.width // 2, 10)))  # the sensor's left is the top

    # Recorded with its title and size; the reply's seq is the event's.
    state = live.ctx.hub.rooms[code].state
    assert state.map is not None
    assert state.map.hash == answer["hash"] and state.map.title == "西部地区 全図"
    assert (state.map.width, state.map.height) == (1333, LONG)
    assert answer["seq"] == state.seq


def test_a_small_png_is_kept_at_its_size_and_transparency_becomes_white(
        live: LiveServer) -> None:
    code = live.new_workshop()
    picture = Image.new("RGBA", (900, 600), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (0, 0, 90, 60))
    out = io.BytesIO()
    picture.save(out, "PNG")
    reply = upload_map(live, code, out.getvalue())
    assert reply.status_code == 200, reply.text
    _, image = stored_image(live, reply.json()["hash"])
    assert image.size == (900, 600)  # never blown up
    assert is_red(image.getpixel((20, 20)))
    white = image.getpixel((600, 400))
    assert isinstance(white, tuple) and min(white) > 240
    assert the_map(live, code).title == ""


@pytest.mark.parametrize("scan", ["16-bit grey png", "cmyk jpeg"])
def test_a_scanners_picture_keeps_its_tones(live: LiveServer, scan: str) -> None:
    """Scanners save 16-bit greyscale PNGs and CMYK JPEGs: a mid grey stays a mid grey (not
    clipped to white) and red stays red."""
    code = live.new_workshop()
    out = io.BytesIO()
    if scan == "16-bit grey png":
        picture = Image.new("I;16", (600, 400), 30_000)  # 46% of 65,535
        picture.paste(Image.new("I;16", (60, 40), 10_000), (0, 0))
        picture.save(out, "PNG")
    else:
        picture = Image.new("CMYK", (600, 400), (0, 0, 0, 0))
        picture.paste((0, 220, 220, 40), (0, 0, 60, 40))
        picture.save(out, "JPEG", quality=95)
    assert Image.open(io.BytesIO(out.getvalue())).mode == picture.mode
    reply = upload_map(live, code, out.getvalue())
    assert reply.status_code == 200, reply.text
    _, image = stored_image(live, reply.json()["hash"])
    corner, middle = image.getpixel((20, 20)), image.getpixel((300, 200))
    assert isinstance(corner, tuple) and isinstance(middle, tuple)
    if scan == "16-bit grey png":
        assert all(abs(c - 30_000 // 256) <= 3 for c in middle)
        assert all(abs(c - 10_000 // 256) <= 3 for c in corner)
    else:
        assert is_red(corner) and min(middle) > 240  # no ink is white paper


def test_a_city_pdf_page_is_rendered_at_the_maps_long_side(live: LiveServer) -> None:
    code = live.new_workshop()
    pdf = city_pdf(landscape(A3), A4)
    reply = upload_map(live, code, pdf, title="都市計画図")
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    # A3 landscape is 1190.6 x 841.9 pt: 2400 px wide, the height in proportion.
    assert answer["width"] == LONG
    assert abs(answer["height"] - LONG * A3[0] / A3[1]) <= 1
    _, image = stored_image(live, answer["hash"])
    assert image.size == (answer["width"], answer["height"])
    # The red block is the page's top-left tenth: there, and nowhere else.
    assert is_red(image.getpixel((image.width // 20, image.height // 20)))
    assert not is_red(image.getpixel((image.width - 5, image.height - 5)))
    assert not is_red(image.getpixel((image.width // 20, image.height - 5)))

    # ?page=2 is the second page (A4 portrait: now the height is the long side); the new
    # map replaces the first (no note is placed on it).
    second = upload_map(live, code, pdf, page=2)
    assert second.status_code == 200, second.text
    assert second.json()["height"] == LONG and second.json()["width"] < LONG
    assert the_map(live, code).hash == second.json()["hash"]


def test_a_pdf_page_turned_by_its_rotate_is_rendered_as_a_reader_shows_it(
        live: LiveServer) -> None:
    code = live.new_workshop()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(city_pdf(A4))))
    writer.pages[0].rotate(90)  # /Rotate 90: shown turned a quarter clockwise
    out = io.BytesIO()
    writer.write(out)
    reply = upload_map(live, code, out.getvalue())
    assert reply.status_code == 200, reply.text
    _, image = stored_image(live, reply.json()["hash"])
    assert image.size == (LONG, round(LONG * A4[0] / A4[1]))  # portrait turned landscape
    # The page's top-left corner (the red block) is now at the top right.
    w, h = image.size
    assert is_red(image.getpixel((w - w // 20, h // 20)))
    assert not is_red(image.getpixel((w // 20, h // 20)))


def test_a_pdf_page_with_a_huge_media_box_is_rendered_small(live: LiveServer) -> None:
    """200 x 200 inches (PDF's largest page) at 72 dpi would be 14,400 x 14,400 pixels (over
    600 MB as RGB): it is rendered at the map's long side, like any page."""
    code = live.new_workshop()
    reply = upload_map(live, code, city_pdf((14_400, 14_400)))
    assert reply.status_code == 200, reply.text
    assert (reply.json()["width"], reply.json()["height"]) == (LONG, LONG)
    # and a thin strip is as long as the map allows, however narrow
    assert render_scale(14_400, 10) * 14_400 <= LONG


def test_a_pdf_locked_only_against_printing_is_rendered(live: LiveServer) -> None:
    code = live.new_workshop()
    reply = upload_map(live, code, encrypted(city_pdf(landscape(A4)), "", "owner-secret"))
    assert reply.status_code == 200, reply.text
    assert reply.json()["width"] == LONG


def test_the_same_map_twice_is_one_map(live: LiveServer) -> None:
    code = live.new_workshop()
    first = upload_map(live, code, map_image())
    seq = log_seq(live, code)
    second = upload_map(live, code, map_image())
    assert second.status_code == 200 and first.json()["hash"] == second.json()["hash"]
    assert log_seq(live, code) == seq and len(stored(live)) == 1


async def test_every_board_is_told_of_the_map_when_the_upload_answers(
        live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    phone = await Client(live, code).connect()
    await phone.join("佐藤")
    screen = await Client(live, code).connect()
    reply = await asyncio.to_thread(upload_map, live, code, map_image(1200, 800), title="町内")
    image = reply.json()["hash"]
    for client in (console, phone, screen):
        await client.wait_for(lambda b: (b.workshop.get("map") or {}).get("hash") == image)
        header = client.board.workshop["map"]
        assert (header["title"], header["width"], header["height"]) == ("町内", 1200, 800)


def test_a_cofacilitator_may_upload_with_their_token(live: LiveServer) -> None:
    code = live.new_workshop()

    async def cofacilitator() -> str:
        phone = await Client(live, code).connect()
        reply = await phone.join("鈴木")
        console = await Client(live, code, key=live.key).connect()
        granted = await console.cmd("grant_cofacilitator",
                                    participant_id=reply["result"]["participant_id"])
        assert granted["type"] == "ack"
        await phone.close()
        await console.close()
        return str(phone.token)

    token = asyncio.run(cofacilitator())
    with httpx.Client(base_url=live.base, timeout=HANG) as http:
        reply = http.post(f"/w/{code}/map", content=map_image(),
                          headers={"x-yoriai-token": token, "accept": "application/json"})
    assert reply.status_code == 200, reply.text
    assert the_map(live, code).hash == reply.json()["hash"]


# --- who may not ------------------------------------------------------------------------

def participant_token(live: LiveServer, code: str) -> str:
    async def join() -> str:
        phone = await Client(live, code).connect()
        await phone.join("田中")
        await phone.close()
        return str(phone.token)

    return asyncio.run(join())


def send_headers_only(live: LiveServer, target: str, headers: str,
                      length: int) -> tuple[int, dict[str, Any] | None]:
    """A POST to ``/w/{target}`` that declares a body of ``length`` bytes and sends none of
    it: whatever the server answers, it answered without reading the body. Returns the
    status and the JSON answer (None when it sent none)."""
    request = (f"POST /w/{target} HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
               f"Accept: application/json\r\nContent-Type: application/pdf\r\n{headers}"
               f"Content-Length: {length}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", live.port), timeout=HANG) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = dict(line.lower().split(": ", 1) for line in lines[1:])
        size = int(fields.get("content-length", "0"))
        while len(body) < size:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return status, (json.loads(body) if size else None)


@pytest.mark.parametrize("who", ["participant", "nobody", "forged"])
def test_a_participant_or_a_stranger_is_refused_before_the_body_is_read(
        live: LiveServer, who: str) -> None:
    code = live.new_workshop()
    headers = {"participant": f"X-Yoriai-Token: {participant_token(live, code)}\r\n",
               "nobody": "", "forged": "X-Yoriai-Token: p1.forged\r\n"}[who]
    expected = "not_allowed" if who == "participant" else "need_key"
    # A body well within the limit, never sent: the answer comes all the same.
    status, answer = refusal_leaves_nothing(live, code, lambda: send_headers_only(
        live, f"{code}/map", headers, 1_000_000))
    assert status == 403 and answer is not None and answer["error"]["code"] == expected
    with httpx.Client(base_url=live.base, timeout=HANG) as http:
        full = http.post(f"/w/{code}/map", content=map_image(),
                         headers={"accept": "application/json",
                                  **({"x-yoriai-token": headers.split(": ")[1].strip()}
                                     if headers else {})})
    assert full.status_code == 403 and full.json()["error"]["code"] == expected
    assert the_map(live, code) is None


def test_an_upload_from_another_origin_is_refused(live: LiveServer) -> None:
    code = live.new_workshop()
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(
        live, code, map_image(), headers={"origin": "http://evil.example"}))
    assert reply.status_code == 403 and "cross-origin" in reply.text


# --- what is refused --------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"Dear neighbours, this is a text file renamed map.pdf\n",
    b"",
    map_image()[:2000],
    b"GIF89a" + b"\x00" * 40,
], ids=["text", "empty", "truncated-jpeg", "gif-header-only"])
def test_a_file_that_is_neither_an_image_nor_a_pdf_is_refused(live: LiveServer,
                                                               body: bytes) -> None:
    code = live.new_workshop()
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(live, code, body))
    assert_refused(reply, 415, "map_not_an_image")


@pytest.mark.parametrize("body", [
    b"%PDF-1.7\n% nothing else\n",
    city_pdf(A4)[:800],
], ids=["header-only", "truncated"])
def test_a_broken_pdf_is_refused(live: LiveServer, body: bytes) -> None:
    code = live.new_workshop()
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(live, code, body))
    assert_refused(reply, 422, "map_pdf_broken")


def test_an_encrypted_pdf_is_refused_with_what_to_do(live: LiveServer) -> None:
    code = live.new_workshop()
    locked = encrypted(city_pdf(A4), "open-sesame", "owner-secret")
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(live, code, locked))
    assert_refused(reply, 422, "map_pdf_encrypted")
    assert "パスワード" in reply.json()["error"]["message"]


def test_a_page_the_pdf_does_not_have_is_refused(live: LiveServer) -> None:
    code = live.new_workshop()
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(
        live, code, city_pdf(A4, A4), page=3))
    assert_refused(reply, 422, "map_pdf_no_page", page=3, pages=2)
    assert "2ページ" in reply.json()["error"]["message"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "１", "9" * 12, ""])
def test_a_page_that_is_not_a_number_from_one_is_refused_unread(live: LiveServer,
                                                                page: str) -> None:
    code = live.new_workshop()
    status, answer = refusal_leaves_nothing(live, code, lambda: send_headers_only(
        live, f"{code}/map?page={quote(page)}", f"Cookie: yoriai_key={live.key}\r\n",
        1_000_000))
    assert status == 422 and answer is not None and answer["error"]["code"] == "map_bad_page"
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(
        live, code, city_pdf(A4), page=page))
    assert_refused(reply, 422, "map_bad_page")


def test_a_pdf_page_that_draws_too_long_is_abandoned(live: LiveServer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The render is given MAP_RENDER_MAX_SECS; here none at all: PDFium is told to stop at
    its first pause (after a hundred of the page's objects) and the upload is refused."""
    code = live.new_workshop()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=landscape(A3))
    for i in range(1000):
        pdf.line(i, 0, 1000 - i, 800)
    pdf.showPage()
    pdf.save()
    monkeypatch.setattr(limits, "MAP_RENDER_MAX_SECS", 0)
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(live, code, out.getvalue()))
    assert_refused(reply, 422, "map_pdf_too_slow", secs=0)
    monkeypatch.undo()  # and with its time, the same page is a map
    assert upload_map(live, code, out.getvalue()).status_code == 200


def test_a_decompression_bomb_is_refused_unread(live: LiveServer) -> None:
    code = live.new_workshop()
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, "PNG")  # a few KB claiming 60 Mpx
    assert len(out.getvalue()) < 100_000
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(live, code, out.getvalue()))
    assert_refused(reply, 413, "map_too_many_pixels", max_mp=limits.MAP_PIXELS_MAX // 1_000_000)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_refused(live: LiveServer, declared: bool) -> None:
    code = live.new_workshop()
    # A real PDF with junk after it: only its size is wrong.
    body = city_pdf(A4)
    body += b"\0" * (limits.MAP_UPLOAD_MAX_BYTES + 1 - len(body))

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(body), 1 << 20):
            yield body[i:i + (1 << 20)]

    reply = refusal_leaves_nothing(live, code, lambda: upload_map(
        live, code, body if declared else chunks()))  # type: ignore[arg-type]
    assert_refused(reply, 413, "map_too_large",
                   max_mb=limits.MAP_UPLOAD_MAX_BYTES // (1024 * 1024))


def test_a_body_far_over_the_limit_is_answered_before_it_is_sent(live: LiveServer) -> None:
    code = live.new_workshop()
    status, answer = refusal_leaves_nothing(live, code, lambda: send_headers_only(
        live, f"{code}/map", f"Cookie: yoriai_key={live.key}\r\n",
        limits.MAP_DRAIN_MAX_BYTES + 1))
    assert status == 413 and answer is not None and answer["error"]["code"] == "map_too_large"


def test_a_title_too_long_is_refused_before_the_body_is_read(live: LiveServer) -> None:
    code = live.new_workshop()
    title = "地" * (domain_limits.MAP_TITLE_MAX_CHARS + 1)
    reply = refusal_leaves_nothing(live, code, lambda: upload_map(live, code, map_image(),
                                                                  title=title))
    assert_refused(reply, 422, "map_title_too_long", max=domain_limits.MAP_TITLE_MAX_CHARS,
                   length=len(title))


async def test_a_map_holding_pins_is_not_replaced(live: LiveServer) -> None:
    code = live.new_workshop()
    first = (await asyncio.to_thread(upload_map, live, code, map_image())).json()["hash"]
    phone = await Client(live, code).connect()
    await phone.join("佐藤")
    placed = await phone.cmd("post_note", kind="issue", text="この交差点が危ない",
                             pin={"x": 3300, "y": 3300})
    assert placed["type"] == "ack", placed
    reply = await asyncio.to_thread(refusal_leaves_nothing, live, code, lambda: upload_map(
        live, code, map_image(1600, 900)))
    assert_refused(reply, 409, "map_in_use")
    assert the_map(live, code).hash == first


def test_an_upload_to_a_workshop_that_does_not_exist_is_refused(live: LiveServer) -> None:
    reply = upload_map(live, "nosuch", map_image())
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "unknown_workshop"
    assert stored(live) == set()


# --- the served image -------------------------------------------------------------------

def test_the_map_is_served_to_anyone_with_the_workshop_and_cached_for_good(
        live: LiveServer) -> None:
    code = live.new_workshop()
    image = upload_map(live, code, map_image()).json()["hash"]
    data = (photos_dir(live) / f"{image}.jpg").read_bytes()
    with httpx.Client(base_url=live.base, timeout=HANG) as stranger:  # no key, no token
        served = stranger.get(f"/w/{code}/map/{image}.jpg")
        assert served.status_code == 200 and served.content == data
        assert served.headers["content-type"] == "image/jpeg"
        cache = served.headers["cache-control"]
        assert "immutable" in cache and "max-age=31536000" in cache
        # Not gzipped on the way (httpx asks for it): a JPEG does not shrink, and 200 phones
        # loading it would keep the event loop compressing megabytes for nothing.
        assert "content-encoding" not in served.headers
        # Any other hash, name or workshop: not found.
        for path in (f"/w/{code}/map/{'0' * 64}.jpg", f"/w/{code}/map/{image}",
                     f"/w/{code}/map/{image}.png", f"/w/{code}/map/..%2Ffacilitator.key",
                     f"/w/{live.new_workshop('別の会')}/map/{image}.jpg"):
            missing = stranger.get(path, headers={"accept": "application/json"})
            assert missing.status_code == 404, path
        # A photo of the workshop is not served as its map.
        with httpx.Client(base_url=live.base, timeout=HANG,
                          cookies={"yoriai_key": live.key}) as console:
            photo = console.post(f"/w/{code}/photos", content=camera_jpeg(300, 200, 1),
                                 headers={"accept": "application/json"}).json()["hash"]
        assert stranger.get(f"/w/{code}/map/{photo}.jpg").status_code == 404
        assert stranger.get(f"/w/nosuch/map/{image}.jpg").status_code == 404


def test_the_phones_get_a_smaller_copy_of_the_same_shape(live: LiveServer) -> None:
    """``<hash>-phone.jpg``: at most MAP_PHONE_LONG_SIDE_PX, the map's own shape (a place on
    the grid is the same place on both), the same rules and headers as the map; a map that
    is small already is its own copy."""
    code = live.new_workshop()
    big = upload_map(live, code, map_image(3000, 2000)).json()
    assert (big["width"], big["height"]) == (2400, 1600)
    with httpx.Client(base_url=live.base, timeout=HANG) as stranger:
        whole = stranger.get(f"/w/{code}/map/{big['hash']}.jpg")
        copy = stranger.get(f"/w/{code}/map/{big['hash']}-phone.jpg")
        assert copy.status_code == 200 and copy.headers["content-type"] == "image/jpeg"
        assert "immutable" in copy.headers["cache-control"]
        with Image.open(io.BytesIO(copy.content)) as small:
            assert max(small.size) == limits.MAP_PHONE_LONG_SIDE_PX
            assert abs(small.size[0] / small.size[1] - 2400 / 1600) < 0.01
            # The red square (the community centre) a third of the way in is still there.
            red = small.convert("RGB").getpixel((small.size[0] // 3 + 10,
                                                 small.size[1] // 3 + 10))
            assert isinstance(red, tuple)
            assert red[0] > 150 and red[1] < 90 and red[2] < 90, red
        assert len(copy.content) < len(whole.content) / 2
        # Asked again: the same bytes (kept, not made anew).
        assert stranger.get(f"/w/{code}/map/{big['hash']}-phone.jpg").content == copy.content
        # Not for another hash, nor once the map is replaced.
        assert stranger.get(f"/w/{code}/map/{'0' * 64}-phone.jpg").status_code == 404
    other = live.new_workshop("小さい地図")
    small_map = upload_map(live, other, map_image(800, 600)).json()
    with httpx.Client(base_url=live.base, timeout=HANG) as stranger:
        same = stranger.get(f"/w/{other}/map/{small_map['hash']}-phone.jpg")
        assert same.content == stranger.get(f"/w/{other}/map/{small_map['hash']}.jpg").content


async def test_a_removed_or_replaced_map_is_no_longer_served(live: LiveServer) -> None:
    code = live.new_workshop()
    old = (await asyncio.to_thread(upload_map, live, code, map_image())).json()["hash"]
    new = (await asyncio.to_thread(upload_map, live, code, map_image(800, 800))).json()["hash"]
    async with httpx.AsyncClient(base_url=live.base, timeout=HANG) as http:
        assert (await http.get(f"/w/{code}/map/{old}.jpg")).status_code == 404
        assert (await http.get(f"/w/{code}/map/{new}.jpg")).status_code == 200
        console = await Client(live, code, key=live.key).connect()
        assert (await console.cmd("remove_map"))["type"] == "ack"
        assert (await http.get(f"/w/{code}/map/{new}.jpg")).status_code == 404
    # The file stays in the data folder (another workshop may show the same map).
    assert f"{new}.jpg" in stored(live)


# --- the socket ---------------------------------------------------------------------------

async def test_the_socket_refuses_add_map_and_add_photo(live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    seq = console.board.seq
    for name, args in (("add_map", {"hash": "ab" * 32, "title": "", "width": 100,
                                    "height": 100}),
                       ("add_photo", {"hash": "cd" * 32, "caption": ""})):
        reply = await console.cmd(name, **args)
        assert reply["type"] == "error" and reply["code"] == "upload_only", reply
        assert reply["params"] == {"command": name}
        assert reply["message"] == error_text("upload_only", "ja")
    state = live.ctx.hub.rooms[code].state
    assert state.map is None and not state.photos and state.seq == seq
    # The socket stays open and works.
    assert (await console.cmd("lock_board", locked=True))["type"] == "ack"


# --- off the event loop -------------------------------------------------------------------

class WatchedLock:
    """The lock a map's preparation takes, held by the test: it says when an upload is
    waiting for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting = threading.Event()

    def __enter__(self) -> None:
        self.waiting.set()
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


async def test_the_room_is_answered_while_a_pdf_is_being_rendered(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF page is rendered in a worker thread: while one is under way (here: held at
    the preparation's lock), the room's commands are acked and pages load."""
    code = live.new_workshop()
    watched = WatchedLock()
    monkeypatch.setattr(maps, "_PREPARING", watched)
    console = await Client(live, code, key=live.key).connect()
    watched.lock.acquire()
    try:
        upload = asyncio.create_task(asyncio.to_thread(upload_map, live, code,
                                                       city_pdf(landscape(A3))))
        assert await asyncio.to_thread(watched.waiting.wait, HANG)
        reply = await console.cmd("lock_board", locked=True)
        assert reply["type"] == "ack", reply
        async with httpx.AsyncClient(base_url=live.base, timeout=HANG) as http:
            assert (await http.get(f"/w/{code}")).status_code == 200
        assert not upload.done()
    finally:
        watched.lock.release()
    answer = await upload
    assert answer.status_code == 200, answer.text
    await console.wait_for(lambda b: (b.workshop.get("map") or {}).get("hash")
                           == answer.json()["hash"])


async def test_a_pin_placed_while_a_new_map_is_prepared_keeps_the_old_map(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The upload decides add_map again once the file is ready, before writing it: a note
    placed on the current map meanwhile (held at the preparation's lock) refuses the new
    map, and its file is never written."""
    code = live.new_workshop()
    first = (await asyncio.to_thread(upload_map, live, code, map_image())).json()["hash"]
    phone = await Client(live, code).connect()
    await phone.join("佐藤")
    watched = WatchedLock()
    monkeypatch.setattr(maps, "_PREPARING", watched)
    before = stored(live)
    watched.lock.acquire()
    try:
        upload = asyncio.create_task(asyncio.to_thread(upload_map, live, code,
                                                       map_image(1600, 900)))
        assert await asyncio.to_thread(watched.waiting.wait, HANG)
        placed = await phone.cmd("post_note", kind="charm", text="公民館の桜",
                                 pin={"x": 5000, "y": 5000})
        assert placed["type"] == "ack", placed
    finally:
        watched.lock.release()
    reply = await upload
    assert_refused(reply, 409, "map_in_use")
    assert stored(live) == before
    assert the_map(live, code).hash == first


# --- a sender who leaves --------------------------------------------------------------------

def test_a_phone_that_leaves_in_the_middle_of_an_upload_is_no_fault(live: LiveServer) -> None:
    """A つむぎすと's phone leaving the Wi-Fi halfway through a map's body is an ordinary event
    of the evening: nothing is stored, and the laptop's terminal shows no traceback (the
    server logs a fault only for faults)."""
    code = live.new_workshop()
    faults: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            faults.append(record)

    keep = Keep(logging.ERROR)
    logging.getLogger("uvicorn.error").addHandler(keep)
    tasks = live.server.server_state.tasks
    try:
        with socket.create_connection(("127.0.0.1", live.port), timeout=HANG) as sock:
            sock.sendall((f"POST /w/{code}/map HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
                          f"Cookie: yoriai_key={live.key}\r\nOrigin: {live.base}\r\n"
                          "Content-Type: application/octet-stream\r\n"
                          "Content-Length: 5000000\r\n\r\n").encode())
            sock.sendall(b"x" * 1_000_000)
            wait_until(lambda: len(tasks) == 1, "the upload never started")  # reading the body
        wait_until(lambda: not tasks, "the upload was never given up")
    finally:
        logging.getLogger("uvicorn.error").removeHandler(keep)
    assert faults == []
    assert stored(live) == set()
    assert the_map(live, code) is None


def test_a_broken_pdf_after_an_encrypted_one_is_not_called_encrypted() -> None:
    """PDFium's last error belongs to the thread and a PDF with no page leaves it unset: in
    the same thread after an encrypted PDF it read as a password error (a fresh clone's
    run of the attack tests met it). Each answer is the PDF's own."""
    from yoriai.server.maps import MapProblem, render_pdf

    locked, empty = io.BytesIO(), io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("user-secret", "owner-secret")
    writer.write(locked)
    PdfWriter().write(empty)
    for raw, code in ((locked.getvalue(), "map_pdf_encrypted"),
                      (empty.getvalue(), "map_pdf_broken"),
                      (locked.getvalue(), "map_pdf_encrypted")):
        with pytest.raises(MapProblem) as refused:
            render_pdf(raw, 1)
        assert refused.value.code == code
