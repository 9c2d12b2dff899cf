"""Each person's own pages: "Your details and choices"."""

from __future__ import annotations

import datetime
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sidebyside.core.models import AuditEvent
from sidebyside.people import consent, services
from sidebyside.people.forms import CHANGED_MESSAGE
from sidebyside.people.models import (
    CatchUp,
    Consent,
    Person,
    PersonRequest,
    SupportNeeds,
    WellbeingPlan,
)
from sidebyside.people.tests.conftest import agree

DETAILS = {
    "full_name": "Marnie Quillfeather",
    "known_as": "Marn",
    "pronouns": "she/her",
    "phone": "07700 900 123",
    "email": "marnie@example.org",
    "address": "1 Harbour Row\nTestshire",
}
CONTACT = {"preferred_channel": "email", "quiet_from": "21:00", "quiet_until": "9am", "contact_notes": ""}
ABOUT = {
    "about_communication": "Short texts, not calls",
    "about_know": "I like dogs",
    "about_counted_on": "Making tea",
    "about_learn": "Public speaking",
}
OTHER_PHONE = "+447700900999"

# Pages answered to GET (name, URL kwargs): all of them show only the signed-in person's record.
GET_PAGES = [
    ("people:me", {}),
    ("people:me_details", {}),
    ("people:me_contact", {}),
    ("people:me_about", {}),
    ("people:me_consent", {"purpose": "quote"}),
    ("people:me_consent", {"purpose": "store_support"}),
    ("people:me_needs", {}),
    ("people:me_plan", {}),
    ("people:me_plan_edit", {}),
    ("people:me_pause", {}),
    ("people:me_data", {}),
    ("people:me_forget", {}),
]


@pytest.fixture
def member(client_for: Any) -> Any:
    return client_for("member")


def _page(response: Any) -> str:
    return response.content.decode()


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _saved_now(page: str) -> str:
    """The "What is saved now" box of a page."""
    start = page.index("What is saved now")
    return page[start : page.index("</dl>", start)]


def _fresh(person: Person) -> Person:
    return Person.objects.select_related("user").get(pk=person.pk)


# Every page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), GET_PAGES)
def test_every_page_renders_for_a_member(name: str, kwargs: dict[str, str], member: Any) -> None:
    response = member.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert "govuk-error-summary" not in _page(response)


@pytest.mark.parametrize(("name", "kwargs"), GET_PAGES)
def test_pages_show_only_the_signed_in_persons_own_record(
    name: str, kwargs: dict[str, str], member: Any, member_person: Person, personas: Any
) -> None:
    other = personas["other_member"].person
    Person.objects.filter(pk=other.pk).update(phone=OTHER_PHONE, address="99 Elsewhere Lane")
    Person.objects.filter(pk=member_person.pk).update(phone="+447700900123")
    page = _page(member.get(reverse(name, kwargs=kwargs)))
    for shown in ("07700 900999", OTHER_PHONE, "99 Elsewhere Lane", "Osric Threlkeld"):
        assert shown not in page
    if name in ("people:me", "people:me_details"):
        assert "07700 900123" in page


def test_the_pages_take_no_person_id(member: Any) -> None:
    # Nothing in /me/ names a record: there is no address to try someone else's with.
    assert reverse("people:me_details") == "/me/details/"
    assert reverse("people:me_consent", kwargs={"purpose": "quote"}) == "/me/consents/quote/"


def test_the_account_page_links_here(member: Any) -> None:
    assert reverse("people:me") in _page(member.get(reverse("accounts:account")))


