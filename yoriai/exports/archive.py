"""The archive: a whole workshop in one JSON file, to carry it to another laptop.

Unlike the other formats it is made from the event log, not the plan: importing it replays
every event, so the workshop comes back exactly — the same code, the same state, the same
``seq`` — and the next meeting carries on where the last one stopped.

::

    {"format": "yoriai-archive", "version": 1,
     "workshop": {"code", "title", "center", "date", "meetings", "seq", "events",
                  "exported_at"},
     "events": [Event.to_json(), …],
     "checksum": {"algorithm": "sha256", "value": <hex of the canonical events>}}

The canonical form of the events is their JSON with sorted keys, no spaces and UTF-8 text;
a file whose events do not hash to its checksum has been damaged (or edited) and is
refused. :func:`read_archive` is the importer's pure half: it checks everything it can
without a database and returns the events to write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from yoriai.facilitation.model import Event, WorkshopState, replay

from .source import Exporter, Source

FORMAT = "yoriai-archive"
VERSION = 1


class ArchiveError(ValueError):
    """An archive that cannot be imported; the message says why, for a person."""


def canonical(events: Sequence[Event]) -> bytes:
    return json.dumps([e.to_json() for e in events], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), allow_nan=False).encode("utf-8")


def checksum(events: Sequence[Event]) -> str:
    return hashlib.sha256(canonical(events)).hexdigest()


def archive(state: WorkshopState, events: Sequence[Event], exported_at: str) -> dict[str, Any]:
    if [e.seq for e in events] != list(range(1, len(events) + 1)) or len(events) != state.seq:
        raise ValueError("the archive needs the workshop's whole event log, in order")
    return {
        "format": FORMAT,
        "version": VERSION,
        "workshop": {
            "code": state.code, "title": state.title, "center": state.center,
            "date": state.date, "meetings": [m.date for m in state.meetings],
            "seq": state.seq, "events": len(events), "exported_at": exported_at,
        },
        "events": [e.to_json() for e in events],
        "checksum": {"algorithm": "sha256", "value": checksum(events)},
    }


def render_archive(source: Source) -> bytes:
    if source.events is None:
        raise ValueError("the archive is made from the event log: pass the events")
    doc = archive(source.state, source.events, source.generated_at.isoformat())
    return (json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Archive:
    code: str
    title: str
    events: list[Event]
    state: WorkshopState  # the replayed workshop


def need(doc: dict[str, Any], key: str, kind: type) -> Any:
    value = doc.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ArchiveError(f"the archive is damaged: {key!r} is missing or not a {kind.__name__}")
    return value


def read_archive(raw: bytes) -> Archive:
    """The workshop in ``raw``, checked from end to end, or :class:`ArchiveError`."""
    try:
        body = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArchiveError("this is not a Yoriai archive (not UTF-8 text)") from None
    try:
        doc = json.loads(body)
    except json.JSONDecodeError as exc:
        # A file cut short fails at its very end, or inside a string that runs to the end.
        cut = exc.pos >= len(body.rstrip()) or exc.msg.startswith("Unterminated string")
        why = "it is truncated (it ends too early)" if cut else f"bad JSON at line {exc.lineno}"
        raise ArchiveError(f"the archive is damaged: {why}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ArchiveError("this is not a Yoriai archive (no \"format\": \"yoriai-archive\")")
    version = need(doc, "version", int)
    if version > VERSION:
        raise ArchiveError(f"the archive is version {version}, made by a newer Yoriai; this "
                           f"Yoriai reads version {VERSION} — update Yoriai to import it")
    if version < 1:
        raise ArchiveError(f"the archive has an unknown version {version}")
    meta = need(doc, "workshop", dict)
    code = need(meta, "code", str)
    if not code.isalnum() or not 4 <= len(code) <= 16:
        raise ArchiveError(f"the archive is damaged: {code[:20]!r} is not a workshop code")
    count = need(meta, "events", int)
    seq = need(meta, "seq", int)
    raw_events = need(doc, "events", list)
    summed = need(doc, "checksum", dict)
    if summed.get("algorithm") != "sha256" or not isinstance(summed.get("value"), str):
        raise ArchiveError("the archive is damaged: its checksum is missing")
    if len(raw_events) != count:
        raise ArchiveError(f"the archive is truncated: it holds {len(raw_events)} of its "
                           f"{count} events")
    try:
        events = [Event.from_json(r) for r in raw_events]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ArchiveError("the archive is damaged: an event is malformed") from None
    if checksum(events) != summed["value"]:
        raise ArchiveError("the archive is damaged: its events do not match its checksum")
    if not events or events[0].type != "WorkshopCreated" or events[0].data.get("code") != code:
        raise ArchiveError("the archive is damaged: it does not start by creating its workshop")
    try:
        state = replay(events)
    except Exception as exc:  # any applier's failure: the events are not a workshop
        raise ArchiveError(f"the archive is damaged: its events do not replay ({exc})") from None
    if state.seq != seq or state.code != code:
        raise ArchiveError("the archive is damaged: its events do not make the workshop it "
                           "describes")
    return Archive(code=code, title=state.title, events=events, state=state)


EXPORTER = Exporter("json", "アーカイブ（JSON・別のパソコンへ移す）", "application/json", "json",
                    "archive", render_archive)
