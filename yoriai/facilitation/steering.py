"""The facilitator's wheel: the workshop itself, its steps, the timer, the lock, the
projector's focus and its join view, private notes and their reveal, and meetings across
months."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import (
    FACILITATOR_ONLY,
    MODERATORS,
    Draft,
    clean_text,
    command,
    flag,
    iso_date,
    ref,
    whole_number,
)
from .errors import Refusal
from .model import Actor, Event, Meeting, Newsletter, Timer, WorkshopState, applies
from .program import ProgramError, default_program, program_from_dict
from .tables import make_tables
from .touch import ALL, touches

# The workshop header: step, lock, focus, timer, settings, meetings.
HEADER = touches(header=True)


def is_workshop_code(code: object) -> bool:
    """A workshop code: ASCII letters and digits, CODE_MIN_CHARS to CODE_MAX_CHARS long.
    The server makes 6 from an alphabet without look-alikes; older Yoriai accepted any
    ``str.isalnum()`` code of 4 to 16, and this keeps every such code that was ASCII.
    Full-width and other non-ASCII letters, which ``isalnum`` also lets through, are out:
    a code is typed from the projector, goes into URLs and file names, and a download named
    after a non-ASCII code cannot be sent (its header must be Latin-1)."""
    return (isinstance(code, str) and code.isascii() and code.isalnum()
            and limits.CODE_MIN_CHARS <= len(code) <= limits.CODE_MAX_CHARS)


@command("create_workshop", FACILITATOR_ONLY, takes=("code", "title", "center", "date", "program"))
def create_workshop(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    if state.exists:
        raise Refusal("workshop_exists")
    code = args.get("code")
    if not is_workshop_code(code):
        raise Refusal("bad_code")
    title = clean_text(args, "title", limits.TITLE_MAX_CHARS, empty_code="empty_title",
                       long_code="title_too_long")
    center = clean_text(args, "center", limits.CENTER_MAX_CHARS, empty_code="empty_center",
                        long_code="center_too_long", allow_empty=True)
    raw_program = args.get("program")
    try:
        program = default_program() if raw_program is None else program_from_dict(raw_program)
    except ProgramError as exc:
        raise Refusal("bad_program", reason=str(exc)) from None
    return [("WorkshopCreated", {"code": code, "title": title, "center": center,
                                 "date": iso_date(args, "date"),
                                 "program": program.to_dict()})]


@command("set_step", FACILITATOR_ONLY, takes=("step",))
def set_step(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Go to any step: next, back, or a jump. The tool guides but never traps. A step that
    makes tables (``"tables"`` in the program) makes them as it opens, if there are none
    yet; when they cannot be made so (by themes, and nobody has joined one), the step opens
    all the same and the facilitator makes them from the console."""
    step = args.get("step")
    found = state.program.step(step) if isinstance(step, str) else None
    if found is None:
        raise Refusal("unknown_step")
    if step == state.step:
        return []
    drafts: list[Draft] = [("StepChanged", {"step": step})]
    if found.tables is not None and not state.tables:
        with contextlib.suppress(Refusal):  # the step opens all the same
            drafts += make_tables(state, actor, found.tables.make_args())
    return drafts


