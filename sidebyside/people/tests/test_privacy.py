"""A person's rights over their data: export, erasure, retention and merging.

Links to people are found here by walking every model's foreign keys (not through
``privacy.linked_relations``), so these tests check the privacy module against the models
rather than against itself.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sidebyside.accounts.models import User
from sidebyside.accounts.services import totp_device_start
from sidebyside.core.crypto import encrypted_fields
from sidebyside.core.models import AuditEvent
from sidebyside.enquiries.models import Action, ActionReminder, Digest, Enquiry, LeaderMessage, Notice, Update
from sidebyside.gatherings.models import CalendarFeed, Gathering, Photo, Registration, Reminder, Series
from sidebyside.hubs.models import Hub, Membership
from sidebyside.insights.models import Tag, Theme, ThemingRun
from sidebyside.notify.services import message_enqueue
from sidebyside.people import privacy, services
from sidebyside.people.models import CatchUp, Consent, Person, PersonRequest, SupportNeeds, WellbeingPlan
from sidebyside.voices.models import Contribution, ImportJob, SafeguardingLead

# Distinctive values: a search of the whole database for any of them after erasure must find nothing.
NAME = "Zephyrine Quandt-Oyelaran"
KNOWN_AS = "Zephyrella"
EMAIL = "Zephyrine.Quandt@Example.org"
PHONE = "+447700900123"
PHONE_NATIONAL = "07700900123"
WORD = "Vellichor"  # in every free-text answer

# Other people's details, which the person's export must not show.
FAN_NAME = "Fenwick Ormsgill"
FAN_PHONE = "+447700900777"
BUDDY_PHONE = "+447700900666"
KEY_WORKER_PHONE = "+447700900555"


def walked_links() -> list[tuple[str, type[models.Model], str, type[models.Model]]]:
    """(label, model, field name, Person or User) for every foreign key in the project to a person."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if not (f.many_to_one or f.one_to_one):
                continue
            target = f.related_model
            if target not in (Person, User) or (model is Person and f.name == "user"):
                continue
            assert isinstance(target, type)
            found.append((f"{model._meta.label_lower}.{f.name}", model, f.name, target))
    return sorted(found, key=lambda link: link[0])


@dataclass
class Built:
    person: Person
    coordinator: User
    key_worker: Person
    buddy: Person
    fan: Person
    device: TOTPDevice


def build_person(personas: dict[str, Any], hub: Hub) -> Built:
    """Someone with distinctive values in every field and a row in every model that links to them."""
    coordinator = personas["coordinator"]
    today = timezone.localdate()
    key_worker = services.person_create(
        actor=coordinator, hub=hub, full_name="Kit Worrall", phone=KEY_WORKER_PHONE
    )
    buddy = services.person_create(actor=coordinator, hub=hub, full_name="Bea Buddington", phone=BUDDY_PHONE)
    person = services.person_create(
        actor=coordinator,
        hub=hub,
        full_name=NAME,
        known_as=KNOWN_AS,
        email=EMAIL,
        phone=PHONE,
        pronouns=f"xe/{WORD}",
        address=f"1 {WORD} Row\nCambridge CB1 1AA",
        contact_notes=f"Not on {WORD} days",
        how_came=Person.HowCame.PEER,
        quiet_from=datetime.time(21),
        quiet_until=datetime.time(8),
        about_communication=f"{WORD}: short messages",
        about_know=f"{WORD}: I like dogs",
        about_counted_on=f"{WORD}: tea",
        about_learn=f"{WORD}: Welsh",
    )
    services.person_update(
        actor=coordinator, person=person, expected_version=None, key_worker=key_worker, buddy=buddy
    )
    fan = services.person_create(actor=coordinator, hub=hub, full_name=FAN_NAME, phone=FAN_PHONE)
    services.person_update(actor=coordinator, person=fan, expected_version=None, key_worker=person)

    user = person.user
    services.consent_give(
        actor=coordinator, person=person, purpose=Consent.Purpose.STORE_SUPPORT, how="written", given_on=today
    )
    # Given by the person themselves: an audit row with them as the actor.
    services.consent_give(
        actor=user,
        person=person,
        purpose=Consent.Purpose.QUOTE,
        how="online",
        given_on=today,
        level="first_name",
    )
    services.support_needs_update(
        actor=coordinator, person=person, needs=["breaks"], details=f"{WORD} needs", expected_version=None
    )
    services.plan_save(
        actor=coordinator, person=person, base_version=0, interests=f"{WORD} interests", good_day="Walks"
    )
    services.plan_save(actor=coordinator, person=person, base_version=1, interests=f"{WORD} interests, chess")
    services.catch_up_add(actor=coordinator, person=person, held_on=today, notes=f"{WORD} catch-up notes")
    services.person_request_make(actor=coordinator, person=person, kind=PersonRequest.Kind.COPY)
    services.audit_read(actor=coordinator, person=person, what="plan")
    device = totp_device_start(user=user)
    with transaction.atomic():
        message_enqueue(
            user=user, channel="sms", to=PHONE, template="reminder", personalisation={"name": NAME}
        )
    user.groups.add(Group.objects.create(name="Readers"))
    user.user_permissions.add(Permission.objects.get(codename="view_person"))
    _gathering_rows(person, hub)
    person.refresh_from_db()
    return Built(person, coordinator, key_worker, buddy, fan, device)


