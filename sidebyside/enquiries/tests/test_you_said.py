""" "You said, we did": the hub's board and its poster."""

from __future__ import annotations

import datetime
import re
import subprocess
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import FULL_NAMES
from sidebyside.accounts.models import User
from sidebyside.core.models import AuditEvent
from sidebyside.enquiries import services
from sidebyside.enquiries.models import Update
from sidebyside.enquiries.selectors_you_said import PAGE_SIZE
from sidebyside.hubs.models import Hub, Membership
from sidebyside.insights.models import Tag, Theme
from sidebyside.people.models import Consent, Person
from sidebyside.people.services import consent_give, consent_withdraw
from sidebyside.voices.models import Contribution

NOW = timezone.now()


def board_url(hub: Hub) -> str:
    return reverse("enquiries:you_said", kwargs={"hub_id": hub.pk})


def poster_url(hub: Hub, size: str | None = None) -> str:
    url = reverse("enquiries:you_said_poster", kwargs={"hub_id": hub.pk})
    return f"{url}?size={size}" if size else url


def say(hub: Hub, text: str, *, days_ago: int = 1, **fields: Any) -> Contribution:
    fields.setdefault("state", Contribution.State.SHOWN)
    return Contribution.objects.create(
        hub=hub, text=text, said_at=NOW - datetime.timedelta(days=days_ago), channel="phone", **fields
    )


def member_of(hub: Hub, full_name: str) -> Person:
    user = User.objects.create_user(email=None, full_name=full_name)
    Membership.objects.create(user=user, programme=hub.programme, hub=hub, role=Membership.Role.MEMBER)
    return Person.objects.get(user=user)


def agree_to_quotes(staff: User, person: Person, level: str) -> None:
    consent_give(
        actor=staff,
        person=person,
        purpose=Consent.Purpose.QUOTE,
        how=Consent.How.WRITTEN,
        given_on=timezone.localdate(),
        level=level,
    )


@pytest.fixture
def world(
    programme: Any, hub: Hub, other_hub: Hub, organisation: Any, personas: dict[str, Any]
) -> dict[str, Any]:
    staff = personas["coordinator"]
    member = personas["member"].person
    agree_to_quotes(staff, member, Consent.Level.FIRST_NAME)
    unconsented = member_of(hub, "Ignatius Pemberton-Whyte")
    enquiry = services.enquiry_create(
        actor=staff,
        programme=programme,
        title="Evening sessions",
        framing="Sessions end too early",
        hubs=[hub],
    )
    elsewhere = services.enquiry_create(
        actor=staff, programme=programme, title="Betatown parking", framing="No parking", hubs=[other_hub]
    )
    said = {
        # The member agreed to be quoted by first name, and wrote it under their full name.
        "named": say(hub, "The buses stop at six", author=member, identify_as="named", days_ago=3),
        "unconsented": say(hub, "Nobody asked me first", author=unconsented, identify_as="named"),
        "hidden": say(hub, "Hidden words here", state=Contribution.State.HIDDEN),
        "safeguarding": say(hub, "A worrying thing was said", safeguarding_at=NOW),
        "waiting": say(hub, "Still waiting to be checked", state=Contribution.State.PENDING),
        "other_hub": say(other_hub, "Betatown has no evening bus", identify_as="anonymous"),
        # In a linked theme: confirmed by a person, and one only the machine put there.
        "themed": say(hub, "Evenings suit carers", identify_as="anonymous", days_ago=5),
        "machine": say(hub, "The machine thinks so", identify_as="anonymous"),
    }
    for key in ("named", "unconsented", "hidden", "safeguarding", "waiting", "other_hub"):
        services.evidence_link(actor=staff, enquiry=enquiry, contribution=said[key])
    theme = Theme.objects.create(programme=programme, name="Evenings", status=Theme.Status.CONFIRMED)
    Tag.objects.create(contribution=said["themed"], theme=theme, confirmed=True)
    Tag.objects.create(contribution=said["machine"], theme=theme, source="machine", confirmed=False)
    services.evidence_link(actor=staff, enquiry=enquiry, theme=theme)

    did = services.update_post(actor=staff, enquiry=enquiry, text="We opened on Thursday evenings")
    services.update_post(actor=staff, enquiry=enquiry, text="A note for staff only", tell_contributors=False)
    could_not = services.update_post(
        actor=staff,
        enquiry=enquiry,
        kind=Update.Kind.COULD_NOT,
        text="We could not open on Sundays: the building is shut",
    )
    services.update_post(actor=staff, enquiry=elsewhere, text="Betatown car park opened")

    leader = personas["leader"]
    message = services.message_create(
        actor=staff,
        hub=hub,
        text="Please fund the evening bus",
        leader=leader,
        leader_organisation=organisation,
    )
    services.message_send(actor=staff, message=message)
    services.message_reply(
        actor=leader,
        message=message,
        reply="We will look at the timetable",
        commitment="Review the bus timetable",
    )
    waiting = services.message_create(actor=staff, hub=hub, text="Not answered yet", leader=leader)
    services.message_send(actor=staff, message=waiting)
    return {
        "enquiry": enquiry,
        "elsewhere": elsewhere,
        "said": said,
        "did": did,
        "could_not": could_not,
        "member": member,
        "staff": staff,
    }


