"""The vocabulary block: what the browser is told about the domain, so that it keeps none.

Every page carries one JSON block (``<script type="application/json" id="vocab">``, beside
the catalogue's ``i18n`` block) with the limits a page checks before sending (from
``facilitation/limits.py``), the enums with their labels in the page's language (note
kinds, 協働のかたち, statuses, review columns, attributes, partners, centres), the views a
step may show, and the workshop's program: each step with the view it shows and its words.
``client/static/js/vocab.js`` reads it; tests/client/test_vocab.py keeps it equal to the
domain.
"""

from __future__ import annotations

from typing import Any

from yoriai.facilitation import limits
from yoriai.facilitation.model import (
    ATTRIBUTES,
    CENTERS,
    PARTNERS,
    Form,
    NoteKind,
    ReviewColumn,
    Status,
)
from yoriai.facilitation.program import VIEWS, Program, Step

from .i18n import catalogue, translate

# The limits a page checks or shows before the server would refuse (a counter under a text
# box, a form's maxlength, the timer's longest run, the console's ceiling warning). Those
# only the server enforces (rates, message sizes, sockets) are not the browser's business.
BROWSER_LIMITS = (
    "NOTE_MAX_CHARS", "NAME_MAX_CHARS", "TITLE_MAX_CHARS", "CENTER_MAX_CHARS",
    "THEME_TITLE_MAX_CHARS", "THEMES_MAX", "PROPOSAL_AIM_MAX_CHARS", "IDEA_MAX_CHARS",
    "IDEAS_MAX", "ACTION_TITLE_MAX_CHARS", "FIRST_STEP_MAX_CHARS", "PARTNER_MAX_CHARS",
    "PARTNERS_MAX", "RECORD_MAX_CHARS", "DEFAULT_VOTE_BUDGET", "VOTE_BUDGET_MAX",
    "TIMER_MAX_SECS", "TIMER_EXTEND_SECS", "CEILINGS", "NEAR_CEILING_SHARE",
    "PHOTOS_MAX", "PHOTO_CAPTION_MAX_CHARS",
    "TABLES_MAX", "PER_TABLE_MIN", "PER_TABLE_MAX", "TABLE_NAME_MAX_CHARS",
    "MAP_GRID", "MAP_AREA_MIN", "MAP_TITLE_MAX_CHARS",
)

# Each enum, with the catalogue prefix of its labels; None: the values are words already
# (stored as they are in every language, like the attributes people choose at join).
ENUMS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "note_kinds": (tuple(NoteKind), "kind."),
    "forms": (tuple(Form), "form."),
    "statuses": (tuple(Status), "status."),
    "review_columns": (tuple(ReviewColumn), "review."),
    "attributes": (ATTRIBUTES, None),
    "partners": (PARTNERS, None),
    "centers": (CENTERS, None),
}


def browser_limits() -> dict[str, Any]:
    return {name: getattr(limits, name) for name in BROWSER_LIMITS}


def enums(lang: str) -> dict[str, list[dict[str, str]]]:
    return {name: [{"id": str(value),
                    "label": translate(prefix + value, lang) if prefix else str(value)}
                   for value in values]
            for name, (values, prefix) in ENUMS.items()}


def _pick(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("ja") or ""


def step_words(step: Step, lang: str) -> dict[str, str]:
    """A step's words in ``lang``, decided here once for every page.

    The projector shows the program's own words (the guideline's wording, or a centre's
    own program's): ``program_label`` and ``program_prompt``. Phones and the console show
    the catalogue's wording of a step it knows (``step.<id>``, ``step.<id>.prompt``: written
    for a small screen and a laptop) and the program's otherwise: ``label`` and ``prompt``.
    """
    words = catalogue(lang)
    program_label, program_prompt = _pick(step.label, lang), _pick(step.prompt, lang)
    return {"label": words.get(f"step.{step.id}") or program_label,
            "prompt": words.get(f"step.{step.id}.prompt") or program_prompt,
            "subtitle": _pick(step.subtitle, lang),
            "program_label": program_label, "program_prompt": program_prompt}


def steps(program: Program | None, lang: str) -> list[dict[str, Any]]:
    if program is None:
        return []
    return [{"id": s.id, "view": s.view, "opens": sorted(s.opens), **step_words(s, lang)}
            for s in program.steps]


def vocabulary(lang: str, program: Program | None = None) -> dict[str, Any]:
    """The block for a page in ``lang``; ``program`` is its workshop's (None: no workshop)."""
    return {"limits": browser_limits(), "enums": enums(lang), "views": list(VIEWS),
            "steps": steps(program, lang)}
