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
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Refusal
from .model import EVENTS, Actor, Event, Role, WorkshopState, place_of
from .text import BAD_TEXT, TextRule, checked_text

Draft = tuple[str, dict[str, Any]]
Handler = Callable[[WorkshopState, Actor, Mapping[str, Any]], list[Draft]]
# The tables a command touches, from its arguments (None: something of the whole room).
TablesOf = Callable[[WorkshopState, Mapping[str, Any]], set[str | None]]

ALL_ROLES = frozenset(Role)
PEOPLE = frozenset({Role.PARTICIPANT, Role.TABLE_HOST, Role.COFACILITATOR, Role.FACILITATOR})
# A table host is a participant too: posts, votes, joins themes like anyone.
PARTICIPANTS = frozenset({Role.PARTICIPANT, Role.TABLE_HOST, Role.COFACILITATOR})
MODERATORS = frozenset({Role.COFACILITATOR, Role.FACILITATOR})
# The moderators' tools a table host has too, for their own table only (``tables=``).
HOSTS = MODERATORS | {Role.TABLE_HOST}
FACILITATOR_ONLY = frozenset({Role.FACILITATOR})


# 代理入力: the argument a facilitator (or つむぎすと) adds to any command to act for a
# person without a phone. Every command takes it (see :func:`proxy_for`).
PROXY_FOR = "proxy_for"


@dataclass(frozen=True)
class CommandSpec:
    name: str
    roles: frozenset[Role]
    handler: Handler
    # A participant may send it only while the current step opens it (see program.py).
    gated: bool = False
    # The arguments it reads (besides PROXY_FOR): any other is refused, not ignored, so a
    # misspelt or retired argument (``on_behalf_of``) is an error its sender sees.
    takes: frozenset[str] = frozenset()
    # The tables it touches (declared by the commands a table host may send as host): a
    # host may send it only when every one is their own table.
    tables: TablesOf | None = None


COMMANDS: dict[str, CommandSpec] = {}


def command(name: str, roles: frozenset[Role], *, gated: bool = False,
            takes: tuple[str, ...] = (),
            tables: TablesOf | None = None) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        if Role.TABLE_HOST in roles and Role.PARTICIPANT not in roles and tables is None:
            raise ValueError(f"{name}: a host's command must say which tables it touches")
        COMMANDS[name] = CommandSpec(name, roles, fn, gated, frozenset(takes), tables)
        return fn

    return register


def effective_actor(state: WorkshopState, actor: Actor) -> Actor:
    """The actor as the *current* state sees it: a participant made つむぎすと (or a table's
    host) since they connected acts as one; one whose powers were revoked does not; one the
    facilitator removed is no one any more and sees the public board. Authorised per
    message: つむぎすと > table host > participant."""
    pid = actor.participant_id
    if actor.role in SOMEONE and pid is not None:
        if pid not in state.participants:
            return Actor(Role.PROJECTOR)
        if pid in state.cofacilitators:
            return Actor(Role.COFACILITATOR, pid)
        if place_of(state, pid).host:
            return Actor(Role.TABLE_HOST, pid)
        return Actor(Role.PARTICIPANT, pid)
    return actor


# The roles a joined person may have (which one is decided per message, from the state).
SOMEONE = frozenset({Role.PARTICIPANT, Role.TABLE_HOST, Role.COFACILITATOR})


def as_host(state: WorkshopState, spec: CommandSpec, actor: Actor,
            args: Mapping[str, Any]) -> Actor:
    """A table host's command: sent as host (a moderator's tool, for their own table only)
    when the command declares its tables and every one is the host's; else as the
    participant they also are; else refused — ``not_your_table`` when it was a host's
    tool aimed at another table or at the whole room."""
    if spec.tables is not None and Role.TABLE_HOST in spec.roles:
        own = place_of(state, actor.participant_id).table
        if own is not None and spec.tables(state, args) <= {own}:
            return actor
        if Role.PARTICIPANT not in spec.roles:
            raise Refusal("not_your_table")
    return Actor(Role.PARTICIPANT, actor.participant_id)


