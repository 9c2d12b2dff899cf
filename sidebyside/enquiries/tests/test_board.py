"""The enquiry board and each enquiry: stages, evidence, actions, updates, and the loop figures."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sidebyside.enquiries import services
from sidebyside.enquiries.measures import loop_closure
from sidebyside.enquiries.models import Action, Enquiry, Evidence, Notice, StageMove, Update
from sidebyside.hubs.models import Organisation
from sidebyside.insights.models import Tag, Theme
from sidebyside.people.services import person_create
from sidebyside.voices.models import Contribution

pytestmark = pytest.mark.django_db


def _said(hub: Any, text: str, author: Any = None, days_ago: int = 10) -> Contribution:
    return Contribution.objects.create(
        hub=hub,
        text=text,
        said_at=timezone.now() - datetime.timedelta(days=days_ago),
        channel="paper",
        state="shown",
        author=author,
    )


@pytest.fixture
def enquiry(programme: Any, hub: Any, personas: dict[str, Any]) -> Enquiry:
    return services.enquiry_create(
        actor=personas["coordinator"],
        programme=programme,
        title="GP without an address",
        framing="People are turned away",
        hubs=[hub],
        co_leads=[personas["member"]],
    )


def test_start_an_enquiry_from_a_theme_links_it(
    client_for: Any, programme: Any, hub: Any, personas: Any
) -> None:
    theme = Theme.objects.create(programme=programme, name="Housing")
    Tag.objects.create(contribution=_said(hub, "No flat to go to"), theme=theme, confirmed=True)
    form = client_for("coordinator").get(
        reverse("enquiries:enquiry_add", args=[programme.pk]) + f"?theme={theme.pk}"
    )
    page = form.content.decode()
    # The hub whose people's words are in the theme starts ticked; each person shows where they are.
    ticked = re.findall(r'<input[^>]*name="hubs"[^>]*value="(\d+)" checked>', page)
    assert ticked == [str(hub.pk)]
    assert f"{personas['member'].display_name} (expert by experience, {hub.name})" in page
    # The co-leads' list carries the label of its "find a person" box, and the page its script;
    # the hubs' list, short, has none.
    assert page.count('data-filter="Find a person by name or hub"') == 1
    assert "js/filter-checkboxes" in page
    response = client_for("coordinator").post(
        reverse("enquiries:enquiry_add", args=[programme.pk]) + f"?theme={theme.pk}",
        {
            "title": "Housing first",
            "framing": "Nowhere to go",
            "hubs": [hub.pk],
            "co_leads": [personas["member"].pk],
        },
    )
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert Evidence.objects.filter(enquiry=enquiry, theme=theme).exists()
    assert StageMove.objects.filter(enquiry=enquiry, to_stage="frame").count() == 1
    page = client_for("coordinator").get(reverse("enquiries:enquiry", args=[enquiry.pk])).content.decode()
    assert "No expert by profession is a co-lead yet" in page


def test_empty_enquiry_form_says_what_is_missing_and_keeps_what_was_typed(
    client_for: Any, programme: Any
) -> None:
    response = client_for("coordinator").post(
        reverse("enquiries:enquiry_add", args=[programme.pk]), {"title": "Kept title", "framing": "  "}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say what the issue is, as the group put it" in page
    assert "Kept title" in page
    assert "<title>Error: Start" in page  # said once: the layout adds it
    assert not Enquiry.objects.exists()


def test_ids_no_row_could_have_are_choices_not_on_the_list(
    client_for: Any, programme: Any, hub: Any, enquiry: Enquiry
) -> None:
    """A number too large for an id (SQLite cannot compare it with one) or a digit ``int``
    refuses is an error on the form or a filter that finds nothing, never a server error."""
    client = client_for("coordinator")
    for huge in ("99999999999999999999", "²"):
        response = client.post(
            reverse("enquiries:enquiry_edit", args=[enquiry.pk]),
            {"title": "Kept title", "framing": "Kept framing", "hubs": [hub.pk, huge]},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Choose hubs from the list" in page
        assert "Kept title" in page
        board = client.get(reverse("enquiries:board", args=[programme.pk]), {"hub": huge})
        assert board.status_code == 200
    enquiry.refresh_from_db()
    assert enquiry.title == "GP without an address"
    assert list(enquiry.hubs.all()) == [hub]


def test_moving_back_needs_a_reason(enquiry: Enquiry, personas: Any, client_for: Any) -> None:
    services.enquiry_move(actor=personas["coordinator"], enquiry=enquiry, to_stage="explore")
    services.enquiry_move(actor=personas["coordinator"], enquiry=enquiry, to_stage="act")
    url = reverse("enquiries:enquiry_move", args=[enquiry.pk])
    response = client_for("coordinator").post(url, {"stage": "explore", "reason": ""})
    assert "Say why the enquiry is going back a stage" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.stage == "act"
    response = client_for("coordinator").post(
        url, {"stage": "explore", "reason": "Partners want more evidence"}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.stage == "explore"
    move = enquiry.moves.last()
    assert move is not None
    assert move.backwards
    assert move.reason == "Partners want more evidence"
    with pytest.raises(ValidationError):
        services.enquiry_move(actor=personas["coordinator"], enquiry=enquiry, to_stage="explore")


def test_linking_the_same_evidence_twice_adds_nothing(
    enquiry: Enquiry, hub: Any, personas: Any, client_for: Any
) -> None:
    said = _said(hub, "The GP asked for a letter")
    url = reverse("enquiries:evidence", args=[enquiry.pk])
    client = client_for("coordinator")
    client.post(url, {"contribution": said.pk})
    response = client.post(url, {"contribution": said.pk}, follow=True)
    assert Evidence.objects.filter(enquiry=enquiry).count() == 1
    assert "already linked: nothing changed" in response.content.decode()


def test_an_action_with_a_past_date_warns_until_confirmed(
    enquiry: Enquiry, organisation: Any, client_for: Any
) -> None:
    url = reverse("enquiries:action_add", args=[enquiry.pk])
    past = timezone.localdate() - datetime.timedelta(days=3)
    data = {
        "what": "Write to the practice",
        "organisation": organisation.pk,
        "due_on_day": past.day,
        "due_on_month": past.month,
        "due_on_year": past.year,
    }
    response = client_for("coordinator").post(url, data)
    assert "The due date has already passed" in response.content.decode()
    assert not Action.objects.exists()
    response = client_for("coordinator").post(url, {**data, "past_ok": "on"})
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.rag() == "red"
    assert action.is_overdue()


def test_an_action_needs_an_owner(enquiry: Enquiry, client_for: Any) -> None:
    response = client_for("coordinator").post(
        reverse("enquiries:action_add", args=[enquiry.pk]), {"what": "Ask"}
    )
    assert "Choose who owns this" in response.content.decode()


def test_the_owning_organisations_leader_marks_done_and_contributors_are_told(
    enquiry: Enquiry, hub: Any, organisation: Any, personas: Any, client_for: Any
) -> None:
    person = person_create(actor=personas["coordinator"], hub=hub, full_name="Dee Ray", phone="07700900111")
    theme = Theme.objects.create(programme=enquiry.programme, name="GPs")
    said = _said(hub, "Turned away at reception", author=person)
    Tag.objects.create(contribution=said, theme=theme, confirmed=True)
    unsure = _said(hub, "Not checked", author=None)
    Tag.objects.create(contribution=unsure, theme=theme, confirmed=False, source="machine")
    services.evidence_link(actor=personas["coordinator"], enquiry=enquiry, theme=theme)
    action = services.action_create(
        actor=personas["coordinator"], enquiry=enquiry, what="Change the policy", organisation=organisation
    )
    url = reverse("enquiries:action_status", args=[action.pk])
    response = client_for("leader").post(url, {"status": "wont_do", "reason": ""})
    assert "Say why it will not be done" in response.content.decode()
    page = client_for("leader").get(reverse("enquiries:action", args=[action.pk])).content.decode()
    assert 'name="tell_contributors"' in page
    assert re.search(r'name="tell_contributors"[^>]*checked', page)  # ticked unless they untick it
    response = client_for("leader").post(
        url,
        {
            "status": "done",
            "update_text": "Reception now accepts a care-of address",
            "tell_contributors": "on",
            "lock_version": 0,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert action.rag() == ""
    notice = Notice.objects.get()
    assert notice.person == person
    assert notice.update.kind == "we_did"
    assert client_for("other_member").post(url, {"status": "stuck", "reason": "x"}).status_code == 404


def test_an_update_with_a_status_can_stay_off_peoples_pages(
    enquiry: Enquiry, hub: Any, personas: Any, client_for: Any
) -> None:
    person = person_create(actor=personas["coordinator"], hub=hub, full_name="Dee Ray")
    said = _said(hub, "Turned away at reception", author=person)
    services.evidence_link(actor=personas["coordinator"], enquiry=enquiry, contribution=said)
    action = services.action_create(
        actor=personas["coordinator"], enquiry=enquiry, what="Ask", owner=personas["coordinator"]
    )
    response = client_for("coordinator").post(
        reverse("enquiries:action_status", args=[action.pk]),
        {"status": "in_progress", "update_text": "Asked, no answer yet", "lock_version": 0},
    )
    assert response.status_code == 302
    update = Update.objects.get()
    assert (update.kind, update.tell_contributors, update.told) == ("progress", False, 0)
    assert not Notice.objects.exists()


def test_an_update_needs_words(enquiry: Enquiry, client_for: Any) -> None:
    response = client_for("coordinator").post(
        reverse("enquiries:update_add", args=[enquiry.pk]), {"kind": "we_did", "text": "   "}
    )
    page = response.content.decode()
    assert "Write the update" in page
    assert "<title>Error: " in page
    assert "Error: Error:" not in page


def test_members_see_their_hubs_enquiries_only(
    enquiry: Enquiry, programme: Any, other_hub: Any, personas: Any, client_for: Any
) -> None:
    services.enquiry_create(
        actor=personas["programme_admin"],
        programme=programme,
        title="Elsewhere only",
        framing="x",
        hubs=[other_hub],
    )
    page = client_for("member").get(reverse("enquiries:board", args=[programme.pk])).content.decode()
    assert "GP without an address" in page
    assert "Elsewhere only" not in page
    page = client_for("coordinator").get(reverse("enquiries:board", args=[programme.pk])).content.decode()
    assert "Elsewhere only" in page


def test_leaders_see_no_names_of_co_leads(enquiry: Enquiry, personas: Any, client_for: Any) -> None:
    page = client_for("leader").get(reverse("enquiries:enquiry", args=[enquiry.pk])).content.decode()
    assert personas["member"].display_name not in page
    page = client_for("coordinator").get(reverse("enquiries:enquiry", args=[enquiry.pk])).content.decode()
    assert personas["member"].display_name in page


@pytest.mark.parametrize("name", ["enquiries:board", "enquiries:enquiry"])
def test_query_counts_do_not_grow(
    name: str,
    enquiry: Enquiry,
    programme: Any,
    hub: Any,
    organisation: Any,
    personas: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("coordinator")
    url = reverse(name, args=[programme.pk if name == "enquiries:board" else enquiry.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(8):
        other = services.enquiry_create(
            actor=None, programme=programme, title=f"E{i}", framing="x", hubs=[hub]
        )
        services.action_create(actor=None, enquiry=enquiry, what=f"A{i}", organisation=organisation)
        services.action_create(actor=None, enquiry=other, what=f"B{i}", organisation=organisation)
        services.evidence_link(actor=None, enquiry=enquiry, contribution=_said(hub, f"said {i}"))
        services.update_post(actor=None, enquiry=enquiry, text=f"Update {i}")
    with django_assert_max_num_queries(len(small)), CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_loop_closure_figures(programme: Any, hub: Any, other_hub: Any, personas: Any) -> None:
    actor = personas["coordinator"]
    enquiry = services.enquiry_create(actor=actor, programme=programme, title="T", framing="x", hubs=[hub])
    theme = Theme.objects.create(programme=programme, name="Buses")
    direct = _said(hub, "one", days_ago=10)
    themed = _said(hub, "two", days_ago=4)
    _said(hub, "three, not linked")
    _said(other_hub, "four, elsewhere")
    Tag.objects.create(contribution=themed, theme=theme, confirmed=True)
    services.evidence_link(actor=actor, enquiry=enquiry, contribution=direct)
    services.evidence_link(actor=actor, enquiry=enquiry, theme=theme)
    services.update_post(actor=actor, enquiry=enquiry, text="We did it")
    Action.objects.create(
        programme=programme,
        enquiry=enquiry,
        what="late",
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    figures, total = loop_closure(programme.pk, [hub.pk, other_hub.pk])
    here = figures[hub.pk]
    assert (here.contributions, here.linked, here.told, here.overdue_actions) == (3, 2, 2, 1)
    assert here.median_days == pytest.approx(7.0, abs=0.1)  # 10 and 4 days
    assert figures[other_hub.pk].linked == 0
    assert figures[other_hub.pk].median_days is None
    assert (total.contributions, total.linked, total.told, total.linked_percent) == (4, 2, 2, 50)


def test_the_dashboard_gives_days_to_hear_back_in_whole_days(
    programme: Any, hub: Any, personas: Any, client_for: Any
) -> None:
    actor = personas["coordinator"]
    enquiry = services.enquiry_create(actor=actor, programme=programme, title="T", framing="x", hubs=[hub])
    services.evidence_link(actor=actor, enquiry=enquiry, contribution=_said(hub, "one", days_ago=6))
    services.update_post(actor=actor, enquiry=enquiry, text="We did it")
    page = client_for("programme_admin").get(reverse("dashboards:programme", args=[programme.pk]))
    html = page.content.decode()
    cells = html[html.index("Median days to hear back") :]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">6</td>' in cells
    assert "6.0" not in cells


def test_leaders_find_their_organisations_actions_and_see_themselves_as_owner(
    enquiry: Enquiry, organisation: Any, programme: Any, personas: Any, client_for: Any
) -> None:
    coordinator, leader = personas["coordinator"], personas["leader"]
    other = Organisation.objects.create(programme=programme, name="Another trust")
    theirs = services.action_create(
        actor=coordinator, enquiry=enquiry, what="Ours to do", organisation=organisation
    )
    owned = services.action_create(actor=coordinator, enquiry=enquiry, what="Mine to do", owner=leader)
    services.action_create(actor=coordinator, enquiry=enquiry, what="Someone else's", organisation=other)
    client = client_for("leader")
    url = reverse("enquiries:actions", args=[programme.pk])
    page = client.get(url + "?show=yours").content.decode()
    assert "Ours to do" in page
    assert "Mine to do" in page
    assert "Someone else" not in page
    assert "2 open actions yours or your organisation’s" in page
    assert ">You<" in page or "You</td>" in page
    assert leader.display_name not in page
    action_page = client.get(reverse("enquiries:action", args=[owned.pk])).content.decode()
    assert "You" in action_page.split("Owner</dt>")[1].split("</dd>")[0]
    other_page = client.get(reverse("enquiries:action", args=[theirs.pk])).content.decode()
    assert organisation.name in other_page.split("Owner</dt>")[1].split("</dd>")[0]
    # An unknown filter shows everything, not an error.
    assert client.get(url + "?show=everything").status_code == 200


def test_the_board_shows_each_stages_latest_and_links_to_the_rest(
    programme: Any, hub: Any, client_for: Any
) -> None:
    from sidebyside.enquiries.views_board import PER_STAGE

    for i in range(PER_STAGE + 3):
        services.enquiry_create(
            actor=None, programme=programme, title=f"Framed {i:02d}", framing="x", hubs=[hub]
        )
    act = services.enquiry_create(
        actor=None, programme=programme, title="Acting now", framing="x", hubs=[hub]
    )
    services.enquiry_move(actor=None, enquiry=act, to_stage="act")
    client = client_for("coordinator")
    url = reverse("enquiries:board", args=[programme.pk])
    page = client.get(url).content.decode()
    shown = re.findall(r">Framed (\d\d)</a>", page)
    assert len(shown) == PER_STAGE
    assert f"Framed {PER_STAGE + 2:02d}" in page  # the most recently changed first
    assert "Framed 00" not in page
    assert f"Show all {PER_STAGE + 3}" in page
    assert "Acting now" in page
    page = client.get(url + "?stage=frame").content.decode()
    assert len(re.findall(r">Framed (\d\d)</a>", page)) == PER_STAGE + 3
    assert "Acting now" not in page  # only that stage
    assert "Show every stage" in page
    # A stage that is not one shows the whole board.
    assert "Acting now" in client.get(url + "?stage=nonsense").content.decode()


def test_evidence_search_words_travel_sealed_and_stay_after_linking(
    enquiry: Enquiry, hub: Any, client_for: Any
) -> None:
    said = _said(hub, "The GP asked Marnie for a letter")
    url = reverse("enquiries:evidence", args=[enquiry.pk])
    client = client_for("coordinator")
    location = client.post(url, {"q": "Marnie", "search": "1"})["Location"]
    assert location.startswith(url + "?find=")
    assert "Marnie" not in location
    assert "search=" not in location
    assert "The GP asked Marnie for a letter" in client.get(location).content.decode()
    linked = client.post(url, {"contribution": said.pk, "q": "Marnie"})["Location"]
    assert linked.startswith(url + "?find=")
    assert "Marnie" not in linked
    assert 'value="Marnie"' in client.get(linked).content.decode()
    ended = client.get(url, {"find": "changed"}).content.decode()
    assert "<title>Error: " in ended
    assert 'class="govuk-error-summary"' in ended
    assert 'href="#q">That search has ended. Type what you were looking for again' in ended
    assert 'id="q-error"' in ended  # beside the box as well
    assert "govuk-notification-banner" not in ended
    _said(hub, "Marnie waited two hours at the desk")
    assert (
        "Marnie waited"
        in client.get(client.post(url, {"q": "Marnie", "search": "1"})["Location"]).content.decode()
    )
    assert "Marnie waited" not in client.get(url, {"q": "Marnie"}).content.decode()  # plain words: never read
