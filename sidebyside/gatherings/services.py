"""Changing gatherings: every write goes through here, audited, in one transaction."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.core.audit import audit
from sidebyside.gatherings.models import Gathering, Photo, Registration, Reminder, ReminderSettings, Series
from sidebyside.hubs.models import Hub
from sidebyside.people.models import Person
from sidebyside.people.services import person_create

LONDON = ZoneInfo("Europe/London")
MAX_REPEATS = 24

GATHERING_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "address",
    "accessibility",
    "online_link",
    "capacity",
    "food",
    "ground_rules",
)


class RecordChanged(Exception):
    """Someone else saved the gathering after this edit began."""


class Full(Exception):
    """The gathering has no places left."""


def occurrences(starts_at: datetime.datetime, repeats: str, count: int) -> list[datetime.datetime]:
    """The start of each gathering in a series, keeping the same London clock time.

    A monthly series "on the same weekday" keeps the week of the month (the 2nd Tuesday),
    or the last one if the first was the last; "on the same date" skips months too short.
    """
    local = timezone.localtime(starts_at, LONDON)
    day, clock = local.date(), local.timetz().replace(tzinfo=None)
    dates: list[datetime.date] = []
    if repeats in (Series.Repeats.WEEKLY, Series.Repeats.FORTNIGHTLY):
        step = 7 if repeats == Series.Repeats.WEEKLY else 14
        dates = [day + datetime.timedelta(days=step * i) for i in range(count)]
    elif repeats == Series.Repeats.MONTHLY_WEEKDAY:
        week = (day.day - 1) // 7  # 0 for the first, 1 for the second…
        last = day.day + 7 > calendar.monthrange(day.year, day.month)[1]
        for i in range(count):
            year, month = divmod(day.month - 1 + i, 12)
            dates.append(_nth_weekday(day.year + year, month + 1, day.weekday(), -1 if last else week))
    elif repeats == Series.Repeats.MONTHLY_DATE:
        i = 0
        while len(dates) < count:
            year, month = divmod(day.month - 1 + i, 12)
            if day.day <= calendar.monthrange(day.year + year, month + 1)[1]:
                dates.append(datetime.date(day.year + year, month + 1, day.day))
            i += 1
    else:
        raise ValueError(f"Unknown repeat: {repeats}")
    return [datetime.datetime.combine(d, clock, tzinfo=LONDON) for d in dates]


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    days = [
        d
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if datetime.date(year, month, d).weekday() == weekday
    ]
    return datetime.date(year, month, days[n] if n < len(days) else days[-1])


@transaction.atomic
def gathering_create(
    *,
    actor: User,
    hub: Hub,
    facilitators: Iterable[User] = (),
    repeats: str = "",
    count: int = 1,
    **fields: Any,
) -> list[Gathering]:
    """Add a gathering, or a series of them (each its own row, changeable alone)."""
    unknown = set(fields) - set(GATHERING_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of a gathering: {sorted(unknown)}")
    series = None
    starts = [fields["starts_at"]]
    if repeats:
        if not 2 <= count <= MAX_REPEATS:
            raise ValidationError(f"A series has 2 to {MAX_REPEATS} gatherings")
        series = Series.objects.create(hub=hub, repeats=repeats, created_by=actor)
        starts = occurrences(fields["starts_at"], repeats, count)
    length = fields["ends_at"] - fields["starts_at"]
    made = []
    for start in starts:
        end = timezone.localtime(start, LONDON) + length  # wall-clock length, across a clock change
        gathering = Gathering(
            hub=hub, series=series, created_by=actor, **{**fields, "starts_at": start, "ends_at": end}
        )
        gathering.full_clean()
        gathering.save()
        gathering.facilitators.set(list(facilitators))
        made.append(gathering)
    audit(actor=actor, action="gathering.created", obj=made[0], hub=hub.pk, count=len(made))
    return made


@transaction.atomic
def gathering_update(
    *,
    actor: User,
    gathering: Gathering,
    expected_version: int | None,
    facilitators: Iterable[User] | None = None,
    **fields: Any,
) -> Gathering:
    current = Gathering.objects.select_for_update().get(pk=gathering.pk)
    if expected_version is not None and current.lock_version != expected_version:
        raise RecordChanged
    unknown = set(fields) - set(GATHERING_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of a gathering: {sorted(unknown)}")
    capacity = fields.get("capacity", current.capacity)
    coming = current.registrations.filter(status=Registration.Status.REGISTERED).count()
    if capacity is not None and capacity < coming:
        raise ValidationError(
            {
                "capacity": f"{coming} people are already coming. The number who can come cannot be less than that."
            }
        )
    changed = sorted(k for k, v in fields.items() if getattr(current, k) != v)
    for key, value in fields.items():
        setattr(current, key, value)
    current.lock_version += 1
    current.full_clean()
    current.save()
    if facilitators is not None:
        current.facilitators.set(list(facilitators))
    audit(actor=actor, action="gathering.changed", obj=current, fields=changed)
    return current


@transaction.atomic
def gathering_cancel(*, actor: User, gathering: Gathering) -> Gathering:
    if gathering.cancelled_at is None:
        gathering.cancelled_at = timezone.now()
        gathering.lock_version += 1
        gathering.save(update_fields=["cancelled_at", "lock_version", "updated_at"])
        audit(actor=actor, action="gathering.cancelled", obj=gathering)
    return gathering


@transaction.atomic
def gathering_restore(*, actor: User, gathering: Gathering) -> Gathering:
    if gathering.cancelled_at is not None:
        gathering.cancelled_at = None
        gathering.lock_version += 1
        gathering.save(update_fields=["cancelled_at", "lock_version", "updated_at"])
        audit(actor=actor, action="gathering.restored", obj=gathering)
    return gathering


def may_delete(gathering: Gathering) -> bool:
    """Only a gathering nobody has been told about or come to may go; others are cancelled."""
    return not (
        Reminder.objects.filter(registration__gathering=gathering).exists()
        or gathering.registrations.exclude(attendance="").exists()
        or gathering.photos.exists()
        or gathering.notes
        or gathering.agreed
    )


@transaction.atomic
def gathering_delete(*, actor: User, gathering: Gathering) -> None:
    if not may_delete(gathering):
        raise ValidationError(
            "People have been told about this gathering or have come to it: cancel it instead"
        )
    audit(actor=actor, action="gathering.deleted", obj=gathering, hub=gathering.hub_id)
    gathering.delete()


@transaction.atomic
def people_add(*, actor: User, gathering: Gathering, people: Iterable[Person], status: str) -> int:
    """Invite people, or record that they are coming. Returns how many were added or changed."""
    people = list(people)
    if status == Registration.Status.REGISTERED:
        _check_places(gathering, adding=len(people))
    done = 0
    for person in people:
        registration, created = Registration.objects.get_or_create(
            gathering=gathering, person=person, defaults={"status": status}
        )
        if not created and registration.status != status:
            registration.status = status
            registration.save(update_fields=["status", "updated_at"])
            created = True
        if created:
            done += 1
            audit(actor=actor, action=f"gathering.person_{status}", obj=gathering, subject=person.user)
    return done


def _check_places(gathering: Gathering, *, adding: int) -> None:
    if gathering.capacity is None:
        return
    coming = Registration.objects.filter(gathering=gathering, status=Registration.Status.REGISTERED).count()
    if coming + adding > gathering.capacity:
        left = max(gathering.capacity - coming, 0)
        raise Full(f"There {'is' if left == 1 else 'are'} {left} place{'' if left == 1 else 's'} left")


@transaction.atomic
def registration_set(*, actor: User, registration: Registration, status: str) -> Registration:
    if status == registration.status:
        return registration
    if status == Registration.Status.REGISTERED:
        _check_places(registration.gathering, adding=1)
    registration.status = status
    registration.save(update_fields=["status", "updated_at"])
    audit(
        actor=actor,
        action=f"gathering.person_{status}",
        obj=registration.gathering,
        subject=registration.person.user,
    )
    return registration


@transaction.atomic
def registration_remove(*, actor: User, registration: Registration) -> None:
    audit(
        actor=actor,
        action="gathering.person_removed",
        obj=registration.gathering,
        subject=registration.person.user,
    )
    registration.delete()


@transaction.atomic
def attendance_record(*, actor: User, gathering: Gathering, marks: dict[int, str]) -> int:
    """Record who came. ``marks`` maps registration ids (of this gathering) to an Attendance value."""
    now = timezone.now()
    changed = 0
    for registration in gathering.registrations.filter(pk__in=list(marks)):
        mark = marks[registration.pk]
        if registration.attendance != mark:
            registration.attendance = mark
            registration.attendance_recorded_at = now
            registration.save(update_fields=["attendance", "attendance_recorded_at", "updated_at"])
            changed += 1
    audit(actor=actor, action="gathering.attendance_recorded", obj=gathering, count=changed)
    return changed


@transaction.atomic
def walk_in_add(*, actor: User, gathering: Gathering, full_name: str, expertise: str) -> Registration:
    """Someone new who came on the day: a record in the hub, marked as having come."""
    person = person_create(actor=actor, hub=gathering.hub, full_name=full_name, expertise=expertise)
    registration = Registration.objects.create(
        gathering=gathering,
        person=person,
        status=Registration.Status.REGISTERED,
        attendance=Registration.Attendance.ATTENDED,
        attendance_recorded_at=timezone.now(),
        walk_in=True,
    )
    audit(actor=actor, action="gathering.walk_in_added", obj=gathering, subject=person.user)
    return registration


@transaction.atomic
def call_done(*, actor: User, reminder: Reminder) -> Reminder:
    if reminder.outcome == Reminder.Outcome.CALL:
        reminder.outcome = Reminder.Outcome.CALLED
        reminder.done_by = actor
        reminder.done_at = timezone.now()
        reminder.save(update_fields=["outcome", "done_by", "done_at", "updated_at"])
        audit(
            actor=actor,
            action="gathering.reminder_phoned",
            obj=reminder.registration.gathering,
            subject=reminder.registration.person.user,
        )
    return reminder


@transaction.atomic
def write_up_save(
    *, actor: User, gathering: Gathering, expected_version: int | None, notes: str, agreed: str
) -> Gathering:
    current = Gathering.objects.select_for_update().get(pk=gathering.pk)
    if expected_version is not None and current.lock_version != expected_version:
        raise RecordChanged
    current.notes, current.agreed = notes, agreed
    current.lock_version += 1
    current.save(update_fields=["notes", "agreed", "lock_version", "updated_at"])
    audit(actor=actor, action="gathering.written_up", obj=current)
    return current


@transaction.atomic
def photo_add(*, actor: User, gathering: Gathering, image: Any, caption: str) -> Photo:
    photo = Photo(gathering=gathering, image=image, caption=caption, uploaded_by=actor)
    photo.save()
    audit(actor=actor, action="gathering.photo_added", obj=gathering)
    return photo


@transaction.atomic
def photo_delete(*, actor: User, photo: Photo) -> None:
    audit(actor=actor, action="gathering.photo_deleted", obj=photo.gathering)
    name, storage = photo.image.name, photo.image.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    photo.delete()


@transaction.atomic
def reminder_hours_set(*, actor: User, hub: Hub, hours: list[int]) -> ReminderSettings:
    settings_row, _ = ReminderSettings.objects.get_or_create(hub=hub)
    settings_row.hours_before = sorted(set(hours), reverse=True)
    settings_row.save()
    audit(actor=actor, action="gathering.reminder_times_set", obj=hub, hours=settings_row.hours_before)
    return settings_row
