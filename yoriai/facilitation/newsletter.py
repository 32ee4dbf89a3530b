"""The newsletter page's own facts: the lead paragraph, the meeting's hours and the next
meeting (「次回」), and the lead paragraph made from the facts when nobody wrote one.

A 会報 page opens with a paragraph that says when, where, who and what was decided:
「11月20日（金）19:00〜21:00、西部市民サービスセンターに30人（住民14人、…）が集まり、
「雪寄せ支援マップをつくる」など10の取り組みを決めました。」 :func:`generated_lead` writes
it from the state (counts by attribute, never a name); the facilitator may rewrite it on
the console before exporting (``write_lead``, an event, so that it survives a restart and
travels in the JSON archive), and an empty text goes back to the generated one.

All three belong to the current meeting: a new meeting (``open_meeting``) starts a new page
(``steering._meeting`` clears them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

# The date words are shared with the exporters: a pure module of the standard library
# alone (no state, no clock), so the domain may use it without depending on a renderer.
from yoriai.exports.dates import parse_time, when_text

from . import limits
from .commands import FACILITATOR_ONLY, Draft, clean_text, command, iso_date
from .errors import Refusal
from .model import ATTRIBUTES, CENTERS, Actor, Event, Newsletter, WorkshopState, applies
from .touch import touches

HEADER = touches(header=True)
# How many action (or theme) titles the lead names before 「など」: three fit a sentence.
NAMED_IN_LEAD = 3


def venue(center: str) -> str:
    """「西部市民サービスセンター」 for one of Akita's seven centres, else as typed."""
    return f"{center}市民サービスセンター" if center in CENTERS else center


def meeting_date(state: WorkshopState) -> str:
    """The date of the meeting the page is about: the latest one."""
    return state.meetings[-1].date if state.meetings else state.date


def attendance(state: WorkshopState) -> str:
    """「30人（住民14人、町内会・自治会5人、…）」: counts by attribute (the join form's
    order, then any other), never a name; "" when nobody has joined."""
    counts = Counter(p.attribute for p in state.participants.values())
    if not counts:
        return ""
    order = [a for a in ATTRIBUTES if counts[a]] + sorted(set(counts) - set(ATTRIBUTES))
    parts = "、".join(f"{a}{counts[a]}人" for a in order)
    return f"{sum(counts.values())}人（{parts}）"


def quoted(titles: list[str]) -> str:
    return "".join(f"「{t}」" for t in titles[:NAMED_IN_LEAD])


def decided(state: WorkshopState) -> str:
    """What the evening came to, the furthest it got: actions, else chosen proposals,
    else the themes talked over, else the notes written."""
    actions = [a.title for a in state.actions.values()]
    talked = f"{len(state.themes)}つのテーマについて話し合い、" if state.themes else ""
    if actions:
        more = f"など{len(actions)}の" if len(actions) > NAMED_IN_LEAD else "の"
        return f"{talked}{quoted(actions)}{more}取り組みを決めました。"
    chosen = [state.themes[t].title for t, p in state.proposals.items()
              if p.chosen and t in state.themes]
    if chosen:
        more = f"など{len(chosen)}つの" if len(chosen) > NAMED_IN_LEAD else "の"
        return f"{talked}{quoted(chosen)}{more}計画案を選びました。"
    themes = [t.title for t in state.themes.values()]
    if themes:
        more = f"など{len(themes)}つの" if len(themes) > NAMED_IN_LEAD else "の"
        return f"{quoted(themes)}{more}テーマについて話し合いました。"
    published = sum(not n.hidden and not n.private for n in state.notes.values())
    if published:
        return f"付箋{published}枚に地域の魅力・課題・思いを書き出しました。"
    return "話し合いました。"


def generated_lead(state: WorkshopState) -> str:
    """The lead paragraph made from the facts (see the module's docstring)."""
    n = state.newsletter
    when = when_text(meeting_date(state), n.start, n.end, "ja", year=False)
    place = venue(state.center)
    who = attendance(state)
    opening = "".join([
        f"{when}、" if when else "",
        f"{place}に" if place else "",
        f"{who}が集まり、" if who else ("集まり、" if place else ""),
    ])
    return opening + decided(state)


