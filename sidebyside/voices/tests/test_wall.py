"""The live wall: what it shows, to whom, hiding and showing, and the word cloud."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sidebyside.accounts.models import User
from sidebyside.core.models import AuditEvent
from sidebyside.core.tests.test_qr import assert_scales_whole
from sidebyside.gatherings.models import Gathering
from sidebyside.hubs.models import Hub, Membership
from sidebyside.voices.models import Contribution, JoinCode
from sidebyside.voices.views_wall import WALL_ITEMS, wall_name
from sidebyside.voices.wordcloud import STOP_WORDS, count_words, layout, word_cloud, words_of

S = Contribution.State


def make_gathering(hub: Hub, **fields: Any) -> Gathering:
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=30)
    values = {
        "kind": "workshop",
        "title": "Drop-in workshop",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        **fields,
    }
    return Gathering.objects.create(hub=hub, **values)


def say(gathering: Gathering, text: str, *, state: str = S.SHOWN, **fields: Any) -> Contribution:
    return Contribution.objects.create(
        uuid=uuid.uuid4(),
        hub=gathering.hub,
        gathering=gathering,
        text=text,
        said_at=timezone.now(),
        channel=fields.pop("channel", "phone"),
        state=state,
        **fields,
    )


@pytest.fixture
def gathering(hub: Hub) -> Gathering:
    return make_gathering(hub)


@pytest.fixture
def coordinator(client_for: Callable[..., Client]) -> Client:
    return client_for("coordinator")


def wall_url(gathering: Gathering, name: str = "voices:wall") -> str:
    return reverse(name, kwargs={"gathering_id": gathering.pk})


def toggle_url(contribution: Contribution, name: str) -> str:
    assert contribution.gathering is not None
    return reverse(
        name, kwargs={"gathering_id": contribution.gathering.pk, "contribution_id": contribution.pk}
    )


# --- Who sees the wall ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("facilitator", 200),
        ("coordinator", 200),
        ("programme_admin", 200),
        ("member", 403),
        ("other_member", 404),
        ("leader", 403),
    ],
)
def test_wall_is_for_the_hubs_staff(
    persona: str, status: int, gathering: Gathering, client_for: Callable[..., Client]
) -> None:
    client = client_for(persona)
    for name in ("voices:wall", "voices:wall_live"):
        assert client.get(wall_url(gathering, name)).status_code == status


def test_staff_must_verify_first(gathering: Gathering, client_for: Callable[..., Client]) -> None:
    response = client_for("facilitator", verified=False).get(wall_url(gathering))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_step"))


def test_anonymous_is_sent_to_sign_in(gathering: Gathering) -> None:
    response = Client().get(wall_url(gathering, "voices:wall_live"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


# --- What the wall shows ------------------------------------------------------------------------


def test_only_what_is_allowed_shows_newest_first(gathering: Gathering, coordinator: Client) -> None:
    say(gathering, "Older words on the wall")
    say(gathering, "Newer words on the wall")
    say(gathering, "Still waiting to be checked", state=S.PENDING)
    say(gathering, "Taken off the wall", state=S.HIDDEN)
    say(gathering, "A worrying thing", safeguarding_at=timezone.now())
    other = make_gathering(gathering.hub, title="Another session")
    say(other, "Said at another session")
    page = coordinator.get(wall_url(gathering, "voices:wall_live") + "?screen=1").content.decode()
    assert page.index("Newer words on the wall") < page.index("Older words on the wall")
    for absent in ("Still waiting", "Taken off", "A worrying thing", "another session"):
        assert absent not in page
    assert 'What people said <span class="sbs-wall__count">(2)</span>' in page


def test_safeguarding_flagged_never_appears_even_for_the_facilitator(
    gathering: Gathering, coordinator: Client
) -> None:
    say(gathering, "Flagged while shown", safeguarding_at=timezone.now())
    say(gathering, "Flagged while pending", state=S.PENDING, safeguarding_at=timezone.now())
    say(gathering, "Flagged while hidden", state=S.HIDDEN, safeguarding_at=timezone.now())
    JoinCode.objects.create(gathering=gathering, open_until=timezone.now() + datetime.timedelta(days=1))
    page = coordinator.get(wall_url(gathering)).content.decode()
    assert "Flagged" not in page
    assert "flagged" not in page.lower().replace("flagged as a safeguarding", "")


def test_html_and_script_show_as_text(gathering: Gathering, coordinator: Client) -> None:
    say(
        gathering,
        '<script>alert("boo")</script> <b>bold</b> & more',
        name_given="<i>Jo</i>",
        identify_as="first_name",
    )
    page = coordinator.get(wall_url(gathering)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;boo&quot;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; &amp; more" in page
    assert "<i>Jo</i>" not in page
    assert "&lt;i&gt;Jo&lt;/i&gt;" in page
    assert "<b>bold</b>" not in page


def test_names_are_first_names_only_and_only_when_chosen(hub: Hub) -> None:
    user = User.objects.create_user(email=None, full_name="Rosalind Featherstonehaugh")
    Membership.objects.create(user=user, programme=hub.programme, hub=hub, role="member")
    gathering = make_gathering(hub)
    named = say(gathering, "a", author=user.person, identify_as="named")
    first = say(gathering, "b", name_given="Dee Smith-Jones", identify_as="first_name")
    anonymous = say(gathering, "c", name_given="Dee Smith-Jones", author=user.person, identify_as="anonymous")
    nobody = say(gathering, "d", identify_as="first_name")
    assert wall_name(named) == "Rosalind"
    assert wall_name(first) == "Dee"
    assert wall_name(anonymous) == "Anonymous"
    assert wall_name(nobody) == "Anonymous"
    user.known_as = "Roz"
    user.save()
    named.refresh_from_db()
    assert wall_name(named) == "Roz"
    user.person.erased_at = timezone.now()
    user.person.save()
    named.refresh_from_db()
    assert wall_name(named) == "Anonymous"


def test_wall_page_shows_names_chosen_and_never_surnames(gathering: Gathering, coordinator: Client) -> None:
    say(gathering, "Named words", name_given="Dee Smith-Jones", identify_as="named")
    say(gathering, "Hidden name", name_given="Secretname Person", identify_as="anonymous")
    page = coordinator.get(wall_url(gathering)).content.decode()
    assert "Dee" in page
    assert "Smith-Jones" not in page
    assert "Secretname" not in page


def test_query_count_does_not_grow_with_items(
    gathering: Gathering, coordinator: Client, django_assert_max_num_queries: Any
) -> None:
    JoinCode.objects.create(gathering=gathering, open_until=timezone.now() + datetime.timedelta(days=1))
    for number in range(3):
        say(gathering, f"few {number}", identify_as="first_name", name_given="Al")
    with django_assert_max_num_queries(16) as few:
        assert coordinator.get(wall_url(gathering)).status_code == 200
    for number in range(WALL_ITEMS + 10):
        say(gathering, f"many words number {number}", identify_as="first_name", name_given="Bo")
        say(gathering, f"pending {number}", state=S.PENDING)
        say(gathering, f"hidden {number}", state=S.HIDDEN)
    with django_assert_max_num_queries(16) as many:
        response = coordinator.get(wall_url(gathering))
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.content.decode().count('class="sbs-wall__item"') == WALL_ITEMS


def test_refresh_link_and_live_url_without_javascript(gathering: Gathering, coordinator: Client) -> None:
    page = coordinator.get(wall_url(gathering)).content.decode()
    assert "Refresh" in page
    assert 'http-equiv="refresh"' not in page
    assert f'data-wall-live="{wall_url(gathering, "voices:wall_live")}"' in page
    live = coordinator.get(wall_url(gathering, "voices:wall_live"))
    assert "no-store" in live["Cache-Control"]
    assert "<html" not in live.content.decode()


def test_screen_view_has_no_buttons(gathering: Gathering, coordinator: Client) -> None:
    say(gathering, "On the wall")
    say(gathering, "Waiting", state=S.PENDING)
    JoinCode.objects.create(gathering=gathering, open_until=timezone.now() + datetime.timedelta(days=1))
    page = coordinator.get(wall_url(gathering) + "?screen=1").content.decode()
    assert "Hide from the wall" not in page
    assert "Waiting to be checked" not in page
    assert "sbs-wall--screen" in page
    full = coordinator.get(wall_url(gathering)).content.decode()
    assert "Hide from the wall" in full
    assert "Waiting to be checked (1)" in full


# --- Hiding, showing, moderation ----------------------------------------------------------------


def test_hide_and_show_again(gathering: Gathering, coordinator: Client) -> None:
    item = say(gathering, "Take me off")
    response = coordinator.post(toggle_url(item, "voices:wall_hide"))
    assert response.status_code == 302
    assert response["Location"] == wall_url(gathering)
    item.refresh_from_db()
    assert item.state == S.HIDDEN
    assert item.lock_version == 1
    assert "Take me off" not in coordinator.get(wall_url(gathering) + "?screen=1").content.decode()
    page = coordinator.get(wall_url(gathering)).content.decode()
    assert "Hidden from the wall (1)" in page
    coordinator.post(toggle_url(item, "voices:wall_show"))
    item.refresh_from_db()
    assert item.state == S.SHOWN
    events = list(
        AuditEvent.objects.filter(object_id=str(item.pk)).order_by("pk").values_list("action", "detail")
    )
    assert events == [
        ("voices.wall_hidden", {"gathering": gathering.pk}),
        ("voices.wall_shown", {"gathering": gathering.pk}),
    ]


def test_moderated_nothing_shows_until_allowed(gathering: Gathering, coordinator: Client) -> None:
    JoinCode.objects.create(gathering=gathering, open_until=timezone.now() + datetime.timedelta(days=1))
    item = say(gathering, "Please check me", state=S.PENDING)
    screen = coordinator.get(wall_url(gathering) + "?screen=1").content.decode()
    assert "Please check me" not in screen
    page = coordinator.get(wall_url(gathering)).content.decode()
    assert "Waiting to be checked (1)" in page
    assert "Show on the wall" in page
    coordinator.post(toggle_url(item, "voices:wall_show"))
    screen = coordinator.get(wall_url(gathering) + "?screen=1").content.decode()
    assert "Please check me" in screen


def test_keep_off_the_wall(gathering: Gathering, coordinator: Client) -> None:
    JoinCode.objects.create(gathering=gathering, open_until=timezone.now() + datetime.timedelta(days=1))
    item = say(gathering, "Not for the wall", state=S.PENDING)
    coordinator.post(toggle_url(item, "voices:wall_hide"))
    item.refresh_from_db()
    assert item.state == S.HIDDEN


def test_a_flagged_item_cannot_be_shown(gathering: Gathering, coordinator: Client) -> None:
    item = say(gathering, "Worrying", state=S.HIDDEN, safeguarding_at=timezone.now())
    response = coordinator.post(toggle_url(item, "voices:wall_show"), follow=True)
    item.refresh_from_db()
    assert item.state == S.HIDDEN
    assert "cannot go on the wall" in response.content.decode()
    assert not AuditEvent.objects.filter(action="voices.wall_shown").exists()


def test_a_contribution_of_another_gathering_is_not_found(gathering: Gathering, coordinator: Client) -> None:
    other = make_gathering(gathering.hub, title="Other")
    item = say(other, "Elsewhere")
    url = reverse("voices:wall_hide", kwargs={"gathering_id": gathering.pk, "contribution_id": item.pk})
    assert coordinator.post(url).status_code == 404
    item.refresh_from_db()
    assert item.state == S.SHOWN


def test_toggles_are_post_only(gathering: Gathering, coordinator: Client) -> None:
    item = say(gathering, "Stay")
    assert coordinator.get(toggle_url(item, "voices:wall_hide")).status_code == 405
    item.refresh_from_db()
    assert item.state == S.SHOWN


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("other_member", 404), ("leader", 403)])
def test_others_cannot_hide(
    persona: str, status: int, gathering: Gathering, client_for: Callable[..., Client]
) -> None:
    item = say(gathering, "Stay")
    assert client_for(persona).post(toggle_url(item, "voices:wall_hide")).status_code == status
    item.refresh_from_db()
    assert item.state == S.SHOWN


# --- The word cloud ------------------------------------------------------------------------------


def test_words_are_lower_cased_without_stop_words() -> None:
    assert words_of("The Buses are NEVER on time, and I don’t feel listened to!") == [
        "buses",
        "never",
        "listened",
    ]
    assert words_of("housing's 2024 a b") == ["housing"]
    assert {"the", "and", "because", "don't"} <= STOP_WORDS
    # Words said whatever a session is about, and short forms written without an apostrophe.
    assert words_of("People told me I need to wait, I dont know why, cant say") == ["wait"]


def test_the_marks_of_removed_details_are_not_words_anyone_said() -> None:
    said = "Ring [removed] or [removed] at the hostel; I was removed from the list"
    assert words_of(said) == ["ring", "hostel", "removed", "list"]
    assert count_words([said, "[removed] [removed] [removed]"]) == [
        ("hostel", 1),
        ("list", 1),
        ("removed", 1),
        ("ring", 1),
    ]


def test_counts_top_forty_most_used_first() -> None:
    texts = ["housing housing support", "support housing", "listen"] + [f"word{n}" for n in range(60)]
    counted = count_words(texts)
    assert counted[:3] == [("housing", 3), ("support", 2), ("listen", 1)]
    assert len(counted) == 40


def test_sizes_follow_counts_and_layout_is_deterministic() -> None:
    texts = ["housing housing housing support support listen"]
    cloud = word_cloud(texts)
    sizes = {word.text: word.size for word in cloud.words}
    assert sizes["housing"] > sizes["support"] > sizes["listen"]
    assert word_cloud(texts) == cloud
    assert all(0 <= word.x <= cloud.width and 0 < word.y <= cloud.height for word in cloud.words)
    assert not word_cloud(["the and of"])
    many = layout([(f"longword{n}", 60 - n) for n in range(40)])
    assert len({word.y for word in many.words}) > 1  # wraps into rows


def test_wall_draws_the_cloud_and_the_table(gathering: Gathering, coordinator: Client) -> None:
    say(gathering, "Housing is the problem")
    say(gathering, "Housing and support")
    say(gathering, "<svg onload=alert(1)>")
    page = coordinator.get(wall_url(gathering)).content.decode()
    assert '<svg class="sbs-cloud"' in page
    assert 'class="sbs-cloud__word' in page
    assert (
        '<td class="govuk-table__cell">housing</td><td class="govuk-table__cell govuk-table__cell--numeric">2</td>'
        in page
    )
    assert "onload=alert" not in page.replace("&lt;svg onload=alert(1)&gt;", "")
    assert "<svg onload" not in page


def test_the_cloud_leaves_out_the_hub_peoples_names(hub: Hub, coordinator: Client) -> None:
    user = User.objects.create_user(email=None, full_name="Marguerite Oyelaran", known_as="Maggie")
    Membership.objects.create(user=user, programme=hub.programme, hub=hub, role="member")
    gone = User.objects.create_user(email=None, full_name="Bartholomew Quist")
    Membership.objects.create(
        user=gone, programme=hub.programme, hub=hub, role="member", ended_at=timezone.now()
    )
    gathering = make_gathering(hub)
    for _ in range(3):
        say(gathering, "Maggie Oyelaran listened about housing; Bartholomew too")
    page = coordinator.get(wall_url(gathering)).content.decode()
    cloud = page[page.index('<svg class="sbs-cloud"') :]
    assert ">housing<" in cloud
    assert ">maggie<" not in cloud
    assert ">oyelaran<" not in cloud
    # Someone who has left the hub is no longer on its people list: their name is a word again.
    assert ">bartholomew<" in cloud


def test_count_words_leaves_out_what_it_is_told_and_still_fills_the_top() -> None:
    texts = ["alpha alpha alpha beta beta gamma"]
    assert count_words(texts, top=2, leave_out={"alpha"}) == [("beta", 2), ("gamma", 1)]
    assert word_cloud(texts, leave_out={"alpha", "beta", "gamma"}).words == []


def test_the_wall_tells_the_room_how_to_join_in_while_answers_are_open(
    gathering: Gathering, coordinator: Client
) -> None:
    join = JoinCode.objects.create(
        gathering=gathering, open_until=timezone.now() + datetime.timedelta(hours=2)
    )
    for url in (wall_url(gathering), wall_url(gathering) + "?screen=1"):
        page = coordinator.get(url).content.decode()
        assert f'<strong class="sbs-wall__code">{join.code}</strong>' in page
        assert "go to <strong>testserver/join/</strong> and type" in page  # no "https://" to type
        assert_scales_whole(page[page.index('class="sbs-wall__qr"') :])
    live = coordinator.get(wall_url(gathering, "voices:wall_live")).content.decode()
    assert 'class="segno"' not in live  # the QR code is drawn with the page, not every few seconds
    join.open_until = timezone.now() - datetime.timedelta(minutes=1)
    join.save()
    page = coordinator.get(wall_url(gathering)).content.decode()
    assert join.code not in page  # closed: nothing to type
    assert "sbs-wall__qr" not in page
