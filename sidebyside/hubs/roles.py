"""What a user is, per programme and per hub, loaded once per request.

Every predicate in ``rules.py`` reads from this snapshot, so checking many
permissions on a page costs one query, whatever the number of hubs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sidebyside.hubs.models import Membership

_CACHE_ATTR = "_sidebyside_roles"


@dataclass(frozen=True)
class Roles:
    programme_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    hub_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    hub_programme: dict[int, int] = field(default_factory=dict)

    def in_programme(self, programme_id: int) -> frozenset[str]:
        roles = set(self.programme_roles.get(programme_id, ()))
        for hub_id, programme in self.hub_programme.items():
            if programme == programme_id:
                roles |= self.hub_roles.get(hub_id, frozenset())
        return frozenset(roles)

    def in_hub(self, hub_id: int) -> frozenset[str]:
        return self.hub_roles.get(hub_id, frozenset())

    def programme_ids(self) -> set[int]:
        return set(self.programme_roles) | set(self.hub_programme.values())


def roles_of(user: Any) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    programme_roles: dict[int, set[str]] = {}
    hub_roles: dict[int, set[str]] = {}
    hub_programme: dict[int, int] = {}
    rows = Membership.objects.filter(user_id=user.pk, ended_at__isnull=True).values_list(
        "programme_id", "hub_id", "role"
    )
    for programme_id, hub_id, role in rows:
        if hub_id is None:
            programme_roles.setdefault(programme_id, set()).add(role)
        else:
            hub_roles.setdefault(hub_id, set()).add(role)
            hub_programme[hub_id] = programme_id
    snapshot = Roles(
        {k: frozenset(v) for k, v in programme_roles.items()},
        {k: frozenset(v) for k, v in hub_roles.items()},
        hub_programme,
    )
    setattr(user, _CACHE_ATTR, snapshot)
    return snapshot
