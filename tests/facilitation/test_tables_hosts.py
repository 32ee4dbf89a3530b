"""Table hosts (テーブル進行役): a host's powers stop at their own table. Every command is
decided for a host aimed at their own table and at another one, and compared with what the
rules give the people a host stands between: a plain participant at the same table (for
what a host does as a participant), a つむぎすと (for a host's tools at their own table), the
facilitator (for 代理入力 at their table)."""

from __future__ import annotations

from typing import Any

import pytest

from yoriai.facilitation.commands import COMMANDS, decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, Actor, Role, WorkshopState
from yoriai.facilitation.view import snapshot

from .helpers import NOW, Workshop, refused
from .test_view import assert_clients_agree


class Room:
    """Two tables: at k1 the host H, a plain participant P, the author R and the proxy X;
    at k2 their host H2, Q and the proxy Y; the つむぎすと C sits at k1. Each table has a
    public note, two themes (one with a proposal) and a private note."""

    def __init__(self) -> None:
        w = self.w = Workshop()
        self.h, self.p, self.r, self.c = (w.join(n) for n in ("ホスト", "参加者", "作者", "つむぎ"))
        self.q, self.h2 = w.join("となり"), w.join("となりのホスト")
        self.x = self.proxy("紙の人")
        self.y = self.proxy("となりの紙の人")
        w.run(FACILITATOR, "make_tables", count=2, by="hand")
        for who, table in ((self.h, "k1"), (self.p, "k1"), (self.r, "k1"), (self.c, "k1"),
                           (self.x, "k1"), (self.q, "k2"), (self.y, "k2")):
            w.run(FACILITATOR, "seat", participant_id=who.participant_id, table_id=table)
        w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=self.h.participant_id)
        w.run(FACILITATOR, "set_table_host", table_id="k2", participant_id=self.h2.participant_id)
        w.run(FACILITATOR, "grant_cofacilitator", participant_id=self.c.participant_id)
        self.host = Actor(Role.PARTICIPANT, self.h.participant_id)  # as its phone sends it
        self.cofac = Actor(Role.COFACILITATOR, self.c.participant_id)
        self.notes = {"k1": w.post(self.r, "公園"), "k2": w.post(self.q, "雪")}
        self.themes: dict[str, list[str]] = {}
        for table in ("k1", "k2"):
            self.themes[table] = [
                w.run(FACILITATOR, "create_theme", title=f"{table}の{i}", table_id=table)[0]
                .data["theme_id"] for i in range(2)]
            w.run(FACILITATOR, "write_proposal", theme_id=self.themes[table][0], aim="ねらい")
        w.run(FACILITATOR, "set_private_notes", private=True)
        self.private = {"k1": w.post(self.r, "ひみつ1"), "k2": w.post(self.q, "ひみつ2")}
        w.run(FACILITATOR, "set_private_notes", private=False)
        w.run(FACILITATOR, "create_action", title="ベンチ", theme_id=self.themes["k1"][0])

    def proxy(self, name: str) -> Actor:
        pid = self.w.run(FACILITATOR, "add_proxy", name=name, attribute="住民",
                         show_name=False)[0].data["participant_id"]
        return Actor(Role.PARTICIPANT, pid)

    def args(self, name: str, table: str) -> dict[str, Any]:
        """Plausible arguments for ``name`` aimed at ``table``'s things."""
        person = {"k1": self.p, "k2": self.q}[table].participant_id
        value: dict[str, Any] = {
            "note_id": self.notes[table], "theme_id": self.themes[table][0],
            "source": self.themes[table][1], "target": self.themes[table][0],
            "table_id": table, "participant_id": person, "kind": "wish", "text": "テスト",
            "title": "テスト", "name": "テスト", "aim": "目的", "ideas": ["案"],
            "attribute": "住民", "show_name": False, "step": "activity", "locked": True,
            "private": True, "chosen": True, "seconds": 60, "vote_budget": 4,
            "multi_vote": False, "votes_visible": True, "shown": True, "date": "2030-01-10",
            "column": "keep", "status": "done", "record": "", "form": "partnership",
            "partners": [], "first_step": "", "due": "", "action_id": "a1", "review_id": "r1",
            "hash": "a" * 64, "caption": "", "start": "19:00", "end": "21:00", "time": "",
            "place": "", "password": "", "count": 2, "per_table": None, "by": "hand",
            "others_visible": True, "vote_scope": "table", "code": "zzz234", "center": "",
            "program": None, "id": table, "note_ids": [self.notes[table]],
            "pin": None, "width": 1600, "height": 1200, "kinds": ["issue"], "area": None}
        args = {key: value[key] for key in sorted(COMMANDS[name].takes)}
        if name == "set_focus":
            args["kind"] = "table"
        if name == "delete_theme":
            args["theme_id"] = self.themes[table][1]  # the one without a proposal
        return args


