"""Every export format, by name: ``{format: Exporter}``. Adding a format is one module
that defines an ``EXPORTER`` and one line here."""

from __future__ import annotations

from . import archive, board, html, markdown, pdf, table, word
from .source import Exporter, Source

EXPORTERS: dict[str, Exporter] = {e.format: e for e in (
    html.EXPORTER,
    pdf.EXPORTER,
    word.EXPORTER,
    markdown.EXPORTER,
    table.EXPORTER,
    board.EXPORTER,
    board.PNG_EXPORTER,
    archive.EXPORTER,
)}


class UnknownFormat(KeyError):
    def __init__(self, fmt: str) -> None:
        super().__init__(fmt)
        self.format = fmt

    def __str__(self) -> str:
        return f"unknown format {self.format!r} (known: {', '.join(EXPORTERS)})"


def exporter(fmt: str) -> Exporter:
    try:
        return EXPORTERS[fmt]
    except KeyError:
        raise UnknownFormat(fmt) from None


def render(fmt: str, source: Source) -> bytes:
    return exporter(fmt).render(source)
