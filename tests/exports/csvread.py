"""The CSV read back by column: the file's header row holds names in the export's
language, and these tests ask for a column by its key ("due", "who")."""

from __future__ import annotations

import csv
import io

from yoriai.exports.table import headers


def csv_records(data: bytes, lang: str = "ja") -> list[dict[str, str]]:
    """Rows as ``{column key: cell}``; the header must be exactly the columns' names in
    ``lang``, in order (so a renamed or missing column fails here)."""
    names = headers(lang)
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    head = next(reader)
    assert head == list(names.values()), head
    keys = list(names)
    return [dict(zip(keys, row, strict=True)) for row in reader]


def record_type(name: str, lang: str = "ja") -> str:
    from yoriai.exports.catalogue import word

    return word(f"export.type.{name}", lang)
