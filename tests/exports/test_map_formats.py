"""The map in every format: the pins at their places (read back from each file: the HTML's
and SVG's shapes, the PNG's and the Word picture's pixels, the PDF's text, image and
fonts), numbered as the list beside them says, the list's columns, the CSV's place
columns, the Markdown's list — and never a hidden or still-private note."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from PIL import Image

from yoriai.exports import board, maps
from yoriai.exports.drawing import Raster, flat, kind_colours
from yoriai.exports.registry import render
from yoriai.exports.source import Source
from yoriai.exports.table import headers
from yoriai.facilitation.limits import MAP_GRID
from yoriai.facilitation.model import FACILITATOR, NoteKind

from .helpers import (
    GENERATED_AT,
    SVG,
    docx_document,
    pdf_fonts,
    pdf_text,
    read_html,
    squash,
    text_of,
)
from .map_evening import (
    HIDDEN_TEXT,
    MAP_SIZE,
    MAP_TITLE,
    PRIVATE_TEXT,
    UNPLACED_TEXT,
    MapEvening,
    map_evening,
    pin,
    published_places,
    sha,
)
from .tables_evening import QUIET, tables_evening

XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def ev() -> MapEvening:
    return map_evening()


@pytest.fixture(scope="module")
def out(ev: MapEvening) -> dict[str, bytes]:
    source = ev.source()
    return {fmt: render(fmt, source) for fmt in ("html", "pdf", "docx", "svg", "png", "csv",
                                                 "md")}


def expected(ev: MapEvening) -> dict[int, tuple[str, str, int, int]]:
    """{number: (kind, text, x, y)} as the list prints it (read from the plan's map)."""
    mp = maps.map_plan(ev.source())
    assert mp is not None
    return {p.number: (p.note.kind.value, p.note.text, p.x, p.y) for p in mp.pins}


def ink(kind: str) -> tuple[int, int, int]:
    value = kind_colours()[NoteKind(kind)][0]
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def near(a: object, b: tuple[int, ...], tolerance: int) -> bool:
    """Whether a pixel (an RGB tuple) is within ``tolerance`` of ``b`` in every channel."""
    assert isinstance(a, tuple), a
    return all(abs(int(x) - y) <= tolerance for x, y in zip(a, b, strict=False))


def colours_of(page: Image.Image) -> list[tuple[int, tuple[int, ...]]]:
    return [(n, c) for n, c in page.getcolors(1 << 20) or [] if isinstance(c, tuple)]


def kind_pixels(image: Image.Image, cx: float, cy: float, r: float, kind: str,
                tolerance: int = 40) -> float:
    """The share of pixels within half a pin's radius of (cx, cy) in the kind's colour."""
    rgb = image.convert("RGB")
    found = total = 0
    step = max(1, int(r / 6))
    for x in range(int(cx - r / 2), int(cx + r / 2) + 1, step):
        for y in range(int(cy - r / 2), int(cy + r / 2) + 1, step):
            total += 1
            found += near(rgb.getpixel((x, y)), ink(kind), tolerance)
    return found / total


def pins_of(svg: ET.Element) -> dict[int, tuple[str, str, tuple[float, float]]]:
    """{number: (kind, title, centre of its icon's box)} from the pins' groups."""
    out = {}
    for g in svg.iter(f"{SVG}g"):
        cls = (g.get("class") or "").split()
        if cls[:1] != ["pin"]:
            continue
        title = g.findtext(f"{SVG}title") or ""
        number = int(title.split()[0])
        polygons = g.findall(f"{SVG}polygon")
        # The last polygon is the icon itself (the first its white outline).
        pts = [tuple(map(float, p.split(","))) for p in polygons[-1].get("points", "").split()]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        out[number] = (cls[1], title, ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
    return out


def check_svg_pins(svg: ET.Element, ev: MapEvening) -> None:
    image = next(svg.iter(f"{SVG}image"))
    assert image.get(XLINK, "").startswith("data:image/jpeg;base64,")
    x0, y0 = float(image.get("x", 0)), float(image.get("y", 0))
    w, h = float(image.get("width", 0)), float(image.get("height", 0))
    assert abs(w / h - MAP_SIZE[0] / MAP_SIZE[1]) < 0.01  # the map keeps its shape
    found = pins_of(svg)
    want = expected(ev)
    assert sorted(found) == sorted(want)
    r = maps.PIN_SHARE * max(w, h) / 2
    for number, (kind, text, x, y) in want.items():
        got_kind, title, (cx, cy) = found[number]
        assert got_kind == kind and text in title
        # The icon's box is centred on the place (a triangle's and a heart's box sits a
        # little off their middle: within a fifth of the pin).
        assert abs(cx - (x0 + x * w / MAP_GRID)) < r * 0.2
        assert abs(cy - (y0 + y * h / MAP_GRID)) < r * 0.2
    labels = {g.findtext(f"{SVG}title") for g in svg.iter(f"{SVG}g")
              if g.get("class") == "pin-label"}
    mp = maps.map_plan(ev.source())
    assert mp is not None
    assert labels == {c.label for c in mp.clusters}
    assert "3〜4" in labels  # the two notes at the station share one label


def test_html_shows_the_map_with_numbered_pins_and_the_list(
        ev: MapEvening, out: dict[str, bytes]) -> None:
    page = read_html(out["html"])
    assert ("h2", f"地図{MAP_TITLE}") in page.headings
    listing = next(t for t in page.tables if t["class"] == "map-list")
    want = expected(ev)
    assert listing["rows"][0] == ["番号", "種類", "付箋"]
    assert [(int(r[0]), r[2]) for r in listing["rows"][1:]] == [
        (n, t) for n, (_, t, _, _) in sorted(want.items())]
    assert [r[1] for r in listing["rows"][1:]] == [
        {"charm": "魅力", "issue": "課題", "wish": "思い"}[k] for k, _, _, _ in
        (want[n] for n in sorted(want))]
    # Nothing from outside: the map is inside the page.
    assert all(src.startswith("data:") for src in page.external)
    body = out["html"].decode("utf-8")
    svg = re.search(r'<figure class="map-figure">(.*?)</figure>', body, re.S)
    assert svg is not None
    check_svg_pins(ET.fromstring(svg.group(1)), ev)


def test_the_board_picture_has_the_map_panel_with_its_pins(
        ev: MapEvening, out: dict[str, bytes]) -> None:
    root = ET.fromstring(out["svg"])
    check_svg_pins(root, ev)
    panel = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "map")
    entries = [g.findtext(f"{SVG}title") or "" for g in panel.iter(f"{SVG}g")
               if (g.get("class") or "").startswith("map-entry")]
    assert [int(e.split()[0]) for e in entries] == sorted(expected(ev))
    # The panel comes before the themes: the evening's order.
    groups = [g.get("class") for g in root if g.tag == f"{SVG}g"]
    assert groups.index("map") < groups.index("theme unsorted")


def test_the_png_has_each_pin_in_its_kind_colour_at_its_place(
        ev: MapEvening, out: dict[str, bytes]) -> None:
    image = Image.open(io.BytesIO(out["png"]))
    picture = board.board(ev.source().plan, maps.map_plan(ev.source()))
    scale = board.png_scale(picture)
    assert image.size == (round(picture.width * scale), round(picture.height * scale))
    box = next(i for i in flat(picture.items) if isinstance(i, Raster))
    r = maps.PIN_SHARE * max(box.w, box.h) / 2 * scale
    for _, (kind, _, x, y) in expected(ev).items():
        cx = (box.x + x * box.w / MAP_GRID) * scale
        cy = (box.y + y * box.h / MAP_GRID) * scale
        assert kind_pixels(image, cx, cy, r, kind) > 0.3, (kind, x, y)
    # And the map itself is there: its paper where no pin is (the middle of a block).
    paper = image.convert("RGB").getpixel((round((box.x + box.w * 0.42) * scale),
                                           round((box.y + box.h * 0.08) * scale)))
    assert near(paper, (236, 232, 220), 12)


def test_the_word_file_has_the_map_picture_and_the_list(
        ev: MapEvening, out: dict[str, bytes]) -> None:
    doc = docx_document(out["docx"])
    assert f"地図 — {MAP_TITLE}" in [p.text for p in doc.paragraphs]
    listing = next(t for t in doc.tables if t.rows[0].cells[0].text == "番号")
    want = expected(ev)
    assert [(int(r.cells[0].text), r.cells[2].text) for r in listing.rows[1:]] == [
        (n, t) for n, (_, t, _, _) in sorted(want.items())]
    described = [i._inline.docPr.get("descr") for i in doc.inline_shapes]
    assert f"地図 {MAP_TITLE}（番号付きのピン {len(expected(ev))}本）" in described
    with zipfile.ZipFile(io.BytesIO(out["docx"])) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    pictures = [Image.open(io.BytesIO(m)) for m in media]
    shot = next(p for p in pictures if p.format == "JPEG")
    mp = maps.map_plan(ev.source())
    assert mp is not None
    w, h, edge = maps.figure_size(mp, shot.width, shot.height)
    assert abs(shot.width - (w + 2 * edge)) <= 1
    assert shot.height > h + 2 * edge  # the key to the shapes under the map
    r = maps.PIN_SHARE * max(w, h) / 2
    for _, (kind, _, x, y) in want.items():
        assert kind_pixels(shot, edge + x * w / MAP_GRID, edge + y * h / MAP_GRID, r,
                           kind, tolerance=50) > 0.3, (kind, x, y)


def test_the_pdf_has_the_map_image_the_numbers_and_the_list_in_its_own_font(
        ev: MapEvening, out: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(out["pdf"])
    words = squash(pdf_text(path))
    assert squash(f"地図　{MAP_TITLE}") in words
    for number, (_, text, _, _) in expected(ev).items():
        assert squash(f"{number}") in words and squash(text) in words
    assert "3〜4" in words  # the shared label, drawn in the map
    fonts = pdf_fonts(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert {f["name"].split("+")[-1] for f in fonts} == {"IPAexGothic"}
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                            check=True, timeout=60).stdout.splitlines()[2:]
    sizes = [(int(c.split()[3]), int(c.split()[4]), c.split()[8]) for c in images]
    # The map's own JPEG, embedded once as it is (not re-encoded).
    assert sizes == [(MAP_SIZE[0], MAP_SIZE[1], "jpeg")]


def test_the_pdf_page_shows_every_kind_of_pin(out: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(out["pdf"])
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("page*.png"))]

    def paper(page: Image.Image) -> int:
        return sum(n for n, c in colours_of(page) if near(c, (236, 232, 220), 6))

    page = max(pages, key=paper)  # the page with the map on it
    colours = colours_of(page)
    for kind in ("charm", "issue", "wish"):
        assert sum(n for n, c in colours if near(c, ink(kind), 30)) > 20, kind


def test_csv_note_rows_carry_the_number_and_the_place(
        ev: MapEvening, out: dict[str, bytes]) -> None:
    names = headers("ja", map_=True)
    reader = csv.reader(io.StringIO(out["csv"].decode("utf-8-sig"), newline=""))
    assert next(reader) == list(names.values())
    rows = [dict(zip(names, row, strict=True)) for row in reader]
    notes = {r["id"]: r for r in rows if r["type"] == "付箋"}
    numbers = {n: text for n, (_, text, _, _) in expected(ev).items()}
    for kind, text, x, y in published_places():
        row = notes[ev.notes[text]]
        assert row["kind"] == {"charm": "魅力", "issue": "課題", "wish": "思い"}[kind]
        assert (int(row["map_x"]), int(row["map_y"])) == (x, y)
        assert (int(row["map_px"]), int(row["map_py"])) == (round(x * MAP_SIZE[0] / MAP_GRID),
                                                          round(y * MAP_SIZE[1] / MAP_GRID))
        assert numbers[int(row["map_no"])] == text
    unplaced = notes[ev.notes[UNPLACED_TEXT]]
    assert [unplaced[k] for k in ("map_no", "map_x", "map_y", "map_px", "map_py")] == [""] * 5
    assert ev.notes[HIDDEN_TEXT] not in notes and ev.notes[PRIVATE_TEXT] not in notes


def test_markdown_lists_the_notes_on_the_map_with_their_places(
        ev: MapEvening, out: dict[str, bytes]) -> None:
    text = out["md"].decode("utf-8")
    assert f"## 地図 — {MAP_TITLE}" in text
    for number, (_, note, x, y) in expected(ev).items():
        line = next(line for line in text.splitlines() if line.startswith(f"{number}\\. "))
        assert note in line
        assert f"左から{round(x / 100)}%・上から{round(y / 100)}%" in line


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "svg", "csv", "md"])
def test_hidden_and_private_notes_are_not_on_the_map(
        out: dict[str, bytes], fmt: str, tmp_path: Path) -> None:
    words = squash(text_of(fmt, out[fmt], tmp_path))
    assert squash(HIDDEN_TEXT) not in words and squash(PRIVATE_TEXT) not in words


