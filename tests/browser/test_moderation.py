"""Moderation in real Chromium: the facilitator removes a participant from the console's
people list (keyboard only, after a confirmation that says what goes), and the projector
drops their notes while their phone is back at the join form, told why; the facilitator
deletes a spam note outright; and the console says when the room nears a ceiling."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LIVE, PHONE, PROJECTOR, Pages
from tests.browser.drive import Facilitator
from tests.support import LiveServer
from yoriai.facilitation import limits

pytestmark = pytest.mark.browser

CONSOLE = {"viewport": {"width": 1366, "height": 900}}
BOT = "ボット"
SPAM = ("今すぐ登録で割引", "当選のお知らせ")
KEPT = "川沿いの桜並木"


def open_console(pages: Pages, live: LiveServer, code: str) -> Page:
    console = pages.open(CONSOLE, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    return console


def join(page: Page, live: LiveServer, code: str, name: str) -> None:
    page.goto(f"{live.base}/w/{code}")
    page.get_by_label("お名前（ニックネームでも大丈夫です）").fill(name)
    page.locator("#join-form").get_by_text("住民", exact=True).click()
    page.get_by_role("button", name="参加する").click()
    expect(page.locator("#welcome")).to_have_text(f"ようこそ、{name}さん")


def post(page: Page, kind: str, text: str) -> None:
    form = page.locator("#note-form")
    form.get_by_text(kind, exact=True).click()
    form.get_by_label("付箋の内容").fill(text)
    form.get_by_role("button", name="貼る").click()
    expect(page.locator("#mine-list .note-text", has_text=text)).to_have_count(1, timeout=LIVE)


def focused(page: Page) -> str | None:
    key = page.evaluate("() => document.activeElement && "
                        "document.activeElement.getAttribute('data-fk')")
    return None if key is None else str(key)


def test_the_facilitator_removes_a_bot_and_the_projector_drops_its_notes(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    screen = pages.open(PROJECTOR, "screen")
    screen.goto(f"{live.base}/w/{code}/screen")
    bot = pages.open(PHONE, "bot")
    join(bot, live, code, BOT)
    for text in SPAM:
        post(bot, "思い", text)
    fac = steer(live, code)
    alice = fac.participant(live, "阿部")
    kept = fac.send(alice, "post_note", kind="charm", text=KEPT)["note_id"]
    # The bot's notes reach this socket in their own time (its phone may still be sending
    # them; alice's ack comes on her socket): wait until they are on the board.
    fac.run(fac.client.wait_for(lambda b: {n["text"] for n in b.notes.values()} >= {*SPAM, KEPT}))
    bot_note = next(n["id"] for n in fac.items("notes") if n["text"] == SPAM[0])
    for text in (*SPAM, KEPT):
        expect(screen.locator(".note-text", has_text=text)).to_have_count(1, timeout=LIVE)
    fac.cmd("set_step", step="companions")
    fac.send(alice, "cast_vote", note_id=bot_note)
    # The bot gives 共感 from its phone.
    bot.locator("#vote-list > li", has_text=KEPT).get_by_role("button", name="共感する").click()
    expect(bot.locator("#votes-left")).to_have_text("のこり 2票", timeout=LIVE)
    fac.cmd("set_step", step="confirm")  # the projector shows every note again
    expect(screen.locator(".note-text", has_text=SPAM[1])).to_have_count(1, timeout=LIVE)
    person = console.locator("#people .person", has_text=BOT)
    expect(person).to_be_visible(timeout=LIVE)

    # Keyboard only: 「外す」, a confirmation that says what goes, the safe answer first.
    opener = person.get_by_role("button", name=f"{BOT}さんを外す")
    box = opener.bounding_box()
    assert box is not None and box["height"] >= 48 and box["width"] >= 48
    opener.focus()
    console.keyboard.press("Enter")
    question = person.locator(".confirm-question")
    expect(question).to_have_text(f"{BOT}さんと、付箋2枚・共感1を外します。", timeout=LIVE)
    expect(person).to_contain_text("元には戻せません")
    bot_id = str(fac.items("participants")[0]["id"])
    assert focused(console) == f"remove-no:{bot_id}"
    console.keyboard.press("Shift+Tab")
    assert focused(console) == f"remove-yes:{bot_id}"
    yes = person.get_by_role("button", name=f"{BOT}さんを外す")
    box = yes.bounding_box()
    assert box is not None and box["height"] >= 48
    console.keyboard.press("Enter")

    # Gone from the console, the projector and everyone's board; the bot's phone is told.
    expect(console.locator("#people .person", has_text=BOT)).to_have_count(0, timeout=LIVE)
    expect(console.locator("#people-status")).to_have_text(f"{BOT}さんを外しました。")
    for text in SPAM:
        expect(screen.locator(".note-text", has_text=text)).to_have_count(0, timeout=LIVE)
        expect(console.locator("#console-notes .note-text", has_text=text)).to_have_count(0)
    expect(screen.locator(".note-text", has_text=KEPT)).to_have_count(1)
    expect(bot.locator("#join")).to_be_visible(timeout=LIVE)
    # Told at the top of the page, where the eye starts (the join form is long).
    expect(bot.locator("#global-error")).to_have_text(
        "このワークショップから外されました。もう一度参加するときは、お名前を入れてください。")
    assert bot.evaluate(f"() => localStorage.getItem('yoriai.token.{code}')") is None
    assert kept in fac.client.board.notes
    assert pages.problems == []


def test_the_facilitator_deletes_a_spam_note_after_asking(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    screen = pages.open(PROJECTOR, "screen")
    screen.goto(f"{live.base}/w/{code}/screen")
    fac = steer(live, code)
    bot = fac.participant(live, BOT)
    fac.send(bot, "post_note", kind="wish", text=SPAM[0])
    expect(screen.locator(".note-text", has_text=SPAM[0])).to_have_count(1, timeout=LIVE)
    card = console.locator("#console-notes .note", has_text=SPAM[0])
    delete = card.get_by_role("button", name=f"{BOT}さんの付箋を削除する")
    box = delete.bounding_box()
    assert box is not None and box["height"] >= 48
    delete.click()
    expect(card.locator(".confirm-question")).to_have_text(
        f"{BOT}さんの付箋を削除します。元には戻せません。")
    expect(card).to_contain_text("非表示にする")  # the gentle way is named
    card.get_by_role("button", name="やめる").click()  # changed their mind: nothing happens
    expect(card.locator(".confirm")).to_have_count(0)
    expect(screen.locator(".note-text", has_text=SPAM[0])).to_have_count(1)
    card.get_by_role("button", name=f"{BOT}さんの付箋を削除する").click()
    card.get_by_role("button", name="削除する").click()
    expect(screen.locator(".note-text", has_text=SPAM[0])).to_have_count(0, timeout=LIVE)
    expect(console.locator("#console-notes .note", has_text=SPAM[0])).to_have_count(0)
    assert pages.problems == []


def test_the_console_says_when_the_room_nears_a_ceiling(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    console.get_by_role("tab", name="テーマ分け（輪）").click()
    fac = steer(live, code)
    near = math.ceil(limits.THEMES_MAX * limits.NEAR_CEILING_SHARE)
    for i in range(near - 1):
        fac.cmd("create_theme", title=f"輪{i + 1}")
    themes = console.locator("#theme-cols .theme-col")
    expect(themes).to_have_count(near - 1, timeout=LIVE)
    expect(console.locator("#ceilings")).to_be_hidden()
    fac.cmd("create_theme", title=f"輪{near}")
    expect(themes).to_have_count(near, timeout=LIVE)
    warning = console.locator("#ceilings")
    expect(warning).to_be_visible()
    left = limits.THEMES_MAX - near
    expect(warning.locator("li")).to_have_text(
        [f"テーマが{near}個です。上限の{limits.THEMES_MAX}個まで、あと{left}個です。"])
    expect(warning).to_contain_text("「外す」")
    # Back under the line (a theme deleted): the word goes.
    theme = next(t["id"] for t in fac.items("themes") if t["title"] == f"輪{near}")
    fac.cmd("delete_theme", theme_id=theme)
    expect(themes).to_have_count(near - 1, timeout=LIVE)
    expect(warning).to_be_hidden()
    assert pages.problems == []
