"""The names downloads and ``yoriai export`` give their files, and the header that sends one.

An editor collects plans from several evenings in one folder: a file is named by the date
and the title people know it by, ``2026-12-03-西部 冬の寄り合い-計画.pdf``, with the same stem
for every format of the plan (-計画.pdf, .docx, .html, .md, .csv), -付箋 for the board
picture (.svg, .png) and -アーカイブ for the archive (.json).

A title is what anyone typed: it is made safe for every file system the name may land on
(see :func:`safe_part`), and the header carries it as RFC 6266 / RFC 5987 ``filename*``
(UTF-8, percent-encoded) beside a plain ASCII ``filename`` for clients that read only that.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import quote

from yoriai.facilitation.model import WorkshopState

# What each format's file is of, after the date and the title.
KIND_BY_FORMAT = {"svg": "付箋", "png": "付箋", "json": "アーカイブ"}
PLAN_KIND = "計画"
# The same, in the ASCII fallback name.
ASCII_KIND_BY_FORMAT = {"svg": "board", "png": "board", "json": "archive"}
ASCII_PLAN_KIND = "plan"

# Characters Windows refuses in a file name (and / on every system): replaced by "_".
WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
# A title of 60 Japanese characters is 180 bytes in UTF-8: with the date and the kind the
# name stays under the 255 bytes Linux and macOS allow per name (and Windows' 255 UTF-16
# units). A longer part is cut at a character, never inside one.
PART_MAX_BYTES = 200
# What RFC 5987 lets stand unescaped in ``filename*`` (attr-char) besides letters and digits.
ATTR_CHARS = "!#$&+-.^_`|~"


def safe_part(text: str) -> str:
    """``text`` fit to be part of a file name on Windows, macOS and Linux: control and
    format characters removed (a right-to-left override could make 計画.pdf show as a
    different extension), the characters Windows refuses and path separators replaced by
    "_", runs of white space made one space, no dot or space at either end (Windows drops
    them), at most ``PART_MAX_BYTES`` in UTF-8."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    text = " ".join(WINDOWS_FORBIDDEN.sub("_", text).split())
    while len(text.encode("utf-8")) > PART_MAX_BYTES:
        text = text[:-1]
    return text.strip(" .")


def meeting_date(state: WorkshopState, today: datetime.date) -> str:
    """The date a plan is of: the current meeting's, else the workshop's, else today."""
    if state.meetings and state.meetings[-1].date:
        return state.meetings[-1].date
    return state.date or today.isoformat()


def download_name(state: WorkshopState, fmt: str, extension: str,
                  today: datetime.date) -> str:
    """``YYYY-MM-DD-<title>-計画.<ext>`` (or -付箋, -アーカイブ): see the module docstring."""
    title = safe_part(state.title) or state.code or "workshop"
    kind = KIND_BY_FORMAT.get(fmt, PLAN_KIND)
    return f"{meeting_date(state, today)}-{title}-{kind}.{extension}"


def ascii_name(state: WorkshopState, fmt: str, extension: str, today: datetime.date) -> str:
    """The fallback for clients that do not read ``filename*``: the code instead of the
    title (a code is ASCII letters and digits)."""
    code = state.code if state.code.isascii() and state.code.isalnum() else "workshop"
    kind = ASCII_KIND_BY_FORMAT.get(fmt, ASCII_PLAN_KIND)
    return f"{meeting_date(state, today)}-{code}-{kind}.{extension}"


def content_disposition(name: str, fallback: str) -> str:
    """An attachment header (RFC 6266) carrying ``name`` in UTF-8 (RFC 5987) and the ASCII
    ``fallback``, which must hold no quote or backslash."""
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback
    return (f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(name, safe=ATTR_CHARS)}")
