"""Planning and recording gatherings, through the pages staff and members use."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.core.models import AuditEvent
from sidebyside.gatherings import services
from sidebyside.gatherings.models import Gathering, Photo, Registration, Reminder, ReminderSettings
from sidebyside.hubs.models import Hub, Membership
from sidebyside.notify.models import OutboxMessage
from sidebyside.people.models import Consent, Person, SupportNeeds
from sidebyside.people.tests.conftest import agree
from tests.test_permission_matrix import PNG

LONDON = ZoneInfo("Europe/London")
NEXT_YEAR = timezone.localdate().year + 1

FORM = {
    "kind": "meeting",
    "title": "Monthly hub meeting",
    "date_day": "9",
    "date_month": "3",
    "date_year": str(NEXT_YEAR),
    "start": "10am",
    "end": "12:30pm",
    "venue": "Riverside Community Centre",
    "address": "1 Quay Street\nExeter",
    "online_link": "",
    "accessibility": "Step-free entrance",
    "capacity": "20",
    "food": "Lunch provided",
    "repeats": "",
    "count": "",
}


def errors_of(response: Any) -> str:
    return response.content.decode()


def make_gathering(hub: Hub, *, days: int = 7, **fields: Any) -> Gathering:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    values = {
        "kind": "meeting",
        "title": "Hub meeting",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "venue": "Riverside",
        "address": "1 Quay Street",
        **fields,
    }
    return Gathering.objects.create(hub=hub, **values)


def add_member(hub: Hub, name: str, **person: Any) -> Person:
    user = User.objects.create_user(email=None, full_name=name)
    Membership.objects.create(user=user, programme=hub.programme, hub=hub, role="member")
    if person:
        Person.objects.filter(user=user).update(**person)
    return Person.objects.get(user=user)


@pytest.fixture
def coordinator(client_for: Callable[..., Client]) -> Client:
    return client_for("coordinator")


# --- Adding and changing ------------------------------------------------------------------


def test_a_coordinator_adds_a_gathering_in_uk_time(db: Any, coordinator: Client, hub: Hub) -> None:
    response = coordinator.post(reverse("gatherings:gathering_add", args=[hub.pk]), FORM)

    gathering = Gathering.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("gatherings:gathering", args=[gathering.pk])
    assert timezone.localtime(gathering.starts_at, LONDON).strftime("%H:%M") == "10:00"
    assert timezone.localtime(gathering.ends_at, LONDON).strftime("%H:%M") == "12:30"
    assert (gathering.capacity, gathering.food, gathering.series) == (20, "Lunch provided", None)
    assert AuditEvent.objects.filter(action="gathering.created").count() == 1


def test_a_monthly_series_keeps_the_weekday_and_the_clock_time_across_the_clock_change(
    db: Any, coordinator: Client, hub: Hub
) -> None:
    # 2nd Tuesday of March; the clocks go forward at the end of March.
    first = datetime.date(NEXT_YEAR, 3, 8)
    while first.weekday() != 1:
        first += datetime.timedelta(days=1)
    data = {**FORM, "date_day": str(first.day), "repeats": "monthly_weekday", "count": "4"}

    response = coordinator.post(reverse("gatherings:gathering_add", args=[hub.pk]), data)

    assert response.status_code == 302
    starts = [timezone.localtime(g.starts_at, LONDON) for g in Gathering.objects.order_by("starts_at")]
    assert [(s.month, s.weekday(), 8 <= s.day <= 14, s.hour) for s in starts] == [
        (m, 1, True, 10) for m in (3, 4, 5, 6)
    ]
    assert {g.series_id for g in Gathering.objects.all()} != {None}
    assert len({g.series_id for g in Gathering.objects.all()}) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": "9am"}, "The end time must be after the start time"),
        ({"start": "25:00"}, "Enter the start time like 10am or 2:30pm"),
        ({"start": "teatime"}, "Enter the start time like 10am or 2:30pm"),
        ({"end": "13pm"}, "Enter the end time like 12:30pm or 2pm"),
        ({"address": ""}, "Enter the address of Riverside Community Centre, or an online link"),
        ({"venue": "", "address": ""}, "Enter where it happens: a place and its address, or an online link"),
        ({"capacity": "0"}, "The number of people who can come must be at least 1"),
        ({"capacity": "twenty"}, "Enter how many people can come as a number, like 20"),
        ({"online_link": "not a link at all"}, "Enter the online link in full"),
        ({"repeats": "weekly"}, "Enter how many times it happens in all"),
        ({"repeats": "weekly", "count": "99"}, "Add up to 24 at once"),
        ({"date_month": "13"}, ""),
        ({"title": ""}, "Enter a title"),
    ],
)
def test_bad_input_is_named_and_kept(
    db: Any, coordinator: Client, hub: Hub, change: dict[str, str], message: str
) -> None:
    data = {**FORM, **change}
    response = coordinator.post(reverse("gatherings:gathering_add", args=[hub.pk]), data)

    page = errors_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert 'value="Monthly hub meeting"' in page or change.get("title") == ""
    assert not Gathering.objects.exists()


def test_an_online_gathering_needs_no_address(db: Any, coordinator: Client, hub: Hub) -> None:
    data = {**FORM, "venue": "", "address": "", "online_link": "https://meet.example.org/hub"}
    assert coordinator.post(reverse("gatherings:gathering_add", args=[hub.pk]), data).status_code == 302


def test_the_change_form_shows_times_as_people_write_them_and_saving_keeps_them(
    db: Any, coordinator: Client, hub: Hub
) -> None:
    start = datetime.datetime(2027, 3, 4, 14, 30, tzinfo=LONDON)
    gathering = make_gathering(hub, starts_at=start, ends_at=start.replace(hour=16, minute=0))
    url = reverse("gatherings:gathering_edit", args=[gathering.pk])
    page = coordinator.get(url).content.decode()
    assert 'value="2:30pm"' in page
    assert 'value="4pm"' in page
    assert "14:30" not in page
    data = {**FORM, "date_day": "4", "date_month": "3", "date_year": "2027", "start": "2:30pm", "end": "4pm"}
    data |= {"version": str(gathering.lock_version)}
    assert coordinator.post(url, data).status_code == 302
    gathering.refresh_from_db()
    assert timezone.localtime(gathering.starts_at, LONDON).strftime("%H:%M") == "14:30"


def test_capacity_below_those_coming_is_refused_and_nothing_is_lost(
    db: Any, coordinator: Client, hub: Hub
) -> None:
    gathering = make_gathering(hub, capacity=10)
    for i in range(3):
        Registration.objects.create(gathering=gathering, person=add_member(hub, f"Person {i}"))
    data = {**FORM, "capacity": "2", "version": str(gathering.lock_version)}

    response = coordinator.post(reverse("gatherings:gathering_edit", args=[gathering.pk]), data)

    assert response.status_code == 200
    assert "3 people are already coming. The number who can come cannot be less than that." in errors_of(
        response
    )
    gathering.refresh_from_db()
    assert (gathering.capacity, gathering.title) == (10, "Hub meeting")


def test_an_edit_made_after_someone_else_saved_is_not_lost(db: Any, coordinator: Client, hub: Hub) -> None:
    gathering = make_gathering(hub)
    stale = {**FORM, "title": "Mine", "version": str(gathering.lock_version)}
    Gathering.objects.filter(pk=gathering.pk).update(title="Theirs", lock_version=gathering.lock_version + 1)

    response = coordinator.post(reverse("gatherings:gathering_edit", args=[gathering.pk]), stale)

    assert response.status_code == 200
    assert "What is saved now" in errors_of(response)
    gathering.refresh_from_db()
    assert gathering.title == "Theirs"
    # Saving again, having seen theirs, goes through.
    again = coordinator.post(
        reverse("gatherings:gathering_edit", args=[gathering.pk]),
        {**stale, "version": str(gathering.lock_version)},
    )
    assert again.status_code == 302
    gathering.refresh_from_db()
    assert gathering.title == "Mine"


def test_cancel_restore_and_delete(db: Any, coordinator: Client, hub: Hub) -> None:
    gathering = make_gathering(hub)
    coordinator.post(reverse("gatherings:gathering_cancel", args=[gathering.pk]))
    gathering.refresh_from_db()
    assert gathering.is_cancelled
    coordinator.post(reverse("gatherings:gathering_cancel", args=[gathering.pk]), {"restore": "1"})
    gathering.refresh_from_db()
    assert not gathering.is_cancelled

    registration = Registration.objects.create(gathering=gathering, person=add_member(hub, "Told"))
    Reminder.objects.create(
        registration=registration, for_start=gathering.starts_at, channel="sms", outcome="not_sent"
    )
    page = coordinator.get(reverse("gatherings:gathering_delete", args=[gathering.pk]))
    assert "cannot be deleted" in errors_of(page)
    coordinator.post(reverse("gatherings:gathering_delete", args=[gathering.pk]))
    assert Gathering.objects.filter(pk=gathering.pk).exists()

    Reminder.objects.all().delete()
    response = coordinator.post(reverse("gatherings:gathering_delete", args=[gathering.pk]))
    assert response["Location"] == reverse("gatherings:hub_gatherings", args=[hub.pk])
    assert not Gathering.objects.filter(pk=gathering.pk).exists()


def test_the_hub_list_searches_and_splits_coming_from_held(db: Any, coordinator: Client, hub: Hub) -> None:
    make_gathering(hub, title="Over A Brew at the library")
    make_gathering(hub, days=-7, title="Last month's meeting")
    page = errors_of(coordinator.get(reverse("gatherings:hub_gatherings", args=[hub.pk])))
    assert page.index("Over A Brew at the library") < page.index("Held") < page.index("Last month")

    found = errors_of(coordinator.get(reverse("gatherings:hub_gatherings", args=[hub.pk]), {"q": "brew"}))
    assert "Over A Brew at the library" in found
    assert "Last month" not in found


def test_held_gatherings_say_who_came_not_who_was_coming(db: Any, coordinator: Client, hub: Hub) -> None:
    coming = make_gathering(hub, title="Next meeting")
    recorded = make_gathering(hub, days=-7, title="Recorded meeting")
    unrecorded = make_gathering(hub, days=-14, title="Unrecorded meeting")
    for n, attendance in enumerate(["attended", "attended", "absent"]):
        Registration.objects.create(
            gathering=recorded,
            person=add_member(hub, f"Came {n}"),
            status="registered",
            attendance=attendance,
        )
    Registration.objects.create(gathering=unrecorded, person=add_member(hub, "Maybe"), status="registered")
    Registration.objects.create(gathering=coming, person=add_member(hub, "Soon"), status="registered")
    page = errors_of(coordinator.get(reverse("gatherings:hub_gatherings", args=[hub.pk])))
    assert "1 coming" in page.split("Held")[0]
    held = page.split("Held")[1]
    assert "2 came" in held
    assert "who came not recorded" in held
    assert "coming" not in held


# --- Who is coming --------------------------------------------------------------------------


def test_inviting_people_and_the_places_left(db: Any, coordinator: Client, hub: Hub) -> None:
    gathering = make_gathering(hub, capacity=2)
    people = [add_member(hub, f"Person {i}") for i in range(3)]
    url = reverse("gatherings:gathering_people", args=[gathering.pk])

    too_many = coordinator.post(url, {"people": [str(p.pk) for p in people], "status": "registered"})
    assert "There are 2 places left" in errors_of(too_many)
    assert not Registration.objects.exists()

    invited = coordinator.post(url, {"people": [str(p.pk) for p in people], "status": "invited"})
    assert invited.status_code == 302
    assert Registration.objects.filter(status="invited").count() == 3

    nobody = coordinator.post(url, {"status": "invited"})
    assert "Select at least one person" in errors_of(nobody)


def test_a_member_says_they_are_coming_then_cannot(
    db: Any, client_for: Callable[..., Client], hub: Hub, personas: dict[str, Any]
) -> None:
    gathering = make_gathering(hub, capacity=1)
    member = client_for("member")
    url = reverse("gatherings:gathering_reply", args=[gathering.pk])

    member.post(url, {"answer": "registered"})
    registration = Registration.objects.get(person=personas["member"].person)
    assert registration.status == "registered"
    assert "You said you are coming" in errors_of(
        member.get(reverse("gatherings:gathering", args=[gathering.pk]))
    )

    member.post(url, {"answer": "declined"})
    registration.refresh_from_db()
    assert registration.status == "declined"


def test_a_full_gathering_says_so_to_a_member(db: Any, client_for: Callable[..., Client], hub: Hub) -> None:
    gathering = make_gathering(hub, capacity=1)
    Registration.objects.create(gathering=gathering, person=add_member(hub, "First"))
    response = client_for("member").post(
        reverse("gatherings:gathering_reply", args=[gathering.pk]), {"answer": "registered"}, follow=True
    )
    assert "Sorry, this gathering is full" in errors_of(response)
    assert Registration.objects.count() == 1


# --- On the day -----------------------------------------------------------------------------


def test_attendance_for_twenty_people_and_a_walk_in(db: Any, coordinator: Client, hub: Hub) -> None:
    gathering = make_gathering(hub, days=0)
    registrations = [
        Registration.objects.create(gathering=gathering, person=add_member(hub, f"Person {i:02}"))
        for i in range(20)
    ]
    url = reverse("gatherings:gathering_attendance", args=[gathering.pk])
    marks = {f"r{r.pk}": "attended" for r in registrations[:15]}
    marks |= {f"r{r.pk}": "apologies" for r in registrations[15:18]}
    marks |= {f"r{r.pk}": "absent" for r in registrations[18:]}

    assert coordinator.post(url, marks).status_code == 302
    walk_in = coordinator.post(
        reverse("gatherings:gathering_walk_in", args=[gathering.pk]),
        {"full_name": "Nia Walker", "expertise": "experience"},
    )
    assert walk_in.status_code == 302

    assert _counts(gathering) == {"attended": 16, "apologies": 3, "absent": 2}
    new = Registration.objects.get(walk_in=True)
    assert new.person.user.full_name == "Nia Walker"
    assert Membership.objects.filter(user=new.person.user, hub=hub).exists()
    page = errors_of(coordinator.get(url))
    assert "16 came: 16 by experience." in page


def _counts(gathering: Gathering) -> dict[str, int]:
    result: dict[str, int] = {}
    for mark in Registration.objects.filter(gathering=gathering).values_list("attendance", flat=True):
        result[mark] = result.get(mark, 0) + 1
    return result


def test_a_bad_attendance_mark_is_named_and_nothing_is_saved(db: Any, coordinator: Client, hub: Hub) -> None:
    gathering = make_gathering(hub, days=0)
    one = Registration.objects.create(gathering=gathering, person=add_member(hub, "Ola Reed"))
    two = Registration.objects.create(gathering=gathering, person=add_member(hub, "Pip Shaw"))

    response = coordinator.post(
        reverse("gatherings:gathering_attendance", args=[gathering.pk]),
        {f"r{one.pk}": "attended", f"r{two.pk}": "maybe"},
    )

    page = errors_of(response)
    assert "Choose came, apologies or absent for Pip Shaw" in page
    assert f'id="r{one.pk}-attended" name="r{one.pk}" type="radio" value="attended" checked' in page
    assert set(Registration.objects.values_list("attendance", flat=True)) == {""}


def test_a_walk_in_without_a_name_is_told_what_is_missing(db: Any, coordinator: Client, hub: Hub) -> None:
    gathering = make_gathering(hub, days=0)
    response = coordinator.post(
        reverse("gatherings:gathering_walk_in", args=[gathering.pk]), {"expertise": "experience"}
    )
    assert response.status_code == 400
    assert "Enter their name" in errors_of(response)


def test_support_needs_only_of_those_coming_and_each_read_is_audited(
    db: Any, coordinator: Client, hub: Hub
) -> None:
    gathering = make_gathering(hub)
    coming = add_member(hub, "Rae Coming")
    invited = add_member(hub, "Sol Invited")
    for person in (coming, invited):
        agree(person, Consent.Purpose.STORE_SUPPORT)
        needs = SupportNeeds.objects.create(person=person)
        needs.needs = ["quiet_room"]
        needs.save()
    Registration.objects.create(gathering=gathering, person=coming)
    Registration.objects.create(gathering=gathering, person=invited, status="invited")

    page = errors_of(coordinator.get(reverse("gatherings:gathering_needs", args=[gathering.pk])))

    assert "Rae Coming" in page
    assert "A quiet room" in page
    assert "Sol Invited" not in page
    reads = AuditEvent.objects.filter(action="person.support_needs_read")
    assert [e.subject_id for e in reads] == [coming.user_id]


# --- Reminders and failures on the gathering page -----------------------------------------


def test_the_gathering_page_shows_who_was_not_reached_and_who_to_phone(
    db: Any, coordinator: Client, hub: Hub
) -> None:
    gathering = make_gathering(hub)
    paused = Registration.objects.create(gathering=gathering, person=add_member(hub, "Tam Paused"))
    failed = Registration.objects.create(gathering=gathering, person=add_member(hub, "Uma Landline"))
    phone = Registration.objects.create(
        gathering=gathering, person=add_member(hub, "Vic Phone", phone="+447700900555")
    )
    Reminder.objects.create(
        registration=paused,
        for_start=gathering.starts_at,
        channel="sms",
        outcome="not_sent",
        reason="Paused their involvement",
    )
    message = OutboxMessage.objects.create(
        channel="sms",
        to="+441632960000",
        template="reminder",
        status="failed",
        failure="GOV.UK Notify answered 400 (ValidationError)",
        next_attempt_at=timezone.now(),
    )
    Reminder.objects.create(
        registration=failed, for_start=gathering.starts_at, channel="sms", outcome="queued", message=message
    )
    agree(phone.person, Consent.Purpose.CONTACT_PHONE, given_on=datetime.date(2026, 1, 5))
    call = Reminder.objects.create(
        registration=phone, for_start=gathering.starts_at, channel="phone", outcome="call"
    )
    # Since the worker left these to phone: one said no to calls, one's number was taken off.
    withdrew = Registration.objects.create(
        gathering=gathering, person=add_member(hub, "Wes Withdrew", phone="+447700900556")
    )
    no_number = Registration.objects.create(gathering=gathering, person=add_member(hub, "Xan Nonumber"))
    agree(no_number.person, Consent.Purpose.CONTACT_PHONE, given_on=datetime.date(2026, 1, 5))
    for registration in (withdrew, no_number):
        Reminder.objects.create(
            registration=registration, for_start=gathering.starts_at, channel="phone", outcome="call"
        )

    page = errors_of(coordinator.get(reverse("gatherings:gathering", args=[gathering.pk])))
    to_phone, not_reached = page.split("Not reached", 1)[0], page.split("Not reached", 1)[1]
    assert "Vic Phone" in to_phone
    for name in ("Wes Withdrew", "Xan Nonumber", "+447700900556"):
        assert name not in to_phone
    assert (
        'Wes Withdrew</td><td class="govuk-table__cell">Reminder by phone call</td><td class="govuk-table__cell">Has not agreed to contact by phone call'
        in not_reached
    )
    assert (
        'Xan Nonumber</td><td class="govuk-table__cell">Reminder by phone call</td><td class="govuk-table__cell">No phone number'
        in not_reached
    )
    assert Reminder.objects.filter(outcome="call", reason="").count() == 3  # shown, not saved
    people = errors_of(coordinator.get(reverse("gatherings:gathering_people", args=[gathering.pk])))
    assert "Has not agreed to contact by phone call" in people
    assert 'Phoned<span class="govuk-visually-hidden"> Wes Withdrew' not in people
    assert people.count("To phone") == 1  # Vic only

    assert "Tam Paused" in page
    assert "Paused their involvement" in page
    assert "Uma Landline" in page
    assert "answered 400 (ValidationError)" in page
    assert "Vic Phone" in page
    assert "+447700900555" in page

    coordinator.post(reverse("gatherings:reminder_called", args=[gathering.pk, call.pk]))
    call.refresh_from_db()
    assert call.outcome == "called"


def test_members_do_not_see_who_is_coming(db: Any, client_for: Callable[..., Client], hub: Hub) -> None:
    gathering = make_gathering(hub)
    registration = Registration.objects.create(gathering=gathering, person=add_member(hub, "Wyn Private"))
    Reminder.objects.create(
        registration=registration,
        for_start=gathering.starts_at,
        channel="sms",
        outcome="not_sent",
        reason="No mobile number",
    )
    page = errors_of(client_for("member").get(reverse("gatherings:gathering", args=[gathering.pk])))
    assert "Wyn Private" not in page
    assert "Are you coming?" in page


def test_the_hub_sets_its_reminder_times(db: Any, coordinator: Client, hub: Hub) -> None:
    url = reverse("gatherings:hub_reminder_times", args=[hub.pk])
    assert 'value="48" checked' in errors_of(coordinator.get(url)).replace('checked=""', "checked")
    coordinator.post(url, {"hours": ["24", "1"]})
    assert ReminderSettings.objects.get(hub=hub).hours_before == [24, 1]
    coordinator.post(url, {})
    assert ReminderSettings.objects.get(hub=hub).hours_before == []


# --- Afterwards -----------------------------------------------------------------------------


def test_write_up_and_photos_stored_privately(
    db: Any, coordinator: Client, hub: Hub, django_capture_on_commit_callbacks: Any
) -> None:
    gathering = make_gathering(hub, days=-1)
    url = reverse("gatherings:gathering_write_up", args=[gathering.pk])
    coordinator.post(
        url, {"notes": "We talked about the food bank.", "agreed": "Ask for longer hours", "version": "0"}
    )
    gathering.refresh_from_db()
    assert gathering.agreed == "Ask for longer hours"

    not_a_photo = coordinator.post(
        reverse("gatherings:photo_add", args=[gathering.pk]),
        {"image": SimpleUploadedFile("chart.png", b"%PDF-1.4 not a picture"), "caption": "Flipchart"},
    )
    assert not_a_photo.status_code == 400
    assert "The file must be a photo" in errors_of(not_a_photo)

    coordinator.post(
        reverse("gatherings:photo_add", args=[gathering.pk]),
        {"image": SimpleUploadedFile("IMG 1.png", PNG, content_type="image/png"), "caption": "Flipchart"},
    )
    photo = Photo.objects.get()
    assert photo.image.name.startswith(f"gatherings/{gathering.pk}/")
    assert photo.image.name.endswith(".png")
    assert "IMG" not in photo.image.name
    shown = coordinator.get(reverse("gatherings:photo", args=[gathering.pk, photo.pk]))
    assert shown["Content-Type"] == "image/png"
    assert shown["Cache-Control"] == "private, no-store"
    assert b"".join(shown.streaming_content) == PNG  # type: ignore[attr-defined]

    name = photo.image.name
    storage = photo.image.storage
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(reverse("gatherings:photo_delete", args=[gathering.pk, photo.pk]))
    assert not Photo.objects.exists()
    assert not storage.exists(name)


def test_services_refuse_a_series_too_long(db: Any, hub: Hub, personas: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    start = datetime.datetime(NEXT_YEAR, 1, 31, 10, tzinfo=LONDON)
    with pytest.raises(ValidationError):
        services.gathering_create(
            actor=personas["coordinator"],
            hub=hub,
            repeats="monthly_date",
            count=30,
            kind="meeting",
            title="x",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            venue="v",
            address="a",
        )
    # The 31st of each month: months without one are skipped.
    made = services.gathering_create(
        actor=personas["coordinator"],
        hub=hub,
        repeats="monthly_date",
        count=3,
        kind="meeting",
        title="x",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        venue="v",
        address="a",
    )
    assert [timezone.localtime(g.starts_at, LONDON).month for g in made] == [1, 3, 5]


def test_your_gatherings_lists_what_you_are_invited_to(
    db: Any, client_for: Callable[..., Client], hub: Hub, personas: dict[str, Any]
) -> None:
    invited = make_gathering(hub, title="Invited one")
    declined = make_gathering(hub, title="Declined one")
    make_gathering(hub, title="Open to all")
    me = personas["member"].person
    Registration.objects.create(gathering=invited, person=me, status="invited")
    Registration.objects.create(gathering=declined, person=me, status="declined")

    page = errors_of(client_for("member").get(reverse("gatherings:my_gatherings")))

    mine, _, others = page.partition("Also coming up at your hub")
    assert "Invited one" in mine
    assert "You are invited" in mine
    assert "Declined one" not in mine
    assert "Open to all" in others


def test_merging_two_records_at_one_gathering_keeps_one_registration(
    db: Any, hub: Hub, personas: dict[str, Any]
) -> None:
    from sidebyside.people.privacy import person_merge

    gathering = make_gathering(hub, days=-1)
    other_gathering = make_gathering(hub, days=-8)
    keep, other = add_member(hub, "Yan Keep"), add_member(hub, "Yan Keep")
    Registration.objects.create(gathering=gathering, person=keep)
    Registration.objects.create(gathering=gathering, person=other, attendance="attended")
    Registration.objects.create(gathering=other_gathering, person=other, attendance="apologies")

    person_merge(actor=personas["coordinator"], keep=keep, other=other)

    rows = {(r.gathering_id, r.attendance) for r in Registration.objects.filter(person=keep)}
    assert rows == {(gathering.pk, "attended"), (other_gathering.pk, "apologies")}
    assert not Registration.objects.filter(person=other).exists()
