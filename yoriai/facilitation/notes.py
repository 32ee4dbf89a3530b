"""Step 1 (確かめてみよう): sticky notes — 魅力, 課題, 思い — and their moderation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import MODERATORS, PARTICIPANTS, PEOPLE, Draft, clean_text, command, me, ref
from .errors import Refusal
from .maps import given_pin, pin_data
from .model import Actor, Event, Note, NoteKind, Pin, Role, WorkshopState, applies
from .touch import ALL, touches
from .visibility import can_see_note


def note_kind(args: Mapping[str, Any]) -> NoteKind:
    try:
        return NoteKind(str(args.get("kind")))
    except ValueError:
        raise Refusal("bad_note_kind") from None


def note_text(args: Mapping[str, Any]) -> str:
    return clean_text(args, "text", limits.NOTE_MAX_CHARS, empty_code="empty_note",
                      long_code="note_too_long", multiline=True)


def seen_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> str:
    """The note ``args`` names, if ``actor`` may see it. A note you may not see (hidden,
    private) is, to you, one that does not exist: a refusal must not tell that its id is
    real."""
    note_id = ref(args, "note_id", state.notes, "unknown_note")
    if not can_see_note(state, state.notes[note_id], actor):
        raise Refusal("unknown_note")
    return note_id


def own_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> str:
    note_id = seen_note(state, actor, args)
    if state.notes[note_id].author != actor.participant_id and not actor.privileged:
        raise Refusal("not_your_note")
    return note_id


@command("post_note", PARTICIPANTS, gated=True, takes=("kind", "text", "pin"))
def post_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    author = me(state, actor)
    kind, text, pin = note_kind(args), note_text(args), given_pin(state, args)
    if len(state.notes) >= limits.NOTES_MAX:
        raise Refusal("too_many", what="notes", max=limits.NOTES_MAX)
    data: dict[str, Any] = {
        "note_id": state.next_id("n"), "author": author, "kind": kind.value, "text": text,
        "step": state.step, "private": state.settings.private_notes, "by_proxy": actor.proxy}
    if state.round > 0:
        # Once there are tables a note stays with the table (and round) it was written at:
        # the author's seat now (代理入力: the proxied person's).
        data.update(table=state.participants[author].table, round=state.round)
    if pin is not None:
        # Only when given: an evening without a map logs byte for byte as before it.
        data["pin"] = pin_data(pin)
    return [("NotePosted", data)]


@command("edit_note", PEOPLE, gated=True, takes=("note_id", "text", "kind"))
def edit_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    note_id = own_note(state, actor, args)
    kind = note_kind(args) if "kind" in args else state.notes[note_id].kind
    return [("NoteEdited", {"note_id": note_id, "text": note_text(args), "kind": kind.value})]


@command("delete_note", PEOPLE, gated=True, takes=("note_id",))
def delete_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    note_id = seen_note(state, actor, args)
    # The author takes their own note back; the facilitator may delete anyone's (spam, a
    # bot's). つむぎすと hide, they do not delete: a hidden note can be brought back.
    if state.notes[note_id].author != actor.participant_id and actor.role is not Role.FACILITATOR:
        raise Refusal("not_your_note")
    return [("NoteDeleted", {"note_id": note_id})]


@command("hide_note", MODERATORS, takes=("note_id",))
def hide_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    note_id = ref(args, "note_id", state.notes, "unknown_note")
    return [] if state.notes[note_id].hidden else [("NoteHidden", {"note_id": note_id})]


@command("unhide_note", MODERATORS, takes=("note_id",))
def unhide_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    note_id = ref(args, "note_id", state.notes, "unknown_note")
    return [("NoteUnhidden", {"note_id": note_id})] if state.notes[note_id].hidden else []


@applies("NotePosted", made_by="post_note", proxy_for="author", result="note_id", creates="n",
         touches=touches(notes="note_id", tallies="note_id", me="author"))
def _posted(state: WorkshopState, e: Event) -> None:
    d = e.data
    state.notes[d["note_id"]] = Note(
        id=d["note_id"], author=d["author"], kind=NoteKind(d["kind"]), text=d["text"],
        step=d["step"], posted_at=e.at, private=bool(d.get("private", False)),
        meeting=state.meeting, by_proxy=bool(d.get("by_proxy", False)),
        table=d.get("table"), round=int(d.get("round", 0)),
        pin=Pin(x=d["pin"]["x"], y=d["pin"]["y"]) if d.get("pin") is not None else None,
    )


@applies("NoteEdited", made_by="edit_note", touches=touches(notes="note_id", tallies="note_id"))
def _edited(state: WorkshopState, e: Event) -> None:
    note = state.notes[e.data["note_id"]]
    note.text = e.data["text"]
    note.kind = NoteKind(e.data["kind"])
    note.edited = True


# Its author's list changes, 共感 given to it is refunded to whoever gave it (every `me`
# and participant), and the projector loses it if it showed it.
@applies("NoteDeleted", made_by="delete_note",
         touches=touches(notes="note_id", tallies="note_id", me=ALL, participants=ALL,
                         focus=("note", "note_id")))
def _deleted(state: WorkshopState, e: Event) -> None:
    forget_note(state, e.data["note_id"])


def forget_note(state: WorkshopState, note_id: str) -> None:
    """A note leaves the board: its place in a theme, the 共感 on it, the focus on it."""
    note = state.notes.pop(note_id)
    if note.theme is not None and note.theme in state.themes:
        state.themes[note.theme].notes.remove(note.id)
    for votes in state.votes.values():
        votes.pop(note.id, None)  # 共感 given to a removed note goes back to its giver
    if state.focus == {"kind": "note", "id": note.id}:
        state.focus = None


@applies("NoteHidden", made_by="hide_note",
         touches=touches(notes="note_id", tallies="note_id", focus=("note", "note_id")))
def _hidden(state: WorkshopState, e: Event) -> None:
    state.notes[e.data["note_id"]].hidden = True
    if state.focus == {"kind": "note", "id": e.data["note_id"]}:
        state.focus = None  # a hidden note is not shown on the projector either


@applies("NoteUnhidden", made_by="unhide_note",
         touches=touches(notes="note_id", tallies="note_id"))
def _unhidden(state: WorkshopState, e: Event) -> None:
    state.notes[e.data["note_id"]].hidden = False
