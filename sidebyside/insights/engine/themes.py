"""Suggesting themes for a set of texts, and putting new texts into the themes people confirmed.

Both are deterministic: the same texts, in the same order, with the same seed, give the same
answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize

from sidebyside.insights.engine.embedders import LARGE, Embedder, Lexical, distinct_rows, tfidf_of_words
from sidebyside.insights.engine.text import as_written, words, words_with_breaks

KEYPHRASES = 6
AS_WRITTEN_FROM = 200  # texts read for how a group's words are written
TYPICAL = 3
MAX_SUGGESTED = 12
# The meaning model's vectors are grouped in this many main directions (PCA) of the texts given:
# on our evaluation set NMI 0.26 → 0.28 (10 seeds), better in 26 of 30 random subsets of its
# themes; 12 to 64 all did about as well. Sorting into confirmed themes gained nothing from it,
# nor did splitting a theme of 40 in two (worse for a theme with ten of another mixed in): below
# four texts a direction, they are left as they are.
MEANING_DIMENSIONS = 32
MEANING_ROWS_AT_LEAST = 4 * MEANING_DIMENSIONS
# Then each text's vector is moved halfway towards the mean of its five nearest neighbours, so a
# text said in few words leans towards the texts most like it. On our evaluation set (10 seeds)
# with all-mpnet-base-v2: NMI 0.350 → 0.353 on all 12 themes, and 0.355 → 0.370 on 20 random
# subsets of 8 of them, better in 17 of the 20; with all-MiniLM-L6-v2 much the same (0.277 →
# 0.278; better in 13 of 20). 3 to 12 neighbours did about as well. Every text is compared
# with every other, so only up to ``NEIGHBOURS_UP_TO`` texts: 1.5 s at 10,000 on one core, but
# 31 s at 50,000, where the grouping itself takes a few.
NEIGHBOURS = 5
NEIGHBOURS_UP_TO = 10_000
NEIGHBOURS_BLOCK = 1024  # rows compared with all the others at once
# Below this similarity to the nearest theme, or this far ahead of the next one, it is "not sure".
NOT_SURE_BELOW = 0.15
NOT_SURE_MARGIN = 0.02


class NothingToTheme(ValueError):
    """There are no texts with words to go on; the message says so in plain words."""


@dataclass(frozen=True)
class Suggestion:
    label: str
    keyphrases: list[str]
    members: list[int]  # indexes into the texts given, most typical first
    typical: list[int]  # the few quotes that show the theme best


@dataclass(frozen=True)
class Suggested:
    themes: list[Suggestion]
    labels: list[int]  # for each text, the index of its theme in ``themes``; -1: no words to go on
    embedder: str


@dataclass(frozen=True)
class Assignment:
    theme: str | None  # None: not sure
    confidence: float  # 0..1
    nearest: str | None  # the nearest theme, even when not sure


def default_count(n: int) -> int:
    """How many themes to suggest for ``n`` texts when nobody said: about √(n/2), 2 to 12."""
    return max(2, min(MAX_SUGGESTED, round(math.sqrt(n / 2))))


def suggest(
    texts: Sequence[str], *, count: int | None = None, seed: int = 0, embedder: Embedder | None = None
) -> Suggested:
    """Group ``texts`` into about ``count`` themes (``default_count`` if not given)."""
    found = [words_with_breaks(text) for text in texts]
    usable = [i for i, said in enumerate(found) if said]
    if not usable:
        raise NothingToTheme("There are no words here to find themes in")
    embedder = embedder or Lexical(seed=seed)
    chosen_words = [found[i] for i in usable]
    if isinstance(embedder, Lexical):
        vectors, matrix, vocabulary = embedder.embed_words(chosen_words)
    else:
        vectors = main_directions(embedder.embed([texts[i] for i in usable]), seed=seed)
        matrix, vocabulary = tfidf_of_words(chosen_words)
    wanted = count or default_count(len(usable))
    k = max(1, min(wanted, distinct_rows(vectors, enough=wanted, seed=seed)))
    if not isinstance(embedder, Lexical) and MEANING_ROWS_AT_LEAST <= len(usable) <= NEIGHBOURS_UP_TO:
        vectors = with_neighbours(vectors)
    if len(usable) > LARGE:  # mini-batches: the same answer for the same seed, in a fraction of the time
        model: KMeans | MiniBatchKMeans = MiniBatchKMeans(
            n_clusters=k, n_init=3, batch_size=10_000, random_state=seed
        ).fit(vectors)
    else:
        model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(vectors)
    clusters = model.labels_
    themes: list[Suggestion] = []
    # Biggest first; a group k-means left empty (it can, with texts said many times over) is no theme.
    sizes = np.bincount(clusters, minlength=k)
    order = sorted((c for c in range(k) if sizes[c]), key=lambda c: (-int(sizes[c]), c))
    renumber = {old: new for new, old in enumerate(order)}
    for c in order:
        rows = np.flatnonzero(clusters == c)
        centre = model.cluster_centers_[c]
        closeness = vectors[rows] @ centre
        ranked = [int(rows[j]) for j in np.argsort(-closeness, kind="stable")]
        # As people wrote them ("GP", not "gp"), from the texts nearest the group's centre.
        said = [texts[usable[i]] for i in ranked[:AS_WRITTEN_FROM]]
        phrases = as_written(_keyphrases(matrix, vocabulary, rows), said)
        themes.append(
            Suggestion(
                label=_label(phrases),
                keyphrases=phrases,
                members=[usable[i] for i in ranked],
                typical=[usable[i] for i in ranked[:TYPICAL]],
            )
        )
    labels = [-1] * len(texts)
    for position, i in enumerate(usable):
        labels[i] = renumber[int(clusters[position])]
    return Suggested(themes=themes, labels=labels, embedder=embedder.name)


def main_directions(vectors: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """``vectors`` in their ``MEANING_DIMENSIONS`` main directions, each row normalised again
    (beyond ``LARGE`` rows the directions come from a seeded sample). Unchanged when there are
    too few rows, or too few different rows, to find the directions from, or no more
    dimensions than that."""
    rows, dimensions = vectors.shape
    wanted = MEANING_DIMENSIONS
    if rows < MEANING_ROWS_AT_LEAST or dimensions <= wanted:
        return vectors
    # The same text said many times gives no direction: with too few different texts, the
    # directions beyond them would be rounding noise, made as long as any other by normalising.
    if distinct_rows(vectors, enough=MEANING_ROWS_AT_LEAST, seed=seed) < MEANING_ROWS_AT_LEAST:
        return vectors
    pca = PCA(n_components=wanted, random_state=seed)
    if rows > LARGE:
        rng = np.random.default_rng(seed)
        pca.fit(vectors[np.sort(rng.choice(rows, size=LARGE, replace=False))])
        reduced = pca.transform(vectors)
    else:
        reduced = pca.fit_transform(vectors)
    return normalize(reduced)


def with_neighbours(vectors: np.ndarray, *, neighbours: int = NEIGHBOURS) -> np.ndarray:
    """Each row (unit length) plus the mean of its ``neighbours`` most alike other rows (cosine),
    normalised again. The same rows in the same order give the same answer; rows are compared a
    block at a time, so memory stays small however many there are."""
    rows = vectors.shape[0]
    if rows <= neighbours:
        return vectors
    nearest = np.empty((rows, neighbours), dtype=np.intp)
    block = NEIGHBOURS_BLOCK
    for start in range(0, rows, block):
        stop = min(rows, start + block)
        alike = vectors[start:stop] @ vectors.T
        alike[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not its own neighbour
        nearest[start:stop] = np.argpartition(-alike, neighbours - 1, axis=1)[:, :neighbours]
    return normalize(vectors + vectors[nearest].mean(axis=1))


def _keyphrases(matrix: object, vocabulary: np.ndarray, rows: np.ndarray) -> list[str]:
    """The terms that set this group apart: their weight here against their weight overall
    (class-based TF-IDF), pairs of words preferred to a word they contain."""
    if len(vocabulary) == 0:
        return []
    from scipy.sparse import csr_matrix

    assert isinstance(matrix, csr_matrix)
    inside = np.asarray(matrix[rows].sum(axis=0)).ravel()
    overall = np.asarray(matrix.sum(axis=0)).ravel()
    share = inside / (overall + 1e-9)
    score = inside * share
    picked: list[str] = []
    for j in np.argsort(-score, kind="stable"):
        if score[j] <= 0 or len(picked) >= KEYPHRASES:
            break
        term = str(vocabulary[j])
        if any(term in other.split() or term == other for other in picked):
            continue  # "health" after "mental health"
        picked = [other for other in picked if other not in term.split()]  # "mental" before "mental health"
        picked.append(term)
    return picked


def _label(phrases: list[str]) -> str:
    if not phrases:
        return "Other"
    first = phrases[0]
    return first[0].upper() + first[1:]


def assign(
    texts: Sequence[str],
    examples: Mapping[str, Sequence[str]],
    *,
    seed: int = 0,
    embedder: Embedder | None = None,
    refine: bool = True,
    descriptions: Mapping[str, str] | None = None,
) -> list[Assignment]:
    """Put each of ``texts`` in the nearest of the themes, each known by the texts people put in
    it (``examples``: theme → texts) and, when given, by what people called it
    (``descriptions``: theme → its name and description, counted as one more example). With
    ``refine``, the themes' centres are moved a few times towards the new texts nearest them
    (texts people tagged stay where they are)."""
    themes = [name for name, given in examples.items() if any(words(t) for t in given)]
    if not themes:
        raise NothingToTheme("No theme has any tagged contributions with words to go on")
    if not texts:
        return []
    embedder = embedder or Lexical(seed=seed)
    known = [(name, text) for name in themes for text in examples[name] if words(text)]
    described = descriptions or {}
    known += [(name, described[name]) for name in themes if words(described.get(name, ""))]
    vectors = embedder.embed([text for _, text in known] + list(texts))
    tagged, new = vectors[: len(known)], vectors[len(known) :]
    owner = np.array([themes.index(name) for name, _ in known])
    centres = _centres(tagged, owner, len(themes))
    if refine and len(texts) >= len(themes):
        for _ in range(10):
            nearest = np.argmax(new @ centres.T, axis=1)
            moved = _centres(np.vstack([tagged, new]), np.concatenate([owner, nearest]), len(themes))
            if np.allclose(moved, centres):
                break
            centres = moved
    similarity = new @ centres.T
    answers: list[Assignment] = []
    for i, row in enumerate(similarity):
        if not words(texts[i]):
            answers.append(Assignment(theme=None, confidence=0.0, nearest=None))
            continue
        order = np.argsort(-row, kind="stable")
        best = float(row[order[0]])
        second = float(row[order[1]]) if len(order) > 1 else -1.0
        confidence = (
            max(0.0, min(1.0, (best - second) / (abs(best) + 1e-9))) if len(order) > 1 else max(0.0, best)
        )
        sure = best >= NOT_SURE_BELOW and best - second >= NOT_SURE_MARGIN
        name = themes[int(order[0])]
        answers.append(
            Assignment(theme=name if sure else None, confidence=round(confidence, 3), nearest=name)
        )
    return answers


def _centres(vectors: np.ndarray, owner: np.ndarray, count: int) -> np.ndarray:
    centres = np.zeros((count, vectors.shape[1]))
    for c in range(count):
        rows = vectors[owner == c]
        if len(rows):
            centre = rows.mean(axis=0)
            norm = np.linalg.norm(centre)
            centres[c] = centre / norm if norm else centre
    return centres


def similar(
    texts: Sequence[str],
    examples: Sequence[str],
    *,
    top: int = 20,
    seed: int = 0,
    embedder: Embedder | None = None,
) -> list[tuple[int, float]]:
    """The ``texts`` most like the ``examples`` (closest to their centre), most alike first, as
    (index into ``texts``, similarity from -1 to 1). Texts with no words are never offered."""
    usable = [i for i, text in enumerate(texts) if words(text)]
    known = [text for text in examples if words(text)]
    if not usable or not known:
        return []
    embedder = embedder or Lexical(seed=seed)
    vectors = embedder.embed(known + [texts[i] for i in usable])
    centre = vectors[: len(known)].mean(axis=0)
    norm = np.linalg.norm(centre)
    if not norm:
        return []
    scores = vectors[len(known) :] @ (centre / norm)
    order = np.argsort(-scores, kind="stable")[:top]
    return [(usable[int(j)], round(float(scores[j]), 3)) for j in order if scores[j] > 0]


def closest_themes(
    suggested: Sequence[Sequence[str]],
    confirmed: Mapping[str, Sequence[str]],
    *,
    at_least: float = 0.5,
    seed: int = 0,
    embedder: Embedder | None = None,
) -> list[str | None]:
    """For each suggested group of texts, the confirmed theme it is most like, if its centre is
    at least ``at_least`` alike (cosine): a hint that the two might be merged. None otherwise."""
    names = [name for name, given in confirmed.items() if any(words(t) for t in given)]
    groups = [[t for t in group if words(t)] for group in suggested]
    if not names or not any(groups):
        return [None] * len(suggested)
    embedder = embedder or Lexical(seed=seed)
    known = [[t for t in confirmed[name] if words(t)] for name in names]
    flat = [t for group in known + groups for t in group]
    vectors = embedder.embed(flat)
    centres, start = [], 0
    for group in known + groups:
        part = vectors[start : start + len(group)]
        start += len(group)
        centre = part.mean(axis=0) if len(part) else np.zeros(vectors.shape[1])
        norm = np.linalg.norm(centre)
        centres.append(centre / norm if norm else centre)
    theirs, ours = np.array(centres[: len(names)]), centres[len(names) :]
    answers: list[str | None] = []
    for centre, group in zip(ours, groups, strict=True):
        if not group:
            answers.append(None)
            continue
        scores = theirs @ centre
        best = int(np.argmax(scores))
        answers.append(names[best] if scores[best] >= at_least else None)
    return answers
