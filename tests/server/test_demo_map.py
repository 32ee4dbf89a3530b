"""``yoriai demo --map``: the demo with its drawn district map, and the sample's notes that
name a place pinned near it — through the real command path, the map's file kept as an
upload keeps it."""

from __future__ import annotations

import asyncio
import io
import math
from pathlib import Path

from PIL import Image

from yoriai.facilitation.model import replay
from yoriai.server import demo_map
from yoriai.server.cli import read_events

from .serverproc import yoriai


def test_a_note_naming_a_place_is_pinned_near_it_and_always_at_the_same_spot() -> None:
    pin = demo_map.pin_for("通り沿いの空き家が増えて暗い")
    assert pin == demo_map.pin_for("通り沿いの空き家が増えて暗い")
    vacant = demo_map.LANDMARKS["vacant"]
    assert pin is not None
    assert abs(pin["x"] - vacant.x) <= demo_map.SPREAD
    assert abs(pin["y"] - vacant.y) <= demo_map.SPREAD
    # The more particular word wins: an empty shop is in the shopping street.
    shop = demo_map.pin_for("空き店舗でチャレンジショップ")
    shops = demo_map.LANDMARKS["shops"]
    assert shop is not None and math.dist((shop["x"], shop["y"]), (shops.x, shops.y)) < (
        demo_map.SPREAD * 1.5)
    assert demo_map.pin_for("会議が平日の昼ばかり") is None


def test_the_demo_map_is_a_picture_of_the_size_a_city_map_is_kept_at() -> None:
    with Image.open(io.BytesIO(demo_map.draw_map())) as image:
        assert image.format == "PNG"
        assert image.size == (demo_map.WIDTH, demo_map.HEIGHT)
        # The vacant houses' box is drawn where their pins go.
        x, y = demo_map.LANDMARKS["vacant"].x, demo_map.LANDMARKS["vacant"].y
        px = image.convert("RGB").getpixel((x * demo_map.WIDTH // demo_map.GRID,
                                            y * demo_map.HEIGHT // demo_map.GRID))
        assert px == demo_map.BUILDING


def test_yoriai_demo_map_pins_the_notes_that_name_a_place(tmp_path: Path) -> None:
    made = yoriai("demo", "--map", "--data", str(tmp_path))
    assert made.returncode == 0, made.stderr
    state = replay(asyncio.run(read_events(tmp_path, made.stdout.split()[-1])))
    assert state.map is not None and state.map.title == demo_map.TITLE
    stored = tmp_path / "photos" / f"{state.map.hash}.jpg"
    with Image.open(stored) as image:
        assert image.size == (state.map.width, state.map.height)
    assert len(state.notes) == 120
    pinned = [n for n in state.notes.values() if n.pin is not None]
    expected = [n for n in state.notes.values() if demo_map.pin_for(n.text) is not None]
    assert len(pinned) == len(expected) >= 30
    for note in pinned:
        assert note.pin is not None
        assert {"x": note.pin.x, "y": note.pin.y} == demo_map.pin_for(note.text)
