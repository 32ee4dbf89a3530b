"""Photos of the evening in the plan (「当日の様子」): the part the HTML, PDF and Word
exports share, and each format's section.

Only the photos the facilitator chose (``choose_photo``) go in, in the order they were
added, each with its caption. Their bytes come with the :class:`~.source.Source` (the
server or the CLI read them from the data folder): nothing here reads a file. They are
the JPEGs the upload made (upright, at most 2000 px, no metadata), embedded as they are:
a data: URI in the HTML (the page fetches nothing), the JPEG stream itself in the PDF
(no re-encoding) and in the Word file (``word/media``). A photo whose bytes are missing or
not a JPEG is left out rather than break the document.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from PIL import Image

from .source import Source
from .text import xml_safe

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from reportlab.platypus import Flowable

TITLE = "当日の様子"
SUBTITLE = "写真"
# Two photos side by side on A4: each as wide as half the text, at most this tall, so that
# a portrait photo of a sheet does not take a page of its own.
MAX_HEIGHT_MM = 85.0
# In Word, one photo per line (editors move them), this wide at most.
WORD_WIDTH_MM = 120.0


@dataclass(frozen=True)
class Picture:
    hash: str
    caption: str
    data: bytes
    width: int
    height: int

    def fit(self, max_width: float, max_height: float) -> tuple[float, float]:
        """The largest size of this photo's shape within the box."""
        scale = min(max_width / self.width, max_height / self.height)
        return self.width * scale, self.height * scale


def pictures(source: Source) -> list[Picture]:
    """The chosen photos whose bytes came with the source, in the order they were added."""
    out: list[Picture] = []
    for photo in source.state.photos.values():
        data = source.photos.get(photo.hash)
        if not photo.chosen or data is None:
            continue
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != "JPEG":
                    continue
                width, height = image.size
        except Exception:  # not an image any more (a damaged file): leave it out
            continue
        out.append(Picture(photo.hash, photo.caption, data, width, height))
    return out


# --- HTML --------------------------------------------------------------------------------

HTML_CSS = (
    ".photos .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }"
    " .photos figure { margin: 0; break-inside: avoid; }"
    " .photos img { display: block; width: 100%; height: auto; max-height: 85mm;"
    " object-fit: contain; border: .6pt solid #bbb; }"
    " .photos figcaption { font-size: 9pt; color: #444; margin-top: 1mm; }"
)


def html_section(source: Source) -> str:
    """The 「当日の様子」 section of the HTML page, or "" when no photo is chosen."""
    chosen = pictures(source)
    if not chosen:
        return ""
    out = [f"<style>{HTML_CSS}</style>",
           f'<section class="photos"><h2>{escape(TITLE)}<span class="sub">'
           f'{escape(SUBTITLE)}</span></h2><div class="grid">']
    for p in chosen:
        uri = "data:image/jpeg;base64," + base64.b64encode(p.data).decode("ascii")
        alt = escape(p.caption or TITLE, quote=True)
        out.append(f'<figure><img src="{uri}" alt="{alt}" width="{p.width}" '
                   f'height="{p.height}">')
        if p.caption:
            out.append(f"<figcaption>{escape(p.caption)}</figcaption>")
        out.append("</figure>")
    out.append("</div></section>")
    return "".join(out)


# --- PDF ---------------------------------------------------------------------------------

def pdf_section(source: Source, width: float, styles: dict[str, Any]) -> list[Flowable]:
    """The section as reportlab flowables, ``width`` the text's width, ``styles`` the PDF's
    paragraph styles (``h2`` for the heading, ``small`` for the captions)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

    chosen = pictures(source)
    if not chosen:
        return []
    column = (width - 4 * mm) / 2
    caption_style = ParagraphStyle("photo-caption", parent=styles["small"], alignment=1)
    cells: list[list[Any]] = []
    for p in chosen:
        w, h = p.fit(column, MAX_HEIGHT_MM * mm)
        cell: list[Any] = [pdf_photo(p, w, h)]
        if p.caption:
            cell.append(Paragraph(escape(xml_safe(p.caption)), caption_style))
        cells.append(cell)
    if len(cells) % 2:
        cells.append([])
    rows = []
    for i in range(0, len(cells), 2):
        # A table per row of two: a page breaks between rows, never inside a photo.
        row = Table([cells[i:i + 2]], colWidths=[column + 2 * mm] * 2, hAlign="LEFT")
        row.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 1 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 1 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ]))
        rows.append(row)
    heading = Paragraph(f'{escape(TITLE)}<font size="9" color="#444444">　{escape(SUBTITLE)}'
                        "</font>", styles["h2"])
    # The heading stays with the first photos, never alone at the foot of a page.
    return [KeepTogether([heading, rows[0]]), *rows[1:]]


def pdf_photo(picture: Picture, width: float, height: float) -> Flowable:
    """The photo as a flowable that embeds the JPEG itself (DCTDecode, not re-encoded)
    and never decodes its pixels: reportlab names an image by a digest of its decoded
    pixels (a full decode and an MD5 of 12 MB per photo, ~0.1 s each); the photo's hash
    already names it."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    class Jpeg(ImageReader):
        def getRGBData(self) -> bytes:
            self._dataA = None  # no transparency: a JPEG has none
            return picture.hash.encode("ascii")

    class Photo(Flowable):
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return width, height

        def draw(self) -> None:
            self.canv.drawImage(Jpeg(io.BytesIO(picture.data)), 0, 0, width=width,
                                height=height)

    return Photo()


# --- Word --------------------------------------------------------------------------------

def docx_section(doc: DocxDocument, source: Source) -> None:
    """Add the section to the Word document: a heading, then each photo with its caption."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    chosen = pictures(source)
    if not chosen:
        return
    doc.add_heading(f"{TITLE} — {SUBTITLE}", level=1)
    for p in chosen:
        w, _ = p.fit(WORD_WIDTH_MM, MAX_HEIGHT_MM * 1.2)
        doc.add_picture(io.BytesIO(p.data), width=Mm(w))
        picture = doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = bool(p.caption)  # the photo with its words
        if p.caption:
            caption = doc.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = caption.add_run(xml_safe(p.caption))
            run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x44, 0x44, 0x44)
