"""The projector's map board (地図に付箋, issue 15 part 2), in real Chromium against the real
server: the district's map uploaded over HTTP as the console does, notes with places posted
by phones over WebSockets, the projector at 1024×768 (the centre's projector) and 1920×1080.

- A pin sent at a known place on the grid is drawn there: the centre of its box within 3 px
  of that fraction of the image's drawn box, whatever the screen; the image keeps its
  aspect and lies whole on the screen; pins are the kind's shape in the kind's colour.
- Pins appear, move and go as the room changes (a post, place_note, a pin taken off, a note
  hidden, the map removed); the notes without a place are 「場所なし n枚」.
- The facilitator's kinds filter and area focus (set_map_view): only those kinds, only that
  part of the map, scaled up to fill the board.
- Pins that would overlap on the screen are one mark with their count; no two marks ever
  overlap; the rule depends on the places and the screen only (not the order notes came in).
- Read from the back of the room: no text under 2% of the width, nothing cut or off screen.

Screenshots go to artifacts/screenshots/ and /tmp/mapscreen/ (made if missing)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LIVE, SCREENSHOTS, Pages
from tests.browser.drive import Facilitator, quiet, run_hub
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_screen import LAYOUT
from tests.browser.test_screen_readable import smallest
from tests.support import Client, LiveServer, map_image, upload_map
from yoriai.facilitation import limits
from yoriai.facilitation.program import bundled_program
from yoriai.server.demo import create_demo
from yoriai.server.hub import Hub

pytestmark = pytest.mark.browser

XGA = {"viewport": {"width": 1024, "height": 768}}
FULL_HD = {"viewport": {"width": 1920, "height": 1080}}
GRID = limits.MAP_GRID
# The test map (tests.support.map_image): landscape, smaller than the long-side limit, so it
# is stored at this size.
MAP_W, MAP_H = 1200, 800
# How far a pin's drawn centre may be from where its place is on the drawn image.
TOLERANCE_PX = 3.0
# The smallest text: 2% of the screen's width (20 px at 1024×768; see test_screen_readable).
FLOOR_SHARE = 0.02
SHOTS = Path("/tmp/mapscreen")
Steer = Callable[[LiveServer, str], Facilitator]

# Every mark on the map (pins and clusters): its box, and what it stands for.
MARKS = """() => Array.from(document.querySelectorAll('#view-map .map-marks > *')).map(e => {
  const r = e.getBoundingClientRect();
  return {cls: e.className, id: e.getAttribute('data-note-id'),
          kind: e.getAttribute('data-kind'),
          notes: (e.getAttribute('data-notes') || e.getAttribute('data-note-id') || '')
            .split(' ').filter(Boolean),
          count: e.getAttribute('data-count'), text: e.textContent.trim(),
          x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height,
          color: getComputedStyle(e).color,
          use: (e.querySelector('use') || {getAttribute: () => null}).getAttribute('href')};
})"""

# The image as drawn (its whole box, also where the area shows only part of it), the box
# that shows it, whether it has loaded, and the screen.
IMAGE = """() => {
  const img = document.querySelector('#view-map .map-image');
  const clip = document.querySelector('#view-map .map-clip');
  const box = r => ({x: r.left, y: r.top, w: r.width, h: r.height});
  return {img: box(img.getBoundingClientRect()), clip: box(clip.getBoundingClientRect()),
          loaded: img.complete && img.naturalWidth > 0, natural: [img.naturalWidth,
          img.naturalHeight], src: img.getAttribute('src'),
          screen: [window.innerWidth, window.innerHeight]};
}"""

KIND_COLOURS = {"charm": "rgb(0, 122, 90)", "issue": "rgb(178, 74, 0)",
                "wish": "rgb(0, 90, 140)"}  # app.css --charm, --issue, --wish
KIND_WORDS = {"charm": "魅力", "issue": "課題", "wish": "思い"}


# --- making an evening with a map ------------------------------------------------------------

def map_step(live: LiveServer, steer: Steer) -> tuple[str, Facilitator]:
    """A workshop at its first step, a map step of the default program (no map yet)."""
    code = live.new_workshop("西部地域 地図ワーク")
    fac = steer(live, code)
    fac.cmd("set_step", step="confirm")
    steps = fac.client.board.workshop["program"]["steps"]
    assert steps[0]["id"] == "confirm" and steps[0].get("map") is True
    return code, fac


def add_map(live: LiveServer, code: str, title: str) -> dict[str, Any]:
    """Upload the test map as the console does; its header is on every board once the
    reply is in."""
    reply = upload_map(live, code, map_image(MAP_W, MAP_H), title=title)
    assert reply.status_code == 200, reply.text
    stored: dict[str, Any] = reply.json()
    assert (stored["width"], stored["height"]) == (MAP_W, MAP_H)
    return stored


def map_evening(live: LiveServer, steer: Steer, title: str = "西部地区の地図"
                ) -> tuple[str, Facilitator, dict[str, Any]]:
    """A workshop with the test map, at its first step (a map step of the default program)."""
    code, fac = map_step(live, steer)
    return code, fac, add_map(live, code, title)


class Room:
    """Phones that post notes for a test, a few notes each (a phone posting fast is told
    to slow down, as the real phone is, and sends again)."""

    def __init__(self, live: LiveServer, fac: Facilitator) -> None:
        self.live, self.fac = live, fac
        self.phones: list[Client] = []
        self.posted = 0

    def post(self, kind: str, text: str, pin: tuple[int, int] | None) -> str:
        if self.posted % 4 == 0:
            self.phones.append(self.fac.participant(self.live, f"住民{len(self.phones) + 1}"))
        self.posted += 1
        args: dict[str, Any] = {"kind": kind, "text": text}
        if pin is not None:
            args["pin"] = {"x": pin[0], "y": pin[1]}
        reply = self.fac.run(self.phones[-1].cmd_patiently("post_note", **args))
        assert reply["type"] == "ack", reply
        return str(reply["result"]["note_id"])


def projector_at(pages: Pages, live: LiveServer, code: str, device: dict[str, Any],
                 name: str) -> Page:
    """The projector's page, once it has drawn its first board."""
    page = pages.open(device, name)
    page.goto(f"{live.base}/w/{code}/screen")
    page.wait_for_function("() => document.getElementById('screen').hasAttribute('data-fit')")
    return page


