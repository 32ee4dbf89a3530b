"""An evening without a map exports as it always did, in every format: the map code adds
nothing when there is nothing to draw. Read three ways: a file without a map has none of
the map's parts; an evening whose map was removed again (every pin goes with it) gives
the same bytes as one that never had a map; and a map with no published note on it (its
only pin on a hidden note) prints no map section — only the CSV keeps its map columns,
since the workshop has a map."""

from __future__ import annotations

import csv
import io

import pytest

from yoriai.exports.registry import EXPORTERS, render
from yoriai.exports.source import Source
from yoriai.exports.table import headers
from yoriai.facilitation.model import FACILITATOR

from .helpers import GENERATED_AT, Workshop, docx_document, read_html
from .map_evening import map_jpeg, pin, sha

FORMATS = [fmt for fmt in EXPORTERS if fmt != "json"]  # the archive records every event
IMAGE = map_jpeg()


def evening(how: str) -> Source:
    """The same evening, with no map (``none``), a map added and removed again
    (``removed``), or a map whose only pin is on a note the facilitator hid (``hidden``)."""
    w = Workshop(code="plain1", title="散歩の会")
    if how != "none":
        w.run(FACILITATOR, "add_map", {"hash": sha(IMAGE), "title": "地図", "width": 1200,
                                       "height": 800})
    a, b = w.join("あ", show_name=True), w.join("い")
    first = w.by(a, "post_note", {"kind": "charm", "text": "公園の桜",
                                  **({"pin": pin(100, 100)} if how != "none" else {})})
    w.by(b, "post_note", {"kind": "issue", "text": "暗い夜道"})
    w.by(b, "post_note", {"kind": "wish", "text": "子ども食堂"})
    w.run(FACILITATOR, "create_theme", {"title": "安心して歩ける町"})
    if how == "removed":
        w.run(FACILITATOR, "remove_map", {})
    # The one placed note is hidden in every version: with ``hidden`` the map stays.
    w.run(FACILITATOR, "hide_note", {"note_id": first["note_id"]})
    return Source(w.state, GENERATED_AT, tuple(w.log), photos={sha(IMAGE): IMAGE})


@pytest.fixture(scope="module")
def plain() -> dict[str, bytes]:
    source = evening("none")
    return {fmt: render(fmt, source) for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_map_removed_again_leaves_no_trace(plain: dict[str, bytes], fmt: str) -> None:
    assert render(fmt, evening("removed")) == plain[fmt]


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "csv"])
def test_a_map_with_no_published_note_prints_no_map(plain: dict[str, bytes], fmt: str) -> None:
    assert render(fmt, evening("hidden")) == plain[fmt]


def test_the_csv_keeps_its_map_columns_while_the_workshop_has_a_map() -> None:
    head = next(csv.reader(io.StringIO(render("csv", evening("hidden")).decode("utf-8-sig"))))
    assert head == list(headers("ja", map_=True).values())


def test_a_file_without_a_map_has_none_of_its_parts(plain: dict[str, bytes]) -> None:
    page = read_html(plain["html"])
    assert not any(h[1].startswith("地図") for h in page.headings)
    assert b"map-figure" not in plain["html"] and b"map-list" not in plain["html"]
    assert b"<image" not in plain["svg"] and b'class="pin' not in plain["svg"]
    assert b"xlink" not in plain["svg"]
    head = next(csv.reader(io.StringIO(plain["csv"].decode("utf-8-sig"))))
    assert head == list(headers("ja").values())
    assert "## 地図" not in plain["md"].decode("utf-8")
    doc = docx_document(plain["docx"])
    assert not any(p.text.startswith("地図") for p in doc.paragraphs)
