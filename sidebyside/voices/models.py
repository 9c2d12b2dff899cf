"""What people say: contributions, the prompts they answer, and the ways in.

A contribution arrives from someone's own phone (a gathering's join code), typed up by a
facilitator, by text message, from an imported file, or from paper. Each carries a UUID made
where it was written (the phone, the import row), so sending it again stores it once.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from sidebyside.core.crypto import EncryptedTextField
from sidebyside.core.models import TimeStampedModel
from sidebyside.gatherings.models import Gathering, private_storage
from sidebyside.hubs.models import Hub, Programme
from sidebyside.people.models import Person

# No 0/O, 1/I/L: codes are read off a screen and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_TEXT = 4000


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Prompt(TimeStampedModel):
    """A question a facilitator asks, reusable across sessions of the programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="prompts")
    text = models.CharField("question", max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "text"], name="voices_prompt_text_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Question(models.Model):
    """A prompt asked at a gathering, in order: what the join page asks, one at a time."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="questions")
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["gathering", "prompt"], name="voices_question_once_per_gathering")
        ]

    def __str__(self) -> str:
        return str(self.prompt)


class JoinCode(TimeStampedModel):
    """The short code (and QR code) people use to join a gathering from their phone."""

    gathering = models.OneToOneField(Gathering, on_delete=models.CASCADE, related_name="join_code")
    code = models.CharField(max_length=12, unique=True, default=new_code)
    open_until = models.DateTimeField()
    moderated = models.BooleanField(
        "check before showing on the wall",
        default=True,
        help_text="Nothing appears on the shared screen until a facilitator allows it.",
    )

    def __str__(self) -> str:
        return self.code


class Contribution(TimeStampedModel):
    class Channel(models.TextChoices):
        PHONE = "phone", "Own phone"
        FACILITATOR = "facilitator", "Typed up by a facilitator"
        SMS = "sms", "Text message"
        IMPORT = "import", "Imported from a file"
        PAPER = "paper", "Paper"

    class Identify(models.TextChoices):
        NAMED = "named", "Full name"
        FIRST_NAME = "first_name", "First name"
        ANONYMOUS = "anonymous", "Anonymous"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be checked"
        SHOWN = "shown", "Allowed"
        HIDDEN = "hidden", "Hidden"

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # Indexes: see Meta. Every index is paid for by every answer stored, so there is none that
    # another already covers, and the columns that are nearly always empty have partial ones.
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="contributions", db_index=False)
    gathering = models.ForeignKey(
        Gathering,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        db_index=False,
    )
    prompt = models.ForeignKey(Prompt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(max_length=MAX_TEXT)
    said_at = models.DateTimeField()
    channel = models.CharField(max_length=12, choices=Channel.choices)
    author = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        db_index=False,
    )
    name_given = models.CharField("name they gave", max_length=100, blank=True)
    identify_as = models.CharField(max_length=12, choices=Identify.choices, default=Identify.ANONYMOUS)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    tags = models.CharField(max_length=200, blank=True)
    # Keyed digest of the phone's cookie: for rate limiting, never shown.
    device = models.CharField(max_length=64, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    import_job = models.ForeignKey(
        "voices.ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        db_index=False,
    )
    safeguarding_at = models.DateTimeField(null=True, blank=True)
    safeguarding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    original = EncryptedTextField("before redaction", blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-said_at", "-pk"]
        indexes = [
            models.Index(fields=["hub", "said_at"]),
            models.Index(fields=["gathering", "created_at"]),
            # What this phone sent lately ("sent before?", "too many?").
            models.Index(fields=["device", "created_at"], name="voices_contrib_device"),
            *(
                models.Index(
                    fields=[name], name=f"voices_contrib_{name}", condition=Q(**{f"{name}__isnull": False})
                )
                for name in ("author", "entered_by", "import_job", "safeguarding_by", "redacted_by")
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def on_wall(self) -> bool:
        return self.state == self.State.SHOWN and self.safeguarding_at is None


def visible_on_wall() -> Q:
    return Q(state=Contribution.State.SHOWN, safeguarding_at__isnull=True)


class SafeguardingLead(TimeStampedModel):
    """Who a hub's safeguarding concerns go to."""

    hub = models.OneToOneField(Hub, on_delete=models.CASCADE, related_name="safeguarding_lead")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Safeguarding lead for {self.hub}"


class InboundNumber(TimeStampedModel):
    """A phone number people text their thoughts to, and the hub those texts belong to."""

    number = models.CharField(
        max_length=20, unique=True, help_text="In international form, e.g. +447700900123."
    )
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="inbound_numbers")

    def __str__(self) -> str:
        return self.number


class ImportJob(TimeStampedModel):
    """A file of contributions (CSV or XLSX) being imported in the background."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        MAPPED = "mapped", "Ready to import"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="import_jobs")
    gathering = models.ForeignKey(
        Gathering, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prompt = models.ForeignKey(Prompt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to="imports/", storage=private_storage)
    filename = models.CharField(max_length=200)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the file: the same file imports once.")
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.filename
