"""The newsletter page: the headline in residents' words, a lead paragraph made from the
facts (or the facilitator's own, which replaces it in every format and travels in the
archive), the meeting's date and hours as people write them, the 「次回」 box and the
contact line. Every check reads the file back as its own kind of file."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from yoriai.exports import text
from yoriai.exports.archive import ArchiveError, checksum, read_archive
from yoriai.exports.dates import date_text
from yoriai.exports.registry import EXPORTERS
from yoriai.exports.source import Source
from yoriai.facilitation import limits
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, Actor, Event, Role, replay
from yoriai.facilitation.newsletter import generated_lead
from yoriai.facilitation.verify import verified_replay

from .conftest import Evening
from .helpers import (
    GENERATED_AT,
    Workshop,
    docx_document,
    pdf_fonts,
    pdf_text,
    read_html,
    squash,
)

PAGES = ("html", "pdf", "docx", "md")
CONTACT = "西部市民サービスセンター 018-823-0000"


class Lead(HTMLParser):
    """The HTML page's lead paragraph and 次回 box, by their classes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, str] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        self.open.append(cls)

    def handle_endtag(self, tag: str) -> None:
        if self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for cls in self.open:
            if cls in ("lead", "next", "kicker", "meta", "contact", "when"):
                self.parts[cls] = self.parts.get(cls, "") + data


def html_parts(data: bytes) -> dict[str, str]:
    page = Lead()
    page.feed(data.decode("utf-8"))
    return page.parts


def page_text(fmt: str, data: bytes, tmp: Path) -> str:
    """The words of the page a reader sees, without white space (a PDF breaks lines)."""
    if fmt == "pdf":
        # In the order the page draws its text (-raw): the lead, then the box beside it,
        # rather than the two columns' lines interleaved.
        path = tmp / "page.pdf"
        path.write_bytes(data)
        return squash(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                                     capture_output=True, check=True, timeout=60
                                     ).stdout.decode("utf-8"))
    if fmt == "docx":
        doc = docx_document(data)
        parts = [p.text for p in doc.paragraphs]
        parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return squash("\n".join(parts))
    if fmt == "html":
        return squash(read_html(data).text)
    return squash(data.decode("utf-8").replace("\\", ""))


def small_evening() -> Workshop:
    """Five people by attribute (two of them agreed to be named), themes, a chosen
    proposal, two actions, and the meeting's hours."""
    w = Workshop(code="news1", title="東通り 雪と暮らしの寄り合い", center="西部",
                 date="2026-11-20")
    people = [w.join("佐藤一郎", "住民", show_name=True), w.join("鈴木", "住民"),
              w.join("高橋花子", "住民", show_name=True), w.join("田中", "町内会・自治会"),
              w.join("伊藤", "企業", proxy=True)]
    note = w.by(people[0], "post_note", {"kind": "issue", "text": "雪寄せが大変"})["note_id"]
    theme = w.run(FACILITATOR, "create_theme", {"title": "冬の助け合い"})["theme_id"]
    w.run(FACILITATOR, "group_note", {"note_id": note, "theme_id": theme})
    w.run(FACILITATOR, "create_theme", {"title": "子どもの遊び場"})
    for title in ("雪寄せ支援マップをつくる", "学生雪寄せ隊の結成"):
        w.run(FACILITATOR, "create_action", {"title": title, "theme_id": theme})
    w.run(FACILITATOR, "set_schedule", {"start": "19:00", "end": "21:00"})
    return w


def render(w: Workshop, fmt: str, contact: str = "") -> bytes:
    source = Source(w.state, GENERATED_AT, tuple(w.log), contact=contact)
    return EXPORTERS[fmt].render(source)


# --- the lead paragraph made from the facts --------------------------------------------------

def test_the_lead_tells_when_where_who_and_what_was_decided() -> None:
    w = small_evening()
    lead = generated_lead(w.state)
    # When: the date with its weekday, and the hours, as people write them.
    assert lead.startswith("11月20日（金）19:00〜21:00、")
    # Where: the centre's full name.
    assert "西部市民サービスセンターに" in lead
    # Who: how many, by attribute, in counts only — counted from the state here.
    counts = Counter(p.attribute for p in w.state.participants.values())
    assert counts == {"住民": 3, "町内会・自治会": 1, "企業": 1}
    assert f"{sum(counts.values())}人（住民3人、町内会・自治会1人、企業1人）が集まり" in lead
    # What was decided: the actions by their titles.
    for action in w.state.actions.values():
        assert f"「{action.title}」" in lead
    assert "2つのテーマについて話し合い" in lead and lead.endswith("の取り組みを決めました。")
    # Never a name, not even of those who agreed to be named.
    for person in w.state.participants.values():
        assert person.name not in lead


