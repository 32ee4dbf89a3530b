"""Map work (地図ワーク) in the domain: the map (add_map, remove_map), places of notes
(post_note's pin, place_note), what the projector's map shows (set_map_view), who may do
each, every refusal (hostile values included), and that a pin reaches exactly those who may
see its note."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from yoriai.facilitation import limits
from yoriai.facilitation.commands import effective_actor
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Event,
    NoteKind,
    Pin,
    WorkshopState,
    apply,
)
from yoriai.facilitation.snapshot import dump, load
from yoriai.facilitation.verify import Rejected, verified_replay
from yoriai.facilitation.view import snapshot, touched, wire_event

from .helpers import Workshop, at_step, refused

A, B = "a" * 64, "0123456789abcdef" * 4
GRID = limits.MAP_GRID


def with_map(title: str = "西部地区 全図") -> Workshop:
    w = Workshop()
    w.run(FACILITATOR, "add_map", hash=A, title=title, width=2400, height=1697)
    return w


def notes_of(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in view["notes"]}


# Values that are not a place on the map: the wrong type, out of the grid, bools, floats,
# strings that look like numbers, huge ints, extra or missing keys, nested junk.
BAD_PINS: list[object] = [
    {"x": True, "y": 5}, {"x": 5, "y": False}, {"x": 1.5, "y": 2}, {"x": 1.0, "y": 2},
    {"x": "NaN", "y": 2}, {"x": "5", "y": 2}, {"x": math.inf, "y": 0}, {"x": math.nan, "y": 0},
    {"x": -1, "y": 0}, {"x": 0, "y": GRID + 1}, {"x": 2**64, "y": 0}, {"x": 10**400, "y": 1},
    {"x": 1, "y": 2, "z": 3}, {"x": 1}, {}, {"x": None, "y": None}, {"x": {"x": 1}, "y": 2},
    {"x": [1], "y": 2}, [1, 2], "5000,5000", 5000, True, {"\ud800": 1, "y": 2},
]


# --- add_map ---------------------------------------------------------------------------

def test_a_map_is_added_and_shown_in_the_header_to_everyone() -> None:
    w = Workshop()
    person = w.join()
    assert snapshot(w.state, PROJECTOR)["workshop"]["map"] is None
    [added] = w.run(FACILITATOR, "add_map", hash=A, title="  西部地区\u0000 全図 ",
                    width=2400, height=1697)
    assert added.type == "MapAdded"
    assert added.data == {"hash": A, "title": "西部地区 全図", "width": 2400, "height": 1697}
    expected = {"hash": A, "title": "西部地区 全図", "width": 2400, "height": 1697,
                "kinds": ["charm", "issue", "wish"], "area": None}
    for viewer in (FACILITATOR, PROJECTOR, person):
        assert snapshot(w.state, viewer)["workshop"]["map"] == expected


def test_the_same_map_again_records_nothing_and_an_empty_title_is_allowed() -> None:
    w = Workshop()
    w.run(FACILITATOR, "add_map", hash=A, title="", width=1, height=2400)
    assert w.run(FACILITATOR, "add_map", hash=A, title="別の名前", width=100, height=100) == []
    assert w.state.map is not None and w.state.map.title == ""


def test_another_map_replaces_it_only_while_no_note_is_placed() -> None:
    w = with_map()
    p = w.join()
    note = w.post(p)
    w.run(FACILITATOR, "set_map_view", kinds=["issue"])
    w.run(FACILITATOR, "add_map", hash=B, title="新しい地図", width=1200, height=900)
    assert w.state.map is not None and w.state.map.hash == B
    # a new map starts with everything shown
    assert w.state.map.kinds == tuple(NoteKind) and w.state.map.area is None
    w.run(FACILITATOR, "place_note", note_id=note, pin={"x": 1, "y": 2})
    refused("map_in_use", w, FACILITATOR, "add_map", hash=A, title="", width=10, height=10)
    w.run(FACILITATOR, "place_note", note_id=note, pin=None)
    w.run(FACILITATOR, "add_map", hash=A, title="", width=10, height=10)


@pytest.mark.parametrize("bad", ["A" * 64, "a" * 63, "a" * 65, "g" * 64, "", None, 7, True,
                                 ["a" * 64], "../../facilitator.key", "\ud800" * 64])
def test_a_map_is_named_by_64_lower_case_hex_digits(bad: object) -> None:
    refused("bad_map", Workshop(), FACILITATOR, "add_map", hash=bad, title="", width=10,
            height=10)


@pytest.mark.parametrize("bad", [0, -1, limits.MAP_LONG_SIDE_PX + 1, True, False, 1.0, 1.5,
                                 "800", None, math.nan, 2**70, [800], {"px": 800}])
def test_a_map_has_a_whole_size_within_the_long_side(bad: object) -> None:
    for field in ("width", "height"):
        args: dict[str, Any] = {"hash": A, "title": "", "width": 800, "height": 600}
        args[field] = bad
        refused("bad_number", Workshop(), FACILITATOR, "add_map", **args)


def test_a_map_title_has_its_limit_and_is_checked_text() -> None:
    w = Workshop()
    refused("map_title_too_long", w, FACILITATOR, "add_map", hash=A,
            title="あ" * (limits.MAP_TITLE_MAX_CHARS + 1), width=10, height=10)
    refused("bad_text", w, FACILITATOR, "add_map", hash=A, title="\ud800", width=10,
            height=10)
    # (a title that is not text at all is the wrong type, as for every text: bad_value)
    refused("bad_value", w, FACILITATOR, "add_map", hash=A, title=["地図"], width=10,
            height=10)
    w.run(FACILITATOR, "add_map", hash=A, title="あ" * limits.MAP_TITLE_MAX_CHARS, width=10,
          height=10)


def test_extra_arguments_are_refused() -> None:
    w = with_map()
    refused("unknown_argument", w, FACILITATOR, "add_map", hash=B, title="", width=1,
            height=1, meeting=2)
    refused("unknown_argument", w, FACILITATOR, "remove_map", hash=A)
    refused("unknown_argument", w, FACILITATOR, "set_map_view", kinds=["issue"], zoom=2)
    refused("unknown_argument", w, FACILITATOR, "place_note", note_id="n1", pin=None, x=1)


def test_only_the_facilitators_handle_the_map() -> None:
    w = Workshop()
    person, helper = w.join("佐藤"), w.join("鈴木")
    proxy = w.run(FACILITATOR, "add_proxy", name="紙の人", attribute="住民")[0]
    pid = proxy.data["participant_id"]
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=helper.participant_id)
    map_args = {"hash": A, "title": "", "width": 10, "height": 10}
    for who in (person, PROJECTOR):
        refused("not_allowed", w, who, "add_map", **map_args)
    refused("not_allowed", w, FACILITATOR, "add_map", proxy_for=pid, **map_args)
    w.run(helper, "add_map", **map_args)
    note = w.post(person)
    for who in (person, PROJECTOR):
        refused("not_allowed", w, who, "place_note", note_id=note, pin={"x": 1, "y": 1})
        refused("not_allowed", w, who, "set_map_view", kinds=["wish"])
        refused("not_allowed", w, who, "remove_map")
    w.run(helper, "place_note", note_id=note, pin={"x": 1, "y": 1})
    w.run(helper, "set_map_view", kinds=["wish"])
    w.run(helper, "remove_map")


# --- post_note with a pin --------------------------------------------------------------

def test_a_note_is_posted_with_its_place() -> None:
    w = with_map()
    p = w.join()
    [posted] = w.run(p, "post_note", kind="issue", text="見通しの悪い交差点",
                     pin={"x": 0, "y": GRID})
    assert posted.data["pin"] == {"x": 0, "y": GRID}
    assert w.state.notes[posted.data["note_id"]].pin == Pin(0, GRID)
    view = notes_of(snapshot(w.state, PROJECTOR))[posted.data["note_id"]]
    assert view["pin"] == {"x": 0, "y": GRID}


def test_without_a_pin_a_note_is_posted_exactly_as_before() -> None:
    """An evening without a map logs byte for byte as before map work: no ``pin`` key."""
    w = Workshop()
    p = w.join()
    for args in ({}, {"pin": None}):
        [posted] = w.run(p, "post_note", kind="wish", text="公園", **args)
        assert "pin" not in posted.data
        assert set(posted.data) == {"note_id", "author", "kind", "text", "step", "private",
                                    "by_proxy"}
    assert all(n["pin"] is None for n in snapshot(w.state, PROJECTOR)["notes"])


def test_a_pin_without_a_map_is_refused() -> None:
    w = Workshop()
    p = w.join()
    refused("no_map", w, p, "post_note", kind="wish", text="公園", pin={"x": 1, "y": 1})
    # the map's absence is said before the pin's shape is looked at
    refused("no_map", w, p, "post_note", kind="wish", text="公園", pin="junk")


@pytest.mark.parametrize("bad", BAD_PINS, ids=repr)
def test_a_malformed_pin_is_refused(bad: object) -> None:
    w = with_map()
    p = w.join()
    refused("bad_pin", w, p, "post_note", kind="wish", text="公園", pin=bad)
    note = w.post(p)
    refused("bad_pin", w, FACILITATOR, "place_note", note_id=note, pin=bad)


def test_proxies_and_table_hosts_post_with_a_place() -> None:
    w = with_map()
    host, other = w.join("進行"), w.join("隣")
    proxy = w.run(FACILITATOR, "add_proxy", name="紙の人", attribute="住民")[0]
    pid = proxy.data["participant_id"]
    [by_proxy] = w.run(FACILITATOR, "post_note", kind="charm", text="紙の地図から",
                       pin={"x": 10, "y": 20}, proxy_for=pid)
    assert by_proxy.data["author"] == pid and by_proxy.data["pin"] == {"x": 10, "y": 20}
    w.run(FACILITATOR, "make_tables", count=2, by="hand")
    for person in (host.participant_id, pid):
        w.run(FACILITATOR, "seat", participant_id=person, table_id="k1")
    w.run(FACILITATOR, "seat", participant_id=other.participant_id, table_id="k2")
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=host.participant_id)
    as_host = effective_actor(w.state, host)
    at_step(w, "companions")  # a host enters for their table at any step
    [posted] = w.run(as_host, "post_note", kind="wish", text="ベンチ", pin={"x": 5, "y": 5},
                     proxy_for=pid)
    assert posted.data["pin"] == {"x": 5, "y": 5} and posted.data["table"] == "k1"
    # but a participant is still held by the step
    refused("step_closed", w, other, "post_note", kind="wish", text="x", pin={"x": 1, "y": 1})


# --- place_note ------------------------------------------------------------------------

def test_the_facilitator_moves_and_removes_a_pin() -> None:
    w = with_map()
    p = w.join()
    note = w.post(p)
    [placed] = w.run(FACILITATOR, "place_note", note_id=note, pin={"x": 4000, "y": 6000})
    assert placed.type == "NotePlaced"
    assert placed.data == {"note_id": note, "pin": {"x": 4000, "y": 6000}}
    assert w.run(FACILITATOR, "place_note", note_id=note, pin={"x": 4000, "y": 6000}) == []
    [moved] = w.run(FACILITATOR, "place_note", note_id=note, pin={"x": GRID, "y": 0})
    assert w.state.notes[note].pin == Pin(GRID, 0) and moved.data["pin"] == {"x": GRID, "y": 0}
    [off] = w.run(FACILITATOR, "place_note", note_id=note, pin=None)
    assert off.data == {"note_id": note, "pin": None} and w.state.notes[note].pin is None
    assert note in w.state.notes  # the note stays on the board
    assert w.run(FACILITATOR, "place_note", note_id=note, pin=None) == []


def test_place_note_refusals() -> None:
    w = Workshop()
    p = w.join()
    note = w.post(p)
    refused("no_map", w, FACILITATOR, "place_note", note_id=note, pin={"x": 1, "y": 1})
    w.run(FACILITATOR, "add_map", hash=A, title="", width=10, height=10)
    for bad_id in ("n999", None, 1, True, ["n1"], {"id": "n1"}, "\ud800"):
        refused("unknown_note", w, FACILITATOR, "place_note", note_id=bad_id,
                pin={"x": 1, "y": 1})
    refused("bad_pin", w, FACILITATOR, "place_note", note_id=note)  # pin is not optional


def test_a_note_the_sender_may_not_see_is_one_that_does_not_exist() -> None:
    """A moderator sees every note; a former つむぎすと does not, and is refused as anyone
    naming a made-up id would be (after not_allowed: the role comes first)."""
    w = with_map()
    author, helper = w.join("作者"), w.join("助っ人")
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=helper.participant_id)
    hidden = w.post(author, "隠す付箋")
    w.run(FACILITATOR, "hide_note", note_id=hidden)
    w.run(helper, "place_note", note_id=hidden, pin={"x": 1, "y": 1})  # a moderator sees it
    w.run(FACILITATOR, "revoke_cofacilitator", participant_id=helper.participant_id)
    refused("not_allowed", w, helper, "place_note", note_id=hidden, pin=None)
    refused("not_allowed", w, helper, "place_note", note_id="n999", pin=None)


# --- set_map_view ----------------------------------------------------------------------

def test_the_projector_map_view_changes_only_what_is_given() -> None:
    w = with_map()
    [kinds] = w.run(FACILITATOR, "set_map_view", kinds=["wish", "issue"])
    # the full new value, the kinds in their own order
    assert kinds.data == {"kinds": ["issue", "wish"], "area": None}
    area = {"x": 9000, "y": 0, "w": 1000, "h": GRID}
    [focused] = w.run(FACILITATOR, "set_map_view", area=area)
    assert focused.data == {"kinds": ["issue", "wish"], "area": area}
    header = snapshot(w.state, PROJECTOR)["workshop"]["map"]
    assert header["kinds"] == ["issue", "wish"] and header["area"] == area
    assert w.run(FACILITATOR, "set_map_view", kinds=["issue", "wish"], area=area) == []
    assert w.run(FACILITATOR, "set_map_view") == []
    [whole] = w.run(FACILITATOR, "set_map_view", area=None, kinds=["charm", "issue", "wish"])
    assert whole.data == {"kinds": ["charm", "issue", "wish"], "area": None}


@pytest.mark.parametrize("bad", [[], ["charm", "charm"], ["bogus"], "charm", None, [1],
                                 [True], [["charm"]], {"charm": True}, ["Charm"],
                                 ["charm", "issue", "wish", "charm"]], ids=repr)
def test_bad_kinds_are_refused(bad: object) -> None:
    refused("bad_map_kinds", with_map(), FACILITATOR, "set_map_view", kinds=bad)


@pytest.mark.parametrize("bad", [
    {"x": 0, "y": 0, "w": limits.MAP_AREA_MIN - 1, "h": 5000},
    {"x": 0, "y": 0, "w": 5000, "h": limits.MAP_AREA_MIN - 1},
    {"x": 9001, "y": 0, "w": 1000, "h": 1000}, {"x": 0, "y": 9001, "w": 1000, "h": 1000},
    {"x": -1, "y": 0, "w": 1000, "h": 1000}, {"x": 0, "y": 0, "w": GRID + 1, "h": 1000},
    {"x": 0, "y": 0, "w": True, "h": 5000}, {"x": 0.0, "y": 0, "w": 5000, "h": 5000},
    {"x": "0", "y": 0, "w": 5000, "h": 5000}, {"x": 0, "y": 0, "w": 2**80, "h": 5000},
    {"x": 0, "y": 0, "w": 5000}, {"x": 0, "y": 0, "w": 5000, "h": 5000, "z": 1},
    [0, 0, 5000, 5000], "whole", 0, {"x": {"x": 0}, "y": 0, "w": 5000, "h": 5000},
], ids=repr)
def test_bad_areas_are_refused(bad: object) -> None:
    refused("bad_map_area", with_map(), FACILITATOR, "set_map_view", area=bad)


def test_set_map_view_without_a_map_is_refused() -> None:
    refused("no_map", Workshop(), FACILITATOR, "set_map_view", kinds=["issue"])
    refused("no_map", Workshop(), FACILITATOR, "set_map_view")


# --- remove_map ------------------------------------------------------------------------

def test_removing_the_map_clears_every_pin_and_the_view_but_keeps_the_notes() -> None:
    w = with_map()
    p, q = w.join("一"), w.join("二")
    placed = [w.run(who, "post_note", kind="issue", text=f"場所{i}",
                    pin={"x": i, "y": i})[0].data["note_id"] for i, who in enumerate((p, q))]
    unplaced = w.post(p)
    w.run(FACILITATOR, "set_map_view", kinds=["wish"], area={"x": 0, "y": 0, "w": 1000,
                                                             "h": 1000})
    [removed] = w.run(FACILITATOR, "remove_map")
    assert removed.type == "MapRemoved" and removed.data == {}
    assert w.state.map is None
    assert set(w.state.notes) == {*placed, unplaced}
    assert all(n.pin is None for n in w.state.notes.values())
    assert snapshot(w.state, PROJECTOR)["workshop"]["map"] is None
    refused("no_map", w, FACILITATOR, "remove_map")
    # and a new map may come, with nothing placed on it
    w.run(FACILITATOR, "add_map", hash=B, title="", width=10, height=10)


# --- views: a pin follows its note -----------------------------------------------------

def test_a_pin_reaches_exactly_those_who_may_see_its_note() -> None:
    w = with_map()
    author, other = w.join("作者"), w.join("他人")
    hidden = w.run(author, "post_note", kind="issue", text="隠す", pin={"x": 1, "y": 2})
    hidden_id = hidden[0].data["note_id"]
    w.run(FACILITATOR, "hide_note", note_id=hidden_id)
    w.run(FACILITATOR, "set_private_notes", private=True)
    private_id = w.run(author, "post_note", kind="wish", text="秘密",
                       pin={"x": 3, "y": 4})[0].data["note_id"]
    for viewer in (FACILITATOR, author):
        seen = notes_of(snapshot(w.state, viewer))
        assert seen[hidden_id]["pin"] == {"x": 1, "y": 2}
        assert seen[private_id]["pin"] == {"x": 3, "y": 4}
    for viewer in (other, PROJECTOR):
        text = json.dumps(snapshot(w.state, viewer))
        assert hidden_id not in notes_of(snapshot(w.state, viewer))
        assert private_id not in notes_of(snapshot(w.state, viewer))
        assert '"x": 1, "y": 2' not in text and '"x": 3, "y": 4' not in text


# --- snapshots and imported archives ---------------------------------------------------

def evening_with_a_map() -> Workshop:
    w = with_map()
    p = w.join()
    proxy = w.run(FACILITATOR, "add_proxy", name="紙の人", attribute="住民")[0]
    note = w.run(p, "post_note", kind="issue", text="坂道", pin={"x": 5, "y": 6})[0]
    w.run(FACILITATOR, "post_note", kind="charm", text="紙から", pin={"x": 7, "y": 8},
          proxy_for=proxy.data["participant_id"])
    w.run(FACILITATOR, "place_note", note_id=note.data["note_id"], pin={"x": 50, "y": 60})
    w.run(FACILITATOR, "set_map_view", kinds=["issue"],
          area={"x": 100, "y": 200, "w": 3000, "h": 4000})
    return w


def test_the_map_and_the_pins_survive_a_snapshot_through_json() -> None:
    w = evening_with_a_map()
    assert load(json.loads(json.dumps(dump(w.state)))) == w.state


def test_a_snapshot_from_before_map_work_still_loads() -> None:
    w = Workshop()
    w.post(w.join())
    old = json.loads(json.dumps(dump(w.state)))
    del old["state"]["map"]
    for note in old["state"]["notes"].values():
        del note["pin"]
    assert load(old) == w.state


def test_an_imported_log_with_map_work_re_decides_to_the_same_state() -> None:
    w = evening_with_a_map()
    w.run(FACILITATOR, "place_note", note_id="n1", pin=None)
    w.run(FACILITATOR, "remove_map")
    w.run(FACILITATOR, "add_map", hash=B, title="二枚目", width=800, height=600)
    assert verified_replay(w.log) == w.state


def test_an_imported_log_cannot_smuggle_a_bad_pin() -> None:
    w = evening_with_a_map()
    for bad in ({"x": 1.0, "y": 2}, {"x": True, "y": 2}, {"x": GRID + 1, "y": 0}):
        log = [e.to_json() for e in w.log]
        posted = next(e for e in log if e["type"] == "NotePosted")
        posted["data"]["pin"] = bad
        with pytest.raises(Rejected):
            verified_replay(Event.from_json(e) for e in log)


def test_the_actors_map_commands_are_recorded_as() -> None:
    """つむぎすと's map commands are recorded with their own actor, and re-decide."""
    w = Workshop()
    helper = w.join("助っ人")
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=helper.participant_id)
    [added] = w.run(helper, "add_map", hash=A, title="", width=10, height=10)
    assert added.actor == f"p:{helper.participant_id}"
    w.run(helper, "set_map_view", kinds=["charm"])
    w.run(helper, "remove_map")
    assert verified_replay(w.log) == w.state


