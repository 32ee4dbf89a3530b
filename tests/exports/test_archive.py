"""The archive carries a workshop to another laptop: ``yoriai import`` restores it exactly
(same code, same state, same seq), and refuses — writing nothing — an archive that is
damaged, truncated, from a newer Yoriai, or for a code the laptop already has."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from yoriai.exports.archive import ArchiveError, checksum, read_archive
from yoriai.exports.registry import render
from yoriai.facilitation.model import Event, replay
from yoriai.server.store import EventStore, WorkshopExists

from .conftest import Evening
from .helpers import events_of, stored_events, yoriai


@pytest.fixture(scope="module")
def archive(evening: Evening) -> bytes:
    return render("json", evening.source)


def write(tmp_path: Path, raw: bytes | str, name: str = "archive.json") -> Path:
    path = tmp_path / name
    if isinstance(raw, str):
        path.write_text(raw, "utf-8")
    else:
        path.write_bytes(raw)
    return path


def test_import_restores_the_workshop_exactly(evening: Evening, archive: bytes,
                                               tmp_path: Path) -> None:
    data = tmp_path / "other-laptop"
    result = yoriai("import", str(write(tmp_path, archive)), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "sample1"
    assert "/w/sample1/facilitate" in result.stdout
    events = events_of(data, "sample1")
    assert [e.to_json() for e in events] == [e.to_json() for e in evening.log]
    restored = replay(events)
    assert restored == evening.state
    assert restored.seq == evening.state.seq == len(evening.log)

    # Exported again from the other laptop: the same log, the same checksum.
    again = yoriai("export", "sample1", "--format", "json", "-o", str(tmp_path / "b.json"),
                   "--data", str(data))
    assert again.returncode == 0, again.stderr
    doc = json.loads((tmp_path / "b.json").read_text("utf-8"))
    assert doc["checksum"] == json.loads(archive)["checksum"]
    assert doc["events"] == json.loads(archive)["events"]


def test_the_store_writes_an_import_in_one_go_or_not_at_all(evening: Evening,
                                                             tmp_path: Path) -> None:
    async def go() -> None:
        store = EventStore(tmp_path / "yoriai.sqlite3")
        await store.open()
        try:
            await store.import_workshop("sample1", list(evening.log))
            with pytest.raises(WorkshopExists, match="already"):
                await store.import_workshop("sample1", list(evening.log))
            with pytest.raises(ValueError, match="seq 1"):
                await store.import_workshop("other1", list(evening.log[1:]))
            events, commands = await store.load("sample1")
            assert len(events) == len(evening.log) and commands == []
            assert not await store.exists("other1")
        finally:
            await store.close()

    asyncio.run(go())


def resealed(doc: dict[str, Any]) -> dict[str, Any]:
    """The archive with its checksum made to match its (edited) events again — what an
    editor would do to get a bad log past the checksum."""
    events = [Event.from_json(e) for e in doc["events"]]
    doc["checksum"]["value"] = checksum(events)
    return doc


def edit(archive: bytes, change: Callable[[dict[str, Any]], Any]) -> bytes:
    """The archive after ``change`` edits its document in place."""
    doc = json.loads(archive)
    change(doc)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _drop_event(doc: dict[str, Any]) -> dict[str, Any]:
    del doc["events"][10]
    doc["workshop"]["events"] -= 1
    return resealed(doc)


def _renumber(doc: dict[str, Any]) -> dict[str, Any]:
    """A vote for a note that is never posted: the events do not replay."""
    doc["events"] = [e for e in doc["events"] if e["type"] != "NotePosted"]
    for i, e in enumerate(doc["events"], start=1):
        e["seq"] = i
    doc["workshop"]["events"] = len(doc["events"])
    return resealed(doc)


DAMAGED: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "bad json": (lambda a: a.replace(b'"events": [', b'"events": [[', 1), "bad JSON"),
    "truncated": (lambda a: a[: len(a) * 2 // 3], "truncated"),
    "events cut off": (lambda a: edit(a, lambda d: d["events"].pop()), "truncated"),
    "checksum mismatch": (lambda a: edit(a, lambda d: d["events"][5]["data"].update(
        name="書きかえた名前")), "checksum"),
    "newer version": (lambda a: edit(a, lambda d: d.update(version=2)), "newer Yoriai"),
    "missing checksum": (lambda a: edit(a, lambda d: d.pop("checksum")), "'checksum'"),
    "missing workshop": (lambda a: edit(a, lambda d: d.pop("workshop")), "'workshop'"),
    "missing events": (lambda a: edit(a, lambda d: d.pop("events")), "'events'"),
    "not an archive": (lambda a: b'{"hello": "world"}', "not a Yoriai archive"),
    "not text": (lambda a: bytes(range(256)), "not UTF-8"),
    "event dropped, resealed": (lambda a: edit(a, _drop_event), "do not replay"),
    "events do not replay": (lambda a: edit(a, _renumber), "do not replay"),
    "malformed event": (lambda a: edit(a, lambda d: resealed_raw(d)), "malformed"),
}


def resealed_raw(doc: dict[str, Any]) -> dict[str, Any]:
    doc["events"][3] = {"seq": 4, "type": "NotePosted"}  # no data, no time, no actor
    doc["checksum"]["value"] = hashlib.sha256(b"whatever").hexdigest()
    return doc


@pytest.mark.parametrize("case", list(DAMAGED))
def test_damaged_archives_are_refused_and_nothing_is_written(
        archive: bytes, evening: Evening, tmp_path: Path, case: str) -> None:
    damage, words = DAMAGED[case]
    bad = write(tmp_path, damage(archive), "bad.json")

    # Into a data folder that does not exist yet: it is not even created.
    fresh = tmp_path / "fresh"
    result = yoriai("import", str(bad), "--data", str(fresh))
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("yoriai: error: ") and words in result.stderr
    assert "nothing was imported" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not fresh.exists()

    # Into a laptop that has other workshops: not one row changes.
    with pytest.raises(ArchiveError, match=words if words != "'checksum'" else "checksum"):
        read_archive(bad.read_bytes())


def test_a_laptop_with_workshops_is_left_untouched(archive: bytes, tmp_path: Path) -> None:
    data = tmp_path / "laptop"
    made = yoriai("new", "いつもの会", "--center", "中央", "--data", str(data))
    assert made.returncode == 0, made.stderr
    first = yoriai("import", str(write(tmp_path, archive)), "--data", str(data))
    assert first.returncode == 0, first.stderr
    before = stored_events(data)
    for case, (damage, _) in DAMAGED.items():
        bad = write(tmp_path, damage(archive), "bad.json")
        result = yoriai("import", str(bad), "--data", str(data))
        assert result.returncode == 2, case
        assert stored_events(data) == before, case

    # The same archive again: the code is taken, so nothing is written.
    again = yoriai("import", str(write(tmp_path, archive)), "--data", str(data))
    assert again.returncode == 2
    assert again.stderr == ("yoriai: error: a workshop with the code sample1 is already in "
                            "this data folder; nothing was imported\n")
    assert stored_events(data) == before
    assert len({row[0] for row in before}) == 2


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = yoriai("import", str(tmp_path / "nowhere.json"), "--data", str(tmp_path / "d"))
    assert result.returncode == 2
    assert result.stderr.startswith("yoriai: error: cannot read ")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "d").exists()
