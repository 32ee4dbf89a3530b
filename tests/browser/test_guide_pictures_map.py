"""The guides' pictures of map work (地図に付箋, issue 15), taken of the real pages on
``yoriai demo --map`` (the sample evening with its drawn district map, the notes that name
a place pinned): the projector's map board at step 1, a phone placing a pin, and the
console's 地図 panel. `make screenshots` runs this module with the other picture modules and
copies the pictures into docs/images/; each is checked to show what the guide says."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Pages
from tests.browser.drive import Facilitator, run_hub
from tests.browser.test_guide_pictures import LAPTOP, PROJECTOR_HD, picture
from tests.browser.test_guide_pictures_tables import projector_picture
from tests.browser.test_notes_browser import join
from tests.support import LiveServer
from yoriai.server import demo_map
from yoriai.server.demo import create_demo

pytestmark = pytest.mark.browser


def test_pictures_of_map_work(live: LiveServer, pages: Pages,
                              steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = run_hub(live, lambda hub: create_demo(hub, map_dir=live.data_dir))
    fac = steer(live, code)
    pinned = [n for n in fac.items("notes") if n.get("pin")]
    assert len(pinned) >= 30
    fac.cmd("set_step", step="confirm")  # 確かめてみよう: the map step

    # The projector: the map, the pins by kind (clustered where many name one place).
    screen = pages.open(PROJECTOR_HD, "projector")
    screen.goto(f"{live.base}/w/{code}/screen")
    board = screen.locator("#view-map")
    expect(board).to_be_visible()
    expect(board.locator(".map-image")).to_be_visible()
    expect(board.locator(".map-pin, .map-cluster").first).to_be_visible()
    expect(board).to_contain_text("場所なし")
    projector_picture(screen, "screen-map")

    # A phone at step 1: the map first; a tap on the vacant houses places a pin there.
    phone = pages.open(PHONE, "phone-375")
    join(phone, live, code, "佐藤 花子")
    image = phone.locator("#note-map .map-image")
    expect(image).to_be_visible()
    vacant = demo_map.LANDMARKS["vacant"]
    shown = image.bounding_box()
    assert shown is not None
    phone.touchscreen.tap(shown["x"] + shown["width"] * vacant.x / demo_map.GRID,
                          shown["y"] + shown["height"] * vacant.y / demo_map.GRID)
    expect(phone.locator("#note-map .map-pin.pin-new")).to_be_visible()
    picture(phone, "phone-map-375")

    # The console's 地図 panel: the same pins, to move, take off, filter and focus.
    console = pages.open(LAPTOP, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    console.get_by_role("tab", name="地図").click()
    expect(console.locator("#view-map .map-pin").first).to_be_visible()
    picture(console, "console-map")
    assert pages.problems == []
