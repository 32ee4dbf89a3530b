"""Map work (地図ワーク): the district's own map, and notes placed on it.

A workshop holds at most one map. Its image never enters the log: the server stores it in
the data folder under the SHA-256 of its (resized, EXIF-free) JPEG, as it stores photos,
and records ``add_map`` with that hash, a title and the stored image's size. A note's place
is a :class:`Pin` on a fixed grid over the image (``limits.MAP_GRID``); a participant gives
it with ``post_note``'s ``pin``, the facilitator moves or takes it off (``place_note``), and
chooses what the projector's map shows (``set_map_view``: which kinds, which area).

A pin is part of its note: it reaches exactly those who may see the note (``view.note_view``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import MODERATORS, Draft, clean_text, command, ref, whole_number
from .errors import Refusal
from .model import Actor, Area, Event, MapImage, NoteKind, Pin, WorkshopState, applies
from .photos import is_photo_hash
from .touch import Touch, touches
from .visibility import can_see_note

PIN_KEYS = frozenset({"x", "y"})
AREA_KEYS = frozenset({"x", "y", "w", "h"})


def _grid_int(value: object, low: int, high: int) -> bool:
    # A bool is an int in Python; ``true`` is not a place on the map.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def parse_pin(value: object) -> Pin:
    """``{"x": int, "y": int}`` on the grid, and nothing else, as a :class:`Pin`."""
    if (not isinstance(value, Mapping) or set(value) != PIN_KEYS
            or not all(_grid_int(value[k], 0, limits.MAP_GRID) for k in PIN_KEYS)):
        raise Refusal("bad_pin")
    return Pin(x=value["x"], y=value["y"])


def pin_data(pin: Pin | None) -> dict[str, int] | None:
    """A pin as events and views carry it."""
    return None if pin is None else {"x": pin.x, "y": pin.y}


def given_pin(state: WorkshopState, args: Mapping[str, Any]) -> Pin | None:
    """``post_note``'s optional ``pin`` (absent or null: the note has no place)."""
    raw = args.get("pin")
    if raw is None:
        return None
    if state.map is None:
        raise Refusal("no_map")
    return parse_pin(raw)


def the_map(state: WorkshopState) -> MapImage:
    if state.map is None:
        raise Refusal("no_map")
    return state.map


def parse_kinds(value: object) -> tuple[NoteKind, ...]:
    """A non-empty list of note kinds, each once, in the kinds' own order."""
    if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
        raise Refusal("bad_map_kinds")
    try:
        kinds = {NoteKind(k) for k in value}
    except ValueError:
        raise Refusal("bad_map_kinds") from None
    if len(kinds) != len(value):
        raise Refusal("bad_map_kinds")
    return tuple(k for k in NoteKind if k in kinds)


def parse_area(value: object) -> Area | None:
    """``{"x", "y", "w", "h"}`` on the grid, at least ``MAP_AREA_MIN`` a side and inside
    the map; null: the whole map."""
    if value is None:
        return None
    grid, least = limits.MAP_GRID, limits.MAP_AREA_MIN
    if (not isinstance(value, Mapping) or set(value) != AREA_KEYS
            or not all(_grid_int(value[k], 0, grid) for k in ("x", "y"))
            or not all(_grid_int(value[k], least, grid) for k in ("w", "h"))
            or value["x"] + value["w"] > grid or value["y"] + value["h"] > grid):
        raise Refusal("bad_map_area")
    return Area(x=value["x"], y=value["y"], w=value["w"], h=value["h"])


def area_data(area: Area | None) -> dict[str, int] | None:
    return None if area is None else {"x": area.x, "y": area.y, "w": area.w, "h": area.h}


def map_view(state: WorkshopState) -> dict[str, Any] | None:
    """The map as the workshop header carries it (public: the projector shows it)."""
    m = state.map
    if m is None:
        return None
    return {"hash": m.hash, "title": m.title, "width": m.width, "height": m.height,
            "kinds": [k.value for k in m.kinds], "area": area_data(m.area)}


# --- commands ----------------------------------------------------------------------------

