"""A workshop just created (nothing else done) exports as a sensible document in every
format: the title and centre, and a plain word where the plan is still empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yoriai.exports import text
from yoriai.exports.archive import read_archive
from yoriai.exports.registry import EXPORTERS, render
from yoriai.exports.source import Source

from .csvread import csv_records
from .helpers import (
    GENERATED_AT,
    SVG,
    Workshop,
    docx_document,
    pdf_fonts,
    read_html,
    squash,
    svg_root,
    text_of,
)


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_an_empty_workshop_exports_in_every_format(empty: Workshop, fmt: str,
                                                   tmp_path: Path) -> None:
    out = render(fmt, Source(empty.state, GENERATED_AT, tuple(empty.log)))
    assert out
    if fmt == "png":  # a picture: its text is checked as the SVG, drawn from the same shapes
        assert out.startswith(b"\x89PNG")
        return
    words = squash(text_of(fmt, out, tmp_path))
    assert "できたばかりの会" in words
    if fmt != "json":
        assert "河辺市民サービスセンター" in words
    if fmt in ("html", "pdf", "docx", "md"):
        assert squash(text.EMPTY_ACTIONS) in words and squash(text.EMPTY_REVIEW) in words


def test_empty_html_pdf_docx_say_nothing_yet(empty: Workshop, tmp_path: Path) -> None:
    source = Source(empty.state, GENERATED_AT, tuple(empty.log))
    page = read_html(render("html", source))
    assert ("h1", "できたばかりの会") in page.headings
    assert text.EMPTY_THEMES in page.text and text.EMPTY_PEOPLE in page.text
    assert page.tables == []

    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(render("pdf", source))
    assert all(f["emb"] == "yes" for f in pdf_fonts(pdf))

    doc = docx_document(render("docx", source))
    assert doc.tables == []
    assert any(p.text == text.EMPTY_PEOPLE for p in doc.paragraphs)


def test_empty_csv_svg_json(empty: Workshop) -> None:
    source = Source(empty.state, GENERATED_AT, tuple(empty.log))
    rows = csv_records(render("csv", source))
    assert [(r["type"], r["id"], r["text"], r["venue"]) for r in rows] == [
        ("ワークショップ", "empty1", "できたばかりの会", "河辺市民サービスセンター")]
    raw = render("csv", source).decode("utf-8-sig")
    assert raw.startswith("種別,")
    root = svg_root(render("svg", source))
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "empty"] == [
        "まだ付箋はありません。"]
    archive = render("json", source)
    assert json.loads(archive)["workshop"]["seq"] == 1
    assert read_archive(archive).state == empty.state
