"""The demo's district map (``yoriai demo --map``): a made-up 地区 drawn here — streets, a
river, the station, the school, the community centre, a park, vacant houses — and where
the sample evening's notes would be pinned on it.

A real evening's map is the city's own (an image or a PDF page the facilitator uploads).
The demo cannot ship one (they are the city's, and nothing is fetched from the internet),
so it draws a plain one with Pillow and the bundled Japanese font. Each note whose words
name a place on it (空き家, 交差点, バス停 …) gets a pin near that place; the others stay
「場所なし」, as on a real evening where not every thought has a spot.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFont

from yoriai.exports.drawing import FONT_FILE
from yoriai.facilitation import limits

# Drawn at the size a city PDF is rendered to (the long side MAP_LONG_SIDE_PX), so the demo
# map is what a real one would be on the phones and the projector.
WIDTH, HEIGHT = limits.MAP_LONG_SIDE_PX, limits.MAP_LONG_SIDE_PX * 7 // 10
TITLE = "中通り地区 まちの地図（デモ）"
GRID = limits.MAP_GRID

GROUND = (241, 237, 226)
STREET = (255, 255, 255)
MAIN_ROAD = (250, 214, 130)
WATER = (150, 196, 232)
GREEN = (190, 222, 170)
FIELD = (226, 232, 190)
BUILDING = (215, 205, 190)
INK = (60, 60, 60)
# Pins of a place spread this far (grid units) around it, so that a place many notes name
# shows a cluster on the projector rather than one pin on top of another.
SPREAD = 260


class Landmark(NamedTuple):
    label: str
    x: int  # on the map grid (0..MAP_GRID)
    y: int
    colour: tuple[int, int, int]


LANDMARKS: dict[str, Landmark] = {
    "station": Landmark("駅", 7600, 1250, (200, 200, 210)),
    "school": Landmark("小学校（避難所）", 1800, 2300, (236, 210, 200)),
    "centre": Landmark("市民サービスセンター", 4700, 4500, (230, 150, 140)),
    "crossing": Landmark("交差点", 4500, 3600, MAIN_ROAD),
    "shops": Landmark("商店街", 6300, 3250, (245, 190, 150)),
    "bus_west": Landmark("バス停", 3000, 3400, (120, 160, 220)),
    "bus_east": Landmark("バス停", 7200, 3950, (120, 160, 220)),
    "park": Landmark("公園", 6500, 6100, GREEN),
    "vacant": Landmark("空き家が多い一角", 2100, 5600, BUILDING),
    "vacant_lot": Landmark("空き地", 3000, 6500, FIELD),
    "riverside": Landmark("河川敷・土手", 5200, 7900, GREEN),
    "cherry": Landmark("桜並木", 2600, 7500, (240, 200, 215)),
    "shrine": Landmark("神社", 8700, 8200, (220, 120, 100)),
    "paddies": Landmark("田んぼ", 1100, 9100, FIELD),
    "spa": Landmark("温泉", 9100, 2400, (240, 220, 170)),
    "library": Landmark("図書館", 5600, 5200, (200, 210, 230)),
    "post": Landmark("郵便局", 5600, 2700, (230, 170, 170)),
    "school_road": Landmark("通学路", 1800, 3000, MAIN_ROAD),
}

# The words that put a note at a place, first match wins (more particular words first:
# 空き店舗 is the shops, not the vacant houses).
PLACE_WORDS: tuple[tuple[str, str], ...] = (
    ("空き店舗|店|買い物|和菓子|移動販売", "shops"),
    ("空き家", "vacant"),
    ("空き地|草が伸び", "vacant_lot"),
    ("公園|遊具", "park"),
    ("河川敷|土手|夕日", "riverside"),
    ("桜", "cherry"),
    ("通学路|登下校|街灯", "school_road"),
    ("交差点|スピード", "crossing"),
    ("バス", "bus_west"),
    ("駅", "station"),
    ("小学校|避難所", "school"),
    ("神社|まつり|お祭り|竿燈", "shrine"),
    ("田んぼ", "paddies"),
    ("温泉", "spa"),
    ("図書館", "library"),
    ("郵便局", "post"),
    ("センター|公民館|サロン|駐車場|ラジオ体操", "centre"),
)
_PLACES = [(re.compile(words), place) for words, place in PLACE_WORDS]


def pin_for(text: str) -> dict[str, int] | None:
    """Where the demo pins a note with this text: near the first place its words name
    (spread by a hash of the text, so the same note always lands on the same spot), or
    None for a note that names no place."""
    place = next((p for pattern, p in _PLACES if pattern.search(text)), None)
    if place is None:
        return None
    mark = LANDMARKS[place]
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    dx = digest[0] * 2 * SPREAD // 255 - SPREAD
    dy = digest[1] * 2 * SPREAD // 255 - SPREAD
    return {"x": min(GRID, max(0, mark.x + dx)), "y": min(GRID, max(0, mark.y + dy))}


def _px(x: int, y: int) -> tuple[int, int]:
    return x * WIDTH // GRID, y * HEIGHT // GRID


def draw_map() -> bytes:
    """The demo district map as a PNG (the upload path turns it into the stored JPEG)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), GROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_FILE), 30)
    title_font = ImageFont.truetype(str(FONT_FILE), 44)
    # Fields and green first, then water, streets, the main roads and the railway on top.
    draw.rectangle([0, HEIGHT * 85 // 100, WIDTH * 30 // 100, HEIGHT], fill=FIELD)
    for col in range(0, WIDTH, 150):
        draw.line([(col, 0), (col, HEIGHT)], fill=STREET, width=10)
    for row in range(0, HEIGHT, 140):
        draw.line([(0, row), (WIDTH, row)], fill=STREET, width=10)
    river = [(0, HEIGHT * 80 // 100), (WIDTH * 35 // 100, HEIGHT * 74 // 100),
             (WIDTH * 65 // 100, HEIGHT * 80 // 100), (WIDTH, HEIGHT * 72 // 100)]
    draw.line([(x, y + 45) for x, y in river], fill=GREEN, width=70)  # the riverbank
    draw.line(river, fill=WATER, width=60)
    draw.text((WIDTH * 52 // 100, HEIGHT * 71 // 100), "旭川", font=font, fill=(40, 90, 150))
    road_y = HEIGHT * 36 // 100
    draw.line([(0, road_y), (WIDTH, road_y)], fill=MAIN_ROAD, width=34)
    draw.line([(WIDTH * 45 // 100, 0), (WIDTH * 45 // 100, HEIGHT)], fill=MAIN_ROAD,
              width=34)
    draw.text((40, road_y - 60), "県道", font=font, fill=INK)
    rail_y = HEIGHT * 12 // 100
    draw.line([(0, rail_y), (WIDTH, rail_y)], fill=INK, width=12)
    for x in range(0, WIDTH, 80):
        draw.line([(x, rail_y), (x + 40, rail_y)], fill=STREET, width=6)
    for mark in LANDMARKS.values():
        cx, cy = _px(mark.x, mark.y)
        if mark.label in ("交差点", "通学路", "バス停"):
            draw.ellipse([cx - 16, cy - 16, cx + 16, cy + 16], fill=mark.colour, outline=INK,
                         width=3)
        else:
            draw.rectangle([cx - 70, cy - 45, cx + 70, cy + 45], fill=mark.colour,
                           outline=INK, width=3)
        left, top, right, bottom = draw.textbbox((0, 0), mark.label, font=font)
        tx, ty = cx - (right - left) // 2, cy + 52
        draw.rectangle([tx - 6, ty - 2, tx + right - left + 6, ty + bottom - top + 12],
                       fill=(255, 255, 255))
        draw.text((tx, ty), mark.label, font=font, fill=INK)
    draw.rectangle([20, 20, 40 + draw.textlength(TITLE, font=title_font) + 20, 100],
                   fill=(255, 255, 255), outline=INK, width=3)
    draw.text((40, 32), TITLE, font=title_font, fill=INK)
    # North, top right: a city map always says which way is up.
    nx, ny = WIDTH - 90, 150
    draw.polygon([(nx, ny - 70), (nx - 26, ny), (nx + 26, ny)], fill=INK)
    draw.text((nx - 10, ny + 8), "N", font=font, fill=INK)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
