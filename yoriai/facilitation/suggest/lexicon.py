"""The related-word table: written forms → concepts → topics, loaded from the package's data.

``data/related-words.tsv`` lists, per concept, the ways residents write it (雪かき, 雪掻き,
ゆきかき, 雪寄せ …), its topic (``snow``) and where the entry comes from; ``data/topics.tsv``
names the topics. Keeping this as data with its source means a facilitator or a centre can
read and extend it, and a reviewer can see which words came from the city's guideline and
which were written by hand.

:func:`find_concepts` scans a normalised note for the longest known form at each position.
Two rules keep short kana forms from matching inside other words: a form written only in
kana must lie wholly inside katakana or wholly inside hiragana; a katakana match must not
run on into more katakana (バス is not バスケット); and a hiragana form of one or two letters
must not follow another hiragana letter (ばす is not the end of のばす).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .normalise import Normalised, is_hiragana, is_kanji, normalise

DATA = "data"
WORDS_FILE = "related-words.tsv"
TOPICS_FILE = "topics.tsv"

# A hiragana-only form this short is matched only after a non-hiragana character (start,
# space, kanji, katakana): two letters occur by chance inside longer words far too often.
SHORT_KANA = 2


@dataclass(frozen=True)
class Concept:
    index: int
    topic: str
    name: str
    weight: float
    source: str


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[Concept, ...]
    topics: dict[str, str]  # topic id → label
    forms: dict[str, int]  # normalised written form → concept index
    longest: int


@dataclass(frozen=True)
class Match:
    concept: int
    start: int
    end: int


def _rows(name: str) -> list[list[str]]:
    text = resources.files(__package__).joinpath(DATA, name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def okurigana_variants(form: str) -> set[str]:
    """Forms with okurigana left out, as residents (and old dictionaries) write them.

    Inside a compound, hiragana between two kanji may be dropped (空き家 → 空家,
    見守り隊 → 見守隊); at the end, a two-letter run after a kanji may keep only its last
    letter (雪下ろし → 雪下し, 一人暮らし → 一人暮し). Purely kana words are left alone.
    """
    runs: list[tuple[int, int]] = []  # (start, end) of hiragana runs
    i = 0
    while i < len(form):
        if is_hiragana(form[i]):
            j = i
            while j < len(form) and is_hiragana(form[j]):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    choices: list[list[str]] = []
    pieces: list[str] = []
    last = 0
    for start, end in runs:
        pieces.append(form[last:start])
        last = end
        run = form[start:end]
        after_kanji = start > 0 and is_kanji(form[start - 1])
        before_kanji = end < len(form) and is_kanji(form[end])
        options = [run]
        if after_kanji and before_kanji:
            options.append("")
        elif after_kanji and end == len(form) and len(run) == 2:
            options.append(run[-1])
        choices.append(options)
    tail = form[last:]
    out: set[str] = set()
    for combo in itertools.product(*choices):
        out.add("".join(p + c for p, c in zip(pieces, combo, strict=True)) + tail)
    return out


@cache
def load() -> Lexicon:
    """The table shipped with the package (read once per process)."""
    topics = {row[0]: row[1] for row in _rows(TOPICS_FILE)}
    concepts: list[Concept] = []
    forms: dict[str, int] = {}
    for row in _rows(WORDS_FILE):
        topic, name, variants, weight, source = row
        if topic not in topics:
            raise ValueError(f"{WORDS_FILE}: {name} has unknown topic {topic}")
        concept = Concept(len(concepts), topic, name, float(weight), source)
        concepts.append(concept)
        written = [name, *(v for v in variants.split("|") if v)]
        for form in written:
            for variant in sorted(okurigana_variants(normalise(form).text)):
                # The first concept to claim a form keeps it: the table is read top down.
                forms.setdefault(variant, concept.index)
    return Lexicon(tuple(concepts), topics, forms, max(map(len, forms)))


def _kana_only(form: str) -> bool:
    return all(is_hiragana(ch) or ch == " " for ch in form)


def _ascii_word(form: str) -> bool:
    return form.isascii() and any(ch.isalpha() for ch in form)


def _acceptable(note: Normalised, form: str, start: int, end: int) -> bool:
    text = note.text
    if _ascii_word(form):
        # sns, line, pr: only as whole words, never inside a longer latin word.
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        return not (before.isascii() and before.isalnum()) and not (
            after.isascii() and after.isalnum())
    if not _kana_only(form):
        return True
    span = note.katakana[start:end]
    if all(span):
        return not (end < len(text) and note.katakana[end])
    if any(span):
        return False
    if len(form) <= SHORT_KANA and start > 0:
        prev = text[start - 1]
        return not (is_hiragana(prev) and not note.katakana[start - 1])
    return True


def find_concepts(note: Normalised, lexicon: Lexicon) -> list[Match]:
    """Known forms in the note, longest first at each position, not overlapping."""
    text = note.text
    found: list[Match] = []
    i = 0
    while i < len(text):
        for length in range(min(lexicon.longest, len(text) - i), 0, -1):
            form = text[i:i + length]
            index = lexicon.forms.get(form)
            if index is not None and _acceptable(note, form, i, i + length):
                found.append(Match(index, i, i + length))
                i += length
                break
        else:
            i += 1
    return found
