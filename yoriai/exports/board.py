"""A picture of the board: each theme (輪) with its notes and their 共感, as the room saw
it on the projector — for the newsletter's front page or a poster. SVG (text stays text,
to search, copy and edit in Inkscape or Illustrator, in the Japanese fonts a PC already
has) and PNG (for an older Word that cannot place an SVG), drawn from one list of shapes.

Fit for a black-and-white 会報: the kinds wear the app's own colours (read from its
stylesheet, the one source) *and* the app's icons — a star for 魅力, a warning triangle
for 課題, a heart for 思い — so they differ on a grey page, where their pale fills do not.
Lines are broken by the Japanese rules (:mod:`~exports.linebreak`).

With tables (班) the board is the room seen from above: each table a column under its
name and counts, holding the themes it made and its notes in no theme.
"""

from __future__ import annotations

from yoriai.facilitation.model import NoteKind

from . import drawing, linebreak, maps, text
from .drawing import Group, Picture, Rect, Text, kind_colours
from .plan import NoteLine, Plan, ThemePlan
from .source import Exporter, Source

MARGIN, GAP = 32, 20
COLUMN_W = 360
NOTE_FONT, NOTE_LINE, NOTE_PAD = 15, 20, 8
NOTE_MAX_LINES = 4
ICON_W = 24  # the icon's column at a note's left
VOTES_W = 56  # room for 「共感 12」 at a note's right
TITLE_FONT = 20
MAX_COLUMNS = 4
# PNG pixels per SVG unit: twice the screen size prints sharp at about 150 dpi on A4 width.
# A festival's board (1,000 notes) is a tall poster: its scale drops to keep the image
# under PNG_MAX_PIXELS (48 MB of memory while drawing, and under 2 s to draw and encode on
# the 2-core laptop; bench/exports.py), and above PNG_FAST_PIXELS zlib compresses lightly
# (level 1: a few % larger, twice as fast as the default 6 on a picture this size).
PNG_SCALE = 2.0
PNG_MAX_PIXELS = 16_000_000
PNG_FAST_PIXELS = 4_000_000


def note_lines(note: NoteLine, width: float) -> list[str]:
    em = (width - 2 * NOTE_PAD - ICON_W - VOTES_W) / NOTE_FONT
    return linebreak.wrap(note.text, em, NOTE_MAX_LINES)


def note_height(note: NoteLine, width: float) -> float:
    return len(note_lines(note, width)) * NOTE_LINE + 2 * NOTE_PAD


def draw_note(note: NoteLine, x: float, y: float, width: float) -> tuple[Group, float]:
    lines = note_lines(note, width)
    h = len(lines) * NOTE_LINE + 2 * NOTE_PAD
    ink, paper = kind_colours()[note.kind]
    g = Group(f"note {note.kind.value}", f"{note.kind_label}: {note.text}")
    g.add(Rect(x, y, width, h, fill=paper, stroke=ink, radius=4),
          Rect(x, y, 5, h, fill=ink))
    g.add(*drawing.icon(note.kind.value, x + NOTE_PAD + ICON_W / 2 - 1,
                        y + NOTE_PAD + NOTE_FONT / 2 + 1, 8, ink))
    g.add(Text(x + NOTE_PAD + ICON_W, y + NOTE_PAD + NOTE_FONT, tuple(lines), NOTE_FONT,
               "#1f1f1f", NOTE_LINE, cls="note-text"),
          Text(x + width - NOTE_PAD, y + NOTE_PAD + NOTE_FONT, (f"共感 {note.votes}",), 13,
               "#333333", anchor="end", cls="votes"))
    return g, h


def title_lines(title: str, width: float) -> list[str]:
    return linebreak.wrap(title, (width - 24) / TITLE_FONT, 3)


def head_height(lines: list[str]) -> float:
    return 14 + len(lines) * (TITLE_FONT + 6) + 26


def stack_height(notes: list[NoteLine], width: float) -> float:
    return sum(note_height(n, width) + 8 for n in notes)


def draw_block(picture: Picture | Group, x: float, y: float, width: float, height: float,
               title: str, counts: str, stacks: list[list[NoteLine]], cls: str) -> None:
    """A theme's frame, its title and counts, and its notes in one or more stacks."""
    g = Group(cls)
    g.add(Rect(x, y, width, height, fill="#f7f7f2", stroke="#6b6b6b", stroke_width=1.5,
               radius=10))
    lines = title_lines(title, width)
    g.add(Text(x + 12, y + 12 + TITLE_FONT, tuple(lines), TITLE_FONT, "#1f1f1f",
               TITLE_FONT + 6, bold=True, cls="title"))
    top = y + head_height(lines)
    g.add(Text(x + 12, top - 12, (counts,), 13, "#444444", cls="counts"))
    for i, stack in enumerate(stacks):
        cx, cy = x + 10 + i * (COLUMN_W + GAP), top
        for n in stack:
            note, h = draw_note(n, cx, cy, COLUMN_W - 20)
            g.add(note)
            cy += h + 8
    picture.add(g)


