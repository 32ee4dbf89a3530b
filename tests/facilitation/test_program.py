"""Programs are data: the default five steps, and bad program files refused by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from yoriai.facilitation import limits
from yoriai.facilitation.commands import decide
from yoriai.facilitation.model import FACILITATOR, WorkshopState, replay
from yoriai.facilitation.program import (
    BUNDLED,
    VIEWS,
    ProgramError,
    StepTables,
    bundled_program,
    default_program,
    parse_program,
)

from .helpers import Workshop


def good() -> dict[str, Any]:
    return default_program().to_dict()


def test_default_program_round_trips() -> None:
    program = default_program()
    assert parse_program(json.dumps(program.to_dict())) == program
    for step in program.steps:
        assert step.prompt["ja"] and step.prompt["en"] and step.label["ja"]


def test_a_one_step_review_meeting_is_a_program() -> None:
    raw = good()
    raw["id"] = "review-only"
    raw["steps"] = [s for s in raw["steps"] if s["id"] == "future"]
    program = parse_program(json.dumps(raw, ensure_ascii=False))
    assert [s.id for s in program.steps] == ["future"]


def test_bad_json_names_the_line() -> None:
    text = '{\n  "id": "x",\n  "steps": [\n    {"id": "a",}\n  ]\n}'
    with pytest.raises(ProgramError, match=r"^line 4, column"):
        parse_program(text)


@pytest.mark.parametrize("mutate, where", [
    (lambda r: r["steps"][2]["opens"].append("fly"), "steps[2].opens[5]: unknown action 'fly'"),
    (lambda r: r["steps"][1].pop("prompt"), "steps[1].prompt"),
    (lambda r: r["steps"][0]["prompt"].pop("en"), "steps[0].prompt.en"),
    (lambda r: r["steps"][3].update(id="confirm"), "steps[3].id: 'confirm' is used twice"),
    (lambda r: r["steps"][0].update(colour="red"), "steps[0]: unknown key 'colour'"),
    (lambda r: r.update(steps=[]), "steps: expected a list"),
    (lambda r: r.pop("id"), "id: missing"),
    (lambda r: r.update(extra=1), "unknown key 'extra'"),
])
def test_bad_program_names_the_key(mutate: Any, where: str) -> None:
    raw = good()
    mutate(raw)
    with pytest.raises(ProgramError) as info:
        parse_program(json.dumps(raw))
    assert where in str(info.value)


def test_the_default_program_has_the_five_steps() -> None:
    w = Workshop()
    assert [s.id for s in w.state.program.steps] == [
        "confirm", "companions", "activity", "practice", "future"]
    assert w.state.program.step("confirm").label["ja"] == "確かめてみよう"  # type: ignore[union-attr]
    assert w.state.step == "confirm"


# --- tables in a step, the sharing view, the bundled programs ----------------------------

def with_tables(tables: Any, step: int = 0) -> dict[str, Any]:
    raw = good()
    raw["steps"][step]["tables"] = tables
    return raw


@pytest.mark.parametrize("tables, expected", [
    ({"count": 5, "by": "mixed"}, StepTables(by="mixed", count=5)),
    ({"per_table": 6, "by": "mixed"}, StepTables(by="mixed", per_table=6)),
    ({"by": "themes"}, StepTables(by="themes")),
    ({"by": "themes", "count": 3}, StepTables(by="themes", count=3)),
    ({"count": 4, "by": "hand", "per_table": None}, StepTables(by="hand", count=4)),
])
def test_a_step_may_make_tables(tables: dict[str, Any], expected: StepTables) -> None:
    program = parse_program(json.dumps(with_tables(tables, 1)))
    assert program.steps[1].tables == expected
    assert program.steps[0].tables is None
    assert program.to_dict()["steps"][1]["tables"] == {
        "by": expected.by, "count": expected.count, "per_table": expected.per_table}
    assert "tables" not in program.to_dict()["steps"][0]  # as programs were before tables
    assert parse_program(json.dumps(program.to_dict())) == program  # round trip


def test_a_steps_tables_are_the_make_tables_arguments() -> None:
    assert StepTables(by="mixed", count=5).make_args() == {"by": "mixed", "count": 5}
    assert StepTables(by="mixed", per_table=6).make_args() == {"by": "mixed", "per_table": 6}
    assert StepTables(by="themes").make_args() == {"by": "themes"}


@pytest.mark.parametrize("tables, where", [
    ([5], "steps[0].tables: expected an object"),
    ({"count": 5}, "steps[0].tables.by: expected one of mixed, themes, hand"),
    ({"count": 5, "by": "random"}, "steps[0].tables.by: expected one of"),
    ({"count": 5, "by": "mixed", "colour": "red"}, "steps[0].tables: unknown key 'colour'"),
    ({"by": "mixed"}, "steps[0].tables: give count (how many tables) or per_table"),
    ({"by": "hand"}, "steps[0].tables: give count"),
    ({"count": 5, "per_table": 6, "by": "mixed"}, "give count or per_table, not both"),
    ({"count": 0, "by": "mixed"}, "steps[0].tables.count: expected a whole number from 1 to"),
    ({"count": "5", "by": "mixed"}, "steps[0].tables.count: expected a whole number"),
    ({"count": True, "by": "mixed"}, "steps[0].tables.count: expected a whole number"),
    ({"count": 4.5, "by": "mixed"}, "steps[0].tables.count: expected a whole number"),
    ({"count": limits.TABLES_MAX + 1, "by": "mixed"}, "steps[0].tables.count"),
    ({"per_table": limits.PER_TABLE_MIN - 1, "by": "mixed"}, "steps[0].tables.per_table"),
    ({"per_table": limits.PER_TABLE_MAX + 1, "by": "mixed"}, "steps[0].tables.per_table"),
])
def test_bad_tables_in_a_step_are_refused_by_name(tables: Any, where: str) -> None:
    with pytest.raises(ProgramError) as info:
        parse_program(json.dumps(with_tables(tables)))
    assert where in str(info.value)


def test_the_largest_tables_a_step_may_ask_for_are_accepted() -> None:
    for tables in ({"count": limits.TABLES_MAX, "by": "hand"},
                   {"per_table": limits.PER_TABLE_MAX, "by": "mixed"},
                   {"per_table": limits.PER_TABLE_MIN, "by": "mixed"}):
        assert parse_program(json.dumps(with_tables(tables))).steps[0].tables is not None


def test_a_step_may_show_the_sharing_view() -> None:
    raw = good()
    raw["steps"][2]["view"] = "sharing"
    assert "sharing" in VIEWS
    assert parse_program(json.dumps(raw)).steps[2].view == "sharing"


def test_a_program_stored_before_tables_reads_and_writes_as_it_was() -> None:
    raw = good()
    assert all("tables" not in s for s in raw["steps"])
    raw["steps"][1]["tables"] = None  # null: the same as absent
    program = parse_program(json.dumps(raw))
    assert all(s.tables is None for s in program.steps) and program == default_program()
    assert program.to_dict() == good()


def test_the_bundled_programs_are_the_five_steps_and_the_world_cafe() -> None:
    assert BUNDLED[0] == "machizukuri" and bundled_program("machizukuri") == default_program()
    assert "world-cafe" in BUNDLED
    for name in BUNDLED:
        program = bundled_program(name)
        assert program.id == name
        for step in program.steps:
            assert all(step.label[lang] and step.prompt[lang] for lang in ("ja", "en"))
    with pytest.raises(KeyError):
        bundled_program("../machizukuri")


def test_the_world_cafe_makes_mixed_tables_then_shares_back_then_the_five_steps_end() -> None:
    program = bundled_program("world-cafe")
    ids = [s.id for s in program.steps]
    assert ids == ["welcome", "confirm", "second_round", "companions", "sharing", "activity",
                   "practice", "future"]
    made = [(s.id, s.tables) for s in program.steps if s.tables is not None]
    assert made == [("confirm", StepTables(by="mixed", per_table=6))]
    assert program.step("sharing").view == "sharing"  # type: ignore[union-attr]
    assert program.step("sharing").opens == frozenset()  # type: ignore[union-attr]
    # Round 2 opens notes on the notes board (the phone's note form is there), and the
    # guideline's steps 2-5 are machizukuri's: the same actions and views.
    assert program.step("second_round").view == "notes"  # type: ignore[union-attr]
    five = default_program()
    for sid in ("companions", "activity", "practice", "future"):
        mine, theirs = program.step(sid), five.step(sid)
        assert mine is not None and theirs is not None
        assert (mine.opens, mine.view, mine.label) == (theirs.opens, theirs.view, theirs.label)
    # The guideline's words name the steps that follow it (秋田市市民協働指針 4(4)).
    assert [program.step(s).label["ja"] for s in ("confirm", "companions")] == [  # type: ignore[union-attr]
        "確かめてみよう", "仲間を増やそう"]


def test_a_workshop_made_with_the_world_cafe_program_keeps_it_and_replays_it() -> None:
    events = decide(WorkshopState(), FACILITATOR, "create_workshop", {
        "code": "abc234", "title": "ワールドカフェ", "center": "西部",
        "program": bundled_program("world-cafe").to_dict()}, 1_790_000_000.0)
    state = replay(events)
    assert state.step == "welcome" and state.program == bundled_program("world-cafe")
    assert state.program.step("confirm").tables == StepTables(  # type: ignore[union-attr]
        by="mixed", per_table=6)


def test_the_first_step_of_both_bundled_programs_is_a_map_step() -> None:
    """「確かめてみよう」 is where notes go on the map (when the workshop has one)."""
    assert [s.id for s in default_program().steps if s.map] == ["confirm"]
    assert [s.id for s in bundled_program("world-cafe").steps if s.map] == ["confirm"]
    steps = good()["steps"]
    assert steps[0]["map"] is True and all("map" not in s for s in steps[1:])


@pytest.mark.parametrize("value", [1, 0, "yes", "true", None, [], {}])
def test_a_steps_map_is_true_or_false(value: Any) -> None:
    raw = good()
    raw["steps"][1]["map"] = value
    with pytest.raises(ProgramError, match=r"steps\[1\]\.map"):
        parse_program(json.dumps(raw))


def test_a_step_may_be_made_a_map_step_or_not() -> None:
    raw = good()
    raw["steps"][0]["map"] = False
    raw["steps"][3]["map"] = True
    program = parse_program(json.dumps(raw))
    assert [s.map for s in program.steps] == [False, False, False, True, False]
    # false is written as absent: the same program as one that never said it
    assert "map" not in program.to_dict()["steps"][0]


def test_a_workshop_stored_before_map_work_re_decides_as_it_was() -> None:
    """An archive's WorkshopCreated recorded the program without "map": checked by the
    rules of live commands, it is still exactly what create_workshop records."""
    from yoriai.facilitation.verify import verified_replay

    before_maps = good()
    for step in before_maps["steps"]:
        step.pop("map", None)
    events = decide(WorkshopState(), FACILITATOR, "create_workshop", {
        "code": "abc234", "title": "昔の記録", "program": before_maps}, 1_790_000_000.0)
    assert events[0].data["program"] == before_maps
    state = verified_replay(events)
    assert not any(s.map for s in state.program.steps)
    assert state.program.to_dict() == before_maps
