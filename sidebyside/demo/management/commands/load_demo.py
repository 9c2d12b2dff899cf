"""Build the demo programme. Deterministic and safe to run again: it updates in place."""

from __future__ import annotations

import datetime
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction

from sidebyside.accounts.models import User
from sidebyside.demo import data
from sidebyside.gatherings.method_library import seed_methods
from sidebyside.gatherings.models import Gathering, Registration
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme
from sidebyside.people.models import CatchUp, Consent, Person, SupportNeeds, WellbeingPlan

LONDON = ZoneInfo("Europe/London")
# Demo history runs up to this date, and two sessions are planned after it.
HISTORY_ENDS = datetime.date(2026, 11, 1)


def _user(email: str, full_name: str, expertise: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "expertise": expertise}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif (user.full_name, user.expertise) != (full_name, expertise):
        user.full_name, user.expertise = full_name, expertise
        user.save(update_fields=["full_name", "expertise"])
    return user


def _member(
    programme: Programme, hub: Hub | None, user: User, role: str, org: Organisation | None = None
) -> None:
    Membership.objects.update_or_create(
        user=user, programme=programme, hub=hub, role=role, ended_at=None, defaults={"organisation": org}
    )


def _month_steps(start: datetime.date, every: int, until: datetime.date) -> list[datetime.date]:
    dates: list[datetime.date] = []
    year, month = start.year, start.month
    while True:
        day = min(start.day, 28)
        current = datetime.date(year, month, day)
        if current > until:
            return dates
        dates.append(current)
        month += every
        year += (month - 1) // 12
        month = (month - 1) % 12 + 1


