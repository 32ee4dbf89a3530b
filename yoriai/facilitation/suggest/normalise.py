"""Normalising a note's text so that the same word written differently compares equal.

Residents type on old phones: full-width and half-width letters and kana, katakana where
another writes hiragana (バス / ばす), long vowels typed as a dash or a wave (バ－ス, ス〜パ〜),
small kana typed large (しよう for しょう). :func:`normalise` maps all of these onto one
form. It keeps one output character per input character where it can, and returns beside
the text a mask saying which characters were katakana, because a short word such as バス
may be matched inside マイクロバス but ばす must not be matched inside のばす (伸ばす).

Okurigana variants (雪かき / 雪掻き, 空き家 / 空家) are not guessed here: they are the
related-word table's business (:mod:`.lexicon`), which lists variants as data.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Katakana and hiragana blocks are 0x60 apart (ァ U+30A1 .. ヶ U+30F6 ↔ ぁ U+3041 .. ゖ U+3096).
_KATA_FIRST, _KATA_LAST, _KANA_OFFSET = 0x30A1, 0x30F6, 0x60

# Small kana mapped to their full-size forms: on a phone's flick keyboard the small form is
# an extra tap that older residents often skip, and the meaning never hinges on it here.
_SMALL_TO_LARGE = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")

# Characters typed for the long-vowel mark after kana: the mark itself, hyphens and dashes
# that NFKC leaves alone, and the wave dash (スーパー is often typed ス－パ－ or ス〜パ〜).
_LONG_VOWEL_LOOKALIKES = frozenset("ー-‐‑‒–—―−~〜～")

# Separators kept as a single space: they delimit words in plain-kana notes
# (「ゆきかき ひとりでは むり」), which the gram features use.
_SPACE = " "


@dataclass(frozen=True)
class Normalised:
    """A normalised text and, per character, whether it was katakana in the note."""

    text: str
    katakana: tuple[bool, ...]


def is_kanji(ch: str) -> bool:
    """CJK ideographs, including 々 (repeat mark) and 〆."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or ch in "々〆" or (
        0xF900 <= o <= 0xFAFF)


def is_hiragana(ch: str) -> bool:
    return 0x3041 <= ord(ch) <= 0x309F


def normalise(text: str) -> Normalised:
    """NFKC (width), case-folded, katakana as hiragana, long vowels dropped, small kana large.

    The long-vowel mark (and what is typed for it) after a kana letter is dropped, so that
    スーパー, スーパ and ス－パ－ all become すぱ: residents leave it out or type a dash about
    as often as they type it. Everything that is not a letter, digit or kana becomes a single
    space, so punctuation, emoji and symbols never count as words.
    """
    nfkc = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    kata: list[bool] = []
    for ch in nfkc:
        o = ord(ch)
        if ch in _LONG_VOWEL_LOOKALIKES and out and is_kana_letter_normalised(out[-1]):
            continue
        if _KATA_FIRST <= o <= _KATA_LAST:
            out.append(chr(o - _KANA_OFFSET).translate(_SMALL_TO_LARGE))
            kata.append(True)
        elif is_hiragana(ch) or is_kanji(ch):
            out.append(ch.translate(_SMALL_TO_LARGE))
            kata.append(False)
        elif ch.isalnum() and unicodedata.category(ch) in {"Ll", "Lu", "Lo", "Nd"}:
            out.append(ch)
            kata.append(False)
        elif out and out[-1] != _SPACE:
            out.append(_SPACE)
            kata.append(False)
    while out and out[-1] == _SPACE:
        out.pop()
        kata.pop()
    return Normalised("".join(out), tuple(kata))


def is_kana_letter_normalised(ch: str) -> bool:
    """A kana letter after normalisation (katakana has become hiragana by then)."""
    return is_hiragana(ch) and ch not in "゛゜ゝゞ"