def test_with_tables_the_list_says_which_table() -> None:
    tv = tables_evening(code="maptab1")
    image = map_evening().image
    tv.w.run(FACILITATOR, "add_map", {"hash": sha(image), "title": "", "width": MAP_SIZE[0],
                                      "height": MAP_SIZE[1]})
    # 代理入力 for someone with a paper map, seated at a table (the step is past notes).
    got = tv.w.by(tv.people[QUIET[3]], "post_note",
                  {"kind": "issue", "text": "テーブルで貼った付箋", "pin": pin(3000, 3000)})
    table = tv.w.state.tables[tv.w.state.notes[got["note_id"]].table or ""]
    source = Source(tv.w.state, GENERATED_AT, photos={sha(image): image})
    page = read_html(render("html", source))
    listing = next(t for t in page.tables if t["class"] == "map-list")
    assert listing["rows"][0] == ["番号", "種類", "付箋", "テーブル"]
    row = next(r for r in listing["rows"] if r[2] == "テーブルで貼った付箋")
    assert row[3] == f"{table.number}班"
    doc = docx_document(render("docx", source))
    assert any(t.rows[0].cells[-1].text == "テーブル" and t.rows[0].cells[0].text == "番号"
               for t in doc.tables)
    assert "## 地図" in render("md", source).decode("utf-8")  # a map without a title


