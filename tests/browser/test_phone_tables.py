"""Tables (班) on the phone (issue 14), in real Chromium against the real server: the
facilitator makes tables, seats people and makes a table host over a WebSocket, as the
console does; the phone is driven through what a person sees.

- At 320×568 with 文字を大きく, the table's number (「N班」) is on the first screen, big, and
  the top edge of each step's main control is still inside the screen (bounding boxes).
- The phone lists its own table's notes first; other tables' only behind
  「ほかのテーブルを見る」, and that only when the facilitator allows it; with 共感 per table,
  only the own table's notes offer 共感 and the budget is the server's ``votes_left``.
- A table host sorts the table's notes into themes with taps, writes for a person without a
  phone seated there (代理入力), and writes the table's proposal, from the phone.
- A host's command that touches another table (rewritten on its way through the socket)
  comes back refused, and the phone shows the refusal in Japanese.

Pictures go to /tmp/phone14b/ (looked at by a person); the boxes measured are printed
(``pytest -s``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.browser.conftest import Pages
from tests.browser.drive import STEPS, Facilitator, quiet, run_hub, shows_step, until
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_phone_one_screen import (
    HEIGHT,
    SMALL,
    ZOOMED,
    box,
    demo_at_step_one,
    join,
    main_control,
    no_sideways,
    text_size,
)
from tests.support import Board, Client, LiveServer
from yoriai.facilitation.program import bundled_program
from yoriai.server.hub import Hub

pytestmark = pytest.mark.browser

PICTURES = Path("/tmp/phone14b")
JA = json.loads((Path(__file__).resolve().parents[2] / "yoriai" / "client" / "i18n"
                 / "ja.json").read_text("utf-8"))
# The number on a table is what people look for across the room: never smaller than the
# big text (22 px) a 75-year-old sets.
BADGE_MIN_PX = 22


def picture(page: Page, name: str) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PICTURES / f"{name}.png"))


def person(fac: Facilitator, name: str) -> dict[str, Any]:
    """A participant as the facilitator's board has them (with their table)."""
    found = [p for p in fac.items("participants") if p["name"] == name]
    assert len(found) == 1, (name, fac.items("participants"))
    return found[0]


def table_ids(fac: Facilitator) -> list[str]:
    tables = sorted(fac.items("tables"), key=lambda t: t["number"])
    return [t["id"] for t in tables]


def seated(fac: Facilitator, name: str, table: str) -> None:
    """Seat someone and wait until the facilitator's board says so."""
    pid = person(fac, name)["id"]
    fac.cmd("seat", participant_id=pid, table_id=table)
    fac.run(fac.client.wait_for(lambda b: b.items("participants")[pid].get("table") == table))


def two_tables(live: LiveServer, steer: Callable[[LiveServer, str], Facilitator],
               pages: Pages, device: dict[str, Any] = SMALL
               ) -> tuple[Facilitator, Page, Client, Client, list[str]]:
    """A room with two tables made by hand: the phone (佐藤 花子) and 鈴木 at table 1,
    田中 at table 2."""
    code = live.new_workshop("西部地区まちづくり寄り合い")
    fac = steer(live, code)
    phone = pages.open(device, "phone")
    join(phone, live, code)
    near = fac.participant(live, "鈴木")
    far = fac.participant(live, "田中")
    fac.cmd("make_tables", count=2, by="hand")
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 2))
    ids = table_ids(fac)
    seated(fac, "佐藤 花子", ids[0])
    seated(fac, "鈴木", ids[0])
    seated(fac, "田中", ids[1])
    expect(phone.locator("#table-number")).to_have_text("1班")
    return fac, phone, near, far, ids


# Each step's main control, as test_phone_one_screen names them; "-themes" and the
# activity's writing part are the step's second switch, pressed.
FIRST_SCREEN = ["confirm", "companions", "companions-themes", "activity-priority", "activity",
                "practice", "future"]


def at_step(fac: Facilitator, phones: list[Page], step: str) -> None:
    """Bring the room (or the phones' second switch) to ``step`` of FIRST_SCREEN."""
    room = step.split("-")[0]
    if step == "companions-themes":
        for phone in phones:
            phone.locator("#view-companions [data-tab=themes]").click()
    elif step == "activity":
        for phone in phones:
            phone.get_by_role("button", name="計画案を書く").click()
    else:
        fac.cmd("set_step", step=room)
    for phone in phones:
        shows_step(phone, room)
        phone.evaluate("window.scrollTo(0, 0)")
        quiet(phone)


