"""Tables (班): making them, seating people, naming them, their hosts, world-café rounds and
the tables' own settings.

Most evenings at a centre are not one big board: people sit at tables of 4-8, each table
works on its own sheet with a table host (テーブル進行役), and the tables share back to the
room. Here the facilitator makes the tables (mixed by attribute, from the themes people
joined, or empty to seat by hand), moves people between them, makes someone a table's host,
and starts new rounds in which everyone but the hosts moves on. The dealing arithmetic is in
``seating.py``; this module checks the commands and records the events.

What a table changes elsewhere: a note remembers the table and round it was written at
(``notes.py``), a theme the table it belongs to (``themes.py``), 共感 may be per table
(``votes.py``), a host's powers stop at their table (``commands.decide``), and views show
each table (``view.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits, seating
from .commands import (
    FACILITATOR_ONLY,
    MODERATORS,
    Draft,
    clean_text,
    command,
    flag,
    ref,
    whole_number,
)
from .errors import Refusal
from .model import (
    VOTE_SCOPES,
    Actor,
    Event,
    Table,
    WorkshopState,
    applies,
    place_of,
)
from .touch import ALL, Touch

# How the tables are made: a balanced deal by attribute, the themes (輪) people joined, or
# empty tables the facilitator fills by hand (people without phones included).
BY = ("mixed", "themes", "hand")


def tables_in_use(state: WorkshopState) -> bool:
    """Once a note or theme belongs to a table, the tables hold work and stay: making them
    again would leave that work at tables that are gone."""
    return (any(n.table is not None for n in state.notes.values())
            or any(t.table is not None for t in state.themes.values()))


def seats_of(state: WorkshopState) -> dict[str, str]:
    """Who sits where now (pid → table id), in join order."""
    return {pid: p.table for pid, p in state.participants.items() if p.table is not None}


def latecomer_table(state: WorkshopState, attribute: str) -> str | None:
    """The table a newcomer is seated at while tables exist (``seating.seat_latecomer``:
    the fewest people, then the fewest of their attribute, then the lowest number)."""
    if not state.tables:
        return None
    attributes = {pid: p.attribute for pid, p in state.participants.items()}
    return seating.seat_latecomer(seats_of(state), attributes, attribute, list(state.tables))


def _size(args: Mapping[str, Any], by: str) -> tuple[int | None, int | None]:
    """``count`` or ``per_table``: exactly one, except by themes (neither: a table for each
    theme that has members)."""
    count = (whole_number(args, "count", 1, limits.TABLES_MAX)
             if args.get("count") is not None else None)
    per_table = (whole_number(args, "per_table", limits.PER_TABLE_MIN, limits.PER_TABLE_MAX)
                 if args.get("per_table") is not None else None)
    if count is not None and per_table is not None:
        raise Refusal("count_or_per_table")
    if count is None and per_table is None and by != "themes":
        raise Refusal("count_or_per_table")
    return count, per_table


@command("make_tables", FACILITATOR_ONLY, takes=("count", "per_table", "by"))
def make_tables(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Make the room's tables and seat everyone (by mixed or themes), or make them empty
    (by hand). They may be made again until a note or theme belongs to one."""
    by = args.get("by")
    if not isinstance(by, str) or by not in BY:
        raise Refusal("bad_value", field="by")
    if tables_in_use(state):
        raise Refusal("tables_in_use")
    count, per_table = _size(args, by)
    people = list(state.participants.values())
    if by == "themes":
        pids = [p.id for p in people]
        themes = [(t.id, t.members) for t in state.themes.values()]
        if not any(pid in state.participants for _, members in themes for pid in members):
            raise Refusal("no_themes")
        n = (None if count is None and per_table is None
             else seating.table_count(len(people), count=count, per_table=per_table))
        if n is not None and n > limits.TABLES_MAX:
            raise Refusal("too_many", what="tables", max=limits.TABLES_MAX)
        deal, theme_of = seating.deal_by_themes(pids, themes, n)
    else:
        n = seating.table_count(len(people), count=count, per_table=per_table)
        if n > limits.TABLES_MAX:
            raise Refusal("too_many", what="tables", max=limits.TABLES_MAX)
        deal = (seating.deal_mixed([(p.id, p.attribute) for p in people], n) if by == "mixed"
                else [[] for _ in range(n)])
        theme_of = [None] * n
    if len(deal) > limits.TABLES_MAX:  # by themes, one each: THEMES_MAX keeps it under today
        raise Refusal("too_many", what="tables", max=limits.TABLES_MAX)
    # Table k<n> is table number n: tables are made again only while nothing belongs to
    # them (tables_in_use), so an id of the tables they replace names nothing that stays.
    ids = [f"k{i}" for i in range(1, len(deal) + 1)]
    where = {pid: ids[i] for i, seats in enumerate(deal) for pid in seats}
    drafts: list[Draft] = [("TableHostCleared", {"table_id": t.id, "participant_id": t.host})
                           for t in state.tables.values() if t.host is not None]
    drafts.append(("TablesMade", {
        "tables": [{"table_id": tid, "number": i, "name": "", "theme": theme_of[i - 1]}
                   for i, tid in enumerate(ids, start=1)],
        "seats": {pid: where[pid] for pid in state.participants if pid in where},
        "by": by, "count": count, "per_table": per_table, "round": 1}))
    return drafts


