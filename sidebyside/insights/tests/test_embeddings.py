"""Contributions' vectors: made once, read back, and gone when the words change."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from sidebyside.hubs.models import Hub
from sidebyside.insights import embeddings
from sidebyside.insights.engine import semantic
from sidebyside.insights.engine.embedders import Lexical
from sidebyside.insights.engine.semantic import UNSOUND, Semantic
from sidebyside.insights.models import ContributionVector, ModelCheck
from sidebyside.voices.models import Contribution

pytestmark = pytest.mark.django_db


def said(hub: Hub, *texts: str) -> list[Contribution]:
    now = timezone.now()
    return [
        Contribution.objects.create(hub=hub, text=text, said_at=now, channel="paper", state="shown")
        for text in texts
    ]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many texts the model was asked to embed, call by call."""
    calls: list[int] = []
    embeddings.semantic()  # loaded, and checked, before counting
    real = Semantic.embed

    def embed(self: Semantic, texts: Any, progress: Any = None) -> np.ndarray:
        calls.append(len(texts))
        return real(self, texts, progress)

    monkeypatch.setattr(Semantic, "embed", embed)
    return calls


def test_each_text_is_embedded_once(hub: Hub, counted: list[int]) -> None:
    rows = said(hub, "The hostel is damp", "Nobody rang me back", "I need a key worker")
    pairs = [(c.pk, c.text) for c in rows]
    seen: list[int] = []
    first = embeddings.for_contributions(pairs, progress=seen.append)
    assert first.name == "semantic"
    assert counted == [3]
    assert seen == [0, 3]
    assert ContributionVector.objects.count() == 3

    again = embeddings.for_contributions(pairs)
    assert counted == [3]  # nothing embedded the second time
    assert np.allclose(first.embed([r.text for r in rows]), again.embed([r.text for r in rows]))


def test_new_words_mean_a_new_vector(hub: Hub, counted: list[int]) -> None:
    row = said(hub, "Call me on 07700 900123 about the hostel")[0]
    embeddings.for_contributions([(row.pk, row.text)])
    row.text = "Call me on [removed] about the hostel"
    row.save(update_fields=["text"])  # as a redaction does
    assert not ContributionVector.objects.exists()  # the vector of the old words is gone
    embeddings.for_contributions([(row.pk, row.text)])
    assert counted == [1, 1]
    kept = ContributionVector.objects.get()
    assert kept.text_sha256 == embeddings.text_sha256(row.text)


def test_other_saves_keep_the_vector(hub: Hub) -> None:
    row = said(hub, "More groups in the evening")[0]
    embeddings.for_contributions([(row.pk, row.text)])
    row.state = "hidden"
    row.save(update_fields=["state"])
    assert ContributionVector.objects.count() == 1


def test_turned_off_means_words_only(hub: Hub, settings: Any) -> None:
    settings.INSIGHTS_SEMANTIC = False
    row = said(hub, "More groups in the evening")[0]
    assert isinstance(embeddings.for_contributions([(row.pk, row.text)]), Lexical)
    assert not ContributionVector.objects.exists()


