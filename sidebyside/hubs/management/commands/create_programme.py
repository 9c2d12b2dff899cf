"""Start a new installation: a programme and its first programme admin.

There is no admin site (ADR 9), so this is how an operator creates the first
account; everything after that is done in the service's own pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sidebyside.accounts.models import User
from sidebyside.accounts.services import sign_in_link_create
from sidebyside.core.audit import audit
from sidebyside.hubs.models import Membership, Programme
from sidebyside.hubs.services import membership_add


class Command(BaseCommand):
    help = "Create a programme and its first programme admin, and print a sign-in link for them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the programme's name")
        parser.add_argument("--area", required=True, help="the area it covers")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", required=True, help="the admin's full name")

    def handle(
        self, *args: Any, name: str, area: str, admin_email: str, admin_name: str, **options: Any
    ) -> None:
        if Programme.objects.filter(name__iexact=name.strip()).exists():
            raise CommandError(f"There is already a programme called {name.strip()}.")
        try:
            with transaction.atomic():
                programme = Programme(name=name.strip(), area=area.strip())
                programme.full_clean()
                programme.save()
                audit(actor=None, action="programme.created", obj=programme)
                admin = User.objects.filter(email__iexact=admin_email.strip()).first()
                if admin is None:
                    admin = User.objects.create_user(
                        email=admin_email.strip(),
                        full_name=admin_name.strip(),
                        expertise=User.Expertise.PROFESSION,
                    )
                membership_add(
                    actor=None, user=admin, programme=programme, role=Membership.Role.PROGRAMME_ADMIN
                )
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(f"Nothing was created: {problems}") from None
        self.stdout.write(f"Created {programme.name}, with {admin.display_name} as programme admin.")
        self.stdout.write("Their sign-in link (works once; they will set up two-step verification):")
        self.stdout.write(sign_in_link_create(user=admin))
