"""Step 1 in real Chromium: a phone joins and posts notes, the projector shows them live,
the console hides them; a participant fixes and removes their own notes; mistakes are
explained in Japanese next to the form that made them; a note written while the line is
down survives a reload and is sent when the line is back."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, WebSocketRoute, expect

from tests.browser.conftest import DESKTOP, LIVE, PHONE, PROJECTOR, Pages
from tests.support import LiveServer

pytestmark = pytest.mark.browser

# A hang guard for a reconnection: the longest backoff (conn.js, 30 s), then the page's
# own hang guard (LIVE) for drawing what it caught up on.
BACKED_OFF = 30_000 + LIVE  # ms
Shot = Callable[[Page, str], Path]


def join(page: Page, live: LiveServer, code: str, name: str = "佐藤 花子",
         attribute: str = "住民") -> None:
    page.goto(f"{live.base}/w/{code}")
    expect(page.locator("#join")).to_be_visible()
    page.get_by_label("お名前（ニックネームでも大丈夫です）").fill(name)
    page.locator("#join-form").get_by_text(attribute, exact=True).click()
    page.get_by_role("button", name="参加する").click()
    expect(page.locator("#board")).to_be_visible()
    expect(page.locator("#join")).to_be_hidden()
    expect(page.locator("#welcome")).to_have_text(f"ようこそ、{name}さん")
    expect(page.locator("#conn-status")).to_contain_text("接続中")


def post(page: Page, kind: str, text: str) -> None:
    form = page.locator("#note-form")
    form.get_by_text(kind, exact=True).click()
    form.get_by_label("付箋の内容").fill(text)
    form.get_by_role("button", name="貼る").click()


def sent(page: Page, count: int) -> None:
    """Wait until the page has ``count`` notes of its own and every one is acknowledged.
    In that order: the page draws a note just written on its next frame, so right after
    the click there may be no card yet, and "none unsent" held before the card was drawn
    (then drawn unsent, it passed the count too, and the note was still on its way)."""
    expect(page.locator("#mine-list .note")).to_have_count(count, timeout=LIVE)
    expect(page.locator("#mine-list .is-unsent")).to_have_count(0, timeout=LIVE)


def open_console(pages: Pages, live: LiveServer, code: str) -> Page:
    console = pages.open(DESKTOP, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    assert "key=" not in console.url  # the key became a cookie and left the address bar
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    return console


def test_a_note_reaches_the_projector_and_the_console_hides_it(
        live: LiveServer, pages: Pages, screenshot: Shot) -> None:
    code = live.new_workshop("西部地区まちづくり寄り合い")
    screen = pages.open(PROJECTOR, "screen")
    screen.goto(f"{live.base}/w/{code}/screen")
    expect(screen.locator("#conn-status")).to_contain_text("接続中")
    expect(screen.locator("img.qr")).to_have_attribute("src", f"/w/{code}/qr.svg")
    expect(screen.locator("#join-address")).to_have_text(f"http://127.0.0.1:{live.port}/w/{code}")
    expect(screen.locator("#participant-count")).to_have_text("参加者 0人")

    phone = pages.open(PHONE, "phone")
    join(phone, live, code)
    expect(screen.locator("#participant-count")).to_have_text("参加者 1人", timeout=LIVE)

    post(phone, "魅力", "駅前の桜並木がきれい")
    mine = phone.locator("#mine-list .note")
    # Sent, then one card: between the note's event and its ack (two messages) the page may
    # draw the note both as sent and as still on its way.
    expect(mine.filter(has_not_text="まだ送られていません")).to_have_count(1, timeout=LIVE)
    expect(mine).to_have_count(1, timeout=LIVE)
    expect(mine.first.locator(".note-text")).to_have_text("駅前の桜並木がきれい")
    expect(phone.locator("#note-form textarea")).to_have_value("")

    shown = screen.locator("#col-charm .note-text")
    expect(shown).to_have_text(["駅前の桜並木がきれい"], timeout=LIVE)
    expect(screen.locator("#col-charm .note")).to_contain_text("魅力")

    post(phone, "課題", "冬の除雪が追いつかない")
    post(phone, "思い", "子どもと高齢者が集まれる場所がほしい")
    expect(screen.locator("#col-issue .note-text")).to_have_text(["冬の除雪が追いつかない"],
                                                                 timeout=LIVE)
    expect(screen.locator("#col-wish .note-text")).to_have_text(
        ["子どもと高齢者が集まれる場所がほしい"], timeout=LIVE)

    console = open_console(pages, live, code)
    expect(console.locator("#people")).to_contain_text("佐藤 花子")
    expect(console.locator("#people")).to_contain_text("住民")
    card = console.locator("#console-notes .note", has_text="駅前の桜並木がきれい")
    expect(card).to_contain_text("佐藤 花子")  # the facilitator sees who wrote it

    screenshot(phone, "phone-board")
    screenshot(screen, "screen-board")

    card.get_by_role("button", name="非表示にする").click()
    expect(card).to_contain_text("非表示中")
    expect(card.get_by_role("button", name="表示に戻す")).to_be_visible()
    expect(screen.locator("#col-charm .note")).to_have_count(0, timeout=LIVE)
    expect(screen.locator("#col-issue .note")).to_have_count(1)
    # The author still sees it, told that it was hidden.
    expect(mine.filter(has_text="駅前の桜並木がきれい")).to_contain_text(
        "進行役が非表示にしました", timeout=LIVE)
    screenshot(console, "console-hidden")

    card.get_by_role("button", name="表示に戻す").click()
    expect(shown).to_have_text(["駅前の桜並木がきれい"], timeout=LIVE)
    assert pages.problems == []


def test_a_participant_edits_and_removes_their_own_note(
        live: LiveServer, pages: Pages, screenshot: Shot) -> None:
    code = live.new_workshop()
    screen = pages.open(PROJECTOR, "screen")
    screen.goto(f"{live.base}/w/{code}/screen")
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, name="田中", attribute="町内会・自治会")
    post(phone, "課題", "バス停にベンチがない")
    expect(screen.locator("#col-issue .note-text")).to_have_text(["バス停にベンチがない"],
                                                                 timeout=LIVE)

    card = phone.locator("#mine-list .note").first
    card.get_by_role("button", name="直す").click()
    editor = card.locator("textarea")
    expect(editor).to_have_value("バス停にベンチがない")
    editor.fill("バス停にベンチと屋根がない")
    card.get_by_text("思い", exact=True).click()  # and it is really a wish
    screenshot(phone, "phone-editing")
    card.get_by_role("button", name="保存").click()
    expect(card.locator(".note-text")).to_have_text("バス停にベンチと屋根がない")
    expect(card).to_contain_text("修正済み")
    expect(card).to_contain_text("思い")
    expect(screen.locator("#col-wish .note-text")).to_have_text(["バス停にベンチと屋根がない"],
                                                                timeout=LIVE)
    expect(screen.locator("#col-issue .note")).to_have_count(0)

    # Removing asks first; "やめる" keeps the note.
    card.get_by_role("button", name="はがす").click()
    expect(card).to_contain_text("この付箋をはがしますか？")
    card.get_by_role("button", name="やめる").click()
    expect(phone.locator("#mine-list .note")).to_have_count(1)
    card.get_by_role("button", name="はがす").click()
    card.get_by_role("button", name="はがす").click()
    expect(phone.locator("#mine-list .note")).to_have_count(0)
    expect(phone.locator("#mine-empty")).to_be_visible()
    expect(screen.locator(".note")).to_have_count(0, timeout=LIVE)
    assert pages.problems == []


def test_mistakes_are_explained_in_japanese_next_to_the_form(
        live: LiveServer, pages: Pages, screenshot: Shot) -> None:
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    phone.goto(f"{live.base}/w/{code}")

    # Joining without a name, then without choosing who you are.
    phone.get_by_role("button", name="参加する").click()
    join_error = phone.locator("#join-form [role=alert]")
    expect(join_error).to_have_text("お名前を入れてください。")
    phone.get_by_label("お名前（ニックネームでも大丈夫です）").fill("鈴木")
    phone.get_by_role("button", name="参加する").click()
    expect(join_error).to_have_text("あなたの立場を選んでください。")
    screenshot(phone, "phone-join-error")
    phone.locator("#join-form").get_by_text("大学・学生", exact=True).click()
    phone.get_by_role("button", name="参加する").click()
    expect(phone.locator("#board")).to_be_visible()

    # An empty note.
    form = phone.locator("#note-form")
    form.get_by_text("思い", exact=True).click()
    form.get_by_role("button", name="貼る").click()
    note_error = form.locator("[role=alert]")
    expect(note_error).to_have_text("付箋に何か書いてください。")

    # Too long: the server's own message, and the words come back to be shortened.
    long_text = "あ" * 141
    form.get_by_label("付箋の内容").fill(long_text)
    expect(form.locator("#note-count")).to_have_text("1文字多すぎます")
    form.get_by_role("button", name="貼る").click()
    expect(note_error).to_have_text("付箋は140文字までです（いま141文字）。", timeout=LIVE)
    expect(form.get_by_label("付箋の内容")).to_have_value(long_text)
    expect(phone.locator("#mine-list .note")).to_have_count(0)
    screenshot(phone, "phone-note-error")

    # Fixed, it goes through and the message goes away.
    form.get_by_label("付箋の内容").fill("あ" * 140)
    form.get_by_role("button", name="貼る").click()
    expect(phone.locator("#mine-list .note")).to_have_count(1)
    expect(note_error).to_be_hidden()
    assert pages.problems == []


def test_a_note_written_offline_survives_a_reload(
        live: LiveServer, pages: Pages, screenshot: Shot) -> None:
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, name="高橋")

    # The Wi-Fi is gone: the socket opens but nothing ever answers.
    def dead_line(ws: WebSocketRoute) -> None:
        return None

    phone.route_web_socket(re.compile(r"/ws$"), dead_line)
    phone.reload()
    expect(phone.locator("#board")).to_be_visible()  # this phone has joined before
    post(phone, "魅力", "公民館の和室が使いやすい")
    mine = phone.locator("#mine-list .note")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text("まだ送られていません")
    expect(phone.locator("#conn-status")).to_contain_text("送信待ち 1件")
    screenshot(phone, "phone-offline")

    # Back on the line, in a new page of the same phone: the note is sent by itself.
    context = phone.context
    phone.close()
    again = context.new_page()
    pages.watch(again, "phone (again)")
    again.goto(f"{live.base}/w/{code}")
    mine = again.locator("#mine-list .note")
    expect(mine.first.locator(".note-text")).to_have_text("公民館の和室が使いやすい")
    expect(mine.filter(has_not_text="まだ送られていません")).to_have_count(1, timeout=LIVE)
    expect(mine).to_have_count(1, timeout=LIVE)
    expect(again.locator("#conn-status")).not_to_contain_text("送信待ち")

    screen = pages.open(PROJECTOR, "screen")
    screen.goto(f"{live.base}/w/{code}/screen")
    expect(screen.locator("#col-charm .note-text")).to_have_text(["公民館の和室が使いやすい"],
                                                                 timeout=LIVE)
    assert pages.problems == []


def test_user_text_is_shown_as_text_and_kept_in_its_own_direction(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    screen = pages.open(PROJECTOR, "screen")
    screen.goto(f"{live.base}/w/{code}/screen")
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, name="<b>山田</b>")
    expect(phone.locator("#welcome")).to_have_text("ようこそ、<b>山田</b>さん")

    markup = '<img src=x onerror="window.hacked=1"><b>太字</b>'
    post(phone, "思い", markup)
    # Inside the text: an override at either end is trimmed as invisible (facilitation/text.py).
    override = "まちの\u202e広場"
    post(phone, "思い", override)
    cards = screen.locator("#col-wish .note-text")
    expect(cards).to_have_text([override, markup], timeout=LIVE)
    for page in (phone, screen):
        assert page.locator(".note-text img, .note-text b").count() == 0
        assert page.evaluate("window.hacked") is None
    # An RTL override stays inside its note: the element is isolated.
    first = cards.first
    expect(first).to_have_attribute("dir", "auto")
    assert first.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    assert pages.problems == []


def test_larger_text_is_remembered(live: LiveServer, pages: Pages, screenshot: Shot) -> None:
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    phone.goto(f"{live.base}/w/{code}")
    html = phone.locator("html")
    size = phone.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    phone.get_by_role("button", name="文字を大きく").click()
    expect(html).to_have_class(re.compile(r"\btext-large\b"))
    larger = phone.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger > size
    phone.reload()
    expect(html).to_have_class(re.compile(r"\btext-large\b"))
    expect(phone.get_by_role("button", name="文字を元に戻す")).to_have_attribute(
        "aria-pressed", "true")
    screenshot(phone, "phone-large-text")
    phone.get_by_role("button", name="文字を元に戻す").click()
    expect(html).not_to_have_class(re.compile(r"\btext-large\b"))
    assert pages.problems == []


def test_a_stale_token_brings_back_the_join_form(live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    phone.goto(f"{live.base}/w/{code}")
    # Connected first: a page whose socket opens after the forged token is put in would
    # say hello with it, be told bad_token and forget it before the reload.
    expect(phone.locator("#conn-status")).to_contain_text("接続中")
    phone.evaluate("c => localStorage.setItem('yoriai.token.' + c, 'p1.forged')", code)
    phone.reload()
    expect(phone.locator("#join")).to_be_visible()
    expect(phone.locator("#join-error")).to_have_text(
        "参加の情報が古くなっています。もう一度参加してください。")
    assert phone.evaluate("c => localStorage.getItem('yoriai.token.' + c)", code) is None
    join(phone, live, code)
    assert pages.problems == []


def test_a_workshop_that_is_gone_is_said_so_and_not_retried(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    opened: list[WebSocketRoute] = []

    def gone(ws: WebSocketRoute) -> None:
        opened.append(ws)
        ws.close(code=4004, reason="unknown workshop")

    phone.route_web_socket(re.compile(r"/ws$"), gone)
    phone.goto(f"{live.base}/w/{code}")
    expect(phone.locator("#conn-status")).to_have_text("このワークショップは見つかりません")
    expect(phone.locator("#global-error")).to_have_text(
        "このワークショップは見つかりません。アドレスをもう一度確かめてください。")
    expect(phone.locator("#join")).to_be_hidden()
    phone.wait_for_timeout(2500)  # longer than the first backoff
    assert len(opened) == 1
    assert pages.problems == []


def test_the_phone_page_is_light(live: LiveServer, pages: Pages) -> None:
    """Old phones on a crowded Wi-Fi: few requests, few bytes, all from the laptop."""
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    requests: list[Request] = []
    phone.on("requestfinished", lambda request: requests.append(request))
    phone.goto(f"{live.base}/w/{code}")
    expect(phone.locator("#conn-status")).to_contain_text("接続中")
    expect(phone.locator("#join")).to_be_visible()
    phone.wait_for_load_state("networkidle")  # every request made, not only the first few
    assert len(requests) <= 6, [r.url for r in requests]
    size = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
               for r in requests)
    print(f"phone first visit: {len(requests)} requests, {size / 1024:.1f} KB on the wire")
    assert size < 60 * 1024, size
    assert pages.problems == []


def test_a_dropped_line_comes_back_and_catches_up(live: LiveServer, pages: Pages) -> None:
    """The server goes away for a moment (close 1001): the phone says it is reconnecting,
    comes back by itself, resumes from the last seq it saw, and shows what it missed."""
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    hellos: list[dict[str, object]] = []
    sockets: list[WebSocketRoute] = []
    hold = {"refuse": False}

    def relay(ws: WebSocketRoute) -> None:
        if hold["refuse"]:
            ws.close(code=1001, reason="server stopping")
            return
        server = ws.connect_to_server()
        sockets.append(ws)

        def from_page(message: str | bytes) -> None:
            msg = json.loads(message)
            if msg.get("type") == "hello":
                hellos.append(msg)
            server.send(message)

        # What the server says goes to the page untouched.
        ws.on_message(from_page)

    phone.route_web_socket(re.compile(r"/ws$"), relay)
    join(phone, live, code, name="伊藤")
    post(phone, "魅力", "神社の杉の木")
    sent(phone, 1)

    hold["refuse"] = True
    sockets[-1].close(code=1001, reason="server stopping")
    expect(phone.locator("#conn-status")).to_contain_text("再接続しています")

    other = pages.open(PHONE, "other phone")
    join(other, live, code, name="渡辺")
    post(other, "課題", "街灯が少ない")
    sent(other, 1)
    hold["refuse"] = False

    # The phone backs off while refused (1 s doubling to 30 s): on a slow machine the other
    # phone's note can take long enough for the next try to be half a minute away.
    expect(phone.locator("#others-list .note-text")).to_have_text(["街灯が少ない"],
                                                                  timeout=BACKED_OFF)
    expect(phone.locator("#conn-status")).to_contain_text("接続中")
    # It asked to resume from what it had: the epoch of its welcome and the seq of the
    # last event it saw (its own note: workshop 1, join 2, note 3).
    assert len(hellos) == 2
    first, resumed = hellos
    assert "epoch" not in first
    assert isinstance(resumed["epoch"], str) and resumed["epoch"]
    assert resumed["last_seq"] == 3
    assert resumed["token"]
    expect(phone.locator("#mine-list .note-text")).to_have_text(["神社の杉の木"])
    assert pages.problems == []
