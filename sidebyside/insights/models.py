"""Themes: what people said, grouped and named by people, with the machine's help.

A theme belongs to a programme and may sit under another (theme → sub-theme). The machine only
ever *suggests*: its themes start as ``suggested`` and its tags as unconfirmed, with a
confidence, until a person confirms them. Every tag points at the contribution it came from,
so every quote stays traceable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Lower

from sidebyside.core.models import TimeStampedModel
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Programme
from sidebyside.voices.models import Contribution, Prompt


class ThemingRun(TimeStampedModel):
    """One piece of work by the theming engine, done by the worker, with its progress."""

    class Kind(models.TextChoices):
        SUGGEST = "suggest", "Suggest themes"
        ASSIGN = "assign", "Sort new contributions into themes"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Could not finish"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="theming_runs")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    # Which contributions: any of these left empty means "all".
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    prompt = models.ForeignKey(Prompt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    said_from = models.DateField(null=True, blank=True)
    said_to = models.DateField(null=True, blank=True)
    count_wanted = models.PositiveSmallIntegerField("how many themes", null=True, blank=True)
    seed = models.PositiveIntegerField(default=0)
    embedder = models.CharField(max_length=20, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        return (
            round(100 * self.done / self.total)
            if self.total
            else (100 if self.state == self.State.DONE else 0)
        )


class Theme(TimeStampedModel):
    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        MERGED = "merged", "Merged into another"
        RETIRED = "retired", "Retired"

    class Colour(models.TextChoices):
        # Colours that keep 4.5:1 contrast with white text.
        BLUE = "blue", "Blue"
        GREEN = "green", "Green"
        PURPLE = "purple", "Purple"
        RED = "red", "Red"
        BROWN = "brown", "Brown"
        PINK = "pink", "Pink"
        TEAL = "teal", "Teal"
        GREY = "grey", "Grey"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=2000)
    colour = models.CharField(max_length=8, choices=Colour.choices, default=Colour.BLUE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    # What the machine saw in it: its keyphrases (kept for "why is this here?").
    keyphrases = models.JSONField(default=list, blank=True)
    run = models.ForeignKey(
        ThemingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="themes"
    )
    # The machine's hint for a suggested theme: a confirmed theme it is much like (merge?).
    looks_like = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    # Kept by the services on every change to the theme's tags (counting a big theme's tags on
    # every view would grow with it): people's and checked tags, and the machine's unchecked.
    tag_count = models.PositiveIntegerField(default=0)
    unsure_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "programme",
                condition=Q(status="confirmed"),
                name="insights_confirmed_theme_name_unique",
                violation_error_message="There is already a theme with that name",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="insights_theme_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(TimeStampedModel):
    """A contribution in a theme: put there by a person, or by the machine until a person confirms."""

    class Source(models.TextChoices):
        PERSON = "person", "A person"
        MACHINE = "machine", "The machine"

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="theme_tags")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PERSON)
    confidence = models.FloatField(null=True, blank=True)
    confirmed = models.BooleanField(default=True)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contribution", "theme"], name="insights_tag_once_per_theme"),
        ]
        indexes = [
            models.Index(fields=["theme", "confirmed"]),
            # A theme's page: its unchecked tags first, surest first, fifty at a time.
            models.Index(
                "theme",
                "confirmed",
                Coalesce(F("confidence"), Value(-1.0)).desc(),
                "id",
                name="insights_tag_theme_page",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme} ← {self.contribution_id}"


class ContributionVector(models.Model):
    """A contribution's words as the meaning model sees them, kept so each text is embedded once.

    Made from the words as they are now: a vector made from other words (before a redaction) is
    deleted when the words change, and never used (``text_sha256`` must match)."""

    contribution = models.OneToOneField(
        Contribution, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    model_id = models.CharField(max_length=64)
    text_sha256 = models.CharField(max_length=64)
    vector = models.BinaryField()  # float16, little-endian

    def __str__(self) -> str:
        return f"{self.model_id} vector of {self.contribution_id}"


class ModelCheck(models.Model):
    """What a worker found when it loaded a meaning model: whether the model tells alike
    sentences from unlike ones on that worker's processor (``engine.semantic.load``).

    The web processes never load the model; they read this to know that the worker will not
    read contributions with it, so the pages say why instead of asking people to wait."""

    model_id = models.CharField(max_length=64, unique=True)
    sound = models.BooleanField()
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.model_id}: {'sound' if self.sound else 'unsound'}"


class DayTally(models.Model):
    """How many contributions people put in a theme, in one hub, on one day: the numbers behind
    the pictures, worked out by the worker so that the pages cost the same at any size.

    Counts tags of contributions that are neither hidden nor raised for safeguarding."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField()  # put there by people, or checked by them
    unsure = models.PositiveIntegerField(default=0)  # put there by the machine, not checked yet

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "hub", "day"], name="insights_day_tally_once"),
        ]
        indexes = [models.Index(fields=["programme", "day"])]

    def __str__(self) -> str:
        return f"{self.theme_id} × {self.hub_id} on {self.day}: {self.count}"


class TallyState(models.Model):
    """When a programme's tallies were last worked out, and whether something changed since."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, primary_key=True, related_name="+")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)  # a change not counted yet
    queued_at = models.DateTimeField(null=True, blank=True)  # a refresh is waiting for the worker

    def __str__(self) -> str:
        return f"tallies of {self.programme_id} as of {self.refreshed_at}"
