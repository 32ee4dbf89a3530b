"""地図ワーク end to end (issue 15 part 2): a resident on a 320×568 phone taps a known spot of
the district's map, and the projector shows the pin at the same place on the map.

Everything is real: the map is uploaded over HTTP as the console does, the phone is
Chromium with a touch screen (the note form's map, phone-map.js: 拡大 once, then a finger's
tap on the community centre, the map's red square), the note goes over the phone's own
WebSocket, and two projectors (1024×768, the centre's; 1920×1080) draw it (screen-map.js).

"The same place" is checked three ways, each independent of the others' arithmetic:
1. the server's grid point is the point of the phone's image under the finger;
2. the projector's pin sits at that fraction of its own image box (within 3 px);
3. the projector's pixels: with the pins hidden, the red square's centre as drawn on the
   projector's screen (found in a screenshot) is within a few px of the pin's centre.
Then the room goes on: a note 「場所を選ばずに貼る」 is counted 「場所なし 1枚」, and the
facilitator moving the pin moves it on the projector.

Screenshots: /tmp/mapscreen/evening-*.png (and artifacts/screenshots/)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import LIVE, SCREENSHOTS, Pages
from tests.browser.drive import Facilitator, quiet
from tests.support import LiveServer, map_image, upload_map
from yoriai.facilitation.limits import MAP_GRID

pytestmark = pytest.mark.browser

PHONE_320 = {"viewport": {"width": 320, "height": 568}, "is_mobile": True, "has_touch": True,
             "device_scale_factor": 2}
XGA = {"viewport": {"width": 1024, "height": 768}}
FULL_HD = {"viewport": {"width": 1920, "height": 1080}}
MAP_W, MAP_H = 1200, 800
# The red square of tests.support.map_image (the community centre): PIL fills
# [w/3, w/3 + w/20] inclusive, so its pixels span [400, 461) × [266, 327) on a 1200×800 map.
SQUARE = (MAP_W // 3, MAP_H // 3, MAP_W // 20 + 1)
CENTRE = ((SQUARE[0] + SQUARE[2] / 2) / MAP_W, (SQUARE[1] + SQUARE[2] / 2) / MAP_H)
# How far (projector px) the pin may be from where the phone's finger was, once scaled.
PIN_PX = 3.0
# How far (projector px) from the red square's centre as the projector draws it: the finger
# lands on a whole phone pixel (at 2× zoom a phone pixel is ~1/600 of the map, about 1.2 px
# of a 735 px wide map at 1024×768), and JPEG blurs the square's edges a little.
SQUARE_PX = 4.0
SHOTS = Path("/tmp/mapscreen")


def shoot(page: Page, name: str) -> bytes:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot()
    for folder in (SCREENSHOTS, SHOTS):
        (folder / f"evening-{name}.png").write_bytes(png)
    return png


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return {"x": found["x"], "y": found["y"], "width": found["width"],
            "height": found["height"]}


def join(page: Page, live: LiveServer, code: str, name: str) -> None:
    page.goto(f"{live.base}/w/{code}")
    page.get_by_label("お名前（ニックネームでも大丈夫です）").fill(name)
    page.locator("#join-form").get_by_text("住民", exact=True).click()
    page.get_by_role("button", name="参加する").click()
    expect(page.locator("#welcome")).to_have_text(f"ようこそ、{name}さん")


def note_on_server(fac: Facilitator, text: str) -> dict[str, Any]:
    fac.run(fac.client.wait_for(lambda b: any(n["text"] == text for n in b.notes.values())))
    return next(n for n in fac.client.board.notes.values() if n["text"] == text)


def projector(pages: Pages, live: LiveServer, code: str, device: dict[str, Any],
              name: str) -> Page:
    page = pages.open(device, name)
    page.goto(f"{live.base}/w/{code}/screen")
    expect(page.locator("#view-map")).to_be_visible(timeout=LIVE)
    page.wait_for_function("() => { const i = document.querySelector('#view-map .map-image');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    return page


def pin_centre(page: Page, note_id: str) -> tuple[float, float]:
    pin = box(page, f'#view-map .map-pin[data-note-id="{note_id}"]')
    return pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] / 2


def red_centre(png: bytes, region: dict[str, float]) -> tuple[float, float]:
    """The centre of the red square's pixels inside ``region`` of a screenshot."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    left, top = max(0, int(region["x"])), max(0, int(region["y"]))
    right = min(image.width, int(region["x"] + region["width"]) + 1)
    bottom = min(image.height, int(region["y"] + region["height"]) + 1)
    xs: list[int] = []
    ys: list[int] = []
    data = image.tobytes()
    for y in range(top, bottom):
        for x in range(left, right):
            r, g, b = data[3 * (y * image.width + x):3 * (y * image.width + x) + 3]
            if r > 150 and g < 80 and b < 80:
                xs.append(x)
                ys.append(y)
    assert len(xs) > 20, "no red square on the projector"
    return sum(xs) / len(xs) + 0.5, sum(ys) / len(ys) + 0.5