def test_the_demo_evenings_lead_matches_its_state(evening: Evening) -> None:
    state = evening.state
    lead = generated_lead(state)
    meeting = evening.data["workshop"]
    assert (meeting["start"], meeting["end"]) == ("19:00", "21:00")
    assert lead.startswith(date_text(meeting["date"], year=False) + "19:00〜21:00、")
    assert "西部市民サービスセンターに" in lead
    counts = Counter(p["attribute"] for p in evening.data["participants"])
    assert f"{len(evening.data['participants'])}人（" in lead
    for attribute, n in counts.items():
        assert f"{attribute}{n}人" in lead
    titles = [a["title"] for a in evening.data["actions"]]
    assert "".join(f"「{t}」" for t in titles[:3]) + f"など{len(titles)}の取り組み" in lead
    assert not any(t in lead for t in titles[3:])  # three named, the rest counted
    assert not any(p["name"] in lead for p in evening.data["participants"])


def test_the_lead_says_what_the_evening_got_to() -> None:
    w = Workshop(code="news2", title="はじめての会", center="河辺", date="2026-12-05")
    assert generated_lead(w.state) == ("12月5日（土）、河辺市民サービスセンターに集まり、"
                                       "話し合いました。")
    person = w.join("住民A")
    w.by(person, "post_note", {"kind": "wish", "text": "公園がほしい"})
    assert generated_lead(w.state).endswith(
        "1人（住民1人）が集まり、付箋1枚に地域の魅力・課題・思いを書き出しました。")
    theme = w.run(FACILITATOR, "create_theme", {"title": "公園"})["theme_id"]
    assert generated_lead(w.state).endswith("「公園」のテーマについて話し合いました。")
    w.run(FACILITATOR, "set_step", {"step": "companions"})
    w.by(person, "join_theme", {"theme_id": theme})
    w.run(FACILITATOR, "set_step", {"step": "activity"})
    w.by(person, "write_proposal", {"theme_id": theme, "aim": "遊べる公園", "ideas": []})
    w.run(FACILITATOR, "choose_proposal", {"theme_id": theme, "chosen": True})
    assert generated_lead(w.state).endswith(
        "1つのテーマについて話し合い、「公園」の計画案を選びました。")


# --- every page format ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages() -> dict[str, bytes]:
    w = small_evening()
    w.run(FACILITATOR, "set_next_meeting",
          {"date": "2026-12-18", "time": "19:00", "place": "西部市民サービスセンター 2階和室"})
    return {fmt: render(w, fmt, CONTACT) for fmt in PAGES}


@pytest.mark.parametrize("fmt", PAGES)
def test_every_page_opens_with_headline_lead_next_and_contact(
        fmt: str, pages: dict[str, bytes], tmp_path: Path) -> None:
    words = page_text(fmt, pages[fmt], tmp_path)
    w = small_evening()
    assert squash("東通り 雪と暮らしの寄り合い") in words
    assert squash(generated_lead(w.state)) in words
    assert "2026年11月20日（金）19:00〜21:00" in words
    assert "次回" in words and "2026年12月18日（金）19:00〜" in words
    assert "2階和室" in words
    assert squash(f"問い合わせ：{CONTACT}") in words
    # The dates are written as people write them, not as the log keeps them.
    assert "2026-11-20" not in words and "2026-12-18" not in words
    # The headline is the title; 「PDCA」 only in the small label above it.
    assert "住民主体のまちづくり—PDCAプラン" not in words


def test_the_html_page_headline_is_the_title_and_pdca_is_a_label(pages: dict[str, bytes]) -> None:
    page = read_html(pages["html"])
    assert ("h1", "東通り 雪と暮らしの寄り合い") in page.headings
    assert not any("PDCA" in h for tag, h in page.headings if tag == "h1")
    parts = html_parts(pages["html"])
    assert "PDCA" in parts["kicker"]
    assert parts["meta"].startswith("2026年11月20日（金）19:00〜21:00")
    assert parts["lead"] == generated_lead(small_evening().state)
    assert parts["when"] == "2026年12月18日（金）19:00〜"
    assert parts["contact"] == f"問い合わせ：{CONTACT}"


