"""Pictures the exporter draws (the board, the participation chart) as a few shapes, and
those shapes as SVG, as PNG (Pillow) and as a vector drawing inside the PDF (reportlab).

One list of shapes, three painters: the picture in the newsletter page, in the PDF and in
the Word file is the same picture. Shapes are the plainest kinds every painter has —
rectangles, lines, polygons and lines of text on a baseline — so that hatching and icons
are made of them here, not of one painter's patterns.
"""

from __future__ import annotations

import base64
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from yoriai import package_path
from yoriai.facilitation.model import NoteKind

from . import text as words

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage
    from reportlab.graphics.shapes import Drawing

SVG_NS = "http://www.w3.org/2000/svg"
# An image inside an SVG is named by ``xlink:href``: SVG 1.1's attribute, which Inkscape,
# Illustrator and every browser read (SVG 2's plain ``href`` is not read by all of them).
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("xlink", XLINK_NS)
APP_CSS = package_path("yoriai.client", "static", "css", "app.css")
FONT_FILE = package_path("yoriai.exports", "fonts", "ipaexg.ttf")
SVG_FONTS = ("'Hiragino Kaku Gothic ProN', 'Hiragino Sans', 'Yu Gothic', 'YuGothic', "
             "'Meiryo', 'Noto Sans CJK JP', 'IPAexGothic', sans-serif")
Point = tuple[float, float]
Anchor = Literal["start", "middle", "end"]
ANCHORS: dict[str, Anchor] = {"start": "start", "middle": "middle", "end": "end"}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 1.0
    radius: float = 0.0


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1.0


@dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]
    fill: str


@dataclass(frozen=True)
class Text:
    """Lines of text; ``y`` is the first line's baseline, ``step`` the line pitch."""

    x: float
    y: float
    lines: tuple[str, ...]
    size: float
    fill: str = "#1f1f1f"
    step: float = 0.0
    bold: bool = False
    anchor: str = "start"  # start, middle or end
    cls: str = ""


@dataclass(frozen=True)
class Raster:
    """A JPEG stretched over a box (the map under its pins). SVG carries it as a data: URI
    and PNG draws it scaled; the PDF places the JPEG itself under the drawing
    (:mod:`~exports.maps`), so :func:`reportlab_drawing` leaves it out."""

    x: float
    y: float
    w: float
    h: float
    data: bytes = field(repr=False)


@dataclass
class Group:
    """Shapes that belong together (a note, a theme): a ``<g class>`` with a ``<title>``
    in SVG, so a reader (and a test) finds what each part is."""

    cls: str = ""
    title: str = ""
    items: list[Shape] = field(default_factory=list)

    def add(self, *shapes: Shape) -> None:
        self.items.extend(shapes)


Shape = Rect | Line | Polygon | Text | Raster | Group


@dataclass
class Picture:
    width: float
    height: float
    title: str
    items: list[Shape] = field(default_factory=list)

    def add(self, *shapes: Shape) -> None:
        self.items.extend(shapes)


def flat(items: list[Shape]) -> Iterator[Rect | Line | Polygon | Text | Raster]:
    for item in items:
        if isinstance(item, Group):
            yield from flat(item.items)
        else:
            yield item


@cache
def kind_colours() -> dict[NoteKind, tuple[str, str]]:
    """Each kind's (ink, paper) colours from the app's stylesheet (``--charm`` and
    ``--charm-bg`` …): the board and the map's pins print in the colours the room saw."""
    css = APP_CSS.read_text("utf-8")
    out = {}
    for kind in NoteKind:
        found = []
        for name in (kind.value, f"{kind.value}-bg"):
            m = re.search(rf"--{re.escape(name)}\s*:\s*(#[0-9a-fA-F]{{3,8}})\s*;", css)
            if m is None:
                raise LookupError(f"app.css defines no --{name} colour")
            found.append(m.group(1).lower())
        out[kind] = (found[0], found[1])
    return out


# --- made of shapes: hatching and icons -----------------------------------------------------

def hatch(x: float, y: float, w: float, h: float, pitch: float, colour: str,
          width: float = 1.0, *, rising: bool = True) -> list[Line]:
    """Diagonal lines at 45° filling a rectangle (a pattern that survives greyscale)."""
    out = []
    c = pitch / 2
    while c < w + h:
        # The line x' - y' = c - h (rising) or x' + y' = c, clipped to the rectangle.
        if rising:
            x1, y1 = max(0.0, c - h), min(h, c)
            x2, y2 = min(w, c), max(0.0, c - w)
            out.append(Line(x + x1, y + y1, x + x2, y + y2, colour, width))
        else:
            x1, y1 = max(0.0, c - h), max(0.0, h - c)
            x2, y2 = min(w, c), min(h, h - c + w)
            out.append(Line(x + x1, y + y1, x + x2, y + y2, colour, width))
        c += pitch
    return out


