"""The meaning model: found only when its files are the expected ones, and embedding for real."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sidebyside.insights.engine.semantic import (
    ALIKE_PAIRS,
    DEFAULT_MODEL_SHA256,
    DEFAULT_TOKENIZER_SHA256,
    Known,
    Semantic,
    locate,
    sha256_of,
    tells_alike_from_unlike,
)
from sidebyside.insights.engine.themes import assign, suggest


@pytest.fixture(scope="module")
def model() -> Semantic:
    found = locate()
    assert found.files is not None, found.reason  # the pinned packages are installed
    return Semantic(found.files)


def test_the_installed_model_is_found_and_checked() -> None:
    found = locate()
    assert found.files is not None
    assert found.reason == ""
    assert sha256_of(found.files.model) == DEFAULT_MODEL_SHA256
    assert sha256_of(found.files.tokenizer) == DEFAULT_TOKENIZER_SHA256


def test_turned_off_or_misconfigured_says_why(tmp_path: Path) -> None:
    assert locate(enabled=False).reason == "The meaning model is turned off on this server"
    assert "checksums are not" in locate(folder=str(tmp_path)).reason
    missing = locate(folder=str(tmp_path), model_sha256="a" * 64, tokenizer_sha256="b" * 64)
    assert (missing.files, missing.reason) == (None, "The meaning model's model file is missing")


def test_a_file_that_is_not_the_expected_one_is_not_used(tmp_path: Path) -> None:
    installed = locate().files
    assert installed is not None
    shutil.copy(installed.model, tmp_path / "model.onnx")
    shutil.copy(installed.tokenizer, tmp_path / "tokenizer.json")
    shas = {"model_sha256": DEFAULT_MODEL_SHA256, "tokenizer_sha256": DEFAULT_TOKENIZER_SHA256}
    good = locate(folder=str(tmp_path), model_id="ours", **shas)
    assert good.files is not None
    assert good.files.model_id == "ours"

    with (tmp_path / "tokenizer.json").open("a") as handle:
        handle.write(" ")  # one byte more
    changed = locate(folder=str(tmp_path), **shas)
    assert changed.files is None
    assert (
        changed.reason == "The meaning model's tokenizer file is not the one expected (its checksum differs)"
    )


class Made:
    """An embedder whose vectors are made by ``rule`` from each text's place in the check."""

    def __init__(self, rule: Any) -> None:
        self.rule = rule

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.array([self.rule(i) for i in range(len(texts))], dtype=np.float32)


def test_a_model_must_find_each_sentence_nearest_its_own_pair(model: Semantic) -> None:
    assert tells_alike_from_unlike(model)  # the installed model
    pairs = len(ALIKE_PAIRS)
    rng = np.random.default_rng(0)
    # Each pair along its own direction, with a little noise: as a working model's would be.
    good = Made(lambda i: np.eye(pairs)[i // 2] + rng.normal(0, 0.05, pairs))
    assert tells_alike_from_unlike(good)
    # All alike, as 8-bit sums that overflowed made them: nearest is anyone's.
    alike = Made(lambda i: np.ones(pairs) + rng.normal(0, 0.05, pairs))
    assert not tells_alike_from_unlike(alike)
    # One sentence nearer another pair than its own.
    crossed = Made(lambda i: np.eye(pairs)[(i + 1) // 2 % pairs] + rng.normal(0, 0.01, pairs))
    assert not tells_alike_from_unlike(crossed)
    assert not tells_alike_from_unlike(Made(lambda i: np.eye(2 * pairs)[i]))  # each on its own
    assert not tells_alike_from_unlike(Made(lambda i: np.full(pairs, np.nan)))


def test_texts_that_mean_the_same_are_close(model: Semantic) -> None:
    vectors = model.embed(
        [
            "I waited three months to see a doctor about my depression",
            "The mental health waiting list is far too long",
            "My benefits were stopped and I had no money for food",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1


def test_same_input_same_vectors_and_odd_texts_do_not_break_it(model: Semantic) -> None:
    odd = ["", "🙂🙂🙂", "مرحبا بكم في المركز", "word " * 2000, "<script>alert(1)</script>"]
    first, second = model.embed(odd), model.embed(odd)
    assert np.array_equal(first, second)
    assert np.isfinite(first).all()


def test_assign_with_the_meaning_model_places_a_paraphrase(model: Semantic) -> None:
    examples = {
        "Mental health": ["Nobody helped with my anxiety", "I could not get counselling"],
        "Money": ["Universal Credit was cut", "I could not pay the gas bill"],
    }
    answers = assign(
        ["My therapist appointment was cancelled again", "The sanction left me without cash for weeks"],
        examples,
        embedder=Known({}, model, name="semantic"),
        descriptions={"Mental health": "Mental health", "Money": "Money and benefits"},
    )
    assert [a.nearest for a in answers] == ["Mental health", "Money"]


def test_texts_said_many_times_over_make_one_theme_each(model: Semantic) -> None:
    """200 texts with one or two different ones among them: the model's vectors of the same
    text are the same (kept once per text, as the app keeps them), and no main directions are
    made from rounding noise, which normalising would have made as long as real ones."""
    same = suggest(["The kettle is broken"] * 200, count=5, embedder=Known({}, model, name="semantic"))
    assert [len(t.members) for t in same.themes] == [200]
    texts = ["The kettle is broken", "No heating in the hostel"] * 100
    two = suggest(texts, count=5, embedder=Known({}, model, name="semantic"))
    assert sorted(len(t.members) for t in two.themes) == [100, 100]
    assert len({two.labels[i] for i in range(0, 200, 2)}) == 1
