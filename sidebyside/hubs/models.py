from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from sidebyside.core.models import TimeStampedModel


class Programme(TimeStampedModel):
    """A co-production programme: the hubs of one area working to one vision."""

    name = models.CharField(max_length=120)
    area = models.CharField(max_length=120, help_text="For example, Cambridgeshire and Peterborough.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="hubs_programme_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Hub(TimeStampedModel):
    """A local co-production hub, at its own stage."""

    class Stage(models.TextChoices):
        PRE_PLANNING = "pre_planning", "Pre-planning"
        PLANNING = "planning", "Planning"
        STARTED = "started", "Started"
        ESTABLISHED = "established", "Established"

    class Format(models.TextChoices):
        MONTHLY_MEETING = "monthly_meeting", "Monthly meeting"
        DROP_IN = "drop_in", "Drop-in workshops"
        SMALL_SESSIONS = "small_sessions", "Small local sessions"
        OVER_A_BREW = "over_a_brew", "Over A Brew conversations"
        NOT_DECIDED = "not_decided", "Not decided yet"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="hubs")
    name = models.CharField(max_length=120)
    locality = models.CharField(max_length=120, help_text="The town or area the hub serves.")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PRE_PLANNING)
    started_on = models.DateField("date started", null=True, blank=True)
    usual_format = models.CharField(max_length=20, choices=Format.choices, default=Format.NOT_DECIDED)
    description = models.TextField(blank=True)
    areas_of_work = models.TextField(
        "areas of work open",
        blank=True,
        help_text="One area of work on each line.",
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("programme", Lower("name"), name="hubs_hub_name_ci_unique_per_programme"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def areas_of_work_list(self) -> list[str]:
        return [line.strip() for line in self.areas_of_work.splitlines() if line.strip()]


class Organisation(TimeStampedModel):
    """A partner organisation: council, NHS trust, charity, police, probation…"""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        NHS = "nhs", "NHS"
        CHARITY = "charity", "Charity or voluntary group"
        POLICE = "police", "Police"
        PROBATION = "probation", "Probation"
        HOUSING = "housing", "Housing provider"
        PEER_LED = "peer_led", "Peer-led or lived experience group"
        OTHER = "other", "Other"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    website = models.URLField(blank=True, max_length=300)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "programme", Lower("name"), name="hubs_organisation_name_ci_unique_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(TimeStampedModel):
    """What someone is in a programme or a hub. Roles are the basis of every permission.

    Programme-wide roles (programme admin, partner or leader) have no hub; hub roles
    (coordinator, facilitator, member) name one.
    """

    class Role(models.TextChoices):
        PROGRAMME_ADMIN = "programme_admin", "Programme admin"
        LEADER = "leader", "Partner or leader"
        COORDINATOR = "coordinator", "Hub coordinator"
        FACILITATOR = "facilitator", "Facilitator"
        MEMBER = "member", "Member"

    PROGRAMME_ROLES = (Role.PROGRAMME_ADMIN, Role.LEADER)
    HUB_ROLES = (Role.COORDINATOR, Role.FACILITATOR, Role.MEMBER)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="memberships", null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, related_name="memberships", null=True, blank=True
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "hub", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=["programme_admin", "leader"]) & Q(hub__isnull=True))
                | (Q(role__in=["coordinator", "facilitator", "member"]) & Q(hub__isnull=False)),
                name="hubs_membership_role_matches_scope",
            ),
            models.UniqueConstraint(
                "user",
                "programme",
                "role",
                condition=Q(ended_at__isnull=True, hub__isnull=True),
                name="hubs_membership_unique_active_programme_role",
            ),
            models.UniqueConstraint(
                "user",
                "hub",
                "role",
                condition=Q(ended_at__isnull=True, hub__isnull=False),
                name="hubs_membership_unique_active_hub_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.hub or self.programme})"
