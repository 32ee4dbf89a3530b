"""The newsletter page as a PDF: the same content as the HTML page, laid out on A4.

Japanese must print on any PC, including one with no Japanese font at all, so the PDF
embeds its own: IPAexGothic (IPA Font License v1.0, beside it in ``fonts/``), of which
reportlab writes only the glyphs the document uses. The file is made without a clock: its
dates are the ``generated_at`` it is given, and two exports of one state are the same bytes.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from yoriai import package_path

from . import drawing, linebreak, maps, text
from .chart import participation_chart
from .photos import Picture, pdf_photo, pdf_section
from .plan import NOTHING, Plan, ReviewLine, TablePlan, ThemePlan
from .source import Exporter, Source

# Binary streams, not ASCII85: reportlab's ASCII85 is pure Python here (no rl_accel) and
# took ~1.5 s per embedded photo; binary is also a quarter smaller. Every PDF reader reads it.
rl_config.useA85 = 0

FONT = "IPAexGothic"
FONT_FILE = package_path("yoriai.exports", "fonts", "ipaexg.ttf")
GREEN = colors.HexColor("#2f6f4f")
PALE = colors.HexColor("#eef5f0")
CREAM = colors.HexColor("#f6f6ef")
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
MARGIN = 13 * mm
WIDTH = A4[0] - 2 * MARGIN
# The page's frame keeps reportlab's default padding inside the margins (6 pt a side), so a
# paragraph of the page's width has this much room; a line broken for WIDTH would be broken
# again by reportlab, leaving its last character alone on a line.
FRAME_PADDING = 6
TEXT_WIDTH = WIDTH - 2 * FRAME_PADDING


@cache
def font() -> str:
    """Register the embedded font once per process (reportlab keeps a global registry)."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    # One face for every style: <b> must not fall back to a font that is not embedded.
    registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


def style(name: str, size: float, *, leading: float | None = None, colour: Any = None,
          **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font(), bulletFontName=font(), fontSize=size,
                          leading=leading or size * 1.5, wordWrap="CJK",
                          textColor=colour or colors.HexColor("#1f1f1f"), **extra)


@cache
def styles() -> dict[str, ParagraphStyle]:
    return {
        "kicker": style("kicker", 9, colour=GREEN),
        "title": style("title", 19, leading=25, spaceAfter=1 * mm),
        "meta": style("meta", 10.5, colour=colors.HexColor("#333333")),
        "lead": style("lead", 11, leading=19),
        "box_title": style("box_title", 10, leading=14, colour=colors.white, backColor=GREEN,
                           borderPadding=(0.6 * mm, 2 * mm), spaceAfter=1.8 * mm),
        "box_when": style("box_when", 10.5, leading=15),
        "box": style("box", 9.5, leading=14),
        "contact": style("contact", 8.5, leading=12, spaceBefore=1.5 * mm),
        "h2": style("h2", 13, leading=18, backColor=PALE, borderPadding=(1.2 * mm, 2 * mm),
                    leftIndent=2 * mm, spaceBefore=5 * mm, spaceAfter=2.5 * mm,
                    borderColor=GREEN),
        "h3": style("h3", 11, leading=15, spaceBefore=2 * mm, spaceAfter=1 * mm),
        "body": style("body", 9.5),
        "small": style("small", 8.5, colour=GREY),
        "cell": style("cell", 8.5, leading=12),
        "head": style("head", 8.5, leading=12, colour=colors.HexColor("#1f3d2e")),
        "num": style("num", 8.5, leading=12, alignment=2),
        "big": style("big", 15, leading=19, alignment=1, colour=GREEN),
        "label": style("label", 8, leading=11, alignment=1, colour=GREY),
        "theme": style("theme", 10.5, leading=14, spaceAfter=0.5 * mm),
        "note": style("note", 8.5, leading=12, leftIndent=3 * mm, bulletIndent=0),
        "proposal": style("proposal", 8.5, leading=12, backColor=CREAM,
                          borderPadding=1 * mm, spaceBefore=1 * mm),
        # Tables (班): a table's name over its themes, and the newsletter's boxes.
        "table": style("table", 11, leading=15, colour=GREEN, spaceBefore=2.5 * mm,
                       spaceAfter=0.5 * mm),
        "talk_title": style("talk_title", 12, leading=16, colour=GREEN,
                            spaceAfter=1 * mm),
        "talk": style("talk", 9.5, leading=14, spaceAfter=0.6 * mm),
    }


