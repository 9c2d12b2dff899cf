"""The people record: who someone is to the programme, how they want to be contacted and
supported, what they have agreed to, and their own plan.

Identity (name, the name they like, email address, kind of expertise) stays on
``accounts.User``, which everyone has whether or not they ever sign in; ``Person`` is
the record around it (ADR 0012). Free text about health, support or wellbeing is
encrypted at rest (``EncryptedTextField``) and read only through ``people.access``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from sidebyside.core.crypto import EncryptedTextField
from sidebyside.core.models import TimeStampedModel
from sidebyside.people.phone import display_phone


class Person(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Taking part"
        PAUSED = "paused", "Paused their involvement"
        LEFT = "left", "Left"

    class Channel(models.TextChoices):
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        POST = "post", "Letter"
        WORKER = "worker", "Through their key worker"

    class HowCame(models.TextChoices):
        SERVICE = "service", "Told about us by a service or support worker"
        PEER = "peer", "Told about us by a friend or peer"
        EVENT = "event", "Came to an event, drop-in or Over A Brew"
        ONLINE = "online", "Found us online or on social media"
        STAFF = "staff", "Through their job"
        OTHER = "other", "Another way"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    pronouns = models.CharField(max_length=40, blank=True)
    phone = models.CharField(
        "phone number", max_length=20, blank=True, db_index=True, help_text="Stored in international form."
    )
    address = models.TextField("postal address", blank=True)
    preferred_channel = models.CharField(
        "best way to contact", max_length=8, choices=Channel.choices, default=Channel.SMS
    )
    quiet_from = models.TimeField("do not contact after", null=True, blank=True)
    quiet_until = models.TimeField("do not contact before", null=True, blank=True)
    contact_notes = models.CharField("other times not to contact", max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    how_came = models.CharField("how they came to us", max_length=8, choices=HowCame.choices, blank=True)
    key_worker = models.ForeignKey(
        "self",
        verbose_name="trusted person or key worker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_worker_for",
    )
    buddy = models.ForeignKey(
        "self",
        verbose_name="buddy or peer mentor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddy_for",
    )
    # About me: the person's own words. May touch on health, so encrypted.
    about_communication = EncryptedTextField("how best to communicate with me", blank=True)
    about_know = EncryptedTextField("what I'd like others to know about me", blank=True)
    about_counted_on = EncryptedTextField("what I can be counted on for", blank=True)
    about_learn = EncryptedTextField("what I'd like to learn", blank=True)
    last_active_on = models.DateField(null=True, blank=True, help_text="Read by the retention rule.")
    retention_warned_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every change through a service adds one.
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(key_worker=F("id")), name="people_person_not_own_key_worker"),
            models.CheckConstraint(condition=~Q(buddy=F("id")), name="people_person_not_own_buddy"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def display_name(self) -> str:
        return self.user.display_name

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)


class SupportNeed(models.TextChoices):
    STEP_FREE = "step_free", "Step-free access"
    HEARING_LOOP = "hearing_loop", "A hearing loop"
    LARGE_PRINT = "large_print", "Large print"
    INTERPRETER = "interpreter", "An interpreter"
    EASY_READ = "easy_read", "Easy read"
    QUIET_ROOM = "quiet_room", "A quiet room"
    BREAKS = "breaks", "Breaks"
    TRAVEL = "travel", "Help with travel"
    COMPANION = "companion", "Someone to come with me"
    PHONE_REMINDERS = "phone_reminders", "Reminders by phone call"


class SupportNeeds(TimeStampedModel):
    """What someone needs to take part. Special-category data: all of it is encrypted."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="support_needs")
    # A JSON list of ``SupportNeed`` values, encrypted: even "step-free access" says something about health.
    needs_data = EncryptedTextField(blank=True)
    details = EncryptedTextField("anything else that helps", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "support needs"

    def __str__(self) -> str:
        return f"Support needs #{self.pk}"

    @property
    def needs(self) -> list[str]:
        if not self.needs_data:
            return []
        values = json.loads(self.needs_data)
        return [v for v in values if v in SupportNeed.values]

    @needs.setter
    def needs(self, values: list[str]) -> None:
        ordered = [v for v in SupportNeed.values if v in set(values)]
        self.needs_data = json.dumps(ordered) if ordered else ""

    @property
    def need_labels(self) -> list[str]:
        return [SupportNeed(v).label for v in self.needs]

    @property
    def is_empty(self) -> bool:
        return not self.needs and not self.details


PLAN_FIELDS = (
    "interests",
    "skills_have",
    "skills_want",
    "know",
    "want_to_learn",
    "involvement",
    "availability",
    "good_day",
    "bad_day",
    "struggling_signs",
    "what_helps",
    "what_does_not_help",
)


class WellbeingPlan(TimeStampedModel):
    """One version of a personal development and wellbeing plan. A save adds a version."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField()
    interests = EncryptedTextField("my interests", blank=True)
    skills_have = EncryptedTextField("skills I have", blank=True)
    skills_want = EncryptedTextField("skills I want", blank=True)
    know = EncryptedTextField("things I know about", blank=True)
    want_to_learn = EncryptedTextField("things I want to learn", blank=True)
    involvement = EncryptedTextField("how I want to be involved", blank=True)
    availability = EncryptedTextField("when I'm available", blank=True)
    good_day = EncryptedTextField("on a good day", blank=True)
    bad_day = EncryptedTextField("on a bad day", blank=True)
    struggling_signs = EncryptedTextField("signs I'm struggling", blank=True)
    what_helps = EncryptedTextField("what helps", blank=True)
    what_does_not_help = EncryptedTextField("what doesn't help", blank=True)
    review_on = models.DateField("review date", null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["person", "-version"]
        constraints = [models.UniqueConstraint("person", "version", name="people_plan_version_unique")]

    def __str__(self) -> str:
        return f"Plan version {self.version}"

    def answers(self) -> list[tuple[str, str]]:
        return [(plan_label(name), getattr(self, name)) for name in PLAN_FIELDS]


class CatchUp(TimeStampedModel):
    """A (usually monthly) catch-up about someone's plan."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="catch_ups")
    held_on = models.DateField("date of the catch-up")
    notes = EncryptedTextField("what we talked about", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["person", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Catch-up on {self.held_on}"


class Consent(TimeStampedModel):
    """Someone's agreement to one purpose: how and when it was given, for how long, and its end.

    A purpose has at most one consent in force: giving it again ends the previous one
    ("replaced"); withdrawing ends it ("withdrawn"). Other apps ask through
    ``people.consent`` only, never by reading these rows.
    """

    class Purpose(models.TextChoices):
        CONTACT_SMS = "contact_sms", "Contact me by text message"
        CONTACT_EMAIL = "contact_email", "Contact me by email"
        CONTACT_PHONE = "contact_phone", "Contact me by phone call"
        CONTACT_POST = "contact_post", "Contact me by letter"
        CONTACT_WORKER = "contact_worker", "Contact me through my key worker"
        STORE_SUPPORT = "store_support", "Keep a record of my support needs and my plan"
        RECORD_CONTRIBUTIONS = "record_contributions", "Record what I say in sessions"
        QUOTE = "quote", "Quote what I say in reports"
        PHOTOS = "photos", "Use photos of me"
        SHARE_STORY = "share_story", "Share my story publicly"

    class Level(models.TextChoices):
        NAMED = "named", "With my full name"
        FIRST_NAME = "first_name", "With my first name only"
        ANONYMOUS = "anonymous", "Without my name"

    class How(models.TextChoices):
        WRITTEN = "written", "In writing"
        ONLINE = "online", "Online, by the person"
        VERBAL = "verbal", "Said out loud, recorded by a member of staff"

    class EndReason(models.TextChoices):
        WITHDRAWN = "withdrawn", "Withdrawn"
        REPLACED = "replaced", "Replaced by a newer answer"

    # Purposes answered with how the person may be identified, not just yes or no.
    LEVELLED = (Purpose.RECORD_CONTRIBUTIONS, Purpose.QUOTE)
    CHANNEL_PURPOSES = {
        Person.Channel.SMS: Purpose.CONTACT_SMS,
        Person.Channel.EMAIL: Purpose.CONTACT_EMAIL,
        Person.Channel.PHONE: Purpose.CONTACT_PHONE,
        Person.Channel.POST: Purpose.CONTACT_POST,
        Person.Channel.WORKER: Purpose.CONTACT_WORKER,
    }

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    level = models.CharField(max_length=12, choices=Level.choices, blank=True)
    how = models.CharField("how it was given", max_length=8, choices=How.choices)
    given_on = models.DateField("date given")
    expires_on = models.DateField("date it ends", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["person", "purpose", "-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "person", "purpose", condition=Q(ended_at__isnull=True), name="people_one_consent_in_force"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("given_on")),
                name="people_consent_ends_after_start",
                violation_error_message="The date it ends must be on or after the date it was given",
            ),
        ]

    def __str__(self) -> str:
        return self.get_purpose_display()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.purpose in self.LEVELLED and not self.level:
            raise ValidationError({"level": "Select how the person may be named"})
        if self.purpose not in self.LEVELLED and self.level:
            self.level = ""


class PersonRequest(TimeStampedModel):
    """Something a person asked of us about their data, and when it was dealt with."""

    class Kind(models.TextChoices):
        COPY = "copy", "A copy of their data"
        FORGET = "forget", "To be forgotten"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()


def plan_label(name: str) -> str:
    field = WellbeingPlan._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def plan_values(plan: WellbeingPlan | None) -> dict[str, Any]:
    if plan is None:
        return dict.fromkeys(PLAN_FIELDS, "") | {"review_on": None}
    return {name: getattr(plan, name) for name in (*PLAN_FIELDS, "review_on")}
