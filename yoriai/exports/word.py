"""The plan as a Word file (DOCX), for the newsletter editor who lays out the 会報 in Word:
real headings (so the navigation pane shows PLAN, DO, CHECK, ACT), real tables for the
role table and the 参画の記録, and the Japanese fonts Word on Windows uses by default.

python-docx stamps the clock into the file (its properties and the zip entries' times);
both are set to ``generated_at`` so that the file depends on the state alone.
"""

from __future__ import annotations

import datetime
import io
import zipfile

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from . import drawing, maps, text
from .chart import participation_chart
from .photos import docx_section
from .plan import Plan, ReviewLine, ThemePlan
from .source import Exporter, Source

LATIN_FONT = "Yu Gothic"
JAPANESE_FONT = "游ゴシック"
GREEN = RGBColor(0x2F, 0x6F, 0x4F)
GREY = RGBColor(0x55, 0x55, 0x55)
# The chart's pixels per unit: 640 units over 180 mm at 3 is about 270 dpi.
CHART_SCALE = 3.0


def x(value: str) -> str:
    return text.xml_safe(value)


def set_fonts(style_element: object, size: float | None = None) -> None:
    """Latin and East Asian fonts, and Japanese as the East Asian language, on a style."""
    rpr = style_element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), JAPANESE_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "ja-JP")


def setup(doc: DocxDocument, plan: Plan) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        style = doc.styles[name]
        set_fonts(style.element)
    doc.styles["Normal"].font.size = Pt(10)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        doc.styles[name].font.size = Pt(size)
        doc.styles[name].font.color.rgb = GREEN if name != "Title" else None
    if plan.tables:
        # A theme under its table is a fourth level (only a plan with tables has one).
        set_fonts(doc.styles["Heading 4"].element)
        doc.styles["Heading 4"].font.size = Pt(10.5)
        doc.styles["Heading 4"].font.italic = False
        doc.styles["Heading 4"].font.color.rgb = GREEN
    props = doc.core_properties
    stamp = plan.generated_at.replace(tzinfo=None)
    props.title = x(f"{plan.title} — PDCAプラン")
    props.subject = text.KICKER
    props.author = props.last_modified_by = "寄り合い（Yoriai）"
    props.language = "ja-JP"
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.comments = props.keywords = props.category = ""


def small(doc: DocxDocument, value: str) -> Paragraph:
    p = doc.add_paragraph()
    run = p.add_run(x(value))
    run.font.size, run.font.color.rgb = Pt(8.5), GREY
    return p


def grid(doc: DocxDocument, head: tuple[str, ...], rows: list[tuple[str, ...]],
         widths: list[float], numeric_from: int = 99, *, keep_together: bool = False
         ) -> Table:
    """A real Word table; no row is split across two pages, and with ``keep_together``
    the whole table moves to the next page rather than leave a few rows behind."""
    table: Table = doc.add_table(rows=1, cols=len(head))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on each page
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, value in zip(header.cells, head, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(value)
        run.bold = True
        run.font.size = Pt(9)
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), "EEF5F0")
        cell._tc.get_or_add_tcPr().append(shade)
    for row in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            paragraph = cell.paragraphs[0]
            for n, part in enumerate(x(value).split("\n")):
                if n:
                    paragraph.add_run().add_break()
                paragraph.add_run(part).font.size = Pt(9)
            if i >= numeric_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for n, row in enumerate(table.rows):
        no_split = OxmlElement("w:cantSplit")
        no_split.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(no_split)
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
            if keep_together and n < len(table.rows) - 1:
                # Word keeps a table together by keeping each row with the next.
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    return table


def reviews(doc: DocxDocument, section: tuple[str, str, str],
            items: tuple[ReviewLine, ...]) -> None:
    doc.add_heading(f"{section[1]} — {section[2]}", level=1)
    if not items:
        small(doc, text.EMPTY_REVIEW)
    for r in items:
        doc.add_paragraph(x(r.text), style="List Bullet")


def theme_cards(doc: DocxDocument, items: tuple[ThemePlan, ...], level: int = 3) -> None:
    for t in items:
        doc.add_heading(x(t.title), level=level)
        small(doc, text.theme_counts(t))
        for n in t.top_notes:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(f"【{n.kind_label}】").bold = True
            p.add_run(x(n.text))
            votes = p.add_run(f"　共感 {n.votes}")
            votes.font.color.rgb = GREEN
        if t.proposal is not None:
            prop = t.proposal
            p = doc.add_paragraph()
            p.add_run(f"計画案（{'採用' if prop.chosen else '検討中'}・優先票 {prop.priority}）: "
                      ).bold = True
            p.add_run(x(prop.aim))
            for idea in prop.ideas:
                doc.add_paragraph(x(idea), style="List Bullet 2")


