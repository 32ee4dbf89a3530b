"""The visibility rules themselves, shared by commands (you cannot vote on, edit or even
name what you cannot see) and by the views sent to each recipient.

A viewer is anything with ``privileged`` and ``participant_id``: an :class:`Actor`, or the
narrower lens the hub shares between phones (``view.Lens``). These two facts are all a
rule here may read about a viewer.
"""

from __future__ import annotations

from typing import Protocol

from .model import Note, WorkshopState


class Viewer(Protocol):
    @property
    def privileged(self) -> bool: ...

    @property
    def participant_id(self) -> str | None: ...


def is_public(note: Note) -> bool:
    """Seen by everyone in the room: whoever the viewer is does not matter."""
    return not note.hidden and not note.private


def can_see_note(state: WorkshopState, note: Note, viewer: Viewer) -> bool:
    if viewer.privileged or is_public(note):
        return True
    # Your own note stays yours, even hidden (you are told it is) or private.
    return viewer.participant_id is not None and note.author == viewer.participant_id


def can_vote_on(state: WorkshopState, note: Note, viewer: Viewer) -> bool:
    """共感 goes to a note on the board: one the voter may see that no facilitator has hidden
    (a hidden note was taken off the board; an author or つむぎすと still sees it, but it is
    not there to be chosen). 共感 given before it was hidden stays, and may be taken back.
    Views say it per note (``votable``), so no client keeps a rule of its own."""
    return not note.hidden and can_see_note(state, note, viewer)


def can_see_tallies(state: WorkshopState, viewer: Viewer) -> bool:
    return viewer.privileged or state.settings.votes_visible
