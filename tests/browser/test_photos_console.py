"""The console's photos of the evening in real Chromium: the picker (a file input, the
camera on a phone) uploads a photo, its thumbnail appears upright once the server has it,
the caption and 「計画に入れる」 reach the server, a file that is not a photo is refused in
words on the panel, and a photo can be removed. Every wait is for a state."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import Pages
from tests.browser.drive import until
from tests.server.test_photos import camera_jpeg
from tests.support import LiveServer
from yoriai.server.i18n import error_text

CONSOLE = {"viewport": {"width": 1366, "height": 900}}
SHOTS = Path("/tmp/PHOTOS13")


def open_photos(pages: Pages, live: LiveServer, code: str) -> Page:
    console = pages.open(CONSOLE, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    console.locator("#tab-review").click()
    expect(console.locator("#console-photos")).to_be_visible()
    return console


def test_the_picker_uploads_a_photo_and_its_thumbnail_appears(
        live: LiveServer, pages: Pages, tmp_path: Path) -> None:
    code = live.new_workshop()
    console = open_photos(pages, live, code)
    expect(console.locator("#photo-input")).to_have_attribute("accept", "image/*")
    photo = tmp_path / "sheet.jpg"
    photo.write_bytes(camera_jpeg(1200, 900, 6))  # stored sideways, EXIF says turn it

    console.locator("#photo-input").set_input_files(str(photo))
    item = console.locator("#photo-list .photo-item")
    expect(item).to_have_count(1)
    console.wait_for_function(
        "() => { const i = document.querySelector('#photo-list img.photo-thumb');"
        " return i !== null && i.complete && i.naturalWidth > 0; }")
    width, height = console.evaluate(
        "() => { const i = document.querySelector('#photo-list img.photo-thumb');"
        " return [i.naturalWidth, i.naturalHeight]; }")
    assert height > width  # upright: the server applied the orientation
    photo_hash = item.get_attribute("data-hash")
    room = live.ctx.hub.rooms[code]
    assert photo_hash in room.state.photos
    expect(console.locator("#photo-count")).to_contain_text("1枚")

    item.locator(".photo-caption").fill("3班の模造紙")
    item.locator(".photo-caption").press("Enter")
    until(console, lambda: room.state.photos[str(photo_hash)].caption == "3班の模造紙",
          "the caption reached the server")
    item.get_by_label("計画に入れる").check()
    expect(item).to_have_class("photo-item is-chosen")
    assert room.state.photos[str(photo_hash)].chosen
    expect(item.locator("img")).to_have_attribute("alt", "写真：3班の模造紙")
    SHOTS.mkdir(parents=True, exist_ok=True)
    console.locator("#console-photos").screenshot(path=str(SHOTS / "console-photos.png"))

    # A text file renamed .jpg: refused in words, nothing added.
    fake = tmp_path / "letter.jpg"
    fake.write_text("町内会のみなさまへ", "utf-8")
    console.locator("#photo-input").set_input_files(str(fake))
    expect(console.locator("#photo-error")).to_contain_text(error_text("not_an_image", "ja"))
    expect(console.locator("#photo-error")).to_contain_text("letter.jpg")
    expect(item).to_have_count(1)

    console.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="削除").click()
    expect(console.locator("#photo-list .photo-item")).to_have_count(0)
    assert photo_hash not in room.state.photos
    # The only console errors are the browser's own line for the refused upload (415).
    assert [p for p in pages.problems if "415" not in p] == []


def test_a_large_photo_is_shrunk_in_the_browser_before_it_is_sent(
        live: LiveServer, pages: Pages, tmp_path: Path) -> None:
    """A phone's many-megabyte photo crosses the Wi-Fi shrunk (and turned upright by the
    browser); what the server keeps is the same kind of photo either way."""
    code = live.new_workshop()
    console = open_photos(pages, live, code)
    noise = Image.merge("RGB", [Image.effect_noise((4000, 3000), 60 + k) for k in range(3)])
    exif = Image.Exif()
    exif[0x0112] = 6  # turn it a quarter clockwise to show it
    path = tmp_path / "big.jpg"
    noise.save(path, "JPEG", quality=95, exif=exif)
    size = path.stat().st_size
    assert size > 3 * 1024 * 1024
    # What the page hands to fetch (Playwright does not show a Blob body's bytes).
    console.evaluate("""() => { const send = window.fetch; window.sentSizes = [];
      window.fetch = function (url, init) {
        if (init && init.body instanceof Blob) { window.sentSizes.push(init.body.size); }
        return send.apply(this, arguments); }; }""")

    console.locator("#photo-input").set_input_files(str(path))
    expect(console.locator("#photo-list .photo-item")).to_have_count(1)
    sent = console.evaluate("() => window.sentSizes")
    assert len(sent) == 1 and 0 < sent[0] < size / 2
    photo = console.locator("#photo-list .photo-item").get_attribute("data-hash")
    with Image.open(live.data_dir / "photos" / f"{photo}.jpg") as stored:
        assert stored.size == (1500, 2000)  # upright, at most 2000 px
        assert len(stored.getexif()) == 0
