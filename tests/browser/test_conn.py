"""The page's connection (yoriai/client/static/js/conn.js) in the real Chromium: a batch frame
is applied item by item, in order, and an item the page fails on does not lose the items
after it; a workshop whose record is damaged (close 4503) and a
page opened once too often elsewhere (close 4002) are said so, and the page stops instead
of reconnecting.

Whether the page tries again is read from the page itself, without waiting for a backoff
to pass: every WebSocket it makes is counted (an init script), and the events that wake a
sleeping page (``online``, ``visibilitychange``) are fired at it; a page that has not
stopped opens a socket at once on them.
"""

from __future__ import annotations

import json
import re
import time
from contextlib import ExitStack
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect
from websockets.sync.client import ClientConnection, connect

from tests.browser.conftest import PHONE, Pages
from tests.browser.test_notes_browser import BACKED_OFF, join
from tests.support import HANG, LiveServer, unpack
from yoriai.server import limits

pytestmark = pytest.mark.browser

COUNT_SOCKETS = """
(() => {
  const Real = window.WebSocket;
  window.__sockets = 0;
  class Counting extends Real {
    constructor(...args) { super(...args); window.__sockets += 1; }
  }
  window.WebSocket = Counting;
})();
"""

# What a sleeping phone's page hears when it wakes up: it reconnects at once unless stopped.
WAKE_UP = """() => {
  window.dispatchEvent(new Event('online'));
  document.dispatchEvent(new Event('visibilitychange'));
  return window.__sockets;
}"""


def counted_phone(pages: Pages, route: Any = None) -> Page:
    """A phone page that counts its sockets (after ``route``'s own stand-in for WebSocket,
    which Playwright installs with a script of its own, when there is one)."""
    phone = pages.open(PHONE, "phone")
    if route is not None:
        phone.route_web_socket(re.compile(r"/ws$"), route)
    phone.add_init_script(COUNT_SOCKETS)
    return phone


