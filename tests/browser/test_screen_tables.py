"""The projector when the room works at tables (班, issue 14), in real Chromium against the
real server: the seating when tables are made, the grid of tables readable at 1024×768 with
3 and with 8 tables (no text under 20 px, measured on every visible text node, and nothing
outside its cell), one table large when the facilitator focuses it, step 3's proposals
marked with their tables, the 全体共有 step going through the tables one at a time as the
focus moves, a new round's seating, more tables than a screen holds, tables made from the
themes.

People are entered by the facilitator (add_proxy: people without phones) and their notes by
代理入力 (proxy_for), so that 40 people need no 40 sockets; the table hosts are real phones.
Screenshots go to artifacts/screenshots/ (and /tmp/screen14/ when that folder exists).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LIVE, SCREENSHOTS, Pages
from tests.browser.drive import Facilitator, demo, quiet, run_hub
from tests.browser.test_accessibility import assert_accessible
from tests.support import Client, LiveServer
from yoriai.facilitation import limits
from yoriai.facilitation.model import ATTRIBUTES
from yoriai.facilitation.program import bundled_program, default_program
from yoriai.server.demo import create_demo
from yoriai.server.hub import Hub

pytestmark = pytest.mark.browser

XGA = {"viewport": {"width": 1024, "height": 768}}  # the centre's projector
FULL_HD = {"viewport": {"width": 1920, "height": 1080}}
# The smallest text on the projector at 1024×768 (test_screen_readable.py: 2% of the width).
MIN_PX = 20.0
EXTRA_SHOTS = Path("/tmp/screen14")

FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
          "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水"]
GIVEN = ["花子", "太郎", "美咲", "健一"]
NOTES = [
    ("charm", "川沿いの桜並木が春になると本当にきれいで、散歩する人が多い"),
    ("issue", "夜の通学路が暗くて、子どもが一人で帰るのが心配です"),
    ("wish", "空き家を使って、誰でも立ち寄れる居場所をつくりたい"),
    ("charm", "朝市"),
    ("issue", "回覧板が回るのが遅くて、行事の知らせが間に合わないことがある"),
    ("wish", "多世代で一緒に防災訓練をしたい"),
]

# Every visible text node: its computed font size, its box (the element that holds it: a
# clamped line's hidden rest is not drawn), whether it lies on the screen, and — inside a
# table's cell or sheet — whether it lies inside that cell and is not cut by a box between.
# Not drawn: hidden ([hidden], display none, no box), invisible, transparent, or for screen
# readers only (.visually-hidden).
TEXTS = """() => {
  const W = window.innerWidth, H = window.innerHeight, out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const inside = (r, b) => r.left >= b.left - 1 && r.top >= b.top - 1 &&
    r.right <= b.right + 1 && r.bottom <= b.bottom + 1;
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.textContent.trim()) continue;
    const e = n.parentElement;
    if (!e || e.closest('script, style, template, svg, [hidden], .visually-hidden')) continue;
    if (!e.getClientRects().length) continue;
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden') continue;
    let clear = false;
    for (let p = e; p; p = p.parentElement) {
      if (getComputedStyle(p).opacity === '0') { clear = true; break; }
    }
    if (clear) continue;
    const r = e.getBoundingClientRect();
    const cell = e.closest('.table-cell, .table-sheet');
    let out_of_cell = null;
    if (cell) {
      const c = cell.getBoundingClientRect();
      if (!inside(r, c)) out_of_cell = 'outside its cell';
      for (let p = e.parentElement; p && p !== cell && !out_of_cell; p = p.parentElement) {
        if (getComputedStyle(p).overflow !== 'visible' && !inside(r, p.getBoundingClientRect())) {
          out_of_cell = 'cut by ' + p.className;
        }
      }
    }
    out.push({size: parseFloat(style.fontSize), text: n.textContent.trim().slice(0, 24),
              cls: String(e.className), on_screen: inside(r, {left: 0, top: 0, right: W,
              bottom: H}), cell: cell ? cell.getAttribute('data-table-id') : null,
              problem: out_of_cell});
  }
  return out;
}"""

# The cells shown: their table, box, and whether any two overlap or one leaves the board.
CELLS = """() => {
  const board = document.getElementById('board').getBoundingClientRect();
  const cells = Array.from(document.querySelectorAll('#view-tables .table-cell'))
    .filter(c => c.getClientRects().length && !c.closest('[hidden]'));
  const boxes = cells.map(c => c.getBoundingClientRect());
  const problems = [];
  boxes.forEach((b, i) => {
    if (b.left < board.left - 1 || b.top < board.top - 1 || b.right > board.right + 1 ||
        b.bottom > board.bottom + 1) problems.push('off the board: ' + i);
    if (cells[i].scrollHeight > cells[i].clientHeight + 1 ||
        cells[i].scrollWidth > cells[i].clientWidth + 1) problems.push('overflows: ' + i);
    boxes.forEach((o, j) => {
      if (j > i && b.left < o.right - 1 && o.left < b.right - 1 && b.top < o.bottom - 1 &&
          o.top < b.bottom - 1) problems.push('overlap: ' + i + ' ' + j);
    });
  });
  return {ids: cells.map(c => c.getAttribute('data-table-id')), problems: problems};
}"""


def sharing_program() -> dict[str, Any]:
    """The default five steps with a 全体共有 step (view "sharing") after the themes."""
    program = default_program().to_dict()
    steps = program["steps"]
    at = next(i for i, s in enumerate(steps) if s["id"] == "companions") + 1
    steps.insert(at, {"id": "sharing", "label": {"ja": "全体で共有しよう", "en": "Share"},
                      "prompt": {"ja": "各テーブルの話し合いを全体で聞きましょう。",
                                 "en": "Each table tells the room."},
                      "opens": [], "view": "sharing"})
    program["id"] = "tables-test"
    return program


def workshop(live: LiveServer) -> str:
    async def make(hub: Hub) -> str:
        return await hub.create_workshop("西部地域 テーブルで話そう", "西部",
                                         program=sharing_program())

    return run_hub(live, make)


def send(fac: Facilitator, name: str, /, **args: Any) -> dict[str, Any]:
    """A command from the console, sent again a moment later when told to slow down."""
    reply = fac.run(fac.client.cmd_patiently(name, **args))
    assert reply["type"] == "ack", reply
    return dict(reply.get("result") or {})


def seat_people(fac: Facilitator, count: int) -> list[str]:
    """``count`` people without phones; every fourth does not show their name."""
    pids = []
    for i in range(count):
        name = FAMILY[i % len(FAMILY)] + ("" if i < len(FAMILY) else GIVEN[i // len(FAMILY)])
        result = send(fac, "add_proxy", name=name, attribute=ATTRIBUTES[i % len(ATTRIBUTES)],
                      show_name=i % 4 != 3)
        pids.append(str(result["participant_id"]))
    return pids


def write_notes(fac: Facilitator, pids: list[str], each: int) -> None:
    for i, pid in enumerate(pids):
        for j in range(each):
            kind, text = NOTES[(i + j) % len(NOTES)]
            send(fac, "post_note", kind=kind, text=text, proxy_for=pid)


def projector(pages: Pages, live: LiveServer, code: str, device: dict[str, Any],
              name: str) -> Page:
    page = pages.open(device, name)
    page.goto(f"{live.base}/w/{code}/screen")
    page.wait_for_function("() => document.getElementById('screen').hasAttribute('data-fit')")
    return page


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The full-screen button sleeps after a few seconds (screen-join.js): not in the picture.
    page.wait_for_selector("#screen-tools.is-asleep", state="attached", timeout=LIVE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    if EXTRA_SHOTS.is_dir():
        page.screenshot(path=str(EXTRA_SHOTS / f"{name}.png"))


def readable(page: Page, where: str) -> float:
    """Every visible text node at least MIN_PX (at 1024×768; the floor scales with the
    width), on the screen, and inside its table's cell uncut; returns the smallest size."""
    quiet(page)
    texts = page.evaluate(TEXTS)
    assert texts, f"{where}: no text drawn"
    width = page.viewport_size["width"] if page.viewport_size else 1024
    floor = MIN_PX * width / 1024
    least = min(texts, key=lambda t: t["size"])
    assert least["size"] >= floor - 0.05, f"{where}: text of {least['size']}px: {least}"
    assert [t for t in texts if not t["on_screen"]] == [], f"{where}: text off the screen"
    cut = [(t["text"], t["cls"], t["problem"]) for t in texts if t["problem"]]
    assert cut == [], f"{where}: text out of its cell: {cut}"
    return float(least["size"])


