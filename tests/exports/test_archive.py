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
    "newer version": (lambda a: edit(a, lambda d: d.update(version=4)), "newer Yoriai"),
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


# --- archives sealed again after an edit: checked like commands -----------------------------

def renumbered(doc: dict[str, Any]) -> dict[str, Any]:
    """Seqs 1..n again, the header's counts to match, and a fresh checksum: the file is
    consistent in every way a file can be; only the rules can tell it is wrong."""
    for i, e in enumerate(doc["events"], start=1):
        e["seq"] = i
    doc["workshop"]["events"] = doc["workshop"]["seq"] = len(doc["events"])
    return resealed(doc)


def inserted(doc: dict[str, Any], index: int, type_: str, data: dict[str, Any],
             actor: str = "facilitator") -> dict[str, Any]:
    at = doc["events"][index - 1]["at"]
    doc["events"].insert(index, {"seq": 0, "type": type_, "data": data, "at": at,
                                 "actor": actor})
    return renumbered(doc)


def changed(index: int, **data: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(doc: dict[str, Any]) -> dict[str, Any]:
        doc["events"][index]["data"].update(data)
        return renumbered(doc)
    return change


def first(doc: dict[str, Any], type_: str, **match: Any) -> int:
    return next(i for i, e in enumerate(doc["events"]) if e["type"] == type_
                and all(e["data"].get(k) == v for k, v in match.items()))


def hand_sealed(doc: dict[str, Any], *, allow_nan: bool = False) -> bytes:
    """Sealed by hand, the way an editor that allows what JSON does not would: lone
    surrogates passed through, NaN written as NaN."""
    body = json.dumps(doc["events"], ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=allow_nan)
    doc["checksum"]["value"] = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    return json.dumps(doc, ensure_ascii=True, allow_nan=allow_nan).encode("ascii")


def _pre_granted(doc: dict[str, Any]) -> dict[str, Any]:
    return inserted(doc, 3, "CofacilitatorGranted", {"participant_id": "p20"})


def _granted_to_proxy(doc: dict[str, Any]) -> dict[str, Any]:
    return inserted(doc, 6, "CofacilitatorGranted", {"participant_id": "p4"})


def _granted_by_participant(doc: dict[str, Any]) -> dict[str, Any]:
    return inserted(doc, 6, "CofacilitatorGranted", {"participant_id": "p2"}, actor="p:p1")


def _id_out_of_order(doc: dict[str, Any]) -> dict[str, Any]:
    return changed(first(doc, "NotePosted"), note_id="n7")(doc)


def _megabyte_note(doc: dict[str, Any]) -> dict[str, Any]:
    return changed(first(doc, "NotePosted"), text="あ" * 350_000)(doc)


def _not_created_first(doc: dict[str, Any]) -> dict[str, Any]:
    doc["events"].pop(0)
    return renumbered(doc)


def _seq_from_two(doc: dict[str, Any]) -> dict[str, Any]:
    for e in doc["events"]:
        e["seq"] += 1
    doc["workshop"]["seq"] += 1
    return resealed(doc)


def _too_many_themes(doc: dict[str, Any]) -> dict[str, Any]:
    from yoriai.facilitation import limits

    made = sum(e["type"] == "ThemeCreated" for e in doc["events"])
    for i in range(made, limits.THEMES_MAX + 1):
        inserted(doc, len(doc["events"]), "ThemeCreated",
                 {"theme_id": f"t{i + 1}", "title": f"輪{i + 1}"})
    return doc


def _full_width_code(doc: dict[str, Any]) -> dict[str, Any]:
    doc["workshop"]["code"] = "ｓａｍｐｌｅ１"
    doc["events"][0]["data"]["code"] = "ｓａｍｐｌｅ１"
    return resealed(doc)


def _nested(doc: dict[str, Any]) -> bytes:
    text = json.dumps(doc, ensure_ascii=False)
    return text.replace('"events": [', '"events": [' + "[" * 100_000 + "]" * 100_000 + ",",
                        1).encode("utf-8")


def _surrogate_name(doc: dict[str, Any]) -> bytes:
    doc["events"][first(doc, "ParticipantJoined")]["data"]["name"] = "\ud800"
    return hand_sealed(doc)


def _nan_time(doc: dict[str, Any]) -> bytes:
    doc["events"][5]["at"] = float("nan")
    return hand_sealed(doc, allow_nan=True)


def _infinite_budget(doc: dict[str, Any]) -> bytes:
    i = first(doc, "VoteSettingsChanged")
    return json.dumps(renumbered(changed(i, vote_budget=3)(doc)), ensure_ascii=False).replace(
        '"vote_budget": 3', '"vote_budget": 1e999', 1).encode("utf-8")


def _seq_as_text(doc: dict[str, Any]) -> dict[str, Any]:
    doc["events"][4]["seq"] = "5"
    return resealed(doc)


def _flag_as_number(doc: dict[str, Any]) -> dict[str, Any]:
    return changed(first(doc, "ParticipantJoined"), show_name=1)(doc)


def _extra_field(doc: dict[str, Any]) -> dict[str, Any]:
    return changed(first(doc, "NotePosted"), colour="red")(doc)


def _unknown_event(doc: dict[str, Any]) -> dict[str, Any]:
    return inserted(doc, 2, "DatabaseDropped", {})


def _unknown_actor(doc: dict[str, Any]) -> dict[str, Any]:
    doc["events"][first(doc, "StepChanged")]["actor"] = "root"
    return renumbered(doc)


def _joined_as_facilitator(doc: dict[str, Any]) -> dict[str, Any]:
    doc["events"][1]["actor"] = "facilitator"  # a phone's join, said to be the console's
    return renumbered(doc)


def _vote_for_someone_else(doc: dict[str, Any]) -> dict[str, Any]:
    i = first(doc, "VoteCast")
    voter = doc["events"][i]["data"]["participant_id"]
    doc["events"][i]["actor"] = "p:p1" if voter != "p1" else "p:p2"
    return renumbered(doc)


def _name_with_nul(doc: dict[str, Any]) -> dict[str, Any]:
    return changed(1, name="佐\x00藤")(doc)


REFUSED: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "co-facilitator granted before joining": (_pre_granted, "unknown_participant"),
    "co-facilitator granted to a proxy": (_granted_to_proxy, "not_allowed"),
    "co-facilitator granted by a participant": (_granted_by_participant, "not_allowed"),
    "a note id out of order": (_id_out_of_order, "is not what Yoriai records"),
    "a 1 MB note": (_megabyte_note, "note_too_long"),
    "no WorkshopCreated first": (_not_created_first, "does not start by creating"),
    "seqs from 2": (_seq_from_two, "out of order"),
    "more themes than the cap": (_too_many_themes, "too_many"),
    "full-width workshop code": (_full_width_code, "is not a workshop code"),
    "deeply nested JSON": (_nested, "nested too deeply"),
    "a lone surrogate": (_surrogate_name, "not Unicode"),
    "NaN for a time": (_nan_time, "NaN"),
    "an infinite number": (_infinite_budget, "infinity"),
    "a seq that is text": (_seq_as_text, "malformed"),
    "a flag that is a number": (_flag_as_number, "bad_value"),
    "a field no command records": (_extra_field, "is not what Yoriai records"),
    "an unknown kind of event": (_unknown_event, "does not know"),
    "an unknown sender": (_unknown_actor, "sender that cannot exist"),
    "a join said to be the facilitator's": (_joined_as_facilitator, "not_allowed"),
    "a vote cast by someone else": (_vote_for_someone_else, "is not what Yoriai records"),
    "a name with NUL": (_name_with_nul, "is not what Yoriai records"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_archives_sealed_again_are_checked_like_commands(archive: bytes, tmp_path: Path,
                                                         case: str) -> None:
    """Every one of these has a checksum that matches its events (or as near as the file
    allows); each is refused whole, in one line with exit status 2, writing nothing."""
    change, words = REFUSED[case]
    doc = json.loads(archive)
    out = change(doc)
    raw = out if isinstance(out, bytes) else json.dumps(doc, ensure_ascii=False).encode()
    bad = write(tmp_path, raw, "bad.json")
    fresh = tmp_path / "fresh"
    result = yoriai("import", str(bad), "--data", str(fresh))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("yoriai: error: ") and words in result.stderr, result.stderr
    assert result.stderr.endswith("; nothing was imported\n")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not fresh.exists()
    with pytest.raises(ArchiveError):
        read_archive(raw)


def test_a_refusal_says_which_event_and_which_rule(archive: bytes) -> None:
    doc = json.loads(archive)
    raw = json.dumps(_megabyte_note(doc), ensure_ascii=False).encode()
    with pytest.raises(ArchiveError) as info:
        read_archive(raw)
    seq = first(doc, "NotePosted") + 1
    assert f"event {seq} ('NotePosted')" in str(info.value)
    refusal = info.value.refusal
    assert refusal is not None and refusal.code == "note_too_long"
    assert refusal.params == {"max": 140, "length": 350_000}


def test_the_cli_adds_the_rules_own_words(archive: bytes, tmp_path: Path) -> None:
    doc = json.loads(archive)
    bad = write(tmp_path, json.dumps(_megabyte_note(doc), ensure_ascii=False), "bad.json")
    result = yoriai("import", str(bad), "--data", str(tmp_path / "d"))
    assert "Notes are at most 140 characters (this one has 350000)" in result.stderr


def test_an_archive_of_an_older_legal_code_imports(archive: bytes, tmp_path: Path) -> None:
    """Codes older Yoriai accepted (4 to 16 ASCII letters and digits, capitals too) still
    come in: the code rule only keeps out what never worked."""
    doc = json.loads(archive)
    doc["workshop"]["code"] = doc["events"][0]["data"]["code"] = "OldCode2024"
    raw = json.dumps(resealed(doc), ensure_ascii=False)
    data = tmp_path / "laptop"
    result = yoriai("import", str(write(tmp_path, raw)), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert len(events_of(data, "OldCode2024")) == len(doc["events"])


@pytest.mark.parametrize("field, older", [
    ("text", "\u200b雪かき\tが大変"),  # a zero-width space first, a tab inside
    ("text", "雪かき\ufeff"),  # a byte-order mark last
    ("name", "佐藤\nひろ子"),  # a line break in a name
])
def test_text_an_older_yoriai_recorded_still_comes_in(archive: bytes, tmp_path: Path,
                                                      field: str, older: str) -> None:
    """Before the one text check, Yoriai kept tabs and line breaks everywhere and trimmed
    only white space: such a text is imported as it was recorded, byte for byte."""
    doc = json.loads(archive)
    i = first(doc, "NotePosted" if field == "text" else "ParticipantJoined")
    doc["events"][i]["data"][field] = older
    raw = json.dumps(resealed(doc), ensure_ascii=False)
    data = tmp_path / "laptop"
    result = yoriai("import", str(write(tmp_path, raw)), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert events_of(data, "sample1")[i].data[field] == older
