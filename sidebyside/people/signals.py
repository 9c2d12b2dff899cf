"""Every user has a people record: it is created with the user, whichever code made the user.

``accounts`` sits below ``people`` and cannot create the record itself; this one
receiver keeps the invariant without every caller having to remember it.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from sidebyside.accounts.models import User
from sidebyside.people.models import Person


@receiver(post_save, sender=User, dispatch_uid="people_person_for_every_user")
def _create_person(
    sender: type[User], instance: User, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        Person.objects.get_or_create(user=instance)
