"""The browser is told its vocabulary by the server: every page's JSON block (id "vocab")
equals the domain (limits.py, the enums, the program's steps and their views), the scripts
ask only for what the block has, and templates are given a view of the durable state."""

from __future__ import annotations

import asyncio
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import HANG, LiveServer
from yoriai.facilitation import limits
from yoriai.facilitation.model import (
    ATTRIBUTES,
    CENTERS,
    PARTNERS,
    Form,
    NoteKind,
    ReviewColumn,
    Status,
    WorkshopState,
)
from yoriai.facilitation.program import (
    VIEWS,
    ProgramError,
    default_program,
    program_from_dict,
)
from yoriai.server.pageview import workshop_page
from yoriai.server.vocab import vocabulary

ROOT = Path(__file__).resolve().parents[2]
JS = sorted((ROOT / "yoriai" / "client" / "static" / "js").glob("*.js"))
I18N = ROOT / "yoriai" / "client" / "i18n"
CATALOGUES = {lang: json.loads((I18N / f"{lang}.json").read_text("utf-8"))
              for lang in ("ja", "en")}
BLOCK = re.compile(r'<script type="application/json" id="vocab">(.*?)</script>', re.S)

# Each enum of the block, with what it must equal and the catalogue prefix of its labels.
ENUMS: dict[str, tuple[list[str], str | None]] = {
    "note_kinds": ([k.value for k in NoteKind], "kind."),
    "forms": ([f.value for f in Form], "form."),
    "statuses": ([s.value for s in Status], "status."),
    "review_columns": ([c.value for c in ReviewColumn], "review."),
    "attributes": (list(ATTRIBUTES), None),
    "partners": (list(PARTNERS), None),
    "centers": (list(CENTERS), None),
}


def block_of(html: str) -> dict[str, Any]:
    found = BLOCK.findall(html)
    assert len(found) == 1, "a page carries exactly one vocabulary block"
    block: dict[str, Any] = json.loads(unescape(found[0]))
    return block


def served_blocks(live: LiveServer, code: str, lang: str) -> dict[str, dict[str, Any]]:
    # The hang guard, not httpx's 5 s: a page drawn by a loaded 2-core machine (two browser
    # tests beside it) has taken longer, and a timeout here is no finding.
    with httpx.Client(base_url=live.base, timeout=HANG) as http:
        http.get(f"/?key={live.key}")  # the cookie, for the facilitator's pages
        out = {}
        for path in ("/", f"/w/{code}", f"/w/{code}/screen", f"/w/{code}/facilitate",
                     "/w/nosuch"):
            reply = http.get(path, params={"lang": lang})
            assert "text/html" in reply.headers["content-type"], path
            out[path] = block_of(reply.text)
        return out


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_carries_the_domain_vocabulary(live: LiveServer, lang: str) -> None:
    code = live.new_workshop()
    program = default_program()
    words = CATALOGUES[lang]
    for path, block in served_blocks(live, code, lang).items():
        assert block["limits"], path
        for name, value in block["limits"].items():
            assert value == getattr(limits, name), (path, name)
        for name, (values, prefix) in ENUMS.items():
            assert [c["id"] for c in block["enums"][name]] == values, (path, name)
            labels = [words[prefix + v] if prefix else v for v in values]
            assert [c["label"] for c in block["enums"][name]] == labels, (path, name)
        assert block["views"] == list(VIEWS)
        if path.startswith(f"/w/{code}"):
            assert [(s["id"], s["view"], s["opens"]) for s in block["steps"]] == [
                (s.id, s.view, sorted(s.opens)) for s in program.steps]
            for shown, step in zip(block["steps"], program.steps, strict=True):
                # The projector's words are the program's; the others' the catalogue's
                # wording of a step it knows, else the program's.
                assert shown["program_label"] == step.label[lang]
                assert shown["program_prompt"] == step.prompt[lang]
                assert shown["subtitle"] == step.subtitle[lang]
                assert shown["label"] == words.get(f"step.{step.id}", step.label[lang])
                assert shown["prompt"] == words.get(f"step.{step.id}.prompt",
                                                    step.prompt[lang])
        else:
            assert block["steps"] == []  # no workshop, no program


def test_the_catalogue_and_the_program_word_a_step_differently_where_tested() -> None:
    """The two wordings are not one: the phone says "Try it out", the projector "Put it
    into practice" (tests/browser pin both). Were they equal, the block would not need
    both and this test would say so."""
    step = default_program().step("practice")
    assert step is not None
    assert CATALOGUES["en"]["step.practice"] != step.label["en"]


def js_sources() -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in JS}


