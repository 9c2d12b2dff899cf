"""Turning texts into vectors. Every embedder returns one L2-normalised row per text."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from sidebyside.insights.engine.text import BREAK, words_with_breaks

LSA_DIMENSIONS = 100


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def terms(text: str) -> list[str]:
    """Words and pairs of neighbouring words ("mental health", "key worker")."""
    return with_pairs(words_with_breaks(text))


def with_pairs(found: list[str]) -> list[str]:
    """The words (from ``words_with_breaks``) and each two side by side, never across a break."""
    return [w for w in found if w != BREAK] + [
        f"{a} {b}" for a, b in itertools.pairwise(found) if a != BREAK and b != BREAK
    ]


def tfidf(texts: Sequence[str]) -> tuple[csr_matrix, np.ndarray]:
    """Each text's words and word pairs, weighted by how rare they are across ``texts``.

    Returns the (texts × terms) matrix, rows L2-normalised, and the terms. A text with no words
    that can carry a theme has an empty row."""
    return tfidf_of_words([words_with_breaks(text) for text in texts])


def tfidf_of_words(found: Sequence[list[str]]) -> tuple[csr_matrix, np.ndarray]:
    """``tfidf`` for texts already split into words (each text is read once)."""
    vectorizer = TfidfVectorizer(
        analyzer=with_pairs, sublinear_tf=True, min_df=1, max_df=0.5 if len(found) > 20 else 1.0
    )
    try:
        matrix = vectorizer.fit_transform(found)
    except ValueError:  # no words at all in any text
        return csr_matrix((len(found), 0)), np.array([], dtype=object)
    return csr_matrix(matrix), vectorizer.get_feature_names_out()


def distinct_rows(matrix: np.ndarray | csr_matrix, *, enough: int, seed: int = 0) -> int:
    """How many different rows there are, or at least ``enough`` (read from a sample first: a
    million rows need not all be compared to know there are more than a hundred kinds)."""
    rows = matrix.shape[0]
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(rows, size=min(rows, SAMPLE), replace=False))
    found = 0
    for chosen in (sample, np.arange(rows)):
        part = matrix[chosen]
        if isinstance(part, csr_matrix):
            found = len({(tuple(row.indices), tuple(np.round(row.data, 6))) for row in part})
        else:
            dense = np.asarray(part)
            found = len(np.unique(np.round(dense, 6), axis=0)) if dense.shape[1] else 1
        if found >= enough or len(chosen) == rows:
            break
    return found


# Beyond this many texts, the directions (SVD) and the groups (k-means) are found from a sample or
# in mini-batches, so that a million contributions take minutes, not hours.
SAMPLE = 20_000
LARGE = 50_000


class Lexical:
    """TF-IDF reduced to its main directions (latent semantic analysis): texts that use words
    found together end up close even when they share few words themselves."""

    name = "lexical"

    def __init__(self, *, seed: int = 0, dimensions: int = LSA_DIMENSIONS) -> None:
        self.seed = seed
        self.dimensions = dimensions

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_words([words_with_breaks(text) for text in texts])[0]

    def embed_words(self, found: Sequence[list[str]]) -> tuple[np.ndarray, csr_matrix, np.ndarray]:
        """Vectors for texts already split into words, with their TF-IDF matrix and terms (which
        ``themes.suggest`` reuses for keyphrases rather than reading every text again)."""
        matrix, vocabulary = tfidf_of_words(found)
        if matrix.shape[1] == 0:
            return np.zeros((len(found), 1)), matrix, vocabulary
        wanted = min(self.dimensions, matrix.shape[1] - 1) + 1
        distinct = distinct_rows(matrix, enough=wanted, seed=self.seed)
        dimensions = min(self.dimensions, distinct - 1, matrix.shape[1] - 1)
        if dimensions < 2:  # too few different texts to find directions in
            return np.asarray(matrix.todense()), matrix, vocabulary
        svd = TruncatedSVD(n_components=dimensions, random_state=self.seed)
        if matrix.shape[0] > LARGE:
            rng = np.random.default_rng(self.seed)
            svd.fit(matrix[np.sort(rng.choice(matrix.shape[0], size=LARGE, replace=False))])
            reduced = svd.transform(matrix)
        else:
            reduced = svd.fit_transform(matrix)
        return normalize(reduced), matrix, vocabulary
