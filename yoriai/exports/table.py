"""Every record of the workshop in one CSV file, for Excel: themes, notes, votes,
proposals, actions, volunteers and review, one ``record_type`` per kind.

UTF-8 with a BOM and CRLF line ends, which is what Excel in Japan needs to open a file
with a double click and show its Japanese. Votes are rows without names (who gave 共感 to
what is nobody's business; the voter's attribute is kept for the 参画の記録); volunteers
are named only if they agreed. A cell that starts like a formula (=, +, -, @, their full-width
forms ＝＋－＠, a tab or a line break) gets a leading apostrophe, so that Excel shows it
rather than runs it.

The first row (``workshop``) says which workshop it is: its code, title, venue (``who``)
and date (``due``).
"""

from __future__ import annotations

import csv
import io
import unicodedata

from yoriai.facilitation.model import WorkshopState

from .plan import (
    ANONYMOUS,
    FORM_LABELS,
    KIND_LABELS,
    REVIEW_LABELS,
    STATUS_LABELS,
    published,
    venue_of,
)
from .source import Exporter, Source

COLUMNS = ("record_type", "id", "theme_id", "theme", "kind", "text", "votes", "count",
           "chosen", "form", "partners", "first_step", "due", "status", "record", "who",
           "attribute", "by_proxy", "lead")
# What starts a formula in Excel (and LibreOffice). A spreadsheet in Japan also reads the
# full-width ＝＋－＠ (and their small forms ﹦﹢﹣﹫) as the ASCII ones, so a cell is
# checked by the compatibility form (NFKC) of its first character, not by that character.
FORMULA_START = frozenset("=+-@\t\r\n")


def safe(value: object) -> str:
    out = "" if value is None else str(value)
    first = unicodedata.normalize("NFKC", out[:1])[:1]
    return "'" + out if first in FORMULA_START else out


def yes(flag: bool) -> str:
    return "1" if flag else "0"


def rows(state: WorkshopState) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []

    def add(record_type: str, **cells: object) -> None:
        out.append({"record_type": record_type, **{k: safe(v) for k, v in cells.items()}})

    def theme_title(theme_id: str | None) -> str:
        theme = state.themes.get(theme_id) if theme_id else None
        return theme.title if theme else ""

    add("workshop", id=state.code, text=state.title, who=venue_of(state.center),
        due=state.meetings[-1].date if state.meetings else state.date)
    for t in state.themes.values():
        prop = state.proposals.get(t.id)
        add("theme", id=t.id, theme_id=t.id, theme=t.title, text=t.title,
            votes=sum(state.tally(n) for n in t.notes if n in state.notes
                      and published(state.notes[n])),
            count=len(t.members))
        if prop is not None and prop.aim:
            add("proposal", id=t.id, theme_id=t.id, theme=t.title,
                text="\n".join([prop.aim, *(f"・{i}" for i in prop.ideas)]),
                votes=len(prop.priority), chosen=yes(prop.chosen))
    for n in state.notes.values():
        if published(n):
            add("note", id=n.id, theme_id=n.theme or "", theme=theme_title(n.theme),
                kind=KIND_LABELS[n.kind], text=n.text, votes=state.tally(n.id),
                by_proxy=yes(n.by_proxy))
    for pid, given in state.votes.items():
        person = state.participants.get(pid)
        for note_id, count in given.items():
            note = state.notes.get(note_id)
            if count and note is not None and published(note):
                add("vote", id=note_id, theme_id=note.theme or "",
                    theme=theme_title(note.theme), count=count,
                    attribute=person.attribute if person else "",
                    by_proxy=yes(bool(person and person.proxy)))
    for a in state.actions.values():
        lead = state.participants.get(a.lead) if a.lead else None
        add("action", id=a.id, theme_id=a.theme or "", theme=theme_title(a.theme), text=a.title,
            count=len(a.volunteers), form=FORM_LABELS[a.form], partners="、".join(a.partners),
            first_step=a.first_step, due=a.due, status=STATUS_LABELS[a.status], record=a.record,
            lead=(lead.name if lead.show_name else ANONYMOUS) if lead else "")
        for pid in a.volunteers:
            person = state.participants.get(pid)
            if person is None:
                continue
            add("volunteer", id=a.id, theme_id=a.theme or "", theme=theme_title(a.theme),
                text=a.title, who=person.name if person.show_name else ANONYMOUS,
                attribute=person.attribute, by_proxy=yes(person.proxy), lead=yes(pid == a.lead))
    for r in state.reviews.values():
        add("review", id=r.id, kind=REVIEW_LABELS[r.column], text=r.text)
    return out


def render_csv(source: Source) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(source.state))
    return buf.getvalue().encode("utf-8-sig")


EXPORTER = Exporter("csv", "表計算用データ（CSV・Excel）", "text/csv; charset=utf-8", "csv",
                    "records", render_csv)