def star(cx: float, cy: float, r: float) -> tuple[Point, ...]:
    pts = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.42
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    return tuple(pts)


def triangle(cx: float, cy: float, r: float) -> tuple[Point, ...]:
    return ((cx, cy - r), (cx + r * 1.05, cy + r * 0.85), (cx - r * 1.05, cy + r * 0.85))


def heart(cx: float, cy: float, r: float, points: int = 40) -> tuple[Point, ...]:
    pts = []
    for i in range(points):
        t = 2 * math.pi * i / points
        hx = 16 * math.sin(t) ** 3
        hy = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        pts.append((cx + hx * r / 16, cy - hy * r / 16 - r * 0.1))
    return tuple(pts)


def icon(kind: str, cx: float, cy: float, r: float, colour: str, *, detail: int = 40
         ) -> list[Shape]:
    """The app's icon for a note's kind (a star for 魅力, a warning triangle for 課題, a
    heart for 思い): kinds differ by shape, not only by a colour a grey page loses.
    ``detail``: the heart's points (a map's small pins need fewer)."""
    if kind == "charm":
        return [Polygon(star(cx, cy, r), colour)]
    if kind == "issue":
        # The triangle with its 「!」 cut out in white.
        return [Polygon(triangle(cx, cy, r), colour),
                Rect(cx - r * 0.1, cy - r * 0.45, r * 0.2, r * 0.7, fill="#ffffff"),
                Rect(cx - r * 0.1, cy + r * 0.38, r * 0.2, r * 0.2, fill="#ffffff")]
    return [Polygon(heart(cx, cy, r, detail), colour)]


# --- SVG --------------------------------------------------------------------------------------

def _sub(parent: ET.Element, tag: str, body: str | None = None, /, **attrs: object
         ) -> ET.Element:
    el = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): _num(v)
                                     for k, v in attrs.items() if v is not None})
    if body is not None:
        el.text = body
    return el


