"""地図に付箋 on the participant's phone (issue 15 part 2), in real Chromium at 320×568.

In a map step of a workshop with a map, the note form starts with the map: a tap places
the pin, 「この場所に貼る」 sends the note with its place on the 0..MAP_GRID grid, read from
the image's own shown box; 拡大／縮小 and a pinch zoom, a drag pans; 「場所を選ばずに貼る」
sends a note without a place. Each place is read back from the server (the facilitator's
WebSocket board), within one shown pixel's worth of grid. The positions of the map and of
the send button are measured at 320×568 with the default and the large text (printed with
``pytest -s``), nothing scrolls sideways (there, and at 200% zoom), and the first visit of
a phone stays light: the map's image and code are fetched only in a map step.

Pictures go to /tmp/mapphone/ (looked at by a person).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import Pages
from tests.browser.drive import Facilitator, quiet
from tests.browser.test_accessibility import assert_accessible
from tests.support import LiveServer, map_image, upload_map
from yoriai.facilitation.limits import MAP_GRID

pytestmark = pytest.mark.browser

SMALL: dict[str, Any] = {"viewport": {"width": 320, "height": 568}, "is_mobile": True,
                         "has_touch": True, "device_scale_factor": 2}
# 200% zoom on that phone: the page is laid out 160 CSS px wide (as test_phone_one_screen).
ZOOMED: dict[str, Any] = {"viewport": {"width": 160, "height": 284}, "is_mobile": True,
                          "has_touch": True, "device_scale_factor": 2}
WIDTH, HEIGHT = 320, 568
# The district map: 3:2, as a scanned A4 landscape map is about.
MAP_W, MAP_H = 1200, 800
PICTURES = Path("/tmp/mapphone")

# Resolves when the map's image has arrived and is drawn.
IMAGE_SHOWN = """() => {
  const img = document.querySelector('#note-map .map-image');
  return !!img && img.complete && img.naturalWidth > 0;
}"""


def picture(page: Page, name: str) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PICTURES / f"{name}.png"))


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return {"x": found["x"], "y": found["y"], "width": found["width"],
            "height": found["height"]}


def join(page: Page, live: LiveServer, code: str, name: str = "佐藤 花子",
         lang: str = "ja") -> None:
    page.goto(f"{live.base}/w/{code}?lang={lang}")
    page.locator("#join-name").fill(name)
    page.locator("#join-form").get_by_text("住民", exact=True).click()
    page.locator("#join-submit").click()
    expect(page.locator("#welcome")).to_contain_text(name)


def map_workshop(live: LiveServer, steer: Callable[[LiveServer, str], Facilitator]
                 ) -> tuple[str, Facilitator, dict[str, Any]]:
    """A workshop with the district's map, in step 1 (a map step of the default program)."""
    code = live.new_workshop("西部地区まちづくり寄り合い")
    reply = upload_map(live, code, map_image(MAP_W, MAP_H), title="西部地区")
    assert reply.status_code == 200, reply.text
    fac = steer(live, code)
    fac.cmd("set_step", step="confirm")
    steps = fac.client.board.workshop["program"]["steps"]
    assert [s.get("map", False) for s in steps if s["id"] == "confirm"] == [True]
    return code, fac, reply.json()


def phone_on_map(live: LiveServer, pages: Pages, code: str, device: dict[str, Any],
                 name: str = "phone", lang: str = "ja") -> Page:
    phone = pages.open(device, name)
    join(phone, live, code, lang=lang)
    expect(phone.locator("#note-map")).to_be_visible()
    phone.wait_for_function(IMAGE_SHOWN)
    quiet(phone)
    return phone


def write(phone: Page, kind: str, text: str) -> None:
    form = phone.locator("#note-form")
    form.get_by_text(kind, exact=True).click()
    form.get_by_label("付箋の内容").fill(text)