# --- live patches ----------------------------------------------------------------------

def patches(w: Workshop, viewer: Any, since: int) -> list[dict[str, Any]]:
    """What ``viewer`` is sent for each event after ``since``, replayed from the log."""
    state = WorkshopState()
    sent: list[dict[str, Any]] = []
    for event in w.log:
        touch = touched(event, state)
        apply(state, event)
        if event.seq > since:
            msg = wire_event(event, state, viewer, touch)
            if msg is not None:
                sent.append(msg["data"])
    return sent


def test_a_patch_carries_a_pin_only_to_those_who_see_its_note() -> None:
    w = with_map()
    author, other = w.join("作者"), w.join("他人")
    public = w.post(author, "みんなの")
    hidden = w.post(author, "隠す")
    w.run(FACILITATOR, "hide_note", note_id=hidden)
    since = w.state.seq
    w.run(FACILITATOR, "place_note", note_id=hidden, pin={"x": 11, "y": 22})
    w.run(FACILITATOR, "place_note", note_id=public, pin={"x": 33, "y": 44})
    w.run(FACILITATOR, "set_map_view", kinds=["issue"])
    w.run(FACILITATOR, "remove_map")
    for viewer in (other, PROJECTOR):
        sent = patches(w, viewer, since)
        assert hidden not in json.dumps(sent)
        notes = [n for p in sent for n in p.get("upsert", {}).get("notes", [])]
        assert [(n["id"], n["pin"]) for n in notes] == [(public, {"x": 33, "y": 44}),
                                                      (public, None)]
        # the projector's view reaches everyone with the header
        assert next(p["workshop"]["map"] for p in sent if "workshop" in p)["kinds"] == ["issue"]
        assert sent[-1]["workshop"]["map"] is None
    for viewer in (FACILITATOR, author):
        sent = patches(w, viewer, since)
        notes = [n for p in sent for n in p.get("upsert", {}).get("notes", [])]
        assert (hidden, {"x": 11, "y": 22}) in [(n["id"], n["pin"]) for n in notes]
        assert (hidden, None) in [(n["id"], n["pin"]) for n in notes]  # the removal, too


