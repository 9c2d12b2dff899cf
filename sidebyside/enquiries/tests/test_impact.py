"""Journeys of what people said, "What happened to what you said", and one contribution's journey
for staff."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.enquiries import services
from sidebyside.enquiries.journey import journeys
from sidebyside.enquiries.models import Action, Enquiry
from sidebyside.hubs.models import Hub, Programme
from sidebyside.insights.models import Tag, Theme
from sidebyside.people.models import Person
from sidebyside.voices.models import Contribution

pytestmark = pytest.mark.django_db


def said(hub: Hub, text: str, author: Person | None = None, **fields: Any) -> Contribution:
    fields.setdefault("said_at", timezone.now())
    return Contribution.objects.create(hub=hub, text=text, author=author, channel="phone", **fields)


def theme(programme: Programme, name: str, status: str = Theme.Status.CONFIRMED) -> Theme:
    return Theme.objects.create(programme=programme, name=name, status=status)


@pytest.fixture
def world(programme: Programme, hub: Hub, personas: dict[str, Any]) -> dict[str, Any]:
    """The member said four things: one linked to an enquiry directly, one through a theme, one the
    machine guessed (unchecked) belongs to that theme, and one linked to nothing."""
    staff = personas["coordinator"]
    me = personas["member"].person
    enquiry = services.enquiry_create(
        actor=staff, programme=programme, title="Evening sessions", framing="Too few", hubs=[hub]
    )
    direct = said(hub, "Please open in the evenings", author=me)
    via = said(hub, "I work days, so I cannot come", author=me)
    guessed = said(hub, "The bus stops at six", author=me)
    alone = said(hub, "The tea is good", author=me)
    evenings = theme(programme, "Opening hours")
    Tag.objects.create(contribution=via, theme=evenings, source=Tag.Source.PERSON, confirmed=True)
    Tag.objects.create(
        contribution=guessed, theme=evenings, source=Tag.Source.MACHINE, confirmed=False, confidence=0.9
    )
    services.evidence_link(actor=staff, enquiry=enquiry, contribution=direct)
    services.evidence_link(actor=staff, enquiry=enquiry, theme=evenings)
    action = services.action_create(
        actor=staff,
        enquiry=enquiry,
        what="Open on Thursday evenings",
        owner=staff,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    told = services.update_post(actor=staff, enquiry=enquiry, text="We asked the council for a late key")
    quiet = services.update_post(
        actor=staff, enquiry=enquiry, text="Internal note for staff only", tell_contributors=False
    )
    return {
        "enquiry": enquiry,
        "direct": direct,
        "via": via,
        "guessed": guessed,
        "alone": alone,
        "theme": evenings,
        "action": action,
        "told": told,
        "quiet": quiet,
        "me": me,
    }


# --- journeys ------------------------------------------------------------------------------------


def test_direct_evidence_leads_to_the_enquiry(world: dict[str, Any]) -> None:
    journey = journeys([world["direct"].pk])[world["direct"].pk]
    assert journey.themes == []
    [step] = journey.enquiries
    assert (step.id, step.title, step.stage, step.direct, step.via) == (
        world["enquiry"].pk,
        "Evening sessions",
        Enquiry.Stage.FRAME,
        True,
        [],
    )
    [action] = step.actions
    assert (action.what, action.status_label, action.rag) == (
        "Open on Thursday evenings",
        "Not started",
        "green",
    )
    assert action.due_on == world["action"].due_on
    assert action.rag_label == "on track"  # plain words, not "Green: on track"
    # Only the update meant for contributors.
    assert [(u.text, u.kind) for u in step.updates] == [("We asked the council for a late key", "we_did")]


def test_a_confirmed_tag_in_a_linked_theme_leads_to_the_enquiry(world: dict[str, Any]) -> None:
    journey = journeys([world["via"].pk])[world["via"].pk]
    assert [t.name for t in journey.themes] == ["Opening hours"]
    [step] = journey.enquiries
    assert step.direct is False
    assert [t.id for t in step.via] == [world["theme"].pk]
    assert journey.led_to_work
    assert journey.update_count == 1


def test_the_machines_unchecked_guess_does_not_count(world: dict[str, Any]) -> None:
    journey = journeys([world["guessed"].pk])[world["guessed"].pk]
    assert journey.themes == []
    assert journey.enquiries == []


def test_a_theme_not_confirmed_does_not_count(world: dict[str, Any], programme: Programme, hub: Hub) -> None:
    suggested = theme(programme, "Maybe transport", status=Theme.Status.SUGGESTED)
    words = said(hub, "Buses are rare")
    Tag.objects.create(contribution=words, theme=suggested, confirmed=True)
    services.evidence_link(actor=None, enquiry=world["enquiry"], theme=suggested)
    assert journeys([words.pk])[words.pk].enquiries == []


def test_nothing_linked_and_no_ids(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    journey = journeys([world["alone"].pk])[world["alone"].pk]
    assert journey.themes == []
    assert journey.enquiries == []
    assert not journey.led_to_work
    with django_assert_num_queries(0):
        assert journeys([]) == {}


def test_journeys_take_a_fixed_number_of_queries(
    world: dict[str, Any], programme: Programme, hub: Hub, django_assert_num_queries: Any
) -> None:
    ids = [world[k].pk for k in ("direct", "via", "guessed", "alone")]
    with django_assert_num_queries(5):
        journeys(ids)
    # More contributions, themes, enquiries, actions and updates: still five.
    for n in range(6):
        enquiry = services.enquiry_create(actor=None, programme=programme, title=f"Enquiry {n}", framing="x")
        more = theme(programme, f"Theme {n}")
        for m in range(3):
            words = said(hub, f"Said {n}.{m}")
            Tag.objects.create(contribution=words, theme=more)
            ids.append(words.pk)
        services.evidence_link(actor=None, enquiry=enquiry, theme=more)
        Action.objects.create(programme=programme, enquiry=enquiry, what=f"Do {n}")
        services.update_post(actor=None, enquiry=enquiry, text=f"Done {n}")
    with django_assert_num_queries(5):
        found = journeys(ids)
    assert all(len(found[pk].enquiries) == 1 for pk in ids[4:])


# --- What happened to what you said --------------------------------------------------------------


def test_my_impact_shows_my_words_journeys_and_updates(
    world: dict[str, Any], hub: Hub, personas: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    someone_else = said(hub, "Somebody else's words", author=personas["other_member"].person)
    services.evidence_link(actor=None, enquiry=world["enquiry"], contribution=someone_else)
    response = client_for("member").get(reverse("enquiries:my_impact"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What happened to what you said" in page
    assert "You have said 4 things. 2 have led to work on a change. 1 update so far." in page
    for key in ("direct", "via", "guessed", "alone"):
        assert world[key].text.replace("'", "&#x27;") in page
    assert "Somebody else" not in page
    assert "We asked the council for a late key" in page
    assert "Internal note for staff only" not in page
    assert "Open on Thursday evenings" in page
    assert "Opening hours" in page
    assert "Evening sessions" in page


def test_my_words_with_details_taken_out_say_why(
    world: dict[str, Any], hub: Hub, client_for: Callable[..., Client]
) -> None:
    page = client_for("member").get(reverse("enquiries:my_impact")).content.decode()
    assert "Where it says [removed]" not in page  # nothing of theirs was taken out
    said(hub, "Ring [removed] at the hostel", author=world["me"], redacted_at=timezone.now())
    page = client_for("member").get(reverse("enquiries:my_impact")).content.decode()
    assert "Ring [removed] at the hostel" in page
    assert page.count("Where it says [removed], we took out something") == 1


def test_my_impact_shows_only_my_notices(
    world: dict[str, Any], personas: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    page = client_for("other_member").get(reverse("enquiries:my_impact")).content.decode()
    assert "We asked the council" not in page
    assert "Please open in the evenings" not in page
    assert "We do not have anything you said yet" in page


def test_my_hidden_and_flagged_words_are_still_mine(
    world: dict[str, Any], hub: Hub, client_for: Callable[..., Client]
) -> None:
    said(
        hub,
        "Something I said in confidence",
        author=world["me"],
        state=Contribution.State.HIDDEN,
        safeguarding_at=timezone.now(),
    )
    page = client_for("member").get(reverse("enquiries:my_impact")).content.decode()
    assert "Something I said in confidence" in page
    assert "afeguarding" not in page
    assert "Hidden" not in page


def test_my_impact_pages_by_twenty(
    world: dict[str, Any], hub: Hub, client_for: Callable[..., Client]
) -> None:
    start = timezone.now() - datetime.timedelta(days=100)
    for n in range(21):
        said(hub, f"Older thought {n}", author=world["me"], said_at=start + datetime.timedelta(hours=n))
    client = client_for("member")
    first = client.get(reverse("enquiries:my_impact")).content.decode()
    second = client.get(reverse("enquiries:my_impact") + "?page=2").content.decode()
    assert "Please open in the evenings" in first
    assert "Older thought 0<" not in first
    assert "Older thought 0<" in second
    assert "Older thought 20<" not in second
    assert "Page 2 of 2" in second
    assert client.get(reverse("enquiries:my_impact") + "?page=abc").status_code == 200


@pytest.mark.parametrize("persona", ["coordinator", "programme_admin", "leader"])
def test_staff_with_a_person_see_their_own(persona: str, client_for: Callable[..., Client]) -> None:
    response = client_for(persona).get(reverse("enquiries:my_impact"))
    assert response.status_code == 200
    assert "We do not have anything you said yet" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("enquiries:my_impact"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_my_details_page_links_here(world: dict[str, Any], client_for: Callable[..., Client]) -> None:
    page = client_for("member").get(reverse("people:me")).content.decode()
    assert reverse("enquiries:my_impact") in page


def _grow(world: dict[str, Any], hub: Hub, programme: Programme, count: int) -> None:
    for n in range(count):
        words = said(hub, f"Thought {n}", author=world["me"])
        if n % 2:
            services.evidence_link(actor=None, enquiry=world["enquiry"], contribution=words)
        else:
            more = theme(programme, f"Theme {len(Theme.objects.all())}")
            Tag.objects.create(contribution=words, theme=more)
            enquiry = services.enquiry_create(actor=None, programme=programme, title=f"E {n}", framing="x")
            services.evidence_link(actor=None, enquiry=enquiry, theme=more)
            Action.objects.create(programme=programme, enquiry=enquiry, what=f"Do {n}")
            services.update_post(actor=None, enquiry=enquiry, text=f"Update {n}")


MY_IMPACT_QUERIES = 16


@pytest.mark.parametrize("count", [3, 30])
def test_my_impact_query_count_does_not_grow(
    count: int,
    world: dict[str, Any],
    hub: Hub,
    programme: Programme,
    client_for: Callable[..., Client],
    django_assert_max_num_queries: Any,
) -> None:
    _grow(world, hub, programme, count)
    client = client_for("member")
    with django_assert_max_num_queries(MY_IMPACT_QUERIES):
        response = client.get(reverse("enquiries:my_impact"))
    assert response.status_code == 200
    assert f"You have said {count + 4} things" in response.content.decode()


# --- One contribution's journey, for staff -------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("facilitator", 200),
        ("programme_admin", 200),
        ("member", 403),
        ("leader", 403),
        ("other_member", 404),
    ],
)
def test_contribution_journey_access(
    persona: str, status: int, world: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    url = reverse("enquiries:contribution_journey", args=[world["via"].pk])
    response = client_for(persona).get(url)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "I work days, so I cannot come" in page
        assert "Marnie Quillfeather" in page  # who, as on the moderation pages
        assert "Opening hours" in page
        assert "Evening sessions" in page
        assert "We asked the council for a late key" in page
        assert "1 of the updates below has been passed on to them, on their own page" in page


def test_contribution_journey_for_something_missing(client_for: Callable[..., Client], personas: Any) -> None:
    response = client_for("coordinator").get(reverse("enquiries:contribution_journey", args=[999999]))
    assert response.status_code == 404


def test_hub_contributions_link_to_each_journey(
    world: dict[str, Any], hub: Hub, client_for: Callable[..., Client]
) -> None:
    page = client_for("coordinator").get(reverse("voices:hub_contributions", args=[hub.pk])).content.decode()
    assert reverse("enquiries:contribution_journey", args=[world["direct"].pk]) in page


def test_at_most_a_few_enquiries_are_shown_under_each_thing_said(
    world: dict[str, Any], programme: Programme, hub: Hub, personas: dict[str, Any], client_for: Any
) -> None:
    """A theme can feed many enquiries: each thing said shows its own links first, then the work
    that told people something most recently, and counts the rest."""
    staff = personas["coordinator"]
    made = []
    for n in range(5):
        extra = services.enquiry_create(
            actor=staff, programme=programme, title=f"Piece of work {n}", framing="x", hubs=[hub]
        )
        services.evidence_link(actor=staff, enquiry=extra, theme=world["theme"])
        made.append(extra)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        services.update_post(actor=staff, enquiry=made[3], text="Newest news")
    services.evidence_link(actor=staff, enquiry=made[0], contribution=world["via"])  # linked itself
    journey = journeys([world["via"].pk], most=3)[world["via"].pk]
    assert [e.title for e in journey.enquiries] == ["Piece of work 0", "Piece of work 3", "Evening sessions"]
    assert journey.more_enquiries == 3
    assert journeys([world["via"].pk])[world["via"].pk].more_enquiries == 0  # no cap: all six
    assert len(journeys([world["via"].pk])[world["via"].pk].enquiries) == 6
    page = client_for("member").get(reverse("enquiries:my_impact")).content.decode()
    assert "Your words are part of 3 other pieces of work too." in page


def test_the_journey_says_where_it_waits_for_a_person_to_check(
    programme: Programme, hub: Hub, client_for: Callable[..., Client]
) -> None:
    words = said(hub, "The letters come to an address I left")
    confirmed, suggested, retired = (
        theme(programme, "Letters and post"),
        theme(programme, "Moving on", Theme.Status.SUGGESTED),
        theme(programme, "Old idea", Theme.Status.RETIRED),
    )
    Tag.objects.create(
        contribution=words, theme=confirmed, source=Tag.Source.MACHINE, confirmed=False, confidence=0.72
    )
    Tag.objects.create(contribution=words, theme=suggested, source=Tag.Source.MACHINE, confirmed=False)
    Tag.objects.create(contribution=words, theme=retired, source=Tag.Source.PERSON, confirmed=True)
    page = client_for("coordinator").get(reverse("enquiries:contribution_journey", args=[words.pk]))
    html = page.content.decode()
    assert "Not in a theme yet" in html  # nothing counts yet…
    assert "Waiting for a person to check" in html  # …but this is where it waits
    assert "Letters and post</a>: put there by the machine (72% sure), not checked yet" in html
    assert "Moving on</a>: a theme the machine suggested, not yet accepted" in html
    assert "Old idea" not in html
    Tag.objects.filter(theme=confirmed).update(confirmed=True)
    Tag.objects.filter(theme=suggested).delete()
    html = client_for("coordinator").get(reverse("enquiries:contribution_journey", args=[words.pk])).content
    assert b"Waiting for a person to check" not in html
    assert b"Letters and post" in html  # now part of its journey


def test_the_journey_goes_back_where_it_was_opened_from(
    world: dict[str, Any], programme: Programme, hub: Hub, client_for: Callable[..., Client]
) -> None:
    """Opened from a search or a theme, "Back" goes there (with the search as it was), not to the
    hub's list; from anywhere else, to the hub's list."""
    client = client_for("coordinator")
    url = reverse("enquiries:contribution_journey", args=[world["via"].pk])
    search = reverse("insights:search", args=[programme.pk]) + "?q=evening"
    theme_page = reverse("insights:theme", args=[world["theme"].pk])
    hub_list = reverse("voices:hub_contributions", args=[hub.pk])
    for came_from, link in [
        (
            f"http://testserver{search}",
            f'<a href="{search.replace("&", "&amp;")}" class="govuk-back-link">Back to the search</a>',
        ),
        (
            f"http://testserver{theme_page}",
            f'<a href="{theme_page}" class="govuk-back-link">Back to the theme</a>',
        ),
        (
            "https://elsewhere.example/",
            f'<a href="{hub_list}" class="govuk-back-link">Back to what people said</a>',
        ),
        (None, f'<a href="{hub_list}" class="govuk-back-link">Back to what people said</a>'),
    ]:
        extra = {"HTTP_REFERER": came_from} if came_from else {}
        assert link in client.get(url, **extra).content.decode()


def test_a_finished_action_shows_no_due_date_on_the_journey(
    world: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    Action.objects.filter(pk=world["action"].pk).update(status=Action.Status.DONE)
    page = client_for("member").get(reverse("enquiries:my_impact")).content.decode()
    assert "Open on Thursday evenings" in page
    assert "Done" in page
    assert world["action"].due_on.strftime("%-d %B %Y") not in page
    assert "on track" not in page
