"""The one check every piece of text a person types goes through before it is recorded.

Names, notes, theme titles, proposal aims and ideas, action titles, first steps, partners,
records, reviews, the workshop's title and centre: every command that takes free text
calls :func:`checked_text` with the :class:`TextRule` of its field, so that what reaches
the log is text every screen, export and the store itself can hold.

The rules, in the order they are applied:

1. Text that cannot be written as UTF-8 (lone surrogates: valid JSON, ``"\\ud800"``, but
   no character at all) and Unicode noncharacters are refused with ``bad_text``: the
   store could not encode the one and the other is never meant to be interchanged.
2. Line ends become ``\\n`` (CRLF, CR, NEL, the line and paragraph separators); a
   single-line field (a name, a title) turns them into a space. A tab becomes a space.
   Every other control character (NUL, escape, DEL, the C1 range) and the byte-order mark
   are *removed*: they come from pasting, not from a person meaning them, and removing
   them lets the person's words through. What was recorded is in the ack and on the board.
3. NFC normalisation: the same word typed on two phones is the same text.
4. Invisible characters at either end are trimmed, by whole grapheme clusters (spaces,
   zero-width characters, the word joiner, bidirectional controls, variation selectors or
   combining marks with nothing to sit on, Hangul fillers, the blank Braille pattern);
   inside the text they are kept, since emoji sequences and some scripts need them.
   Bidirectional overrides inside the text are kept as text: the pages isolate user text
   (``dir="auto"``, ``unicode-bidi: isolate``), so an override cannot reorder the page.
5. Text with nothing visible left is empty: the field's own "empty" refusal.
6. Length counts what a person sees: extended grapheme clusters (UAX #29), so 「が」 typed
   as か + ゛, a flag or a family emoji is one character. A single "character" of more
   than ``limits.CHAR_MAX_CODEPOINTS`` code points (a tower of combining marks) is refused
   as ``bad_text``: so a text never holds more code points than that many times its limit.

``regex`` provides ``\\X`` (grapheme clusters) and the Unicode properties used here; the
standard library has neither.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from . import limits
from .errors import Refusal

# One grapheme cluster (extended, UAX #29).
CLUSTER = regex.compile(r"\X")

# Line ends of every kind, CRLF first so that it becomes one line end, not two.
LINE_END = regex.compile(r"\r\n|[\r\x85\u2028\u2029]")

# Control characters and the byte-order mark, after line ends and tabs are dealt with:
# removed. (U+FEFF inside text is the deprecated "zero width no-break space"; U+2060 is its
# replacement and is kept.)
STRIPPED = regex.compile(r"[\p{Cc}\ufeff--\n]", flags=regex.V1)

# Code points that are never text: lone surrogates cannot be encoded (caught by encoding),
# noncharacters (U+FDD0..FDEF and the last two of each plane) are reserved for a program's
# own use and must not be interchanged.
NONCHARACTER = regex.compile(r"\p{Noncharacter_Code_Point}")

# A character that shows nothing by itself. A cluster made only of these is invisible.
INVISIBLE = regex.compile(
    r"[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{M}\p{Cc}\p{Cf}\p{Zl}\p{Zp}"
    # BRAILLE PATTERN BLANK: a printable character that prints nothing, the usual way to
    # make a "blank" name where a blank is refused.
    r"\u2800]")

BAD_TEXT = "bad_text"


@dataclass(frozen=True)
class TextRule:
    """What one field of free text accepts: its limit (in characters a person sees), the
    refusals it gives when empty or too long, and whether it keeps line breaks."""

    max_chars: int
    empty_code: str
    long_code: str
    allow_empty: bool = False
    multiline: bool = False

    @property
    def max_codepoints(self) -> int:
        return self.max_chars * limits.CHAR_MAX_CODEPOINTS


def clusters(text: str) -> list[str]:
    """``text`` as the characters a person sees (extended grapheme clusters)."""
    return CLUSTER.findall(text)


def is_invisible(cluster: str) -> bool:
    return all(INVISIBLE.fullmatch(ch) for ch in cluster)


def checked_text(raw: object, rule: TextRule) -> str:
    """``raw`` as it is recorded (see the module's rules), or a :class:`Refusal`: the
    field's empty or too-long code, or ``bad_text``. Never raises anything else."""
    if raw is None and rule.allow_empty:
        return ""
    if not isinstance(raw, str):
        raise Refusal(rule.empty_code)
    if len(raw) > rule.max_codepoints:
        # Refused before normalising: NFC reorders runs of combining marks in quadratic
        # time, and a text this long is over its limit or holds an absurd "character".
        count = len(clusters(raw))
        if count > rule.max_chars:
            raise Refusal(rule.long_code, max=rule.max_chars, length=count)
        raise Refusal(BAD_TEXT)
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise Refusal(BAD_TEXT) from None
    if NONCHARACTER.search(raw):
        raise Refusal(BAD_TEXT)
    text = LINE_END.sub("\n", raw).replace("\t", " ")
    if not rule.multiline:
        text = text.replace("\n", " ")
    text = unicodedata.normalize("NFC", STRIPPED.sub("", text))
    parts = clusters(text)
    if any(len(c) > limits.CHAR_MAX_CODEPOINTS for c in parts):
        raise Refusal(BAD_TEXT)
    start, end = 0, len(parts)
    while start < end and is_invisible(parts[start]):
        start += 1
    while end > start and is_invisible(parts[end - 1]):
        end -= 1
    if start == end:
        if rule.allow_empty:
            return ""
        raise Refusal(rule.empty_code)
    if end - start > rule.max_chars:
        raise Refusal(rule.long_code, max=rule.max_chars, length=end - start)
    return "".join(parts[start:end])
