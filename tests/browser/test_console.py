"""The facilitator's console in real Chromium, through the whole five-step evening:
steering the room (steps reach the phones; the shared timer; the lock), notes (private
until revealed, fixing a typo), sorting notes into themes with the mouse, with a finger and
with the keyboard alone, 代理入力 for someone without a phone, proposals becoming actions
with their 協働のかたち and partners, a phone's 「やります」 reaching the role board, the
review, つむぎすと and the projector's focus. Each step's console is photographed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import LIVE, PHONE, SCREENSHOTS, Pages
from tests.browser.drive import quiet
from tests.support import LiveServer

pytestmark = pytest.mark.browser

CONSOLE = {"viewport": {"width": 1366, "height": 900}}
TOUCH_CONSOLE = {"viewport": {"width": 1366, "height": 900}, "has_touch": True}
Shot = Callable[[Page, str], Path]


# --- helpers ------------------------------------------------------------------------------

def open_console(pages: Pages, live: LiveServer, code: str,
                 device: dict[str, Any] | None = None) -> Page:
    console = pages.open(device or CONSOLE, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    expect(console.locator("#stepper .step-button")).to_have_count(5)
    return console


def join(page: Page, live: LiveServer, code: str, name: str, attribute: str = "住民") -> None:
    page.goto(f"{live.base}/w/{code}")
    page.get_by_label("お名前（ニックネームでも大丈夫です）").fill(name)
    page.locator("#join-form").get_by_text(attribute, exact=True).click()
    page.get_by_role("button", name="参加する").click()
    expect(page.locator("#welcome")).to_have_text(f"ようこそ、{name}さん")


def post(page: Page, kind: str, text: str) -> None:
    form = page.locator("#note-form")
    form.get_by_text(kind, exact=True).click()
    form.get_by_label("付箋の内容").fill(text)
    form.get_by_role("button", name="貼る").click()


def console_shot(page: Page, step: str) -> None:
    """The console as the facilitator's laptop shows it (1366×900, the whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    quiet(page)
    page.screenshot(path=str(SCREENSHOTS / f"console-{step}.png"), full_page=True)


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=re.compile(name)).click()
    expect(page.get_by_role("tab", name=re.compile(name))).to_have_attribute(
        "aria-selected", "true")


def step(console: Page, label: str) -> None:
    console.locator("#stepper").get_by_role("button", name=re.compile(label)).click()
    expect(console.locator("#stepper [aria-current=step]")).to_contain_text(label, timeout=LIVE)


def unsorted(page: Page) -> Locator:
    return page.locator("#unsorted-list .sort-card")


def theme_col(page: Page, title: str) -> Locator:
    return page.locator("#theme-cols .theme-col").filter(
        has=page.locator(".theme-title", has_text=title))


def sort_card(page: Page, text: str) -> Locator:
    return page.locator("#sort-board .sort-card", has_text=text)


def drag_with_mouse(page: Page, source: Locator, target: Locator) -> None:
    """Press on a note, move in small steps (as a hand does), release over the target."""
    target.scroll_into_view_if_needed()
    quiet(page)  # measured on the finished drawing: a late redraw would move the cards
    a = source.bounding_box()
    b = target.bounding_box()
    assert a is not None and b is not None
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + 12)
    page.mouse.down()
    x, y = b["x"] + b["width"] / 2, b["y"] + min(b["height"] / 2, 40)
    page.mouse.move(x, y, steps=12)
    page.mouse.up()


def focused(page: Page) -> str:
    return str(page.evaluate(
        "() => (document.activeElement && document.activeElement.getAttribute('data-fk')) || ''"))


# The seconds the console's timer shows (it reads m:ss).
SHOWN = ("(([m, s]) => Number(m) * 60 + Number(s))"
         "(document.getElementById('timer-display').textContent.split(':'))")


def seconds_shown(display: Locator) -> int:
    minutes, seconds = (display.text_content() or "").split(":")
    return int(minutes) * 60 + int(seconds)


def expect_focus(page: Page, fk: str) -> None:
    """The control with focus key ``fk`` gets the focus (a redraw may give it, next frame)."""
    expect(page.locator(f"[data-fk='{fk}']")).to_be_focused()


def tab_until(page: Page, fk: str, key: str = "Tab", most: int = 150) -> None:
    """Press Tab (or another key) until the control with focus key ``fk`` has the focus."""
    for _ in range(most):
        if focused(page) == fk:
            return
        page.keyboard.press(key)
    raise AssertionError(f"{fk} never got the focus; it is on {focused(page)!r}")


