"""The phone's task on its first screen (issue 11 item 1), in real Chromium at 320×568, the
demo evening's 120 notes on the board.

Geometry, not pixels: the bounding box of each step's main control (貼る, the first 共感する,
この輪に加わる, やります, 送る; 参加する before joining) is inside the 320×568 screen after
joining and after each step change, and with 文字を大きく at least its top edge is. A refusal,
the lock and 「共感を使い切りました」 are inside the screen, and what cannot act is off. After
貼る: 「貼りました ✓」 by the button, and the kind chosen again. The connection line follows the
phone's network and a command left unanswered. While notes are private, the count of those
written. At 200% zoom (a 160 px wide page: 320 device pixels at a device scale factor of 2,
as Chromium lays out a 320 px phone zoomed to 200%) nothing scrolls sideways.

Pictures of every step, default and large text, go to /tmp/phone11/ (looked at by a person);
the positions measured are printed (``pytest -s``) for the issue's before/after figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, WebSocketRoute, expect

from tests.browser.conftest import LIVE, Pages
from tests.browser.drive import STEPS, Facilitator, demo, quiet, shows_step, until
from tests.support import LiveServer

pytestmark = pytest.mark.browser

SMALL = {"viewport": {"width": 320, "height": 568}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
# 200% zoom on that phone: the page is laid out 160 CSS px wide, drawn on 320 device px.
ZOOMED = {"viewport": {"width": 160, "height": 284}, "is_mobile": True, "has_touch": True,
          "device_scale_factor": 2}
HEIGHT = 568
PICTURES = Path("/tmp/phone11")


def main_control(page: Page, step: str) -> Locator:
    """The one thing each step asks of a participant who just joined."""
    return {
        "confirm": page.locator("#note-submit"),
        "companions": page.locator("#vote-list").get_by_role("button", name="共感する").first,
        # Joining a theme, to write its proposal; a newcomer in a room whose proposals are
        # written is shown 「優先したい」 first.
        "activity": page.locator("#join-list").get_by_role("button", name="この輪に加わる").first,
        "activity-priority": page.locator("#proposal-list").get_by_role(
            "button", name="優先したい").first,
        "companions-themes": page.locator("#theme-list").get_by_role(
            "button", name="この輪に加わる").first,
        "practice": page.locator("#action-list").get_by_role("button", name="やります").first,
        "future": page.locator("#review-submit"),
    }[step]


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, locator
    return {"x": found["x"], "y": found["y"], "width": found["width"],
            "height": found["height"]}


def join(page: Page, live: LiveServer, code: str, name: str = "佐藤 花子") -> None:
    page.goto(f"{live.base}/w/{code}")
    page.get_by_label("お名前（ニックネームでも大丈夫です）").fill(name)
    page.locator("#join-form").get_by_text("住民", exact=True).click()
    page.get_by_role("button", name="参加する").click()
    expect(page.locator("#welcome")).to_have_text(f"ようこそ、{name}さん")


def text_size(page: Page, large: bool) -> None:
    name = "文字を大きく" if large else "文字を元に戻す"
    page.get_by_role("button", name=name).click()
    expect(page.locator("html")).to_have_class(re.compile("text-large") if large
                                              else re.compile(r"^(?!.*text-large).*$"))
    quiet(page)


def picture(page: Page, name: str) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PICTURES / f"{name}.png"))


def demo_at_step_one(live: LiveServer, pages: Pages,
                     steer: Callable[[LiveServer, str], Facilitator],
                     device: dict[str, Any], name: str) -> tuple[str, Facilitator, Page]:
    """The demo evening back at step 1, and a phone on its join page."""
    code = demo(live)
    fac = steer(live, code)
    fac.cmd("set_step", step="confirm")
    phone = pages.open(device, name)
    phone.goto(f"{live.base}/w/{code}")
    quiet(phone)
    return code, fac, phone


def test_each_steps_main_control_is_on_the_first_screen(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code, fac, phone = demo_at_step_one(live, pages, steer, SMALL, "phone")
    found: dict[str, Any] = {}
    join_box = box(phone.get_by_role("button", name="参加する"))
    found["join"] = join_box["y"]
    assert join_box["y"] >= 0 and join_box["y"] + join_box["height"] <= HEIGHT, join_box
    picture(phone, "join-default")
    text_size(phone, True)
    join_large = box(phone.get_by_role("button", name="参加する"))
    found["join-large"] = join_large["y"]
    assert 0 <= join_large["y"] < HEIGHT, join_large
    picture(phone, "join-large")
    text_size(phone, False)

    join(phone, live, code)
    # Joined: the page shows the step from its top, its heading focused, not mid-form.
    expect(phone.locator("#prompt")).to_be_focused()
    assert phone.evaluate("window.scrollY") == 0
    for step in ["confirm", "companions", "companions-themes", "activity-priority", "activity",
                 "practice", "future", "confirm"]:
        if step == "companions-themes":
            phone.get_by_role("button", name=re.compile("輪に加わる")).first.click()
        elif step == "activity-priority":
            fac.cmd("set_step", step="activity")
            shows_step(phone, "activity")
        elif step == "activity":
            phone.get_by_role("button", name="計画案を書く").click()
        else:
            fac.cmd("set_step", step=step)
            shows_step(phone, step)
        quiet(phone)
        control = main_control(phone, step)
        expect(control).to_be_visible()
        at = box(control)
        found[step] = at["y"]
        picture(phone, f"{step}-default")
        assert at["y"] >= 0 and at["y"] + at["height"] <= HEIGHT, (step, at)
        text_size(phone, True)
        phone.evaluate("window.scrollTo(0, 0)")
        quiet(phone)
        large = box(control)
        found[f"{step}-large"] = large["y"]
        picture(phone, f"{step}-large")
        assert 0 <= large["y"] < HEIGHT, (step, large)
        text_size(phone, False)
        phone.evaluate("window.scrollTo(0, 0)")
    print("main controls at 320x568 (y in px):", json.dumps(found))
    assert pages.problems == []


def test_the_prompt_folds_to_one_line_and_opens(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code = live.new_workshop("西部地区まちづくり寄り合い")
    phone = pages.open(SMALL, "phone")
    join(phone, live, code)
    prompt = phone.locator("#step-prompt")
    more = phone.get_by_role("button", name="もっと読む")
    expect(more).to_be_visible()
    folded = box(prompt)["height"]
    more.click()
    expect(phone.get_by_role("button", name="たたむ")).to_have_attribute("aria-expanded", "true")
    assert box(prompt)["height"] > folded * 1.5  # every line of it now
    phone.get_by_role("button", name="たたむ").click()
    expect(more).to_be_visible()
    assert pages.problems == []


def in_screen(locator: Locator) -> dict[str, float]:
    at = box(locator)
    assert at["y"] >= 0 and at["y"] + at["height"] <= HEIGHT, at
    return at


def test_refusals_the_lock_and_used_up_votes_are_on_the_screen(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code = live.new_workshop()
    fac = steer(live, code)
    neighbour = fac.participant(live, "鈴木")
    for i in range(6):
        fac.send(neighbour, "post_note", kind="wish", text=f"公園にベンチがほしい その{i}")
    fac.cmd("set_vote_settings", vote_budget=2)
    phone = pages.open(SMALL, "phone")
    join(phone, live, code)

    # A note too long: the server's refusal is by 貼る, on the screen.
    form = phone.locator("#note-form")
    form.get_by_text("課題", exact=True).click()
    form.get_by_label("付箋の内容").fill("長" * 141)
    form.get_by_role("button", name="貼る").click()
    error = phone.locator("#note-error")
    expect(error).to_contain_text("140文字まで", timeout=LIVE)
    at, button = in_screen(error), in_screen(phone.locator("#note-submit"))
    assert abs(button["y"] - (at["y"] + at["height"])) < 40  # right above the button

    # 共感 used up: every 共感する is off, and the bar at the bottom says why.
    fac.cmd("set_step", step="companions")
    shows_step(phone, "companions")
    votes = phone.locator("#vote-list").get_by_role("button", name="共感する")
    expect(votes).to_have_count(6)
    votes.nth(0).click()
    expect(phone.locator("#votes-left")).to_have_text("のこり 1票", timeout=LIVE)
    votes = phone.locator("#vote-list").get_by_role("button", name="共感する")
    expect(votes).to_have_count(5)
    votes.nth(0).click()
    expect(phone.locator("#votes-left")).to_have_text("のこり 0票", timeout=LIVE)
    out = phone.locator("#votes-out")
    expect(out).to_have_text(
        "共感を使い切りました（ひとり2票）。取り消すと、別の付箋に入れられます。")
    quiet(phone)
    for i in range(4):
        expect(votes.nth(i)).to_be_disabled()
    in_screen(out)
    phone.mouse.wheel(0, 2000)  # wherever the reader has scrolled to
    quiet(phone)
    in_screen(out)
    picture(phone, "companions-used-up")
    phone.locator("#vote-list").get_by_role("button", name="取り消す").first.click()
    expect(out).to_be_hidden(timeout=LIVE)
    expect(votes.first).to_be_enabled()

    # The lock: the notice in the bar, on the screen; the buttons off.
    fac.cmd("lock_board", locked=True)
    notice = phone.locator("#locked-notice")
    expect(notice).to_contain_text("進行役がボードを止めています", timeout=LIVE)
    quiet(phone)
    in_screen(notice)
    expect(votes.first).to_be_disabled()
    picture(phone, "companions-locked")
    fac.cmd("set_step", step="confirm")
    shows_step(phone, "confirm")
    quiet(phone)
    in_screen(notice)
    expect(phone.locator("#note-submit")).to_be_disabled()
    fac.cmd("lock_board", locked=False)
    expect(notice).to_be_hidden(timeout=LIVE)
    expect(phone.locator("#note-submit")).to_be_enabled()
    assert pages.problems == []


def test_after_posting_it_says_so_and_the_kind_is_chosen_again(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code = live.new_workshop()
    fac = steer(live, code)
    phone = pages.open(SMALL, "phone")
    join(phone, live, code)
    form = phone.locator("#note-form")
    form.get_by_text("魅力", exact=True).click()
    form.get_by_label("付箋の内容").fill("神社の杉の木")
    form.get_by_role("button", name="貼る").click()
    done = phone.locator("#note-done")
    expect(done).to_have_text("貼りました ✓", timeout=LIVE)
    quiet(phone)
    in_screen(done)
    expect(form.locator("input[name=kind]:checked")).to_have_count(0)
    picture(phone, "confirm-posted")
    # The box, once it has the focus, is clear of the bar that carries 貼る.
    phone.evaluate("window.scrollTo(0, 0)")
    phone.get_by_text("付箋の内容", exact=True).click()
    expect(form.get_by_label("付箋の内容")).to_be_focused()
    quiet(phone)
    text_box = in_screen(form.get_by_label("付箋の内容"))
    assert text_box["y"] + text_box["height"] <= box(phone.locator("#note-form .form-bar"))["y"]
    # The next one needs its kind: it does not go up as the 魅力 before.
    form.get_by_label("付箋の内容").fill("冬の除雪が追いつかない")
    expect(done).to_be_empty()
    form.get_by_role("button", name="貼る").click()
    expect(phone.locator("#note-error")).to_have_text(
        "付箋の種類（魅力・課題・思い）を選んでください。")
    form.get_by_text("課題", exact=True).click()
    form.get_by_role("button", name="貼る").click()
    expect(done).to_have_text("貼りました ✓", timeout=LIVE)
    mine = phone.locator("#mine-list .note", has_text="冬の除雪が追いつかない")
    expect(mine).to_contain_text("課題")

    # The review at step 5 the same way: 「送りました ✓」 by 送る, the column chosen again.
    fac.cmd("set_step", step="future")
    shows_step(phone, "future")
    expect(done).to_be_empty()  # the room moved on: old news
    review = phone.locator("#review-form")
    review.get_by_text("広げたい", exact=True).click()
    review.get_by_label("振り返りの内容").fill("当番表で声をかけやすくなった")
    review.get_by_role("button", name="送る").click()
    sent = phone.locator("#review-done")
    expect(sent).to_have_text("送りました ✓", timeout=LIVE)
    quiet(phone)
    in_screen(sent)
    expect(review.locator("input[name=column]:checked")).to_have_count(0)
    assert pages.problems == []


class Held:
    """Stands between the page and the server: while ``hold`` is set, what goes one way
    waits here. From the page (commands and pings alike): a Wi-Fi that died without a word.
    From the server (``answers``): an answer that comes late (an old phone, a busy room)."""

    def __init__(self, answers: bool = False) -> None:
        self.answers = answers
        self.hold = False
        self.held: list[tuple[Any, str | bytes]] = []

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        source, to = (server, ws) if self.answers else (ws, server)

        def passing(message: str | bytes) -> None:
            if self.hold:
                self.held.append((to, message))
            else:
                to.send(message)

        source.on_message(passing)

    def release(self) -> None:
        self.hold = False
        held, self.held = self.held, []
        for to, message in held:
            to.send(message)


def test_a_press_on_the_send_button_that_a_late_answer_lands_in_still_sends(
        live: LiveServer, pages: Pages) -> None:
    """The ack of one note comes while the next is being written and its 貼る is being
    pressed: the button stays under the thumb, and the next note goes. (「貼りました ✓」
    appearing above the button used to move it between the press and the release: the
    release, beside the button, was no click, and the note was never sent. A fresh-clone run
    lost one of three notes posted in a row that way.)"""
    code = live.new_workshop()
    phone = pages.open(SMALL, "phone")
    relay = Held(answers=True)
    phone.route_web_socket(re.compile(r"/ws$"), relay.route)
    join(phone, live, code)
    form = phone.locator("#note-form")
    mine = phone.locator("#mine-list .note")
    done = phone.locator("#note-done")
    relay.hold = True
    form.get_by_text("課題", exact=True).click()
    form.get_by_label("付箋の内容").fill("冬の除雪が追いつかない")
    form.get_by_role("button", name="貼る").click()
    until(phone, lambda: len(relay.held) >= 1, "the note's answer on its way")
    expect(phone.locator("#mine-list .is-unsent")).to_have_count(1)

    form.get_by_text("思い", exact=True).click()
    form.get_by_label("付箋の内容").fill("子どもが遊べる場所がほしい")
    quiet(phone)
    send = phone.locator("#note-submit")
    pressed = box(send)
    phone.mouse.move(pressed["x"] + pressed["width"] / 2, pressed["y"] + pressed["height"] / 2)
    phone.mouse.down()
    relay.release()  # the first note's ack, while the thumb is on 貼る
    expect(phone.locator("#mine-list .is-unsent")).to_have_count(0, timeout=LIVE)
    expect(mine).to_have_count(1)
    quiet(phone)
    expect(done).to_be_empty()  # the next note is being written: old news, not said
    assert box(send) == pressed
    phone.mouse.up()

    expect(mine).to_have_count(2, timeout=LIVE)
    expect(phone.locator("#mine-list .is-unsent")).to_have_count(0, timeout=LIVE)
    expect(mine.first).to_contain_text("子どもが遊べる場所がほしい")
    expect(done).to_have_text("貼りました ✓")  # its own ack, the box empty: said
    assert pages.problems == []


def test_the_connection_line_follows_the_network_and_unanswered_commands(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    phone = pages.open(SMALL, "phone")
    relay = Held()
    phone.route_web_socket(re.compile(r"/ws$"), relay.route)
    join(phone, live, code)
    status = phone.locator("#conn-status")
    expect(status).to_have_text("接続中")

    phone.context.set_offline(True)
    expect(status).to_contain_text("接続が切れています")
    phone.context.set_offline(False)
    expect(status).to_have_text("接続中", timeout=LIVE)

    # A command with no answer: the line says so after ACK_WAIT_MS (conn.js), not 45 s.
    relay.hold = True
    form = phone.locator("#note-form")
    form.get_by_text("思い", exact=True).click()
    form.get_by_label("付箋の内容").fill("集会所に手すりを")
    form.get_by_role("button", name="貼る").click()
    until(phone, lambda: len(relay.held) >= 1, "the note reached the dead Wi-Fi")
    expect(status).to_contain_text("応答を待っています")
    expect(status).to_contain_text("送信待ち 1件")
    relay.release()
    expect(phone.locator("#note-done")).to_have_text("貼りました ✓", timeout=LIVE)
    expect(status).to_have_text("接続中", timeout=LIVE)
    # The browser reports what it could not fetch while the network was off; nothing else.
    assert [p for p in pages.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []


def test_private_notes_are_counted_not_shown(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code = live.new_workshop()
    fac = steer(live, code)
    fac.cmd("set_private_notes", private=True)
    phone = pages.open(SMALL, "phone")
    join(phone, live, code)
    others = phone.locator("#others-private")
    expect(phone.locator("#others-empty")).to_have_text("まだ付箋はありません。")
    neighbour = fac.participant(live, "鈴木")
    for i in range(12):
        fac.send(neighbour, "post_note", kind="issue", text=f"街灯が少ない {i}")
    expect(others).to_have_text("公開されるまで見えません（いま12枚）", timeout=LIVE)
    expect(phone.locator("#others-empty")).to_be_hidden()
    expect(phone.locator("#others-list > li")).to_have_count(0)
    form = phone.locator("#note-form")  # my own private note is mine, not counted there
    form.get_by_text("魅力", exact=True).click()
    form.get_by_label("付箋の内容").fill("神社の杉の木")
    form.get_by_role("button", name="貼る").click()
    expect(phone.locator("#note-done")).to_have_text("貼りました ✓", timeout=LIVE)
    expect(others).to_have_text("公開されるまで見えません（いま12枚）")
    picture(phone, "confirm-private")
    fac.cmd("reveal_notes")
    expect(phone.locator("#others-list > li")).to_have_count(12, timeout=LIVE)
    expect(others).to_be_hidden()
    assert pages.problems == []


def no_sideways(page: Page, where: str) -> None:
    wide = page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
    assert wide <= 0, f"{where}: the page scrolls sideways by {wide}px"


def test_nothing_scrolls_sideways_at_200_percent(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code, fac, phone = demo_at_step_one(live, pages, steer, ZOOMED, "zoomed")
    no_sideways(phone, "join")
    picture(phone, "zoom-join")
    join(phone, live, code)
    for step in STEPS:
        fac.cmd("set_step", step=step)
        shows_step(phone, step)
        quiet(phone)
        no_sideways(phone, step)
        picture(phone, f"zoom-{step}")
    assert pages.problems == []


def test_a_refusal_whose_card_is_gone_is_shown_in_the_bar(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """A 共感 on its way when the facilitator hides that note: the server refuses it, the
    card is no longer there, and the refusal is in the bar at the bottom of the screen."""
    code = live.new_workshop()
    fac = steer(live, code)
    neighbour = fac.participant(live, "鈴木")
    ids = [fac.send(neighbour, "post_note", kind="wish", text=f"公園にベンチを {i}")["note_id"]
           for i in range(8)]
    fac.cmd("set_step", step="companions")
    phone = pages.open(SMALL, "phone")
    relay = Held()
    phone.route_web_socket(re.compile(r"/ws$"), relay.route)
    join(phone, live, code)
    last = phone.locator("#vote-list > li", has_text="公園にベンチを 7")
    last.scroll_into_view_if_needed()
    relay.hold = True
    last.get_by_role("button", name="共感する").click()
    until(phone, lambda: len(relay.held) >= 1, "the 共感 reached the slow Wi-Fi")
    fac.cmd("hide_note", note_id=ids[7])
    expect(last).to_have_count(0, timeout=LIVE)
    phone.evaluate("window.scrollTo(0, 0)")
    relay.release()
    error = phone.locator("#step-error")
    expect(error).not_to_be_empty(timeout=LIVE)
    quiet(phone)
    in_screen(error)
    picture(phone, "companions-refused")
    assert pages.problems == []


def test_priority_used_up_turns_the_buttons_off_and_says_why(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code = live.new_workshop()
    fac = steer(live, code)
    neighbour = fac.participant(live, "鈴木")
    fac.cmd("set_step", step="activity")
    for title in ("空き家を集いの場に", "雪かきの助け合い"):
        theme = fac.cmd("create_theme", title=title)["theme_id"]
        fac.send(neighbour, "join_theme", theme_id=theme)
        fac.send(neighbour, "write_proposal", theme_id=theme, aim=f"{title}をはじめる",
                 ideas=["相談する"])
    fac.cmd("set_vote_settings", vote_budget=1)
    phone = pages.open(SMALL, "phone")
    join(phone, live, code)
    buttons = phone.locator("#proposal-list").get_by_role("button", name="優先したい")
    expect(buttons).to_have_count(2)
    buttons.first.click()
    expect(phone.locator("#priority-left")).to_have_text("のこり 0票", timeout=LIVE)
    expect(buttons).to_have_count(1)
    expect(buttons.first).to_be_disabled()
    out = phone.locator("#votes-out")
    expect(out).to_have_text("「優先したい」はひとり1票までです。取り消すと、別の案に入れられます。")
    quiet(phone)
    in_screen(out)
    phone.locator("#proposal-list").get_by_role("button", name="取り消す").click()
    expect(out).to_be_hidden(timeout=LIVE)
    expect(buttons.first).to_be_enabled()
    assert pages.problems == []
