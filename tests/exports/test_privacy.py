"""A participant who did not agree to be named (show_name off) is never named in a
published format: only counts, 「ほか2名」 and 「参加者」. The archive is not a publication
— it is the workshop itself, carried to another laptop, names and all — so it is the one
format that holds every name."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from yoriai.exports.registry import EXPORTERS, render
from yoriai.exports.source import Source
from yoriai.facilitation.model import FACILITATOR

from .conftest import Evening
from .csvread import csv_records
from .helpers import GENERATED_AT, Workshop, read_html, squash, text_of

# The archive is not published; the PNG holds no text to read back, and is drawn from the
# same shapes as the SVG (test_board_print checks both painters).
PUBLISHED = [f for f in EXPORTERS if f not in ("json", "png")]

# Names no note, theme or action could contain by chance.
SECRET = ("秘密野ひみつ子", "Zorblax Quietname", "内緒川しのぶ", "代理谷よしえ")
OPEN = "公開田ひらく"


@pytest.fixture(scope="module")
def private_room() -> Workshop:
    """Everyone does everything — notes, 共感, priority, themes, proposals, 担い手, lead,
    review, on their own phone or by proxy — and only one of them agreed to be named."""
    w = Workshop(code="priv1", title="名前の扱いを確かめる会")
    quiet = [w.join(SECRET[0]), w.join(SECRET[1], "大学・学生"), w.join(SECRET[2], "企業"),
             w.join(SECRET[3], proxy=True)]
    named = w.join(OPEN, show_name=True)
    people = [*quiet, named]
    notes = [w.by(p, "post_note", {"kind": "wish", "text": f"思い{i}"})["note_id"]
             for i, p in enumerate(people)]
    w.run(FACILITATOR, "set_step", {"step": "companions"})
    theme = w.run(FACILITATOR, "create_theme", {"title": "みんなの輪"})["theme_id"]
    for n in notes:
        w.run(FACILITATOR, "group_note", {"note_id": n, "theme_id": theme})
    for p in people:
        w.by(p, "join_theme", {"theme_id": theme})
        w.by(p, "cast_vote", {"note_id": notes[0]})
    w.run(FACILITATOR, "set_step", {"step": "activity"})
    w.by(quiet[0], "write_proposal", {"theme_id": theme, "aim": "ねらい", "ideas": ["案"]})
    for p in people:
        w.by(p, "cast_priority", {"theme_id": theme})
    w.run(FACILITATOR, "set_step", {"step": "practice"})
    solo = w.run(FACILITATOR, "create_action", {"title": "ひとりの取り組み",
                                                "theme_id": theme})["action_id"]
    team = w.run(FACILITATOR, "create_action", {"title": "みんなの取り組み",
                                                "theme_id": theme})["action_id"]
    w.by(quiet[3], "volunteer", {"action_id": solo})
    w.run(FACILITATOR, "set_lead", {"action_id": solo,
                                    "participant_id": quiet[3].participant_id})
    for p in people:
        w.by(p, "volunteer", {"action_id": team})
    w.run(FACILITATOR, "set_lead", {"action_id": team,
                                    "participant_id": quiet[1].participant_id})
    w.run(FACILITATOR, "set_step", {"step": "future"})
    w.by(quiet[2], "post_review", {"column": "keep", "text": "よかった"})
    return w


@pytest.mark.parametrize("fmt", PUBLISHED)
def test_no_one_who_declined_is_named(private_room: Workshop, fmt: str,
                                      tmp_path: Path) -> None:
    out = render(fmt, Source(private_room.state, GENERATED_AT, tuple(private_room.log)))
    words = text_of(fmt, out, tmp_path)
    flat = squash(words)
    for name in SECRET:
        assert name not in words and squash(name) not in flat, (fmt, name)
    if fmt != "svg":  # the board's picture names no one at all
        assert OPEN in flat  # the one who agreed is named, as the 担い手 they are


def test_role_cells_show_counts_for_the_rest(private_room: Workshop) -> None:
    page = read_html(render("html", Source(private_room.state, GENERATED_AT)))
    roles = {r[0]: r[2] for r in page.table("roles")[1:]}
    assert roles == {"ひとりの取り組み": "参加者1名（代表）",
                     "みんなの取り組み": f"{OPEN} ほか4名（うち1名が代表）"}
    rows = csv_records(render("csv", Source(private_room.state, GENERATED_AT)))
    team = [r for r in rows if r["type"] == "担い手"]
    assert Counter(r["who"] for r in team) == Counter({"参加者": 5, OPEN: 1})
    assert {r["who"] for r in team if r["lead"] == "1"} == {"参加者"}


def test_the_archive_keeps_every_name_to_restore_the_workshop(private_room: Workshop) -> None:
    out = render("json", Source(private_room.state, GENERATED_AT, tuple(private_room.log)))
    assert all(name in out.decode("utf-8") for name in SECRET)


@pytest.mark.parametrize("fmt", PUBLISHED)
def test_sample_evening_names_only_those_who_agreed(evening: Evening, outputs: dict[str, bytes],
                                                   fmt: str, tmp_path: Path) -> None:
    """In the sample, short names are also parts of other text: 「林さん」 is inside
    「小林さん」, who agreed. So the names of those who agreed are taken out first; then a
    declined name may appear only if the evening's own words (notes, themes, proposals,
    actions, review) contain it."""
    data = evening.data
    texts = [n["text"] for n in data["notes"]] + [t["title"] for t in data["themes"]]
    texts += [p["aim"] for p in data["proposals"]] + [i for p in data["proposals"]
                                                      for i in p["ideas"]]
    texts += [x for a in data["actions"] for x in (a["title"], a["first_step"], *a["partners"])]
    texts += [r["text"] for r in data["review"]] + [data["workshop"]["title"]]
    content = squash("\n".join(texts))
    words = squash(text_of(fmt, outputs[fmt], tmp_path))
    agreed = sorted((p["name"] for p in data["participants"] if p["show_name"]), key=len,
                    reverse=True)
    if fmt != "svg":
        people = {p["id"]: p for p in data["participants"]}
        leads = [people[a["lead"]]["name"] for a in data["actions"]
                 if people[a["lead"]]["show_name"]]
        mark = "" if fmt == "csv" else "（代表）"  # the CSV has a column for it
        assert leads and all(f"{name}{mark}" in words for name in leads)
    for name in agreed:
        words = words.replace(name, "")
    declined = [p["name"] for p in data["participants"] if not p["show_name"]]
    assert len(declined) == 22
    for name in declined:
        if name not in content:
            assert name not in words, (fmt, name)
