"""The guides' pictures of an evening at tables (班, issue 14), taken of the real pages on
``yoriai demo --tables`` (the sample evening at five tables, world café): the projector's
grid of tables and its 全体共有, the console's テーブル panel, a phone with its table's
number. `make screenshots` runs this module beside test_guide_pictures.py and copies the
pictures into docs/images/; each is checked to show what the guide says it shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Pages
from tests.browser.drive import Facilitator, run_hub
from tests.browser.test_guide_pictures import LAPTOP, PROJECTOR_HD, picture
from tests.browser.test_notes_browser import join
from tests.support import LiveServer
from yoriai.server.demo import create_demo

pytestmark = pytest.mark.browser


def projector_picture(page: Page, name: str) -> None:
    """The projector as the room sees it: after the full-screen button has gone to sleep
    (screen-join.js), so that it is not in the picture."""
    page.wait_for_selector("#screen-tools.is-asleep", state="attached")
    picture(page, name)


def demo_at_tables(live: LiveServer) -> str:
    """``yoriai demo --tables`` into the live server's store, beside it."""
    return run_hub(live, lambda hub: create_demo(hub, tables=True))


def test_pictures_of_an_evening_at_tables(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = demo_at_tables(live)
    fac = steer(live, code)
    tables = sorted(fac.items("tables"), key=lambda t: int(t["number"]))
    assert len(tables) == 5 and all(t.get("host") for t in tables)
    screen = pages.open(PROJECTOR_HD, "projector")
    screen.goto(f"{live.base}/w/{code}/screen")
    # The demo stops at 全体共有, table 1 large.
    sharing = screen.locator("#view-sharing")
    expect(sharing.locator(".sharing-tag")).to_have_text("全体共有 1/5")
    projector_picture(screen, "screen-tables-sharing")

    # Back at 仲間を増やそう: the grid of the five tables, each with its themes.
    fac.cmd("set_step", step="companions")
    grid = screen.locator("#view-tables")
    expect(grid).to_have_attribute("data-mode", "grid")
    expect(grid.locator(".table-cell[data-table-id]")).to_have_count(5)
    projector_picture(screen, "screen-tables")

    # The console's テーブル panel: the five tables side by side, each with its host.
    console = pages.open(LAPTOP, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    console.get_by_role("tab", name="テーブル").click()
    expect(console.locator("#table-cols .seat-chip.is-host")).to_have_count(5)
    picture(console, "console-tables")

    # A phone that joins late is seated at once: its table's number, big, at the top.
    phone = pages.open(PHONE, "phone-375")
    join(phone, live, code, "佐藤 花子")
    fac.run(fac.client.wait_for(lambda b: any(
        p["name"] == "佐藤 花子" and p.get("table") for p in b.items("participants").values())))
    me: dict[str, Any] = next(p for p in fac.items("participants") if p["name"] == "佐藤 花子")
    number = next(t["number"] for t in tables if t["id"] == me["table"])
    expect(phone.locator("#table-number")).to_have_text(f"{number}班")
    picture(phone, "phone-tables-375")
    assert pages.problems == []