def outcome(w: Workshop, actor: Actor, name: str, args: dict[str, Any]) -> str:
    """"ok", or the refusal's code (the state is never changed by deciding)."""
    before = w.state.copy()
    try:
        decide(w.state, actor, name, args, NOW)
    except Refusal as exc:
        return exc.code
    finally:
        assert w.state == before
    return "ok"


@pytest.fixture(scope="module")
def room() -> Room:
    return Room()


HOST_TOOLS = sorted(n for n, s in COMMANDS.items()
                    if Role.TABLE_HOST in s.roles and s.tables is not None)
AS_PARTICIPANT = sorted(n for n, s in COMMANDS.items()
                        if Role.PARTICIPANT in s.roles and n not in HOST_TOOLS)
NOT_A_HOSTS = sorted(set(COMMANDS) - set(HOST_TOOLS) - set(AS_PARTICIPANT))


def test_the_host_tools_are_the_ones_tables_md_names() -> None:
    assert HOST_TOOLS == ["create_theme", "delete_theme", "group_note", "merge_themes",
                          "rename_theme", "write_proposal"]
    assert "set_focus" in NOT_A_HOSTS and "hide_note" in NOT_A_HOSTS  # the room's tools
    assert not Actor(Role.TABLE_HOST, "p1").privileged  # never the staff's views


@pytest.mark.parametrize("name", HOST_TOOLS)
def test_a_host_tool_works_at_the_own_table_as_for_a_cofacilitator(room: Room, name: str) -> None:
    args = room.args(name, "k1")
    assert outcome(room.w, room.host, name, args) == outcome(room.w, room.cofac, name, args)
    assert outcome(room.w, room.host, name, args) == "ok"


@pytest.mark.parametrize("name", HOST_TOOLS)
def test_a_host_tool_stops_at_another_table(room: Room, name: str) -> None:
    args = room.args(name, "k2")
    expected = ("not_your_table" if Role.PARTICIPANT not in COMMANDS[name].roles
                else outcome(room.w, Actor(Role.PARTICIPANT, room.p.participant_id), name, args))
    assert outcome(room.w, room.host, name, args) == expected
    assert expected != "ok"
    # and the other table's own host may
    assert outcome(room.w, Actor(Role.PARTICIPANT, room.h2.participant_id), name, args) == "ok"


@pytest.mark.parametrize("name", AS_PARTICIPANT)
@pytest.mark.parametrize("table", ["k1", "k2"])
def test_a_host_is_a_participant_for_everything_else(room: Room, name: str, table: str) -> None:
    args = room.args(name, table)
    plain = Actor(Role.PARTICIPANT, room.p.participant_id)  # same table, no host
    assert outcome(room.w, room.host, name, args) == outcome(room.w, plain, name, args)


@pytest.mark.parametrize("name", NOT_A_HOSTS)
@pytest.mark.parametrize("table", ["k1", "k2"])
def test_a_host_has_no_other_moderator_tool(room: Room, name: str, table: str) -> None:
    assert outcome(room.w, room.host, name, room.args(name, table)) == "not_allowed"


@pytest.mark.parametrize("name", AS_PARTICIPANT)
def test_a_host_enters_for_a_proxy_at_their_table_only(room: Room, name: str) -> None:
    own = {**room.args(name, "k1"), "proxy_for": room.x.participant_id}
    assert outcome(room.w, room.host, name, own) == outcome(room.w, FACILITATOR, name, own)
    other = {**room.args(name, "k2"), "proxy_for": room.y.participant_id}
    assert outcome(room.w, room.host, name, other) == "not_your_table"
    plain = Actor(Role.PARTICIPANT, room.p.participant_id)
    assert outcome(room.w, plain, name, own) == "not_allowed"


def test_a_host_sees_their_tables_private_notes_only(room: Room) -> None:
    seen = {n["id"]: n for n in snapshot(room.w.state, room.host)["notes"]}
    assert room.private["k1"] in seen and room.private["k2"] not in seen
    mine = seen[room.private["k1"]]
    assert mine["author_name"] == "作者" and mine["votable"] is False
    assert "author_name" not in seen[room.notes["k2"]]  # another table's authors stay unnamed
    plain = {n["id"] for n in snapshot(room.w.state, room.p)["notes"]}
    assert room.private["k1"] not in plain
    # Naming another table's private note is naming nothing.
    refused("unknown_note", room.w, room.host, "group_note", note_id=room.private["k2"],
            theme_id=room.themes["k1"][0])
    fresh = Room()
    fresh.w.run(FACILITATOR, "set_step", step="companions")
    refused("not_allowed", fresh.w, fresh.host, "cast_vote", note_id=fresh.private["k1"])


