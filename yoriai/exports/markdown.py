"""The plan as Markdown: text to paste into a home page or a mail, or to edit by hand."""

from __future__ import annotations

import re

from . import maps, text
from .plan import Plan, ReviewLine, ThemePlan
from .source import Exporter, Source

# Characters that would turn a person's words into markup anywhere in a line, and those
# that do so only at its start (a heading, a list, a quote).
SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
LEADING = re.compile(r"^([#+\-=>]|\d+[.)])")


def md(value: str) -> str:
    """A person's text as literal Markdown on one line."""
    flat = SPECIAL.sub(r"\\\1", " ".join(value.split()))
    return LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], flat)


def cell(value: str) -> str:
    return md(value) or " "


def table(head: tuple[str, ...], rows: list[tuple[str, ...]], numeric_from: int = 99) -> list[str]:
    align = ["---:" if i >= numeric_from else "---" for i in range(len(head))]
    out = ["| " + " | ".join(cell(h) for h in head) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def section(part: tuple[str, str, str]) -> str:
    return f"## {part[1]} — {part[2]}"


def reviews(items: tuple[ReviewLine, ...]) -> list[str]:
    if not items:
        return [text.EMPTY_REVIEW, ""]
    return [*(f"- {md(r.text)}" for r in items), ""]


def theme_cards(items: tuple[ThemePlan, ...], level: str = "####") -> list[str]:
    out: list[str] = []
    for t in items:
        out += [f"{level} {md(t.title)}", "", f"*{md(text.theme_counts(t))}*", ""]
        out += [f"- 【{n.kind_label}】{md(n.text)}（共感 {n.votes}）" for n in t.top_notes]
        if t.top_notes:
            out.append("")
        if t.proposal is not None:
            p = t.proposal
            chosen = "**採用**" if p.chosen else "検討中"
            out += [f"> 計画案（{chosen}・優先票 {p.priority}）: {md(p.aim)}"]
            out += [f"> - {md(i)}" for i in p.ideas]
            out.append("")
    return out


def themes(plan: Plan) -> list[str]:
    out = [f"### {text.THEMES}", ""]
    if plan.tables:
        return out + tables_themes(plan)
    if not plan.themes:
        return [*out, text.EMPTY_THEMES, ""]
    out += theme_cards(plan.themes)
    if plan.unsorted:
        out += [text.unsorted_line(plan), ""]
    return out


def tables_themes(plan: Plan) -> list[str]:
    """PLAN's themes under the table that made them, then the room's own."""
    out: list[str] = []
    for t in plan.tables:
        out += [f"#### {md(text.table_label(t))}", "", f"*{md(text.table_heading_line(t))}*",
                ""]
        out += theme_cards(t.themes, "#####") if t.themes else [text.EMPTY_THEMES, ""]
        if t.unsorted:
            out += [f"{text.UNSORTED} {len(t.unsorted)}枚", ""]
    if plan.room_themes or plan.room_unsorted:
        out += [f"#### {text.ROOM_THEMES}", ""]
        out += theme_cards(plan.room_themes, "#####")
        if plan.room_unsorted:
            out += [f"{text.UNSORTED} {len(plan.room_unsorted)}枚", ""]
    return out


def tables_talk(plan: Plan) -> list[str]:
    """「テーブルごとの話し合い」: per table its name, then a line per fact."""
    out = [f"## {text.TABLES_TALK}", ""]
    for t in plan.tables:
        out += [f"### {md(text.table_label(t))}", ""]
        out += [f"- **{k}**　{md(v)}" for k, v in text.talk_lines(t)]
        out.append("")
    return out


def opening(plan: Plan) -> list[str]:
    """The lead paragraph, then the 次回 box and the contact line as a quote."""
    out = [md(plan.lead), ""]
    box = []
    nxt = text.next_lines(plan)
    if nxt:
        box.append(f"> **{text.NEXT}**　{md('　'.join(nxt))}")
    if text.contact_line(plan):
        box.append(f"> {md(text.contact_line(plan))}")
    if box:
        # Two spaces end a line inside the quote without ending the quote.
        out += [*(line + "  " for line in box[:-1]), box[-1], ""]
    return out


def map_list(mp: maps.MapPlan | None) -> list[str]:
    """「地図」: the map's title and the notes on it, numbered as the other formats' map,
    each with its place in words (「左から42%・上から13%」: Markdown has no picture)."""
    if mp is None:
        return []
    title, sub = maps.heading(mp)
    out = [f"## {title}" + (f" — {md(sub)}" if sub else ""), ""]
    out += [*(md(s) for s in maps.text_intro(mp)), ""]
    for p in mp.pins:
        table = f"（{p.table}）" if p.table else ""
        out.append(f"{p.number}\\. 【{p.note.kind_label}】{md(p.note.text)}{table}"
                   f"　*{maps.where(p)}*  ")
    out[-1] = out[-1].rstrip()
    return [*out, ""]


def render_markdown(source: Source) -> bytes:
    plan = source.plan
    out = [f"# {md(plan.title or 'ワークショップ')}", "", f"{text.KICKER}  ",
           f"{md(text.meta_line(plan))}", ""]
    out += opening(plan)
    out += [" ／ ".join(f"{k} **{v}**" for k, v in text.summary_items(plan)), ""]
    if plan.tables:
        out += tables_talk(plan)
    out += [section(text.PLAN), ""]
    out += themes(plan)
    out += [f"### {text.ROLES}", ""]
    out += (table(text.ROLE_COLUMNS, [text.role_cells(a) for a in plan.actions])
            if plan.actions else [text.EMPTY_ACTIONS, ""])
    out += [section(text.DO), ""]
    out += (table(text.DO_COLUMNS, [text.do_cells(a) for a in plan.actions])
            if plan.actions else [text.EMPTY_ACTIONS, ""])
    out += [section(text.CHECK), "", *reviews(plan.keep)]
    out += [section(text.ACT), "", *reviews(plan.change)]
    out += [f"## {text.RECORD}", ""]
    out += [*(md(s) for s in text.record_sentences(plan)), ""]
    if plan.participation.participants:
        out += table(text.RECORD_COLUMNS, text.record_rows(plan), numeric_from=1)
    if plan.tables:
        rounds = text.rounds_sentence(plan)
        out += [f"### {text.TABLE_RECORD}", "", *([rounds, ""] if rounds else [])]
        out += table(text.TABLE_RECORD_COLUMNS, text.table_record_rows(plan), numeric_from=2)
    out += [text.CONTRIBUTED, ""]
    out += map_list(maps.map_plan(source))
    out += ["---", "", text.PRIVACY + "  ", md(text.generated_line(plan)),
            ""]
    return "\n".join(out).encode("utf-8")


EXPORTER = Exporter("md", "テキスト（Markdown）", "text/markdown; charset=utf-8", "md", "plan",
                    render_markdown)
