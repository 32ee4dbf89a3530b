"""User text is text, on every page and at every step: names, notes, theme titles,
proposals, actions and reviews carrying script and HTML payloads, javascript: URLs and
right-to-left overrides are shown as written, and none of them runs."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Pages
from tests.browser.drive import STEPS, Facilitator, shows_step
from tests.browser.test_notes_browser import join
from tests.support import LiveServer

NAME = "<svg/onload=__x=1>"  # 18 characters: within the name limit
NOTES = ["<script>window.__xss=1</script>", '<img src=x onerror="window.__xss=2">',
         "javascript:window.__xss=3", "右から左へ\u202e反転する文字"]  # inside: at an end, trimmed
THEME = "<img src=x onerror=window.__xss=4>"
AIM = "<script>window.__xss=5</script>計画"
IDEA = '<a href="javascript:window.__xss=6">押して</a>'
ACTION = "<iframe src=javascript:window.__xss=7>"
REVIEW = "<img src=x onerror=window.__xss=8>"
PAYLOADS = [NAME, *NOTES[:3], THEME, AIM, IDEA, ACTION, REVIEW]


def nothing_ran(page: Page, where: str) -> None:
    ran = page.evaluate("""() => ({
        xss: window.__xss, x: window.__x,
        scripts: Array.from(document.scripts)
            .filter(s => !s.src && s.type !== 'application/json').length,
        jsLinks: document.querySelectorAll('a[href^="javascript:" i], iframe, img[src="x"]').length,
        svgs: Array.from(document.querySelectorAll('svg[onload]')).length})""")
    assert ran == {"xss": None, "x": None, "scripts": 0, "jsLinks": 0, "svgs": 0}, (where, ran)


def test_payloads_are_shown_as_text_and_never_run(
        live: LiveServer, pages: Pages,
        steer: Callable[[LiveServer, str], Facilitator]) -> None:
    code = live.new_workshop("<b>太字のタイトル</b>")
    fac = steer(live, code)
    phone = pages.open(PHONE, "phone")
    join(phone, live, code, NAME)
    other = fac.participant(live, "となり")
    ids = [fac.send(other, "post_note", kind="wish", text=text)["note_id"] for text in NOTES]
    theme = fac.cmd("create_theme", title=THEME, note_id=ids[0])["theme_id"]
    fac.cmd("set_step", step="companions")
    fac.send(other, "join_theme", theme_id=theme)
    fac.cmd("write_proposal", theme_id=theme, aim=AIM, ideas=[IDEA])
    action = fac.cmd("create_action", title=ACTION, theme_id=theme)["action_id"]
    fac.cmd("set_step", step="practice")
    fac.send(other, "volunteer", action_id=action)
    fac.cmd("post_review", column="keep", text=REVIEW)
    fac.cmd("set_vote_settings", votes_visible=True)

    console = pages.open({"viewport": {"width": 1366, "height": 900}}, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    screen = pages.open({"viewport": {"width": 1920, "height": 1080}}, "projector")
    screen.goto(f"{live.base}/w/{code}/screen")

    seen: dict[str, set[str]] = {"phone": set(), "console": set(), "projector": set()}
    for step in STEPS:
        fac.cmd("set_step", step=step)
        for name, page in (("phone", phone), ("console", console), ("projector", screen)):
            shows_step(page, step)
            nothing_ran(page, f"{name} at {step}")
            text = page.locator("body").inner_text()
            seen[name].update(p for p in PAYLOADS if p in text)
            assert "太字のタイトル" in text and "<b>" in text  # the title, markup and all
    # Every payload was on some page, written out as text.
    assert seen["console"] >= {NAME, *NOTES[:3], THEME, AIM, IDEA, ACTION, REVIEW}
    assert seen["projector"] >= {*NOTES[:3], THEME, AIM, ACTION, REVIEW}
    assert seen["phone"] >= {*NOTES[:3], THEME, AIM, ACTION, REVIEW}
    # The right-to-left override stays inside its own note.
    rtl = screen.locator("[dir=auto]", has_text="反転する文字").first
    fac.cmd("set_step", step="confirm")
    shows_step(screen, "confirm")
    expect(rtl).to_be_visible()
    assert rtl.evaluate("e => getComputedStyle(e).unicodeBidi") in ("isolate", "plaintext")
    assert pages.problems == []
