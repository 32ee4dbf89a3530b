"""Grouping suggestions: which unsorted notes a facilitator might put together, and a title.

:func:`suggest` takes the notes' texts and returns groups of indices into that list, each
with a title made of the words its notes share (「雪かき・除雪」). It is conservative on
purpose: a wrong group costs the facilitator more (reading it, then undoing it) than a
missing one, so notes join a group only when they are clearly alike, a group needs at least
:data:`MIN_GROUP` notes, and many notes are left for the facilitator to place.

Method: each note becomes a unit vector of concepts, topics and leftover words
(:mod:`.features`); the cosine similarity of every two notes that share a feature is found
through an inverted index (notes that share nothing are never compared, which keeps 1,000
notes fast); then average-linkage agglomerative clustering merges the two most similar
groups until no two are at least :data:`MERGE_THRESHOLD` alike on average. Identical texts
are grouped before anything else and counted with their multiplicity.

Deterministic: the same texts give the same groups in the same order, whatever the process
(no iteration over sets of strings, ties broken by index).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from typing import Any

from .features import NoteFeatures, analyse, vectors
from .lexicon import Lexicon, load
from .normalise import normalise

# Average cosine similarity two groups need to be merged. High on purpose: see the module
# docstring. Measured on the sample evening in bench/suggest.py (bench/README.md).
MERGE_THRESHOLD = 0.3

# A suggestion of one note is no suggestion; two alike notes are already worth a card.
MIN_GROUP = 3

# The most words in a title, joined by 「・」: a card a facilitator writes is short.
TITLE_WORDS = 2

# Most suggestions shown at once; the rest would be noise on the console.
MAX_GROUPS = 20


@dataclass(frozen=True)
class Suggestions:
    """Suggested groups (indices into the notes given, ascending) and a title for each."""

    groups: tuple[tuple[int, ...], ...]
    titles: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"groups": [list(g) for g in self.groups], "titles": list(self.titles)}


def _similarities(vecs: list[dict[str, float]]) -> dict[int, dict[int, float]]:
    """Cosine similarity of every two items that share a feature (i < j in the keys)."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vec in enumerate(vecs):
        for key, value in vec.items():
            postings[key].append((i, value))
    sims: dict[int, dict[int, float]] = defaultdict(dict)
    for posting in postings.values():
        for a in range(len(posting)):
            i, vi = posting[a]
            row = sims[i]
            for j, vj in posting[a + 1:]:
                row[j] = row.get(j, 0.0) + vi * vj
    return sims


def _cluster(weights: list[int], sims: dict[int, dict[int, float]]) -> list[list[int]]:
    """Average-linkage agglomerative clustering of items with multiplicities ``weights``.

    ``links[a][b]`` is the sum of similarities between the notes of groups a and b (with
    multiplicity); their average linkage is that sum over the product of the sizes. Pairs
    that share no feature have no link (similarity 0).

    The nearest-neighbour chain algorithm finds the same merges as always merging the most
    similar pair, without a heap of every pair: follow each group's most similar neighbour
    until two groups are each other's, merge those, go on. Average linkage is reducible (a
    merged group is never more similar to a third than the closer of its parts was), so a
    group with no neighbour at :data:`MERGE_THRESHOLD` is final and leaves the chain. Work
    grows with the number of linked pairs, at most n²/2; 1,000 notes on one subject stay
    well under a second.
    """
    size: dict[int, int] = dict(enumerate(weights))
    members: dict[int, list[int]] = {i: [i] for i in range(len(weights))}
    links: dict[int, dict[int, float]] = {i: {} for i in range(len(weights))}
    for i, row in sims.items():
        wi = weights[i]
        for j, sim in row.items():
            links[i][j] = links[j][i] = sim * wi * weights[j]
    final: list[list[int]] = []
    chain: list[int] = []
    # Where chains start: every group, the merged ones after the first ones, in id order.
    starts: deque[int] = deque(range(len(weights)))
    next_id = len(weights)

    def nearest(c: int, previous: int | None) -> tuple[float, int] | None:
        best, best_score = -1, -1.0
        for other, total in links[c].items():
            score = total / size[other]
            # Ties go to the chain's previous group (so the chain ends), then the lower id.
            if score > best_score or (score == best_score and other != best and (
                    other == previous or (best != previous and other < best))):
                best, best_score = other, score
        return None if best < 0 else (best_score / size[c], best)

    while True:
        if not chain:
            while starts and starts[0] not in size:
                starts.popleft()
            if not starts:
                break
            chain.append(starts.popleft())
        c = chain[-1]
        previous = chain[-2] if len(chain) > 1 else None
        found = nearest(c, previous)
        if found is None or found[0] < MERGE_THRESHOLD:
            chain.pop()
            final.append(sorted(members.pop(c)))
            del size[c]
            for other in links.pop(c):
                del links[other][c]
            continue
        if found[1] != previous:
            chain.append(found[1])
            continue
        a, b = chain.pop(), chain.pop()
        new = next_id
        next_id += 1
        size[new] = size.pop(a) + size.pop(b)
        members[new] = members.pop(a) + members.pop(b)
        # The larger link table becomes the merged group's: fewer dictionary operations than
        # building a new one, and this loop is where 1,000 alike notes spend their time.
        merged, smaller = links.pop(a), links.pop(b)
        if len(merged) < len(smaller):
            merged, smaller, a, b = smaller, merged, b, a
        merged.pop(b, None)
        for other, total in smaller.items():
            if other != a:
                merged[other] = merged.get(other, 0.0) + total
                del links[other][b]
        for other, total in merged.items():
            row = links[other]
            row.pop(a, None)
            row[new] = total
        links[new] = merged
        starts.append(new)
    return final


