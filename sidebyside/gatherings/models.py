"""Sessions of every kind a hub holds.

This first version records what the dashboard counts (kind, hub, when, where);
planning, run mode, attendance and reminders build on it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from sidebyside.core.models import TimeStampedModel
from sidebyside.hubs.models import Hub


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
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=160)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

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