def test_a_pin_tapped_on_a_phone_shows_at_the_same_place_on_the_projector(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop("西部地区まちづくり寄り合い")
    fac = steer(live, code)
    reply = upload_map(live, code, map_image(MAP_W, MAP_H), title="西部地区の地図")
    assert reply.status_code == 200, reply.text
    assert (reply.json()["width"], reply.json()["height"]) == (MAP_W, MAP_H)
    fac.cmd("set_step", step="confirm")  # 確かめてみよう: a map step of the default program
    screens = [projector(pages, live, code, XGA, "projector-1024"),
               projector(pages, live, code, FULL_HD, "projector-1920")]

    # The phone: the note form starts with the map; 拡大 once, then a finger on the centre.
    phone = pages.open(PHONE_320, "phone-320")
    join(phone, live, code, "佐藤 花子")
    expect(phone.locator("#note-map")).to_be_visible(timeout=LIVE)
    phone.wait_for_function("() => { const i = document.querySelector('#note-map .map-image');"
                            " return !!i && i.complete && i.naturalWidth > 0; }")
    phone.get_by_role("button", name="拡大").click()
    expect(phone.locator("#note-map .map-box")).to_have_class(re.compile("is-zoomed"))
    form = phone.locator("#note-form")
    form.get_by_text("課題", exact=True).click()
    form.get_by_label("付箋の内容").fill("センターの前の横断歩道が渡りにくい")
    phone.locator("#note-map .map-box").scroll_into_view_if_needed()
    quiet(phone)
    image = box(phone, "#note-map .map-image")  # the whole image, zoomed and moved
    view = box(phone, "#note-map .map-box")
    assert image["width"] > 1.8 * view["width"], (image, view)  # zoomed in (2×)
    x = image["x"] + CENTRE[0] * image["width"]
    y = image["y"] + CENTRE[1] * image["height"]
    assert view["x"] < x < view["x"] + view["width"] and \
        view["y"] < y < view["y"] + view["height"], "the centre is not in the zoomed view"
    assert 0 <= x <= 320 and 0 <= y <= 568
    phone.touchscreen.tap(x, y)
    expect(phone.locator("#note-map .map-pin.pin-new.pin-issue")).to_be_visible()
    shoot(phone, "phone-320-tapped")
    tapped = ((x - image["x"]) / image["width"], (y - image["y"]) / image["height"])
    phone.get_by_role("button", name="この場所に貼る").click()
    expect(phone.locator("#note-done")).to_have_text("貼りました ✓")

    # 1. The server has the grid point under the finger (within one phone pixel of grid).
    note = note_on_server(fac, "センターの前の横断歩道が渡りにくい")
    per_px = MAP_GRID / image["width"]
    assert abs(note["pin"]["x"] - tapped[0] * MAP_GRID) <= per_px, (note["pin"], tapped)
    assert abs(note["pin"]["y"] - tapped[1] * MAP_GRID) <= per_px, (note["pin"], tapped)

    for screen, name in zip(screens, ("1024", "1920"), strict=True):
        pin = screen.locator(f'#view-map .map-pin[data-note-id="{note["id"]}"]')
        expect(pin).to_be_visible(timeout=LIVE)
        expect(pin).to_have_attribute("data-kind", "issue")
        quiet(screen)
        # 2. At the same fraction of the projector's image as of the phone's.
        shown = box(screen, "#view-map .map-image")
        px, py = pin_centre(screen, note["id"])
        fraction = ((px - shown["x"]) / shown["width"], (py - shown["y"]) / shown["height"])
        error = (abs(fraction[0] - tapped[0]) * shown["width"],
                 abs(fraction[1] - tapped[1]) * shown["height"])
        print(f"projector {name}: pin at {fraction}, tapped {tapped}, off by {error} px")
        assert error[0] <= PIN_PX and error[1] <= PIN_PX, (name, fraction, tapped, error)
        shoot(screen, f"projector-{name}")
        # 3. On the projector's own pixels: the red square under the pin.
        marks = "document.querySelector('#view-map .map-marks').style.visibility"
        screen.evaluate(f"() => {{ {marks} = 'hidden'; }}")
        quiet(screen)
        square = red_centre(shoot(screen, f"projector-{name}-no-pins"), shown)
        off = (abs(square[0] - px), abs(square[1] - py))
        print(f"projector {name}: red square's centre {square}, pin {px, py}, off by {off}")
        assert off[0] <= SQUARE_PX and off[1] <= SQUARE_PX, (name, square, (px, py))
        screen.evaluate(f"() => {{ {marks} = ''; }}")  # the pins again

    # The room goes on: a note without a place, and the facilitator moving the pin.
    form.get_by_text("思い", exact=True).click()
    form.get_by_label("付箋の内容").fill("みんなで集まれる場所がほしい")
    phone.get_by_role("button", name="場所を選ばずに貼る").click()
    unplaced = note_on_server(fac, "みんなで集まれる場所がほしい")
    assert unplaced["pin"] is None
    fac.cmd("place_note", note_id=note["id"], pin={"x": 7000, "y": 2500})
    for screen in screens:
        expect(screen.locator(".map-unplaced-head")).to_have_text("場所なし 1枚", timeout=LIVE)
        expect(screen.locator(".map-unplaced .mini-text")).to_have_text(
            ["みんなで集まれる場所がほしい"])
        shown = box(screen, "#view-map .map-image")
        want = (shown["x"] + 0.7 * shown["width"], shown["y"] + 0.25 * shown["height"])
        screen.wait_for_function(
            "([id, x, y]) => { const e = document.querySelector("
            "`#view-map .map-pin[data-note-id='${id}']`); if (!e) return false;"
            " const r = e.getBoundingClientRect(); return Math.abs(r.left + r.width / 2 - x)"
            " <= 3 && Math.abs(r.top + r.height / 2 - y) <= 3; }", arg=[note["id"], *want])
    shoot(screens[0], "projector-1024-moved")
    assert pages.problems == []
