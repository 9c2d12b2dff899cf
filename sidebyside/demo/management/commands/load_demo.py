"""Build the demo programme. Deterministic and safe to run again: it updates in place."""

from __future__ import annotations

import datetime
import random
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction

from sidebyside.accounts.models import User
from sidebyside.demo import data
from sidebyside.enquiries import services as enquiries
from sidebyside.enquiries.models import Action, Digest, Enquiry, LeaderMessage, Notice, StageMove, Update
from sidebyside.gatherings.method_library import seed_methods
from sidebyside.gatherings.models import Gathering, Registration
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme
from sidebyside.insights import services as insights
from sidebyside.insights.models import Theme
from sidebyside.people import consent
from sidebyside.people.models import CatchUp, Consent, Person, SupportNeeds, WellbeingPlan
from sidebyside.voices import services as voices
from sidebyside.voices.models import Contribution, Prompt
from sidebyside.voices.prompt_library import seed_prompts
from sidebyside.voices.services_moderation import safeguarding_lead_set

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
        partner = _user(**data.PARTNER_LEADER)
        _member(programme, None, partner, Membership.Role.LEADER, organisations[data.PARTNER_ORGANISATION])

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
            if spec["started_on"]:
                # Concerns raised about what someone said go to the coordinator of a running hub.
                safeguarding_lead_set(actor=manager, hub=hub, user=coordinator)
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
        if not Enquiry.objects.filter(programme=programme).exists():
            _Loop(programme, manager, leader, organisations).build()
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


DEMO_UUIDS = uuid.UUID("6f1d1f2e-3c39-4b8e-9a55-5d0c3a7e2b10")


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


