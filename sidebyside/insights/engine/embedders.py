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

from sidebyside.insights.engine.text import words

LSA_DIMENSIONS = 100


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def terms(text: str) -> list[str]:
    """Words and pairs of neighbouring words ("mental health", "key worker")."""
    found = words(text)
    return found + [f"{a} {b}" for a, b in itertools.pairwise(found)]


def tfidf(texts: Sequence[str]) -> tuple[csr_matrix, np.ndarray]:
    """Each text's words and word pairs, weighted by how rare they are across ``texts``.

    Returns the (texts × terms) matrix, rows L2-normalised, and the terms. A text with no words
    that can carry a theme has an empty row."""
    vectorizer = TfidfVectorizer(
        analyzer=terms, sublinear_tf=True, min_df=1, max_df=0.5 if len(texts) > 20 else 1.0
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no words at all in any text
        return csr_matrix((len(texts), 0)), np.array([], dtype=object)
    return csr_matrix(matrix), vectorizer.get_feature_names_out()


class Lexical:
    """TF-IDF reduced to its main directions (latent semantic analysis): texts that use words
    found together end up close even when they share few words themselves."""

    name = "lexical"

    def __init__(self, *, seed: int = 0, dimensions: int = LSA_DIMENSIONS) -> None:
        self.seed = seed
        self.dimensions = dimensions

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        matrix, _ = tfidf(texts)
        if matrix.shape[1] == 0:
            return np.zeros((len(texts), 1))
        distinct = len({(tuple(row.indices), tuple(np.round(row.data, 9))) for row in matrix})
        dimensions = min(self.dimensions, distinct - 1, matrix.shape[1] - 1)
        if dimensions < 2:  # too few different texts to find directions in
            return np.asarray(matrix.todense())
        reduced = TruncatedSVD(n_components=dimensions, random_state=self.seed).fit_transform(matrix)
        return normalize(reduced)