def grid_fits(page: Page, where: str) -> list[str]:
    cells = page.evaluate(CELLS)
    assert cells["problems"] == [], f"{where}: {cells['problems']}"
    return list(cells["ids"])


def tables_of(fac: Facilitator) -> list[dict[str, Any]]:
    return sorted(fac.items("tables"), key=lambda t: int(t["number"]))


def cell(page: Page, table_id: str) -> Any:
    return page.locator(f'#view-tables .table-cell[data-table-id="{table_id}"]')


def shows_people(page: Page, table: dict[str, Any]) -> None:
    """The table's cell names the people who agreed, the host first, in seat order, as many
    as fit, and counts the rest with those who did not agree (「ほか n名」)."""
    host = table["host_name"]
    names = list(table["names"])
    if host in names:
        names.remove(host)
    expected = ([host] if host else []) + names
    here = cell(page, table["id"])
    shown = here.locator(".seat-person:not([hidden]) .seat-name").all_inner_texts()
    assert shown == expected[:len(shown)], (shown, table)
    rest = len(expected) - len(shown) + int(table["others"])
    if len(shown) < len(expected):
        expect(here.locator(".table-people > .fit-more")).to_have_text(f"ほか {rest}名")
    elif rest:
        expect(here.locator(".seat-others")).to_have_text(f"ほか {rest}名")
    else:
        expect(here.locator(".seat-others, .table-people > .fit-more")).to_have_count(0)