def _gathering_rows(person: Person, hub: Hub) -> None:
    """A gathering they came to, and (as if they were staff too) one they set up and ran."""
    user = person.user
    start = timezone.now() - datetime.timedelta(days=3)
    series = Series.objects.create(hub=hub, repeats=Series.Repeats.WEEKLY, created_by=user)
    gathering = Gathering.objects.create(
        hub=hub,
        series=series,
        kind="meeting",
        title="Hub meeting",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        created_by=user,
    )
    gathering.facilitators.add(user)
    registration = Registration.objects.create(gathering=gathering, person=person, attendance="attended")
    Reminder.objects.create(
        registration=registration, for_start=start, channel="phone", outcome="called", done_by=user
    )
    Photo.objects.create(gathering=gathering, image=ContentFile(b"x", name="x.png"), uploaded_by=user)
    CalendarFeed.objects.create(user=user, created_by=user)
    # Something they said, giving their name; and, as staff, one they typed up and checked.
    Contribution.objects.create(
        hub=hub, text="The bus is too dear", said_at=start, channel="phone", author=person, name_given=NAME
    )
    Contribution.objects.create(
        hub=hub,
        text="More evening sessions",
        said_at=start,
        channel="facilitator",
        entered_by=user,
        safeguarding_by=user,
        redacted_by=user,
    )
    ImportJob.objects.create(hub=hub, filename="notes.csv", digest="0" * 64, created_by=user)
    SafeguardingLead.objects.create(hub=hub, user=user)
    # As staff: a theming run they started, a theme they made and confirmed, a tag they added.
    run = ThemingRun.objects.create(programme=hub.programme, kind="suggest", created_by=user)
    theme = Theme.objects.create(
        programme=hub.programme, name="Buses", run=run, created_by=user, confirmed_by=user
    )
    Tag.objects.create(contribution=Contribution.objects.filter(hub=hub).first(), theme=theme, tagged_by=user)
    # An enquiry they co-lead, an action they own, a message to them (as a leader), an update they
    # are owed and the digest that told them.
    enquiry = Enquiry.objects.create(programme=hub.programme, title="Bus fares", framing="Too dear")
    enquiry.co_leads.add(user)
    action = Action.objects.create(
        programme=hub.programme, enquiry=enquiry, what="Ask for passes", owner=user
    )
    ActionReminder.objects.create(
        action=action, user=user, kind="overdue", due_on=start.date(), created_at=start, outcome="not_sent"
    )
    LeaderMessage.objects.create(programme=hub.programme, hub=hub, text="Come and listen", leader=user)
    update = Update.objects.create(enquiry=enquiry, text="Passes agreed")
    digest = Digest.objects.create(person=person, created_at=start, outcome="queued", count=1)
    Notice.objects.create(person=person, update=update, created_at=start, digest=digest)


