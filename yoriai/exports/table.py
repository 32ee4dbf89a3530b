"""Every record of the workshop in one CSV file, for Excel: themes, notes, votes,
proposals, actions, volunteers and review, one row each, its kind in the first column.

The column names and labels are in the export's language (Japanese unless ``--lang en``),
in the screens' words from the app's catalogue, and each column holds one meaning: the
workshop's venue and date have their own columns, a theme's 共感 and members, a
proposal's priority votes and an action's number of 担い手 are separate columns.

UTF-8 with a BOM and CRLF line ends, which is what Excel in Japan needs to open a file
with a double click and show its Japanese. Votes are rows without names (who gave 共感 to
what is nobody's business; the voter's attribute is kept for the 参画の記録); volunteers
are named only if they agreed. A cell that starts like a formula (=, +, -, @, their full-width
forms ＝＋－＠, a tab or a line break) gets a leading apostrophe, so that Excel shows it
rather than runs it.

With tables (班) the file gains the columns テーブル, テーブル名, ラウンド and テーブル進行役 (which
table a theme, proposal, note, 共感 or action came from, and a note's round), a row per
table and a row per person per round saying where they sat (席): a table's 立場 counted in
Excel from those. An evening without tables has none of them.

With a map (地図ワーク) the file gains 地図の番号 and a note's place, on the grid
(0〜10000) and in pixels of the stored map image; an evening without a map has none of them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable

from yoriai.facilitation.model import Note, WorkshopState

from . import maps
from .attendance import round_seats, tallies
from .catalogue import word
from .plan import ANONYMOUS, published, venue_of
from .source import Exporter, Source

# Each column and the catalogue key of its name: the screens' word where there is one.
COLUMNS: dict[str, str] = {
    "type": "export.col.type",
    "id": "export.col.id",
    "theme_id": "export.col.theme_id",
    "theme": "screen.theme_label",
    "kind": "note.kind",
    "text": "export.col.text",
    "votes": "export.col.votes",
    "priority": "export.col.priority",
    "members": "export.col.members",
    "volunteers": "export.col.volunteers",
    "chosen": "export.col.chosen",
    "form": "action.form",
    "partners": "action.partners",
    "first_step": "action.first_step",
    "due": "action.due",
    "status": "action.status",
    "record": "console.action.record",
    "who": "export.col.who",
    "attribute": "export.col.attribute",
    "by_proxy": "console.note.by_proxy",
    "lead": "export.col.lead",
    "venue": "export.col.venue",
    "date": "export.col.date",
}
# With tables (班) only, these columns follow: which table a theme, proposal, note, 共感
# or action came from (its number and name), the round a note was written in, and on a
# seat row whether the person hosted the table. An evening without tables has none of
# them: its file is the one it always was.
TABLE_COLUMNS: dict[str, str] = {
    "table": "export.col.table",
    "table_name": "export.col.table_name",
    "round": "export.col.round",
    "host": "export.col.host",
}
# With a map (地図ワーク) only, these follow: a note's number on the map (as the plan's
# map and list print it), its place on the grid over the image (0..10000 from the left
# and from the top: exact, as the log keeps it) and in pixels of the stored map image (to
# mark it in any image editor). A note without a place leaves them empty; an evening
# without a map has none of them.
MAP_COLUMNS: dict[str, str] = {
    "map_no": "export.col.map_no",
    "map_x": "export.col.map_x",
    "map_y": "export.col.map_y",
    "map_px": "export.col.map_px",
    "map_py": "export.col.map_py",
}
RECORD_TYPES = ("workshop", "theme", "proposal", "note", "vote", "action", "volunteer",
                "review", "table", "seat")


def headers(lang: str, *, tables: bool = False, map_: bool = False) -> dict[str, str]:
    """``{column: its name in lang}``; ``tables`` adds the table columns, ``map_`` the
    map's."""
    columns = {**COLUMNS, **(TABLE_COLUMNS if tables else {}), **(MAP_COLUMNS if map_ else {})}
    return {col: word(key, lang) for col, key in columns.items()}


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


