"""An evening of map work (地図ワーク), made through the domain's real commands: a map
(a JPEG made here, as the upload stores one) and notes placed on it — of every kind, two
so close that they share a label, two on the map's very corners, one hidden by the
facilitator, one still private to its author, one posted without a place, one by 代理入力.

Every map export test reads this evening back; texts no other note holds mark the notes
that must never be printed."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from yoriai.exports.source import Source
from yoriai.facilitation.model import FACILITATOR

from .helpers import GENERATED_AT, Workshop

MAP_SIZE = (1200, 800)
MAP_TITLE = "西部地区 全図"
PAPER = (236, 232, 220)  # the map's pale background: no kind's colour is near it
HIDDEN_TEXT = "隠された落書きメモ"
PRIVATE_TEXT = "まだ非公開の思いメモ"
# (kind, text, x, y) on the grid; the first two are near each other (one cluster).
PLACED = [
    ("issue", "駅前の交差点は横断歩道が短くて危ない", 2500, 3000),
    ("issue", "駅前の歩道に雪が残る", 2560, 3040),
    ("charm", "川沿いの桜並木がきれい", 7000, 1500),
    ("wish", "公民館で子ども食堂を開きたい", 5000, 6000),
    ("charm", "左上の角にある古い神社", 0, 0),
    ("wish", "右下の角の空き地を畑に", 10000, 10000),
]
PROXY_TEXT = "バス停にベンチがほしい（紙の地図から）"
PROXY_PLACE = (8000, 8000)
UNPLACED_TEXT = "場所を選ばずに貼った付箋"


def map_jpeg(size: tuple[int, int] = MAP_SIZE) -> bytes:
    """A district map of sorts: pale paper with grey streets."""
    image = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(image)
    for i in range(1, 6):
        draw.line((0, size[1] * i // 6, size[0], size[1] * i // 6), fill=(170, 170, 170),
                  width=6)
        draw.line((size[0] * i // 6, 0, size[0] * i // 6, size[1]), fill=(170, 170, 170),
                  width=6)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class MapEvening:
    w: Workshop
    image: bytes
    notes: dict[str, str] = field(default_factory=dict)  # text → note id

    @property
    def hash(self) -> str:
        return sha(self.image)

    def source(self, with_image: bool = True) -> Source:
        return Source(self.w.state, GENERATED_AT, tuple(self.w.log),
                      photos={self.hash: self.image} if with_image else {})


def pin(x: int, y: int) -> dict[str, int]:
    return {"x": x, "y": y}


def map_evening(size: tuple[int, int] = MAP_SIZE, code: str = "map1") -> MapEvening:
    w = Workshop(code=code, title="地図で話す会")
    image = map_jpeg(size)
    ev = MapEvening(w, image)
    w.run(FACILITATOR, "add_map", {"hash": ev.hash, "title": MAP_TITLE, "width": size[0],
                                   "height": size[1]})
    people = [w.join(f"参加者{i}") for i in range(3)]
    proxy = w.join("紙の地図の方", proxy=True)
    for i, (kind, text, x, y) in enumerate(PLACED):
        got = w.by(people[i % 3], "post_note", {"kind": kind, "text": text, "pin": pin(x, y)})
        ev.notes[text] = got["note_id"]
    got = w.by(proxy, "post_note", {"kind": "wish", "text": PROXY_TEXT, "pin": pin(*PROXY_PLACE)})
    ev.notes[PROXY_TEXT] = got["note_id"]
    got = w.by(people[0], "post_note", {"kind": "charm", "text": UNPLACED_TEXT})
    ev.notes[UNPLACED_TEXT] = got["note_id"]
    got = w.by(people[1], "post_note", {"kind": "issue", "text": HIDDEN_TEXT,
                                        "pin": pin(4000, 4000)})
    w.run(FACILITATOR, "hide_note", {"note_id": got["note_id"]})
    ev.notes[HIDDEN_TEXT] = got["note_id"]
    w.run(FACILITATOR, "set_private_notes", {"private": True})
    got = w.by(people[2], "post_note", {"kind": "wish", "text": PRIVATE_TEXT,
                                        "pin": pin(6000, 4000)})
    ev.notes[PRIVATE_TEXT] = got["note_id"]
    w.run(FACILITATOR, "set_private_notes", {"private": False})
    return ev


def published_places() -> list[tuple[str, str, int, int]]:
    """(kind, text, x, y) of every note the map must show."""
    return [*PLACED, ("wish", PROXY_TEXT, *PROXY_PLACE)]
