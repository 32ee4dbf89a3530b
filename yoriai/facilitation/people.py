"""Who is in the room: joining, people entered by the facilitator (代理入力), and つむぎすと."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import FACILITATOR_ONLY, MODERATORS, Draft, clean_text, command, ref
from .errors import Refusal
from .model import ATTRIBUTES, Actor, Event, Participant, Role, WorkshopState, applies


def profile(state: WorkshopState, args: Mapping[str, Any], proxy: bool) -> Draft:
    name = clean_text(args, "name", limits.NAME_MAX_CHARS, empty_code="empty_name",
                      long_code="name_too_long")
    attribute = args.get("attribute")
    if attribute not in ATTRIBUTES:
        raise Refusal("bad_attribute")
    if len(state.participants) >= limits.PARTICIPANTS_MAX:
        raise Refusal("too_many", what="participants", max=limits.PARTICIPANTS_MAX)
    return ("ParticipantJoined", {
        "participant_id": state.next_id("p"),
        "name": name,
        "attribute": attribute,
        # Consent to be named in published plans: off unless the person ticks it.
        "show_name": args.get("show_name") is True,
        "proxy": proxy,
    })


@command("join", frozenset({Role.PROJECTOR}))
def join(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    return [profile(state, args, proxy=False)]


@command("add_proxy", MODERATORS)
def add_proxy(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Someone without a phone: the facilitator enters their notes, votes and roles."""
    return [profile(state, args, proxy=True)]


@command("grant_cofacilitator", FACILITATOR_ONLY)
def grant(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = ref(args, "participant_id", state.participants, "unknown_participant")
    if state.participants[pid].proxy:
        raise Refusal("not_allowed", command="grant_cofacilitator")
    if pid in state.cofacilitators:
        return []
    return [("CofacilitatorGranted", {"participant_id": pid})]


@command("revoke_cofacilitator", FACILITATOR_ONLY)
def revoke(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = ref(args, "participant_id", state.participants, "unknown_participant")
    if pid not in state.cofacilitators:
        return []
    return [("CofacilitatorRevoked", {"participant_id": pid})]


@applies("ParticipantJoined")
def _joined(state: WorkshopState, e: Event) -> None:
    d = e.data
    state.participants[d["participant_id"]] = Participant(
        id=d["participant_id"], name=d["name"], attribute=d["attribute"],
        show_name=bool(d["show_name"]), proxy=bool(d["proxy"]), joined_at=e.at,
        meeting=state.meeting,
    )
    state.count_made("p")


@applies("CofacilitatorGranted")
def _granted(state: WorkshopState, e: Event) -> None:
    state.cofacilitators.append(e.data["participant_id"])


@applies("CofacilitatorRevoked")
def _revoked(state: WorkshopState, e: Event) -> None:
    state.cofacilitators.remove(e.data["participant_id"])
