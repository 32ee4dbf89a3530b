"""The visibility rules themselves, shared by commands (you cannot vote on what you cannot
see) and by the views sent to each recipient."""

from __future__ import annotations

from .model import Actor, Note, WorkshopState


def can_see_note(state: WorkshopState, note: Note, viewer: Actor) -> bool:
    if viewer.privileged:
        return True
    if viewer.participant_id is not None and note.author == viewer.participant_id:
        return True  # your own note stays yours, even hidden (you are told it is)
    return not note.hidden and not note.private


def can_see_tallies(state: WorkshopState, viewer: Actor) -> bool:
    return viewer.privileged or state.settings.votes_visible