def themes(doc: DocxDocument, plan: Plan) -> None:
    doc.add_heading(text.THEMES, level=2)
    if plan.tables:
        tables_themes(doc, plan)
        return
    if not plan.themes:
        small(doc, text.EMPTY_THEMES)
    theme_cards(doc, plan.themes)
    if plan.unsorted:
        small(doc, text.unsorted_line(plan))


def tables_themes(doc: DocxDocument, plan: Plan) -> None:
    """PLAN's themes under the table that made them (a heading each, so the navigation
    pane lists the tables), then the room's own."""
    for t in plan.tables:
        doc.add_heading(x(text.table_label(t)), level=3)
        small(doc, text.table_heading_line(t))
        if not t.themes:
            small(doc, text.EMPTY_THEMES)
        theme_cards(doc, t.themes, level=4)
        if t.unsorted:
            small(doc, f"{text.UNSORTED} {len(t.unsorted)}枚")
    if plan.room_themes or plan.room_unsorted:
        doc.add_heading(text.ROOM_THEMES, level=3)
        theme_cards(doc, plan.room_themes, level=4)
        if plan.room_unsorted:
            small(doc, f"{text.UNSORTED} {len(plan.room_unsorted)}枚")


def tables_talk(doc: DocxDocument, plan: Plan) -> None:
    """The newsletter's 「テーブルごとの話し合い」: a heading per table and a line per
    fact, its label in bold: paragraphs an editor moves into the 会報 as they are."""
    doc.add_heading(text.TABLES_TALK, level=1)
    for t in plan.tables:
        doc.add_heading(x(text.table_label(t)), level=2)
        for label, value in text.talk_lines(t):
            p = doc.add_paragraph()
            p.paragraph_format.space_after = Pt(2)
            head = p.add_run(f"{label}　")
            head.bold, head.font.color.rgb = True, GREEN
            p.add_run(x(value))


def table_record(doc: DocxDocument, plan: Plan) -> None:
    """参画の記録 by table: counts by 立場, never names."""
    doc.add_heading(text.TABLE_RECORD, level=2)
    rounds = text.rounds_sentence(plan)
    if rounds:
        small(doc, rounds).paragraph_format.keep_with_next = True
    widths: list[float] = [28, 64, 14, 20, 22, 14, 14]
    table = grid(doc, text.TABLE_RECORD_COLUMNS, text.table_record_rows(plan), widths,
                 numeric_from=2, keep_together=True)
    # The table's own grid too: LibreOffice lays a table out by it, not by its cells.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)


# The 次回 box's width: its longest line (「2026年12月18日（金）19:00〜」 and a centre's
# name) on one line.
BOX_MM = 100


def opening(doc: DocxDocument, plan: Plan) -> None:
    """The lead paragraph, then the 次回 box and the contact line in a framed cell (a
    table the editor can move or restyle in Word)."""
    lead = doc.add_paragraph()
    lead.add_run(x(plan.lead)).font.size = Pt(11)
    nxt, contact = text.next_lines(plan), text.contact_line(plan)
    if not (nxt or contact):
        return
    box: Table = doc.add_table(rows=1, cols=1)
    box.style = doc.styles["Table Grid"]
    box.alignment = WD_TABLE_ALIGNMENT.LEFT
    box.autofit = False  # a box of its own width beside the text, not the page's
    box.columns[0].width = Mm(BOX_MM)
    cell = box.rows[0].cells[0]
    cell.width = Mm(BOX_MM)
    first = cell.paragraphs[0]
    if nxt:
        title = first.add_run(f"{text.NEXT}　")
        title.bold, title.font.color.rgb = True, GREEN
        when = first.add_run(x(nxt[0]))
        when.bold = True
        for line in nxt[1:]:
            first.add_run().add_break()
            first.add_run(x(line))
    if contact:
        p = cell.add_paragraph() if nxt else first
        run = p.add_run(x(contact))
        run.font.size = Pt(9)
    doc.add_paragraph()


# The map as a picture Word places as it is: the pins drawn onto the map (Word cannot lay
# shapes over a picture reliably), this many pixels on its long side (about 280 dpi across
# the page), a JPEG like the map itself (a PNG of a map is several times larger).
MAP_PIXELS = 2000
MAP_JPEG_QUALITY = 88
# On the page: the text's width, at most this tall.
MAP_WIDTH_MM, MAP_HEIGHT_MM = 180.0, 200.0
MAP_LIST_MM = (12, 14)
MAP_TABLE_MM = 20


def map_picture(mp: maps.MapPlan) -> bytes:
    picture = maps.figure(mp, MAP_PIXELS, MAP_PIXELS)
    buf = io.BytesIO()
    drawing.paint(picture, 1.0).save(buf, "JPEG", quality=MAP_JPEG_QUALITY)
    return buf.getvalue()


