"""Programs: the steps a workshop walks through, as data.

A program lists its steps; each step has a label, a prompt for participants (Japanese and
English), the participant actions it opens and the view it shows (which board the
projector, the phones and the console put in front of people). The default is the five
steps of 住民主体のまちづくり from 秋田市市民協働指針 (``programs/machizukuri.json``); a centre
can copy and edit it (a one-hour review meeting that only runs step 5, say). A step may
also make tables (班) when it opens (``"tables"``), show 全体共有 (view ``"sharing"``), and
be a map step (``"map": true``: 地図に付箋, when the workshop has a map);
``programs/world-cafe.json`` is a world-café evening that does both.

:func:`parse_program` turns a file's text into a :class:`Program` or raises
:class:`ProgramError` naming the line or key that is wrong. A workshop keeps its program in
its first event, so replaying, exporting and importing never depend on the file again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from . import limits

# Participant actions a step may open. Everything else participants do (join, look) is
# always open; facilitators are never held back by a step.
ACTIONS: frozenset[str] = frozenset({
    "post_note", "edit_note", "delete_note",
    "cast_vote", "retract_vote", "join_theme", "leave_theme",
    "write_proposal", "cast_priority", "retract_priority",
    "volunteer", "withdraw",
    "post_review", "edit_review", "delete_review", "set_action_status",
})
LANGS = ("ja", "en")
MAX_STEPS = 12

# The boards a step may show, each one being what people work on in one of the five steps.
# The pages are told these (and each step's) by the server, never decide them themselves.
# "sharing" (全体共有) is the tables sharing back to the room: the projector shows one table
# at a time (the focused one, else table 1).
VIEWS: tuple[str, ...] = ("notes", "themes", "proposals", "actions", "review", "sharing")

# How a step's tables are made (the make_tables command's "by"): a balanced deal by
# attribute, the themes (輪) people joined, or empty tables the facilitator fills by hand.
TABLES_BY: tuple[str, ...] = ("mixed", "themes", "hand")

# A step stored before steps named their view (in a workshop's first event, a snapshot or
# an archive) shows the board of what it opens; the first match wins, so a step opening
# proposals and themes shows proposals. One that opens nothing shows the notes.
_VIEW_OF_ACTIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("notes", frozenset({"post_note", "edit_note", "delete_note"})),
    ("proposals", frozenset({"write_proposal", "cast_priority", "retract_priority"})),
    ("actions", frozenset({"volunteer", "withdraw"})),
    ("review", frozenset({"post_review", "edit_review", "delete_review", "set_action_status"})),
    ("themes", frozenset({"cast_vote", "retract_vote", "join_theme", "leave_theme"})),
)


def view_of_actions(opens: frozenset[str]) -> str:
    """The view of a step that does not name one."""
    return next((view for view, names in _VIEW_OF_ACTIONS if opens & names), VIEWS[0])


class ProgramError(ValueError):
    """A program file that cannot be used; the message names where it is wrong."""


@dataclass(frozen=True)
class StepTables:
    """The tables a step makes when it opens, if there are none yet: ``by`` as make_tables
    takes it, and ``count`` tables or tables of ``per_table`` people (exactly one of them;
    neither when by themes: a table for each theme that has members)."""

    by: str
    count: int | None = None
    per_table: int | None = None

    def make_args(self) -> dict[str, Any]:
        """The make_tables command's arguments."""
        args: dict[str, Any] = {"by": self.by}
        if self.count is not None:
            args["count"] = self.count
        if self.per_table is not None:
            args["per_table"] = self.per_table
        return args

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "count": self.count, "per_table": self.per_table}


@dataclass(frozen=True)
class Step:
    id: str
    label: dict[str, str]
    subtitle: dict[str, str]
    prompt: dict[str, str]
    opens: frozenset[str]
    view: str = VIEWS[0]
    tables: StepTables | None = None
    # A map step (地図に付箋): with a map, phones place their notes on it, the projector
    # shows the map board and the console its map panel. Without a map nothing changes.
    map: bool = False

    def to_dict(self) -> dict[str, Any]:
        # Copies: the default program is shared, and callers may edit what they get.
        out: dict[str, Any] = {
            "id": self.id, "label": dict(self.label), "subtitle": dict(self.subtitle),
            "prompt": dict(self.prompt), "opens": sorted(self.opens), "view": self.view}
        # "tables" only when the step makes some: a workshop's first event records its
        # program, and an archive made before tables must re-decide to the same event.
        if self.tables is not None:
            out["tables"] = self.tables.to_dict()
        # "map" only when true, for the same reason: a program stored before map work
        # re-decides to the very event it was recorded in.
        if self.map:
            out["map"] = True
        return out


@dataclass(frozen=True)
class Program:
    id: str
    title: dict[str, str]
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def index(self, step_id: str) -> int:
        return next((i for i, s in enumerate(self.steps) if s.id == step_id), -1)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": dict(self.title),
                "steps": [s.to_dict() for s in self.steps]}


