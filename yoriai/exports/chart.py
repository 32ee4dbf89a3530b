"""The participation chart: who took part, by 立場, and how — a small bar chart beside the
参画の記録 table, drawn as shapes (:mod:`~exports.drawing`) so that the newsletter page
shows it as SVG, the PDF as vector graphics and the Word file as a picture.

Readable in black and white: each way of taking part has its own fill — solid dark,
diagonal hatching, a light solid, hatching the other way — and every bar carries its
number, so nothing depends on colour. 代理入力 is the part of the 参加 bar drawn white
with a dark outline. Counts only, never names: the chart cannot name anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import drawing, linebreak
from .catalogue import word
from .drawing import Group, Picture, Rect, Text
from .plan import AttributeRow, Participation

WIDTH = 640
LABEL_W = 120  # the 立場 column at the left
NUMBER_W = 34  # room for a bar's number at its end
PROXY_NUMBER_W = 124  # … and for 「12（うち代理入力 2）」 when someone was entered for
BAR, BAR_GAP, GROUP_GAP = 9, 2, 9
FONT = 11
INK = "#1f3d2e"
PALE = "#9cc4ad"


@dataclass(frozen=True)
class Series:
    key: str  # the catalogue's export.chart.<key>
    fill: str | None  # solid fill, or None for white
    hatch: str  # "", "rising" or "falling"

    @property
    def label(self) -> str:
        return word(f"export.chart.{self.key}")

    def value(self, row: AttributeRow) -> int:
        return {"joined": row.participants, "notes": row.note_authors, "votes": row.voters,
                "roles": row.volunteers, "proxy": row.proxies}[self.key]


SERIES = (
    Series("joined", INK, ""),
    Series("notes", None, "rising"),
    Series("votes", PALE, ""),
    Series("roles", None, "falling"),
)
PROXY = Series("proxy", "#ffffff", "")


def swatch(series: Series, x: float, y: float, w: float, h: float) -> list[drawing.Shape]:
    out: list[drawing.Shape] = [Rect(x, y, w, h, fill=series.fill or "#ffffff", stroke=INK,
                                     stroke_width=1)]
    if series.hatch:
        out += drawing.hatch(x, y, w, h, 4, INK, 1, rising=series.hatch == "rising")
    return out


def participation_chart(p: Participation) -> Picture | None:
    """The chart of ``p``, or None when nobody has taken part yet."""
    if not p.rows:
        return None
    title = word("export.chart.title")
    top = 22 + 22  # the title, then the legend
    group_h = len(SERIES) * BAR + (len(SERIES) - 1) * BAR_GAP
    height = top + len(p.rows) * (group_h + GROUP_GAP) + 6
    picture = Picture(WIDTH, height, title)
    picture.add(Rect(0, 0, WIDTH, height, fill="#ffffff"))
    picture.add(Text(0, 15, (title,), 13, INK, bold=True, cls="chart-title"))

    x: float = 0
    for series in (*SERIES, PROXY):
        g = Group(f"legend {series.key}")
        g.add(*swatch(series, x, 26, 16, 10), Text(x + 20, 35, (series.label,), FONT, "#333333"))
        picture.add(g)
        x += 28 + len(series.label) * FONT

    most = max(1, max(r.participants for r in p.rows))
    span = WIDTH - LABEL_W - (PROXY_NUMBER_W if p.total.proxies else NUMBER_W)
    y: float = top
    for row in p.rows:
        lines = linebreak.wrap(row.attribute, (LABEL_W - 8) / FONT, 2)
        label_y = y + group_h / 2 + FONT / 2 - (len(lines) - 1) * (FONT + 2) / 2 - 1
        picture.add(Text(LABEL_W - 8, label_y, tuple(lines), FONT, "#1f1f1f", FONT + 2,
                         anchor="end", cls="attribute"))
        for i, series in enumerate(SERIES):
            value = series.value(row)
            by = y + i * (BAR + BAR_GAP)
            length = span * value / most
            number = str(value)
            if series.key == "joined" and row.proxies:
                number += f"（{PROXY.label} {row.proxies}）"
            g = Group(f"bar {series.key}", f"{row.attribute}: {series.label} {number}")
            if value:
                g.add(*swatch(series, LABEL_W, by, length, BAR))
            if series.key == "joined" and row.proxies:
                # 代理入力: the end of the 参加 bar, white with the dark outline.
                part = span * row.proxies / most
                g.add(Rect(LABEL_W + length - part, by, part, BAR, fill=PROXY.fill,
                           stroke=INK, stroke_width=1))
            g.add(Text(LABEL_W + length + 4, by + BAR - 1, (number,), FONT - 1, "#1f1f1f",
                       cls="value"))
            picture.add(g)
        y += group_h + GROUP_GAP
    picture.add(Rect(LABEL_W, top - 3, 1, y - top, fill="#555555"))  # the axis
    return picture
