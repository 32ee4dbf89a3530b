"""Map upload benchmark: what the facilitator waits for after choosing the district's map.

    .venv/bin/python bench/map_upload.py              # both inputs, 5 uploads each
    .venv/bin/python bench/map_upload.py --repeat 10
    .venv/bin/python bench/map_upload.py --detail 10  # a page ten times as dense
    .venv/bin/python bench/map_upload.py --phones 200 # then 200 phones load the map at once

Two inputs, each uploaded to a real server (uvicorn on loopback, SQLite in a temporary
folder) with ``POST /w/{code}/map`` as the console does, timed from the request to the
answer (the map recorded and on every board):

- **A3 city PDF page** — what a city's 都市計画図 or 防災マップ page is like: an A3 landscape
  page with ~6,000 coloured blocks, ~4,000 street segments in three widths, a river, 600
  Japanese place names in the embedded IPAexGothic, and an aerial photo (2,400 x 1,700 JPEG)
  beneath it all (``--detail N``: N times the blocks, streets and names). Rendered by
  PDFium at 2,400 px on its long side.
- **12 MP phone photo of a paper map** — 4,000 x 3,000 JPEG (quality 92, EXIF orientation
  6, sensor noise: a real photo's size, ~5 MB), decoded with JPEG draft scaling, turned
  upright and shrunk to 2,400 px.

With ``--phones N``, the last map (the city page) is then loaded by N phones at once (N
concurrent ``GET /w/{code}/map/{hash}.jpg`` on their own connections, as when the room
opens the map step), while the console sends a command every 100 ms: printed are the time
until every phone has the image and the console's slowest ack meanwhile.

Each upload is a new map (a byte differs), so nothing is answered from the same-hash path;
the map is removed between uploads. Prints the best and median seconds and the sizes.
The server runs in this process's background thread; the machine's load is printed with
the figures, since on a shared 2-core machine it moves them.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from PIL import Image, ImageDraw

from tests.support import Client, LiveServer
from yoriai import package_path


def aerial_jpeg(width: int, height: int) -> bytes:
    picture = Image.merge("RGB", [Image.effect_noise((width, height), 50).point(
        lambda v, k=k: 90 + k * 20 + v // 3) for k in range(3)])
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()


def city_pdf(seed: int = 1, detail: int = 1) -> bytes:
    """An A3 city map page (see the module's docstring)."""
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = package_path("yoriai.exports", "fonts") / "ipaexg.ttf"
    pdfmetrics.registerFont(TTFont("IPAexGothic", str(font)))
    rnd = random.Random(seed)
    width, height = landscape(A3)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height))
    pdf.drawImage(ImageReader(io.BytesIO(aerial_jpeg(2400, 1700))), 0, 0, width, height)
    for _ in range(6000 * detail):  # blocks
        x, y = rnd.uniform(0, width), rnd.uniform(0, height)
        pdf.setFillColorRGB(rnd.uniform(0.8, 1), rnd.uniform(0.75, 0.95), rnd.uniform(0.6, 0.9),
                            alpha=0.8)
        path = pdf.beginPath()
        path.moveTo(x, y)
        for _ in range(4):
            path.lineTo(x + rnd.uniform(-12, 12), y + rnd.uniform(-12, 12))
        path.close()
        pdf.drawPath(path, stroke=0, fill=1)
    for _ in range(4000 * detail):  # streets
        pdf.setStrokeColorRGB(1, 1, 1)
        pdf.setLineWidth(rnd.choice((0.6, 1.5, 4)))
        x, y = rnd.uniform(0, width), rnd.uniform(0, height)
        pdf.line(x, y, x + rnd.uniform(-60, 60), y + rnd.uniform(-60, 60))
    pdf.setStrokeColorRGB(0.4, 0.6, 0.9)
    pdf.setLineWidth(14)
    pdf.bezier(0, height * 0.3, width * 0.3, height * 0.6, width * 0.6, 0, width, height * 0.5)
    pdf.setFillColorRGB(0.1, 0.1, 0.1)
    names = "西東南北中央本川丘森谷町通駅前寺社公園学校"
    for _ in range(600 * detail):  # place names
        pdf.setFont("IPAexGothic", rnd.choice((5, 6, 8, 12)))
        pdf.drawString(rnd.uniform(0, width - 40), rnd.uniform(0, height),
                       "".join(rnd.choice(names) for _ in range(rnd.randint(2, 5))))
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def phone_photo(seed: int = 1) -> bytes:
    """A 12 MP phone photo of a paper map, sideways on the sensor (EXIF orientation 6)."""
    rnd = random.Random(seed)
    size = (4000, 3000)
    picture = Image.merge("RGB", [Image.effect_noise(size, 30).point(
        lambda v, k=k: 150 + k * 10 + v // 3) for k in range(3)])
    draw = ImageDraw.Draw(picture)
    for _ in range(1500):
        x, y = rnd.uniform(0, size[0]), rnd.uniform(0, size[1])
        draw.line((x, y, x + rnd.uniform(-300, 300), y + rnd.uniform(-300, 300)),
                  fill=(245, 245, 240), width=rnd.choice((3, 6, 14)))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def variant(body: bytes, n: int) -> bytes:
    """The same file with a different trailing byte: a new map each time, same work."""
    return body + b"\n%" + str(n).encode() + b"\n" if body.startswith(b"%PDF") else \
        body + bytes([n % 256])


async def phones_load(live: LiveServer, code: str, image: str, phones: int) -> None:
    console = await Client(live, code, key=live.key).connect()
    acks: list[float] = []
    done = asyncio.Event()

    async def console_busy() -> None:
        locked = False
        while not done.is_set():
            locked = not locked
            t = time.perf_counter()
            reply = await console.cmd("lock_board", locked=locked)
            acks.append(time.perf_counter() - t)
            assert reply["type"] == "ack", reply
            await asyncio.sleep(0.1)

    async def phone() -> int:
        async with httpx.AsyncClient(base_url=live.base, timeout=120) as http:
            reply = await http.get(f"/w/{code}/map/{image}.jpg")
            assert reply.status_code == 200
            return len(reply.content)

    busy = asyncio.create_task(console_busy())
    await asyncio.sleep(0.3)
    t = time.perf_counter()
    sizes = await asyncio.gather(*(phone() for _ in range(phones)))
    took = time.perf_counter() - t
    done.set()
    await busy
    await console.close()
    print(f"{phones} phones loaded the map ({sizes[0] / 1e6:.2f} MB each, "
          f"{sum(sizes) / 1e6:.0f} MB in all) in {took:.2f} s; the console's acks meanwhile: "
          f"median {statistics.median(acks) * 1000:.0f} ms, slowest {max(acks) * 1000:.0f} ms "
          f"(n={len(acks)})")


def run(repeat: int, detail: int, phones: int) -> None:
    inputs = {f"A3 city PDF page (detail {detail})": city_pdf(detail=detail),
              "12 MP phone photo": phone_photo()}
    with tempfile.TemporaryDirectory() as folder:
        live = LiveServer(Path(folder)).start()
        try:
            code = live.new_workshop("ベンチ")
            with httpx.Client(base_url=live.base, timeout=120,
                              cookies={"yoriai_key": live.key}) as http:
                for name, body in inputs.items():
                    took: list[float] = []
                    reply: httpx.Response | None = None
                    for n in range(repeat + 1):  # the first warms up (PDFium's load)
                        t = time.perf_counter()
                        reply = http.post(f"/w/{code}/map", content=variant(body, n),
                                          headers={"accept": "application/json"})
                        elapsed = time.perf_counter() - t
                        assert reply.status_code == 200, reply.text
                        if n:
                            took.append(elapsed)
                        if n < repeat or not phones:
                            asyncio.run(_remove(live, code))
                    assert reply is not None
                    answer = reply.json()
                    stored = (live.data_dir / "photos" / f"{answer['hash']}.jpg").stat().st_size
                    print(f"{name}: input {len(body) / 1e6:.1f} MB -> "
                          f"{answer['width']}x{answer['height']} JPEG {stored / 1e6:.2f} MB; "
                          f"upload best {min(took):.2f} s, median {statistics.median(took):.2f} s"
                          f" (n={len(took)})")
                    if phones and "PDF" in name:
                        asyncio.run(phones_load(live, code, answer["hash"], phones))
                        asyncio.run(_remove(live, code))
        finally:
            live.stop()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


async def _remove(live: LiveServer, code: str) -> None:
    console = await Client(live, code, key=live.key).connect()
    reply = await console.cmd("remove_map")
    assert reply["type"] == "ack", reply
    await console.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--detail", type=int, default=1)
    parser.add_argument("--phones", type=int, default=0)
    args = parser.parse_args()
    run(args.repeat, args.detail, args.phones)


if __name__ == "__main__":
    main()
