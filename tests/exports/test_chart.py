"""The participation chart: who took part by 立場 and how, drawn by the exporter — SVG in
the newsletter page, vector shapes in the PDF (test_word_processor), a picture in Word —
with numbers that are the 参画の記録's, fills that differ without colour, and no names."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree as ET

from PIL import Image

from yoriai.exports.catalogue import word
from yoriai.exports.plan import build_plan
from yoriai.exports.registry import render
from yoriai.exports.source import Source

from .conftest import Evening
from .helpers import GENERATED_AT, SVG, Workshop, docx_document

SERIES = ("joined", "notes", "votes", "roles")


def chart_of(html: bytes) -> ET.Element:
    found = re.search(r'<figure class="chart">(.*?)</figure>', html.decode("utf-8"), re.S)
    assert found, "no chart in the page"
    return ET.fromstring(found.group(1))


def bars(root: ET.Element) -> dict[tuple[str, str], str]:
    """``{(立場, series): the number drawn at the bar's end}``."""
    out = {}
    for g in root.iter(f"{SVG}g"):
        cls = (g.get("class") or "").split()
        if cls[:1] == ["bar"]:
            attribute = (g.findtext(f"{SVG}title") or "").split(": ")[0]
            value = next(t for t in g.iter(f"{SVG}text") if t.get("class") == "value")
            out[(attribute, cls[1])] = value.text or ""
    return out


def test_chart_numbers_are_the_record_s(evening: Evening, outputs: dict[str, bytes]) -> None:
    record = build_plan(evening.state, GENERATED_AT).participation
    drawn = bars(chart_of(outputs["html"]))
    assert {a for a, _ in drawn} == {r.attribute for r in record.rows}
    for r in record.rows:
        joined = drawn[(r.attribute, "joined")]
        assert int(joined.split("（")[0]) == r.participants
        if r.proxies:
            assert joined == f"{r.participants}（{word('export.chart.proxy')} {r.proxies}）"
        assert int(drawn[(r.attribute, "notes")]) == r.note_authors
        assert int(drawn[(r.attribute, "votes")]) == r.voters
        assert int(drawn[(r.attribute, "roles")]) == r.volunteers


def test_bars_are_as_long_as_their_numbers(outputs: dict[str, bytes]) -> None:
    root = chart_of(outputs["html"])
    lengths = {}
    for g in root.iter(f"{SVG}g"):
        cls = (g.get("class") or "").split()
        if cls[:1] == ["bar"] and g.find(f"{SVG}rect") is not None:
            value = int(next(t.text or "" for t in g.iter(f"{SVG}text")).split("（")[0])
            lengths[value] = float(g.find(f"{SVG}rect").get("width") or 0)  # type: ignore[union-attr]
    per_person = [w / v for v, w in lengths.items() if v]
    assert len(per_person) > 3 and max(per_person) - min(per_person) < 0.01, lengths


def test_the_ways_of_taking_part_differ_without_colour(outputs: dict[str, bytes]) -> None:
    """Each series' legend swatch is a different fill: solid dark, solid light, or white
    with hatching one way or the other — told apart on a grey page."""
    root = chart_of(outputs["html"])
    looks = {}
    for g in root.iter(f"{SVG}g"):
        cls = (g.get("class") or "").split()
        if cls[:1] == ["legend"]:
            rect = g.find(f"{SVG}rect")
            assert rect is not None
            slopes = set()
            for line in g.iter(f"{SVG}line"):
                dx = float(line.get("x2") or 0) - float(line.get("x1") or 0)
                dy = float(line.get("y2") or 0) - float(line.get("y1") or 0)
                if dx:
                    slopes.add(round(dy / dx))
            looks[cls[1]] = (grey(rect.get("fill") or "#ffffff"), tuple(sorted(slopes)))
    assert set(SERIES) <= set(looks)
    assert len(set(looks.values())) == len(looks), looks


def grey(colour: str) -> int:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return round((0.299 * r + 0.587 * g + 0.114 * b) / 32)  # 8 grey levels


def test_the_chart_names_no_one(outputs: dict[str, bytes], evening: Evening) -> None:
    words = "".join(chart_of(outputs["html"]).itertext())
    for person in evening.state.participants.values():
        assert person.name not in words


def test_word_has_the_chart_as_a_picture(outputs: dict[str, bytes]) -> None:
    doc = docx_document(outputs["docx"])
    assert len(doc.inline_shapes) == 1
    with zipfile.ZipFile(io.BytesIO(outputs["docx"])) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        picture = Image.open(io.BytesIO(z.read(media[0])))
    assert picture.format == "PNG" and picture.width >= 1280  # sharp in print
    assert doc.inline_shapes[0].width.mm > 150  # the width of the text


def test_no_chart_before_anyone_joined(empty: Workshop) -> None:
    source = Source(empty.state, GENERATED_AT, tuple(empty.log))
    assert b'class="chart"' not in render("html", source)
    assert len(docx_document(render("docx", source)).inline_shapes) == 0
