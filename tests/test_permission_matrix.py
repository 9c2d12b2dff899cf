"""Every URL pattern × every role, checked against the expected answer.

The list of views comes from the URLconf itself: a new view without an entry in
MATRIX fails ``test_every_url_pattern_is_in_the_matrix``. The table in words is
``docs/roles-and-permissions.md``.

Statuses: 200 shown; 302 redirected (for anonymous: to sign in); 403 may see the
object but not do this; 404 may not know it exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import (
    PERSONAS,
    make_hub,
    make_organisation,
    make_other_hub,
    make_personas,
    make_programme,
)
from sidebyside.core.models import WorkerHeartbeat
from sidebyside.enquiries.models import Action, Enquiry, Evidence, LeaderMessage, Update
from sidebyside.gatherings.models import Gathering, Photo, Registration, Reminder
from sidebyside.insights.models import Tag, Theme, ThemingRun
from sidebyside.notify.models import OutboxMessage
from sidebyside.people.models import Consent, PersonRequest
from sidebyside.voices.models import Contribution, ImportJob, JoinCode, Prompt

# A real PNG picture: two by two red pixels.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001649444154789c633c2127c7"
    "c0c0c0c4c0c0c0c0c000000d0401087d71ca660000000049454e44ae426082"
)

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
GATHERING = lambda ctx: {"gathering_id": ctx["gathering"].pk}  # noqa: E731
PURPOSE = lambda ctx: {"person_id": ctx["person"].pk, "purpose": "quote"}  # noqa: E731


def _method(ctx: dict[str, Any]) -> dict[str, int]:
    """Over A Brew from the library of the ctx programme (the conftest programme is not seeded)."""
    from sidebyside.gatherings.method_library import seed_methods
    from sidebyside.gatherings.models import Method

    seed_methods(ctx["programme"])
    return {"method_id": Method.objects.get(programme=ctx["programme"], name="Over A Brew").pk}


def _method_step(ctx: dict[str, Any]) -> dict[str, int]:
    from sidebyside.gatherings.models import Step

    ids = _method(ctx)
    return {**ids, "step_id": Step.objects.filter(method_id=ids["method_id"]).order_by("position")[1].pk}


def _agenda_item(ctx: dict[str, Any]) -> dict[str, int]:
    from sidebyside.gatherings.models import Step

    item = Step.objects.create(gathering=ctx["gathering"], position=1, title="Welcome", minutes=10)
    return {"gathering_id": ctx["gathering"].pk, "step_id": item.pk}


def _join_question(ctx: dict[str, Any]) -> dict[str, int]:
    from sidebyside.voices.models import Question

    question = Question.objects.create(gathering=ctx["gathering"], prompt=ctx["prompt"])
    return {"gathering_id": ctx["gathering"].pk, "question_id": question.pk}


ENQUIRY = lambda ctx: {"enquiry_id": ctx["enquiry"].pk}  # noqa: E731
ACTION = lambda ctx: {"action_id": ctx["action"].pk}  # noqa: E731
ENQUIRY_CHANGE = roles(
    member=403, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
)

METHOD_READ = roles(
    member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=404
)
AGENDA = roles(
    member=403, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
)
AGENDA_SAVED = roles(
    member=403, other_member=404, facilitator=302, coordinator=302, programme_admin=302, leader=403
)


def method_change(status: int) -> dict[str, int]:
    return roles(
        member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=status, leader=404
    )


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


def staff_of_hub(status: int) -> dict[str, int]:
    """Planning and running a gathering: the hub's staff and the programme's admins."""
    return roles(
        member=403,
        other_member=404,
        facilitator=status,
        coordinator=status,
        programme_admin=status,
        leader=403,
    )


STAFF_OF_HUB = staff_of_hub(200)
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
    # Gatherings: each helper module adds its rows below its own comment.
    "gatherings:gathering": Entry(
        roles(
            member=200, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=GATHERING,
    ),
    # Gatherings: planning and recording.
    "gatherings:hub_gatherings": Entry(
        roles(
            member=200, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=HUB,
    ),
    "gatherings:gathering_add": Entry(STAFF_OF_HUB, kwargs=HUB),
    "gatherings:my_gatherings": Entry(signed_in(200)),
    "gatherings:hub_reminder_times": Entry(
        roles(
            member=403, other_member=404, facilitator=403, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    "gatherings:gathering_edit": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    "gatherings:gathering_cancel": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    "gatherings:gathering_delete": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    # Anyone who sees the gathering and has a record may say whether they are coming.
    "gatherings:gathering_reply": Entry(
        roles(
            member=302, other_member=404, facilitator=302, coordinator=302, programme_admin=302, leader=302
        ),
        method="post",
        kwargs=GATHERING,
    ),
    "gatherings:gathering_people": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    "gatherings:registration_change": Entry(
        staff_of_hub(302),
        method="post",
        kwargs=lambda ctx: {**GATHERING(ctx), "registration_id": ctx["registration"].pk},
    ),
    "gatherings:reminder_called": Entry(
        staff_of_hub(302), method="post", kwargs=lambda ctx: {**GATHERING(ctx), "reminder_id": ctx["call"].pk}
    ),
    "gatherings:gathering_attendance": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    # An empty form: staff are shown what is missing.
    "gatherings:gathering_walk_in": Entry(staff_of_hub(400), method="post", kwargs=GATHERING),
    "gatherings:gathering_needs": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    "gatherings:gathering_write_up": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    "gatherings:photo_add": Entry(staff_of_hub(400), method="post", kwargs=GATHERING),
    "gatherings:photo": Entry(
        STAFF_OF_HUB, kwargs=lambda ctx: {**GATHERING(ctx), "photo_id": ctx["photo"].pk}
    ),
    "gatherings:photo_delete": Entry(
        staff_of_hub(302), method="post", kwargs=lambda ctx: {**GATHERING(ctx), "photo_id": ctx["photo"].pk}
    ),
    # Gatherings: the method library and agendas.
    "gatherings:method_list": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "gatherings:method_add": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "gatherings:method": Entry(METHOD_READ, kwargs=_method),
    "gatherings:method_edit": Entry(method_change(200), kwargs=_method),
    "gatherings:method_archive": Entry(method_change(200), kwargs=_method),
    "gatherings:method_restore": Entry(method_change(302), method="post", kwargs=_method),
    "gatherings:method_step_add": Entry(method_change(200), kwargs=_method),
    "gatherings:method_step_edit": Entry(method_change(200), kwargs=_method_step),
    "gatherings:method_step_remove": Entry(method_change(302), method="post", kwargs=_method_step),
    "gatherings:method_step_move": Entry(method_change(302), method="post", kwargs=_method_step),
    "gatherings:agenda": Entry(AGENDA, kwargs=GATHERING),
    # Posted empty: the page comes back with the errors.
    "gatherings:agenda_add_method": Entry(AGENDA, method="post", kwargs=GATHERING),
    "gatherings:agenda_add_item": Entry(AGENDA, method="post", kwargs=GATHERING),
    # Posted empty: an empty group agreement is saved.
    "gatherings:agenda_ground_rules": Entry(AGENDA_SAVED, method="post", kwargs=GATHERING),
    "gatherings:agenda_item_edit": Entry(AGENDA, kwargs=_agenda_item),
    "gatherings:agenda_item_remove": Entry(AGENDA_SAVED, method="post", kwargs=_agenda_item),
    "gatherings:agenda_item_move": Entry(AGENDA_SAVED, method="post", kwargs=_agenda_item),
    # Gatherings: run mode.
    "gatherings:run": Entry(
        roles(
            member=403, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=GATHERING,
    ),
    # Gatherings: calendars.
    "gatherings:gathering_calendar": Entry(
        roles(
            member=200, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=GATHERING,
    ),
    # A private feed needs no sign-in: its token is the key. A revoked token gets 404 for everyone
    # (as does an unknown one); a working one would get 200 for everyone.
    "gatherings:calendar_feed": Entry(
        everyone(404),
        kwargs=lambda ctx: {"token": ctx["hub"].calendar_feeds.create(revoked_at=timezone.now()).token},
    ),
    "gatherings:me_calendar": Entry(signed_in(200)),
    "gatherings:hub_calendar": Entry(
        roles(
            member=403, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    # Voices: joining from a phone (no account).
    # Public: anyone with the code answers; nobody needs to sign in.
    "voices:join_start": Entry(everyone(200)),
    "voices:join_answer": Entry(everyone(200), kwargs=lambda ctx: {"code": ctx["join_code"].code}),
    "voices:join_thanks": Entry(everyone(200), kwargs=lambda ctx: {"code": ctx["join_code"].code}),
    # Staff: open a gathering for phones, its questions, checking, the poster and the QR code.
    "voices:join_setup": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    # Posted empty: the page comes back with the errors.
    "voices:join_question_add": Entry(STAFF_OF_HUB, method="post", kwargs=GATHERING),
    "voices:join_question_remove": Entry(staff_of_hub(302), method="post", kwargs=_join_question),
    "voices:join_question_move": Entry(staff_of_hub(302), method="post", kwargs=_join_question),
    "voices:join_checking": Entry(STAFF_OF_HUB, method="post", kwargs=GATHERING),
    "voices:join_close": Entry(staff_of_hub(302), method="post", kwargs=GATHERING),
    "voices:join_poster": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    "voices:join_qr": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    # Voices: the live wall.
    "voices:wall": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    "voices:wall_live": Entry(STAFF_OF_HUB, kwargs=GATHERING),
    "voices:wall_hide": Entry(
        staff_of_hub(302),
        method="post",
        kwargs=lambda ctx: {**GATHERING(ctx), "contribution_id": ctx["contribution"].pk},
    ),
    "voices:wall_show": Entry(
        staff_of_hub(302),
        method="post",
        kwargs=lambda ctx: {**GATHERING(ctx), "contribution_id": ctx["contribution"].pk},
    ),
    # Voices: rapid entry.
    "voices:entry": Entry(STAFF_OF_HUB, kwargs=HUB),
    # Someone else's note (the ctx one was not typed up): staff are told it cannot be undone.
    "voices:entry_undo": Entry(
        staff_of_hub(302), method="post", kwargs=lambda ctx: {"contribution_id": ctx["contribution"].pk}
    ),
    # Voices: imports.
    "voices:import": Entry(STAFF_OF_HUB, kwargs=HUB),
    # The ctx import has no file kept: staff are told so (200); its preview sends them to the columns.
    "voices:import_job": Entry(STAFF_OF_HUB, kwargs=lambda ctx: {"job_id": ctx["import_job"].pk}),
    "voices:import_preview": Entry(staff_of_hub(302), kwargs=lambda ctx: {"job_id": ctx["import_job"].pk}),
    "voices:import_progress": Entry(STAFF_OF_HUB, kwargs=lambda ctx: {"job_id": ctx["import_job"].pk}),
    "voices:import_problems_csv": Entry(STAFF_OF_HUB, kwargs=lambda ctx: {"job_id": ctx["import_job"].pk}),
    "voices:import_again": Entry(
        staff_of_hub(302), method="post", kwargs=lambda ctx: {"job_id": ctx["import_job"].pk}
    ),
    # Voices: text messages in.
    "voices:hub_text_number": Entry(
        roles(
            member=403, other_member=404, facilitator=403, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    # Notify's callback: without its bearer token, refused for everyone (signed in or not).
    "voices:inbound_sms": Entry(everyone(403), method="post"),
    # Voices: moderation and safeguarding.
    "voices:moderation_queue": Entry(STAFF_OF_HUB, kwargs=HUB),
    "voices:safeguarding_lead": Entry(
        roles(
            member=403, other_member=404, facilitator=403, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    "voices:contribution": Entry(
        STAFF_OF_HUB, kwargs=lambda ctx: {"contribution_id": ctx["contribution"].pk}
    ),
    # An empty POST (no version) changes nothing and goes back to the queue.
    "voices:contribution_allow": Entry(
        staff_of_hub(302), method="post", kwargs=lambda ctx: {"contribution_id": ctx["contribution"].pk}
    ),
    "voices:contribution_hide": Entry(
        staff_of_hub(302), method="post", kwargs=lambda ctx: {"contribution_id": ctx["contribution"].pk}
    ),
    "voices:contribution_redact": Entry(
        staff_of_hub(302), method="post", kwargs=lambda ctx: {"contribution_id": ctx["contribution"].pk}
    ),
    "voices:contribution_safeguarding": Entry(
        STAFF_OF_HUB, kwargs=lambda ctx: {"contribution_id": ctx["contribution"].pk}
    ),
    "voices:contribution_remove_words": Entry(
        STAFF_OF_HUB, kwargs=lambda ctx: {"contribution_id": ctx["contribution"].pk}
    ),
    # Voices: browsing, search and export.
    "voices:hub_contributions": Entry(STAFF_OF_HUB, kwargs=HUB),
    "voices:hub_contributions_csv": Entry(STAFF_OF_HUB, kwargs=HUB),
    "voices:hub_contributions_xlsx": Entry(STAFF_OF_HUB, kwargs=HUB),
    # Voices: prompts.
    "voices:prompt_list": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "voices:prompt_add": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "voices:prompt_edit": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=404
        ),
        kwargs=lambda ctx: {"prompt_id": ctx["prompt"].pk},
    ),
    "voices:prompt_archive": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=200, leader=404
        ),
        kwargs=lambda ctx: {"prompt_id": ctx["prompt"].pk},
    ),
    "voices:prompt_restore": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=302, leader=404
        ),
        method="post",
        kwargs=lambda ctx: {"prompt_id": ctx["prompt"].pk},
    ),
    # Insights: themes (programme staff, two-step verified; leaders know the programme but get 403).
    "insights:themes": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "insights:theme_new": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "insights:pictures": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "insights:search": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "insights:picture_download": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=lambda ctx: {"programme_id": ctx["programme"].pk, "name": "cloud", "kind": "png"},
    ),
    "insights:run": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=lambda ctx: {"run_id": ctx["run"].pk},
    ),
    **{
        name: Entry(
            roles(
                member=404,
                other_member=404,
                facilitator=302,
                coordinator=302,
                programme_admin=302,
                leader=403,
            ),
            method="post",
            kwargs=lambda ctx: {"theme_id": ctx["theme"].pk},
        )
        for name in (
            "insights:theme_confirm",
            "insights:theme_reject",
            "insights:theme_merge",
            "insights:theme_retire",
            "insights:undo",
        )
    },
    **{
        name: Entry(
            roles(
                member=404,
                other_member=404,
                facilitator=200,
                coordinator=200,
                programme_admin=200,
                leader=403,
            ),
            kwargs=lambda ctx: {"theme_id": ctx["theme"].pk},
        )
        for name in (
            "insights:theme",
            "insights:theme_edit",
            "insights:theme_add",
            "insights:theme_split_suggest",
        )
    },
    # A split with nothing chosen: the theme's page again with the error, for those allowed.
    "insights:theme_split": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        method="post",
        kwargs=lambda ctx: {"theme_id": ctx["theme"].pk},
    ),
    # Moving a contribution between themes: programme staff, and only for a hub they run.
    **{
        name: Entry(
            roles(
                member=404,
                other_member=404,
                facilitator=302,
                coordinator=302,
                programme_admin=302,
                leader=403,
            ),
            method="post",
            kwargs=lambda ctx: {"tag_id": ctx["tag"].pk},
        )
        for name in ("insights:tag_move", "insights:tag_remove", "insights:tag_confirm")
    },
    # Enquiries: the board and each enquiry (see docs/roles-and-permissions.md).
    "enquiries:board": Entry(signed_in(200), kwargs=PROGRAMME),
    "enquiries:enquiry_add": Entry(
        roles(
            member=403, other_member=403, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=PROGRAMME,
    ),
    "enquiries:actions": Entry(
        roles(
            member=403, other_member=403, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=PROGRAMME,
    ),
    "enquiries:enquiry": Entry(
        roles(
            member=200, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=ENQUIRY,
    ),
    **{
        name: Entry(ENQUIRY_CHANGE, kwargs=ENQUIRY)
        for name in (
            "enquiries:enquiry_edit",
            "enquiries:enquiry_move",
            "enquiries:enquiry_delete",
            "enquiries:evidence",
            "enquiries:action_add",
            "enquiries:update_add",
        )
    },
    "enquiries:evidence_remove": Entry(
        roles(
            member=403, other_member=404, facilitator=302, coordinator=302, programme_admin=302, leader=403
        ),
        method="post",
        kwargs=lambda ctx: {"evidence_id": ctx["evidence"].pk},
    ),
    "enquiries:theme_link": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=lambda ctx: {"theme_id": ctx["theme"].pk},
    ),
    "enquiries:action": Entry(
        roles(
            member=200, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=ACTION,
    ),
    "enquiries:action_edit": Entry(ENQUIRY_CHANGE, kwargs=ACTION),
    "enquiries:action_delete": Entry(ENQUIRY_CHANGE, kwargs=ACTION),
    # The organisation owns the action: its leader may say how it stands (an empty form: 200).
    "enquiries:action_status": Entry(
        roles(
            member=403, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        method="post",
        kwargs=ACTION,
    ),
    "enquiries:update_delete": Entry(
        roles(
            member=403, other_member=404, facilitator=302, coordinator=302, programme_admin=302, leader=403
        ),
        method="post",
        kwargs=lambda ctx: {"update_id": ctx["update"].pk},
    ),
    # Enquiries: "you said, we did".
    **{
        name: Entry(
            roles(
                member=200,
                other_member=404,
                facilitator=200,
                coordinator=200,
                programme_admin=200,
                leader=200,
            ),
            kwargs=HUB,
        )
        for name in ("enquiries:you_said", "enquiries:you_said_poster")
    },
    # Enquiries: my impact and each contribution's journey.
    "enquiries:my_impact": Entry(signed_in(200)),
    "enquiries:contribution_journey": Entry(
        STAFF_OF_HUB, kwargs=lambda ctx: {"contribution_id": ctx["contribution"].pk}
    ),
    # Enquiries: messages to senior leaders.
    # Staff of the message's hub and the programme's admins write, change, send and delete; the leader
    # sees only what was sent to them (a draft is not yet theirs: 404). Members never see messages.
    "enquiries:messages": Entry(
        roles(
            member=403, other_member=403, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=PROGRAMME,
    ),
    "enquiries:message_add": Entry(
        roles(
            member=403, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=403
        ),
        kwargs=HUB,
    ),
    # Sent (the kwargs mark the ctx draft as sent): now the leader's too.
    "enquiries:message": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=lambda ctx: (
            LeaderMessage.objects.filter(pk=ctx["leader_message"].pk).update(
                status=LeaderMessage.Status.SENT, sent_at=timezone.now()
            ),
            {"message_id": ctx["leader_message"].pk},
        )[1],
    ),
    **{
        name: Entry(
            roles(
                member=404,
                other_member=404,
                facilitator=status,
                coordinator=status,
                programme_admin=status,
                leader=404,
            ),
            method=method,
            kwargs=lambda ctx: {"message_id": ctx["leader_message"].pk},
        )
        for name, method, status in (
            ("enquiries:message_edit", "get", 200),
            ("enquiries:message_send", "post", 302),
            ("enquiries:message_delete", "get", 200),
        )
    },
    # Replying to a sent message: its leader, and admins (recording a reply given another way).
    "enquiries:message_reply": Entry(
        roles(
            member=404, other_member=404, facilitator=403, coordinator=403, programme_admin=200, leader=200
        ),
        kwargs=lambda ctx: (
            LeaderMessage.objects.filter(pk=ctx["leader_message"].pk).update(
                status=LeaderMessage.Status.SENT, sent_at=timezone.now()
            ),
            {"message_id": ctx["leader_message"].pk},
        )[1],
    ),
    # A commitment made in a reply: its leader, the hub's staff and admins keep it up to date.
    "enquiries:commitment_status": Entry(
        roles(
            member=404, other_member=404, facilitator=200, coordinator=200, programme_admin=200, leader=200
        ),
        kwargs=lambda ctx: (
            LeaderMessage.objects.filter(pk=ctx["leader_message"].pk).update(
                status=LeaderMessage.Status.REPLIED,
                sent_at=timezone.now(),
                reply="Yes",
                replied_at=timezone.now(),
            ),
            {
                "message_id": ctx["leader_message"].pk,
                "action_id": Action.objects.create(
                    programme=ctx["programme"],
                    message=ctx["leader_message"],
                    what="Come to a session in May",
                    owner=ctx["leader_message"].leader,
                    organisation=ctx["organisation"],
                ).pk,
            },
        )[1],
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


def first_allowed(
    method: str, order: Sequence[str], allowed: Callable[[int], bool]
) -> Iterator[tuple[str, str]]:
    """Each URL name of the matrix that takes ``method``, with the first persona in ``order`` whose
    expected answer ``allowed`` accepts (names no one of them is allowed are left out)."""
    for name, entry in sorted(MATRIX.items()):
        if entry.method == method:
            persona = next((p for p in order if allowed(entry.expect[p])), None)
            if persona:
                yield name, persona


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


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The programme, its hubs, the personas and one of every kind of object, made once for the
    module inside a transaction that is rolled back at its end. Each test runs in a savepoint of
    it (pytest-django's ``db``), so what a test changes is undone before the next, as usual."""
    with django_db_blocker.unblock(), transaction.atomic():
        programme = make_programme()
        hub, other_hub = make_hub(programme), make_other_hub(programme)
        organisation = make_organisation(programme)
        personas = make_personas(programme, hub, other_hub, organisation)
        yield {"personas": personas, "ctx": make_ctx(programme, hub, other_hub, organisation, personas)}
        transaction.set_rollback(True)  # nothing made here outlives the module