class Command(BaseCommand):
    help = "Load the demo co-production programme (five hubs, fictional people, history)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(2018)  # noqa: S311 - demo names, not security
        programme, _ = Programme.objects.update_or_create(
            name=data.PROGRAMME["name"], defaults={k: v for k, v in data.PROGRAMME.items() if k != "name"}
        )
        seed_methods(programme)
        organisations = {}
        for name, kind, website in data.ORGANISATIONS:
            organisations[name], _ = Organisation.objects.update_or_create(
                programme=programme, name=name, defaults={"kind": kind, "website": website}
            )
        council = organisations["Cambridgeshire County Council"]
        manager = _user(**data.MANAGER)
        _member(programme, None, manager, Membership.Role.PROGRAMME_ADMIN, council)
        leader = _user(**data.LEADER)
        _member(programme, None, leader, Membership.Role.LEADER, council)

        names = [(f, la) for f in data.FIRST_NAMES for la in data.LAST_NAMES]
        rng.shuffle(names)
        professional_orgs = [o for o in organisations.values() if o.kind != "peer_led"]
        person_index = 0
        peer_mentor: Person | None = None
        for spec in data.HUBS:
            hub, _ = Hub.objects.update_or_create(
                programme=programme,
                name=spec["name"],
                defaults={
                    "locality": spec["locality"],
                    "stage": spec["stage"],
                    "started_on": spec["started_on"],
                    "usual_format": spec["usual_format"],
                    "description": spec["description"],
                    "areas_of_work": "\n".join(spec["areas_of_work"]),
                    "archived_at": None,
                },
            )
            slug = spec["name"].lower().replace(" & ", "-").replace(" ", "-")
            coordinator = _user(
                f"coordinator.{slug}@example.org", self._name(names, person_index), "profession"
            )
            person_index += 1
            _member(programme, hub, coordinator, Membership.Role.COORDINATOR, council)
            experience, profession = spec["people"]
            peer_mentor = None
            for i in range(experience + profession):
                expertise = "experience" if i < experience else "profession"
                if i == 0 and experience:
                    expertise = "both"  # a peer mentor: lived experience, now working in services
                user = _user(f"{slug}.{i + 1}@example.org", self._name(names, person_index), expertise)
                person_index += 1
                role = Membership.Role.FACILITATOR if i == 0 and experience else Membership.Role.MEMBER
                org = None
                if expertise == "profession":
                    org = professional_orgs[i % len(professional_orgs)]
                elif expertise == "both":
                    org = organisations["Open Door Peer Network"]
                _member(programme, hub, user, role, org)
                if i == 0 and experience:
                    peer_mentor = user.person
                if expertise != "profession":
                    self._person(user.person, person_index, peer_mentor if i else None)
            self._gatherings(hub, spec)
        self.stdout.write(
            self.style.SUCCESS(f"Demo programme ready: {programme.name}, {len(data.HUBS)} hubs.")
        )

    @staticmethod
    def _person(person: Person, index: int, buddy: Person | None) -> None:
        """Contact details, consents, and for some people support needs and a plan."""
        Person.objects.filter(pk=person.pk).update(
            phone=f"+447700900{index % 1000:03d}",
            preferred_channel=Person.Channel.PHONE if index % 5 == 0 else Person.Channel.SMS,
            how_came=[Person.HowCame.SERVICE, Person.HowCame.PEER, Person.HowCame.EVENT][index % 3],
            buddy=buddy,
            last_active_on=HISTORY_ENDS,
            **(data.ABOUT_EXAMPLE if index % 4 == 0 else {}),
        )
        given_on = HISTORY_ENDS - datetime.timedelta(days=30 + index)
        levels = [Consent.Level.NAMED, Consent.Level.FIRST_NAME, Consent.Level.ANONYMOUS]
        answers: list[tuple[str, str]] = [
            (Consent.Purpose.CONTACT_SMS, ""),
            (Consent.Purpose.RECORD_CONTRIBUTIONS, levels[index % 2 * 2]),
            (Consent.Purpose.QUOTE, levels[index % 3]),
        ]
        if index % 3 == 0:
            answers.append((Consent.Purpose.STORE_SUPPORT, ""))
        for purpose, level in answers:
            if not Consent.objects.filter(person=person, purpose=purpose).exists():
                how = Consent.How.VERBAL if index % 2 else Consent.How.WRITTEN
                Consent.objects.create(
                    person=person, purpose=purpose, level=level, how=how, given_on=given_on
                )
        if index % 3 != 0:
            return
        needs, details = data.SUPPORT_EXAMPLES[index % len(data.SUPPORT_EXAMPLES)]
        record = SupportNeeds.objects.filter(person=person).first() or SupportNeeds(person=person)
        record.needs, record.details = needs, details
        record.save()
        if index % 2 == 0 and not person.plans.exists():
            WellbeingPlan.objects.create(
                person=person,
                version=1,
                review_on=HISTORY_ENDS + datetime.timedelta(days=14),
                **data.PLAN_EXAMPLE,
            )
            CatchUp.objects.create(
                person=person,
                held_on=HISTORY_ENDS - datetime.timedelta(days=16),
                notes="Going well. Wants to try chairing part of the next meeting.",
            )

    @staticmethod
    def _name(names: list[tuple[str, str]], index: int) -> str:
        first, last = names[index % len(names)]
        return f"{first} {last}"

    @staticmethod
    def _gatherings(hub: Hub, spec: dict[str, Any]) -> None:
        plan = spec["gatherings"]
        if not plan or not spec["started_on"]:
            return
        dates = _month_steps(spec["started_on"], plan["every_months"], HISTORY_ENDS)
        last = dates[-1]
        # Two sessions planned ahead of the demo's "today".
        dates += _month_steps(last, plan["every_months"], datetime.date(2100, 1, 1))[1:3]
        upcoming = []
        for day in dates:
            starts = datetime.datetime.combine(day, datetime.time(10, 30), tzinfo=LONDON)
            gathering, _ = Gathering.objects.get_or_create(
                hub=hub,
                starts_at=starts,
                defaults={
                    "kind": plan["kind"],
                    "title": f"{plan['title']}, {day:%B %Y}",
                    "ends_at": starts + datetime.timedelta(hours=2),
                    "venue": plan["venue"],
                    "address": plan.get("address", ""),
                    "accessibility": plan.get("accessibility", ""),
                    "food": plan.get("food", ""),
                    "capacity": 20,
                },
            )
            if day > HISTORY_ENDS:
                upcoming.append(gathering)
        # The hub's members: most coming to the next gathering, all invited to the one after.
        members = list(
            Person.objects.filter(
                user__memberships__hub=hub,
                user__memberships__role=Membership.Role.MEMBER,
                user__memberships__ended_at__isnull=True,
            ).order_by("pk")
        )
        for index, gathering in enumerate(upcoming[:2]):
            for position, person in enumerate(members):
                status = (
                    Registration.Status.REGISTERED
                    if index == 0 and position % 4
                    else Registration.Status.INVITED
                )
                Registration.objects.get_or_create(
                    gathering=gathering, person=person, defaults={"status": status}
                )
