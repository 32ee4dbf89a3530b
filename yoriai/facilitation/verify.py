"""Checking a log that comes from outside (an imported archive) by the rules of live commands.

An archive's checksum proves only that the file was not damaged by accident: anyone can
edit the events and seal them again. So each event is replayed through the command that
would have recorded it (declared beside its applier: ``applies(…, made_by=…)``): the
actor it names sends that command, rebuilt from the event's data, to the state the events
before it made, and ``decide`` must record exactly this event — same seq, same data to the
last type, same actor. Everything a live command checks is therefore checked here, with no
second copy of the rules: text (surrogates, limits in characters), ids in order (a new
note's id is the one ``next_id`` gives), references (a つむぎすと granted to someone who
never joined), roles (a participant cannot have granted one, a proxy cannot be one), caps,
budgets, step gates, and that the log starts by creating its workshop.

Who sent an event is its ``actor``: ``facilitator`` (the console, and anyone entering
something for a person without a phone — 代理入力), ``p:<id>`` (that participant, as the
state then saw them: つむぎすと or not), ``projector`` (a phone that had not joined yet:
it can only join).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable
from typing import Any

from .commands import COMMANDS, decide
from .errors import Refusal
from .model import EVENTS, FACILITATOR, PROJECTOR, Actor, Event, Role, WorkshopState, apply
from .text import TextRule, checked_text


class Rejected(Exception):
    """An event live commands could not have recorded; ``why`` says so for a person, and
    ``refusal`` is the command's own refusal when it gave one."""

    def __init__(self, event: Event, why: str, refusal: Refusal | None = None) -> None:
        super().__init__(f"event {event.seq} ({event.type[:40]!r}) {why}")
        self.event, self.why, self.refusal = event, why, refusal


def canonical(event: Event) -> str:
    """An event as the archive's checksum sees it: two events are the same only if every
    value has the same JSON type too (``true`` is not ``1``, ``60`` is not ``60.0``)."""
    return json.dumps(event.to_json(), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), allow_nan=False)


def sender(state: WorkshopState, event: Event,
           proxy_field: str | None) -> tuple[Actor, str | None]:
    """The actor who sent the command, and the participant a facilitator acted for."""
    who = event.actor
    if who == "projector":
        return PROJECTOR, None
    if who == "facilitator":
        pid = event.data.get(proxy_field) if proxy_field else None
        person = state.participants.get(pid) if isinstance(pid, str) else None
        # 代理入力 records the facilitator as the actor and the person as the author.
        return FACILITATOR, (pid if person is not None and person.proxy else None)
    if who.startswith("p:") and who[2:] in state.participants:
        return Actor(Role.PARTICIPANT, who[2:]), None
    raise Rejected(event, f"names a sender that cannot exist here ({who[:40]!r})")


def check(state: WorkshopState, event: Event) -> None:
    """Raise :class:`Rejected` unless a live command sent to ``state`` would have recorded
    ``event`` exactly. ``state`` is not changed."""
    spec = EVENTS.get(event.type)
    if spec is None or spec.made_by is None:
        raise Rejected(event, "is of a kind this Yoriai does not know")
    if event.seq != state.seq + 1:
        raise Rejected(event, f"is out of order (expected seq {state.seq + 1})")
    if isinstance(event.at, bool) or not math.isfinite(event.at):
        raise Rejected(event, "has no real time")
    name = spec.made_by(event.data) if callable(spec.made_by) else spec.made_by
    args: dict[str, Any] = (spec.args(state, event.data) if spec.args is not None
                            else dict(event.data))
    # The event's data carries more than the command took (ids it made, its author …):
    # only the command's own arguments go back in.
    takes = COMMANDS[name].takes if name in COMMANDS else frozenset()
    args = {key: value for key, value in args.items() if key in takes}
    actor, proxy_for = sender(state, event, spec.proxy_for)
    if proxy_for is not None:
        args["proxy_for"] = proxy_for
    try:
        made = decide(state, actor, name, args, event.at)
    except Refusal as exc:
        raise Rejected(event, f"is refused by the rules ({exc.code})", exc) from None
    except Exception as exc:  # whatever the data is, it is a refusal, never a crash
        raise Rejected(event, f"cannot be checked ({type(exc).__name__})") from None
    # A command may record more than one event (a step that makes tables as it opens):
    # ``event`` is its first, and each that follows is checked on its own in turn, by the
    # command that records it alone (``make_tables``).
    try:
        same = bool(made) and canonical(made[0]) == canonical(event)
    except ValueError:  # NaN or an infinity somewhere in the event's data
        same = False
    if not same and not (made and recorded_earlier(made[0].to_json(), event.to_json())):
        raise Rejected(event, "is not what Yoriai records for that command")


def recorded_earlier(made: object, archived: object) -> bool:
    """``archived`` is what the command records now (``made``) but for texts an older
    Yoriai recorded by its older rule (see :func:`older_text`); every other value, and
    every JSON type, the same."""
    if isinstance(made, dict) and isinstance(archived, dict):
        return made.keys() == archived.keys() and all(
            recorded_earlier(made[k], archived[k]) for k in made)
    if isinstance(made, list) and isinstance(archived, list):
        return len(made) == len(archived) and all(map(recorded_earlier, made, archived))
    if isinstance(made, str) and isinstance(archived, str):
        return made == archived or older_text(archived, made)
    return type(made) is type(archived) and made == archived


def older_text(archived: str, made: str) -> bool:
    """Before text.py, Yoriai kept tabs, kept line breaks in every field and trimmed only
    white space (not zero-width characters or a byte-order mark). A text recorded by that
    rule is kept as it was recorded, when it is exactly what that rule left (no other
    control character, NFC, trimmed) and today's check turns it into what the command
    records now: an archive from an older laptop still comes in, byte for byte."""
    if (unicodedata.normalize("NFC", archived) != archived or archived != archived.strip()
            or any(c not in "\n\t" and unicodedata.category(c) == "Cc" for c in archived)):
        return False
    for multiline in (True, False):
        # (The codes are never shown: a refusal here only means "not an older text".)
        rule = TextRule(max(len(archived), 1), empty_code="empty_note",
                        long_code="note_too_long", allow_empty=True, multiline=multiline)
        try:
            if checked_text(archived, rule) == made:
                return True
        except Refusal:
            return False
    return False


def verified_replay(events: Iterable[Event]) -> WorkshopState:
    """The workshop ``events`` make, each checked by :func:`check` before it is applied;
    :class:`Rejected` at the first that live commands could not have recorded."""
    state = WorkshopState()
    for event in events:
        check(state, event)
        apply(state, event)
    return state