# --- Who sees the board ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("member", 200),
        ("other_member", 404),
        ("facilitator", 200),
        ("coordinator", 200),
        ("programme_admin", 200),
        ("leader", 200),
    ],
)
@pytest.mark.parametrize("name", ["enquiries:you_said", "enquiries:you_said_poster"])
def test_who_sees_it(
    name: str, persona: str, status: int, hub: Hub, world: Any, client_for: Callable[..., Client]
) -> None:
    response = client_for(persona).get(reverse(name, kwargs={"hub_id": hub.pk}))
    assert response.status_code == status


@pytest.mark.parametrize("name", ["enquiries:you_said", "enquiries:you_said_poster"])
def test_anonymous_is_sent_to_sign_in(name: str, hub: Hub, client_for: Callable[..., Client]) -> None:
    response = client_for("anonymous").get(reverse(name, kwargs={"hub_id": hub.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_unknown_hub_is_404(personas: Any, client_for: Callable[..., Client]) -> None:
    assert client_for("programme_admin").get(reverse("enquiries:you_said", args=[999999])).status_code == 404


# --- The board ---------------------------------------------------------------------------------


def test_board_shows_this_hubs_updates_for_contributors(
    hub: Hub, world: Any, client_for: Callable[..., Client]
) -> None:
    response = client_for("member").get(board_url(hub))
    page = response.content.decode()
    assert "We opened on Thursday evenings" in page
    assert "Evening sessions" in page
    assert "Sessions end too early" in page
    # Not another hub's enquiry, nor an update kept for staff.
    assert "Betatown car park opened" not in page
    assert "Betatown parking" not in page
    assert "A note for staff only" not in page
    board = response.context["board"]
    assert [card.update for card in board.we_did] == [world["did"]]
    assert [card.update for card in board.could_not] == [world["could_not"]]
    # A link to the poster on both paper sizes.
    assert poster_url(hub) in page
    assert poster_url(hub, "a3") in page


def test_could_not_change_has_its_own_section(
    hub: Hub, world: Any, client_for: Callable[..., Client]
) -> None:
    page = client_for("member").get(board_url(hub)).content.decode()
    section = page.split("What we could not change, and why", 1)[1].split("What leaders said back", 1)[0]
    assert "We could not open on Sundays: the building is shut" in section
    assert "We opened on Thursday evenings" not in section


def test_newest_first(hub: Hub, world: Any, client_for: Callable[..., Client]) -> None:
    later = services.update_post(
        actor=world["staff"], enquiry=world["enquiry"], text="We added a second evening"
    )
    response = client_for("member").get(board_url(hub))
    board = response.context["board"]
    assert [card.update for card in board.we_did] == [later, world["did"]]
    # What was raised is said once for the enquiry in each section, on its newest card.
    assert [card.first for card in board.we_did] == [True, False]
    we_did = response.content.decode().split("What we could not change, and why", 1)[0]
    assert we_did.count("Sessions end too early") == 1


def test_leaders_replies_and_commitments(hub: Hub, world: Any, client_for: Callable[..., Client]) -> None:
    page = client_for("coordinator").get(board_url(hub)).content.decode()
    section = page.split("What leaders said back", 1)[1]
    assert "Please fund the evening bus" in section
    assert "We will look at the timetable" in section
    assert "Review the bus timetable" in section
    assert "Not started" in section
    assert "Not answered yet" not in page  # sent, not yet answered
    # Staff and members may see who answered.
    assert f"{FULL_NAMES['leader']}, Testshire Council replied" in section


def test_leaders_are_not_named_to_leaders(hub: Hub, world: Any, client_for: Callable[..., Client]) -> None:
    page = client_for("leader").get(board_url(hub)).content.decode()
    assert "A senior leader, Testshire Council replied" in page
    assert FULL_NAMES["leader"] not in page
    assert "We will look at the timetable" in page


# --- Quotes ------------------------------------------------------------------------------------


def quoted(client: Client, hub: Hub) -> list[tuple[str, str]]:
    board = client.get(board_url(hub)).context["board"]
    return [(quote.text, quote.said_by) for card in board.we_did for quote in card.quotes]


def test_quotes_direct_links_first_then_themes_with_consent(
    hub: Hub, world: Any, client_for: Callable[..., Client]
) -> None:
    assert quoted(client_for("coordinator"), hub) == [
        ("The buses stop at six", "Marnie"),
        ("Evenings suit carers", "Someone at Hub A"),
    ]


def test_first_name_to_staff_but_no_name_to_leaders(
    hub: Hub, world: Any, client_for: Callable[..., Client]
) -> None:
    staff_page = client_for("coordinator").get(board_url(hub)).content.decode()
    assert "Marnie" in staff_page
    assert "Quillfeather" not in staff_page  # agreed to a first name only
    leader_page = client_for("leader").get(board_url(hub)).content.decode()
    assert "The buses stop at six" in leader_page
    assert "Marnie" not in leader_page
    assert "Someone at Hub A" in leader_page


@pytest.mark.parametrize("persona", ["member", "coordinator", "programme_admin", "leader"])
def test_never_quoted(
    persona: str, hub: Hub, world: Any, personas: Any, client_for: Callable[..., Client]
) -> None:
    page = client_for(persona).get(board_url(hub)).content.decode()
    for text in (
        "Nobody asked me first",  # no consent to be quoted
        "Hidden words here",
        "A worrying thing was said",  # raised for safeguarding
        "Still waiting to be checked",
        "Betatown has no evening bus",  # another hub's words
        "The machine thinks so",  # put in the theme by the machine, not yet by a person
        "Pemberton-Whyte",
    ):
        assert text not in page


def test_at_most_two_quotes_a_card(hub: Hub, world: Any, client_for: Callable[..., Client]) -> None:
    for i in range(4):
        extra = say(hub, f"Another thing {i}", identify_as="anonymous", days_ago=0)
        services.evidence_link(actor=world["staff"], enquiry=world["enquiry"], contribution=extra)
    board = client_for("member").get(board_url(hub)).context["board"]
    mine = [
        card for card in [*board.we_did, *board.could_not] if card.update.enquiry_id == world["enquiry"].pk
    ]
    every = sorted(mine, key=lambda card: (card.update.created_at, card.update.pk), reverse=True)
    assert all(len(card.quotes) <= 2 for card in every)
    # The newest card has the newest words; the next card of the same enquiry the next ones.
    assert [q.text for q in every[0].quotes] == ["Another thing 3", "Another thing 2"]
    if len(every) > 1:
        assert [q.text for q in every[1].quotes] == ["Another thing 1", "Another thing 0"]


def test_withdrawn_consent_leaves_the_quote_out(
    hub: Hub, world: Any, client_for: Callable[..., Client]
) -> None:
    client = client_for("coordinator")
    assert "The buses stop at six" in client.get(board_url(hub)).content.decode()
    consent_withdraw(actor=world["staff"], person=world["member"], purpose=Consent.Purpose.QUOTE)
    assert "The buses stop at six" not in client.get(board_url(hub)).content.decode()


# --- Pages and queries -------------------------------------------------------------------------


def many_updates(world: Any, hub: Hub, count: int) -> None:
    """``count`` more updates, each on its own enquiry with a quote of its own."""
    staff = world["staff"]
    for i in range(count):
        enquiry = services.enquiry_create(
            actor=staff, programme=hub.programme, title=f"Enquiry {i}", framing="Why", hubs=[hub]
        )
        services.evidence_link(
            actor=staff, enquiry=enquiry, contribution=say(hub, f"Said {i}", author=world["member"])
        )
        services.update_post(actor=staff, enquiry=enquiry, text=f"Done {i}")


def test_older_updates_on_the_next_page(hub: Hub, world: Any, client_for: Callable[..., Client]) -> None:
    many_updates(world, hub, PAGE_SIZE)  # with the world's two: 22
    client = client_for("member")
    first = client.get(board_url(hub))
    assert len(first.context["board"].we_did) + len(first.context["board"].could_not) == PAGE_SIZE
    assert "?page=2" in first.content.decode()
    assert "Older updates" in first.content.decode()
    second = client.get(board_url(hub) + "?page=2")
    board = second.context["board"]
    assert [card.update for card in board.we_did] == [world["did"]]
    assert [card.update for card in board.could_not] == [world["could_not"]]
    assert board.replies == []
    assert "Newer updates" in second.content.decode()
    # A page that does not exist, or is not a number, is no error.
    assert client.get(board_url(hub) + "?page=99").status_code == 200
    assert client.get(board_url(hub) + "?page=x").status_code == 200


def test_query_count_does_not_grow_with_updates(
    hub: Hub, world: Any, client_for: Callable[..., Client], django_assert_num_queries: Any
) -> None:
    client = client_for("member")
    many_updates(world, hub, 2)
    with django_assert_num_queries(13):
        client.get(board_url(hub))
    many_updates(world, hub, 15)
    with django_assert_num_queries(13):
        response = client.get(board_url(hub))
    assert len(response.context["board"].we_did) == 18


# --- The poster --------------------------------------------------------------------------------


@pytest.fixture
def pdf_html(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML each PDF is made from (what it says cannot be read back from the PDF's bytes)."""
    import weasyprint

    made: list[str] = []
    real = weasyprint.HTML

    def recording(*args: Any, **kwargs: Any) -> Any:
        made.append(kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording)
    return made


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's size in points, from the MediaBox entries (WeasyPrint compresses them)."""
    found = re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)
    # The data runs to the line break before "endstream"; compressed data may itself end in a
    # carriage return (one stream in 256), so none is taken off, and the decompressor ignores
    # anything after the end of the compressed data.
    for stream in re.finditer(rb"stream\r?\n(.*?)\nendstream", pdf, re.DOTALL):
        try:
            found += re.findall(
                rb"/MediaBox\s*\[([^\]]*)\]", zlib.decompressobj().decompress(stream.group(1))
            )
        except zlib.error:
            continue
    sizes = []
    for box in found:
        x0, y0, x1, y1 = (float(n) for n in box.split())
        sizes.append((round(x1 - x0), round(y1 - y0)))
    return sizes


@pytest.mark.parametrize(
    ("size", "points", "filename"),
    [
        (None, (595, 842), "you-said-we-did-{}.pdf"),
        ("a4", (595, 842), "you-said-we-did-{}.pdf"),
        ("A3", (842, 1191), "you-said-we-did-{}-a3.pdf"),
        # An unknown size is printed on A4.
        ("letter", (595, 842), "you-said-we-did-{}.pdf"),
    ],
)
def test_poster_is_a_pdf_on_a4_or_a3(
    size: str | None,
    points: tuple[int, int],
    filename: str,
    hub: Hub,
    world: Any,
    client_for: Callable[..., Client],
) -> None:
    response = client_for("facilitator").get(poster_url(hub, size))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename.format(hub.pk)}"'
    assert response.content.startswith(b"%PDF")
    sizes = page_sizes(response.content)
    assert sizes
    assert set(sizes) == {points}


def test_poster_holds_the_latest(
    hub: Hub, world: Any, client_for: Callable[..., Client], pdf_html: list[str]
) -> None:
    many_updates(world, hub, 8)
    response = client_for("coordinator").get(poster_url(hub))
    poster = response.context["poster"]
    assert len(poster.we_did) == 6
    assert [card.update for card in poster.could_not] == [world["could_not"]]
    assert len(poster.replies) == 1
    (html,) = pdf_html
    assert "Done 7" in html
    assert "Done 1" not in html  # older than the latest six
    assert "We could not open on Sundays" in html
    assert "We will look at the timetable" in html
    assert "A note for staff only" not in html
    assert "Betatown" not in html
    event = AuditEvent.objects.get(action="enquiries.you_said_poster")
    assert event.object_id == str(hub.pk)
    assert event.detail == {"size": "a4", "quotes": 7}


def test_poster_leaves_out_a_quote_after_consent_is_withdrawn(
    hub: Hub, world: Any, client_for: Callable[..., Client], pdf_html: list[str]
) -> None:
    client = client_for("coordinator")
    client.get(poster_url(hub))
    assert "The buses stop at six" in pdf_html[-1]
    assert "Marnie" in pdf_html[-1]
    consent_withdraw(actor=world["staff"], person=world["member"], purpose=Consent.Purpose.QUOTE)
    response = client.get(poster_url(hub))
    assert response.status_code == 200
    assert "The buses stop at six" not in pdf_html[-1]
    assert "Marnie" not in pdf_html[-1]
    # The next quote linked to the enquiry takes its place.
    assert "Evenings suit carers" in pdf_html[-1]


def test_poster_made_by_a_leader_names_nobody(
    hub: Hub, world: Any, personas: Any, client_for: Callable[..., Client], pdf_html: list[str]
) -> None:
    client_for("leader").get(poster_url(hub))
    (html,) = pdf_html
    assert "A senior leader, Testshire Council replied" in html
    assert "Someone at Hub A" in html
    for user in personas.values():
        if user is not None:
            assert user.full_name not in html
            assert user.full_name.split()[0] not in html


def test_poster_query_count_does_not_grow(hub: Hub, world: Any, client_for: Callable[..., Client]) -> None:
    client = client_for("member")
    many_updates(world, hub, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(poster_url(hub))
    many_updates(world, hub, 8)
    with CaptureQueriesContext(connection) as many:
        client.get(poster_url(hub))
    assert len(many) == len(few)


def test_a_hub_with_nothing_yet(other_hub: Hub, personas: Any, client_for: Callable[..., Client]) -> None:
    client = client_for("programme_admin")
    page = client.get(board_url(other_hub)).content.decode()
    assert "No updates yet" in page
    assert "No replies from senior leaders yet" in page
    response = client.get(poster_url(other_hub, "a3"))
    assert response.status_code == 200
    assert set(page_sizes(response.content)) == {(842, 1191)}


def test_members_find_the_board_on_their_hub_page_and_their_words_in_the_menu(
    hub: Hub, client_for: Callable[..., Client]
) -> None:
    page = client_for("member").get(reverse("dashboards:hub", args=[hub.pk])).content.decode()
    assert f'href="{board_url(hub)}"' in page
    assert f'href="{reverse("enquiries:my_impact")}">What you said<' in page


def test_staff_without_a_member_role_have_no_what_you_said_entry(client_for: Callable[..., Client]) -> None:
    page = client_for("programme_admin").get(reverse("people:me")).content.decode()
    assert ">What you said<" not in page


def test_the_poster_renders_as_a_picture_with_the_latest_updates(
    hub: Hub, world: Any, client_for: Callable[..., Client], tmp_path: Any
) -> None:
    """The PDF itself, drawn by Poppler as a person's PDF reader would: an A4 page that is not
    blank, whose text holds the newest updates and not the older ones."""
    from PIL import Image

    many_updates(world, hub, 8)
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(client_for("coordinator").get(poster_url(hub)).content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)  # noqa: S603, S607
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    with Image.open(pages[0]) as image:
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.02  # A4, upright
        grey = image.convert("L")
        inked = sum(grey.histogram()[:128])  # pixels darker than mid-grey
        assert inked > width * height * 0.01  # words on it, not an empty page
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(pdf), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Done 7" in text
    assert "We could not open on Sundays" in text
    assert re.search(r"Done 1\b", text) is None  # older than the latest six
