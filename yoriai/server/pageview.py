"""What a page's template is given of a workshop: a small view, never the live state.

A template paints the first screen (the title, the step, the head count) before the
WebSocket brings the board. It reads a :class:`WorkshopPage` made from the room's durable
state (``room.shown``): never ``room.state``, which may hold events still being written
(a page must not show what a failed write will take back), and never anything a template
could change or that would show more than the public board does.
"""

from __future__ import annotations

from dataclasses import dataclass

from yoriai.facilitation.model import WorkshopState
from yoriai.facilitation.program import VIEWS
from yoriai.facilitation.venue import effective_wifi

from .vocab import step_words


@dataclass(frozen=True)
class WorkshopPage:
    code: str
    title: str
    center: str
    date: str
    step: str
    # The board the current step shows (program.py VIEWS).
    view: str
    locked: bool
    participant_count: int
    # 1 for the program's first step; 0 when the program does not have the step.
    step_number: int
    step_count: int
    # The program's own words for the step (the projector's), in the page's language.
    step_label: str
    step_subtitle: str
    step_prompt: str
    # The Wi-Fi the room should join (the workshop's, else the server's; "" for none), and
    # whether its QR code is served (/w/<code>/wifi.svg): never its password.
    wifi_name: str = ""
    wifi_qr: bool = False


def workshop_page(state: WorkshopState, lang: str) -> WorkshopPage:
    """The view of ``state`` (a room's ``shown``) for a page in ``lang``."""
    program = state.program
    step = program.step(state.step)
    words = step_words(step, lang) if step is not None else {}
    wifi = effective_wifi(state)
    return WorkshopPage(
        code=state.code, title=state.title, center=state.center, date=state.date,
        step=state.step, view=step.view if step is not None else VIEWS[0],
        locked=state.locked, participant_count=len(state.participants),
        step_number=program.index(state.step) + 1, step_count=len(program.steps),
        step_label=words.get("program_label", ""), step_subtitle=words.get("subtitle", ""),
        step_prompt=words.get("program_prompt", ""),
        wifi_name=wifi.name if wifi else "", wifi_qr=bool(wifi and wifi.password))
