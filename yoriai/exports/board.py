"""A picture of the board (SVG): each theme (輪) with its notes and their 共感, as the room
saw it on the projector — for the newsletter's front page or a poster.

Text stays text (``<text>``, so it can be searched, copied and edited in Inkscape or
Illustrator), in the Japanese fonts a PC already has. Lines are wrapped here, by counting
full-width characters as one em and others as about half.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET

from yoriai.facilitation.model import NoteKind

from . import text
from .plan import KIND_LABELS, NoteLine, Plan
from .source import Exporter, Source

SVG_NS = "http://www.w3.org/2000/svg"
FONTS = ("'Hiragino Kaku Gothic ProN', 'Hiragino Sans', 'Yu Gothic', 'YuGothic', 'Meiryo', "
         "'Noto Sans CJK JP', 'IPAexGothic', sans-serif")
COLOURS = {NoteKind.CHARM: "#fff3b0", NoteKind.ISSUE: "#ffd6d6", NoteKind.WISH: "#d6e9ff"}
EDGES = {NoteKind.CHARM: "#c9a400", NoteKind.ISSUE: "#c0392b", NoteKind.WISH: "#2e6db4"}
MARGIN, GAP = 32, 20
COLUMN_W = 360
NOTE_FONT, NOTE_LINE, NOTE_PAD = 15, 20, 8
NOTE_MAX_LINES = 4
TITLE_FONT = 20
MAX_COLUMNS = 4


def width_em(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


def wrap(value: str, em: float, max_lines: int) -> list[str]:
    """``value`` in lines of at most ``em`` ems; the last line ends in … when cut."""
    words = " ".join(text.xml_safe(value).split())
    lines, line, used = [], "", 0.0
    for ch in words:
        w = width_em(ch)
        if used + w > em and line:
            lines.append(line)
            line, used = "", 0.0
            if ch == " ":
                continue
        line += ch
        used += w
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines or [""]


def sub(parent: ET.Element, tag: str, body: str | None = None, /, **attrs: object
        ) -> ET.Element:
    el = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): str(v)
                                     for k, v in attrs.items()})
    if body is not None:
        el.text = body
    return el


def text_lines(parent: ET.Element, lines: list[str], x: float, y: float, size: int,
               step: int, **attrs: object) -> None:
    el = sub(parent, "text", x=x, y=y, font_size=size, **attrs)
    for i, line in enumerate(lines):
        sub(el, "tspan", line, x=x, dy=0 if i == 0 else step)


def note_height(note: NoteLine, width: float) -> tuple[list[str], float]:
    lines = wrap(note.text, (width - 2 * NOTE_PAD - 56) / NOTE_FONT, NOTE_MAX_LINES)
    return lines, len(lines) * NOTE_LINE + 2 * NOTE_PAD


def draw_note(parent: ET.Element, note: NoteLine, x: float, y: float, width: float) -> float:
    lines, h = note_height(note, width)
    g = sub(parent, "g", class_=f"note {note.kind.value}")
    sub(g, "rect", x=x, y=y, width=width, height=h, rx=4, fill=COLOURS[note.kind],
        stroke=EDGES[note.kind], stroke_width=1)
    sub(g, "title", f"{note.kind_label}: {text.xml_safe(note.text)}")
    text_lines(g, lines, x + NOTE_PAD, y + NOTE_PAD + NOTE_FONT, NOTE_FONT, NOTE_LINE,
               fill="#222")
    sub(g, "text", f"共感 {note.votes}", x=x + width - NOTE_PAD, y=y + NOTE_PAD + NOTE_FONT,
        font_size=13, text_anchor="end", fill="#333", class_="votes")
    return h


def title_lines(title: str, width: float) -> list[str]:
    return wrap(title, (width - 24) / TITLE_FONT, 3)


def head_height(lines: list[str]) -> float:
    return 14 + len(lines) * (TITLE_FONT + 6) + 26


def stack_height(notes: list[NoteLine], width: float) -> float:
    return sum(note_height(n, width)[1] + 8 for n in notes)


def draw_block(root: ET.Element, x: float, y: float, width: float, height: float,
               title: str, counts: str, stacks: list[list[NoteLine]], cls: str) -> None:
    """A theme's frame, its title and counts, and its notes in one or more stacks."""
    g = sub(root, "g", class_=cls)
    sub(g, "rect", x=x, y=y, width=width, height=height, rx=10, fill="#f7f7f2",
        stroke="#9a9a90", stroke_width=1.5)
    lines = title_lines(title, width)
    text_lines(g, lines, x + 12, y + 12 + TITLE_FONT, TITLE_FONT, TITLE_FONT + 6,
               font_weight="bold", fill="#1f3d2e", class_="title")
    top = y + head_height(lines)
    sub(g, "text", counts, x=x + 12, y=top - 12, font_size=13, fill="#555", class_="counts")
    for i, stack in enumerate(stacks):
        cx, cy = x + 10 + i * (COLUMN_W + GAP), top
        for n in stack:
            cy += draw_note(g, n, cx, cy, COLUMN_W - 20) + 8


