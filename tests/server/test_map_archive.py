"""The map travels with the workshop: the JSON archive carries its image among the photos,
``yoriai import`` puts it back byte for byte with every pin in place, and the other laptop
serves it and hands it to the exports that draw it; an archive whose workshop has a map but
not its image (or an image of another size) is refused with nothing written."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.support import HANG, Client, LiveServer, map_image, upload_map
from yoriai.exports.archive import ArchiveError, checksum, read_archive
from yoriai.facilitation.model import Event, Pin
from yoriai.server.photos import photos_for

from .serverproc import yoriai
from .test_photos import small_jpeg, upload


def folder(data: Path) -> dict[str, bytes]:
    photos = data / "photos"
    return {p.name: p.read_bytes() for p in photos.iterdir()} if photos.exists() else {}


def evening_on_the_map(live: LiveServer) -> tuple[str, str, str, bytes]:
    """A workshop with a map, a photo, and notes placed on the map by a phone, by 代理入力
    and moved by the facilitator; returns its code, the map's hash, the photo's hash and
    the archive the console downloads."""
    code = live.new_workshop("地図の会")
    reply = upload_map(live, code, map_image(1600, 1000), title="西部地区")
    assert reply.status_code == 200, reply.text
    image = reply.json()["hash"]

    async def place() -> None:
        console = await Client(live, code, key=live.key).connect()
        phone = await Client(live, code).connect()
        await phone.join("佐藤")
        posted = await phone.cmd("post_note", kind="issue", text="見通しの悪い交差点",
                                 pin={"x": 3333, "y": 3333})
        assert posted["type"] == "ack", posted
        proxy = await console.cmd("add_proxy", name="紙の人", attribute="住民")
        paper = await console.cmd("post_note", proxy_for=proxy["result"]["participant_id"],
                                  kind="charm", text="川沿いの桜", pin={"x": 100, "y": 9000})
        assert paper["type"] == "ack", paper
        moved = await console.cmd("place_note", note_id=posted["result"]["note_id"],
                                  pin={"x": 3400, "y": 3300})
        assert moved["type"] == "ack", moved
        unplaced = await phone.cmd("post_note", kind="wish", text="場所なしの思い")
        assert unplaced["type"] == "ack", unplaced
        await phone.close()
        await console.close()

    asyncio.run(place())
    with httpx.Client(base_url=live.base, timeout=HANG) as http:
        http.get(f"/?key={live.key}")
        photo = upload(http, code, small_jpeg(4), caption="会場").json()["hash"]
        archive = http.get(f"/w/{code}/export/json")
    assert archive.status_code == 200
    return code, image, photo, archive.content


def test_an_archive_round_trip_carries_the_map_and_every_place(live: LiveServer,
                                                               tmp_path: Path) -> None:
    code, image, photo, raw = evening_on_the_map(live)
    doc = json.loads(raw)
    assert doc["version"] == 3  # map work: a Yoriai from before it is told "newer"
    assert [p["hash"] for p in doc["photos"]] == [photo, image]  # photos first, then the map
    carried = base64.b64decode(doc["photos"][1]["data"])
    assert carried == (live.data_dir / "photos" / f"{image}.jpg").read_bytes()
    here = live.ctx.hub.rooms[code].state

    path = tmp_path / "archive.json"
    path.write_bytes(raw)
    other = tmp_path / "other-laptop"
    result = yoriai("import", str(path), "--data", str(other))
    assert result.returncode == 0, result.stderr
    assert folder(other) == folder(live.data_dir) and f"{image}.jpg" in folder(other)

    # The other laptop has the same map and the same places, serves the image to anyone,
    # and hands it to the exports that draw it.
    there = LiveServer(other).start()
    try:
        with httpx.Client(base_url=there.base, timeout=HANG) as stranger:
            stranger.get(f"/w/{code}")  # loads the room
            served = stranger.get(f"/w/{code}/map/{image}.jpg")
        assert served.status_code == 200 and served.content == carried
        state = there.ctx.hub.rooms[code].state
        assert state.map == here.map and state.map is not None
        assert state.map.title == "西部地区" and (state.map.width, state.map.height) == (1600, 1000)
        places = {n.text: n.pin for n in state.notes.values()}
        assert places == {"見通しの悪い交差点": Pin(3400, 3300), "川沿いの桜": Pin(100, 9000),
                          "場所なしの思い": None}
        assert places == {n.text: n.pin for n in here.notes.values()}
        for fmt in ("html", "pdf", "docx", "svg", "png"):
            assert photos_for(other, state, fmt)[image] == carried, fmt
        assert image not in photos_for(other, state, "csv")
    finally:
        there.stop()


def test_the_exports_are_handed_the_map_and_only_what_they_print(live: LiveServer) -> None:
    code, image, photo, _ = evening_on_the_map(live)
    state = live.ctx.hub.rooms[code].state
    assert set(photos_for(live.data_dir, state, "json")) == {photo, image}
    # The photo is not chosen for the plan: the pages get the map alone.
    for fmt in ("html", "pdf", "docx", "svg", "png"):
        assert set(photos_for(live.data_dir, state, fmt)) == {image}, fmt
    for fmt in ("csv", "md"):
        assert photos_for(live.data_dir, state, fmt) == {}, fmt


def resealed(doc: dict[str, Any]) -> bytes:
    """An edited archive sealed again: its checksum is right, so the other checks speak."""
    events = [Event.from_json(e) for e in doc["events"]]
    doc["checksum"] = {"algorithm": "sha256", "value": checksum(events, doc["photos"])}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def test_an_archive_without_the_map_image_is_refused_and_writes_nothing(
        live: LiveServer, tmp_path: Path) -> None:
    _, image, _, raw = evening_on_the_map(live)
    doc = json.loads(raw)
    doc["photos"] = [p for p in doc["photos"] if p["hash"] != image]
    edited = resealed(doc)
    with pytest.raises(ArchiveError, match=r"has a map .* does not carry that image"):
        read_archive(edited)
    path = tmp_path / "no-map.json"
    path.write_bytes(edited)
    other = tmp_path / "other-laptop"
    result = yoriai("import", str(path), "--data", str(other))
    assert result.returncode != 0
    assert "does not carry that image" in result.stderr and "nothing was imported" in result.stderr
    assert not other.exists() or not any(other.iterdir())


def test_an_archive_whose_map_image_is_another_size_is_refused(live: LiveServer) -> None:
    _, image, _, raw = evening_on_the_map(live)
    doc = json.loads(raw)
    # Another picture put in its place under its own (right) hash, and the events edited
    # to name it: the size the workshop records is not the image's.
    other = map_image(800, 800)
    cleaned = io.BytesIO()
    Image.open(io.BytesIO(other)).save(cleaned, "JPEG")
    data = cleaned.getvalue()
    swapped = hashlib.sha256(data).hexdigest()
    for event in doc["events"]:
        if event["type"] == "MapAdded":
            event["data"]["hash"] = swapped
    for entry in doc["photos"]:
        if entry["hash"] == image:
            entry.update(hash=swapped, data=base64.b64encode(data).decode("ascii"))
    with pytest.raises(ArchiveError, match="is not 1600 x 1000 pixels"):
        read_archive(resealed(doc))


def test_an_archive_may_not_carry_a_map_image_the_workshop_no_longer_shows(
        live: LiveServer) -> None:
    """An earlier map's image is no file of the workshop's: an archive carrying it has been
    edited, and is refused like a photo the workshop does not hold."""
    _, image, _, raw = evening_on_the_map(live)
    doc = json.loads(raw)
    stray = map_image(640, 480)
    doc["photos"].append({"hash": hashlib.sha256(stray).hexdigest(),
                          "data": base64.b64encode(stray).decode("ascii")})
    with pytest.raises(ArchiveError, match="not one of the workshop's photos"):
        read_archive(resealed(doc))
    assert image in {p["hash"] for p in doc["photos"]}


def test_the_downloaded_plan_prints_the_uploaded_map(live: LiveServer) -> None:
    """From the upload to the console's download: the html plan embeds the stored map's
    very bytes (exports/maps.py draws the pins over them)."""
    code, image, _, _ = evening_on_the_map(live)
    stored = (live.data_dir / "photos" / f"{image}.jpg").read_bytes()
    with httpx.Client(base_url=live.base, timeout=HANG,
                      cookies={"yoriai_key": live.key}) as console:
        page = console.get(f"/w/{code}/export/html")
    assert page.status_code == 200
    assert base64.b64encode(stored).decode("ascii") in page.text
