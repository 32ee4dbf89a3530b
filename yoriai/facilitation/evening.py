"""A recorded evening (``shared/data/sample-evening.json``) as the commands that make it.

The file is not in Yoriai's event format; it describes what people did. :func:`script`
turns it into the commands each person (or the facilitator, for people without a phone)
would send, in the order an evening runs: join, notes, 共感 and themes, proposals and their
priority, actions with their 担い手, review. It is a generator: each command's ack result
is sent back in, so that ids come from Yoriai, never from guessing.

The demo workshop, the test fixtures and the benchmarks all replay it through whatever
carries commands (the pure domain, the hub, or real WebSockets).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from dataclasses import dataclass
from importlib import resources
from typing import Any

FACILITATOR = "facilitator"


def sample_evening() -> dict[str, Any]:
    """The copy of shared/data/sample-evening.json shipped with the package (for
    ``yoriai demo`` on a laptop that has only the package)."""
    text = resources.files(__package__).joinpath("samples/sample-evening.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True)
class Command:
    who: str  # the sample's participant id, or "facilitator"
    name: str
    args: dict[str, Any]
    # The sender is a new phone that has not joined yet (it gets a token from the ack).
    joining: bool = False


Script = Generator[Command, dict[str, Any], None]


def script(data: dict[str, Any]) -> Script:
    people = {p["id"]: p for p in data["participants"]}
    ids: dict[str, str] = {}  # sample participant id → Yoriai participant id
    theme_ids: dict[str, str] = {}
    note_ids: dict[str, str] = {}

    def by(sample_pid: str, name: str, args: dict[str, Any]) -> Command:
        """The person themselves, or the facilitator on their behalf (代理入力)."""
        if people[sample_pid]["has_phone"]:
            return Command(sample_pid, name, args)
        return Command(FACILITATOR, name, {**args, "proxy_for": ids[sample_pid]})

    budget = int(data["workshop"].get("vote_budget", 3))
    yield Command(FACILITATOR, "set_vote_settings", {"vote_budget": budget})
    yield from _join(data, ids)

    # Step 1: 確かめてみよう
    for n in data["notes"]:
        result = yield by(n["author"], "post_note", {"kind": n["kind"], "text": n["text"]})
        note_ids[n["id"]] = result["note_id"]

    # Step 2: 仲間を増やそう — themes, members, 共感
    yield Command(FACILITATOR, "set_step", {"step": "companions"})
    for t in data["themes"]:
        result = yield Command(FACILITATOR, "create_theme", {"title": t["title"]})
        theme_ids[t["id"]] = result["theme_id"]
        for n in t["notes"]:
            yield Command(FACILITATOR, "group_note",
                          {"note_id": note_ids[n], "theme_id": theme_ids[t["id"]]})
        for member in t["members"]:
            yield by(member, "join_theme", {"theme_id": theme_ids[t["id"]]})
    for v in data["votes"]:
        yield by(v["participant"], "cast_vote", {"note_id": note_ids[v["note"]]})
    yield Command(FACILITATOR, "set_vote_settings", {"votes_visible": True})

    # Step 3: 地域の活動にしよう — proposals and their priority
    yield Command(FACILITATOR, "set_step", {"step": "activity"})
    members = {t["id"]: t["members"] for t in data["themes"]}
    for prop in data["proposals"]:
        writer = members[prop["theme"]][0]
        yield by(writer, "write_proposal", {"theme_id": theme_ids[prop["theme"]],
                                            "aim": prop["aim"], "ideas": prop["ideas"]})
    for sample_pid, theme in priority_givers(data, budget):
        yield by(sample_pid, "cast_priority", {"theme_id": theme_ids[theme]})
    for theme in dict.fromkeys(a["theme"] for a in data["actions"]):
        yield Command(FACILITATOR, "choose_proposal",
                      {"theme_id": theme_ids[theme], "chosen": True})

    yield from _practice_and_future(data, ids, theme_ids, by)


def _join(data: dict[str, Any], ids: dict[str, str]) -> Script:
    """Everyone joins: with their phone, or entered by the facilitator (代理入力)."""
    for p in data["participants"]:
        profile = {"name": p["name"], "attribute": p["attribute"], "show_name": p["show_name"]}
        if p["has_phone"]:
            result = yield Command(p["id"], "join", profile, joining=True)
        else:
            result = yield Command(FACILITATOR, "add_proxy", profile)
        ids[p["id"]] = result["participant_id"]


def _practice_and_future(data: dict[str, Any], ids: dict[str, str],
                         theme_ids: dict[str, str],
                         by: Callable[[str, str, dict[str, Any]], Command]) -> Script:
    """Steps 4 and 5, the same in every variant: actions and their 担い手, then the review,
    and the evening's hours for the newsletter page."""
    # Step 4: 実践しよう — actions, 協働のかたち, 担い手
    yield Command(FACILITATOR, "set_step", {"step": "practice"})
    action_ids = []
    for a in data["actions"]:
        result = yield Command(FACILITATOR, "create_action",
                               {"title": a["title"], "theme_id": theme_ids[a["theme"]]})
        action_id = result["action_id"]
        action_ids.append(action_id)
        yield Command(FACILITATOR, "update_action", {
            "action_id": action_id, "form": a["form"], "partners": a["partners"],
            "first_step": a["first_step"], "due": a["due"]})
        for v in a["volunteers"]:
            yield by(v, "volunteer", {"action_id": action_id})
        if a.get("lead"):
            yield Command(FACILITATOR, "set_lead",
                          {"action_id": action_id, "participant_id": ids[a["lead"]]})

    # Step 5: 将来につなげよう — review and where each action stands
    yield Command(FACILITATOR, "set_step", {"step": "future"})
    for action_id, a in zip(action_ids, data["actions"], strict=True):
        if a.get("status", "not_started") != "not_started":
            yield Command(FACILITATOR, "set_action_status",
                          {"action_id": action_id, "status": a["status"]})
    for r in data["review"]:
        yield Command(FACILITATOR, "post_review", {"column": r["column"], "text": r["text"]})

    # Before exporting, the facilitator gives the evening's hours for the newsletter page
    # (its date line and lead paragraph: 「19:00〜21:00」).
    hours = data["workshop"]
    if hours.get("start"):
        yield Command(FACILITATOR, "set_schedule",
                      {"start": hours["start"], "end": hours.get("end", "")})