def para(value: str, kind: str = "body") -> Paragraph:
    return Paragraph(escape(text.xml_safe(value)).replace("\n", "<br/>"), styles()[kind])


def heading(section: tuple[str, str, str]) -> Paragraph:
    _, title, sub = section
    return Paragraph(f'{escape(title)}<font size="9" color="#444444">　{escape(sub)}</font>',
                     styles()["h2"])


def grid(head: tuple[str, ...], rows: list[tuple[str, ...]], widths: list[float], *,
         numeric_from: int = 99, total_last: bool = False) -> Table:
    data = [[para(h, "head") for h in head]]
    data += [[para(c, "num" if i >= numeric_from else "cell") for i, c in enumerate(row)]
             for row in rows]
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font(), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
    ]
    if total_last:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), CREAM))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def summary(plan: Plan) -> Table:
    items = text.summary_items(plan)
    cells = [[para(v, "big"), para(k, "label")] for k, v in items]
    table = Table([cells], colWidths=[WIDTH / len(items)] * len(items))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font(), 8.5),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#9cbfa9")),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9cbfa9")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
    ]))
    return table


# The 次回 box's width beside the lead paragraph.
BOX_WIDTH = 55 * mm


# The gap between the lead paragraph and the 次回 box.
BOX_GAP = 4 * mm


def kinsoku_para(value: str, kind: str, width: float) -> Paragraph:
    """A paragraph broken into lines by the kinsoku rules (``linebreak.py``): reportlab's
    own CJK wrapping keeps 、。 off the start of a line but lets an opening 「（ end one, and
    the lead is the first thing a reader reads."""
    st = styles()[kind]

    def measure(grapheme: str) -> float:
        return float(pdfmetrics.stringWidth(grapheme, st.fontName, st.fontSize)) / st.fontSize

    # A hair narrower than the column, so that reportlab never breaks a line again.
    lines = linebreak.break_lines(text.xml_safe(value), (width - 1) / st.fontSize, measure)
    return Paragraph("<br/>".join(escape(line) for line in lines), st)


def opening(plan: Plan) -> Flowable:
    """The lead paragraph, and beside it the 次回 box with the contact line (when there is
    either), as the HTML page lays them out."""
    nxt, contact = text.next_lines(plan), text.contact_line(plan)
    if not (nxt or contact):
        return kinsoku_para(plan.lead, "lead", TEXT_WIDTH)
    lead = kinsoku_para(plan.lead, "lead", WIDTH - BOX_WIDTH - BOX_GAP)
    box: list[Flowable] = []
    if nxt:
        box += [para(text.NEXT, "box_title"), para(nxt[0], "box_when")]
        box += [para(line, "box") for line in nxt[1:]]
    if contact:
        box.append(para(contact, "contact"))
    table = Table([[lead, box]], colWidths=[WIDTH - BOX_WIDTH, BOX_WIDTH], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font(), 8.5),  # else reportlab names Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("RIGHTPADDING", (0, 0), (0, 0), BOX_GAP),
        ("BOX", (1, 0), (1, 0), 1, GREEN),
        ("LEFTPADDING", (1, 0), (1, 0), 2.5 * mm),
        ("RIGHTPADDING", (1, 0), (1, 0), 2.5 * mm),
        ("TOPPADDING", (1, 0), (1, 0), 2.5 * mm),
        ("BOTTOMPADDING", (1, 0), (1, 0), 2.5 * mm),
    ]))
    return table


