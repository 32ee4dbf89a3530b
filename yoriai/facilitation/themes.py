"""Step 2 (仲間を増やそう): grouping notes into themes (輪), and joining the one you want
to work on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import HOSTS, PARTICIPANTS, Draft, clean_text, command, me, ref
from .errors import Refusal
from .model import Actor, Event, Proposal, Role, Theme, WorkshopState, applies, place_of
from .notes import seen_note
from .touch import ALL, Touch, TouchRule, touches
from .visibility import is_public

MEMBERSHIP = touches(themes="theme_id", me="participant_id")


def theme_title(args: Mapping[str, Any]) -> str:
    return clean_text(args, "title", limits.THEME_TITLE_MAX_CHARS, empty_code="empty_theme",
                      long_code="theme_too_long")


# --- the tables each command touches (a table host's tools stop at their own table) -------

def _of_note(state: WorkshopState, note_id: object) -> set[str | None]:
    """The table of a note, and of the theme it sits in. Only a public note says: a note a
    host may not see is refused as unknown by the command itself, so that a refusal never
    tells a hidden or private note's table (nor that it exists)."""
    note = state.notes.get(note_id) if isinstance(note_id, str) else None
    if note is None or not is_public(note):
        return set()
    return {note.table} | _of_theme(state, note.theme)


def _of_theme(state: WorkshopState, theme_id: object) -> set[str | None]:
    theme = state.themes.get(theme_id) if isinstance(theme_id, str) else None
    return set() if theme is None else {theme.table}


def _creating(state: WorkshopState, args: Mapping[str, Any]) -> set[str | None]:
    table = args.get("table_id")
    many = args.get("note_ids")
    found = _of_note(state, args.get("note_id")) | ({table} if isinstance(table, str) else set())
    for note_id in many[: limits.NOTES_MAX] if isinstance(many, list) else ():
        found |= _of_note(state, note_id)
    return found


