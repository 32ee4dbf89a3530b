"""The map (地図ワーク) in the plan: the district's map with the notes' pins, numbered, and
the list of those notes — the part the HTML, PDF, Word, SVG and PNG exports share, so that
each format only places what is made here.

What is on it: the published notes (as the plan prints them: not hidden by a moderator,
not still private to their author) that have a place (``Note.pin``, on the grid of
``limits.MAP_GRID`` over the image). An evening without a map, or whose map holds no
published note, has no map section at all, and every format is the file it always was.

Numbers. A reader finds 「12」 in the list and looks for it on the map, so the numbers run
over the map the way a guide map's do: in bands from the top (``BANDS`` of them), left to
right within a band. Pins closer than ``CLUSTER_SHARE`` of the map's long side (where
their icons would overlap) form a cluster first: its pins take consecutive numbers and
share one label 「12〜15」. Numbers depend on the places alone — never on a format's
page size — so the PDF, the Word file, the board picture and the CSV say the same 12.

Pins look as they do on the projector and the phones: the kind's icon (a star for 魅力, a
warning triangle for 課題, a heart for 思い, :func:`~exports.drawing.icon`) in the kind's
colour from the app's stylesheet, with a white outline so that it reads on any map, its
centre at the place. The number sits in a small white label beside it, placed where it
covers no other pin or label if there is such a spot (eight tries around the pin).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from PIL import Image

from yoriai.facilitation.limits import MAP_GRID
from yoriai.facilitation.model import NoteKind, WorkshopState

from . import linebreak
from .catalogue import word
from .drawing import (
    Group,
    Line,
    Picture,
    Polygon,
    Raster,
    Rect,
    Shape,
    Text,
    icon,
    kind_colours,
)
from .plan import NoteLine, Plan, published
from .source import Source
from .text import kind_word, table_number

# Numbers run in this many bands from the top of the map, each read left to right: a
# band of an eighth of the map is about a street block on a district map, and neighbours
# within it keep near numbers.
BANDS = 8
# A pin's icon is this share of the displayed map's long side across (its radius half of
# it): 2% is 3.7 mm on a map printed across A4, large enough to tell a star from a heart.
PIN_SHARE = 0.02
# Pins nearer than one icon's width overlap: they are one cluster with one label.
CLUSTER_SHARE = PIN_SHARE
# The number's size, as a share of the long side: 7.3 pt on a map across A4.
LABEL_SHARE = 0.014
# A pin's heart drawn with this many points (the board's large icons have 40): smooth at
# 4 mm, and a map of 1,000 pins stays quick to write into the PDF.
PIN_DETAIL = 16
# A digit of IPAexGothic is 0.63 em wide (the font the PDF and PNG use; measured).
DIGIT_EM = 0.63
RANGE = "〜"  # 「12〜15」: a cluster's numbers, as Japanese writes a range
OUTLINE = "#ffffff"
LABEL_INK = "#1f1f1f"
MIXED = "#1f1f1f"  # a cluster of several kinds: its label's frame in plain ink

NOTE = word("console.tab.notes")  # 付箋
HEADING = "地図"
NUMBER = "番号"
KIND = word("note.kind")  # 種類
TABLE = word("export.col.table")  # テーブル
ORDER = "番号は地図の上から順に、左から右へ振っています。"
MISSING = "地図の画像はこのファイルに入っていません。場所は枠の中の位置で示します。"


@dataclass(frozen=True)
class Pinned:
    """A published note with a place, and its number on the map."""

    number: int
    note: NoteLine
    x: int  # on the grid, 0..MAP_GRID
    y: int
    table: str = ""  # 「2班」 when the evening had tables and the note was written at one

    def pixel(self, width: int, height: int) -> tuple[int, int]:
        """Its place in pixels of the stored image (``width`` × ``height``)."""
        return pixel(self.x, self.y, width, height)


@dataclass(frozen=True)
class Cluster:
    """Pins that would overlap on the map: consecutive numbers, one label."""

    pins: tuple[Pinned, ...]

    @property
    def label(self) -> str:
        first, last = self.pins[0].number, self.pins[-1].number
        return str(first) if first == last else f"{first}{RANGE}{last}"

    @property
    def kinds(self) -> frozenset[NoteKind]:
        return frozenset(p.note.kind for p in self.pins)


@dataclass(frozen=True)
class MapPlan:
    title: str
    hash: str
    width: int  # the stored image's pixels
    height: int
    image: bytes | None  # the JPEG, when its bytes came with the source
    clusters: tuple[Cluster, ...]
    unplaced: int  # published notes without a place
    tables: bool  # whether the list has a table column

    @cached_property
    def pins(self) -> tuple[Pinned, ...]:
        """Every pin, by number."""
        return tuple(p for c in self.clusters for p in c.pins)

    @property
    def aspect(self) -> float:
        """Height over width."""
        return self.height / self.width

    def fit(self, max_width: float, max_height: float) -> tuple[float, float]:
        """The largest box of the map's shape within the given one."""
        scale = min(max_width / self.width, max_height / self.height)
        return self.width * scale, self.height * scale