@pytest.fixture
def personas(db: None, world: dict[str, Any]) -> dict[str, Any]:
    """The module's personas (``client_for`` signs them in)."""
    return world["personas"]


@pytest.fixture
def ctx(db: None, world: dict[str, Any]) -> dict[str, Any]:
    return world["ctx"]


def make_ctx(programme: Any, hub: Any, other_hub: Any, organisation: Any, personas: Any) -> dict[str, Any]:
    WorkerHeartbeat.objects.create(worker_id="test", last_seen=timezone.now())
    person = personas["member"].person
    # The member agreed to their support needs and plan being kept, and asked for a copy of their data.
    Consent.objects.create(
        person=person, purpose=Consent.Purpose.STORE_SUPPORT, how="written", given_on=timezone.localdate()
    )
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    gathering = Gathering.objects.create(
        hub=hub,
        kind="over_a_brew",
        title="Over A Brew",
        starts_at=tomorrow,
        ends_at=tomorrow + datetime.timedelta(hours=2),
    )
    registration = Registration.objects.create(gathering=gathering, person=person)
    photo = Photo.objects.create(gathering=gathering, image=ContentFile(PNG, name="photo.png"))
    call = Reminder.objects.create(
        registration=registration,
        for_start=gathering.starts_at,
        channel="phone",
        outcome=Reminder.Outcome.CALL,
    )
    prompt = Prompt.objects.create(programme=programme, text="What would make this hub better?")
    join_code = JoinCode.objects.create(
        gathering=gathering, open_until=gathering.ends_at + datetime.timedelta(days=7)
    )
    contribution = Contribution.objects.create(
        hub=hub,
        gathering=gathering,
        prompt=prompt,
        text="More evening sessions",
        said_at=timezone.now(),
        channel="phone",
    )
    import_job = ImportJob.objects.create(hub=hub, filename="notes.csv", digest="0" * 64)
    run = ThemingRun.objects.create(programme=programme, kind="suggest", state="done", total=1, done=1)
    theme = Theme.objects.create(programme=programme, name="Evenings", status="suggested", run=run)
    tag = Tag.objects.create(contribution=contribution, theme=theme, source="machine", confirmed=False)
    enquiry = Enquiry.objects.create(programme=programme, title="Evening sessions", framing="Too few")
    enquiry.hubs.add(hub)
    evidence = Evidence.objects.create(enquiry=enquiry, theme=theme)
    action = Action.objects.create(
        programme=programme, enquiry=enquiry, what="Open on Thursdays", organisation=organisation
    )
    update = Update.objects.create(enquiry=enquiry, action=action, text="We opened on Thursdays")
    leader_message = LeaderMessage.objects.create(
        programme=programme, hub=hub, text="Please come to a session", leader=personas["leader"]
    )
    return {
        "enquiry": enquiry,
        "evidence": evidence,
        "action": action,
        "update": update,
        "leader_message": leader_message,
        "run": run,
        "theme": theme,
        "tag": tag,
        "programme": programme,
        "hub": hub,
        "prompt": prompt,
        "join_code": join_code,
        "contribution": contribution,
        "import_job": import_job,
        "gathering": gathering,
        "registration": registration,
        "photo": photo,
        "call": call,
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
    name: str,
    ctx: dict[str, Any],
    personas: dict[str, Any],
    client_for: Callable[..., Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint

    # A PDF's words cannot be read back from its bytes: read the HTML it was made from.
    pdf_sources: list[str] = []
    real_html = weasyprint.HTML

    def recording_html(*args: Any, **kwargs: Any) -> Any:
        pdf_sources.append(kwargs.get("string", ""))
        return real_html(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording_html)
    response = client_for(LEADER).get(reverse(name, kwargs=MATRIX[name].kwargs(ctx)))
    if response["Content-Type"] == "application/pdf":
        assert pdf_sources, f"{name}: a PDF not made with weasyprint.HTML(string=...)"
        page = "\n".join(pdf_sources)
    else:
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