def projector(pages: Pages, live: LiveServer, code: str, device: dict[str, Any],
              name: str) -> Page:
    """The projector's page, showing the map board."""
    page = projector_at(pages, live, code, device, name)
    expect(page.locator("#view-map")).to_be_visible(timeout=LIVE)
    return page


def drawn(page: Page, marks: int) -> None:
    """Wait until the map board shows ``marks`` marks, its image has loaded, and nothing
    on the page changes any more."""
    expect(page.locator("#view-map .map-marks > *")).to_have_count(marks, timeout=LIVE)
    page.wait_for_function(
        "() => { const i = document.querySelector('#view-map .map-image');"
        " return i && i.complete && i.naturalWidth > 0; }")
    quiet(page)


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.screenshot(path=str(SHOTS / f"{name}.png"))


# --- what the checks read ---------------------------------------------------------------------

def where(image: dict[str, Any], x: int, y: int) -> tuple[float, float]:
    """Where the grid point (x, y) of the map is on the screen: that fraction of the image's
    drawn box."""
    box = image["img"]
    return box["x"] + x / GRID * box["w"], box["y"] + y / GRID * box["h"]


def at_place(page: Page, marks: dict[str, dict[str, Any]], places: dict[str, tuple[int, int]]
             ) -> None:
    image = page.evaluate(IMAGE)
    for note_id, (x, y) in places.items():
        mark = marks[note_id]
        want = where(image, x, y)
        assert abs(mark["x"] - want[0]) <= TOLERANCE_PX and \
            abs(mark["y"] - want[1]) <= TOLERANCE_PX, (note_id, (x, y), mark, want)


# Whether a note's pin is drawn (within 3 px) at the grid point (x, y) of the image as it is
# drawn now.
PLACED = """([id, x, y, grid]) => {
  const e = document.querySelector(`#view-map .map-pin[data-note-id='${id}']`);
  const img = document.querySelector('#view-map .map-image');
  if (!e || !img) return false;
  const r = e.getBoundingClientRect(), b = img.getBoundingClientRect();
  return Math.abs(r.left + r.width / 2 - (b.left + x / grid * b.width)) <= 3 &&
    Math.abs(r.top + r.height / 2 - (b.top + y / grid * b.height)) <= 3;
}"""


def placed(page: Page, note_id: str, x: int, y: int) -> None:
    """Wait until the note's pin is drawn at (x, y) of the map (see PLACED)."""
    page.wait_for_function(PLACED, arg=[note_id, x, y, GRID])