@command("add_map", MODERATORS, takes=("hash", "title", "width", "height"))
def add_map(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Record the map the server has just stored (its HTTP upload sends this). The same
    map again changes nothing; another map replaces it only while no note is placed on it
    (a pin means a place on *that* image)."""
    value = args.get("hash")
    if not is_photo_hash(value):
        raise Refusal("bad_map")
    title = clean_text(args, "title", limits.MAP_TITLE_MAX_CHARS, empty_code="empty_title",
                       long_code="map_title_too_long", allow_empty=True)
    width = whole_number(args, "width", 1, limits.MAP_LONG_SIDE_PX)
    height = whole_number(args, "height", 1, limits.MAP_LONG_SIDE_PX)
    if state.map is not None:
        if state.map.hash == value:
            return []
        if any(n.pin is not None for n in state.notes.values()):
            raise Refusal("map_in_use")
    return [("MapAdded", {"hash": value, "title": title, "width": width, "height": height})]


@command("remove_map", MODERATORS)
def remove_map(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Take the map away: every note loses its place (the notes stay on the board)."""
    the_map(state)
    return [("MapRemoved", {})]


@command("place_note", MODERATORS, takes=("note_id", "pin"))
def place_note(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """Move a note's pin, or (``pin`` null) take it off the map."""
    # A note the sender may not see is, to them, one that does not exist (as notes.py's
    # ``seen_note``, which imports this module for post_note's pin).
    note_id = ref(args, "note_id", state.notes, "unknown_note")
    if not can_see_note(state, state.notes[note_id], actor):
        raise Refusal("unknown_note")
    the_map(state)
    if "pin" not in args:
        raise Refusal("bad_pin")
    raw = args["pin"]
    pin = None if raw is None else parse_pin(raw)
    if pin == state.notes[note_id].pin:
        return []
    return [("NotePlaced", {"note_id": note_id, "pin": pin_data(pin)})]


@command("set_map_view", MODERATORS, takes=("kinds", "area"))
def set_map_view(state: WorkshopState, actor: Actor,
                 args: Mapping[str, Any]) -> list[Draft]:
    """What the projector's map shows: the kinds of note, and the area it is focused on.
    Only what is given changes."""
    current = the_map(state)
    kinds = parse_kinds(args["kinds"]) if "kinds" in args else current.kinds
    area = parse_area(args["area"]) if "area" in args else current.area
    if (kinds, area) == (current.kinds, current.area):
        return []
    return [("MapViewSet", {"kinds": [k.value for k in kinds], "area": area_data(area)})]


# --- events ------------------------------------------------------------------------------

def _pinned(data: dict[str, Any], before: WorkshopState) -> Touch:
    """The header, and every note that had a place (it loses it)."""
    touch = Touch(workshop=True)
    pinned = [n.id for n in before.notes.values() if n.pin is not None]
    return touch.add("notes", *pinned) if pinned else touch


@applies("MapAdded", made_by="add_map", touches=touches(header=True))
def _added(state: WorkshopState, e: Event) -> None:
    d = e.data
    # A new map starts with the whole of it shown, every kind.
    state.map = MapImage(hash=d["hash"], title=d["title"], width=int(d["width"]),
                         height=int(d["height"]), meeting=state.meeting)


@applies("MapRemoved", made_by="remove_map", touches=_pinned)
def _removed(state: WorkshopState, e: Event) -> None:
    state.map = None
    for note in state.notes.values():
        note.pin = None


@applies("NotePlaced", made_by="place_note", touches=touches(notes="note_id"))
def _placed(state: WorkshopState, e: Event) -> None:
    raw = e.data["pin"]
    state.notes[e.data["note_id"]].pin = None if raw is None else Pin(x=raw["x"], y=raw["y"])


@applies("MapViewSet", made_by="set_map_view", touches=touches(header=True))
def _view_set(state: WorkshopState, e: Event) -> None:
    assert state.map is not None
    raw = e.data["area"]
    state.map.kinds = tuple(NoteKind(k) for k in e.data["kinds"])
    state.map.area = None if raw is None else Area(**raw)
