"""The console's map panel (地図) in real Chromium: the district's map uploaded through the
file picker (a PNG and a one-page PDF, made here), a refused file shown in Japanese words;
a pin dragged with the mouse lands on the grid point under the pointer, moved with the keys,
taken off; the kinds filter and the area 「この範囲を映す」 reach the workshop header; a 代理入力
note placed on the map; the map taken off after a confirmation that counts its pins. Every
wait is for a state (the server's room, the page's DOM), never for a time."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.browser.conftest import LIVE, Pages
from tests.browser.drive import Facilitator, quiet, until
from tests.support import LiveServer, map_image, upload_map
from yoriai.server.i18n import error_text

CONSOLE = {"viewport": {"width": 1366, "height": 900}}
SHOTS = Path("/tmp/mapconsole")
GRID = 10000


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    quiet(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


class Clicks:
    """The facilitator's hand on an open console: every click, key press and typed field
    goes through here and is counted, so that the test can say what a task costs."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.clicks = 0
        self.fields = 0

    def click(self, target: Any) -> None:
        self.clicks += 1
        target.click()

    def fill(self, target: Any, text: str) -> None:
        self.fields += 1
        target.fill(text)

    def pick_file(self, opener: Any, path: Path) -> None:
        """Click the button that opens the file picker, and choose ``path`` in it."""
        with self.page.expect_file_chooser() as chooser:
            self.click(opener)
        chooser.value.set_files(str(path))


