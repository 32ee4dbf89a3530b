"""The visibility rules themselves, shared by commands (you cannot vote on, edit or even
name what you cannot see) and by the views sent to each recipient.

A viewer is anything with ``privileged``, ``participant_id`` and ``place``: an
:class:`Actor`, or the narrower lens the hub shares between phones (``view.Lens``). These
three facts are all a rule here may read about a viewer. ``place`` is the table the viewer
sits at and whether they host it: an actor reads it from the state it is given (it is never
kept on a connection's actor, which outlives a move between tables); a lens carries it.
"""

from __future__ import annotations

from typing import Protocol

from .model import Note, Place, WorkshopState


class Viewer(Protocol):
    @property
    def privileged(self) -> bool: ...

    @property
    def participant_id(self) -> str | None: ...

    def place(self, state: WorkshopState) -> Place: ...


def is_public(note: Note) -> bool:
    """Seen by everyone in the room: whoever the viewer is does not matter."""
    return not note.hidden and not note.private


def is_own(note: Note, viewer: Viewer) -> bool:
    return viewer.participant_id is not None and note.author == viewer.participant_id


def can_see_note(state: WorkshopState, note: Note, viewer: Viewer) -> bool:
    if viewer.privileged or is_public(note) or is_own(note, viewer):
        # Your own note stays yours, even hidden (you are told it is) or private.
        return True
    if note.hidden or note.table is None:
        return False
    # A table's host sorts its notes before they are revealed: the private notes of their
    # own table, never another table's (and never a hidden one: that is a moderator's).
    place = viewer.place(state)
    return place.host and place.table == note.table


def can_vote_on(state: WorkshopState, note: Note, viewer: Viewer) -> bool:
    """共感 goes to a note on the board: one the voter may see that no facilitator has hidden
    (a hidden note was taken off the board; an author or つむぎすと still sees it, but it is
    not there to be chosen), and not one a host sees only to sort it (another's private
    note). With 共感 per table (``vote_scope`` "table"), only a note of the table the voter
    sits at now. 共感 given before stays, and may be taken back. Views say it per note
    (``votable``), so no client keeps a rule of its own."""
    if note.hidden or not (viewer.privileged or is_public(note) or is_own(note, viewer)):
        return False
    return (state.settings.vote_scope != "table"
            or note.table == viewer.place(state).table)


def can_see_tallies(state: WorkshopState, viewer: Viewer) -> bool:
    return viewer.privileged or state.settings.votes_visible
