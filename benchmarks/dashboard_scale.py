"""How the programme dashboard, a hub page and a hub's people list scale with size.

Builds two programmes in one database: a small one (the demo's shape: 5 hubs of 20 people)
as the baseline, and a large one (60 hubs, 36,000 sessions, 100 people a hub except the
first, which has 3,000), then times each page many times in the same run and reports
p50/p95 and the ratio large/small. Query counts are reported too: they must be equal at
both sizes.

    SIDEBYSIDE_ENV=development .venv/bin/python benchmarks/dashboard_scale.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sbs_bench ... (PostgreSQL; the database is created)

It uses its own database (a temporary SQLite file unless DATABASE_URL is given) and
never touches the demo's.
"""

from __future__ import annotations

import datetime
import os

# common sets up Django: it must come (and sorts) before the django imports.
from common import fresh_database, measure, verify
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.people.models import Consent, Person, WellbeingPlan

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


def build(
    name: str, hubs: int, people_per_hub: int, sessions_per_hub: int, first_hub_people: int
) -> tuple[Programme, Hub, User]:
    programme = Programme.objects.create(name=name, area="Benchmark")
    admin = User.objects.create_user(email=f"admin@{name}.example", full_name="Admin", password=None)
    Membership.objects.create(user=admin, programme=programme, role="programme_admin")
    now = timezone.now()
    first_hub = None
    for h in range(hubs):
        hub = Hub.objects.create(
            programme=programme, name=f"Hub {h}", locality="x", stage="established", areas_of_work="a\nb\nc"
        )
        first_hub = first_hub or hub
        users = User.objects.bulk_create(
            User(
                email=f"p{h}-{i}@{name}.example",
                full_name=f"Person {h}-{i}",
                password="!",
                expertise="experience" if i % 3 else "profession",
            )
            for i in range(first_hub_people if h == 0 else people_per_hub)
        )
        # bulk_create skips the signal that gives every user a record: make them here, with
        # consents ending soon and plans due for review, so the follow-up flags have work to do.
        people = Person.objects.bulk_create(
            Person(user=u, phone=f"+4477009{i:05d}") for i, u in enumerate(users)
        )
        today = timezone.localdate()
        Consent.objects.bulk_create(
            Consent(person=p, purpose="quote", level="named", how="written", given_on=today, expires_on=today)
            for p in people[::3]
        )
        WellbeingPlan.objects.bulk_create(
            WellbeingPlan(person=p, version=1, review_on=today) for p in people[::5]
        )
        Membership.objects.bulk_create(
            Membership(user=u, programme=programme, hub=hub, role="member") for u in users
        )
        Gathering.objects.bulk_create(
            Gathering(
                hub=hub,
                kind="meeting",
                title=f"Session {s}",
                starts_at=now - datetime.timedelta(days=s + 1),
                ends_at=now - datetime.timedelta(days=s + 1) + datetime.timedelta(hours=2),
            )
            for s in range(sessions_per_hub)
        )
    assert first_hub is not None
    return programme, first_hub, admin


def main() -> None:
    setup_test_environment()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    fresh_database()
    print(f"database: {connection.vendor}; rounds per page: {ROUNDS}")
    small = build("small", hubs=5, people_per_hub=20, sessions_per_hub=100, first_hub_people=20)
    large = build("large", hubs=60, people_per_hub=100, sessions_per_hub=600, first_hub_people=3000)
    rows = []
    for label, (programme, hub, admin) in (("small", small), ("large", large)):
        client = Client()
        client.force_login(admin)
        verify(client, admin)
        for page, url in (
            ("dashboard", f"/programmes/{programme.pk}/"),
            ("hub page", f"/hubs/{hub.pk}/"),
            ("people", f"/hubs/{hub.pk}/people/"),
            ("follow-up", f"/hubs/{hub.pk}/people/?follow_up=on&q=person"),
        ):
            p50, p95, queries = measure(client, url, ROUNDS)
            rows.append((page, label, p50, p95, queries))
    print(f"{'page':<10} {'size':<6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for page, label, p50, p95, queries in rows:
        print(f"{page:<10} {label:<6} {p50:>8.1f} {p95:>8.1f} {queries:>8}")
    for page in ("dashboard", "hub page", "people", "follow-up"):
        s = next(r for r in rows if r[0] == page and r[1] == "small")
        la = next(r for r in rows if r[0] == page and r[1] == "large")
        print(f"{page}: p95 large/small = {la[3] / s[3]:.2f}; queries {s[4]} vs {la[4]}")


if __name__ == "__main__":
    main()
