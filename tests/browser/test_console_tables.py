"""The console's テーブル (班) panel in real Chromium on a 1366×768 laptop (issue 14): making
three mixed tables for twelve people with one command, each table a column with its people;
a person dragged to another table lands there (and the server agrees), and the keyboard's
way (select, then a table) does the same; a table host made with one press per table;
a new round after a confirmation that says the hosts stay; one table's board opened in the
sorting workspace; 全体共有's 前へ・次へ moving the projector's focus, and its timer moving
on by itself when a table's time is up. The clicks to make 3 mixed tables and set 3 hosts
are counted; the panel's work area is measured on the first screen. States are waited for,
never time."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import LIVE, PROJECTOR, Pages
from tests.browser.drive import Facilitator, quiet, run_hub
from tests.browser.test_accessibility import assert_accessible
from tests.support import Client, LiveServer
from yoriai.facilitation import limits
from yoriai.facilitation.program import bundled_program
from yoriai.server.hub import Hub

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
WIDTH, HEIGHT = 1366, 768
SHOTS = Path("/tmp/console14")
# The columns of people start in the upper half of the first screen, under the bar and the
# panel's one row of tools (making, settings, round) and 全体共有's box.
WORK_TOP_MAX = HEIGHT // 2 + 30
Steer = Callable[[LiveServer, str], Facilitator]
# Twelve people in four 立場, three of each, so that a mixed deal over three tables puts
# one of each 立場 at every table (the domain's rule: counts differ by at most one).
PEOPLE = [(family, attribute)
          for attribute, families in (("住民", ("青木", "石井", "上田")),
                                      ("町内会・自治会", ("江藤", "太田", "加藤")),
                                      ("NPO・市民活動団体", ("木村", "工藤", "小林")),
                                      ("企業", ("佐藤", "清水", "鈴木")))
          for family in families]


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    quiet(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not drawn"
    return {"x": found["x"], "y": found["y"], "width": found["width"],
            "height": found["height"]}


def in_view(b: dict[str, float]) -> bool:
    return (b["y"] >= 0 and b["y"] + b["height"] <= HEIGHT
            and b["x"] >= 0 and b["x"] + b["width"] <= WIDTH)


def room(live: LiveServer, steer: Steer, people: list[tuple[str, str]] = PEOPLE,
         program: str = "") -> tuple[str, Facilitator, dict[str, str]]:
    """A workshop (of a bundled program, else the five steps) with these people joined
    from their phones (the facilitator's ``phones``, in this order): (code, facilitator,
    name → participant id)."""
    if program:
        steps = bundled_program(program).to_dict()

        async def make(hub: Hub) -> str:
            return await hub.create_workshop("ワールドカフェ", "西部", program=steps)

        code = run_hub(live, make)
    else:
        code = live.new_workshop()
    fac = steer(live, code)
    ids: dict[str, str] = {}
    for name, attribute in people:
        phone = Client(live, code)
        fac.phones.append(phone)
        fac.run(phone.connect())
        reply = fac.run(phone.join(name=name, attribute=attribute, show_name=True))
        ids[name] = str(reply["result"]["participant_id"])
    return code, fac, ids


def open_tables(pages: Pages, live: LiveServer, code: str, people: int) -> Page:
    console = pages.open(LAPTOP, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    expect(console.locator("#people .person")).to_have_count(people)
    console.get_by_role("tab", name="テーブル").click()
    expect(console.locator("#view-tables")).to_be_visible()
    return console


def column(console: Page, number: int) -> Locator:
    return console.locator("#table-cols .table-col").filter(
        has=console.locator(".table-number", has_text=re.compile(rf"^{number}班")))


def chip(console: Page, name: str) -> Locator:
    return console.locator("#table-cols .seat-chip").filter(
        has=console.locator(".seat-name", has_text=name))


def seats(fac: Facilitator) -> dict[str, str]:
    """Who sits where, as the server says: person id → table id."""
    return {str(s["id"]): str(t["id"]) for t in fac.items("tables") for s in t.get("seats", [])}


def tables_by_number(fac: Facilitator) -> dict[int, dict[str, Any]]:
    return {int(t["number"]): t for t in fac.items("tables")}


def test_three_mixed_tables_hosts_and_a_drag_in_few_clicks(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, fac, ids = room(live, steer)
    console = open_tables(pages, live, code, len(PEOPLE))
    # The panel's work starts on the first screen, under the bar.
    work = console.locator("#view-tables [data-work]")
    make = console.locator("#make-tables")
    expect(make.get_by_role("button", name="テーブルを作る")).to_be_visible()
    quiet(console)
    assert in_view(box(make)), box(make)
    top_empty = box(work)["y"]
    shot(console, "tables-none")

    clicks = 0

    def click(target: Locator) -> None:
        nonlocal clicks
        b = box(target)
        assert in_view(b), f"{target} is not in view: {b}"
        console.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
        clicks += 1

    # Three tables, mixed by 立場 (the default): the number typed, one press.
    make.get_by_label("数", exact=True).fill("3")
    expect(make.get_by_label("立場が混ざるように")).to_be_checked()
    expect(make.get_by_label("テーブルの数")).to_be_checked()
    click(make.get_by_role("button", name="テーブルを作る"))
    for n in (1, 2, 3):
        expect(column(console, n).locator(".seat-chip")).to_have_count(4, timeout=LIVE)
    expect(console.locator("#table-cols .unseated-col .seat-chip")).to_have_count(0)
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 3))
    where = seats(fac)
    assert set(where) == set(ids.values())
    # Mixed: every table has one of each 立場, in the console as on the server.
    for n in (1, 2, 3):
        attrs = column(console, n).locator(".seat-attribute").all_inner_texts()
        assert sorted(attrs) == sorted({a for _, a in PEOPLE}), (n, attrs)
    shot(console, "tables-dealt")
    work_box = box(work)
    print("tables panel work area top at 1366x768 (px): empty", round(top_empty),
          "with tables", round(work_box["y"]))
    assert work_box["y"] <= WORK_TOP_MAX, work_box
    for n in (1, 2, 3):  # each table's number and first people on the first screen
        assert in_view(box(column(console, n).locator(".table-number")))
        assert in_view(box(column(console, n).locator(".seat-chip").nth(1)))

    # A host for each table: one press on someone at each table.
    by_number = tables_by_number(fac)
    hosts: dict[int, str] = {}
    for n in (1, 2, 3):
        first = column(console, n).locator(".seat-chip").first
        name = first.locator(".seat-name").inner_text()
        hosts[n] = name
        first.scroll_into_view_if_needed()
        click(first.get_by_role("button", name="進行役にする"))
        expect(first.locator(".tag-host")).to_have_text("進行役", timeout=LIVE)
    fac.run(fac.client.wait_for(lambda b: all(t.get("host") for t in b.items("tables").values())))
    by_number = tables_by_number(fac)
    for n, name in hosts.items():
        assert by_number[n]["host"] == ids[name]
        expect(column(console, n).locator(".table-host")).to_contain_text(name)
        expect(console.locator("#people .person", has_text=name).locator(".tag-table")
               ).to_have_text(f"{n}班の進行役")
    print("clicks to make 3 mixed tables and set 3 hosts:", clicks)
    assert clicks == 4
    expect(console.locator("#tables-status")).to_have_text(
        f"{hosts[3]}さんを3班の進行役にしました。")
    shot(console, "tables-made")
    assert_accessible(console, "the tables panel")

    # Drag a person (not a host) from table 1 to table 2 with the mouse.
    mover = column(console, 1).locator(".seat-chip:not(.is-host)").first
    name = mover.locator(".seat-name").inner_text()
    target = column(console, 2)
    a, b = box(mover.locator(".seat-name")), box(target.locator(".table-head"))
    console.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    console.mouse.down()
    console.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=12)
    expect(target).to_have_class(re.compile("drop-over"))
    console.mouse.up()
    expect(target.locator(".seat-chip", has_text=name)).to_have_count(1, timeout=LIVE)
    expect(column(console, 1).locator(".seat-chip")).to_have_count(3)
    expect(console.locator("#tables-status")).to_have_text(f"{name}さんを2班に移しました。")
    fac.run(fac.client.wait_for(lambda _: seats(fac).get(ids[name]) == by_number[2]["id"]))

    # The keyboard's way: select two people, then a table in the bar above the columns.
    one = column(console, 3).locator(".seat-chip:not(.is-host)").nth(0)
    two = column(console, 3).locator(".seat-chip:not(.is-host)").nth(1)
    names = [one.locator(".seat-name").inner_text(), two.locator(".seat-name").inner_text()]
    one.locator(".seat-select").focus()
    console.keyboard.press("Enter")
    expect(one.locator(".seat-select")).to_have_attribute("aria-pressed", "true")
    console.keyboard.press("ArrowDown")  # the arrow keys walk a column's people
    expect(two.locator(".seat-select")).to_be_focused()
    console.keyboard.press("Space")
    expect(console.locator("#seat-count")).to_have_text("2人を選んでいます")
    to_one = console.locator("#seat-targets").get_by_role("button", name="選んだ2人を1班へ移す")
    to_one.focus()
    console.keyboard.press("Enter")
    for moved in names:
        expect(column(console, 1).locator(".seat-chip", has_text=moved)).to_have_count(
            1, timeout=LIVE)
    fac.run(fac.client.wait_for(lambda _: all(
        seats(fac).get(ids[m]) == by_number[1]["id"] for m in names)))
    expect(console.locator("#seat-count")).to_have_text("名前を押すと選べます")

    # A name for table 2, typed in its column.
    name_box = column(console, 2).get_by_label("2班の名前")
    name_box.fill("駅" * (limits.TABLE_NAME_MAX_CHARS + 1))
    name_box.press("Enter")
    expect(column(console, 2).locator(".table-head [role=alert]")).to_have_text(
        f"テーブルの名前は{limits.TABLE_NAME_MAX_CHARS}文字までです。")
    expect(name_box).to_be_focused()
    expect(name_box).to_have_value("駅" * (limits.TABLE_NAME_MAX_CHARS + 1))
    name_box.fill("駅前")
    name_box.press("Enter")
    fac.run(fac.client.wait_for(lambda _: tables_by_number(fac)[2]["name"] == "駅前"))
    shot(console, "tables-moved")
    assert pages.problems == []


def test_a_new_round_keeps_the_hosts_and_settings_reach_the_server(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, fac, ids = room(live, steer)
    fac.cmd("make_tables", count=3, by="mixed")
    tables = tables_by_number(fac)
    hosts = {n: str(tables[n]["seats"][0]["id"]) for n in (1, 2, 3)}
    for n, pid in hosts.items():
        fac.cmd("set_table_host", table_id=tables[n]["id"], participant_id=pid)
    console = open_tables(pages, live, code, len(PEOPLE))
    expect(console.locator("#table-cols .seat-chip.is-host")).to_have_count(3)
    before = seats(fac)

    console.get_by_role("button", name="席替え（次のラウンド）").click()
    question = console.locator("#tables-round .confirm")
    expect(question).to_contain_text("進行役はいまのテーブルに残り")
    # The safe answer has the focus.
    expect(question.get_by_role("button", name="やめる")).to_be_focused()
    shot(console, "tables-round-confirm")
    question.get_by_role("button", name="席替えする").click()
    expect(console.locator("#tables-round .round-now")).to_have_text("ラウンド 2", timeout=LIVE)
    fac.run(fac.client.wait_for(lambda b: int(b.workshop.get("round", 0)) == 2))
    after = seats(fac)
    for n, pid in hosts.items():
        assert after[pid] == tables[n]["id"]  # hosts stay
        expect(column(console, n).locator(".seat-chip.is-host")).to_have_count(1)
    assert after != before  # the others were dealt anew
    # The console draws the server's new seating.
    for pid, table in after.items():
        number = next(n for n, t in tables.items() if t["id"] == table)
        name = next(k for k, v in ids.items() if v == pid)
        expect(column(console, number).locator(".seat-chip", has_text=name)).to_have_count(1)

    # Settings: others visible, 共感 per table.
    console.get_by_label("ほかのテーブルを見られる").check()
    console.get_by_label("テーブルごと").check()
    fac.run(fac.client.wait_for(lambda b: (b.workshop.get("settings") or {}).get(
        "others_visible") is True and (b.workshop.get("settings") or {}).get(
        "vote_scope") == "table"))
    shot(console, "tables-round-2")
    assert pages.problems == []


# Whether the console's countdown has been seen running (since __sawRunning was reset), and
# (RAN_THEN_ENDED) is now over: polled in the page on every animation frame.
SAW_RUNNING = """() => {
  if (document.getElementById('timer').getAttribute('data-state') === 'running') {
    window.__sawRunning = true;
  }
  return window.__sawRunning === true;
}"""
RAN_THEN_ENDED = """() => {
  const state = document.getElementById('timer').getAttribute('data-state');
  if (state === 'running') { window.__sawRunning = true; }
  return window.__sawRunning === true && state === 'over';
}"""


def test_one_tables_board_and_sharing_back_move_the_projector(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, fac, ids = room(live, steer, PEOPLE[:6])
    fac.cmd("make_tables", count=3, by="mixed")
    tables = tables_by_number(fac)
    # A note from someone at each table.
    texts: dict[int, str] = {}
    for n in (1, 2, 3):
        pid = str(tables[n]["seats"][0]["id"])
        phone = fac.phones[list(ids.values()).index(pid)]
        texts[n] = f"{n}班の付箋です"
        fac.send(phone, "post_note", kind="wish", text=texts[n])
    console = open_tables(pages, live, code, 6)
    # Notes belong to the tables now: they are not offered to be made again.
    expect(column(console, 3)).to_be_visible()
    expect(console.locator("#make-tables")).to_be_hidden()

    # One table's board: the sorting workspace shows table 2's notes only.
    column(console, 2).get_by_role("button", name="2班の付箋とテーマを開く").click()
    expect(console.locator("#view-themes")).to_be_visible()
    filt = console.locator("#themes-table-filter")
    expect(filt.get_by_role("button", name="2班", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    expect(console.locator("#unsorted-list .sort-card")).to_have_count(1, timeout=LIVE)
    expect(console.locator("#unsorted-list")).to_contain_text(texts[2])
    # A theme made there is table 2's, and the note dropped on it goes in.
    console.get_by_label("テーマの名前").fill("駅前の話")
    console.get_by_role("button", name="空のテーマをつくる").click()
    fac.run(fac.client.wait_for(lambda b: any(
        t["title"] == "駅前の話" and t.get("table") == tables[2]["id"]
        for t in b.items("themes").values())))
    expect(console.locator("#theme-cols .theme-col")).to_have_count(1, timeout=LIVE)
    console.locator("#unsorted-list .chip-select").click()
    console.locator("#theme-targets .theme-target").click()
    expect(console.locator("#theme-cols .theme-col .sort-card")).to_have_count(1, timeout=LIVE)
    # Shown on the projector from there.
    filt.get_by_role("button", name="2班をプロジェクターに大きく映す").click()
    fac.run(fac.client.wait_for(lambda b: b.workshop.get("focus") == {
        "kind": "table", "id": tables[2]["id"]}))
    # All tables side by side again: every note, each with its table.
    filt.get_by_role("button", name="すべてのテーブル").click()
    expect(console.locator("#unsorted-list .sort-card")).to_have_count(2)
    expect(console.locator("#unsorted-list .chip-table")).to_have_text(["1班", "3班"])
    expect(console.locator("#theme-cols .sort-card .chip-table")).to_have_text(["2班"])
    expect(console.locator("#theme-cols .theme-table")).to_have_text(["2班"])  # its theme
    shot(console, "tables-board-all")

    # Every table side by side with its notes, in the panel.
    console.get_by_role("tab", name="テーブル").click()
    console.get_by_label("付箋も並べて見る").check()
    for n in (1, 2, 3):
        expect(column(console, n).locator(".table-notes .note-text")).to_have_text(texts[n])
    shot(console, "tables-side-by-side")

    # 全体共有: 前へ・次へ move the projector's focus table by table.
    sharing = console.locator("#sharing-box")
    expect(sharing).to_contain_text("映しているのは 2班（2/3）")
    sharing.get_by_role("button", name="次のテーブル").click()
    fac.run(fac.client.wait_for(lambda b: (b.workshop.get("focus") or {}).get(
        "id") == tables[3]["id"]))
    expect(sharing).to_contain_text("映しているのは 3班（3/3）")
    # At the last table the next thing is the whole room again.
    expect(sharing.get_by_role("button", name="次のテーブル")).to_have_count(0)
    expect(sharing.get_by_role("button", name="全体の表示に戻す")).to_be_visible()
    sharing.get_by_role("button", name="前のテーブル").click()
    sharing.get_by_role("button", name="前のテーブル").click()
    fac.run(fac.client.wait_for(lambda b: (b.workshop.get("focus") or {}).get(
        "id") == tables[1]["id"]))
    expect(sharing).to_contain_text("映しているのは 1班（1/3）")

    # The timer per table moves on by itself when time is up (a short one: 0.05 minutes,
    # three seconds; the test waits for the focus to move, not for a time). Nonsense first.
    minutes = sharing.get_by_label("1テーブルの時間（分）")
    minutes.fill("0")
    sharing.get_by_role("button", name="タイマーをかける").click()
    expect(sharing.locator("[role=alert]")).to_have_text(
        f"1テーブルの時間を、{limits.TIMER_MAX_SECS // 60}分までで入れてください（0.5なら30秒）。")
    expect(minutes).to_be_focused()
    sharing.get_by_label("1テーブルの時間（分）").fill("0.05")
    sharing.get_by_label("時間が来たら次へ").check()
    expect(sharing).to_contain_text("この画面が次のテーブルを映して")
    console.evaluate("() => { window.__sawRunning = false; }")
    sharing.get_by_role("button", name="タイマーをかける").click()
    # It runs: seen in the page on every frame, since it runs three seconds only (this
    # thread's expect() polls once a second and the event may reach the page late).
    console.wait_for_function(SAW_RUNNING, timeout=LIVE)
    shot(console, "tables-sharing")
    fac.run(fac.client.wait_for(lambda b: (b.workshop.get("focus") or {}).get(
        "id") == tables[2]["id"]))
    expect(sharing).to_contain_text("映しているのは 2班（2/3）")

    # Two consoles: a second one saw table 2's countdown run; after it ended someone else
    # put table 1 on the projector. Ticking 「時間が来たら次へ」 there now must not move on
    # from table 1: a console moves on only from the table whose countdown ended (else two
    # consoles that both saw the end would go two tables on).
    sharing.get_by_label("時間が来たら次へ").uncheck()
    # Table 2's own three seconds end first (nothing moves on from them now), and the second
    # console is open before the countdown it is to see: opened while table 2's ran, it had
    # to load and draw within those three seconds, and a loaded machine took two of them.
    expect(console.locator("#timer")).to_have_attribute("data-state", "over", timeout=LIVE)
    other = pages.open(LAPTOP, "second console")
    other.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    other.get_by_role("tab", name="テーブル").click()
    expect(other.locator("#timer")).to_have_attribute("data-state", "over", timeout=LIVE)
    other.evaluate("() => { window.__sawRunning = false; }")
    fac.cmd("start_timer", seconds=3)  # table 2's countdown, which the second console sees
    # Watched in the page on every frame (not by this thread, which may be slower than the
    # three seconds): it ran, then ended.
    other.wait_for_function(RAN_THEN_ENDED, timeout=LIVE)
    fac.cmd("set_focus", kind="table", id=tables[1]["id"])
    other_box = other.locator("#sharing-box")
    expect(other_box).to_contain_text("映しているのは 1班（1/3）", timeout=LIVE)
    other_box.get_by_label("時間が来たら次へ").check()
    # Time passing, not a wait for something: three of the box's half-second ticks. (It can
    # only pass wrongly, on a page too slow to tick; never fail because of the machine.)
    other.wait_for_timeout(1500)
    assert fac.client.board.workshop["focus"] == {"kind": "table", "id": tables[1]["id"]}
    expect(other_box).to_contain_text("映しているのは 1班（1/3）")
    assert pages.problems == []


def test_by_hand_a_finger_seats_someone_without_a_phone(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    """Tables made by hand start empty: everyone is in 席なし, the person without a phone
    marked so; a finger drags them by the grip to table 1 (a finger elsewhere on a chip
    scrolls), and the mouse drags someone back to 席なし."""
    code, fac, ids = room(live, steer, PEOPLE[:3])
    proxy = fac.cmd("add_proxy", name="田中 一郎", attribute="町内会・自治会", show_name=False)
    ids["田中 一郎"] = str(proxy["participant_id"])
    console = pages.open({**LAPTOP, "has_touch": True}, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#people .person")).to_have_count(4)
    console.get_by_role("tab", name="テーブル").click()
    make = console.locator("#make-tables")
    make.get_by_label("1テーブルの人数").check()
    make.get_by_label("手で決める").check()
    make.get_by_label("数", exact=True).fill(str(limits.PER_TABLE_MIN - 1))
    make.get_by_role("button", name="テーブルを作る").click()
    expect(make.locator("[role=alert]")).to_have_text(
        f"1テーブルの人数を、{limits.PER_TABLE_MIN}から{limits.PER_TABLE_MAX}までの整数で"
        "入れてください。")
    expect(make.get_by_label("数", exact=True)).to_be_focused()
    make.get_by_label("数", exact=True).fill("2")
    make.get_by_role("button", name="テーブルを作る").click()
    expect(console.locator("#table-cols .table-col:not(.unseated-col)")).to_have_count(
        2, timeout=LIVE)
    unseated = console.locator("#table-cols .unseated-col")
    expect(unseated.locator(".seat-chip")).to_have_count(4)
    tanaka = unseated.locator(".seat-chip", has_text="田中 一郎")
    expect(tanaka.locator(".tag-proxy")).to_have_text("スマホなし")
    # A person without a phone cannot host a table: no button for them.
    expect(tanaka.get_by_role("button")).to_have_count(1)  # only the chip's own

    quiet(console)
    grip, target = box(tanaka.locator(".seat-grip")), box(column(console, 1))
    cdp = console.context.new_cdp_session(console)
    x0, y0 = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    x1, y1 = target["x"] + target["width"] / 2, target["y"] + 30
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": x0, "y": y0}]})
    for i in range(1, 13):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x0 + (x1 - x0) * i / 12, "y": y0 + (y1 - y0) * i / 12}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(column(console, 1).locator(".seat-chip", has_text="田中 一郎")).to_have_count(
        1, timeout=LIVE)
    table_1 = tables_by_number(fac)[1]["id"]
    fac.run(fac.client.wait_for(lambda _: seats(fac).get(ids["田中 一郎"]) == table_1))
    expect(console.locator("#people .person", has_text="田中 一郎")).to_contain_text("1班")

    # The mouse takes someone to table 2, then back to 席なし.
    someone = unseated.locator(".seat-chip").first
    name = someone.locator(".seat-name").inner_text()
    for to in (column(console, 2), unseated):
        quiet(console)
        a, b = box(console.locator(".seat-chip", has_text=name).locator(".seat-name")), box(to)
        console.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
        console.mouse.down()
        console.mouse.move(b["x"] + 20, b["y"] + b["height"] / 2, steps=10)
        console.mouse.up()
        expect(to.locator(".seat-chip", has_text=name)).to_have_count(1, timeout=LIVE)
    fac.run(fac.client.wait_for(lambda _: ids[name] not in seats(fac)))
    # A name like markup stays text: in its box, in 全体共有's words, as an accessible name.
    markup = "<b>x</b><img src=x>"
    fac.cmd("name_table", table_id=table_1, name=markup)
    expect(column(console, 1).get_by_label("1班の名前")).to_have_value(markup, timeout=LIVE)
    expect(console.locator("#sharing-box").get_by_role("button", name=f"1班 {markup}を映す")
           ).to_have_count(1)
    assert console.locator("#view-tables b, #view-tables img").count() == 0
    shot(console, "tables-by-hand")
    assert pages.problems == []


def test_a_sharing_step_opens_the_sharing_workspace(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    """The world-café program: at its 全体共有 step the console's workspace is the sharing
    box, whose buttons put one table after another on the projector."""
    code, fac, _ = room(live, steer, PEOPLE, program="world-cafe")
    screen = pages.open(PROJECTOR, "projector")
    screen.goto(f"{live.base}/w/{code}/screen")
    fac.cmd("make_tables", count=2, by="mixed")
    table_1 = tables_by_number(fac)[1]
    theme = fac.cmd("create_theme", title="雪かきの助け合い", table_id=table_1["id"])
    fac.cmd("write_proposal", theme_id=theme["theme_id"], aim="冬の朝に声をかけ合う", ideas=[])
    console = open_tables(pages, live, code, len(PEOPLE))
    expect(column(console, 2).locator(".seat-chip")).to_have_count(6, timeout=LIVE)
    steps = console.locator("#stepper .step-button")
    sharing_step = next(i for i, s in enumerate(fac.client.board.workshop["program"]["steps"])
                        if s["view"] == "sharing")
    steps.nth(sharing_step).click()
    view = console.locator("#view-sharing")
    expect(view).to_be_visible(timeout=LIVE)
    expect(console.get_by_role("tab", name=re.compile("全体共有"))).to_have_attribute(
        "aria-selected", "true")
    box_ = view.locator("#sharing-box")
    expect(box_).to_contain_text("いまはテーブルを映していません。")
    work = box(view.locator("[data-work]"))
    assert work["y"] < 200, work
    expect(view.locator("#sharing-table")).to_be_empty()
    box_.get_by_role("button", name="最初のテーブルを映す").click()
    tables = tables_by_number(fac)
    fac.run(fac.client.wait_for(lambda b: b.workshop.get("focus") == {
        "kind": "table", "id": tables[1]["id"]}))
    expect(box_).to_contain_text("映しているのは 1班（1/2）")
    expect(screen.get_by_text("全体共有 1/2")).to_be_visible()  # the projector follows
    shown = view.locator("#sharing-table")
    expect(shown.locator(".shown-title")).to_have_text("1班")
    expect(shown).to_contain_text("6人・付箋 0枚・テーマ 1")
    expect(shown.locator(".shown-themes li")).to_contain_text(
        ["雪かきの助け合い 付箋 0枚計画案のねらい: 冬の朝に声をかけ合う"])
    box_.get_by_role("button", name="2班を映す").click()
    fac.run(fac.client.wait_for(lambda b: (b.workshop.get("focus") or {}).get(
        "id") == tables[2]["id"]))
    expect(box_.get_by_role("button", name="2班を映す")).to_have_attribute(
        "aria-pressed", "true")
    expect(screen.get_by_text("全体共有 2/2")).to_be_visible()
    shot(screen, "projector-sharing")
    shot(console, "tables-sharing-step")
    assert_accessible(console, "the sharing workspace")
    # Leaving the 全体共有 step gives the projector back to the whole room.
    console.locator("#step-next").click()
    fac.run(fac.client.wait_for(lambda b: b.workshop.get("focus") is None and b.workshop.get(
        "step") == fac.client.board.workshop["program"]["steps"][sharing_step + 1]["id"]))
    expect(screen.get_by_text("全体共有 2/2")).to_have_count(0)
    # The next step's proposals say which table wrote each.
    card = console.locator("#proposals .proposal-card", has_text="雪かきの助け合い")
    expect(card.locator(".chip-table")).to_have_text("1班")
    assert pages.problems == []
