"""The theming engine on its own: no database."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sidebyside.insights.engine.text import words
from sidebyside.insights.engine.themes import NothingToTheme, assign, default_count, suggest
from sidebyside.insights.evaluate import read_tsv

SMALL = Path(__file__).parent / "data" / "small.tsv"


def small() -> tuple[list[str], list[str]]:
    return read_tsv(SMALL)


def test_words_leave_out_what_says_little() -> None:
    assert words("I don't get why the GP's letters NEVER arrive!! 3 times") == [
        "gps",
        "letters",
        "never",
        "arrive",
    ]


def test_the_marks_of_removed_details_make_no_theme_words() -> None:
    from sidebyside.insights.engine.text import BREAK, words_with_breaks

    assert words("Call [removed] about the damp hostel") == ["call", "damp", "hostel"]
    # No pair is made across the mark: "call damp" was never said.
    assert words_with_breaks("Call [removed] damp hostel") == ["call", BREAK, "damp", "hostel"]
    assert words("I was removed from the list") == ["removed", "list"]
    found = suggest(
        ["Ring [removed] about the damp", "[removed] says the damp is bad", "Damp again [removed]"]
    )
    assert all("removed" not in phrase for theme in found.themes for phrase in theme.keyphrases)


def test_the_same_input_and_seed_give_the_same_themes() -> None:
    _, texts = small()
    first, again = suggest(texts, count=3, seed=7), suggest(texts, count=3, seed=7)
    assert first == again
    assert len(first.themes) == 3
    assert sorted(i for theme in first.themes for i in theme.members) == list(range(len(texts)))
    for theme in first.themes:
        assert theme.label
        assert theme.keyphrases
        assert theme.typical == theme.members[: len(theme.typical)]


def test_themes_come_biggest_first_and_labels_match() -> None:
    _, texts = small()
    result = suggest(texts, count=3, seed=1)
    sizes = [len(t.members) for t in result.themes]
    assert sizes == sorted(sizes, reverse=True)
    for number, theme in enumerate(result.themes):
        assert all(result.labels[i] == number for i in theme.members)


def test_how_many_themes_when_nobody_says() -> None:
    assert default_count(4) == 2
    assert default_count(150) == 9
    assert default_count(1_000_000) == 12


@pytest.mark.parametrize("texts", [[], ["🙂🙂", "👍"], ["   ", "the and of"]])
def test_nothing_with_words_is_a_clear_message(texts: list[str]) -> None:
    with pytest.raises(NothingToTheme, match="no words"):
        suggest(texts)


def test_one_contribution_is_one_theme() -> None:
    result = suggest(["The hostel has damp everywhere"], count=5)
    assert len(result.themes) == 1
    assert result.labels == [0]


def test_identical_texts_make_one_theme_not_a_crash() -> None:
    result = suggest(["Buses are too dear"] * 12, count=4)
    assert len(result.themes) == 1
    assert result.themes[0].members == list(range(12))


def test_texts_with_no_words_are_left_out_not_lost() -> None:
    texts = ["Hostel damp and mould", "🙂", "Damp flat, mould in the hostel", "Benefits sanctions again"]
    result = suggest(texts, count=2)
    assert result.labels[1] == -1
    assert sorted(i for t in result.themes for i in t.members) == [0, 2, 3]


def test_other_languages_and_scripts_do_not_break_it() -> None:
    texts = [
        "نحتاج إلى المزيد من الدعم",
        "Потрібна допомога з житлом",
        "Need help with housing",
        "更多的支持",
    ]
    result = suggest(texts, count=2)
    assert sorted(i for t in result.themes for i in t.members) == [0, 1, 2, 3]


def test_assign_uses_the_examples_people_gave() -> None:
    examples = {
        "housing": ["The hostel is damp", "Waiting for a council flat", "Evicted by my landlord"],
        "money": ["Universal credit sanction", "PIP assessment refused", "Food bank after payment late"],
    }
    answers = assign(["My landlord wants me out of the flat", "Sanctioned on universal credit"], examples)
    assert [a.nearest for a in answers] == ["housing", "money"]
    assert all(0 <= a.confidence <= 1 for a in answers)


def test_assign_says_not_sure_rather_than_guessing() -> None:
    examples = {"housing": ["damp hostel flat"], "money": ["benefit sanction payment"]}
    answers = assign(["🙂", "completely unrelated sentence about weather"], examples, refine=False)
    assert answers[0].theme is None
    assert answers[1].theme is None


def test_assign_needs_a_theme_with_examples() -> None:
    with pytest.raises(NothingToTheme):
        assign(["anything"], {"empty": [], "emoji": ["🙂"]})
    assert assign([], {"housing": ["damp hostel"]}) == []


def test_large_sets_use_a_sample_and_mini_batches_and_stay_deterministic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above ``LARGE`` texts the directions come from a sample and the groups from mini-batches
    (what lets a million contributions be themed in minutes); here ``LARGE`` is made small."""
    from sidebyside.insights.engine import embedders, themes

    monkeypatch.setattr(embedders, "LARGE", 100)
    monkeypatch.setattr(embedders, "SAMPLE", 50)
    monkeypatch.setattr(themes, "LARGE", 100)
    _, texts = read_tsv(Path(__file__).resolve().parents[1] / "evaluation" / "comments.tsv")
    first = suggest(texts, count=12, seed=3)
    again = suggest(texts, count=12, seed=3)
    assert first == again
    assert len(first.themes) == 12
    assert sorted(i for t in first.themes for i in t.members) == list(range(len(texts)))


