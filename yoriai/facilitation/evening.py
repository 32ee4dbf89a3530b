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
from collections.abc import Generator
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

    for p in data["participants"]:
        profile = {"name": p["name"], "attribute": p["attribute"], "show_name": p["show_name"]}
        if p["has_phone"]:
            result = yield Command(p["id"], "join", profile, joining=True)
        else:
            result = yield Command(FACILITATOR, "add_proxy", profile)
        ids[p["id"]] = result["participant_id"]

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