def map_section(doc: DocxDocument, mp: maps.MapPlan | None) -> None:
    """「地図」: a heading, the sentences, the map with its numbered pins, then the list
    (a real table: number, kind, note and, with tables, the table)."""
    if mp is None:
        return
    title, sub = maps.heading(mp)
    doc.add_heading(x(f"{title} — {sub}" if sub else title), level=1)
    for sentence in maps.intro(mp):
        small(doc, sentence).paragraph_format.keep_with_next = True
    data = map_picture(mp)
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        w, h = image.size
    scale = min(MAP_WIDTH_MM / w, MAP_HEIGHT_MM / h)
    shape = doc.add_picture(io.BytesIO(data), width=Mm(w * scale))
    # Its description, for a screen reader and for Word's 「代替テキスト」.
    shape._inline.docPr.set("descr", x(f"{title} {sub}（番号付きのピン {len(mp.pins)}本）"))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True  # the map with the head of its list
    widths = [*map(float, MAP_LIST_MM)]
    rest = MAP_WIDTH_MM - sum(widths) - (MAP_TABLE_MM if mp.tables else 0)
    widths += [rest, *([float(MAP_TABLE_MM)] if mp.tables else [])]
    table = grid(doc, maps.columns(mp), maps.rows(mp), widths, numeric_from=99)
    # The table's own grid too: LibreOffice lays a table out by it, not by its cells.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row, p in zip(table.rows[1:], mp.pins, strict=True):
        ink = RGBColor.from_string(drawing.kind_colours()[p.note.kind][0][1:].upper())
        for cell in row.cells[:2]:
            for run in cell.paragraphs[0].runs:
                run.font.color.rgb = ink
                run.bold = True


def stable_zip(blob: bytes, when: datetime.datetime) -> bytes:
    """The same zip with every entry dated ``when`` (zip dates start in 1980)."""
    stamp = max(when.replace(tzinfo=None), datetime.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            # A photo (JPEG) is compressed already: deflating it again costs ~60 ms a
            # megabyte and saves nothing.
            entry.compress_type = (zipfile.ZIP_STORED if info.filename.startswith("word/media/")
                                   and info.filename.endswith((".jpeg", ".jpg"))
                                   else zipfile.ZIP_DEFLATED)
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render_docx(source: Source) -> bytes:
    plan = source.plan
    doc = Document()
    setup(doc, plan)
    kicker = doc.add_paragraph()
    run = kicker.add_run(text.KICKER)
    run.font.color.rgb, run.font.size, run.bold = GREEN, Pt(9), True
    doc.add_heading(x(plan.title or "ワークショップ"), level=0)
    doc.add_paragraph(x(text.meta_line(plan)))
    opening(doc, plan)
    doc.add_paragraph("　".join(f"{k} {v}" for k, v in text.summary_items(plan)))
    if plan.tables:
        tables_talk(doc, plan)

    doc.add_heading(f"{text.PLAN[1]} — {text.PLAN[2]}", level=1)
    themes(doc, plan)
    doc.add_heading(text.ROLES, level=2)
    if plan.actions:
        grid(doc, text.ROLE_COLUMNS, [text.role_cells(a) for a in plan.actions],
             [36, 20, 36, 26, 42, 20])
    else:
        small(doc, text.EMPTY_ACTIONS)

    doc.add_heading(f"{text.DO[1]} — {text.DO[2]}", level=1)
    if plan.actions:
        grid(doc, text.DO_COLUMNS, [text.do_cells(a) for a in plan.actions], [60, 20, 100])
    else:
        small(doc, text.EMPTY_ACTIONS)
    reviews(doc, text.CHECK, plan.keep)
    reviews(doc, text.ACT, plan.change)

    doc.add_heading(text.RECORD, level=1)
    for sentence in text.record_sentences(plan):
        doc.add_paragraph(x(sentence))
    chart = participation_chart(plan.participation)
    if chart is not None:
        # A picture Word places as it is (PNG: every Word version shows it), the width of
        # the text, drawn at CHART_SCALE so that it prints sharp.
        doc.add_picture(io.BytesIO(drawing.png_bytes(chart, CHART_SCALE)), width=Mm(180))
        picture = doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True  # the chart beside its table
    if plan.participation.participants:
        grid(doc, text.RECORD_COLUMNS, text.record_rows(plan), [40, 18, 24, 26, 28, 20, 24],
             numeric_from=1, keep_together=True)
    if plan.tables:
        table_record(doc, plan)
    small(doc, text.CONTRIBUTED)
    small(doc, text.PRIVACY)
    small(doc, text.generated_line(plan))
    map_section(doc, maps.map_plan(source))  # 地図: the map with its pins, if any
    docx_section(doc, source)  # 当日の様子: the chosen photos, if any
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue(), plan.generated_at)


EXPORTER = Exporter(
    "docx", "Word文書（DOCX）",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "plan",
    render_docx)
