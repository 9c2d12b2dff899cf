"""Messages to senior leaders: writing, sending, replying and following the commitments."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from sidebyside.enquiries import services
from sidebyside.enquiries.models import Action, LeaderMessage, Notice, Update
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme
from sidebyside.notify.models import OutboxMessage
from sidebyside.people.models import Person
from sidebyside.voices.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(hub: Hub, personas: dict[str, Any], organisation: Organisation) -> LeaderMessage:
    return services.message_create(
        actor=personas["coordinator"],
        hub=hub,
        text="Please come to one of our sessions.\nWe would like to show you the garden.",
        leader=personas["leader"],
        leader_organisation=organisation,
    )


@pytest.fixture
def sent(draft: LeaderMessage, personas: dict[str, Any]) -> LeaderMessage:
    return services.message_send(actor=personas["coordinator"], message=draft)


@pytest.fixture
def commitment(sent: LeaderMessage, personas: dict[str, Any]) -> Action:
    services.message_reply(
        actor=personas["leader"], message=sent, reply="Yes, I will come", commitment="Visit in May"
    )
    return Action.objects.get(message=sent)


def _url(name: str, **kwargs: int) -> str:
    return reverse(f"enquiries:{name}", kwargs=kwargs)


def _leader_mail() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template="leader_message"))


# --- The list --------------------------------------------------------------------------------------


def test_list_groups_by_status_for_staff(
    client_for: Callable[..., Client], programme: Programme, draft: LeaderMessage, other_hub: Hub
) -> None:
    services.message_create(actor=None, hub=other_hub, text="From the other hub")
    page = client_for("coordinator").get(_url("messages", programme_id=programme.pk)).content.decode()
    assert "Not sent yet (1)" in page
    assert "Please come to one of our sessions." in page
    assert "We would like to show you the garden" not in page  # the first line only
    assert "Leopold Farthingale" in page  # staff see the leader's name
    assert "From the other hub" not in page  # a hub they do not run
    admin_page = client_for("programme_admin").get(_url("messages", programme_id=programme.pk))
    assert "From the other hub" in admin_page.content.decode()


def test_leader_sees_only_messages_sent_to_them(
    client_for: Callable[..., Client],
    programme: Programme,
    hub: Hub,
    draft: LeaderMessage,
    personas: dict[str, Any],
) -> None:
    url = _url("messages", programme_id=programme.pk)
    client = client_for("leader")
    assert "Please come" not in client.get(url).content.decode()  # a draft is not theirs yet
    services.message_send(actor=personas["coordinator"], message=draft)
    someone_else = make_user("other_leader", expertise="profession")
    Membership.objects.create(user=someone_else, programme=programme, role=Membership.Role.LEADER)
    other = services.message_create(actor=None, hub=hub, text="For someone else", leader=someone_else)
    services.message_send(actor=None, message=other)
    page = client.get(url).content.decode()
    assert "Waiting for a reply (1)" in page
    assert "Please come" in page
    assert "For someone else" not in page
    assert _url("message_reply", message_id=draft.pk) in page
    assert "Corin Vasquez-Hale" not in page


@pytest.mark.parametrize("persona", ["member", "other_member"])
def test_members_never_see_the_list(
    client_for: Callable[..., Client], programme: Programme, persona: str
) -> None:
    assert client_for(persona).get(_url("messages", programme_id=programme.pk)).status_code == 403


def test_list_filters_by_hub_and_status(
    client_for: Callable[..., Client], programme: Programme, hub: Hub, other_hub: Hub, draft: LeaderMessage
) -> None:
    services.message_create(actor=None, hub=other_hub, text="From the other hub")
    client = client_for("programme_admin")
    url = _url("messages", programme_id=programme.pk)
    page = client.get(url, {"hub": other_hub.pk}).content.decode()
    assert "From the other hub" in page
    assert "Please come" not in page
    page = client.get(url, {"status": "sent"}).content.decode()
    assert "From the other hub" not in page
    assert "Please come" not in page
    response = client.get(url, {"hub": "999999", "status": "nonsense"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a hub from the list" in page
    assert "Choose a status from the list" in page


def test_list_query_count_does_not_grow(
    client_for: Callable[..., Client],
    programme: Programme,
    hub: Hub,
    personas: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for("programme_admin")
    url = _url("messages", programme_id=programme.pk)

    def add(count: int) -> None:
        for n in range(count):
            message = services.message_create(
                actor=None, hub=hub, text=f"Message {n}", leader=personas["leader"]
            )
            if n % 2:
                services.message_send(actor=None, message=message)

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url, {"hub": hub.pk}).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"hub": hub.pk}).status_code == 200
    leader = client_for("leader")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert leader.get(url).status_code == 200


# --- Writing and sending ---------------------------------------------------------------------------


def test_save_as_draft_then_send_once(
    client_for: Callable[..., Client], hub: Hub, personas: dict[str, Any], organisation: Organisation
) -> None:
    client = client_for("facilitator")
    response = client.post(
        _url("message_add", hub_id=hub.pk),
        {
            "text": "We need a quiet room",
            "leader": personas["leader"].pk,
            "leader_organisation": organisation.pk,
            "draft": "1",
        },
    )
    message = LeaderMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("message", message_id=message.pk)
    assert message.status == LeaderMessage.Status.DRAFT
    assert _leader_mail() == []
    assert client.post(_url("message_send", message_id=message.pk)).status_code == 302
    assert client.post(_url("message_send", message_id=message.pk)).status_code == 302  # again
    message.refresh_from_db()
    assert message.status == LeaderMessage.Status.SENT
    assert message.sent_at is not None
    mail = _leader_mail()
    assert len(mail) == 1
    assert mail[0].to == personas["leader"].email
    assert f"/messages-to-leaders/{message.pk}/" in mail[0].personalisation


def test_save_and_send_at_once(client_for: Callable[..., Client], hub: Hub, personas: dict[str, Any]) -> None:
    response = client_for("coordinator").post(
        _url("message_add", hub_id=hub.pk),
        {"text": "We need a quiet room", "leader": personas["leader"].pk, "send": "1"},
    )
    assert response.status_code == 302
    assert LeaderMessage.objects.get().status == LeaderMessage.Status.SENT
    assert len(_leader_mail()) == 1


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"text": "", "draft": "1"}, "text", "Write the message"),
        ({"text": "x" * 2001, "draft": "1"}, "text", "Keep the message to 2,000 characters or fewer"),
        ({"text": "Hello", "send": "1"}, "leader", "Choose the leader to send it to"),
        ({"text": "Hello", "leader": "OTHER", "draft": "1"}, "leader", "Choose a leader from the list"),
    ],
)
def test_bad_message_is_refused_and_nothing_lost(
    client_for: Callable[..., Client],
    hub: Hub,
    personas: dict[str, Any],
    data: dict[str, str],
    field: str,
    error: str,
) -> None:
    if data.get("leader") == "OTHER":
        elsewhere = Programme.objects.create(name="Elsewhere", area="Nowhere")
        stranger = make_user("stranger", expertise="profession")
        Membership.objects.create(user=stranger, programme=elsewhere, role=Membership.Role.LEADER)
        data = {**data, "leader": str(stranger.pk)}
    response = client_for("coordinator").post(_url("message_add", hub_id=hub.pk), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert error in page
    assert f'href="#id_{field}"' in page
    assert response.context["form"].errors[field] == [error]
    assert data["text"][:50] in page  # what was typed is kept
    assert "<title>Error: " in page
    assert not LeaderMessage.objects.exists()
    assert _leader_mail() == []


def test_leader_choices_are_the_programmes_leaders_with_their_organisation(
    client_for: Callable[..., Client], hub: Hub
) -> None:
    page = client_for("coordinator").get(_url("message_add", hub_id=hub.pk)).content.decode()
    assert "Leopold Farthingale, Testshire Council" in page
    assert "Corin Vasquez-Hale" not in page  # a coordinator is not a leader


def test_edit_a_draft_only(
    client_for: Callable[..., Client], draft: LeaderMessage, personas: dict[str, Any]
) -> None:
    client = client_for("coordinator")
    url = _url("message_edit", message_id=draft.pk)
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Changed words", "leader": personas["leader"].pk, "draft": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.text == "Changed words"
    assert draft.leader_organisation is None
    response = client.post(url, {"text": "", "draft": "1"})
    assert response.status_code == 200
    assert "Write the message" in response.content.decode()
    services.message_send(actor=None, message=draft)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == _url("message", message_id=draft.pk)
    with pytest.raises(ValidationError):
        services.message_update(actor=None, message=draft, text="Too late")


def test_message_update_checks_the_leader(draft: LeaderMessage, programme: Programme) -> None:
    not_a_leader = make_user("not_a_leader")
    with pytest.raises(ValidationError) as refused:
        services.message_update(actor=None, message=draft, text="Hello", leader=not_a_leader)
    assert "leader" in refused.value.message_dict


def test_message_create_checks_the_leader(hub: Hub) -> None:
    with pytest.raises(ValidationError) as refused:
        services.message_create(actor=None, hub=hub, text="Hello", leader=make_user("nobody_leads"))
    assert "leader" in refused.value.message_dict
    assert not LeaderMessage.objects.exists()


def test_a_reply_needs_a_sent_message_and_is_given_once(
    draft: LeaderMessage, personas: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match="not been sent yet"):
        services.message_reply(actor=personas["leader"], message=draft, reply="Too early")
    services.message_send(actor=None, message=draft)
    services.message_reply(actor=personas["leader"], message=draft, reply="Yes")
    with pytest.raises(ValidationError, match="already has a reply"):
        services.message_reply(actor=personas["leader"], message=draft, reply="Second thoughts")
    draft.refresh_from_db()
    assert draft.reply == "Yes"


def test_a_commitment_recorded_by_an_admin_is_the_leaders(
    sent: LeaderMessage, personas: dict[str, Any]
) -> None:
    services.message_reply(
        actor=personas["programme_admin"], message=sent, reply="Said on the phone", commitment="Visit"
    )
    assert Action.objects.get(message=sent).owner == personas["leader"]


def test_delete_with_confirmation(
    client_for: Callable[..., Client], draft: LeaderMessage, programme: Programme
) -> None:
    client = client_for("coordinator")
    url = _url("message_delete", message_id=draft.pk)
    assert "Are you sure" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == _url("messages", programme_id=programme.pk)
    assert not LeaderMessage.objects.exists()


def test_a_replied_message_is_kept(client_for: Callable[..., Client], commitment: Action) -> None:
    response = client_for("coordinator").post(_url("message_delete", message_id=commitment.message_id))
    assert response.status_code == 302
    assert LeaderMessage.objects.filter(pk=commitment.message_id).exists()


# --- The message page ------------------------------------------------------------------------------


def test_message_page_per_persona(
    client_for: Callable[..., Client], draft: LeaderMessage, personas: dict[str, Any]
) -> None:
    url = _url("message", message_id=draft.pk)
    expected = {
        "member": 404,
        "other_member": 404,
        "facilitator": 200,
        "coordinator": 200,
        "programme_admin": 200,
        "leader": 404,  # a draft is not yet the leader's
    }
    for persona, status in expected.items():
        assert client_for(persona).get(url).status_code == status, persona
    services.message_send(actor=None, message=draft)
    page = client_for("leader").get(url).content.decode()
    assert "A message to you from Hub A" in page
    assert _url("message_reply", message_id=draft.pk) in page
    for persona in ("member", "coordinator", "facilitator", "programme_admin"):
        assert personas[persona].full_name not in page
    assert client_for("member").get(url).status_code == 404


def test_leader_never_sees_the_contributions_author(
    client_for: Callable[..., Client], hub: Hub, personas: dict[str, Any]
) -> None:
    person = Person.objects.get(user=personas["member"])
    contribution = Contribution.objects.create(
        hub=hub, text="Evenings please", said_at=timezone.now(), author=person
    )
    message = services.message_create(
        actor=None, hub=hub, text="Evenings please", leader=personas["leader"], contribution=contribution
    )
    services.message_send(actor=None, message=message)
    page = client_for("leader").get(_url("message", message_id=message.pk)).content.decode()
    assert "Evenings please" in page
    assert "Marnie" not in page
    assert personas["member"].email not in page


# --- Replying --------------------------------------------------------------------------------------


def test_reply_with_commitment_makes_an_action(
    client_for: Callable[..., Client],
    sent: LeaderMessage,
    personas: dict[str, Any],
    organisation: Organisation,
) -> None:
    due = timezone.localdate() + datetime.timedelta(days=30)
    response = client_for("leader").post(
        _url("message_reply", message_id=sent.pk),
        {
            "reply": "Thank you. I will come.",
            "commitment": "Visit the hub in May",
            "due_on_day": str(due.day),
            "due_on_month": str(due.month),
            "due_on_year": str(due.year),
        },
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == LeaderMessage.Status.REPLIED
    assert sent.reply == "Thank you. I will come."
    action = Action.objects.get(message=sent)
    assert action.what == "Visit the hub in May"
    assert action.due_on == due
    assert action.owner == personas["leader"]
    assert action.organisation == organisation
    page = client_for("coordinator").get(_url("message", message_id=sent.pk)).content.decode()
    assert "Visit the hub in May" in page
    assert "Thank you. I will come." in page


def test_reply_without_commitment(client_for: Callable[..., Client], sent: LeaderMessage) -> None:
    response = client_for("leader").post(_url("message_reply", message_id=sent.pk), {"reply": "Noted"})
    assert response.status_code == 302
    assert not Action.objects.exists()
    # Once replied, the reply page sends them back to the message.
    response = client_for("leader").get(_url("message_reply", message_id=sent.pk))
    assert response.status_code == 302


def test_empty_reply_is_refused_and_keeps_the_commitment(
    client_for: Callable[..., Client], sent: LeaderMessage
) -> None:
    response = client_for("leader").post(
        _url("message_reply", message_id=sent.pk), {"reply": "  ", "commitment": "Visit in May"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write your reply" in page
    assert 'value="Visit in May"' in page
    sent.refresh_from_db()
    assert sent.status == LeaderMessage.Status.SENT
    assert not Action.objects.exists()


def test_staff_recording_a_leaders_reply_are_asked_about_the_leader(
    client_for: Callable[..., Client], sent: LeaderMessage
) -> None:
    url = _url("message_reply", message_id=sent.pk)
    page = client_for("programme_admin").get(url).content.decode()
    assert '<h1 class="govuk-heading-l">Record the leader\'s reply</h1>' in page
    assert "The leader&#x27;s reply" in page
    assert "What did they commit to do? (optional)" in page
    assert "Save the reply" in page
    assert "Your reply" not in page
    response = client_for("programme_admin").post(url, {"reply": " ", "commitment": "Visit in May"})
    assert "Write the leader&#x27;s reply" in response.content.decode()
    response = client_for("programme_admin").post(
        url, {"reply": "Yes", "due_on_day": "1", "due_on_month": "6", "due_on_year": "2031"}
    )
    assert "Say what they committed to, or leave the date empty" in response.content.decode()
    leader_page = client_for("leader").get(url).content.decode()
    assert "Your reply" in leader_page
    assert "Send the reply" in leader_page


def test_a_past_due_date_warns_and_needs_confirming(
    client_for: Callable[..., Client], sent: LeaderMessage
) -> None:
    past = timezone.localdate() - datetime.timedelta(days=3)
    data = {
        "reply": "Yes",
        "commitment": "Visit in May",
        "due_on_day": str(past.day),
        "due_on_month": str(past.month),
        "due_on_year": str(past.year),
    }
    client = client_for("leader")
    url = _url("message_reply", message_id=sent.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "has already passed" in page
    assert "Yes, the date is right" in page
    assert "There is a problem" not in page  # a warning, not an error
    assert 'value="Visit in May"' in page
    assert not Action.objects.exists()
    response = client.post(url, {**data, "confirm_past": "on"})
    assert response.status_code == 302
    assert Action.objects.get().due_on == past


def test_a_date_without_a_commitment_is_refused(
    client_for: Callable[..., Client], sent: LeaderMessage
) -> None:
    due = timezone.localdate() + datetime.timedelta(days=3)
    response = client_for("leader").post(
        _url("message_reply", message_id=sent.pk),
        {
            "reply": "Yes",
            "due_on_day": str(due.day),
            "due_on_month": str(due.month),
            "due_on_year": str(due.year),
        },
    )
    assert response.status_code == 200
    assert "Say what you will commit to, or leave the date empty" in response.content.decode()


def test_reply_per_persona(client_for: Callable[..., Client], draft: LeaderMessage) -> None:
    url = _url("message_reply", message_id=draft.pk)
    assert client_for("leader").get(url).status_code == 404  # a draft
    assert client_for("coordinator").get(url).status_code == 403
    assert client_for("programme_admin").get(url).status_code == 302  # not sent: nothing to reply to
    services.message_send(actor=None, message=draft)
    assert client_for("leader").get(url).status_code == 200
    assert client_for("facilitator").get(url).status_code == 403
    assert client_for("member").get(url).status_code == 404


# --- Commitments -----------------------------------------------------------------------------------


def test_commitment_status_with_update(
    client_for: Callable[..., Client], commitment: Action, hub: Hub, personas: dict[str, Any]
) -> None:
    # The message came from a member's words: they are told.
    person = Person.objects.get(user=personas["member"])
    contribution = Contribution.objects.create(
        hub=hub, text="Visit us", said_at=timezone.now(), author=person
    )
    LeaderMessage.objects.filter(pk=commitment.message_id).update(contribution=contribution)
    url = _url("commitment_status", message_id=commitment.message_id, action_id=commitment.pk)
    client = client_for("leader")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"status": "done", "update_text": "I visited on 3 May", "lock_version": commitment.lock_version}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Action.Status.DONE
    update = Update.objects.get()
    assert update.message_id == commitment.message_id
    assert update.action == commitment
    assert update.kind == Update.Kind.WE_DID
    assert update.tell_contributors
    assert Notice.objects.filter(person=person, update=update).exists()
    page = client_for("coordinator").get(_url("message", message_id=commitment.message_id)).content.decode()
    assert "I visited on 3 May" in page


@pytest.mark.parametrize(
    ("status", "error"), [("stuck", "Say why it is stuck"), ("wont_do", "Say why it will not be done")]
)
def test_commitment_stuck_needs_a_reason(
    client_for: Callable[..., Client], commitment: Action, status: str, error: str
) -> None:
    url = _url("commitment_status", message_id=commitment.message_id, action_id=commitment.pk)
    response = client_for("coordinator").post(
        url, {"status": status, "update_text": "Keep this", "lock_version": commitment.lock_version}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert "Keep this" in page
    commitment.refresh_from_db()
    assert commitment.status == Action.Status.NOT_STARTED
    assert not Update.objects.exists()


def test_commitment_status_stale_version(client_for: Callable[..., Client], commitment: Action) -> None:
    url = _url("commitment_status", message_id=commitment.message_id, action_id=commitment.pk)
    response = client_for("coordinator").post(
        url, {"status": "in_progress", "lock_version": commitment.lock_version + 5}
    )
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()


def test_commitment_status_per_persona(
    client_for: Callable[..., Client], commitment: Action, programme: Programme, hub: Hub
) -> None:
    url = _url("commitment_status", message_id=commitment.message_id, action_id=commitment.pk)
    expected = {
        "member": 404,
        "other_member": 404,
        "facilitator": 200,
        "coordinator": 200,
        "programme_admin": 200,
        "leader": 200,
    }
    for persona, status in expected.items():
        assert client_for(persona).get(url).status_code == status, persona
    # The commitment under another message's address: not found.
    other = services.message_create(actor=None, hub=hub, text="Another")
    wrong = _url("commitment_status", message_id=other.pk, action_id=commitment.pk)
    assert client_for("coordinator").get(wrong).status_code == 404