def test_a_hostile_note_or_title_stays_text_in_every_format(tmp_path: Path) -> None:
    w_ev = map_evening(code="hostile1")
    nasty = '<script>alert(1)</script>]]>&amp;"\'{{x}}😀'
    got = w_ev.w.by(w_ev.w.join("いたずら"), "post_note",
                    {"kind": "issue", "text": nasty, "pin": pin(9990, 10)})
    assert got["note_id"]
    source = w_ev.source()
    page = render("html", source)
    assert b"<script>" not in page
    listing = next(t for t in read_html(page).tables if t["class"] == "map-list")
    assert any(r[2] == nasty for r in listing["rows"])
    root = ET.fromstring(render("svg", source))  # still well-formed XML
    assert any(nasty in (g.findtext(f"{SVG}title") or "") for g in root.iter(f"{SVG}g"))
    doc = docx_document(render("docx", source))
    assert any(nasty in c.text for t in doc.tables for r in t.rows for c in r.cells)
    # (IPAexGothic has no emoji: the PDF prints the rest, as it does everywhere.)
    assert squash(nasty[:-1]) in squash(text_of("pdf", render("pdf", source), tmp_path))
    assert nasty in render("md", source).decode("utf-8").replace("\\", "")


def test_markdown_never_says_its_map_picture_is_missing() -> None:
    # Markdown has no pictures: the server hands it no image, and it must not apologise
    # for one (the picture formats say so when the image really is missing).
    text = render("md", map_evening(code="mdonly1").source(with_image=False)).decode("utf-8")
    assert maps.MISSING not in text
    assert "番号は会報ページ・PDF・Word の地図の番号" in text


