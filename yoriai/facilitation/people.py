"""Who is in the room: joining, people entered by the facilitator (代理入力), つむぎすと, and
taking someone out again (a bot that joined from the code on the projector, or a person
who should not be there)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import FACILITATOR_ONLY, MODERATORS, Draft, clean_text, command, ref
from .errors import Refusal
from .model import ATTRIBUTES, Actor, Event, Participant, Role, WorkshopState, applies
from .notes import forget_note
from .tables import latecomer_table, seat_person
from .touch import Touch, touches


def profile(state: WorkshopState, args: Mapping[str, Any], proxy: bool) -> Draft:
    name = clean_text(args, "name", limits.NAME_MAX_CHARS, empty_code="empty_name",
                      long_code="name_too_long")
    attribute = args.get("attribute")
    if attribute not in ATTRIBUTES:
        raise Refusal("bad_attribute")
    # Consent to be named in published plans: off unless the person ticks it (absent or
    # null: not ticked). Anything but true or false is refused, never taken as "no".
    show_name = args.get("show_name")
    if show_name is not None and not isinstance(show_name, bool):
        raise Refusal("bad_value", field="show_name")
    if len(state.participants) >= limits.PARTICIPANTS_MAX:
        raise Refusal("too_many", what="participants", max=limits.PARTICIPANTS_MAX)
    data: dict[str, Any] = {
        "participant_id": state.next_id("p"),
        "name": name,
        "attribute": attribute,
        "show_name": show_name is True,
        "proxy": proxy,
    }
    # While tables exist a newcomer is seated at once (tables.latecomer_table). It is part
    # of the join itself, not a second event: an imported archive is checked event by event
    # against the command that made each, and the seat is what join decides.
    table = latecomer_table(state, str(attribute))
    if table is not None:
        data["table_id"] = table
    return ("ParticipantJoined", data)


@command("join", frozenset({Role.PROJECTOR}), takes=("name", "attribute", "show_name"))
def join(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    return [profile(state, args, proxy=False)]


@command("add_proxy", MODERATORS, takes=("name", "attribute", "show_name"))
def add_proxy(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Someone without a phone: the facilitator enters their notes, votes and roles."""
    return [profile(state, args, proxy=True)]


