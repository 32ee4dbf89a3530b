"""The projector read from the back of a community-centre room (issue 11 item 2), in real
Chromium: on every step of the demo evening (30 people, 120 notes) at 1024×768, the usual
projector of a centre, no text under 20 px and none outside the screen; the role table's
words inside their cells; no app chrome (the top bar with its English name and connection
pill); and the join view — the QR code at least 60% of the screen's height, the address on
one line per host:port, the head count live — shown while nobody has joined and by the
console's 「参加受付」 (``show_join_view``), and gone again.

Screenshots of every step and of the join view at 1024×768 and 1920×1080 go to
artifacts/screenshots/ (and /tmp/screen11/ when that folder exists, for a person to look at).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LIVE, SCREENSHOTS, Pages
from tests.browser.drive import STEPS, Facilitator, demo, quiet, run_hub
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_screen import LAYOUT
from tests.support import LiveServer
from yoriai.facilitation import limits
from yoriai.facilitation.commands import COMMANDS
from yoriai.server.hub import Hub

pytestmark = pytest.mark.browser

XGA = {"viewport": {"width": 1024, "height": 768}}  # the centre's projector
HD = {"viewport": {"width": 1280, "height": 720}}
FULL_HD = {"viewport": {"width": 1920, "height": 1080}}
# The smallest text on the projector at 1024×768: 20 px is about 4 cm on a 2 m wide picture,
# which the rule of thumb (letters of 1/250 of the distance) reads from 10 m.
MIN_PX = 20.0
# The join QR code's share of the screen's height: scanned from the back rows.
QR_SHARE = 0.6
EXTRA_SHOTS = Path("/tmp/screen11")

# Every element with text of its own that is drawn: its font size, and whether it lies
# inside the screen. An element is "not drawn" when it or an ancestor is hidden, has no
# box, is invisible, or is the screen reader's only (.visually-hidden); everything else
# must be on the screen, whole.
TEXTS = """() => {
  const W = window.innerWidth, H = window.innerHeight, out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const own = Array.from(e.childNodes).filter(n => n.nodeType === 3)
      .map(n => n.textContent).join('').trim();
    if (!own || e.closest('script, style, template, svg, [hidden], .visually-hidden')) continue;
    const style = getComputedStyle(e);
    if (!e.getClientRects().length || style.visibility === 'hidden') continue;
    let clear = false;
    for (let p = e; p; p = p.parentElement) {
      if (getComputedStyle(p).opacity === '0') { clear = true; break; }
    }
    if (clear) continue;
    const r = e.getBoundingClientRect();
    out.push({size: parseFloat(style.fontSize), text: own.slice(0, 24),
              cls: String(e.className), inside: r.left >= -1 && r.top >= -1 &&
              r.right <= W + 1 && r.bottom <= H + 1});
  }
  return out;
}"""

# Cells of the role table whose words run past their edges.
SPILLS = """() => Array.from(document.querySelectorAll(
    '.role-table th, .role-table td, .role-table th *, .role-table td *'))
  .filter(e => e.getClientRects().length && !e.closest('.visually-hidden, [hidden]') &&
    e.scrollWidth > e.clientWidth + 1)
  .map(e => e.className + ' "' + (e.textContent || '').trim().slice(0, 20) + '"')"""


def projector(pages: Pages, live: LiveServer, code: str, device: dict[str, Any],
              name: str) -> Page:
    page = pages.open(device, name)
    page.goto(f"{live.base}/w/{code}/screen")
    page.wait_for_function("() => document.getElementById('screen').hasAttribute('data-fit')")
    return page


def settled(page: Page) -> None:
    page.wait_for_function("() => document.getElementById('screen').hasAttribute('data-fit')")
    quiet(page)


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    if EXTRA_SHOTS.is_dir():
        page.screenshot(path=str(EXTRA_SHOTS / f"{name}.png"))


def smallest(page: Page) -> tuple[float, str]:
    texts = page.evaluate(TEXTS)
    assert texts, "no text drawn at all"
    outside = [t for t in texts if not t["inside"]]
    assert outside == [], f"text off the screen: {outside}"
    least = min(texts, key=lambda t: t["size"])
    return least["size"], f'{least["cls"]} "{least["text"]}"'


def go(fac: Facilitator, page: Page, step: str) -> None:
    fac.cmd("set_step", step=step)
    expect(page.locator("#step-title")).to_have_text(STEPS[step], timeout=LIVE)
    expect(page.locator(f"#view-{step}")).to_be_visible(timeout=LIVE)
    settled(page)


def no_chrome(page: Page) -> None:
    """Nothing of the app's frame shows: no top bar, no brand, no connection pill."""
    for selector in (".topbar", ".brand", "#conn-status"):
        expect(page.locator(selector)).to_be_hidden()


