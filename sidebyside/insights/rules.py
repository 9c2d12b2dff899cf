"""Who may do what with themes, as django-rules predicates.

Themes are built from contributions, so the same people who may read a hub's contributions may
see themes and tag contributions (the hub's staff and the programme's admins). Suggesting themes
with the machine, confirming, merging and retiring them is programme-wide work: staff anywhere
in the programme. The table in words is ``docs/roles-and-permissions.md``.
"""

from __future__ import annotations

import rules

from sidebyside.gatherings.rules import is_staff_in_programme, runs_hub

rules.add_perm("insights.view_themes", is_staff_in_programme)
rules.add_perm("insights.change_themes", is_staff_in_programme)
rules.add_perm("insights.tag", runs_hub)

PERSONAL_DATA_PERMISSIONS = frozenset({"insights.tag"})