def balanced(notes: tuple[NoteLine, ...], columns: int) -> list[list[NoteLine]]:
    """The notes in reading order, cut into ``columns`` stacks of about equal height."""
    total = stack_height(list(notes), COLUMN_W - 20)
    stacks: list[list[NoteLine]] = [[]]
    used = 0.0
    for n in notes:
        h = note_height(n, COLUMN_W - 20) + 8
        if used + h / 2 > total / columns * len(stacks) and len(stacks) < columns:
            stacks.append([])
        stacks[-1].append(n)
        used += h
    return stacks


def legend(picture: Picture, y: float) -> None:
    x: float = MARGIN
    for kind in NoteKind:
        ink, paper = kind_colours()[kind]
        g = Group(f"legend {kind.value}")
        g.add(Rect(x, y - 16, 22, 22, fill=paper, stroke=ink, radius=3),
              *drawing.icon(kind.value, x + 11, y - 5, 8, ink),
              Text(x + 28, y, (text.kind_word(kind),), 14, "#333333"))
        picture.add(g)
        x += 90


def theme_rows(parent: Picture | Group, themes: tuple[ThemePlan, ...], columns: int,
               y: float) -> float:
    """The themes' blocks, ``columns`` to a row; returns the y under them."""
    for start in range(0, len(themes), columns):
        row = themes[start:start + columns]
        row_h = max(head_height(title_lines(t.title, COLUMN_W))
                    + stack_height(list(t.notes), COLUMN_W - 20) + 8 for t in row)
        for i, t in enumerate(row):
            draw_block(parent, MARGIN + i * (COLUMN_W + GAP), y, COLUMN_W, row_h, t.title,
                       text.theme_counts(t), [list(t.notes)], "theme")
        y += row_h + GAP
    return y


def unsorted_block(parent: Picture | Group, notes: tuple[NoteLine, ...], columns: int,
                   width: float, y: float) -> float:
    """Notes in no theme span the whole width, in as many stacks as there are columns."""
    stacks = balanced(notes, columns)
    full = width - 2 * MARGIN
    block_h = head_height(title_lines(text.UNSORTED, full)) + max(
        stack_height(s, COLUMN_W - 20) for s in stacks) + 8
    draw_block(parent, MARGIN, y, full, block_h, text.UNSORTED,
               text.notes_count(len(notes)), stacks, "theme unsorted")
    return y + block_h + GAP


# With tables the board is the room seen from above: each table a column, its band (its
# name large, white on the app's green, its counts under it) over its themes.
BAND_FONT, COUNTS_FONT, COUNTS_LINE = 22, 14, 19
# Tables across one row of the picture: six columns is a wide poster (2,300 units), still
# drawn at the full PNG scale; more tables make more rows.
TABLE_COLUMNS_MAX = 6
BAND = "#2f6f4f"


def band(parent: Group, label: str, counts: str, x: float, y: float) -> float:
    """A table's name and counts over its column; returns the y under it."""
    inner = COLUMN_W - 28
    name = linebreak.wrap(label, inner / BAND_FONT, 2)
    lines = linebreak.wrap(counts, inner / COUNTS_FONT, 3) if counts else []
    h = 16 + len(name) * (BAND_FONT + 6) + len(lines) * COUNTS_LINE + 6
    parent.add(Rect(x, y, COLUMN_W, h, fill=BAND, radius=6),
               Text(x + 14, y + 10 + BAND_FONT, tuple(name), BAND_FONT, "#ffffff",
                    BAND_FONT + 6, bold=True, cls="table-name"))
    if lines:
        parent.add(Text(x + 14, y + 14 + len(name) * (BAND_FONT + 6) + COUNTS_FONT - 2,
                        tuple(lines), COUNTS_FONT, "#ffffff", COUNTS_LINE, cls="table-counts"))
    return y + h + 12


def table_column(label: str, counts: str, themes: tuple[ThemePlan, ...],
                 unsorted: tuple[NoteLine, ...], x: float, y: float) -> tuple[Group, float]:
    """One table as a column, the way its sheet (模造紙) lay on the table: its band, its
    themes one under the other, then its notes in no theme; returns it and its bottom."""
    g = Group("table", label)
    top = band(g, label, counts, x, y)
    if not themes and not unsorted:
        g.add(Text(x + 14, top + 14, (text.NO_NOTES,), 15, "#555555", cls="empty"))
        top += 24 + GAP
    blocks = [(t.title, text.theme_counts(t), t.notes, "theme") for t in themes]
    if unsorted:
        blocks.append((text.UNSORTED, text.notes_count(len(unsorted)), unsorted,
                       "theme unsorted"))
    for title, line, notes, cls in blocks:
        h = head_height(title_lines(title, COLUMN_W)) + stack_height(list(notes),
                                                                     COLUMN_W - 20) + 8
        draw_block(g, x, top, COLUMN_W, h, title, line, [list(notes)], cls)
        top += h + GAP
    return g, top


