"""System enquiries and closing the loop.

An enquiry takes an issue people raised from *frame* through *explore*, *act* and *learn* to
*closed*, led by at least one expert by experience and one by profession. Evidence links it to
themes and contributions; actions are owned by a person or an organisation; updates ("we did",
and "what we could not change, and why") flow back to every person whose words are linked to it,
on their own page and in a weekly digest. Messages to senior leaders get a reply and, with luck, a
commitment, which is tracked like any action.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from sidebyside.core.models import TimeStampedModel
from sidebyside.hubs.models import Hub, Organisation, Programme
from sidebyside.insights.models import Theme
from sidebyside.notify.models import OutboxMessage
from sidebyside.people.models import Person
from sidebyside.voices.models import Contribution

MAX_LONG = 4000


class Enquiry(TimeStampedModel):
    class Stage(models.TextChoices):
        FRAME = "frame", "Frame"
        EXPLORE = "explore", "Explore"
        ACT = "act", "Act"
        LEARN = "learn", "Learn and evaluate"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enquiries")
    title = models.CharField(max_length=160)
    framing = models.TextField("the issue, in the group's words", max_length=MAX_LONG)
    hubs = models.ManyToManyField(Hub, related_name="enquiries", blank=True)
    partners = models.ManyToManyField(Organisation, related_name="enquiries", blank=True)
    co_leads = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="enquiries_led", blank=True)
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.FRAME)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    questions = models.TextField("questions to explore", blank=True, max_length=MAX_LONG)
    findings = models.TextField("what we found", blank=True, max_length=MAX_LONG)
    decisions = models.TextField("what we decided", blank=True, max_length=MAX_LONG)
    outcomes = models.TextField("what changed", blank=True, max_length=MAX_LONG)
    learned = models.TextField("what we learned", blank=True, max_length=MAX_LONG)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "enquiries"
        indexes = [models.Index(fields=["programme", "stage"])]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_number(self) -> int:
        return list(self.Stage.values).index(self.stage)


STAGES = list(Enquiry.Stage.values)


class StageMove(models.Model):
    """An enquiry moved from one stage to another: when, by whom, and (going back) why."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="moves")
    from_stage = models.CharField(max_length=8, choices=Enquiry.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=8, choices=Enquiry.Stage.choices)
    reason = models.CharField(max_length=500, blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moved_at = models.DateTimeField()

    class Meta:
        ordering = ["moved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} → {self.to_stage}"

    @property
    def backwards(self) -> bool:
        return bool(self.from_stage) and STAGES.index(self.to_stage) < STAGES.index(self.from_stage)


class Evidence(TimeStampedModel):
    """A theme or one contribution that an enquiry rests on."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="evidence")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(theme__isnull=True, contribution__isnull=False)
                | Q(theme__isnull=False, contribution__isnull=True),
                name="enquiries_evidence_theme_or_contribution",
            ),
            models.UniqueConstraint(
                fields=["enquiry", "theme"],
                condition=Q(theme__isnull=False),
                name="enquiries_evidence_theme_once",
                violation_error_message="That theme is already evidence for this enquiry",
            ),
            models.UniqueConstraint(
                fields=["enquiry", "contribution"],
                condition=Q(contribution__isnull=False),
                name="enquiries_evidence_contribution_once",
                violation_error_message="That contribution is already evidence for this enquiry",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence for {self.enquiry_id}"


class LeaderMessage(TimeStampedModel):
    """A message from a hub to a named senior leader, the leader's reply, and any commitment."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not sent yet"
        SENT = "sent", "Sent, waiting for a reply"
        REPLIED = "replied", "Replied"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="leader_messages")
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="leader_messages")
    text = models.TextField("the message", max_length=2000)
    contribution = models.ForeignKey(
        Contribution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages_received",
        help_text="A partner or leader of the programme, who can reply here.",
    )
    leader_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True, max_length=MAX_LONG)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Action(TimeStampedModel):
    """Something someone will do: for an enquiry, or a leader's commitment in reply to a message."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        STUCK = "stuck", "Stuck"
        WONT_DO = "wont_do", "Won't do"

    CLOSED = (Status.DONE, Status.WONT_DO)
    NEED_REASON = (Status.STUCK, Status.WONT_DO)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    message = models.ForeignKey(
        LeaderMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="commitments"
    )
    what = models.CharField("what will be done", max_length=200)
    details = models.TextField(blank=True, max_length=MAX_LONG)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="owner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_owned",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="owning organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    due_on = models.DateField("due date", null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    reason = models.CharField("why", max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enquiry__isnull=True, message__isnull=False)
                | Q(enquiry__isnull=False, message__isnull=True),
                name="enquiries_action_for_enquiry_or_message",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status", "due_on"])]

    def __str__(self) -> str:
        return self.what

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return not self.is_closed and self.due_on is not None and self.due_on < today

    def rag(self, today: datetime.date | None = None) -> str:
        """Red, amber or green, from its due date and status; "" once done or not to be done."""
        from django.utils import timezone

        today = today or timezone.localdate()
        if self.is_closed:
            return ""
        if self.is_overdue(today):
            return "red"
        if self.status == self.Status.STUCK:
            return "amber"
        if self.due_on is not None and self.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
            return "amber" if self.status == self.Status.NOT_STARTED else "green"
        return "green"


DUE_SOON_DAYS = 7
RAG_LABELS = {"red": "Red: overdue", "amber": "Amber: at risk", "green": "Green: on track", "": ""}


def overdue(today: datetime.date) -> Q:
    return Q(due_on__lt=today) & ~Q(status__in=Action.CLOSED)


class Update(TimeStampedModel):
    """A short plain-English update on an enquiry (or one of its actions)."""

    class Kind(models.TextChoices):
        WE_DID = "we_did", "We did"
        COULD_NOT = "could_not", "What we could not change, and why"
        PROGRESS = "progress", "Progress so far"

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="updates"
    )
    message = models.ForeignKey(
        LeaderMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WE_DID)
    text = models.TextField(max_length=1000)
    tell_contributors = models.BooleanField("tell the people whose words led here", default=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How many people it was passed on to (their own page, and the next digest).
    told = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enquiry__isnull=False) | Q(message__isnull=False),
                name="enquiries_update_about_something",
            ),
        ]
        indexes = [models.Index(fields=["enquiry", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class Digest(models.Model):
    """One message to one person gathering the updates they have not been sent yet (at most weekly),
    or a record that none could be sent, and why."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Sent to the outbox"
        NOT_SENT = "not_sent", "Not sent"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    channel = models.CharField(max_length=8, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=0)
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"Digest {self.pk} ({self.outcome})"


class Notice(models.Model):
    """An update owed to one person: on their page at once, and in their next digest."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField()
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "update"], name="enquiries_notice_once"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="enquiries_notice_waiting", condition=Q(digest__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"Notice of {self.update_id} for {self.person_id}"


class ActionReminder(models.Model):
    """A reminder to the owner of an action, decided by the worker: sent to the outbox, or a record
    of why it could not be (``enquiries.reminders``). One row per person, kind and due date (and
    week, for overdue ones), so a reminder is never sent twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Sent to the outbox"
        NOT_SENT = "not_sent", "Not sent"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    # For overdue reminders: 0 the week after the due date, then 1, 2... (one a week, a few at most).
    week = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "user", "kind", "due_on", "week"], name="enquiries_action_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for action {self.action_id} ({self.outcome})"