def balanced(notes: tuple[NoteLine, ...], columns: int) -> list[list[NoteLine]]:
    """The notes in reading order, cut into ``columns`` stacks of about equal height."""
    total = stack_height(list(notes), COLUMN_W - 20)
    stacks: list[list[NoteLine]] = [[]]
    used = 0.0
    for n in notes:
        h = note_height(n, COLUMN_W - 20)[1] + 8
        if used + h / 2 > total / columns * len(stacks) and len(stacks) < columns:
            stacks.append([])
        stacks[-1].append(n)
        used += h
    return stacks


def render_svg(source: Source) -> bytes:
    plan: Plan = source.plan
    columns = max(1, min(MAX_COLUMNS, len(plan.themes) or (1 if not plan.unsorted else 4)))
    width = 2 * MARGIN + columns * COLUMN_W + (columns - 1) * GAP

    root = ET.Element("svg", {"xmlns": SVG_NS, "font-family": FONTS})
    title = plan.title or "ワークショップ"
    sub(root, "title", text.xml_safe(title))
    sub(root, "rect", x=0, y=0, width="100%", height="100%", fill="#ffffff")
    head = wrap(title, (width - 2 * MARGIN) / 28, 2)
    text_lines(root, head, MARGIN, MARGIN + 28, 28, 36, font_weight="bold", fill="#1f1f1f",
               class_="heading")
    y: float = MARGIN + 28 + 36 * (len(head) - 1) + 26
    sub(root, "text", text.xml_safe(text.meta_line(plan)), x=MARGIN, y=y, font_size=15,
        fill="#444", class_="meta")
    lx = MARGIN
    y += 28
    for kind in NoteKind:
        sub(root, "rect", x=lx, y=y - 14, width=18, height=18, rx=3, fill=COLOURS[kind],
            stroke=EDGES[kind])
        sub(root, "text", KIND_LABELS[kind], x=lx + 24, y=y, font_size=14, fill="#333")
        lx += 90
    y += 24

    if not plan.themes and not plan.unsorted:
        sub(root, "text", "まだメモはありません。", x=MARGIN, y=y + 30, font_size=18,
            fill="#666", class_="empty")
        y += 60
    for start in range(0, len(plan.themes), columns):
        row = plan.themes[start:start + columns]
        row_h = max(head_height(title_lines(t.title, COLUMN_W))
                    + stack_height(list(t.notes), COLUMN_W - 20) + 8 for t in row)
        for i, t in enumerate(row):
            draw_block(root, MARGIN + i * (COLUMN_W + GAP), y, COLUMN_W, row_h, t.title,
                       text.theme_counts(t), [list(t.notes)], "theme")
        y += row_h + GAP
    if plan.unsorted:
        # Notes in no theme span the whole width, in as many stacks as there are columns.
        label = "テーマに入らなかったメモ"
        stacks = balanced(plan.unsorted, columns)
        full = width - 2 * MARGIN
        block_h = head_height(title_lines(label, full)) + max(
            stack_height(s, COLUMN_W - 20) for s in stacks) + 8
        draw_block(root, MARGIN, y, full, block_h, label, f"メモ {len(plan.unsorted)}件",
                   stacks, "theme unsorted")
        y += block_h + GAP
    height = round(y + MARGIN)
    root.set("width", str(width))
    root.set("height", str(height))
    root.set("viewBox", f"0 0 {width} {height}")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


EXPORTER = Exporter("svg", "ボードの画像（SVG）", "image/svg+xml", "svg", "board", render_svg)