def note_id(page: Page, text: str) -> str:
    return str(page.locator("#console-notes .note", has_text=text).get_attribute("data-note-id"))


# --- steering -----------------------------------------------------------------------------

def test_steering_reaches_the_phones_and_the_timer_runs(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop("西部地区まちづくり寄り合い")
    console = open_console(pages, live, code)
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, "佐藤 花子")
    expect(phone.locator("#step-title")).to_have_text("確かめてみよう")

    steps = console.locator("#stepper .step-label")
    expect(steps).to_have_text(["確かめてみよう", "仲間を増やそう", "地域の活動にしよう",
                                "実践しよう", "将来につなげよう"])
    current = console.locator("#stepper [aria-current=step]")
    expect(current).to_contain_text("確かめてみよう")
    expect(console.get_by_role("button", name="← 前へ")).to_be_disabled()
    expect(console.locator("#step-prompt")).not_to_be_empty()

    # 次へ: the phone follows, and the console opens the tools of the new step.
    console.get_by_role("button", name="次へ：仲間を増やそう →").click()
    expect(phone.locator("#step-title")).to_have_text("仲間を増やそう", timeout=LIVE)
    expect(current).to_contain_text("仲間を増やそう")
    expect(console.get_by_role("tab", name=re.compile("テーマ分け"))).to_have_attribute(
        "aria-selected", "true")
    # Straight to any step, and back.
    console.locator("#stepper").get_by_role("button", name=re.compile("実践しよう")).click()
    expect(phone.locator("#step-title")).to_have_text("実践しよう", timeout=LIVE)
    expect(console.get_by_role("tab", name=re.compile("取り組みと役割"))).to_have_attribute(
        "aria-selected", "true")
    console.get_by_role("button", name="← 前へ").click()
    expect(phone.locator("#step-title")).to_have_text("地域の活動にしよう", timeout=LIVE)
    console.locator("#stepper").get_by_role("button", name=re.compile("確かめてみよう")).click()
    expect(phone.locator("#step-title")).to_have_text("確かめてみよう", timeout=LIVE)

    # The shared timer: start 3 minutes, one more minute, pause, resume.
    display = console.locator("#timer-display")
    expect(display).to_have_text("0:00")
    expect(console.locator("#timer-state")).to_have_text("タイマーは動いていません")
    console.get_by_label("分", exact=True).fill("3")
    started = time.monotonic()
    console.get_by_role("button", name="スタート").click()
    expect(console.locator("#timer-state")).to_contain_text("カウントダウン中", timeout=LIVE)
    left = seconds_shown(display)
    # Bounds from the time this test saw pass, not from how fast a loaded machine answers.
    assert 180 - (time.monotonic() - started) - 1 <= left <= 180
    console.get_by_role("button", name="+1分").click()
    console.wait_for_function(f"() => ({SHOWN}) > {left}", timeout=LIVE)  # a minute more
    longer = seconds_shown(display)
    assert 240 - (time.monotonic() - started) - 1 <= longer <= left + 60
    console.get_by_role("button", name="一時停止").click()
    expect(console.locator("#timer-state")).to_have_text("一時停止中", timeout=LIVE)
    paused = display.text_content()
    # Time passing, not a wait for something: a paused timer shows the same after it.
    console.wait_for_timeout(1300)
    expect(display).to_have_text(str(paused))  # it does not move while paused
    console.get_by_role("button", name="再開").click()
    expect(console.locator("#timer-state")).to_contain_text("カウントダウン中", timeout=LIVE)
    expect(console.get_by_role("button", name="一時停止")).to_be_visible()

    # Minutes the server would refuse are explained next to the timer (paused, the bar
    # offers a new time; running, it offers 一時停止 and +1分).
    expect(console.get_by_label("分", exact=True)).to_be_hidden()
    console.get_by_role("button", name="一時停止").click()
    expect(console.locator("#timer-state")).to_have_text("一時停止中", timeout=LIVE)
    console.get_by_label("分", exact=True).fill("0")
    console.get_by_role("button", name="スタート").click()
    expect(console.locator("#timer-error")).to_have_text("1から120までの分数を入れてください。")

    # The lock: a participant cannot post while it is on.
    console.get_by_role("button", name="書き込みを止める").click()
    expect(console.locator("#lock-state")).to_have_text("止めています：参加者は書き込めません",
                                                        timeout=LIVE)
    expect(phone.locator("#locked-notice")).to_be_visible(timeout=LIVE)
    console_shot(console, "locked")
    console.get_by_role("button", name="書き込みを再開する").click()
    expect(console.locator("#lock-state")).to_have_text("参加者は書き込めます", timeout=LIVE)
    expect(phone.locator("#locked-notice")).to_be_hidden(timeout=LIVE)
    assert pages.problems == []


