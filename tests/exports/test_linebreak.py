"""Japanese line breaking for the pictures the exporter draws: property tests of the rules
(kinsoku, no widow, nothing lost), written from the rules, not from the code's sets."""

from __future__ import annotations

import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from yoriai.exports.linebreak import HANG_EM, break_lines, clip, width_em, wrap

# Written out here from JIS X 4051's classes, independently of the module's sets.
SMALL_KANA = "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
CLOSING = "、。，．」』）】〕ー？！・…"
OPENING = "「『（【〔"
PIECES = [*"住民主体のまちづくりワークショップ雪寄せ空き家", *SMALL_KANA, *CLOSING,
          *OPENING, *"abc 12", " ", "e\u0301", "👩\u200d👩\u200d👧"]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
widths = st.floats(min_value=2.0, max_value=20.0)


def graphemes(value: str) -> list[str]:
    return regex.findall(r"\X", value)


def can_break_before(line: str, k: int, rest: str) -> bool:
    """Would a break before the k-th grapheme of ``line`` (``rest`` is the text of the
    lines after it) keep the rules: no widow either side, kinsoku at the break?"""
    gs = graphemes(line)
    left, right = "".join(gs[:k]).strip(), "".join(gs[k:]).strip()
    after = (right + rest).replace(" ", "")
    return (len(graphemes(left)) >= 2 and bool(right) and len(graphemes(after)) >= 2
            and right[0] not in SMALL_KANA + CLOSING and left[-1] not in OPENING)


@settings(max_examples=400, deadline=None)
@given(texts, widths)
@example("ワークショップ", 6.0)  # the old board printed 「ワークショッ/プ」
@example("雪寄せ、お願いします。", 5.0)
@example("「空き家」", 2.0)
def test_no_line_starts_with_closing_marks_or_small_kana(value: str, em: float) -> None:
    for line in break_lines(value, em)[1:]:
        assert line[0] not in SMALL_KANA + CLOSING, (value, em, line)


@settings(max_examples=400, deadline=None)
@given(texts, widths)
def test_no_line_ends_with_an_opening_bracket(value: str, em: float) -> None:
    lines = break_lines(value, em)
    for line in lines[:-1]:
        assert line[-1] not in OPENING, (value, em, lines)


@settings(max_examples=400, deadline=None)
@given(texts, widths)
@example("ワークショップ", 6.0)
@example("あいうえおかきくけこさ", 5.0)
def test_no_line_holds_a_single_character(value: str, em: float) -> None:
    lines = break_lines(value, em)
    if len(graphemes(value.replace(" ", ""))) >= 2:
        assert all(len(graphemes(line)) >= 2 for line in lines), (value, em, lines)


@settings(max_examples=400, deadline=None)
@given(texts, widths)
def test_nothing_is_lost_and_no_grapheme_is_split(value: str, em: float) -> None:
    lines = break_lines(value, em)
    assert "".join(lines).replace(" ", "") == value.replace(" ", "")
    assert sum(len(graphemes(line)) for line in lines) <= len(graphemes(value))
    if not value.strip():
        assert lines == [""]
        return
    for line in lines:
        assert graphemes(line) and line == line.strip()


@settings(max_examples=400, deadline=None)
@given(texts, widths)
def test_a_line_runs_long_only_when_no_allowed_break_fits(value: str, em: float) -> None:
    """A line wider than the room is one that could not be broken within it."""
    lines = break_lines(value, em)
    for i, line in enumerate(lines):
        if sum(width_em(g) for g in graphemes(line)) <= em:
            continue
        fits = [k for k in range(1, len(graphemes(line)))
                if sum(width_em(g) for g in graphemes(line)[:k]) <= em]
        rest = "".join(lines[i + 1:])
        assert not any(can_break_before(line, k, rest) for k in fits), (value, em, line)


@settings(max_examples=200, deadline=None)
@given(texts, widths, st.integers(min_value=1, max_value=4))
def test_a_cut_text_ends_in_an_ellipsis_on_its_last_allowed_line(value: str, em: float,
                                                                 most: int) -> None:
    full = break_lines(value, em)
    lines = wrap(value, em, most)
    assert len(lines) == min(len(full), most)
    if len(full) > most:
        assert lines[-1].endswith("…") and len(graphemes(lines[-1])) >= 2
    for drawn, broken in zip(lines, full, strict=False):
        if drawn != broken:  # cut: a prefix of the line, then …
            assert drawn.endswith("…") and broken.startswith(drawn[:-1].rstrip())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*CLOSING, *SMALL_KANA, "ー", "a"]), min_size=1,
                max_size=80).map("".join), widths, st.integers(min_value=1, max_value=4))
@example("。" * 140, 5.0, 4)  # a stranger's note of nothing but 。
@example("https://example.com/" + "a" * 120, 8.0, 4)
def test_a_drawn_line_never_leaves_its_box(value: str, em: float, most: int) -> None:
    for line in wrap(value, em, most):
        assert sum(width_em(g) for g in graphemes(line)) <= em + HANG_EM, (value, em, line)


def test_examples_a_reader_would_check() -> None:
    assert break_lines("住民主体のまちづくりワークショップ", 7) == [
        "住民主体のまち", "づくりワーク", "ショップ"]
    assert break_lines("ワークショップ", 6) == ["ワーク", "ショップ"]
    assert break_lines("雪寄せ、お願いします。", 5) == ["雪寄せ、お", "願いしま", "す。"]
    assert break_lines("Hello world snow", 6) == ["Hello", "world snow"]
    assert break_lines("", 5) == [""]
    assert clip(["一行目です", "二行目です"], 5, 1) == ["一行目で…"]
