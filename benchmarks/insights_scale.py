"""How the theme pages, the pictures and the search scale with contributions (issue 6's goal:
p95 at 1M contributions within 1.3× of p95 at 10k).

Builds two programmes in one database: a small one (10,000 contributions) as the baseline and a
large one (BENCH_LARGE, 1,000,000 by default), each with one hub, 12 confirmed themes and every
contribution in one of them, then times each page BENCH_ROUNDS times at the two sizes taking turns
(``common.measure_both``) and reports p50/p95, the ratio large/small and the query counts (equal
at both sizes). The pictures' tallies
are worked out on the first look (the warm-up), as a programme never counted is.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sbs_bench_insights .venv/bin/python benchmarks/insights_scale.py
    BENCH_LARGE=100000 ...   # a quicker run

It uses its own database (dropped and made again) and never touches the demo's.
"""

from __future__ import annotations

import datetime
import os
import random

# common sets up Django: it must come (and sorts) before the django imports.
from common import begin, build_both, evaluation_themes, measure_both, print_ratios, verify
from django.test import Client
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.hubs.models import Hub, Membership, Programme
from sidebyside.insights import services
from sidebyside.insights.models import Tag, Theme
from sidebyside.voices.models import Contribution

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "100"))
SMALL = int(os.environ.get("BENCH_SMALL", "10000"))
LARGE = int(os.environ.get("BENCH_LARGE", "1000000"))
BATCH = 20_000


def build(name: str, size: int) -> tuple[Programme, Theme, User]:
    programme = Programme.objects.create(name=name, area="Benchmark")
    admin = User.objects.create_user(email=f"admin@{name}.example", full_name="Admin Person", password=None)
    Membership.objects.create(user=admin, programme=programme, role="programme_admin")
    hub = Hub.objects.create(programme=programme, name=f"{name} hub", locality="x", stage="established")
    themes_given, texts, by_name = evaluation_themes(programme)
    themes = list(by_name.values())
    rng = random.Random(size)
    start = timezone.now() - datetime.timedelta(days=730)
    vocabulary = [w for t in texts for w in t.split()]
    made = 0
    while made < size:
        n = min(BATCH, size - made)
        chosen = [rng.randrange(len(texts)) for _ in range(n)]
        rows = Contribution.objects.bulk_create(
            Contribution(
                hub=hub,
                text=" ".join([*texts[i].split(), *rng.sample(vocabulary, 2)]),
                said_at=start + datetime.timedelta(minutes=rng.randrange(730 * 24 * 60)),
                channel="paper",
                state="shown",
            )
            for i in chosen
        )
        Tag.objects.bulk_create(
            Tag(contribution=row, theme=by_name[themes_given[i]], source="person", confirmed=True)
            for row, i in zip(rows, chosen, strict=True)
        )
        made += n
    services.recount(t.pk for t in themes)  # as the services keep them
    return programme, by_name["housing"], admin


def main() -> None:
    begin(ROUNDS)
    built = build_both(build, SMALL, LARGE)
    pages = ("themes", "a theme", "how a theme could be split", "word cloud and charts", "search")
    rows: list[tuple[str, str, float, float, int]] = []
    urls: dict[str, list[tuple[Client, str]]] = {}
    for label, (programme, theme, admin) in built.items():
        client = Client()
        client.force_login(admin)
        verify(client, admin)
        urls[label] = [
            (client, url)
            for url in (
                f"/programmes/{programme.pk}/themes/",
                f"/themes/{theme.pk}/",
                f"/themes/{theme.pk}/split/suggest/",
                f"/programmes/{programme.pk}/themes/pictures/",
                f"/programmes/{programme.pk}/themes/search/?q=hostel",
            )
        ]
    for number, page in enumerate(pages):
        measure_both(rows, page, urls["small"][number], urls["large"][number], ROUNDS)
    print_ratios(rows, pages, SMALL, LARGE)


if __name__ == "__main__":
    main()
