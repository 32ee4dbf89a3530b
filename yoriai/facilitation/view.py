"""What each recipient may see: the one filter every snapshot and every live event passes.

The server never sends state or events to a socket except through :func:`snapshot` and
:func:`wire_event`, so a rule written here holds for live events, resyncs and snapshots
alike.

A live event reaches a client as a *patch* of that client's view: the entities the event
touched, as the client may now see them (``upsert``), or their ids when they left its view
(``remove``), plus the workshop header, vote tallies and the client's own ``me`` when those
changed. The client needs no domain rules: it upserts, removes and replaces. Views are
judged against the state right after the event, so a patch is always consistent with it.

**What a patch may name.** A viewer gets an entry for a note (its view, its tally, its id
in ``remove``) only if it may see the note after the event, or could see it just before
(then the entry takes it away: its id in ``remove``, its tally ``0``). A note it may not
see gets no entry at all, in snapshots and patches alike: hidden and private notes do not
show even as ids. "Just before" needs the note as it was, so :func:`touched` is called on
the state *before* the event is applied and keeps a copy of each note the event touches.

**Audiences.** The hub builds each live message once per audience, not once per phone. A
phone's audience is its :class:`Lens`: the viewer reduced to what this event's patch reads
about it. The hub builds the message *from the lens itself* (``wire_event(event, state,
lens, touch)``), so phones with equal lenses get equal messages by construction, whatever
order they are listed in. What remains is that a phone's lens gets the patch the phone
itself would get. ``wire_event`` reads three facts about a viewer: ``privileged``, which the
lens keeps; ``participant_id``, which it reads only

1. for ``me``: whether the id is in ``touch.me``, and
2. inside ``can_see_note``, for the notes the patch touches (as they are and as they were);
   there the id decides nothing unless the note is not public (hidden or private), and then
   only whether the viewer is its author;

and ``place`` (the table the viewer sits at, and whether they host it), which it reads only

3. for a table's host: their own table's private notes (``can_see_note``), its authors
   (``note_view``) and its seats (``table_view``), and
4. while 共感 is per table (``vote_scope`` "table"): each note's ``votable``.

:func:`personal_to` collects exactly the ids of 1 and 2: ``touch.me`` and the authors of
touched notes that are or were not public; and the tables of 3: those of the touched notes
(as they are and as they were) and the touched tables. A lens keeps the id of a viewer in
that set and drops any other; a dropped id changes neither 1 nor 2, so the patch is the
same. A lens keeps that a viewer hosts a table when the table is in that set, and the
viewer's table while 共感 is per table, and drops them otherwise; what it drops changes
neither 3 nor 4. (Snapshots and resyncs are built per phone, from
the phone's own actor, whose place is read from the state it is shown.)
tests/server/test_audience_property.py checks it for every event and every phone through the
hub's real ``Room``, and tests/facilitation/test_view.py compares lens and viewer directly.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from .maps import map_view, pin_data
from .model import (
    EVENTS,
    NOWHERE,
    Action,
    Event,
    Note,
    Participant,
    Photo,
    Place,
    Proposal,
    Review,
    Table,
    Theme,
    WorkshopState,
    place_of,
)
from .newsletter import newsletter_view
from .touch import ALL
from .touch import Touch as Touch  # re-exported: the hub keeps each event's touch
from .visibility import Viewer, can_see_note, can_see_tallies, can_vote_on, is_public

KINDS = ("notes", "themes", "proposals", "actions", "reviews", "participants", "photos",
         "tables")
# Kinds only the facilitator and つむぎすと see: the people (with their roles), and the
# photos of the evening (which a participant's phone has no use for).
STAFF_KINDS = frozenset({"participants", "photos"})


def touched(event: Event, before: WorkshopState) -> Touch:
    """What ``event`` changes, as its declaration says (``touches=`` beside its applier);
    ``before`` is the state just before it is applied."""
    spec = EVENTS.get(event.type)
    if spec is None:
        raise ValueError(f"no view for event type {event.type!r}")
    touch = spec.touches(event.data, before)
    _proxy_seats(touch, before)
    _remember(touch, before)
    return touch


def _proxy_seats(touch: Touch, before: WorkshopState) -> None:
    """A proxy's seat shows what their ``me`` would (``seat_view``): whatever touches the
    ``me`` or the profile of a person without a phone touches their table too."""
    if not before.tables:
        return
    named = [touch.me, touch.ids.get("participants", set())]
    if ALL in named:
        people: Iterable[Participant] = before.participants.values()
    else:
        people = [p for ids in named for pid in ids
                  if (p := before.participants.get(pid)) is not None]
    tables = {p.table for p in people if p.proxy and p.table is not None}
    if tables:
        touch.add("tables", *tables)


def _remember(touch: Touch, before: WorkshopState) -> None:
    for kind, ids in touch.ids.items():
        if kind != "notes" and ids != ALL:
            table = _table(before, kind)
            touch.existed[kind] = {i for i in ids if i in table}
    for nid in _named_notes(touch):
        note = before.notes.get(nid)
        if note is not None:
            touch.prior_notes[nid] = copy.copy(note)


def _named_notes(touch: Touch) -> set[str]:
    """The notes a touch names one by one (ALL is answered from the state as a whole)."""
    named: set[str] = set()
    for ids in (touch.ids.get("notes", set()), touch.tallies):
        if isinstance(ids, set):
            named |= ids
    return named


# --- entity views ------------------------------------------------------------------------

def note_view(state: WorkshopState, note: Note, viewer: Viewer) -> dict[str, Any]:
    """A note the viewer may see. ``votable``: whether the viewer may give it 共感 (the
    server's rule, ``can_vote_on``; it reads the viewer only as ``can_see_note`` does)."""
    view: dict[str, Any] = {
        "id": note.id, "kind": note.kind.value, "text": note.text, "step": note.step,
        "theme": note.theme, "hidden": note.hidden, "private": note.private,
        "edited": note.edited, "meeting": note.meeting,
        "votable": can_vote_on(state, note, viewer),
        "table": note.table, "round": note.round,
        # Its place on the map (always present, null without one): part of the note, so it
        # reaches exactly those who may see the note.
        "pin": pin_data(note.pin),
    }
    if viewer.privileged:
        author = state.participants.get(note.author)
        view.update(author=note.author, author_name=author.name if author else "",
                    by_proxy=note.by_proxy)
    elif note.table is not None and viewer.place(state) == Place(note.table, True):
        # A table's host sorts its notes and enters for those without a phone: they see
        # who wrote each note of their own table (and of no other).
        author = state.participants.get(note.author)
        view.update(author=note.author, author_name=author.name if author else "")
    return view


def theme_view(state: WorkshopState, theme: Theme, privileged: bool) -> dict[str, Any]:
    view: dict[str, Any] = {"id": theme.id, "title": theme.title,
                            "member_count": len(theme.members), "table": theme.table}
    if privileged:
        view["members"] = list(theme.members)
    return view


def proposal_view(state: WorkshopState, p: Proposal, viewer: Viewer) -> dict[str, Any]:
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


def table_view(state: WorkshopState, table: Table, viewer: Viewer,
               seated: list[Participant] | None = None) -> dict[str, Any]:
    """A table as the room sees it: names only of those who agreed to be named (the rest
    counted as 「ほか n名」). Staff, and the table's own host, also get its seats.
    ``seated``: who sits there, in join order, when the caller has grouped everyone once
    (a snapshot builds every table: one pass over the room, not one per table)."""
    if seated is None:
        seated = [p for p in state.participants.values() if p.table == table.id]
    host = state.participants.get(table.host) if table.host is not None else None
    view: dict[str, Any] = {
        "id": table.id, "number": table.number, "name": table.name, "theme": table.theme,
        "seat_count": len(seated), "names": [p.name for p in seated if p.show_name],
        "others": sum(1 for p in seated if not p.show_name),
        "host_name": host.name if host is not None and host.show_name else ""}
    if viewer.privileged or viewer.place(state) == Place(table.id, True):
        view["seats"] = [seat_view(state, p) for p in seated]
        view["host"] = table.host
    return view


def seat_view(state: WorkshopState, p: Participant) -> dict[str, Any]:
    """A seat in the staff's and the host's table view. The host enters 共感 and 輪 for the
    people without a phone at their table (代理入力): a proxy's seat also shows what their
    own ``me`` would — the 共感 they gave, what is left (at this table while 共感 is per
    table), the themes they joined."""
    seat: dict[str, Any] = {"id": p.id, "name": p.name, "attribute": p.attribute,
                            "proxy": p.proxy}
    if p.proxy:
        seat.update(
            votes=dict(state.votes.get(p.id, {})),
            votes_left=state.settings.vote_budget - state.votes_counted(p.id),
            themes=[t.id for t in state.themes.values() if p.id in t.members])
    return seat


def photo_view(p: Photo) -> dict[str, Any]:
    # ``id`` is the hash: the client keys every kind by ``id``.
    return {"id": p.hash, "caption": p.caption, "chosen": p.chosen, "meeting": p.meeting}


def review_view(r: Review) -> dict[str, Any]:
    return {"id": r.id, "column": r.column.value, "text": r.text, "meeting": r.meeting}


def participant_view(state: WorkshopState, pid: str) -> dict[str, Any]:
    p = state.participants[pid]
    view: dict[str, Any] = {
        "id": p.id, "name": p.name, "attribute": p.attribute, "proxy": p.proxy,
        "show_name": p.show_name, "cofacilitator": pid in state.cofacilitators,
        "votes_used": state.votes_used(pid), "table": p.table}
    if p.proxy:
        # The facilitator votes for people without a phone: the console shows what they
        # gave already, as a phone shows its owner in `me`.
        view["votes"] = dict(state.votes.get(pid, {}))
        view["priority"] = [t for t, pr in state.proposals.items() if pid in pr.priority]
    return view


def wifi_view(state: WorkshopState) -> dict[str, Any] | None:
    """The Wi-Fi phones should join: the workshop's own (``set_wifi``), else the server's
    default; ``qr`` says a Wi-Fi QR code is served. Never the password: this header goes
    to every phone and the projector."""
    wifi = state.wifi or state.default_wifi
    return None if wifi is None else {"name": wifi.name, "qr": bool(wifi.password)}


def workshop_view(state: WorkshopState) -> dict[str, Any]:
    s = state.settings
    return {
        "code": state.code, "title": state.title, "center": state.center, "date": state.date,
        "program": state.program.to_dict(), "step": state.step,
        "settings": {"vote_budget": s.vote_budget, "multi_vote": s.multi_vote,
                     "votes_visible": s.votes_visible, "private_notes": s.private_notes,
                     "others_visible": s.others_visible, "vote_scope": s.vote_scope},
        "round": state.round,
        "locked": state.locked, "focus": state.focus, "join_view": state.join_view,
        "wifi": wifi_view(state),
        "timer": {"seconds": state.timer.seconds, "ends_at": state.timer.ends_at},
        "meeting": state.meeting,
        "meetings": [{"number": m.number, "date": m.date} for m in state.meetings],
        "participant_count": len(state.participants),
        "private_count": private_count(state),
        # The newsletter page's lead (as written by the facilitator), hours and 次回.
        "newsletter": newsletter_view(state),
        # The map (map work) and what the projector shows of it, or null.
        "map": map_view(state),
    }


def private_count(state: WorkshopState) -> int:
    """How many notes are written but not revealed yet (private, not hidden): the same for
    every viewer, so that a phone can say 「公開されるまで見えません（いま12枚）」. A count
    only: which notes, whose and what they say stay with their authors."""
    return sum(1 for n in state.notes.values() if n.private and not n.hidden)


def me_view(state: WorkshopState, pid: str) -> dict[str, Any]:
    p = state.participants[pid]
    budget = state.settings.vote_budget
    votes = dict(state.votes.get(pid, {}))
    place = place_of(state, pid)
    return {
        "id": p.id, "name": p.name, "attribute": p.attribute, "proxy": p.proxy,
        "show_name": p.show_name, "cofacilitator": pid in state.cofacilitators,
        "notes": [n.id for n in state.notes.values() if n.author == pid],
        "reviews": [r.id for r in state.reviews.values() if r.author == pid],
        # With 共感 per table, what is left at the table the person sits at now.
        "votes": votes, "votes_left": budget - state.votes_counted(pid),
        "priority": [t for t, pr in state.proposals.items() if pid in pr.priority],
        "priority_left": budget - state.priority_used(pid),
        "themes": [t.id for t in state.themes.values() if pid in t.members],
        "actions": [a.id for a in state.actions.values() if pid in a.volunteers],
        "table": p.table, "host_of": place.table if place.host else None,
    }


# --- one view of one entity, or None when the viewer may not see it ----------------------

def entity(state: WorkshopState, kind: str, item: str, viewer: Viewer) -> dict[str, Any] | None:
    if kind == "notes":
        note = state.notes.get(item)
        if note is None or not can_see_note(state, note, viewer):
            return None
        return note_view(state, note, viewer)
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
    if kind == "photos":
        photo = state.photos.get(item)
        return photo_view(photo) if photo is not None and viewer.privileged else None
    if kind == "tables":
        table = state.tables.get(item)
        return table_view(state, table, viewer) if table is not None else None
    raise ValueError(kind)


def had(state: WorkshopState, touch: Touch, kind: str, item: str, viewer: Viewer) -> bool:
    """Could ``viewer`` see ``item`` just before the event? (Then it may be taken away.)"""
    if kind == "notes":
        prior = touch.prior_notes.get(item)
        return prior is not None and can_see_note(state, prior, viewer)
    if kind in STAFF_KINDS and not viewer.privileged:
        return False
    return item in touch.existed.get(kind, ())


def _table(state: WorkshopState, kind: str) -> Iterable[str]:
    tables: dict[str, Iterable[str]] = {
        "notes": state.notes, "themes": state.themes, "proposals": state.proposals,
        "actions": state.actions, "reviews": state.reviews, "participants": state.participants,
        "photos": state.photos, "tables": state.tables}
    return tables[kind]


def visible_tallies(state: WorkshopState, viewer: Viewer) -> dict[str, int]:
    """Every non-zero tally of a note the viewer may see (and none of any other note)."""
    counts: dict[str, int] = {}
    for votes in state.votes.values():
        for nid, n in votes.items():
            counts[nid] = counts.get(nid, 0) + n
    return {nid: n for nid, n in counts.items()
            if n and (note := state.notes.get(nid)) is not None
            and can_see_note(state, note, viewer)}


def snapshot(state: WorkshopState, viewer: Viewer) -> dict[str, Any]:
    snap: dict[str, Any] = {"workshop": workshop_view(state)}
    privileged = viewer.privileged
    for kind in KINDS:
        if kind in STAFF_KINDS and not privileged:
            # Not one of them is the viewer's to see: no pass over the room's people, which
            # made a join storm quadratic (each of 1,000 joiners' snapshots looked at every
            # one who had joined before it).
            snap[kind] = []
            continue
        if kind == "tables":
            # Every table at once: the room grouped by table in one pass (at 1,500 people
            # and 40 tables, 0.4 ms instead of 2 ms, and every joiner is sent two).
            by_table: dict[str | None, list[Participant]] = {}
            for p in state.participants.values():
                by_table.setdefault(p.table, []).append(p)
            snap[kind] = [table_view(state, t, viewer, by_table.get(t.id, []))
                          for t in state.tables.values()]
            continue
        views = [entity(state, kind, item, viewer) for item in _table(state, kind)]
        snap[kind] = [v for v in views if v is not None]
    snap["tallies"] = visible_tallies(state, viewer) if can_see_tallies(state, viewer) else {}
    pid = viewer.participant_id
    snap["me"] = me_view(state, pid) if pid is not None and pid in state.participants else None
    return snap


def wire_event(event: Event, state: WorkshopState, viewer: Viewer,
               touch: Touch) -> dict[str, Any] | None:
    """``event`` as a patch of ``viewer``'s view of ``state`` (the state right after it;
    ``touch`` was taken just before it); ``None`` when it changes nothing the viewer may
    know."""
    patch: dict[str, Any] = {}
    upsert: dict[str, list[dict[str, Any]]] = {}
    remove: dict[str, list[str]] = {}
    for kind, ids in touch.ids.items():
        if kind in STAFF_KINDS and not viewer.privileged:
            continue
        if ids == ALL:
            # Everything of this kind: send the whole current view; the client replaces.
            views = [entity(state, kind, item, viewer) for item in _table(state, kind)]
            patch.setdefault("replace", {})[kind] = [v for v in views if v is not None]
            continue
        for item in sorted(ids):
            view = entity(state, kind, item, viewer)
            if view is not None:
                upsert.setdefault(kind, []).append(view)
            elif had(state, touch, kind, item, viewer):
                remove.setdefault(kind, []).append(item)
            # else: the viewer never had it, and is not told it exists
    if upsert:
        patch["upsert"] = upsert
    if remove:
        patch["remove"] = remove
    if touch.workshop:
        patch["workshop"] = workshop_view(state)
    else:
        if touch.count:
            patch["workshop"] = {"participant_count": len(state.participants)}
        if any(n.private for n in _touched_notes(state, touch)):
            # A private note came, went, was hidden or shown: the count changed for all,
            # including those who get no entry for the note itself.
            patch.setdefault("workshop", {})["private_count"] = private_count(state)
    if touch.tallies == ALL:
        patch["tallies_replace"] = True
        patch["tallies"] = (visible_tallies(state, viewer) if can_see_tallies(state, viewer)
                            else {})  # tallies were just hidden
    elif touch.tallies and can_see_tallies(state, viewer):
        changed: dict[str, int] = {}
        for nid in sorted(touch.tallies):
            note = state.notes.get(nid)
            if note is not None and can_see_note(state, note, viewer):
                changed[nid] = state.tally(nid)
            elif had(state, touch, "notes", nid, viewer):
                changed[nid] = 0  # the note left the viewer's view: its tally goes too
        if changed:
            patch["tallies"] = changed
    pid = viewer.participant_id
    if (pid is not None and (touch.me == ALL or pid in touch.me)
            and pid in state.participants):
        patch["me"] = me_view(state, pid)
    if not patch:
        return None
    return {"type": "event", "seq": event.seq, "event": event.type, "data": patch}


# --- audiences ---------------------------------------------------------------------------

class Lens(NamedTuple):
    """A viewer reduced to what one event's patch reads about it: phones with the same lens
    get the very same message, built once (see the module docstring for why)."""

    privileged: bool
    participant_id: str | None
    table: str | None = None
    host: bool = False

    def place(self, state: WorkshopState) -> Place:
        return Place(self.table, self.host)


PUBLIC = Lens(False, None)
STAFF = Lens(True, None)


def _touched_notes(state: WorkshopState, touch: Touch) -> Iterator[Note]:
    """Every note whose visibility the patch consults: as it is, and as it was."""
    if touch.ids.get("notes") == ALL or touch.tallies == ALL:
        yield from state.notes.values()
    for nid in _named_notes(touch):
        note = state.notes.get(nid)
        if note is not None:
            yield note
        prior = touch.prior_notes.get(nid)
        if prior is not None:
            yield prior


class Personal(NamedTuple):
    """Whose own facts an event's patch reads (``personal_to``): the participants whose id
    it reads, and the tables whose host it reads; ``None`` means all of them."""

    people: frozenset[str] | None
    tables: frozenset[str | None] | None


def personal_to(state: WorkshopState, touch: Touch) -> Personal:
    """What the event's patch reads of a viewer's own: the ids of those whose ``me`` it
    touches and of the authors of the touched notes that are or were not public (an author
    sees their own hidden or private note); and the tables of the touched notes (as they
    are and as they were) and the touched tables, whose host sees more of them (private
    notes, authors, seats)."""
    notes = list(_touched_notes(state, touch))
    people = None if touch.me == ALL else frozenset(
        {*touch.me, *(n.author for n in notes if not is_public(n))})
    touched_tables = touch.ids.get("tables", set())
    tables = None if touched_tables == ALL else frozenset(
        {*touched_tables, *(n.table for n in notes)})
    return Personal(people, tables)


def lenses(state: WorkshopState, personal: Personal) -> Callable[[Viewer], Lens]:
    """``lens`` for one event, ready for each phone of the broadcast loop. Without tables
    (most evenings) the rule comes down to two lookups: the viewer's own lens when the patch
    reads something of theirs, else the public or the staff one. With tables, or an event
    that reads everyone's own (``people`` is None), it is ``lens`` itself."""
    people = personal.people
    if state.tables or people is None:
        return lambda viewer: lens(state, viewer, personal)

    def without_tables(viewer: Viewer) -> Lens:
        pid = viewer.participant_id
        if pid is not None and pid in people:
            return Lens(viewer.privileged, pid, *NOWHERE)
        return STAFF if viewer.privileged else PUBLIC

    return without_tables


def lens(state: WorkshopState, viewer: Viewer, personal: Personal) -> Lens:
    """The audience of ``viewer`` for an event whose patch reads ``personal``, judged on
    ``state`` (the state right after the event). ``personal_to`` runs once per event; this
    is a few lookups per phone, the broadcast loop's cost per phone.

    The viewer's place (table, host) is kept only where a patch reads it: a host's when the
    event touches their table's notes or the table itself (private notes, authors, seats),
    and anyone's table while 共感 is per table (each note's ``votable``). Otherwise phones
    at different tables, hosts or not, see the same patch."""
    pid = viewer.participant_id
    place = viewer.place(state) if state.tables else NOWHERE
    if place.host and personal.tables is not None and place.table not in personal.tables:
        place = Place(place.table, False)  # nothing of their table: a host sees no more
    if not place.host and state.settings.vote_scope != "table":
        place = NOWHERE
    if pid is not None and (personal.people is None or pid in personal.people):
        return Lens(viewer.privileged, pid, *place)
    if place == NOWHERE:
        return STAFF if viewer.privileged else PUBLIC
    return Lens(viewer.privileged, None, *place)
