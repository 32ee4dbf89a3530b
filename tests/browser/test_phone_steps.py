"""Steps 2–5 on a phone, in real Chromium at a phone's size (375×667, touch).

The facilitator steers over a real WebSocket from a thread of its own (the synchronous
Playwright API owns this thread's event loop), exactly as the console would: it changes the
step, makes themes and actions, shows the votes, locks the board, starts the timer. The
phone is driven only through what a person sees: words on buttons, labels, messages.

Screenshots of each step's phone view at 375×667 and 320×568 go to artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Route, WebSocketRoute, expect

from tests.browser.conftest import LIVE, PHONE, SCREENSHOTS, Pages
from tests.browser.drive import quiet, until
from tests.support import HANG, Client, LiveServer

pytestmark = pytest.mark.browser

# A hang guard for "it reaches the other screen", not a timing target (bench/ measures it).
SIZES = {"375": (375, 667), "320": (320, 568)}


class Room:
    """The facilitator (and any other participants) over WebSockets, on a loop in its own
    thread; each call waits for the server's answer."""

    def __init__(self, live: LiveServer, code: str) -> None:
        self.live, self.code = live, code
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.clients: list[Client] = []
        self.facilitator = self.connect(Client(live, code, key=live.key))

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(HANG)

    def connect(self, client: Client) -> Client:
        self.run(client.connect())
        self.clients.append(client)
        return client

    def cmd(self, name: str, client: Client | None = None, **args: Any) -> dict[str, Any]:
        reply: dict[str, Any] = self.run((client or self.facilitator).cmd(name, **args))
        assert reply["type"] == "ack", reply
        result: dict[str, Any] = reply.get("result") or {}
        return result

    def participant(self, name: str) -> Client:
        client = self.connect(Client(self.live, self.code))
        self.run(client.join(name=name))
        return client

    def step(self, step: str) -> None:
        self.cmd("set_step", step=step)

    def sees(self, kind: str, key: str, check: Callable[[dict[str, Any]], bool]) -> None:
        """Wait until the facilitator's board shows ``check`` of an item: what a phone did
        reaches the facilitator's socket on its own time, not with the phone's ack."""
        self.run(self.facilitator.wait_for(
            lambda b: key in b.items(kind) and check(b.items(kind)[key])))

    def close(self) -> None:
        for client in self.clients:
            self.run(client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()


@pytest.fixture
def room(live: LiveServer) -> Iterator[Callable[[str], Room]]:
    made: list[Room] = []

    def make(code: str) -> Room:
        made.append(Room(live, code))
        return made[-1]

    yield make
    for r in made:
        r.close()


def join(page: Page, live: LiveServer, code: str, name: str = "佐藤 花子") -> None:
    page.goto(f"{live.base}/w/{code}")
    page.get_by_label("お名前（ニックネームでも大丈夫です）").fill(name)
    page.locator("#join-form").get_by_text("住民", exact=True).click()
    page.get_by_role("button", name="参加する").click()
    expect(page.locator("#welcome")).to_have_text(f"ようこそ、{name}さん")
    expect(page.locator("#conn-status")).to_contain_text("接続中")


def shoot(page: Page, name: str) -> None:
    """The page as a phone shows it, at 375×667 and at the narrow 320×568."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        quiet(page)  # drawn again for the new size
        page.screenshot(path=str(SCREENSHOTS / f"phone-{name}-{label}.png"), full_page=True)
        assert_fits(page)
    page.set_viewport_size({"width": 375, "height": 667})


def assert_fits(page: Page) -> None:
    """Nothing wider than the screen (no sideways scrolling), and every button, switch and
    text box visible on the page at least 48 px tall."""
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"the page scrolls sideways by {wide}px"
    small = page.evaluate("""() => Array.from(document.querySelectorAll(
        'main button, main input[type=text], main textarea, main .kind-choice, main .choice'))
      .filter(e => e.offsetParent !== null)
      .map(e => [e.textContent.trim().slice(0, 20), e.getBoundingClientRect().height])
      .filter(([, h]) => h < 47.5)""")
    assert small == [], small


def card(page: Page, list_id: str, text: str) -> Locator:
    return page.locator(f"#{list_id} > li", has_text=text)


def head(page: Page) -> Locator:
    return page.locator("#step-title")


def test_a_participant_takes_part_in_steps_2_to_5(
        live: LiveServer, pages: Pages, room: Callable[[str], Room]) -> None:
    code = live.new_workshop("西部地区まちづくり寄り合い")
    r = room(code)
    phone = pages.open(PHONE, "phone")
    join(phone, live, code)
    expect(phone.locator("#note-form")).to_be_visible()  # step 1 as before
    neighbour = r.participant("鈴木")
    texts = ["駅前の桜並木がきれい", "冬の除雪が追いつかない", "空き家を集いの場にしたい"]
    notes = [r.cmd("post_note", neighbour, kind=kind, text=text)["note_id"]
             for kind, text in zip(["charm", "issue", "wish"], texts, strict=True)]
    r.cmd("set_vote_settings", vote_budget=2, votes_visible=False)

    # --- 仲間を増やそう: 共感 ---------------------------------------------------------------
    r.step("companions")
    expect(head(phone)).to_have_text("仲間を増やそう")
    expect(phone.locator("#step-count")).to_have_text("ステップ 2／5")
    expect(phone.locator("#step-prompt")).to_contain_text("共感")
    expect(phone.locator("#note-form")).to_be_hidden()
    expect(phone.locator("#votes-left")).to_have_text("のこり 2票")
    first = card(phone, "vote-list", texts[0])
    expect(first).to_contain_text("魅力")  # the kind in words, beside its icon
    first.get_by_role("button", name="共感する").click()
    expect(first).to_contain_text("共感しました", timeout=LIVE)
    expect(phone.locator("#votes-left")).to_have_text("のこり 1票")
    card(phone, "vote-list", texts[1]).get_by_role("button", name="共感する").click()
    expect(phone.locator("#votes-left")).to_have_text("のこり 0票", timeout=LIVE)
    expect(first).not_to_contain_text("みんなの共感")  # tallies are not shown yet

    # The budget is spent: the third's button is off, and the bar at the bottom of the
    # screen says why in plain words (issue 11: no button pressable in vain).
    third = card(phone, "vote-list", texts[2])
    expect(third.get_by_role("button", name="共感する")).to_be_disabled()
    expect(phone.locator("#votes-out")).to_have_text(
        "共感を使い切りました（ひとり2票）。取り消すと、別の付箋に入れられます。")
    shoot(phone, "companions-budget")
    first.get_by_role("button", name="取り消す").click()
    expect(phone.locator("#votes-left")).to_have_text("のこり 1票", timeout=LIVE)
    expect(first).not_to_contain_text("共感しました")
    third.get_by_role("button", name="共感する").click()
    expect(third).to_contain_text("共感しました", timeout=LIVE)
    expect(third.get_by_role("alert")).to_be_hidden()
    r.run(r.facilitator.wait_for(lambda b: b.tallies == {notes[1]: 1, notes[2]: 1}))

    # The facilitator shows the votes: each card says how many.
    r.cmd("set_vote_settings", votes_visible=True)
    expect(third).to_contain_text("みんなの共感 1", timeout=LIVE)
    expect(first).to_contain_text("みんなの共感 0")
    shoot(phone, "companions")

    # --- 仲間を増やそう: themes (輪) ------------------------------------------------------------
    akiya = r.cmd("create_theme", title="空き家を集いの場に", note_id=notes[2])["theme_id"]
    yuki = r.cmd("create_theme", title="雪かきの助け合い", note_id=notes[1])["theme_id"]
    phone.get_by_role("button", name=re.compile("輪に加わる")).click()
    theme = card(phone, "theme-list", "空き家を集いの場に")
    expect(theme).to_contain_text(texts[2])  # its notes
    expect(theme).to_contain_text("仲間 0人")
    theme.get_by_role("button", name="この輪に加わる").click()
    expect(theme).to_contain_text("加わっています", timeout=LIVE)
    expect(theme).to_contain_text("仲間 1人")
    shoot(phone, "companions-themes")
    r.cmd("join_theme", neighbour, theme_id=yuki)

    # --- 地域の活動にしよう: the proposal, then priority --------------------------------------
    r.step("activity")
    expect(head(phone)).to_have_text("地域の活動にしよう", timeout=LIVE)
    form = phone.locator("#proposal-forms > li", has_text="空き家を集いの場に")
    expect(form).to_be_visible()
    form.get_by_role("button", name="計画案を保存する").click()
    expect(form.get_by_role("alert")).to_have_text("目指すことを書いてください。")
    form.get_by_label("目指すこと").fill("空き家を子どもと高齢者の居場所にする")
    expect(form.get_by_role("alert")).to_be_hidden()  # being fixed: the message goes
    form.get_by_label("アイデア 1").fill("持ち主に相談する")
    form.get_by_role("button", name="アイデアを足す").click()
    expect(form.get_by_label("アイデア 2")).to_be_focused()
    phone.keyboard.type("町内会で掃除の日を決める")
    expect(form).to_contain_text("まだ保存していません")
    shoot(phone, "activity")
    form.get_by_role("button", name="計画案を保存する").click()
    expect(form).to_contain_text("保存しました", timeout=LIVE)
    r.sees("proposals", akiya,
           lambda p: p["ideas"] == ["持ち主に相談する", "町内会で掃除の日を決める"])
    r.cmd("write_proposal", neighbour, theme_id=yuki, aim="一人暮らしの家の前を雪かきする",
          ideas=["当番表をつくる"])

    phone.get_by_role("button", name="優先したい案を選ぶ").click()
    expect(phone.locator("#priority-left")).to_have_text("のこり 2票")
    other = card(phone, "proposal-list", "雪かきの助け合い")
    expect(other).to_contain_text("一人暮らしの家の前を雪かきする", timeout=LIVE)
    expect(other).to_contain_text("当番表をつくる")
    other.get_by_role("button", name="優先したい").click()
    expect(other).to_contain_text("優先したいを入れました", timeout=LIVE)
    expect(phone.locator("#priority-left")).to_have_text("のこり 1票")
    expect(other).to_contain_text("優先したい 1票")  # votes are shown in this workshop
    shoot(phone, "activity-priority")
    r.cmd("choose_proposal", theme_id=yuki, chosen=True)
    expect(other).to_contain_text("選ばれました", timeout=LIVE)

    # --- 実践しよう: 「やります」 ----------------------------------------------------------------
    action = r.cmd("create_action", title="雪かき当番", theme_id=yuki, form="citizen_led",
                   partners=["町内会", "市"], first_step="当番表を回覧板で回す",
                   due="2026-12-20")["action_id"]
    r.cmd("create_action", title="空き家の見学会", theme_id=akiya, form="partnership")
    r.step("practice")
    expect(head(phone)).to_have_text("実践しよう", timeout=LIVE)
    role = card(phone, "action-list", "雪かき当番")
    for words in ("市民主導", "町内会、市", "当番表を回覧板で回す", "2026年12月20日", "未着手",
                  "まだいません"):
        expect(role).to_contain_text(words)
    role.get_by_role("button", name="やります").click()
    expect(role).to_contain_text("あなたも担い手です", timeout=LIVE)
    expect(role.locator(".volunteers")).to_contain_text("佐藤 花子（あなた）")
    expect(role.get_by_role("button", name="やめる")).to_be_visible()
    shoot(phone, "practice")
    phone.get_by_role("button", name="文字を大きく").click()
    shoot(phone, "practice-large")
    phone.get_by_role("button", name="文字を元に戻す").click()
    r.sees("actions", action, lambda a: [v["name"] for v in a["volunteers"]] == ["佐藤 花子"])

    # --- 将来につなげよう: review and progress ----------------------------------------------
    r.step("future")
    expect(head(phone)).to_have_text("将来につなげよう", timeout=LIVE)
    review = phone.locator("#review-form")
    review.get_by_label("振り返りの内容").fill("当番表で声をかけやすくなった")
    review.get_by_role("button", name="送る").click()
    expect(review.get_by_role("alert")).to_have_text(
        "「広げたい」か「見直したい」を選んでください。")
    review.get_by_text("広げたい", exact=True).click()
    review.get_by_role("button", name="送る").click()
    mine = card(phone, "reviews-keep", "当番表で声をかけやすくなった")
    # Sent, then one card: between the review's event and its ack (two messages) the page
    # may draw it both as sent and as still on its way.
    expect(mine.filter(has_not_text="まだ送られていません")).to_have_count(1, timeout=LIVE)
    expect(mine).to_have_count(1, timeout=LIVE)
    expect(mine).to_contain_text("あなたの振り返り")
    expect(review.get_by_label("振り返りの内容")).to_have_value("")
    r.cmd("post_review", neighbour, column="change", text="雪の多い日は人が足りない")
    theirs = card(phone, "reviews-change", "雪の多い日は人が足りない")
    expect(theirs).to_be_visible(timeout=LIVE)
    expect(theirs.get_by_role("button")).to_have_count(0)  # not mine to change
    mine = phone.locator("#reviews-keep > li.mine")  # its words change while it is fixed
    mine.get_by_role("button", name="直す").click()
    mine.get_by_label("振り返りの内容").fill("当番表で近所に声をかけやすくなった")
    mine.get_by_role("button", name="保存").click()
    expect(mine.locator(".note-text")).to_have_text("当番表で近所に声をかけやすくなった",
                                                    timeout=LIVE)
    shoot(phone, "future")

    phone.get_by_role("button", name="進み具合を入れる").click()
    status = card(phone, "status-list", "雪かき当番")
    expect(status.get_by_role("button", name="未着手")).to_have_attribute("aria-pressed", "true")
    status.get_by_role("button", name="実施中").click()
    expect(status.get_by_role("button", name="実施中")).to_have_attribute(
        "aria-pressed", "true", timeout=LIVE)
    expect(status.get_by_role("button", name="未着手")).to_have_attribute("aria-pressed", "false")
    expect(status.locator(".sending")).to_have_count(0, timeout=LIVE)
    r.sees("actions", action, lambda a: a["status"] == "under_way")
    shoot(phone, "future-status")

    # And a review of one's own can be taken back.
    phone.get_by_role("button", name="振り返りを書く").click()
    mine.get_by_role("button", name="消す").click()
    expect(mine).to_contain_text("この振り返りを消しますか？")
    mine.get_by_role("button", name="消す").click()
    expect(phone.locator("#reviews-keep > li")).to_have_count(0, timeout=LIVE)
    expect(phone.locator("#reviews-empty-keep")).to_be_visible()
    assert pages.problems == []


def test_an_action_the_step_no_longer_opens_is_refused_in_plain_words(
        live: LiveServer, pages: Pages, room: Callable[[str], Room]) -> None:
    """A 共感 on its way when the facilitator moves on: the server refuses it (step_closed)
    and the phone says so under the new step's prompt, where the reader is looking."""
    code = live.new_workshop()
    r = room(code)
    neighbour = r.participant("鈴木")
    r.cmd("post_note", neighbour, kind="wish", text="公園にベンチがほしい")
    r.step("companions")
    phone = pages.open(PHONE, "phone")
    held: list[str | bytes] = []
    hold = {"on": False}
    relays: list[Any] = []

    def relay(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            msg = json.loads(message)
            if hold["on"] and msg.get("type") == "cmd":
                held.append(message)  # the Wi-Fi is slow today
            else:
                server.send(message)

        ws.on_message(from_page)
        relays.append(server)

    phone.route_web_socket(re.compile(r"/ws$"), relay)
    join(phone, live, code)
    expect(head(phone)).to_have_text("仲間を増やそう")
    hold["on"] = True
    note = card(phone, "vote-list", "公園にベンチがほしい")
    note.get_by_role("button", name="共感する").click()
    expect(note).to_contain_text("送っています…")
    expect(phone.locator("#conn-status")).to_contain_text("送信待ち 1件")

    r.step("activity")
    expect(head(phone)).to_have_text("地域の活動にしよう", timeout=LIVE)
    expect(phone.locator("#vote-list")).to_be_hidden()
    until(phone, lambda: len(held) == 1, "the 共感 reached the slow Wi-Fi")
    hold["on"] = False
    relays[-1].send(held.pop())
    expect(phone.locator("#step-error")).to_have_text(
        "いまは「地域の活動にしよう」の時間なので、これはできません。", timeout=LIVE)
    expect(phone.locator("#conn-status")).not_to_contain_text("送信待ち")
    shoot(phone, "step-closed")

    # A command the step does open clears the message.
    r.cmd("create_theme", title="公園のベンチ")
    phone.get_by_role("button", name="この輪に加わる").click()
    expect(phone.locator("#join-list")).to_be_hidden(timeout=LIVE)
    expect(phone.locator("#step-error")).to_be_hidden()
    assert pages.problems == []


def test_the_phone_follows_the_facilitator(
        live: LiveServer, pages: Pages, room: Callable[[str], Room]) -> None:
    """Every step change, the lock, the focus and the timer reach the phone at once."""
    code = live.new_workshop()
    r = room(code)
    neighbour = r.participant("鈴木")
    note = r.cmd("post_note", neighbour, kind="issue", text="街灯が少ない")["note_id"]
    phone = pages.open(PHONE, "phone")
    join(phone, live, code)
    views = {"confirm": ("確かめてみよう", "#note-form"),
             "companions": ("仲間を増やそう", "#vote-list"),
             "activity": ("地域の活動にしよう", "#part-write"),
             "practice": ("実践しよう", "#view-practice"),
             "future": ("将来につなげよう", "#review-form")}
    for step in ["companions", "activity", "practice", "future", "confirm", "companions"]:
        r.step(step)
        title, shown = views[step]
        expect(head(phone)).to_have_text(title, timeout=LIVE)
        expect(phone.locator(shown)).to_be_visible()
        for other, (_, hidden) in views.items():
            if other != step:
                expect(phone.locator(hidden)).to_be_hidden()
    expect(phone.locator("#step-announce")).to_have_text("ステップが変わりました：仲間を増やそう")
    # The connection state stays in sight, in words, when the page is scrolled.
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    phone.set_viewport_size({"width": 375, "height": 400})
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    status = phone.locator("#conn-status")
    expect(status).to_be_in_viewport()
    phone.screenshot(path=str(SCREENSHOTS / "phone-scrolled-375.png"))
    phone.set_viewport_size({"width": 375, "height": 667})
    phone.evaluate("window.scrollTo(0, 0)")

    # The board is stopped: a calm notice, and the buttons wait.
    vote = card(phone, "vote-list", "街灯が少ない").get_by_role("button", name="共感する")
    expect(vote).to_be_enabled()
    r.cmd("lock_board", locked=True)
    # Shown, not only its words: they are in the page, hidden, from the start.
    expect(phone.locator("#locked-notice")).to_be_visible(timeout=LIVE)
    expect(phone.locator("#locked-notice")).to_contain_text("進行役がボードを止めています")
    expect(vote).to_be_disabled()
    shoot(phone, "locked")
    r.cmd("lock_board", locked=False)
    expect(phone.locator("#locked-notice")).to_be_hidden(timeout=LIVE)
    expect(vote).to_be_enabled()

    # The projector shows one note large: the phone marks it.
    r.cmd("set_focus", kind="note", id=note)
    expect(card(phone, "vote-list", "街灯が少ない")).to_contain_text(
        "いま大きな画面に出ています", timeout=LIVE)
    r.cmd("set_focus", kind=None)
    expect(card(phone, "vote-list", "街灯が少ない")).not_to_contain_text(
        "いま大きな画面に出ています", timeout=LIVE)

    # The shared timer, counting down in words each second, then paused.
    expect(phone.locator("#timer")).to_be_hidden()
    r.cmd("start_timer", seconds=300)
    timer = phone.locator("#timer")
    expect(timer).to_have_text(re.compile(r"^あと[45]分\d+秒$"), timeout=LIVE)
    before = timer.text_content()
    expect(timer).not_to_have_text(before or "", timeout=LIVE)  # it moves on by itself
    r.cmd("pause_timer")
    expect(timer).to_contain_text("タイマー停止中", timeout=LIVE)
    assert pages.problems == []


def test_the_phone_in_english(
        live: LiveServer, pages: Pages, room: Callable[[str], Room]) -> None:
    code = live.new_workshop()
    r = room(code)
    r.cmd("create_action", title="Snow rota", form="city_led")
    r.step("practice")
    phone = pages.open(PHONE, "phone")
    phone.goto(f"{live.base}/w/{code}?lang=en")
    phone.locator("#join-name").fill("Ann")
    phone.locator("#join-form").get_by_text("住民", exact=True).click()
    phone.locator("#join-submit").click()
    expect(head(phone)).to_have_text("Try it out")
    role = card(phone, "action-list", "Snow rota")
    expect(role).to_contain_text("Led by the city")
    role.get_by_role("button", name="I'll do it").click()
    expect(role).to_contain_text("You are doing this", timeout=LIVE)
    assert pages.problems == []


# --- between a command's event and its ack -----------------------------------------------------

class HeldAcks:
    """Stands between a page and the server: passes every message, except that while
    ``hold`` is set the acks wait here until release(). The server's events still pass, so
    the page stays caught between a command's event and its ack, which is otherwise a
    moment."""

    def __init__(self) -> None:
        self.hold = False
        self.held: list[tuple[WebSocketRoute, str]] = []

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if not self.hold or not isinstance(message, str):
                ws.send(message)
                return
            msg = json.loads(message)
            # Several messages may share a frame (a batch): each is passed or held alone.
            for item in msg["items"] if msg.get("type") == "batch" else [msg]:
                text = json.dumps(item, ensure_ascii=False)
                if item.get("type") == "ack":
                    self.held.append((ws, text))
                else:
                    ws.send(text)

        server.on_message(from_server)

    def wait_for_ack(self, page: Page) -> None:
        until(page, lambda: len(self.held) == 1, "the command's ack reached the relay")

    def release(self) -> None:
        self.hold = False
        held, self.held = self.held, []
        for ws, text in held:
            ws.send(text)


def test_what_the_phone_sent_shows_once_between_its_event_and_its_ack(
        live: LiveServer, pages: Pages, room: Callable[[str], Room]) -> None:
    """A note (and a review) arrives as the server's event before its ack: the page had
    drawn it twice meanwhile, once as sent and once as still on its way."""
    code = live.new_workshop()
    r = room(code)
    phone = pages.open(PHONE, "phone")
    relay = HeldAcks()
    phone.route_web_socket(re.compile(r"/ws$"), relay.route)
    join(phone, live, code)
    waiting = phone.locator("#conn-status .conn-pending")

    relay.hold = True
    form = phone.locator("#note-form")
    form.get_by_text("魅力", exact=True).click()
    form.get_by_label("付箋の内容").fill("神社の杉の木")
    form.get_by_role("button", name="貼る").click()
    relay.wait_for_ack(phone)
    mine = phone.locator("#mine-list > li")
    expect(mine.filter(has_not_text="まだ送られていません")).to_have_count(1, timeout=LIVE)
    expect(waiting).to_have_text("送信待ち 1件")  # the ack has not come: still in between
    expect(mine).to_have_count(1)
    relay.release()
    expect(waiting).to_have_count(0, timeout=LIVE)
    expect(mine).to_have_count(1)

    r.step("future")
    expect(head(phone)).to_have_text("将来につなげよう", timeout=LIVE)
    relay.hold = True
    review = phone.locator("#review-form")
    review.get_by_text("広げたい", exact=True).click()
    review.get_by_label("振り返りの内容").fill("当番表で声をかけやすくなった")
    review.get_by_role("button", name="送る").click()
    relay.wait_for_ack(phone)
    reviews = phone.locator("#reviews-keep > li")
    expect(reviews.filter(has_not_text="まだ送られていません")).to_have_count(1, timeout=LIVE)
    expect(waiting).to_have_text("送信待ち 1件")
    expect(reviews).to_have_count(1)
    relay.release()
    expect(waiting).to_have_count(0, timeout=LIVE)
    expect(reviews).to_have_count(1)
    assert pages.problems == []


def test_the_focus_comes_back_to_a_saved_card_unless_the_person_moved_on(
        live: LiveServer, pages: Pages, room: Callable[[str], Room]) -> None:
    """After 保存 the card's 直す button is off until the answer comes; then the focus
    goes back to it (a keyboard or screen-reader user keeps their place). If the person has
    gone on to another box meanwhile, the page leaves the focus where they put it."""
    code = live.new_workshop()
    r = room(code)
    r.step("future")
    phone = pages.open(PHONE, "phone")
    relay = HeldAcks()
    phone.route_web_socket(re.compile(r"/ws$"), relay.route)
    join(phone, live, code)
    review = phone.locator("#review-form")
    review.get_by_text("広げたい", exact=True).click()
    review.get_by_label("振り返りの内容").fill("当番表で声をかけやすくなった")
    review.get_by_role("button", name="送る").click()
    mine = phone.locator("#reviews-keep > li.mine")
    fix = mine.get_by_role("button", name="直す")
    expect(fix).to_be_enabled(timeout=LIVE)

    relay.hold = True
    fix.click()
    mine.get_by_label("振り返りの内容").fill("当番表で近所に声をかけやすくなった")
    mine.get_by_role("button", name="保存").click()
    relay.wait_for_ack(phone)
    expect(fix).to_be_disabled()
    relay.release()
    expect(fix).to_be_focused(timeout=LIVE)

    relay.hold = True
    fix.click()
    mine.get_by_label("振り返りの内容").fill("当番表で近所の人に声をかけやすくなった")
    mine.get_by_role("button", name="保存").click()
    relay.wait_for_ack(phone)
    review.get_by_label("振り返りの内容").click()  # on to the next review
    relay.release()
    expect(fix).to_be_enabled(timeout=LIVE)
    quiet(phone)
    expect(review.get_by_label("振り返りの内容")).to_be_focused()
    assert pages.problems == []


def test_text_is_counted_as_a_person_sees_it(live: LiveServer, pages: Pages) -> None:
    """A family emoji is one character to the person and to the server (grapheme
    clusters), though it is five code points and eight UTF-16 units: the name box keeps
    twenty of them whole (maxlength would cut the third in half) and the counter counts
    each as one, and 「が」 typed as か + ゛ as one too."""
    family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    phone.goto(f"{live.base}/w/{code}")
    name = phone.get_by_label("お名前（ニックネームでも大丈夫です）")
    name.fill(family * 21)
    expect(name).to_have_value(family * 20)
    phone.locator("#join-form").get_by_text("住民", exact=True).click()
    phone.get_by_role("button", name="参加する").click()
    expect(phone.locator("#welcome")).to_have_text(f"ようこそ、{family * 20}さん", timeout=LIVE)
    phone.locator("#note-form").get_by_label("付箋の内容").fill(family * 3 + "\u304b\u3099")
    expect(phone.locator("#note-count")).to_have_text("あと136文字")
    assert pages.problems == []


def test_a_word_being_converted_is_not_cut_off_by_a_redraw(
        live: LiveServer, pages: Pages, room: Callable[[str], Room]) -> None:
    """Typing Japanese goes through an input method: while a word is being converted, the
    card around the box is kept as it is (rebuilding it, here to clear the error being
    fixed, would drop the word); once the word is chosen the card is drawn again."""
    code = live.new_workshop()
    r = room(code)
    r.cmd("create_theme", title="空き家を集いの場に")
    r.step("activity")
    phone = pages.open(PHONE, "phone")
    join(phone, live, code)
    phone.get_by_role("button", name="この輪に加わる").click()
    form = phone.locator("#proposal-forms > li", has_text="空き家を集いの場に")
    form.get_by_role("button", name="計画案を保存する").click()
    expect(form.get_by_role("alert")).to_have_text("目指すことを書いてください。")
    aim = form.get_by_label("目指すこと")
    aim.focus()
    aim.evaluate("box => { box.dataset.probe = 'the same box' }")
    ime = phone.context.new_cdp_session(phone)
    ime.send("Input.imeSetComposition", {"text": "まち", "selectionStart": 2,
                                         "selectionEnd": 2})
    quiet(phone)  # whatever the typing made the page draw is drawn
    expect(aim).to_have_attribute("data-probe", "the same box")
    expect(aim).to_be_focused()
    ime.send("Input.insertText", {"text": "町"})
    expect(form.get_by_role("alert")).to_be_hidden(timeout=LIVE)  # drawn again now
    expect(aim).to_have_value("町")
    expect(aim).to_be_focused()
    assert pages.problems == []


def test_a_step_view_that_could_not_be_fetched_is_fetched_again(
        live: LiveServer, pages: Pages, room: Callable[[str], Room]) -> None:
    """The phone fetches its step views once someone has joined. If the Wi-Fi drops just
    then, the page raises no error of its own and fetches them again at its next drawing
    (here: a note from someone else arrives)."""
    code = live.new_workshop()
    r = room(code)
    phone = pages.open(PHONE, "phone")
    refused: list[str] = []

    def once(route: Route) -> None:
        if refused:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    phone.route(re.compile(r"/vocab\.js$"), once)
    join(phone, live, code)
    until(phone, lambda: bool(refused), "the step views' first fetch failed")
    neighbour = r.participant("鈴木")
    r.cmd("post_note", neighbour, kind="charm", text="駅前の桜並木がきれい")
    expect(phone.locator("#note-form")).to_be_visible(timeout=LIVE)
    expect(phone.locator("#others-list .note-text")).to_have_text(["駅前の桜並木がきれい"])
    expect(head(phone)).to_have_text("確かめてみよう")
    # The failed fetch itself is logged by the browser; nothing else went wrong.
    assert [p for p in pages.problems if "Failed to load resource" not in p] == []