def priority_givers(data: dict[str, Any], budget: int) -> list[tuple[str, str]]:
    """The file gives only each proposal's count of priority votes; spread them over the
    room, one per person per proposal and within each person's budget."""
    people = [p["id"] for p in data["participants"]]
    left = dict.fromkeys(people, budget)
    out: list[tuple[str, str]] = []
    start = 0
    for theme, count in sorted(data["priority_votes"].items(), key=lambda kv: -kv[1]):
        given = 0
        for i in range(len(people)):
            pid = people[(start + i) % len(people)]
            if given == count:
                break
            if left[pid] > 0:
                left[pid] -= 1
                out.append((pid, theme))
                given += 1
        if given < count:
            raise ValueError(f"cannot spread {count} priority votes for {theme}")
        start += count
    return out


# --- the same evening at tables (yoriai demo --tables) ------------------------------------

# The world-café program (programs/world-cafe.json) makes the tables when its step
# 「確かめてみよう」 opens: mixed, 6 a table, so the sample's 30 people sit at 5 tables.
TABLE_PROGRAM = "world-cafe"


def table_script(data: dict[str, Any]) -> Script:
    """The sample evening at tables, on the world-café program. The same people, notes,
    themes, 共感, proposals, actions and review as :func:`script`, and:

    - opening 「確かめてみよう」 makes 5 mixed tables (the program's ``tables``); each
      table's host is the first person seated there who has a phone (in join order); phones
      may look at other tables;
    - the first half of the notes is written in round 1, then (「席をかえて話そう」) a second
      world-café round moves everyone but the hosts, and the other half is written there;
      a person without a phone has their notes entered by their table's host (代理入力);
    - each theme belongs to one table: the themes, largest first, go to a table that has
      none yet where most of their notes were written (ties: the lower number), then to the
      table where most were written; that table's host makes it and sorts in the notes
      written at the table, the facilitator the ones written elsewhere; a table is named
      after its first theme;
    - 「全体で共有しよう」: the projector shows each table in turn (focus), then none;
    - each proposal is written by the host of its theme's table.

    Who sits where comes from the acks (``seats`` of the step that makes the tables and of
    ``start_round``), never from guessing.
    """
    people = {p["id"]: p for p in data["participants"]}
    ids: dict[str, str] = {}  # sample participant id → Yoriai participant id
    theme_ids: dict[str, str] = {}
    note_ids: dict[str, str] = {}
    seat: dict[str, str] = {}  # sample participant id → the table they sit at now
    hosts: dict[str, str] = {}  # table id → its host (sample participant id)

    def by(sample_pid: str, name: str, args: dict[str, Any]) -> Command:
        if people[sample_pid]["has_phone"]:
            return Command(sample_pid, name, args)
        return Command(FACILITATOR, name, {**args, "proxy_for": ids[sample_pid]})

    def seated(result: dict[str, Any]) -> None:
        back = {yoriai_id: sample_id for sample_id, yoriai_id in ids.items()}
        seat.update({back[pid]: table for pid, table in result["seats"].items()})

    def post(n: dict[str, Any]) -> Command:
        args = {"kind": n["kind"], "text": n["text"]}
        author = n["author"]
        if people[author]["has_phone"]:
            return Command(author, "post_note", args)
        host = hosts.get(seat[author])  # the table's host writes for them
        return Command(host or FACILITATOR, "post_note", {**args, "proxy_for": ids[author]})

    budget = int(data["workshop"].get("vote_budget", 3))
    yield Command(FACILITATOR, "set_vote_settings", {"vote_budget": budget})
    yield Command(FACILITATOR, "set_table_settings", {"others_visible": True})
    yield from _join(data, ids)  # during 「はじめましょう」: no tables yet

    # 確かめてみよう at tables: the program makes them as the step opens
    seated((yield Command(FACILITATOR, "set_step", {"step": "confirm"})))
    tables = sorted(set(seat.values()), key=lambda t: int(t.lstrip("k")))
    for table in tables:
        host = next(p["id"] for p in data["participants"]
                    if seat[p["id"]] == table and p["has_phone"])
        yield Command(FACILITATOR, "set_table_host",
                      {"table_id": table, "participant_id": ids[host]})
        hosts[table] = host
    half = len(data["notes"]) // 2
    written: dict[str, str] = {}  # sample note id → the table it was written at
    for n in data["notes"][:half]:
        note_ids[n["id"]] = (yield post(n))["note_id"]
        written[n["id"]] = seat[n["author"]]

    # 席をかえて話そう: a second round, hosts stay
    yield Command(FACILITATOR, "set_step", {"step": "second_round"})
    seated((yield Command(FACILITATOR, "start_round", {})))
    for n in data["notes"][half:]:
        note_ids[n["id"]] = (yield post(n))["note_id"]
        written[n["id"]] = seat[n["author"]]

    # 仲間を増やそう: each table's host sorts its notes into its themes; 共感 and the 輪
    yield Command(FACILITATOR, "set_step", {"step": "companions"})
    home = theme_tables(data["themes"], written, tables)
    named: set[str] = set()
    for t in data["themes"]:
        table = home[t["id"]]
        result = yield Command(hosts[table], "create_theme", {"title": t["title"]})
        theme_ids[t["id"]] = result["theme_id"]
        if table not in named:
            named.add(table)
            yield Command(FACILITATOR, "name_table", {"table_id": table, "name": t["title"]})
        for n in t["notes"]:
            sorter = hosts[table] if written[n] == table else FACILITATOR
            yield Command(sorter, "group_note",
                          {"note_id": note_ids[n], "theme_id": theme_ids[t["id"]]})
        for member in t["members"]:
            yield by(member, "join_theme", {"theme_id": theme_ids[t["id"]]})
    for v in data["votes"]:
        yield by(v["participant"], "cast_vote", {"note_id": note_ids[v["note"]]})
    yield Command(FACILITATOR, "set_vote_settings", {"votes_visible": True})

    # 全体で共有しよう: one table at a time on the projector
    yield Command(FACILITATOR, "set_step", {"step": "sharing"})
    for table in tables:
        yield Command(FACILITATOR, "set_focus", {"kind": "table", "id": table})
    yield Command(FACILITATOR, "set_focus", {"kind": None})

    # 地域の活動にしよう: each table's host writes its proposals; the room gives priority
    yield Command(FACILITATOR, "set_step", {"step": "activity"})
    for prop in data["proposals"]:
        yield Command(hosts[home[prop["theme"]]], "write_proposal", {
            "theme_id": theme_ids[prop["theme"]], "aim": prop["aim"], "ideas": prop["ideas"]})
    for sample_pid, theme in priority_givers(data, budget):
        yield by(sample_pid, "cast_priority", {"theme_id": theme_ids[theme]})
    for theme in dict.fromkeys(a["theme"] for a in data["actions"]):
        yield Command(FACILITATOR, "choose_proposal",
                      {"theme_id": theme_ids[theme], "chosen": True})

    yield from _practice_and_future(data, ids, theme_ids, by)


def theme_tables(themes: list[dict[str, Any]], written: dict[str, str],
                 tables: list[str]) -> dict[str, str]:
    """Each theme's table (see :func:`table_script`): largest themes first (ties: file
    order), each to a table with no theme yet while there is one, else to any; among those
    the table where most of its notes were written, then the lower number."""
    home: dict[str, str] = {}
    for t in sorted(themes, key=lambda t: -len(t["notes"])):
        free = [k for k in tables if k not in home.values()] or tables
        here = {k: sum(written[n] == k for n in t["notes"]) for k in free}
        home[t["id"]] = min(free, key=lambda k: (-here[k], tables.index(k)))
    return home
