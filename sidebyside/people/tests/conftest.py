from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from sidebyside.people.models import Consent, Person


def agree(person: Person, purpose: str, level: str = "", **extra: Any) -> Consent:
    """Record a consent directly (tests of other things than consent itself)."""
    extra.setdefault("given_on", timezone.localdate())
    return Consent.objects.create(person=person, purpose=purpose, level=level, how="written", **extra)


@pytest.fixture
def member_person(personas: dict[str, Any]) -> Person:
    return personas["member"].person