def test_a_hosts_theme_is_their_tables_and_ends_with_the_role() -> None:
    room = Room()
    w = room.w
    made = w.run(room.host, "create_theme", title="ベンチ", note_id=room.notes["k1"])
    assert made[0].data["table"] == "k1"
    refused("not_your_table", w, room.host, "create_theme", title="x", table_id="k2")
    refused("not_your_table", w, room.host, "create_theme", title="x",
            note_id=room.notes["k2"])
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=None)
    refused("not_allowed", w, room.host, "create_theme", title="x")
    assert room.private["k1"] not in {n["id"] for n in snapshot(w.state, room.host)["notes"]}
    # Moved to another table, a host is that table's host no more.
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=room.h.participant_id)
    events = w.run(FACILITATOR, "seat", participant_id=room.h.participant_id, table_id="k2")
    assert [e.type for e in events] == ["TableHostCleared", "Seated"]
    assert w.state.tables["k1"].host is None


def test_set_table_host_seats_the_host_and_keeps_one_table_each() -> None:
    room = Room()
    w = room.w
    events = w.run(FACILITATOR, "set_table_host", table_id="k2",
                   participant_id=room.h.participant_id)
    assert [e.type for e in events] == ["TableHostCleared", "TableHostCleared", "Seated",
                                        "TableHostSet"]
    assert (w.state.tables["k1"].host, w.state.tables["k2"].host) == (None, room.h.participant_id)
    assert w.state.participants[room.h.participant_id or ""].table == "k2"
    refused("not_allowed", w, FACILITATOR, "set_table_host", table_id="k1",
            participant_id=room.x.participant_id)  # a person without a phone cannot host
    refused("not_allowed", w, room.cofac, "set_table_host", table_id="k1",
            participant_id=room.p.participant_id)  # the facilitator's choice alone


def test_a_hosts_table_view_shows_what_its_proxies_gave() -> None:
    """The host enters 共感 and 輪 for the people without a phone at their table: their
    seats say what each gave and has left, kept current by live patches."""
    room = Room()
    w = room.w
    w.run(FACILITATOR, "set_step", step="companions")
    w.run(room.host, "cast_vote", note_id=room.notes["k1"], proxy_for=room.x.participant_id)
    w.run(room.host, "join_theme", theme_id=room.themes["k1"][0],
          proxy_for=room.x.participant_id)
    seats = {s["id"]: s for s in snapshot(w.state, room.host)["tables"][0]["seats"]}
    paper = seats[room.x.participant_id or ""]
    assert paper["votes"] == {room.notes["k1"]: 1} and paper["votes_left"] == 2
    assert paper["themes"] == [room.themes["k1"][0]]
    assert "votes" not in seats[room.p.participant_id or ""]  # only those without a phone
    w.run(FACILITATOR, "set_vote_settings", vote_budget=5)
    w.run(FACILITATOR, "delete_note", note_id=room.notes["k1"])  # its 共感 comes back
    w.run(FACILITATOR, "merge_themes", source=room.themes["k1"][0],
          target=room.themes["k1"][1])
    assert_clients_agree(w, [room.host, room.cofac, FACILITATOR,
                             Actor(Role.PARTICIPANT, room.h2.participant_id)])
    paper = snapshot(w.state, room.host)["tables"][0]["seats"][-1]
    assert (paper["votes"], paper["votes_left"]) == ({}, 5)


def test_leaving_a_sharing_step_takes_a_table_off_the_projector() -> None:
    w = Workshop()
    program = w.state.program.to_dict()
    program["steps"][2]["view"] = "sharing"
    cafe = Workshop.__new__(Workshop)
    cafe.state, cafe.log, cafe.clock = WorkshopState(), [], NOW
    cafe.run(FACILITATOR, "create_workshop", code="share2", title="共有", program=program)
    cafe.join()
    cafe.run(FACILITATOR, "make_tables", count=2, by="mixed")
    sharing = program["steps"][2]["id"]
    cafe.run(FACILITATOR, "set_step", step=sharing)
    cafe.run(FACILITATOR, "set_focus", kind="table", id="k2")
    cafe.run(FACILITATOR, "set_step", step=program["steps"][3]["id"])
    assert cafe.state.focus is None
    # Elsewhere a table stays on the projector until the facilitator takes it off.
    cafe.run(FACILITATOR, "set_focus", kind="table", id="k1")
    cafe.run(FACILITATOR, "set_step", step=program["steps"][4]["id"])
    assert cafe.state.focus == {"kind": "table", "id": "k1"}
