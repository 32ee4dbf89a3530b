"""The newsletter page's editor on the console (step 5): it shows the lead paragraph made
from the record, sends the facilitator's own, takes this meeting's hours and the next
meeting, shows a refusal beside the form, goes back to the generated lead — and the
exported page prints what was sent. Real Chromium, real server; every wait is for a state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import Pages
from tests.browser.drive import Facilitator, shows_step
from tests.support import LiveServer
from yoriai.exports.dates import date_text
from yoriai.facilitation import limits

EDITED = "雪の季節を前に、東通りの暮らしを話し合いました。次回は支援マップを仕上げます。"
NEXT_DATE = "2099-12-18"


class LeadOf(HTMLParser):
    """The exported page's lead paragraph (``<p class="lead">``)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.lead = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "p" and dict(attrs).get("class") == "lead"

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.lead += data


def exported(live: LiveServer, code: str, fmt: str) -> str:
    response = httpx.get(f"{live.base}/w/{code}/export/{fmt}",
                         cookies={"yoriai_key": live.key}, timeout=60)
    assert response.status_code == 200
    return response.text


def lead_of(page: str) -> str:
    parser = LeadOf()
    parser.feed(page)
    return parser.lead


def test_the_console_edits_the_lead_and_the_export_prints_it(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop("東通り 雪と暮らしの寄り合い", "西部")
    fac = steer(live, code)
    fac.participant(live, "佐藤")
    fac.cmd("create_action", title="雪寄せ支援マップをつくる")
    fac.cmd("set_step", step="future")

    console = pages.open({"viewport": {"width": 1366, "height": 900}}, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    shows_step(console, "future")
    editor = console.locator("#console-newsletter")
    lead = console.locator("#news-lead")

    # The paragraph made from the record, as the server writes it.
    expect(editor).to_have_attribute("data-generated", "ready")
    expect(editor).to_have_attribute("data-lead", "generated")
    expect(lead).to_have_value(re.compile(
        r"西部市民サービスセンターに1人（住民1人）が集まり、「雪寄せ支援マップをつくる」の取り組みを"))
    generated = lead.input_value()
    assert lead_of(exported(live, code, "html")) == generated

    # This meeting's hours.
    console.locator("#news-start").fill("19:00")
    console.locator("#news-end").fill("21:00")
    console.locator("#news-hours-form button[type=submit]").click()
    fac.run(fac.client.wait_for(
        lambda board: board.workshop["newsletter"]["end"] == "21:00"))
    # The generated paragraph follows (asked for again after the change).
    expect(lead).to_have_value(re.compile(r"19:00〜21:00、西部市民サービスセンターに"))

    # Too long: refused beside the form, in words; nothing changes.
    lead.fill("あ" * (limits.LEAD_MAX_CHARS + 1))
    console.locator("#news-lead-form button[type=submit]").click()
    error = console.locator("#news-lead-form [data-error-for=news-lead]")
    expect(error).to_contain_text(str(limits.LEAD_MAX_CHARS))
    expect(editor).to_have_attribute("data-lead", "generated")

    # The facilitator's own lead.
    lead.fill(EDITED)
    console.locator("#news-lead-form button[type=submit]").click()
    expect(editor).to_have_attribute("data-lead", "edited")
    expect(error).to_be_empty()
    fac.run(fac.client.wait_for(
        lambda board: board.workshop["newsletter"]["lead"] == EDITED))
    page = exported(live, code, "html")
    assert lead_of(page) == EDITED and "19:00〜21:00" in page

    # 次回.
    console.locator("#news-next-date").fill(NEXT_DATE)
    console.locator("#news-next-time").fill("18:30")
    console.locator("#news-next-place").fill("西部市民サービスセンター 2階和室")
    console.locator("#news-next-form button[type=submit]").click()
    fac.run(fac.client.wait_for(
        lambda board: (board.workshop["newsletter"]["next"] or {}).get("date") == NEXT_DATE))
    markdown = exported(live, code, "md")
    box = next(line for line in markdown.splitlines() if "**次回**" in line)
    assert "".join(box.split()) == (
        f">**次回**{date_text(NEXT_DATE)}18:30〜西部市民サービスセンター2階和室")
    assert EDITED in markdown

    # Back to the paragraph from the record.
    console.locator("#news-lead-reset").click()
    expect(editor).to_have_attribute("data-lead", "generated")
    expect(lead).to_have_value(re.compile(r"19:00〜21:00、西部市民サービスセンターに"))
    assert lead_of(exported(live, code, "html")).startswith(
        date_text(live_date(fac), year=False) + "19:00〜21:00、")
    assert pages.problems == []


def live_date(fac: Facilitator) -> str:
    return str(fac.client.board.workshop["date"])


def test_the_console_asks_for_the_lead_only_while_the_editor_is_shown(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop()
    fac = steer(live, code)
    phone = fac.participant(live, "佐藤")
    # A short window: at step 5 the editor is below the fold, under the review's columns,
    # and must still ask as soon as step 5 is shown.
    console = pages.open({"viewport": {"width": 1366, "height": 500}}, "console")
    asked: list[str] = []
    console.on("request", lambda request: asked.append(request.url)
               if request.url.endswith(f"/w/{code}/newsletter") else None)
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    shows_step(console, "confirm")
    # A room busy at step 1: every note changes the board; the editor is not on screen.
    for n in range(5):
        fac.send(phone, "post_note", kind="wish", text=f"思い{n}")
    expect(console.locator("#view-notes")).to_contain_text("思い4")
    assert asked == []
    fac.cmd("set_step", step="future")
    shows_step(console, "future")
    editor = console.locator("#console-newsletter")
    assert not editor.evaluate(
        "box => box.getBoundingClientRect().top < window.innerHeight")  # below the fold
    expect(editor).to_have_attribute("data-generated", "ready")
    assert len(asked) >= 1
    expect(console.locator("#news-lead")).to_have_value(re.compile(r"付箋5枚"))
    assert pages.problems == []