@pytest.fixture
def built(personas: dict[str, Any], hub: Hub) -> Built:
    return build_person(personas, hub)


# --- Export ----------------------------------------------------------------------------------------


def test_export_holds_every_row_linked_to_the_person(built: Built) -> None:
    person = built.person
    data = json.loads(privacy.export_json(person, actor=built.coordinator))
    not_built, not_exported = [], []
    for label, model, name, target in walked_links():
        if label in privacy.EXPORT_EXCLUDED_LINKS:
            continue
        owner = person if target is Person else person.user
        pks = set(model._default_manager.filter(**{name: owner}).values_list("pk", flat=True))
        if not pks:
            not_built.append(label)
            continue
        exported = {row["id"] for row in data["related"].get(model._meta.label_lower, [])}
        if pks - exported:
            not_exported.append(f"{label}: {sorted(pks - exported)}")
    assert not_built == [], f"The test makes no row for these links to a person; add one: {not_built}"
    assert not_exported == [], f"The export leaves out these rows: {not_exported}"

    about = data["person"]
    assert about["full_name"] == NAME
    assert about["phone"] == PHONE
    assert about["about_know"] == f"{WORD}: I like dogs"  # decrypted: it is their own
    assert about["key_worker"] == "Kit Worrall"  # a linked person by name only
    assert about["quiet_from"] == "21:00"
    plans = data["related"]["people.wellbeingplan"]
    assert {p["interests"] for p in plans} == {f"{WORD} interests", f"{WORD} interests, chess"}
    assert data["related"]["people.supportneeds"][0]["needs"] == ["breaks"]
    # What they did as staff (the test person set up a gathering too) is counted, not shown.
    assert {x["link"]: x["count"] for x in data["left_out"]} == {
        "people.person.key_worker": 1,
        "gatherings.gathering.created_by": 1,
        "gatherings.series.created_by": 1,
        "gatherings.photo.uploaded_by": 1,
        "gatherings.reminder.done_by": 1,
        "voices.contribution.entered_by": 1,
        "voices.contribution.safeguarding_by": 1,
        "voices.contribution.redacted_by": 1,
        "voices.importjob.created_by": 1,
        "insights.themingrun.created_by": 1,
        "insights.theme.created_by": 1,
        "insights.theme.confirmed_by": 1,
        "insights.tag.tagged_by": 1,
        "enquiries.action.owner": 1,
        "enquiries.leadermessage.leader": 1,
        "enquiries.actionreminder.user": 1,
    }
    assert set(data) == {"generated_at", "person", "related", "left_out"}


def test_export_leaves_out_secrets_and_other_peoples_data(built: Built) -> None:
    text = privacy.export_json(built.person, actor=built.coordinator)
    assert built.device.key not in text
    assert built.person.user.password not in text
    assert built.person.user.security_stamp not in text
    for other in (FAN_NAME, FAN_PHONE, BUDDY_PHONE, KEY_WORKER_PHONE):
        assert other not in text


def test_a_staff_members_export_leaves_out_the_people_they_work_with(built: Built) -> None:
    """The coordinator wrote the plan, catch-up and consent: those rows are the person's, not theirs."""
    coordinator = built.coordinator
    data = json.loads(privacy.export_json(coordinator.person, actor=coordinator))
    text = json.dumps(data)
    for value in (NAME, KNOWN_AS, PHONE, WORD):
        assert value not in text
    assert data["related"]["people.catchup"] == []
    left_out = {x["link"] for x in data["left_out"]}
    assert {"people.catchup.recorded_by", "people.wellbeingplan.written_by"} <= left_out
    # Their own audit trail is in, without saying whose record they looked at.
    events = data["related"]["core.auditevent"]
    assert any(e["action"] == "person.plan_viewed" and e["about"] == "someone else's" for e in events)
    assert all("detail" not in e for e in events if e["about"] == "someone else's")


def test_html_export_reads_as_a_page(built: Built) -> None:
    html = privacy.export_html(built.person, actor=built.coordinator)
    assert html.startswith("<!DOCTYPE html>")
    assert NAME in html
    assert f"{WORD} interests, chess" in html
    assert "What you agreed to" in html
    assert "Looked at the plan" in html  # audit rows in words
    assert "http://" not in html
    assert "https://" not in html
    assert FAN_PHONE not in html


