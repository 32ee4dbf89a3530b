"""The plan as the newsletter editor meets it: the Word file opened by a real word processor
(LibreOffice, headless, converting it to PDF) and Yoriai's own PDF, both read back with
poppler — how many pages, the headings as text, no text outside the A4 sheet, no last
page holding only the footer, and the participation chart's picture where Word put it.

LibreOffice is a Debian package (``libreoffice-writer-nogui``) that ``.ci/run`` installs;
on a machine without ``soffice`` the Word checks are skipped and say why.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from yoriai.exports import text
from yoriai.exports.catalogue import word
from yoriai.exports.registry import render
from yoriai.exports.source import Source
from yoriai.exports.word import render_docx

from .conftest import Evening
from .helpers import GENERATED_AT, Workshop, pdf_text, squash

A4 = (595.28, 841.89)  # points
SLACK = 1.0  # points: rounding in the converters
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]


def pages_of(pdf: Path) -> list[Page]:
    """``pdftotext -bbox``: every word with its box, page by page."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, check=True, timeout=120).stdout
    html = out.decode("utf-8")
    body = html[html.index("<doc>"):html.index("</doc>") + len("</doc>")]
    # The <doc> part alone: its elements carry no namespace once cut from the XHTML.
    doc = ET.fromstring(body.replace("&nbsp;", " "))
    return [Page(float(page.get("width", 0)), float(page.get("height", 0)),
                 [Word(n, float(w.get("xMin", 0)), float(w.get("yMin", 0)),
                       float(w.get("xMax", 0)), float(w.get("yMax", 0)), w.text or "")
                  for w in page.findall("word")])
            for n, page in enumerate(doc.findall("page"), start=1)]


def convert_with_libreoffice(docx: bytes, tmp: Path) -> Path:
    assert SOFFICE is not None
    source = tmp / "plan.docx"
    source.write_bytes(docx)
    # Its own profile folder: LibreOffice refuses to start twice on one profile.
    profile = (tmp / "lo-profile").as_uri()
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp), str(source)],
        capture_output=True, text=True, timeout=300)
    out = tmp / "plan.pdf"
    assert result.returncode == 0 and out.exists(), result.stderr + result.stdout
    return out


def check_printable(pdf: Path, evening: Evening, *, most_pages: int) -> list[Page]:
    pages = pages_of(pdf)
    assert 2 <= len(pages) <= most_pages, len(pages)
    for page in pages:
        assert abs(page.width - A4[0]) < 2 and abs(page.height - A4[1]) < 2  # A4 portrait
        outside = [w for w in page.words if w.x0 < -SLACK or w.y0 < -SLACK
                   or w.x1 > page.width + SLACK or w.y1 > page.height + SLACK]
        assert not outside, outside[:5]
    content = squash(pdf_text(pdf))
    data = evening.data
    for heading in [data["workshop"]["title"], "PLAN計画", "DO実行", "CHECK評価", "ACT改善",
                    text.RECORD, text.ROLES, *(t["title"] for t in data["themes"])]:
        assert squash(heading) in content, heading
    return pages


def lines_of(page: Page) -> list[str]:
    """The page's text lines (words on one baseline), squashed."""
    rows: dict[int, list[Word]] = {}
    for w in page.words:
        rows.setdefault(round(w.y1), []).append(w)
    return ["".join(w.text for w in sorted(r, key=lambda w: w.x0))
            for _, r in sorted(rows.items())]


def assert_last_page_has_content(pages: list[Page], evening: Evening) -> None:
    """Not a page holding only the footer: the last page carries a part of the plan
    besides the closing lines (who counts as 参画, the privacy note, the making line)."""
    plan = evening.source.plan
    closing = squash(text.CONTRIBUTED + text.PRIVACY + text.generated_line(plan))
    body = [line for line in lines_of(pages[-1]) if squash(line) not in closing
            and not squash(line).isdigit()]  # a page number
    assert len(body) >= 5, lines_of(pages[-1])


def assert_record_table_on_one_page(pages: list[Page]) -> None:
    """The 参画の記録 table is kept together: its header (立場) and its 合計 row share a
    page, so no row is left behind on a page of its own."""
    head = text.RECORD_COLUMNS[0]
    on: dict[str, list[int]] = {}
    for w in (w for p in pages for w in p.words if w.text in (head, "合計")):
        on.setdefault(w.text, []).append(w.page)
    # The first header (a header row repeated on the next page would hide a split).
    assert on.keys() == {head, "合計"} and min(on[head]) == max(on["合計"]), on


