"""Which table produced what (issue 14, item 6): with tables every format groups the themes
and proposals by the table that made them, counts each table's people by 立場 (never a
name unless they agreed), and the newsletter page has 「テーブルごとの話し合い」. An evening
without tables prints none of it. Every check reads the file back as its own kind of file,
from an evening made through the real commands (``tables_evening.py``)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.sample import load_sample, run_evening
from yoriai.exports import pdf, text
from yoriai.exports.archive import read_archive
from yoriai.exports.linebreak import NO_END, NO_START
from yoriai.exports.plan import build_plan
from yoriai.exports.registry import EXPORTERS, render
from yoriai.exports.source import Source
from yoriai.exports.table import headers
from yoriai.facilitation.model import FACILITATOR

from .conftest import Evening
from .csvread import record_type
from .helpers import (
    GENERATED_AT,
    SVG,
    csv_rows,
    docx_document,
    pdf_fonts,
    read_html,
    squash,
    svg_root,
    text_of,
)
from .tables_evening import (
    AIMS,
    HOST_THEMES,
    NAMED_HOST,
    QUIET,
    QUIET_HOST,
    ROOM_THEME,
    TABLE_NAMES,
    TablesEvening,
    tables_evening,
)

PAGES = ("html", "pdf", "docx", "md")
PUBLISHED = [f for f in EXPORTERS if f not in ("json", "png")]


@pytest.fixture(scope="module")
def ev() -> TablesEvening:
    return tables_evening()


@pytest.fixture(scope="module")
def files(ev: TablesEvening) -> dict[str, bytes]:
    source = Source(ev.w.state, GENERATED_AT, tuple(ev.w.log))
    return {fmt: e.render(source) for fmt, e in EXPORTERS.items()}


def labels() -> list[str]:
    """「1班「さくら」」, 「2班」, 「3班「雪見」」: each table as the pages name it."""
    return [text.table_number(n) + (f"「{TABLE_NAMES[n]}」" if n in TABLE_NAMES else "")
            for n in (1, 2, 3)]


def test_the_plan_knows_which_table_made_each_theme(ev: TablesEvening) -> None:
    state = ev.w.state
    plan = build_plan(state, GENERATED_AT)
    assert [(t.number, t.name) for t in plan.tables] == [(1, "さくら"), (2, ""), (3, "雪見")]
    assert [[th.title for th in t.themes] for t in plan.tables] == [
        [HOST_THEMES[1]], [HOST_THEMES[2]], []]
    assert [t.title for t in plan.room_themes] == [ROOM_THEME]
    assert [p.aim for t in plan.tables for _, p in t.proposals] == [AIMS[1], AIMS[2]]
    # The named host is named, the one who did not agree is not.
    assert [t.host for t in plan.tables] == [NAMED_HOST, "", ""]
    # Table 3 sorted nothing: its notes are its own unsorted ones.
    table3 = ev.table_ids[3]
    assert {n.id for n in plan.tables[2].unsorted} == {
        n.id for n in state.notes.values() if n.table == table3 and n.theme is None}
    assert plan.rounds == 2


def test_a_table_s_record_counts_who_sat_there_by_attribute(ev: TablesEvening) -> None:
    """Everyone who sat at a table in any round, once each, by 立場; each round's count;
    the notes written there in each round; the room outside holds the notes from before."""
    state = ev.w.state
    plan = build_plan(state, GENERATED_AT)
    for t in plan.tables:
        sat = {pid for seats in state.seatings for pid, k in seats.items() if k == t.id}
        assert t.tally.people == len(sat)
        assert dict(t.tally.attributes) == dict(Counter(
            state.participants[p].attribute for p in sat))
        assert t.tally.proxies == sum(state.participants[p].proxy for p in sat)
        assert t.tally.per_round == tuple(
            sum(k == t.id for k in seats.values()) for seats in state.seatings)
        here = [n for n in state.notes.values() if n.table == t.id]
        assert t.tally.notes == len(here)
        assert t.tally.notes_per_round == (sum(n.round == 1 for n in here),
                                           sum(n.round == 2 for n in here))
        assert t.tally.votes == sum(state.tally(n.id) for n in here)
    assert plan.room is not None and plan.room.notes == len(ev.before_notes)
    # The tables and the room add up to the evening's notes.
    assert sum(t.tally.notes for t in plan.tables) + plan.room.notes == len(state.notes)


def reading_order(fmt: str, data: bytes, tmp: Path) -> str:
    """The words of a page without white space, a PDF's in the order it draws them (-raw:
    one table's box whole, then the box beside it, not their lines interleaved)."""
    if fmt != "pdf":
        return squash(text_of(fmt, data, tmp))
    path = tmp / "page.pdf"
    path.write_bytes(data)
    return squash(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                                 capture_output=True, check=True, timeout=60
                                 ).stdout.decode("utf-8"))


