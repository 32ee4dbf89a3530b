"""Photos travel with the workshop: the console's JSON archive carries them, ``yoriai
import`` puts them back into another data folder byte for byte, ``yoriai export`` prints
the chosen ones from there, and an archive whose photo does not match its hash is refused
with nothing written."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import httpx

from tests.support import Client, LiveServer
from yoriai.exports.archive import checksum
from yoriai.facilitation.model import Event

from .serverproc import yoriai
from .test_photos import camera_jpeg, small_jpeg, upload


def folder(data: Path) -> dict[str, bytes]:
    photos = data / "photos"
    return {p.name: p.read_bytes() for p in photos.iterdir()} if photos.exists() else {}


def exported_archive(live: LiveServer) -> tuple[str, bytes]:
    """A workshop with two photos (one chosen), downloaded as the console downloads it."""
    code = live.new_workshop("写真の会")
    with httpx.Client(base_url=live.base, timeout=60) as http:
        http.get(f"/?key={live.key}")
        chosen = upload(http, code, camera_jpeg(900, 600), caption="会場の様子").json()["hash"]
        assert upload(http, code, small_jpeg(3), caption="班の模造紙").status_code == 200

        async def choose() -> None:
            console = await Client(live, code, key=live.key).connect()
            reply = await console.cmd("choose_photo", hash=chosen, chosen=True)
            assert reply["type"] == "ack", reply
            await console.close()

        asyncio.run(choose())
        reply = http.get(f"/w/{code}/export/json")
    assert reply.status_code == 200
    return code, reply.content


def test_an_archive_round_trip_keeps_every_photo_byte_identical(live: LiveServer,
                                                                 tmp_path: Path) -> None:
    code, raw = exported_archive(live)
    doc = json.loads(raw)
    assert len(doc["photos"]) == 2
    path = tmp_path / "archive.json"
    path.write_bytes(raw)
    other = tmp_path / "other-laptop"
    result = yoriai("import", str(path), "--data", str(other))
    assert result.returncode == 0, result.stderr
    assert folder(other) == folder(live.data_dir) and len(folder(other)) == 2

    # From the other laptop: the chosen photo is in the page, the other is not.
    out = tmp_path / "plan.html"
    exported = yoriai("export", code, "--format", "html", "-o", str(out), "--data", str(other))
    assert exported.returncode == 0, exported.stderr
    page = out.read_text("utf-8")
    assert page.count('src="data:image/jpeg;base64,') == 1 and "会場の様子" in page
    assert "班の模造紙" not in page


def test_an_archive_whose_photo_does_not_match_its_hash_writes_nothing(
        live: LiveServer, tmp_path: Path) -> None:
    _, raw = exported_archive(live)
    doc = json.loads(raw)
    data = bytearray(base64.b64decode(doc["photos"][0]["data"]))
    data[-3] ^= 0xFF
    doc["photos"][0]["data"] = base64.b64encode(bytes(data)).decode()
    # Sealed again, so that it is the photo's own check that refuses it.
    events = [Event.from_json(e) for e in doc["events"]]
    doc["checksum"]["value"] = checksum(events, doc["photos"])
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc), "utf-8")
    other = tmp_path / "other-laptop"
    result = yoriai("import", str(path), "--data", str(other))
    assert result.returncode != 0
    assert "do not match its hash" in result.stderr and "nothing was imported" in result.stderr
    assert not other.exists() or not any(other.iterdir())


def test_importing_a_workshop_the_laptop_has_leaves_its_photos_as_they_were(
        live: LiveServer, tmp_path: Path) -> None:
    _, raw = exported_archive(live)
    path = tmp_path / "archive.json"
    path.write_bytes(raw)
    other = tmp_path / "other-laptop"
    assert yoriai("import", str(path), "--data", str(other)).returncode == 0
    before = folder(other)
    again = yoriai("import", str(path), "--data", str(other))
    assert again.returncode != 0
    assert folder(other) == before