def theme_card(t: ThemePlan) -> list[Flowable]:
    out: list[Flowable] = [para(t.title, "theme"), para(text.theme_counts(t), "small")]
    for n in t.top_notes:
        out.append(Paragraph(
            f"<b>【{escape(n.kind_label)}】</b>{escape(text.xml_safe(n.text))}"
            f'<font color="#2f6f4f">　共感 {n.votes}</font>', styles()["note"]))
    if t.proposal is not None:
        p = t.proposal
        chosen = '<font color="#b3261e">採用</font>' if p.chosen else "検討中"
        ideas = "".join(f"<br/>・{escape(text.xml_safe(i))}" for i in p.ideas)
        out.append(Paragraph(f"計画案（{chosen}・優先票 {p.priority}）: "
                             f"{escape(text.xml_safe(p.aim))}{ideas}", styles()["proposal"]))
    return out


def theme_grid(items: tuple[ThemePlan, ...]) -> Table:
    """Theme cards two across, in one ruled grid."""
    cards = [theme_card(t) for t in items]
    if len(cards) % 2:
        cards.append([])
    rows = [cards[i:i + 2] for i in range(0, len(cards), 2)]
    table = Table(rows, colWidths=[WIDTH / 2] * 2, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font(), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
    ]))
    return table


def themes(plan: Plan) -> list[Flowable]:
    out: list[Flowable] = [para(text.THEMES, "h3")]
    if not plan.themes:
        return [*out, para(text.EMPTY_THEMES, "small")]
    out.append(theme_grid(plan.themes))
    if plan.unsorted:
        out.append(para(text.unsorted_line(plan), "small"))
    return out


Group = tuple[list[Flowable], list[Flowable]]


def table_groups(plan: Plan) -> list[Group]:
    """PLAN's themes under the table that made them, then the room's own: for each, what
    stays together on a page (the table's name, counts and first row of cards) and the
    rest. (Flat lists: a KeepTogether inside another one is measured as too tall and would
    push the heading to the next page.)"""
    out: list[Group] = []
    for t in plan.tables:
        keep: list[Flowable] = [para(text.table_label(t), "table"),
                                para(text.table_heading_line(t), "small")]
        rest: list[Flowable] = []
        if not t.themes:
            keep.append(para(text.EMPTY_THEMES, "small"))
        else:
            keep.append(theme_grid(t.themes[:2]))
            if t.themes[2:]:
                rest.append(theme_grid(t.themes[2:]))
        if t.unsorted:
            rest.append(para(f"{text.UNSORTED} {len(t.unsorted)}枚", "small"))
        out.append((keep, rest))
    if plan.room_themes or plan.room_unsorted:
        keep = [para(text.ROOM_THEMES, "table")]
        if plan.room_themes:
            keep.append(theme_grid(plan.room_themes[:2]))
        rest = [theme_grid(plan.room_themes[2:])] if plan.room_themes[2:] else []
        if plan.room_unsorted:
            rest.append(para(f"{text.UNSORTED} {len(plan.room_unsorted)}枚", "small"))
        out.append((keep, rest))
    return out


# The gap between two tables' boxes in 「テーブルごとの話し合い」.
TALK_GAP = 3 * mm


# Counters that stay with their number in the boxes (「2人」, never 「2」/「人」).
COUNTERS = frozenset("人枚票件")


def talk_line(label: str, value: str, width: float) -> Paragraph:
    """「テーマ　通学路の雪、空き家」 broken by the kinsoku rules (``linebreak.py``), its
    label in the section's green."""
    st = styles()["talk"]

    def measure(grapheme: str) -> float:
        return float(pdfmetrics.stringWidth(grapheme, st.fontName, st.fontSize)) / st.fontSize

    lines = linebreak.break_lines(text.xml_safe(f"{label}　{value}"), (width - 1) / st.fontSize,
                                  measure, COUNTERS)
    body = "<br/>".join(escape(line) for line in lines)
    mark = escape(label)
    if body.startswith(mark):
        body = f'<font color="#2f6f4f">{mark}</font>' + body[len(mark):]
    return Paragraph(body, st)


