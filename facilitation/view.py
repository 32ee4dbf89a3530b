"""What each recipient may see: the one filter every snapshot and every live event passes.

The server never sends state or events to a socket except through :func:`snapshot` and
:func:`wire_event`, so a rule written here holds for live events, resyncs and snapshots
alike. Note-changing events carry the note as the recipient sees it (``note``) or only its
id (``note_id``) when it leaves their view; a client upserts the one and removes the other.
"""

from __future__ import annotations

from typing import Any

from .model import Actor, Event, Note, WorkshopState


def can_see(note: Note, viewer: Actor) -> bool:
    if viewer.privileged:
        return True
    if note.author == viewer.participant_id:
        return True  # your own note stays yours, even hidden (you are told it is)
    return not note.hidden


def note_view(state: WorkshopState, note: Note, viewer: Actor) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": note.id,
        "kind": note.kind.value,
        "text": note.text,
        "step": note.step,
        "mine": note.author == viewer.participant_id,
        "hidden": note.hidden,
        "edited": note.edited,
    }
    if viewer.privileged:
        author = state.participants.get(note.author)
        view["author"] = note.author
        view["author_name"] = author.name if author else ""
    return view


def participant_view(state: WorkshopState, pid: str) -> dict[str, Any]:
    p = state.participants[pid]
    return {"id": p.id, "name": p.name, "attribute": p.attribute, "proxy": p.proxy}


def snapshot(state: WorkshopState, viewer: Actor) -> dict[str, Any]:
    snap: dict[str, Any] = {
        "workshop": {"code": state.code, "title": state.title, "center": state.center,
                     "step": state.step},
        "participant_count": len(state.participants),
        "notes": [note_view(state, n, viewer) for n in state.notes.values()
                  if can_see(n, viewer)],
        "me": (participant_view(state, viewer.participant_id)
               if viewer.participant_id in state.participants else None),
    }
    if viewer.privileged:
        snap["participants"] = [participant_view(state, pid) for pid in state.participants]
    return snap


def wire_event(event: Event, state: WorkshopState, viewer: Actor) -> dict[str, Any] | None:
    """``event`` as ``viewer`` may receive it, judged against the current ``state``;
    ``None`` when it tells them nothing they may know."""
    data = _wire_data(event, state, viewer)
    if data is None:
        return None
    return {"type": "event", "seq": event.seq, "event": event.type, "data": data}


def _wire_data(event: Event, state: WorkshopState, viewer: Actor) -> dict[str, Any] | None:
    t, d = event.type, event.data
    if t == "WorkshopCreated":
        return {"title": d["title"], "center": d["center"]}
    if t == "ParticipantJoined":
        data: dict[str, Any] = {"participant_count": len(state.participants)}
        if viewer.privileged and d["participant_id"] in state.participants:
            data["participant"] = participant_view(state, d["participant_id"])
        return data
    if t in ("NotePosted", "NoteEdited", "NoteHidden", "NoteUnhidden"):
        note = state.notes.get(d["note_id"])
        if note is None:
            return None  # deleted since; its NoteDeleted follows
        if can_see(note, viewer):
            return {"note": note_view(state, note, viewer)}
        # Out of sight for this viewer: a hide takes it off their board, anything else
        # about it is none of their business.
        return {"note_id": note.id} if t == "NoteHidden" else None
    if t == "NoteDeleted":
        return {"note_id": d["note_id"]}
    raise ValueError(f"no view for event type {t!r}")