@pytest.mark.parametrize("fmt", PAGES)
def test_each_page_groups_themes_and_proposals_under_their_table(
        ev: TablesEvening, files: dict[str, bytes], fmt: str, tmp_path: Path) -> None:
    words = reading_order(fmt, files[fmt], tmp_path)
    talk = words.index(squash(text.TABLES_TALK))
    plan_at = words.index("PLAN計画")
    assert talk < plan_at  # the newsletter's section comes before the plan's details
    # In the newsletter section each table names its theme and its proposal's aim.
    for label, number in zip(labels(), (1, 2, 3), strict=True):
        start = words.index(squash(label), talk)
        end = words.index(squash(labels()[number]), start) if number < 3 else plan_at
        box = words[start:end]
        if number in HOST_THEMES:
            assert squash(HOST_THEMES[number]) in box
            assert squash(AIMS[number]) in box
        assert "参加" in box
    # In PLAN the theme cards follow their table's name, the room's theme comes last.
    after = [words.index(squash(label), plan_at) for label in labels()]
    assert after == sorted(after)
    assert after[0] < words.index(squash(HOST_THEMES[1]), plan_at) < after[1]
    assert after[1] < words.index(squash(HOST_THEMES[2]), plan_at) < after[2]
    assert words.index(squash(ROOM_THEME), plan_at) > after[2]
    assert squash(text.ROOM_THEMES) in words
    # 参画の記録 by table, after the room's.
    assert words.index(squash(text.TABLE_RECORD)) > words.index(squash(text.RECORD))


def test_the_newsletter_section_says_who_took_part_by_attribute(
        ev: TablesEvening, files: dict[str, bytes]) -> None:
    page = read_html(files["html"])
    assert ("h2", text.TABLES_TALK) in page.headings
    # A count keeps its counter on its line (「2人」 is never 「2」 / 「人」).
    html = files["html"].decode("utf-8")
    talk = html[html.index('class="talks"'):html.index("</section></div></section>")]
    assert re.findall(r"\d+人", re.sub(r'<span class="nb">\d+[人枚票件]</span>', "", talk)) == []
    plan = build_plan(ev.w.state, GENERATED_AT)
    first = plan.tables[0]
    lines = dict(text.talk_lines(first))
    assert lines["参加"].startswith(f"{first.tally.people}人（")
    for attribute, n in first.tally.attributes:
        assert f"{attribute} {n}人" in lines["参加"]
    # Two rounds: each round's count is said too.
    assert text.round_label(2) in lines["参加"]
    assert lines[text.TALK_HOST] == NAMED_HOST
    assert text.TALK_HOST not in dict(text.talk_lines(plan.tables[1]))  # did not agree
    assert lines["計画案"] == f"{AIMS[1]}（採用）"
    # The record by table: a row per table and the room, the numbers as the plan counts.
    rows = page.table("participation-tables")
    assert rows[0] == list(text.TABLE_RECORD_COLUMNS)
    assert [r[0] for r in rows[1:]] == [*labels(), text.ROOM]
    assert [int(r[2]) for r in rows[1:4]] == [t.tally.people for t in plan.tables]
    assert text.rounds_sentence(plan) in page.text


@pytest.mark.parametrize("fmt", PUBLISHED)
def test_nobody_is_named_who_did_not_agree(ev: TablesEvening, files: dict[str, bytes],
                                           fmt: str, tmp_path: Path) -> None:
    words = squash(text_of(fmt, files[fmt], tmp_path))
    for name in (*QUIET, QUIET_HOST):
        # The notes of the evening carry their author's name on purpose (to find them):
        # only a name outside those sentences would be a leak.
        outside = words.replace(squash(f"第一ラウンドで{name}が書いた付箋"), "")
        outside = outside.replace(squash(f"第二ラウンドで{name}が書いた付箋"), "")
        outside = outside.replace(squash(f"{name}の町の自慢"), "")
        assert name not in outside, f"{fmt} names {name}"


