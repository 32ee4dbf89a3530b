"""The plan of an evening with tables, printed the three ways an editor prints it: the
Yoriai PDF, the Word file through LibreOffice, the newsletter page through Chromium. Every
page is A4 with nothing outside it, the 「テーブルごとの話し合い」 boxes and the record by
table are on the pages whole, and the PDFs carry their fonts."""

from __future__ import annotations

from pathlib import Path

import pytest

from yoriai.exports import text
from yoriai.exports.registry import render
from yoriai.exports.source import Source

from .helpers import GENERATED_AT, pdf_fonts, squash
from .tables_evening import AIMS, TablesEvening, tables_evening
from .test_word_processor import (
    A4,
    SLACK,
    SOFFICE,
    Page,
    convert_with_libreoffice,
    pages_of,
    print_with_chromium,
)


@pytest.fixture(scope="module")
def ev() -> TablesEvening:
    return tables_evening(code="tableprn1")


def source(ev: TablesEvening) -> Source:
    return Source(ev.w.state, GENERATED_AT, tuple(ev.w.log))


def page_of(pages: list[Page], phrase: str, after: int = 0) -> int:
    """The page on which ``phrase`` (squashed) is first printed, from page ``after`` on."""
    for page in pages[after:]:
        if squash(phrase) in squash("".join(w.text for w in page.words)):
            return pages.index(page) + 1
    raise AssertionError(f"{phrase} is on no page")


def check(pdf: Path, ev: TablesEvening) -> None:
    pages = pages_of(pdf)
    for page in pages:
        assert abs(page.width - A4[0]) < 2 and abs(page.height - A4[1]) < 2
        outside = [w for w in page.words if w.x0 < -SLACK or w.y0 < -SLACK
                   or w.x1 > page.width + SLACK or w.y1 > page.height + SLACK]
        assert not outside, outside[:5]
    # The section's boxes: each table's name and its proposal's aim on one page.
    talk = page_of(pages, text.TABLES_TALK)
    plan = source(ev).plan
    for t in plan.tables[:2]:
        label = text.table_label(t)
        assert page_of(pages, label, talk - 1) == page_of(pages, AIMS[t.number], talk - 1)
    # The record by table is whole: its header and its last row share a page.
    head = page_of(pages, text.TABLE_RECORD_COLUMNS[1])
    assert head == page_of(pages, text.ROOM, head - 1)
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts


def test_yoriai_pdf_prints_the_tables_whole(ev: TablesEvening, tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(render("pdf", source(ev)))
    check(pdf, ev)


def test_word_file_with_tables_opens_in_libreoffice(ev: TablesEvening, tmp_path: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install "
                    "libreoffice-writer-nogui (.ci/run does)")
    check(convert_with_libreoffice(render("docx", source(ev)), tmp_path), ev)


def test_newsletter_page_with_tables_prints_in_chromium(ev: TablesEvening,
                                                         tmp_path: Path) -> None:
    check(print_with_chromium(render("html", source(ev)), tmp_path), ev)
