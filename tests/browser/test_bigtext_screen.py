"""The projector's own tools (the full-screen button and the F11 hint, screen-join.js) never
cover the board by themselves, in real Chromium: when the page opens they are asleep (they
used to sit over the bottom-left of the board for their first 8 seconds, on the notes of
whatever step was shown); a hand moving the mouse on the projector (or a key) brings them,
big enough to hit and inside the screen, and they go again. Measured by boxes and states,
never by a time: the sleep is waited for as a state (the ``is-asleep`` class).

Pictures go to /tmp/bigtext/ (looked at by a person).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Pages
from tests.browser.drive import demo, quiet
from tests.support import LiveServer

pytestmark = pytest.mark.browser

PICTURES = Path("/tmp/bigtext")
XGA: dict[str, Any] = {"viewport": {"width": 1024, "height": 768}}
WIDE: dict[str, Any] = {"viewport": {"width": 1600, "height": 900}}
# The button is hit with a mouse by the facilitator at the laptop: a comfortable target.
BUTTON_MIN_PX = 44

# Every box of the board (the step's view) and of the head that the tools, where they are
# drawn, would lie over: their overlap, in CSS px².
COVERED = """() => {
  const tools = document.getElementById('screen-tools');
  const style = getComputedStyle(tools);
  if (tools.hidden || style.display === 'none' || style.visibility === 'hidden') return 0;
  const t = tools.getBoundingClientRect();
  let area = 0;
  for (const e of document.querySelectorAll(
      '#screen [id^=view-] *, #screen .screen-head *, #join-view *')) {
    if (!e.getClientRects().length || tools.contains(e)) continue;
    const r = e.getBoundingClientRect();
    const w = Math.min(r.right, t.right) - Math.max(r.left, t.left);
    const h = Math.min(r.bottom, t.bottom) - Math.max(r.top, t.top);
    if (w > 0 && h > 0 && (e.textContent || '').trim()) area = Math.max(area, w * h);
  }
  return area;
}"""


def picture(page: Page, name: str) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PICTURES / f"{name}.png"))


def projector(pages: Pages, live: LiveServer, code: str, device: dict[str, Any],
              name: str) -> Page:
    page = pages.open(device, name)
    page.goto(f"{live.base}/w/{code}/screen")
    page.wait_for_function("() => document.getElementById('screen').hasAttribute('data-fit')")
    quiet(page)
    return page


@pytest.mark.parametrize("device", [XGA, WIDE], ids=["1024x768", "1600x900"])
def test_the_tools_do_not_cover_the_board_when_the_projector_opens(
        live: LiveServer, pages: Pages, device: dict[str, Any]) -> None:
    code = demo(live)
    size = f'{device["viewport"]["width"]}x{device["viewport"]["height"]}'
    page = projector(pages, live, code, device, "projector")
    tools = page.locator("#screen-tools")
    # Opened: the board drawn, the tools asleep, nothing of the board under them.
    expect(tools).to_have_class("screen-tools is-asleep")
    expect(page.locator("#fullscreen")).to_be_hidden()
    assert page.evaluate(COVERED) == 0
    picture(page, f"projector-opened-{size}")

    # A hand moves the mouse: the tools come, inside the screen, the button big enough.
    page.mouse.move(300, 300)
    page.mouse.move(320, 310)
    button = page.locator("#fullscreen")
    expect(button).to_be_visible()
    at = button.bounding_box()
    assert at is not None
    width, height = device["viewport"]["width"], device["viewport"]["height"]
    assert at["height"] >= BUTTON_MIN_PX and at["width"] >= BUTTON_MIN_PX, at
    assert at["x"] >= 0 and at["y"] >= 0, at
    assert at["x"] + at["width"] <= width and at["y"] + at["height"] <= height, at
    picture(page, f"projector-tools-{size}")
    # And they go again by themselves (a state waited for, not a time).
    expect(tools).to_have_class("screen-tools is-asleep")
    assert page.evaluate(COVERED) == 0
    assert pages.problems == []


def test_the_join_view_opens_without_the_tools_and_a_key_brings_them(
        live: LiveServer, pages: Pages) -> None:
    """Nobody has joined: the join view fills the screen (its QR code, the address); the
    tools are asleep over it too, and a key pressed on the projector brings them."""
    code = live.new_workshop("西部地区まちづくり寄り合い")
    page = projector(pages, live, code, XGA, "join")
    expect(page.locator("#join-view")).to_be_visible()
    expect(page.locator("#screen-tools")).to_have_class("screen-tools is-asleep")
    assert page.evaluate(COVERED) == 0
    picture(page, "projector-join-opened")
    page.keyboard.press("Shift")
    expect(page.locator("#fullscreen")).to_be_visible()
    assert pages.problems == []
