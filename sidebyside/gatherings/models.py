"""Sessions of every kind a hub holds: planned, run, attended, reminded and written up.

All times are stored in UTC and shown in Europe/London (the project's TIME_ZONE).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q

from sidebyside.core.models import TimeStampedModel
from sidebyside.hubs.models import Hub, Programme
from sidebyside.people.models import Person


class Series(TimeStampedModel):
    """Gatherings that repeat: each one is its own row, and can be changed or cancelled alone."""

    class Repeats(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY_WEEKDAY = "monthly_weekday", "Every month, on the same weekday (for example the 2nd Tuesday)"
        MONTHLY_DATE = "monthly_date", "Every month, on the same date"

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="series")
    repeats = models.CharField(max_length=16, choices=Repeats.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"{self.get_repeats_display()} at {self.hub}"


class Gathering(TimeStampedModel):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        DROP_IN = "drop_in", "Drop-in"
        WORKSHOP = "workshop", "Workshop"
        WORKING_GROUP = "working_group", "Working group"
        OVER_A_BREW = "over_a_brew", "Over A Brew"
        TRAINING = "training", "Training"
        CATCH_UP = "catch_up", "One-to-one catch-up"

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="gatherings")
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="gatherings"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=160)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField("place", max_length=200, blank=True)
    address = models.TextField(blank=True)
    accessibility = models.TextField(
        "access",
        blank=True,
        help_text="For example: step-free entrance, accessible toilet, hearing loop, quiet room.",
    )
    online_link = models.URLField("online link", max_length=500, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    food = models.CharField("food and drink", max_length=200, blank=True)
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="facilitating")
    ground_rules = models.TextField(
        "group agreement",
        blank=True,
        help_text="Shown on screen when the session runs. One rule a line.",
    )
    notes = models.TextField("notes", blank=True)
    agreed = models.TextField("what was agreed", blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["hub", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="gatherings_gathering_ends_after_start",
                violation_error_message="The end must be after the start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Registration(TimeStampedModel):
    """Someone invited to, coming to, or at a gathering."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        REGISTERED = "registered", "Coming"
        DECLINED = "declined", "Not coming"

    class Attendance(models.TextChoices):
        UNKNOWN = "", "Not recorded"
        ATTENDED = "attended", "Came"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Did not come"

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REGISTERED)
    attendance = models.CharField(max_length=12, choices=Attendance.choices, blank=True, default="")
    walk_in = models.BooleanField(default=False)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["gathering", "person"], name="gatherings_one_registration_each")
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.gathering}"


class ReminderSettings(models.Model):
    """When a hub's reminders go out, in hours before the start."""

    DEFAULT_HOURS = (48, 2)

    hub = models.OneToOneField(Hub, on_delete=models.CASCADE, related_name="reminder_settings")
    hours_before = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Reminders for {self.hub}"


class Reminder(TimeStampedModel):
    """One reminder (or invitation) for one person and one gathering, and what became of it.

    A text or email goes into the outbox; a phone call becomes a task for the facilitator;
    someone we may not contact gets a row saying why, so nobody is dropped silently.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Reminder"

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Sent to the outbox"
        CALL = "call", "To phone"
        CALLED = "called", "Phoned"
        NOT_SENT = "not_sent", "Not sent"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REMINDER)
    hours_before = models.PositiveIntegerField(default=0, help_text="0 for an invitation.")
    for_start = models.DateTimeField(help_text="The start time this reminder was for.")
    channel = models.CharField(max_length=8, choices=Person.Channel.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    message = models.ForeignKey(
        "notify.OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "hours_before", "for_start"],
                name="gatherings_one_reminder_each",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.registration}"


class Method(TimeStampedModel):
    """A way of running part of a session, from the programme's library."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="methods")
    name = models.CharField(max_length=80)
    purpose = models.TextField()
    group_size = models.CharField("group size", max_length=80)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="gatherings_method_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for step in self.steps.all())


class Step(models.Model):
    """A step of a method, or an item on a gathering's agenda.

    A step in turns (``minutes_each``) gives each speaker that long, one after another: its
    time is then worked out from how many are in the room.
    """

    method = models.ForeignKey(Method, on_delete=models.CASCADE, null=True, blank=True, related_name="steps")
    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, null=True, blank=True, related_name="agenda"
    )
    from_method = models.ForeignKey(
        Method, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=120)
    guidance = models.TextField(blank=True)
    minutes = models.PositiveIntegerField()
    minutes_each = models.PositiveIntegerField("minutes each, in turns", null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__isnull=False, gathering__isnull=True)
                | Q(method__isnull=True, gathering__isnull=False),
                name="gatherings_step_of_a_method_or_an_agenda",
            )
        ]

    def __str__(self) -> str:
        return self.title


def _token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(TimeStampedModel):
    """A private calendar address for one person's gatherings or one hub's; revoke to stop it."""

    token = models.CharField(max_length=64, unique=True, default=_token)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, hub__isnull=True) | Q(user__isnull=True, hub__isnull=False),
                name="gatherings_feed_for_a_person_or_a_hub",
            )
        ]

    def __str__(self) -> str:
        return "Calendar feed"


def private_storage() -> Storage:
    """Files that are never served directly: only through a view that checks who is asking."""
    return storages["private"]


def photo_path(instance: Photo, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"gatherings/{instance.gathering_id}/{secrets.token_hex(16)}.{suffix}"


class Photo(TimeStampedModel):
    """A photo of a flipchart or a wall of notes: stored privately, shown only through a view."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path, storage=private_storage)
    caption = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.caption or "Photo"