@command("lock_board", MODERATORS, takes=("locked",))
def lock_board(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    locked = flag(args, "locked")
    return [] if locked == state.locked else [("BoardLocked" if locked else "BoardUnlocked", {})]


@command("set_focus", MODERATORS, takes=("kind", "id"))
def set_focus(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Put one note, theme or table large on the projector, or (kind null) clear it."""
    kind = args.get("kind")
    if kind is None:
        return [("FocusCleared", {})] if state.focus is not None else []
    if kind == "note":
        item = ref(args, "id", state.notes, "unknown_note")
        if state.notes[item].hidden or state.notes[item].private:
            raise Refusal("not_allowed", command="set_focus")
    elif kind == "theme":
        item = ref(args, "id", state.themes, "unknown_theme")
    elif kind == "table":
        item = ref(args, "id", state.tables, "unknown_table")
    else:
        raise Refusal("bad_value", field="kind")
    return [("FocusSet", {"kind": kind, "id": item})]


@command("show_join_view", MODERATORS, takes=("shown",))
def show_join_view(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """「参加受付」: the projector shows the join view (a large QR code, the address, the
    Wi-Fi) over the board while people arrive, or (shown false) the board again."""
    shown = flag(args, "shown")
    return [] if shown == state.join_view else [("JoinViewShown", {"shown": shown})]


@command("start_timer", MODERATORS, takes=("seconds",))
def start_timer(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Start a countdown of ``seconds``, or resume a paused one (no ``seconds``)."""
    if "seconds" in args:
        seconds = whole_number(args, "seconds", 1, limits.TIMER_MAX_SECS)
    elif state.timer.ends_at is None and state.timer.seconds > 0:
        seconds = round(state.timer.seconds)
    else:
        raise Refusal("bad_number", field="seconds", low=1, high=limits.TIMER_MAX_SECS)
    return [("TimerStarted", {"seconds": seconds})]


@command("pause_timer", MODERATORS)

def pause_timer(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    return [("TimerPaused", {})] if state.timer.ends_at is not None else []


@command("extend_timer", MODERATORS)

def extend_timer(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """「あと1分」: add a minute, running or paused."""
    return [("TimerExtended", {"seconds": limits.TIMER_EXTEND_SECS})]


@command("set_private_notes", FACILITATOR_ONLY, takes=("private",))
def set_private_notes(state: WorkshopState, actor: Actor,
                      args: Mapping[str, Any]) -> list[Draft]:
    """Private until revealed: people write their own thoughts before seeing others'."""
    private = flag(args, "private")
    if private == state.settings.private_notes:
        return []
    return [("NotePrivacySet", {"private": private})]


@command("reveal_notes", FACILITATOR_ONLY)

def reveal_notes(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    if not any(n.private for n in state.notes.values()) and not state.settings.private_notes:
        return []
    return [("NotesRevealed", {})]


@command("open_meeting", FACILITATOR_ONLY, takes=("date",))
def open_meeting(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Reopen the workshop on a later date: PDCA runs over months, and every event after
    this one belongs to the new meeting."""
    date = iso_date(args, "date", allow_empty=False)
    return [("MeetingOpened", {"number": state.meeting + 1, "date": date})]


@applies("WorkshopCreated", made_by="create_workshop", result="code", touches=HEADER)
def _created(state: WorkshopState, e: Event) -> None:
    d = e.data
    state.code, state.title, state.center = d["code"], d["title"], d["center"]
    state.date = d.get("date", "")
    state.created_at = e.at
    state.program = program_from_dict(d["program"]) if "program" in d else default_program()
    state.step = state.program.steps[0].id
    state.meetings = [Meeting(number=1, opened_at=e.at, date=state.date)]


@applies("StepChanged", made_by="set_step", touches=HEADER)
def _step(state: WorkshopState, e: Event) -> None:
    leaving = state.program.step(state.step)
    if (leaving is not None and leaving.view == "sharing" and state.focus is not None
            and state.focus["kind"] == "table"):
        # 全体共有 showed the tables one at a time: the next step is the room's board again.
        state.focus = None
    state.step = e.data["step"]


@applies("BoardLocked", made_by="lock_board", args=lambda s, d: {"locked": True}, touches=HEADER)
def _locked(state: WorkshopState, e: Event) -> None:
    state.locked = True


@applies("BoardUnlocked", made_by="lock_board", args=lambda s, d: {"locked": False}, touches=HEADER)
def _unlocked(state: WorkshopState, e: Event) -> None:
    state.locked = False


@applies("FocusSet", made_by="set_focus", touches=HEADER)
def _focus(state: WorkshopState, e: Event) -> None:
    state.focus = {"kind": e.data["kind"], "id": e.data["id"]}


@applies("FocusCleared", made_by="set_focus", args=lambda s, d: {"kind": None}, touches=HEADER)
def _unfocus(state: WorkshopState, e: Event) -> None:
    state.focus = None


@applies("JoinViewShown", made_by="show_join_view", touches=HEADER)
def _join_view(state: WorkshopState, e: Event) -> None:
    state.join_view = bool(e.data["shown"])


def _started_by(state: WorkshopState, d: dict[str, Any]) -> dict[str, Any]:
    """A paused countdown resumed is ``start_timer`` with no ``seconds``: what is left,
    rounded, may be 0, which no one could have asked for."""
    t = state.timer
    if t.ends_at is None and t.seconds > 0 and d.get("seconds") == round(t.seconds):
        return {}
    return dict(d)


@applies("TimerStarted", made_by="start_timer", args=_started_by, touches=HEADER)
def _timer_started(state: WorkshopState, e: Event) -> None:
    seconds = float(e.data["seconds"])
    state.timer = Timer(seconds=seconds, ends_at=e.at + seconds)


@applies("TimerPaused", made_by="pause_timer", touches=HEADER)
def _timer_paused(state: WorkshopState, e: Event) -> None:
    state.timer = Timer(seconds=state.timer.remaining(e.at), ends_at=None)


@applies("TimerExtended", made_by="extend_timer", touches=HEADER)
def _timer_extended(state: WorkshopState, e: Event) -> None:
    extra = float(e.data["seconds"])
    t = state.timer
    if t.ends_at is not None:
        # A countdown that already reached zero starts again from now.
        state.timer = Timer(seconds=t.seconds + extra, ends_at=max(t.ends_at, e.at) + extra)
    else:
        state.timer = Timer(seconds=t.seconds + extra, ends_at=None)


@applies("NotePrivacySet", made_by="set_private_notes", touches=HEADER)
def _privacy(state: WorkshopState, e: Event) -> None:
    state.settings.private_notes = bool(e.data["private"])


@applies("NotesRevealed", made_by="reveal_notes",
         touches=touches(header=True, notes=ALL, tallies=ALL))
def _revealed(state: WorkshopState, e: Event) -> None:
    state.settings.private_notes = False
    for note in state.notes.values():
        note.private = False


@applies("MeetingOpened", made_by="open_meeting", touches=HEADER)
def _meeting(state: WorkshopState, e: Event) -> None:
    state.meetings.append(Meeting(number=int(e.data["number"]), opened_at=e.at,
                                  date=e.data["date"]))
    # A new meeting makes a new newsletter page: its own lead, hours and 次回.
    state.newsletter = Newsletter()