def test_pdf_export_is_a_pdf_and_every_export_is_audited(built: Built, tmp_path: Any) -> None:
    pdf = privacy.export_pdf(built.person, actor=built.coordinator)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "export.pdf").write_bytes(pdf)
    privacy.export_json(built.person, actor=built.coordinator)
    events = AuditEvent.objects.filter(action="person.exported", subject=built.person.user)
    assert sorted(e.detail["format"] for e in events) == ["json", "pdf"]
    assert all(e.actor_id == built.coordinator.pk for e in events)


# --- Erasure ---------------------------------------------------------------------------------------


def test_every_link_to_a_person_has_an_erasure_policy() -> None:
    """A model that links to people cannot ship until erasure says what happens to its rows."""
    labels = [label for label, *_ in walked_links()]
    missing = [label for label in labels if label not in privacy.ERASURE_POLICIES]
    assert missing == [], f"Add these links to people.privacy.ERASURE_POLICIES: {missing}"
    assert sorted(link.label for link in privacy.linked_relations()) == labels
    for label, policy in privacy.ERASURE_POLICIES.items():
        if policy == "anonymise":
            assert label in privacy._ERASERS, f"{label} is anonymised but has no eraser"
        if policy == "unlink":
            assert label in privacy.EXPORT_EXCLUDED_LINKS, f"{label} rows are other people's: leave them out"