def test_csv_has_a_table_column_and_a_seat_per_person_per_round(
        ev: TablesEvening, files: dict[str, bytes]) -> None:
    state = ev.w.state
    names = headers("ja", tables=True)
    assert list(csv_rows(files["csv"])[0]) == list(names.values())
    key = {v: k for k, v in names.items()}
    rows = [{key[k]: v for k, v in r.items()} for r in csv_rows(files["csv"])]
    notes = [r for r in rows if r["type"] == record_type("note")]
    assert len(notes) == len(state.notes)
    for r in notes:
        note = state.notes[r["id"]]
        table = state.tables.get(note.table) if note.table else None
        assert r["table"] == (str(table.number) if table else "")
        assert r["table_name"] == (table.name if table else "")
        assert r["round"] == (str(note.round) if note.round else "")
    themes = {r["theme"]: r["table"] for r in rows if r["type"] == record_type("theme")}
    assert themes == {HOST_THEMES[1]: "1", HOST_THEMES[2]: "2", ROOM_THEME: ""}
    proposals = {r["text"].split("\n")[0]: r["table"] for r in rows
                 if r["type"] == record_type("proposal")}
    assert proposals == {AIMS[1]: "1", AIMS[2]: "2"}
    # One seat row per person per round: Excel counts a table's 立場 from them.
    seats = [r for r in rows if r["type"] == record_type("seat")]
    assert Counter((r["round"], r["id"]) for r in seats) == Counter(
        (str(i), pid) for i, s in enumerate(state.seatings, 1) for pid in s)
    plan = build_plan(state, GENERATED_AT)
    for t in plan.tables:
        mine = {(r["id"], r["attribute"]) for r in seats if r["table"] == str(t.number)}
        assert dict(Counter(a for _, a in mine)) == dict(t.tally.attributes)
    assert {r["who"] for r in seats if r["id"] == ev.pid(QUIET[0])} == {"参加者"}
    assert {r["host"] for r in seats if r["id"] == ev.pid(NAMED_HOST)} == {"1"}
    tables = [r for r in rows if r["type"] == record_type("table")]
    assert [(r["table"], r["table_name"], r["who"]) for r in tables] == [
        ("1", "さくら", NAMED_HOST), ("2", "", "参加者"), ("3", "雪見", "")]
    english = render("csv", Source(state, GENERATED_AT, lang="en"))
    assert english.decode("utf-8-sig").split("\r\n")[0].endswith(",Table,Table name,Round,"
                                                                 "Table host")


def test_svg_board_draws_each_table_with_its_themes(files: dict[str, bytes]) -> None:
    root = svg_root(files["svg"])
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "table"]
    titles = [g.findtext(f"{SVG}title") for g in groups]
    assert titles == [*labels(), text.ROOM_THEMES]

    drawn = [["".join(x.itertext()) for x in g.iter(f"{SVG}text") if x.get("class") == "title"]
             for g in groups]
    assert [d[:1] for d in drawn[:2]] == [[HOST_THEMES[1]], [HOST_THEMES[2]]]
    assert drawn[2] == [text.UNSORTED]  # table 3 sorted nothing
    assert drawn[3] == [ROOM_THEME]


