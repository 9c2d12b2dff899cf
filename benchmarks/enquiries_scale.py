"""How the enquiry board, "what happened to what you said" (my impact) and an enquiry's page scale
with contributions (issue 7's goal: p95 at 1M contributions within 1.3× of p95 at 10k).

Builds two programmes in one database: a small one (10,000 contributions) as the baseline and a
large one (BENCH_LARGE, 1,000,000 by default). Each has three hubs, four partner organisations, a
coordinator in each hub, a member for every 100 contributions (half of what is said is anonymous,
the other half is spread over the members) and 12 confirmed themes with every contribution in one
of them, as in insights_scale.py. Enquiries grow with the square root of the programme (20 at
10,000, 200 at 1,000,000), spread over the five stages; each rests on one of ten of the themes
(about a third on a second one too; two themes feed none) and on one to eight single
contributions, and has actions by stage (a quarter of the open ones overdue) and updates, most of
them marked to tell contributors. Each told update has a ``Notice`` for every person whose words
are linked, as ``services.update_post`` writes them (checked against
``services.contributor_ids`` for one enquiry); the notices older than a week point to a digest
already sent (one a person stands in for the weekly ones: no timed page reads them).

One member of each programme, whose page is timed, said 100 things over the same two years at
both sizes, in the same themes, four of them also linked to enquiries on their own.

It times, BENCH_ROUNDS times each in the same run, the board and the enquiry with the most
evidence (as a two-step-verified programme admin) and /me/impact/ (as that member), the requests
at the two sizes taking turns (``common.measure_both``), and reports p50/p95, the ratio large/small and the query counts
(equal at both sizes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sbs_bench_enquiries .venv/bin/python benchmarks/enquiries_scale.py
    BENCH_LARGE=100000 ...   # a quicker run

It uses its own database (dropped and made again) and never touches the demo's.
"""

from __future__ import annotations

import datetime
import math
import os
import random
from collections import defaultdict
from dataclasses import dataclass

# common sets up Django: it must come (and sorts) before the django imports.
from common import begin, build_both, evaluation_themes, measure_both, print_ratios, verify
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.enquiries import services as enquiry_services
from sidebyside.enquiries.models import (
    STAGES,
    Action,
    Digest,
    Enquiry,
    Evidence,
    Notice,
    StageMove,
    Update,
)
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme
from sidebyside.insights import services
from sidebyside.insights.models import Tag
from sidebyside.people.models import Consent, Person
from sidebyside.voices.models import Contribution

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "100"))
SMALL = int(os.environ.get("BENCH_SMALL", "10000"))
LARGE = int(os.environ.get("BENCH_LARGE", "1000000"))
BATCH = 20_000
HUBS = 3
MINE = 100  # what the timed member said
MINE_DIRECT = 4  # of which linked to an enquiry on their own
LINKED_THEMES = 10  # of the 12: the other two feed no enquiry
DAYS = 730

# Of every 20 enquiries, how many are at each stage.
STAGE_SHARE = {"frame": 3, "explore": 4, "act": 6, "learn": 3, "closed": 4}
ACTIONS_AT = {"frame": 0, "explore": 2, "act": 4, "learn": 4, "closed": 4}
TOLD_AT = {"frame": 0, "explore": 1, "act": 2, "learn": 3, "closed": 4}

ISSUES = (
    "Registering with a GP without a fixed address",
    "Waiting times for a first mental health appointment",
    "Hostel rules that end a stay after one missed night",
    "Benefit sanctions after a missed appointment",
    "Leaving prison on a Friday with nowhere to go",
    "Being passed between services that do not talk",
    "Peer mentor roles that pay in vouchers only",
    "Script collection times that clash with work",
    "Being spoken about, not to, at case meetings",
    "Crisis lines that ring out at night",
    "Bus fares to appointments across the county",
    "Paperwork that asks for the same story five times",
)
UPDATES = (
    "We met the team that runs this and agreed what to try first.",
    "The new arrangement started this month in two of the hubs.",
    "We could not change the rule itself: it is set nationally. We wrote to those who set it.",
    "The service now asks people how they would like to be contacted.",
    "A member of our group now sits on the panel that decides this.",
    "We checked whether the change helped: most people said it did.",
)


@dataclass
class Built:
    programme: Programme
    admin: User
    member: User
    busiest: Enquiry  # the enquiry with the most evidence