def test_the_main_control_is_on_the_first_screen_for_a_host_and_a_participant(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """The demo evening (its 120 notes) at three mixed tables, on two 320×568 phones: a table
    host's and a participant's. At every step, with and without 文字を大きく, the step's main
    control is where test_phone_one_screen wants a participant's (the whole of it on the
    first screen; with big text its top edge), the host's never lower than the
    participant's: 「テーブルの進行」 rides in the top bar's second row, which is there anyway,
    and costs the step nothing. The table's number is whole and big on both."""
    code, fac, host = demo_at_step_one(live, pages, steer, SMALL, "host")
    join(host, live, code)
    guest = pages.open(SMALL, "guest")
    join(guest, live, code, name="鈴木 一郎")
    fac.cmd("make_tables", count=3, by="mixed")
    fac.run(fac.client.wait_for(lambda b: person_of(b, "佐藤 花子").get("table")
                                and person_of(b, "鈴木 一郎").get("table")))
    me = person(fac, "佐藤 花子")
    fac.cmd("set_table_host", table_id=me["table"], participant_id=me["id"])
    switch = host.locator("#host-switch")
    # Shown once the host's phone has the event (its words are in the page from the start,
    # so the text alone would not wait for it).
    expect(switch).to_be_visible()
    expect(switch).to_have_text("テーブルの進行")
    expect(guest.locator("#host-switch")).to_be_hidden()
    phones = {"host": host, "participant": guest}
    found: dict[str, dict[str, float]] = {}
    for large in (False, True):
        size = "large" if large else "default"
        if large:
            for phone in phones.values():
                text_size(phone, True)
        for step in FIRST_SCREEN:
            at_step(fac, list(phones.values()), step)
            for who, phone in phones.items():
                control = main_control(phone, step)
                expect(control).to_be_visible()
                at = box(control)
                found[f"{who}:{step}:{size}"] = {"top": at["y"],
                                                 "bottom": at["y"] + at["height"]}
                picture(phone, f"first-screen-{who}-{step}-{size}")
                badge = box(phone.locator("#table-badge"))
                assert badge["y"] >= 0 and badge["y"] + badge["height"] <= HEIGHT, badge
                assert phone.evaluate("parseFloat(getComputedStyle(document.getElementById("
                                      "'table-number')).fontSize)") >= BADGE_MIN_PX
            # The switch: on the first screen, in the top bar, a big enough target.
            at_switch = box(switch)
            bar = box(host.locator("header.topbar"))
            assert at_switch["height"] >= 44 and at_switch["width"] >= 44, at_switch
            assert at_switch["y"] >= 0 and at_switch["y"] + at_switch["height"] <= bar["height"]
            assert at_switch["x"] + at_switch["width"] <= 320, at_switch
            same_line(host)
    print("main controls at 320x568 (px):", json.dumps(found))
    for key, at in found.items():
        who, step, size = key.split(":")
        if size == "default":
            assert at["top"] >= 0 and at["bottom"] <= HEIGHT, (key, at)
        else:
            assert 0 <= at["top"] < HEIGHT, (key, at)
        if who == "host":
            assert at["top"] <= found[f"participant:{step}:{size}"]["top"] + 0.5, key

    # The tools, and back: the button says where it goes; the tools' first note is in sight
    # (one written for someone without a phone at the host's table: the demo's notes were
    # written before the tables, the room's).
    proxy = fac.cmd("add_proxy", name="山田", attribute="町内会・自治会", show_name=False)
    fac.cmd("seat", participant_id=proxy["participant_id"], table_id=me["table"])
    fac.cmd("post_note", kind="wish", text="集会所に手すりを",
            proxy_for=proxy["participant_id"])
    switch.click()
    expect(host.locator("#host-title")).to_have_text(re.compile("テーブルの進行（[0-9]+班）"))
    expect(switch).to_have_text("話し合いに戻る")
    first_note = host.locator("#host-notes .note-pick").first
    expect(first_note).to_be_visible()
    quiet(host)
    at = box(first_note)
    assert 0 <= at["y"] < HEIGHT, at
    picture(host, "host-tools-large")
    assert_accessible(host, "テーブルの進行, big text")
    switch.click()
    expect(switch).to_have_text("テーブルの進行")
    expect(host.locator("#host")).to_be_hidden()
    expect(main_control(host, "future")).to_be_visible()

    # A running timer shares the switch's row, which takes a second line then (the
    # connection line, the switch and the timer are wider than a 320 px phone): the host's
    # step still starts on the first screen.
    at_step(fac, list(phones.values()), "companions")
    fac.cmd("start_timer", seconds=300)
    for phone in phones.values():
        expect(phone.locator("#timer")).to_be_visible()
        quiet(phone)
    timed = {who: box(main_control(phone, "companions")) for who, phone in phones.items()}
    picture(host, "first-screen-host-companions-timer-large")
    print("with the timer, big text (px):", json.dumps(timed))
    assert 0 <= timed["host"]["y"] < HEIGHT, timed
    at_switch = box(switch)
    assert at_switch["y"] + at_switch["height"] <= box(host.locator("header.topbar"))["height"]
    assert pages.problems == []


def same_line(phone: Page) -> None:
    """The host's switch shares the connection line's row (it did not wrap to a row of its
    own, which would cost the step that much)."""
    switch, line = box(phone.locator("#host-switch")), box(phone.locator("#conn-status"))
    assert switch["y"] < line["y"] + line["height"], (switch, line)
    assert line["y"] < switch["y"] + switch["height"], (switch, line)


def person_of(board: Any, name: str) -> dict[str, Any]:
    found = [p for p in board.items("participants").values() if p["name"] == name]
    return found[0] if found else {}


def test_the_own_tables_notes_come_first_and_others_only_when_allowed(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    fac, phone, near, far, _ = two_tables(live, steer, pages)
    fac.send(far, "post_note", kind="issue", text="となりの班の付箋")
    fac.send(near, "post_note", kind="wish", text="同じ班の付箋")
    others = phone.locator("#others-list")
    expect(others.locator(".note", has_text="同じ班の付箋")).to_be_visible()
    quiet(phone)
    # Another table's note reaches the phone (the projector shows every table anyway) but
    # is not listed, and there is no way to open it.
    expect(others.locator(".note", has_text="となりの班の付箋")).to_have_count(0)
    opener = phone.get_by_role("button", name=re.compile("ほかのテーブルを見る"))
    expect(opener).to_have_count(0)
    picture(phone, "own-table-only")

    fac.cmd("set_table_settings", others_visible=True)
    expect(opener).to_be_visible()
    expect(others.locator(".note", has_text="となりの班の付箋")).to_have_count(0)
    opener.click()
    far_note = others.locator(".note", has_text="となりの班の付箋")
    expect(far_note).to_be_visible()
    expect(others.locator(".group-title")).to_have_text(["2班の付箋"])
    # The own table's note first, then the heading, then the other table's.
    order = others.locator(":scope > li").evaluate_all(
        "items => items.map(li => li.textContent)")
    assert "同じ班の付箋" in order[0], order
    assert "2班の付箋" in order[2] and "となりの班" in order[3], order
    quiet(phone)
    picture(phone, "others-open")
    phone.get_by_role("button", name="ほかのテーブルを閉じる").click()
    expect(far_note).to_have_count(0)

    # The facilitator takes the permission back: the switch goes, and the notes with it.
    opener.click()
    expect(far_note).to_be_visible()
    fac.cmd("set_table_settings", others_visible=False)
    expect(far_note).to_have_count(0)
    expect(opener).to_have_count(0)
    assert pages.problems == []


def test_votes_per_table_offer_kyokan_only_at_the_own_table(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    fac, phone, near, far, ids = two_tables(live, steer, pages)
    fac.send(far, "post_note", kind="issue", text="となりの班の付箋")
    fac.send(near, "post_note", kind="wish", text="同じ班の付箋")
    fac.cmd("set_vote_settings", vote_budget=2)
    fac.cmd("set_table_settings", others_visible=True, vote_scope="table")
    fac.cmd("set_step", step="companions")
    shows_step(phone, "companions")
    votes = phone.locator("#vote-list")
    own = votes.locator("li", has_text="同じ班の付箋")
    expect(own.get_by_role("button", name="共感する")).to_be_visible()
    expect(phone.locator("#votes-hint")).to_have_text(
        "このテーブルの付箋に、ひとり2票まで入れられます。")
    phone.get_by_role("button", name=re.compile("ほかのテーブルを見る")).click()
    other = votes.locator("li", has_text="となりの班の付箋")
    expect(other).to_be_visible()
    expect(other.get_by_role("button")).to_have_count(0)  # to be read, not to vote on
    quiet(phone)
    picture(phone, "votes-per-table")

    own.get_by_role("button", name="共感する").click()
    expect(phone.locator("#votes-left")).to_have_text("のこり 1票")
    # Moved to the other table, the budget is that table's (the server counts it): the 共感
    # given at table 1 stays there, table 2's notes are now the ones to vote on.
    seated(fac, "佐藤 花子", ids[1])
    expect(phone.locator("#table-number")).to_have_text("2班")
    expect(phone.locator("#votes-left")).to_have_text("のこり 2票")
    expect(votes.locator("li", has_text="となりの班の付箋").get_by_role(
        "button", name="共感する")).to_be_visible()
    assert pages.problems == []


def host_phone(live: LiveServer, pages: Pages,
               steer: Callable[[LiveServer, str], Facilitator]
               ) -> tuple[Facilitator, Page, Client, Client, list[str]]:
    """The phone hosts table 1 (鈴木 sits there too, 田中 at table 2), and has opened
    「テーブルの進行」."""
    fac, phone, near, far, ids = two_tables(live, steer, pages)
    pid = person(fac, "佐藤 花子")["id"]
    fac.cmd("set_table_host", table_id=ids[0], participant_id=pid)
    tools = phone.get_by_role("button", name="テーブルの進行")
    expect(tools).to_be_visible()
    quiet(phone)
    picture(phone, "host-first-screen")
    tools.click()
    expect(phone.locator("#host-title")).to_have_text("テーブルの進行（1班）")
    return fac, phone, near, far, ids


def theme_of(fac: Facilitator, note_text: str) -> dict[str, Any]:
    """The theme the note is in, once the facilitator's socket has seen it so: the phone
    that grouped it heard first (its ack), the facilitator hears in its own time."""

    def grouped(board: Board) -> bool:
        note = next((n for n in board.notes.values() if n["text"] == note_text), None)
        return note is not None and bool(note["theme"]) and \
            note["theme"] in board.items("themes")

    fac.run(fac.client.wait_for(grouped))
    note = next(n for n in fac.items("notes") if n["text"] == note_text)
    return dict(fac.client.board.items("themes")[note["theme"]])


def test_a_table_host_sorts_notes_writes_for_a_proxy_and_writes_the_proposal(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    fac, phone, near, far, ids = host_phone(live, pages, steer)
    fac.send(near, "post_note", kind="issue", text="冬の除雪が追いつかない")
    fac.send(near, "post_note", kind="wish", text="雪かきを助け合いたい")
    fac.send(far, "post_note", kind="charm", text="となりの班の付箋")
    notes = phone.locator("#host-notes")
    first = notes.locator("li", has_text="冬の除雪が追いつかない")
    expect(first).to_be_visible()
    expect(notes.locator("li", has_text="となりの班の付箋")).to_have_count(0)
    pick = first.locator(".note-pick")
    assert box(pick)["height"] >= 44

    # Tap a note, then 新しいテーマ: the theme is made with the note in it, at this table.
    pick.click()
    expect(pick).to_have_attribute("aria-pressed", "true")
    first.get_by_role("button", name="新しいテーマ").click()
    first.get_by_label("新しいテーマの名前").fill("雪の助け合い")
    quiet(phone)
    picture(phone, "host-new-theme")
    first.get_by_role("button", name="テーマを作って入れる").click()
    expect(first).to_contain_text("雪の助け合い")
    theme = theme_of(fac, "冬の除雪が追いつかない")
    assert theme["title"] == "雪の助け合い"
    assert theme["table"] == ids[0]

    # Tap the second note, then that theme.
    second = notes.locator("li", has_text="雪かきを助け合いたい")
    second.locator(".note-pick").click()
    target = second.get_by_role("button", name="雪の助け合い")
    assert box(target)["height"] >= 44
    quiet(phone)
    picture(phone, "host-sort")
    assert_accessible(phone, "テーマ分け, a note chosen")
    target.click()
    expect(second.locator(".note-theme")).to_contain_text("雪の助け合い")
    fac.run(fac.client.wait_for(lambda b: any(
        n["text"] == "雪かきを助け合いたい" and n["theme"] == theme["id"]
        for n in b.items("notes").values())))

    # 代理入力: someone without a phone, seated at this table.
    proxy = fac.cmd("add_proxy", name="山田", attribute="町内会・自治会", show_name=False)
    fac.cmd("seat", participant_id=proxy["participant_id"], table_id=ids[0])
    phone.get_by_role("button", name="代理入力").click()
    phone.get_by_role("button", name="山田さん").click()
    form = phone.locator("#host-proxy-form")
    expect(form.locator("#host-proxy-title")).to_have_text("山田さんの付箋（代理入力）")
    expect(form.locator("input[name=kind]").first).to_be_focused()  # the form, in sight
    form.get_by_text("思い", exact=True).click()
    form.get_by_label("代理で書く付箋の内容").fill("集会所に手すりを")
    quiet(phone)
    picture(phone, "host-proxy")
    assert_accessible(phone, "代理入力")
    form.get_by_role("button", name="代理で貼る").click()
    expect(phone.locator("#host-proxy-done")).to_have_text("貼りました ✓")
    fac.run(fac.client.wait_for(lambda b: any(
        n["text"] == "集会所に手すりを" and n.get("author") == proxy["participant_id"]
        and n.get("by_proxy") and n.get("table") == ids[0]
        for n in b.items("notes").values())))

    # The table's proposal.
    phone.get_by_role("button", name="計画案", exact=True).click()
    card = phone.locator("#host-proposals > li", has_text="雪の助け合い")
    card.get_by_label("目指すこと").fill("雪の日に声をかけ合える町内に")
    card.get_by_label("アイデア 1").fill("除雪当番表をつくる")
    quiet(phone)
    picture(phone, "host-proposal")
    assert_accessible(phone, "計画案")
    card.get_by_role("button", name="計画案を保存する").click()
    expect(card).to_contain_text("保存しました")
    fac.run(fac.client.wait_for(lambda b: b.items("proposals").get(theme["id"], {}).get(
        "aim") == "雪の日に声をかけ合える町内に"))
    written = {p["theme"]: p for p in fac.items("proposals")}
    assert written[theme["id"]]["ideas"] == ["除雪当番表をつくる"]

    # No longer the host: the tools go, the step is back.
    fac.cmd("set_table_host", table_id=ids[0], participant_id=None)
    expect(phone.locator("#host")).to_be_hidden()
    expect(phone.locator("#host-switch")).to_be_hidden()
    expect(phone.locator("#note-submit")).to_be_visible()
    assert pages.problems == []


class Rewriter:
    """Stands between the phone and the server and changes commands on their way, as a
    stranger with the page's socket could: ``change`` gets a command named in ``names``
    and returns it."""

    def __init__(self, change: Callable[[dict[str, Any]], dict[str, Any]],
                 names: tuple[str, ...] = ("group_note",)) -> None:
        self.change = change
        self.names = names
        self.changed: list[dict[str, Any]] = []

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            msg = json.loads(message)
            if msg.get("type") == "cmd" and msg.get("name") in self.names:
                msg = self.change(msg)
                self.changed.append(msg)
            server.send(json.dumps(msg))

        ws.on_message(from_page)


def test_a_hosts_command_on_another_table_is_refused_in_japanese(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code = live.new_workshop("西部地区まちづくり寄り合い")
    fac = steer(live, code)
    phone = pages.open(SMALL, "phone")
    far_note: dict[str, str] = {}

    def elsewhere(msg: dict[str, Any]) -> dict[str, Any]:
        msg["args"]["note_id"] = far_note["id"]  # another table's note
        return msg

    relay = Rewriter(elsewhere)
    phone.route_web_socket(re.compile(r"/ws$"), relay.route)
    join(phone, live, code)
    near = fac.participant(live, "鈴木")
    far = fac.participant(live, "田中")
    fac.cmd("make_tables", count=2, by="hand")
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 2))
    ids = table_ids(fac)
    seated(fac, "佐藤 花子", ids[0])
    seated(fac, "鈴木", ids[0])
    seated(fac, "田中", ids[1])
    fac.cmd("set_table_host", table_id=ids[0], participant_id=person(fac, "佐藤 花子")["id"])
    fac.send(near, "post_note", kind="issue", text="冬の除雪が追いつかない")
    far_note["id"] = fac.send(far, "post_note", kind="charm", text="となりの班の付箋")["note_id"]
    # The other table's note in a theme of its own (made by the facilitator).
    theirs = fac.cmd("create_theme", title="駅前の花壇", note_id=far_note["id"])["theme_id"]
    phone.get_by_role("button", name="テーブルの進行").click()
    mine = phone.locator("#host-notes li", has_text="冬の除雪が追いつかない")
    expect(phone.locator("#host-notes li", has_text="となりの班の付箋")).to_have_count(0)
    mine.locator(".note-pick").click()
    mine.get_by_role("button", name="新しいテーマ").click()
    mine.get_by_label("新しいテーマの名前").fill("雪かき")
    # The host's own theme is made at the host's table (group_note is not rewritten).
    mine.get_by_role("button", name="テーマを作って入れる").click()
    expect(mine.locator(".note-theme")).to_contain_text("雪かき")

    # Out of its theme: group_note, sent for this note, arrives naming table 2's note.
    mine.locator(".note-pick").click()
    mine.get_by_role("button", name="テーマから外す").click()
    until(phone, lambda: len(relay.changed) >= 1, "the rewritten command went out")
    refusal = JA["error.not_your_table"]
    shown = phone.get_by_text(refusal)
    expect(shown.first).to_be_visible()
    quiet(phone)
    at = box(shown.first)
    assert at["y"] >= 0 and at["y"] + at["height"] <= HEIGHT, at
    picture(phone, "host-refused")
    # Nothing changed on the other table, nor at the host's.
    notes = {n["id"]: n for n in fac.items("notes")}
    assert notes[far_note["id"]]["theme"] == theirs
    assert theme_of(fac, "冬の除雪が追いつかない")["title"] == "雪かき"
    assert pages.problems == []


def test_a_named_table_and_the_host_tools_do_not_scroll_sideways_at_200_percent(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """A 320 px phone zoomed to 200% (a 160 px page), seated at a table with a long name,
    hosting it: the number, the name (as text) and the host's tools fit the width at every
    step."""
    fac, phone, near, _, ids = two_tables(live, steer, pages, ZOOMED)
    # A long name, with markup in it: shown as words, never made into an element.
    name = "<b>駅前通りのみんなで話す班と</b>"  # 20 characters, the most
    fac.cmd("name_table", table_id=ids[0], name=name)
    expect(phone.locator("#table-name")).to_have_text(name)
    expect(phone.locator("#table-name b")).to_have_count(0)
    fac.send(near, "post_note", kind="issue", text="冬の除雪が追いつかない")
    fac.cmd("set_table_settings", others_visible=True)
    for step in STEPS:
        fac.cmd("set_step", step=step)
        shows_step(phone, step)
        quiet(phone)
        no_sideways(phone, step)
    picture(phone, "zoom-seated")
    fac.cmd("set_table_host", table_id=ids[0], participant_id=person(fac, "佐藤 花子")["id"])
    phone.get_by_role("button", name="メニュー").click()  # the one-row bar of a 160 px page
    phone.get_by_role("button", name="テーブルの進行").click()
    for task in ("テーマ分け", "代理入力", "計画案"):
        phone.locator("#host .host-tabs").get_by_role("button", name=re.compile(task)).click()
        quiet(phone)
        no_sideways(phone, task)
    picture(phone, "zoom-host")
    assert pages.problems == []


def test_every_tables_proposal_is_in_the_priority_vote_the_own_tables_first(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """The room's priority vote takes every table's proposal (others_visible or not): the
    phone lists its own table's first, another table's with that table's number."""
    fac, phone, near, far, ids = two_tables(live, steer, pages)
    for host, table, title in ((far, ids[1], "駅前に花を"), (near, ids[0], "雪の助け合い")):
        fac.cmd("set_table_host", table_id=table, participant_id=pid_of(host))
        theme = fac.send(host, "create_theme", title=title)["theme_id"]
        fac.send(host, "write_proposal", theme_id=theme, aim=f"{title}をはじめる",
                 ideas=["相談する"])
    fac.cmd("set_step", step="activity")
    shows_step(phone, "activity")
    phone.get_by_role("button", name=re.compile("優先したい案を選ぶ")).click()
    cards = phone.locator("#proposal-list > li")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("雪の助け合い")
    expect(cards.nth(0).locator(".tag-table")).to_have_count(0)
    expect(cards.nth(1)).to_contain_text("駅前に花を")
    expect(cards.nth(1).locator(".tag-table")).to_have_text("2班")
    expect(cards.nth(1).get_by_role("button", name="優先したい")).to_be_visible()
    quiet(phone)
    picture(phone, "priority-by-table")
    assert pages.problems == []


def pid_of(client: Client) -> str:
    """The participant id of a test client that has joined."""
    me = client.board.me
    assert me is not None
    return str(me["id"])


def test_a_host_sees_the_tables_private_notes_never_another_tables(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """While notes are private, a host sorts their table's notes already (with who wrote
    them); another table's stay a count, on the host's phone as on everyone's."""
    fac, phone, near, far, ids = two_tables(live, steer, pages)
    fac.cmd("set_private_notes", private=True)
    fac.cmd("set_table_host", table_id=ids[0], participant_id=person(fac, "佐藤 花子")["id"])
    fac.send(near, "post_note", kind="issue", text="冬の除雪が追いつかない")
    fac.send(far, "post_note", kind="charm", text="となりの班の付箋")
    expect(phone.locator("#others-private")).to_have_text("公開されるまで見えません（いま1枚）")
    sorted_first = phone.locator("#others-list .note", has_text="冬の除雪が追いつかない")
    expect(sorted_first).to_contain_text("非公開")  # the host's eyes only, and said so
    phone.get_by_role("button", name="テーブルの進行").click()
    mine = phone.locator("#host-notes > li")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("冬の除雪が追いつかない")
    expect(mine).to_contain_text("非公開")
    expect(mine).to_contain_text("鈴木")
    assert "となりの班の付箋" not in phone.content()
    quiet(phone)
    picture(phone, "host-private")
    assert pages.problems == []


def test_a_long_table_number_is_never_cut(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """「Table 12」 in English beside the wider tools of big text: the words shrink to fit
    rather than read 「Table 1」."""
    code = live.new_workshop("West district meeting")
    fac = steer(live, code)
    phone = pages.open(SMALL, "phone")
    phone.goto(f"{live.base}/w/{code}?lang=en")
    phone.locator("#join-name").fill("Hana")
    phone.locator("#join-form .choice").first.click()
    phone.locator("#join-submit").click()
    expect(phone.locator("#welcome")).to_have_text("Welcome, Hana")
    phone.get_by_role("button", name="Larger text").click()
    fac.cmd("make_tables", count=12, by="hand")
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 12))
    seated(fac, "Hana", table_ids(fac)[11])
    number = phone.locator("#table-number")
    expect(number).to_have_text("Table 12")
    quiet(phone)
    badge = box(phone.locator("#table-badge"))
    words = box(number)
    assert words["x"] + words["width"] <= badge["x"] + badge["width"] + 0.5, (words, badge)
    assert badge["x"] + badge["width"] <= 320 and badge["y"] + badge["height"] <= HEIGHT
    picture(phone, "table-12-english")
    # Hosting it: the switch's words, either way, fit beside 「Connected」.
    fac.cmd("set_table_host", table_id=table_ids(fac)[11],
            participant_id=person(fac, "Hana")["id"])
    switch = phone.locator("#host-switch")
    # Shown once the phone has the event: its words are in the page from the start, so
    # waiting for them alone measured a hidden switch when the event came late.
    expect(switch).to_be_visible()
    expect(switch).to_have_text("Table tools")
    quiet(phone)
    same_line(phone)
    switch.click()
    expect(switch).to_have_text("Back to step")
    quiet(phone)
    same_line(phone)
    picture(phone, "table-12-english-host")
    assert pages.problems == []


def test_a_world_cafe_evening_on_the_phone(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """The bundled ワールドカフェ program: its step 確かめてみよう makes the tables (the phone's
    number appears with it), a new round may move the phone, and 全体で共有しよう (view
    "sharing", opening nothing) asks the phone to listen."""

    async def make(hub: Hub) -> str:
        program = bundled_program("world-cafe").to_dict()
        return await hub.create_workshop("西部地区ワールドカフェ", "西部", program=program)

    code = run_hub(live, make)
    fac = steer(live, code)
    phone = pages.open(SMALL, "phone")
    join(phone, live, code)
    for i in range(7):
        fac.participant(live, f"参加者{i}")
    expect(phone.locator("#table-badge")).to_be_hidden()
    fac.cmd("set_step", step="confirm")
    expect(phone.locator("#step-title")).to_have_text("確かめてみよう")
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 2))
    mine = person(fac, "佐藤 花子")["table"]
    number = next(t["number"] for t in fac.items("tables") if t["id"] == mine)
    expect(phone.locator("#table-number")).to_have_text(f"{number}班")
    fac.cmd("set_step", step="second_round")
    fac.cmd("start_round")
    fac.run(fac.client.wait_for(lambda b: b.workshop.get("round") == 2))
    mine = person(fac, "佐藤 花子")["table"]
    number = next(t["number"] for t in fac.items("tables") if t["id"] == mine)
    expect(phone.locator("#table-number")).to_have_text(f"{number}班")
    fac.cmd("set_step", step="sharing")
    expect(phone.locator("#step-title")).to_have_text("全体で共有しよう")
    expect(phone.locator("#view-quiet")).to_be_visible()
    expect(phone.locator("#table-badge")).to_be_visible()
    # The facilitator puts one table after the other on the big screen (全体共有).
    on_screen = phone.locator("#on-screen")
    expect(on_screen).to_be_hidden()
    other = next(t for t in fac.items("tables") if t["id"] != mine)
    fac.cmd("set_focus", kind="table", id=other["id"])
    expect(on_screen).to_have_text(f"大きな画面に出ているのは{other['number']}班です。")
    fac.cmd("set_focus", kind="table", id=mine)
    expect(on_screen).to_have_text(
        f"大きな画面に出ているのは{number}班、あなたのテーブルです。")
    quiet(phone)
    picture(phone, "world-cafe-sharing")
    assert pages.problems == []


def test_a_table_made_from_a_theme_lists_that_theme_first(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """Tables made "by themes" (the 輪 became the tables): the room-wide theme a phone's
    table was made from, and its notes, are that table's on the phone (as on the projector),
    listed first."""
    code, fac, phone = demo_at_step_one(live, pages, steer, SMALL, "phone")
    join(phone, live, code)
    fac.cmd("set_step", step="companions")
    shows_step(phone, "companions")
    phone.get_by_role("button", name=re.compile("輪に加わる")).first.click()
    last = phone.locator("#theme-list > li").last
    title = last.locator(".card-title").inner_text()
    last.get_by_role("button", name="この輪に加わる").click()
    expect(last.get_by_role("button", name="抜ける")).to_be_visible()
    fac.cmd("make_tables", by="themes")
    fac.run(fac.client.wait_for(lambda b: person_of(b, "佐藤 花子").get("table")))
    mine = person(fac, "佐藤 花子")["table"]
    theme = next(t for t in fac.items("themes") if t["title"] == title)
    table = next(t for t in fac.items("tables") if t["id"] == mine)
    assert table["theme"] == theme["id"], (table, theme)
    expect(phone.locator("#table-number")).to_have_text(f"{table['number']}班")
    expect(phone.locator("#theme-list > li").first.locator(".card-title")).to_have_text(title)
    phone.get_by_role("button", name=re.compile("共感を入れる")).click()
    texts = {n["text"] for n in fac.items("notes") if n["theme"] == theme["id"]}
    first = phone.locator("#vote-list > li.note").first.locator(".note-text")
    expect(first).to_have_text(re.compile("|".join(re.escape(t) for t in texts)))
    quiet(phone)
    picture(phone, "by-themes")
    assert pages.problems == []


def test_a_sharing_step_that_opens_the_priority_vote_shows_it(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """A centre's own program whose 全体共有 step opens 「優先したい」: the phone shows the
    proposals to vote on there, not the quiet screen."""

    async def make(hub: Hub) -> str:
        program = bundled_program("world-cafe").to_dict()
        sharing = next(s for s in program["steps"] if s["view"] == "sharing")
        sharing["opens"] = ["cast_priority", "retract_priority"]
        return await hub.create_workshop("西部地区ワールドカフェ", "西部", program=program)

    code = run_hub(live, make)
    fac = steer(live, code)
    neighbour = fac.participant(live, "鈴木")
    theme = fac.cmd("create_theme", title="雪の助け合い")["theme_id"]
    fac.cmd("set_step", step="activity")
    fac.send(neighbour, "join_theme", theme_id=theme)
    fac.send(neighbour, "write_proposal", theme_id=theme, aim="雪の日に声をかけ合う",
             ideas=["当番表"])
    fac.cmd("set_step", step="sharing")
    phone = pages.open(SMALL, "phone")
    join(phone, live, code)
    expect(phone.locator("#step-title")).to_have_text("全体で共有しよう")
    expect(phone.locator("#view-activity")).to_be_visible()
    expect(phone.locator("#view-quiet")).to_be_hidden()
    expect(phone.locator("#proposal-list").get_by_role("button", name="優先したい")).to_be_visible()
    assert pages.problems == []


def test_a_host_gives_kyokan_and_a_wa_for_someone_without_a_phone(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """代理入力 beyond notes: at 仲間を増やそう the host gives 共感 for 山田 (no phone, seated at
    the host's table) and puts them in the table's 輪, and takes both back; at 確かめてみよう,
    which opens neither, only the note form is offered."""
    fac, phone, near, far, ids = host_phone(live, pages, steer)
    proxy = fac.cmd("add_proxy", name="山田", attribute="町内会・自治会", show_name=False)
    pid = proxy["participant_id"]
    fac.cmd("seat", participant_id=pid, table_id=ids[0])
    note = fac.send(near, "post_note", kind="issue", text="冬の除雪が追いつかない")["note_id"]
    fac.send(far, "post_note", kind="charm", text="となりの班の付箋")
    phone.get_by_role("button", name="代理入力").click()
    phone.get_by_role("button", name="山田さん").click()
    votes = phone.locator("#host-proxy-votes")
    circles = phone.locator("#host-proxy-themes")
    expect(phone.locator("#host-proxy-form")).to_be_visible()
    expect(votes).to_be_hidden()  # 確かめてみよう opens neither 共感 nor 輪
    expect(circles).to_be_hidden()

    fac.cmd("set_step", step="companions")
    expect(votes).to_be_visible()
    expect(phone.locator("#host-proxy-votes-title")).to_have_text("山田さんの共感（代理入力）")
    expect(votes.locator("li", has_text="となりの班の付箋")).to_have_count(0)  # their table's
    card = votes.locator("li", has_text="冬の除雪が追いつかない")
    give = card.get_by_role("button", name="山田さんの共感を入れる")
    assert box(give)["height"] >= 44
    quiet(phone)
    picture(phone, "host-proxy-kyokan")
    assert_accessible(phone, "代理入力, 共感")
    left = phone.locator("#host-proxy-votes-left")
    expect(left).to_have_text("のこり 3票")  # 山田's, as the server counts them
    give.click()
    expect(card).to_contain_text("山田さんが共感しています")
    expect(left).to_have_text("のこり 2票")
    fac.run(fac.client.wait_for(
        lambda b: b.items("participants")[pid].get("votes", {}).get(note) == 1))
    card.get_by_role("button", name="取り消す").click()
    expect(card.get_by_role("button", name="山田さんの共感を入れる")).to_be_visible()
    expect(left).to_have_text("のこり 3票")
    fac.run(fac.client.wait_for(
        lambda b: not b.items("participants")[pid].get("votes", {}).get(note)))
    # Entered by the facilitator from the console: the host's phone says so too.
    fac.cmd("cast_vote", note_id=note, proxy_for=pid)
    expect(card).to_contain_text("山田さんが共感しています")
    expect(left).to_have_text("のこり 2票")

    # The table's 輪 (made by the host): 山田 joins and leaves it.
    theme = fac.cmd("create_theme", title="雪の助け合い", table_id=ids[0])["theme_id"]
    ring = circles.locator("li", has_text="雪の助け合い")
    expect(phone.locator("#host-proxy-themes-title")).to_have_text("山田さんの輪（代理入力）")
    ring.get_by_role("button", name="山田さんを加える").click()
    expect(ring).to_contain_text("山田さんが加わっています")
    fac.run(fac.client.wait_for(lambda b: pid in b.items("themes")[theme].get("members", [])))
    quiet(phone)
    picture(phone, "host-proxy-wa")
    ring.get_by_role("button", name="抜ける").click()
    expect(ring.get_by_role("button", name="山田さんを加える")).to_be_visible()
    fac.run(fac.client.wait_for(
        lambda b: pid not in b.items("themes")[theme].get("members", [])))
    assert pages.problems == []


def test_a_hosts_proxy_kyokan_on_another_table_is_refused_in_japanese(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """共感 per table: the host's 共感 for 山田, rewritten on its way to name the other
    table's note, is refused and said in Japanese; nothing is given."""
    code = live.new_workshop("西部地区まちづくり寄り合い")
    fac = steer(live, code)
    phone = pages.open(SMALL, "phone")
    far_note: dict[str, str] = {}

    def elsewhere(msg: dict[str, Any]) -> dict[str, Any]:
        msg["args"]["note_id"] = far_note["id"]
        return msg

    relay = Rewriter(elsewhere, ("cast_vote",))
    phone.route_web_socket(re.compile(r"/ws$"), relay.route)
    join(phone, live, code)
    near = fac.participant(live, "鈴木")
    far = fac.participant(live, "田中")
    fac.cmd("make_tables", count=2, by="hand")
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 2))
    ids = table_ids(fac)
    seated(fac, "佐藤 花子", ids[0])
    seated(fac, "鈴木", ids[0])
    seated(fac, "田中", ids[1])
    proxy = fac.cmd("add_proxy", name="山田", attribute="町内会・自治会", show_name=False)
    pid = proxy["participant_id"]
    fac.cmd("seat", participant_id=pid, table_id=ids[0])
    fac.cmd("set_table_host", table_id=ids[0], participant_id=person(fac, "佐藤 花子")["id"])
    fac.cmd("set_table_settings", vote_scope="table")
    fac.send(near, "post_note", kind="issue", text="冬の除雪が追いつかない")
    far_note["id"] = fac.send(far, "post_note", kind="charm", text="となりの班の付箋")["note_id"]
    fac.cmd("set_step", step="companions")
    shows_step(phone, "companions")
    phone.get_by_role("button", name="テーブルの進行").click()
    phone.get_by_role("button", name="代理入力").click()
    phone.get_by_role("button", name="山田さん").click()
    card = phone.locator("#host-proxy-votes li", has_text="冬の除雪が追いつかない")
    expect(phone.locator("#host-proxy-votes-left")).to_have_text("のこり 3票")
    card.get_by_role("button", name="山田さんの共感を入れる").click()
    until(phone, lambda: len(relay.changed) >= 1, "the rewritten 共感 went out")
    expect(phone.get_by_text(JA["error.not_your_table"]).first).to_be_visible()
    quiet(phone)
    picture(phone, "host-proxy-refused")
    expect(card.get_by_role("button", name="山田さんの共感を入れる")).to_be_visible()
    expect(phone.locator("#host-proxy-votes-left")).to_have_text("のこり 3票")
    assert fac.client.board.items("participants")[pid].get("votes", {}) == {}
    assert pages.problems == []


def test_a_host_renames_the_tables_theme_and_not_another_tables(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """テーマ分け lists the table's themes under its notes, each with 「名前を変える」; an empty
    name is refused on the spot, a new one reaches the room; the same command rewritten to
    name the other table's theme is refused in Japanese and changes nothing."""
    code = live.new_workshop("西部地区まちづくり寄り合い")
    fac = steer(live, code)
    phone = pages.open(SMALL, "phone")
    theirs: dict[str, str] = {}
    rewrite = {"on": False}

    def elsewhere(msg: dict[str, Any]) -> dict[str, Any]:
        if rewrite["on"]:
            msg["args"]["theme_id"] = theirs["id"]
        return msg

    relay = Rewriter(elsewhere, ("rename_theme",))
    phone.route_web_socket(re.compile(r"/ws$"), relay.route)
    join(phone, live, code)
    far = fac.participant(live, "田中")
    fac.cmd("make_tables", count=2, by="hand")
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 2))
    ids = table_ids(fac)
    seated(fac, "佐藤 花子", ids[0])
    seated(fac, "田中", ids[1])
    fac.cmd("set_table_host", table_id=ids[0], participant_id=person(fac, "佐藤 花子")["id"])
    mine = fac.cmd("create_theme", title="雪", table_id=ids[0])["theme_id"]
    fac.send(far, "post_note", kind="charm", text="駅前の花壇がきれい")
    theirs["id"] = fac.cmd("create_theme", title="駅前の花壇", table_id=ids[1])["theme_id"]
    phone.get_by_role("button", name="テーブルの進行").click()
    themes = phone.locator("#host-theme-list > li")
    expect(themes).to_have_count(1)  # never the other table's
    row = themes.first
    expect(row).to_contain_text("雪")
    row.get_by_role("button", name="名前を変える").click()
    name = row.get_by_label("「雪」の新しい名前")
    expect(name).to_be_focused()
    name.fill("  ")
    row.get_by_role("button", name="この名前にする").click()
    expect(row).to_contain_text(JA["error.empty_theme"])
    name.fill("雪かきの助け合い")
    expect(phone.get_by_text(JA["error.empty_theme"])).to_have_count(0)  # being fixed
    expect(name).to_be_focused()
    quiet(phone)
    picture(phone, "host-rename")
    assert_accessible(phone, "テーマの名前を変える")
    row.get_by_role("button", name="この名前にする").click()
    expect(row.locator(".card-title")).to_have_text("雪かきの助け合い")
    fac.run(fac.client.wait_for(lambda b: b.items("themes")[mine]["title"] == "雪かきの助け合い"))

    # Rewritten to the other table's theme on its way: refused, in Japanese.
    rewrite["on"] = True
    row.get_by_role("button", name="名前を変える").click()
    row.get_by_label("「雪かきの助け合い」の新しい名前").fill("乗っ取り")
    row.get_by_role("button", name="この名前にする").click()
    until(phone, lambda: len(relay.changed) >= 2, "the rewritten rename went out")
    expect(phone.get_by_text(JA["error.not_your_table"]).first).to_be_visible()
    themes_now = fac.client.board.items("themes")
    assert themes_now[theirs["id"]]["title"] == "駅前の花壇"
    assert themes_now[mine]["title"] == "雪かきの助け合い"
    assert pages.problems == []