def test_the_scripts_ask_only_for_what_the_block_has() -> None:
    """vocab.js throws on a limit or an enum the page was not given: every name a script
    asks for must be one the server sends."""
    block = vocabulary("ja", default_program())
    sent_limits, sent_enums = set(block["limits"]), set(block["enums"])
    asked_limits: set[str] = set()
    asked_enums: set[str] = set()
    for source in js_sources().values():
        asked_limits.update(re.findall(r"\blimit\(\s*'(\w+)'\s*\)", source))
        asked_enums.update(re.findall(r"\b(?:choices|ids|label)\(\s*'(\w+)'", source))
    assert asked_limits | asked_enums, "the scan finds what the scripts ask for"
    assert asked_limits <= sent_limits, asked_limits - sent_limits
    assert asked_enums <= sent_enums, asked_enums - sent_enums


# --- each step's view ------------------------------------------------------------------


def test_the_default_program_names_each_steps_view() -> None:
    text = (ROOT / "yoriai" / "facilitation" / "programs" / "machizukuri.json").read_text()
    raw = json.loads(text)
    # one step for each view but 全体共有 ("sharing", for tables: the world-café program's)
    assert [s["view"] for s in raw["steps"]] == five_views()
    assert [s.view for s in default_program().steps] == five_views()


def five_views() -> list[str]:
    return [v for v in VIEWS if v != "sharing"]


def test_a_step_stored_before_views_shows_the_board_of_what_it_opens() -> None:
    """Workshops made before steps named their view keep their program in their first
    event: each step gets the view of what it opens, as the pages chose before."""
    raw = default_program().to_dict()
    for s in raw["steps"]:
        del s["view"]
    raw["steps"].append({"id": "quiet", "label": {"ja": "休憩", "en": "Break"},
                         "prompt": {"ja": "休憩", "en": "Break"}, "opens": []})
    program = program_from_dict(raw)
    assert [s.view for s in program.steps] == [*five_views(), "notes"]


def test_an_unknown_view_is_refused_by_name() -> None:
    raw = default_program().to_dict()
    raw["steps"][2]["view"] = "map"
    with pytest.raises(ProgramError, match=r"steps\[2\]\.view: unknown view 'map'"):
        program_from_dict(raw)


def test_every_view_has_its_board_on_the_pages_that_show_it() -> None:
    """The projector finds a view's board by data-view and the console a workspace by its
    id: a view the program may name but a page cannot show would break that page."""
    templates = ROOT / "yoriai" / "client" / "templates"
    screen = (templates / "screen.html").read_text("utf-8")
    console = (templates / "console.html").read_text("utf-8")
    for view in VIEWS:
        assert screen.count(f'data-view="{view}"') == 1, view
        assert console.count(f'id="view-{view}"') == 1, view


# --- templates get a view of the durable state -------------------------------------------


def test_a_page_shows_the_durable_state_not_what_is_still_being_written(
        live: LiveServer) -> None:
    """``room.state`` runs ahead of the log while an event is being written (and goes back
    if the write fails); a page painted then must show ``room.shown``."""
    code = live.new_workshop("春の寄り合い")
    loop = live.ctx.store.loop
    assert loop is not None

    async def run_ahead() -> None:
        room = await live.ctx.hub.room(code)
        assert room is not None
        room.state.title = "書きかけのタイトル"
        room.state.step = "future"
        room.state.locked = True

    asyncio.run_coroutine_threadsafe(run_ahead(), loop).result(timeout=HANG)
    with httpx.Client(base_url=live.base, timeout=HANG) as http:
        http.get(f"/?key={live.key}")
        for path in (f"/w/{code}", f"/w/{code}/screen", f"/w/{code}/facilitate",
                     f"/w/{code}/handout"):
            html = http.get(path).text
            assert "春の寄り合い" in html and "書きかけ" not in html, path
            assert path.endswith("/handout") or 'data-step="confirm"' in html, path
        screen = http.get(f"/w/{code}/screen").text
        assert re.search(r'id="locked-notice"[^>]* hidden', screen)
        assert re.search(r'data-view="notes"(?! hidden)', screen)


def test_the_page_view_of_a_workshop() -> None:
    state = WorkshopState(code="ABC123", title="t", center="西部", date="2026-12-03",
                          step="activity")
    page = workshop_page(state, "en")
    step = default_program().step("activity")
    assert step is not None
    assert (page.view, page.step_number, page.step_count) == ("proposals", 3, 5)
    assert (page.step_label, page.step_prompt) == (step.label["en"], step.prompt["en"])
    assert page.participant_count == 0 and not page.locked
    gone = workshop_page(WorkshopState(step="nosuch"), "ja")
    assert (gone.step_number, gone.view, gone.step_label) == (0, VIEWS[0], "")
