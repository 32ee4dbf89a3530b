"""The facilitator's own form still works in a real browser now that state-changing requests
must come from the server's own origin: Chromium sends the page's Origin with the POST (our
Referrer-Policy keeps it from being "null"), and the console it leads to connects under the
Content-Security-Policy."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, Pages
from tests.support import LiveServer


def test_the_home_form_makes_a_workshop_and_opens_its_console(
        live: LiveServer, pages: Pages) -> None:
    page = pages.open(DESKTOP, "home")
    posts: list[str | None] = []
    page.on("request", lambda r: posts.append(r.headers.get("origin"))
            if r.method == "POST" else None)
    page.goto(f"{live.base}/?key={live.key}")
    page.fill("#new-title-input", "西部 秋の寄り合い")
    page.fill("#new-center", "西部")
    page.locator("form[action='/workshops'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/w/[a-z0-9]+/facilitate$"))
    assert posts == [live.base]  # the page's own origin, not "null"
    expect(page.get_by_text("西部 秋の寄り合い").first).to_be_visible()
    # The console's socket is open (its status says online) and it got the board.
    expect(page.locator("#conn-status")).to_have_class(re.compile(r"\bconn-online\b"))
    expect(page.locator("#stepper .step-button")).to_have_count(5)
    assert pages.problems == []  # no CSP refusal, no console error