def test_three_tables_seating_grid_focus_sharing_and_a_new_round(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = workshop(live)
    fac = steer(live, code)
    pids = seat_people(fac, 12)
    page = projector(pages, live, code, XGA, "tables-xga")
    wide = projector(pages, live, code, FULL_HD, "tables-1080")
    send(fac, "set_step", step="confirm")
    # Two notes before there are tables: the room's, not a table's.
    write_notes(fac, pids[:2], 1)
    for p in (page, wide):  # no tables: the board of today
        expect(p.locator("#view-confirm")).to_be_visible(timeout=LIVE)
        expect(p.locator("#view-confirm .note")).to_have_count(2)
        expect(p.locator("#view-tables")).to_be_hidden()
    # A 全体共有 step without tables shares the proposals, as step 3's board does.
    send(fac, "set_step", step="sharing")
    expect(page.locator("#view-activity")).to_be_visible(timeout=LIVE)
    expect(page.locator("#view-sharing")).to_be_hidden()
    send(fac, "set_step", step="confirm")
    expect(page.locator("#view-confirm")).to_be_visible(timeout=LIVE)

    # Tables made: who sits where, until the room gets to work.
    send(fac, "make_tables", count=3, by="mixed")
    for p in (page, wide):
        expect(p.locator("#view-tables")).to_have_attribute("data-mode", "seating",
                                                            timeout=LIVE)
        expect(p.locator("#view-confirm")).to_be_hidden()
    tables = tables_of(fac)
    assert len(tables) == 3
    # The longest name, with markup in it: shown as it is, beside the number, inside the cell.
    name = ("<b>駅前</b>みどりと公園の会" + "の" * limits.TABLE_NAME_MAX_CHARS)[
        :limits.TABLE_NAME_MAX_CHARS]
    send(fac, "name_table", table_id=tables[0]["id"], name=name)
    expect(cell(page, tables[0]["id"]).locator(".table-name")).to_have_text(name, timeout=LIVE)
    expect(page.locator("#view-tables b")).to_have_count(0)
    tables = tables_of(fac)
    expect(page.locator("#view-tables .seating-round")).to_have_text("席の割り当て")
    sizes = {"seating": readable(page, "seating, 3 tables")}
    readable(wide, "seating at 1920")
    assert grid_fits(page, "seating") == [t["id"] for t in tables]
    for table in tables:
        expect(cell(page, table["id"]).locator(".table-number")).to_have_text(
            f"{table['number']}班")
        shows_people(page, table)
    assert any(t["others"] for t in tables)  # somebody's name is not shown, only counted
    assert_accessible(page, "the seating")
    shoot(page, "tables-seating-3-1024")
    shoot(wide, "tables-seating-3-1920")

    # The first notes at the tables: the grid, each table's counts by kind.
    write_notes(fac, pids, 3)
    for p in (page, wide):
        expect(p.locator("#view-tables")).to_have_attribute("data-mode", "grid", timeout=LIVE)
    notes = fac.items("notes")
    for table in tables:
        own = [n for n in notes if n.get("table") == table["id"]]
        assert own, table
        for kind in ("charm", "issue", "wish"):
            expect(cell(page, table["id"]).locator(f'.kind-count[data-kind="{kind}"] .kind-n')
                   ).to_have_text(str(sum(1 for n in own if n["kind"] == kind)))
        shows_people(page, table)
    sizes["grid"] = readable(page, "grid, 3 tables")
    readable(wide, "grid at 1920")
    # The notes from before the tables are the room's: a cell of their own, after the tables.
    assert grid_fits(page, "grid") == [t["id"] for t in tables] + [""]
    room = page.locator('#view-tables .room-cell')
    expect(room.locator(".table-number")).to_have_text("全体")
    expect(room.locator(".kind-n")).to_have_text(
        [str(sum(1 for n in notes if not n.get("table") and n["kind"] == kind))
         for kind in ("charm", "issue", "wish")])
    assert_accessible(page, "the tables grid")
    shoot(page, "tables-grid-3-1024")
    shoot(wide, "tables-grid-3-1920")

    # One table large over the board.
    second = tables[1]
    send(fac, "set_focus", kind="table", id=second["id"])
    for p in (page, wide):
        sheet = p.locator(f'#focus .focus-table[data-table-id="{second["id"]}"]')
        expect(sheet).to_be_visible(timeout=LIVE)
        expect(sheet.locator(".sheet-head .table-number")).to_have_text("2班")
    own = [n for n in notes if n.get("table") == second["id"]]
    for kind in ("charm", "issue", "wish"):
        expect(page.locator(f"#focus .sheet-kind.kind-{kind} .count")).to_have_text(
            f"付箋 {sum(1 for n in own if n['kind'] == kind)}枚")
    box = page.locator("#focus .focus-table").bounding_box()
    board = page.locator("#board").bounding_box()
    assert box and board and box["width"] >= 0.9 * board["width"], (box, board)
    sizes["focus"] = readable(page, "one table large")
    shoot(page, "tables-focus-1024")
    shoot(wide, "tables-focus-1920")
    send(fac, "set_focus", kind=None)
    expect(page.locator("#focus")).to_be_hidden(timeout=LIVE)

    # Each table's host (a phone) makes a theme of their table and writes its proposal.
    hosts: list[Client] = []
    for table in tables:
        host = Client(live, code)
        fac.phones.append(host)  # closed with the console
        fac.run(host.connect())
        joined = fac.run(host.join(name=f"進行{table['number']}", show_name=True))
        send(fac, "set_table_host", table_id=table["id"],
             participant_id=joined["result"]["participant_id"])
        hosts.append(host)
    for table, host in zip(tables, hosts, strict=True):
        theme = fac.send(host, "create_theme", title=f"{table['number']}班のテーマ")
        fac.send(host, "write_proposal", theme_id=theme["theme_id"],
                 aim=f"{table['number']}班の目指すこと：空き家を週一回の居場所にする",
                 ideas=["和室を土曜に開く", "見守り当番を回す"])

    # Step 3 is the room's proposals board (the priority vote is the room's), each proposal
    # marked with its table.
    send(fac, "set_step", step="activity")
    for p in (page, wide):
        expect(p.locator("#view-activity")).to_be_visible(timeout=LIVE)
        expect(p.locator("#view-tables")).to_be_hidden()
    for table in tables:
        card = page.locator(".proposal-card", has_text=f"{table['number']}班のテーマ")
        expect(card.locator(".table-badge")).to_have_text(f"{table['number']}班")
    sizes["proposals"] = readable(page, "proposals of the tables")
    shoot(page, "tables-proposals-1024")

    # 全体共有: the first table, then each table the facilitator moves on to.
    send(fac, "set_step", step="sharing")
    for n, table in enumerate(tables, start=1):
        if n > 1:
            send(fac, "set_focus", kind="table", id=table["id"])
        for p in (page, wide):
            view = p.locator("#view-sharing")
            expect(view).to_have_attribute("data-table-id", table["id"], timeout=LIVE)
            expect(view.locator(".sharing-tag")).to_have_text(f"全体共有 {n}/3")
            expect(view.locator(".sheet-head .table-number")).to_have_text(f"{n}班")
            expect(view.locator(".panel-proposals .card-title")).to_have_text(
                f"{n}班のテーマ")
            expect(view.locator(".panel-proposals .aim")).to_contain_text(f"{n}班の目指すこと")
        expect(page.locator("#focus")).to_be_hidden()  # the board is the table itself
        sizes[f"sharing {n}"] = readable(page, f"sharing table {n}")
        shoot(page, f"tables-sharing-{n}-1024")
    shoot(wide, "tables-sharing-3-1920")
    assert_accessible(page, "全体共有")

    # A new round: everyone but the hosts moves; the seating says so.
    send(fac, "set_focus", kind=None)
    send(fac, "set_step", step="companions")
    send(fac, "start_round")
    expect(page.locator("#view-tables")).to_have_attribute("data-mode", "seating", timeout=LIVE)
    expect(page.locator("#view-tables .seating-round")).to_have_text("第2ラウンドの席")
    for table in tables_of(fac):
        shows_people(page, table)
    sizes["round 2"] = readable(page, "round 2 seating")
    shoot(page, "tables-round2-1024")
    # A step is not moving on (a program's round step comes just before or after the round).
    send(fac, "set_step", step="confirm")
    expect(page.locator("#step-title")).to_have_text("確かめてみよう", timeout=LIVE)
    quiet(page)
    expect(page.locator("#view-tables")).to_have_attribute("data-mode", "seating")
    send(fac, "set_step", step="companions")
    expect(page.locator("#step-title")).to_have_text("仲間を増やそう", timeout=LIVE)
    quiet(page)
    expect(page.locator("#view-tables")).to_have_attribute("data-mode", "seating")
    # The facilitator moves on (a table shown large, and back): the tables' themes.
    send(fac, "set_focus", kind="table", id=tables[0]["id"])
    expect(page.locator("#focus .focus-table")).to_be_visible(timeout=LIVE)
    send(fac, "set_focus", kind=None)
    expect(page.locator("#focus")).to_be_hidden(timeout=LIVE)
    expect(page.locator("#view-tables")).to_have_attribute("data-mode", "grid", timeout=LIVE)
    for table in tables:
        expect(cell(page, table["id"]).locator(".theme-line-title")).to_have_text(
            f"{table['number']}班のテーマ")
    # 共感 at the tables: each table's notes with the most, counted.
    first = tables[0]
    voted = next(n for n in fac.items("notes") if n.get("table") == first["id"])
    send(fac, "cast_vote", note_id=voted["id"], proxy_for=pids[0])
    quiet(page)
    expect(page.locator("#view-tables .mini-votes")).to_have_count(0)  # counts hidden
    send(fac, "set_vote_settings", votes_visible=True)
    line = cell(page, first["id"]).locator(f'.mini-note[data-note-id="{voted["id"]}"]')
    expect(line.locator(".mini-votes")).to_have_text("1票", timeout=LIVE)
    sizes["themes grid"] = readable(page, "themes by table")
    shoot(page, "tables-themes-1024")
    print("smallest text at 1024x768:", sizes)
    assert pages.problems == []


def test_eight_tables_of_forty_people_read_at_1024x768(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = workshop(live)
    fac = steer(live, code)
    pids = seat_people(fac, 40)
    # The widest name there may be (full-width letters, no place to break): still in its cell.
    send(fac, "add_proxy", name="Ｗ" * limits.NAME_MAX_CHARS, attribute=ATTRIBUTES[0],
         show_name=True)
    page = projector(pages, live, code, XGA, "tables8-xga")
    wide = projector(pages, live, code, FULL_HD, "tables8-1080")
    send(fac, "set_step", step="confirm")
    send(fac, "make_tables", count=8, by="mixed")
    expect(page.locator("#view-tables")).to_have_attribute("data-mode", "seating", timeout=LIVE)
    tables = tables_of(fac)
    assert len(tables) == 8
    sizes = {"seating": readable(page, "seating, 8 tables")}
    assert grid_fits(page, "seating, 8 tables") == [t["id"] for t in tables]
    shoot(page, "tables-seating-8-1024")
    shoot(wide, "tables-seating-8-1920")
    send(fac, "start_timer", seconds=900)  # the facilitator moves on: the tables' board
    for p in (page, wide):
        expect(p.locator("#view-tables")).to_have_attribute("data-mode", "grid", timeout=LIVE)

    write_notes(fac, pids, 3)  # 120 notes, 15 a table
    expect(page.locator("#view-tables")).to_have_attribute("data-mode", "grid", timeout=LIVE)
    notes = fac.items("notes")
    for p, where in ((page, "1024"), (wide, "1920")):
        for table in tables:  # every note has reached the projector: each table's counts
            own = [n for n in notes if n.get("table") == table["id"]]
            expect(cell(p, table["id"]).locator(".kind-n")).to_have_text(
                [str(sum(1 for n in own if n["kind"] == kind))
                 for kind in ("charm", "issue", "wish")], timeout=LIVE)
        quiet(p)
        assert grid_fits(p, f"grid at {where}") == [t["id"] for t in tables]
        size = readable(p, f"grid of 8 at {where}")
        if where == "1024":
            sizes["grid"] = size
        # A cell shows what fits and says how many more: none silently lost.
        for table in tables:
            listed = cell(p, table["id"]).locator(".cell-notes > .mini-note:not([hidden])")
            more = cell(p, table["id"]).locator(".cell-notes > .fit-more")
            total = sum(1 for n in notes if n.get("table") == table["id"])
            if more.count():
                assert more.inner_text() == f"ほか {total - listed.count()}枚"
            else:
                assert listed.count() == total
    shoot(page, "tables-grid-8-1024")
    shoot(wide, "tables-grid-8-1920")
    print("smallest text at 1024x768, 8 tables:", sizes)
    assert pages.problems == []


# The tables shown now: the first's number, how many, the line counting the others.
SHOWN = """() => {
  const grid = document.querySelector('#view-tables .table-grid');
  const shown = Array.from(grid.querySelectorAll('.table-cell[data-table-id]'))
    .filter(c => !c.hidden).map(c => c.getAttribute('data-number'));
  const more = grid.querySelector('.tables-more');
  return [grid.getAttribute('data-first'), shown, more ? more.textContent : null];
}"""


def test_more_tables_than_a_screen_holds_are_shown_in_turn(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = workshop(live)
    fac = steer(live, code)
    seat_people(fac, 48)
    page = projector(pages, live, code, XGA, "tables24-xga")
    send(fac, "set_step", step="confirm")
    send(fac, "make_tables", count=24, by="mixed")
    expect(page.locator("#view-tables .tables-more")).to_be_visible(timeout=LIVE)
    quiet(page)
    start, shown, more = page.evaluate(SHOWN)
    # Never smaller than a readable cell: as many as fit but one, and 「ほか n つの班」.
    assert start == "0" and 4 <= len(shown) < 24, shown
    assert shown == [str(n) for n in range(1, len(shown) + 1)]
    assert more == f"ほか {24 - len(shown)}つの班"
    size = readable(page, "24 tables")
    shoot(page, "tables-seating-24-1024")
    seen = set(shown)
    while len(seen) < 24:  # the others come in turn (a state: the first shown moves on)
        page.wait_for_function(
            "s => document.querySelector('#view-tables .table-grid').getAttribute("
            "'data-first') !== s", arg=start, timeout=60_000)
        start, shown, more = page.evaluate(SHOWN)
        assert more == f"ほか {24 - len(shown)}つの班"
        first = int(shown[0])  # a page of tables in their order
        assert first == int(start) + 1 and shown == [str(n) for n in range(first,
                                                                             first + len(shown))]
        readable(page, "24 tables, turned")
        seen.update(shown)
    print("smallest text at 1024x768, 24 tables:", size)
    assert pages.problems == []


def test_tables_made_from_the_themes_carry_their_theme_and_its_notes(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = demo(live)  # 30 people, 120 notes, themes people joined
    fac = steer(live, code)
    page = projector(pages, live, code, XGA, "bythemes-xga")
    send(fac, "set_step", step="companions")
    send(fac, "make_tables", by="themes")  # the 輪 become the tables
    expect(page.locator("#view-tables")).to_have_attribute("data-mode", "seating", timeout=LIVE)
    send(fac, "start_timer", seconds=300)  # the facilitator moves on: the grid
    expect(page.locator("#view-tables")).to_have_attribute("data-mode", "grid", timeout=LIVE)
    themes = {t["id"]: t for t in fac.items("themes")}
    notes = fac.items("notes")
    tables = tables_of(fac)
    origins = {t["theme"] for t in tables}
    assert len(tables) > 1 and None not in origins
    for table in tables:
        theme = themes[table["theme"]]
        here = cell(page, table["id"])
        expect(here.locator(".table-origin-title")).to_have_text(theme["title"])
        expect(here.locator(".theme-line-title")).to_have_text([theme["title"]])
        own = [n for n in notes if n.get("theme") == theme["id"]]
        expect(here.locator(".kind-n")).to_have_text(
            [str(sum(1 for n in own if n["kind"] == kind)) for kind in ("charm", "issue", "wish")])
    # The room's cell keeps only what no table has: none of the themes that became tables.
    room_titles = page.locator("#view-tables .room-cell .theme-line-title").all_inner_texts()
    assert not {themes[i]["title"] for i in origins} & set(room_titles)
    size = readable(page, "tables by themes")
    shoot(page, "tables-bythemes-1024")
    print("smallest text at 1024x768, tables by themes:", size)
    assert pages.problems == []


def test_the_sample_evening_at_tables_reads_at_every_step(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    if "tables" not in inspect.signature(create_demo).parameters:  # `yoriai demo --tables`
        pytest.skip("no table variant of the sample evening in this build")
    code = run_hub(live, lambda hub: create_demo(hub, tables=True))
    fac = steer(live, code)
    page = projector(pages, live, code, XGA, "demo-tables-xga")
    wide = projector(pages, live, code, FULL_HD, "demo-tables-1080")
    sizes = {}
    for step in bundled_program("world-cafe").steps:
        send(fac, "set_step", step=step.id)
        for p, where in ((page, "1024"), (wide, "1920")):
            expect(p.locator("#step-title")).to_have_text(step.label["ja"], timeout=LIVE)
            size = readable(p, f"{step.id} at {where}")
            if where == "1024":
                sizes[step.id] = size
            if p.locator("#view-tables").is_visible():
                assert grid_fits(p, f"{step.id} at {where}")
            shoot(p, f"tables-demo-{step.id}-{where}")
    print("smallest text at 1024x768, the sample evening at tables:", sizes)
    assert pages.problems == []
