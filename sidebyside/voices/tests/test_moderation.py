"""Checking contributions: the queue, allow and hide, removing personal details, safeguarding."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.core.models import AuditEvent
from sidebyside.notify.models import OutboxMessage
from sidebyside.voices.models import Contribution, SafeguardingLead, visible_on_wall
from sidebyside.voices.redaction import REMOVED, redact
from sidebyside.voices.services_moderation import hub_names

NAMES = ["Marnie Quillfeather", "Maz", "Corin Vasquez-Hale"]


def add(
    hub: Any, words: str = "More evening sessions", *, minutes_ago: int = 10, **fields: Any
) -> Contribution:
    return Contribution.objects.create(
        uuid=uuid.uuid4(),
        hub=hub,
        text=words,
        said_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        channel=fields.pop("channel", "phone"),
        **fields,
    )


def url(name: str, contribution: Contribution) -> str:
    return reverse(name, kwargs={"contribution_id": contribution.pk})


def act(client: Client, name: str, contribution: Contribution, **data: Any) -> Any:
    data.setdefault("version", contribution.lock_version)
    return client.post(url(name, contribution), data)


# --- Finding personal details ----------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700 900 123",
        "(0121) 496 0000",
        "020 7946 0018",
        "0161 496 0000",
        "+33 6 12 34 56 78",
        "+1 (202) 555-0143",
    ],
)
def test_phone_numbers_are_removed(phone: str) -> None:
    result = redact(f"Ring me on {phone} after six.")
    assert result.text == f"Ring me on {REMOVED} after six."
    assert result.phones == 1


@pytest.mark.parametrize(
    "words",
    ["Room 101 at 10am", "It was 2019 2020", "On 12.03.2024", "It cost £1234567", "Bus 42 then 7"],
)
def test_dates_years_prices_and_small_numbers_are_not_phone_numbers(words: str) -> None:
    assert redact(words).text == words


@pytest.mark.parametrize("email", ["a@example.org", "first.last+tag@mail.example.co.uk", "O'Neil_99@x-y.com"])
def test_email_addresses_are_removed(email: str) -> None:
    result = redact(f"Email {email}, thanks")
    assert result.text == f"Email {REMOVED}, thanks"
    assert result.emails == 1


def test_names_of_the_hubs_people_are_removed_whole_word_in_any_case() -> None:
    result = redact("marnie quillfeather and MAZ said Corin Vasquez-Hale was late", NAMES)
    assert result.text == f"{REMOVED} and {REMOVED} said {REMOVED} was late"
    assert result.names == 3


def test_a_first_name_alone_is_removed_when_written_as_a_name() -> None:
    assert redact("Marnie was kind. Quillfeather too.", NAMES).text == f"{REMOVED} was kind. {REMOVED} too."


def test_parts_of_words_are_never_removed() -> None:
    words = "Amazing! The Mazda and Marnies and Corinne and quillfeathers stay."
    assert redact(words, NAMES).text == words


def test_a_name_part_that_is_also_a_word_is_left_when_written_as_a_word() -> None:
    assert redact("I will come. Hope said so.", ["Will Hope"]).text == f"I will come. {REMOVED} said so."
    # A whole full name goes in any case, even when it reads as words.
    assert redact("I will hope for better", ["Will Hope"]).text == f"I {REMOVED} for better"


def test_everything_at_once_and_nothing_else() -> None:
    result = redact("Maz (07700 900123, maz@example.org) says the café 🙂 needs fixing", NAMES)
    assert result.text == f"{REMOVED} ({REMOVED}, {REMOVED}) says the café 🙂 needs fixing"
    assert (result.phones, result.emails, result.names) == (1, 1, 1)


def test_hub_names_are_those_of_the_hubs_people_only(hub: Any, personas: Any) -> None:
    personas["member"].known_as = "Maz"
    personas["member"].save()
    names = hub_names(hub)
    assert {"Marnie Quillfeather", "Maz", "Fenella Ambridge", "Corin Vasquez-Hale"} <= set(names)
    assert "Osric Threlkeld" not in names  # another hub


# --- The queue -------------------------------------------------------------------------------


def test_the_queue_lists_what_waits_and_what_raised_a_concern_oldest_first(
    hub: Any, other_hub: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    add(hub, "Newer words", minutes_ago=5)
    add(hub, "Older words", minutes_ago=50)
    add(hub, "Already allowed", state="shown")
    add(hub, "Already hidden", state="hidden")
    add(other_hub, "Another hub's words")
    concern = add(hub, "Worrying words", state="hidden", safeguarding_at=timezone.now())
    client = client_for("facilitator")
    for _ in range(20):
        add(hub, "More of the same", minutes_ago=1)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk}))
    content = page.content.decode()
    assert page.status_code == 200
    assert content.index("Older words") < content.index("Newer words") < content.index("Worrying words")
    assert "Waiting to be checked (22)" in content
    for absent in ("Already allowed", "Already hidden", "Another hub"):
        assert absent not in content
    assert f'id="contribution-{concern.pk}"' in content


def test_the_queue_says_loudly_when_there_is_no_safeguarding_lead(hub: Any, client_for: Any) -> None:
    coordinator = client_for("coordinator").get(reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk}))
    assert "has no safeguarding lead" in coordinator.content.decode()
    assert reverse("voices:safeguarding_lead", kwargs={"hub_id": hub.pk}) in coordinator.content.decode()
    facilitator = client_for("facilitator").get(reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk}))
    assert "Ask your hub coordinator" in facilitator.content.decode()


def test_with_a_lead_the_queue_names_them(hub: Any, personas: Any, client_for: Any) -> None:
    SafeguardingLead.objects.create(hub=hub, user=personas["coordinator"])
    page = client_for("facilitator").get(reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk}))
    content = page.content.decode()
    assert "has no safeguarding lead" not in content
    assert "Safeguarding lead: Corin Vasquez-Hale" in content


def test_staff_must_verify_before_the_queue(hub: Any, client_for: Any) -> None:
    page = client_for("coordinator", verified=False).get(
        reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk})
    )
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:two_step"))


# --- Allow and hide --------------------------------------------------------------------------


def test_allow_then_hide(hub: Any, client_for: Any, personas: Any) -> None:
    row = add(hub)
    client = client_for("facilitator")
    response = act(client, "voices:contribution_allow", row)
    assert response.status_code == 302
    assert response["Location"] == reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk})
    row.refresh_from_db()
    assert row.state == "shown"
    assert Contribution.objects.filter(visible_on_wall(), pk=row.pk).exists()
    response = act(client, "voices:contribution_hide", row, back="contribution")
    assert response["Location"] == url("voices:contribution", row)
    row.refresh_from_db()
    assert row.state == "hidden"
    events = AuditEvent.objects.filter(object_id=str(row.pk)).order_by("pk")
    assert [e.action for e in events] == ["voices.contribution_allowed", "voices.contribution_hidden"]
    assert events[0].actor == personas["facilitator"]
    assert events[0].detail == {"hub_id": hub.pk}


def test_two_moderators_the_second_is_told_and_nothing_undone(hub: Any, client_for: Any) -> None:
    row = add(hub)
    seen = row.lock_version
    second = client_for("facilitator")
    act(client_for("coordinator"), "voices:contribution_hide", row, version=seen)
    response = act(second, "voices:contribution_allow", row, version=seen)
    row.refresh_from_db()
    assert row.state == "hidden"
    page = second.get(response["Location"])
    assert "Someone else acted on this contribution" in page.content.decode()


def test_a_post_without_a_version_changes_nothing(hub: Any, client_for: Any) -> None:
    row = add(hub)
    response = client_for("coordinator").post(url("voices:contribution_allow", row), {"version": "x"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == "pending"


def test_actions_are_post_only(hub: Any, client_for: Any) -> None:
    row = add(hub)
    for name in ("voices:contribution_allow", "voices:contribution_hide", "voices:contribution_redact"):
        assert client_for("coordinator").get(url(name, row)).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("other_member", 404), ("leader", 403)])
def test_others_may_not_moderate(hub: Any, client_for: Any, persona: str, status: int) -> None:
    row = add(hub)
    assert act(client_for(persona), "voices:contribution_allow", row).status_code == status
    row.refresh_from_db()
    assert row.state == "pending"


# --- Removing personal details ---------------------------------------------------------------


@pytest.fixture
def redacted(hub: Any, personas: Any, client_for: Any) -> Contribution:
    personas["member"].known_as = "Maz"
    personas["member"].save()
    row = add(hub, "Maz gave me 07700 900123 and fenella ambridge's email f.a@example.org")
    response = act(client_for("facilitator"), "voices:contribution_redact", row)
    assert response.status_code == 302
    row.refresh_from_db()
    return row


def test_redact_replaces_the_details_and_keeps_the_original(redacted: Contribution, personas: Any) -> None:
    assert redacted.text == f"{REMOVED} gave me {REMOVED} and {REMOVED}'s email {REMOVED}"
    assert redacted.original == "Maz gave me 07700 900123 and fenella ambridge's email f.a@example.org"
    assert redacted.redacted_by == personas["facilitator"]
    assert redacted.redacted_at is not None
    event = AuditEvent.objects.get(action="voices.contribution_redacted")
    assert event.detail == {"hub_id": redacted.hub_id, "phones": 1, "emails": 1, "names": 2}


def test_the_original_is_encrypted_at_rest(redacted: Contribution) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT original FROM voices_contribution WHERE id = %s", [redacted.pk])
        stored = cursor.fetchone()[0]
    assert "07700" not in stored
    assert "Maz" not in stored


def test_redacting_again_keeps_the_first_original(redacted: Contribution, client_for: Any, hub: Any) -> None:
    Contribution.objects.filter(pk=redacted.pk).update(text=redacted.text + " Call 0161 496 0000")
    redacted.refresh_from_db()
    act(client_for("coordinator"), "voices:contribution_redact", redacted)
    redacted.refresh_from_db()
    assert redacted.text.endswith(f"Call {REMOVED}")
    assert redacted.original.startswith("Maz gave me 07700 900123")


def test_nothing_to_remove_changes_nothing(hub: Any, client_for: Any) -> None:
    row = add(hub, "More evening sessions")
    client = client_for("coordinator")
    response = act(client, "voices:contribution_redact", row)
    row.refresh_from_db()
    assert row.redacted_at is None
    assert row.original == ""
    assert row.lock_version == 0
    assert "No phone numbers" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "programme_admin"])
def test_coordinators_and_admins_may_see_the_original_and_it_is_audited(
    redacted: Contribution, client_for: Any, persona: str, personas: Any
) -> None:
    client = client_for(persona)
    page = client.get(url("voices:contribution", redacted)).content.decode()
    assert "07700 900123" not in page  # not until asked
    assert "Show what was written before" in page
    assert not AuditEvent.objects.filter(action="voices.original_viewed").exists()
    page = client.get(url("voices:contribution", redacted) + "?show=original").content.decode()
    assert "07700 900123" in page
    event = AuditEvent.objects.get(action="voices.original_viewed")
    assert event.actor == personas[persona]
    assert event.detail == {"hub_id": redacted.hub_id}


def test_a_facilitator_sees_the_redacted_words_only(redacted: Contribution, client_for: Any) -> None:
    client = client_for("facilitator")
    for suffix in ("", "?show=original"):
        page = client.get(url("voices:contribution", redacted) + suffix).content.decode()
        assert "gave me [removed]" in page
        assert "07700" not in page
        assert "f.a@example.org" not in page
        assert "Show what was written before" not in page
    assert not AuditEvent.objects.filter(action="voices.original_viewed").exists()


def test_the_queue_shows_the_redacted_words_only(redacted: Contribution, client_for: Any, hub: Any) -> None:
    page = client_for("coordinator").get(reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk}))
    content = page.content.decode()
    assert "Personal details removed" in content
    assert "07700" not in content


# --- Taking out other words by hand ----------------------------------------------------------


def test_remove_phrases_takes_out_every_place_whatever_the_case_longest_first() -> None:
    from sidebyside.voices.redaction import remove_phrases

    result = remove_phrases(
        "Ask Big Dave at the Blue Door hostel; big dave knows. The blue door is shut.",
        ["Big Dave", "blue door", "Blue Door hostel", "  ", "Blue Door hostel"],
    )
    assert result.text == f"Ask {REMOVED} at the {REMOVED}; {REMOVED} knows. The {REMOVED} is shut."
    assert (result.words, result.found) == (4, 4)


def test_remove_phrases_takes_whole_words_only_and_leaves_marks_alone() -> None:
    from sidebyside.voices.redaction import remove_phrases

    said = f"Dave from Davenport met Eve; ring {REMOVED}."
    assert remove_phrases(said, ["e", "move", "removed", "port"]).found == 0
    assert (
        remove_phrases(said, ["dave", "eve"]).text
        == f"{REMOVED} from Davenport met {REMOVED}; ring {REMOVED}."
    )
    # One phrase does not eat into the mark another leaves.
    assert (
        remove_phrases("Blue Door, we moved", ["Blue Door", "move", "moved"]).text
        == f"{REMOVED}, we {REMOVED}"
    )


def test_a_moderator_takes_out_words_and_the_original_is_kept(
    hub: Any, client_for: Any, personas: Any
) -> None:
    row = add(hub, "Big Dave at the Blue Door hostel on Mill Road helped me")
    client = client_for("facilitator")
    page = client.get(url("voices:contribution", row)).content.decode()
    assert url("voices:contribution_remove_words", row) in page
    assert client.get(url("voices:contribution_remove_words", row)).status_code == 200

    response = act(client, "voices:contribution_remove_words", row, words="big dave\r\nBlue Door hostel\r\n")

    assert response.status_code == 302
    assert response["Location"] == url("voices:contribution", row)
    row.refresh_from_db()
    assert row.text == f"{REMOVED} at the {REMOVED} on Mill Road helped me"
    assert row.original == "Big Dave at the Blue Door hostel on Mill Road helped me"
    assert (row.redacted_by, row.lock_version) == (personas["facilitator"], 1)
    event = AuditEvent.objects.get(action="voices.contribution_redacted")
    assert event.detail == {"hub_id": row.hub_id, "words": 2}  # how many, never which
    assert "Words taken out (2 places)" in client.get(response["Location"]).content.decode()


def test_from_the_queue_words_are_taken_out_and_the_moderator_goes_back_to_it(
    hub: Any, client_for: Any
) -> None:
    row = add(hub, "Big Dave at the Blue Door")
    client = client_for("coordinator")
    queue = reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk})
    link = url("voices:contribution_remove_words", row) + "?back=queue"
    assert link in client.get(queue).content.decode()
    form = client.get(link).content.decode()
    assert 'name="back" value="queue"' in form
    assert f'href="{queue}" class="govuk-back-link"' in form

    response = act(client, "voices:contribution_remove_words", row, words="Big Dave", back="queue")

    assert response["Location"] == queue
    row.refresh_from_db()
    assert row.text == f"{REMOVED} at the Blue Door"


@pytest.mark.parametrize(
    ("words", "error"),
    [
        ("", "Enter the words to take out"),
        ("   \r\n  ", "Enter the words to take out"),
        ("Blue Door\r\nRed Door", "“Red Door” is not in what was said"),
        ("e", "“e” is not in what was said as whole words"),
        ("remove", "is not in what was said"),
        ("[removed]", "is what is left where words were taken out"),
        ("x" * 2001, "2,000 characters or fewer"),
        ("<script>alert(1)</script>", "is not in what was said"),
    ],
)
def test_bad_words_to_take_out_say_what_is_wrong_and_change_nothing(
    hub: Any, client_for: Any, words: str, error: str
) -> None:
    row = add(hub, f"The Blue Door hostel {REMOVED} was kind")
    response = act(client_for("coordinator"), "voices:contribution_remove_words", row, words=words)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert error in page
    assert "<script>alert" not in page  # what was typed comes back escaped
    row.refresh_from_db()
    assert (row.text, row.original, row.lock_version) == (f"The Blue Door hostel {REMOVED} was kind", "", 0)


def test_taking_out_words_after_someone_else_acted_asks_again_and_keeps_the_words(
    hub: Any, client_for: Any
) -> None:
    row = add(hub, "Big Dave at the Blue Door")
    seen = row.lock_version
    act(client_for("coordinator"), "voices:contribution_hide", row)
    response = act(
        client_for("facilitator"), "voices:contribution_remove_words", row, words="Big Dave", version=seen
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else acted on this contribution" in page
    assert "Big Dave</textarea>" in page  # what they typed is kept
    row.refresh_from_db()
    assert row.text == "Big Dave at the Blue Door"
    # The page now carries the version saved, so sending again goes ahead.
    response = act(client_for("facilitator"), "voices:contribution_remove_words", row, words="Big Dave")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.text == f"{REMOVED} at the Blue Door"


def test_members_and_leaders_cannot_take_out_words(hub: Any, client_for: Any) -> None:
    row = add(hub, "Big Dave at the Blue Door")
    for persona in ("member", "leader"):
        response = act(client_for(persona), "voices:contribution_remove_words", row, words="Big Dave")
        assert response.status_code in (403, 404)
    row.refresh_from_db()
    assert row.text == "Big Dave at the Blue Door"


# --- Safeguarding ----------------------------------------------------------------------------

WORDS = "I do not feel safe at home tonight"


@pytest.fixture
def lead(hub: Any, personas: Any) -> SafeguardingLead:
    return SafeguardingLead.objects.create(hub=hub, user=personas["coordinator"])


def raise_concern(client: Client, row: Contribution, concern: str = "harm_to_self") -> Any:
    return act(client, "voices:contribution_safeguarding", row, concern=concern)


def test_raising_a_concern_hides_it_and_tells_the_lead_without_the_words(
    hub: Any, lead: SafeguardingLead, client_for: Any, personas: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://sidebyside.example.org"
    row = add(hub, WORDS, state="shown")
    client = client_for("facilitator")
    form = client.get(url("voices:contribution_safeguarding", row))
    assert form.status_code == 200
    assert "Raise a safeguarding concern" in form.content.decode()
    response = raise_concern(client, row)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.safeguarding_at is not None
    assert row.safeguarding_by == personas["facilitator"]
    assert row.state == "hidden"
    assert not Contribution.objects.filter(visible_on_wall(), pk=row.pk).exists()
    [message] = OutboxMessage.objects.filter(template="safeguarding")
    assert message.user == personas["coordinator"]
    assert (message.channel, message.to) == ("email", "coordinator@example.org")
    assert json.loads(message.personalisation) == {
        "hub": hub.name,
        "link": f"https://sidebyside.example.org/contributions/{row.pk}/",
    }
    assert "safe" not in message.personalisation
    assert "home" not in message.personalisation
    event = AuditEvent.objects.get(action="voices.safeguarding_raised")
    assert event.detail == {
        "hub_id": hub.pk,
        "concern": "harm_to_self",
        "lead_id": personas["coordinator"].pk,
        "message_id": message.pk,
    }
    assert "the safeguarding lead has been told" in client.get(response["Location"]).content.decode()


def test_a_lead_without_email_is_texted(hub: Any, personas: Any, client_for: Any) -> None:
    facilitator = personas["facilitator"]
    facilitator.email = None
    facilitator.save()
    facilitator.person.phone = "+447700900222"
    facilitator.person.save()
    SafeguardingLead.objects.create(hub=hub, user=facilitator)
    raise_concern(client_for("coordinator"), add(hub, WORDS))
    [message] = OutboxMessage.objects.filter(template="safeguarding")
    assert (message.channel, message.to) == ("sms", "+447700900222")


def test_with_no_lead_the_concern_is_raised_and_the_page_says_nobody_was_told(
    hub: Any, client_for: Any
) -> None:
    row = add(hub, WORDS)
    client = client_for("facilitator")
    page = client.get(url("voices:contribution_safeguarding", row)).content.decode()
    assert "has no safeguarding lead" in page
    assert "gets a message" not in page  # it does not promise what will not happen
    assert "nobody is sent a message" in page
    queue = client.get(reverse("voices:moderation_queue", kwargs={"hub_id": hub.pk})).content.decode()
    assert "the safeguarding lead is told" not in queue
    assert "nobody is told until the hub has a safeguarding lead" in queue
    response = raise_concern(client, row)
    row.refresh_from_db()
    assert row.safeguarding_at is not None
    assert not OutboxMessage.objects.exists()
    assert "nobody has been told" in client.get(response["Location"]).content.decode()


def test_a_concern_needs_a_category(hub: Any, lead: SafeguardingLead, client_for: Any) -> None:
    row = add(hub, WORDS)
    for concern in ("", "I think they are in danger"):  # free text is not a category
        page = raise_concern(client_for("facilitator"), row, concern=concern)
        assert page.status_code == 200
        assert "govuk-error-summary" in page.content.decode()
    row.refresh_from_db()
    assert row.safeguarding_at is None
    assert not OutboxMessage.objects.exists()


def test_raising_it_twice_tells_the_lead_once(hub: Any, lead: SafeguardingLead, client_for: Any) -> None:
    row = add(hub, WORDS)
    raise_concern(client_for("facilitator"), row)
    row.refresh_from_db()
    raise_concern(client_for("coordinator"), row)
    assert OutboxMessage.objects.filter(template="safeguarding").count() == 1


def test_a_stale_concern_form_says_so_and_keeps_the_choice(
    hub: Any, lead: SafeguardingLead, client_for: Any
) -> None:
    row = add(hub, WORDS)
    act(client_for("coordinator"), "voices:contribution_allow", row)
    page = raise_concern(client_for("facilitator"), row, concern="abuse")
    content = page.content.decode()
    assert page.status_code == 200
    assert "Someone else acted on this contribution" in content
    assert 'value="abuse" checked' in content
    assert 'name="version" value="1"' in content
    row.refresh_from_db()
    assert row.safeguarding_at is None


def test_the_contribution_page_shows_the_concern(hub: Any, lead: SafeguardingLead, client_for: Any) -> None:
    row = add(hub, WORDS)
    raise_concern(client_for("facilitator"), row)
    page = client_for("coordinator").get(url("voices:contribution", row)).content.decode()
    assert "A safeguarding concern was raised" in page
    assert "Raise a safeguarding concern" not in page


# --- The safeguarding lead -------------------------------------------------------------------


def test_a_coordinator_chooses_the_lead_among_the_hubs_staff(
    hub: Any, personas: Any, client_for: Any
) -> None:
    client = client_for("coordinator")
    page = client.get(reverse("voices:safeguarding_lead", kwargs={"hub_id": hub.pk})).content.decode()
    assert "Fenella Ambridge" in page
    assert "Corin Vasquez-Hale" in page
    assert "Marnie Quillfeather" not in page  # a member, not staff
    response = client.post(
        reverse("voices:safeguarding_lead", kwargs={"hub_id": hub.pk}), {"user": personas["facilitator"].pk}
    )
    assert response.status_code == 302
    assert SafeguardingLead.objects.get(hub=hub).user == personas["facilitator"]
    event = AuditEvent.objects.get(action="voices.safeguarding_lead_set")
    assert event.detail == {"user_id": personas["facilitator"].pk}
    client.post(
        reverse("voices:safeguarding_lead", kwargs={"hub_id": hub.pk}), {"user": personas["coordinator"].pk}
    )
    assert SafeguardingLead.objects.get(hub=hub).user == personas["coordinator"]


@pytest.mark.parametrize("choice", ["", "member", "other_member", "999999"])
def test_the_lead_must_be_one_of_the_hubs_staff(
    hub: Any, personas: Any, client_for: Any, choice: str
) -> None:
    value = personas[choice].pk if choice in personas else choice
    page = client_for("coordinator").post(
        reverse("voices:safeguarding_lead", kwargs={"hub_id": hub.pk}), {"user": value}
    )
    assert page.status_code == 200
    assert "govuk-error-summary" in page.content.decode()
    assert not SafeguardingLead.objects.exists()


def test_a_facilitator_may_not_choose_the_lead(hub: Any, personas: Any, client_for: Any) -> None:
    response = client_for("facilitator").post(
        reverse("voices:safeguarding_lead", kwargs={"hub_id": hub.pk}), {"user": personas["facilitator"].pk}
    )
    assert response.status_code == 403
    assert not SafeguardingLead.objects.exists()


def test_the_contribution_page_reads_a_fixed_number_of_queries(
    redacted: Contribution, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("coordinator")
    with django_assert_max_num_queries(14):
        assert client.get(url("voices:contribution", redacted)).status_code == 200
