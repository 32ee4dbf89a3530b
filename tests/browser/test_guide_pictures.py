"""The pictures in README.md and the guides, taken of the real pages on the demo evening:
the phone at 375×667 and 320×568, the console and the projector, at every step.

`make screenshots` runs this module and copies the pictures into docs/images/. They are
also test artifacts: each is checked to have been drawn with the page ready."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, SCREENSHOTS, Pages
from tests.browser.drive import STEPS, Facilitator, demo, quiet, shows_step
from tests.browser.test_notes_browser import join
from tests.support import LiveServer

SMALL_PHONE = {**PHONE, "viewport": {"width": 320, "height": 568}}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}
PROJECTOR_HD = {"viewport": {"width": 1920, "height": 1080}}


def picture(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    quiet(page)  # let a redraw settle
    path = SCREENSHOTS / f"guide-{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000, name  # something was drawn


def test_pictures_of_every_page_at_every_step(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = demo(live)
    fac = steer(live, code)
    fac.cmd("set_step", step="confirm")
    phones = {"375": pages.open(PHONE, "phone-375"), "320": pages.open(SMALL_PHONE, "phone-320")}
    for size, phone in phones.items():
        phone.goto(f"{live.base}/w/{code}")
        expect(phone.locator("#join")).to_be_visible()
        picture(phone, f"phone-join-{size}")
        join(phone, live, code, "佐藤 花子" if size == "375" else "高橋")
    console = pages.open(LAPTOP, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    screen = pages.open(PROJECTOR_HD, "projector")
    screen.goto(f"{live.base}/w/{code}/screen")
    # The join view, as the console's 「参加受付」 puts it up, with the centre's Wi-Fi.
    fac.cmd("set_wifi", name="Seibu-Center-Guest", password="yoriai-2026")
    fac.cmd("show_join_view", shown=True)
    expect(screen.locator("#join-view")).to_be_visible()
    expect(screen.locator("#join-wifi-name")).to_contain_text("Seibu-Center-Guest")
    picture(screen, "screen-join")
    fac.cmd("show_join_view", shown=False)
    expect(screen.locator("#join-view")).to_be_hidden()
    fac.cmd("set_vote_settings", votes_visible=True)
    fac.cmd("start_timer", seconds=600)
    for step_id in STEPS:
        fac.cmd("set_step", step=step_id)
        for page in (*phones.values(), console, screen):
            shows_step(page, step_id)
        for size, phone in phones.items():
            picture(phone, f"phone-{step_id}-{size}")
        picture(console, f"console-{step_id}")
        picture(screen, f"screen-{step_id}")
    assert pages.problems == []
