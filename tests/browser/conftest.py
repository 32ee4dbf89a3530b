"""Browser tests drive the machine's own Chromium (/usr/bin/chromium), never a downloaded
one, through the synchronous Playwright API (it runs its own loop; the live server runs in
another thread)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    expect,
    sync_playwright,
)

from tests.browser.drive import Facilitator
from tests.support import HANG, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PROJECTOR = {"viewport": {"width": 1600, "height": 900}}

# How long a browser test waits for a page to show a state (something crossing to another
# screen, a page drawn) before calling it a hang: the suite's hang guard (HANG, 30 s), in
# Playwright's milliseconds. Never a timing target, and a passing test never waits this
# long; but a page drawn by a busy 2-core machine (two other browsers, another suite) has
# taken over the 10 s this used to be. Every expect() waits this long unless told
# otherwise (Playwright's own default is 5 s); test files import it for their own waits.
LIVE = int(HANG * 1000)
expect.set_options(timeout=LIVE)


# Per module, not per session: while the sync Playwright API is open, its event loop counts
# as running in this thread, and the tests after the browser ones call asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):  # CI installs it (.ci/run): a skip there would hide a failure
            pytest.fail("no Chromium at /usr/bin/chromium in CI")
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Pages:
    """Opens pages in fresh contexts (each its own localStorage and cookies) and records
    every console error and uncaught exception, CSP refusals included."""

    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def open(self, device: dict[str, Any], name: str) -> Page:
        context = self.browser.new_context(locale="ja-JP", **device)
        self.contexts.append(context)
        page = context.new_page()
        self.watch(page, name)
        return page

    def watch(self, page: Page, name: str) -> None:
        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                self.problems.append(f"{name}: console error: {msg.text}")

        def on_request(request: Request) -> None:
            # Nothing beyond the laptop: the room may have no internet.
            if not request.url.startswith(LOCAL):
                self.problems.append(f"{name}: request off the laptop: {request.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"{name}: {exc}"))
        page.on("request", on_request)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    opened = Pages(browser)
    yield opened
    opened.close()


@pytest.fixture
def steer() -> Iterator[Callable[[LiveServer, str], Facilitator]]:
    opened: list[Facilitator] = []

    def open_one(live: LiveServer, code: str) -> Facilitator:
        fac = Facilitator(live, code)
        opened.append(fac)
        return fac

    yield open_one
    for fac in opened:
        fac.close()


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