def pins_by_note(page: Page) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in page.evaluate(MARKS) if "map-pin" in m["cls"]}


def no_overlaps(page: Page) -> None:
    """No two marks overlap: each is a round mark of half its box's larger side."""
    marks = page.evaluate(MARKS)
    for i, a in enumerate(marks):
        for b in marks[i + 1:]:
            reach = max(a["w"], a["h"]) / 2 + max(b["w"], b["h"]) / 2
            assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) >= reach, (a, b)


def readable(page: Page) -> float:
    """The smallest text drawn, checked against the floor; nothing cut or off the screen."""
    width = page.viewport_size["width"] if page.viewport_size else 1024
    size, what = smallest(page)
    assert size >= FLOOR_SHARE * width - 0.05, f"text of {size}px at {width}: {what}"
    assert page.evaluate(LAYOUT) == []
    return size


def image_fits(page: Page, stored: dict[str, Any]) -> dict[str, Any]:
    """The image is the stored one, loaded, drawn at its aspect, whole on the screen and
    filling the board one way or the other."""
    image: dict[str, Any] = page.evaluate(IMAGE)
    assert image["loaded"] and image["natural"] == [stored["width"], stored["height"]]
    assert image["src"].endswith(f"/map/{stored['hash']}.jpg")
    box, (width, height) = image["img"], image["screen"]
    assert abs(box["w"] / box["h"] - stored["width"] / stored["height"]) < 0.01, box
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["w"] <= width and \
        box["y"] + box["h"] <= height, box
    board = page.locator("#view-map .map-stage").bounding_box()
    assert board is not None
    # As large as the stage allows (less the room kept round it for pins on the edge).
    assert box["w"] >= 0.85 * board["width"] or box["h"] >= 0.85 * board["height"], (box, board)
    return image


# --- the tests ----------------------------------------------------------------------------------

PLACES = {"charm": (2500, 2500), "issue": (7500, 2500), "wish": (5000, 7500)}
CORNERS = {"charm": (0, 0), "issue": (GRID, GRID), "wish": (GRID, 0)}