def test_every_step_of_the_demo_is_read_from_the_back_at_1024x768(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = demo(live)
    fac = steer(live, code)
    page = projector(pages, live, code, XGA, "screen-xga")
    wide = projector(pages, live, code, FULL_HD, "screen-1080")
    sizes = {}
    for step in STEPS:
        for p in (page, wide):
            go(fac, p, step)
        no_chrome(page)
        size, what = smallest(page)
        sizes[step] = size
        assert size >= MIN_PX, f"{step}: text of {size}px: {what}"
        assert page.evaluate(LAYOUT) == []  # nothing cut in half or spilling, at 1024×768 too
        assert_accessible(page, f"projector at {step}, 1024x768")
        if step == "practice":
            assert page.evaluate(SPILLS) == []
            assert wide.evaluate(SPILLS) == []
        shoot(page, f"readable-{step}-1024")
        shoot(wide, f"readable-{step}-1920")
        if step == "companions":  # a theme put large over the board (the console's 注目)
            theme = fac.items("themes")[0]
            fac.cmd("set_focus", kind="theme", id=theme["id"])
            expect(page.locator(".focus-card .focus-title")).to_have_text(theme["title"],
                                                                          timeout=LIVE)
            quiet(page)
            size, what = smallest(page)
            assert size >= MIN_PX, f"focus: text of {size}px: {what}"
            assert page.evaluate(LAYOUT) == []
            shoot(page, "readable-focus-1024")
            fac.cmd("set_focus", kind=None)
            expect(page.locator("#focus")).to_be_hidden(timeout=LIVE)
    print("smallest text per step at 1024x768:", sizes)
    assert pages.problems == []


def empty_workshop(live: LiveServer,
                   title: str = "西部地域 みらいのまちづくりワークショップ") -> str:
    async def make(hub: Hub) -> str:
        return await hub.create_workshop(title, "西部")

    return run_hub(live, make)


# The address's parts: each one line (a single box, one line high) and inside the screen.
ADDRESS = """() => Array.from(document.querySelectorAll('#join-address > span')).map(e => {
  const rects = e.getClientRects(), style = getComputedStyle(e);
  return {cls: e.className, text: e.textContent, rects: rects.length,
          nowrap: style.whiteSpace === 'nowrap',
          height: e.getBoundingClientRect().height,
          line: parseFloat(style.lineHeight) || 1.25 * parseFloat(style.fontSize),
          right: e.getBoundingClientRect().right};
})"""


def check_join_view(page: Page, live: LiveServer, code: str) -> None:
    view = page.locator("#join-view")
    expect(view).to_be_visible(timeout=LIVE)
    quiet(page)
    height = page.viewport_size["height"] if page.viewport_size else 0
    width = page.viewport_size["width"] if page.viewport_size else 0
    qr = page.locator(".join-qr").bounding_box()
    assert qr is not None and qr["height"] >= QR_SHARE * height, (qr, height)
    assert qr["width"] >= QR_SHARE * height and qr["y"] >= 0 and qr["y"] + qr["height"] <= height
    parts = page.evaluate(ADDRESS)
    assert [p["cls"] for p in parts] == ["join-scheme", "join-host", "join-path"]
    assert "".join(p["text"] for p in parts) == f"http://127.0.0.1:{live.port}/w/{code}"
    assert parts[1]["text"] == f"127.0.0.1:{live.port}"  # host:port in one piece
    for part in parts:
        assert part["nowrap"] and part["rects"] == 1, part
        assert part["height"] <= 1.5 * part["line"], part  # one line, not wrapped
        assert part["right"] <= width + 1, part
    size, what = smallest(page)
    assert size >= MIN_PX, f"join view text of {size}px: {what}"
    no_chrome(page)


def test_the_join_view_while_nobody_has_joined_and_by_the_console(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = empty_workshop(live)
    fac = steer(live, code)
    page = projector(pages, live, code, XGA, "join-xga")
    hd = projector(pages, live, code, HD, "join-hd")
    wide = projector(pages, live, code, FULL_HD, "join-1080")
    for p in (page, hd, wide):  # nobody yet: the join view by itself
        check_join_view(p, live, code)
        expect(p.locator("#join-count")).to_have_text("参加者 0人")
    assert_accessible(page, "the join view")
    shoot(page, "join-view-1024")
    shoot(wide, "join-view-1920")

    fac.participant(live, "佐藤")  # the first person joins: the board comes
    for p in (page, hd):
        expect(p.locator("#join-view")).to_be_hidden(timeout=LIVE)
        expect(p.locator("#participant-count")).to_have_text("参加者 1人")
        expect(p.locator("#view-confirm")).to_be_visible()

    fac.cmd("show_join_view", shown=True)  # 「参加受付」 on the console
    for p in (page, hd):
        check_join_view(p, live, code)
        expect(p.locator("#join-count")).to_have_text("参加者 1人")
    fac.participant(live, "鈴木")
    expect(page.locator("#join-count")).to_have_text("参加者 2人", timeout=LIVE)  # live
    shoot(page, "join-view-1024-on")

    fac.cmd("show_join_view", shown=False)
    for p in (page, hd):
        expect(p.locator("#join-view")).to_be_hidden(timeout=LIVE)
        expect(p.locator("#view-confirm")).to_be_visible()
    assert pages.problems == []


def test_the_projector_has_no_chrome_but_a_full_screen_button(
        live: LiveServer, pages: Pages) -> None:
    code = demo(live)
    page = projector(pages, live, code, XGA, "tools")
    settled(page)
    no_chrome(page)
    button = page.locator("#fullscreen")
    page.mouse.move(500, 400)  # the tools go after a few seconds; a moving mouse brings them
    expect(button).to_be_visible()
    expect(button).to_have_text("全画面にする")
    expect(page.locator(".f11-hint")).to_contain_text("F11")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1024 and box["y"] + box["height"] <= 768
    # A click where the button is, as a hand does: the mouse moves there first, which wakes
    # the tools. They fall asleep TOOLS_SECS after the last move (screen-join.js), and a
    # loaded machine can take that long over the checks above; button.click() would then
    # wait for a hidden button that no mouse move ever wakes.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => !!document.fullscreenElement")
    expect(page.locator("#screen-tools")).to_be_hidden()  # in full screen it has done its job
    page.evaluate("() => document.exitFullscreen()")
    page.mouse.move(400, 300)
    expect(page.locator("#screen-tools")).to_be_visible()
    assert pages.problems == []


def set_wifi(fac: Facilitator, name: str, password: str) -> None:
    # Facilitator.cmd's own first parameter is called name: send through its client.
    reply = fac.run(fac.client.cmd("set_wifi", name=name, password=password))
    assert reply["type"] == "ack", reply


def test_the_join_view_names_the_wifi_and_shows_its_qr_code(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    if "set_wifi" not in COMMANDS:  # issue 11 item 3 builds it; test what exists
        pytest.skip("no set_wifi command in this build")
    # The longest title and the longest Wi-Fi name (32 bytes) still leave it all on screen.
    title = "西部地域みらいのまちづくりワークショップ第三回" * 3
    code = empty_workshop(live, title[:limits.TITLE_MAX_CHARS])
    fac = steer(live, code)
    page = projector(pages, live, code, XGA, "join-wifi")
    hd = projector(pages, live, code, HD, "join-wifi-hd")
    expect(page.locator("#join-view")).to_be_visible(timeout=LIVE)
    expect(page.locator("#join-wifi")).to_be_hidden()  # no Wi-Fi given: nothing said
    set_wifi(fac, "Yoriai-Guest", "")
    expect(page.locator("#join-wifi-name")).to_have_text("まず Wi-Fi『Yoriai-Guest』につなぐ",
                                                          timeout=LIVE)
    expect(page.locator("#join-wifi-qr")).to_be_hidden()  # no password: no Wi-Fi QR code
    set_wifi(fac, "Yoriai-Guest", "hanami2026")
    qr = page.locator("#join-wifi-qr")
    expect(qr).to_be_visible(timeout=LIVE)
    page.wait_for_function(
        "() => document.getElementById('join-wifi-qr').naturalWidth > 0")  # it loaded
    check_join_view(page, live, code)
    shoot(page, "join-view-wifi-1024")
    longest = "W" * limits.WIFI_NAME_MAX_BYTES
    set_wifi(fac, longest, "hanami2026")
    for p in (page, hd):
        expect(p.locator("#join-wifi-name")).to_contain_text(longest, timeout=LIVE)
        check_join_view(p, live, code)
    shoot(hd, "join-view-wifi-1280")
    assert "hanami2026" not in page.content()  # the password is in the picture only
    assert pages.problems == []


def test_a_lost_connection_is_said_on_the_projector(live: LiveServer, pages: Pages) -> None:
    code = demo(live)
    page = projector(pages, live, code, XGA, "lost")
    settled(page)
    line = page.locator("#screen-offline")
    expect(line).to_be_hidden()  # connected: no status at all
    live.stop()
    expect(line).to_be_visible(timeout=LIVE)
    expect(line).to_have_text(re.compile("再接続しています|接続が切れています"))
    size = line.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= MIN_PX
    assert [p for p in pages.problems if "WebSocket" not in p and "ERR_" not in p] == []


# The role board's rows as shown now: where its window starts, the ids shown, its
# 「ほか n件」 line. Read at once (the list may turn at any moment).
# The shortened role board's rows as they stand, or null until the board is drawn and fitted
# (the view shows before its rows are laid out and shortened, with 「ほか n件」): read with
# wait_for_function, a state.
ROWS = """() => {
  const body = document.querySelector('.role-table tbody');
  const more = body ? body.querySelector('.fit-more') : null;
  if (!body || !more || !body.querySelector('.role-row')) {
    return null;
  }
  const rows = Array.from(body.querySelectorAll('.role-row'));
  return [parseInt(body.getAttribute('data-start') || '0', 10),
          rows.filter(r => !r.hidden).map(r => r.getAttribute('data-action-id')),
          rows.map(r => r.getAttribute('data-action-id')), more ? more.textContent : null];
}"""


def role_rows(page: Page) -> tuple[int, list[str], list[str], str | None]:
    """The role board's window: its start, the rows shown, every row, 「ほか n件」."""
    start, shown, every, more = page.wait_for_function(ROWS, timeout=LIVE).json_value()
    return int(start), list(shown), list(every), more


def test_a_shortened_role_board_shows_every_row_in_turn(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = demo(live)
    fac = steer(live, code)
    page = projector(pages, live, code, XGA, "rotate")
    go(fac, page, "practice")
    start, shown, every, more = role_rows(page)
    assert len(every) == 10 and 0 < len(shown) < 10, shown  # 20 px text: not all fit at once
    assert start == 0 and shown == every[:len(shown)]
    assert more == f"ほか {10 - len(shown)}件"
    seen = set(shown)
    while seen != set(every):
        # Wait for the next turn (a state: the window's start moves), then check it.
        page.wait_for_function(
            "s => { const b = document.querySelector('.role-table tbody');"
            " return b !== null && b.getAttribute('data-start') !== s; }",
            arg=str(start), timeout=60_000)
        start, shown, _, more = role_rows(page)
        assert shown and shown == every[start:start + len(shown)], (start, shown)
        assert more == f"ほか {10 - len(shown)}件"
        assert page.evaluate(LAYOUT) == []  # the new rows fit whole too
        seen.update(shown)
    assert pages.problems == []
