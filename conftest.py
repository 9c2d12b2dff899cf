"""Shared fixtures: one programme with two hubs, and a persona for every role.

Personas (as in the permission matrix):
anonymous, member (of hub A), other_member (of hub B only), facilitator (hub A),
coordinator (hub A), programme_admin, leader (partner/leader, programme-wide).
Staff personas are two-step verified by ``client_for`` unless asked otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from sidebyside.accounts.models import User
from sidebyside.hubs.models import Hub, Membership, Organisation, Programme

pytest_plugins = ["tests.fakes.notify"]

PASSWORD = "correct horse battery staple"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remove WAL side files left by an SQLite test database that was already deleted.

    Django deletes the test database file at the end of a run, but not its -wal and -shm
    files; a new database of the same name then fails with "disk I/O error".
    """
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and name:
        path = Path(name)
        if not path.exists():
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _fresh_join_cache() -> None:
    """Each test starts with no join code remembered (``voices.join_cache``)."""
    from sidebyside.voices import join_cache

    join_cache.forget()


PERSONAS = ("anonymous", "member", "other_member", "facilitator", "coordinator", "programme_admin", "leader")


def make_programme() -> Programme:
    return Programme.objects.create(name="Test Programme", area="Testshire")


def make_hub(programme: Programme) -> Hub:
    return Hub.objects.create(programme=programme, name="Hub A", locality="Alphaville", stage="established")


def make_other_hub(programme: Programme) -> Hub:
    return Hub.objects.create(programme=programme, name="Hub B", locality="Betatown", stage="started")


def make_organisation(programme: Programme) -> Organisation:
    return Organisation.objects.create(programme=programme, name="Testshire Council", kind="council")


@pytest.fixture
def programme(db: Any) -> Programme:
    return make_programme()


@pytest.fixture
def hub(programme: Programme) -> Hub:
    return make_hub(programme)


@pytest.fixture
def other_hub(programme: Programme) -> Hub:
    return make_other_hub(programme)


@pytest.fixture
def organisation(programme: Programme) -> Organisation:
    return make_organisation(programme)


# Distinctive fictional names, so a test can search a page for them.
FULL_NAMES = {
    "member": "Marnie Quillfeather",
    "other_member": "Osric Threlkeld",
    "facilitator": "Fenella Ambridge",
    "coordinator": "Corin Vasquez-Hale",
    "programme_admin": "Petra Okonkwo-Lind",
    "leader": "Leopold Farthingale",
}


def make_user(name: str, *, expertise: str = "experience", password: str | None = PASSWORD) -> User:
    return User.objects.create_user(
        email=f"{name.replace('_', '.')}@example.org",
        password=password,
        full_name=FULL_NAMES.get(name, name.replace("_", " ").title()),
        expertise=expertise,
    )


@pytest.fixture
def personas(
    programme: Programme, hub: Hub, other_hub: Hub, organisation: Organisation
) -> dict[str, User | None]:
    return make_personas(programme, hub, other_hub, organisation)


def make_personas(
    programme: Programme, hub: Hub, other_hub: Hub, organisation: Organisation
) -> dict[str, User | None]:
    R = Membership.Role
    people: dict[str, User | None] = {"anonymous": None}
    specs = [
        ("member", hub, R.MEMBER, "experience", None),
        ("other_member", other_hub, R.MEMBER, "experience", None),
        ("facilitator", hub, R.FACILITATOR, "both", None),
        ("coordinator", hub, R.COORDINATOR, "profession", organisation),
        ("programme_admin", None, R.PROGRAMME_ADMIN, "profession", organisation),
        ("leader", None, R.LEADER, "profession", organisation),
    ]
    for name, scope, role, expertise, org in specs:
        user = make_user(name, expertise=expertise, password=None if role == R.MEMBER else PASSWORD)
        Membership.objects.create(user=user, programme=programme, hub=scope, role=role, organisation=org)
        people[name] = user
    return people


def verify_session(client: Client, user: User) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator and mark the client's session as verified."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def client_for(personas: dict[str, User | None]) -> Callable[..., Client]:
    def make(persona: str, *, verified: bool = True) -> Client:
        client = Client()
        user = personas[persona]
        if user is not None:
            client.force_login(user)
            if verified and user.has_usable_password():
                verify_session(client, user)
        return client

    return make


def sealed(params: dict[str, Any], words: str = "q") -> dict[str, Any]:
    """``params`` for a search page's address, as its posted form leads to it: ``words`` sealed."""
    from sidebyside.core.sealed import LONGEST_WORDS, SEALED, seal

    found = dict(params)
    typed = str(found.pop(words, "") or "").strip()[:LONGEST_WORDS]
    if typed:
        found[SEALED] = seal(typed)
    return found