def test_the_csv_map_columns_in_english(ev: MapEvening) -> None:
    source = ev.source()
    source = Source(source.state, source.generated_at, photos=source.photos, lang="en")
    head = next(csv.reader(io.StringIO(render("csv", source).decode("utf-8-sig"))))
    assert head[-5:] == ["Map number", "Map x (0-10000)", "Map y (0-10000)", "Map x (pixels)",
                         "Map y (pixels)"]


def test_a_long_list_runs_on_over_pages_with_every_note(tmp_path: Path) -> None:
    # The PDF lays the list out in parts (a festival's 1,000 rows in one table took
    # seconds): every note is still there, in number order.
    many = map_evening(code="long1")
    for i in range(75):
        many.w.by(many.w.join(f"多{i}"), "post_note",
                  {"kind": "wish", "text": f"長い一覧の付箋{i:03d}", "pin": pin(i * 130, 9000)})
    mp = maps.map_plan(many.source())
    assert mp is not None
    path = tmp_path / "plan.pdf"
    path.write_bytes(render("pdf", many.source()))
    words = pdf_text(path)
    at = [words.index(f"長い一覧の付箋{i:03d}") for i in range(75)]
    numbers = {p.note.text: p.number for p in mp.pins}
    by_number = sorted(range(75), key=lambda i: numbers[f"長い一覧の付箋{i:03d}"])
    assert [at[i] for i in by_number] == sorted(at)  # printed in number order