def test_someone_signed_out_is_sent_to_sign_in(client: Any, db: Any) -> None:
    response = client.get(reverse("people:me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_an_erased_person_has_no_pages(member: Any, member_person: Person) -> None:
    Person.objects.filter(pk=member_person.pk).update(erased_at=timezone.now())
    assert member.get(reverse("people:me")).status_code == 404


# The summary page ------------------------------------------------------------------------------


def test_the_summary_shows_details_choices_needs_and_plan(member: Any, member_person: Person) -> None:
    Person.objects.filter(pk=member_person.pk).update(phone="+447700900123", pronouns="she/her")
    agree(member_person, Consent.Purpose.QUOTE, level=Consent.Level.FIRST_NAME)
    agree(member_person, Consent.Purpose.STORE_SUPPORT, expires_on=datetime.date(2099, 1, 31))
    needs = SupportNeeds(person=member_person)
    needs.needs = ["step_free"]
    needs.save()
    WellbeingPlan.objects.create(person=member_person, version=1, review_on=datetime.date(2099, 2, 1))
    page = _page(member.get(reverse("people:me")))
    assert "07700 900123" in page
    assert "she/her" in page
    assert "Yes</strong>, with your first name only" in page
    assert "You said yes in writing on" in page
    assert "This ends on 31 January 2099" in page
    assert "Step-free access" in page
    assert "1 February 2099" in page
    assert reverse("people:me_consent", kwargs={"purpose": "photos"}) in page
    for name in ("people:me_details", "people:me_contact", "people:me_about", "people:me_needs"):
        assert reverse(name) in page
    for name in ("people:me_plan", "people:me_pause", "people:me_data", "people:me_forget"):
        assert reverse(name) in page


def test_reading_the_summary_audits_needs_and_plan(member: Any, personas: Any) -> None:
    member.get(reverse("people:me"))
    user = personas["member"]
    for action in ("person.support_needs_viewed", "person.plan_viewed"):
        assert AuditEvent.objects.filter(action=action, actor=user, subject=user).count() == 1


def test_summary_query_count_does_not_grow(
    member: Any, member_person: Person, personas: Any, django_assert_max_num_queries: Any
) -> None:
    url = reverse("people:me")
    member.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert member.get(url).status_code == 200
    user = personas["member"]
    today = timezone.localdate()
    for purpose in Consent.Purpose:
        agree(member_person, purpose, level=Consent.Level.ANONYMOUS if purpose in Consent.LEVELLED else "")
    for number in range(10):
        agree(
            member_person,
            Consent.Purpose.PHOTOS,
            given_on=today - datetime.timedelta(days=number + 1),
            ended_at=timezone.now(),
            ended_reason=Consent.EndReason.REPLACED,
        )
        WellbeingPlan.objects.create(person=member_person, version=number + 1, written_by=user)
        CatchUp.objects.create(person=member_person, held_on=today, notes=f"Catch-up {number}")
    needs = SupportNeeds(person=member_person)
    needs.needs = ["step_free", "breaks"]
    needs.save()
    PersonRequest.objects.create(person=member_person, kind=PersonRequest.Kind.FORGET)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        assert member.get(url).status_code == 200
    assert len(many) == len(few), f"{len(few)} queries with an empty record, {len(many)} with a full one"


# Details, contact, about me --------------------------------------------------------------------


def test_details_are_saved(member: Any, member_person: Person, personas: Any) -> None:
    response = member.post(
        reverse("people:me_details"), {**DETAILS, "lock_version": member_person.lock_version}
    )
    assert response["Location"] == reverse("people:me")
    person = _fresh(member_person)
    assert person.phone == "+447700900123"
    assert person.pronouns == "she/her"
    assert person.address == "1 Harbour Row\nTestshire"
    assert person.user.known_as == "Marn"
    assert person.user.email == "marnie@example.org"
    assert person.last_active_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="person.updated", actor=personas["member"]).exists()
    assert "Your details have been saved" in _page(member.get(response["Location"]))


def test_the_details_form_starts_with_what_is_saved(member: Any, member_person: Person) -> None:
    Person.objects.filter(pk=member_person.pk).update(phone="+447700900123")
    page = _page(member.get(reverse("people:me_details")))
    assert 'value="07700 900123"' in page
    assert 'value="Marnie Quillfeather"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Enter a UK phone number with the right number of digits"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("email", "other.member@example.org", "This email address is already used by someone else"),
        ("full_name", "", "Enter your full name"),
    ],
)
def test_bad_details_are_explained_and_kept(
    member: Any, member_person: Person, personas: Any, field: str, value: str, message: str
) -> None:
    response = member.post(
        reverse("people:me_details"),
        {**DETAILS, field: value, "lock_version": member_person.lock_version},
    )
    page = _page(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    assert 'value="she/her"' in page  # what else they typed is kept
    if value:
        assert f'value="{value}"' in page
    person = _fresh(member_person)
    assert person.pronouns == ""
    assert person.phone == ""
    assert person.user.email == "member@example.org"
    assert person.lock_version == member_person.lock_version


def test_contact_preferences_are_saved(member: Any, member_person: Person) -> None:
    response = member.post(reverse("people:me_contact"), {**CONTACT, "lock_version": 0})
    assert response.status_code == 302
    person = _fresh(member_person)
    assert person.preferred_channel == "email"
    assert person.quiet_from == datetime.time(21)
    assert person.quiet_until == datetime.time(9)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quiet_from": "25:99"}, "Enter a time like 9pm or 8:30pm"),
        ({"quiet_until": ""}, "Enter both times, or neither"),
        ({"preferred_channel": ""}, "Select the best way to get in touch"),
    ],
)
def test_bad_contact_preferences_are_explained_and_kept(
    member: Any, member_person: Person, changes: dict[str, str], message: str
) -> None:
    form = {**CONTACT, "contact_notes": "Not on Mondays", "lock_version": 0, **changes}
    response = member.post(reverse("people:me_contact"), form)
    page = _page(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    assert 'value="Not on Mondays"' in page
    if changes.get("quiet_from"):
        assert 'value="25:99"' in page
    person = _fresh(member_person)
    assert person.quiet_from is None
    assert person.contact_notes == ""


def test_about_me_is_saved(member: Any, member_person: Person) -> None:
    response = member.post(reverse("people:me_about"), {**ABOUT, "lock_version": 0})
    assert response.status_code == 302
    assert _fresh(member_person).about_counted_on == "Making tea"


def test_about_me_that_is_too_long_is_explained_and_kept(member: Any, member_person: Person) -> None:
    response = member.post(reverse("people:me_about"), {**ABOUT, "about_know": "x" * 4001, "lock_version": 0})
    page = _page(response)
    assert "govuk-error-summary" in page
    assert "Making tea" in page
    assert _fresh(member_person).about_counted_on == ""


@pytest.mark.parametrize(
    ("name", "form", "field", "saved"),
    [
        ("people:me_details", DETAILS, "pronouns", "she/her"),
        ("people:me_contact", CONTACT, "contact_notes", "Not on Mondays"),
        ("people:me_about", ABOUT, "about_know", "I like dogs"),
    ],
)
def test_someone_else_saving_first_is_not_overwritten(
    name: str,
    form: dict[str, str],
    field: str,
    saved: str,
    member: Any,
    member_person: Person,
    personas: Any,
) -> None:
    started_at = member_person.lock_version
    # A coordinator saves while the member is still typing.
    services.person_update(
        actor=personas["coordinator"], person=member_person, expected_version=started_at, pronouns="they/them"
    )
    mine = {**form, field: saved, "lock_version": started_at}
    response = member.post(reverse(name), mine)
    page = _page(response)
    assert response.status_code == 200
    assert "Someone else saved changes" in page
    assert "What is saved now" in page
    assert saved in page  # what they typed is kept
    person = _fresh(member_person)
    assert person.pronouns == "they/them"
    assert getattr(person, field) != saved
    # Having seen what is saved now, saving again goes ahead.
    assert f'name="lock_version" value="{person.lock_version}"' in page
    mine["lock_version"] = person.lock_version
    assert member.post(reverse(name), mine).status_code == 302
    assert getattr(_fresh(member_person), field) == saved


def test_the_changed_message_is_the_shared_one() -> None:
    assert CHANGED_MESSAGE.startswith("Someone else saved changes")


# What you have agreed to -----------------------------------------------------------------------


def test_an_unknown_purpose_is_not_found(member: Any) -> None:
    assert member.get(reverse("people:me_consent", kwargs={"purpose": "sell_my_data"})).status_code == 404


def test_the_quote_question_explains_and_asks_how_to_name_you(member: Any) -> None:
    page = _page(member.get(reverse("people:me_consent", kwargs={"purpose": "quote"})))
    assert "We sometimes quote what people say in reports to services" in page
    for label in ("Yes, with my full name", "Yes, with my first name only", "Yes, but without my name", "No"):
        assert label in page


def test_agreeing_to_be_quoted_is_recorded_online_today(
    member: Any, member_person: Person, personas: Any
) -> None:
    response = member.post(
        reverse("people:me_consent", kwargs={"purpose": "quote"}), {"answer": "first_name"}
    )
    assert response["Location"] == reverse("people:me")
    given = Consent.objects.get(person=member_person, purpose="quote", ended_at__isnull=True)
    assert given.how == Consent.How.ONLINE
    assert given.given_on == timezone.localdate()
    assert given.recorded_by == personas["member"]
    assert consent.quote_level(member_person) == Consent.Level.FIRST_NAME
    page = _page(member.get(response["Location"]))
    assert "We can quote you with your first name only. You can change this at any time." in page


def test_the_question_starts_from_the_current_answer(member: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.QUOTE, level=Consent.Level.ANONYMOUS)
    page = _page(member.get(reverse("people:me_consent", kwargs={"purpose": "quote"})))
    assert 'value="anonymous" checked' in page
    assert "At the moment you have said yes, without your name" in page


def test_saying_no_to_quotes_stops_quoting_at_once(member: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.QUOTE, level=Consent.Level.NAMED)
    assert consent.may_quote(member_person)
    response = member.post(reverse("people:me_consent", kwargs={"purpose": "quote"}), {"answer": "no"})
    assert response.status_code == 302
    assert not consent.may_quote(member_person)
    assert "We will not quote you. You can change this at any time." in _page(
        member.get(reverse("people:me"))
    )


def test_saying_no_when_never_asked_is_harmless(member: Any, member_person: Person) -> None:
    response = member.post(reverse("people:me_consent", kwargs={"purpose": "photos"}), {"answer": "no"})
    assert response.status_code == 302
    assert not Consent.objects.filter(person=member_person).exists()


def test_a_yes_no_question_saves_yes(member: Any, member_person: Person) -> None:
    member.post(reverse("people:me_consent", kwargs={"purpose": "contact_sms"}), {"answer": "yes"})
    assert consent.may_contact(member_person, "sms")
    assert Consent.objects.get(person=member_person, purpose="contact_sms").level == ""


@pytest.mark.parametrize(("purpose", "answer"), [("quote", ""), ("quote", "yes"), ("photos", "named")])
def test_no_answer_is_explained(member: Any, member_person: Person, purpose: str, answer: str) -> None:
    response = member.post(reverse("people:me_consent", kwargs={"purpose": purpose}), {"answer": answer})
    page = _page(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Select yes or no" in page or "Select a valid choice" in page
    assert not Consent.objects.filter(person=member_person).exists()


def test_saying_no_to_keeping_support_needs_warns_then_deletes_them(
    member: Any, member_person: Person, personas: Any
) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    services.support_needs_update(
        actor=personas["member"], person=member_person, needs=["breaks"], details="", expected_version=0
    )
    services.plan_save(actor=personas["member"], person=member_person, base_version=0, interests="Art")
    url = reverse("people:me_consent", kwargs={"purpose": "store_support"})
    assert "we will delete your support needs, your plan" in _page(member.get(url))
    member.post(url, {"answer": "no"})
    assert not consent.may_store_support(member_person)
    assert not SupportNeeds.objects.filter(person=member_person).exists()
    assert not WellbeingPlan.objects.filter(person=member_person).exists()


# Support needs ---------------------------------------------------------------------------------


def test_no_warning_about_deleting_when_there_is_nothing_to_delete(member: Any) -> None:
    page = _page(member.get(reverse("people:me_consent", kwargs={"purpose": "store_support"})))
    assert "Can we keep a record of your support needs and plan?" in page
    assert "we will delete" not in page


def test_needs_ask_to_keep_a_record_first(member: Any, member_person: Person) -> None:
    page = _page(member.get(reverse("people:me_needs")))
    assert "Keep a record of my support needs and plan" in page


def test_needs_entered_without_agreeing_are_explained_and_kept(member: Any, member_person: Person) -> None:
    response = member.post(
        reverse("people:me_needs"),
        {"needs": ["step_free"], "details": "A ramp at the back door", "lock_version": "0"},
    )
    page = _page(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "To save what you entered, tick the box" in page
    assert "A ramp at the back door" in page
    assert 'value="step_free" checked' in page
    assert not SupportNeeds.objects.filter(person=member_person).exists()
    assert not consent.may_store_support(member_person)


def test_ticking_the_box_agrees_and_saves_needs(member: Any, member_person: Person, personas: Any) -> None:
    response = member.post(
        reverse("people:me_needs"),
        {"keep": "on", "needs": ["step_free", "breaks"], "details": "A ramp", "lock_version": "0"},
    )
    assert response["Location"] == reverse("people:me")
    given = Consent.objects.get(person=member_person, purpose="store_support")
    assert given.how == Consent.How.ONLINE
    record = SupportNeeds.objects.get(person=member_person)
    assert record.needs == ["step_free", "breaks"]
    assert record.details == "A ramp"
    assert record.updated_by == personas["member"]


def test_needs_are_saved_when_already_agreed(member: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    page = _page(member.get(reverse("people:me_needs")))
    assert "Keep a record of my support needs and plan" not in page
    response = member.post(
        reverse("people:me_needs"), {"needs": ["interpreter"], "details": "Polish", "lock_version": "0"}
    )
    assert response.status_code == 302
    assert SupportNeeds.objects.get(person=member_person).needs == ["interpreter"]


def test_reading_needs_is_audited(member: Any, personas: Any) -> None:
    member.get(reverse("people:me_needs"))
    user = personas["member"]
    assert AuditEvent.objects.filter(action="person.support_needs_viewed", actor=user, subject=user).exists()


def test_needs_saved_by_someone_else_first_are_not_overwritten(
    member: Any, member_person: Person, personas: Any
) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    services.support_needs_update(
        actor=personas["coordinator"], person=member_person, needs=["breaks"], details="", expected_version=0
    )
    response = member.post(
        reverse("people:me_needs"), {"needs": ["large_print"], "details": "Size 18", "lock_version": "0"}
    )
    page = _page(response)
    assert "Someone else saved changes" in page
    assert "Size 18" in page
    assert "Breaks" in _saved_now(page)
    assert SupportNeeds.objects.get(person=member_person).needs == ["breaks"]


def test_needs_without_consent_at_the_last_moment_are_not_saved(
    member: Any, member_person: Person, monkeypatch: Any
) -> None:
    # The consent was withdrawn (in another tab, say) after the page was checked.
    from sidebyside.people import views_me

    monkeypatch.setattr(views_me, "consents", SimpleNamespace(may_store_support=lambda person: True))
    response = member.post(
        reverse("people:me_needs"), {"needs": ["breaks"], "details": "Every hour", "lock_version": "0"}
    )
    page = _page(response)
    assert response.status_code == 200
    assert "You have told us not to keep a record of your support needs and plan" in page
    assert "Every hour" in page
    assert "Keep a record of my support needs and plan" in page
    assert not SupportNeeds.objects.filter(person=member_person).exists()


# Plan ------------------------------------------------------------------------------------------


def test_the_plan_shows_review_date_and_catch_ups_and_is_audited(
    member: Any, member_person: Person, personas: Any
) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    services.plan_save(
        actor=personas["coordinator"],
        person=member_person,
        base_version=0,
        interests="Gardening",
        review_on=datetime.date(2099, 3, 14),
    )
    services.catch_up_add(
        actor=personas["coordinator"],
        person=member_person,
        held_on=datetime.date(2026, 1, 5),
        notes="Talked about the allotment",
    )
    page = _page(member.get(reverse("people:me_plan")))
    assert "Gardening" in page
    assert "14 March 2099" in page
    assert "5 January 2026" in page
    assert "Talked about the allotment" in page
    assert "Corin" not in page  # who noted the catch-up is not the point here
    user = personas["member"]
    assert AuditEvent.objects.filter(action="person.plan_viewed", actor=user, subject=user).exists()


def test_the_plan_questions_read_as_written(member: Any) -> None:
    page = _page(member.get(reverse("people:me_plan_edit")))
    assert "Skills I have" in page
    assert "When I&#x27;m available" in page


def test_saving_the_plan_adds_a_version(member: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    url = reverse("people:me_plan_edit")
    review = timezone.localdate() + datetime.timedelta(days=30)
    response = member.post(url, {"base_version": "0", "interests": "Cooking", **_date("review_on", review)})
    assert response["Location"] == reverse("people:me_plan")
    response = member.post(url, {"base_version": "1", "interests": "Cooking and music"})
    assert response.status_code == 302
    versions = list(WellbeingPlan.objects.filter(person=member_person).order_by("version"))
    assert [p.version for p in versions] == [1, 2]
    assert versions[0].review_on == review
    assert versions[1].interests == "Cooking and music"
    assert 'name="base_version" value="2"' in _page(member.get(url))  # the next save starts from 2


def test_a_plan_started_from_an_old_version_is_not_saved(
    member: Any, member_person: Person, personas: Any
) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    services.plan_save(actor=personas["coordinator"], person=member_person, base_version=0, interests="Chess")
    response = member.post(reverse("people:me_plan_edit"), {"base_version": "0", "interests": "Football"})
    page = _page(response)
    assert "Someone else saved changes" in page
    assert "Football" in page
    assert "Chess" in _saved_now(page)
    assert WellbeingPlan.objects.filter(person=member_person).count() == 1


def test_a_bad_review_date_is_explained_and_kept(member: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.STORE_SUPPORT)
    response = member.post(
        reverse("people:me_plan_edit"),
        {"base_version": "0", "interests": "Poetry", "review_on_day": "31", "review_on_month": "2",
         "review_on_year": "2099"},
    )  # fmt: skip
    page = _page(response)
    assert "govuk-error-summary" in page
    assert "must be a real date" in page
    assert "Poetry" in page
    assert not WellbeingPlan.objects.filter(person=member_person).exists()


def test_a_plan_needs_the_box_ticked_without_consent(member: Any, member_person: Person) -> None:
    url = reverse("people:me_plan_edit")
    response = member.post(url, {"base_version": "0", "interests": "Birdwatching"})
    assert "To save what you entered, tick the box" in _page(response)
    assert "Birdwatching" in _page(response)
    assert not WellbeingPlan.objects.filter(person=member_person).exists()
    response = member.post(url, {"keep": "on", "base_version": "0", "interests": "Birdwatching"})
    assert response.status_code == 302
    assert consent.may_store_support(member_person)
    assert WellbeingPlan.objects.get(person=member_person).interests == "Birdwatching"


# Pause -----------------------------------------------------------------------------------------


def test_pausing_stops_contact_and_coming_back_starts_it(member: Any, member_person: Person) -> None:
    agree(member_person, Consent.Purpose.CONTACT_SMS)
    assert consent.may_contact(member_person, "sms")
    page = _page(member.get(reverse("people:me_pause")))
    assert "we will not send you reminders or messages until you come back" in page
    response = member.post(reverse("people:me_pause"), {"status": "paused"})
    assert response["Location"] == reverse("people:me")
    person = _fresh(member_person)
    assert person.status == Person.Status.PAUSED
    assert not consent.may_contact(person, "sms")
    assert "Start taking part again" in _page(member.get(reverse("people:me_pause")))
    member.post(reverse("people:me_pause"), {"status": "active"})
    assert consent.may_contact(_fresh(member_person), "sms")


def test_pause_refuses_anything_else(member: Any, member_person: Person) -> None:
    assert member.post(reverse("people:me_pause"), {"status": "left"}).status_code == 400
    assert _fresh(member_person).status == Person.Status.ACTIVE


# Your data -------------------------------------------------------------------------------------


def test_the_data_page_offers_downloads_by_post(member: Any) -> None:
    page = _page(member.get(reverse("people:me_data")))
    for fmt in ("html", "pdf", "json"):
        assert f'action="{reverse("people:me_data_download", kwargs={"fmt": fmt})}"' in page
    assert member.get(reverse("people:me_data_download", kwargs={"fmt": "json"})).status_code == 405


def test_an_unknown_download_format_is_not_found(member: Any) -> None:
    assert member.post(reverse("people:me_data_download", kwargs={"fmt": "xls"})).status_code == 404


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("json", "application/json"), ("html", "text/html"), ("pdf", "application/pdf")]
)
def test_downloading_your_data(member: Any, member_person: Person, fmt: str, content_type: str) -> None:
    Person.objects.filter(pk=member_person.pk).update(phone="+447700900123")
    response = member.post(reverse("people:me_data_download", kwargs={"fmt": fmt}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="my-data.{fmt}"'
    assert "no-store" in response["Cache-Control"]
    if fmt == "json":
        json.loads(response.content)
    asked = PersonRequest.objects.get(person=member_person, kind=PersonRequest.Kind.COPY)
    assert asked.done_at is not None


# Forget ----------------------------------------------------------------------------------------


def test_asking_to_be_forgotten_makes_a_request_and_erases_nothing(
    member: Any, member_person: Person
) -> None:
    url = reverse("people:me_forget")
    page = _page(member.get(url))
    assert "A coordinator will contact you" in page or "a coordinator will contact you" in page
    response = member.post(url)
    assert response["Location"] == url
    assert "We have your request" in _page(member.get(url))
    member.post(url)  # asking twice makes one request
    asked = PersonRequest.objects.get(person=member_person, kind=PersonRequest.Kind.FORGET)
    assert asked.done_at is None
    person = _fresh(member_person)
    assert person.erased_at is None
    assert person.user.full_name == "Marnie Quillfeather"
    assert "You asked us to forget you" in _page(member.get(reverse("people:me")))


def test_every_box_of_the_plan_form_looks_like_every_other_form_s(member: Any) -> None:
    """The plan's questions are added to the form as it is made; they still get GOV.UK's text box
    (a thin grey box is easy to miss on an old phone), and the consent tick box is full size."""
    html = member.get(reverse("people:me_plan_edit")).content.decode()
    boxes = re.findall(r"<textarea[^>]*>", html)
    assert len(boxes) >= 10
    assert all('class="govuk-textarea"' in box for box in boxes), boxes
    assert "govuk-checkboxes--small" not in html


def test_a_name_not_given_does_not_read_like_one(member: Any) -> None:
    html = member.get(reverse("people:me")).content.decode()
    assert "Not given: we use your full name" in html


def test_a_member_is_told_when_reminders_cannot_reach_them(member: Any, member_person: Person) -> None:
    Person.objects.filter(pk=member_person.pk).update(preferred_channel="sms", phone="+447700900123")
    assert "We cannot send you reminders by text message" in member.get(reverse("people:me")).content.decode()
    agree(member_person, Consent.Purpose.CONTACT_SMS)
    assert "We cannot send you reminders" not in member.get(reverse("people:me")).content.decode()
