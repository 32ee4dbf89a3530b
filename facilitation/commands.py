"""Commands: what a person asks the workshop to do, checked against the state.

Each command is a function ``(state, actor, args) -> drafts`` registered with the roles
that may send it. It reads the state, validates its arguments, and returns the events to
record as ``(type, data)`` drafts, or raises :class:`Refusal`. :func:`decide` numbers the
drafts into events; it never changes the state, so a refused command leaves no trace.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import limits
from .errors import Refusal
from .model import ATTRIBUTES, Actor, Event, NoteKind, Role, WorkshopState

Draft = tuple[str, dict[str, Any]]
Handler = Callable[[WorkshopState, Actor, Mapping[str, Any]], list[Draft]]

ALL_ROLES = frozenset(Role)
PEOPLE = frozenset({Role.PARTICIPANT, Role.COFACILITATOR, Role.FACILITATOR})
MODERATORS = frozenset({Role.COFACILITATOR, Role.FACILITATOR})


@dataclass(frozen=True)
class CommandSpec:
    name: str
    roles: frozenset[Role]
    handler: Handler


COMMANDS: dict[str, CommandSpec] = {}


def command(name: str, roles: frozenset[Role]) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = CommandSpec(name, roles, fn)
        return fn

    return register


def decide(state: WorkshopState, actor: Actor, name: str, args: Mapping[str, Any],
           now: float) -> list[Event]:
    """The events that command ``name`` from ``actor`` produces, or a :class:`Refusal`."""
    spec = COMMANDS.get(name)
    if spec is None:
        raise Refusal("unknown_command", command=name[:40])
    if actor.role not in spec.roles:
        raise Refusal("not_allowed", command=name)
    if name != "create_workshop" and not state.exists:
        raise Refusal("unknown_workshop")
    drafts = spec.handler(state, actor, args)
    return [Event(seq=state.seq + i, type=t, data=d, at=now, actor=actor.key)
            for i, (t, d) in enumerate(drafts, start=1)]


def result_of(events: list[Event]) -> dict[str, Any]:
    """What the ack of a command tells its sender (ids the command created)."""
    result: dict[str, Any] = {}
    for e in events:
        if e.type == "NotePosted":
            result["note_id"] = e.data["note_id"]
        elif e.type == "ParticipantJoined":
            result["participant_id"] = e.data["participant_id"]
        elif e.type == "WorkshopCreated":
            result["code"] = e.data["code"]
    return result


# --- argument checking -------------------------------------------------------------------

def clean_text(args: Mapping[str, Any], key: str, max_chars: int, *, empty_code: str,
               long_code: str) -> str:
    """A user's text, normalised (NFC, trimmed, control characters removed) and checked."""
    raw = args.get(key)
    if not isinstance(raw, str):
        raise Refusal(empty_code)
    text = unicodedata.normalize("NFC", raw)
    # Keep line breaks a person typed; drop other control characters (they break layouts
    # and exports). Bidirectional overrides are kept as text: the pages isolate them.
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = text.strip()
    if not text:
        raise Refusal(empty_code)
    if len(text) > max_chars:
        raise Refusal(long_code, max=max_chars, length=len(text))
    return text


def note_kind(args: Mapping[str, Any]) -> NoteKind:
    try:
        return NoteKind(str(args.get("kind")))
    except ValueError:
        raise Refusal("bad_note_kind") from None


def own_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> str:
    note_id = args.get("note_id")
    note = state.notes.get(note_id) if isinstance(note_id, str) else None
    if note is None:
        raise Refusal("unknown_note")
    if note.author != actor.participant_id and not actor.privileged:
        raise Refusal("not_your_note")
    return note.id


def any_note(state: WorkshopState, args: Mapping[str, Any]) -> str:
    note_id = args.get("note_id")
    if not isinstance(note_id, str) or note_id not in state.notes:
        raise Refusal("unknown_note")
    return note_id


def author_of(state: WorkshopState, actor: Actor) -> str:
    if actor.participant_id is None or actor.participant_id not in state.participants:
        # The facilitator posts for someone without a phone by naming them (代理入力).
        raise Refusal("join_first")
    return actor.participant_id


# --- the commands ------------------------------------------------------------------------

@command("create_workshop", frozenset({Role.FACILITATOR}))
def create_workshop(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    if state.exists:
        raise Refusal("workshop_exists")
    code = args.get("code")
    if not isinstance(code, str) or not code.isalnum() or not 4 <= len(code) <= 16:
        raise Refusal("bad_code")
    title = clean_text(args, "title", limits.TITLE_MAX_CHARS, empty_code="empty_title",
                       long_code="title_too_long")
    center = args.get("center") or ""
    if center:
        center = clean_text(args, "center", limits.CENTER_MAX_CHARS, empty_code="empty_center",
                            long_code="center_too_long")
    return [("WorkshopCreated", {"code": code, "title": title, "center": center})]


@command("join", frozenset({Role.PROJECTOR}))
def join(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    name = clean_text(args, "name", limits.NAME_MAX_CHARS, empty_code="empty_name",
                      long_code="name_too_long")
    attribute = args.get("attribute")
    if attribute not in ATTRIBUTES:
        raise Refusal("bad_attribute")
    return [("ParticipantJoined", {
        "participant_id": f"p{state.participants_made + 1}",
        "name": name,
        "attribute": attribute,
        "show_name": args.get("show_name") is True,
        "proxy": False,
    })]


@command("post_note", frozenset({Role.PARTICIPANT, Role.COFACILITATOR}))
def post_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    author = author_of(state, actor)
    kind = note_kind(args)
    text = clean_text(args, "text", limits.NOTE_MAX_CHARS, empty_code="empty_note",
                      long_code="note_too_long")
    return [("NotePosted", {"note_id": f"n{state.notes_made + 1}", "author": author,
                            "kind": kind.value, "text": text, "step": state.step})]


@command("edit_note", PEOPLE)
def edit_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    note_id = own_note(state, actor, args)
    kind = note_kind(args) if "kind" in args else state.notes[note_id].kind
    text = clean_text(args, "text", limits.NOTE_MAX_CHARS, empty_code="empty_note",
                      long_code="note_too_long")
    return [("NoteEdited", {"note_id": note_id, "text": text, "kind": kind.value})]


@command("delete_note", frozenset({Role.PARTICIPANT, Role.COFACILITATOR}))
def delete_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    note_id = own_note(state, actor, args)
    if state.notes[note_id].author != actor.participant_id:
        # Moderators hide, they do not delete: a hidden note can be brought back.
        raise Refusal("not_your_note")
    return [("NoteDeleted", {"note_id": note_id})]


@command("hide_note", MODERATORS)
def hide_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    note_id = any_note(state, args)
    if state.notes[note_id].hidden:
        return []
    return [("NoteHidden", {"note_id": note_id})]


@command("unhide_note", MODERATORS)
def unhide_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    note_id = any_note(state, args)
    if not state.notes[note_id].hidden:
        return []
    return [("NoteUnhidden", {"note_id": note_id})]
