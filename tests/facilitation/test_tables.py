"""Tables (班) in the domain: making them, seating, naming, latecomers, notes and themes that
remember their table, the table views (public and staff), ``me.table``, and an imported log
with tables checked by the rules of live commands."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from yoriai.facilitation.commands import COMMANDS, HOSTS, command
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Role
from yoriai.facilitation.snapshot import dump, load
from yoriai.facilitation.verify import verified_replay
from yoriai.facilitation.view import snapshot

from .helpers import Workshop, refused
from .test_view import assert_clients_agree

ATTRS = ["住民", "町内会・自治会", "企業", "大学・学生"]


def room(n: int = 12, *, names: bool = False) -> tuple[Workshop, list[Actor]]:
    w = Workshop()
    people = [w.join(f"人{i}", ATTRS[i % len(ATTRS)], show_name=names and i % 2 == 0)
              for i in range(n)]
    return w, people


def seats(w: Workshop) -> dict[str, str | None]:
    return {pid: p.table for pid, p in w.state.participants.items()}


def test_mixed_tables_are_balanced_by_attribute_and_size() -> None:
    w, _ = room(14)
    w.run(FACILITATOR, "make_tables", count=4, by="mixed")
    assert list(w.state.tables) == ["k1", "k2", "k3", "k4"]
    assert [t.number for t in w.state.tables.values()] == [1, 2, 3, 4]
    assert w.state.round == 1
    assert all(t is not None for t in seats(w).values())
    sizes = Counter(seats(w).values())
    assert max(sizes.values()) - min(sizes.values()) <= 1
    for attribute in ATTRS:
        per_table = Counter(p.table for p in w.state.participants.values()
                            if p.attribute == attribute)
        counts = [per_table.get(t, 0) for t in w.state.tables]
        assert max(counts) - min(counts) <= 1, attribute
    assert w.state.seatings == [{pid: t for pid, t in seats(w).items() if t is not None}]


def test_the_same_room_gets_the_same_deal_and_tables_may_be_made_again() -> None:
    w1, _ = room(10)
    w2, _ = room(10)
    w1.run(FACILITATOR, "make_tables", per_table=4, by="mixed")
    w2.run(FACILITATOR, "make_tables", per_table=4, by="mixed")
    assert len(w1.state.tables) == 3  # at most 4 each: 4, 3, 3
    assert seats(w1) == seats(w2)
    w1.run(FACILITATOR, "make_tables", count=2, by="hand")
    assert list(w1.state.tables) == ["k1", "k2"]
    assert set(seats(w1).values()) == {None}  # by hand: nobody seated yet


def test_make_tables_refuses_bad_sizes_and_once_tables_hold_work() -> None:
    w, people = room(6)
    refused("count_or_per_table", w, FACILITATOR, "make_tables", by="mixed")
    refused("count_or_per_table", w, FACILITATOR, "make_tables", by="mixed", count=2,
            per_table=3)
    refused("bad_number", w, FACILITATOR, "make_tables", by="mixed", count=0)
    refused("bad_number", w, FACILITATOR, "make_tables", by="mixed", count=41)
    refused("bad_number", w, FACILITATOR, "make_tables", by="mixed", per_table=1)
    refused("bad_value", w, FACILITATOR, "make_tables", by="random", count=2)
    refused("no_themes", w, FACILITATOR, "make_tables", by="themes")
    refused("not_allowed", w, people[0], "make_tables", by="mixed", count=2)
    w.run(FACILITATOR, "make_tables", count=2, by="mixed")
    w.post(people[0])  # the note belongs to a table now
    refused("tables_in_use", w, FACILITATOR, "make_tables", count=3, by="mixed")


def test_tables_by_themes_follow_the_circles_people_joined() -> None:
    w, people = room(6)
    w.run(FACILITATOR, "set_step", step="companions")
    t1 = w.run(FACILITATOR, "create_theme", title="公園")[0].data["theme_id"]
    t2 = w.run(FACILITATOR, "create_theme", title="雪かき")[0].data["theme_id"]
    for p in people[:3]:
        w.run(p, "join_theme", theme_id=t1)
    for p in people[3:5]:
        w.run(p, "join_theme", theme_id=t2)
    w.run(FACILITATOR, "make_tables", by="themes")
    tables = list(w.state.tables.values())
    assert [t.theme for t in tables] == [t1, t2]
    assert {w.state.participants[p.participant_id or ""].table for p in people[:3]} == {"k1"}
    assert {w.state.participants[p.participant_id or ""].table for p in people[3:5]} == {"k2"}
    assert w.state.participants[people[5].participant_id or ""].table is not None


def test_seat_and_name_a_table() -> None:
    w, people = room(4)
    w.run(FACILITATOR, "make_tables", count=2, by="hand")
    pid = people[0].participant_id
    w.run(FACILITATOR, "seat", participant_id=pid, table_id="k2")
    assert w.state.participants[pid or ""].table == "k2"
    assert w.run(FACILITATOR, "seat", participant_id=pid, table_id="k2") == []
    w.run(FACILITATOR, "seat", participant_id=pid, table_id=None)
    assert w.state.participants[pid or ""].table is None
    refused("unknown_table", w, FACILITATOR, "seat", participant_id=pid, table_id="k9")
    refused("unknown_participant", w, FACILITATOR, "seat", participant_id="p99", table_id="k1")
    refused("not_allowed", w, people[1], "seat", participant_id=pid, table_id="k1")
    w.run(FACILITATOR, "name_table", table_id="k1", name=" 子育て ")
    assert w.state.tables["k1"].name == "子育て"
    refused("table_name_too_long", w, FACILITATOR, "name_table", table_id="k1", name="あ" * 21)
    refused("bad_text", w, FACILITATOR, "name_table", table_id="k1", name="\ud800")


def test_latecomers_are_seated_where_fewest_sit() -> None:
    w, _ = room(5)
    w.run(FACILITATOR, "make_tables", count=2, by="mixed")
    sizes = Counter(seats(w).values())
    smaller = min(w.state.tables, key=lambda t: (sizes[t], w.state.tables[t].number))
    late = w.join("遅刻", "企業")
    joined = w.log[-1]
    assert joined.type == "ParticipantJoined" and joined.data["table_id"] == smaller
    assert w.state.participants[late.participant_id or ""].table == smaller
    proxy = w.run(FACILITATOR, "add_proxy", name="紙の人", attribute="住民", show_name=False)
    assert proxy[0].data["table_id"] in w.state.tables
    # Without tables a join is what it always was.
    w2, _ = room(1)
    assert "table_id" not in w2.log[-1].data


def test_notes_and_themes_remember_their_table_and_round() -> None:
    w, people = room(4)
    before = w.post(people[0])
    assert w.state.notes[before].table is None and w.state.notes[before].round == 0
    assert "table" not in w.log[-1].data  # an evening without tables records what it did
    w.run(FACILITATOR, "make_tables", count=2, by="hand")
    w.run(FACILITATOR, "seat", participant_id=people[0].participant_id, table_id="k2")
    note = w.post(people[0])
    assert (w.state.notes[note].table, w.state.notes[note].round) == ("k2", 1)
    w.run(FACILITATOR, "seat", participant_id=people[0].participant_id, table_id="k1")
    assert w.state.notes[note].table == "k2"  # the note stays where it was written
    theme = w.run(FACILITATOR, "create_theme", title="公園", table_id="k1")
    assert w.state.themes[theme[0].data["theme_id"]].table == "k1"
    refused("unknown_table", w, FACILITATOR, "create_theme", title="x", table_id="k7")
    view = snapshot(w.state, people[1])
    assert {n["id"]: (n["table"], n["round"]) for n in view["notes"]} == {
        before: (None, 0), note: ("k2", 1)}
    assert view["themes"][0]["table"] == "k1"


def test_table_views_name_only_those_who_agreed() -> None:
    w, people = room(6, names=True)  # people 0, 2, 4 agreed to be named
    w.run(FACILITATOR, "make_tables", count=1, by="hand")
    for p in people[:4]:
        w.run(FACILITATOR, "seat", participant_id=p.participant_id, table_id="k1")
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[1].participant_id)
    public = snapshot(w.state, PROJECTOR)["tables"]
    assert public == [{"id": "k1", "number": 1, "name": "", "theme": None, "seat_count": 4,
                       "names": ["人0", "人2"], "others": 2, "host_name": ""}]
    assert snapshot(w.state, people[0])["tables"] == public
    staff = snapshot(w.state, FACILITATOR)["tables"][0]
    assert staff["host"] == people[1].participant_id
    assert [s["id"] for s in staff["seats"]] == [p.participant_id for p in people[:4]]
    host_view = snapshot(w.state, people[1])["tables"][0]
    assert host_view["seats"] == staff["seats"]
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[2].participant_id)
    assert snapshot(w.state, PROJECTOR)["tables"][0]["host_name"] == "人2"


def test_header_and_me_say_the_round_the_settings_and_my_table() -> None:
    w, people = room(4)
    header = snapshot(w.state, PROJECTOR)["workshop"]
    assert header["round"] == 0
    assert header["settings"]["others_visible"] is False
    assert header["settings"]["vote_scope"] == "room"
    me = snapshot(w.state, people[0])["me"]
    assert (me["table"], me["host_of"]) == (None, None)
    w.run(FACILITATOR, "make_tables", count=2, by="mixed")
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[0].participant_id)
    me = snapshot(w.state, people[0])["me"]
    assert (me["table"], me["host_of"]) == ("k1", "k1")
    other = snapshot(w.state, people[1])["me"]
    assert other["table"] in w.state.tables and other["host_of"] is None
    w.run(FACILITATOR, "set_table_settings", others_visible=True, vote_scope="table")
    header = snapshot(w.state, PROJECTOR)["workshop"]
    assert header["settings"]["others_visible"] is True
    assert header["settings"]["vote_scope"] == "table"
    assert header["round"] == 1


def test_set_focus_on_a_table() -> None:
    w, _ = room(2)
    w.run(FACILITATOR, "make_tables", count=2, by="mixed")
    w.run(FACILITATOR, "set_focus", kind="table", id="k2")
    assert w.state.focus == {"kind": "table", "id": "k2"}
    refused("unknown_table", w, FACILITATOR, "set_focus", kind="table", id="k3")
    w.run(FACILITATOR, "make_tables", count=1, by="mixed")
    assert w.state.focus is None  # the table it showed is gone


def test_a_removed_person_leaves_their_seat_and_their_table() -> None:
    w, people = room(3)
    w.run(FACILITATOR, "make_tables", count=1, by="mixed")
    host = people[0].participant_id
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=host)
    w.run(FACILITATOR, "remove_participant", participant_id=host)
    assert w.state.tables["k1"].host is None
    assert all(host not in s for s in w.state.seatings)
    assert snapshot(w.state, FACILITATOR)["tables"][0]["seat_count"] == 2


def test_a_log_with_tables_passes_the_import_check() -> None:
    """An imported archive is checked by deciding, for each event, the command that would
    have recorded it: every table event must be one a live command records exactly."""
    w, people = room(8, names=True)
    w.run(FACILITATOR, "make_tables", count=3, by="hand")
    w.run(FACILITATOR, "make_tables", count=3, by="mixed")
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[0].participant_id)
    w.run(FACILITATOR, "set_table_host", table_id="k2", participant_id=people[0].participant_id)
    w.run(FACILITATOR, "seat", participant_id=people[0].participant_id, table_id="k3")
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[1].participant_id)
    w.run(FACILITATOR, "name_table", table_id="k1", name="公園")
    w.run(FACILITATOR, "set_table_settings", vote_scope="table", others_visible=True)
    w.join("遅刻", "企業")
    proxy = w.run(FACILITATOR, "add_proxy", name="紙", attribute="住民", show_name=False)
    host = Actor(Role.PARTICIPANT, people[1].participant_id)
    note = w.post(people[2])
    table_of_proxy = w.state.participants[proxy[0].data["participant_id"]].table
    w.run(FACILITATOR, "seat", participant_id=proxy[0].data["participant_id"], table_id="k1")
    w.run(host, "post_note", kind="wish", text="代理", proxy_for=proxy[0].data["participant_id"])
    w.run(host, "create_theme", title="ベンチ")
    w.run(FACILITATOR, "start_round")
    w.run(FACILITATOR, "start_round")
    w.run(FACILITATOR, "set_focus", kind="table", id="k2")
    assert table_of_proxy is not None and note
    assert verified_replay(w.log) == w.state


def test_a_snapshot_keeps_the_tables_and_one_from_before_tables_still_loads() -> None:
    w, people = room(5)
    w.run(FACILITATOR, "make_tables", count=2, by="mixed")
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[0].participant_id)
    w.run(FACILITATOR, "set_table_settings", vote_scope="table")
    w.post(people[1])
    w.run(FACILITATOR, "start_round")
    raw = json.loads(json.dumps(dump(w.state)))
    assert load(raw) == w.state
    old = Workshop()
    old.join()
    before = json.loads(json.dumps(dump(old.state)))
    for key in ("tables", "round", "seatings"):
        del before["state"][key]
    for person in before["state"]["participants"].values():
        del person["table"]
    for key in ("others_visible", "vote_scope"):
        del before["state"]["settings"][key]
    assert load(before) == old.state


def test_a_hosts_tools_must_say_which_tables_they_touch() -> None:
    for spec in COMMANDS.values():
        if Role.TABLE_HOST in spec.roles and Role.PARTICIPANT not in spec.roles:
            assert spec.tables is not None, spec.name
    with pytest.raises(ValueError):
        command("a_host_tool_without_tables", HOSTS)(lambda state, actor, args: [])
    assert "a_host_tool_without_tables" not in COMMANDS


def test_a_table_made_from_a_theme_follows_it_when_merged_or_deleted() -> None:
    w, people = room(6)
    w.run(FACILITATOR, "set_step", step="companions")
    t1, t2, t3 = (w.run(FACILITATOR, "create_theme", title=f"輪{i}")[0].data["theme_id"]
                  for i in range(3))
    for i, p in enumerate(people):
        w.run(p, "join_theme", theme_id=(t1, t2, t3)[i % 3])
    w.run(FACILITATOR, "make_tables", by="themes")
    assert [t.theme for t in w.state.tables.values()] == [t1, t2, t3]
    w.run(FACILITATOR, "merge_themes", source=t2, target=t1)
    assert [t.theme for t in w.state.tables.values()] == [t1, t1, t3]
    w.run(FACILITATOR, "delete_theme", theme_id=t3)
    assert [t.theme for t in w.state.tables.values()] == [t1, t1, None]
    assert_clients_agree(w, [FACILITATOR, PROJECTOR, *people])
