"""Run mode: the page a facilitator puts on a laptop or a shared screen while a session runs.

Everything the page needs is embedded in it as JSON (``json_script``), so once it has loaded
the timers, turns and group agreement work with no network at all. Without JavaScript the
page is the plan of the session: its steps with their times, and the group agreement.

Read-only: nothing is written, so there is no service function.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sidebyside.gatherings.access import check_gathering, get_gathering_for
from sidebyside.gatherings.models import Gathering, Registration, Step

# With nobody registered, a step in turns starts with this many "Speaker N" placeholders
# (worked out from the step's time where it can be), which the facilitator then changes.
MIN_PLACEHOLDERS = 2
MAX_PLACEHOLDERS = 12
DEFAULT_PLACEHOLDERS = 4


def ground_rules(gathering: Gathering) -> list[str]:
    """The group agreement, one rule a line; blank lines and leading bullet marks dropped."""
    rules = []
    for line in gathering.ground_rules.splitlines():
        rule = line.strip().lstrip("-*•").strip()
        if rule:
            rules.append(rule)
    return rules


def _first_name(full_name: str, known_as: str) -> str:
    if known_as.strip():
        return known_as.strip()
    parts = full_name.split()
    return parts[0] if parts else ""


def speaker_names(gathering: Gathering) -> list[str]:
    """The names of those coming, as they are called in the room: first name or "known as".

    Only first names reach the page; where two people share one, the initial of the rest of
    their name tells them apart. One query.
    """
    users = [
        registration.person.user
        for registration in Registration.objects.filter(
            gathering=gathering,
            status=Registration.Status.REGISTERED,
            person__erased_at__isnull=True,
            person__user__is_active=True,
        ).select_related("person__user")
    ]
    firsts = [_first_name(user.full_name, user.known_as) for user in users]
    counts = Counter(firsts)
    names = []
    for user, first in zip(users, firsts, strict=True):
        if not first:
            continue
        rest = user.full_name.split()[1:] if not user.known_as.strip() else []
        if counts[first] > 1 and rest:
            first = f"{first} {rest[-1][0]}."
        names.append(first)
    return sorted(names, key=str.casefold)


def placeholders(steps: list[Step]) -> list[str]:
    in_turns = [step for step in steps if step.minutes_each]
    counts = [step.minutes // step.minutes_each for step in in_turns if step.minutes and step.minutes_each]
    count = max(counts) if counts else DEFAULT_PLACEHOLDERS
    count = min(max(count, MIN_PLACEHOLDERS), MAX_PLACEHOLDERS)
    return [f"Speaker {number}" for number in range(1, count + 1)]


def run_data(gathering: Gathering, steps: list[Step]) -> dict[str, Any]:
    """What run-mode.js needs, all of it: nothing is fetched once the page has loaded."""
    in_turns = any(step.minutes_each for step in steps)
    names = speaker_names(gathering) if in_turns else []
    return {
        "title": gathering.title,
        "steps": [
            {
                "title": step.title,
                "guidance": step.guidance,
                "minutes": step.minutes,
                "minutes_each": step.minutes_each or None,
            }
            for step in steps
        ],
        "ground_rules": ground_rules(gathering),
        "speakers": names if names else (placeholders(steps) if in_turns else []),
        "speakers_are_placeholders": in_turns and not names,
    }


@login_required
@require_GET
def run_mode(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = get_gathering_for(request.user, gathering_id, "run")
    # The page names who is coming (first names only): staff verify first, as for any such page.
    check_gathering(request.user, gathering, "attendees")
    steps = list(Step.objects.filter(gathering=gathering))
    return render(
        request,
        "gatherings/run.html",
        {
            "gathering": gathering,
            "hub": gathering.hub,
            "steps": steps,
            "ground_rules": ground_rules(gathering),
            "run_data": run_data(gathering, steps) if steps else None,
        },
    )