@command("grant_cofacilitator", FACILITATOR_ONLY, takes=("participant_id",))
def grant(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = ref(args, "participant_id", state.participants, "unknown_participant")
    if state.participants[pid].proxy:
        raise Refusal("not_allowed", command="grant_cofacilitator")
    if pid in state.cofacilitators:
        return []
    return [("CofacilitatorGranted", {"participant_id": pid})]


@command("revoke_cofacilitator", FACILITATOR_ONLY, takes=("participant_id",))
def revoke(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = ref(args, "participant_id", state.participants, "unknown_participant")
    if pid not in state.cofacilitators:
        return []
    return [("CofacilitatorRevoked", {"participant_id": pid})]


@command("remove_participant", FACILITATOR_ONLY, takes=("participant_id",))
def remove_participant(state: WorkshopState, actor: Actor,
                       args: Mapping[str, Any]) -> list[Draft]:
    """Take a person out of the workshop together with everything they put into it.

    Facilitator only, not つむぎすと: it cannot be undone, it reaches the whole room (a
    つむぎすと's powers are for a table), and one rogue co-facilitator could otherwise empty
    the room. It is not a ban: the same phone may join again, as a new participant with
    nothing — a person removed by mistake can come back, and a bot that comes back is met
    by the join rate limit and removed again.
    """
    pid = ref(args, "participant_id", state.participants, "unknown_participant")
    return [("ParticipantRemoved", removal(state, pid))]


def removal(state: WorkshopState, pid: str) -> dict[str, Any]:
    """What goes with a person, named in the event so that every view can be patched
    precisely (the applier works it out again from the state; the two always agree)."""
    notes = [n.id for n in state.notes.values() if n.author == pid]
    gone = set(notes)
    return {
        "participant_id": pid,
        "notes": notes,
        "reviews": [r.id for r in state.reviews.values() if r.author == pid],
        # Notes whose 共感 tally drops because this person's votes leave with them.
        "voted": sorted(set(state.votes.get(pid, {})) - gone),
        # People whose 共感 on the removed notes comes back to them.
        "refunded": sorted(other for other, votes in state.votes.items()
                           if other != pid and gone & set(votes)),
        "themes": [t.id for t in state.themes.values() if pid in t.members],
        "proposals": [p.theme for p in state.proposals.values()
                      if pid in p.priority or pid in p.edited_by],
        "actions": [a.id for a in state.actions.values() if pid in a.volunteers],
    }


_JOINED = touches(count=True, participants="participant_id", me="participant_id")


def _joined_touches(d: dict[str, Any], before: WorkshopState) -> Touch:
    touch = _JOINED(d, before)
    if d.get("table_id") is not None:
        touch.add("tables", d["table_id"])  # its seat count (and names) change
    return touch


@applies("ParticipantJoined", made_by=lambda d: "add_proxy" if d.get("proxy") is True else "join",
         result="participant_id", creates="p", touches=_joined_touches)
def _joined(state: WorkshopState, e: Event) -> None:
    d = e.data
    state.participants[d["participant_id"]] = Participant(
        id=d["participant_id"], name=d["name"], attribute=d["attribute"],
        show_name=bool(d["show_name"]), proxy=bool(d["proxy"]), joined_at=e.at,
        meeting=state.meeting,
    )
    if d.get("table_id") is not None:
        seat_person(state, d["participant_id"], d["table_id"])


@applies("CofacilitatorGranted", made_by="grant_cofacilitator", changes_role="participant_id",
         touches=touches(participants="participant_id", me="participant_id"))
def _granted(state: WorkshopState, e: Event) -> None:
    state.cofacilitators.append(e.data["participant_id"])


@applies("CofacilitatorRevoked", made_by="revoke_cofacilitator", changes_role="participant_id",
         touches=touches(participants="participant_id", me="participant_id"))
def _revoked(state: WorkshopState, e: Event) -> None:
    state.cofacilitators.remove(e.data["participant_id"])


def _removal_touches(d: dict[str, Any], before: WorkshopState) -> Touch:
    """The person and all they brought leave every view (the event names what went); the
    header for the head count and a focus that showed one of their notes. The removed
    person's own connections start over with a snapshot (``changes_role``)."""
    touch = Touch(workshop=True)
    for kind in ("notes", "reviews", "themes", "proposals", "actions"):
        touch.add(kind, *d[kind])
    touch.add("participants", d["participant_id"], *d["refunded"])
    touch.tallies = {*d["notes"], *d["voted"]}
    touch.me = set(d["refunded"])  # 共感 given to the removed notes comes back
    table = before.participants[d["participant_id"]].table
    if table is not None:
        touch.add("tables", table)  # a seat (and perhaps the host) is empty
    return touch


@applies("ParticipantRemoved", made_by="remove_participant", changes_role="participant_id",
         touches=_removal_touches)
def _removed(state: WorkshopState, e: Event) -> None:
    """The person and all they gave: notes (with their place in themes, the 共感 on them,
    and the projector's focus on them), votes, priority, theme memberships, 担い手 and lead
    roles, reviews and つむぎすと. What others wrote stays, and ids are never reused (the
    ``made`` counters do not go back), so an old token can never name a new person."""
    pid = e.data["participant_id"]
    for note in [n for n in state.notes.values() if n.author == pid]:
        forget_note(state, note.id)
    state.votes.pop(pid, None)
    for theme in state.themes.values():
        if pid in theme.members:
            theme.members.remove(pid)
    for proposal in state.proposals.values():
        if pid in proposal.priority:
            proposal.priority.remove(pid)
        if pid in proposal.edited_by:
            proposal.edited_by.remove(pid)
    for action in state.actions.values():
        if pid in action.volunteers:
            action.volunteers.remove(pid)
        if action.lead == pid:
            action.lead = None
    for review_id in [r.id for r in state.reviews.values() if r.author == pid]:
        del state.reviews[review_id]
    if pid in state.cofacilitators:
        state.cofacilitators.remove(pid)
    for table in state.tables.values():
        if table.host == pid:
            table.host = None
    for seating in state.seatings:
        seating.pop(pid, None)
    del state.participants[pid]