def rows(state: WorkshopState, lang: str = "ja") -> list[dict[str, str]]:
    """The records, keyed by column (not yet by the column's name in ``lang``)."""
    out: list[dict[str, str]] = []

    def add(record_type: str, **cells: object) -> None:
        out.append({"type": word(f"export.type.{record_type}", lang),
                    **{k: safe(v) for k, v in cells.items()}})

    def label(key: str) -> str:
        return word(key, lang)

    anonymous = ANONYMOUS if lang == "ja" else "participant"

    def theme_title(theme_id: str | None) -> str:
        theme = state.themes.get(theme_id) if theme_id else None
        return theme.title if theme else ""

    def at(table_id: str | None) -> dict[str, object]:
        """The table columns of a record made at ``table_id`` (none without tables)."""
        if not state.tables:
            return {}
        table = state.tables.get(table_id) if table_id else None
        return {"table": table.number if table else "", "table_name": table.name if table else ""}

    def theme_table(theme_id: str | None) -> str | None:
        theme = state.themes.get(theme_id) if theme_id else None
        return theme.table if theme else None

    add("workshop", id=state.code, text=state.title, venue=venue_of(state.center),
        date=state.meetings[-1].date if state.meetings else state.date)
    for t in state.themes.values():
        prop = state.proposals.get(t.id)
        add("theme", id=t.id, theme_id=t.id, theme=t.title, text=t.title,
            votes=sum(state.tally(n) for n in t.notes if n in state.notes
                      and published(state.notes[n])),
            members=len(t.members), **at(t.table))
        if prop is not None and prop.aim:
            add("proposal", id=t.id, theme_id=t.id, theme=t.title,
                text="\n".join([prop.aim, *(f"・{i}" for i in prop.ideas)]),
                priority=len(prop.priority), chosen=yes(prop.chosen), **at(t.table))
    numbers = maps.numbers(state)
    for n in state.notes.values():
        if published(n):
            rnd = {"round": n.round or ""} if state.tables else {}
            add("note", id=n.id, theme_id=n.theme or "", theme=theme_title(n.theme),
                kind=label(f"kind.{n.kind.value}"), text=n.text, votes=state.tally(n.id),
                by_proxy=yes(n.by_proxy), **at(n.table), **rnd, **place(state, n, numbers))
    for pid, given in state.votes.items():
        person = state.participants.get(pid)
        for note_id, count in given.items():
            note = state.notes.get(note_id)
            if count and note is not None and published(note):
                add("vote", id=note_id, theme_id=note.theme or "",
                    theme=theme_title(note.theme), votes=count,
                    attribute=person.attribute if person else "",
                    by_proxy=yes(bool(person and person.proxy)), **at(note.table))
    for a in state.actions.values():
        # Its lead is the volunteer row marked 代表 (a name in one column only).
        add("action", id=a.id, theme_id=a.theme or "", theme=theme_title(a.theme), text=a.title,
            volunteers=len(a.volunteers), form=label(f"form.{a.form.value}"),
            partners="、".join(a.partners), first_step=a.first_step, due=a.due,
            status=label(f"status.{a.status.value}"), record=a.record,
            **at(theme_table(a.theme)))
        for pid in a.volunteers:
            person = state.participants.get(pid)
            if person is None:
                continue
            add("volunteer", id=a.id, theme_id=a.theme or "", theme=theme_title(a.theme),
                text=a.title, who=person.name if person.show_name else anonymous,
                attribute=person.attribute, by_proxy=yes(person.proxy), lead=yes(pid == a.lead))
    for r in state.reviews.values():
        add("review", id=r.id, kind=label(f"review.{r.column.value}"), text=r.text)
    table_rows(state, lang, add)
    return out


def place(state: WorkshopState, note: Note, numbers: dict[str, int]) -> dict[str, object]:
    """The map columns of a note: its number and place (empty without one); none at all
    without a map."""
    if state.map is None or note.pin is None:
        return {}
    px, py = maps.pixel(note.pin.x, note.pin.y, state.map.width, state.map.height)
    return {"map_no": numbers.get(note.id, ""), "map_x": note.pin.x, "map_y": note.pin.y,
            "map_px": px, "map_py": py}


def table_rows(state: WorkshopState, lang: str, add_row: Callable[..., None]) -> None:
    """With tables: a row per table (its name, host, people and 共感), and a row per
    person per round saying where they sat — 立場 and 代理入力, a name only if they
    agreed — from which Excel counts any table's people by 立場."""
    anonymous = ANONYMOUS if lang == "ja" else "participant"
    counted = tallies(state)
    for t in sorted(state.tables.values(), key=lambda t: t.number):
        host = state.participants.get(t.host) if t.host else None
        tally = counted[t.id]
        add_row("table", id=t.id, table=t.number, table_name=t.name, text=t.name,
                members=tally.people, votes=tally.votes,
                who=(host.name if host.show_name else anonymous) if host else "",
                attribute=host.attribute if host else "")
    hosts = {t.host: t.id for t in state.tables.values() if t.host}
    for number, seats in enumerate(round_seats(state), 1):
        for pid, table_id in seats.items():
            person, table = state.participants[pid], state.tables[table_id]
            add_row("seat", id=pid, table=table.number, table_name=table.name, round=number,
                    who=person.name if person.show_name else anonymous,
                    attribute=person.attribute, by_proxy=yes(person.proxy),
                    host=yes(hosts.get(pid) == table_id))


def render_csv(source: Source) -> bytes:
    names = headers(source.lang, tables=bool(source.state.tables),
                    map_=source.state.map is not None)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(names.values())
    writer.writerows([row.get(col, "") for col in names] for row in rows(source.state,
                                                                          source.lang))
    return buf.getvalue().encode("utf-8-sig")


EXPORTER = Exporter("csv", "表計算用データ（CSV・Excel）", "text/csv; charset=utf-8", "csv",
                    "records", render_csv)
