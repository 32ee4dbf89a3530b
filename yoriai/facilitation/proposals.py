"""Step 3 (地域の活動にしよう): each theme's proposal (計画案) — what it aims at and ideas
for how — written by the theme's members, chosen by the facilitator, and given priority by
the room within each person's budget."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import MODERATORS, PARTICIPANTS, PEOPLE, Draft, clean_text, command, flag, me, ref
from .errors import Refusal
from .model import Actor, Event, Proposal, Role, WorkshopState, applies
from .touch import touches


def ideas_arg(args: Mapping[str, Any]) -> list[str]:
    raw = args.get("ideas", [])
    if not isinstance(raw, list):
        raise Refusal("bad_value", field="ideas")  # a list of texts, nothing else
    if len(raw) > limits.IDEAS_MAX:
        raise Refusal("too_many", what="ideas", max=limits.IDEAS_MAX)
    ideas = []
    for item in raw:
        text = clean_text({"idea": item}, "idea", limits.IDEA_MAX_CHARS, empty_code="empty_idea",
                          long_code="idea_too_long", allow_empty=True, field="ideas")
        if text:
            ideas.append(text)
    return ideas


def _theme_table(state: WorkshopState, args: Mapping[str, Any]) -> set[str | None]:
    theme = args.get("theme_id")
    if not isinstance(theme, str) or theme not in state.themes:
        return set()
    return {state.themes[theme].table}


@command("write_proposal", PEOPLE, gated=True, takes=("theme_id", "aim", "ideas"),
         tables=_theme_table)
def write_proposal(state: WorkshopState, actor: Actor,
                   args: Mapping[str, Any]) -> list[Draft]:
    """The theme's members write its proposal, and the facilitator, つむぎすと and (for a
    theme of their table, at any step) the table's host."""
    theme_id = ref(args, "theme_id", state.themes, "unknown_theme")
    if (not actor.privileged and actor.role is not Role.TABLE_HOST
            and actor.participant_id not in state.themes[theme_id].members):
        raise Refusal("not_a_member")  # the theme's own members write its proposal
    aim = clean_text(args, "aim", limits.PROPOSAL_AIM_MAX_CHARS, empty_code="empty_aim",
                     long_code="aim_too_long", multiline=True)
    return [("ProposalWritten", {"theme_id": theme_id, "aim": aim, "ideas": ideas_arg(args),
                                 "participant_id": actor.participant_id})]


@command("choose_proposal", MODERATORS, takes=("theme_id", "chosen"))
def choose_proposal(state: WorkshopState, actor: Actor,
                    args: Mapping[str, Any]) -> list[Draft]:
    theme_id = ref(args, "theme_id", state.proposals, "unknown_proposal")
    chosen = flag(args, "chosen")
    if state.proposals[theme_id].chosen == chosen:
        return []
    return [("ProposalChosen", {"theme_id": theme_id, "chosen": chosen})]


@command("cast_priority", PARTICIPANTS, gated=True, takes=("theme_id",))
def cast_priority(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    theme_id = ref(args, "theme_id", state.proposals, "unknown_proposal")
    proposal = state.proposals[theme_id]
    if not proposal.aim:
        raise Refusal("unknown_proposal")
    if pid in proposal.priority:
        raise Refusal("already_prioritised")
    if state.priority_used(pid) >= state.settings.vote_budget:
        raise Refusal("no_priority_left", budget=state.settings.vote_budget)
    return [("PriorityCast", {"theme_id": theme_id, "participant_id": pid})]


@command("retract_priority", PARTICIPANTS, gated=True, takes=("theme_id",))
def retract_priority(state: WorkshopState, actor: Actor,
                     args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    theme_id = args.get("theme_id")
    proposal = state.proposals.get(theme_id) if isinstance(theme_id, str) else None
    if proposal is None or pid not in proposal.priority:
        raise Refusal("no_vote_to_retract")
    return [("PriorityRetracted", {"theme_id": proposal.theme, "participant_id": pid})]


# --- appliers ----------------------------------------------------------------------------

PROPOSAL = touches(proposals="theme_id")
# Priority changes the proposal's count, the giver's budget, and (for the facilitator) what
# a proxy gave.
PRIORITY = touches(proposals="theme_id", me="participant_id", participants="participant_id")


@applies("ProposalWritten", made_by="write_proposal", proxy_for="participant_id",
         touches=PROPOSAL)
def _written(state: WorkshopState, e: Event) -> None:
    d = e.data
    proposal = state.proposals.setdefault(d["theme_id"], Proposal(theme=d["theme_id"]))
    proposal.aim, proposal.ideas = d["aim"], list(d["ideas"])
    pid = d.get("participant_id")
    if pid and pid not in proposal.edited_by:
        proposal.edited_by.append(pid)


@applies("ProposalChosen", made_by="choose_proposal", touches=PROPOSAL)
def _chosen(state: WorkshopState, e: Event) -> None:
    state.proposals[e.data["theme_id"]].chosen = bool(e.data["chosen"])


@applies("PriorityCast", made_by="cast_priority", proxy_for="participant_id", touches=PRIORITY)
def _priority(state: WorkshopState, e: Event) -> None:
    state.proposals[e.data["theme_id"]].priority.append(e.data["participant_id"])


@applies("PriorityRetracted", made_by="retract_priority", proxy_for="participant_id",
         touches=PRIORITY)
def _unpriority(state: WorkshopState, e: Event) -> None:
    state.proposals[e.data["theme_id"]].priority.remove(e.data["participant_id"])