def lead(state: WorkshopState) -> str:
    """The lead the page prints: the facilitator's, else the generated one."""
    return state.newsletter.lead or generated_lead(state)


def newsletter_view(state: WorkshopState) -> dict[str, Any]:
    """The page's stored facts, a part of the workshop header (every event that changes
    them touches the header). The generated lead is not here: it changes with every join,
    action and choice, which do not resend the header; the console asks for it
    (``GET /w/<code>/newsletter``) when it shows the editor."""
    n = state.newsletter
    return {
        "lead": n.lead, "start": n.start, "end": n.end,
        "next": ({"date": n.next_date, "time": n.next_time, "place": n.next_place}
                 if n.next_date else None),
    }


# --- commands ---------------------------------------------------------------------------------

def clock_time(args: Mapping[str, Any], key: str) -> str:
    """``args[key]`` as ``HH:MM`` (00:00 to 23:59), "" for none, or ``bad_time``."""
    value = args.get(key, "")
    if value in ("", None):
        return ""
    parsed = parse_time(value) if isinstance(value, str) else None
    if parsed is None:
        raise Refusal("bad_time", field=key)
    return f"{parsed[0]:02d}:{parsed[1]:02d}"


@command("write_lead", FACILITATOR_ONLY, takes=("text",))
def write_lead(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """The facilitator's lead paragraph for the page; "" goes back to the generated one.
    One paragraph: line breaks become spaces, as in a title."""
    text = clean_text(args, "text", limits.LEAD_MAX_CHARS, empty_code="bad_text",
                      long_code="lead_too_long", allow_empty=True)
    return [] if text == state.newsletter.lead else [("LeadWritten", {"text": text})]


@command("set_schedule", FACILITATOR_ONLY, takes=("start", "end"))
def set_schedule(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """The meeting's hours, 「19:00〜21:00」: ``HH:MM`` each, "" for not given. An end
    needs a start and comes after it (an evening does not run past midnight)."""
    start, end = clock_time(args, "start"), clock_time(args, "end")
    if end and not start:
        raise Refusal("bad_time", field="start")
    if end and end <= start:
        raise Refusal("end_before_start")
    n = state.newsletter
    if (start, end) == (n.start, n.end):
        return []
    return [("ScheduleSet", {"start": start, "end": end})]


@command("set_next_meeting", FACILITATOR_ONLY, takes=("date", "time", "place"))
def set_next_meeting(state: WorkshopState, actor: Actor,
                     args: Mapping[str, Any]) -> list[Draft]:
    """「次回」: the next meeting's date, time (optional) and place (optional: the page
    says this workshop's centre). An empty date takes the box off the page."""
    date = iso_date(args, "date")
    time = clock_time(args, "time")
    place = clean_text(args, "place", limits.PLACE_MAX_CHARS, empty_code="bad_text",
                       long_code="place_too_long", allow_empty=True)
    if not date:
        time, place = "", ""
    elif meeting_date(state) and date <= meeting_date(state):
        raise Refusal("next_meeting_not_later")
    n = state.newsletter
    if (date, time, place) == (n.next_date, n.next_time, n.next_place):
        return []
    return [("NextMeetingSet", {"date": date, "time": time, "place": place})]


@applies("LeadWritten", made_by="write_lead", touches=HEADER)
def _lead(state: WorkshopState, e: Event) -> None:
    state.newsletter.lead = e.data["text"]


@applies("ScheduleSet", made_by="set_schedule", touches=HEADER)
def _schedule(state: WorkshopState, e: Event) -> None:
    state.newsletter.start, state.newsletter.end = e.data["start"], e.data["end"]


@applies("NextMeetingSet", made_by="set_next_meeting", touches=HEADER)
def _next(state: WorkshopState, e: Event) -> None:
    n = state.newsletter
    n.next_date, n.next_time, n.next_place = e.data["date"], e.data["time"], e.data["place"]


def next_meeting_text(n: Newsletter, center: str) -> tuple[str, str]:
    """「12月18日（金）19:00〜」 and its place (this workshop's centre when none was
    given), or two empty strings when there is no next meeting."""
    if not n.next_date:
        return "", ""
    when = when_text(n.next_date, n.next_time, "", "ja")
    return when, n.next_place or venue(center)

