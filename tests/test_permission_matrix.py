"""Every URL pattern × every role, checked against the expected answer.

The list of views comes from the URLconf itself: a new view without an entry in
MATRIX fails ``test_every_url_pattern_is_in_the_matrix``. The table in words is
``docs/roles-and-permissions.md``.

Statuses: 200 shown; 302 redirected (for anonymous: to sign in); 403 may see the
object but not do this; 404 may not know it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import PERSONAS
from sidebyside.core.models import WorkerHeartbeat
from sidebyside.notify.models import OutboxMessage
from sidebyside.people.models import Consent, PersonRequest

ANON, MEMBER, OTHER, FAC, COORD, ADMIN, LEADER = PERSONAS


@dataclass(frozen=True)
class Entry:
    expect: dict[str, int]
    method: str = "get"
    kwargs: Callable[[dict[str, Any]], dict[str, int]] = lambda ctx: {}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def signed_in(status: int) -> dict[str, int]:
    return {ANON: 302, **dict.fromkeys(PERSONAS[1:], status)}


def roles(**statuses: int) -> dict[str, int]:
    table = {ANON: 302}
    table.update(statuses)
    assert set(table) == set(PERSONAS), f"missing personas: {set(PERSONAS) - set(table)}"
    return table


HUB = lambda ctx: {"hub_id": ctx["hub"].pk}  # noqa: E731
PROGRAMME = lambda ctx: {"programme_id": ctx["programme"].pk}  # noqa: E731
ORGANISATION = lambda ctx: {"organisation_id": ctx["organisation"].pk}  # noqa: E731
PERSON = lambda ctx: {"person_id": ctx["person"].pk}  # noqa: E731
PURPOSE = lambda ctx: {"person_id": ctx["person"].pk, "purpose": "quote"}  # noqa: E731


def person_page(*, facilitator: int, coordinator: int, programme_admin: int) -> dict[str, int]:
    """A page of the member's record: the member uses their own pages, others may not know it."""
    return roles(
        member=404,
        other_member=404,
        facilitator=facilitator,
        coordinator=coordinator,
        programme_admin=programme_admin,
        leader=404,
    )


STAFF_CHANGE = person_page(facilitator=403, coordinator=200, programme_admin=200)

