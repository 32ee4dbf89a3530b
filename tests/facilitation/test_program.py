"""Programs are data: the default five steps, and bad program files refused by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from yoriai.facilitation.program import ProgramError, default_program, parse_program

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
