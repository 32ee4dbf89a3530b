"""Each format of the sample evening, read back as that kind of file: titles, actions,
roles and counts are where a reader (or Word, Excel, a PDF viewer) finds them."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from yoriai.exports import text
from yoriai.exports.archive import checksum
from yoriai.exports.dates import date_text
from yoriai.exports.registry import EXPORTERS, UnknownFormat, exporter, render
from yoriai.exports.source import Source

from .conftest import Evening
from .csvread import csv_records
from .helpers import (
    GENERATED_AT,
    SVG,
    docx_document,
    pdf_fonts,
    pdf_text,
    read_html,
    squash,
    svg_root,
)

FORMATS = ("html", "pdf", "docx", "md", "csv", "svg", "png", "json")


def test_registry_names_every_format_with_its_type_and_extension() -> None:
    assert tuple(EXPORTERS) == FORMATS
    for fmt, e in EXPORTERS.items():
        assert e.format == fmt and e.media_type and e.label
        assert e.filename("abc123") == f"abc123-{e.stem}.{e.extension}"
    assert exporter("pdf").media_type == "application/pdf"
    with pytest.raises(UnknownFormat, match="known: html, pdf, docx, md, csv, svg, png, json"):
        exporter("xls")


@pytest.mark.parametrize("fmt", FORMATS)
def test_renderers_are_pure(evening: Evening, outputs: dict[str, bytes], fmt: str) -> None:
    """The same state and moment give the same bytes: no clock, no randomness."""
    assert render(fmt, evening.source) == outputs[fmt]


def test_pdf_and_docx_do_not_read_the_clock(evening: Evening, outputs: dict[str, bytes]) -> None:
    """reportlab and python-docx stamp the time into their files; the exporters stamp
    ``generated_at`` instead — read back from the files, not waited for."""
    reader = pypdf.PdfReader(io.BytesIO(outputs["pdf"]))
    assert reader.metadata is not None
    for key in ("/CreationDate", "/ModDate"):
        assert str(reader.metadata[key]).startswith("D:20261121093000"), key
    with zipfile.ZipFile(io.BytesIO(outputs["docx"])) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 21, 9, 30, 0)}
    props = docx_document(outputs["docx"]).core_properties
    stamp = GENERATED_AT.replace(tzinfo=None)
    assert props.created and props.modified
    assert props.created.replace(tzinfo=None) == props.modified.replace(tzinfo=None) == stamp


def test_html_newsletter_page(evening: Evening, outputs: dict[str, bytes]) -> None:
    data = evening.data
    page = read_html(outputs["html"])
    body = outputs["html"].decode("utf-8")
    assert ("h1", data["workshop"]["title"]) in page.headings
    h2 = [h for tag, h in page.headings if tag == "h2"]
    assert [h.split(" ")[0] for h in h2[:4]] == ["PLAN", "DO", "CHECK", "ACT"]
    assert text.RECORD in h2
    # The date as people write it (「2026年11月20日（金）」), not as the log keeps it.
    assert "西部市民サービスセンター" in page.text
    assert date_text(data["workshop"]["date"]) in page.text
    assert data["workshop"]["date"] not in page.text
    assert "@page" in body and "size: A4" in body and page.styles == 1
    assert page.external == []  # nothing to fetch: no fonts, images, scripts or links
    assert "<script" not in body
    roles = page.table("roles")
    assert roles[0] == list(text.ROLE_COLUMNS)
    assert [r[0] for r in roles[1:]] == [a["title"] for a in data["actions"]]
    for row, raw in zip(roles[1:], data["actions"], strict=True):
        assert row[5] == raw["due"] and row[3] == "、".join(raw["partners"])
    do = page.table("do")
    assert Counter(r[1] for r in do[1:]) == Counter(
        {"not_started": "未着手", "under_way": "実施中", "done": "完了", "paused": "休止"}[
            a["status"]] for a in data["actions"])
    record = page.table("participation")
    assert record[-1][:3] == ["合計", "30", "4"]
    for t in data["themes"]:
        assert ("h3", t["title"]) in page.headings
    for r in data["review"]:
        assert r["text"] in page.text


def test_pdf_has_the_plan_in_japanese_with_its_font_embedded(
        evening: Evening, outputs: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(outputs["pdf"])
    content = squash(pdf_text(path))
    data = evening.data
    for words in [data["workshop"]["title"], "PLAN計画", "DO実行", "CHECK評価", "ACT改善",
                  text.RECORD, text.ROLES, "西部市民サービスセンター",
                  *(t["title"] for t in data["themes"]), *(a["title"] for a in data["actions"]),
                  *(r["text"] for r in data["review"]), "市民主導", "市民／行政", "行政主体",
                  "30人が参加し"]:
        assert squash(words) in content, words
    fonts = pdf_fonts(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert {f["name"].split("+")[-1] for f in fonts} == {"IPAexGothic"}
    assert all(f["sub"] == "yes" for f in fonts)  # a subset, not the whole 6 MB font
    assert len(outputs["pdf"]) < 1_000_000
    reader = pypdf.PdfReader(io.BytesIO(outputs["pdf"]))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    assert reader.metadata is not None and reader.metadata.title is not None
    assert data["workshop"]["title"] in reader.metadata.title


def test_pdf_renders_without_any_japanese_font_on_the_machine(
        outputs: dict[str, bytes], tmp_path: Path) -> None:
    """pdftoppm draws the first page to PNG twice: with this machine's fonts, and with
    fontconfig shown no fonts at all. Everything it needs is in the file, so the pictures
    are the same, and the title area is not blank."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(outputs["pdf"])
    bare = tmp_path / "no-fonts.conf"
    bare.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><cachedir>{tmp_path}/fc-cache</cachedir></fontconfig>")
    pictures = []
    for name, env in (("usual", {}), ("bare", {"FONTCONFIG_FILE": str(bare)})):
        subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(path),
                        str(tmp_path / name)], check=True, timeout=60,
                       env={"PATH": "/usr/bin:/bin", **env})
        png = next(tmp_path.glob(f"{name}*.png"))
        pictures.append(Image.open(png).convert("L"))
    usual, bare_pic = pictures
    assert usual.size == bare_pic.size and usual.size[0] < usual.size[1]  # portrait
    assert usual.tobytes() == bare_pic.tobytes()
    title = usual.crop((0, 0, usual.size[0], usual.size[1] // 8))
    dark = sum(title.histogram()[:128])
    assert dark > 300


def test_docx_has_headings_and_real_tables(evening: Evening, outputs: dict[str, bytes]) -> None:
    doc = docx_document(outputs["docx"])
    data = evening.data
    headings = [(p.style.name, p.text) for p in doc.paragraphs
                if p.style.name.startswith(("Heading", "Title"))]
    assert ("Title", data["workshop"]["title"]) in headings
    level1 = [t for s, t in headings if s == "Heading 1"]
    assert [h.split(" ")[0] for h in level1[:4]] == ["PLAN", "DO", "CHECK", "ACT"]
    assert text.RECORD in level1
    assert {t for s, t in headings if s == "Heading 3"} == {t["title"] for t in data["themes"]}
    roles, do, record = doc.tables
    rows = [[c.text for c in r.cells] for r in roles.rows]
    assert rows[0] == list(text.ROLE_COLUMNS)
    assert [r[0] for r in rows[1:]] == [a["title"] for a in data["actions"]]
    assert [r[1] for r in rows[1:]] == [
        {"citizen_only": "市民主体", "citizen_led": "市民主導", "partnership": "市民／行政（対等）",
         "city_led": "行政主導", "city_only": "行政主体"}[a["form"]] for a in data["actions"]]
    assert [r[5] for r in rows[1:]] == [a["due"] for a in data["actions"]]
    assert [c.text for c in do.rows[0].cells] == list(text.DO_COLUMNS)
    assert len(do.rows) == 11
    totals = [c.text for c in record.rows[-1].cells]
    assert totals[:3] == ["合計", "30", "4"]
    assert doc.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    assert doc.core_properties.created.date().isoformat() == "2026-11-21"


def test_markdown(evening: Evening, outputs: dict[str, bytes]) -> None:
    md = outputs["md"].decode("utf-8")
    lines = md.splitlines()
    assert lines[0] == "# " + evening.data["workshop"]["title"]
    assert [x.split(" ")[1] for x in lines if x.startswith("## ")][:4] == [
        "PLAN", "DO", "CHECK", "ACT"]
    table = [x for x in lines if x.startswith("| ")]
    titles = [a["title"] for a in evening.data["actions"]]
    role_rows = [x for x in table if x.split(" | ")[0][2:] in titles]
    assert len(role_rows) == 2 * len(titles)  # the role table and the DO table
    assert "| 合計 | 30 | 4 |" in md


def test_markdown_keeps_people_s_words_as_words() -> None:
    from yoriai.exports.markdown import md

    assert md("# 見出し?") == "\\# 見出し?"
    assert md("a|b *c* [x](y)") == "a\\|b \\*c\\* \\[x\\](y)"
    assert md("1. 一番") == "1\\. 一番"
    assert md("改行\nも 一行") == "改行 も 一行"


def test_csv_opens_in_excel_and_holds_every_record(evening: Evening,
                                                    outputs: dict[str, bytes]) -> None:
    raw = outputs["csv"]
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel in Japan reads it
    assert b"\r\n" in raw
    rows = csv_records(raw)
    data = evening.data
    kinds = Counter(r["type"] for r in rows)
    assert kinds["テーマ"] == 8 and kinds["計画案"] == 8 and kinds["付箋"] == 120
    assert kinds["取り組み"] == 10 and kinds["振り返り"] == len(data["review"])
    assert kinds["担い手"] == sum(len(a["volunteers"]) for a in data["actions"])
    assert sum(int(r["votes"]) for r in rows if r["type"] == "共感") == len(data["votes"])
    assert sum(int(r["votes"]) for r in rows if r["type"] == "付箋") == len(data["votes"])
    notes = {r["text"] for r in rows if r["type"] == "付箋"}
    assert notes == {n["text"] for n in data["notes"]}
    actions = [r for r in rows if r["type"] == "取り組み"]
    assert [(a["text"], a["due"]) for a in actions] == [
        (a["title"], a["due"]) for a in data["actions"]]
    assert [int(a["volunteers"]) for a in actions] == [
        len(a["volunteers"]) for a in data["actions"]]
    people = {p["id"]: p for p in data["participants"]}
    for raw_action in data["actions"]:
        team = [r for r in rows if r["type"] == "担い手" and r["text"] == raw_action["title"]]
        expected = sorted(people[v]["name"] if people[v]["show_name"] else "参加者"
                          for v in raw_action["volunteers"])
        assert sorted(r["who"] for r in team) == expected
        assert sum(r["lead"] == "1" for r in team) == 1
    assert all(r["who"] == "" for r in rows if r["type"] in ("共感", "取り組み"))
    themes = [r for r in rows if r["type"] == "テーマ"]
    assert [int(t["members"]) for t in themes] == [
        len(t.members) for t in evening.state.themes.values()]
    assert all(t["priority"] == "" for t in themes)
    proposals = [r for r in rows if r["type"] == "計画案"]
    assert all(p["votes"] == "" and p["priority"] != "" for p in proposals)


def test_csv_columns_say_one_thing_each_in_the_export_s_language(
        evening: Evening, outputs: dict[str, bytes]) -> None:
    """The workshop row puts the venue and the date in their own columns (not under
    名前 and いつまでに), and the header row is Japanese unless the export is English."""
    head = outputs["csv"].decode("utf-8-sig").split("\r\n")[0].split(",")
    assert head[:6] == ["種別", "ID", "テーマID", "テーマ", "種類", "内容"]
    assert {"協力先", "はじめの一歩", "いつまでに", "進み具合", "立場", "代理入力", "会場",
            "日付"} <= set(head)
    assert all(not h.isascii() for h in head if h != "ID")
    workshop = csv_records(outputs["csv"])[0]
    assert workshop["type"] == "ワークショップ"
    assert (workshop["venue"], workshop["date"]) == ("西部市民サービスセンター",
                                                     evening.data["workshop"]["date"])
    assert workshop["who"] == workshop["due"] == ""
    english = render("csv", Source(evening.state, GENERATED_AT, lang="en"))
    rows = csv_records(english, "en")
    first = english.decode("utf-8-sig").split("\r\n")[0]
    assert first.startswith("Record type,ID,Theme ID,Theme,Kind,Text,")
    assert "First step" in first and "Partners" in first
    assert Counter(r["type"] for r in rows)["note"] == 120
    assert {r["kind"] for r in rows if r["type"] == "note"} == {"Charm", "Issue", "Wish"}
    assert [r["text"] for r in rows] == [r["text"] for r in csv_records(outputs["csv"])]


def test_csv_cells_cannot_run_as_formulas() -> None:
    from yoriai.exports.table import safe

    assert safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe("+81") == "'+81" and safe("@a") == "'@a" and safe("ふつう") == "ふつう"


def test_svg_board(evening: Evening, outputs: dict[str, bytes]) -> None:
    root = svg_root(outputs["svg"])
    assert root.tag == f"{SVG}svg"
    fonts = root.get("font-family") or ""
    assert "Hiragino" in fonts and "Yu Gothic" in fonts and "Noto Sans CJK JP" in fonts
    assert root.findtext(f"{SVG}title") == evening.data["workshop"]["title"]
    themes = [g for g in root.iter(f"{SVG}g") if (g.get("class") or "").split()[0] == "theme"]
    titles = ["".join(g.find(f"{SVG}text[@class='title']").itertext())  # type: ignore[union-attr]
              for g in themes]
    assert titles[:8] == [t["title"] for t in evening.data["themes"]]
    assert titles[8] == "テーマに入らなかった付箋"
    notes = [g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("note ")]
    assert len(notes) == 120
    votes = [int(t.text.split()[-1]) for t in root.iter(f"{SVG}text")  # type: ignore[union-attr]
             if t.get("class") == "votes"]
    assert sum(votes) == len(evening.data["votes"])
    assert {n.findtext(f"{SVG}title").split(": ", 1)[1]  # type: ignore[union-attr]
            for n in notes} == {n["text"] for n in evening.data["notes"]}


def test_svg_escapes_text() -> None:
    from yoriai.facilitation.model import FACILITATOR

    from .helpers import Workshop

    w = Workshop(title="<script>alert(1)</script> & 仲間")
    who = w.join("x")
    w.by(who, "post_note", {"kind": "charm", "text": "a < b & \"c\" ]]> </text>"})
    w.run(FACILITATOR, "create_theme", {"title": "</g><g>"})
    for fmt in ("svg", "html"):
        out = render(fmt, Source(w.state, GENERATED_AT))
        assert b"<script>" not in out and b"</g><g>" not in out
    root = svg_root(render("svg", Source(w.state, GENERATED_AT)))
    assert "a < b & \"c\" ]]> </text>" in "".join(root.itertext())


def test_json_archive_is_the_whole_log(evening: Evening, outputs: dict[str, bytes]) -> None:
    doc = json.loads(outputs["json"])
    # Version 3: the default program's first step is a map step (map work), so a Yoriai
    # from before map work is told the file is newer rather than damaged.
    assert doc["format"] == "yoriai-archive" and doc["version"] == 3
    meta = doc["workshop"]
    assert meta["code"] == "sample1" and meta["seq"] == evening.state.seq
    assert meta["events"] == len(evening.log) == len(doc["events"])
    assert meta["title"] == evening.data["workshop"]["title"]
    assert meta["exported_at"] == GENERATED_AT.isoformat()
    assert doc["events"] == [e.to_json() for e in evening.log]
    assert doc["checksum"] == {"algorithm": "sha256", "value": checksum(evening.log)}


def test_archive_needs_the_events(evening: Evening) -> None:
    with pytest.raises(ValueError, match="event log"):
        render("json", Source(evening.state, GENERATED_AT))