def pixel(x: int, y: int, width: int, height: int) -> tuple[int, int]:
    """A grid place in pixels of an image ``width`` × ``height`` (0..width, 0..height)."""
    return round(x * width / MAP_GRID), round(y * height / MAP_GRID)


# --- numbering -----------------------------------------------------------------------------

def clusters_of(places: list[tuple[str, int, int]], width: int, height: int
                ) -> list[list[tuple[str, int, int]]]:
    """``(id, x, y)`` places (in the order the notes were posted) as clusters in number
    order, each cluster's places in number order: the map's numbering, from the places
    and the image's shape alone."""
    long_side = max(width, height)
    reach = CLUSTER_SHARE * long_side

    def px(x: int, y: int) -> tuple[float, float]:
        return x * width / MAP_GRID, y * height / MAP_GRID

    # Each place joins the nearest cluster whose first place is within reach, else starts
    # one: deterministic, and a cluster never creeps along a crowded street (its reach is
    # measured from its first place, not from its latest).
    # Seeds are found by a grid of cells one reach wide (only the 3 x 3 cells around a
    # place can hold one within reach): a festival's 1,000 pins in milliseconds, not half
    # a second. Ties go to the older cluster, as a plain scan in order would.
    seeds: list[tuple[float, float]] = []
    groups: list[list[tuple[str, int, int]]] = []
    cells: dict[tuple[int, int], list[int]] = {}
    for place in places:
        sx, sy = px(place[1], place[2])
        ci, cj = int(sx // reach), int(sy // reach)
        best, best_d = -1, reach
        for i in sorted(i for di in (-1, 0, 1) for dj in (-1, 0, 1)
                        for i in cells.get((ci + di, cj + dj), ())):
            d = math.hypot(sx - seeds[i][0], sy - seeds[i][1])
            if d < best_d:
                best, best_d = i, d
        if best < 0:
            cells.setdefault((ci, cj), []).append(len(seeds))
            seeds.append((sx, sy))
            groups.append([place])
        else:
            groups[best].append(place)

    def reading(place: tuple[str, int, int]) -> tuple[int, int, int]:
        return (min(BANDS - 1, place[2] * BANDS // MAP_GRID), place[1], place[2])

    for g in groups:
        g.sort(key=reading)  # stable: equal places keep their posting order
    order = sorted(range(len(groups)), key=lambda i: reading(groups[i][0]))
    return [groups[i] for i in order]


def numbers(state: WorkshopState) -> dict[str, int]:
    """``{note id: its number on the map}`` for the published notes with a place (the
    CSV's column); empty without a map."""
    if state.map is None:
        return {}
    out: dict[str, int] = {}
    for group in clusters_of(places(state), state.map.width, state.map.height):
        for note_id, _, _ in group:
            out[note_id] = len(out) + 1
    return out


def places(state: WorkshopState) -> list[tuple[str, int, int]]:
    return [(n.id, n.pin.x, n.pin.y) for n in state.notes.values()
            if n.pin is not None and published(n)]


def map_plan(source: Source) -> MapPlan | None:
    """The map section of ``source``'s plan, or None when there is none to print (no map,
    or no published note on it)."""
    state, plan = source.state, source.plan
    found = state.map
    if found is None:
        return None
    spots = places(state)
    if not spots:
        return None
    lines = {n.id: n for n in plan.notes}
    labels = table_labels(plan)
    clusters: list[Cluster] = []
    number = 0
    for group in clusters_of(spots, found.width, found.height):
        pins = []
        for note_id, x, y in group:
            number += 1
            line = lines.get(note_id) or line_of(state, note_id)
            pins.append(Pinned(number, line, x, y, labels.get(line.table or "", "")))
        clusters.append(Cluster(tuple(pins)))
    return MapPlan(
        title=found.title, hash=found.hash, width=found.width, height=found.height,
        image=jpeg(source.photos.get(found.hash)), clusters=tuple(clusters),
        unplaced=len(plan.notes) - len(spots), tables=bool(plan.tables))


def line_of(state: WorkshopState, note_id: str) -> NoteLine:
    """A published note the plan did not list (it never leaves one out; a map must not
    fail on it if it ever did)."""
    n = state.notes[note_id]
    return NoteLine(n.id, n.kind, n.text, state.tally(n.id), n.theme, n.by_proxy,
                    n.table if n.table in state.tables else None, n.round)


def table_labels(plan: Plan) -> dict[str, str]:
    return {t.id: table_number(t.number) for t in plan.tables}


def jpeg(data: bytes | None) -> bytes | None:
    """The map's bytes if they are a JPEG (the upload stores one); else None, and the map
    is drawn as an empty frame with its pins rather than break the document."""
    if data is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            return data if image.format == "JPEG" else None
    except Exception:
        return None


# --- the words -----------------------------------------------------------------------------

def heading(mp: MapPlan) -> tuple[str, str]:
    """The section's title and, beside it, the map's own title."""
    return HEADING, mp.title


def intro(mp: MapPlan) -> list[str]:
    """The sentences under the heading: how many notes, how to read the numbers, what is
    not on the map."""
    out = [f"場所の付いた{NOTE} {len(mp.pins)}枚を地図に示します。{ORDER}"]
    if mp.unplaced:
        out.append(f"場所の付いていない{NOTE} {mp.unplaced}枚は地図にはありません。")
    if mp.image is None:
        out.append(MISSING)
    return out


def text_intro(mp: MapPlan) -> list[str]:
    """The same for a text without the picture (Markdown): the numbers are those of the
    map in the page, the PDF and the Word file, and each note says where it is in words."""
    out = [f"場所の付いた{NOTE} {len(mp.pins)}枚です。番号は会報ページ・PDF・Word の地図の番号"
           f"（地図の上から順に、左から右へ）、場所は地図の左上からの位置です。"]
    if mp.unplaced:
        out.append(f"場所の付いていない{NOTE} {mp.unplaced}枚はここにはありません。")
    return out


def columns(mp: MapPlan) -> tuple[str, ...]:
    """The list's columns: number, kind, the note (and its table, with tables)."""
    return (NUMBER, KIND, NOTE, *((TABLE,) if mp.tables else ()))


def rows(mp: MapPlan) -> list[tuple[str, ...]]:
    return [(str(p.number), p.note.kind_label, p.note.text, *((p.table or "—",) if mp.tables
                                                              else ()))
            for p in mp.pins]


def where(p: Pinned) -> str:
    """「左から42%・上から13%」: a place in words, for the text formats."""
    return f"左から{round(p.x * 100 / MAP_GRID)}%・上から{round(p.y * 100 / MAP_GRID)}%"


# --- the drawing ---------------------------------------------------------------------------

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def label_width(value: str, size: float) -> float:
    return sum(DIGIT_EM if ch.isdigit() else linebreak.width_em(ch) for ch in value) * size


def overlaps(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


class Taken:
    """The boxes already drawn (icons and labels), found by a coarse grid so that 120
    labels do not each test every other box."""

    def __init__(self, cell: float) -> None:
        self.cell = max(cell, 1.0)
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, b: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(int(b[0] // c), int(b[2] // c) + 1):
            for j in range(int(b[1] // c), int(b[3] // c) + 1):
                yield i, j

    def add(self, b: Box) -> None:
        for k in self._keys(b):
            self.cells.setdefault(k, []).append(b)

    def free(self, b: Box) -> bool:
        """Whether ``b`` covers nothing drawn (stops at the first thing it covers)."""
        x0, y0, x1, y1 = b
        for k in self._keys(b):
            for o in self.cells.get(k, ()):
                if o[0] < x1 and x0 < o[2] and o[1] < y1 and y0 < o[3]:
                    return False
        return True

    def cover(self, b: Box, limit: float = math.inf) -> float:
        """How much of what is drawn ``b`` covers (each box once), counted up to
        ``limit`` (past it, the spot has lost already)."""
        seen: set[Box] = set()
        total = 0.0
        for k in self._keys(b):
            for other in self.cells.get(k, ()):
                if other not in seen:
                    seen.add(other)
                    total += overlaps(b, other)
                    if total >= limit:
                        return total
        return total


def pin_shapes(kind: NoteKind, cx: float, cy: float, r: float) -> list[Shape]:
    """The kind's icon with a white outline (the same icon drawn larger behind it)."""
    ink = kind_colours()[kind][0]
    halo = [s for s in icon(kind.value, cx, cy, r * 1.3, OUTLINE, detail=PIN_DETAIL)
            if isinstance(s, Polygon)]
    return [*halo, *icon(kind.value, cx, cy, r, ink, detail=PIN_DETAIL)]


def overlay(mp: MapPlan, x: float, y: float, w: float, h: float) -> list[Shape]:
    """The pins and their numbers over the map drawn in the box (x, y, w, h): a group per
    pin (class ``pin <kind>``, titled 「12 課題: …」) and one per label (``pin-label``)."""
    long_side = max(w, h)
    r = PIN_SHARE * long_side / 2
    size = LABEL_SHARE * long_side
    pad = size * 0.3
    lh = size * 1.3
    out: list[Shape] = []
    taken = Taken(lh * 2)

    def at(p: Pinned) -> tuple[float, float]:
        return x + p.x * w / MAP_GRID, y + p.y * h / MAP_GRID

    for p in mp.pins:
        cx, cy = at(p)
        g = Group(f"pin {p.note.kind.value}", f"{p.number} {p.note.kind_label}: {p.note.text}")
        g.add(*pin_shapes(p.note.kind, cx, cy, r))
        out.append(g)
        taken.add((cx - r, cy - r, cx + r, cy + r))
    for c in mp.clusters:
        xs, ys = zip(*(at(p) for p in c.pins), strict=True)
        box = (min(xs) - r, min(ys) - r, max(xs) + r, max(ys) + r)
        lw = label_width(c.label, size) + 2 * pad
        spot, far = place_label(box, lw, lh, (x, y, x + w, y + h), taken, r * 0.3)
        taken.add(spot)
        kinds = c.kinds
        frame = kind_colours()[next(iter(kinds))][0] if len(kinds) == 1 else MIXED
        g = Group("pin-label", c.label)
        if far:
            cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
            g.add(Line(cx, cy, *leader(spot, cx, cy), frame, max(0.5, size * 0.1)))
        g.add(Rect(spot[0], spot[1], lw, lh, fill="#ffffff", stroke=frame,
                   stroke_width=max(0.5, size * 0.1), radius=lh * 0.25),
              Text(spot[0] + lw / 2, spot[1] + lh / 2 + size * 0.36, (c.label,), size,
                   LABEL_INK, bold=True, anchor="middle", cls="pin-number"))
        out.append(g)
    return out


# Where a label may go: beside its pins, then a ring further out, then another (a label
# away from its pins has a thin line to them). Three rings of eight find room for the
# labels of 120 pins crowded around a station on an A4 map (bench/exports.py --map-pins).
RINGS = 3


def place_label(box: Box, lw: float, lh: float, frame: Box, taken: Taken, gap: float
                ) -> tuple[Box, bool]:
    """Where a label (lw × lh) goes by the pins' ``box``: the first of eight spots around
    it (right, left, above, below, then the corners), ring after ring outwards, that stays
    on the map and covers nothing drawn; else the one that covers least. Says too whether
    the spot is away from the pins (it then needs a line to them)."""
    spots: list[tuple[Box, int]] = []
    for ring in range(RINGS):
        far = gap + ring * lh * 1.2
        x0, y0, x1, y1 = box[0] - far, box[1] - far, box[2] + far, box[3] + far
        my, mx = (y0 + y1) / 2 - lh / 2, (x0 + x1) / 2 - lw / 2
        for sx, sy in ((x1, my), (x0 - lw, my), (mx, y0 - lh), (mx, y1),
                       (x1, y0 - lh), (x1, y1), (x0 - lw, y0 - lh), (x0 - lw, y1)):
            # Kept on the map: a label at its edge moves in rather than off the page.
            sx = min(max(sx, frame[0]), frame[2] - lw)
            sy = min(max(sy, frame[1]), frame[3] - lh)
            spot = (sx, sy, sx + lw, sy + lh)
            if taken.free(spot):
                return spot, ring > 0
            spots.append((spot, ring))
    # No free spot: the one that covers least; further out costs a little too, so of two
    # that cover as much the nearer wins.
    best, best_ring, best_cost = spots[0][0], 0, math.inf
    for spot, ring in spots:
        extra = ring * lh * lh * 0.01
        cost = taken.cover(spot, best_cost - extra) + extra
        if cost < best_cost:
            best, best_ring, best_cost = spot, ring, cost
    return best, best_ring > 0


def leader(spot: Box, cx: float, cy: float) -> tuple[float, float]:
    """The point of the label ``spot`` nearest to (cx, cy): where its line ends."""
    return min(max(cx, spot[0]), spot[2]), min(max(cy, spot[1]), spot[3])


# Around a figure, room for a pin on the map's very edge (its outlined icon is 1.3 radii).
EDGE_SHARE = PIN_SHARE * 0.7


def figure_size(mp: MapPlan, max_width: float, max_height: float
                ) -> tuple[float, float, float]:
    """The map's width and height in a figure that fits the box, and the edge around it."""
    grow = 1 + 2 * EDGE_SHARE
    w, h = mp.fit(max_width / grow, max_height / grow)
    return w, h, EDGE_SHARE * max(w, h)


def figure(mp: MapPlan, max_width: float, max_height: float) -> Picture:
    """The map and its pins as one picture about ``max_width`` × ``max_height`` units:
    the image (or an empty frame when its bytes are missing) under the pins, with an edge
    around it so that a pin on the map's very edge is drawn whole, and under it the key to
    the pins' shapes (★ 魅力 ▲ 課題 ♥ 思い: a grey page loses their colours)."""
    w, h, edge = figure_size(mp, max_width, max_height)
    size = LABEL_SHARE * max(w, h)
    picture = Picture(w + 2 * edge, h + 2 * edge + size * 1.6, f"{HEADING} {mp.title}".strip())
    picture.add(*base(mp, edge, edge, w, h))
    picture.add(*overlay(mp, edge, edge, w, h))
    picture.add(key(edge, h + 2 * edge + size * 0.9, size))
    return picture


def key(x: float, y: float, size: float) -> Group:
    """The pins' shapes and the kinds' words in one line from (x, y), y its middle."""
    g = Group("map-key")
    for kind in NoteKind:
        r = size * 0.55
        g.add(*pin_shapes(kind, x + r, y, r),
              Text(x + 2.4 * r, y + size * 0.36, (kind_word(kind),), size, LABEL_INK))
        x += 2.4 * r + size * (len(kind_word(kind)) + 1.5)
    return g


def base(mp: MapPlan, x: float, y: float, w: float, h: float) -> list[Shape]:
    """The map itself in the box, with a thin frame; an empty frame without its bytes."""
    out: list[Shape] = []
    if mp.image is not None:
        out.append(Raster(x, y, w, h, mp.image))
    else:
        out.append(Rect(x, y, w, h, fill="#f3f3ee"))
    out.append(Rect(x, y, w, h, stroke="#6b6b6b", stroke_width=max(w, h) / 1000))
    return out


# --- the board picture's panel (SVG, PNG) ---------------------------------------------------

PANEL_TITLE_FONT = 24
PANEL_TEXT_FONT = 14
# The map's box on the board: the picture's width, and at most this tall (a portrait map
# of a long valley would otherwise make the poster a scroll).
PANEL_MAP_MAX_H = 1400
ENTRY_FONT, ENTRY_LINE = 15, 20
ENTRY_MAX_LINES = 2
ENTRY_NUMBER_W = 40  # the number, right-aligned, then the kind's icon, then the words
ENTRY_ICON_W = 26


def panel(mp: MapPlan, x: float, y: float, width: float, column_w: float, gap: float
          ) -> tuple[Group, float]:
    """The map section of the board picture in ``width`` from (x, y): the heading, the map
    with its pins, then the list in columns ``column_w`` wide, numbers down each column;
    returns it and the y under it."""
    g = Group("map", f"{HEADING} {mp.title}".strip())
    title, sub = heading(mp)
    g.add(Text(x, y + PANEL_TITLE_FONT, (f"{title}　{sub}".strip(),), PANEL_TITLE_FONT,
               LABEL_INK, bold=True, cls="map-title"))
    y += PANEL_TITLE_FONT + 12
    for sentence in intro(mp):
        lines = linebreak.wrap(sentence, width / PANEL_TEXT_FONT, 3)
        y += PANEL_TEXT_FONT
        g.add(Text(x, y, tuple(lines), PANEL_TEXT_FONT, "#444444", PANEL_TEXT_FONT + 5,
                   cls="map-intro"))
        y += (PANEL_TEXT_FONT + 5) * (len(lines) - 1) + 6
    w, h = mp.fit(width, PANEL_MAP_MAX_H)
    y += 4 + EDGE_SHARE * max(w, h)  # room for a pin on the map's top edge
    left = x + (width - w) / 2
    g.add(*base(mp, left, y, w, h), *overlay(mp, left, y, w, h))
    y += h + 16

    n = max(1, int((width + gap) // (column_w + gap)))
    col = (width - (n - 1) * gap) / n
    per = -(-len(mp.pins) // n)
    bottom = y
    for i in range(n):
        cy = y
        for p in mp.pins[i * per:(i + 1) * per]:
            entry, h = list_entry(p, x + i * (col + gap), cy, col)
            g.add(entry)
            cy += h
        bottom = max(bottom, cy)
    return g, bottom


def list_entry(p: Pinned, x: float, y: float, width: float) -> tuple[Group, float]:
    """One line of the list: 「12 ▲ 駅前の交差点は…（2班）」; returns it and its height."""
    words = p.note.text + (f"（{p.table}）" if p.table else "")
    em = (width - ENTRY_NUMBER_W - ENTRY_ICON_W) / ENTRY_FONT
    lines = linebreak.wrap(words, em, ENTRY_MAX_LINES)
    g = Group(f"map-entry {p.note.kind.value}", f"{p.number} {p.note.kind_label}: {p.note.text}")
    base_y = y + ENTRY_FONT
    g.add(Text(x + ENTRY_NUMBER_W - 8, base_y, (str(p.number),), ENTRY_FONT, LABEL_INK,
               bold=True, anchor="end", cls="map-number"),
          *pin_shapes(p.note.kind, x + ENTRY_NUMBER_W + ENTRY_ICON_W / 2 - 4,
                      base_y - ENTRY_FONT * 0.35, 8),
          Text(x + ENTRY_NUMBER_W + ENTRY_ICON_W, base_y, tuple(lines), ENTRY_FONT, LABEL_INK,
               ENTRY_LINE, cls="map-text"))
    return g, len(lines) * ENTRY_LINE + 8
