"""The archive carries an evening with tables to another laptop: its table events replay
on import through the commands that recorded them (``facilitation/verify.py``), and the
tables, their names and hosts, every round's seating and each note's table and round come
back exactly; an edited table fact is refused like any other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yoriai.exports.archive import ArchiveError, checksum, read_archive
from yoriai.exports.registry import render
from yoriai.exports.source import Source
from yoriai.facilitation.model import Event, replay

from .conftest import Evening
from .helpers import GENERATED_AT, events_of, yoriai
from .tables_evening import TablesEvening, tables_evening

# The table events the evening records: each must replay on import.
TABLE_EVENTS = {"TablesMade", "TableNamed", "TableHostSet", "Seated", "RoundStarted"}


@pytest.fixture(scope="module")
def ev() -> TablesEvening:
    return tables_evening(code="tablearc1")


@pytest.fixture(scope="module")
def archive(ev: TablesEvening) -> bytes:
    return render("json", Source(ev.w.state, GENERATED_AT, tuple(ev.w.log)))


def test_tables_seats_hosts_and_rounds_survive_export_and_import(
        ev: TablesEvening, archive: bytes, tmp_path: Path) -> None:
    assert {e.type for e in ev.w.log} >= TABLE_EVENTS
    got = read_archive(archive)
    state, back = ev.w.state, got.state
    assert back == state
    assert back.tables == state.tables and len(back.tables) == 3
    assert [(t.number, t.name, t.host) for t in back.tables.values()] == [
        (t.number, t.name, t.host) for t in state.tables.values()]
    assert back.round == state.round == 2
    assert back.seatings == state.seatings and len(back.seatings) == 2
    assert {p.id: p.table for p in back.participants.values()} == {
        p.id: p.table for p in state.participants.values()}
    assert {n.id: (n.table, n.round) for n in back.notes.values()} == {
        n.id: (n.table, n.round) for n in state.notes.values()}
    assert {t.id: t.table for t in back.themes.values()} == {
        t.id: t.table for t in state.themes.values()}

    # Through the command line into another data folder, and the plan prints the same.
    data = tmp_path / "other-laptop"
    path = tmp_path / "archive.json"
    path.write_bytes(archive)
    result = yoriai("import", str(path), "--data", str(data))
    assert result.returncode == 0, result.stderr
    restored = replay(events_of(data, "tablearc1"))
    assert restored == state
    for fmt in ("html", "md", "csv"):
        assert (render(fmt, Source(restored, GENERATED_AT))
                == render(fmt, Source(state, GENERATED_AT)))


def resealed(archive: bytes, edit: dict[str, object], event_type: str,
             nth: int = 0) -> bytes:
    """The archive with the ``nth`` event of ``event_type`` given ``edit`` and its
    checksum made again (so only the replay can tell)."""
    doc = json.loads(archive)
    found = [e for e in doc["events"] if e["type"] == event_type]
    found[nth]["data"].update(edit)
    events = [Event.from_json(e) for e in doc["events"]]
    doc["checksum"]["value"] = checksum(events)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def test_an_edited_table_fact_is_refused_whole(ev: TablesEvening, archive: bytes) -> None:
    """A note moved to a table its author did not sit at, or a seat at a table that does
    not exist, is not what the commands recorded: the whole archive is refused."""
    notes = [e for e in ev.w.log if e.type == "NotePosted"]
    nth, note = next((i, e) for i, e in enumerate(notes) if e.data.get("table"))
    other = next(t for t in ev.w.state.tables if t != note.data["table"])
    assert read_archive(resealed(archive, {}, "NotePosted", nth)).state == ev.w.state
    with pytest.raises(ArchiveError, match="do not replay"):
        read_archive(resealed(archive, {"table": other}, "NotePosted", nth))
    with pytest.raises(ArchiveError, match="do not replay"):
        read_archive(resealed(archive, {"table_id": "k99"}, "Seated"))
    with pytest.raises(ArchiveError, match="do not replay"):
        read_archive(resealed(archive, {"round": 7}, "RoundStarted"))


def test_an_archive_from_before_tables_still_imports(evening: Evening) -> None:
    """An archive written before tables existed: its program's steps have no "tables" key,
    and it imports as the same evening (an evening without tables is recorded as before)."""
    doc = json.loads(render("json", evening.source))
    for step in doc["events"][0]["data"]["program"]["steps"]:
        assert step.get("tables") is None
        step.pop("tables", None)
    events = [Event.from_json(e) for e in doc["events"]]
    doc["checksum"]["value"] = checksum(events)
    got = read_archive(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    assert got.state == evening.state