def _texts(raw: Any, where: str, *, required: bool = True) -> dict[str, str]:
    if raw is None and not required:
        return {lang: "" for lang in LANGS}
    if not isinstance(raw, dict):
        raise ProgramError(f"{where}: expected an object with \"ja\" and \"en\" texts")
    out = {}
    for lang in LANGS:
        text = raw.get(lang)
        if not isinstance(text, str) or (required and not text.strip()):
            raise ProgramError(f"{where}.{lang}: missing or not a text")
        out[lang] = text
    return out


def _whole(raw: Any, where: str, low: int, high: int) -> int:
    # bool is an int in Python; true is not a count of tables.
    if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
        raise ProgramError(f"{where}: expected a whole number from {low} to {high}")
    return raw


def _tables(raw: Any, where: str) -> StepTables | None:
    """A step's ``"tables"`` (null or absent: the step makes none), checked as make_tables
    checks its arguments, so that opening the step cannot be refused for them."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ProgramError(f"{where}: expected an object such as "
                           "{\"count\": 5, \"by\": \"mixed\"}")
    unknown = set(raw) - {"by", "count", "per_table"}
    if unknown:
        raise ProgramError(f"{where}: unknown key {sorted(unknown)[0]!r} "
                           "(known: by, count, per_table)")
    by = raw.get("by")
    if by not in TABLES_BY:
        raise ProgramError(f"{where}.by: expected one of {', '.join(TABLES_BY)}")
    count = (None if raw.get("count") is None
             else _whole(raw["count"], f"{where}.count", 1, limits.TABLES_MAX))
    per_table = (None if raw.get("per_table") is None
                 else _whole(raw["per_table"], f"{where}.per_table", limits.PER_TABLE_MIN,
                             limits.PER_TABLE_MAX))
    if count is not None and per_table is not None:
        raise ProgramError(f"{where}: give count or per_table, not both")
    if count is None and per_table is None and by != "themes":
        raise ProgramError(f"{where}: give count (how many tables) or per_table (people at "
                           "each); only by themes may give neither")
    return StepTables(by=by, count=count, per_table=per_table)


def program_from_dict(raw: Any) -> Program:
    if not isinstance(raw, dict):
        raise ProgramError("the program must be a JSON object")
    unknown = set(raw) - {"id", "title", "steps", "about"}
    if unknown:
        raise ProgramError(f"unknown key {sorted(unknown)[0]!r} at the top level")
    pid = raw.get("id")
    if not isinstance(pid, str) or not pid:
        raise ProgramError("id: missing or not a text")
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not 1 <= len(steps_raw) <= MAX_STEPS:
        raise ProgramError(f"steps: expected a list of 1 to {MAX_STEPS} steps")
    steps: list[Step] = []
    for i, s in enumerate(steps_raw):
        where = f"steps[{i}]"
        if not isinstance(s, dict):
            raise ProgramError(f"{where}: expected an object")
        unknown = set(s) - {"id", "label", "subtitle", "prompt", "opens", "view", "tables",
                            "map"}
        if unknown:
            raise ProgramError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        sid = s.get("id")
        if not isinstance(sid, str) or not sid.isidentifier():
            raise ProgramError(f"{where}.id: missing or not a simple name")
        if any(st.id == sid for st in steps):
            raise ProgramError(f"{where}.id: {sid!r} is used twice")
        opens = s.get("opens", [])
        if not isinstance(opens, list) or not all(isinstance(a, str) for a in opens):
            raise ProgramError(f"{where}.opens: expected a list of action names")
        for j, action in enumerate(opens):
            if action not in ACTIONS:
                raise ProgramError(f"{where}.opens[{j}]: unknown action {action!r} "
                                   f"(known: {', '.join(sorted(ACTIONS))})")
        is_map = s.get("map", False)
        if not isinstance(is_map, bool):  # 1 or "yes" is not a yes here
            raise ProgramError(f"{where}.map: expected true or false")
        view = s.get("view", view_of_actions(frozenset(opens)))
        if view not in VIEWS:
            raise ProgramError(f"{where}.view: unknown view {view!r} "
                               f"(known: {', '.join(VIEWS)})")
        steps.append(Step(id=sid, label=_texts(s.get("label"), f"{where}.label"),
                          subtitle=_texts(s.get("subtitle"), f"{where}.subtitle",
                                          required=False),
                          prompt=_texts(s.get("prompt"), f"{where}.prompt"),
                          opens=frozenset(opens), view=view,
                          tables=_tables(s.get("tables"), f"{where}.tables"),
                          map=is_map))
    return Program(id=pid, title=_texts(raw.get("title"), "title"), steps=tuple(steps))


def parse_program(text: str) -> Program:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgramError(f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    return program_from_dict(raw)


# The programs that come with Yoriai (programs/<name>.json), the default first: the five
# steps, and a world-café evening at tables. `yoriai new --program <name>` takes either.
BUNDLED: tuple[str, ...] = ("machizukuri", "world-cafe")


@cache
def bundled_program(name: str) -> Program:
    """One of the :data:`BUNDLED` programs (KeyError for any other name)."""
    if name not in BUNDLED:
        raise KeyError(name)
    # A resource of this package, read once: part of the code, not the world outside.
    text = resources.files(__package__).joinpath(f"programs/{name}.json").read_text("utf-8")
    return parse_program(text)


def default_program() -> Program:
    return bundled_program(BUNDLED[0])