def _notes_taken(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[str]:
    """The notes a new theme takes along: ``note_id`` (a note dropped on the empty area)
    and ``note_ids`` (a suggested group accepted in one click, 「まとめ方の提案」), each one
    the actor may see, in order, once."""
    raw = args.get("note_ids")
    raw = [] if raw is None else raw
    if not isinstance(raw, list) or len(raw) > limits.NOTES_MAX:
        raise Refusal("unknown_note")
    wanted = ([args["note_id"]] if args.get("note_id") is not None else []) + raw
    taken: list[str] = []
    for note_id in wanted:
        seen = seen_note(state, actor, {"note_id": note_id})
        if seen not in taken:
            taken.append(seen)
    return taken


def _grouping(state: WorkshopState, args: Mapping[str, Any]) -> set[str | None]:
    return _of_note(state, args.get("note_id")) | _of_theme(state, args.get("theme_id"))


def _merging(state: WorkshopState, args: Mapping[str, Any]) -> set[str | None]:
    return _of_theme(state, args.get("source")) | _of_theme(state, args.get("target"))


def _theme(state: WorkshopState, args: Mapping[str, Any]) -> set[str | None]:
    return _of_theme(state, args.get("theme_id"))


@command("create_theme", HOSTS, takes=("title", "note_id", "note_ids", "table_id"),
         tables=_creating)
def create_theme(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """A new theme: the room's, or a table's (``table_id``; without one, a theme made from
    a note is the note's table's — notes' when they share one — and ``table_id`` null
    makes it the room's). A table host's theme is always their own table's."""
    title = theme_title(args)
    taken = _notes_taken(state, actor, args)
    table = args.get("table_id")
    if table is not None:
        table = ref(args, "table_id", state.tables, "unknown_table")
    elif "table_id" not in args and taken:
        tables = {state.notes[n].table for n in taken}
        table = tables.pop() if len(tables) == 1 else None
    if actor.role is Role.TABLE_HOST:
        table = place_of(state, actor.participant_id).table
    if len(state.themes) >= limits.THEMES_MAX:
        raise Refusal("too_many", what="themes", max=limits.THEMES_MAX)
    theme_id = state.next_id("t")
    data: dict[str, Any] = {"theme_id": theme_id, "title": title}
    if table is not None:
        data["table"] = table
    drafts: list[Draft] = [("ThemeCreated", data)]
    # A theme is usually made by dropping a note on the empty area: take it along (and a
    # suggested group's notes, all of them).
    for note_id in taken:
        drafts.append(("NoteGrouped", {"note_id": note_id, "theme_id": theme_id}))
    return drafts


@command("rename_theme", HOSTS, takes=("theme_id", "title"), tables=_theme)
def rename_theme(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    theme_id = ref(args, "theme_id", state.themes, "unknown_theme")
    title = theme_title(args)
    if state.themes[theme_id].title == title:
        return []
    return [("ThemeRenamed", {"theme_id": theme_id, "title": title})]


@command("group_note", HOSTS, takes=("note_id", "theme_id"), tables=_grouping)
def group_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Move a note into a theme, or (``theme_id`` null) back to the unsorted notes."""
    note_id = seen_note(state, actor, args)
    theme_id = args.get("theme_id")
    if theme_id is not None:
        theme_id = ref(args, "theme_id", state.themes, "unknown_theme")
    if state.notes[note_id].theme == theme_id:
        return []
    return [("NoteGrouped", {"note_id": note_id, "theme_id": theme_id})]


@command("merge_themes", HOSTS, takes=("source", "target"), tables=_merging)
def merge_themes(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Two themes that say the same: the first goes into the second, notes, members,
    proposal, priority and actions included."""
    source = ref(args, "source", state.themes, "unknown_theme")
    target = ref(args, "target", state.themes, "unknown_theme")
    if source == target:
        raise Refusal("same_theme")
    return [("ThemesMerged", {"source": source, "target": target})]


@command("delete_theme", HOSTS, takes=("theme_id",), tables=_theme)
def delete_theme(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    theme_id = ref(args, "theme_id", state.themes, "unknown_theme")
    proposal = state.proposals.get(theme_id)
    if (proposal is not None and proposal.aim) or any(
            a.theme == theme_id for a in state.actions.values()):
        raise Refusal("theme_in_use")
    return [("ThemeDeleted", {"theme_id": theme_id})]


@command("join_theme", PARTICIPANTS, gated=True, takes=("theme_id",))
def join_theme(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    theme_id = ref(args, "theme_id", state.themes, "unknown_theme")
    if pid in state.themes[theme_id].members:
        return []
    return [("ThemeJoined", {"theme_id": theme_id, "participant_id": pid})]


@command("leave_theme", PARTICIPANTS, gated=True, takes=("theme_id",))
def leave_theme(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    theme_id = ref(args, "theme_id", state.themes, "unknown_theme")
    if pid not in state.themes[theme_id].members:
        return []
    return [("ThemeLeft", {"theme_id": theme_id, "participant_id": pid})]


@applies("ThemeCreated", made_by="create_theme",
         args=lambda s, d: {"title": d.get("title"), "table_id": d.get("table")},
         result="theme_id", creates="t", touches=touches(themes="theme_id"))
def _created(state: WorkshopState, e: Event) -> None:
    state.themes[e.data["theme_id"]] = Theme(id=e.data["theme_id"], title=e.data["title"],
                                             table=e.data.get("table"))


@applies("ThemeRenamed", made_by="rename_theme", touches=touches(themes="theme_id"))
def _renamed(state: WorkshopState, e: Event) -> None:
    state.themes[e.data["theme_id"]].title = e.data["title"]


@applies("NoteGrouped", made_by="group_note", touches=touches(notes="note_id", themes=ALL))
def _grouped(state: WorkshopState, e: Event) -> None:
    note = state.notes[e.data["note_id"]]
    if note.theme is not None:
        state.themes[note.theme].notes.remove(note.id)
    note.theme = e.data["theme_id"]
    if note.theme is not None:
        state.themes[note.theme].notes.append(note.id)


# Notes, members, proposals, priority and actions may all move; the focus follows.
_GONE = touches(notes=ALL, themes=ALL, proposals=ALL, actions=ALL, participants=ALL, me=ALL)


def _gone_touches(field: str) -> TouchRule:
    """A theme goes (merged into another, or deleted): everything that named it, the
    projector if it showed it, and the tables made from it (``Table.theme``)."""
    def rule(d: dict[str, Any], before: WorkshopState) -> Touch:
        touch = _GONE(d, before)
        if before.focus == {"kind": "theme", "id": d[field]}:
            touch.workshop = True
        if any(t.theme == d[field] for t in before.tables.values()):
            touch.all("tables")
        return touch

    return rule


def _retheme_tables(state: WorkshopState, old: str, new: str | None) -> None:
    for table in state.tables.values():
        if table.theme == old:
            table.theme = new


@applies("ThemesMerged", made_by="merge_themes", touches=_gone_touches("source"))
def _merged(state: WorkshopState, e: Event) -> None:
    source = state.themes.pop(e.data["source"])
    target = state.themes[e.data["target"]]
    _retheme_tables(state, source.id, target.id)
    for note_id in source.notes:
        state.notes[note_id].theme = target.id
        target.notes.append(note_id)
    target.members.extend(m for m in source.members if m not in target.members)
    old = state.proposals.pop(source.id, None)
    if old is not None:
        kept = state.proposals.get(target.id)
        if kept is None or not kept.aim:
            state.proposals[target.id] = Proposal(
                theme=target.id, aim=old.aim, ideas=old.ideas, chosen=old.chosen,
                priority=list(kept.priority if kept else []), edited_by=old.edited_by)
            kept = state.proposals[target.id]
        # Priority given to either stays, once per person.
        kept.priority.extend(p for p in old.priority if p not in kept.priority)
        kept.chosen = kept.chosen or old.chosen
    for action in state.actions.values():
        if action.theme == source.id:
            action.theme = target.id
    if state.focus == {"kind": "theme", "id": source.id}:
        state.focus = {"kind": "theme", "id": target.id}


@applies("ThemeDeleted", made_by="delete_theme", touches=_gone_touches("theme_id"))
def _deleted(state: WorkshopState, e: Event) -> None:
    theme = state.themes.pop(e.data["theme_id"])
    _retheme_tables(state, theme.id, None)
    for note_id in theme.notes:
        state.notes[note_id].theme = None
    state.proposals.pop(theme.id, None)
    if state.focus == {"kind": "theme", "id": theme.id}:
        state.focus = None


@applies("ThemeJoined", made_by="join_theme", proxy_for="participant_id", touches=MEMBERSHIP)
def _joined(state: WorkshopState, e: Event) -> None:
    state.themes[e.data["theme_id"]].members.append(e.data["participant_id"])


@applies("ThemeLeft", made_by="leave_theme", proxy_for="participant_id", touches=MEMBERSHIP)
def _left(state: WorkshopState, e: Event) -> None:
    state.themes[e.data["theme_id"]].members.remove(e.data["participant_id"])
