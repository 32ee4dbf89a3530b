"""The newsletter page (会報): one HTML file that prints on A4 as it is.

It is a downloaded file, opened from a USB stick on the centre's PC, so it carries its own
CSS (``@page`` for A4) and nothing from outside: no fonts, images or links to fetch. The
font list names the Japanese fonts a Windows, Mac or Linux PC already has.
"""

from __future__ import annotations

import re
from html import escape

from . import drawing, maps, text
from .chart import participation_chart
from .photos import html_section
from .plan import Plan, ReviewLine, ThemePlan
from .source import Exporter, Source

FONTS = ('"IPAexGothic", "Noto Sans CJK JP", "Hiragino Kaku Gothic ProN", "Yu Gothic", '
         '"YuGothic", "Meiryo", sans-serif')

CSS = """
@page { size: A4; margin: 14mm 13mm 15mm; }
* { box-sizing: border-box; }
html { background: #e9e9e4; }
body { font-family: FONTS; font-size: 10pt; line-height: 1.55; color: #1f1f1f;
  margin: 0 auto; background: #fff; width: 210mm; min-height: 297mm; padding: 14mm 13mm; }
@media print { html { background: none; } body { width: auto; min-height: 0; padding: 0; } }
header { border-bottom: 2.5pt solid #2f6f4f; padding-bottom: 3mm; margin-bottom: 4mm; }
.kicker { color: #2f6f4f; font-weight: bold; letter-spacing: .08em; margin: 0; font-size: 9pt; }
h1 { font-size: 19pt; line-height: 1.3; margin: 1mm 0 1.5mm; word-break: auto-phrase; }
.meta { margin: 0; color: #333; font-size: 10.5pt; }
/* The opening: the lead paragraph a reader takes in first, and beside it the box with the
   next meeting and the contact line, which a newsletter's readers look for. */
.opening { display: flex; gap: 4mm; align-items: flex-start; margin: 0 0 4mm;
  break-inside: avoid; }
.lead { flex: 1 1 auto; margin: 0; font-size: 11pt; line-height: 1.75; }
.next { flex: 0 0 52mm; border: 1.2pt solid #2f6f4f; border-radius: 2mm; padding: 2mm 3mm;
  font-size: 9.5pt; }
.next p { margin: 0; }
.next .box-title { font-weight: bold; color: #fff; background: #2f6f4f; margin: -2mm -3mm 1.5mm;
  padding: .8mm 3mm; border-radius: 1.5mm 1.5mm 0 0; letter-spacing: .2em; }
.next .when { font-weight: bold; font-size: 10.5pt; }
.next .contact { margin-top: 1.5mm; padding-top: 1.5mm; border-top: .6pt solid #9cbfa9;
  font-size: 8.5pt; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; padding: 1mm 0 1mm 2.5mm;
  border-left: 5pt solid #2f6f4f; background: #eef5f0; break-after: avoid; }
h2 .sub { font-size: 9pt; font-weight: normal; color: #444; margin-left: 2mm; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; break-after: avoid; }
.summary { display: flex; flex-wrap: wrap; gap: 2mm; margin: 0 0 2mm; padding: 0;
  list-style: none; }
.summary li { flex: 1 1 25mm; border: 1pt solid #9cbfa9; border-radius: 2mm;
  padding: 1.5mm 2mm; text-align: center; }
.summary .n { display: block; font-size: 15pt; font-weight: bold; color: #2f6f4f; }
.summary .k { font-size: 8.5pt; color: #444; }
.themes { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
.theme { border: 1pt solid #bbb; border-radius: 2mm; padding: 2mm 3mm; break-inside: avoid; }
.theme h3 { margin-top: 0; }
.counts { margin: 0 0 1mm; color: #555; font-size: 8.5pt; }
.theme ul { margin: 0 0 1mm; padding-left: 4mm; }
.theme li { margin: 0; }
.kind { font-size: 8pt; border: .6pt solid #888; border-radius: 1mm; padding: 0 1mm;
  margin-right: 1mm; }
.votes { color: #2f6f4f; font-size: 8.5pt; margin-left: 1mm; white-space: nowrap; }
.proposal { margin: 1mm 0 0; padding: 1mm 2mm; background: #f6f6ef; border-radius: 1mm; }
.proposal .chosen { color: #b3261e; font-weight: bold; }
.proposal ul { margin: .5mm 0 0; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; font-size: 9pt; }
th, td { border: .6pt solid #999; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #eef5f0; font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; }
th { white-space: nowrap; }
.roles td:nth-child(2), .roles td:nth-child(6), .do td:nth-child(2) { white-space: nowrap; }
.roles td:nth-child(1) { width: 22%; }
.roles td:nth-child(3) { width: 22%; }
.do td:nth-child(1) { width: 35%; }
tr.total td { font-weight: bold; background: #f6f6ef; }
.status { white-space: nowrap; font-weight: bold; }
.review { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
.review ul { margin: 0; padding-left: 5mm; }
.empty { color: #666; }
.record p { margin: 0 0 1mm; }
figure.chart { margin: 2mm 0; break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; }
footer { margin-top: 6mm; padding-top: 2mm; border-top: .6pt solid #999; font-size: 8pt;
  color: #555; }
/* Printing: a card, a table row, the chart with its table and the closing lines each stay
   whole, and the footer stays with the last of the content rather than take a page of
   its own. */
.record-body, table.participation, .review section { break-inside: avoid; }
footer, .record .closing { break-before: avoid; break-inside: avoid; }
""".replace("FONTS", FONTS)
# Only a page with tables carries these rules: a page without them stays as it was.
TABLES_CSS = """
/* Tables (班): the newsletter's boxes, one per table, two across, each whole on its page;
   PLAN's themes under each table's name. */
.talks { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
.table-talk { border: 1.2pt solid #2f6f4f; border-radius: 2mm; padding: 2mm 3mm;
  break-inside: avoid; line-break: strict; }
.table-talk h3 { margin: 0 0 1mm; font-size: 12pt; color: #2f6f4f; }
.table-talk dl { margin: 0; display: grid; grid-template-columns: 4.2em 1fr; gap: .5mm 2mm; }
.table-talk dt { font-weight: bold; font-size: 9pt; white-space: nowrap; }
.table-talk dd { margin: 0; }
.table-talk .nb { white-space: nowrap; }
.table-group { margin: 0 0 3mm; }
table.participation-tables td:nth-child(2) { word-break: keep-all; }
.table-group h4 { font-size: 11pt; margin: 3mm 0 .5mm; padding-bottom: .5mm;
  border-bottom: 1pt solid #9cbfa9; break-after: avoid; }
.table-group > p.counts:first-of-type { break-after: avoid; }
"""