# --- notes ----------------------------------------------------------------------------------

def test_private_notes_are_revealed_and_a_typo_is_fixed(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, "鈴木")
    other = pages.open(PHONE, "other phone")
    join(other, live, code, "高橋")

    console.get_by_label("公開するまで、付箋は書いた本人にだけ見せる").check()
    expect(console.locator("#privacy-box")).to_have_class(re.compile(r"\bis-on\b"), timeout=LIVE)
    post(phone, "課題", "バス停にベンチがなぃ")
    card = console.locator("#console-notes .note", has_text="バス停にベンチ")
    expect(card).to_contain_text("公開前", timeout=LIVE)
    expect(card).to_contain_text("鈴木")
    expect(console.locator("#private-count")).to_have_text("公開前の付箋 1枚")
    expect(other.locator("#others-list .note")).to_have_count(0)

    console.get_by_role("button", name="全員に公開").click()
    expect(card).not_to_contain_text("公開前", timeout=LIVE)
    expect(other.locator("#others-list .note-text")).to_have_text(["バス停にベンチがなぃ"],
                                                                  timeout=LIVE)

    # A typo fixed from the console reaches everyone.
    card.get_by_role("button", name="直す").click()
    editor = card.get_by_label("付箋の内容")
    expect(editor).to_have_value("バス停にベンチがなぃ")
    expect(editor).to_be_focused()
    editor.fill("")
    card.get_by_role("button", name="保存").click()
    expect(card.locator("[role=alert]")).to_have_text("付箋に何か書いてください。")
    editor.fill("バス停にベンチがない")
    card.get_by_role("button", name="保存").click()
    expect(card.locator(".note-text")).to_have_text("バス停にベンチがない", timeout=LIVE)
    expect(card).to_contain_text("修正済み")
    expect(other.locator("#others-list .note-text")).to_have_text(["バス停にベンチがない"],
                                                                  timeout=LIVE)

    # Shown large on the projector, then the whole board again.
    card.get_by_role("button", name="大きく映す").click()
    expect(console.locator("#focus-now")).to_contain_text("バス停にベンチがない", timeout=LIVE)
    expect(card).to_have_class(re.compile(r"\bis-focused\b"))
    console.get_by_role("button", name="全体の表示に戻す").click()
    expect(console.locator("#focus-now")).to_contain_text("いまは全体を映しています", timeout=LIVE)
    console_shot(console, "confirm")
    assert pages.problems == []


# --- themes ---------------------------------------------------------------------------------

def three_notes(live: LiveServer, pages: Pages, code: str) -> Page:
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, "佐藤 花子")
    post(phone, "課題", "冬の除雪が追いつかない")
    post(phone, "思い", "子どもが遊べる場所がほしい")
    post(phone, "課題", "高齢者の雪下ろしが危ない")
    expect(phone.locator("#mine-list .note")).to_have_count(3)
    expect(phone.locator("#mine-list .is-unsent")).to_have_count(0, timeout=LIVE)
    return phone


