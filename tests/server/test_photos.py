"""The photo upload over real HTTP to a real uvicorn: what is stored (upright, small, no
EXIF at all), who may upload (the facilitator's key, a つむぎすと's token; not a
participant, not a stranger, not another origin), and that every refusal is a clear error
with nothing stored: the photos folder and the workshop's log stay as they were."""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.support import HANG, Client, LiveServer
from yoriai.facilitation import limits as domain_limits
from yoriai.server import limits
from yoriai.server.i18n import error_text

ORIENTATION, ARTIST, MAKE, GPS_IFD = 0x0112, 0x013B, 0x010F, 0x8825
OWNER = "Hanako Yamada (owner)"


def camera_jpeg(width: int = 3000, height: int = 1200, orientation: int = 6) -> bytes:
    """A phone photo as the sensor stored it: red on the left, blue on the right, turned
    by its EXIF orientation (6: show it turned 90° clockwise), with a GPS position, the
    camera's make and its owner's name."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[ARTIST] = OWNER
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 43.0, 12.5), 3: "E", 4: (140.0, 6.0, 7.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def small_jpeg(n: int) -> bytes:
    """A small photo, different for every ``n``."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (n % 256, (n * 7) % 256, (n * 13) % 256)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def facilitator(live: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client holding the facilitator's key cookie, as the console's browser does."""
    with httpx.Client(base_url=live.base, timeout=60) as http:
        http.get(f"/?key={live.key}")
        assert http.cookies.get("yoriai_key")
        yield http


def upload(http: httpx.Client, code: str, body: Any, *, caption: str | None = None,
           headers: dict[str, str] | None = None) -> httpx.Response:
    params = {"caption": caption} if caption is not None else None
    return http.post(f"/w/{code}/photos", content=body, params=params,
                     headers={"content-type": "image/jpeg", "accept": "application/json",
                              **(headers or {})})


def photos_dir(live: LiveServer) -> Path:
    return live.data_dir / "photos"


def stored(live: LiveServer) -> set[str]:
    folder = photos_dir(live)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def log_seq(live: LiveServer, code: str) -> int:
    return live.ctx.hub.rooms[code].state.seq


def assert_refused(reply: httpx.Response, status: int, code: str, **params: Any) -> None:
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert error["code"] == code
    # The console shows this sentence as it is: the catalogue's, in the page's language.
    assert error["message"] == error_text(code, "ja", **params)


