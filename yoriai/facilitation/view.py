"""What each recipient may see: the one filter every snapshot and every live event passes.

The server never sends state or events to a socket except through :func:`snapshot` and
:func:`wire_event`, so a rule written here holds for live events, resyncs and snapshots
alike.

A live event reaches a client as a *patch* of that client's view: the entities the event
touched, as the client may now see them (``upsert``), or their ids when they left its view
(``remove``), plus the workshop header, vote tallies and the client's own ``me`` when those
changed. The client needs no domain rules: it upserts, removes and replaces. Views are
judged against the current state, so a patch is always consistent with it.

Entity views are the same for every viewer of one class (public or facilitator); all that
is personal lives in ``me``. :func:`audience` names the class, so the hub builds each
message once per class rather than once per phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import Action, Actor, Event, Note, Proposal, Review, Theme, WorkshopState
from .visibility import can_see_note, can_see_tallies

# Events that bring something new: a viewer who may not see it has nothing to remove.
CREATIONS = frozenset({"NotePosted", "ParticipantJoined", "ReviewPosted", "ActionCreated",
                       "ThemeCreated"})
KINDS = ("notes", "themes", "proposals", "actions", "reviews", "participants")
ALL = "*"


@dataclass
class Touch:
    """What an event changed: per kind the ids (or ALL), and the header, tallies, ``me``."""

    ids: dict[str, set[str] | str] = field(default_factory=dict)
    workshop: bool = False
    # Only the head count changed (a join): a few bytes rather than the whole header, which
    # carries the program; a room of 1,000 phones joining would otherwise send each phone
    # 1,000 copies of it.
    count: bool = False
    tallies: set[str] | str = field(default_factory=set)
    me: set[str] | str = field(default_factory=set)

    def add(self, kind: str, *ids: str) -> Touch:
        current = self.ids.setdefault(kind, set())
        if isinstance(current, set):
            current.update(ids)
        return self

    def all(self, kind: str) -> Touch:
        self.ids[kind] = ALL
        return self


def touched(event: Event) -> Touch:
    t, d = event.type, event.data
    touch = Touch()
    if t in ("WorkshopCreated", "StepChanged", "BoardLocked", "BoardUnlocked", "FocusSet",
             "FocusCleared", "TimerStarted", "TimerPaused", "TimerExtended",
             "NotePrivacySet", "MeetingOpened"):
        touch.workshop = True
    elif t == "ParticipantJoined":
        touch.count = True
        touch.add("participants", d["participant_id"]).me = {d["participant_id"]}
    elif t in ("CofacilitatorGranted", "CofacilitatorRevoked"):
        touch.add("participants", d["participant_id"]).me = {d["participant_id"]}
    elif t == "ParticipantRemoved":
        # The person and all they brought leave every view (the event names what went);
        # the header for the head count and a focus that showed one of their notes; the
        # removed person's own connections start over with a snapshot (the hub).
        touch.workshop = True
        for kind in ("notes", "reviews", "themes", "proposals", "actions"):
            touch.add(kind, *d[kind])
        touch.add("participants", d["participant_id"], *d["refunded"])
        touch.tallies = {*d["notes"], *d["voted"]}
        touch.me = set(d["refunded"])  # 共感 given to the removed notes comes back
    elif t in ("NotePosted", "NoteEdited", "NoteHidden", "NoteUnhidden"):
        touch.add("notes", d["note_id"]).tallies = {d["note_id"]}
        if t == "NotePosted":
            touch.me = {d["author"]}
    elif t == "NoteDeleted":
        touch.add("notes", d["note_id"]).tallies = {d["note_id"]}
        touch.me = ALL  # its author's list, and 共感 refunded to whoever gave it
        touch.all("participants")
    elif t == "NotesRevealed":
        touch.workshop = True
        touch.all("notes").tallies = ALL
    elif t in ("VoteCast", "VoteRetracted"):
        touch.tallies = {d["note_id"]}
        touch.me = {d["participant_id"]}
        touch.add("participants", d["participant_id"])
    elif t == "VoteSettingsChanged":
        touch.workshop = True
        touch.all("proposals").tallies = ALL
        touch.me = ALL
    elif t in ("ThemeCreated", "ThemeRenamed"):
        touch.add("themes", d["theme_id"])
    elif t == "NoteGrouped":
        touch.add("notes", d["note_id"]).all("themes")
    elif t in ("ThemesMerged", "ThemeDeleted"):
        for kind in ("notes", "themes", "proposals", "actions", "participants"):
            touch.all(kind)
        touch.me = ALL
    elif t in ("ThemeJoined", "ThemeLeft"):
        touch.add("themes", d["theme_id"]).me = {d["participant_id"]}
    elif t in ("ProposalWritten", "ProposalChosen"):
        touch.add("proposals", d["theme_id"])
    elif t in ("PriorityCast", "PriorityRetracted"):
        touch.add("proposals", d["theme_id"]).me = {d["participant_id"]}
        touch.add("participants", d["participant_id"])
    elif t in ("ActionCreated", "ActionUpdated", "LeadSet", "ActionStatusSet"):
        touch.add("actions", d["action_id"])
    elif t in ("Volunteered", "Withdrew"):
        touch.add("actions", d["action_id"]).me = {d["participant_id"]}
    elif t in ("ReviewPosted", "ReviewEdited", "ReviewDeleted"):
        touch.add("reviews", d["review_id"])
        if t == "ReviewPosted":
            touch.me = {d["author"]}
        elif t == "ReviewDeleted":
            touch.me = ALL  # its author's list (the review, and so its author, is gone)
    else:
        raise ValueError(f"no view for event type {t!r}")
    return touch


# --- entity views ------------------------------------------------------------------------

def note_view(state: WorkshopState, note: Note, privileged: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": note.id, "kind": note.kind.value, "text": note.text, "step": note.step,
        "theme": note.theme, "hidden": note.hidden, "private": note.private,
        "edited": note.edited, "meeting": note.meeting,
    }
    if privileged:
        author = state.participants.get(note.author)
        view.update(author=note.author, author_name=author.name if author else "",
                    by_proxy=note.by_proxy)
    return view


def theme_view(state: WorkshopState, theme: Theme, privileged: bool) -> dict[str, Any]:
    view: dict[str, Any] = {"id": theme.id, "title": theme.title,
                            "member_count": len(theme.members)}
    if privileged:
        view["members"] = list(theme.members)
    return view


def proposal_view(state: WorkshopState, p: Proposal, viewer: Actor) -> dict[str, Any]:
    view: dict[str, Any] = {"theme": p.theme, "aim": p.aim, "ideas": list(p.ideas),
                            "chosen": p.chosen}
    if can_see_tallies(state, viewer):
        view["priority_count"] = len(p.priority)
    return view


def action_view(state: WorkshopState, a: Action) -> dict[str, Any]:
    # The role board in the room shows who volunteered: names are for the room; the
    # published plan decides separately who may be named (exports respect consent).
    def person(pid: str) -> dict[str, str]:
        p = state.participants.get(pid)
        return {"id": pid, "name": p.name if p else ""}

    return {"id": a.id, "title": a.title, "theme": a.theme, "form": a.form.value,
            "partners": list(a.partners), "first_step": a.first_step, "due": a.due,
            "status": a.status.value, "record": a.record,
            "volunteers": [person(v) for v in a.volunteers],
            "lead": a.lead}


def review_view(r: Review) -> dict[str, Any]:
    return {"id": r.id, "column": r.column.value, "text": r.text, "meeting": r.meeting}


def participant_view(state: WorkshopState, pid: str) -> dict[str, Any]:
    p = state.participants[pid]
    view: dict[str, Any] = {
        "id": p.id, "name": p.name, "attribute": p.attribute, "proxy": p.proxy,
        "show_name": p.show_name, "cofacilitator": pid in state.cofacilitators,
        "votes_used": state.votes_used(pid)}
    if p.proxy:
        # The facilitator votes for people without a phone: the console shows what they
        # gave already, as a phone shows its owner in `me`.
        view["votes"] = dict(state.votes.get(pid, {}))
        view["priority"] = [t for t, pr in state.proposals.items() if pid in pr.priority]
    return view


def workshop_view(state: WorkshopState) -> dict[str, Any]:
    s = state.settings
    return {
        "code": state.code, "title": state.title, "center": state.center, "date": state.date,
        "program": state.program.to_dict(), "step": state.step,
        "settings": {"vote_budget": s.vote_budget, "multi_vote": s.multi_vote,
                     "votes_visible": s.votes_visible, "private_notes": s.private_notes},
        "locked": state.locked, "focus": state.focus,
        "timer": {"seconds": state.timer.seconds, "ends_at": state.timer.ends_at},
        "meeting": state.meeting,
        "meetings": [{"number": m.number, "date": m.date} for m in state.meetings],
        "participant_count": len(state.participants),
    }


def me_view(state: WorkshopState, pid: str) -> dict[str, Any]:
    p = state.participants[pid]
    budget = state.settings.vote_budget
    votes = dict(state.votes.get(pid, {}))
    return {
        "id": p.id, "name": p.name, "attribute": p.attribute, "proxy": p.proxy,
        "show_name": p.show_name, "cofacilitator": pid in state.cofacilitators,
        "notes": [n.id for n in state.notes.values() if n.author == pid],
        "reviews": [r.id for r in state.reviews.values() if r.author == pid],
        "votes": votes, "votes_left": budget - sum(votes.values()),
        "priority": [t for t, pr in state.proposals.items() if pid in pr.priority],
        "priority_left": budget - state.priority_used(pid),
        "themes": [t.id for t in state.themes.values() if pid in t.members],
        "actions": [a.id for a in state.actions.values() if pid in a.volunteers],
    }


# --- one view of one entity, or None when the viewer may not see it ----------------------

def entity(state: WorkshopState, kind: str, item: str, viewer: Actor) -> dict[str, Any] | None:
    if kind == "notes":
        note = state.notes.get(item)
        if note is None or not can_see_note(state, note, viewer):
            return None
        return note_view(state, note, viewer.privileged)
    if kind == "themes":
        theme = state.themes.get(item)
        return theme_view(state, theme, viewer.privileged) if theme else None
    if kind == "proposals":
        proposal = state.proposals.get(item)
        return proposal_view(state, proposal, viewer) if proposal else None
    if kind == "actions":
        action = state.actions.get(item)
        return action_view(state, action) if action else None
    if kind == "reviews":
        review = state.reviews.get(item)
        return review_view(review) if review else None
    if kind == "participants":
        if not viewer.privileged or item not in state.participants:
            return None
        return participant_view(state, item)
    raise ValueError(kind)


def _table(state: WorkshopState, kind: str) -> Iterable[str]:
    tables: dict[str, Iterable[str]] = {
        "notes": state.notes, "themes": state.themes, "proposals": state.proposals,
        "actions": state.actions, "reviews": state.reviews, "participants": state.participants}
    return tables[kind]


def tallies(state: WorkshopState, viewer: Actor, note_ids: Iterable[str]) -> dict[str, int]:
    out = {}
    for nid in note_ids:
        note = state.notes.get(nid)
        out[nid] = state.tally(nid) if note and can_see_note(state, note, viewer) else 0
    return out


def snapshot(state: WorkshopState, viewer: Actor) -> dict[str, Any]:
    snap: dict[str, Any] = {"workshop": workshop_view(state)}
    for kind in KINDS:
        views = [entity(state, kind, item, viewer) for item in _table(state, kind)]
        snap[kind] = [v for v in views if v is not None]
    snap["tallies"] = ({nid: n for nid, n in tallies(state, viewer, state.notes).items() if n}
                       if can_see_tallies(state, viewer) else {})
    pid = viewer.participant_id
    snap["me"] = me_view(state, pid) if pid in state.participants else None
    return snap


def wire_event(event: Event, state: WorkshopState, viewer: Actor,
               touch: Touch | None = None) -> dict[str, Any] | None:
    """``event`` as a patch of ``viewer``'s view of the current ``state``; ``None`` when
    it changes nothing the viewer may know."""
    touch = touch or touched(event)
    patch: dict[str, Any] = {}
    upsert: dict[str, list[dict[str, Any]]] = {}
    remove: dict[str, list[str]] = {}
    for kind, ids in touch.ids.items():
        if kind == "participants" and not viewer.privileged:
            continue
        if ids == ALL:
            # Everything of this kind: send the whole current view; the client replaces.
            views = [entity(state, kind, item, viewer) for item in _table(state, kind)]
            patch.setdefault("replace", {})[kind] = [v for v in views if v is not None]
            continue
        for item in sorted(ids):
            view = entity(state, kind, item, viewer)
            if view is None:
                if event.type not in CREATIONS:  # never seen, so nothing to take away
                    remove.setdefault(kind, []).append(item)
            else:
                upsert.setdefault(kind, []).append(view)
    if upsert:
        patch["upsert"] = upsert
    if remove:
        patch["remove"] = remove
    if touch.workshop:
        patch["workshop"] = workshop_view(state)
    elif touch.count:
        patch["workshop"] = {"participant_count": len(state.participants)}
    if touch.tallies and can_see_tallies(state, viewer):
        note_ids: Iterable[str] = state.notes if touch.tallies == ALL else touch.tallies
        patch["tallies"] = tallies(state, viewer, note_ids)
        if touch.tallies == ALL:
            patch["tallies_replace"] = True
    elif touch.tallies == ALL:
        patch["tallies"], patch["tallies_replace"] = {}, True  # tallies were just hidden
    pid = viewer.participant_id
    if pid is not None and (touch.me == ALL or pid in touch.me) and pid in state.participants:
        patch["me"] = me_view(state, pid)
    if not patch:
        return None
    return {"type": "event", "seq": event.seq, "event": event.type, "data": patch}


def personal_to(state: WorkshopState, touch: Touch) -> frozenset[str] | None:
    """The participants for whom an event's message is personal: those whose ``me`` it
    touches, and the authors of the notes it touches (an author sees their own hidden or
    private note). ``None`` means everyone who is a participant."""
    if touch.me == ALL:
        return None
    people = set(touch.me)
    notes = touch.ids.get("notes", set())
    ids: Iterable[str] = state.notes if notes == ALL else notes
    people.update(n.author for i in ids if (n := state.notes.get(i)) is not None)
    return frozenset(people)


def audience_of(viewer: Actor, personal: frozenset[str] | None) -> tuple[Any, ...]:
    """Viewers with the same audience get the same message for an event: the hub builds
    it once per audience. Computed once per event (``personal_to``), then a set lookup
    per viewer: the broadcast loop's cost per phone."""
    pid = viewer.participant_id
    mine = pid is not None and (personal is None or pid in personal)
    return (viewer.privileged, viewer.role.value, pid if mine else None)


def audience(event: Event, state: WorkshopState, viewer: Actor, touch: Touch) -> tuple[Any, ...]:
    """``audience_of`` for one viewer (the hub computes ``personal_to`` once per event)."""
    return audience_of(viewer, personal_to(state, touch))
