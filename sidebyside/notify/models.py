"""The outbox: every text message and email the service sends, written in the same transaction
as the change that causes it, then delivered by the worker (``notify.delivery``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sidebyside.core.crypto import EncryptedTextField
from sidebyside.core.models import TimeStampedModel


class OutboxMessage(TimeStampedModel):
    class Channel(models.TextChoices):
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent to GOV.UK Notify"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    template = models.CharField(max_length=64, help_text="A key of NOTIFY_TEMPLATES.")
    # Who and what: personal, so encrypted at rest; cleared once delivered or failed for good.
    to = EncryptedTextField()
    personalisation = EncryptedTextField(blank=True, help_text="JSON, encrypted.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    # A claim by one worker, until it runs out: a worker that dies leaves it to expire.
    leased_by = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The last send may have reached Notify without an answer: look it up before sending again.
    check_first = models.BooleanField(default=False)
    notify_id = models.CharField(max_length=64, blank=True)
    # Why it failed, for people to read: never the number, the address or the text.
    failure = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"

    @property
    def reference(self) -> str:
        """What Notify stores with the message: the outbox id, so a lost answer can be looked up."""
        return f"outbox-{self.pk}"