def test_notes_are_sorted_into_themes_with_the_mouse(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    three_notes(live, pages, code)
    console = open_console(pages, live, code)
    step(console, "仲間を増やそう")  # the console opens the sorting board by itself
    expect(console.get_by_role("tab", name=re.compile("テーマ分け"))).to_have_attribute(
        "aria-selected", "true")
    expect(unsorted(console)).to_have_count(3, timeout=LIVE)
    expect(console.locator("#themes-empty")).to_be_visible()

    # Onto "new theme", with a name typed first.
    console.get_by_label("テーマの名前").fill("冬の暮らし")
    drag_with_mouse(console, sort_card(console, "冬の除雪"), console.locator("#new-theme"))
    winter = theme_col(console, "冬の暮らし")
    expect(winter.locator(".sort-card")).to_have_text([re.compile("冬の除雪")], timeout=LIVE)
    expect(unsorted(console)).to_have_count(2)
    expect(console.get_by_label("テーマの名前")).to_have_value("")

    # Onto the theme; another without a name takes the note's words.
    drag_with_mouse(console, sort_card(console, "雪下ろし"), winter)
    expect(winter.locator(".sort-card")).to_have_count(2, timeout=LIVE)
    expect(winter.locator(".theme-counts")).to_contain_text("付箋 2枚")
    drag_with_mouse(console, sort_card(console, "子どもが遊べる"), console.locator("#new-theme"))
    kids = theme_col(console, "子どもが遊べる場所がほしい")
    expect(kids.locator(".sort-card")).to_have_count(1, timeout=LIVE)

    # Back to the unsorted notes.
    drag_with_mouse(console, sort_card(console, "雪下ろし"), console.locator(".unsorted-col"))
    expect(unsorted(console)).to_have_text([re.compile("雪下ろし")], timeout=LIVE)
    expect(winter.locator(".sort-card")).to_have_count(1)

    # Rename, merge the duplicate, delete an empty theme.
    kids = console.locator(f"#theme-cols [data-key='{kids.get_attribute('data-key')}']")
    kids.get_by_role("button", name="名前を変える").click()
    box = kids.get_by_label("テーマの名前")
    expect(box).to_be_focused()
    box.fill("子どもの居場所")
    box.press("Enter")
    expect(kids.locator(".theme-title")).to_have_text("子どもの居場所", timeout=LIVE)
    console_shot(console, "companions")

    kids.get_by_role("button", name="まとめる").click()
    kids.get_by_label("どのテーマにまとめますか").select_option(label="冬の暮らし")
    kids.locator("form").get_by_role("button", name="まとめる").click()
    expect(console.locator("#theme-cols .theme-col")).to_have_count(1, timeout=LIVE)
    expect(winter.locator(".sort-card")).to_have_count(2)

    console.locator("#new-theme").get_by_label("テーマの名前").fill("空のテーマ")
    console.get_by_role("button", name="空のテーマをつくる").click()
    empty = theme_col(console, "空のテーマ")
    expect(empty).to_have_count(1, timeout=LIVE)
    expect(winter.get_by_role("button", name="消す")).to_have_count(0)  # it has notes
    empty.get_by_role("button", name="消す").click()
    expect(empty).to_contain_text("このテーマを消しますか？")
    empty.get_by_role("button", name="消す").click()  # sure
    expect(empty).to_have_count(0, timeout=LIVE)
    assert pages.problems == []


def test_a_finger_drags_a_note_by_its_grip(live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    three_notes(live, pages, code)
    console = open_console(pages, live, code, TOUCH_CONSOLE)
    tab(console, "テーマ分け")
    console.get_by_label("テーマの名前").fill("雪")
    console.get_by_role("button", name="空のテーマをつくる").click()
    snow = theme_col(console, "雪")
    expect(snow).to_have_count(1, timeout=LIVE)

    console.evaluate("() => document.getElementById('sort-board').scrollIntoView()")
    quiet(console)
    grip = sort_card(console, "冬の除雪").locator(".drag-handle")
    a, b = grip.bounding_box(), snow.bounding_box()
    assert a is not None and b is not None
    cdp = console.context.new_cdp_session(console)
    x0, y0 = a["x"] + a["width"] / 2, a["y"] + a["height"] / 2
    x1, y1 = b["x"] + b["width"] / 2, b["y"] + 40
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": x0, "y": y0}]})
    for i in range(1, 13):
        x, y = x0 + (x1 - x0) * i / 12, y0 + (y1 - y0) * i / 12
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(snow.locator(".sort-card")).to_have_text([re.compile("冬の除雪")], timeout=LIVE)
    expect(unsorted(console)).to_have_count(2)
    assert pages.problems == []


def test_a_note_is_put_into_a_theme_with_the_keyboard_alone(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    three_notes(live, pages, code)
    console = open_console(pages, live, code)
    expect(console.locator("#console-notes .note")).to_have_count(3, timeout=LIVE)
    target = note_id(console, "子どもが遊べる")
    keys = console.keyboard

    # To the workspace tabs, then the arrow keys: 付箋 → テーマ分け.
    tab_until(console, "tab-notes")
    keys.press("ArrowRight")
    expect(console.get_by_role("tab", name=re.compile("テーマ分け"))).to_have_attribute(
        "aria-selected", "true")
    expect_focus(console, "tab-themes")

    # A theme, typed and entered.
    tab_until(console, "new-theme-title")
    keys.type("子どもの居場所")
    keys.press("Enter")
    kids = theme_col(console, "子どもの居場所")
    expect(kids).to_have_count(1, timeout=LIVE)

    # Back to the note's 「移動」, Enter opens the menu, the arrows choose, Enter moves.
    tab_until(console, "move:" + target, key="Shift+Tab")
    keys.press("Enter")
    menu = console.locator(f"#menu-{target}")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem")).to_have_text(
        ["「子どもの居場所」へ", "新しいテーマをつくって入れる"])
    expect_focus(console, f"menu:{target}:0")
    keys.press("ArrowDown")
    expect_focus(console, f"menu:{target}:1")
    keys.press("ArrowUp")
    keys.press("Enter")
    expect(kids.locator(".sort-card")).to_have_text([re.compile("子どもが遊べる")], timeout=LIVE)
    expect(menu).to_have_count(0)
    # The focus followed the note into its theme, ready for the next move.
    expect(console.locator(f"[data-fk='move:{target}']")).to_be_focused()

    # Escape closes the menu without moving anything.
    keys.press("Enter")
    expect(menu).to_be_visible()
    keys.press("Escape")
    expect(menu).to_have_count(0)
    expect_focus(console, "move:" + target)

    # And into a new theme made on the spot: End, Enter.
    other = note_id(console, "冬の除雪")
    tab_until(console, "move:" + other, key="Shift+Tab")
    keys.press("Enter")
    expect(console.locator(f"#menu-{other}")).to_be_visible()
    keys.press("End")
    keys.press("Enter")
    expect(theme_col(console, "冬の除雪が追いつかない").locator(".sort-card")).to_have_count(
        1, timeout=LIVE)
    assert pages.problems == []


# --- 代理入力 -------------------------------------------------------------------------------

def test_a_person_without_a_phone_is_entered_for(live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, "佐藤 花子")
    expect(console.locator("#proxy-note")).to_be_empty()

    # 代理入力 opens its panel under its button: the search, and registering someone new.
    console.get_by_role("button", name="代理入力", exact=True).click()
    register = console.locator("#add-proxy-form")
    register.get_by_role("button", name="登録して入力をはじめる").click()
    expect(register.locator("[role=alert]")).to_have_text("お名前を入れてください。")
    register.get_by_label("お名前").fill("田中 一郎")
    register.get_by_label("あなたの立場").select_option("町内会・自治会")
    register.get_by_role("button", name="登録して入力をはじめる").click()
    banner = console.locator("#proxy-banner")
    expect(banner).to_be_visible(timeout=LIVE)
    expect(banner).to_contain_text("「田中 一郎さん」（町内会・自治会）の分を入力しています")
    person = console.locator("#people .person", has_text="田中 一郎")
    expect(person).to_contain_text("代理入力")
    expect(person.get_by_role("button", name="入力を終える")).to_have_attribute(
        "aria-pressed", "true")
    expect(register.get_by_label("お名前")).to_have_value("")

    # Their note, written from the paper they handed in.
    form = console.locator("#proxy-note")
    expect(form).to_contain_text("田中 一郎さんの付箋を書く")
    form.get_by_role("button", name="代理で貼る").click()
    expect(form.locator("[role=alert]")).to_have_text(
        "付箋の種類（魅力・課題・思い）を選んでください。")
    form.get_by_text("思い", exact=True).click()
    form.get_by_label("付箋の内容").fill("雪かきを手伝いたい")
    form.get_by_role("button", name="代理で貼る").click()
    card = console.locator("#console-notes .note", has_text="雪かきを手伝いたい")
    expect(card).to_contain_text("代理入力", timeout=LIVE)
    expect(card).to_contain_text("田中 一郎")
    expect(form.get_by_label("付箋の内容")).to_have_value("")
    expect(phone.locator("#others-list")).to_contain_text("雪かきを手伝いたい", timeout=LIVE)

    # Their 共感, once (several per note are not allowed in this workshop).
    card.get_by_role("button", name="共感を入れる").click()
    expect(card.locator(".tally")).to_have_text("共感 1", timeout=LIVE)
    card.get_by_role("button", name="共感を入れる").click()
    expect(card.locator("[role=alert]")).to_have_text("この付箋にはもう共感を入れています。",
                                                      timeout=LIVE)

    # Their theme.
    tab(console, "テーマ分け")
    console.get_by_label("テーマの名前").fill("雪の助け合い")
    console.get_by_role("button", name="空のテーマをつくる").click()
    snow = theme_col(console, "雪の助け合い")
    snow.get_by_role("button", name="この輪に加わる").click()
    expect(snow.locator(".theme-counts")).to_contain_text("仲間 1人", timeout=LIVE)
    expect(snow.locator(".theme-members")).to_have_text("田中 一郎")
    expect(snow.get_by_role("button", name="この輪から抜ける")).to_be_visible()
    expect(sort_card(console, "雪かきを手伝いたい").locator(".tally")).to_have_text("共感 1")
    console_shot(console, "proxy")

    # Their 「やります」.
    tab(console, "取り組みと役割")
    console.locator("#new-action").get_by_label("取り組みの名前").fill("雪かき当番")
    console.get_by_role("button", name="取り組みをつくる").click()
    action = console.locator("#actions .action-card", has_text="雪かき当番")
    action.locator(".proxy-actions").get_by_role("button", name="やります").click()
    expect(console.locator("#role-board tbody tr", has_text="雪かき当番")).to_contain_text(
        "田中 一郎", timeout=LIVE)
    expect(action.get_by_role("button", name="やりますを取り消す")).to_be_visible()

    # Done: the banner goes, and so do the buttons that act for them.
    banner.get_by_role("button", name="代理入力を終える").click()
    expect(banner).to_be_hidden()
    expect(snow.get_by_role("button", name="この輪から抜ける")).to_have_count(0)
    tab(console, "付箋")
    expect(card.get_by_role("button", name="共感を入れる")).to_have_count(0)
    expect(console.locator("#proxy-note")).to_be_empty()
    assert pages.problems == []


def test_entering_for_someone_offers_kyokan_only_where_the_server_allows_it(
        live: LiveServer, pages: Pages) -> None:
    """A hidden note may not be given 共感 (the server says so in the note's ``votable``):
    while entering for someone, its button goes, and comes back when the note is shown."""
    code = live.new_workshop()
    console = open_console(pages, live, code)
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, "佐藤 花子")
    post(phone, "課題", "公園のベンチが壊れている")
    console.get_by_role("button", name="代理入力", exact=True).click()
    register = console.locator("#add-proxy-form")
    register.get_by_label("お名前").fill("田中 一郎")
    register.get_by_label("あなたの立場").select_option("住民")
    register.get_by_role("button", name="登録して入力をはじめる").click()
    expect(console.locator("#proxy-banner")).to_be_visible(timeout=LIVE)
    card = console.locator("#console-notes .note", has_text="公園のベンチが壊れている")
    cast = card.get_by_role("button", name="共感を入れる")
    expect(cast).to_be_visible(timeout=LIVE)

    card.get_by_role("button", name="非表示にする").click()
    expect(card).to_contain_text("非表示中", timeout=LIVE)
    expect(cast).to_have_count(0)
    card.get_by_role("button", name="表示に戻す").click()
    expect(cast).to_be_visible(timeout=LIVE)
    cast.click()
    expect(card.locator(".tally")).to_have_text("共感 1", timeout=LIVE)
    assert pages.problems == []


# --- proposals, actions, the role board ------------------------------------------------------

def test_a_chosen_proposal_becomes_an_action_a_phone_volunteers_for(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, "佐藤 花子")
    tab(console, "テーマ分け")
    for title in ("雪かき", "空き家"):
        console.get_by_label("テーマの名前").fill(title)
        console.get_by_role("button", name="空のテーマをつくる").click()
        expect(theme_col(console, title)).to_have_count(1, timeout=LIVE)

    step(console, "地域の活動にしよう")
    expect(console.get_by_role("tab", name=re.compile("計画案"))).to_have_attribute(
        "aria-selected", "true")
    card = console.locator("#proposals .proposal-card", has_text="雪かき")
    expect(card).to_contain_text("まだ計画案は書かれていません。")
    card.get_by_role("button", name="計画案を書く").click()
    card.get_by_label("目指すこと").fill("お年寄りの家の前の雪を、近所で助け合ってかく")
    card.get_by_label("アイデア（1行に一つ、10個まで）").fill("当番表をつくる\n\n回覧板で知らせる")
    card.get_by_role("button", name="保存").click()
    expect(card.locator(".ideas li")).to_have_text(["当番表をつくる", "回覧板で知らせる"],
                                                   timeout=LIVE)
    card.get_by_role("button", name="この案を選ぶ").click()
    expect(card).to_contain_text("選ばれた案", timeout=LIVE)
    akiya = console.locator("#proposals .proposal-card", has_text="空き家")
    akiya.get_by_role("button", name="計画案を書く").click()
    akiya.get_by_label("目指すこと").fill("空き家を子どもの居場所に")
    akiya.get_by_role("button", name="保存").click()
    expect(akiya).to_contain_text("空き家を子どもの居場所に", timeout=LIVE)
    console_shot(console, "activity")

    # A refusal is explained next to what caused it: a theme with a proposal stays.
    tab(console, "テーマ分け")
    col = theme_col(console, "空き家")
    col.get_by_role("button", name="消す").click()
    col.get_by_role("button", name="消す").click()
    expect(col.locator(".theme-head [role=alert]")).to_have_text(
        "計画案や取り組みがあるテーマは消せません。まとめる（統合）を使ってください。",
        timeout=LIVE)
    tab(console, "計画案")

    # The chosen proposal becomes an action; its details are filled in.
    card.get_by_role("button", name="取り組みにする").click()
    expect(console.get_by_role("tab", name=re.compile("取り組みと役割"))).to_have_attribute(
        "aria-selected", "true", timeout=LIVE)
    action = console.locator("#actions .action-card", has_text="雪かき")
    expect(action).to_contain_text("テーマ：雪かき")
    # Nobody has chosen its 協働のかたち yet: 未定, not 市民主導.
    expect(action.locator(".form-chip")).to_have_text("未定")
    action.get_by_role("button", name="内容を決める・直す").click()
    forms = action.locator(".form-choice .form-name")
    expect(forms).to_have_text(["市民主体", "市民主導", re.compile("市民／行政"),
                                "行政主導", "行政主体", "未定"])
    action.get_by_label("取り組みの名前").fill("雪かき当番")
    action.get_by_text("市民主導", exact=True).click()
    action.get_by_label("町内会", exact=True).check()
    action.get_by_label("市", exact=True).check()
    action.get_by_label("そのほかの協力先").fill("社会福祉協議会")
    action.get_by_label("はじめの一歩").fill("当番表を回覧板で回す")
    action.get_by_label("いつまでに").fill("2026-12-20")
    action.get_by_role("button", name="保存").click()
    action = console.locator("#actions .action-card", has_text="雪かき当番")
    expect(action.locator(".facts")).to_contain_text("市民主導", timeout=LIVE)
    expect(action.locator(".facts")).to_contain_text("町内会、市、社会福祉協議会")
    expect(action.locator(".facts")).to_contain_text("当番表を回覧板で回す")
    expect(action.locator(".facts")).to_contain_text("2026-12-20")

    # A free action, not from a proposal.
    console.locator("#new-action").get_by_label("取り組みの名前").fill("見守りの声かけ")
    console.get_by_role("button", name="取り組みをつくる").click()
    expect(console.locator("#actions .action-card")).to_have_count(2, timeout=LIVE)

    # 実践しよう: the phone says 「やります」 and the role board shows it.
    step(console, "実践しよう")
    phone_card = phone.locator("#action-list > li", has_text="雪かき当番")
    phone_card.get_by_role("button", name="やります").click()
    row = console.locator("#role-board tbody tr", has_text="雪かき当番")
    expect(row).to_contain_text("佐藤 花子", timeout=LIVE)
    expect(row.locator("td.is-form")).to_have_attribute("aria-label", "市民主導")
    headers = console.locator("#role-board thead th")
    expect(headers).to_contain_text(["取り組み", "担い手", "市民主体", "市民主導"])
    form_index = row.locator("td").evaluate_all(
        "cells => cells.findIndex(c => c.classList.contains('is-form'))")
    assert form_index == 2  # the 市民主導 column: 担い手, 市民主体, 市民主導
    expect(action).to_contain_text("担い手（やります）1人")
    expect(console.locator("#role-board tbody tr", has_text="見守りの声かけ")).to_contain_text(
        "まだいません")

    # The lead, chosen among the volunteers; and how it stands.
    action.get_by_label("代表", exact=True).select_option(label="佐藤 花子")
    expect(row).to_contain_text("★代表", timeout=LIVE)
    expect(action.locator(".volunteer-list")).to_contain_text("★代表")
    action.locator(".status-details summary").click()  # 進み具合：…（記録を書く）
    action.get_by_label("進み具合").select_option("under_way")
    action.get_by_label("やったことの記録").fill("12月の当番表を配った")
    action.get_by_role("button", name="進み具合を保存").click()
    expect(action.locator(".card-head .badge")).not_to_have_text("未着手", timeout=LIVE)
    expect(action.get_by_label("やったことの記録")).to_have_value("12月の当番表を配った")
    console_shot(console, "practice")
    assert pages.problems == []


# --- review, つむぎすと, meetings ------------------------------------------------------------

def test_the_review_and_the_people_in_the_room(live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, "伊藤 誠", attribute="大学・学生")
    tab(console, "取り組みと役割")
    console.locator("#new-action").get_by_label("取り組みの名前").fill("雪かき当番")
    console.get_by_role("button", name="取り組みをつくる").click()
    expect(console.locator("#actions .action-card")).to_have_count(1, timeout=LIVE)

    step(console, "将来につなげよう")
    expect(console.get_by_role("tab", name=re.compile("振り返り"))).to_have_attribute(
        "aria-selected", "true")
    keep = console.locator(".review-col-keep")
    change = console.locator(".review-col-change")
    expect(keep.locator("h3")).to_contain_text("広げたい")
    expect(change.locator("h3")).to_contain_text("見直したい")
    keep.get_by_role("button", name="貼る").click()
    expect(keep.locator("#review-form-keep [role=alert]")).to_have_text(
        "振り返りに何か書いてください。")
    keep.get_by_label("書く").fill("子どもも雪かきに来てくれた")
    keep.get_by_role("button", name="貼る").click()
    expect(keep.locator("#review-form-keep [role=alert]")).to_be_hidden()
    change.get_by_label("書く").fill("当番表が見づらかった")
    change.get_by_role("button", name="貼る").click()
    keep.get_by_label("書く").fill("まちがえて書いた")
    keep.get_by_role("button", name="貼る").click()
    expect(keep.locator(".review-text")).to_have_text(
        ["子どもも雪かきに来てくれた", "まちがえて書いた"], timeout=LIVE)
    expect(change.locator(".review-text")).to_have_text(["当番表が見づらかった"])

    fix = change.locator(".review-card").first
    fix.get_by_role("button", name="直す").click()
    fix.get_by_label("付箋の内容").fill("当番表の字が小さくて見づらかった")
    fix.get_by_role("button", name="保存").click()
    expect(change.locator(".review-text")).to_have_text(["当番表の字が小さくて見づらかった"],
                                                        timeout=LIVE)
    wrong = keep.locator(".review-card", has_text="まちがえて書いた")
    wrong.get_by_role("button", name="消す").click()
    expect(wrong).to_contain_text("この振り返りを消しますか？")
    wrong.get_by_role("button", name="消す").click()
    expect(keep.locator(".review-text")).to_have_text(["子どもも雪かきに来てくれた"],
                                                      timeout=LIVE)

    # The DO of the plan, from the review.
    do = console.locator("#do-list .do-row", has_text="雪かき当番")
    do.get_by_label("進み具合").select_option("done")
    do.get_by_role("button", name="進み具合を保存").click()
    expect(console.locator("#actions .action-card .card-head .badge")).not_to_have_text(
        "未着手", timeout=LIVE)

    # つむぎすと: granted and taken back.
    person = console.locator("#people .person", has_text="伊藤 誠")
    expect(person).to_contain_text("大学・学生")
    person.get_by_role("button", name="伊藤 誠さんをつむぎすとにする").click()
    expect(person.locator(".tag-cofac")).to_have_text("つむぎすと", timeout=LIVE)
    console_shot(console, "future")
    person.get_by_role("button", name="伊藤 誠さんのつむぎすとをやめる").click()
    expect(person.locator(".tag-cofac")).to_have_count(0, timeout=LIVE)

    # The next meeting of the same workshop, after asking.
    meetings = console.locator("#meetings .meeting")
    expect(meetings).to_have_count(1)
    console.get_by_label("次の回の日付").fill("2027-01-15")
    console.get_by_role("button", name="第2回をはじめる").click()
    expect(console.locator("#meeting-form")).to_contain_text("第2回（2027-01-15）をはじめます")
    console.locator("#meeting-form").get_by_role("button", name="はじめる", exact=True).click()
    expect(meetings).to_have_count(2, timeout=LIVE)
    expect(meetings.last).to_contain_text("第2回")
    expect(meetings.last).to_contain_text("2027-01-15")
    expect(meetings.last).to_contain_text("いまの回")
    assert pages.problems == []


def test_the_box_the_person_moved_to_keeps_their_words(live: LiveServer, pages: Pages) -> None:
    """Sending a form asks for the focus back in that form at the next drawing. A person who
    is already typing in another box when that drawing comes (a slow laptop, quick hands)
    keeps the focus and their words there: they must not land in the form just sent."""
    code = live.new_workshop()
    console = open_console(pages, live, code)
    step(console, "将来につなげよう")
    keep = console.locator(".review-col-keep")
    change = console.locator(".review-col-change")
    change.get_by_label("書く").fill("当番表が見づらかった")
    # 貼る in one column and into the other's box, all before the page draws again.
    console.evaluate("""() => new Promise(done => {
        document.querySelector('#review-form-change button[type=submit]').click();
        document.getElementById('review-text-keep').focus();
        requestAnimationFrame(() => requestAnimationFrame(done));
    })""")
    console.keyboard.insert_text("子どもも雪かきに来てくれた")
    expect(keep.get_by_label("書く")).to_have_value("子どもも雪かきに来てくれた")
    keep.get_by_role("button", name="貼る").click()
    expect(keep.locator(".review-text")).to_have_text(["子どもも雪かきに来てくれた"],
                                                      timeout=LIVE)
    expect(change.locator(".review-text")).to_have_text(["当番表が見づらかった"])
    expect(change.get_by_label("書く")).to_have_value("")
    assert pages.problems == []
