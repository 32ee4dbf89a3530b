"""The archive: a whole workshop in one JSON file, to carry it to another laptop.

Unlike the other formats it is made from the event log, not the plan: importing it replays
every event, so the workshop comes back exactly — the same code, the same state, the same
``seq`` — and the next meeting carries on where the last one stopped.

::

    {"format": "yoriai-archive", "version": 1 | 2 | 3,
     "workshop": {"code", "title", "center", "date", "meetings", "seq", "events",
                  "exported_at"},
     "events": [Event.to_json(), …],
     "photos": [{"hash": <sha256 hex of the bytes>, "data": <base64 of the JPEG>}, …],
     "checksum": {"algorithm": "sha256", "value": <hex of the canonical events (+ photos)>}}

The canonical form of the events is their JSON with sorted keys, no spaces and UTF-8 text;
a file whose events do not hash to its checksum has been damaged (or edited) and is
refused.

Photos of the evening (version 2): the files the workshop's photos name, each with its
hash, so that ``yoriai import`` puts them back in the data folder. The checksum then covers
them too (the canonical events, a line feed, the canonical photo list). Each photo's bytes
must hash to its name and be a JPEG the workshop holds, or the whole file is refused and
nothing is written. The workshop's map (地図ワーク) travels the same way: its image is one
more entry of ``photos``, required when the workshop has a map. The version is the oldest
that holds what the archive holds (1 the log alone, 2 with photos, 3 a log that uses map
work), so an older Yoriai reads what it can and calls the rest "newer", never "damaged".

:func:`read_archive` is the importer's pure half: it checks everything it can without a
database — the file, the checksum, and every event against the rules of the live
commands (``facilitation/verify.py``) — and returns the events to write.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import Event, WorkshopState
from yoriai.facilitation.steering import is_workshop_code
from yoriai.facilitation.verify import Rejected, verified_replay

from .source import Exporter, Source

FORMAT = "yoriai-archive"
VERSION = 3  # the newest this Yoriai writes and reads
# The oldest version that holds what an archive holds, so that an older Yoriai reads every
# archive it can and says "made by a newer Yoriai" of the others (never "damaged"):
# 1, the log alone; 2, with photos; 3, a log that uses map work — a program step marked
# "map" (the default program's first step is one), a map, a pin — which a Yoriai from
# before map work refuses event by event.
PLAIN_VERSION = 1
PHOTOS_VERSION = 2
MAP_VERSION = 3
MAP_EVENTS = frozenset({"MapAdded", "MapRemoved", "NotePlaced", "MapViewSet"})


def uses_map_work(events: Sequence[Event]) -> bool:
    """Whether the log holds anything a Yoriai from before map work does not know."""
    for e in events:
        if e.type in MAP_EVENTS or (e.type == "NotePosted" and "pin" in e.data):
            return True
        program = e.data.get("program") if e.type == "WorkshopCreated" else None
        if isinstance(program, dict) and any(
                isinstance(step, dict) and "map" in step for step in program.get("steps", [])):
            return True
    return False


def version_of(events: Sequence[Event], photos: Sequence[Mapping[str, str]]) -> int:
    if uses_map_work(events):
        return MAP_VERSION
    return PHOTOS_VERSION if photos else PLAIN_VERSION


class ArchiveError(ValueError):
    """An archive that cannot be imported; the message says why, for a person. When an
    event broke a command's rule, ``refusal`` is that rule's refusal (its words are in the
    message catalogues, which the caller may add)."""

    def __init__(self, message: str, refusal: Refusal | None = None) -> None:
        super().__init__(message)
        self.refusal = refusal


def canonical(events: Sequence[Event]) -> bytes:
    return json.dumps([e.to_json() for e in events], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), allow_nan=False).encode("utf-8")


def canonical_photos(photos: Sequence[Mapping[str, str]]) -> bytes:
    return json.dumps(list(photos), ensure_ascii=True, sort_keys=True,
                      separators=(",", ":")).encode("ascii")


def checksum(events: Sequence[Event], photos: Sequence[Mapping[str, str]] = ()) -> str:
    digest = hashlib.sha256(canonical(events))
    if photos:
        digest.update(b"\n" + canonical_photos(photos))
    return digest.hexdigest()


def carried(state: WorkshopState) -> list[str]:
    """The hashes of the image files an archive of ``state`` carries: its photos in the
    order they were added, then its map (once, should the same image be a photo too)."""
    hashes = list(state.photos)
    if state.map is not None and state.map.hash not in state.photos:
        hashes.append(state.map.hash)
    return hashes


def photo_entries(state: WorkshopState, photos: Mapping[str, bytes]) -> list[dict[str, str]]:
    """The workshop's photos and map whose bytes were given, photos first."""
    return [{"hash": h, "data": base64.b64encode(photos[h]).decode("ascii")}
            for h in carried(state) if h in photos]