def note_on_server(fac: Facilitator, text: str) -> dict[str, Any]:
    """The note with this text, once the facilitator's board has it."""
    fac.run(fac.client.wait_for(
        lambda b: any(n["text"] == text for n in b.notes.values())))
    return next(n for n in fac.client.board.notes.values() if n["text"] == text)


def grid_of(fraction: float) -> int:
    return round(fraction * MAP_GRID)


def view_of(phone: Page) -> dict[str, float]:
    """The map's window on the screen: its box inside the border (where the image is)."""
    found: dict[str, float] = phone.evaluate("""() => {
      const b = document.querySelector('#note-map .map-box');
      const r = b.getBoundingClientRect();
      return {x: r.left + b.clientLeft, y: r.top + b.clientTop, width: b.clientWidth,
              height: b.clientHeight};
    }""")
    return found


def tap_map(phone: Page, fx: float, fy: float) -> dict[str, float]:
    """Tap (a finger, not a mouse) at the pixel nearest the point (fx, fy) of the map's
    window as it is on the screen; returns that pixel and the window."""
    phone.locator("#note-map .map-box").scroll_into_view_if_needed()
    quiet(phone)
    at = view_of(phone)
    x = round(at["x"] + fx * at["width"])
    y = round(at["y"] + fy * at["height"])
    phone.touchscreen.tap(x, y)
    return {"x": x, "y": y, **{f"box_{k}": v for k, v in at.items()}}