def decide(state: WorkshopState, actor: Actor, name: str, args: Mapping[str, Any],
           now: float) -> list[Event]:
    """The events that command ``name`` from ``actor`` produces, or a :class:`Refusal`."""
    spec = COMMANDS.get(name)
    if spec is None:
        # The name is echoed to its sender: only when it is one we could have written
        # (a lone surrogate in an echo could not even be sent back).
        raise Refusal("unknown_command", command=name if COMMAND_NAME.fullmatch(name) else "")
    unknown = sorted(key for key in args if key not in spec.takes and key != PROXY_FOR)
    if unknown:
        # Echoed only when it is a name we could have written, as a command's name is.
        raise Refusal("unknown_argument",
                      argument=unknown[0] if COMMAND_NAME.fullmatch(unknown[0]) else "")
    if name != "create_workshop" and not state.exists:
        raise Refusal("unknown_workshop")
    if actor.participant_id is not None and actor.participant_id not in state.participants:
        raise Refusal("join_first")  # removed (or never joined): speaks for no one
    actor = effective_actor(state, actor)
    person = args.get(PROXY_FOR)
    if person is not None:
        actor = proxy_for(state, actor, person)
    elif actor.role is Role.TABLE_HOST:
        actor = as_host(state, spec, actor, args)
    if actor.role not in spec.roles:
        raise Refusal("not_allowed", command=name)
    # Moderators, 代理入力 and a host at their own table are not held by the step.
    if (spec.gated and not actor.privileged and not actor.proxy
            and actor.role is not Role.TABLE_HOST):
        if state.locked:
            raise Refusal("board_locked")
        step = state.program.step(state.step)
        if step is None or name not in step.opens:
            label = step.label["ja"] if step else state.step
            raise Refusal("step_closed", step=label)
    drafts = spec.handler(state, actor, args)
    for _, data in drafts:
        storable(data)
    return [Event(seq=state.seq + i, type=t, data=d, at=now, actor=actor.key)
            for i, (t, d) in enumerate(drafts, start=1)]


# What a command or argument name looks like (every one we use does; 40 is longer than any).
COMMAND_NAME = re.compile(r"[a-z][a-z_]{0,39}")


def storable(data: Mapping[str, Any]) -> None:
    """Refuse an event the store could not write, *before* it gets a seq: encoded exactly
    as the store encodes it (JSON, UTF-8), with NaN and infinities refused as the archive
    refuses them. Every text has already passed :func:`clean_text`; this is the second
    lock on the same door, for whatever a handler puts in an event."""
    try:
        json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Refusal(BAD_TEXT) from None
    except (ValueError, TypeError, RecursionError):
        raise Refusal("bad_value", field="data") from None


def proxy_for(state: WorkshopState, actor: Actor, pid: object) -> Actor:
    """代理入力: a facilitator (or つむぎすと) acting for a participant without a phone; or a
    table host, for a proxy seated at the host's own table."""
    if not actor.privileged and actor.role is not Role.TABLE_HOST:
        raise Refusal("not_allowed", command=PROXY_FOR)
    person = state.participants.get(pid) if isinstance(pid, str) else None
    if person is None or not person.proxy:
        raise Refusal("not_a_proxy")
    if not actor.privileged and person.table != place_of(state, actor.participant_id).table:
        raise Refusal("not_your_table")
    return Actor(Role.PARTICIPANT, person.id, proxy=True)


def result_of(events: list[Event]) -> dict[str, Any]:
    """What the ack of a command tells its sender (ids the command created)."""
    result: dict[str, Any] = {}
    for e in events:
        key = EVENTS[e.type].result  # declared with the event (``applies(result=…)``)
        if key is not None:
            result[key] = e.data[key]
    return result


# --- argument checking -------------------------------------------------------------------

def clean_text(args: Mapping[str, Any], key: str, max_chars: int, *, empty_code: str,
               long_code: str, allow_empty: bool = False, multiline: bool = False,
               field: str | None = None) -> str:
    """The text in ``args[key]`` as it is recorded, or a refusal: every command's free text
    goes through :func:`text.checked_text` (see its rules). ``multiline`` keeps line
    breaks (notes, aims, records, reviews); single-line fields (names, titles) turn them
    into spaces. Absent or null is no text (the field's empty code, or "" where it may be
    empty); a number, a list or an object is not text at all: ``bad_value`` naming the
    argument (``field``, when ``key`` is an item of a list argument)."""
    value = args.get(key)
    if value is not None and not isinstance(value, str):
        raise Refusal("bad_value", field=field or key)
    rule = TextRule(max_chars, empty_code=empty_code, long_code=long_code,
                    allow_empty=allow_empty, multiline=multiline)
    return checked_text(value, rule)


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