def test_erasure_refuses_a_link_without_a_policy(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    policies = dict(privacy.ERASURE_POLICIES)
    del policies["people.catchup.person"]
    monkeypatch.setattr(privacy, "ERASURE_POLICIES", policies)
    with pytest.raises(Exception, match=r"people\.catchup\.person"):
        privacy.person_erase(actor=built.coordinator, person=built.person)
    assert Person.objects.get(pk=built.person.pk).erased_at is None


def _needles() -> list[str]:
    return [NAME, "Quandt", KNOWN_AS, EMAIL, PHONE, PHONE_NATIONAL, "07700 900123", WORD]


def _found_in(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bytes | memoryview):
        value = bytes(value).decode("utf-8", "replace")
    text = value if isinstance(value, str) else json.dumps(value)
    lowered = text.lower()
    found = [n for n in _needles() if n.lower() in lowered]
    if PHONE_NATIONAL[1:] in re.sub(r"\D", "", text):
        found.append("phone digits")
    return found


def scan_database() -> list[str]:
    """Every text, character and JSON column of every table, read raw; then encrypted text, decrypted."""
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed:
                continue
            for f in meta.concrete_fields:
                if not isinstance(f, models.CharField | models.TextField | models.JSONField):
                    continue
                cursor.execute(f"SELECT {quote(f.column)} FROM {quote(meta.db_table)}")  # noqa: S608
                for (value,) in cursor.fetchall():
                    for needle in _found_in(value):
                        hits.append(f"{meta.db_table}.{f.column}: {needle}")
    for model, names in encrypted_fields():
        for values in model._default_manager.values_list(*names):
            for name, value in zip(names, values, strict=True):
                for needle in _found_in(value):
                    hits.append(f"{model._meta.label_lower}.{name} (decrypted): {needle}")
    return hits


def test_erasure_leaves_nothing_identifying_anywhere_in_the_database(built: Built) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    person, user = built.person, built.person.user
    client = Client()
    client.force_login(user)
    assert client.session[SESSION_KEY] == str(user.pk)
    sign_in = {"user_agent": "Firefox", "ip_address": "192.0.2.10", "http_accept": "*/*", "path_info": "/"}
    username = EMAIL.lower()
    AccessAttempt.objects.create(
        username=username, get_data="", post_data=f"username={EMAIL}", failures_since_start=2, **sign_in
    )
    AccessLog.objects.create(username=username, **sign_in)
    AccessFailureLog.objects.create(username=username, **sign_in)
    hits_before = scan_database()
    assert any("people_person.phone" in hit for hit in hits_before), "the scan must see the values first"
    assert any("(decrypted)" in hit for hit in hits_before)

    privacy.person_erase(actor=built.coordinator, person=person)

    assert scan_database() == []
    user.refresh_from_db()
    person.refresh_from_db()
    assert (user.full_name, user.known_as, user.email, user.is_active) == ("Erased person", "", None, False)
    assert not user.has_usable_password()
    assert person.is_erased
    assert person.status == Person.Status.LEFT
    assert (person.phone, person.key_worker, person.buddy, person.quiet_from) == ("", None, None, None)
    assert not Membership.objects.filter(user=user, ended_at__isnull=True).exists()
    assert Membership.objects.filter(user=user).exists()  # kept, ended: hub numbers stay right
    assert not PersonRequest.objects.filter(person=person, done_at__isnull=True).exists()
    for model in (SupportNeeds, WellbeingPlan, CatchUp, Consent):
        assert not model.objects.filter(person=person).exists()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not user.groups.exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    assert Person.objects.get(pk=built.fan.pk).key_worker_id is None
    assert SESSION_KEY not in client.session  # signed out
    event = AuditEvent.objects.get(action="person.erased")
    assert (event.subject_id, event.actor_id) == (user.pk, built.coordinator.pk)

    privacy.person_erase(actor=built.coordinator, person=person)  # twice is harmless
    assert AuditEvent.objects.filter(action="person.erased").count() == 1


def test_erasing_a_coordinator_keeps_what_they_wrote_about_others(built: Built) -> None:
    coordinator = built.coordinator
    privacy.person_erase(actor=None, person=coordinator.person)
    catch_up = CatchUp.objects.get(person=built.person)
    assert catch_up.recorded_by_id == coordinator.pk
    assert catch_up.notes == f"{WORD} catch-up notes"
    assert Consent.objects.filter(person=built.person, recorded_by=coordinator).exists()
    coordinator.refresh_from_db()
    assert coordinator.full_name == "Erased person"
    assert AuditEvent.objects.filter(actor=coordinator).exists()  # the audit log stays


# --- Retention -------------------------------------------------------------------------------------

START = datetime.datetime(2031, 3, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def retention_people(personas: dict[str, Any], hub: Hub) -> dict[str, Person]:
    """Made at ``START``: two long inactive, one active, one staff, one joined long ago and never active."""
    with time_machine.travel(START, tick=False):
        coordinator = personas["coordinator"]
        made = {
            name: services.person_create(actor=coordinator, hub=hub, full_name=name.title())
            for name in ("idle", "active", "never")
        }
        long_ago = datetime.date(2027, 1, 10)
        Person.objects.filter(pk=made["idle"].pk).update(last_active_on=long_ago)
        Person.objects.filter(pk=made["never"].pk).update(last_active_on=None)
        User.objects.filter(pk=made["never"].user_id).update(
            date_joined=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
        )
        Person.objects.filter(user=coordinator).update(last_active_on=long_ago)
        made["staff"] = coordinator.person
        # The other personas were added today, long before START: make them active at START.
        others = Person.objects.exclude(pk__in=[p.pk for p in made.values()])
        others.update(last_active_on=START.date())
    return made


def _state(people: dict[str, Person]) -> dict[str, tuple[bool, bool]]:
    return {
        name: (p.retention_warned_at is not None, p.erased_at is not None)
        for name, p in ((n, Person.objects.get(pk=q.pk)) for n, q in people.items())
    }


@override_settings(PEOPLE_RETENTION_MONTHS=36, PEOPLE_RETENTION_WARNING_DAYS=30)
def test_retention_warns_then_erases_the_inactive_only(retention_people: dict[str, Person]) -> None:
    assert set(privacy.retention_due(START)) == {retention_people["idle"], retention_people["never"]}
    assert privacy.retention_run(now=START, dry_run=True) == (2, 0)
    assert not any(warned for warned, _ in _state(retention_people).values())  # a dry run changes nothing

    assert privacy.retention_run(now=START) == (2, 0)
    assert _state(retention_people) == {
        "idle": (True, False),
        "never": (True, False),
        "active": (False, False),
        "staff": (False, False),
    }
    assert AuditEvent.objects.filter(action="person.retention_warned").count() == 2
    assert privacy.retention_run(now=START + datetime.timedelta(days=29)) == (0, 0)

    # "never" signs in and changes something during the warning: the warning goes.
    never = Person.objects.get(pk=retention_people["never"].pk)
    with time_machine.travel(START + datetime.timedelta(days=10), tick=False):
        services.person_update(actor=never.user, person=never, expected_version=None, pronouns="she/her")
    assert privacy.retention_run(now=START + datetime.timedelta(days=30), dry_run=True) == (0, 1)
    assert privacy.retention_run(now=START + datetime.timedelta(days=30)) == (0, 1)
    assert _state(retention_people) == {
        "idle": (False, True),
        "never": (False, False),
        "active": (False, False),
        "staff": (False, False),
    }
    erased = AuditEvent.objects.get(action="person.erased")
    assert erased.actor_id is None
    assert erased.subject_id == retention_people["idle"].user_id


@override_settings(PEOPLE_RETENTION_MONTHS=36, PEOPLE_RETENTION_WARNING_DAYS=30)
def test_a_warning_on_someone_no_longer_due_is_cleared(retention_people: dict[str, Person]) -> None:
    privacy.retention_run(now=START)
    with override_settings(PEOPLE_RETENTION_MONTHS=120):
        assert privacy.retention_run(now=START + datetime.timedelta(days=40)) == (0, 0)
    assert _state(retention_people)["idle"] == (False, False)


@override_settings(PEOPLE_RETENTION_MONTHS=36, PEOPLE_RETENTION_WARNING_DAYS=30)
def test_the_command_prints_counts_and_no_names(retention_people: dict[str, Person]) -> None:
    out = io.StringIO()
    with time_machine.travel(START, tick=False):
        call_command("apply_retention", "--dry-run", stdout=out)
        assert out.getvalue().strip() == "Would warn 2 people; would erase 0 people. Nothing was changed."
        out = io.StringIO()
        call_command("apply_retention", stdout=out)
    assert out.getvalue().strip() == "Warned 2 people; erased 0 people."
    with time_machine.travel(START + datetime.timedelta(days=31), tick=False):
        out = io.StringIO()
        call_command("apply_retention", stdout=out)
    assert out.getvalue().strip() == "Warned 0 people; erased 2 people."
    assert "Idle" not in out.getvalue()


# --- Merge -----------------------------------------------------------------------------------------


def test_merge_moves_everything_and_erases_the_other_record(
    built: Built, personas: dict[str, Any], hub: Hub, other_hub: Hub
) -> None:
    coordinator = built.coordinator
    other = built.person
    today = timezone.localdate()
    keep = services.person_create(actor=coordinator, hub=hub, full_name="Zeph Quandt")
    services.consent_give(
        actor=coordinator, person=keep, purpose=Consent.Purpose.STORE_SUPPORT, how="written", given_on=today
    )
    # The other record's quote consent is older than the kept one's; its store-support one is not.
    services.consent_give(
        actor=coordinator,
        person=keep,
        purpose=Consent.Purpose.QUOTE,
        how="written",
        given_on=today,
        level="named",
    )
    Consent.objects.filter(person=keep, purpose=Consent.Purpose.STORE_SUPPORT).update(
        given_on=today - datetime.timedelta(days=5)
    )
    Consent.objects.filter(person=other, purpose=Consent.Purpose.QUOTE).update(
        given_on=today - datetime.timedelta(days=3)
    )
    services.plan_save(actor=coordinator, person=keep, base_version=0, interests="Keep's plan")
    services.support_needs_update(
        actor=coordinator, person=keep, needs=["large_print"], details="Keep's needs", expected_version=None
    )
    Membership.objects.create(user=other.user, programme=hub.programme, hub=other_hub, role="member")
    other_email = other.user.email
    other_catch_ups = list(CatchUp.objects.filter(person=other).values_list("pk", flat=True))
    version = keep.lock_version

    merged = privacy.person_merge(actor=coordinator, keep=keep, other=other)

    merged.refresh_from_db()
    other.refresh_from_db()
    assert other.is_erased
    assert other.user.email is None
    assert merged.lock_version == version + 1
    assert merged.user.email == other_email  # the kept record had none
    assert (merged.phone, merged.pronouns, merged.key_worker) == (PHONE, f"xe/{WORD}", built.key_worker)
    assert merged.user.full_name == "Zeph Quandt"  # not blank, so not replaced
    assert list(CatchUp.objects.filter(person=merged).values_list("pk", flat=True)) == other_catch_ups
    plans = {p.version: p.interests for p in WellbeingPlan.objects.filter(person=merged)}
    assert plans == {1: "Keep's plan", 2: f"{WORD} interests", 3: f"{WORD} interests, chess"}
    needs = SupportNeeds.objects.get(person=merged)
    assert needs.needs == ["large_print", "breaks"]
    assert needs.details == f"Keep's needs\n\n{WORD} needs"
    in_force = {c.purpose: c for c in Consent.objects.filter(person=merged, ended_at__isnull=True)}
    assert in_force[Consent.Purpose.STORE_SUPPORT].given_on == today  # the other's, more recent
    assert in_force[Consent.Purpose.QUOTE].level == "named"  # the kept one's, more recent
    replaced = Consent.objects.filter(person=merged, ended_reason=Consent.EndReason.REPLACED)
    assert replaced.count() == 2
    hubs = set(
        Membership.objects.filter(user=merged.user, ended_at__isnull=True).values_list("hub", flat=True)
    )
    assert hubs == {hub.pk, other_hub.pk}
    assert Person.objects.get(pk=built.fan.pk).key_worker_id == merged.pk
    assert PersonRequest.objects.filter(person=merged).count() == 1
    assert not Consent.objects.filter(person=other).exists()
    event = AuditEvent.objects.get(action="person.merged")
    assert event.detail["other_person"] == other.pk
    assert event.subject_id == merged.user_id
    assert AuditEvent.objects.filter(subject=other.user, action="person.erased").count() == 1
    # The audit log is untouched: the other record's history stays with it.
    assert AuditEvent.objects.filter(subject=other.user, action="person.created").exists()


def test_merge_never_makes_someone_their_own_supporter(built: Built, hub: Hub) -> None:
    coordinator = built.coordinator
    keep = built.key_worker
    other = services.person_create(actor=coordinator, hub=hub, full_name="Kit Worrall (again)")
    services.person_update(actor=coordinator, person=keep, expected_version=None, buddy=other)
    services.person_update(actor=coordinator, person=built.buddy, expected_version=None, key_worker=other)
    services.person_update(actor=coordinator, person=other, expected_version=None, buddy=keep)
    merged = privacy.person_merge(actor=coordinator, keep=keep, other=other)
    merged.refresh_from_db()
    assert merged.buddy is None
    assert Person.objects.get(pk=built.buddy.pk).key_worker_id == merged.pk


def test_merge_refuses_the_same_record_or_an_erased_one(built: Built) -> None:
    coordinator = built.coordinator
    with pytest.raises(ValidationError, match="itself"):
        privacy.person_merge(actor=coordinator, keep=built.person, other=built.person)
    privacy.person_erase(actor=coordinator, person=built.fan)
    with pytest.raises(ValidationError, match="erased"):
        privacy.person_merge(actor=coordinator, keep=built.person, other=built.fan)
    assert not AuditEvent.objects.filter(action="person.merged").exists()


# --- Wiring: the staff pages call these services -----------------------------------------------------


def test_staff_download_and_erase_pages_use_these_services(personas: dict[str, Any], client_for: Any) -> None:
    from django.urls import reverse

    person = personas["member"].person
    client = client_for("coordinator")
    for fmt, start in (("pdf", b"%PDF"), ("json", b"{")):
        response = client.post(reverse("people:person_export", args=[person.pk, fmt]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(start)
    assert AuditEvent.objects.filter(action="person.exported", subject=person.user).count() == 2
    response = client.post(reverse("people:person_erase", args=[person.pk]))
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).is_erased