def e(value: str) -> str:
    return escape(value, quote=True)


def lines(value: str) -> str:
    """Escaped text whose line breaks stay line breaks."""
    return "<br>".join(e(part) for part in value.split("\n"))


def heading(section: tuple[str, str, str]) -> str:
    _, title, sub = section
    return f'<h2>{e(title)}<span class="sub">{e(sub)}</span></h2>'


def table(head: tuple[str, ...], rows: list[tuple[str, ...]], *, numeric_from: int = 99,
          total_last: bool = False, cls: str = "") -> str:
    out = [f'<table class="{cls}"><thead><tr>']
    num = ' class="num"'
    out += [f'<th{num if i >= numeric_from else ""} scope="col">{e(h)}</th>'
            for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for n, row in enumerate(rows):
        total = total_last and n == len(rows) - 1
        out.append('<tr class="total">' if total else "<tr>")
        out += [f'<td{num if i >= numeric_from else ""}>{lines(c)}</td>'
                for i, c in enumerate(row)]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def review_list(items: tuple[ReviewLine, ...]) -> str:
    if not items:
        return f'<p class="empty">{e(text.EMPTY_REVIEW)}</p>'
    return "<ul>" + "".join(f"<li>{lines(r.text)}</li>" for r in items) + "</ul>"


def theme_cards(themes: tuple[ThemePlan, ...]) -> list[str]:
    out = ['<div class="themes">']
    for t in themes:
        out.append(f'<section class="theme"><h3>{e(t.title)}</h3>')
        out.append(f'<p class="counts">{e(text.theme_counts(t))}</p>')
        if t.top_notes:
            out.append("<ul>")
            for n in t.top_notes:
                out.append(f'<li><span class="kind">{e(n.kind_label)}</span>{lines(n.text)}'
                           f'<span class="votes">共感 {n.votes}</span></li>')
            out.append("</ul>")
        if t.proposal is not None:
            p = t.proposal
            chosen = '<span class="chosen">採用</span>' if p.chosen else "検討中"
            out.append(f'<div class="proposal"><strong>計画案</strong>（{chosen}・優先票 '
                       f"{p.priority}）: {lines(p.aim)}")
            if p.ideas:
                out.append("<ul>" + "".join(f"<li>{lines(i)}</li>" for i in p.ideas) + "</ul>")
            out.append("</div>")
        out.append("</section>")
    out.append("</div>")
    return out


def themes_section(plan: Plan) -> list[str]:
    out = [f"<h3>{e(text.THEMES)}</h3>"]
    if plan.tables:
        return out + tables_themes(plan)
    if not plan.themes:
        out.append(f'<p class="empty">{e(text.EMPTY_THEMES)}</p>')
        return out
    out += theme_cards(plan.themes)
    if plan.unsorted:
        out.append(f'<p class="counts">{e(text.unsorted_line(plan))}</p>')
    return out


def tables_themes(plan: Plan) -> list[str]:
    """PLAN's themes by the table that made them: each table's name, counts and cards,
    then the room's own themes (those of no table)."""
    out = []
    for t in plan.tables:
        out.append(f'<section class="table-group"><h4>{e(text.table_label(t))}</h4>'
                   f'<p class="counts">{e(text.table_heading_line(t))}</p>')
        out += (theme_cards(t.themes) if t.themes
                else [f'<p class="empty">{e(text.EMPTY_THEMES)}</p>'])
        if t.unsorted:
            out.append(f'<p class="counts">{e(text.UNSORTED)} {len(t.unsorted)}枚</p>')
        out.append("</section>")
    if plan.room_themes or plan.room_unsorted:
        out.append(f'<section class="table-group room"><h4>{e(text.ROOM_THEMES)}</h4>')
        out += theme_cards(plan.room_themes) if plan.room_themes else []
        if plan.room_unsorted:
            out.append(f'<p class="counts">{e(text.UNSORTED)} {len(plan.room_unsorted)}枚'
                       "</p>")
        out.append("</section>")
    return out


# A number and its counter (「2人」「12枚」): kept on one line in the boxes of
# 「テーブルごとの話し合い」, where a browser would otherwise break between them.
COUNTED = re.compile(r"\d+[人枚票件]")


def counted(escaped: str) -> str:
    return COUNTED.sub(lambda m: f'<span class="nb">{m.group(0)}</span>', escaped)


def tables_talk(plan: Plan) -> list[str]:
    """The newsletter's 「テーブルごとの話し合い」: one box per table — its number and
    name, who took part (by 立場), its themes and its proposal's aim — to print as it is."""
    out = [f'<section class="talk"><h2>{e(text.TABLES_TALK)}</h2><div class="talks">']
    for t in plan.tables:
        out.append(f'<section class="table-talk"><h3>{e(text.table_label(t))}</h3><dl>')
        out += [f"<dt>{e(k)}</dt><dd>{counted(lines(v))}</dd>" for k, v in text.talk_lines(t)]
        out.append("</dl></section>")
    out.append("</div></section>")
    return out


def table_record(plan: Plan) -> list[str]:
    """参画の記録 by table: counts by 立場, never names."""
    rounds = text.rounds_sentence(plan)
    return [f"<h3>{e(text.TABLE_RECORD)}</h3>", f"<p>{e(rounds)}</p>" if rounds else "",
            table(text.TABLE_RECORD_COLUMNS, text.table_record_rows(plan), numeric_from=2,
                  cls="participation-tables")]


def opening(plan: Plan) -> str:
    """The lead paragraph, and the 次回 box with the contact line when there is either."""
    out = [f'<section class="opening"><p class="lead">{e(plan.lead)}</p>']
    nxt, contact = text.next_lines(plan), text.contact_line(plan)
    if nxt or contact:
        out.append('<aside class="next">')
        if nxt:
            out.append(f'<p class="box-title">{e(text.NEXT)}</p><p class="when">{e(nxt[0])}</p>')
            out += [f"<p>{e(line)}</p>" for line in nxt[1:]]
        if contact:
            out.append(f'<p class="contact">{e(contact)}</p>')
        out.append("</aside>")
    out.append("</section>")
    return "".join(out)


# Only a page with a map carries these rules: a page without one stays as it was.
MAP_CSS = """
/* The heading, its sentences and the map stay on one page: never a heading alone at the
   foot of a page with its map on the next. */
.map-top { break-inside: avoid; }
.map-figure { margin: 2mm 0 3mm; break-inside: avoid; }
.map-figure svg { display: block; width: 100%; height: auto; max-height: 200mm; }
table.map-list td:first-child { width: 9mm; font-weight: bold; }
table.map-list td:nth-child(2) { width: 12mm; white-space: nowrap; }
"""
# The map's picture in units: the long side this long (the SVG scales to the page).
MAP_UNITS = 1000


def map_section(source: Source) -> str:
    """「地図」: the map with its numbered pins (one SVG: the JPEG as a data: URI under
    the pins, nothing fetched), then the list of the notes on it; "" without a map."""
    mp = maps.map_plan(source)
    if mp is None:
        return ""
    title, sub = maps.heading(mp)
    inks = drawing.kind_colours()
    css = MAP_CSS + "".join(f"table.map-list .k-{k.value} {{ color: {ink}; }}"
                            for k, (ink, _) in inks.items())
    picture = maps.figure(mp, MAP_UNITS, MAP_UNITS)
    out = [f"<style>{css}</style>",
           f'<section class="map"><div class="map-top"><h2>{e(title)}<span class="sub">'
           f"{e(sub)}</span></h2>"]
    out += [f'<p class="counts">{e(s)}</p>' for s in maps.intro(mp)]
    out.append(f'<figure class="map-figure">{drawing.svg_inline(picture, picture.title)}'
               "</figure></div>")
    out.append('<table class="map-list"><thead><tr>')
    out += [f'<th scope="col">{e(c)}</th>' for c in maps.columns(mp)]
    out.append("</tr></thead><tbody>")
    for p, row in zip(mp.pins, maps.rows(mp), strict=True):
        kind = f"k-{p.note.kind.value}"
        out.append(f'<tr id="map-{p.number}"><td class="num {kind}">{e(row[0])}</td>'
                   f'<td class="{kind}">{e(row[1])}</td>')
        out += [f"<td>{lines(c)}</td>" for c in row[2:]]
        out.append("</tr>")
    out.append("</tbody></table></section>")
    return "".join(out)


def render_html(source: Source) -> bytes:
    plan = source.plan
    title = plan.title or "ワークショップ"
    out = [
        "<!doctype html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)} — PDCAプラン</title>",
        f"<style>{CSS}{TABLES_CSS if plan.tables else ''}</style></head><body>",
        f'<header><p class="kicker">{e(text.KICKER)}</p><h1>{e(title)}</h1>',
        f'<p class="meta">{e(text.meta_line(plan))}</p></header>',
        opening(plan),
        '<ul class="summary">',
    ]
    out += [f'<li><span class="n">{e(v)}</span><span class="k">{e(k)}</span></li>'
            for k, v in text.summary_items(plan)]
    out.append("</ul>")
    if plan.tables:
        out += tables_talk(plan)

    out.append(heading(text.PLAN))
    out += themes_section(plan)
    out.append(f"<h3>{e(text.ROLES)}</h3>")
    if plan.actions:
        out.append(table(text.ROLE_COLUMNS, [text.role_cells(a) for a in plan.actions],
                         cls="roles"))
    else:
        out.append(f'<p class="empty">{e(text.EMPTY_ACTIONS)}</p>')

    out.append(heading(text.DO))
    if plan.actions:
        out.append(table(text.DO_COLUMNS, [text.do_cells(a) for a in plan.actions], cls="do"))
    else:
        out.append(f'<p class="empty">{e(text.EMPTY_ACTIONS)}</p>')

    out.append('<div class="review"><section>')
    out.append(heading(text.CHECK))
    out.append(review_list(plan.keep))
    out.append("</section><section>")
    out.append(heading(text.ACT))
    out.append(review_list(plan.change))
    out.append("</section></div>")

    out.append(f'<section class="record"><h2>{e(text.RECORD)}</h2>')
    out += [f"<p>{e(s)}</p>" for s in text.record_sentences(plan)]
    out.append('<div class="record-body">')
    chart = participation_chart(plan.participation)
    if chart is not None:
        out.append(f'<figure class="chart">{drawing.svg_inline(chart, chart.title)}</figure>')
    if plan.participation.participants:
        out.append(table(text.RECORD_COLUMNS, text.record_rows(plan), numeric_from=1,
                         total_last=True, cls="participation"))
    out.append("</div>")
    if plan.tables:
        out += table_record(plan)
    out.append(f'<p class="counts closing">{e(text.CONTRIBUTED)}</p></section>')

    out.append(map_section(source))  # 地図: the map with its pins, if any
    out.append(html_section(source))  # 当日の様子: the chosen photos, if any
    out.append(f"<footer><p>{e(text.PRIVACY)}</p><p>{e(text.generated_line(plan))}</p>"
               "</footer></body></html>\n")
    return "".join(out).encode("utf-8")


EXPORTER = Exporter("html", "会報用ページ（HTML・A4）", "text/html; charset=utf-8", "html",
                    "plan", render_html)