def test_a_tap_places_the_note_at_the_grid_point_under_the_finger(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code, fac, uploaded = map_workshop(live, steer)
    assert (uploaded["width"], uploaded["height"]) == (MAP_W, MAP_H)
    phone = phone_on_map(live, pages, code, SMALL)
    picture(phone, "map-step-default")
    expect(phone.locator("#note-map .map-hint")).to_have_text(
        "地図のどこですか？ 場所をタップしてください")
    # The box is the image's own shape, reserved from the header (3:2).
    shown = box(phone, "#note-map .map-box")
    image = box(phone, "#note-map .map-image")
    assert abs(image["width"] / image["height"] - MAP_W / MAP_H) < 0.02, image
    # The phone loads the phones' copy of the map (a quarter of the bytes), not the map.
    expect(phone.locator("#note-map .map-image")).to_have_attribute(
        "src", re.compile(rf"/map/{uploaded['hash']}-phone\.jpg$"))

    # 「この場所に貼る」 with no place yet: the bar says where, on the screen.
    write(phone, "課題", "この交差点は見通しが悪い")
    phone.get_by_role("button", name="この場所に貼る").click()
    error = phone.locator("#note-error")
    expect(error).to_contain_text("場所をタップしてください")
    at = box(phone, "#note-error")
    assert at["y"] >= 0 and at["y"] + at["height"] <= HEIGHT, at

    # 「この場所に貼る」 brought the map into view and focused it; back to the words, the
    # phone's keyboard up, and then a tap on the map.
    expect(phone.locator("#note-map .map-box")).to_be_focused()
    phone.locator("#note-text").focus()
    tap = tap_map(phone, 0.3, 0.4)
    expect(phone.locator("#note-map .map-pin.pin-new")).to_be_visible()
    # The map took the focus from the text box: the keyboard goes down for the map.
    expect(phone.locator("#note-map .map-box")).to_be_focused()
    expect(phone.locator("#note-map .map-placed")).to_contain_text("ピンの場所に貼ります")
    # The map did not move under the finger (the words came under it, not above).
    assert view_of(phone)["y"] == tap["box_y"]
    expect(error).to_have_text("")  # the place is chosen: the question is answered
    # The kind chosen gives the pin its shape and colour (課題: the triangle).
    expect(phone.locator("#note-map .map-pin.pin-new.pin-issue use")).to_have_attribute(
        "href", "#icon-issue")
    picture(phone, "map-pin-placed")
    phone.get_by_role("button", name="この場所に貼る").click()
    expect(phone.locator("#note-done")).to_have_text("貼りました ✓")

    note = note_on_server(fac, "この交差点は見通しが悪い")
    assert note["kind"] == "issue"
    # Where the finger was, on the image as shown: within one shown pixel of grid.
    image = box(phone, "#note-map .map-image")
    want_x = grid_of((tap["x"] - image["x"]) / image["width"])
    want_y = grid_of((tap["y"] - image["y"]) / image["height"])
    per_px = MAP_GRID / image["width"]
    assert abs(note["pin"]["x"] - want_x) <= per_px, (note["pin"], want_x)
    assert abs(note["pin"]["y"] - want_y) <= per_px, (note["pin"], want_y)
    # And independently of how the page measures: the box is the whole image at zoom 1.
    assert abs(note["pin"]["x"] - grid_of(0.3)) <= 2 * per_px, note["pin"]
    assert abs(note["pin"]["y"] - grid_of(0.4)) <= 2 * per_px, note["pin"]
    assert shown["width"] <= WIDTH
    # The new pin is gone with the note sent; the note stays on the map, faint, as mine.
    expect(phone.locator("#note-map .map-pin.pin-new")).to_have_count(0)
    expect(phone.locator("#note-map .map-pin.pin-mine.pin-issue")).to_have_count(1)
    assert pages.problems == []


def test_zoom_in_then_tap_still_maps_to_the_right_point(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code, fac, _ = map_workshop(live, steer)
    phone = phone_on_map(live, pages, code, SMALL)
    zoom_out = phone.get_by_role("button", name="縮小")
    expect(zoom_out).to_be_disabled()  # the whole map already
    whole = box(phone, "#note-map .map-image")
    view = view_of(phone)
    assert abs(whole["width"] - view["width"]) < 1, (whole, view)  # the image fills it
    phone.get_by_role("button", name="拡大").click()
    expect(phone.locator("#note-map .map-box")).to_have_class(re.compile("is-zoomed"))
    quiet(phone)
    # 2× about the centre: the window shows the middle half of the map each way.
    image = box(phone, "#note-map .map-image")
    assert abs(image["width"] - 2 * whole["width"]) < 1, (image, whole)
    picture(phone, "map-zoomed")

    write(phone, "魅力", "川沿いの桜並木")
    tap = tap_map(phone, 0.8, 0.25)
    expect(phone.locator("#note-map .map-pin.pin-new.pin-charm")).to_be_visible()
    phone.get_by_role("button", name="この場所に貼る").click()
    note = note_on_server(fac, "川沿いの桜並木")
    image = box(phone, "#note-map .map-image")
    per_px = MAP_GRID / image["width"]  # a shown pixel is half as much grid now
    want_x = grid_of((tap["x"] - image["x"]) / image["width"])
    want_y = grid_of((tap["y"] - image["y"]) / image["height"])
    assert abs(note["pin"]["x"] - want_x) <= per_px, (note["pin"], want_x)
    assert abs(note["pin"]["y"] - want_y) <= per_px, (note["pin"], want_y)
    # From the zoom alone: box point 0.8 is 0.25 + 0.8 × 0.5 = 0.65 of the map.
    assert abs(note["pin"]["x"] - grid_of(0.25 + 0.8 * 0.5)) <= 2 * per_px, note["pin"]
    assert abs(note["pin"]["y"] - grid_of(0.25 + 0.25 * 0.5)) <= 2 * per_px, note["pin"]

    # 縮小 goes back to the whole map.
    zoom_out.click()
    expect(phone.locator("#note-map .map-box")).not_to_have_class(re.compile("is-zoomed"))
    expect(zoom_out).to_be_disabled()
    assert pages.problems == []


def test_a_pinch_zooms_about_the_fingers_and_a_drag_pans(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """Two fingers through the DevTools protocol (Input.dispatchTouchEvent), as a phone's
    touch screen sends them: the point of the map between the fingers stays under them."""
    code, fac, _ = map_workshop(live, steer)
    phone = phone_on_map(live, pages, code, SMALL)
    phone.locator("#note-map .map-box").scroll_into_view_if_needed()
    quiet(phone)
    view = view_of(phone)
    cx, cy = view["x"] + view["width"] * 0.6, view["y"] + view["height"] * 0.5
    before = box(phone, "#note-map .map-image")
    under = ((cx - before["x"]) / before["width"], (cy - before["y"]) / before["height"])
    cdp = phone.context.new_cdp_session(phone)

    def touch(kind: str, spread: float) -> None:
        points = [] if kind == "touchEnd" else [
            {"x": cx - spread, "y": cy, "id": 1}, {"x": cx + spread, "y": cy, "id": 2}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 20)
    for spread in (30, 40, 50, 60):
        touch("touchMove", spread)
    touch("touchEnd", 0)
    expect(phone.locator("#note-map .map-box")).to_have_class(re.compile("is-zoomed"))
    quiet(phone)
    after = box(phone, "#note-map .map-image")
    assert abs(after["width"] / before["width"] - 3) < 0.1, (before, after)  # 120 / 40 px
    now = ((cx - after["x"]) / after["width"], (cy - after["y"]) / after["height"])
    assert abs(now[0] - under[0]) < 2 / after["width"], (under, now)
    assert abs(now[1] - under[1]) < 2 / after["height"], (under, now)
    picture(phone, "map-pinched")

    # One finger drags the zoomed map: it follows the finger (no pin from a drag).
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": cx, "y": cy, "id": 3}]})
    for step in range(1, 5):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": cx - 10 * step, "y": cy - 5 * step, "id": 3}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    quiet(phone)
    moved = box(phone, "#note-map .map-image")
    assert abs(moved["x"] - (after["x"] - 40)) < 1.5, (after, moved)
    assert abs(moved["y"] - (after["y"] - 20)) < 1.5, (after, moved)
    expect(phone.locator("#note-map .map-pin.pin-new")).to_have_count(0)

    # A tap after the pinch and the drag places the note where the finger is.
    write(phone, "思い", "ここに休めるベンチがほしい")
    tap = tap_map(phone, 0.5, 0.5)
    phone.get_by_role("button", name="この場所に貼る").click()
    note = note_on_server(fac, "ここに休めるベンチがほしい")
    image = box(phone, "#note-map .map-image")
    per_px = MAP_GRID / image["width"]
    assert abs(note["pin"]["x"] - grid_of((tap["x"] - image["x"]) / image["width"])) <= per_px
    assert abs(note["pin"]["y"] - grid_of((tap["y"] - image["y"]) / image["height"])) <= per_px
    assert pages.problems == []


def test_posting_without_a_place_still_works(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code, fac, _ = map_workshop(live, steer)
    phone = phone_on_map(live, pages, code, SMALL)
    write(phone, "思い", "地区の行事をもっと知りたい")
    phone.get_by_role("button", name="場所を選ばずに貼る").click()
    expect(phone.locator("#note-done")).to_have_text("貼りました ✓")
    note = note_on_server(fac, "地区の行事をもっと知りたい")
    assert note["pin"] is None
    # A pin placed, then 場所を選ばずに貼る: the note goes without it.
    write(phone, "魅力", "商店街の人があたたかい")
    tap_map(phone, 0.5, 0.5)
    expect(phone.locator("#note-map .map-pin.pin-new")).to_be_visible()
    phone.get_by_role("button", name="場所を選ばずに貼る").click()
    note = note_on_server(fac, "商店街の人があたたかい")
    assert note["pin"] is None
    assert pages.problems == []


def test_outside_a_map_step_the_form_is_as_before(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """A workshop without a map: no map, 「貼る」 as ever, no map code or image fetched."""
    code = live.new_workshop()
    fac = steer(live, code)
    phone = pages.open(SMALL, "phone")
    fetched: list[str] = []
    phone.on("request", lambda r: fetched.append(r.url))
    join(phone, live, code)
    quiet(phone)
    expect(phone.locator("#note-map")).to_be_hidden()
    expect(phone.locator("#note-submit")).to_have_text("貼る")
    expect(phone.locator("#note-noplace")).to_be_hidden()
    write(phone, "魅力", "公民館が近い")
    phone.locator("#note-submit").click()
    assert note_on_server(fac, "公民館が近い")["pin"] is None
    assert not [u for u in fetched if "/map/" in u or "/phone-map." in u], fetched
    assert pages.problems == []


def test_the_first_visit_stays_light_with_a_map(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """The join page of a workshop in a map step: the same budget as any (≤ 6 requests,
    < 60 KB); the map's image and code come only after joining, in the step."""
    code, _, _ = map_workshop(live, steer)
    phone = pages.open(SMALL, "phone")
    requests: list[Request] = []
    phone.on("requestfinished", lambda request: requests.append(request))
    phone.goto(f"{live.base}/w/{code}")
    expect(phone.locator("#join")).to_be_visible()
    phone.wait_for_load_state("networkidle")
    urls = [r.url for r in requests]
    assert len(requests) <= 6, urls
    size = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
               for r in requests)
    print(f"phone first visit, map workshop: {len(requests)} requests, {size / 1024:.1f} KB")
    assert size < 60 * 1024, size
    assert not [u for u in urls if "/map/" in u or "/phone-map." in u], urls
    assert pages.problems == []


def sideways(page: Page) -> int:
    """How far the page scrolls sideways (0: not at all)."""
    return int(page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def test_the_map_and_the_action_fit_the_small_phone_without_sideways_scrolling(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """At 320×568 (default and large text) and at 200% zoom (in Japanese and in English,
    whose words are longer): the map's box is inside the screen's width, the send button is
    on the first screen, the map starts above it, and nothing scrolls sideways. The boxes
    are printed for the report."""
    code, _, _ = map_workshop(live, steer)
    found: dict[str, Any] = {}
    for label, device, big in (("default", SMALL, False), ("large", SMALL, True),
                               ("zoom200", ZOOMED, False), ("large-en", SMALL, True),
                               ("zoom200-en", ZOOMED, False)):
        phone = phone_on_map(live, pages, code, device, name=label,
                             lang="en" if label.endswith("-en") else "ja")
        if big:
            phone.locator("#text-size").click()
            expect(phone.locator("html")).to_have_class(re.compile("text-large"))
            quiet(phone)
        phone.evaluate("window.scrollTo(0, 0)")
        quiet(phone)
        width = device["viewport"]["width"]
        height = device["viewport"]["height"]
        action = box(phone, "#note-submit")
        other = box(phone, "#note-noplace")
        shown = box(phone, "#note-map .map-box")
        found[label] = {"action_top": round(action["y"]), "action_h": round(action["height"]),
                        "noplace_top": round(other["y"]),
                        "map": {k: round(v) for k, v in shown.items()},
                        "map_visible_h": round(max(0, min(shown["y"] + shown["height"],
                                                          action["y"]) - shown["y"]))}
        picture(phone, f"map-first-screen-{label}")
        assert sideways(phone) == 0, label
        assert shown["x"] >= 0 and shown["x"] + shown["width"] <= width + 0.5, (label, shown)
        if not label.startswith("zoom200"):  # there the top bar and title fill the screen
            # The send buttons are on the first screen, and the map starts above them.
            for button in (action, other):
                assert button["y"] >= 0 and button["y"] + button["height"] <= height, (
                    label, button)
            assert shown["y"] < action["y"], (label, shown, action)
        # Zoomed in, the page still does not scroll sideways (the map is clipped in its box).
        phone.locator("#note-map [data-zoom='+']").click()
        expect(phone.locator("#note-map .map-box")).to_have_class(re.compile("is-zoomed"))
        quiet(phone)
        assert sideways(phone) == 0, label
        # Scrolled to the map: all of it is on the screen together with the send button.
        phone.locator("#note-map .map-box").scroll_into_view_if_needed()
        quiet(phone)
        shown, action = box(phone, "#note-map .map-box"), box(phone, "#note-submit")
        found[label]["scrolled"] = {"map_top": round(shown["y"]),
                                    "map_bottom": round(shown["y"] + shown["height"]),
                                    "action_top": round(action["y"])}
        picture(phone, f"map-scrolled-{label}")
        # The map's top edge and the send button are on the screen together.
        assert 0 <= shown["y"] < action["y"], (label, shown, action)
        assert action["y"] + action["height"] <= height, (label, action)
    print("map step at 320x568 (CSS px):", json.dumps(found))
    assert pages.problems == []


def test_a_refused_note_keeps_its_words_and_its_place(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """The server refuses (too long): the refusal is in the send bar on the screen, and the
    words and the pin come back, so that only the words need fixing."""
    code, fac, _ = map_workshop(live, steer)
    phone = phone_on_map(live, pages, code, SMALL)
    # A tap before a kind is chosen: a dark ring marks the place.
    tap = tap_map(phone, 0.7, 0.6)
    expect(phone.locator("#note-map .map-pin.pin-new.pin-unsorted")).to_be_visible()
    picture(phone, "map-pin-no-kind")
    image = box(phone, "#note-map .map-image")
    want = {"x": grid_of((tap["x"] - image["x"]) / image["width"]),
            "y": grid_of((tap["y"] - image["y"]) / image["height"])}
    write(phone, "課題", "長" * 141)
    phone.get_by_role("button", name="この場所に貼る").click()
    error = phone.locator("#note-error")
    expect(error).to_contain_text("140文字まで")
    at = box(phone, "#note-error")
    assert at["y"] >= 0 and at["y"] + at["height"] <= HEIGHT, at
    picture(phone, "map-refused")
    expect(phone.locator("#note-map .map-pin.pin-new.pin-issue")).to_be_visible()
    phone.locator("#note-form").get_by_label("付箋の内容").fill("坂道の途中に手すりがない")
    phone.get_by_role("button", name="この場所に貼る").click()
    note = note_on_server(fac, "坂道の途中に手すりがない")
    per_px = MAP_GRID / image["width"]
    assert abs(note["pin"]["x"] - want["x"]) <= per_px, (note["pin"], want)
    assert abs(note["pin"]["y"] - want["y"]) <= per_px, (note["pin"], want)
    assert pages.problems == []


def test_the_keys_place_and_move_the_pin(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """Without a finger: on the focused map an arrow key puts the pin at the centre of the
    view, the next ones move it by a twentieth of the view."""
    code, fac, _ = map_workshop(live, steer)
    phone = phone_on_map(live, pages, code, SMALL)
    phone.locator("#note-map .map-box").focus()
    phone.keyboard.press("ArrowRight")
    expect(phone.locator("#note-map .map-pin.pin-new")).to_be_visible()
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowUp")
    write(phone, "魅力", "駅前の花壇がきれい")
    phone.get_by_role("button", name="この場所に貼る").click()
    note = note_on_server(fac, "駅前の花壇がきれい")
    step = MAP_GRID // 20
    assert note["pin"] == {"x": MAP_GRID // 2 + step, "y": MAP_GRID // 2 - step}, note["pin"]
    assert pages.problems == []


def test_the_map_leaves_and_comes_back_with_the_workshop(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """The facilitator takes the map off: the phone's form is the plain one again (「貼る」);
    another map comes: the form starts with it, afresh. Another step: no map."""
    code, fac, _ = map_workshop(live, steer)
    phone = phone_on_map(live, pages, code, SMALL)
    tap_map(phone, 0.5, 0.5)
    expect(phone.locator("#note-map .map-pin.pin-new")).to_be_visible()
    fac.cmd("remove_map")
    expect(phone.locator("#note-map")).to_be_hidden()
    expect(phone.locator("#note-submit")).to_have_text("貼る")
    expect(phone.locator("#note-noplace")).to_be_hidden()
    reply = upload_map(live, code, map_image(600, 900), title="北部地区")
    assert reply.status_code == 200, reply.text
    expect(phone.locator("#note-map")).to_be_visible()
    phone.wait_for_function(IMAGE_SHOWN)
    expect(phone.locator("#note-map .map-image")).to_have_attribute(
        "src", re.compile(reply.json()["hash"]))
    expect(phone.locator("#note-map .map-pin.pin-new")).to_have_count(0)
    quiet(phone)
    # A portrait map: its own shape, no wider than the screen, no taller than 45% of it.
    shown = view_of(phone)
    assert abs(shown["width"] / shown["height"] - 600 / 900) < 0.02, shown
    assert shown["height"] <= 0.45 * HEIGHT + 1, shown
    picture(phone, "map-portrait")
    fac.cmd("set_step", step="future")
    expect(phone.locator("#view-future")).to_be_visible()
    fac.cmd("set_step", step="confirm")
    expect(phone.locator("#note-map")).to_be_visible()
    assert pages.problems == []


def test_a_drag_on_the_whole_map_scrolls_the_page(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """The map takes the fingers from the browser (so that a pinch zooms the map, not the
    page); at the whole map a thumb dragging on it still scrolls the page, and places no
    pin."""
    code, _, _ = map_workshop(live, steer)
    phone = phone_on_map(live, pages, code, SMALL)
    phone.evaluate("window.scrollTo(0, 0)")
    quiet(phone)
    view = view_of(phone)
    x, y = view["x"] + view["width"] / 2, view["y"] + view["height"] - 10
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": x, "y": y, "id": 1}]})
    for step in range(1, 7):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x, "y": y - 20 * step, "id": 1}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    quiet(phone)
    assert abs(phone.evaluate("window.scrollY") - 120) <= 1
    expect(phone.locator("#note-map .map-pin.pin-new")).to_have_count(0)
    assert pages.problems == []


def test_the_map_step_passes_axe(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    code, _, _ = map_workshop(live, steer)
    phone = phone_on_map(live, pages, code, SMALL)
    assert_accessible(phone, "phone map step")
    write(phone, "魅力", "神社の森が涼しい")
    tap_map(phone, 0.2, 0.2)
    expect(phone.locator("#note-map .map-pin.pin-new.pin-charm")).to_be_visible()
    assert_accessible(phone, "phone map step, pin placed")
    assert pages.problems == []


def test_a_table_host_places_a_note_for_someone_with_a_paper_map(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """代理入力 at a table in a map step: the host's form starts with the map too; the note
    goes up as the person's, with its place."""
    code, fac, _ = map_workshop(live, steer)
    phone = pages.open(SMALL, "host")
    join(phone, live, code)
    fac.cmd("make_tables", count=1, by="hand")
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 1))
    table = next(iter(fac.client.board.items("tables")))
    me = next(p for p in fac.items("participants") if p["name"] == "佐藤 花子")
    fac.cmd("seat", participant_id=me["id"], table_id=table)
    fac.cmd("set_table_host", table_id=table, participant_id=me["id"])
    proxy = fac.cmd("add_proxy", name="山田", attribute="町内会・自治会", show_name=False)
    fac.cmd("seat", participant_id=proxy["participant_id"], table_id=table)
    phone.get_by_role("button", name="テーブルの進行").click()
    phone.get_by_role("button", name="代理入力").click()
    phone.get_by_role("button", name="山田さん").click()
    form = phone.locator("#host-proxy-form")
    expect(form.locator("#host-proxy-map")).to_be_visible()
    phone.wait_for_function("""() => {
      const img = document.querySelector('#host-proxy-map .map-image');
      return !!img && img.complete && img.naturalWidth > 0;
    }""")
    form.get_by_text("課題", exact=True).click()
    form.get_by_label("代理で書く付箋の内容").fill("踏切の前で車が詰まる")
    form.get_by_role("button", name="この場所に貼る").click()
    expect(phone.locator("#host-proxy-error")).to_contain_text("場所をタップしてください")
    form.locator(".map-box").scroll_into_view_if_needed()
    quiet(phone)
    view = box(phone, "#host-proxy-map .map-image")
    x, y = round(view["x"] + view["width"] * 0.25), round(view["y"] + view["height"] * 0.75)
    phone.touchscreen.tap(x, y)
    expect(form.locator(".map-pin.pin-new.pin-issue")).to_be_visible()
    quiet(phone)
    picture(phone, "map-host-proxy")
    form.get_by_role("button", name="この場所に貼る").click()
    expect(phone.locator("#host-proxy-done")).to_have_text("貼りました ✓")
    note = note_on_server(fac, "踏切の前で車が詰まる")
    assert note["author"] == proxy["participant_id"] and note["by_proxy"]
    per_px = MAP_GRID / view["width"]
    assert abs(note["pin"]["x"] - grid_of((x - view["x"]) / view["width"])) <= per_px
    assert abs(note["pin"]["y"] - grid_of((y - view["y"]) / view["height"])) <= per_px
    # The person's placed note shows faint on the map for the next one.
    expect(form.locator(".map-pin.pin-mine.pin-issue")).to_have_count(1)
    # Without a place, as before.
    form.get_by_text("思い", exact=True).click()
    form.get_by_label("代理で書く付箋の内容").fill("買い物に行けるバスがほしい")
    form.get_by_role("button", name="場所を選ばずに貼る").click()
    assert note_on_server(fac, "買い物に行けるバスがほしい")["pin"] is None
    assert pages.problems == []


def test_a_map_that_does_not_load_still_lets_the_note_go_and_the_lock_stops_both(
        live: LiveServer, pages: Pages, steer: Callable[[LiveServer, str], Facilitator]
        ) -> None:
    """The picture does not come (the Wi-Fi dropped it): the phone says so in words and
    「場所を選ばずに貼る」 still works. The facilitator stops the board: both buttons are off."""
    code, fac, _ = map_workshop(live, steer)
    phone = pages.open(SMALL, "phone")
    dropped = re.compile(r"/map/[0-9a-f]+(-phone)?\.jpg$")
    phone.route(dropped, lambda route: route.abort())
    join(phone, live, code)
    hint = phone.locator("#note-map .map-hint")
    expect(hint).to_have_text("地図を読み込めませんでした。地図をタップすると、もう一度読み込みます。"
                              "場所を選ばずに貼ることもできます。")
    quiet(phone)
    picture(phone, "map-broken")
    write(phone, "思い", "子どもの遊び場がほしい")
    phone.get_by_role("button", name="場所を選ばずに貼る").click()
    assert note_on_server(fac, "子どもの遊び場がほしい")["pin"] is None
    # The Wi-Fi is back: a tap on the map asks for the picture again (and places nothing).
    phone.unroute(dropped)
    tap_map(phone, 0.5, 0.5)
    phone.wait_for_function(IMAGE_SHOWN)
    expect(hint).to_have_text("地図のどこですか？ 場所をタップしてください")
    expect(phone.locator("#note-map .map-pin.pin-new")).to_have_count(0)
    fac.cmd("lock_board", locked=True)
    expect(phone.get_by_role("button", name="この場所に貼る")).to_be_disabled()
    expect(phone.get_by_role("button", name="場所を選ばずに貼る")).to_be_disabled()
    fac.cmd("lock_board", locked=False)
    expect(phone.get_by_role("button", name="場所を選ばずに貼る")).to_be_enabled()
    # The aborted picture is a console error of the browser's own; nothing else went wrong.
    assert [p for p in pages.problems if "net::ERR_FAILED" not in p] == []
