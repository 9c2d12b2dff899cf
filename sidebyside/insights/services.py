"""Writes for themes: each one named, atomic, checked and audited.

The machine's work (``theming_run_start`` → the worker's ``theming_run``) only ever adds
*suggested* themes and *unconfirmed* tags; people confirm, rename, merge, split, move and reject.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.tasks import task
from django.utils import timezone

from sidebyside.core.audit import audit
from sidebyside.insights import embeddings, tallies
from sidebyside.insights.engine import mpnet, semantic
from sidebyside.insights.engine.themes import NothingToTheme, assign, closest_themes, suggest
from sidebyside.insights.models import Tag, Theme, ThemingRun
from sidebyside.voices.models import Contribution

logger = logging.getLogger(__name__)

LIVE = (Theme.Status.SUGGESTED, Theme.Status.CONFIRMED)
# Suggest and assign look at this many contributions at most in one run: the most recent ones.
RUN_LIMIT = 100_000
ASSIGN_BATCH = 2_000
ASSIGN_EXAMPLES = 500  # the most recent tagged contributions of each theme that sorting learns from


# --- Themes ----------------------------------------------------------------------------------


def recount(theme_ids: Iterable[int]) -> None:
    """Count these themes' tags again (``Theme.tag_count`` and ``unsure_count``)."""
    ids = set(theme_ids)
    if not ids:
        return
    counted = {
        theme_id: (n, unsure)
        for theme_id, n, unsure in Tag.objects.filter(theme_id__in=ids)
        .values_list("theme_id")
        .annotate(n=Count("pk", filter=Q(confirmed=True)), unsure=Count("pk", filter=Q(confirmed=False)))
    }
    for theme_id in ids:
        n, unsure = counted.get(theme_id, (0, 0))
        Theme.objects.filter(pk=theme_id).update(tag_count=n, unsure_count=unsure)


