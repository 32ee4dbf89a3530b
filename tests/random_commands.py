"""Random commands from every role, mostly plausible and sometimes not, for the property
tests of the domain (tests/facilitation) and of the hub (tests/server): a neutral module, so
that no layer's tests import another layer's test module."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from yoriai.facilitation.commands import COMMANDS
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Role

STEPS = ["confirm", "companions", "activity", "practice", "future"]

# The arguments each command takes, so that generated commands often get past their checks
# (a workshop is made once, by the test, not by the generated commands).
ARGS: dict[str, list[str]] = {name: sorted(spec.takes) for name, spec in COMMANDS.items()
                              if name != "create_workshop"}
IDS = {"note_id": "n", "theme_id": "t", "source": "t", "target": "t", "action_id": "a",
       "review_id": "r", "participant_id": "p", "proxy_for": "p", "id": "n", "table_id": "k"}

# Mostly good values, some bad: the bad ones must be refused without a trace.
texts = st.sampled_from(["雪かき", "公園がほしい", "空き家", "<img src=x onerror=alert(1)>",
                         "\u202eevil", "", "  ", "あ" * 300])
values: dict[str, st.SearchStrategy[Any]] = {
    "kind": st.sampled_from(["charm", "issue", "wish", "charm", "bogus", None, "note", "theme"]),
    "text": texts, "title": texts, "aim": texts, "name": texts, "first_step": texts,
    "record": texts,
    "attribute": st.sampled_from(["住民", "企業", "住民", "宇宙人"]),
    "show_name": st.booleans(),
    "step": st.sampled_from([*STEPS, "nope"]),
    "seconds": st.sampled_from([60, 300, 0, -5, 99999]),
    "vote_budget": st.sampled_from([1, 3, 5, 0, 12]),
    "multi_vote": st.booleans(), "votes_visible": st.booleans(), "locked": st.booleans(),
    "shown": st.sampled_from([True, False, "yes"]),
    "private": st.booleans(), "chosen": st.booleans(),
    "column": st.sampled_from(["keep", "change", "x"]),
    "status": st.sampled_from(["not_started", "under_way", "done", "paused", "lost"]),
    "form": st.sampled_from(["citizen_only", "partnership", "city_led", "x"]),
    "partners": st.lists(st.sampled_from(["町内会", "市", "NPO", ""]), max_size=3),
    "ideas": st.lists(texts, max_size=3),
    "due": st.sampled_from(["", "2027-01-10", "x"]),
    "date": st.sampled_from(["2027-01-10", "bad"]),
    # The newsletter page: hours (good, out of range, malformed) and the next meeting's place.
    "start": st.sampled_from(["19:00", "9:30", "", "25:00", "7pm"]),
    "end": st.sampled_from(["21:00", "", "18:00", "24:00"]),
    "time": st.sampled_from(["19:00", "", "x"]),
    "place": texts,
    "password": st.sampled_from(["", "yoriai-2026", "short", "x" * 64, " spaced-pass"]),
    # Photos: a few hashes so that caption/choose/remove find one, and a bad one.
    "hash": st.sampled_from(["a" * 64, "b" * 64, "c" * 64, "A" * 64, "x", None]),
    "caption": texts,
    # Tables (班): how they are made (sometimes wrongly), and their settings.
    "by": st.sampled_from(["mixed", "mixed", "hand", "themes", "round", None]),
    "count": st.sampled_from([2, 3, 2, None, 0, 99]),
    "per_table": st.sampled_from([None, None, None, 2, 1]),
    "others_visible": st.booleans(),
    "vote_scope": st.sampled_from(["room", "table", "table", "world"]),
    # Map work: good places and hostile ones (a bool, a float, a string, out of the grid,
    # an extra key, nested junk), a map's size, the projector's kinds and area.
    "pin": st.one_of(
        st.none(), st.none(),
        st.builds(lambda x, y: {"x": x, "y": y}, st.integers(0, 10000), st.integers(0, 10000)),
        st.sampled_from([{"x": 0, "y": 10000}, {"x": True, "y": 5}, {"x": 1.5, "y": 2},
                         {"x": "NaN", "y": 2}, {"x": 10001, "y": 0}, {"x": -1, "y": 0},
                         {"x": 2**70, "y": 1}, {"x": 1, "y": 2, "z": 3}, {"x": 1},
                         {"x": {"x": 1}, "y": 2}, [1, 2], "5000,5000"])),
    "width": st.sampled_from([2400, 1600, 1, 0, 2401, True, 1.5, "800"]),
    "height": st.sampled_from([1800, 2400, 1, 0, -3, None]),
    "kinds": st.sampled_from([["charm"], ["issue", "wish"], ["charm", "issue", "wish"], [],
                              ["charm", "charm"], ["bogus"], "charm", None, [1]]),
    "area": st.sampled_from([None, {"x": 0, "y": 0, "w": 5000, "h": 5000},
                             {"x": 9000, "y": 9000, "w": 1000, "h": 1000},
                             {"x": 9001, "y": 0, "w": 1000, "h": 1000},
                             {"x": 0, "y": 0, "w": 999, "h": 5000},
                             {"x": 0, "y": 0, "w": True, "h": 5000}, [0, 0, 10, 10]]),
}
def _ids(prefix: str) -> st.SearchStrategy[str | None]:
    return st.one_of(st.integers(1, 4).map(lambda i: f"{prefix}{i}"), st.none())


for key, prefix in IDS.items():
    values[key] = _ids(prefix)
values["note_ids"] = st.one_of(st.lists(_ids("n"), max_size=3), st.none())  # create_theme


# Commands that make things come up more often, so later commands have something to use.
NAMES = sorted(ARGS) + ["post_note", "create_theme", "group_note", "create_action",
                        "write_proposal", "join_theme", "cast_vote", "volunteer",
                        "set_step"] * 3 + [
                            "make_tables", "seat", "set_table_host", "start_round",
                            "set_table_settings", "add_map", "remove_map"] * 2 + [
                            "place_note", "set_map_view"] * 4
EVERYONE = ["facilitator", "p1", "p2", "p3", "projector"]


def fitting(name: str) -> list[str]:
    """Senders whose role the command accepts."""
    roles = COMMANDS[name].roles
    out = [w for w in EVERYONE if actor_for(w).role in roles]
    return out or EVERYONE


@st.composite
def command(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    name = draw(st.sampled_from(NAMES))
    # Mostly someone allowed to send it; sometimes anyone, to test the refusals.
    who = draw(st.sampled_from(fitting(name) if draw(st.integers(0, 5)) else EVERYONE))
    args = {k: draw(values[k]) for k in ARGS[name]}
    if who == "facilitator" and draw(st.integers(0, 4)) == 0:
        args["proxy_for"] = draw(values["proxy_for"])  # 代理入力, sometimes wrongly
    return name, who, args


def actor_for(who: str) -> Actor:
    if who == "facilitator":
        return FACILITATOR
    if who == "projector":
        return PROJECTOR
    return Actor(Role.PARTICIPANT, who)


# Map work, mostly plausible: places for the notes there are, the map taken away and brought
# back, the projector's view changed, notes posted with a place (by their authors, and for
# the person without a phone). The hostile values are in ``values`` above.
good_pins = st.builds(lambda x, y: {"x": x, "y": y}, st.integers(0, 10000),
                      st.integers(0, 10000))


@st.composite
def map_command(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    what = draw(st.sampled_from(["place", "place", "place", "post", "post", "view", "remove",
                                 "add"]))
    if what == "place":
        return "place_note", "facilitator", {
            "note_id": f"n{draw(st.integers(1, 8))}",
            "pin": draw(st.one_of(good_pins, good_pins, st.none()))}
    if what == "post":
        who = draw(st.sampled_from(["facilitator", "p1", "p2", "p3"]))
        args: dict[str, Any] = {"kind": draw(values["kind"]), "text": "ここ",
                                "pin": draw(good_pins)}
        if who == "facilitator":
            args["proxy_for"] = draw(values["proxy_for"])
        return "post_note", who, args
    if what == "view":
        args = {}
        if draw(st.booleans()):
            args["kinds"] = draw(st.sampled_from([["charm"], ["issue", "wish"],
                                                  ["charm", "issue", "wish"]]))
        if draw(st.booleans()):
            args["area"] = draw(st.sampled_from([None, {"x": 0, "y": 0, "w": 5000, "h": 5000},
                                                 {"x": 9000, "y": 9000, "w": 1000,
                                                  "h": 1000}]))
        return "set_map_view", "facilitator", args
    if what == "remove":
        return "remove_map", "facilitator", {}
    return "add_map", "facilitator", {"hash": draw(st.sampled_from(["a" * 64, "b" * 64])),
                                      "title": "地図", "width": 2400, "height": 1800}