def talk_box(table: TablePlan, width: float) -> Table:
    inner = width - 5 * mm
    cell: list[Flowable] = [para(text.table_label(table), "talk_title")]
    cell += [talk_line(k, v, inner) for k, v in text.talk_lines(table)]
    box = Table([[cell]], colWidths=[width], hAlign="LEFT")
    box.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font(), 8.5),  # else reportlab names Helvetica
        ("BOX", (0, 0), (-1, -1), 1, GREEN),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
    ]))
    return box


def talk_grid(rows: list[list[Flowable | str]], half: float) -> Table:
    grid_ = Table(rows, colWidths=[half + TALK_GAP, half], hAlign="LEFT")
    grid_.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font(), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), TALK_GAP),
    ]))
    return grid_


def tables_talk(plan: Plan) -> list[Flowable]:
    """The newsletter's 「テーブルごとの話し合い」: a framed box per table, two across,
    each whole on its page, the section's title with the first two."""
    half = (WIDTH - TALK_GAP) / 2
    boxes: list[Flowable | str] = [talk_box(t, half) for t in plan.tables]
    if len(boxes) % 2:
        boxes.append("")
    rows = [boxes[i:i + 2] for i in range(0, len(boxes), 2)]
    title = Paragraph(escape(text.TABLES_TALK), styles()["h2"])
    out: list[Flowable] = [KeepTogether([title, talk_grid(rows[:1], half)])]
    return out + ([talk_grid(rows[1:], half)] if rows[1:] else [])


# The columns of 参画の記録 by table: its name, the 立場, then the numbers.
TABLE_RECORD_MM = (30, 74, 12, 22, 22, 12, 12)


def packed(items: list[str], width: float, kind: str) -> str:
    """``items`` joined by 、 with a line break only between two of them (「大学・学生 1人」
    never loses its 人 to the next line), each line at most ``width`` points."""
    st = styles()[kind]
    lines: list[str] = []
    for item in items:
        joined = f"{lines[-1]}、{item}" if lines else item
        # Room for the 、 that may follow it too.
        if lines and pdfmetrics.stringWidth(joined + "、", st.fontName, st.fontSize) <= width:
            lines[-1] = joined
        else:
            if lines:
                lines[-1] += "、"
            lines.append(item)
    return "\n".join(lines) or NOTHING


def table_record(plan: Plan) -> list[Flowable]:
    """参画の記録 by table: counts by 立場, never names; kept whole on its page."""
    out: list[Flowable] = [para(text.TABLE_RECORD, "h3")]
    rounds = text.rounds_sentence(plan)
    if rounds:
        out.append(para(rounds, "small"))
    cell = TABLE_RECORD_MM[1] * mm - 3 * mm - 1  # within the cell's padding
    tallies = [t.tally for t in plan.tables] + ([plan.room] if plan.room is not None else [])
    rows = [(row[0], packed(text.attributes_items(tally), cell, "cell"), *row[2:])
            for row, tally in zip(text.table_record_rows(plan), tallies, strict=True)]
    out += [grid(text.TABLE_RECORD_COLUMNS, rows, [w * mm for w in TABLE_RECORD_MM],
                 numeric_from=2), Spacer(1, 1 * mm)]
    return [KeepTogether(out)]


def plan_start(plan: Plan) -> list[Flowable]:
    """PLAN's heading and its themes; with tables the heading stays with the first
    table's name and cards rather than end a page alone."""
    if not plan.tables:
        return [heading(text.PLAN), *themes(plan)]
    (keep, rest), *others = table_groups(plan)
    out: list[Flowable] = [KeepTogether([heading(text.PLAN), para(text.THEMES, "h3"), *keep]),
                           *rest]
    for more, after in others:
        out += [KeepTogether(more), *after]
    return out


