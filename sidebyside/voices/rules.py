"""Who may do what with contributions, as django-rules predicates.

Contributions can hold anything people chose to say, so only the hub's staff and the
programme's admins see them before they are reported on; the words before redaction only
coordinators and admins. Anyone with a gathering's open join code may add one (no account).
The table in words is ``docs/roles-and-permissions.md``.
"""

from __future__ import annotations

import rules

from sidebyside.gatherings.rules import is_programme_admin, is_staff_in_programme, role, runs_hub
from sidebyside.hubs.models import Membership

R = Membership.Role

coordinates_hub = role(R.COORDINATOR, programme_wide=(R.PROGRAMME_ADMIN,))

rules.add_perm("voices.view_contributions", runs_hub)
rules.add_perm("voices.enter_contributions", runs_hub)
rules.add_perm("voices.moderate", runs_hub)
rules.add_perm("voices.import", runs_hub)
rules.add_perm("voices.view_original", coordinates_hub)
rules.add_perm("voices.set_safeguarding_lead", coordinates_hub)
rules.add_perm("voices.set_text_number", coordinates_hub)
rules.add_perm("voices.view_prompts", is_staff_in_programme)
rules.add_perm("voices.change_prompts", is_staff_in_programme)
rules.add_perm("voices.archive_prompts", is_programme_admin)

PERSONAL_DATA_PERMISSIONS = frozenset(
    {
        "voices.view_contributions",
        "voices.enter_contributions",
        "voices.moderate",
        "voices.import",
        "voices.view_original",
    }
)
