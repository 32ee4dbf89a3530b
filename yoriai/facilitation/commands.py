"""Commands: what a person asks the workshop to do, checked against the state.

Each command is a function ``(state, actor, args) -> drafts`` registered with the roles
that may send it and whether a step must open it to participants. It reads the state,
validates its arguments, and returns the events to record as ``(type, data)`` drafts, or
raises :class:`Refusal`. :func:`decide` checks the rules every command shares (who, which
step, locked board, 代理入力) and numbers the drafts into events; it never changes the
state, so a refused command leaves no trace.

The commands themselves live by area: ``notes``, ``people``, ``votes``, ``themes``,
``plan``, ``steering``.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Refusal
from .model import Actor, Event, Role, WorkshopState

Draft = tuple[str, dict[str, Any]]
Handler = Callable[[WorkshopState, Actor, Mapping[str, Any]], list[Draft]]

ALL_ROLES = frozenset(Role)
PEOPLE = frozenset({Role.PARTICIPANT, Role.COFACILITATOR, Role.FACILITATOR})
PARTICIPANTS = frozenset({Role.PARTICIPANT, Role.COFACILITATOR})
MODERATORS = frozenset({Role.COFACILITATOR, Role.FACILITATOR})
FACILITATOR_ONLY = frozenset({Role.FACILITATOR})


@dataclass(frozen=True)
class CommandSpec:
    name: str
    roles: frozenset[Role]
    handler: Handler
    # A participant may send it only while the current step opens it (see program.py).
    gated: bool = False


COMMANDS: dict[str, CommandSpec] = {}


def command(name: str, roles: frozenset[Role], *, gated: bool = False
            ) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = CommandSpec(name, roles, fn, gated)
        return fn

    return register


def effective_actor(state: WorkshopState, actor: Actor) -> Actor:
    """The actor as the *current* state sees it: a participant made つむぎすと since they
    connected acts as one; one whose powers were revoked does not; one the facilitator
    removed is no one any more and sees the public board. Authorised per message."""
    pid = actor.participant_id
    if actor.role in (Role.PARTICIPANT, Role.COFACILITATOR) and pid is not None:
        if pid not in state.participants:
            return Actor(Role.PROJECTOR)
        role = Role.COFACILITATOR if pid in state.cofacilitators else Role.PARTICIPANT
        return Actor(role, pid)
    return actor


def decide(state: WorkshopState, actor: Actor, name: str, args: Mapping[str, Any],
           now: float) -> list[Event]:
    """The events that command ``name`` from ``actor`` produces, or a :class:`Refusal`."""
    spec = COMMANDS.get(name)
    if spec is None:
        raise Refusal("unknown_command", command=name[:40])
    if name != "create_workshop" and not state.exists:
        raise Refusal("unknown_workshop")
    if actor.participant_id is not None and actor.participant_id not in state.participants:
        raise Refusal("join_first")  # removed (or never joined): speaks for no one
    actor = effective_actor(state, actor)
    behalf = args.get("on_behalf_of")
    if behalf is not None:
        actor = on_behalf(state, actor, behalf)
    if actor.role not in spec.roles:
        raise Refusal("not_allowed", command=name)
    if spec.gated and not actor.privileged and not actor.on_behalf:
        if state.locked:
            raise Refusal("board_locked")
        step = state.program.step(state.step)
        if step is None or name not in step.opens:
            label = step.label["ja"] if step else state.step
            raise Refusal("step_closed", step=label)
    drafts = spec.handler(state, actor, args)
    return [Event(seq=state.seq + i, type=t, data=d, at=now, actor=actor.key)
            for i, (t, d) in enumerate(drafts, start=1)]


def on_behalf(state: WorkshopState, actor: Actor, behalf: object) -> Actor:
    """代理入力: a facilitator (or つむぎすと) acting for a participant without a phone."""
    if not actor.privileged:
        raise Refusal("not_allowed", command="on_behalf_of")
    person = state.participants.get(behalf) if isinstance(behalf, str) else None
    if person is None or not person.proxy:
        raise Refusal("not_a_proxy")
    return Actor(Role.PARTICIPANT, person.id, on_behalf=True)


def result_of(events: list[Event]) -> dict[str, Any]:
    """What the ack of a command tells its sender (ids the command created)."""
    keys = {"NotePosted": "note_id", "ParticipantJoined": "participant_id",
            "WorkshopCreated": "code", "ThemeCreated": "theme_id",
            "ActionCreated": "action_id", "ReviewPosted": "review_id"}
    result: dict[str, Any] = {}
    for e in events:
        key = keys.get(e.type)
        if key is not None:
            result[key] = e.data[key]
    return result


# --- argument checking -------------------------------------------------------------------

def clean_text(args: Mapping[str, Any], key: str, max_chars: int, *, empty_code: str,
               long_code: str, allow_empty: bool = False) -> str:
    """A user's text, normalised (NFC, trimmed, control characters removed) and checked."""
    raw = args.get(key)
    if raw is None and allow_empty:
        return ""
    if not isinstance(raw, str):
        raise Refusal(empty_code)
    text = unicodedata.normalize("NFC", raw)
    # Keep line breaks a person typed; drop other control characters (they break layouts
    # and exports). Bidirectional overrides are kept as text: the pages isolate them.
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = text.strip()
    if not text and not allow_empty:
        raise Refusal(empty_code)
    if len(text) > max_chars:
        raise Refusal(long_code, max=max_chars, length=len(text))
    return text


def flag(args: Mapping[str, Any], key: str) -> bool:
    value = args.get(key)
    if not isinstance(value, bool):
        raise Refusal("bad_value", field=key)
    return value


def whole_number(args: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = args.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Refusal("bad_number", field=key, low=low, high=high)
    return value


def iso_date(args: Mapping[str, Any], key: str, *, allow_empty: bool = True) -> str:
    value = args.get(key, "")
    if value in ("", None) and allow_empty:
        return ""
    if not isinstance(value, str):
        raise Refusal("bad_date")
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise Refusal("bad_date") from None


def ref(args: Mapping[str, Any], key: str, table: Mapping[str, Any], code: str) -> str:
    """The id in ``args[key]`` if ``table`` has it, else the refusal ``code``."""
    value = args.get(key)
    if not isinstance(value, str) or value not in table:
        raise Refusal(code)
    return value


def me(state: WorkshopState, actor: Actor) -> str:
    """The participant an actor speaks for; the facilitator must name one (代理入力)."""
    pid = actor.participant_id
    if pid is None or pid not in state.participants:
        raise Refusal("join_first")
    return pid
