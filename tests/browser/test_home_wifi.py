"""The Wi-Fi said everywhere a resident looks, and the bare address's code box, in real
Chromium (issue 11 items 3 and 6): the handout's step ① names the Wi-Fi (with its QR code
when it has a password) and still prints on one A4 sheet; the join page says which Wi-Fi to
join when the page does not connect; the console's field changes it for the evening; and a
phone that types the bare address and a full-width code reaches the workshop.

States are waited for (Playwright's expect), never times."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, Pages
from tests.browser.drive import Facilitator
from tests.browser.test_accessibility import assert_accessible
from tests.support import LiveServer
from yoriai.facilitation.model import Wifi

SHOTS = Path("/tmp/WIFI11")


@pytest.fixture
def venue(tmp_path: Path) -> Iterator[LiveServer]:
    """A server started with `yoriai serve --wifi 公民館ゲスト --wifi-password …`."""
    server = LiveServer(tmp_path / "data", wifi=Wifi("公民館ゲスト", "yoriai-2026")).start()
    yield server
    server.stop()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def loaded(page: Page, selector: str) -> None:
    """Wait until the image at ``selector`` has loaded and has pixels."""
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i && i.complete && "
        "i.naturalWidth > 0; }", arg=selector)


def pdf_pages(page: Page) -> int:
    """How many A4 pages ``page`` prints on (Chromium's own print to PDF)."""
    pdf = page.pdf(format="A4", print_background=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_the_handout_and_the_join_page_name_the_wifi(venue: LiveServer, pages: Pages) -> None:
    code = venue.new_workshop("冬の寄り合い")
    sheet = pages.open(DESKTOP, "handout")
    sheet.goto(f"{venue.base}/w/{code}/handout")
    steps = sheet.locator("ol.steps > li")
    # ① the Wi-Fi, then ② the QR code to read; the last step names the 立場 to choose.
    expect(steps.first).to_contain_text("Wi-Fi『公民館ゲスト』")
    expect(steps.nth(1)).to_contain_text("QRコード")
    expect(steps.last).to_contain_text("立場")
    expect(steps.last).to_contain_text("町内会・自治会")
    loaded(sheet, "img.wifi-qr")
    loaded(sheet, "img.qr")
    expect(sheet.locator(".wifi-qr-label")).to_have_text("Wi-Fiにつなぐ")
    assert "yoriai-2026" not in sheet.content()
    shot(sheet, "handout-wifi")
    # Still one A4 sheet when printed.
    assert pdf_pages(sheet) == 1

    phone = pages.open(PHONE, "phone")
    phone.goto(f"{venue.base}/w/{code}")
    expect(phone.locator("#wifi-help")).to_have_text(
        "つながらないときは Wi-Fi『公民館ゲスト』につないでください")
    expect(phone.locator("#wifi-help")).to_be_visible()
    shot(phone, "join-wifi")
    assert pages.problems == []


def test_without_a_password_the_handout_has_no_wifi_qr(live: LiveServer, pages: Pages,
                                                       steer: Callable[[LiveServer, str],
                                                                       Facilitator]) -> None:
    code = live.new_workshop("冬の寄り合い")
    sheet = pages.open(DESKTOP, "handout")
    sheet.goto(f"{live.base}/w/{code}/handout")
    expect(sheet.locator("ol.steps > li")).to_have_count(3)  # no Wi-Fi named: no step ①
    loaded(sheet, "img.qr")
    assert pdf_pages(sheet) == 1
    fac = steer(live, code)
    wifi = {"name": "hall-open", "password": ""}  # "name" is cmd()'s own first parameter
    assert fac.run(fac.client.cmd("set_wifi", **wifi))["type"] == "ack"
    sheet.reload()
    expect(sheet.locator("ol.steps > li").first).to_contain_text("Wi-Fi『hall-open』")
    expect(sheet.locator("img.wifi-qr")).to_have_count(0)
    assert pages.problems == []


def test_the_console_field_changes_the_wifi_for_the_evening(venue: LiveServer,
                                                            pages: Pages) -> None:
    code = venue.new_workshop("冬の寄り合い")
    console = pages.open(DESKTOP, "console")
    console.goto(f"{venue.base}/w/{code}/facilitate?key={venue.key}")
    now = console.locator("#wifi-now")
    expect(now).to_contain_text("『公民館ゲスト』")
    # The field lives in the console's Menu (settings) where it has one: open it.
    menu = console.locator("#console-menu > summary")
    if menu.count() and not console.locator("#wifi-name").is_visible():
        menu.click()
    expect(console.locator("#wifi-name")).to_be_visible()
    expect(now).to_contain_text("QRコードあり")
    expect(console.locator("#wifi-name")).to_have_value("公民館ゲスト")
    expect(console.locator("#wifi-password")).to_have_value("")  # never sent back
    # A password too short is refused where it was typed, and nothing changes.
    console.fill("#wifi-name", "西部センター")
    console.fill("#wifi-password", "short")
    console.locator("#wifi-form button[type=submit]").click()
    expect(console.locator("#wifi-error")).to_contain_text("8文字から63文字")
    expect(now).to_contain_text("『公民館ゲスト』")
    console.fill("#wifi-password", "seibu-2026!")
    console.locator("#wifi-form button[type=submit]").click()
    expect(now).to_contain_text("『西部センター』")
    expect(console.locator("#wifi-error")).to_have_text("")
    expect(console.locator("#wifi-password")).to_have_value("")
    shot(console, "console-wifi")

    phone = pages.open(PHONE, "phone")
    phone.goto(f"{venue.base}/w/{code}")
    expect(phone.locator("#wifi-help")).to_contain_text("Wi-Fi『西部センター』")
    sheet = pages.open(DESKTOP, "handout")
    sheet.goto(f"{venue.base}/w/{code}/handout")
    expect(sheet.locator("ol.steps > li").first).to_contain_text("Wi-Fi『西部センター』")
    loaded(sheet, "img.wifi-qr")
    assert pages.problems == []


def test_the_bare_address_takes_a_full_width_code_to_the_workshop(live: LiveServer,
                                                                 pages: Pages) -> None:
    code = live.new_workshop("冬の寄り合い")
    # The smallest phone we design for: the box and its button fit across it.
    phone = pages.open({**PHONE, "viewport": {"width": 320, "height": 568}}, "phone")
    phone.goto(f"{live.base}/")
    expect(phone.get_by_role("heading", name="参加コードを入れる")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 320
    for selector in ("#join-code", "form[action='/join'] button[type=submit]"):
        box = phone.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
    # A wrong code: a readable message, and the box to try again.
    phone.fill("#join-code", "ｚｚｚｚ９９")
    phone.locator("form[action='/join'] button[type=submit]").click()
    expect(phone.locator("#join-code-error")).to_contain_text("見つかりません")
    shot(phone, "home-code-not-found")
    # The code as a phone keyboard in Japanese mode types it: full-width, lower case.
    typed = "".join(chr(ord(ch) + 0xFEE0) for ch in code)
    phone.fill("#join-code", typed)
    phone.locator("form[action='/join'] button[type=submit]").click()
    phone.wait_for_url(re.compile(rf"/w/{code}$"))
    expect(phone.locator("h1.workshop-title")).to_have_text("冬の寄り合い")
    expect(phone.locator("#join-name")).to_be_visible()
    # Typed into the address bar instead, in capitals: the same workshop.
    phone.goto(f"{live.base}/w/{quote(code.upper())}")
    phone.wait_for_url(re.compile(rf"/w/{code}$"))
    expect(phone.locator("#join-name")).to_be_visible()
    assert pages.problems == []


def test_the_code_box_and_the_wifi_handout_pass_axe(venue: LiveServer, pages: Pages) -> None:
    """axe-core finds nothing serious on the bare address's code box (with a refusal shown),
    the handout with its Wi-Fi step and QR code, and a join page naming the Wi-Fi."""
    code = venue.new_workshop("冬の寄り合い")
    phone = pages.open(PHONE, "phone")
    phone.goto(f"{venue.base}/join?code=nosuch")
    expect(phone.locator("#join-code-error")).to_contain_text("見つかりません")
    assert_accessible(phone, "code box")
    phone.goto(f"{venue.base}/w/{code}")
    expect(phone.locator("#wifi-help")).to_be_visible()
    assert_accessible(phone, "join page with the Wi-Fi")
    sheet = pages.open(DESKTOP, "handout")
    sheet.goto(f"{venue.base}/w/{code}/handout")
    loaded(sheet, "img.wifi-qr")
    assert_accessible(sheet, "handout with the Wi-Fi")