def test_the_stored_photo_is_upright_small_and_carries_no_exif(
        live: LiveServer, facilitator: httpx.Client) -> None:
    code = live.new_workshop()
    original = camera_jpeg()
    # The test image really carries what must not leave the laptop.
    sent = Image.open(io.BytesIO(original)).getexif()
    assert sent[ORIENTATION] == 6 and sent.get_ifd(GPS_IFD) and sent[ARTIST] == OWNER

    reply = upload(facilitator, code, original, caption="3班の模造紙")
    assert reply.status_code == 200, reply.text
    photo = reply.json()["hash"]
    path = photos_dir(live) / f"{photo}.jpg"
    data = path.read_bytes()

    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0 and "exif" not in image.info
    assert OWNER.encode() not in data and b"Exif" not in data and b"PhoneMaker" not in data
    # Upright: the sensor's 3000 x 1200 turned a quarter clockwise is 1200 x 3000, shrunk
    # to at most 2000 px; what was on the left (red) is now at the top.
    assert max(image.size) <= limits.PHOTO_LONG_SIDE_PX
    width, height = image.size
    assert height > width and max(image.size) == limits.PHOTO_LONG_SIDE_PX
    top, bottom = image.getpixel((width // 2, 10)), image.getpixel((width // 2, height - 10))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 and top[2] < 100  # red
    assert bottom[2] > 150 and bottom[0] < 100  # blue
    assert reply.json()["width"] == width and reply.json()["height"] == height

    # Recorded by hash and caption, not chosen yet; the console is served the same bytes.
    state = live.ctx.hub.rooms[code].state
    assert state.photos[photo].caption == "3班の模造紙" and not state.photos[photo].chosen
    served = facilitator.get(f"/w/{code}/photos/{photo}.jpg")
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"] == "image/jpeg"


async def test_the_console_sees_the_photo_arrive_and_participants_do_not(
        live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    phone = await Client(live, code).connect()
    await phone.join("佐藤")
    with httpx.Client(base_url=live.base) as http:
        http.get(f"/?key={live.key}")
        # Blocking this test's loop a moment is fine: the server runs in its own thread.
        reply = upload(http, code, small_jpeg(1), caption="会場")
    photo = reply.json()["hash"]
    await console.wait_for(lambda b: photo in b.items("photos"))
    assert console.board.items("photos")[photo]["caption"] == "会場"
    chose = await console.cmd("choose_photo", hash=photo, chosen=True)
    assert chose["type"] == "ack"
    await console.wait_for(lambda b: b.items("photos")[photo]["chosen"] is True)
    # A participant is told nothing of photos, and may not touch them.
    assert phone.board.items("photos") == {}
    refused = await phone.cmd("remove_photo", hash=photo)
    assert refused["type"] == "error" and refused["code"] == "not_allowed"


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
    with httpx.Client(base_url=live.base) as http:
        reply = upload(http, code, small_jpeg(2), headers={"x-yoriai-token": token})
    assert reply.status_code == 200, reply.text
    assert reply.json()["hash"] in live.ctx.hub.rooms[code].state.photos


def participant_token(live: LiveServer, code: str) -> str:
    async def join() -> str:
        phone = await Client(live, code).connect()
        await phone.join("田中")
        await phone.close()
        return str(phone.token)

    return asyncio.run(join())


def refusal_leaves_nothing(live: LiveServer, code: str, send: Any) -> Any:
    """Send an upload that must be refused; check nothing was stored or logged."""
    if code not in live.ctx.hub.rooms:
        httpx.get(f"{live.base}/w/{code}")  # the phone page loads the room
    before_files, before_seq = stored(live), log_seq(live, code)
    reply = send()
    assert stored(live) == before_files
    assert log_seq(live, code) == before_seq
    return reply


def test_a_participant_cannot_upload(live: LiveServer) -> None:
    code = live.new_workshop()
    token = participant_token(live, code)
    with httpx.Client(base_url=live.base) as http:
        reply = refusal_leaves_nothing(live, code, lambda: upload(
            http, code, camera_jpeg(), headers={"x-yoriai-token": token}))
    assert_refused(reply, 403, "not_allowed")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_without_the_key_the_upload_is_refused_in_the_page_language(
        live: LiveServer, lang: str) -> None:
    code = live.new_workshop()
    with httpx.Client(base_url=live.base) as http:
        reply = refusal_leaves_nothing(live, code, lambda: upload(
            http, code, camera_jpeg(), headers={"accept-language": lang,
                                                "x-yoriai-token": "p1.forged"}))
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "need_key"
    assert reply.json()["error"]["message"] == error_text("need_key", lang)


def test_an_upload_from_another_origin_is_refused(live: LiveServer,
                                                   facilitator: httpx.Client) -> None:
    code = live.new_workshop()
    reply = refusal_leaves_nothing(live, code, lambda: upload(
        facilitator, code, camera_jpeg(), headers={"origin": "http://evil.example"}))
    assert reply.status_code == 403 and "cross-origin" in reply.text


def truncated_jpeg() -> bytes:
    whole = camera_jpeg(800, 600, 1)
    return whole[: len(whole) // 2]


@pytest.mark.parametrize("body", [
    b"Dear neighbours, this is a text file renamed photo.jpg\n",
    b"",
    truncated_jpeg(),
    b"GIF89a" + b"\x00" * 40,
], ids=["text", "empty", "truncated", "gif-header-only"])
def test_a_file_that_is_not_an_image_is_refused(live: LiveServer, facilitator: httpx.Client,
                                                body: bytes) -> None:
    code = live.new_workshop()
    reply = refusal_leaves_nothing(live, code, lambda: upload(facilitator, code, body))
    assert_refused(reply, 415, "not_an_image")


def test_a_decompression_bomb_is_refused_unread(live: LiveServer,
                                                facilitator: httpx.Client) -> None:
    code = live.new_workshop()
    # A PNG of one colour: a few kilobytes that claim 60 million pixels.
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    reply = refusal_leaves_nothing(live, code, lambda: upload(facilitator, code,
                                                              out.getvalue()))
    assert_refused(reply, 413, "photo_too_many_pixels",
                   max_mp=limits.PHOTO_PIXELS_MAX // 1_000_000)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_refused(live: LiveServer, facilitator: httpx.Client,
                                          declared: bool) -> None:
    code = live.new_workshop()
    # A real photo with junk after it: only its size is wrong.
    body = camera_jpeg(400, 300, 1)
    body += b"\0" * (limits.PHOTO_UPLOAD_MAX_BYTES + 1 - len(body))

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(body), 1 << 20):
            yield body[i:i + (1 << 20)]

    reply = refusal_leaves_nothing(live, code, lambda: upload(
        facilitator, code, body if declared else chunks()))
    assert_refused(reply, 413, "photo_too_large",
                   max_mb=limits.PHOTO_UPLOAD_MAX_BYTES // (1024 * 1024))


def test_a_body_far_over_the_limit_is_not_read_at_all(live: LiveServer) -> None:
    code = live.new_workshop()
    # Declared bigger than the server would even drain: answered before the body is sent.
    request = (f"POST /w/{code}/photos HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
               f"Cookie: yoriai_key={live.key}\r\nAccept: application/json\r\n"
               f"Content-Type: image/jpeg\r\n"
               f"Content-Length: {limits.PHOTO_DRAIN_MAX_BYTES + 1}\r\n\r\n").encode()

    def send() -> bytes:
        with socket.create_connection(("127.0.0.1", live.port), timeout=HANG) as sock:
            sock.sendall(request + b"x" * 1000)
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
            return answer

    answer = refusal_leaves_nothing(live, code, send)
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_no_more_than_photos_max(live: LiveServer, facilitator: httpx.Client) -> None:
    code = live.new_workshop()
    for n in range(domain_limits.PHOTOS_MAX):
        assert upload(facilitator, code, small_jpeg(n)).status_code == 200
    assert len(stored(live)) == domain_limits.PHOTOS_MAX
    reply = refusal_leaves_nothing(live, code, lambda: upload(facilitator, code,
                                                              small_jpeg(999)))
    assert_refused(reply, 409, "too_many_photos", max=domain_limits.PHOTOS_MAX)
    # Decided before the body is read (a full workshop is not sent 15 MB for nothing), so
    # even a photo it holds already is refused so.
    again = refusal_leaves_nothing(live, code, lambda: upload(facilitator, code,
                                                              small_jpeg(0)))
    assert again.status_code == 409


def test_a_caption_too_long_is_refused_before_anything_is_stored(
        live: LiveServer, facilitator: httpx.Client) -> None:
    code = live.new_workshop()
    caption = "あ" * (domain_limits.PHOTO_CAPTION_MAX_CHARS + 1)
    reply = refusal_leaves_nothing(live, code, lambda: upload(facilitator, code,
                                                              small_jpeg(5), caption=caption))
    assert_refused(reply, 422, "caption_too_long", max=domain_limits.PHOTO_CAPTION_MAX_CHARS)


def test_the_same_photo_twice_is_one_photo(live: LiveServer, facilitator: httpx.Client) -> None:
    code = live.new_workshop()
    first = upload(facilitator, code, camera_jpeg(600, 400, 1))
    seq = log_seq(live, code)
    second = upload(facilitator, code, camera_jpeg(600, 400, 1))
    assert first.json()["hash"] == second.json()["hash"]
    assert log_seq(live, code) == seq and len(stored(live)) == 1


def test_photos_are_served_to_the_console_only(live: LiveServer,
                                               facilitator: httpx.Client) -> None:
    code = live.new_workshop()
    photo = upload(facilitator, code, small_jpeg(7)).json()["hash"]
    with httpx.Client(base_url=live.base) as stranger:
        assert stranger.get(f"/w/{code}/photos/{photo}.jpg").status_code == 403
    assert facilitator.get(f"/w/{code}/photos/{'0' * 64}.jpg").status_code == 404
    assert facilitator.get(f"/w/{code}/photos/..%2Ffacilitator.key").status_code == 404
    other = live.new_workshop("別の会")
    # A photo of one workshop is not served under another's address.
    assert facilitator.get(f"/w/{other}/photos/{photo}.jpg").status_code == 404


def test_two_uploads_racing_for_the_last_place_leave_exactly_photos_max(
        live: LiveServer, facilitator: httpx.Client) -> None:
    """Both pass the check before their bodies are read; the hub decides them one after
    the other, and the loser's file is taken away again."""
    code = live.new_workshop()
    for n in range(domain_limits.PHOTOS_MAX - 1):
        assert upload(facilitator, code, small_jpeg(n)).status_code == 200
    before = log_seq(live, code)
    bodies = [camera_jpeg(1600 + 16 * k, 1200, 1) for k in range(2)]
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda body: upload(facilitator, code, body), bodies))
    assert sorted(r.status_code for r in replies) == [200, 409]
    assert len(stored(live)) == domain_limits.PHOTOS_MAX
    assert log_seq(live, code) == before + 1
    winner = next(r for r in replies if r.status_code == 200).json()["hash"]
    assert f"{winner}.jpg" in stored(live)


def test_an_upload_to_a_workshop_that_does_not_exist_is_refused(
        live: LiveServer, facilitator: httpx.Client) -> None:
    reply = upload(facilitator, "nosuch", small_jpeg(1))
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "unknown_workshop"
    assert stored(live) == set()
