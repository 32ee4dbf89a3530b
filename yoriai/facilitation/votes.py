"""Step 2 (仲間を増やそう): 共感 votes, within each person's budget."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import FACILITATOR_ONLY, PARTICIPANTS, Draft, command, flag, me, ref, whole_number
from .errors import Refusal
from .model import Actor, Event, WorkshopState, applies
from .touch import ALL, touches
from .visibility import can_see_note, can_vote_on

# A vote changes the note's tally, the voter's budget (`me`) and, for the facilitator, what
# the person gave (a proxy's votes are shown on the console).
VOTE = touches(tallies="note_id", me="participant_id", participants="participant_id")


@command("cast_vote", PARTICIPANTS, gated=True, takes=("note_id",))
def cast_vote(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    note_id = ref(args, "note_id", state.notes, "unknown_note")
    note = state.notes[note_id]
    if not can_see_note(state, note, actor):
        raise Refusal("unknown_note")
    if state.settings.vote_scope == "table" and note.table != actor.place(state).table:
        raise Refusal("not_your_table")  # 共感 per table: only to one's own table's notes
    if not can_vote_on(state, note, actor):
        raise Refusal("not_allowed", command="cast_vote")  # seen, but hidden: not on the board
    mine = state.votes.get(pid, {})
    if mine.get(note_id, 0) >= 1 and not state.settings.multi_vote:
        raise Refusal("already_voted")
    if state.votes_counted(pid) >= state.settings.vote_budget:
        raise Refusal("no_votes_left", budget=state.settings.vote_budget)
    return [("VoteCast", {"participant_id": pid, "note_id": note_id})]


@command("retract_vote", PARTICIPANTS, gated=True, takes=("note_id",))
def retract_vote(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    note_id = args.get("note_id")
    if not isinstance(note_id, str) or state.votes.get(pid, {}).get(note_id, 0) < 1:
        raise Refusal("no_vote_to_retract")
    return [("VoteRetracted", {"participant_id": pid, "note_id": note_id})]


@command("set_vote_settings", FACILITATOR_ONLY,
         takes=("vote_budget", "multi_vote", "votes_visible"))
def set_vote_settings(state: WorkshopState, actor: Actor,
                      args: Mapping[str, Any]) -> list[Draft]:
    s = state.settings
    budget = (whole_number(args, "vote_budget", 1, limits.VOTE_BUDGET_MAX)
              if "vote_budget" in args else s.vote_budget)
    multi = flag(args, "multi_vote") if "multi_vote" in args else s.multi_vote
    visible = flag(args, "votes_visible") if "votes_visible" in args else s.votes_visible
    used = max((most_counted(state, p) for p in state.votes), default=0)
    used_priority = max((state.priority_used(p) for p in state.participants), default=0)
    if budget < max(used, used_priority):
        raise Refusal("budget_below_used", used=max(used, used_priority))
    if not multi and any(n > 1 for v in state.votes.values() for n in v.values()):
        raise Refusal("multi_votes_in_use")
    if (budget, multi, visible) == (s.vote_budget, s.multi_vote, s.votes_visible):
        return []
    return [("VoteSettingsChanged", {"vote_budget": budget, "multi_vote": multi,
                                     "votes_visible": visible})]


def most_counted(state: WorkshopState, pid: str) -> int:
    """The most of ``pid``'s votes that count against one budget: all of them, or with
    共感 per table, those on the notes of any one table."""
    if state.settings.vote_scope != "table":
        return state.votes_used(pid)
    per_table: dict[str | None, int] = {}
    for nid, n in state.votes.get(pid, {}).items():
        note = state.notes.get(nid)
        if note is not None:
            per_table[note.table] = per_table.get(note.table, 0) + n
    return max(per_table.values(), default=0)


@applies("VoteCast", made_by="cast_vote", proxy_for="participant_id", touches=VOTE)
def _cast(state: WorkshopState, e: Event) -> None:
    mine = state.votes.setdefault(e.data["participant_id"], {})
    mine[e.data["note_id"]] = mine.get(e.data["note_id"], 0) + 1


@applies("VoteRetracted", made_by="retract_vote", proxy_for="participant_id", touches=VOTE)
def _retracted(state: WorkshopState, e: Event) -> None:
    mine = state.votes[e.data["participant_id"]]
    note_id = e.data["note_id"]
    mine[note_id] -= 1
    if mine[note_id] == 0:
        del mine[note_id]
    if not mine:
        del state.votes[e.data["participant_id"]]


# Tallies (and priority counts) may appear or go, and every budget changes.
@applies("VoteSettingsChanged", made_by="set_vote_settings",
         touches=touches(header=True, proposals=ALL, tallies=ALL, me=ALL))
def _settings(state: WorkshopState, e: Event) -> None:
    state.settings.vote_budget = int(e.data["vote_budget"])
    state.settings.multi_vote = bool(e.data["multi_vote"])
    state.settings.votes_visible = bool(e.data["votes_visible"])
