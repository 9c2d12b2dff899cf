"""Forms for messages to senior leaders: writing one, the leader's reply, and a commitment's status."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.core.forms import GovukDateField, GovukForm
from sidebyside.enquiries.forms_board import StatusForm
from sidebyside.enquiries.models import MAX_LONG, LeaderMessage
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme

TEXT_MAX = 2000
SEND_NEEDS_LEADER = "Choose the leader to send it to"
STATUS_LABELS = {
    LeaderMessage.Status.DRAFT.value: "Not sent yet",
    LeaderMessage.Status.SENT.value: "Waiting for a reply",
    LeaderMessage.Status.REPLIED.value: "Replied",
}


def programme_leaders(programme: Programme) -> QuerySet[User]:
    """Users with an active partner-or-leader role in the programme, with their organisation's name."""
    memberships = Membership.objects.filter(
        programme=programme, role=Membership.Role.LEADER, ended_at__isnull=True
    )
    organisation = memberships.filter(user=OuterRef("pk")).order_by("pk").values("organisation__name")[:1]
    return (
        User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .annotate(organisation_name=Subquery(organisation))
        .order_by("full_name", "pk")
    )


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        organisation = getattr(obj, "organisation_name", None)
        return f"{obj.display_name}, {organisation}" if organisation else obj.display_name


class MessageForm(GovukForm):
    text = forms.CharField(
        label="The message",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In the group's own words. Do not include anyone's name or contact details.",
        error_messages={
            "required": "Write the message",
            "max_length": "Keep the message to 2,000 characters or fewer",
        },
    )
    leader = LeaderChoiceField(
        label="Who is it for?",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose a leader",
        help_text="A partner or leader of the programme. You can save a draft before you choose.",
        error_messages={"invalid_choice": "Choose a leader from the list"},
    )
    leader_organisation = forms.ModelChoiceField(
        label="Their organisation (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
        help_text="Any commitment they make will belong to this organisation too.",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )

    def __init__(self, *args: Any, programme: Programme, sending: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sending = sending
        leader = self.fields["leader"]
        assert isinstance(leader, forms.ModelChoiceField)
        leader.queryset = programme_leaders(programme)
        organisation = self.fields["leader_organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(programme=programme).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.sending and not data.get("leader") and "leader" not in self.errors:
            self.add_error("leader", SEND_NEEDS_LEADER)
        return data


class FilterForm(GovukForm):
    """Which messages the list shows (sent as a GET query)."""

    hub = forms.ModelChoiceField(
        label="Hub",
        queryset=Hub.objects.none(),
        required=False,
        empty_label="All hubs",
        error_messages={"invalid_choice": "Choose a hub from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *LeaderMessage.Status.choices],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )

    def __init__(self, *args: Any, hubs: QuerySet[Hub], statuses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hub = self.fields["hub"]
        assert isinstance(hub, forms.ModelChoiceField)
        hub.queryset = hubs
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [
            ("", "Any status"),
            *((value, label) for value, label in STATUS_LABELS.items() if value in statuses),
        ]


class ReplyForm(GovukForm):
    reply = forms.CharField(
        label="Your reply",
        max_length=MAX_LONG,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The hub will see your reply, and can share it with the people whose words led here.",
        error_messages={
            "required": "Write your reply",
            "max_length": "Keep your reply to 4,000 characters or fewer",
        },
    )
    commitment = forms.CharField(
        label="What will you commit to do? (optional)",
        max_length=200,
        required=False,
        help_text="One thing you will do. The hub will follow how it goes.",
        error_messages={"max_length": "Keep the commitment to 200 characters or fewer"},
    )
    due_on = GovukDateField(
        label="Due date",
        required=False,
        help_text="When will it be done by? Leave it empty if you cannot say yet. For example, 27 3 2027",
    )
    confirm_past = forms.BooleanField(label="Yes, the date is right", required=False)

    def __init__(self, *args: Any, by_leader: bool = True, **kwargs: Any) -> None:
        """``by_leader=False``: the hub's staff write down the reply the leader gave them (by
        email, in a meeting), so the form speaks of the leader, not to them."""
        super().__init__(*args, **kwargs)
        self.by_leader = by_leader
        if by_leader:
            return
        reply, commitment, due_on = self.fields["reply"], self.fields["commitment"], self.fields["due_on"]
        reply.label = "The leader's reply"
        reply.help_text = (
            "What they said, in their words. The hub will see it, and can share it with the people whose "
            "words led here."
        )
        reply.error_messages.update(
            required="Write the leader's reply", max_length="Keep the reply to 4,000 characters or fewer"
        )
        commitment.label = "What did they commit to do? (optional)"
        commitment.help_text = "One thing they will do. The hub will follow how it goes."
        due_on.help_text = (
            "When will it be done by? Leave it empty if they did not say. For example, 27 3 2027"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("due_on")
            and not (data.get("commitment") or "").strip()
            and "commitment" not in self.errors
        ):
            self.add_error(
                "commitment",
                "Say what you will commit to, or leave the date empty"
                if self.by_leader
                else "Say what they committed to, or leave the date empty",
            )
        return data

    def past_due(self, today: datetime.date | None = None) -> bool:
        """A valid form whose due date has passed and was not confirmed: warn, and ask again."""
        due_on = self.cleaned_data.get("due_on")
        today = today or timezone.localdate()
        return due_on is not None and due_on < today and not self.cleaned_data.get("confirm_past")


class CommitmentStatusForm(StatusForm):
    """An action's status form, worded for a leader's commitment to a hub."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        status.label = "How does it stand?"
        status.error_messages.update(
            required="Choose how the commitment stands", invalid_choice="Choose how the commitment stands"
        )
        self.fields["reason"].label = "Why? (needed if it is stuck or will not be done)"
        update = self.fields["update_text"]
        update.label = "An update for the hub (optional)"
        update.help_text = (
            "What happened, in plain words. It is passed on to the people whose words led here."
        )
        self.fields["lock_version"].required = True
        del self.fields["tell_contributors"]  # a commitment's update always goes back to the hub