MATRIX: dict[str, Entry] = {
    # Public pages.
    "core:health": Entry(everyone(200)),
    "core:health_live": Entry(everyone(200)),
    "core:privacy": Entry(everyone(200)),
    "core:accessibility": Entry(everyone(200)),
    "accounts:sign_in": Entry({ANON: 200, **dict.fromkeys(PERSONAS[1:], 302)}),
    "accounts:sign_in_link": Entry(everyone(200)),
    "accounts:signed_out": Entry(everyone(200)),
    "accounts:sign_out": Entry(everyone(302), method="post"),
    # Signed in.
    # Staff are already verified in this matrix, so they are sent on; members may set up an app.
    "accounts:two_step": Entry(
        {ANON: 302, MEMBER: 200, OTHER: 200, FAC: 302, COORD: 302, ADMIN: 302, LEADER: 302}
    ),
    "accounts:sign_out_everywhere": Entry(signed_in(302), method="post"),
    "accounts:account": Entry(signed_in(200)),
    "dashboards:home": Entry({ANON: 200, **dict.fromkeys(PERSONAS[1:], 302)}),
    "dashboards:programme": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=PROGRAMME,
    ),
    "dashboards:hub": Entry(
        roles(
            member=200, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=HUB,
    ),
    "hubs:programme_edit": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "hubs:hub_create": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "hubs:hub_edit": Entry(
        roles(
            member=403, other_member=404, facilitator=403, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    "hubs:hub_archive": Entry(
        roles(
            member=403, other_member=404, facilitator=403, coordinator=403, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    "hubs:hub_restore": Entry(
        roles(
            member=403, other_member=404, facilitator=403, coordinator=403, programme_admin=302, leader=403
        ),
        method="post",
        kwargs=HUB,
    ),
    "hubs:organisation_list": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=PROGRAMME,
    ),
    "hubs:organisation_create": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "hubs:organisation_edit": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=ORGANISATION,
    ),
    "hubs:organisation_archive": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=200, leader=403
        ),
        kwargs=ORGANISATION,
    ),
    "hubs:organisation_restore": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=302, leader=403
        ),
        method="post",
        kwargs=ORGANISATION,
    ),
    # Messages.
    "notify:delivery_receipt": Entry(everyone(403), method="post"),
    "dashboards:messages_failed": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "dashboards:message_retry": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=302, leader=403
        ),
        method="post",
        kwargs=lambda ctx: {"programme_id": ctx["programme"].pk, "message_id": ctx["failed_message"].pk},
    ),
    # People: the staff pages.
    "people:programme_people": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "people:hub_people": Entry(
        roles(
            member=403, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    "people:person_add": Entry(
        roles(
            member=403, other_member=404, facilitator=403, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    "people:hub_history": Entry(
        roles(
            member=403, other_member=404, facilitator=403, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    "people:person": Entry(person_page(facilitator=200, coordinator=200, programme_admin=200), kwargs=PERSON),
    "people:person_edit": Entry(STAFF_CHANGE, kwargs=PERSON),
    "people:person_about": Entry(STAFF_CHANGE, kwargs=PERSON),
    "people:person_status": Entry(STAFF_CHANGE, kwargs=PERSON),
    "people:person_consents": Entry(
        person_page(facilitator=200, coordinator=200, programme_admin=200), kwargs=PERSON
    ),
    "people:person_consent": Entry(STAFF_CHANGE, kwargs=PURPOSE),
    "people:person_consent_withdraw": Entry(STAFF_CHANGE, kwargs=PURPOSE),
    "people:person_needs": Entry(STAFF_CHANGE, kwargs=PERSON),
    "people:person_needs_edit": Entry(STAFF_CHANGE, kwargs=PERSON),
    # The plan: the hub coordinator (and named supporters), not the programme admin.
    "people:person_plan": Entry(
        person_page(facilitator=403, coordinator=200, programme_admin=403), kwargs=PERSON
    ),
    "people:person_plan_edit": Entry(
        person_page(facilitator=403, coordinator=200, programme_admin=403), kwargs=PERSON
    ),
    "people:person_catch_up_add": Entry(
        person_page(facilitator=403, coordinator=200, programme_admin=403), kwargs=PERSON
    ),
    "people:person_history": Entry(STAFF_CHANGE, kwargs=PERSON),
    "people:person_sign_in_card": Entry(STAFF_CHANGE, kwargs=PERSON),
    "people:person_request_done": Entry(
        person_page(facilitator=403, coordinator=302, programme_admin=302),
        method="post",
        kwargs=lambda ctx: {"person_id": ctx["person"].pk, "request_id": ctx["person_request"].pk},
    ),
    "people:person_erase": Entry(STAFF_CHANGE, kwargs=PERSON),
    "people:person_merge": Entry(STAFF_CHANGE, kwargs=PERSON),
    "people:person_export": Entry(
        STAFF_CHANGE, method="post", kwargs=lambda ctx: {"person_id": ctx["person"].pk, "fmt": "json"}
    ),
    # People: each person's own pages.
    "people:me": Entry(signed_in(200)),
    "people:me_details": Entry(signed_in(200)),
    "people:me_contact": Entry(signed_in(200)),
    "people:me_about": Entry(signed_in(200)),
    "people:me_consent": Entry(signed_in(200), kwargs=lambda ctx: {"purpose": "quote"}),
    "people:me_needs": Entry(signed_in(200)),
    "people:me_plan": Entry(signed_in(200)),
    "people:me_plan_edit": Entry(signed_in(200)),
    "people:me_pause": Entry(signed_in(200)),
    "people:me_data": Entry(signed_in(200)),
    "people:me_data_download": Entry(signed_in(200), method="post", kwargs=lambda ctx: {"fmt": "json"}),
    "people:me_forget": Entry(signed_in(200)),
}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        else:
            yield f"{namespace}{pattern.name}", pattern


def url_names() -> set[str]:
    names = set()
    for name, pattern in _walk(get_resolver().url_patterns):
        assert pattern.name, f"every URL pattern needs a name: {pattern.pattern}"
        names.add(name)
    return names


def test_every_url_pattern_is_in_the_matrix() -> None:
    names = url_names()
    missing = names - set(MATRIX)
    stale = set(MATRIX) - names
    assert not missing, f"views without a permission-matrix entry: {sorted(missing)}"
    assert not stale, f"matrix entries for views that no longer exist: {sorted(stale)}"


@pytest.fixture
def ctx(programme: Any, hub: Any, other_hub: Any, organisation: Any, personas: Any) -> dict[str, Any]:
    WorkerHeartbeat.objects.create(worker_id="test", last_seen=timezone.now())
    person = personas["member"].person
    # The member agreed to their support needs and plan being kept, and asked for a copy of their data.
    Consent.objects.create(
        person=person, purpose=Consent.Purpose.STORE_SUPPORT, how="written", given_on=timezone.localdate()
    )
    return {
        "programme": programme,
        "hub": hub,
        "other_hub": other_hub,
        "organisation": organisation,
        "person": person,
        "person_request": PersonRequest.objects.create(person=person, kind=PersonRequest.Kind.COPY),
        "failed_message": OutboxMessage.objects.create(
            user=person.user,
            channel="sms",
            to="+447700900123",
            template="reminder",
            status=OutboxMessage.Status.FAILED,
            next_attempt_at=timezone.now(),
        ),
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(
    name: str, persona: str, ctx: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(ctx))
    client = client_for(persona)
    response = getattr(client, entry.method)(url)
    assert response.status_code == entry.expect[persona], (
        f"{persona} {entry.method.upper()} {name}: got {response.status_code}, expected {entry.expect[persona]}"
    )
    assert "Content-Security-Policy" in response, f"{name}: no CSP header"
    if (
        persona == ANON
        and response.status_code == 302
        and entry.expect[persona] == 302
        and name not in ("accounts:sign_out",)
    ):
        assert response["Location"].startswith(reverse("accounts:sign_in")), response["Location"]


def _hub_scoped() -> list[str]:
    return sorted(
        name for name, pattern in _walk(get_resolver().url_patterns) if "hub_id" in pattern.pattern.converters
    )


@pytest.mark.parametrize("name", _hub_scoped())
def test_member_of_another_hub_is_refused_every_hub_page(
    name: str, ctx: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    entry = MATRIX[name]
    response = getattr(client_for(OTHER), entry.method)(reverse(name, kwargs={"hub_id": ctx["hub"].pk}))
    assert response.status_code in (403, 404)


def test_hub_scoped_pages_exist() -> None:
    assert len(_hub_scoped()) >= 5


@pytest.mark.parametrize(
    "name", sorted(n for n, e in MATRIX.items() if e.method == "get" and e.expect[LEADER] == 200)
)
def test_leader_sees_no_personal_data(
    name: str, ctx: dict[str, Any], personas: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    response = client_for(LEADER).get(reverse(name, kwargs=MATRIX[name].kwargs(ctx)))
    page = response.content.decode()
    for persona, user in personas.items():
        if user is None or persona == LEADER:
            continue
        assert user.full_name not in page, f"{name} shows {persona}'s name to a leader"
        assert user.email not in page, f"{name} shows {persona}'s email to a leader"


@pytest.mark.parametrize("persona", [FAC, COORD, ADMIN])
def test_staff_must_verify_before_personal_data(
    persona: str, ctx: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    client = client_for(persona, verified=False)
    response = client.get(reverse("people:hub_people", kwargs={"hub_id": ctx["hub"].pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_step"))
