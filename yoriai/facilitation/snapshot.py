"""A workshop's state as plain JSON and back, so that a restart need not replay every
event: the server keeps a snapshot every so often and replays only what came after it.

A snapshot is a cache, never the truth: the event log is. A snapshot of another version,
or one that cannot be read, is ignored and the log is replayed from the start.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from .model import (
    Action,
    Area,
    Form,
    MapImage,
    Meeting,
    Newsletter,
    Note,
    NoteKind,
    Participant,
    Photo,
    Pin,
    Proposal,
    Review,
    ReviewColumn,
    Settings,
    Status,
    Table,
    Theme,
    Timer,
    Wifi,
    WorkshopState,
)
from .program import program_from_dict

# Raise when the state's shape changes: older snapshots are then ignored, not misread.
SNAPSHOT_VERSION = 1


class SnapshotError(ValueError):
    """This snapshot cannot be used (another version, or damaged)."""


# What JSON holds as it is: the leaves of the state, most of what ``_plain`` is given.
_LEAVES = frozenset({str, int, float, bool, type(None)})
# Each dataclass's field names, looked up once: the server snapshots a room of a thousand
# people and notes on its event loop, and ``fields()`` anew for each of them was most of
# the time it held the loop.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _LEAVES:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def dump(state: WorkshopState) -> dict[str, Any]:
    # The server's default Wi-Fi is its setting, not the workshop's: never kept with it.
    body = {f.name: _plain(getattr(state, f.name)) for f in fields(state)
            if f.name not in ("program", "default_wifi")}
    body["program"] = state.program.to_dict()
    return {"version": SNAPSHOT_VERSION, "state": body}


def _note(v: dict[str, Any]) -> Note:
    # A note from before map work has no pin.
    pin = v.get("pin")
    return Note(**{**v, "kind": NoteKind(v["kind"]),
                   "pin": Pin(**pin) if pin is not None else None})


def _map(v: dict[str, Any]) -> MapImage:
    area = v.get("area")
    return MapImage(**{**v, "kinds": tuple(NoteKind(k) for k in v["kinds"]),
                       "area": Area(**area) if area is not None else None})


def load(raw: Any) -> WorkshopState:
    if not isinstance(raw, dict) or raw.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError("not a snapshot of this version")
    try:
        s = raw["state"]
        return WorkshopState(
            code=s["code"], title=s["title"], center=s["center"], date=s["date"],
            created_at=s["created_at"], program=program_from_dict(s["program"]),
            step=s["step"], seq=s["seq"], settings=Settings(**s["settings"]),
            locked=s["locked"], focus=s["focus"], timer=Timer(**s["timer"]),
            # A snapshot from before the join view had none shown (and is still good).
            join_view=bool(s.get("join_view", False)),
            # A snapshot from before set_wifi had no Wi-Fi of its own.
            wifi=Wifi(**s["wifi"]) if s.get("wifi") else None,
            cofacilitators=list(s["cofacilitators"]),
            meetings=[Meeting(**m) for m in s["meetings"]],
            participants={k: Participant(**v) for k, v in s["participants"].items()},
            notes={k: _note(v) for k, v in s["notes"].items()},
            votes={p: dict(v) for p, v in s["votes"].items()},
            themes={k: Theme(**v) for k, v in s["themes"].items()},
            proposals={k: Proposal(**v) for k, v in s["proposals"].items()},
            actions={k: Action(**{**v, "form": Form(v["form"]), "status": Status(v["status"])})
                     for k, v in s["actions"].items()},
            reviews={k: Review(**{**v, "column": ReviewColumn(v["column"])})
                     for k, v in s["reviews"].items()},
            # A snapshot from before photos had none.
            photos={k: Photo(**v) for k, v in s.get("photos", {}).items()},
            # A snapshot from before the newsletter page had none of its facts.
            newsletter=Newsletter(**s.get("newsletter", {})),
            # A snapshot from before tables had none (nor a round or seatings).
            tables={k: Table(**v) for k, v in s.get("tables", {}).items()},
            round=int(s.get("round", 0)),
            seatings=[dict(seating) for seating in s.get("seatings", [])],
            # A snapshot from before map work had no map.
            map=_map(s["map"]) if s.get("map") else None,
            made=dict(s["made"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SnapshotError(f"damaged snapshot: {exc}") from exc
