"""axe-core, in real Chromium, on every page a person meets: the join page, the phone at
each step, the console, the projector, the home page, the handout and the exported plan.
Any serious or critical violation fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, Pages
from tests.browser.drive import STEPS, Facilitator, demo, quiet, shows_step
from tests.browser.test_notes_browser import join
from tests.support import HANG, LiveServer

AXE = Axe()


def assert_accessible(page: Page, where: str) -> None:
    results = AXE.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = [f"{v['id']} ({v['impact']}): {v['help']} — "
              f"{[n['target'] for n in v['nodes']][:3]}" for v in bad]
    assert not bad, f"{where}: " + "\n".join(report)


def wait_for_step(fac: Facilitator, step: str, *pages: Page) -> None:
    """Change step and wait until each page has drawn it."""
    fac.cmd("set_step", step=step)
    for page in pages:
        shows_step(page, step)
        quiet(page)


@pytest.fixture
def evening(live: LiveServer, steer: Callable[[LiveServer, str], Facilitator]
            ) -> tuple[str, Facilitator]:
    code = demo(live)
    return code, steer(live, code)


def test_the_phone_at_every_step(live: LiveServer, pages: Pages,
                                 evening: tuple[str, Facilitator]) -> None:
    code, fac = evening
    phone = pages.open(PHONE, "phone")
    phone.goto(f"{live.base}/w/{code}")
    expect(phone.locator("#join")).to_be_visible()
    assert_accessible(phone, "join page")
    join(phone, live, code)
    for step in STEPS:
        wait_for_step(fac, step, phone)
        assert_accessible(phone, f"phone at {step}")
    assert pages.problems == []


def test_the_console_and_the_projector_at_every_step(
        live: LiveServer, pages: Pages, evening: tuple[str, Facilitator]) -> None:
    code, fac = evening
    console = pages.open(DESKTOP, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    screen = pages.open(PROJECTOR, "projector")
    screen.goto(f"{live.base}/w/{code}/screen")
    fac.cmd("set_vote_settings", votes_visible=True)
    for step in STEPS:
        wait_for_step(fac, step, screen, console)
        assert_accessible(screen, f"projector at {step}")
        assert_accessible(console, f"console at {step}")
    assert pages.problems == []


def test_home_error_handout_and_the_exported_plan(
        live: LiveServer, pages: Pages, evening: tuple[str, Facilitator]) -> None:
    code, _ = evening
    page = pages.open(DESKTOP, "pages")
    page.goto(f"{live.base}/?key={live.key}")
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page, "home")
    page.goto(f"{live.base}/w/{code}/handout")
    assert_accessible(page, "handout")
    page.goto(f"{live.base}/w/nosuch")
    assert_accessible(page, "not-found page")
    cookies: Any = {"yoriai_key": live.key}
    # The hang guard, not httpx's 5 s: a loaded 2-core machine has taken longer to render.
    html = httpx.get(f"{live.base}/w/{code}/export/html", cookies=cookies, timeout=HANG).text
    plan = pages.open(DESKTOP, "plan")
    plan.set_content(html)
    assert_accessible(plan, "exported plan (html)")