@pytest.fixture(scope="module")
def word_pdf(outputs: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install "
                    "libreoffice-writer-nogui (.ci/run does)")
    return convert_with_libreoffice(outputs["docx"], tmp_path_factory.mktemp("word"))


def test_word_file_opens_in_libreoffice_as_the_plan(word_pdf: Path, evening: Evening) -> None:
    pages = check_printable(word_pdf, evening, most_pages=6)
    assert_last_page_has_content(pages, evening)
    assert_record_table_on_one_page(pages)
    # The participation chart is a picture Word placed on a page.
    images = subprocess.run(["pdfimages", "-list", str(word_pdf)], capture_output=True,
                            text=True, check=True, timeout=60).stdout.splitlines()[2:]
    assert len(images) == 1 and int(images[0].split()[3]) >= 640, images


def test_yoriai_pdf_is_printable(outputs: dict[str, bytes], evening: Evening,
                                 tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(outputs["pdf"])
    pages = check_printable(pdf, evening, most_pages=4)
    assert_last_page_has_content(pages, evening)
    assert_record_table_on_one_page(pages)
    # The chart is vector shapes with text, not a picture: the PDF holds no image, and
    # the chart's title and legend are words on the page.
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True, timeout=60).stdout.splitlines()[2:]
    assert images == []
    content = squash(pdf_text(pdf))
    assert squash(word("export.chart.title")) in content
    assert squash(word("export.chart.proxy")) in content


def test_a_small_plan_converts_too(tmp_path: Path) -> None:
    """A plan of one page (a few notes, no actions) in LibreOffice: one A4 page or two,
    its title on the first."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    w = Workshop(title="小さな会")
    who = w.join("x")
    w.by(who, "post_note", {"kind": "charm", "text": "桜並木がきれい"})
    pdf = convert_with_libreoffice(render("docx", Source(w.state, GENERATED_AT)), tmp_path)
    pages = pages_of(pdf)
    assert 1 <= len(pages) <= 2
    assert "小さな会" in "".join(x.text for x in pages[0].words)


def print_with_chromium(html: bytes, tmp: Path) -> Path:
    """The newsletter page printed as a browser prints it (A4 from its own @page)."""
    page = tmp / "plan.html"
    page.write_bytes(html)
    out = tmp / "printed.pdf"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp / 'chromium'}", "--no-pdf-header-footer",
         f"--print-to-pdf={out}", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and out.exists(), result.stderr[-2000:]
    return out


def test_html_prints_without_a_page_of_footer(outputs: dict[str, bytes], evening: Evening,
                                              tmp_path: Path) -> None:
    """The page used to print a fourth A4 sheet holding only its two footer lines."""
    pdf = print_with_chromium(outputs["html"], tmp_path)
    pages = check_printable(pdf, evening, most_pages=4)
    assert_last_page_has_content(pages, evening)
    assert_record_table_on_one_page(pages)
    last = squash("".join(w.text for w in pages[-1].words))
    assert squash(text.PRIVACY) in last  # the footer is on the last page of the plan


def test_photos_in_the_word_file_are_on_its_pages(tmp_path: Path) -> None:
    """The chosen photos of the evening are placed where LibreOffice draws them: the PDF it
    makes of the Word file holds each of them as an image, with their captions as text; an
    unchosen photo is not there."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install "
                    "libreoffice-writer-nogui (.ci/run does)")
    from .test_photos import BLUE, RED, source, workshop

    w, files = workshop({RED: "3班の模造紙", BLUE: "会場の様子"})
    pdf = convert_with_libreoffice(render_docx(source(w, files)), tmp_path)
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True, timeout=60).stdout.splitlines()[2:]
    sizes = sorted((int(line.split()[3]), int(line.split()[4])) for line in listed
                   if line.strip())
    assert (240, 320) in sizes and (320, 240) in sizes, sizes  # the two photos, as they are
    assert len(sizes) == 2, sizes  # the third was not chosen (and nobody joined: no chart)
    content = squash(pdf_text(pdf))
    assert squash("3班の模造紙") in content and squash("会場の様子") in content
