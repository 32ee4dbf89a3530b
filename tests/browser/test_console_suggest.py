"""「まとめ方の提案」 on the console in real Chromium: the facilitator opens the box on the
theme-sorting workspace, sees suggested groups of the unsorted notes with a title each,
edits one title and makes a theme of that group in one click (the theme appears with its
notes on the console and on the projector), and dismisses another, which stays dismissed.
The projector's page never gets a suggestion. With a table's board open, that table's notes are
suggested and the theme made from them is the table's. States are waited for, never time."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LIVE, PROJECTOR, Pages
from tests.browser.drive import Facilitator, until
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_console import open_console, step, theme_col, unsorted
from tests.server.test_cli_suggest import SEPARABLE
from tests.support import LiveServer

pytestmark = pytest.mark.browser

SNOW = set(SEPARABLE[:4])
SHOTS = Path("/tmp/suggest15")


def groups(page: Page) -> list[str]:
    return [g.get_attribute("data-key") or "" for g in page.locator(".suggest-group").all()]


def test_a_suggested_group_becomes_a_theme_in_one_click(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop()
    fac = steer(live, code)
    phone = fac.participant(live, "佐藤")
    for text in SEPARABLE:
        fac.send(phone, "post_note", kind="issue", text=text)
    screen = pages.open(PROJECTOR, "projector")
    # The projector's page counts every message; none may be a suggestion.
    screen.add_init_script("""
      window.__suggestions = 0;
      const Real = window.WebSocket;
      window.WebSocket = function (url, protocols) {
        const ws = new Real(url, protocols);
        ws.addEventListener('message', function (ev) {
          if (String(ev.data).indexOf('"suggestions"') >= 0) { window.__suggestions += 1; }
        });
        return ws;
      };
      window.WebSocket.prototype = Real.prototype;
      Object.assign(window.WebSocket, {OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2});
    """)
    screen.goto(f"{live.base}/w/{code}/screen")

    console = open_console(pages, live, code)
    step(console, "仲間を増やそう")
    expect(unsorted(console)).to_have_count(len(SEPARABLE), timeout=LIVE)
    box = console.locator("#console-suggest")
    expect(box.get_by_role("heading", name="まとめ方の提案")).to_be_visible()
    box.get_by_role("button", name="提案を見る").click()
    expect(box.locator("#suggest-status")).to_contain_text("件の案", timeout=LIVE)
    cards = box.locator(".suggest-group")
    expect(cards.first).to_be_visible()
    count = cards.count()
    assert count >= 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SHOTS / "console-suggest.png"), full_page=True)
    assert_accessible(console, "console with suggestions open")

    # The snow group: its notes shown with it; the title edited before accepting.
    snow = cards.filter(has=console.locator(".suggest-note", has_text="雪かきが大変"))
    expect(snow.locator(".suggest-note")).to_have_count(4)
    assert set(snow.locator(".suggest-note").all_inner_texts()) == SNOW
    snow.get_by_label("テーマの名前（変えられます）").fill("冬の雪の困りごと")
    snow.get_by_role("button", name="この案でテーマを作る").click()

    made = theme_col(console, "冬の雪の困りごと")
    expect(made.locator(".sort-card")).to_have_count(4, timeout=LIVE)
    expect(unsorted(console)).to_have_count(len(SEPARABLE) - 4)
    on_screen = screen.locator(".theme-card", has_text="冬の雪の困りごと")
    expect(on_screen).to_have_count(1, timeout=LIVE)
    expect(on_screen).to_contain_text("雪かきが大変")
    expect(cards).to_have_count(count - 1, timeout=LIVE)  # the accepted group is gone

    # Dismissed: gone, and it stays gone when the suggestions come again for the same notes.
    dismissed = groups(console)[0]
    cards.first.get_by_role("button", name="この案は使わない").click()
    expect(cards).to_have_count(count - 2)
    box.get_by_role("button", name="提案を閉じる").click()
    box.get_by_role("button", name="提案を見る").click()
    expect(box.locator("#suggest-status")).to_contain_text(re.compile("件の案|提案がありません"))
    assert dismissed not in groups(console)

    assert screen.evaluate("window.__suggestions") == 0
    assert pages.problems == []


PARKS = ["公園のベンチが壊れている", "公園で子どもが遊べない", "公園の草が伸びている"]


def test_with_a_tables_board_open_it_suggests_that_tables_notes(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop()
    fac = steer(live, code)
    first, second = fac.participant(live, "青木"), fac.participant(live, "石井")
    fac.cmd("make_tables", count=2, by="hand")
    for phone, table in ((first, "k1"), (second, "k2")):
        me = phone.board.me
        assert me is not None
        fac.cmd("seat", participant_id=me["id"], table_id=table)
    for text in SEPARABLE:
        fac.send(first, "post_note", kind="issue", text=text)
    for text in PARKS:
        fac.send(second, "post_note", kind="wish", text=text)

    console = open_console(pages, live, code)
    step(console, "仲間を増やそう")
    console.locator("#themes-table-filter").get_by_role("button", name=re.compile("^1班")).click()
    box = console.locator("#console-suggest")
    box.get_by_role("button", name="提案を見る").click()
    expect(box.locator("#suggest-status")).to_contain_text("件の案", timeout=LIVE)
    texts = set(box.locator(".suggest-note").all_inner_texts())
    assert texts and texts <= set(SEPARABLE)  # table 1's notes only

    snow = box.locator(".suggest-group").filter(
        has=console.locator(".suggest-note", has_text="雪かきが大変"))
    snow.get_by_role("button", name="この案でテーマを作る").click()
    expect(theme_col(console, "雪")).to_have_count(1, timeout=LIVE)
    # Made from table 1's notes: table 1's theme.
    until(console, lambda: [t.get("table") for t in fac.items("themes")] == ["k1"],
          "the theme is table 1's")

    # Every table's board: table 2's notes are suggested too.
    console.locator("#themes-table-filter").get_by_role("button", name="すべてのテーブル").click()
    parks = box.locator(".suggest-group").filter(
        has=console.locator(".suggest-note", has_text=PARKS[0]))
    expect(parks).to_have_count(1, timeout=LIVE)
    assert pages.problems == []