def test_pdf_embeds_its_japanese_font_and_prints_the_tables(
        files: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(files["pdf"])
    fonts = pdf_fonts(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert all("IPAexGothic" in f["name"] for f in fonts), fonts
    pages = subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")],
                           capture_output=True, check=True, timeout=120)
    assert pages.returncode == 0 and list(tmp_path.glob("p-*.png"))


def test_docx_has_the_section_a_heading_per_table_and_the_record(
        files: dict[str, bytes]) -> None:
    doc = docx_document(files["docx"])
    heads = [(p.style.name, p.text) for p in doc.paragraphs
             if p.style is not None and p.style.name.startswith("Heading")]
    talk = heads.index(("Heading 1", text.TABLES_TALK))
    assert [h for _, h in heads[talk + 1:talk + 4]] == labels()
    assert ("Heading 3", labels()[0]) in heads  # PLAN: the themes under their table
    assert ("Heading 4", HOST_THEMES[1]) in heads
    record = next(t for t in doc.tables
                  if [c.text for c in t.rows[0].cells] == list(text.TABLE_RECORD_COLUMNS))
    assert [r.cells[0].text for r in record.rows[1:]] == [*labels(), text.ROOM]


def test_the_section_s_lines_break_by_the_japanese_rules() -> None:
    """A box's line in the PDF never starts with 、。」 nor ends with 「（."""
    value = ("空き家を「縁側サロン」として開き、（月一回）世代が集まる場所にする。" * 4)
    para = pdf.talk_line(text.TALK_PROPOSAL, value, 60 * 2.83)  # a box 60 mm wide
    lines = re.sub(r"</?font[^>]*>", "", para.text).split("<br/>")
    assert len(lines) > 3
    assert not [line for line in lines[1:] if line[:1] in NO_START]
    assert not [line for line in lines[:-1] if line[-1:] in NO_END]


def test_a_number_keeps_its_counter_in_the_pdf_boxes() -> None:
    """「2人」 is never broken into 「2」 and 「人」 in a box; elsewhere the rules are as
    they were (the default keeps no counters)."""
    from yoriai.exports.linebreak import break_lines

    value = "住民 5人、町内会・自治会 2人、NPO・市民活動団体 1人、大学・学生 2人、市職員 12人" * 3
    for width in range(8, 30):
        lines = break_lines(value, width, counters=pdf.COUNTERS)
        assert not [line for line in lines[1:] if line[0] in pdf.COUNTERS], (width, lines)
    # Without counters a break may fall there (and the rest of the rules hold either way).
    assert any(line[0] == "人" for w in range(8, 30) for line in break_lines(value, w)[1:])
    para = pdf.talk_line(text.TALK_JOINED, value, 60 * 2.83)
    assert not [line for line in re.sub(r"</?font[^>]*>", "", para.text).split("<br/>")[1:]
                if line[:1] in pdf.COUNTERS]


def test_a_round_of_one_and_empty_tables_print_too(tmp_path: Path) -> None:
    """Tables made by hand, nobody seated yet: every format still renders, each table is
    named with its counts (nobody), and there is no rounds sentence."""
    from .helpers import Workshop

    w = Workshop(code="hand1", title="手で分ける会")
    w.join("だれか", "住民")
    w.run(FACILITATOR, "make_tables", {"count": 2, "by": "hand"})
    source = Source(w.state, GENERATED_AT, tuple(w.log))
    plan = source.plan
    assert [t.tally.people for t in plan.tables] == [0, 0]
    assert text.rounds_sentence(plan) == ""
    assert plan.room is not None and plan.room.people == 1  # seated nowhere
    for fmt, exporter in EXPORTERS.items():
        data = exporter.render(source)
        if fmt in PAGES:
            words = squash(text_of(fmt, data, tmp_path))
            assert squash(text.TABLES_TALK) in words
            assert all(squash(label) in words for label in ("1班", "2班"))


def test_an_evening_without_tables_prints_nothing_of_tables(
        evening: Evening, outputs: dict[str, bytes], tmp_path: Path) -> None:
    plan = evening.source.plan
    assert plan.tables == () and plan.room is None
    for fmt in PAGES:
        words = text_of(fmt, outputs[fmt], tmp_path)
        assert text.TABLES_TALK not in words and text.TABLE_RECORD not in words
    assert list(csv_rows(outputs["csv"])[0]) == list(headers("ja").values())
    assert ".table-talk" not in outputs["html"].decode("utf-8")
    assert not [g for g in svg_root(outputs["svg"]).iter(f"{SVG}g")
                if g.get("class") == "table"]


def test_a_table_name_is_text_in_every_format(tmp_path: Path) -> None:
    """A table named like markup or a formula stays words: escaped on the page and in the
    picture, literal in the Markdown, an apostrophe before it in the CSV."""
    from .helpers import Workshop

    hostile = "=1+2<b>x</b>*"
    w = Workshop(code="hostile1", title="名前の試し")
    w.join("だれか", "住民")
    w.run(FACILITATOR, "make_tables", {"count": 1, "by": "mixed"})
    table = next(iter(w.state.tables))
    w.run(FACILITATOR, "name_table", {"table_id": table, "name": hostile})
    source = Source(w.state, GENERATED_AT, tuple(w.log))
    label = text.table_number(1) + f"「{hostile}」"
    # The page's text holds the name's <b> as characters: it was not read as a tag.
    assert label in read_html(render("html", source)).text
    assert r"\<b\>x\</b\>\*" in render("md", source).decode("utf-8")
    rows = csv_rows(render("csv", source))
    assert {r[headers("ja", tables=True)["table_name"]] for r in rows
            if r[headers("ja")["type"]] == record_type("table")} == {"'" + hostile}
    assert label in "".join(svg_root(render("svg", source)).itertext())
    assert squash(label) in squash(text_of("pdf", render("pdf", source), tmp_path))
    assert squash(label) in squash(text_of("docx", render("docx", source), tmp_path))


def test_the_sample_evening_at_tables_exports_and_travels(tmp_path: Path) -> None:
    """The demo's evening at tables (``yoriai demo --tables``: five mixed tables, hosts,
    two rounds, every theme a table's): each page names every table with its themes and
    proposals, the tables and the room add up to the evening, and the archive brings it
    back whole."""
    state, log, _ = run_evening(load_sample(), tables=True)
    source = Source(state, GENERATED_AT, tuple(log))
    plan = source.plan
    assert len(plan.tables) == len(state.tables) >= 2 and plan.rounds == state.round >= 2
    assert sum(len(t.themes) for t in plan.tables) + len(plan.room_themes) == len(plan.themes)
    room = plan.room.notes if plan.room is not None else 0
    assert sum(t.tally.notes for t in plan.tables) + room == len(state.notes)
    seated = {pid for seats in state.seatings for pid in seats}
    assert sum(t.tally.people for t in plan.tables) >= len(seated)  # some met two tables
    for fmt in PAGES:
        words = reading_order(fmt, render(fmt, source), tmp_path)
        talk = words.index(squash(text.TABLES_TALK))
        for t in plan.tables:
            at = words.index(squash(text.table_label(t)), talk)
            for _, p in t.proposals:
                assert squash(p.aim) in words[at:], (fmt, p.aim)
    assert read_archive(render("json", source)).state == state