def reviews(section: tuple[str, str, str], items: tuple[ReviewLine, ...]) -> list[Flowable]:
    out: list[Flowable] = [heading(section)]
    if not items:
        return [*out, para(text.EMPTY_REVIEW, "small")]
    return out + [Paragraph(escape(text.xml_safe(r.text)), styles()["body"], bulletText="・")
                  for r in items]


def story(plan: Plan) -> list[Flowable]:
    out: list[Flowable] = [
        para(text.KICKER, "kicker"), para(plan.title or "ワークショップ", "title"),
        para(text.meta_line(plan), "meta"), Spacer(1, 3 * mm), opening(plan),
        Spacer(1, 4 * mm), summary(plan),
        *(tables_talk(plan) if plan.tables else []),
        *plan_start(plan), para(text.ROLES, "h3"),
    ]
    if plan.actions:
        out.append(grid(text.ROLE_COLUMNS, [text.role_cells(a) for a in plan.actions],
                        [w * mm for w in (36, 21, 37, 24, 44, 22)]))
    else:
        out.append(para(text.EMPTY_ACTIONS, "small"))
    out.append(heading(text.DO))
    if plan.actions:
        out.append(grid(text.DO_COLUMNS, [text.do_cells(a) for a in plan.actions],
                        [w * mm for w in (60, 18, 106)]))
    else:
        out.append(para(text.EMPTY_ACTIONS, "small"))
    # CHECK and ACT side by side, as on the HTML page: two short lists, and the 参画の記録
    # after them then still fits on the page rather than leave it nearly empty.
    half = WIDTH / 2
    review = Table([[reviews(text.CHECK, plan.keep), reviews(text.ACT, plan.change)]],
                   colWidths=[half, half], hAlign="LEFT")
    review.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font(), 8.5),  # else reportlab names Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, 0), 3 * mm),
        ("LEFTPADDING", (1, 0), (1, 0), 3 * mm),
        ("RIGHTPADDING", (1, 0), (1, 0), 0),
    ]))
    out.append(review)
    record: list[Flowable] = [Paragraph(escape(text.RECORD), styles()["h2"])]
    record += [para(s) for s in text.record_sentences(plan)]
    chart = participation_chart(plan.participation)
    if chart is not None:
        # Vector shapes in the PDF, as wide as the text, with the embedded font.
        record += [Spacer(1, 1.5 * mm),
                   drawing.reportlab_drawing(chart, WIDTH / chart.width, font())]
    if plan.participation.participants:
        record += [Spacer(1, 1.5 * mm),
                   grid(text.RECORD_COLUMNS, text.record_rows(plan),
                        [w * mm for w in (40, 20, 24, 26, 26, 22, 26)], numeric_from=1,
                        total_last=True), Spacer(1, 1 * mm)]
    if plan.tables:
        record += table_record(plan)
    record += [para(text.CONTRIBUTED, "small"), Spacer(1, 3 * mm), para(text.PRIVACY, "small")]
    out.append(KeepTogether(record))
    return out


# The map across the text's width, at most this tall (a portrait map keeps room on its page
# for the first lines of its list).
MAP_MAX_H = 200 * mm
# The list's columns: the number, the kind, the note (and its table).
MAP_LIST_MM = (12, 14)
MAP_TABLE_MM = 20
MAP_LIST_ROWS = 30


class MapFigure(Flowable):
    """The map's JPEG itself (not re-encoded, as the photos are placed) and over it the
    pins and their numbers as vector shapes in the embedded font."""

    def __init__(self, mp: maps.MapPlan, max_width: float, max_height: float) -> None:
        super().__init__()
        self.hAlign = "CENTER"  # a portrait map narrower than the text sits in the middle
        self.mp = mp
        self.picture = maps.figure(mp, max_width, max_height)
        self.width, self.height = self.picture.width, self.picture.height
        self.map_width, self.map_height, self.edge = maps.figure_size(mp, max_width,
                                                                      max_height)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        from reportlab.graphics import renderPDF

        mp = self.mp
        if mp.image is not None:
            photo = pdf_photo(Picture(mp.hash, "", mp.image, mp.width, mp.height),
                              self.map_width, self.map_height)
            photo.wrap(self.map_width, self.map_height)
            # reportlab counts from the bottom: the map sits above the key to the shapes.
            photo.drawOn(self.canv, self.edge, self.height - self.edge - self.map_height)
        renderPDF.draw(drawing.reportlab_drawing(self.picture, 1.0, font()), self.canv, 0, 0)


