"""The map in the console's downloads, end to end on the real app: the facilitator uploads
the district's map (HTTP), a phone places a note on it (WebSocket), and the downloaded
board picture and PDF draw that pin with the image the upload stored — the server hands the
map's bytes to the exporters that draw it."""

from __future__ import annotations

import asyncio
import io
import subprocess
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest
from PIL import Image

from tests.support import HANG, Client, LiveServer, map_image, upload_map

from .helpers import SVG, pdf_text, squash

XLINK = "{http://www.w3.org/1999/xlink}href"
TEXT = "見通しの悪い交差点"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("mapdl")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def code(live: LiveServer) -> str:
    code = live.new_workshop("地図の会")
    reply = upload_map(live, code, map_image(1600, 1000), title="西部地区")
    assert reply.status_code == 200, reply.text

    async def place() -> None:
        phone = await Client(live, code).connect()
        await phone.join("佐藤")
        posted = await phone.cmd("post_note", kind="issue", text=TEXT, pin={"x": 2500, "y": 5000})
        assert posted["type"] == "ack", posted
        await phone.close()

    asyncio.run(place())
    return code


def download(live: LiveServer, code: str, fmt: str) -> bytes:
    with httpx.Client(base_url=live.base, cookies={"yoriai_key": live.key},
                      timeout=HANG) as http:
        response = http.get(f"/w/{code}/export/{fmt}")
    assert response.status_code == 200
    return response.content


def test_the_downloaded_board_draws_the_stored_map_with_the_pin(live: LiveServer,
                                                                code: str) -> None:
    root = ET.fromstring(download(live, code, "svg"))
    image = next(root.iter(f"{SVG}image"))
    assert image.get(XLINK, "").startswith("data:image/jpeg;base64,")
    pins = [g for g in root.iter(f"{SVG}g") if (g.get("class") or "") == "pin issue"]
    assert [g.findtext(f"{SVG}title") for g in pins] == [f"1 課題: {TEXT}"]


def test_the_downloaded_pdf_embeds_the_stored_map(live: LiveServer, code: str,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(download(live, code, "pdf"))
    assert squash("地図　西部地区") in squash(pdf_text(path))
    stored = next((live.data_dir / "photos").glob("*.jpg")).read_bytes()
    with Image.open(io.BytesIO(stored)) as picture:
        size = picture.size
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                            check=True, timeout=60).stdout.splitlines()[2:]
    assert [(int(c.split()[3]), int(c.split()[4])) for c in listed] == [size]