def test_a_model_that_cannot_tell_alike_from_unlike_is_not_used(
    hub: Hub, settings: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings.INSIGHTS_MODEL_THREADS = 3  # settings of its own: loaded afresh in this process
    assert embeddings.located().files is not None  # found, and its files check out
    monkeypatch.setattr(semantic, "tells_alike_from_unlike", lambda model: False)
    row = said(hub, "More groups in the evening")[0]
    assert isinstance(embeddings.for_contributions([(row.pk, row.text)]), Lexical)
    assert not ContributionVector.objects.exists()
    assert embeddings.located().files is None  # from now on, in this process
    assert embeddings.located().reason == UNSOUND
    assert embeddings.embed_ahead() == 0
    assert [r.message for r in caplog.records if r.levelname == "ERROR"] == ["meaning model unsound"]
    # Said where the web processes, which never load the model, can read it.
    check = ModelCheck.objects.get()
    assert not check.sound
    assert embeddings.worker_found_unsound(check.model_id)


def test_a_sound_model_is_recorded_as_sound(settings: Any) -> None:
    settings.INSIGHTS_MODEL_THREADS = 2  # settings of their own: loaded afresh in this process
    found = embeddings.located().files
    assert found is not None
    # An earlier load found it unsound (on another processor, say).
    ModelCheck.objects.create(model_id=found.model_id, sound=False, checked_at=timezone.now())
    assert embeddings.semantic() is not None
    assert ModelCheck.objects.get().sound  # the verdict of the last load stands
    assert not embeddings.worker_found_unsound(found.model_id)


def test_pages_ask_no_one_to_wait_for_vectors_the_worker_will_not_make(hub: Hub) -> None:
    found = embeddings.located().files
    assert found is not None
    rows = [(c.pk, c.text) for c in said(hub, "The hostel is damp", "Nobody rang me back")]
    embedder, missing = embeddings.kept_only(rows)
    assert (embedder.name, missing) == ("lexical", 2)  # the worker has not read them yet
    assert embeddings.for_pages() == embeddings.located()
    # The worker (another process) loaded the model and found it gives wrong answers there.
    ModelCheck.objects.create(model_id=found.model_id, sound=False, checked_at=timezone.now())
    embedder, missing = embeddings.kept_only(rows)
    assert (embedder.name, missing) == ("lexical", 0)  # nothing to wait for
    assert embeddings.for_pages().files is None
    assert embeddings.for_pages().reason == UNSOUND
    assert embeddings.located().files is not None  # this process's own finding is unchanged
    # A verdict on another model (one made before) says nothing of this one.
    ModelCheck.objects.all().update(model_id="an-earlier-model")
    assert embeddings.kept_only(rows)[1] == 2


def test_health_says_what_the_worker_found_of_the_model(client: Any, settings: Any) -> None:
    from sidebyside.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(worker_id="w1", last_seen=timezone.now())
    found = embeddings.located().files
    assert found is not None

    def said_of_model() -> str:
        response = client.get("/health/")
        assert response.status_code == 200  # the platform works either way
        return str(response.json()["meaning_model"])

    assert said_of_model() == f"{found.model_id}: not yet loaded by a worker"
    ModelCheck.objects.create(model_id=found.model_id, sound=True, checked_at=timezone.now())
    assert said_of_model() == f"{found.model_id}: ok"
    ModelCheck.objects.filter(model_id=found.model_id).update(sound=False)
    assert said_of_model() == f"{found.model_id}: {UNSOUND}"
    settings.INSIGHTS_SEMANTIC = False
    assert said_of_model() == "not in use: The meaning model is turned off on this server"


def test_the_worker_gives_new_contributions_their_vectors_ahead_of_any_run(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    if embeddings.located().files is None:
        pytest.skip("the meaning model is not installed here")
    monkeypatch.setattr(embeddings, "_ahead_marks", {})
    monkeypatch.setattr(embeddings, "AHEAD_EMBED", 2)
    now = timezone.now()

    def said(text: str, **fields: Any) -> Contribution:
        values = {"state": "shown"} | fields
        return Contribution.objects.create(hub=hub, text=text, said_at=now, channel="paper", **values)

    first = [said("Damp hostel"), said("Benefits late"), said("Bus fares")]
    said("Something worrying", safeguarding_at=now)
    said("Hidden by a facilitator", state="hidden")
    assert embeddings.embed_ahead(worker="w") == 2  # at most two embedded a round
    assert embeddings.embed_ahead(worker="w") == 1
    assert embeddings.embed_ahead(worker="w") == 0  # nothing new; the concern and the hidden one left out
    assert set(ContributionVector.objects.values_list("contribution_id", flat=True)) == {c.pk for c in first}
    later = said("Evening sessions, please")
    assert embeddings.embed_ahead(worker="w") == 1
    assert ContributionVector.objects.filter(contribution=later).exists()

    # A worker that starts again goes through them all, but embeds nothing already kept.
    monkeypatch.setattr(embeddings, "_ahead_marks", {})
    monkeypatch.setattr(embeddings, "semantic", lambda: pytest.fail("nothing needed embedding"))
    assert embeddings.embed_ahead(worker="w") == 4
    assert embeddings.embed_ahead(worker="w") == 0


def test_the_worker_goes_through_them_all_again_for_words_changed_or_shown_again(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redaction deletes the vector of the old words, and a contribution hidden when the loop
    passed it had none: once an hour the loop begins from the start again and gives them theirs."""
    if embeddings.located().files is None:
        pytest.skip("the meaning model is not installed here")
    monkeypatch.setattr(embeddings, "_ahead_marks", {})
    monkeypatch.setattr(embeddings, "_ahead_starts", {})
    clock = [1000.0]
    monkeypatch.setattr(embeddings.time, "monotonic", lambda: clock[0])
    now = timezone.now()
    hidden = Contribution.objects.create(  # before the other: below the loop's mark
        hub=hub, text="Bus fares", said_at=now, channel="paper", state="hidden"
    )
    redacted = Contribution.objects.create(
        hub=hub, text="Call me on 07700 900123", said_at=now, channel="paper", state="shown"
    )
    assert embeddings.embed_ahead(worker="w") == 1
    assert embeddings.embed_ahead(worker="w") == 0
    redacted.text = "Call me on [removed]"
    redacted.save(update_fields=["text"])  # its vector goes
    hidden.state = "shown"
    hidden.save(update_fields=["state"])
    clock[0] += embeddings.AHEAD_AGAIN_SECONDS - 1
    assert embeddings.embed_ahead(worker="w") == 0  # not yet: the hour is not up
    assert not ContributionVector.objects.exists()
    clock[0] += 1
    assert embeddings.embed_ahead(worker="w") == 0  # the hour is up: from the start next round
    assert embeddings.embed_ahead(worker="w") == 2
    kept = dict(ContributionVector.objects.values_list("contribution_id", "text_sha256"))
    assert kept == {
        redacted.pk: embeddings.text_sha256("Call me on [removed]"),
        hidden.pk: embeddings.text_sha256("Bus fares"),
    }


def test_without_the_meaning_model_nothing_is_embedded_ahead(hub: Hub, settings: Any) -> None:
    settings.INSIGHTS_SEMANTIC = False
    Contribution.objects.create(hub=hub, text="Damp", said_at=timezone.now(), channel="paper", state="shown")
    assert embeddings.embed_ahead(worker="w") == 0


def test_the_loop_waits_while_a_run_is_embedding(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    """One embedding at a time in a worker: the model keeps to its thread."""
    if embeddings.located().files is None:
        pytest.skip("the meaning model is not installed here")
    monkeypatch.setattr(embeddings, "_ahead_marks", {})
    Contribution.objects.create(
        hub=hub, text="Damp hostel", said_at=timezone.now(), channel="paper", state="shown"
    )
    with embeddings._embedding:  # a run is embedding
        assert embeddings.embed_ahead(worker="w") == 0
    assert not ContributionVector.objects.exists()
    assert embeddings.embed_ahead(worker="w") == 1  # next round
    assert ContributionVector.objects.count() == 1
