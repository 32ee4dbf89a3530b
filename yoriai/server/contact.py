"""The laptop's contact line for the newsletter page (「問い合わせ：西部市民サービスセンター
018-…」), set once per data folder.

It belongs to the centre that runs the laptop, not to one workshop: ``yoriai contact TEXT``
writes ``<data>/contact.txt`` and every export of every workshop prints it under the 次回
box (the exports get it in their ``Source``). It is read when an export is made, so a change
needs no restart; a file someone edited by hand into something a page cannot print is
ignored, never a failed download. No starlette here: the CLI imports it.
"""

from __future__ import annotations

from pathlib import Path

from yoriai.facilitation import limits
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.text import TextRule, checked_text

CONTACT_FILE = "contact.txt"
CONTACT_RULE = TextRule(limits.CONTACT_MAX_CHARS, empty_code="bad_text",
                        long_code="contact_too_long", allow_empty=True)


def checked_contact(text: str) -> str:
    """``text`` as the contact line is kept (one line, the rules every typed text follows),
    or a :class:`Refusal` (``contact_too_long``, ``bad_text``)."""
    return checked_text(text, CONTACT_RULE)


def read_contact(data_dir: Path) -> str:
    """The data folder's contact line, or "" when there is none or it cannot be used."""
    try:
        raw = (data_dir / CONTACT_FILE).read_bytes()
    except OSError:
        return ""
    if len(raw) > CONTACT_RULE.max_codepoints * 4:
        return ""  # never a huge file read into a page
    try:
        return checked_contact(raw.decode("utf-8"))
    except (UnicodeDecodeError, Refusal):
        return ""


def write_contact(data_dir: Path, text: str) -> str:
    """Keep ``text`` as the data folder's contact line ("" removes it); what was kept, or a
    :class:`Refusal`, before anything is written."""
    contact = checked_contact(text)
    path = data_dir / CONTACT_FILE
    if not contact:
        path.unlink(missing_ok=True)
        return ""
    # Written beside and renamed over, so that an export never reads half a line.
    part = path.with_name(CONTACT_FILE + ".part")
    part.write_text(contact + "\n", "utf-8")
    part.replace(path)
    return contact