@transaction.atomic
def theme_create(
    *,
    actor: Any,
    programme: Any,
    name: str,
    description: str = "",
    colour: str = "",
    parent: Theme | None = None,
) -> Theme:
    theme = Theme(
        programme=programme,
        name=" ".join(name.split()),
        description=description.strip(),
        colour=colour or Theme.Colour.BLUE,
        parent=parent,
        status=Theme.Status.CONFIRMED,
        created_by=actor,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    _check_parent(theme, parent)
    theme.full_clean()
    theme.save()
    audit(actor=actor, action="insights.theme_created", obj=theme)
    return theme


def _check_parent(theme: Theme, parent: Theme | None) -> None:
    if parent is None:
        return
    if parent.programme_id != theme.programme_id:
        raise ValidationError({"parent": "That theme belongs to another programme"})
    if parent.pk == theme.pk or parent.parent_id is not None:
        raise ValidationError(
            {"parent": "A theme can sit under a main theme only, not under itself or a sub-theme"}
        )


@transaction.atomic
def theme_update(*, actor: Any, theme: Theme, lock_version: int | None = None, **changes: Any) -> Theme:
    """Change a theme's name, description, colour or main theme. ``lock_version`` (from the form)
    refuses the change if someone else changed the theme since the form was made."""
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    if lock_version is not None and current.lock_version != lock_version:
        raise ValidationError(
            "Someone else changed this theme while you were editing it: look again, then make your change"
        )
    allowed = {"name", "description", "colour", "parent"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Cannot change {sorted(unknown)}")
    if "name" in changes:
        changes["name"] = " ".join(str(changes["name"]).split())
    for field, value in changes.items():
        setattr(current, field, value)
    _check_parent(current, current.parent)
    current.lock_version += 1
    current.full_clean()
    current.save()
    audit(actor=actor, action="insights.theme_changed", obj=current, fields=sorted(changes))
    return current


@transaction.atomic
def theme_confirm(*, actor: Any, theme: Theme, name: str | None = None) -> Theme:
    """Accept a suggested theme (renamed if ``name`` is given): it and its tags become people's."""
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    if current.status not in LIVE:
        raise ValidationError("That theme was merged or retired: it cannot be confirmed")
    if name is not None:
        current.name = " ".join(name.split())
    current.status = Theme.Status.CONFIRMED
    current.confirmed_by = actor
    current.confirmed_at = timezone.now()
    current.lock_version += 1
    current.full_clean()
    current.save()
    confirmed = Tag.objects.filter(theme=current, confirmed=False).update(
        confirmed=True, updated_at=timezone.now()
    )
    audit(actor=actor, action="insights.theme_confirmed", obj=current, tags=confirmed)
    recount([current.pk])
    tallies.changed(current.programme_id)
    return current


@transaction.atomic
def theme_reject(*, actor: Any, theme: Theme) -> None:
    """Turn down a suggested theme: it goes, with the machine's unconfirmed tags in it."""
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    if current.status != Theme.Status.SUGGESTED:
        raise ValidationError("Only a suggested theme can be turned down; retire a confirmed one instead")
    tags = Tag.objects.filter(theme=current).count()
    audit(actor=actor, action="insights.theme_rejected", obj=current.programme, theme=current.pk, tags=tags)
    current.delete()


@transaction.atomic
def theme_merge(*, actor: Any, source: Theme, target: Theme) -> Theme:
    """Put everything in ``source`` into ``target``; ``source`` is kept, marked as merged into it."""
    if source.pk == target.pk:
        raise ValidationError("A theme cannot be merged into itself: choose another theme")
    if source.programme_id != target.programme_id:
        raise ValidationError("Those themes belong to different programmes")
    themes = {t.pk: t for t in Theme.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = themes[source.pk], themes[target.pk]
    if source.status not in LIVE or target.status not in LIVE:
        raise ValidationError("Only themes that are suggested or confirmed can be merged")
    moved = _move_tags(Tag.objects.filter(theme=source), target)
    Theme.objects.filter(parent=source).update(parent=target if target.parent_id is None else None)
    source.status = Theme.Status.MERGED
    source.merged_into = target
    source.lock_version += 1
    source.save(update_fields=["status", "merged_into", "lock_version", "updated_at"])
    audit(actor=actor, action="insights.theme_merged", obj=source, into=target.pk, tags=moved)
    recount([source.pk, target.pk])
    tallies.changed(target.programme_id)
    return target


def _move_tags(tags: QuerySet[Tag], target: Theme) -> int:
    """Move tags to ``target``; a contribution already there keeps its tag there (the stronger one)."""
    already = set(Tag.objects.filter(theme=target).values_list("contribution_id", flat=True))
    duplicate = tags.filter(contribution_id__in=already)
    for tag in duplicate:
        if tag.confirmed:
            Tag.objects.filter(theme=target, contribution_id=tag.contribution_id).update(
                confirmed=True, source=tag.source, confidence=tag.confidence
            )
    duplicate.delete()
    return tags.update(theme=target, updated_at=timezone.now())


@transaction.atomic
def theme_retire(*, actor: Any, theme: Theme) -> Theme:
    current = Theme.objects.select_for_update().get(pk=theme.pk)
    if current.status == Theme.Status.CONFIRMED:
        current.status = Theme.Status.RETIRED
        current.lock_version += 1
        current.save(update_fields=["status", "lock_version", "updated_at"])
        audit(actor=actor, action="insights.theme_retired", obj=current)
    return current


@transaction.atomic
def theme_split(*, actor: Any, theme: Theme, name: str, contribution_ids: Iterable[int]) -> Theme:
    """Make a new theme from some of a theme's contributions (moved, not copied)."""
    ids = set(contribution_ids)
    if not ids:
        raise ValidationError("Choose the contributions to move into the new theme")
    new = theme_create(
        actor=actor, programme=theme.programme, name=name, colour=theme.colour, parent=theme.parent
    )
    moved = _move_tags(Tag.objects.filter(theme=theme, contribution_id__in=ids), new)
    audit(actor=actor, action="insights.theme_split", obj=theme, into=new.pk, tags=moved)
    recount([theme.pk, new.pk])
    tallies.changed(theme.programme_id)
    return new


# --- Tags ------------------------------------------------------------------------------------


@transaction.atomic
def tags_add(*, actor: Any, theme: Theme, contributions: Iterable[Contribution]) -> int:
    """Put contributions in a theme (people's tags, confirmed). Returns how many were new."""
    if theme.status not in LIVE:
        raise ValidationError("That theme was merged or retired: choose another")
    # Only the theme's programme's contributions, checked in one query rather than one a row.
    rows = list(
        Contribution.objects.filter(
            pk__in=[c.pk for c in contributions], hub__programme_id=theme.programme_id
        )
    )
    existing = Tag.objects.filter(theme=theme, contribution__in=rows)
    existing.filter(confirmed=False).update(confirmed=True, source=Tag.Source.PERSON, tagged_by=actor)
    have = set(existing.values_list("contribution_id", flat=True))
    new = [Tag(contribution=c, theme=theme, tagged_by=actor) for c in rows if c.pk not in have]
    Tag.objects.bulk_create(new, ignore_conflicts=True)
    audit(actor=actor, action="insights.tagged", obj=theme, added=len(new))
    recount([theme.pk])
    tallies.changed(theme.programme_id)
    return len(new)


@transaction.atomic
def tag_remove(*, actor: Any, tag: Tag) -> None:
    audit(actor=actor, action="insights.untagged", obj=tag.theme, contribution=tag.contribution_id)
    tag.delete()
    recount([tag.theme_id])
    tallies.changed(tag.theme.programme_id)


@transaction.atomic
def tag_move(*, actor: Any, tag: Tag, to: Theme) -> Tag | None:
    """Move one contribution from its theme to another (a person's decision, so confirmed)."""
    if to.programme_id != tag.theme.programme_id or to.status not in LIVE:
        raise ValidationError("Choose a theme of this programme that is suggested or confirmed")
    origin = tag.theme_id
    if Tag.objects.filter(theme=to, contribution_id=tag.contribution_id).exists():
        Tag.objects.filter(theme=to, contribution_id=tag.contribution_id).update(
            confirmed=True, tagged_by=actor
        )
        tag.delete()
        moved = None
    else:
        tag.theme = to
        tag.confirmed = True
        tag.source = Tag.Source.PERSON
        tag.tagged_by = actor
        tag.save()
        moved = tag
    audit(actor=actor, action="insights.tag_moved", obj=to, origin=origin)
    recount([origin, to.pk])
    tallies.changed(to.programme_id)
    return moved


@transaction.atomic
def tag_confirm(*, actor: Any, tag: Tag) -> Tag:
    """A person agrees with the machine: the contribution belongs in this theme."""
    if not tag.confirmed:
        tag.confirmed = True
        tag.tagged_by = actor
        tag.save(update_fields=["confirmed", "tagged_by", "updated_at"])
        audit(actor=actor, action="insights.tag_confirmed", obj=tag.theme, contribution=tag.contribution_id)
        recount([tag.theme_id])
        tallies.changed(tag.theme.programme_id)
    return tag


@dataclass(frozen=True)
class TagState:
    """A tag as it was, so that a move or a removal can be undone exactly."""

    contribution_id: int
    theme_id: int
    source: str
    confidence: float | None
    confirmed: bool
    tagged_by_id: int | None

    @classmethod
    def of(cls, tag: Tag) -> TagState:
        return cls(
            tag.contribution_id, tag.theme_id, tag.source, tag.confidence, tag.confirmed, tag.tagged_by_id
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@transaction.atomic
def tag_restore(*, actor: Any, was: TagState, now_in: int | None = None) -> Tag:
    """Undo: put a contribution back in the theme it was in, as it was there. ``now_in`` is the
    theme it was moved to (its tag there goes), or None after a removal."""
    theme = Theme.objects.select_for_update().get(pk=was.theme_id)
    if theme.status not in LIVE:
        raise ValidationError("That theme was merged or retired since: it cannot be undone")
    if now_in is not None:
        Tag.objects.filter(theme_id=now_in, contribution_id=was.contribution_id).delete()
    tag, _ = Tag.objects.update_or_create(
        theme=theme,
        contribution_id=was.contribution_id,
        defaults={
            "source": was.source,
            "confidence": was.confidence,
            "confirmed": was.confirmed,
            "tagged_by_id": was.tagged_by_id,
        },
    )
    audit(actor=actor, action="insights.tag_restored", obj=theme, contribution=was.contribution_id)
    recount([theme.pk] + ([now_in] if now_in is not None else []))
    tallies.changed(theme.programme_id)
    return tag


# --- The machine's runs -------------------------------------------------------------------------


def run_contributions(run: ThemingRun) -> QuerySet[Contribution]:
    """The contributions a run looks at: the programme's, narrowed as the run says; never any
    flagged for safeguarding or hidden by a facilitator."""
    rows = Contribution.objects.filter(
        hub__programme_id=run.programme_id, safeguarding_at__isnull=True
    ).exclude(state=Contribution.State.HIDDEN)
    if run.hub_id:
        rows = rows.filter(hub_id=run.hub_id)
    if run.gathering_id:
        rows = rows.filter(gathering_id=run.gathering_id)
    if run.prompt_id:
        rows = rows.filter(prompt_id=run.prompt_id)
    if run.said_from:
        rows = rows.filter(said_at__date__gte=run.said_from)
    if run.said_to:
        rows = rows.filter(said_at__date__lte=run.said_to)
    return rows


def latest_rows(rows: QuerySet[Contribution]) -> list[tuple[int, str]]:
    """(id, text) of the ``RUN_LIMIT`` most recently stored of ``rows``, oldest first: past the
    limit a run looks at what people said lately, not at the first years; the same choices over
    the same contributions still give the same input in the same order."""
    latest = list(rows.order_by("-pk").values_list("pk", "text")[:RUN_LIMIT])
    latest.reverse()
    return latest


@transaction.atomic
def theming_run_start(*, actor: Any, programme: Any, kind: str, **scope: Any) -> ThemingRun:
    run = ThemingRun(programme=programme, kind=kind, created_by=actor, **scope)
    run.full_clean()
    run.total = min(run_contributions(run).count(), RUN_LIMIT)
    if run.total == 0:
        raise ValidationError("There are no contributions to look at with these choices")
    run.save()
    audit(actor=actor, action="insights.run_started", obj=run, kind=kind, rows=run.total)
    theming_run.enqueue(run.pk)
    return run


@task()
def theming_run(run_id: int) -> None:
    """The worker's part. Safe to run twice: a run finished is left alone. A run found running
    is one whose worker stopped part way (core.orphans queued it again): it starts again. Its
    suggestions are stored with its end, in one transaction; sorting into themes skips what an
    earlier go already sorted."""
    started = ThemingRun.objects.filter(
        pk=run_id, state__in=[ThemingRun.State.QUEUED, ThemingRun.State.RUNNING]
    ).update(state=ThemingRun.State.RUNNING, started_at=timezone.now(), updated_at=timezone.now())
    if not started:
        return
    run = ThemingRun.objects.get(pk=run_id)
    try:
        if run.kind == ThemingRun.Kind.SUGGEST:
            _suggest(run)
        else:
            _assign(run)
    except NothingToTheme as error:
        _finish(run, ThemingRun.State.FAILED, str(error))
    except Exception:
        logger.exception("theming run failed", extra={"object_type": "insights.themingrun"})
        _finish(
            run, ThemingRun.State.FAILED, "Something went wrong: try again, and if it happens again, tell us"
        )


def _finish(run: ThemingRun, state: str, message: str = "") -> None:
    ThemingRun.objects.filter(pk=run.pk).update(
        state=state, message=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def _progress(run: ThemingRun, done: int) -> None:
    ThemingRun.objects.filter(pk=run.pk).update(done=done, updated_at=timezone.now())


def _suggest(run: ThemingRun) -> None:
    rows = latest_rows(run_contributions(run))
    ids, texts = [pk for pk, _ in rows], [text for _, text in rows]
    embedder = embeddings.for_contributions(rows, seed=run.seed, progress=lambda n: _progress(run, n))
    result = suggest(texts, count=run.count_wanted, seed=run.seed, embedder=embedder)
    _progress(run, len(rows))
    hints = _merge_hints(run, result.themes, texts, embedder)
    with transaction.atomic():
        colours = Theme.Colour.values
        for number, suggestion in enumerate(result.themes):
            theme = Theme.objects.create(
                programme_id=run.programme_id,
                name=suggestion.label[:100],
                status=Theme.Status.SUGGESTED,
                keyphrases=suggestion.keyphrases,
                run=run,
                colour=colours[number % len(colours)],
                looks_like=hints[number],
            )
            Tag.objects.bulk_create(
                [
                    Tag(contribution_id=ids[i], theme=theme, source=Tag.Source.MACHINE, confirmed=False)
                    for i in suggestion.members
                ],
                ignore_conflicts=True,
            )
        recount(Theme.objects.filter(run=run).values_list("pk", flat=True))
        ThemingRun.objects.filter(pk=run.pk).update(embedder=result.embedder)
        found = len(result.themes)
        _finish(run, ThemingRun.State.DONE, f"{found} {'theme' if found == 1 else 'themes'} suggested")


HINT_EXAMPLES = 50  # contributions of each confirmed theme, and of each suggestion, compared
# How alike (cosine of the centres, meaning model) a suggestion and a confirmed theme must be for
# the hint, for each model. On our evaluation set, halves of the same theme against other themes
# (3 seeds, 36 of each): all-MiniLM-L6-v2 at 0.7 gave 34 right hints and 4 wrong; all-mpnet-base-v2
# at 0.75 gave 31 right and none wrong (at 0.7: 36 right, 1 wrong, and on a pair of themes the
# suggestions mixed, both halves of the mix hinted); its 7-bit file (ADR 23) gave the same 31 and
# none. Words alone gave as many wrong hints as right at any level, so without the meaning model
# there are no hints.
HINT_AT_LEAST = {semantic.DEFAULT_MODEL_ID: 0.7, mpnet.MODEL_ID: 0.75}
HINT_AT_LEAST_OTHERWISE = 0.75  # a model of the operator's own: the stricter of the two


def _merge_hints(run: ThemingRun, found: list[Any], texts: list[str], embedder: Any) -> list[Theme | None]:
    """For each suggested theme, the programme's confirmed theme it is much like, if any."""
    confirmed = {
        str(theme.pk): theme
        for theme in Theme.objects.filter(programme_id=run.programme_id, status=Theme.Status.CONFIRMED)
    }
    if not confirmed or embedder.name != "semantic":
        return [None] * len(found)
    examples: dict[str, list[str]] = {key: [] for key in confirmed}
    rows = (
        Tag.objects.filter(theme_id__in=[t.pk for t in confirmed.values()], confirmed=True)
        .annotate(place=Window(RowNumber(), partition_by=F("theme_id"), order_by=F("pk").asc()))
        .filter(place__lte=HINT_EXAMPLES)
        .values_list("theme_id", "contribution__text")
    )
    for theme_id, text in rows:
        examples[str(theme_id)].append(text)
    groups = [
        [texts[i] for i in suggestion.typical + suggestion.members[:HINT_EXAMPLES]] for suggestion in found
    ]
    found_model = embeddings.located().files
    at_least = HINT_AT_LEAST.get(found_model.model_id if found_model else "", HINT_AT_LEAST_OTHERWISE)
    names = closest_themes(groups, examples, at_least=at_least, seed=run.seed, embedder=embedder)
    return [confirmed[name] if name else None for name in names]


def _assign(run: ThemingRun) -> None:
    confirmed = Theme.objects.filter(programme_id=run.programme_id, status=Theme.Status.CONFIRMED)
    examples: dict[str, list[str]] = {}
    names: dict[str, Theme] = {}
    known: list[tuple[int, str]] = []
    # The latest examples of each theme are enough to know it by (a big theme's every tag is not).
    latest = (
        Tag.objects.filter(theme__in=confirmed, confirmed=True)
        .annotate(place=Window(RowNumber(), partition_by=F("theme_id"), order_by=F("pk").desc()))
        .filter(place__lte=ASSIGN_EXAMPLES)
        .select_related("contribution", "theme")
    )
    for tag in latest:
        key = str(tag.theme_id)
        names[key] = tag.theme
        examples.setdefault(key, []).append(tag.contribution.text)
        known.append((tag.contribution_id, tag.contribution.text))
    if not examples:
        raise NothingToTheme("No confirmed theme has any contributions in it yet: tag a few first")
    tagged = Tag.objects.filter(theme__in=confirmed).values("contribution_id")
    rows = latest_rows(run_contributions(run).exclude(pk__in=tagged))
    ThemingRun.objects.filter(pk=run.pk).update(total=len(rows))
    embedded = 0

    def embedding(n: int) -> None:
        nonlocal embedded
        embedded = max(0, min(len(rows), n - len(known)))
        _progress(run, embedded)

    embedder = embeddings.for_contributions([*known, *rows], seed=run.seed, progress=embedding)
    ThemingRun.objects.filter(pk=run.pk).update(embedder=embedder.name)
    placed = unsure = 0
    for start in range(0, len(rows), ASSIGN_BATCH):
        batch = rows[start : start + ASSIGN_BATCH]
        answers = assign(
            [text for _, text in batch],
            examples,
            seed=run.seed,
            embedder=embedder,
            descriptions={key: f"{theme.name}. {theme.description}" for key, theme in names.items()},
        )
        new = [
            Tag(
                contribution_id=pk,
                theme=names[answer.theme],
                source=Tag.Source.MACHINE,
                confidence=answer.confidence,
                confirmed=False,
            )
            for (pk, _), answer in zip(batch, answers, strict=True)
            if answer.theme is not None
        ]
        Tag.objects.bulk_create(new, ignore_conflicts=True)
        placed += len(new)
        unsure += len(batch) - len(new)
        _progress(run, max(embedded, start + len(batch)))
    recount(int(key) for key in names)
    _finish(run, ThemingRun.State.DONE, f"{placed} sorted into themes, {unsure} not sure")