def _title(notes: list[tuple[NoteFeatures, int]], lexicon: Lexicon) -> str:
    """The concepts most of the group's notes name; else their topic; else a shared word.

    ``notes`` are (features, number of identical notes) pairs.
    """
    concept_count: Counter[int] = Counter()
    topic_count: Counter[str] = Counter()
    gram_count: Counter[str] = Counter()
    for n, copies in notes:
        for c in n.concepts:
            concept_count[c] += copies
        for t in dict.fromkeys(lexicon.concepts[c].topic for c in n.concepts):
            topic_count[t] += copies
        for g in n.grams:
            gram_count[g] += copies
    # Shared concepts, most notes first; a broad word (weight below 1) ranks lower, and the
    # words after the first come from its topic, so the card reads as one subject
    # (「遊び場・子ども」, not 「遊び場・雪」 because two notes mention snow days).
    shared = [c for c, k in concept_count.items() if k >= 2]
    shared.sort(key=lambda c: (-concept_count[c] * lexicon.concepts[c].weight, c))
    if shared:
        topic = lexicon.concepts[shared[0]].topic
        words = [c for c in shared if lexicon.concepts[c].topic == topic][:TITLE_WORDS]
        return "・".join(lexicon.concepts[c].name for c in words)
    if topic_count:
        topic = min(topic_count, key=lambda t: (-topic_count[t], t))
        if topic_count[topic] >= 2:
            return lexicon.topics[topic]
    if gram_count:
        gram = min(gram_count, key=lambda g: (-gram_count[g], g))
        return gram
    return ""


def suggest(texts: list[str]) -> Suggestions:
    """Groups of alike notes among ``texts`` (indices), largest first, each with a title."""
    lexicon = load()
    # Identical notes (after normalisation) are one item with a multiplicity: 1,000 copies
    # of one note cost what one costs, and they always land in the same group.
    item_of: dict[str, int] = {}
    item_notes: list[list[int]] = []
    item_text: list[str] = []
    for index, text in enumerate(texts):
        key = normalise(text).text
        if key not in item_of:
            item_of[key] = len(item_notes)
            item_notes.append([])
            item_text.append(text)
        item_notes[item_of[key]].append(index)
    features = [analyse(text, lexicon) for text in item_text]
    vecs = vectors(features, lexicon)
    sims = _similarities(vecs)
    # Copies of one note are alike by definition: they start as one group of that size.
    weights = [len(notes) for notes in item_notes]
    clusters = [c for c in _cluster(weights, sims) if any(vecs[i] for i in c)]
    groups: list[tuple[tuple[int, ...], str]] = []
    for items in clusters:
        indices = tuple(sorted(k for i in items for k in item_notes[i]))
        if len(indices) < MIN_GROUP:
            continue
        title = _title([(features[i], weights[i]) for i in items], lexicon)
        groups.append((indices, title))
    groups.sort(key=lambda g: (-len(g[0]), g[0][0]))
    groups = groups[:MAX_GROUPS]
    return Suggestions(tuple(g for g, _ in groups), tuple(t for _, t in groups))
