"""Themes: a coordinator asks the machine to suggest themes for a drop-in's 150 contributions,
then reviews them: accepts one under a new name, merges one into it, turns one down. axe on every
page. (Moving single items and sorting new contributions come with the theme pages.)"""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub
from sidebyside.insights.evaluate import read_tsv
from sidebyside.insights.models import Tag, Theme, ThemingRun
from sidebyside.insights.tests.test_engine import SMALL
from sidebyside.voices.models import Contribution
from tests_e2e.conftest import check_page
from tests_e2e.helpers import load_demo, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

COORDINATOR = "coordinator.cambridge-south@example.org"
EVALUATION = SMALL.parent.parent.parent / "evaluation" / "comments.tsv"


def a_drop_in_with_150_contributions() -> Gathering:
    hub = Hub.objects.get(name="Cambridge & South")
    start = timezone.now() - datetime.timedelta(days=2)
    gathering = Gathering.objects.create(
        hub=hub,
        kind="workshop",
        title="Drop-in: what gets in the way?",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    _, texts = read_tsv(EVALUATION)
    chosen = random.Random(4).sample(texts, 150)  # noqa: S311 - test data
    Contribution.objects.bulk_create(
        [
            Contribution(
                hub=hub, gathering=gathering, text=text, said_at=start, channel="paper", state="shown"
            )
            for text in chosen
        ]
    )
    return gathering


def test_suggest_and_review_themes(page: Page) -> None:
    load_demo()
    gathering = a_drop_in_with_150_contributions()
    programme = gathering.hub.programme
    sign_in_with_password(page, COORDINATOR, staff_with_password(COORDINATOR))

    page.goto(f"/programmes/{programme.pk}/themes/")
    expect(page.get_by_role("heading", name="Themes", exact=True)).to_be_visible()
    check_page(page, "themes-empty")

    # Asking for more themes than makes sense is refused plainly, and the choices are kept.
    page.get_by_label("Hub (optional)").select_option(label="Cambridge & South")
    page.get_by_label("Gathering (optional)").select_option(value=str(gathering.pk))
    page.get_by_label("About how many themes (optional)").fill("40")
    page.get_by_role("button", name="Suggest themes").click()
    expect(page.get_by_text("Ask for 30 themes or fewer").first).to_be_visible()
    expect(page.get_by_label("Gathering (optional)")).to_have_value(str(gathering.pk))
    check_page(page, "themes-error")

    page.get_by_label("About how many themes (optional)").fill("6")
    page.get_by_role("button", name="Suggest themes").click()
    expect(page.get_by_role("heading", name="Suggested themes to review")).to_be_visible()
    check_page(page, "themes-review")
    run = ThemingRun.objects.get()
    assert (run.state, run.total) == ("done", 150)
    first, second, third = list(Theme.objects.filter(run=run).order_by("pk"))[:3]

    page.get_by_label(f"Name for “{first.name}”").fill("Being heard")
    page.get_by_role("button", name=f"Accept “{first.name}”").click()
    expect(page.get_by_text("Theme accepted: Being heard")).to_be_visible()

    page.get_by_label(f"Merge “{second.name}” into").select_option(label="Being heard")
    page.get_by_role("button", name=f"Merge “{second.name}”").click()
    expect(page.get_by_text(f"Merged {second.name} into Being heard")).to_be_visible()

    page.get_by_role("button", name=f"Turn down “{third.name}”").click()
    expect(page.get_by_text(f"Suggestion turned down: {third.name}")).to_be_visible()
    check_page(page, "themes-reviewed")

    accepted = Theme.objects.get(name="Being heard")
    assert accepted.status == "confirmed"
    assert Tag.objects.filter(theme=accepted).count() > 0
    assert (
        Tag.objects.filter(theme=accepted, confirmed=False).count()
        == Tag.objects.filter(theme=accepted, source="machine", confirmed=False).count()
    )
    assert not Theme.objects.filter(pk=third.pk).exists()

    page.get_by_role("link", name="Back to the themes").click()
    expect(page.get_by_role("cell", name="Being heard")).to_be_visible()
    check_page(page, "themes-list")
