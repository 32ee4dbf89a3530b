"""The facilitator previews exactly what a participant's phone shows, without joining."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Pages
from tests.browser.drive import Facilitator, shows_step
from tests.support import LiveServer


def test_the_console_previews_the_phone(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop()
    fac = steer(live, code)
    phone = fac.participant(live, "佐藤")
    fac.send(phone, "post_note", kind="charm", text="川沿いの桜並木")
    console = pages.open({"viewport": {"width": 1366, "height": 900}}, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    link = console.locator("#open-phone")
    assert link.get_attribute("href") == f"/w/{code}?preview=1"

    preview = pages.open(PHONE, "preview")
    preview.goto(f"{live.base}{link.get_attribute('href')}")
    expect(preview.locator("#preview-banner")).to_be_visible()
    expect(preview.locator("#join")).to_be_hidden()
    expect(preview.locator("#board")).to_be_visible()
    expect(preview.get_by_text("川沿いの桜並木")).to_be_visible()
    fac.cmd("set_step", step="companions")
    shows_step(preview, "companions")
    assert preview.evaluate("Object.keys(localStorage).length") == 0  # nothing kept
    assert fac.cmd("set_step", step="confirm") == {}
    assert len(fac.items("participants")) == 1  # the preview joined no one
    assert pages.problems == []