def test_replacing_an_unused_map_touches_no_note() -> None:
    w = with_map()
    w.post(w.join())
    since = w.state.seq
    w.run(FACILITATOR, "add_map", hash=B, title="", width=10, height=10)
    [sent] = patches(w, PROJECTOR, since)
    assert set(sent) == {"workshop"} and sent["workshop"]["map"]["hash"] == B


# --- an evening without a map ----------------------------------------------------------

def test_an_evening_without_a_map_records_nothing_of_maps_and_old_logs_still_import() -> None:
    """The sample evening (at tables too) records no place and no map: its log differs from
    one recorded before map work only by the program's ``"map": true`` on its first step.
    That older log — the same events without the flag — is still accepted by the rules of
    live commands (an archive from before map work imports) and makes the same board."""
    from tests.sample import load_sample, run_evening

    for tables in (False, True):
        state, log, _ = run_evening(load_sample(), tables=tables)
        assert state.map is None and all(n.pin is None for n in state.notes.values())
        recorded = json.loads(json.dumps([e.to_json() for e in log]))  # a copy, as a file
        assert all("pin" not in e["data"] for e in recorded)
        assert not {e["type"] for e in recorded} & {"MapAdded", "MapRemoved", "NotePlaced",
                                                     "MapViewSet"}
        steps = recorded[0]["data"]["program"]["steps"]
        assert [s.get("map") for s in steps if "map" in s] == [True]
        for step in steps:
            step.pop("map", None)  # as recorded before map work
        older = verified_replay(Event.from_json(e) for e in recorded)
        assert not any(s.map for s in older.program.steps)
        older.program = state.program
        assert older == state