def test_the_pdf_with_the_box_embeds_its_only_font(pages: dict[str, bytes],
                                                   tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    path.write_bytes(pages["pdf"])
    fonts = pdf_fonts(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts


def test_the_pdf_and_word_show_pdca_only_in_the_small_label(pages: dict[str, bytes],
                                                           tmp_path: Path) -> None:
    doc = docx_document(pages["docx"])
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert title.text == "東通り 雪と暮らしの寄り合い"
    path = tmp_path / "page.pdf"
    path.write_bytes(pages["pdf"])
    first_lines = [line.strip() for line in pdf_text(path).splitlines() if line.strip()][:2]
    assert "PDCA" in first_lines[0] and first_lines[1] == "東通り 雪と暮らしの寄り合い"


def test_without_a_next_meeting_or_contact_there_is_no_box(tmp_path: Path) -> None:
    w = small_evening()
    for fmt in PAGES:
        words = page_text(fmt, render(w, fmt), tmp_path)
        assert "次回" not in words and "問い合わせ" not in words, fmt
    assert "next" not in html_parts(render(w, "html"))
    # The contact alone still prints, in its own box.
    assert html_parts(render(w, "html", CONTACT))["contact"] == f"問い合わせ：{CONTACT}"


def test_a_lead_across_the_page_keeps_its_lines_whole(tmp_path: Path) -> None:
    """Without the 次回 box the lead spans the page: it is broken for the room the page's
    frame really gives, so reportlab never breaks a line again and leaves its last
    character alone on the next one (「…NPO・市民活」「活」 was printed)."""
    from yoriai.exports.linebreak import NO_START

    w = small_evening()
    lead = ("中央市民サービスセンターに120人（住民18人、町内会・自治会17人、NPO・市民活動団体"
            "17人、企業17人、大学・学生17人、市職員17人、その他17人）が集まり、12のテーマに"
            "ついて話し合い、「取り組み0: 空き家を見直す」など30の取り組みを決めました。")
    w.run(FACILITATOR, "write_lead", {"text": lead})
    path = tmp_path / "page.pdf"
    path.write_bytes(render(w, "pdf"))
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    lines = [line.strip() for line in raw.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(lead[:10]))
    got: list[str] = []
    while squash("".join(got)) != squash(lead):
        got.append(lines[start + len(got)])
    assert len(got) >= 3
    assert all(len(line) >= 2 and line[0] not in NO_START for line in got), got


def test_the_next_meeting_without_a_place_is_at_the_centre(tmp_path: Path) -> None:
    w = small_evening()
    w.run(FACILITATOR, "set_next_meeting", {"date": "2027-01-15", "time": "", "place": ""})
    words = page_text("html", render(w, "html"), tmp_path)
    assert "次回2027年1月15日（金）西部市民サービスセンター" in words


# --- the facilitator's own lead ---------------------------------------------------------------

EDITED = "先月20日、西部市民サービスセンターで雪寄せの話し合いを開きました。次は12月に集まります。"


@pytest.mark.parametrize("fmt", PAGES)
def test_the_edited_lead_replaces_the_generated_one_in_every_format(
        fmt: str, tmp_path: Path) -> None:
    w = small_evening()
    generated = generated_lead(w.state)
    w.run(FACILITATOR, "write_lead", {"text": EDITED})
    words = page_text(fmt, render(w, fmt), tmp_path)
    assert squash(EDITED) in words
    assert squash(generated) not in words
    # Empty text: back to the paragraph made from the facts.
    w.run(FACILITATOR, "write_lead", {"text": ""})
    words = page_text(fmt, render(w, fmt), tmp_path)
    assert squash(generated) in words and squash(EDITED) not in words


def test_the_edited_lead_survives_export_and_import_of_the_archive(tmp_path: Path) -> None:
    w = small_evening()
    w.run(FACILITATOR, "write_lead", {"text": EDITED})
    w.run(FACILITATOR, "set_next_meeting", {"date": "2026-12-18", "time": "18:30", "place": ""})
    archive = read_archive(render(w, "json"))  # checked event by event, as `yoriai import`
    assert [e.type for e in archive.events][-3:] == ["ScheduleSet", "LeadWritten",
                                                     "NextMeetingSet"]
    restored = replay(archive.events)
    assert restored.newsletter == w.state.newsletter
    assert restored.newsletter.lead == EDITED
    again = Source(restored, GENERATED_AT)
    parts = html_parts(EXPORTERS["html"].render(again))
    assert parts["lead"] == EDITED and parts["when"] == "2026年12月18日（金）18:30〜"


def test_an_archive_with_a_lead_over_the_limit_is_refused() -> None:
    w = small_evening()
    w.run(FACILITATOR, "write_lead", {"text": "短い"})
    doc = json.loads(render(w, "json"))
    for e in doc["events"]:
        if e["type"] == "LeadWritten":
            e["data"]["text"] = "あ" * (limits.LEAD_MAX_CHARS + 1)
    doc["checksum"]["value"] = checksum([Event.from_json(e) for e in doc["events"]])
    with pytest.raises(ArchiveError) as refused:
        read_archive(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    assert refused.value.refusal is not None and refused.value.refusal.code == "lead_too_long"


def test_a_new_meeting_starts_a_new_page() -> None:
    w = small_evening()
    w.run(FACILITATOR, "write_lead", {"text": EDITED})
    w.run(FACILITATOR, "set_next_meeting", {"date": "2026-12-18", "time": "", "place": ""})
    w.run(FACILITATOR, "open_meeting", {"date": "2026-12-18"})
    n = w.state.newsletter
    assert (n.lead, n.start, n.end, n.next_date) == ("", "", "", "")
    assert generated_lead(w.state).startswith("12月18日（金）、")
    assert verified_replay(w.log) == w.state  # the log, checked as an import checks it


# --- refusals -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "args", "code"), [
    ("write_lead", {"text": "あ" * (limits.LEAD_MAX_CHARS + 1)}, "lead_too_long"),
    ("write_lead", {"text": "\ud800"}, "bad_text"),
    ("write_lead", {"text": 5}, "bad_value"),
    ("set_schedule", {"start": "7pm", "end": ""}, "bad_time"),
    ("set_schedule", {"start": "25:00", "end": ""}, "bad_time"),
    ("set_schedule", {"start": "19:00", "end": "18:00"}, "end_before_start"),
    ("set_schedule", {"start": "19:00", "end": "19:00"}, "end_before_start"),
    ("set_schedule", {"start": "", "end": "21:00"}, "bad_time"),
    ("set_schedule", {"start": ["19:00"], "end": ""}, "bad_time"),
    ("set_next_meeting", {"date": "2026-11-19", "time": "", "place": ""},
     "next_meeting_not_later"),
    ("set_next_meeting", {"date": "12/18", "time": "", "place": ""}, "bad_date"),
    ("set_next_meeting", {"date": "2026-12-18", "time": "19時", "place": ""}, "bad_time"),
    ("set_next_meeting", {"date": "2026-12-18", "time": "",
                          "place": "あ" * (limits.PLACE_MAX_CHARS + 1)}, "place_too_long"),
])
def test_bad_input_is_refused_with_a_readable_error_and_changes_nothing(
        command: str, args: dict[str, object], code: str) -> None:
    from yoriai.server.i18n import error_text

    w = small_evening()
    before = w.state.copy()
    with pytest.raises(Refusal) as refused:
        w.run(FACILITATOR, command, args)
    assert refused.value.code == code
    for lang in ("ja", "en"):
        message = error_text(code, lang, **refused.value.params)
        assert message and "{" not in message and code not in message
    assert w.state == before


def test_only_the_facilitator_edits_the_page() -> None:
    w = small_evening()
    person = w.join("住民B")
    helper = w.join("つむぎ")
    w.run(FACILITATOR, "grant_cofacilitator", {"participant_id": helper.participant_id})
    for who in (person, Actor(Role.COFACILITATOR, helper.participant_id)):
        for command, args in (("write_lead", {"text": "乗っ取り"}),
                              ("set_schedule", {"start": "10:00", "end": ""}),
                              ("set_next_meeting", {"date": "2027-01-01", "time": "",
                                                    "place": ""})):
            with pytest.raises(Refusal) as refused:
                w.run(who, command, args)
            assert refused.value.code == "not_allowed"
    assert w.state.newsletter.lead == ""


def test_the_lead_is_one_paragraph_of_checked_text() -> None:
    w = small_evening()
    w.run(FACILITATOR, "write_lead", {"text": "  一行目\r\n二行目\u0000です\t。 "})
    assert w.state.newsletter.lead == "一行目 二行目です 。"
    # The same text again records nothing.
    seq = w.state.seq
    w.run(FACILITATOR, "write_lead", {"text": "一行目 二行目です 。"})
    assert w.state.seq == seq


def test_markup_in_the_lead_stays_text(tmp_path: Path) -> None:
    w = small_evening()
    hostile = '<script>alert(1)</script> **太字** [link](http://example.com) # 見出し'
    w.run(FACILITATOR, "write_lead", {"text": hostile})
    html = render(w, "html").decode("utf-8")
    assert "<script>alert" not in html and html_parts(render(w, "html"))["lead"] == hostile
    md = render(w, "md").decode("utf-8")
    lead_line = next(line for line in md.splitlines() if "alert" in line)
    assert not re.search(r"(?<!\\)\*\*", lead_line) and not re.search(r"(?<!\\)\[", lead_line)
    doc = docx_document(render(w, "docx"))
    assert any(p.text == hostile for p in doc.paragraphs)


def test_the_contact_reaches_the_page_through_the_source() -> None:
    w = small_evening()
    source = dataclasses.replace(Source(w.state, GENERATED_AT), contact="問い合わせ先テスト")
    assert source.plan.contact == "問い合わせ先テスト"
    assert text.contact_line(source.plan) == "問い合わせ：問い合わせ先テスト"
    assert EXPORTERS["md"].render(source).decode("utf-8").count("問い合わせ先テスト") == 1
