"""Reading every export back as its own kind of file — the tests parse what they check,
they never compare bytes — and making workshops through the domain's real commands."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import docx

from yoriai.facilitation.commands import decide, result_of
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    apply,
)

ROOT = Path(__file__).resolve().parents[2]
GENERATED_AT = datetime.datetime(2026, 11, 21, 9, 30, tzinfo=datetime.timezone(
    datetime.timedelta(hours=9)))
SVG = "{http://www.w3.org/2000/svg}"


# --- making workshops ---------------------------------------------------------------------

class Workshop:
    """A workshop driven through ``decide``/``apply``, the way the hub does it."""

    def __init__(self, code: str = "test1", title: str = "テストの会", center: str = "西部",
                 date: str = "2026-11-20", program: dict[str, Any] | None = None) -> None:
        self.state, self.log = WorkshopState(), list[Event]()
        self.now = 1_790_000_000.0
        more = {} if program is None else {"program": program}
        self.run(FACILITATOR, "create_workshop",
                 {"code": code, "title": title, "center": center, "date": date, **more})

    def run(self, actor: Actor, name: str, args: dict[str, Any]) -> dict[str, Any]:
        self.now += 1
        events = decide(self.state, actor, name, args, self.now)
        for e in events:
            apply(self.state, e)
        self.log.extend(events)
        return result_of(events)

    def join(self, name: str, attribute: str = "住民", *, show_name: bool = False,
             proxy: bool = False) -> Actor:
        profile = {"name": name, "attribute": attribute, "show_name": show_name}
        if proxy:
            pid = self.run(FACILITATOR, "add_proxy", profile)["participant_id"]
            return Actor(Role.PARTICIPANT, pid, proxy=True)
        pid = self.run(PROJECTOR, "join", profile)["participant_id"]
        return Actor(Role.PARTICIPANT, pid)

    def by(self, who: Actor, name: str, args: dict[str, Any]) -> dict[str, Any]:
        """``who`` sends it, or the facilitator sends it for them (代理入力)."""
        if who.proxy:
            return self.run(FACILITATOR, name, {**args, "proxy_for": who.participant_id})
        return self.run(who, name, args)


# --- reading outputs ----------------------------------------------------------------------

class HtmlText(HTMLParser):
    """The text of an HTML page, its headings, its tables (as rows of cell texts), and
    whatever would fetch something from outside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.tables: list[dict[str, Any]] = []
        self.external: list[str] = []
        self.styles = 0
        self._heading: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(str(a[key]))
        if tag == "style":
            self.styles += 1
        if tag in ("h1", "h2", "h3"):
            self._heading, self._buf = tag, []
        if tag == "table":
            self.tables.append({"class": a.get("class") or "", "rows": []})
        if tag == "tr":
            self._row = []
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, "".join(self._buf)))
            self._heading = None
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._heading:
            self._buf.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def table(self, cls: str) -> list[list[str]]:
        return next(t["rows"] for t in self.tables if cls in t["class"].split())


def read_html(data: bytes) -> HtmlText:
    page = HtmlText()
    page.feed(data.decode("utf-8"))
    page.close()
    return page


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True, timeout=60)
    return out.stdout.decode("utf-8")


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """``pdffonts`` as rows: name, type, emb…"""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True,
                         timeout=60).stdout.splitlines()
    rows = []
    for line in out[2:]:
        cols = line.split()
        # name type [type …] encoding emb sub uni id gen: read from the right.
        rows.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return rows


def docx_document(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    """Every word a Word file holds: paragraphs, tables, properties — and its raw XML
    parts, so that nothing hidden escapes a search."""
    doc = docx_document(data)
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    props = doc.core_properties
    parts += [props.title or "", props.author or "", props.subject or ""]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()
                  if n.endswith(".xml")]
    return "\n".join(parts)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def svg_root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def svg_text(data: bytes) -> str:
    return "".join(svg_root(data).itertext())


def text_of(fmt: str, data: bytes, tmp: Path) -> str:
    """The readable text of one export, however it is stored."""
    if fmt == "pdf":
        path = tmp / "plan.pdf"
        path.write_bytes(data)
        return pdf_text(path)
    if fmt == "docx":
        return docx_text(data)
    if fmt == "html":
        return read_html(data).text
    if fmt == "svg":
        return svg_text(data)
    if fmt == "csv":
        return "\n".join("\t".join(r.values()) for r in csv_rows(data))
    if fmt == "json":
        return json.dumps(json.loads(data), ensure_ascii=False)
    return data.decode("utf-8")


def squash(value: str) -> str:
    """Text without white space: a PDF may break a line anywhere, even inside a name."""
    return "".join(value.split())


# --- the data folder ----------------------------------------------------------------------

def yoriai(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "yoriai", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, env=env)


def stored_events(data_dir: Path) -> list[tuple[Any, ...]]:
    """Every row of the events table, read without the store (and without writing)."""
    path = data_dir / "yoriai.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT workshop, seq, type, data, at, actor FROM events "
                          "ORDER BY workshop, seq").fetchall()


def events_of(data_dir: Path, code: str) -> list[Event]:
    return [Event(seq=r[1], type=r[2], data=json.loads(r[3]), at=r[4], actor=r[5])
            for r in stored_events(data_dir) if r[0] == code]


def data_folder_with(data: Path, code: str, events: list[Event]) -> Path:
    """A data folder holding one workshop, written as ``yoriai import`` writes it."""
    import asyncio

    from yoriai.server.store import EventStore

    async def fill() -> None:
        store = EventStore(data / "yoriai.sqlite3")
        await store.open()
        try:
            await store.import_workshop(code, events)
        finally:
            await store.close()

    asyncio.run(fill())
    return data