def test_a_pin_is_drawn_at_its_place_at_1024x768_and_1920x1080(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, fac, stored = map_evening(live, steer)
    room = Room(live, fac)
    places: dict[str, tuple[int, int]] = {}
    kinds: dict[str, str] = {}
    for kind, place in [*PLACES.items(), *CORNERS.items(), ("issue", (3583, 3700))]:
        note = room.post(kind, f"{KIND_WORDS[kind]}の場所 {place}", place)
        places[note], kinds[note] = place, kind
    room.post("wish", "場所は決めていない思い", None)
    for device, name in ((XGA, "map-1024"), (FULL_HD, "map-1920")):
        page = projector(pages, live, code, device, name)
        drawn(page, len(places))
        image_fits(page, stored)
        marks = pins_by_note(page)
        assert set(marks) == set(places)
        at_place(page, marks, places)
        for note, mark in marks.items():  # shape and colour by kind
            assert mark["kind"] == kinds[note] and mark["use"] == f"#icon-{kinds[note]}"
            assert mark["color"] == KIND_COLOURS[kinds[note]]
        no_overlaps(page)
        expect(page.locator(".map-unplaced-head")).to_have_text("場所なし 1枚")
        expect(page.locator(".map-unplaced .mini-text")).to_have_text(["場所は決めていない思い"])
        expect(page.locator(".map-title")).to_have_text("西部地区の地図")
        counts = {k: sum(1 for v in kinds.values() if v == k) for k in KIND_WORDS}
        expect(page.locator(".map-legend-item")).to_have_text(
            [f"{KIND_WORDS[k]}{counts[k]}枚" for k in ("charm", "issue", "wish")])
        print(name, "smallest text", readable(page))
        assert_accessible(page, f"map board {name}")
        shoot(page, name)
    assert pages.problems == []


def test_a_portrait_map_fills_the_height(live: LiveServer, pages: Pages, steer: Steer) -> None:
    """Many districts are taller than wide: a portrait map takes the board's height and its
    pins are where they should be on it."""
    code, fac = map_step(live, steer)
    reply = upload_map(live, code, map_image(700, 1000), title="縦長の地区")
    assert reply.status_code == 200, reply.text
    stored = reply.json()
    room = Room(live, fac)
    places = {room.post(kind, f"{KIND_WORDS[kind]}の場所", place): place
              for kind, place in {**PLACES, "issue": (9000, 9500)}.items()}
    for device, name in ((XGA, "map-portrait-1024"), (FULL_HD, "map-portrait-1920")):
        page = projector(pages, live, code, device, name)
        drawn(page, len(places))
        image = image_fits(page, stored)
        stage = page.locator("#view-map .map-stage").bounding_box()
        assert stage is not None and image["img"]["h"] >= 0.85 * stage["height"]
        at_place(page, pins_by_note(page), places)
        readable(page)
        shoot(page, name)
    assert pages.problems == []


def test_pins_appear_move_and_go_with_the_room(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, fac = map_step(live, steer)
    room = Room(live, fac)
    room.post("wish", "地図が来る前に書いた思い", None)
    # The projector is open before the map arrives: the step's own board, then the map.
    page = pages.open(XGA, "map-live")
    page.goto(f"{live.base}/w/{code}/screen")
    expect(page.locator("#view-confirm .note")).to_have_count(1, timeout=LIVE)
    expect(page.locator("#view-map")).to_be_hidden()
    stored = add_map(live, code, "西部地区の地図")
    expect(page.locator("#view-map")).to_be_visible(timeout=LIVE)
    expect(page.locator(".map-unplaced-head")).to_have_text("場所なし 1枚")
    first = room.post("charm", "川沿いの桜並木", (2000, 3000))
    drawn(page, 1)
    at_place(page, pins_by_note(page), {first: (2000, 3000)})
    second = room.post("issue", "見通しの悪い交差点", (8000, 6000))
    drawn(page, 2)
    at_place(page, pins_by_note(page), {first: (2000, 3000), second: (8000, 6000)})
    image_fits(page, stored)

    small = page.evaluate(IMAGE)["img"]["w"]
    page.set_viewport_size({"width": 1920, "height": 1080})  # the projector's window grows
    page.wait_for_function(
        "w => document.querySelector('#view-map .map-image').getBoundingClientRect().width"
        " > w * 1.5", arg=small)
    placed(page, first, 2000, 3000)
    quiet(page)
    image_fits(page, stored)
    at_place(page, pins_by_note(page), {first: (2000, 3000), second: (8000, 6000)})
    page.set_viewport_size({"width": 1024, "height": 768})

    fac.cmd("place_note", note_id=first, pin={"x": 6000, "y": 1500})  # moved by the console
    pin = page.locator(f'.map-pin[data-note-id="{first}"]')
    placed(page, first, 6000, 1500)
    quiet(page)
    at_place(page, pins_by_note(page), {first: (6000, 1500), second: (8000, 6000)})

    fac.cmd("place_note", note_id=second, pin=None)  # the pin off, the note stays
    expect(page.locator(f'.map-pin[data-note-id="{second}"]')).to_have_count(0, timeout=LIVE)
    expect(page.locator(".map-unplaced-head")).to_have_text("場所なし 2枚")
    # Newest first, as every list of notes on the projector.
    expect(page.locator(".map-unplaced .mini-text")).to_have_text(
        ["見通しの悪い交差点", "地図が来る前に書いた思い"])

    fac.cmd("hide_note", note_id=first)  # hidden by the facilitator: off the projector
    expect(pin).to_have_count(0, timeout=LIVE)
    fac.cmd("unhide_note", note_id=first)
    expect(pin).to_have_count(1, timeout=LIVE)

    fac.cmd("remove_map")  # the map goes: the step's own board comes back, notes and all
    expect(page.locator("#view-map")).to_be_hidden(timeout=LIVE)
    expect(page.locator("#view-confirm")).to_be_visible()
    expect(page.locator("#view-confirm .note")).to_have_count(3)
    assert pages.problems == []


def test_the_kinds_filter_and_the_area(live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, fac, _ = map_evening(live, steer)
    room = Room(live, fac)
    inside = {room.post("issue", "細い坂道", (3000, 3500)): (3000, 3500),
              room.post("charm", "古い蔵", (6000, 6000)): (6000, 6000)}
    outside = room.post("issue", "遠くの橋", (9000, 9500))
    room.post("charm", "どこかの景色", None)
    room.post("issue", "どこかの不安", None)
    page = projector(pages, live, code, XGA, "map-filter")
    drawn(page, 3)
    note = page.locator(".map-view-note")
    expect(note).to_be_hidden()

    fac.cmd("set_map_view", kinds=["issue"])  # only 課題
    expect(page.locator(".map-legend-item")).to_have_text(["課題2枚"], timeout=LIVE)
    drawn(page, 2)
    assert {m["kind"] for m in page.evaluate(MARKS)} == {"issue"}
    expect(note).to_have_text("ほかの種類は隠しています")  # the room is told what is left out
    expect(page.locator(".map-unplaced-head")).to_have_text("場所なし 1枚")
    expect(page.locator(".map-unplaced .mini-text")).to_have_text(["どこかの不安"])
    readable(page)
    shoot(page, "map-filter-issue-1024")

    fac.cmd("set_map_view", kinds=["charm", "issue", "wish"],
            area={"x": 2000, "y": 2500, "w": 5000, "h": 5000})
    # The kinds count what is on the screen (drawn with the marks, in the same pass).
    expect(page.locator(".map-legend-item")).to_have_text(["魅力1枚", "課題1枚", "思い0枚"],
                                                          timeout=LIVE)
    drawn(page, 2)  # the two inside; the bridge is outside the area
    expect(note).to_have_text("地図の一部を大きく映しています")
    marks = pins_by_note(page)
    assert set(marks) == set(inside) and outside not in marks
    image = page.evaluate(IMAGE)
    clip, img = image["clip"], image["img"]
    # The area fills the box that shows the map, at the map's aspect: the whole image is
    # drawn twice as large as that box (10000 / 5000) and moved so the area shows.
    assert abs(img["w"] - 2 * clip["w"]) <= 2 and abs(img["h"] - 2 * clip["h"]) <= 2, image
    assert abs(clip["w"] / clip["h"] - MAP_W / MAP_H) < 0.01, clip
    assert abs(clip["x"] - (img["x"] + 0.2 * img["w"])) <= 1, image
    assert abs(clip["y"] - (img["y"] + 0.25 * img["h"])) <= 1, image
    at_place(page, marks, inside)
    for mark in marks.values():  # inside the box that shows the area
        assert clip["x"] <= mark["x"] <= clip["x"] + clip["w"]
        assert clip["y"] <= mark["y"] <= clip["y"] + clip["h"]
    readable(page)
    shoot(page, "map-area-1024")

    fac.cmd("set_map_view", area=None)  # the whole map again
    drawn(page, 3)
    expect(note).to_be_hidden()
    image = page.evaluate(IMAGE)
    assert abs(image["img"]["w"] - image["clip"]["w"]) <= 1
    assert pages.problems == []


def test_at_tables_the_seating_shows_first_then_the_map(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    """World café's 確かめてみよう is a map step that seats the room at tables: the projector
    shows where everyone sits first, and the map once the room starts writing."""
    async def make(hub: Hub) -> str:
        return await hub.create_workshop("ワールドカフェ 地図ワーク", "西部",
                                         program=bundled_program("world-cafe").to_dict())

    code = run_hub(live, make)
    fac = steer(live, code)
    add_map(live, code, "西部地区の地図")
    phones = [fac.participant(live, f"住民{i + 1}") for i in range(8)]
    fac.cmd("set_step", step="confirm")
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) >= 2))
    page = projector_at(pages, live, code, XGA, "map-tables")
    expect(page.locator("#view-tables .seating-grid")).to_be_visible(timeout=LIVE)
    expect(page.locator("#view-map")).to_be_hidden()
    reply = fac.run(phones[0].cmd_patiently("post_note", kind="charm", text="川沿いの桜並木",
                                            pin={"x": 2500, "y": 6000}))
    assert reply["type"] == "ack", reply
    note = str(reply["result"]["note_id"])
    expect(page.locator("#view-map")).to_be_visible(timeout=LIVE)
    drawn(page, 1)
    at_place(page, pins_by_note(page), {note: (2500, 6000)})
    readable(page)
    assert pages.problems == []


def test_a_note_shown_large_stands_beside_its_pin(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    """The console's 「大きく表示」 on a note with a place: the card, and its pin ringed and
    left in sight (the card at the other half of the board); a note in a mark rings the
    mark; a note without a place is shown as on any board."""
    code, fac, _ = map_evening(live, steer)
    room = Room(live, fac)
    low = room.post("issue", "川の土手が崩れそうで心配", (3000, 8500))
    high = room.post("charm", "丘の上から町が見わたせる", (7000, 1500))
    knot = [room.post("wish", f"駅前の願い {i + 1}", p) for i, p in enumerate(STATION[:3])]
    loose = room.post("wish", "みんなの集まる場所がほしい", None)
    page = projector(pages, live, code, XGA, "map-focus")
    drawn(page, 3)
    card = page.locator("#focus .focus-card")
    for note, text in ((low, "川の土手が崩れそうで心配"), (high, "丘の上から町が見わたせる")):
        fac.cmd("set_focus", kind="note", id=note)
        expect(card.locator(".focus-text")).to_have_text(text, timeout=LIVE)
        ringed = page.locator(f'.map-pin.is-focus[data-note-id="{note}"]')
        expect(ringed).to_have_count(1)
        quiet(page)
        pin, shown = box_of(page, ringed), box_of(page, card)
        apart = pin["y"] + pin["height"] <= shown["y"] or shown["y"] + shown["height"] <= pin["y"]
        assert apart, (note, pin, shown)  # the pin is not under the card
        assert page.locator(".map-marks .is-focus").count() == 1
        readable(page)
        shoot(page, f"map-focus-{'low' if note == low else 'high'}-1024")
    fac.cmd("set_focus", kind="note", id=knot[1])
    expect(page.locator(".map-cluster.is-focus")).to_have_attribute(
        "data-notes", " ".join(knot), timeout=LIVE)
    fac.cmd("set_focus", kind="note", id=loose)
    expect(card.locator(".focus-text")).to_have_text("みんなの集まる場所がほしい", timeout=LIVE)
    expect(page.locator(".map-marks .is-focus")).to_have_count(0)
    expect(page.locator("#focus")).not_to_have_class(re.compile(r"\bon-map\b"))
    fac.cmd("set_focus", kind=None)
    expect(page.locator("#focus")).to_be_hidden(timeout=LIVE)
    expect(page.locator(".map-marks .is-focus")).to_have_count(0)
    assert pages.problems == []


def box_of(page: Page, locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return {"x": found["x"], "y": found["y"], "width": found["width"],
            "height": found["height"]}


def test_the_box_is_kept_and_pins_placed_when_the_image_never_comes(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    """The map's box takes its size from the header, not from the image: with the image
    refused (a laptop whose file went missing), the box has the map's proportions and every
    pin is where it would be on the image."""
    code, fac, _ = map_evening(live, steer)
    room = Room(live, fac)
    places = {room.post(kind, f"{KIND_WORDS[kind]}の場所", place): place
              for kind, place in PLACES.items()}
    page = pages.open(XGA, "map-no-image")
    page.route(re.compile(r"/map/[0-9a-f]+\.jpg$"), lambda route: route.abort())
    page.goto(f"{live.base}/w/{code}/screen")
    expect(page.locator("#view-map .map-marks > *")).to_have_count(3, timeout=LIVE)
    quiet(page)
    image = page.evaluate(IMAGE)
    assert not image["loaded"]
    clip = image["clip"]
    assert abs(clip["w"] / clip["h"] - MAP_W / MAP_H) < 0.01 and clip["w"] > 500, clip
    marks = pins_by_note(page)
    for note_id, (x, y) in places.items():
        want = (clip["x"] + x / GRID * clip["w"], clip["y"] + y / GRID * clip["h"])
        assert abs(marks[note_id]["x"] - want[0]) <= TOLERANCE_PX, (marks[note_id], want)
        assert abs(marks[note_id]["y"] - want[1]) <= TOLERANCE_PX, (marks[note_id], want)
    # The refused image is the only complaint.
    assert pages.problems and all("ERR_FAILED" in p for p in pages.problems), pages.problems


def test_what_people_write_stays_text_on_the_map_board(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    markup = '<img src=x onerror="hacked=1">'
    code, fac, _ = map_evening(live, steer, title=markup + "地図")
    room = Room(live, fac)
    note = room.post("issue", markup + "\u202e逆向き", (5000, 5000))
    room.post("wish", "<b>太字</b>", None)
    page = projector(pages, live, code, XGA, "map-text")
    drawn(page, 1)
    expect(page.locator(".map-title")).to_have_text(markup + "地図")
    expect(page.locator(".map-unplaced .mini-text")).to_have_text(["<b>太字</b>"])
    pin = page.locator(f'.map-pin[data-note-id="{note}"]')
    expect(pin).to_have_attribute("aria-label", "課題: " + markup + "\u202e逆向き")
    assert page.locator("#screen b, #screen img:not(.qr):not(.map-image)").count() == 0
    for node in page.locator("#view-map .user-text").all():
        assert node.get_attribute("dir") == "auto"
    assert page.evaluate("window.hacked") is None
    assert pages.problems == []


# Six notes about the station, a few metres apart on the map (100 grid steps: 7 px on the
# whole map at 1024 wide, 12 px at 1920, where a pin is 29 and 54 px wide; 80 px and more
# once the projector shows a tenth of the map), and one far.
STATION = [(3000 + 100 * (i % 3), 4000 + 100 * (i // 3)) for i in range(6)]


def test_dense_pins_become_one_mark_with_their_count(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, fac, _ = map_evening(live, steer)
    room = Room(live, fac)
    kinds = ["charm", "issue", "issue", "wish", "issue", "charm"]
    near = [room.post(k, f"駅前のこと その{i + 1}", p)
            for i, (k, p) in enumerate(zip(kinds, STATION, strict=True))]
    far = room.post("wish", "山の上の展望台", (8500, 2000))
    for device, name in ((XGA, "map-cluster-1024"), (FULL_HD, "map-cluster-1920")):
        page = projector(pages, live, code, device, name)
        drawn(page, 2)
        marks = page.evaluate(MARKS)
        cluster = next(m for m in marks if "map-cluster" in m["cls"])
        assert sorted(cluster["notes"]) == sorted(near)
        assert cluster["count"] == "6" and cluster["text"] == "6"
        # At the mean of its notes' places.
        mean = (sum(p[0] for p in STATION) / 6, sum(p[1] for p in STATION) / 6)
        want = where(page.evaluate(IMAGE), round(mean[0]), round(mean[1]))
        assert abs(cluster["x"] - want[0]) <= TOLERANCE_PX
        assert abs(cluster["y"] - want[1]) <= TOLERANCE_PX
        assert [m["id"] for m in marks if "map-pin" in m["cls"]] == [far]
        no_overlaps(page)
        readable(page)
        assert_accessible(page, f"clusters {name}")
        shoot(page, name)
    # Focused on the station's block, the same notes are far enough apart on the screen to
    # be pins of their own: the rule is in screen pixels.
    fac.cmd("set_map_view", area={"x": 2950, "y": 3700, "w": 1000, "h": 1000})
    drawn(page, 6)
    assert set(pins_by_note(page)) == set(near)
    at_place(page, pins_by_note(page), dict(zip(near, STATION, strict=True)))
    no_overlaps(page)
    shoot(page, "map-cluster-zoomed-1920")
    assert pages.problems == []


# The clustering rule itself, run in the page on made-up marks: every order of the same
# places gives the same marks, and none of them overlap.
CLUSTER_ORDERS = """async ([places, r, badge]) => {
  const src = Array.from(document.scripts).map(s => s.src).find(s => s.endsWith('/screen.js'));
  const {cluster} = await import(src.replace(/screen\\.js$/, 'screen-map.js'));
  const pins = places.map(([x, y], i) => ({ids: ['n' + (i + 1)], kinds: {charm: 1},
    x: x, y: y, sx: x, sy: y, r: r}));
  const out = [];
  for (let k = 0; k < 6; k++) {
    const order = pins.slice();
    for (let i = order.length - 1; i > 0; i--) {  // a fixed shuffle for each k
      const j = (i * 7 + k * 13) % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    out.push(cluster(order, badge).map(m => [m.ids.join(' '), Math.round(m.x * 100),
      Math.round(m.y * 100), m.r]).sort());
  }
  return out;
}"""


def test_the_clustering_rule_is_the_same_whatever_the_order(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, _, _ = map_evening(live, steer)
    page = projector(pages, live, code, XGA, "map-rule")
    expect(page.locator("#view-map .map-marks")).to_be_attached()
    # A chain along a street, a tight knot, and loners; in pixels, pins of radius 14.
    places = [(100 + 20 * i, 100) for i in range(8)] + [(400, 300), (405, 302), (398, 297)] + \
        [(600, 100), (640, 100), (700, 400), (20, 500)]
    results = page.evaluate(CLUSTER_ORDERS, [places, 14, 20])
    assert all(r == results[0] for r in results), results
    marks = results[0]
    members = sorted(n for m in marks for n in m[0].split(" "))
    assert members == sorted(f"n{i + 1}" for i in range(len(places)))  # each note once
    for i, a in enumerate(marks):
        for b in marks[i + 1:]:
            assert math.dist((a[1] / 100, a[2] / 100), (b[1] / 100, b[2] / 100)) >= a[3] + b[3]
    assert ["n9 n10 n11" in m[0] for m in marks].count(True) == 1  # the knot is one mark
    assert any(m[0] == "n15" for m in marks)  # the loner stays a pin
    # The street is not one mark in its middle: marks stay near their own notes.
    street = [m for m in marks if any(f"n{i}" in m[0].split(" ") for i in range(1, 9))]
    assert len(street) >= 2, street
    for mark in marks:
        for note in mark[0].split(" "):
            x, y = places[int(note[1:]) - 1]
            assert math.dist((x, y), (mark[1] / 100, mark[2] / 100)) <= 2 * 20, (mark, note)
    assert pages.problems == []


# The unplaced notes the projector shows now, and its 「ほか n枚」 line (or null).
UNPLACED = """() => {
  const list = document.querySelector('#view-map .map-unplaced-list');
  const more = list.querySelector('.fit-more');
  return [Array.from(list.querySelectorAll('.mini-note'))
            .filter(e => e.getClientRects().length > 0).length,
          more ? more.textContent.trim() : null];
}"""


def test_a_full_map_board_stays_readable_at_1024x768(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code, fac, _ = map_evening(live, steer, title="西部地区 町内会・自治会の区域と"
                               "避難所の地図（令和八年版）")
    room = Room(live, fac)
    kinds = ("charm", "issue", "wish")
    for i in range(24):  # placed all over, some in knots
        place = ((i * 3719) % GRID, (i * 2251) % GRID) if i % 4 else (5000 + i, 5000 + i)
        room.post(kinds[i % 3], f"地図の付箋 {i + 1} 番目は少し長めの言葉で書かれている", place)
    for i in range(14):  # and many without a place: the list is shortened, never smaller
        room.post(kinds[i % 3], f"場所なしの付箋 {i + 1} 長めの言葉で書かれている", None)
    page = projector(pages, live, code, XGA, "map-full")
    expect(page.locator(".map-unplaced-head")).to_have_text("場所なし 14枚", timeout=LIVE)
    page.wait_for_function(
        "() => document.querySelectorAll('#view-map .map-marks > *').length > 0")
    quiet(page)
    size = readable(page)
    no_overlaps(page)
    total = sum(int(m["count"] or 1) for m in page.evaluate(MARKS))
    assert total == 24  # every placed note is on the map, alone or counted in a mark
    # The notes shown and the 「ほか n枚」 line, read at once: the list turns every
    # ROTATE_SECS (screen-fit.js), at any moment, and a page of it may show fewer.
    shown, more = page.evaluate(UNPLACED)
    assert 0 < shown < 14
    assert more == f"ほか {14 - shown}枚"
    print("full map board at 1024x768: smallest text", size, "unplaced shown", shown)
    shoot(page, "map-full-1024")
    assert pages.problems == []


def test_the_demo_evening_on_its_map_reads_from_the_back(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    """`yoriai demo --map`: the sample evening's 120 notes, those that name a place pinned on
    the demo's district map. At 1024×768 and 1920×1080 every pinned note is on the map
    (alone or counted in a mark), no marks overlap, the rest are 「場所なし n枚」, and no
    text is under 2% of the width."""
    code = run_hub(live, lambda hub: create_demo(hub, map_dir=live.data_dir))
    fac = steer(live, code)
    fac.cmd("set_step", step="confirm")
    notes = fac.items("notes")
    pinned = [n for n in notes if n["pin"] is not None]
    assert pinned and len(pinned) < len(notes)
    for device, name in ((XGA, "map-demo-1024"), (FULL_HD, "map-demo-1920")):
        page = projector(pages, live, code, device, name)
        expect(page.locator(".map-unplaced-head")).to_have_text(
            f"場所なし {len(notes) - len(pinned)}枚", timeout=LIVE)
        page.wait_for_function(
            "() => { const i = document.querySelector('#view-map .map-image');"
            " return i && i.complete && i.naturalWidth > 0; }")
        quiet(page)
        marks = page.evaluate(MARKS)
        assert sorted(n for m in marks for n in m["notes"]) == sorted(n["id"] for n in pinned)
        no_overlaps(page)
        size = readable(page)
        assert_accessible(page, f"the demo's map board {name}")
        print(f"{name}: {len(pinned)} pinned notes in {len(marks)} marks, "
              f"{len(notes) - len(pinned)} without a place, smallest text {size}px")
        shoot(page, name)
    assert pages.problems == []