def test_a_damaged_workshop_is_said_so_and_not_retried(live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    opened: list[WebSocketRoute] = []

    def damaged(ws: WebSocketRoute) -> None:
        # As ws.py answers a hello for a workshop whose stored log does not load.
        opened.append(ws)
        ws.send(json.dumps({"type": "error", "id": None, "code": "workshop_damaged",
                            "message": "記録が傷んでいます", "params": {"workshop": code}}))
        ws.close(code=4503, reason="workshop damaged")

    phone = counted_phone(pages, damaged)
    phone.goto(f"{live.base}/w/{code}")
    expect(phone.locator("#conn-status")).to_have_text(
        "このワークショップの記録が傷んでいます。進行役にお知らせください。")
    assert phone.evaluate(WAKE_UP) == 1
    assert len(opened) == 1
    assert pages.problems == []


def sync_socket(live: LiveServer, code: str, token: str, stack: ExitStack) -> ClientConnection:
    """Another of the person's sockets, from Python, once the server has taken it in."""
    ws = stack.enter_context(connect(live.ws_url, compression=None))
    ws.send(json.dumps({"type": "hello", "workshop": code, "token": token}))
    while not any(m["type"] == "snapshot" for m in unpack(ws.recv(timeout=HANG))):
        pass
    return ws


def test_a_page_opened_too_often_elsewhere_says_so_and_stays_closed(
        live: LiveServer, pages: Pages) -> None:
    code = live.new_workshop()
    phone = counted_phone(pages)
    join(phone, live, code, name="何度も開く人")
    token = phone.evaluate("c => localStorage.getItem('yoriai.token.' + c)", code)
    assert isinstance(token, str) and token
    assert phone.evaluate("() => window.__sockets") == 1
    # The same person opens the page on more screens: the server closes their oldest
    # socket, this page's, with 4002.
    with ExitStack() as stack:
        for _ in range(limits.CONNECTIONS_PER_PARTICIPANT):
            sync_socket(live, code, token, stack)
        expect(phone.locator("#conn-status")).to_have_text(
            "ほかの画面で開かれています。ここで使うときは再読み込みしてください。")
        # Reconnecting would close another of the person's screens, which would do the same.
        assert phone.evaluate(WAKE_UP) == 1
        room = live.ctx.hub.rooms[code]
        assert len(room.subscribers) == limits.CONNECTIONS_PER_PARTICIPANT
        # A reload is the person choosing this screen: it connects again.
        phone.reload()
        expect(phone.locator("#conn-status")).to_contain_text("接続中")
    assert pages.problems == []


def test_a_batch_is_applied_item_by_item_in_order(live: LiveServer, pages: Pages) -> None:
    """A phone away for a moment comes back to one frame: the welcome, every event it
    missed, and ``synced``; it shows all of it, in the order it happened."""
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    sockets: list[WebSocketRoute] = []
    frames: list[list[Any]] = []  # per socket, what the server sent on it
    hold = {"refuse": False}

    def relay(ws: WebSocketRoute) -> None:
        if hold["refuse"]:
            ws.close(code=1001, reason="server stopping")
            return
        server = ws.connect_to_server()
        sockets.append(ws)
        mine: list[Any] = []
        frames.append(mine)

        def from_server(message: str | bytes) -> None:
            mine.append(message)
            ws.send(message)

        server.on_message(from_server)

    phone.route_web_socket(re.compile(r"/ws$"), relay)
    join(phone, live, code, name="戻る人")
    hold["refuse"] = True
    sockets[-1].close(code=1001, reason="server stopping")
    expect(phone.locator("#conn-status")).to_contain_text("再接続しています")

    # Meanwhile another phone (from Python) joins and writes three notes.
    with connect(live.ws_url, compression=None) as other:
        other.send(json.dumps({"type": "hello", "workshop": code}))
        replies: list[dict[str, Any]] = []
        cmds = [("join", {"name": "書く人", "attribute": "住民"})] + [
            ("post_note", {"kind": "issue", "text": f"{i}番目の付箋"}) for i in (1, 2, 3)]
        for i, (name, args) in enumerate(cmds):
            other.send(json.dumps({"type": "cmd", "id": f"c-{i:032d}", "name": name,
                                   "args": args}))
            while not any(m["type"] in ("ack", "error") and m.get("id") == f"c-{i:032d}"
                          for m in replies):
                replies += unpack(other.recv(timeout=HANG))
    assert [m["type"] for m in replies if m["type"] in ("ack", "error")] == ["ack"] * 4
    hold["refuse"] = False

    notes = phone.locator("#others-list .note-text")
    expect(notes).to_have_count(3, timeout=BACKED_OFF)
    for i in (1, 2, 3):
        expect(notes.filter(has_text=f"{i}番目の付箋")).to_have_count(1)
    expect(phone.locator("#conn-status")).to_contain_text("接続中")
    assert len(frames) == 2  # the first socket and the one it came back on
    first = unpack(frames[1][0])
    assert first[0]["type"] == "welcome" and first[-1]["type"] == "synced"
    texts = [n["text"] for m in first if m["type"] == "event"
             for n in m["data"].get("upsert", {}).get("notes", [])]
    assert texts == ["1番目の付箋", "2番目の付箋", "3番目の付箋"]  # one frame, in order
    assert pages.problems == []


def test_an_item_the_page_fails_on_does_not_lose_the_rest_of_its_frame(
        live: LiveServer, pages: Pages) -> None:
    """A message the page cannot apply (here an event whose notes are not a list, slipped in
    by a stand-in for the server right before the ack of the note just posted) is reported
    as the page's error, and what follows it in the same frame is still applied: the ack,
    which says 「貼りました ✓」 and takes the note off the queue."""
    code = live.new_workshop()
    phone = pages.open(PHONE, "phone")
    spoil = {"on": False, "done": False}

    def relay(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            items = unpack(message) if isinstance(message, str) else []
            acks = [i for i, m in enumerate(items) if m["type"] == "ack"]
            if spoil["on"] and acks:
                spoil["on"], spoil["done"] = False, True
                ack = items[acks[0]]
                broken = {"type": "event", "seq": ack["seq"] + 0.5, "event": "NotePosted",
                          "data": {"upsert": {"notes": 5}}}
                items.insert(acks[0], broken)
                message = json.dumps({"type": "batch", "items": items}, ensure_ascii=False)
            ws.send(message)

        server.on_message(from_server)

    phone.route_web_socket(re.compile(r"/ws$"), relay)
    join(phone, live, code, name="佐藤 花子")
    spoil["on"] = True
    form = phone.locator("#note-form")
    form.get_by_text("課題", exact=True).click()
    form.get_by_label("付箋の内容").fill("冬の除雪が追いつかない")
    form.get_by_role("button", name="貼る").click()
    expect(phone.locator("#note-done")).to_have_text("貼りました ✓")
    assert spoil["done"]
    expect(phone.locator("#mine-list .note")).to_have_count(1)
    expect(phone.locator("#mine-list .is-unsent")).to_have_count(0)
    expect(phone.locator("#conn-status")).to_contain_text("接続中")
    deadline = time.monotonic() + HANG
    while not pages.problems and time.monotonic() < deadline:  # the report, thrown later
        phone.evaluate("() => new Promise((done) => requestAnimationFrame(done))")
    assert len(pages.problems) == 1 and "forEach" in pages.problems[0], pages.problems
