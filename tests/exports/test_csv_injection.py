"""CSV cells that a spreadsheet would run as a formula are shown as text: ASCII = + - @, a
tab or a line break, and the full-width ＝＋－＠ (and small ﹦﹢﹣﹫) that a spreadsheet in
Japan reads as the same characters."""

from __future__ import annotations

import pytest

from yoriai.exports.registry import render
from yoriai.exports.source import Source
from yoriai.exports.table import safe
from yoriai.facilitation.model import FACILITATOR

from .csvread import csv_records
from .helpers import GENERATED_AT, Workshop

STARTS = ["=", "+", "-", "@", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫"]


@pytest.mark.parametrize("start", [*STARTS, "\t", "\r", "\n"])
def test_a_formula_start_gets_an_apostrophe(start: str) -> None:
    cell = start + 'HYPERLINK("http://evil.example","押してください")'
    assert safe(cell) == "'" + cell


@pytest.mark.parametrize("text", ["ふつうの付箋", "ー（長音）から始まる", "１２３",
                                  "−1（数学の負号）", "a=1", "メール a@b", ""])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert safe(text) == text


def test_every_user_text_in_the_csv_is_protected() -> None:
    """Through the real commands and the real exporter: names, notes, themes, proposals,
    actions, partners, records and reviews that start like a formula come out as text."""
    w = Workshop(code="csv1", title="＝タイトル", center="＠会館")
    p = w.join("＋佐藤", show_name=True)
    for i, start in enumerate(STARTS):
        w.run(p, "post_note", {"kind": "wish", "text": f"{start}SUM(A{i})"})
    w.run(FACILITATOR, "create_theme", {"title": "－テーマ", "note_id": "n1"})
    w.run(FACILITATOR, "set_step", {"step": "activity"})
    w.run(FACILITATOR, "write_proposal", {"theme_id": "t1", "aim": "＝目標", "ideas": ["＠案"]})
    w.run(FACILITATOR, "create_action", {"title": "＝行動", "theme_id": "t1",
                                     "partners": ["＋町内会"], "first_step": "－最初"})
    w.run(FACILITATOR, "set_step", {"step": "practice"})
    w.run(p, "volunteer", {"action_id": "a1"})
    w.run(FACILITATOR, "set_action_status", {"action_id": "a1", "status": "done",
                                         "record": "＠記録"})
    w.run(FACILITATOR, "set_step", {"step": "future"})
    w.run(p, "post_review", {"column": "keep", "text": "＝ふりかえり"})

    rows = csv_records(render("csv", Source(w.state, GENERATED_AT, tuple(w.log))))
    cells = [v for row in rows for k, v in row.items() if k != "type" and v]
    risky = [c for c in cells if c[:1] in "".join(STARTS)]
    assert not risky, risky
    protected = [c for c in cells if c.startswith("'")]
    # Every one of them is there, with the apostrophe in front.
    for expected in ["'＝タイトル", "'＠会館", "'－テーマ", "'＝行動", "'＋町内会", "'－最初",
                     "'＠記録", "'＝ふりかえり", "'＋佐藤"]:
        assert expected in protected, expected
    assert sum(c.startswith("'") and "SUM(A" in c for c in cells) >= len(STARTS)
