"""A hub's contributions: filters, search, escaping, who is named, safeguarding, downloads."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import sealed
from sidebyside.accounts.models import User
from sidebyside.core.models import AuditEvent
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Membership
from sidebyside.people.models import Person
from sidebyside.voices import export, views_browse
from sidebyside.voices.forms_browse import Filters, contributions_of
from sidebyside.voices.models import Contribution, Prompt

pytestmark = pytest.mark.django_db

UTC = datetime.UTC  # in March, April and May 2025 below, London is UTC or an hour ahead


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def add(hub: Hub, text: str, **fields: Any) -> Contribution:
    values = {"said_at": timezone.now(), "channel": "paper", "state": "shown", **fields}
    return Contribution.objects.create(hub=hub, text=text, **values)


def make_gathering(hub: Hub, title: str, when: datetime.datetime) -> Gathering:
    return Gathering.objects.create(
        hub=hub, kind="meeting", title=title, starts_at=when, ends_at=when + datetime.timedelta(hours=2)
    )


def author(hub: Hub, name: str) -> Person:
    user = User.objects.create_user(email=None, full_name=name)
    Membership.objects.create(user=user, programme=hub.programme, hub=hub, role="member")
    return Person.objects.get(user=user)


@pytest.fixture
def coordinator(client_for: Callable[..., Client]) -> Client:
    return client_for("coordinator")


@pytest.fixture
def world(hub: Hub, other_hub: Hub, personas: Any) -> dict[str, Any]:
    march = make_gathering(hub, "March meeting", at(2025, 3, 9))
    april = make_gathering(hub, "April drop-in", at(2025, 4, 13))
    elsewhere = make_gathering(other_hub, "Betatown brew", at(2025, 3, 9))
    blocks = Prompt.objects.create(programme=hub.programme, text="What gets in the way?")
    leaders = Prompt.objects.create(programme=hub.programme, text="What would you tell the bosses?")
    rows = {
        "bus": add(
            hub,
            "The bus fare costs too much",
            gathering=march,
            prompt=blocks,
            said_at=at(2025, 3, 9),
            channel="phone",
            author=author(hub, "Rowan Ashdown-Pike"),
            identify_as="named",
            tags="travel",
        ),
        "listen": add(
            hub,
            "Listen to us and make time",
            gathering=march,
            prompt=leaders,
            said_at=at(2025, 3, 9, 13),
            channel="sms",
            name_given="Tamsin Oakhurst",
            identify_as="first_name",
        ),
        "forms": add(
            hub,
            "The forms are too long",
            gathering=april,
            prompt=blocks,
            said_at=at(2025, 4, 13),
            channel="facilitator",
            state="pending",
            name_given="Quentin Marlowe",
            identify_as="anonymous",
        ),
        "script": add(hub, "<script>alert('x')</script> & <b>bold</b>", said_at=at(2025, 5, 1)),
        "flagged": add(
            hub,
            "I do not feel safe at home",
            said_at=at(2025, 5, 2),
            state="hidden",
            safeguarding_at=at(2025, 5, 2, 14),
        ),
        "elsewhere": add(other_hub, "The bus never comes", gathering=elsewhere, said_at=at(2025, 3, 9)),
    }
    return {
        "march": march,
        "april": april,
        "betatown": elsewhere,
        "blocks": blocks,
        "leaders": leaders,
        **rows,
    }


def page(client: Client, hub: Hub, **params: Any) -> str:
    response = client.get(reverse("voices:hub_contributions", args=[hub.pk]), sealed(params))
    assert response.status_code == 200
    return response.content.decode()


def shown(client: Client, hub: Hub, **params: Any) -> set[str]:
    response = client.get(reverse("voices:hub_contributions", args=[hub.pk]), sealed(params))
    assert response.status_code == 200
    return {c.text for c in response.context["page"].object_list}


# --- The page --------------------------------------------------------------------------------


def test_the_page_shows_the_hub_s_contributions_only(coordinator: Client, hub: Hub, world: dict) -> None:
    texts = shown(coordinator, hub)
    assert world["bus"].text in texts
    assert world["elsewhere"].text not in texts
    assert len(texts) == 5


def test_each_row_shows_words_when_question_gathering_and_who(
    coordinator: Client, hub: Hub, world: dict
) -> None:
    html = page(coordinator, hub)
    assert "The bus fare costs too much" in html
    assert "9 March 2025, midday" in html
    assert "Answer to: What gets in the way?" in html
    assert "At: March meeting, 9 Mar 2025" in html
    assert "Rowan Ashdown-Pike" in html  # named
    assert "Tamsin" in html  # first name only
    assert "Oakhurst" not in html
    assert "Quentin" not in html  # anonymous
    assert "Marlowe" not in html
    assert "Waiting to be checked" in html
    assert "Text message" in html


def test_what_people_wrote_is_escaped(coordinator: Client, hub: Hub, world: dict) -> None:
    html = page(coordinator, hub)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_search_text_is_escaped_too(coordinator: Client, hub: Hub, world: dict) -> None:
    html = page(coordinator, hub, q='<img src=x onerror="alert(1)">')
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_filter_by_gathering_prompt_channel_and_state(coordinator: Client, hub: Hub, world: dict) -> None:
    assert shown(coordinator, hub, gathering=world["march"].pk) == {world["bus"].text, world["listen"].text}
    assert shown(coordinator, hub, prompt=world["blocks"].pk) == {world["bus"].text, world["forms"].text}
    assert shown(coordinator, hub, channel="sms") == {world["listen"].text}
    assert shown(coordinator, hub, state="pending") == {world["forms"].text}
    assert shown(coordinator, hub, gathering=world["march"].pk, prompt=world["blocks"].pk) == {
        world["bus"].text
    }


def test_filter_by_period_with_govuk_date_inputs(coordinator: Client, hub: Hub, world: dict) -> None:
    march = {"since_day": "1", "since_month": "3", "since_year": "2025"}
    to_march = {"until_day": "31", "until_month": "3", "until_year": "2025"}
    assert shown(coordinator, hub, **march, **to_march) == {world["bus"].text, world["listen"].text}
    # The 'to' day counts in full.
    one_day = {"since_day": "9", "since_month": "3", "since_year": "2025"}
    same_day = {"until_day": "9", "until_month": "3", "until_year": "2025"}
    assert shown(coordinator, hub, **one_day, **same_day) == {world["bus"].text, world["listen"].text}
    assert world["forms"].text in shown(coordinator, hub, since_day="13", since_month="4", since_year="2025")


def test_search_with_other_filters(coordinator: Client, hub: Hub, world: dict) -> None:
    assert shown(coordinator, hub, q="bus") == {world["bus"].text}
    assert shown(coordinator, hub, q="long", gathering=world["april"].pk) == {world["forms"].text}
    html = page(coordinator, hub, q="nothing matches this")
    assert "Nothing matches these filters" in html


@pytest.mark.parametrize("text", ['"', "NEAR(", "🙂", "x" * 1000, "\x00", "-", "a OR", "'; --"])
def test_odd_search_text_is_never_an_error(coordinator: Client, hub: Hub, world: dict, text: str) -> None:
    response = coordinator.get(reverse("voices:hub_contributions", args=[hub.pk]), sealed({"q": text}))
    assert response.status_code == 200


def test_a_gathering_of_another_hub_is_refused_by_name(coordinator: Client, hub: Hub, world: dict) -> None:
    response = coordinator.get(
        reverse("voices:hub_contributions", args=[hub.pk]),
        {"gathering": world["betatown"].pk, "channel": "sms"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Choose a gathering of this hub from the list" in html
    assert "Betatown brew" not in html
    # No results, and nothing to download, until every filter can be read.
    assert list(response.context["page"].object_list) == []
    assert "No results yet" in html
    assert "Download as CSV" not in html


def test_a_date_that_does_not_exist_is_named_and_kept(coordinator: Client, hub: Hub, world: dict) -> None:
    html = page(coordinator, hub, since_day="31", since_month="2", since_year="2025", q="bus")
    assert "From must be a real date" in html
    assert 'value="31"' in html
    assert 'value="bus"' in html


def test_to_before_from_is_an_error(coordinator: Client, hub: Hub, world: dict) -> None:
    html = page(
        coordinator,
        hub,
        since_day="1",
        since_month="4",
        since_year="2025",
        until_day="1",
        until_month="3",
        until_year="2025",
    )
    assert "must be the same as or after" in html


def test_nonsense_filters_are_errors_not_500s(coordinator: Client, hub: Hub, world: dict) -> None:
    for params in ({"gathering": "abc"}, {"prompt": "999999"}, {"channel": "carrier pigeon"}, {"page": "x"}):
        response = coordinator.get(reverse("voices:hub_contributions", args=[hub.pk]), params)
        assert response.status_code == 200


def test_fifty_a_page(coordinator: Client, hub: Hub) -> None:
    Contribution.objects.bulk_create(
        Contribution(hub=hub, text=f"Note {i}", said_at=timezone.now(), channel="paper") for i in range(60)
    )
    first = coordinator.get(reverse("voices:hub_contributions", args=[hub.pk]))
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = coordinator.get(
        reverse("voices:hub_contributions", args=[hub.pk]), sealed({"page": 2, "q": "note"})
    )
    assert len(second.context["page"].object_list) == 10
    assert f"?{second.context['query_string']}&amp;page=1" in second.content.decode()
    assert second.context["query_string"].startswith("find=")


# --- Safeguarding ------------------------------------------------------------------------------


def test_flagged_contributions_are_marked_for_those_who_may_moderate(
    coordinator: Client, hub: Hub, world: dict
) -> None:
    html = page(coordinator, hub)
    assert "I do not feel safe at home" in html
    assert "Safeguarding concern" in html
    assert shown(coordinator, hub, state="flagged") == {world["flagged"].text}


def test_flagged_contributions_are_left_out_for_others(hub: Hub, world: dict) -> None:
    texts = {c.text for c in contributions_of(hub, Filters(), flagged=False)}
    assert world["flagged"].text not in texts
    assert len(texts) == 4
    with_flagged = {c.text for c in contributions_of(hub, Filters(), flagged=True)}
    assert world["flagged"].text in with_flagged


def test_viewers_who_may_not_moderate_do_not_see_flagged(
    coordinator: Client, hub: Hub, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = User.has_perm

    def has_perm(user: User, perm: str, obj: Any = None) -> bool:
        return False if perm == "voices.moderate" else real(user, perm, obj)

    monkeypatch.setattr(User, "has_perm", has_perm)
    html = page(coordinator, hub)
    assert "I do not feel safe at home" not in html
    assert "Safeguarding concern" not in html
    assert "Flagged for safeguarding" not in html  # not even offered as a filter


# --- Query counts ------------------------------------------------------------------------------


def _fill(hub: Hub, gathering: Gathering, prompt: Prompt, how_many: int) -> None:
    people = [author(hub, f"Person {i}") for i in range(3)]
    Contribution.objects.bulk_create(
        Contribution(
            hub=hub,
            gathering=gathering,
            prompt=prompt,
            author=people[i % 3],
            identify_as="named",
            text=f"Thought number {i}",
            said_at=timezone.now() - datetime.timedelta(minutes=i),
            channel="phone",
            safeguarding_at=timezone.now() if i % 7 == 0 else None,
        )
        for i in range(how_many)
    )


@pytest.mark.parametrize("params", [{}, {"q": "thought"}])
def test_the_page_s_query_count_does_not_grow_with_rows(
    coordinator: Client, hub: Hub, world: dict, django_assert_num_queries: Any, params: dict
) -> None:
    url = reverse("voices:hub_contributions", args=[hub.pk])
    _fill(hub, world["march"], world["blocks"], 10)
    params = sealed(params)
    coordinator.get(url, params)
    with CaptureQueriesContext(connection) as ten:
        assert coordinator.get(url, params).status_code == 200
    _fill(hub, world["april"], world["leaders"], 190)
    with django_assert_num_queries(len(ten)):
        response = coordinator.get(url, params)
    assert len(response.context["page"].object_list) == 50
    # Session, user, verification device, hub, roles, gatherings and prompts for the filters,
    # count, the page of rows: pinned, so a new query per row is caught.
    assert len(ten) <= 12, [q["sql"] for q in ten.captured_queries]


# --- Downloads ---------------------------------------------------------------------------------


def download(client: Client, hub: Hub, kind: str, method: str = "get", **params: Any) -> Any:
    url = reverse(f"voices:hub_contributions_{kind}", args=[hub.pk])
    return getattr(client, method)(url, sealed(params) if method == "get" else params)


def csv_rows(response: Any) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte-order mark, so Excel reads it as UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_download_holds_the_filtered_list(coordinator: Client, hub: Hub, world: dict) -> None:
    response = download(coordinator, hub, "csv", gathering=world["march"].pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="contributions-hub-a-')
    rows = csv_rows(response)
    assert rows[0] == list(export.HEADERS)
    by_text = {row[4]: row for row in rows[1:]}
    assert set(by_text) == {world["bus"].text, world["listen"].text}
    bus = by_text[world["bus"].text]
    assert bus == [
        "2025-03-09 12:00",
        "Hub A",
        "March meeting (9 Mar 2025)",
        "What gets in the way?",
        "The bus fare costs too much",
        "Rowan Ashdown-Pike",
        "Own phone",
        "travel",
    ]
    assert by_text[world["listen"].text][5] == "Tamsin"


def test_downloads_leave_out_flagged_and_name_people_as_they_chose(
    coordinator: Client, hub: Hub, world: dict
) -> None:
    rows = csv_rows(download(coordinator, hub, "csv"))
    texts = {row[4] for row in rows[1:]}
    assert world["flagged"].text not in texts
    assert world["elsewhere"].text not in texts
    assert len(texts) == 4
    assert "Quentin" not in str(rows)
    assert [row[5] for row in rows[1:] if row[4] == world["forms"].text] == ["Anonymous"]


def test_download_works_by_post_with_the_same_filters(coordinator: Client, hub: Hub, world: dict) -> None:
    response = download(coordinator, hub, "csv", method="post", q="forms")
    assert [row[4] for row in csv_rows(response)[1:]] == [world["forms"].text]


def test_cells_that_look_like_formulas_are_made_safe(coordinator: Client, hub: Hub) -> None:
    dangerous = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tleading tab"]
    for text in dangerous:
        add(hub, text, tags="=cmd|' /C calc'!A0")
    add(hub, "A normal - thought = fine")
    rows = csv_rows(download(coordinator, hub, "csv"))
    words = {row[4] for row in rows[1:]}
    assert {f"'{text}" for text in dangerous if not text.startswith("\t")} <= words
    assert "'\tleading tab" in words
    assert "A normal - thought = fine" in words
    assert all(row[7] in ("", "'=cmd|' /C calc'!A0") for row in rows[1:])


def test_guarded() -> None:
    assert export.guarded("=1") == "'=1"
    assert export.guarded("fine = ok") == "fine = ok"
    assert export.guarded("") == ""


def test_xlsx_download(coordinator: Client, hub: Hub, world: dict) -> None:
    add(hub, "=1+1 and some emoji 🙂\x07 with a bell")
    response = download(coordinator, hub, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == export.HEADERS
    by_text = {row[4]: row for row in rows[1:]}
    assert by_text[world["bus"].text][0] == datetime.datetime(2025, 3, 9, 12, 0)  # noqa: DTZ001 (spreadsheets hold local times)
    assert by_text[world["bus"].text][5] == "Rowan Ashdown-Pike"
    assert "'=1+1 and some emoji 🙂 with a bell" in by_text
    # Nothing became a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert world["flagged"].text not in by_text


def test_each_download_is_audited_with_counts_only(coordinator: Client, hub: Hub, world: dict) -> None:
    download(coordinator, hub, "csv", q="bus")
    download(coordinator, hub, "xlsx")
    events = list(AuditEvent.objects.filter(action="voices.contributions_downloaded").order_by("pk"))
    assert [e.detail for e in events] == [
        {"format": "csv", "rows": 1, "filtered": True},
        {"format": "xlsx", "rows": 4, "filtered": False},
    ]
    assert all(e.object_id == str(hub.pk) for e in events)


def test_too_many_to_download_says_so(
    coordinator: Client, hub: Hub, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    response = download(coordinator, hub, "csv", channel="")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("voices:hub_contributions", args=[hub.pk]))
    followed = coordinator.get(response["Location"]).content.decode()
    assert "downloads hold up to 2" in followed
    assert not AuditEvent.objects.filter(action="voices.contributions_downloaded").exists()


def test_a_download_with_a_filter_that_cannot_be_read_goes_back_to_say_so(
    coordinator: Client, hub: Hub, world: dict
) -> None:
    response = download(coordinator, hub, "csv", q="bus", since_day="31", since_month="2", since_year="2025")
    assert response.status_code == 302
    assert "since_day=31" in response["Location"]
    followed = coordinator.get(response["Location"]).content.decode()
    assert "From must be a real date" in followed
    assert not AuditEvent.objects.filter(action="voices.contributions_downloaded").exists()


def test_the_page_says_the_download_limit(coordinator: Client, hub: Hub, world: dict) -> None:
    assert "up to 50,000 contributions. It leaves out" in page(coordinator, hub)  # no filters to speak of
    assert "up to 50,000 contributions, with the filters you chose" in page(coordinator, hub, q="bus")


def test_views_use_the_shared_page_size() -> None:
    assert views_browse.PAGE_SIZE == 50


def test_what_the_search_found_is_marked(coordinator: Client, hub: Hub, world: dict) -> None:
    html = page(coordinator, hub, q="costing")  # found by its stem, marked as it was written
    assert 'The bus fare <mark class="sbs-found">costs</mark> too much' in html
    assert '<mark class="sbs-found">' not in page(coordinator, hub)


def test_what_was_searched_for_never_travels_in_an_address(
    coordinator: Client, hub: Hub, world: dict
) -> None:
    """Someone searching what people said for a phone number or a name (to find what needs
    redacting, say) leaves it in no address: the filters are posted, the words sealed."""
    url = reverse("voices:hub_contributions", args=[hub.pk])
    response = coordinator.post(url, {"q": "07700 900123", "channel": "sms", "csrfmiddlewaretoken": "x"})
    assert response.status_code == 302
    location = response["Location"]
    assert "07700" not in location
    assert "900123" not in location
    assert "csrfmiddlewaretoken" not in location
    assert "channel=sms" in location
    followed = coordinator.get(location)
    html = followed.content.decode()
    assert 'value="07700 900123"' in html  # the box shows what was typed
    assert "07700" not in followed.context["query_string"]
    # The downloads carry the same sealed words, and read them.
    assert "?" + followed.context["query_string"].replace("&", "&amp;") in html
    bus = coordinator.get(coordinator.post(url, {"q": "bus"})["Location"])
    downloaded = coordinator.get(
        reverse("voices:hub_contributions_csv", args=[hub.pk]) + "?" + bus.context["query_string"]
    )
    rows = csv_rows(downloaded)
    assert rows[1:]
    assert all("bus" in " ".join(row).lower() for row in rows[1:])


def test_a_search_that_ended_is_asked_for_again(coordinator: Client, hub: Hub, world: dict) -> None:
    url = reverse("voices:hub_contributions", args=[hub.pk])
    response = coordinator.get(url, {"find": "no-longer-readable", "channel": "sms"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "That search has ended. Type what you were looking for again" in html
    assert "No results yet" in html
    assert response.context["query_string"] == "channel=sms"
    download = coordinator.get(reverse("voices:hub_contributions_csv", args=[hub.pk]), {"find": "old"})
    assert download.status_code == 302  # back to the list, which says what to do
    # Plain words in an address are not read at all.
    assert shown(coordinator, hub) == {
        c.text for c in coordinator.get(url, {"q": "bus"}).context["page"].object_list
    }


def test_the_other_filters_fold_away_until_one_is_set(coordinator: Client, hub: Hub, world: dict) -> None:
    folded = '<details class="govuk-details sbs-more-filters">'
    assert folded in page(coordinator, hub)
    assert folded in page(coordinator, hub, q="bus")  # the words are outside the fold
    assert '<details class="govuk-details sbs-more-filters" open>' in page(coordinator, hub, channel="sms")
    broken = page(coordinator, hub, since_day="31", since_month="2", since_year="2025")
    assert '<details class="govuk-details sbs-more-filters" open>' in broken  # the error is in view
    ended = coordinator.get(
        reverse("voices:hub_contributions", args=[hub.pk]), {"find": "old"}
    ).content.decode()
    assert folded in ended  # the error is in the search box, outside the fold
