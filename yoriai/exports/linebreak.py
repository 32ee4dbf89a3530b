"""Japanese line breaking for the pictures the exporter draws (the board, the chart).

A browser or a word processor breaks Japanese lines by the kinsoku rules (JIS X 4051); a
picture drawn here has to do it itself, or a 会報 prints 「ワークショッ/プ」. The rules kept:

- a line never starts with closing punctuation, the prolonged sound mark or a small kana
  (、。」ー っ ゃ …): they belong to the character before them;
- a line never ends with opening punctuation (「（『): it belongs to what follows;
- no line holds a single character (a widow), unless the whole text is one character;
- a break never falls inside a grapheme (a base and its combining marks, an emoji
  sequence) nor, when there is another choice, inside a Latin word or a number.

When no break keeps the rules within the width, the line runs a little long (the
characters hang into the margin, 「ぶら下げ」) rather than break them. A run that cannot be
broken at all (「。。。。」 or one long URL) is cut where a picture draws it, with …
(:func:`wrap`), so that it never runs out of its box.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import regex

# Never at the start of a line (行頭禁則): closing brackets and punctuation, iteration and
# prolonged sound marks, small kana (hiragana and katakana, full and half width).
NO_START = frozenset(
    "、。，．,.）)］]｝}〕〉》」』】〙〗〟’”｠»"
    "ゝゞヽヾ々〻ーｰ‐゠–〜～？?！!‼⁇⁈⁉・：:；;／/…‥"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "ｧｨｩｪｫｯｬｭｮ゛゜ﾞﾟ"
)
# Never at the end of a line (行末禁則): opening brackets.
NO_END = frozenset("（(［[｛{〔〈《「『【〘〖〝‘“｟«")
ELLIPSIS = "…"
# How far past the width a drawn line may hang (ぶら下げ) before it is cut, in ems.
HANG_EM = 1.5
GRAPHEME = regex.compile(r"\X")

Measure = Callable[[str], float]


def width_em(grapheme: str) -> float:
    """How wide a grapheme prints, in ems: full-width and wide ones are one em, others
    about half (a close enough measure for a proportional Latin font)."""
    ch = grapheme[:1]
    return 1.0 if ch and unicodedata.east_asian_width(ch) in "WF" else 0.55


def _word(g: str) -> bool:
    return g.isascii() and g.isalnum()


def solid(gs: list[str]) -> int:
    """How many graphemes of ``gs`` print (spaces at a break are dropped)."""
    return sum(g != " " for g in gs)


def legal(gs: list[str], at: int, counters: frozenset[str] = frozenset()) -> bool:
    """May a line break fall before ``gs[at]`` (kinsoku only)? Spaces at a break are
    dropped, so the rule is read on the characters either side of them. ``counters``
    (「人」「枚」…) never start a line after a digit: 「2」/「人」 reads as two things."""
    after = next((g for g in gs[at:] if g != " "), "")
    before = next((g for g in reversed(gs[:at]) if g != " "), "")
    if after[:1] in counters and before[-1:].isdigit():
        return False
    return after[:1] not in NO_START and before[-1:] not in NO_END


def break_lines(value: str, em: float, measure: Measure = width_em,
                counters: frozenset[str] = frozenset()) -> list[str]:
    """``value`` (white space runs made one space) in lines of at most ``em`` ems where
    the rules above allow; never an empty list."""
    gs = GRAPHEME.findall(" ".join(value.split()))
    lines: list[str] = []
    start = 0
    while start < len(gs):
        used, end = 0.0, start
        while end < len(gs) and (used + measure(gs[end]) <= em or end == start):
            used += measure(gs[end])
            end += 1
        if end >= len(gs):
            lines.append("".join(gs[start:]).strip())
            break
        cut = choose(gs, start, end, counters)
        if cut is None:
            lines.append("".join(gs[start:]).strip())
            break
        lines.append("".join(gs[start:cut]).strip())
        start = cut
        while start < len(gs) and gs[start] == " ":
            start += 1
    return [line for line in lines if line] or [""]


def choose(gs: list[str], start: int, fits: int,
           counters: frozenset[str] = frozenset()) -> int | None:
    """Where to end the line that starts at ``gs[start]`` and has room up to (not
    including) ``gs[fits]``: the last break that keeps the rules, or the first one past
    the width when none does, or None when the rest cannot be broken at all."""

    def good(at: int, words: bool) -> bool:
        # A line of one character, here or as the last line (spaces are dropped).
        if solid(gs[start:at]) < 2 or solid(gs[at:]) == 1:
            return False
        if words and _word(gs[at]) and _word(gs[at - 1]):
            return False
        return legal(gs, at, counters)

    for words in (True, False):
        for at in range(fits, start + 1, -1):
            if good(at, words):
                return at
    for at in range(fits + 1, len(gs)):
        if good(at, False):
            return at
    return None


def clip(lines: list[str], em: float, max_lines: int,
         measure: Measure = width_em) -> list[str]:
    """At most ``max_lines`` lines; when cut, the last one ends in …, which still fits."""
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = GRAPHEME.findall(kept[-1])
    # Make room for the ellipsis, but keep at least two characters before it.
    while len(last) > 2 and sum(map(measure, last)) + measure(ELLIPSIS) > em:
        last.pop()
    kept[-1] = "".join(last).rstrip() + ELLIPSIS
    return kept


def cut(line: str, em: float, measure: Measure = width_em) -> str:
    """``line`` as it may be drawn: as it is when it hangs at most HANG_EM past ``em``,
    else cut to ``em`` with … (an unbreakable run must not leave its box)."""
    gs = GRAPHEME.findall(line)
    if sum(map(measure, gs)) <= em + HANG_EM:
        return line
    while len(gs) > 2 and sum(map(measure, gs)) + measure(ELLIPSIS) > em:
        gs.pop()
    return "".join(gs).rstrip() + ELLIPSIS


def wrap(value: str, em: float, max_lines: int, measure: Measure = width_em) -> list[str]:
    """The lines a picture draws: broken by the rules, at most ``max_lines``, none
    running out of its box."""
    return [cut(line, em, measure)
            for line in clip(break_lines(value, em, measure), em, max_lines, measure)]