def map_section(source: Source) -> list[Flowable]:
    """「地図」: the map with its numbered pins, then the list of the notes on it; nothing
    for an evening without a map (or with no published note on it)."""
    mp = maps.map_plan(source)
    if mp is None:
        return []
    title, sub = maps.heading(mp)
    head = Paragraph(f'{escape(title)}<font size="9" color="#444444">　'
                     f"{escape(text.xml_safe(sub))}</font>", styles()["h2"])
    intro = [para(sentence, "small") for sentence in maps.intro(mp)]
    widths = [w_ * mm for w_ in MAP_LIST_MM]
    rest = WIDTH - sum(widths) - (MAP_TABLE_MM * mm if mp.tables else 0)
    widths += [rest, *([MAP_TABLE_MM * mm] if mp.tables else [])]
    data: list[list[Flowable]] = [[para(c, "head") for c in maps.columns(mp)]]
    for p, row in zip(mp.pins, maps.rows(mp), strict=True):
        ink = drawing.kind_colours()[p.note.kind][0]
        data.append([Paragraph(f'<font color="{ink}"><b>{p.number}</b></font>', styles()["num"]),
                     Paragraph(f'<font color="{ink}">{escape(row[1])}</font>', styles()["cell"]),
                     *(para(c, "cell") for c in row[2:])])
    style = TableStyle([
        ("FONT", (0, 0), (-1, -1), font(), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 0.8 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
    ])
    # The list as tables of MAP_LIST_ROWS rows, one under the other (their rules meet, so
    # it reads as one): reportlab measures a table again each time a page splits it, and a
    # festival's 1,000 rows in one table took seconds to lay out.
    listing: list[Flowable] = []
    for start in range(1, len(data), MAP_LIST_ROWS):
        part = Table(([data[0]] if start == 1 else []) + data[start:start + MAP_LIST_ROWS],
                     colWidths=widths, repeatRows=1 if start == 1 else 0, hAlign="LEFT")
        part.setStyle(style)
        if start == 1:
            part.setStyle([("BACKGROUND", (0, 0), (-1, 0), PALE)])
        listing.append(part)
    # The heading, the sentences and the map stay together: a map is never split from its
    # title; the list runs on over the next pages.
    return [KeepTogether([head, *intro, Spacer(1, 1.5 * mm), MapFigure(mp, TEXT_WIDTH, MAP_MAX_H),
                          Spacer(1, 2 * mm)]), *listing]


def render_pdf(source: Source) -> bytes:
    plan = source.plan
    stamp = source.generated_at
    buf = io.BytesIO()
    title = plan.title or "ワークショップ"
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=14 * mm,
        bottomMargin=16 * mm, title=f"{title} — PDCAプラン", author="寄り合い（Yoriai）",
        subject=text.KICKER, creator="Yoriai", producer="Yoriai (reportlab)", invariant=1,
        initialFontName=font(),
        lang="ja")
    footer = text.generated_line(plan)

    def page(canvas: Canvas, _doc: Any) -> None:
        # The document's dates are the moment it was made for, not the clock's.
        canvas.setDateFormatter(lambda *_: stamp.strftime("D:%Y%m%d%H%M%S"))
        canvas.saveState()
        canvas.setFont(font(), 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 9 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 9 * mm, f"{canvas.getPageNumber()}")
        canvas.restoreState()

    doc.build(story(plan) + map_section(source) + pdf_section(source, WIDTH, styles()),
              onFirstPage=page,
              onLaterPages=page)
    return buf.getvalue()


EXPORTER = Exporter("pdf", "会報用PDF（A4）", "application/pdf", "pdf", "plan", render_pdf)
