"""The board's picture fit for a black-and-white 会報: the app's colours, an icon per kind
that survives greyscale, Japanese line breaking, and a PNG beside the SVG."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import Path

import regex
from PIL import Image

from yoriai.exports.registry import render
from yoriai.exports.source import Source
from yoriai.facilitation.model import FACILITATOR

from .conftest import Evening
from .helpers import GENERATED_AT, SVG, Workshop, svg_root

ROOT = Path(__file__).resolve().parents[2]
APP_CSS = ROOT / "yoriai" / "client" / "static" / "css" / "app.css"
SMALL_KANA = "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
NO_START = SMALL_KANA + "、。，．」』）】ー？！・"
# Two greys a reader tells apart on newsprint: a step of 0.2 in relative luminance.
LUMINANCE_STEP = 0.2


def css_colour(name: str) -> str:
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}});", APP_CSS.read_text("utf-8"))
    assert found, name
    return found.group(1).lower()


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def notes_of(root: object) -> dict[str, list[object]]:
    out: dict[str, list[object]] = defaultdict(list)
    for g in root.iter(f"{SVG}g"):  # type: ignore[attr-defined]
        cls = (g.get("class") or "").split()
        if cls[:1] == ["note"]:
            out[cls[1]].append(g)
    return out


def test_kinds_wear_the_app_s_colours(outputs: dict[str, bytes]) -> None:
    """One source: the board's inks and papers are the stylesheet's --charm, --charm-bg …"""
    for kind, g_list in notes_of(svg_root(outputs["svg"])).items():
        rects = g_list[0].findall(f"{SVG}rect")  # type: ignore[attr-defined]
        assert rects[0].get("fill") == css_colour(f"{kind}-bg")
        assert rects[0].get("stroke") == css_colour(kind)
        assert rects[1].get("fill") == css_colour(kind)  # the bar down its left side


def test_kinds_differ_in_greyscale_by_luminance_or_by_icon(outputs: dict[str, bytes]) -> None:
    """On a grey page the pale papers look alike, so each kind must differ from every other
    by a luminance step or by the shape it carries."""
    notes = notes_of(svg_root(outputs["svg"]))
    assert set(notes) == {"charm", "issue", "wish"}
    look = {}
    for kind, gs in notes.items():
        shapes = set()
        for g in gs:
            polygons = g.findall(f"{SVG}polygon")  # type: ignore[attr-defined]
            assert polygons, kind  # every note carries its icon
            # The icon's outline, relative to its first point (same shape, any place).
            pts = [tuple(map(float, p.split(","))) for p in polygons[0].get("points").split()]
            x0, y0 = pts[0]
            shapes.add((len(pts), tuple((round(x - x0), round(y - y0)) for x, y in pts),
                        len(g.findall(f"{SVG}rect"))))  # type: ignore[attr-defined]
        assert len(shapes) == 1, kind  # one kind, one icon
        paper = gs[0].find(f"{SVG}rect").get("fill")  # type: ignore[attr-defined]
        look[kind] = (shapes.pop(), luminance(paper))
    kinds = sorted(look)
    for i, a in enumerate(kinds):
        for b in kinds[i + 1:]:
            (icon_a, lum_a), (icon_b, lum_b) = look[a], look[b]
            assert icon_a != icon_b or abs(lum_a - lum_b) >= LUMINANCE_STEP, (a, b)


def rendered_lines(data: bytes) -> list[tuple[str, list[str]]]:
    """Each multi-line text of the picture: its whole text and its lines as drawn."""
    out = []
    for t in svg_root(data).iter(f"{SVG}text"):
        spans = [s.text or "" for s in t.findall(f"{SVG}tspan")]
        out.append(("".join(t.itertext()), spans or [t.text or ""]))
    return out


def assert_kinsoku(data: bytes) -> int:
    checked = 0
    for whole, lines in rendered_lines(data):
        for i, line in enumerate(lines):
            if i:
                assert line[:1] not in NO_START, (whole, lines)
            if len(regex.findall(r"\X", whole.replace(" ", ""))) >= 2:
                assert len(regex.findall(r"\X", line)) >= 2, (whole, lines)
        checked += len(lines) > 1
    return checked


def test_no_line_on_the_board_starts_with_a_closing_mark_or_stands_alone(
        outputs: dict[str, bytes]) -> None:
    assert assert_kinsoku(outputs["svg"]) > 5  # the sample has notes on several lines


def test_line_breaking_of_words_made_to_break_badly() -> None:
    w = Workshop(title="地域の未来をみんなで考えるまちづくりワークショップ、はじめます。")
    who = w.join("x")
    for words in ["通り沿いの空き家が増えてきて、夜になるととても暗いのでちょっと心配。",
                  "「ワークショップ」をもっとやってほしいっ！",
                  "雪寄せボランティアのグループ（小学生・中学生・高校生）をつくりたいです。",
                  "ああああああああああああああああああああああああああああああああああ。"]:
        w.by(who, "post_note", {"kind": "wish", "text": words})
    w.run(FACILITATOR, "create_theme", {"title": "ちいさなワークショップ"})
    data = render("svg", Source(w.state, GENERATED_AT))
    assert assert_kinsoku(data) >= 3


def test_png_is_the_same_picture(evening: Evening, outputs: dict[str, bytes]) -> None:
    """The PNG is drawn from the SVG's shapes: the same proportions, every kind's ink."""
    png = Image.open(io.BytesIO(outputs["png"]))
    assert png.format == "PNG" and png.mode == "RGB"
    root = svg_root(outputs["svg"])
    width, height = float(root.get("width") or 0), float(root.get("height") or 0)
    assert abs(png.width / png.height - width / height) < 0.01
    assert png.width >= width  # at least as sharp as the SVG at 100 %
    colours = {c for _, c in png.getcolors(maxcolors=1 << 20) or []}
    for kind in ("charm", "issue", "wish"):
        ink = tuple(int(css_colour(kind)[i:i + 2], 16) for i in (1, 3, 5))
        assert ink in colours, kind
    # Dark pixels (text) in the title band: the title is drawn, not missing glyphs.
    band = png.convert("L").crop((0, 0, png.width, png.height // 20))
    assert sum(band.histogram()[:100]) > 1000