def archive(state: WorkshopState, events: Sequence[Event], exported_at: str,
            photos: Mapping[str, bytes] | None = None) -> dict[str, Any]:
    if [e.seq for e in events] != list(range(1, len(events) + 1)) or len(events) != state.seq:
        raise ValueError("the archive needs the workshop's whole event log, in order")
    entries = photo_entries(state, photos or {})
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": version_of(events, entries),
        "workshop": {
            "code": state.code, "title": state.title, "center": state.center,
            "date": state.date, "meetings": [m.date for m in state.meetings],
            "seq": state.seq, "events": len(events), "exported_at": exported_at,
        },
        "events": [e.to_json() for e in events],
    }
    if entries:
        doc["photos"] = entries
    doc["checksum"] = {"algorithm": "sha256", "value": checksum(events, entries)}
    return doc


def render_archive(source: Source) -> bytes:
    if source.events is None:
        raise ValueError("the archive is made from the event log: pass the events")
    doc = archive(source.state, source.events, source.generated_at.isoformat(), source.photos)
    return (json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Archive:
    code: str
    title: str
    events: list[Event]
    state: WorkshopState  # the replayed workshop
    # The photos' bytes by hash, each checked against its hash (empty when none).
    photos: Mapping[str, bytes] = field(default_factory=dict)


def need(doc: dict[str, Any], key: str, kind: type) -> Any:
    value = doc.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ArchiveError(f"the archive is damaged: {key!r} is missing or not a {kind.__name__}")
    return value


class _NotANumber(ValueError):
    pass


def _constant(name: str) -> Any:
    raise _NotANumber(name)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: JSON has no infinity, Python would make one
        raise _NotANumber(text)
    return value


def parse(body: str) -> Any:
    """The JSON in ``body``, with NaN and infinities refused (JSON has neither, Python's
    reader accepts both) and nesting too deep for the reader refused, as ArchiveError."""
    try:
        return json.loads(body, parse_constant=_constant, parse_float=_number)
    except _NotANumber:
        raise ArchiveError("the archive is damaged: it holds NaN or an infinity where a "
                           "number should be") from None
    except RecursionError:
        raise ArchiveError("the archive is damaged: it is nested too deeply to be a "
                           "Yoriai archive") from None
    except json.JSONDecodeError as exc:
        # A file cut short fails at its very end, or inside a string that runs to the end.
        cut = exc.pos >= len(body.rstrip()) or exc.msg.startswith("Unterminated string")
        why = "it is truncated (it ends too early)" if cut else f"bad JSON at line {exc.lineno}"
        raise ArchiveError(f"the archive is damaged: {why}") from None


EVENT_KEYS = frozenset({"seq", "type", "data", "at", "actor"})


def event_of(raw: object) -> Event:
    """One event, every field of its own JSON type (``"1"`` is not a seq, ``true`` not a
    time), or ArchiveError."""
    if not isinstance(raw, dict) or set(raw) != EVENT_KEYS:
        raise ArchiveError("the archive is damaged: an event is malformed")
    seq, kind, data, at, actor = (raw[k] for k in ("seq", "type", "data", "at", "actor"))
    if (not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(kind, str)
            or not isinstance(data, dict) or not isinstance(at, int | float)
            or isinstance(at, bool) or not isinstance(actor, str)):
        raise ArchiveError("the archive is damaged: an event is malformed")
    return Event(seq=seq, type=kind, data=data, at=float(at), actor=actor)


def read_archive(raw: bytes) -> Archive:
    """The workshop in ``raw``, checked from end to end, or :class:`ArchiveError`.

    Beyond the checksum (which only shows accidental damage: an editor can seal a file
    again), every event is replayed through the command that would have recorded it
    (``facilitation/verify.py``): a file that live commands could not have made is refused
    whole, whatever its checksum says."""
    try:
        body = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArchiveError("this is not a Yoriai archive (not UTF-8 text)") from None
    doc = parse(body)
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
    if not is_workshop_code(code):
        raise ArchiveError(f"the archive is damaged: {code[:20]!r} is not a workshop code "
                           f"(4 to 16 letters a-z, A-Z and digits)")
    count = need(meta, "events", int)
    seq = need(meta, "seq", int)
    raw_events = need(doc, "events", list)
    summed = need(doc, "checksum", dict)
    if summed.get("algorithm") != "sha256" or not isinstance(summed.get("value"), str):
        raise ArchiveError("the archive is damaged: its checksum is missing")
    raw_photos = doc.get("photos", [])
    if not isinstance(raw_photos, list) or not all(
            isinstance(p, dict) and set(p) == {"hash", "data"}
            and isinstance(p["hash"], str) and isinstance(p["data"], str) for p in raw_photos):
        raise ArchiveError("the archive is damaged: its photos are malformed")
    if len(raw_events) != count:
        raise ArchiveError(f"the archive is truncated: it holds {len(raw_events)} of its "
                           f"{count} events")
    events = [event_of(r) for r in raw_events]
    try:
        summed_now = checksum(events, raw_photos)
    except UnicodeEncodeError:
        raise ArchiveError("the archive is damaged: it holds text that is not Unicode "
                           "(a lone surrogate)") from None
    except (ValueError, RecursionError):
        raise ArchiveError("the archive is damaged: an event is malformed") from None
    if summed_now != summed["value"]:
        raise ArchiveError("the archive is damaged: its events do not match its checksum"
                           if not raw_photos else
                           "the archive is damaged: its events and photos do not match its "
                           "checksum")
    if not events or events[0].type != "WorkshopCreated" or events[0].data.get("code") != code:
        raise ArchiveError("the archive is damaged: it does not start by creating its workshop")
    try:
        state = verified_replay(events)
    except Rejected as exc:
        raise ArchiveError(f"the archive is damaged: its events do not replay as Yoriai "
                           f"records them: {exc}", refusal=exc.refusal) from None
    if state.seq != seq or state.code != code:
        raise ArchiveError("the archive is damaged: its events do not make the workshop it "
                           "describes")
    return Archive(code=code, title=state.title, events=events, state=state,
                   photos=read_photos(raw_photos, state))


def read_photos(raw_photos: list[dict[str, str]], state: WorkshopState) -> dict[str, bytes]:
    """Each photo's bytes, checked: base64, hashing to its name, a photo the workshop holds
    (named by a ``PhotoAdded`` still in force) or its map, once, and a JPEG Pillow reads
    whole — what the upload would have stored. Any other is refused with the whole archive,
    and so is an archive whose workshop has a map but not its image (the pins would point
    at nothing), or whose map image is not the size its ``MapAdded`` says (the pins are
    places on that image)."""
    holds = set(carried(state))
    out: dict[str, bytes] = {}
    for entry in raw_photos:
        name = entry["hash"][:64]
        try:
            data = base64.b64decode(entry["data"], validate=True)
        except (binascii.Error, ValueError):
            raise ArchiveError(f"the archive is damaged: photo {name} is not base64") from None
        if hashlib.sha256(data).hexdigest() != entry["hash"]:
            raise ArchiveError(f"the archive is damaged: photo {name}'s bytes do not match "
                               f"its hash")
        if entry["hash"] not in holds or entry["hash"] in out:
            raise ArchiveError(f"the archive is damaged: photo {name} is not one of the "
                               f"workshop's photos")
        if not is_jpeg(data):
            raise ArchiveError(f"the archive is damaged: photo {name} is not a JPEG")
        out[entry["hash"]] = data
    current = state.map
    if current is not None:
        name = current.hash[:64]
        if current.hash not in out:
            raise ArchiveError(f"the archive is damaged: its workshop has a map "
                               f"({current.title or 'untitled'}, image {name}) but the "
                               f"archive does not carry that image")
        if jpeg_size(out[current.hash]) != (current.width, current.height):
            raise ArchiveError(f"the archive is damaged: the map image {name} is not "
                               f"{current.width} x {current.height} pixels, as its workshop "
                               f"records it")
    return out


def jpeg_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    return width, height


def is_jpeg(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "JPEG" or max(image.size) > PHOTO_SIDE_MAX_PX:
                return False
            image.load()
    except Exception:
        return False
    return True


# An upload stores at most 2,000 px on the longest side (server/limits.py); an archive's
# photo is allowed a little more, but never a decompression bomb.
PHOTO_SIDE_MAX_PX = 4000


EXPORTER = Exporter("json", "アーカイブ（JSON・別のパソコンへ移す）", "application/json", "json",
                    "archive", render_archive)
