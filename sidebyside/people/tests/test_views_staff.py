"""Staff pages of people's records."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user, verify_session
from sidebyside.core.models import AuditEvent
from sidebyside.core.sealed import unseal
from sidebyside.core.tests.test_qr import assert_scales_whole
from sidebyside.hubs.models import Membership
from sidebyside.people import consent, services
from sidebyside.people.models import Consent, Person, SupportNeeds
from sidebyside.people.tests.conftest import agree

NEW_PERSON = {
    "full_name": "Dorian Pellowe",
    "known_as": "Dory",
    "pronouns": "he/him",
    "expertise": "experience",
    "phone": "07700 900 123",
    "email": "",
    "address": "",
    "preferred_channel": "sms",
    "quiet_from": "21:00",
    "quiet_until": "9am",
    "contact_notes": "",
    "how_came": "peer",
    "key_worker": "",
    "buddy": "",
    "lock_version": "",
}


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_a_coordinator_adds_a_person_then_records_verbal_consent_and_needs(hub: Any, client_for: Any) -> None:
    client = client_for("coordinator")
    response = client.post(reverse("people:person_add", args=[hub.pk]), NEW_PERSON)
    person = Person.objects.get(user__full_name="Dorian Pellowe")
    assert response["Location"] == reverse("people:person_consents", args=[person.pk])
    assert person.phone == "+447700900123"
    assert person.quiet_from == datetime.time(21)
    assert person.quiet_until == datetime.time(9)

    today = timezone.localdate()
    response = client.post(
        reverse("people:person_consent", args=[person.pk, "store_support"]),
        {"how": "verbal", **_date("given_on", today)},
    )
    assert response.status_code == 302
    given = Consent.objects.get(person=person, purpose="store_support")
    assert given.how == "verbal"
    assert given.recorded_by.full_name == "Corin Vasquez-Hale"

    response = client.post(
        reverse("people:person_needs_edit", args=[person.pk]),
        {"needs": ["step_free", "phone_reminders"], "details": "Bring the ramp", "lock_version": "0"},
    )
    assert response.status_code == 302
    assert SupportNeeds.objects.get(person=person).needs == ["step_free", "phone_reminders"]

    # "No" says whether nothing was ever recorded, or a yes was withdrawn.
    services.consent_withdraw(actor=given.recorded_by, person=person, purpose="store_support")
    page = client.get(reverse("people:person_consents", args=[person.pk])).content.decode()
    assert page.count("Nothing recorded yet") == len(Consent.Purpose) - 1
    assert page.count("Withdrawn or ended: see the history below") == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Enter a UK phone number with the right number of digits"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("full_name", "", "Enter the person&#x27;s full name"),
        ("quiet_from", "25:99", "Enter a time like 9pm or 8:30pm"),
    ],
)
def test_bad_input_is_explained_and_kept(
    hub: Any, client_for: Any, field: str, value: str, message: str
) -> None:
    response = client_for("coordinator").post(
        reverse("people:person_add", args=[hub.pk]), {**NEW_PERSON, field: value}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    assert 'value="he/him"' in page  # what else they typed is kept
    if value:
        assert f'value="{value}"' in page
    assert not Person.objects.filter(user__full_name="Dorian Pellowe").exists()


def test_same_phone_asks_before_adding_a_second_record(
    hub: Any, client_for: Any, member_person: Person
) -> None:
    Person.objects.filter(pk=member_person.pk).update(phone="+447700900123")
    client = client_for("coordinator")
    response = client.post(reverse("people:person_add", args=[hub.pk]), NEW_PERSON)
    page = response.content.decode()
    assert "already has a record" in page
    assert "Marnie Quillfeather" in page
    assert not Person.objects.filter(user__full_name="Dorian Pellowe").exists()
    response = client.post(reverse("people:person_add", args=[hub.pk]), {**NEW_PERSON, "not_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(user__full_name="Dorian Pellowe").exists()


def test_an_email_already_used_is_refused(hub: Any, client_for: Any, personas: Any) -> None:
    response = client_for("coordinator").post(
        reverse("people:person_add", args=[hub.pk]), {**NEW_PERSON, "email": "MEMBER@example.org"}
    )
    assert "already used by someone else" in response.content.decode()


def test_the_second_of_two_editors_is_told_not_overwritten(client_for: Any, member_person: Person) -> None:
    url = reverse("people:person_edit", args=[member_person.pk])
    form = {**NEW_PERSON, "full_name": "Marnie Quillfeather", "lock_version": str(member_person.lock_version)}
    first, second = client_for("coordinator"), client_for("programme_admin")
    assert first.post(url, {**form, "pronouns": "she/her"}).status_code == 302
    response = second.post(url, {**form, "pronouns": "they/them"})
    page = response.content.decode()
    assert "Someone else saved changes to this record" in page
    assert 'value="they/them"' in page
    assert Person.objects.get(pk=member_person.pk).pronouns == "she/her"


@pytest.mark.parametrize(
    ("given", "ends", "message"),
    [
        (3, None, "must be today or in the past"),
        (-3, -10, "must be on or after the date consent was given"),
    ],
)
def test_consent_dates_are_checked(
    client_for: Any, member_person: Person, given: int, ends: int | None, message: str
) -> None:
    today = timezone.localdate()
    data = {"how": "written", "level": "named", **_date("given_on", today + datetime.timedelta(days=given))}
    if ends is not None:
        data |= _date("expires_on", today + datetime.timedelta(days=ends))
    response = client_for("coordinator").post(
        reverse("people:person_consent", args=[member_person.pk, "quote"]), data
    )
    assert message in response.content.decode()
    assert not Consent.objects.filter(person=member_person).exists()


def test_reading_needs_and_plan_is_audited(client_for: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    client = client_for("coordinator")
    assert client.get(reverse("people:person_needs", args=[member_person.pk])).status_code == 200
    assert client.get(reverse("people:person_plan", args=[member_person.pk])).status_code == 200
    actions = set(AuditEvent.objects.filter(subject=member_person.user).values_list("action", flat=True))
    assert {"person.support_needs_viewed", "person.plan_viewed"} <= actions


def test_a_facilitator_of_another_hub_sees_nothing(
    client_for: Any, other_hub: Any, programme: Any, member_person: Person, client: Any
) -> None:
    outsider = make_user("outside_facilitator")
    Membership.objects.create(user=outsider, programme=programme, hub=other_hub, role="facilitator")
    client.force_login(outsider)
    verify_session(client, outsider)
    for name in ("person", "person_needs", "person_plan", "person_consents"):
        assert client.get(reverse(f"people:{name}", args=[member_person.pk])).status_code == 404


def test_the_hub_facilitator_sees_the_record_but_not_needs_or_plan(
    client_for: Any, member_person: Person
) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    client = client_for("facilitator")
    assert client.get(reverse("people:person", args=[member_person.pk])).status_code == 200
    assert client.get(reverse("people:person_needs", args=[member_person.pk])).status_code == 403
    assert client.get(reverse("people:person_plan", args=[member_person.pk])).status_code == 403


def test_a_named_buddy_may_read_the_plan_once_verified(
    client_for: Any, personas: Any, member_person: Person, client: Any
) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    buddy = personas["other_member"]
    Person.objects.filter(pk=member_person.pk).update(buddy=buddy.person)
    client.force_login(buddy)
    url = reverse("people:person_plan", args=[member_person.pk])
    assert client.get(url)["Location"].startswith(reverse("accounts:two_step"))
    verify_session(client, buddy)
    assert client.get(url).status_code == 200
    assert client.get(reverse("people:person_edit", args=[member_person.pk])).status_code == 403


def _search(client: Any, url: str, **fields: str) -> str:
    """Post the people search as the form does, follow it, and return the page."""
    response = client.post(url, fields)
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_people_list_searches_by_name_and_phone_and_filters(
    hub: Any, client_for: Any, member_person: Person, personas: Any
) -> None:
    Person.objects.filter(pk=member_person.pk).update(phone="+447700900555")
    client = client_for("coordinator")
    url = reverse("people:hub_people", args=[hub.pk])
    assert "Marnie Quillfeather" in _search(client, url, q="07700 900555")
    assert "Marnie Quillfeather" in _search(client, url, q="quill")
    assert "Marnie Quillfeather" not in _search(client, url, q="zzz")
    assert "Marnie Quillfeather" not in _search(client, url, status="paused")
    assert "Marnie Quillfeather" not in _search(client, url, follow_up="on")
    services.person_request_make(actor=personas["member"], person=member_person, kind="forget")
    page = _search(client, url, follow_up="on")
    assert "Marnie Quillfeather" in page
    assert "A request about their data to deal with" in page
    # The live search: htmx follows the redirect, asking for the results only.
    sealed = client.post(url, {"q": "quill"}, headers={"HX-Request": "true"})["Location"]
    assert sealed.startswith(url + "?find=")
    partial = client.get(sealed, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "Marnie Quillfeather" in partial


def test_people_search_words_never_appear_in_the_address(
    hub: Any, client_for: Any, member_person: Person
) -> None:
    """A name, phone number or email typed into the search is sealed in the address it leads
    to: the browser's history and any server's log see only ciphertext."""
    Person.objects.filter(pk=member_person.pk).update(phone="+447700900555")
    client = client_for("coordinator")
    url = reverse("people:hub_people", args=[hub.pk])
    for typed in ("Quillfeather", "07700 900555", "marnie@example.org"):
        response = client.post(url, {"q": typed, "status": "active"})
        location = response["Location"]
        assert location.startswith(url + "?")
        for piece in (typed, typed.lower(), quote_plus(typed), quote(typed), "Quill", "900555"):
            assert piece not in location
        assert "status=active" in location  # the filters that say nothing of anyone stay readable
    viewed = AuditEvent.objects.filter(action="hub.people_viewed").count()
    location = client.post(url, {"q": "quill"})["Location"]
    assert AuditEvent.objects.filter(action="hub.people_viewed").count() == viewed  # the post shows no one
    page = client.get(location)
    assert AuditEvent.objects.filter(action="hub.people_viewed").count() == viewed + 1
    assert "Marnie Quillfeather" in page.content.decode()
    assert 'value="quill"' in page.content.decode()  # the box shows what was typed
    # The next page of results keeps the search, sealed.
    assert page.context["query_string"].startswith("find=")
    # An address from before searches were sealed is not read for words: it shows everyone.
    old = client.get(url, {"q": "zzz"})
    assert "Marnie Quillfeather" in old.content.decode()


def test_a_sealed_search_that_ended_or_was_changed_asks_again(
    hub: Any, client_for: Any, member_person: Person, settings: Any
) -> None:
    client = client_for("coordinator")
    url = reverse("people:hub_people", args=[hub.pk])
    location = client.post(url, {"q": "zzz", "status": "active"})["Location"]
    token = parse_qs(urlsplit(location).query)["find"][0]
    assert unseal(token) == "zzz"
    assert unseal(token, max_age=-1) is None  # older than it may be
    for changed in (token[:-4] + "AAAA", "not-a-search", "é" * 10, "x" * 5000):
        response = client.get(url, {"find": changed, "status": "active"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert "That search has ended. Type what you were looking for again" in page
        assert "Marnie Quillfeather" in page  # the other filters still apply; the words are gone
        assert "find=" not in response.context["query_string"]
        assert "status=active" in response.context["query_string"]
    # A new secret key ends every sealed search; the old one, kept as a fallback, still reads.
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-" + old_key
    assert unseal(token) is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert unseal(token) == "zzz"


def test_people_search_with_errors_keeps_what_was_typed(hub: Any, client_for: Any) -> None:
    client = client_for("coordinator")
    url = reverse("people:hub_people", args=[hub.pk])
    response = client.get(client.post(url, {"q": "quill", "status": "no-such-status"})["Location"])
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="quill"' in page
    assert "quill" not in response.context["query_string"]


def test_in_the_people_list_ones_own_name_leads_to_ones_own_details(
    hub: Any, client_for: Any, member_person: Person, personas: Any
) -> None:
    """Staff are among the people of their hub; their own record opens as "Your details", so
    the list links there rather than to a page that would say "not found"."""
    coordinator = personas["coordinator"]
    page = client_for("coordinator").get(reverse("people:hub_people", args=[hub.pk])).content.decode()
    own = f'<a class="govuk-link" href="{reverse("people:me")}">{coordinator.full_name}</a> (you)'
    assert own in page
    assert reverse("people:person", args=[coordinator.person.pk]) not in page
    assert reverse("people:person", args=[member_person.pk]) in page


def _add_people(hub: Any, n: int, start: int) -> None:
    for i in range(start, start + n):
        user = make_user(f"extra_{i}", password=None)
        Membership.objects.create(user=user, programme=hub.programme, hub=hub, role="member")
        person = user.person
        agree(person, Consent.Purpose.QUOTE, "named", expires_on=timezone.localdate())
        person.plans.create(version=1, review_on=timezone.localdate())


def test_people_list_query_count_does_not_grow(
    hub: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("coordinator")
    url = reverse("people:hub_people", args=[hub.pk])
    _add_people(hub, 3, 0)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    _add_people(hub, 30, 3)
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert "Plan review due" in page
    assert "Consent ending" in page
    # The filter agrees with the flags: everyone added has both reasons, the member neither.
    with django_assert_max_num_queries(14):
        followed = client.get(url, {"follow_up": "on"})
    with django_assert_max_num_queries(14):
        live = client.get(url, {"follow_up": "on"}, headers={"HX-Request": "true"})
    assert live.context["page"].paginator.count == 33
    assert followed.context["page"].paginator.count == 33


def test_history_lists_who_saw_the_record(client_for: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    client = client_for("coordinator")
    client.get(reverse("people:person_needs", args=[member_person.pk]))
    page = client.get(reverse("people:person_history", args=[member_person.pk])).content.decode()
    assert "Looked at support needs" in page
    assert "Corin Vasquez-Hale" in page


def test_plan_edit_keeps_versions_and_catch_ups(client_for: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    client = client_for("coordinator")
    url = reverse("people:person_plan_edit", args=[member_person.pk])
    assert client.post(url, {"base_version": "0", "interests": "Chess"}).status_code == 302
    response = client.post(url, {"base_version": "0", "interests": "Stale"})
    assert "Someone else saved changes" in response.content.decode()
    assert client.post(url, {"base_version": "1", "interests": "Chess, darts"}).status_code == 302
    assert member_person.plans.count() == 2
    future = timezone.localdate() + datetime.timedelta(days=2)
    response = client.post(
        reverse("people:person_catch_up_add", args=[member_person.pk]),
        {**_date("held_on", future), "notes": "x"},
    )
    assert "must be today or in the past" in response.content.decode()
    today = timezone.localdate()
    client.post(
        reverse("people:person_catch_up_add", args=[member_person.pk]),
        {**_date("held_on", today), "notes": "Fine"},
    )
    page = client.get(reverse("people:person_plan", args=[member_person.pk]) + "?version=1").content.decode()
    assert "Version 1" in page
    assert "Chess" in page
    assert "Fine" in page


def test_needs_cannot_be_recorded_without_consent(client_for: Any, member_person: Person) -> None:
    response = client_for("coordinator").get(reverse("people:person_needs_edit", args=[member_person.pk]))
    assert response["Location"] == reverse("people:person_consent", args=[member_person.pk, "store_support"])


def test_staff_forms_speak_of_the_person_not_as_them(client_for: Any, member_person: Person) -> None:
    client = client_for("coordinator")
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    needs = client.get(reverse("people:person_needs_edit", args=[member_person.pk])).content.decode()
    assert "What helps them take part?" in needs
    assert "What helps you take part?" not in needs
    consent = client.get(reverse("people:person_consent", args=[member_person.pk, "quote"])).content.decode()
    assert "With their first name only" in consent
    assert "With my" not in consent


def test_status_change_stops_contact(client_for: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.CONTACT_SMS)
    client_for("coordinator").post(
        reverse("people:person_status", args=[member_person.pk]), {"status": "paused"}
    )
    assert not consent.may_contact(Person.objects.get(pk=member_person.pk), "sms")


def test_after_a_clash_saving_again_goes_ahead(client_for: Any, member_person: Person) -> None:
    url = reverse("people:person_about", args=[member_person.pk])
    stale = {"lock_version": str(member_person.lock_version), "about_learn": "Chairing"}
    client = client_for("coordinator")
    assert client.post(url, {**stale, "about_learn": "Budgets"}).status_code == 302
    page = client.post(url, stale).content.decode()
    assert "What is saved now" in page
    assert "Budgets" in page
    carried = Person.objects.get(pk=member_person.pk).lock_version
    assert f'name="lock_version" value="{carried}"' in page
    assert client.post(url, {**stale, "lock_version": str(carried)}).status_code == 302
    assert Person.objects.get(pk=member_person.pk).about_learn == "Chairing"


def test_a_coordinator_merges_a_duplicate_record(hub: Any, client_for: Any, member_person: Person) -> None:
    client = client_for("coordinator")
    client.post(
        reverse("people:person_add", args=[hub.pk]),
        {**NEW_PERSON, "full_name": "Marnie Q", "phone": "07700 900 777", "known_as": ""},
    )
    duplicate = Person.objects.get(user__full_name="Marnie Q")
    url = reverse("people:person_merge", args=[member_person.pk])
    page = client.get(url).content.decode()
    assert "Marnie Q (07700 900777)" in page
    response = client.post(url, {"other": duplicate.pk})
    assert "Confirm you have checked these are the same person" in response.content.decode()
    response = client.post(url, {"other": duplicate.pk, "confirm": "on"})
    assert response["Location"] == reverse("people:person", args=[member_person.pk])
    kept = Person.objects.get(pk=member_person.pk)
    assert kept.phone == "+447700900777"
    assert Person.objects.get(pk=duplicate.pk).is_erased
    assert client.get(reverse("people:person", args=[duplicate.pk])).status_code == 404


def test_the_programme_people_list_filters_by_hub(
    programme: Any, other_hub: Any, client_for: Any, personas: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("programme_admin")
    url = reverse("people:programme_people", args=[programme.pk])
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    assert "Marnie Quillfeather" in page
    assert "Osric Threlkeld" in page
    assert "Hub B" in page
    page = client.get(url, {"hub": str(other_hub.pk)}).content.decode()
    assert "Osric Threlkeld" in page
    assert "Marnie Quillfeather" not in page
    # A coordinator sees the hubs they look after only.
    page = client_for("coordinator").get(url).content.decode()
    assert "Marnie Quillfeather" in page
    assert "Osric Threlkeld" not in page


def test_the_hub_history_lists_reads_of_special_category_data(
    hub: Any, client_for: Any, member_person: Person, personas: Any, django_assert_max_num_queries: Any
) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    client_for("coordinator").get(reverse("people:person_needs", args=[member_person.pk]))
    client = client_for("programme_admin")
    with django_assert_max_num_queries(14):
        page = client.get(reverse("people:hub_history", args=[hub.pk])).content.decode()
    assert "Looked at support needs" in page
    assert "Corin Vasquez-Hale" in page
    assert "Marnie Quillfeather" in page


def test_a_sign_in_card_signs_the_member_in_once_and_is_recorded(
    client_for: Any, member_person: Person, personas: Any, client: Any
) -> None:
    staff = client_for("coordinator")
    url = reverse("people:person_sign_in_card", args=[member_person.pk])
    assert "Make the card" in staff.get(url).content.decode()
    page = staff.post(url).content.decode()
    assert_scales_whole(page)
    link = page.split('class="govuk-body sbs-link-text">')[1].split("<")[0].replace("&amp;", "&")
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.get("/" + path)
    response = client.post("/" + path)
    assert response.status_code == 302
    assert client.get(reverse("people:me")).status_code == 200
    events = AuditEvent.objects.filter(subject=member_person.user, action="sign_in_link.created")
    assert events.get().actor == personas["coordinator"]


def test_no_sign_in_card_for_staff_accounts(client_for: Any, personas: Any) -> None:
    url = reverse("people:person_sign_in_card", args=[personas["facilitator"].person.pk])
    assert client_for("coordinator").get(url).status_code == 403


def test_the_record_says_when_reminders_cannot_reach_them(client_for: Any, member_person: Person) -> None:
    Person.objects.filter(pk=member_person.pk).update(preferred_channel="sms", phone="")
    url = reverse("people:person", args=[member_person.pk])
    page = client_for("coordinator").get(url).content.decode()
    assert (
        "Reminders and messages cannot reach them by text message: has not agreed to contact by text message"
        in page
    )
    agree(member_person, Consent.Purpose.CONTACT_SMS)
    page = client_for("coordinator").get(url).content.decode()
    assert "cannot reach them by text message: no mobile number" in page
    Person.objects.filter(pk=member_person.pk).update(phone="+447700900123")
    assert "cannot reach them" not in client_for("coordinator").get(url).content.decode()
    # Paused: their status says so; no second warning.
    Person.objects.filter(pk=member_person.pk).update(status="paused", phone="")
    assert "cannot reach them" not in client_for("coordinator").get(url).content.decode()