def tables_board(picture: Picture, plan: Plan, columns: int, y: float) -> float:
    """With tables: the tables side by side, ``columns`` to a row, each a column of its
    themes; then the room's own themes (those of no table) as one more column."""
    groups = [(text.table_label(t), text.table_heading_line(t), t.themes, t.unsorted)
              for t in plan.tables]
    if plan.room_themes or plan.room_unsorted:
        groups.append((text.ROOM_THEMES, "", plan.room_themes, plan.room_unsorted))
    for start in range(0, len(groups), columns):
        bottom = y
        for i, (label, counts, themes, unsorted) in enumerate(groups[start:start + columns]):
            g, end = table_column(label, counts, themes, unsorted,
                                  MARGIN + i * (COLUMN_W + GAP), y)
            picture.add(g)
            bottom = max(bottom, end)
        y = bottom + GAP
    return y


def columns_of(plan: Plan) -> int:
    """As many columns as the widest row of themes needs (at most MAX_COLUMNS); notes in no
    theme alone take four. With tables, a column per table (and one for the room's own
    themes), at most TABLE_COLUMNS_MAX to a row, the rows as even as they can be."""
    if plan.tables:
        groups = len(plan.tables) + bool(plan.room_themes or plan.room_unsorted)
        rows = -(-groups // TABLE_COLUMNS_MAX)
        return -(-groups // rows)  # rows as even as they can be: 5 → 5, 8 → 4 + 4
    return max(1, min(MAX_COLUMNS, len(plan.themes) or (1 if not plan.unsorted else 4)))


# With a map the picture is at least three columns wide: the map reads at poster size,
# and its list runs in three columns under it.
MAP_COLUMNS_MIN = 3


def board(plan: Plan, mp: maps.MapPlan | None = None) -> Picture:
    """The board of ``plan``; with ``mp``, the map and its pins first (under the legend,
    which the pins share): the evening's first step, 「確かめてみよう」 on the map, before
    the themes that came of it."""
    columns = columns_of(plan)
    if mp is not None and not plan.tables:
        columns = max(columns, MAP_COLUMNS_MIN)
    width = 2 * MARGIN + columns * COLUMN_W + (columns - 1) * GAP
    if mp is not None:
        width = max(width, 2 * MARGIN + MAP_COLUMNS_MIN * COLUMN_W + (MAP_COLUMNS_MIN - 1) * GAP)
    title = plan.title or text.UNTITLED
    picture = Picture(width, 0, title)
    picture.add(Rect(0, 0, width, 0, fill="#ffffff"))  # its height is set at the end
    head = linebreak.wrap(title, (width - 2 * MARGIN) / 28, 2)
    picture.add(Text(MARGIN, MARGIN + 28, tuple(head), 28, "#1f1f1f", 36, bold=True,
                     cls="heading"))
    y: float = MARGIN + 28 + 36 * (len(head) - 1) + 26
    picture.add(Text(MARGIN, y, (text.meta_line(plan),), 15, "#444444", cls="meta"))
    y += 28
    legend(picture, y)
    y += 24
    if mp is not None:
        group, bottom = maps.panel(mp, MARGIN, y + 6, width - 2 * MARGIN, COLUMN_W, GAP)
        picture.add(group)
        y = bottom + GAP

    if not plan.tables and not plan.themes and not plan.unsorted:
        picture.add(Text(MARGIN, y + 30, (text.NO_NOTES,), 18, "#555555", cls="empty"))
        y += 60
    if plan.tables:
        y = tables_board(picture, plan, columns, y)
    else:
        y = theme_rows(picture, plan.themes, columns, y)
        if plan.unsorted:
            y = unsorted_block(picture, plan.unsorted, columns, width, y)
    picture.height = round(y + MARGIN)
    picture.items[0] = Rect(0, 0, width, picture.height, fill="#ffffff")
    return picture


def render_svg(source: Source) -> bytes:
    return drawing.svg_bytes(board(source.plan, maps.map_plan(source)))


def png_scale(picture: Picture) -> float:
    area = picture.width * picture.height
    return min(PNG_SCALE, (PNG_MAX_PIXELS / area) ** 0.5) if area else PNG_SCALE


def render_png(source: Source) -> bytes:
    picture = board(source.plan, maps.map_plan(source))
    scale = png_scale(picture)
    pixels = picture.width * picture.height * scale * scale
    return drawing.png_bytes(picture, scale, 1 if pixels > PNG_FAST_PIXELS else 6)


EXPORTER = Exporter("svg", "ボードの画像（SVG）", "image/svg+xml", "svg", "board", render_svg)
PNG_EXPORTER = Exporter("png", "ボードの画像（PNG）", "image/png", "png", "board", render_png)
