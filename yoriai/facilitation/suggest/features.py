"""What a note is about, as weighted features: known concepts, their topics, and leftover words.

A note becomes a sparse vector of three kinds of feature:

- ``c:`` a concept from the related-word table (雪かき, whether written 雪掻き or ゆきかき);
- ``t:`` that concept's topic (snow), so that 除雪車 and つらら meet although no word is shared;
- ``g:`` what the table does not know: character bigrams of kanji runs, whole katakana words,
  whole words of a plain-kana note (spaces between words), and latin words, weighted by how
  rare they are in this evening (inverse document frequency), so a rare shared word such as
  遊具 still links two notes, while 地域 or 大変 links nothing.

Vectors are scaled to unit length, so the dot product of two is their cosine similarity.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from .lexicon import Lexicon, find_concepts
from .normalise import Normalised, is_hiragana, is_kanji, normalise

# Relative weights of the three kinds of feature. A concept names what the note is about;
# the topic is weaker (two notes on the same topic may still belong to different themes);
# a leftover bigram is weaker again, since it may be a fragment of two unrelated words.
CONCEPT_WEIGHT = 1.0
TOPIC_WEIGHT = 1.0
GRAM_WEIGHT = 0.8

# Leftover words that say nothing about a note's theme (they occur in notes of every theme),
# so they must not link notes. Bigrams of kanji, after normalisation.
STOP_GRAMS: frozenset[str] = frozenset({
    "地域", "町内", "近所", "自分", "場所", "必要", "大変", "一緒", "仕組", "今後", "毎年",
    "年々", "最近", "時間", "一人", "一回", "週一", "月一", "人達", "皆様", "皆さ", "方々",
    "以上", "全然", "本当", "全部", "安心", "不安", "心配", "大事", "大切", "簡単", "時期",
})

SINGLE_KANJI = False

# Hiragana particles trimmed from the end of a word in a plain-kana note
# (「ひとりでは」 → 「ひとりで」 → 「ひとり」), so the word itself is compared.
_PARTICLES = "はがをにでのもとへやよね"
_MIN_KANA_WORD = 3


@dataclass(frozen=True)
class NoteFeatures:
    """One note's features before weighting, and the concepts it names (for titles)."""

    concepts: tuple[int, ...]
    grams: tuple[str, ...]


def _script(note: Normalised, i: int) -> str:
    ch = note.text[i]
    if ch == " ":
        return "space"
    if note.katakana[i]:
        return "katakana"
    if is_kanji(ch):
        return "kanji"
    if is_hiragana(ch):
        return "hiragana"
    return "other"


def _runs(note: Normalised, blanked: set[int]) -> list[tuple[str, str, bool]]:
    """(script, text, whole word) runs of the characters not already matched as a concept.

    "whole word" says the run is bounded by spaces or the ends of the text, as the words of
    a plain-kana note are.
    """
    runs: list[tuple[str, str, bool]] = []
    i, n = 0, len(note.text)
    while i < n:
        if i in blanked or note.text[i] == " ":
            i += 1
            continue
        kind = _script(note, i)
        j = i
        while j < n and j not in blanked and _script(note, j) == kind:
            j += 1
        whole = (i == 0 or note.text[i - 1] == " ") and (j == n or note.text[j] == " ")
        runs.append((kind, note.text[i:j], whole))
        i = j
    return runs


def _grams(note: Normalised, blanked: set[int]) -> list[str]:
    grams: list[str] = []
    for kind, run, whole in _runs(note, blanked):
        if kind == "kanji":
            if len(run) == 1 and SINGLE_KANJI:
                grams.append(run)
            grams.extend(run[k:k + 2] for k in range(len(run) - 1))
        elif kind == "katakana" and len(run) >= 2:
            grams.append(run)
        elif kind == "hiragana" and whole:
            word = run.rstrip(_PARTICLES) if len(run) > _MIN_KANA_WORD else run
            if len(word) >= _MIN_KANA_WORD:
                grams.append(word)
        elif kind == "other" and any(ch.isalpha() for ch in run) and len(run) >= 2:
            grams.append(run)
    return [g for g in grams if g not in STOP_GRAMS]


def analyse(text: str, lexicon: Lexicon) -> NoteFeatures:
    note = normalise(text)
    matches = find_concepts(note, lexicon)
    blanked = {k for m in matches for k in range(m.start, m.end)}
    concepts = tuple(dict.fromkeys(m.concept for m in matches))
    return NoteFeatures(concepts, tuple(dict.fromkeys(_grams(note, blanked))))


def vectors(notes: list[NoteFeatures], lexicon: Lexicon) -> list[dict[str, float]]:
    """Unit-length weighted feature vectors, one per note (empty for a note with none)."""
    df = Counter(g for n in notes for g in n.grams)
    count = len(notes)
    top_idf = math.log(count + 1) + 1.0
    out: list[dict[str, float]] = []
    for n in notes:
        vec: dict[str, float] = {}
        for c in n.concepts:
            concept = lexicon.concepts[c]
            vec[f"c:{c}"] = CONCEPT_WEIGHT * concept.weight
            key = f"t:{concept.topic}"
            vec[key] = max(vec.get(key, 0.0), TOPIC_WEIGHT * concept.weight)
        for g in n.grams:
            # Smoothed inverse document frequency, scaled to at most 1 so that a rare
            # leftover word never outweighs a known concept.
            idf = math.log((count + 1) / (df[g] + 1)) + 1.0
            vec[f"g:{g}"] = GRAM_WEIGHT * idf / top_idf
        norm = math.sqrt(sum(v * v for v in vec.values()))
        out.append({k: v / norm for k, v in vec.items()} if norm else {})
    return out