def test_identical_texts_in_a_large_set_are_still_one_theme(monkeypatch: pytest.MonkeyPatch) -> None:
    from sidebyside.insights.engine import embedders, themes

    monkeypatch.setattr(embedders, "LARGE", 100)
    monkeypatch.setattr(embedders, "SAMPLE", 50)
    monkeypatch.setattr(themes, "LARGE", 100)
    result = suggest(["The kettle is broken"] * 300, count=5)
    assert len(result.themes) == 1
    assert len(result.themes[0].members) == 300


def test_similar_offers_the_closest_first_and_never_empty_texts() -> None:
    from sidebyside.insights.engine.themes import similar

    texts = [
        "The hostel room was damp and cold",
        "🙂",
        "My benefits were sanctioned again",
        "Damp walls and mould in the hostel",
    ]
    found = similar(texts, ["Mould and damp in my hostel room"], top=2)
    assert [i for i, _ in found] == [3, 0] or [i for i, _ in found] == [0, 3]
    assert all(score > 0 for _, score in found)
    assert similar(texts, ["🙂"]) == []
    assert similar([], ["damp"]) == []


def test_closest_themes_hints_a_merge_only_when_close() -> None:
    from sidebyside.insights.engine.themes import closest_themes

    confirmed = {
        "Housing": ["Damp hostel room", "The hostel has mould", "No flat, still in the hostel"],
        "Money": ["Benefits sanctioned", "Universal Credit was late", "No money for gas"],
    }
    hints = closest_themes(
        [["Mould all over the hostel room", "Hostel room is damp"], ["Music at the drop-in"], []],
        confirmed,
        at_least=0.3,
    )
    assert hints == ["Housing", None, None]


def test_meaning_vectors_are_grouped_in_their_main_directions(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from sidebyside.insights.engine import themes

    rng = np.random.default_rng(1)
    many = rng.normal(size=(200, 96))
    reduced = themes.main_directions(many, seed=3)
    assert reduced.shape == (200, themes.MEANING_DIMENSIONS)
    assert np.allclose(np.linalg.norm(reduced, axis=1), 1.0)
    assert np.array_equal(reduced, themes.main_directions(many, seed=3))  # the same every time
    few = many[: themes.MEANING_ROWS_AT_LEAST - 1]
    assert themes.main_directions(few) is few  # too few rows to find directions from
    # Beyond LARGE rows the directions come from a seeded sample, and the answer is still the same.
    monkeypatch.setattr(themes, "LARGE", 150)
    sampled = themes.main_directions(many, seed=3)
    assert sampled.shape == (200, themes.MEANING_DIMENSIONS)
    assert np.array_equal(sampled, themes.main_directions(many, seed=3))


def test_short_forms_say_little_but_words_of_their_own_stay() -> None:
    assert words("I'd rather they'd told me; I've waited and been ill") == ["rather", "waited", "ill"]


def test_one_s_and_its_kind_say_little() -> None:
    assert words("No one's listening, and everyone's tired of the ones in charge") == [
        "listening",
        "tired",
        "charge",
    ]


def test_pairs_of_words_are_only_made_of_words_said_side_by_side() -> None:
    from sidebyside.insights.engine.embedders import terms

    found = terms("The services need to talk to each other, and my key worker never rings")
    assert "key worker" in found
    assert "services talk" not in found  # "to" stood between them
    assert {"services", "talk", "worker"} <= set(found)
    assert terms("to the of") == []
    punctuated = terms("The GP would not listen, GP appointments are short. Hostel staff; drop-in hours")
    assert not {"listen gp", "short hostel", "staff drop"} & set(punctuated)
    assert {"gp appointments", "hostel staff"} <= set(punctuated)


def test_each_meaning_vector_leans_towards_its_nearest_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    from sklearn.preprocessing import normalize

    from sidebyside.insights.engine import themes

    rng = np.random.default_rng(4)
    east = normalize(np.array([1.0, 0.0, 0.0]) + rng.normal(scale=0.05, size=(6, 3)))
    north = normalize(np.array([0.0, 1.0, 0.0]) + rng.normal(scale=0.05, size=(6, 3)))
    between = normalize(np.array([[1.0, 0.8, 0.0]]))  # nearer east than north
    vectors = np.vstack([east, north, between])
    moved = themes.with_neighbours(vectors, neighbours=5)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1.0)
    # The one between moves towards the group it is nearest, and away from the other.
    assert moved[12] @ np.array([1.0, 0, 0]) > vectors[12] @ np.array([1.0, 0, 0])
    assert moved[12] @ np.array([0, 1.0, 0]) < vectors[12] @ np.array([0, 1.0, 0])
    # A row is never its own neighbour: alone with one other, it goes halfway to that one.
    two = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert np.allclose(
        themes.with_neighbours(two, neighbours=1), normalize(np.array([[1.0, 1.0], [1.0, 1.0]]))
    )
    # Too few rows to have that many neighbours: left as they are.
    assert themes.with_neighbours(two, neighbours=2) is two
    # Compared a block at a time, the answer is the same as all at once, and the same each time.
    monkeypatch.setattr(themes, "NEIGHBOURS_BLOCK", 4)
    assert np.array_equal(themes.with_neighbours(vectors, neighbours=5), moved)