def _num(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return str(v)


def _svg_items(parent: ET.Element, items: list[Shape]) -> None:
    for item in items:
        if isinstance(item, Group):
            g = _sub(parent, "g", class_=item.cls or None)
            if item.title:
                _sub(g, "title", words.xml_safe(item.title))
            _svg_items(g, item.items)
        elif isinstance(item, Rect):
            _sub(parent, "rect", x=item.x, y=item.y, width=item.w, height=item.h,
                 rx=item.radius or None, fill=item.fill or "none", stroke=item.stroke,
                 stroke_width=item.stroke_width if item.stroke else None)
        elif isinstance(item, Line):
            _sub(parent, "line", x1=item.x1, y1=item.y1, x2=item.x2, y2=item.y2,
                 stroke=item.stroke, stroke_width=item.width)
        elif isinstance(item, Polygon):
            _sub(parent, "polygon", fill=item.fill,
                 points=" ".join(f"{_num(x)},{_num(y)}" for x, y in item.points))
        elif isinstance(item, Raster):
            el = _sub(parent, "image", x=item.x, y=item.y, width=item.w, height=item.h,
                      preserveAspectRatio="none")
            el.set(f"{{{XLINK_NS}}}href", "data:image/jpeg;base64,"
                   + base64.b64encode(item.data).decode("ascii"))
        else:
            el = _sub(parent, "text", x=item.x, y=item.y, font_size=item.size,
                      fill=item.fill, font_weight="bold" if item.bold else None,
                      text_anchor=item.anchor if item.anchor != "start" else None,
                      class_=item.cls or None)
            if len(item.lines) == 1:
                el.text = words.xml_safe(item.lines[0])
            else:
                for i, line in enumerate(item.lines):
                    _sub(el, "tspan", words.xml_safe(line), x=item.x,
                         dy=0 if i == 0 else item.step)


def svg_element(picture: Picture) -> ET.Element:
    w, h = round(picture.width), round(picture.height)
    root = ET.Element("svg", {"xmlns": SVG_NS, "width": str(w), "height": str(h),
                              "viewBox": f"0 0 {w} {h}", "font-family": SVG_FONTS})
    _sub(root, "title", words.xml_safe(picture.title))
    _svg_items(root, picture.items)
    return root


def svg_bytes(picture: Picture) -> bytes:
    body = ET.tostring(svg_element(picture), encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def svg_inline(picture: Picture, label: str) -> str:
    """The picture inside an HTML page (no XML declaration, no namespace prefix)."""
    root = svg_element(picture)
    root.set("role", "img")
    root.set("aria-label", words.xml_safe(label))
    root.set("style", "max-width: 100%; height: auto;")
    ET.register_namespace("", SVG_NS)
    return ET.tostring(root, encoding="unicode")


# --- PNG (Pillow) -----------------------------------------------------------------------------

@cache
def _pil_font(size: int) -> Any:
    from PIL import ImageFont

    # Basic layout (no raqm): Japanese needs no shaping, and it draws 40 % faster.
    return ImageFont.truetype(str(FONT_FILE), size, layout_engine=ImageFont.Layout.BASIC)


def png_bytes(picture: Picture, scale: float, compress_level: int = 6) -> bytes:
    """The picture drawn ``scale`` pixels per unit, with the bundled IPAexGothic (the
    same font the PDF embeds), as a PNG."""
    buf = io.BytesIO()
    paint(picture, scale).save(buf, "PNG", optimize=False, compress_level=compress_level)
    return buf.getvalue()


def paint(picture: Picture, scale: float) -> PilImage:
    """The picture drawn ``scale`` pixels per unit on a white RGB image."""
    from PIL import Image, ImageDraw

    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    image = Image.new("RGB", size, "#ffffff")
    draw = ImageDraw.Draw(image)
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for item in flat(picture.items):
        if isinstance(item, Rect):
            box = (item.x * scale, item.y * scale, (item.x + item.w) * scale,
                   (item.y + item.h) * scale)
            line = max(1, round(item.stroke_width * scale)) if item.stroke else 0
            draw.rounded_rectangle(box, radius=item.radius * scale, fill=item.fill,
                                   outline=item.stroke, width=line)
        elif isinstance(item, Line):
            draw.line((item.x1 * scale, item.y1 * scale, item.x2 * scale, item.y2 * scale),
                      fill=item.stroke, width=max(1, round(item.width * scale)))
        elif isinstance(item, Polygon):
            draw.polygon([(x * scale, y * scale) for x, y in item.points], fill=item.fill)
        elif isinstance(item, Raster):
            _paste(image, item, scale)
        else:
            font = _pil_font(max(1, round(item.size * scale)))
            for i, text in enumerate(item.lines):
                draw.text((item.x * scale, (item.y + i * item.step) * scale), text,
                          font=font, fill=item.fill, anchor=anchors[item.anchor],
                          stroke_width=1 if item.bold and scale >= 1.5 else 0,
                          stroke_fill=item.fill)
    return image


def _paste(image: PilImage, item: Raster, scale: float) -> None:
    """The JPEG scaled into its box (a damaged one leaves the box as it was)."""
    from PIL import Image

    box = (round(item.x * scale), round(item.y * scale))
    size = (max(1, round(item.w * scale)), max(1, round(item.h * scale)))
    try:
        with Image.open(io.BytesIO(item.data)) as src:
            # JPEG's draft mode decodes at 1/2, 1/4 or 1/8 straight away when the box is
            # that much smaller: a 2,400 px map shrunk for a page decodes in a fraction.
            src.draft("RGB", size)
            picture = src.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    except Exception:  # not an image any more: the frame stays empty
        return
    image.paste(picture, box)


# --- reportlab (vector, for the PDF) ----------------------------------------------------------

def reportlab_drawing(picture: Picture, scale: float, font: str) -> Drawing:
    """The picture as a reportlab Drawing ``scale`` points per unit (y grows upwards
    there, so every shape is turned over)."""
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.shapes import Line as RLine
    from reportlab.graphics.shapes import Polygon as RPolygon
    from reportlab.graphics.shapes import Rect as RRect
    from reportlab.lib import colors

    h = picture.height

    def colour(value: str | None) -> Any:
        return colors.HexColor(value) if value else None

    drawing = Drawing(picture.width * scale, picture.height * scale)
    # The state a drawing starts from names Helvetica, which the PDF would then list as a
    # font it does not embed: start from the embedded font instead.
    setattr(drawing, "initialFontName", font)  # noqa: B010 (not in the type stubs)
    for item in flat(picture.items):
        if isinstance(item, Rect):
            style: dict[str, Any] = {"fillColor": colour(item.fill),
                                     "strokeColor": colour(item.stroke),
                                     "strokeWidth": item.stroke_width * scale}
            drawing.add(RRect(item.x * scale, (h - item.y - item.h) * scale, item.w * scale,
                              item.h * scale, rx=item.radius * scale, ry=item.radius * scale,
                              **style))
        elif isinstance(item, Line):
            drawing.add(RLine(item.x1 * scale, (h - item.y1) * scale, item.x2 * scale,
                              (h - item.y2) * scale, strokeColor=colour(item.stroke),
                              strokeWidth=item.width * scale))
        elif isinstance(item, Polygon):
            points = [v for x, y in item.points for v in (x * scale, (h - y) * scale)]
            drawing.add(RPolygon(points, fillColor=colour(item.fill), strokeColor=None))
        elif isinstance(item, Raster):
            continue  # the PDF places the JPEG itself, under the drawing (maps.py)
        else:
            for i, text in enumerate(item.lines):
                drawing.add(String(item.x * scale, (h - item.y - i * item.step) * scale,
                                   words.xml_safe(text), fontName=font,
                                   fontSize=item.size * scale, fillColor=colour(item.fill),
                                   textAnchor=ANCHORS[item.anchor]))
    return drawing