class _Loop:
    """The whole loop, once: what people said, themes, enquiries at each stage, actions owned by
    partners, updates for contributors (already sent to them in a past digest), and a message to
    the senior leader with their reply and commitment. Built through the services, as people would,
    then dated back into the demo's history."""

    def __init__(
        self, programme: Programme, manager: User, leader: User, organisations: dict[str, Organisation]
    ) -> None:
        self.programme, self.manager, self.leader = programme, manager, leader
        self.organisations = organisations
        self.hubs = {h.name: h for h in Hub.objects.filter(programme=programme)}

    def build(self) -> None:
        seed_prompts(self.programme)
        said = self._contributions()
        themes = self._themes(said)
        built = {spec["title"]: self._enquiry(spec, themes) for spec in data.ENQUIRIES}
        for index, (title, what, organisation, due_in, status, update) in enumerate(data.ACTIONS):
            self._action(built[title], what, self.organisations[organisation], due_in, status, update, index)
        self._leader_message()
        self._sent_in_a_digest()

    def _authors(self, hub: Hub) -> list[Person]:
        """The hub's members who agreed to be recorded by name, in a fixed order."""
        people = Person.objects.filter(
            user__memberships__hub=hub,
            user__memberships__role=Membership.Role.MEMBER,
            user__memberships__ended_at__isnull=True,
        ).order_by("pk")
        return [p for p in people if consent.may_record(p)]

    def _contributions(self) -> list[tuple[Contribution, str | None]]:
        prompts = list(Prompt.objects.filter(programme=self.programme))
        made: list[tuple[Contribution, str | None]] = []
        for index, (hub_name, opening, text, theme, named) in enumerate(data.CONTRIBUTIONS):
            hub = self.hubs[hub_name]
            gathering = (
                Gathering.objects.filter(hub=hub, starts_at__lt=_at(HISTORY_ENDS))
                .order_by("-starts_at")
                .first()
            )
            authors = self._authors(hub)
            author = authors[index % len(authors)] if named and authors else None
            level = consent.quote_level(author) if author else None
            stored = voices.contribution_add(
                uuid_value=uuid.uuid5(DEMO_UUIDS, f"contribution-{index}"),
                hub_id=hub.pk,
                text=text,
                channel=Contribution.Channel.FACILITATOR if author else Contribution.Channel.PAPER,
                gathering=gathering,
                prompt=next(p for p in prompts if p.text.startswith(opening)),
                author=author,
                identify_as=level
                if level in Contribution.Identify.values
                else Contribution.Identify.ANONYMOUS,
                state=Contribution.State.SHOWN,
                said_at=gathering.starts_at + datetime.timedelta(minutes=30 + index)
                if gathering
                else _at(HISTORY_ENDS),
            )
            made.append((stored.contribution, theme))
        return made

    def _themes(self, said: list[tuple[Contribution, str | None]]) -> dict[str, Theme]:
        themes: dict[str, Theme] = {}
        for name, (description, colour) in data.THEMES.items():
            theme = Theme.objects.filter(programme=self.programme, name=name).first()
            themes[name] = theme or insights.theme_create(
                actor=self.manager,
                programme=self.programme,
                name=name,
                description=description,
                colour=colour,
            )
            insights.tags_add(
                actor=self.manager, theme=themes[name], contributions=[c for c, t in said if t == name]
            )
        return themes

    def _enquiry(self, spec: dict[str, Any], themes: dict[str, Theme]) -> Enquiry:
        hubs = [self.hubs[name] for name in spec["hubs"]]
        # Led by the first hub's coordinator (by profession) and one of its members (by experience).
        coordinator = Membership.objects.filter(hub=hubs[0], role=Membership.Role.COORDINATOR).first()
        member = next(iter(self._authors(hubs[0])), None)
        co_leads = [x.user for x in (coordinator, member) if x is not None]
        enquiry = enquiries.enquiry_create(
            actor=self.manager,
            programme=self.programme,
            title=spec["title"],
            framing=spec["framing"],
            hubs=hubs,
            partners=[self.organisations[name] for name in spec["partners"]],
            co_leads=co_leads,
            questions=spec.get("questions", ""),
        )
        record = {k: spec[k] for k in ("findings", "decisions", "outcomes", "learned") if k in spec}
        if record:
            enquiry = enquiries.enquiry_update(actor=self.manager, enquiry=enquiry, **record)
        for name in spec["themes"]:
            enquiries.evidence_link(actor=self.manager, enquiry=enquiry, theme=themes[name])
        stages = list(Enquiry.Stage.values)
        for stage in stages[1 : stages.index(spec["stage"]) + 1]:
            enquiries.enquiry_move(actor=self.manager, enquiry=enquiry, to_stage=stage)
        # Dated back: started a year before the demo's "today", a stage every couple of months.
        moves = list(StageMove.objects.filter(enquiry=enquiry).order_by("pk"))
        for step, move in enumerate(moves):
            when = _at(HISTORY_ENDS - datetime.timedelta(days=360 - 70 * step))
            StageMove.objects.filter(pk=move.pk).update(moved_at=when)
        Enquiry.objects.filter(pk=enquiry.pk).update(
            created_at=_at(HISTORY_ENDS - datetime.timedelta(days=360)),
            stage_changed_at=_at(HISTORY_ENDS - datetime.timedelta(days=360 - 70 * (len(moves) - 1))),
        )
        enquiry.refresh_from_db()
        return enquiry

    def _action(
        self,
        enquiry: Enquiry,
        what: str,
        organisation: Organisation,
        due_in: int,
        status: str,
        update: tuple[str, str] | None,
        index: int,
    ) -> None:
        action = enquiries.action_create(
            actor=self.manager,
            enquiry=enquiry,
            what=what,
            organisation=organisation,
            due_on=HISTORY_ENDS + datetime.timedelta(days=due_in),
        )
        if status != Action.Status.NOT_STARTED:
            reason = update[1] if status in Action.NEED_REASON and update else ""
            enquiries.action_set_status(actor=self.manager, action=action, status=status, reason=reason[:500])
        if update is not None:
            kind, text = update
            enquiries.update_post(actor=self.manager, enquiry=enquiry, action=action, kind=kind, text=text)
        when = _at(HISTORY_ENDS - datetime.timedelta(days=40 - 5 * index))
        Action.objects.filter(pk=action.pk).update(created_at=when, updated_at=when)
        Update.objects.filter(action=action).update(created_at=when, updated_at=when)

    def _leader_message(self) -> None:
        spec = data.LEADER_MESSAGE
        hub = self.hubs[spec["hub"]]
        coordinator = Membership.objects.get(hub=hub, role=Membership.Role.COORDINATOR, ended_at=None).user
        message = enquiries.message_create(actor=coordinator, hub=hub, text=spec["text"], leader=self.leader)
        # Sent before the demo's history ends: nothing goes into today's outbox.
        sent_at = _at(HISTORY_ENDS - datetime.timedelta(days=50))
        LeaderMessage.objects.filter(pk=message.pk).update(status=LeaderMessage.Status.SENT, sent_at=sent_at)
        message.refresh_from_db()
        enquiries.message_reply(
            actor=self.leader,
            message=message,
            reply=spec["reply"],
            commitment=spec["commitment"],
            due_on=HISTORY_ENDS + datetime.timedelta(days=spec["due_in_days"]),
        )

    def _sent_in_a_digest(self) -> None:
        """The updates above reached people in last month's digest; the worker sends only new ones."""
        sent_at = _at(HISTORY_ENDS - datetime.timedelta(days=3), hour=11)
        Notice.objects.filter(digest__isnull=True).update(created_at=sent_at - datetime.timedelta(days=2))
        waiting: dict[int, list[int]] = {}
        for notice_id, person_id in Notice.objects.filter(digest__isnull=True).values_list("pk", "person_id"):
            waiting.setdefault(person_id, []).append(notice_id)
        for person in Person.objects.filter(pk__in=list(waiting)).order_by("pk"):
            digest = Digest.objects.create(
                person=person,
                created_at=sent_at,
                channel=person.preferred_channel,
                outcome=Digest.Outcome.QUEUED,
                count=len(waiting[person.pk]),
            )
            Notice.objects.filter(pk__in=waiting[person.pk]).update(digest=digest)