@command("seat", MODERATORS, takes=("participant_id", "table_id"))
def seat(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Move one person to a table (or, table null, away from every table). A host moved
    away from their table is its host no more."""
    pid = ref(args, "participant_id", state.participants, "unknown_participant")
    table = args.get("table_id")
    if table is not None:
        table = ref(args, "table_id", state.tables, "unknown_table")
    if state.participants[pid].table == table:
        return []
    drafts: list[Draft] = []
    place = place_of(state, pid)
    if place.host:
        drafts.append(("TableHostCleared", {"table_id": place.table, "participant_id": pid}))
    drafts.append(("Seated", {"participant_id": pid, "table_id": table}))
    return drafts


@command("name_table", MODERATORS, takes=("table_id", "name"))
def name_table(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """A table's name beside its number (「子育て班」); "" takes it away."""
    table = ref(args, "table_id", state.tables, "unknown_table")
    name = clean_text(args, "name", limits.TABLE_NAME_MAX_CHARS, empty_code="empty_name",
                      long_code="table_name_too_long", allow_empty=True)
    if state.tables[table].name == name:
        return []
    return [("TableNamed", {"table_id": table, "name": name})]


@command("set_table_host", FACILITATOR_ONLY, takes=("table_id", "participant_id"))
def set_table_host(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Make someone a table's host (seating them there), or (participant null) the table
    host-less. A person hosts one table at most: hosting another ends the first; a person
    without a phone (代理入力) cannot host."""
    table_id = ref(args, "table_id", state.tables, "unknown_table")
    table = state.tables[table_id]
    if args.get("participant_id") is None:
        if table.host is None:
            return []
        return [("TableHostCleared", {"table_id": table_id, "participant_id": table.host})]
    pid = ref(args, "participant_id", state.participants, "unknown_participant")
    person = state.participants[pid]
    if person.proxy:
        raise Refusal("not_allowed", command="set_table_host")
    if table.host == pid:
        return []
    drafts: list[Draft] = []
    if table.host is not None:
        drafts.append(("TableHostCleared", {"table_id": table_id, "participant_id": table.host}))
    place = place_of(state, pid)
    if place.host:
        drafts.append(("TableHostCleared", {"table_id": place.table, "participant_id": pid}))
    if person.table != table_id:
        drafts.append(("Seated", {"participant_id": pid, "table_id": table_id}))
    drafts.append(("TableHostSet", {"table_id": table_id, "participant_id": pid}))
    return drafts


@command("start_round", FACILITATOR_ONLY)
def start_round(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """A new world-café round: hosts stay, everyone else seated now moves on, dealt so that
    as few as possible meet the same people again (``seating.reshuffle``). People seated
    at no table stay so (the facilitator took them away from the tables on purpose)."""
    if not state.tables:
        raise Refusal("no_tables")
    if state.round >= limits.ROUNDS_MAX:
        raise Refusal("too_many", what="rounds", max=limits.ROUNDS_MAX)
    hosts = {t.id: t.host for t in state.tables.values() if t.host is not None}
    people = list(seats_of(state))
    seats = seating.reshuffle(state.seatings, hosts, people, list(state.tables))
    return [("RoundStarted", {"round": state.round + 1,
                              "seats": {pid: seats[pid] for pid in people if pid in seats}})]


@command("set_table_settings", FACILITATOR_ONLY, takes=("others_visible", "vote_scope"))
def set_table_settings(state: WorkshopState, actor: Actor,
                       args: Mapping[str, Any]) -> list[Draft]:
    """Whether phones may look at other tables, and whether 共感 is per table."""
    s = state.settings
    others = flag(args, "others_visible") if "others_visible" in args else s.others_visible
    scope = args.get("vote_scope", s.vote_scope)
    if not isinstance(scope, str) or scope not in VOTE_SCOPES:
        raise Refusal("bad_value", field="vote_scope")
    if scope == "room" and s.vote_scope == "table":
        # Per table a person may have given a full budget at each table they sat at.
        used = max((state.votes_used(p) for p in state.votes), default=0)
        if used > s.vote_budget:
            raise Refusal("budget_below_used", used=used)
    if (others, scope) == (s.others_visible, s.vote_scope):
        return []
    return [("TableSettingsChanged", {"others_visible": others, "vote_scope": scope})]


# --- appliers ----------------------------------------------------------------------------

def _votable_changes(before: WorkshopState) -> bool:
    """With 共感 per table, whether a note may be voted on depends on the viewer's table."""
    return before.settings.vote_scope == "table"


def _made_touches(d: dict[str, Any], before: WorkshopState) -> Touch:
    touch = Touch(workshop=True).all("tables").all("participants")
    touch.me = ALL
    if _votable_changes(before):
        touch.all("notes")
    return touch


@applies("TablesMade", made_by="make_tables",
         args=lambda s, d: {k: d.get(k) for k in ("count", "per_table", "by")},
         result="seats", touches=_made_touches)
def _made(state: WorkshopState, e: Event) -> None:
    d = e.data
    state.tables = {t["table_id"]: Table(id=t["table_id"], number=int(t["number"]),
                                         name=t["name"], theme=t["theme"])
                    for t in d["tables"]}
    seats: dict[str, str] = d["seats"]
    for pid, person in state.participants.items():
        person.table = seats.get(pid)
    state.round = int(d["round"])
    state.seatings = [dict(seats)]
    if state.focus is not None and state.focus["kind"] == "table":
        state.focus = None  # that table is gone


def _seated_touches(d: dict[str, Any], before: WorkshopState) -> Touch:
    touch = Touch().add("participants", d["participant_id"])
    touch.me = {d["participant_id"]}
    old = before.participants[d["participant_id"]].table
    touch.add("tables", *(t for t in (old, d["table_id"]) if t is not None))
    return touch


# What the moved person may do changes with their seat (共感 per table: which notes are
# votable for them): their phones start over with a snapshot (``changes_role``), which costs
# one snapshot per phone of theirs, where a patch would send every note to every phone.
@applies("Seated", made_by="seat", changes_role="participant_id", touches=_seated_touches)
def _seated(state: WorkshopState, e: Event) -> None:
    seat_person(state, e.data["participant_id"], e.data["table_id"])


def seat_person(state: WorkshopState, pid: str, table: str | None) -> None:
    """Seat ``pid`` (also in this round's seating, which says where they sat last)."""
    state.participants[pid].table = table
    if state.seatings:
        if table is None:
            state.seatings[-1].pop(pid, None)
        else:
            state.seatings[-1][pid] = table


def _table_touches(d: dict[str, Any], before: WorkshopState) -> Touch:
    return Touch().add("tables", d["table_id"])


@applies("TableNamed", made_by="name_table", touches=_table_touches)
def _named(state: WorkshopState, e: Event) -> None:
    state.tables[e.data["table_id"]].name = e.data["name"]


def _host_touches(d: dict[str, Any], before: WorkshopState) -> Touch:
    touch = Touch().add("tables", d["table_id"]).add("participants", d["participant_id"])
    touch.me = {d["participant_id"]}
    return touch


@applies("TableHostSet", made_by="set_table_host", changes_role="participant_id",
         touches=_host_touches)
def _host_set(state: WorkshopState, e: Event) -> None:
    state.tables[e.data["table_id"]].host = e.data["participant_id"]


@applies("TableHostCleared", made_by="set_table_host", changes_role="participant_id",
         args=lambda s, d: {"table_id": d.get("table_id"), "participant_id": None},
         touches=_host_touches)
def _host_cleared(state: WorkshopState, e: Event) -> None:
    state.tables[e.data["table_id"]].host = None


def _round_touches(d: dict[str, Any], before: WorkshopState) -> Touch:
    touch = Touch(workshop=True).all("tables").all("participants")
    touch.me = ALL
    if _votable_changes(before):
        touch.all("notes")
    return touch


@applies("RoundStarted", made_by="start_round", args=lambda s, d: {}, result="seats",
         touches=_round_touches)
def _round(state: WorkshopState, e: Event) -> None:
    seats: dict[str, str] = e.data["seats"]
    for pid, table in seats.items():
        state.participants[pid].table = table
    state.round = int(e.data["round"])
    state.seatings.append(dict(seats))


def _settings_touches(d: dict[str, Any], before: WorkshopState) -> Touch:
    touch = Touch(workshop=True)
    if d["vote_scope"] != before.settings.vote_scope:
        # Each note's ``votable`` and each budget (``me.votes_left``) may change.
        touch.all("notes")
        touch.me = ALL
    return touch


@applies("TableSettingsChanged", made_by="set_table_settings", touches=_settings_touches)
def _settings(state: WorkshopState, e: Event) -> None:
    state.settings.others_visible = bool(e.data["others_visible"])
    state.settings.vote_scope = str(e.data["vote_scope"])