def open_console(pages: Pages, live: LiveServer, code: str) -> Page:
    console = pages.open(CONSOLE, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    return console


def png_map(path: Path, width: int = 1200, height: int = 800) -> Path:
    """A district map drawn here with Pillow: streets, a park, and the hall."""
    image = Image.new("RGB", (width, height), (240, 236, 224))
    draw = ImageDraw.Draw(image)
    for k in range(1, 6):
        draw.line([(width * k // 6, 0), (width * k // 6, height)], fill="white", width=14)
        draw.line([(0, height * k // 6), (width, height * k // 6)], fill="white", width=14)
    draw.rectangle([width // 10, height * 2 // 3, width // 4, height * 9 // 10],
                   fill=(170, 210, 150))
    draw.rectangle([width // 2 - 30, height // 2 - 20, width // 2 + 30, height // 2 + 20],
                   fill=(190, 40, 40))
    image.save(path, "PNG")
    return path


def pdf_map(path: Path) -> Path:
    """A one-page A4 (portrait) PDF with a few streets drawn in vectors."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    w, h = A4
    pdf.setLineWidth(6)
    for k in range(1, 6):
        pdf.line(w * k / 6, 0, w * k / 6, h)
        pdf.line(0, h * k / 6, w, h * k / 6)
    pdf.setFillColorRGB(0.8, 0.1, 0.1)
    pdf.rect(w / 3, h / 3, 40, 40, fill=1)
    pdf.showPage()
    pdf.save()
    path.write_bytes(out.getvalue())
    return path


def room(live: LiveServer, code: str) -> Any:
    return live.ctx.hub.rooms[code].state


def map_shown(console: Page) -> None:
    """Wait until the console draws the map: the stage and its image loaded."""
    expect(console.locator("#map-stage")).to_be_visible()
    console.wait_for_function(
        "() => { const i = document.querySelector('#map-stage img.map-image');"
        " return i !== null && i.complete && i.naturalWidth > 0; }")


def stage_box(console: Page) -> dict[str, float]:
    box = console.locator("#map-stage").bounding_box()
    assert box is not None
    return {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}


def grid_of(box: dict[str, float], px: float, py: float) -> tuple[int, int]:
    """The grid point under a page pixel, by the contract's rule (MAP.md)."""
    return (round((px - box["x"]) / box["width"] * GRID),
            round((py - box["y"]) / box["height"] * GRID))


def pin_of(live: LiveServer, code: str, note_id: str) -> tuple[int, int] | None:
    pin = room(live, code).notes[note_id].pin
    return None if pin is None else (pin.x, pin.y)


def placed_note(fac: Facilitator, live: LiveServer, text: str, kind: str,
                pin: dict[str, int]) -> str:
    phone = fac.participant(live, "佐藤")
    result = fac.send(phone, "post_note", kind=kind, text=text, pin=pin)
    return str(result["note_id"])


# --- upload ---------------------------------------------------------------------------------

def test_a_png_chosen_in_the_picker_becomes_the_map(
        live: LiveServer, pages: Pages, tmp_path: Path) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    # Step 1 of the default program is a map step: the tab is offered, with nothing on it.
    tab = console.locator("#tab-map")
    expect(tab).to_be_visible()
    tab.click()
    expect(console.locator("#map-empty")).to_be_visible()
    expect(console.locator("#map-stage")).to_be_hidden()
    expect(console.locator("#map-input")).to_have_attribute(
        "accept", "image/*,application/pdf,.pdf")
    shot(console, "console-map-empty")

    console.get_by_label("題名").fill("西部地区の地図")
    with console.expect_file_chooser() as chooser:
        console.locator("#map-pick").click()
    chooser.value.set_files(str(png_map(tmp_path / "west.png")))
    map_shown(console)
    expect(console.locator("#map-now")).to_contain_text("西部地区の地図")
    state = room(live, code)
    assert state.map is not None and state.map.title == "西部地区の地図"
    assert (state.map.width, state.map.height) == (1200, 800)
    # The box has the map's shape (3:2), whatever the window's size.
    box = stage_box(console)
    assert abs(box["width"] / box["height"] - 1.5) < 0.01
    # With one tab more, every tab is whole within the workspace (none runs under the
    # sidebar), and the step's line beside them shows a few words or nothing, never 「い…」.
    row = console.locator(".tabs-row").bounding_box()
    assert row is not None
    for each in console.locator("#tabs [role=tab]:visible").all():
        b = each.bounding_box()
        assert b is not None and b["x"] + b["width"] <= row["x"] + row["width"] + 0.5
    quiet(console)
    assert console.evaluate(
        "() => { const l = document.getElementById('step-line');"
        " return getComputedStyle(l).visibility === 'hidden' || l.clientWidth >= 6 * 18; }")
    shot(console, "console-map-png")


def test_a_one_page_pdf_becomes_the_map(live: LiveServer, pages: Pages,
                                        tmp_path: Path) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    console.locator("#tab-map").click()
    pdf = pdf_map(tmp_path / "city.pdf")
    # A page the PDF does not have: the server's words, and nothing added.
    console.get_by_label("PDFのページ").fill("2")
    console.locator("#map-input").set_input_files(str(pdf))
    expect(console.locator("#map-upload-error")).to_contain_text(
        error_text("map_pdf_no_page", "ja", page=2, pages=1))
    assert room(live, code).map is None
    console.get_by_label("PDFのページ").fill("1")
    console.locator("#map-input").set_input_files(str(pdf))
    map_shown(console)
    expect(console.locator("#map-upload-error")).to_be_empty()
    state = room(live, code)
    assert state.map is not None
    assert state.map.height > state.map.width  # A4 portrait, rendered upright
    expect(console.locator("#map-now")).to_contain_text("題名なし")
    width, height = console.evaluate(
        "() => { const i = document.querySelector('#map-stage img.map-image');"
        " return [i.naturalWidth, i.naturalHeight]; }")
    assert (width, height) == (state.map.width, state.map.height)
    shot(console, "console-map-pdf")
    # The only console errors are the browser's own line for the refused upload.
    assert [p for p in pages.problems if "422" not in p] == []


def test_a_file_that_is_no_map_is_refused_in_japanese(
        live: LiveServer, pages: Pages, tmp_path: Path) -> None:
    code = live.new_workshop()
    console = open_console(pages, live, code)
    console.locator("#tab-map").click()
    fake = tmp_path / "letter.png"
    fake.write_text("町内会のみなさまへ", "utf-8")
    console.locator("#map-input").set_input_files(str(fake))
    error = console.locator("#map-upload-error")
    expect(error).to_contain_text(error_text("map_not_an_image", "ja"))
    expect(error).to_contain_text("letter.png")
    assert room(live, code).map is None
    expect(console.locator("#map-stage")).to_be_hidden()
    shot(console, "console-map-refused")
    # The only console errors are the browser's own line for the refused upload (415).
    assert [p for p in pages.problems if "415" not in p] == []


# --- pins -----------------------------------------------------------------------------------

def test_a_pin_is_dragged_moved_with_the_keys_and_taken_off(
        live: LiveServer, pages: Pages, steer: Any) -> None:
    code = live.new_workshop()
    assert upload_map(live, code, map_image(1200, 800), title="西部").status_code == 200
    fac = steer(live, code)
    note = placed_note(fac, live, "この交差点が危ない", "issue", {"x": 2000, "y": 3000})
    console = open_console(pages, live, code)
    # A map step with a map opens the map.
    expect(console.locator("#view-map")).to_be_visible()
    map_shown(console)
    pin = console.locator(f".map-pin[data-note-id='{note}']")
    # From the note's card in the notes' workspace, 「地図で見る」 comes back to its pin.
    console.get_by_role("tab", name="付箋").click()
    console.locator(f"#console-notes [data-note-id='{note}']").get_by_role(
        "button", name="地図で見る").click()
    expect(console.locator("#view-map")).to_be_visible()
    expect(pin).to_be_focused()
    expect(pin).to_have_attribute("aria-pressed", "true")
    expect(pin).to_have_attribute("data-x", "2000")
    expect(pin).to_have_attribute("aria-label", "課題：この交差点が危ない 佐藤")
    expect(pin.locator("svg use")).to_have_attribute("href", "#icon-issue")

    # Where the pin's centre is drawn is its place on the grid.
    box = stage_box(console)
    pbox = pin.bounding_box()
    assert pbox is not None
    centre = grid_of(box, pbox["x"] + pbox["width"] / 2, pbox["y"] + pbox["height"] / 2)
    assert abs(centre[0] - 2000) <= 15 and abs(centre[1] - 3000) <= 15

    # Drag it: it lands on the grid point under the pointer.
    to_x, to_y = round(box["x"] + box["width"] * 0.7), round(box["y"] + box["height"] * 0.6)
    want = grid_of(box, to_x, to_y)
    console.mouse.move(pbox["x"] + pbox["width"] / 2, pbox["y"] + pbox["height"] / 2)
    console.mouse.down()
    console.mouse.move(to_x - 40, to_y - 30, steps=4)
    console.mouse.move(to_x, to_y, steps=2)
    console.mouse.up()
    until(console, lambda: pin_of(live, code, note) == want, "the dragged pin reached the server")
    expect(pin).to_have_attribute("data-x", str(want[0]))
    expect(pin).to_have_attribute("aria-pressed", "true")  # the pin let go is selected
    expect(console.locator("#map-selected")).to_contain_text("この交差点が危ない")
    # The projector can show the selected note large.
    console.locator("#map-selected").get_by_role("button", name="大きく映す").click()
    until(console, lambda: (fac.client.board.workshop.get("focus") or {}).get("id") == note,
          "the projector's focus")
    expect(console.locator("#map-selected").get_by_role("button", name="映すのをやめる")
           ).to_have_attribute("aria-pressed", "true")
    shot(console, "console-map-dragged")

    # The keyboard: the focused pin moves with the arrows, Enter puts it down.
    pin.focus()
    pin.press("ArrowLeft")
    pin.press("ArrowLeft")
    pin.press("Shift+ArrowDown")
    expect(pin).to_have_attribute("data-x", str(want[0] - 200))
    assert pin_of(live, code, note) == want  # nothing sent before Enter
    pin.press("Enter")
    until(console, lambda: pin_of(live, code, note) == (want[0] - 200, want[1] + 10),
          "the pin moved by the keys reached the server")
    # Esc takes a move back; nothing is sent.
    pin.press("ArrowUp")
    pin.press("Escape")
    expect(pin).to_have_attribute("data-y", str(want[1] + 10))

    # 「ピンを外す」: the note stays, without a place, in 「場所なし」.
    console.locator("#map-selected").get_by_role("button", name="ピンを外す").click()
    until(console, lambda: pin_of(live, code, note) is None, "the pin came off")
    assert note in room(live, code).notes
    expect(pin).to_have_count(0)
    expect(console.locator("#map-unplaced-title")).to_have_text("場所なし 1枚")

    # Put it back from that list, with a click on the map; then Delete takes it off.
    console.get_by_role("button", name="「この交差点が危ない」を地図に置く").click()
    expect(console.locator("#map-mode")).to_contain_text("置く場所")
    box = stage_box(console)
    at_x, at_y = round(box["x"] + box["width"] * 0.25), round(box["y"] + box["height"] * 0.5)
    console.mouse.click(at_x, at_y)
    until(console, lambda: pin_of(live, code, note) == grid_of(box, at_x, at_y),
          "the note was put on the map")
    expect(console.locator("#map-unplaced-title")).to_have_text("場所なし 0枚")
    pin.focus()
    pin.press("Delete")
    until(console, lambda: pin_of(live, code, note) is None, "Delete took the pin off")
    assert pages.problems == []


# --- the projector's view -------------------------------------------------------------------

def test_the_kinds_and_the_area_reach_the_header(
        live: LiveServer, pages: Pages, steer: Any) -> None:
    code = live.new_workshop()
    assert upload_map(live, code, map_image(1200, 800)).status_code == 200
    fac = steer(live, code)
    wish = placed_note(fac, live, "ここに花を植えたい", "wish", {"x": 8000, "y": 2000})
    charm = placed_note(fac, live, "眺めがいい坂", "charm", {"x": 8500, "y": 2500})
    console = open_console(pages, live, code)
    map_shown(console)
    expect(console.locator("#map-area-now")).to_contain_text("全体")
    expect(console.locator("#map-area-clear")).to_be_disabled()

    def header() -> dict[str, Any]:
        return dict(fac.client.board.workshop.get("map") or {})

    console.locator("#map-kinds").get_by_text("思い").click()
    until(console, lambda: header().get("kinds") == ["charm", "issue"], "the kinds filter")
    # What the projector leaves out is faded on the console's map (a kind, a hidden note).
    expect(console.locator(f".map-pin[data-note-id='{wish}']")).to_have_class(
        re.compile(r"\bis-faded\b"))
    expect(console.locator(f".map-pin[data-note-id='{charm}']")).not_to_have_class(
        re.compile(r"\bis-faded\b"))
    fac.cmd("hide_note", note_id=charm)
    expect(console.locator(f".map-pin[data-note-id='{charm}']")).to_have_class(
        re.compile(r"\bis-faded\b"))
    # The last kind cannot be taken away: the projector shows at least one.
    console.locator("#map-kinds").get_by_text("魅力").click()
    until(console, lambda: header().get("kinds") == ["issue"], "one kind left")
    console.locator("#map-kinds").get_by_text("課題").click()
    expect(console.locator("#map-error")).to_have_text("少なくとも一つの種類を映してください。")
    expect(console.get_by_label("課題")).to_be_checked()
    assert header().get("kinds") == ["issue"]

    # 「この範囲を映す」: a rectangle dragged over the map (Esc gives it up).
    console.locator("#map-area-draw").click()
    expect(console.locator("#map-stage")).to_have_attribute("data-mode", "area")
    console.keyboard.press("Escape")
    expect(console.locator("#map-stage")).to_have_attribute("data-mode", "pins")
    expect(console.locator("#map-area-draw")).to_be_focused()
    console.locator("#map-area-draw").click()
    expect(console.locator("#map-area-draw")).to_have_attribute("aria-pressed", "true")
    box = stage_box(console)
    x0, y0 = round(box["x"] + box["width"] * 0.2), round(box["y"] + box["height"] * 0.3)
    x1, y1 = round(box["x"] + box["width"] * 0.6), round(box["y"] + box["height"] * 0.8)
    console.mouse.move(x0, y0)
    console.mouse.down()
    console.mouse.move(x1, y1, steps=5)
    console.mouse.up()
    a, b = grid_of(box, x0, y0), grid_of(box, x1, y1)
    want = {"x": a[0], "y": a[1], "w": b[0] - a[0], "h": b[1] - a[1]}
    until(console, lambda: header().get("area") == want, "the area reached the header")
    expect(console.locator("#map-area-draw")).to_have_attribute("aria-pressed", "false")
    expect(console.locator("#map-area-now")).to_contain_text("一部")
    expect(console.locator(".map-area:not(.is-drawing)")).to_be_visible()
    shot(console, "console-map-area")

    # A small rectangle grows to the smallest area the projector shows (a tenth a side).
    console.locator("#map-area-draw").click()
    box = stage_box(console)  # the error line above it has gone
    sx, sy = round(box["x"] + box["width"] * 0.95), round(box["y"] + box["height"] * 0.95)
    console.mouse.move(sx, sy)
    console.mouse.down()
    console.mouse.move(sx + 12, sy + 10, steps=3)
    console.mouse.up()
    until(console, lambda: (header().get("area") or {}).get("w") == 1000,
          "the small area was grown")
    area = header()["area"]
    assert area["h"] == 1000 and area["x"] + area["w"] <= GRID and area["y"] + area["h"] <= GRID

    console.get_by_role("button", name="全体を表示").click()
    until(console, lambda: "area" in header() and header()["area"] is None, "the whole map")
    expect(console.locator("#map-area-clear")).to_be_disabled()

    # The keyboard frames an area too: the map takes the focus, a third of it in the middle
    # is framed; an arrow moves the frame a twentieth, + grows it, Enter shows it.
    console.locator("#map-area-draw").focus()
    console.keyboard.press("Enter")
    stage = console.locator("#map-stage")
    expect(stage).to_be_focused()
    expect(stage).to_have_attribute(
        "aria-label", "地図：矢印キーで枠を動かし、＋と－で大きさを変え、"
        "Enterでプロジェクターに映します")
    console.keyboard.press("ArrowRight")
    console.keyboard.press("+")
    expect(console.locator(".map-area.is-drawing")).to_be_visible()
    console.keyboard.press("Enter")
    until(console, lambda: header().get("area") == {"x": 3333, "y": 2833, "w": 4333, "h": 4333},
          "the area framed by the keyboard")
    assert pages.problems == []


# --- 代理入力 with a place, from an open console ----------------------------------------------

def test_from_an_open_console_a_map_and_a_proxy_pin_count_the_clicks(
        live: LiveServer, pages: Pages, tmp_path: Path) -> None:
    """The whole task from a console just opened: add the map, register someone without a
    phone, place their note on the map. The clicks are counted (reported, not a limit)."""
    code = live.new_workshop()
    console = open_console(pages, live, code)
    hand = Clicks(console)
    hand.click(console.locator("#tab-map"))
    hand.pick_file(console.locator("#map-pick"), png_map(tmp_path / "map.png"))
    map_shown(console)

    hand.click(console.get_by_role("button", name="代理入力", exact=True))
    register = console.locator("#add-proxy-form")
    hand.fill(register.get_by_label("お名前"), "田中 一郎")
    # A drop-down list: one click opens it, one chooses.
    register.get_by_label("あなたの立場").select_option("町内会・自治会")
    hand.clicks += 2
    hand.click(register.get_by_role("button", name="登録して入力をはじめる"))
    expect(console.locator("#map-mode")).to_contain_text("田中 一郎さんの付箋の場所")

    box = stage_box(console)
    px, py = round(box["x"] + box["width"] * 0.4), round(box["y"] + box["height"] * 0.55)
    console.mouse.click(px, py)
    hand.clicks += 1
    form = console.locator("#proxy-note")
    expect(form.locator("#proxy-place-text")).to_have_text("場所：地図で選びました。")
    expect(console.locator(".map-picked")).to_be_visible()
    hand.click(form.get_by_text("課題", exact=True))
    hand.fill(form.get_by_label("付箋の内容"), "バス停にベンチがほしい")
    shot(console, "console-map-proxy")
    hand.click(form.get_by_role("button", name="代理で貼る"))

    want = grid_of(box, px, py)
    state = room(live, code)
    until(console, lambda: any(n.text == "バス停にベンチがほしい" for n in state.notes.values()),
          "the proxy's note")
    note = next(n for n in state.notes.values() if n.text == "バス停にベンチがほしい")
    assert note.pin is not None and (note.pin.x, note.pin.y) == want
    assert note.by_proxy
    expect(console.locator(f".map-pin[data-note-id='{note.id}']")).to_be_visible()
    # The next note of theirs starts without a place.
    expect(form.locator("#proxy-place-text")).to_have_count(0)
    print(f"\nMAPCONSOLE clicks from an open console to a map uploaded and a proxy pin placed: "
          f"{hand.clicks} clicks and {hand.fields} typed fields")
    assert hand.clicks == 9
    assert pages.problems == []


def test_taking_the_map_off_says_how_many_pins_come_off(
        live: LiveServer, pages: Pages, steer: Any) -> None:
    code = live.new_workshop()
    assert upload_map(live, code, map_image(900, 900), title="東部").status_code == 200
    fac = steer(live, code)
    notes = [placed_note(fac, live, f"場所{k}", kind, {"x": 1000 * k, "y": 5000})
             for k, kind in enumerate(("charm", "issue", "wish"), start=1)]
    console = open_console(pages, live, code)
    map_shown(console)
    expect(console.locator(".map-pin")).to_have_count(3)
    for kind in ("charm", "issue", "wish"):
        expect(console.locator(f".map-pin.kind-{kind} use")).to_have_attribute(
            "href", f"#icon-{kind}")
    shot(console, "console-map-pins")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    console.on("dialog", answer)
    # With a map on, replacing and removing it are folded away under one line.
    expect(console.get_by_role("button", name="地図を外す")).to_be_hidden()
    console.get_by_text("地図を取り替える・外す").click()
    console.get_by_role("button", name="地図を外す").click()
    until(console, lambda: len(asked) == 1, "the question")
    assert "ピン3本" in asked[0]
    assert room(live, code).map is not None  # 「キャンセル」 keeps it
    console.get_by_role("button", name="地図を外す").click()
    until(console, lambda: room(live, code).map is None, "the map came off")
    state = room(live, code)
    assert all(n in state.notes and state.notes[n].pin is None for n in notes)
    expect(console.locator("#map-stage")).to_be_hidden()
    # At the map step the tab stays, ready for another map.
    expect(console.locator("#map-empty")).to_be_visible(timeout=LIVE)
    # A map added from elsewhere (another laptop) appears here as it lands.
    assert upload_map(live, code, map_image(800, 600), title="北部").status_code == 200
    map_shown(console)
    expect(console.locator("#map-now")).to_contain_text("北部（800×600）")
    expect(console.locator(".map-pin")).to_have_count(0)
    expect(console.locator("#map-unplaced-title")).to_have_text("場所なし 3枚")
    assert pages.problems == []


def test_the_keyboard_alone_places_a_proxy_note(live: LiveServer, pages: Pages) -> None:
    """代理入力 without a mouse: 「地図で場所を選ぶ」 opens the map with the focus on it, the
    arrow keys move a cross from the middle, Enter chooses the place."""
    code = live.new_workshop()
    assert upload_map(live, code, map_image(1000, 1000)).status_code == 200
    console = open_console(pages, live, code)
    map_shown(console)
    console.get_by_role("tab", name="付箋").click()
    console.get_by_role("button", name="代理入力", exact=True).click()
    register = console.locator("#add-proxy-form")
    register.get_by_label("お名前").fill("山田 ハナ")
    register.get_by_label("あなたの立場").select_option("町内会・自治会")
    register.get_by_role("button", name="登録して入力をはじめる").click()
    form = console.locator("#proxy-note")
    expect(form).to_contain_text("場所はまだ選んでいません")
    form.get_by_role("button", name="地図で場所を選ぶ").click()
    stage = console.locator("#map-stage")
    expect(stage).to_be_focused()
    expect(stage).to_have_attribute("aria-label", "地図：矢印キーで場所を動かし、Enterで選びます")
    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowUp", "Shift+ArrowDown"):
        console.keyboard.press(key)
    expect(console.locator(".map-cross")).to_be_visible()
    console.keyboard.press("Enter")
    expect(form.locator("#proxy-place-text")).to_have_text("場所：地図で選びました。")
    expect(form.get_by_label("付箋の内容")).to_be_focused()
    form.get_by_label("付箋の内容").fill("公園のトイレが暗い")
    form.get_by_text("課題", exact=True).click()
    form.get_by_role("button", name="代理で貼る").click()
    state = room(live, code)
    until(console, lambda: any(n.text == "公園のトイレが暗い" for n in state.notes.values()),
          "the proxy's note")
    note = next(n for n in state.notes.values() if n.text == "公園のトイレが暗い")
    assert note.pin is not None and (note.pin.x, note.pin.y) == (5300, 4910)
    assert pages.problems == []


def test_a_phones_markup_on_the_map_stays_text(live: LiveServer, pages: Pages,
                                               steer: Any) -> None:
    """A stranger's note with markup and a bidi override, placed on the map: on the console
    it is words in the pin's name and in the selected card, never elements."""
    code = live.new_workshop()
    assert upload_map(live, code, map_image(1000, 800),
                      title="<b>地図</b>\u202e").status_code == 200
    fac = steer(live, code)
    text = "<img src=x onerror=alert(1)>\u202e危ない"
    note = placed_note(fac, live, text, "issue", {"x": 0, "y": 10000})
    console = open_console(pages, live, code)
    map_shown(console)
    pin = console.locator(f".map-pin[data-note-id='{note}']")
    expect(pin).to_have_attribute("aria-label", f"課題：{text} 佐藤")
    pin.click(position={"x": 25, "y": 9})  # its quarter inside the map
    card = console.locator("#map-selected")
    expect(card.locator(".note-text")).to_have_text(text)
    expect(card.locator(".note-text")).to_have_attribute("dir", "auto")
    assert console.locator("#view-map img").count() == 1  # the map's own image only
    expect(console.locator("#map-now")).to_contain_text("<b>地図</b>")
    # A pin on the map's very corner is drawn there, whole enough to take.
    box = stage_box(console)
    pbox = pin.bounding_box()
    assert pbox is not None
    assert abs(pbox["x"] + pbox["width"] / 2 - box["x"]) <= 2
    assert abs(pbox["y"] + pbox["height"] / 2 - (box["y"] + box["height"])) <= 2
    assert pages.problems == []


def test_pins_on_one_another_can_each_be_had(live: LiveServer, pages: Pages,
                                             steer: Any) -> None:
    """Two notes on the same place: the first click takes the top pin, a click again on the
    selected pin takes the one beneath, and so round."""
    code = live.new_workshop()
    assert upload_map(live, code, map_image(1000, 800)).status_code == 200
    fac = steer(live, code)
    first = placed_note(fac, live, "駅前の階段", "issue", {"x": 5000, "y": 5000})
    second = placed_note(fac, live, "駅前の花壇", "charm", {"x": 5000, "y": 5000})
    console = open_console(pages, live, code)
    map_shown(console)
    pins = console.locator(".map-pin")
    expect(pins).to_have_count(2)
    pbox = pins.first.bounding_box()
    assert pbox is not None
    x, y = pbox["x"] + pbox["width"] / 2, pbox["y"] + pbox["height"] / 2
    selected = console.locator(".map-pin[aria-pressed=true]")
    console.mouse.click(x, y)
    expect(selected).to_have_count(1)
    top = str(selected.get_attribute("data-note-id"))
    beneath = second if top == first else first
    assert top in (first, second)
    for want in (beneath, top):  # each click on the selected one: the next in the stack
        console.mouse.click(x, y)
        expect(console.locator(f".map-pin[data-note-id='{want}']")).to_have_attribute(
            "aria-pressed", "true")
        expect(selected).to_have_count(1)
        expect(console.locator(f".map-pin[data-note-id='{want}']")).to_be_focused()
    # Nothing moved.
    assert pin_of(live, code, first) == pin_of(live, code, second) == (5000, 5000)
    assert pages.problems == []


def test_a_proxy_place_on_a_map_taken_off_is_no_place_on_the_next(
        live: LiveServer, pages: Pages, steer: Any) -> None:
    code = live.new_workshop()
    assert upload_map(live, code, map_image(1000, 800), title="旧").status_code == 200
    fac = steer(live, code)
    console = open_console(pages, live, code)
    map_shown(console)
    console.get_by_role("button", name="代理入力", exact=True).click()
    register = console.locator("#add-proxy-form")
    register.get_by_label("お名前").fill("木村 トメ")
    register.get_by_label("あなたの立場").select_option("町内会・自治会")
    register.get_by_role("button", name="登録して入力をはじめる").click()
    expect(console.locator("#map-mode")).to_contain_text("木村 トメさん")
    box = stage_box(console)
    console.mouse.click(box["x"] + box["width"] / 3, box["y"] + box["height"] / 3)
    form = console.locator("#proxy-note")
    expect(form.locator("#proxy-place-text")).to_be_visible()

    fac.cmd("remove_map")
    expect(form.locator(".proxy-place")).to_have_count(0)
    assert upload_map(live, code, map_image(800, 800), title="新").status_code == 200
    expect(form.locator(".proxy-place")).to_contain_text("場所はまだ選んでいません")
    expect(console.locator(".map-picked")).to_be_hidden()
    form.get_by_text("思い", exact=True).click()
    form.get_by_label("付箋の内容").fill("集会所を使いやすく")
    form.get_by_role("button", name="代理で貼る").click()
    state = room(live, code)
    until(console, lambda: any(n.text == "集会所を使いやすく" for n in state.notes.values()),
          "the proxy's note")
    assert next(n for n in state.notes.values() if n.text == "集会所を使いやすく").pin is None
    assert pages.problems == []
