"""Which embedder the theming runs use, and the contributions' vectors kept between runs.

The meaning model (``engine.semantic``) is used when it is installed and its files are the ones
expected; otherwise the word-based one (``engine.embedders.Lexical``), and the pages say so.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from sidebyside.insights.engine.embedders import Embedder, Lexical
from sidebyside.insights.engine.semantic import UNSOUND, Known, Located, Semantic, load, locate
from sidebyside.insights.models import ContributionVector, ModelCheck
from sidebyside.voices.models import Contribution

logger = logging.getLogger(__name__)
_lock = threading.Lock()
# One embedding at a time in a process: a run and the worker's loop that reads new contributions
# take turns, so the model keeps to its INSIGHTS_MODEL_THREADS and the web server keeps the rest.
_embedding = threading.Lock()
_loaded: dict[tuple[Any, ...], tuple[Located, Semantic | None]] = {}


def _settings_key() -> tuple[Any, ...]:
    return (
        settings.INSIGHTS_SEMANTIC,
        settings.INSIGHTS_MODEL_DIR,
        settings.INSIGHTS_MODEL_SHA256,
        settings.INSIGHTS_TOKENIZER_SHA256,
        settings.INSIGHTS_MODEL_THREADS,
        settings.INSIGHTS_LARGER_MODEL,
        str(settings.INSIGHTS_MODELS_DIR),
    )


def located() -> Located:
    """Whether the meaning model can be used here (checksums checked once per process)."""
    key = _settings_key()
    with _lock:
        if key in _loaded:
            return _loaded[key][0]
    found = locate(
        enabled=settings.INSIGHTS_SEMANTIC,
        folder=settings.INSIGHTS_MODEL_DIR,
        model_sha256=settings.INSIGHTS_MODEL_SHA256,
        tokenizer_sha256=settings.INSIGHTS_TOKENIZER_SHA256,
        larger_in=str(settings.INSIGHTS_MODELS_DIR) if settings.INSIGHTS_LARGER_MODEL else "",
    )
    with _lock:
        _loaded.setdefault(key, (found, None))
        return _loaded[key][0]


def semantic() -> Semantic | None:
    """The meaning model, loaded once per process; None when it cannot be used.

    Once loaded, it must tell alike sentences from unlike ones (``tells_alike_from_unlike``,
    a fraction of a second): a model that does not (its arithmetic gone wrong on this processor)
    is not used, and ``located`` says why from then on in this process."""
    found = located()
    if found.files is None:
        return None
    key = _settings_key()
    with _lock:
        model = _loaded[key][1]
        if model is None:
            model_id = found.files.model_id
            found, model = load(found, threads=settings.INSIGHTS_MODEL_THREADS)
            if model is None:
                logger.error("meaning model unsound", extra={"object_type": "insights.model"})
            _loaded[key] = (found, model)
            _record_check(model_id, sound=model is not None)
        return model


def _record_check(model_id: str, *, sound: bool) -> None:
    """Tell the web processes what this process found (they never load the model themselves)."""
    try:
        ModelCheck.objects.update_or_create(
            model_id=model_id, defaults={"sound": sound, "checked_at": timezone.now()}
        )
    except DatabaseError:  # the database is away: the next process to load the model says it
        logger.warning("meaning model check not recorded", extra={"object_type": "insights.model"})


def worker_found_unsound(model_id: str) -> bool:
    """Whether the worker, loading this model, found it gives wrong answers on its processor."""
    return ModelCheck.objects.filter(model_id=model_id, sound=False).exists()


def for_pages() -> Located:
    """``located`` as a page should say it: no model when the files are there but the worker found
    the model unsound, so that no one is asked to wait for vectors the worker will not make."""
    found = located()
    if found.files is not None and worker_found_unsound(found.files.model_id):
        return Located(None, UNSOUND)
    return found


def health_report() -> str:
    """What /health/ says of the meaning model (``core.health``): in use, waiting for a worker to
    load it, found unsound by the worker, or not in use and why."""
    found = located()
    if found.files is None:
        return f"not in use: {found.reason}"
    check = ModelCheck.objects.filter(model_id=found.files.model_id).first()
    if check is None:
        return f"{found.files.model_id}: not yet loaded by a worker"
    if not check.sound:
        return f"{found.files.model_id}: {UNSOUND}"
    return f"{found.files.model_id}: ok"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _kept_vectors(
    rows: Sequence[tuple[int, str]], hashes: dict[int, str], model_id: str
) -> dict[str, np.ndarray]:
    """The kept vectors of these (id, text) rows made by ``model_id`` from their present words,
    by text."""
    texts = dict(rows)
    kept = ContributionVector.objects.filter(contribution_id__in=list(hashes), model_id=model_id).values_list(
        "contribution_id", "text_sha256", "vector"
    )
    return {
        texts[pk]: np.frombuffer(bytes(raw), dtype="<f2").astype(np.float32)
        for pk, sha, raw in kept.iterator(chunk_size=2000)
        if hashes.get(pk) == sha
    }


def for_contributions(
    rows: Sequence[tuple[int, str]], *, seed: int = 0, progress: Callable[[int], Any] | None = None
) -> Embedder:
    """An embedder for these (id, text) rows: the meaning model with every row's vector ready
    (kept ones read back, the others made now and kept), or the word-based one.

    ``progress`` is called with how many rows have vectors so far."""
    model = semantic()
    if model is None:
        return Lexical(seed=seed)
    hashes = {pk: text_sha256(text) for pk, text in rows}
    vectors = _kept_vectors(rows, hashes, model.model_id)
    todo = [(pk, text) for pk, text in rows if text not in vectors]
    done_before = len(rows) - len(todo)
    if progress is not None:
        progress(done_before)
    step = 500
    for start in range(0, len(todo), step):
        chunk = todo[start : start + step]
        made = _embed_and_keep(model, chunk, hashes)
        assert made is not None  # it waited for its turn
        for (_, text), row in zip(chunk, made, strict=True):
            vectors[text] = row.astype("<f2").astype(np.float32)  # as it will be read back
        if progress is not None:
            progress(done_before + start + len(chunk))
    return Known(vectors, model, name=model.name)


def _embed_and_keep(
    model: Semantic, chunk: Sequence[tuple[int, str]], hashes: dict[int, str], *, wait: bool = True
) -> np.ndarray | None:
    """Embed these (id, text) rows and keep their vectors in place of any kept before; None,
    without waiting, if another thread of this process is embedding and ``wait`` is false. Two
    workers keeping the same contribution at once is harmless: the same words make the same
    vector, and the second insert is left out."""
    if not _embedding.acquire(blocking=wait):
        return None
    try:
        made = model.embed([text for _, text in chunk])
    finally:
        _embedding.release()
    with transaction.atomic():
        ContributionVector.objects.filter(contribution_id__in=[pk for pk, _ in chunk]).delete()
        ContributionVector.objects.bulk_create(
            [
                ContributionVector(
                    contribution_id=pk,
                    model_id=model.model_id,
                    text_sha256=hashes[pk],
                    vector=row.astype("<f2").tobytes(),
                )
                for (pk, _), row in zip(chunk, made, strict=True)
            ],
            ignore_conflicts=True,
        )
    return made


AHEAD_SCAN = 500  # contributions the worker looks at in one round of ``embed_ahead``
AHEAD_EMBED = 64  # and embeds at most (one core: 0.2 s with the small model, 0.65 s the larger)
AHEAD_AGAIN_SECONDS = 60 * 60  # how long after going through them all it goes through them again
_ahead_marks: dict[str, int] = {}  # by model: the last contribution looked at, in this process
_ahead_starts: dict[str, float] = {}  # by model: when this process last began from the start


def embed_ahead(*, worker: str = "") -> int:
    """A worker loop: give contributions their meaning vectors as they arrive, ahead of any run,
    so that runs find them ready and the pages that can use kept vectors (how a theme could be
    split, contributions like a theme's) use meaning rather than words.

    Each round looks at the next ``AHEAD_SCAN`` contributions after the last one looked at (kept
    in this process: a worker that starts again goes through them from the start, and embeds only
    those without a vector made from their present words). Concerns raised for safeguarding and
    hidden contributions are left out, as runs leave them out. Returns how many it looked at (0:
    nothing new), so the worker goes round again at once while there is more.

    Having come to the newest, it goes through them all again once an hour
    (``AHEAD_AGAIN_SECONDS``) has passed since it last began from the start: words changed by a
    redaction lost their vector, and a contribution shown again after being hidden, or no longer
    a concern, never had one. Those already kept cost a look at their hash, nothing more.
    """
    found = located()
    if found.files is None:
        return 0
    model_id = found.files.model_id
    _ahead_starts.setdefault(model_id, time.monotonic())
    rows = list(
        Contribution.objects.filter(pk__gt=_ahead_marks.get(model_id, 0), safeguarding_at__isnull=True)
        .exclude(state=Contribution.State.HIDDEN)
        .order_by("pk")
        .values_list("pk", "text")[:AHEAD_SCAN]
    )
    if not rows:
        if time.monotonic() - _ahead_starts[model_id] >= AHEAD_AGAIN_SECONDS:
            _ahead_marks[model_id] = 0  # from the start again, next round
            _ahead_starts[model_id] = time.monotonic()
        return 0
    hashes = {pk: text_sha256(text) for pk, text in rows}
    kept = dict(
        ContributionVector.objects.filter(contribution_id__in=list(hashes), model_id=model_id).values_list(
            "contribution_id", "text_sha256"
        )
    )
    todo: list[tuple[int, str]] = []
    looked = 0
    for pk, text in rows:
        if len(todo) == AHEAD_EMBED:
            break  # the rest next round: the worker's other loops are not kept waiting
        looked += 1
        if kept.get(pk) != hashes[pk]:
            todo.append((pk, text))
    if todo:
        model = semantic()
        if model is None or _embed_and_keep(model, todo, hashes, wait=False) is None:
            return 0  # a run is embedding: it has the model's thread; this tries again next round
    _ahead_marks[model_id] = rows[looked - 1][0]
    return looked


def kept_only(rows: Sequence[tuple[int, str]], *, seed: int = 0) -> tuple[Embedder, int]:
    """For a page: the meaning model's kept vectors when every row has one (nothing is embedded
    and the model is not loaded), else the word-based embedder. Also how many rows had no kept
    vector (0 when the model cannot be used here at all: then there is nothing to wait for)."""
    found = located()
    if found.files is None:
        return Lexical(seed=seed), 0
    hashes = {pk: text_sha256(text) for pk, text in rows}
    vectors = _kept_vectors(rows, hashes, found.files.model_id)
    missing = sum(1 for _, text in rows if text not in vectors)
    if missing:
        # Nothing to wait for when the worker will not read them: the page says why instead.
        return Lexical(seed=seed), 0 if worker_found_unsound(found.files.model_id) else missing
    return Known(vectors, fallback=None, name="semantic"), 0


def forget_words(contribution_id: int) -> None:
    """The words changed: the vector made from the old ones goes."""
    ContributionVector.objects.filter(contribution_id=contribution_id).delete()