def _people(name: str, programme: Programme, hubs: list[Hub], count: int) -> list[Person]:
    """Members, each in one hub; half may be quoted by first name, as they agreed."""
    users = []
    for start in range(0, count, BATCH):
        users += User.objects.bulk_create(
            User(email=f"m{i}@{name}.example", full_name=f"Member {i} Person", password="!")
            for i in range(start, min(count, start + BATCH))
        )
    # bulk_create skips the signal that gives every user a record: make them here.
    people = Person.objects.bulk_create((Person(user=u) for u in users), batch_size=BATCH)
    Membership.objects.bulk_create(
        (
            Membership(user=u, programme=programme, hub=hubs[i % len(hubs)], role="member")
            for i, u in enumerate(users)
        ),
        batch_size=BATCH,
    )
    _may_quote(people[::2])
    return people


def _may_quote(people: list[Person]) -> None:
    given = timezone.localdate() - datetime.timedelta(days=DAYS)
    Consent.objects.bulk_create(
        (
            Consent(person=p, purpose="quote", level="first_name", how="written", given_on=given)
            for p in people
        ),
        batch_size=BATCH,
    )


def build(name: str, size: int) -> Built:
    rng = random.Random(size)
    now = timezone.now()
    programme = Programme.objects.create(name=name, area="Benchmark")
    admin = User.objects.create_user(email=f"admin@{name}.example", full_name="Admin Person", password=None)
    Membership.objects.create(user=admin, programme=programme, role="programme_admin")
    hubs = [
        Hub.objects.create(programme=programme, name=f"{name} hub {h}", locality="x", stage="established")
        for h in range(HUBS)
    ]
    organisations = [
        Organisation.objects.create(programme=programme, name=f"{name} partner {k}", kind=kind)
        for k, kind in enumerate(("council", "nhs", "charity", "probation"))
    ]
    coordinators = []
    for h, hub in enumerate(hubs):
        user = User.objects.create_user(
            email=f"coordinator{h}@{name}.example",
            full_name=f"Coordinator {h}",
            password=None,
            expertise="profession",
        )
        Membership.objects.create(user=user, programme=programme, hub=hub, role="coordinator")
        coordinators.append(user)
    member = User.objects.create_user(email=f"member@{name}.example", full_name="Sam Member", password=None)
    Membership.objects.create(user=member, programme=programme, hub=hubs[0], role="member")
    me = member.person
    _may_quote([me])
    people = _people(name, programme, hubs, max(50, size // 100))

    # Contributions, every one in one of 12 confirmed themes (as insights_scale.py); the timed
    # member's first, spread over the same two years.
    themes_given, texts, by_name = evaluation_themes(programme)
    themes = list(by_name.values())
    start = now - datetime.timedelta(days=DAYS)
    vocabulary = [w for t in texts for w in t.split()]
    mine: list[Contribution] = []
    ids: list[int] = []  # every contribution's, in the order made
    made = 0
    while made < size:
        n = min(BATCH, size - made)
        chosen = [rng.randrange(len(texts)) for _ in range(n)]
        authors: list[tuple[Person | None, Hub]] = []
        for k in range(n):
            if made + k < MINE:
                authors.append((me, hubs[0]))
            elif rng.random() < 0.5:
                authors.append((None, hubs[rng.randrange(HUBS)]))
            else:
                p = rng.randrange(len(people))
                authors.append((people[p], hubs[p % HUBS]))
        rows = Contribution.objects.bulk_create(
            Contribution(
                hub=hub,
                author=author,
                identify_as="anonymous" if author is None else "first_name",
                text=" ".join([*texts[i].split(), *rng.sample(vocabulary, 2)]),
                said_at=start + datetime.timedelta(minutes=rng.randrange(DAYS * 24 * 60)),
                channel="paper" if author is None else "phone",
                state="shown",
            )
            for i, (author, hub) in zip(chosen, authors, strict=True)
        )
        Tag.objects.bulk_create(
            Tag(contribution=row, theme=by_name[themes_given[i]], source="person", confirmed=True)
            for row, i in zip(rows, chosen, strict=True)
        )
        if made == 0:
            mine = rows[:MINE]
        ids += [row.pk for row in rows]
        made += n
    services.recount(t.pk for t in themes)  # as the services keep them

    # Enquiries, oldest furthest along, each with its stage moves as enquiry_create/enquiry_move
    # write them.
    count = round(20 * math.sqrt(size / 10_000))
    stages = [s for s, share in STAGE_SHARE.items() for _ in range(share)]
    planned = sorted((stages[i * len(stages) // count] for i in range(count)), key=STAGES.index, reverse=True)
    enquiries = []
    for i, stage in enumerate(planned):
        begun = now - datetime.timedelta(days=DAYS - 10 - i * (DAYS - 40) // count)
        enquiries.append(
            Enquiry(
                programme=programme,
                title=f"{ISSUES[i % len(ISSUES)]} ({i + 1})",
                framing="People told us this again and again, in every hub.",
                stage=stage,
                stage_changed_at=begun + (now - begun) / 2,
                created_by=admin,
                created_at=begun,
            )
        )
    enquiries = Enquiry.objects.bulk_create(enquiries)
    Enquiry.hubs.through.objects.bulk_create(
        Enquiry.hubs.through(enquiry=e, hub=hub)
        for i, e in enumerate(enquiries)
        for hub in {hubs[i % HUBS], hubs[rng.randrange(HUBS)]}
    )
    Enquiry.partners.through.objects.bulk_create(
        Enquiry.partners.through(enquiry=e, organisation=organisations[i % len(organisations)])
        for i, e in enumerate(enquiries)
    )
    Enquiry.co_leads.through.objects.bulk_create(
        Enquiry.co_leads.through(enquiry=e, user=lead)
        for i, e in enumerate(enquiries)
        for lead in (coordinators[i % HUBS], people[i].user)
    )
    StageMove.objects.bulk_create(
        StageMove(
            enquiry=e,
            from_stage=STAGES[k - 1] if k else "",
            to_stage=STAGES[k],
            moved_by=admin,
            moved_at=e.created_at + (now - e.created_at) * k / 8,
        )
        for e in enquiries
        for k in range(STAGES.index(e.stage) + 1)
    )

    # Evidence: a theme each (ten of the twelve), a third a second one, and a few contributions.
    linked = themes[:LINKED_THEMES]
    evidence = []
    for i, e in enumerate(enquiries):
        chosen_themes = {linked[i % LINKED_THEMES]}
        if i % 3 == 0:
            chosen_themes.add(linked[rng.randrange(LINKED_THEMES)])
        evidence += [Evidence(enquiry=e, theme=t, linked_by=admin) for t in chosen_themes]
        picked = {rng.randrange(MINE, size) for _ in range(rng.randrange(1, 9))}
        evidence += [Evidence(enquiry=e, contribution_id=ids[k], linked_by=admin) for k in sorted(picked)]
    for k, contribution in enumerate(mine[:MINE_DIRECT]):
        evidence.append(
            Evidence(enquiry=enquiries[k * 5 % count], contribution=contribution, linked_by=admin)
        )
    Evidence.objects.bulk_create(evidence)

    # Actions by stage: closed and learning enquiries' mostly done; a quarter of the open ones overdue.
    today = timezone.localdate()
    actions = []
    for i, e in enumerate(enquiries):
        for k in range(ACTIONS_AT[e.stage]):
            if e.stage in ("closed", "learn"):
                status = "wont_do" if k == 3 else ("in_progress" if e.stage == "learn" and k == 2 else "done")
            elif e.stage == "act":
                status = ("not_started", "in_progress", "stuck", "done")[k]
            else:
                status = ("not_started", "in_progress")[k % 2]
            late = status not in Action.CLOSED and rng.random() < 0.25
            actions.append(
                Action(
                    programme=programme,
                    enquiry=e,
                    what=f"Action {k + 1} for enquiry {i + 1}",
                    owner=coordinators[(i + k) % HUBS],
                    organisation=organisations[(i + k) % len(organisations)],
                    due_on=today
                    + datetime.timedelta(days=-rng.randrange(1, 60) if late else rng.randrange(5, 90)),
                    status=status,
                    reason="It is set nationally" if status in Action.NEED_REASON else "",
                    status_changed_at=e.created_at,
                    created_by=admin,
                    created_at=e.created_at,
                )
            )
    actions = Action.objects.bulk_create(actions)
    actions_of = defaultdict(list)
    for action in actions:
        actions_of[action.enquiry_id].append(action)

    # Updates: told ones by stage, and a note for staff only once work has begun.
    updates = []
    for i, e in enumerate(enquiries):
        told = TOLD_AT[e.stage]
        for k in range(told + (1 if told else 0)):
            own = actions_of[e.pk]
            updates.append(
                Update(
                    enquiry=e,
                    action=own[k % len(own)] if own and k % 2 else None,
                    kind="could_not"
                    if k == 2 and e.stage == "closed"
                    else ("progress" if k == 0 else "we_did"),
                    text=UPDATES[(i + k) % len(UPDATES)],
                    tell_contributors=k < told,
                    written_by=coordinators[i % HUBS],
                    created_at=e.created_at + (now - e.created_at) * (k + 1) / (told + 2),
                )
            )
    updates = Update.objects.bulk_create(updates)

    # Notices: what update_post writes for a told update, one for each person whose words are
    # linked (by a confirmed tag in a linked theme, or directly).
    authors_in: dict[int, set[int]] = {}
    for theme in linked:
        authors_in[theme.pk] = set(
            Contribution.objects.filter(
                theme_tags__theme=theme, theme_tags__confirmed=True, author__isnull=False
            )
            .values_list("author_id", flat=True)
            .distinct()
        )
    behind: dict[int, set[int]] = defaultdict(set)
    direct = Evidence.objects.filter(enquiry__programme=programme, contribution__isnull=False)
    for enquiry_id, author_id in direct.values_list("enquiry_id", "contribution__author_id"):
        if author_id is not None:
            behind[enquiry_id].add(author_id)
    for enquiry_id, theme_id in Evidence.objects.filter(
        enquiry__programme=programme, theme__isnull=False
    ).values_list("enquiry_id", "theme_id"):
        behind[enquiry_id] |= authors_in[theme_id]
    digests = {
        d.person_id: d
        for d in Digest.objects.bulk_create(
            (
                Digest(
                    person_id=pk, created_at=now - datetime.timedelta(days=7), channel="sms", outcome="queued"
                )
                for pk in sorted(set().union(*behind.values()))
            ),
            batch_size=BATCH,
        )
    }
    week_ago = now - datetime.timedelta(days=7)
    pending: list[Notice] = []
    for update in updates:
        if not update.tell_contributors:
            continue
        people_behind = sorted(behind[update.enquiry_id])
        update.told = len(people_behind)
        for pk in people_behind:
            pending.append(
                Notice(
                    person_id=pk,
                    update=update,
                    created_at=update.created_at,
                    digest=digests[pk] if update.created_at < week_ago else None,
                )
            )
        if len(pending) >= BATCH:
            Notice.objects.bulk_create(pending)
            pending = []
    Notice.objects.bulk_create(pending)
    Update.objects.bulk_update(updates, ["told"], batch_size=1000)

    counts = Evidence.objects.filter(enquiry__programme=programme).values_list("enquiry_id")
    tally: dict[int, int] = defaultdict(int)
    for (enquiry_id,) in counts:
        tally[enquiry_id] += 1
    busiest = max(enquiries, key=lambda e: (tally[e.pk], -e.pk))
    # The notices are those the service would have written: check one enquiry against it.
    assert enquiry_services.contributor_ids(enquiry=busiest) == behind[busiest.pk], "notices differ"
    return Built(programme, admin, member, busiest)


def main() -> None:
    impact_url = reverse("enquiries:my_impact")  # loads every view now, before the long build
    begin(ROUNDS)
    built = build_both(build, SMALL, LARGE)
    for b in built.values():
        print(
            f"  {b.programme.name}: {Enquiry.objects.filter(programme=b.programme).count()} enquiries, "
            f"{Notice.objects.filter(update__enquiry__programme=b.programme).count():,} notices, "
            f"{Notice.objects.filter(person__user=b.member).count()} for the timed member",
            flush=True,
        )
    pages = ("enquiry board", "my impact", "an enquiry")
    clients = {}
    for label, b in built.items():
        staff = Client()
        staff.force_login(b.admin)
        verify(staff, b.admin)
        member = Client()
        member.force_login(b.member)
        clients[label] = {
            "enquiry board": (staff, reverse("enquiries:board", args=[b.programme.pk])),
            "my impact": (member, impact_url),
            "an enquiry": (staff, reverse("enquiries:enquiry", args=[b.busiest.pk])),
        }
    rows: list[tuple[str, str, float, float, int]] = []
    for page in pages:
        measure_both(rows, page, clients["small"][page], clients["large"][page], ROUNDS)
    print_ratios(rows, pages, SMALL, LARGE)


if __name__ == "__main__":
    main()
