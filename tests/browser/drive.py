"""Driving a live workshop from a browser test: making one beside the server (as
``yoriai demo`` does) and steering it as the facilitator over a WebSocket, each on an event
loop in a helper thread, since the sync Playwright API must not run inside an asyncio loop."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from playwright.sync_api import Page, expect

from tests.support import HANG, Client, LiveServer
from yoriai.server.cli import with_hub
from yoriai.server.demo import create_demo
from yoriai.server.hub import Hub


def run_hub(live: LiveServer, work: Callable[[Hub], Coroutine[Any, Any, str]]) -> str:
    """Run ``work`` against the live server's store, beside it (as ``yoriai demo`` does),
    in a helper thread: Playwright's own loop runs in this one."""
    box: list[str] = []
    thread = threading.Thread(target=lambda: box.append(
        asyncio.run(with_hub(live.data_dir, work))))
    thread.start()
    thread.join(60)
    assert box, "the workshop could not be made"
    return box[0]


def demo(live: LiveServer) -> str:
    return run_hub(live, create_demo)


# The five steps of the default program, and the console workspace each one opens.
STEPS = {"confirm": "確かめてみよう", "companions": "仲間を増やそう",
         "activity": "地域の活動にしよう", "practice": "実践しよう", "future": "将来につなげよう"}
CONSOLE_VIEW = {"confirm": "notes", "companions": "themes", "activity": "proposals",
                "practice": "actions", "future": "review"}


# Resolves once two animation frames in a row passed with nothing on the page changed (the
# running timers' figures aside: they change every second by design), so that what is read
# or photographed next is a finished drawing, not one half done. Fails if the page never
# settles (a hang guard of about ten seconds of frames).
QUIET = """() => new Promise((done, fail) => {
  let changed = false, quiet = 0, frames = 0;
  const ticking = n => {
    const e = n.nodeType === 1 ? n : n.parentElement;
    return !!e && !!e.closest('#timer, #timer-display, #timer-state');
  };
  const watch = new MutationObserver(records => {
    if (records.some(r => !ticking(r.target))) changed = true;
  });
  watch.observe(document.documentElement,
                {subtree: true, childList: true, attributes: true, characterData: true});
  const frame = () => {
    quiet = changed ? 0 : quiet + 1;
    changed = false;
    frames += 1;
    if (quiet >= 2) { watch.disconnect(); done(frames); }
    else if (frames > 600) { watch.disconnect(); fail(new Error('the page never settled')); }
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})"""


def until(page: Page, done: Callable[[], bool], what: str) -> None:
    """Wait for something this side learns from Playwright's events (a WebSocket frame a
    route saw, a request): they are handled only while a Playwright call runs, so keep
    one running a moment at a time until ``done()``, up to the hang guard."""
    deadline = time.monotonic() + HANG
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        page.wait_for_timeout(20)


def quiet(page: Page) -> None:
    """Wait until the page has finished drawing (see QUIET)."""
    page.evaluate(QUIET)


def shows_step(page: Page, step: str) -> None:
    """Wait until ``page`` has drawn the room at ``step`` (the step's own board is drawn in
    the same pass). Not a step's label anywhere on the page: the console lists every step
    in its stepper, so the label is there before the step is."""
    if "/facilitate" in page.url:
        expect(page.locator("#stepper [aria-current=step]")).to_contain_text(
            STEPS[step], timeout=HANG * 1000)
        expect(page.locator(f"#view-{CONSOLE_VIEW[step]}")).to_be_visible()
    else:  # a phone, or the projector
        expect(page.locator("#step-title")).to_have_text(STEPS[step], timeout=HANG * 1000)
        expect(page.locator(f"#view-{step}")).to_be_visible()


class Facilitator:
    """The facilitator's console, as a WebSocket client on its own event loop in a helper
    thread (the sync Playwright API must not run inside an asyncio loop)."""

    def __init__(self, live: LiveServer, code: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = Client(live, code, key=live.key)
        self.phones: list[Client] = []  # this test's, on this loop: closed with it
        self.run(self.client.connect())

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(HANG)

    def cmd(self, name: str, /, **args: Any) -> dict[str, Any]:
        reply = self.run(self.client.cmd(name, **args))
        assert reply["type"] == "ack", reply
        return dict(reply.get("result") or {})

    def items(self, kind: str) -> list[dict[str, Any]]:
        return list(self.client.board.items(kind).values())

    @property
    def tallies(self) -> dict[str, int]:
        return dict(self.client.board.tallies)

    def participant(self, live: LiveServer, name: str) -> Client:
        """A new phone that joins, on the same helper loop."""
        phone = Client(live, self.client.code)
        self.phones.append(phone)
        self.run(phone.connect())
        self.run(phone.join(name=name))
        return phone

    def send(self, phone: Client, name: str, /, **args: Any) -> dict[str, Any]:
        reply = self.run(phone.cmd(name, **args))
        assert reply["type"] == "ack", reply
        return dict(reply.get("result") or {})

    def close(self) -> None:
        try:
            for client in (*self.phones, self.client):
                self.run(client.close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
            self.loop.close()