def test_a_group_left_empty_is_no_theme(monkeypatch: pytest.MonkeyPatch) -> None:
    from sidebyside.insights.engine import themes

    class Lopsided:
        def __init__(self, n_clusters: int, **_: object) -> None:
            self.k = n_clusters

        def fit(self, vectors: np.ndarray) -> Lopsided:
            self.labels_ = np.array([0] * (len(vectors) - 1) + [2])  # group 1 has nobody
            self.cluster_centers_ = np.zeros((self.k, vectors.shape[1]))
            return self

    monkeypatch.setattr(themes, "KMeans", Lopsided)
    _, texts = small()
    result = suggest(texts, count=3)
    assert [len(t.members) for t in result.themes] == [len(texts) - 1, 1]
    assert set(result.labels) == {0, 1}


def test_one_theme_with_one_example_still_places_a_text_like_it() -> None:
    from sidebyside.insights.engine.embedders import Lexical
    from sidebyside.insights.engine.semantic import Known

    texts = ["The kettle is broken", "kettle broken again", "The kettle in the kitchen is broken"]
    vectors = Lexical(seed=0).embed(texts)
    like_a_model = Known(dict(zip(texts, vectors, strict=True)), fallback=None, name="semantic")
    answers = assign(texts[1:], {"Kitchen": texts[:1]}, embedder=like_a_model)
    assert [a.theme for a in answers] == ["Kitchen", "Kitchen"]


def test_suggest_leans_meaning_vectors_on_their_neighbours_within_its_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sidebyside.insights.engine import themes

    class Meaning:
        name = "semantic"

        def embed(self, texts: list[str]) -> np.ndarray:
            rng = np.random.default_rng(len(texts))
            return themes.normalize(rng.normal(size=(len(texts), 48)))

    leaned: list[int] = []
    real = themes.with_neighbours

    def spy(vectors: np.ndarray) -> np.ndarray:
        leaned.append(len(vectors))
        return real(vectors)

    monkeypatch.setattr(themes, "with_neighbours", spy)
    enough = [f"comment number {i} about the hub" for i in range(themes.MEANING_ROWS_AT_LEAST)]
    suggest(enough, count=3, embedder=Meaning())
    assert leaned == [themes.MEANING_ROWS_AT_LEAST]
    suggest(enough[:-1], count=3, embedder=Meaning())  # too few to lean on neighbours
    suggest(enough, count=3)  # the word-based embedder's groups are left as they are
    monkeypatch.setattr(themes, "NEIGHBOURS_UP_TO", themes.MEANING_ROWS_AT_LEAST - 1)
    suggest(enough, count=3, embedder=Meaning())  # too many to compare each with all the others
    assert leaned == [themes.MEANING_ROWS_AT_LEAST]


def test_words_are_shown_as_people_wrote_them() -> None:
    from sidebyside.insights.engine.text import as_written

    said = [
        "My GP would not see me",
        "Gp receptionist was rude. GP said wait",
        "the gp practice shut",
        "Hostels are cold. Hostels again",  # capitals that only start a sentence
        "Universal Credit was late; my universal credit stopped and Universal Credit never rang",
    ]
    terms = ["gp", "hostels", "universal credit", "housing", "credit stopped"]
    assert as_written(terms, said) == ["GP", "hostels", "Universal Credit", "housing", "credit stopped"]
    assert as_written([], said) == []


def test_suggested_themes_are_named_as_people_wrote_their_words() -> None:
    texts = [f"My GP will not listen, GP appointment number {i}" for i in range(6)] + [
        f"The hostel is damp and the hostel room {i} is cold" for i in range(6)
    ]
    result = suggest(texts, count=2)
    phrases = [phrase for theme in result.themes for phrase in theme.keyphrases]
    assert "GP appointment" in phrases
    assert not any("gp" in phrase.split() for phrase in phrases)
    assert "hostel room" in phrases  # what was written in lower case stays so
